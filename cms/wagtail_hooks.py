"""Admin registration for controlled documents (ISO 9001 7.5): log actions, menus, the master list,
read-only version and review records.
"""

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.compare import register_comparison_class
from wagtail.admin.menu import MenuItem
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.fields import RichTextField
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy

from qms.core import demo as core_demo
from qms.core import roles, site

from .compare import RichTextByBlockComparison
from .models import READING_ROUTES_HOOK, DocumentApprovalTask, DocumentReview, DocumentVersion, ProcessDocumentPage
from .views import admin as admin_views
from .views import follow_ups as follow_up_views
from .views import pages as page_views

# The process document page's reading routes (current, print, superseded versions, compare).
hooks.register(READING_ROUTES_HOOK, page_views.routes)


@hooks.register("qms_data_names")
def approval_workflow_names():
    """The approval workflow's and its steps' names, as migration 0005 stores them (qms.core.workflow_names
    shows them in the reader's language)."""
    from importlib import import_module

    workflow = import_module("cms.migrations.0005_document_approval_workflow")
    return [workflow.WORKFLOW_NAME, *(task for task, _group in workflow.TASKS)]


@hooks.register("qms_group_names")
def process_owner_group_names():
    """Each unit's process-owners group ("Process owners QA"), named for people in their language."""
    from .owners import owners_group_label

    return [owners_group_label]


@hooks.register("register_log_actions")
def register_document_log_actions(actions):
    actions.register_action("cms.withdraw", _("Withdraw"), _("Withdrawn (obsolete)"))
    # A review brought forward by a change the document rests on (qms.procedures: legal basis, status).
    actions.register_action("cms.review_requested", _("Review requested"), _("Review brought forward"))


@hooks.register("before_serve_document")
def protect_internal_forms(document, request):
    """Wagtail's document serve view asks this before sending a file (ISO 9001 7.5.3.1 b): the forms
    of internal procedures need a log-in, as the procedures do (the rule: `cms.read_form_file`, cms/rules.py).
    Wagtail's own collection view restrictions (its own hook) apply as well."""
    if request.user.has_perm("cms.read_form_file", document):
        return None
    return redirect_to_login(request.get_full_path())


@hooks.register("before_edit_page")
def explain_withheld_approval(request, page):
    """Tell a reviewer or approver why the editor offers them no Approve (ISO 9001 5.3, 7.5.2 c)."""
    if request.method != "GET" or not page.workflow_in_progress:
        return None
    task = page.current_workflow_task
    task = task.specific if task is not None else None
    if isinstance(task, DocumentApprovalTask) and task.get_actions(page, request.user):
        refusal = task.approval_refusal(page, request.user)
        if refusal:
            messages.warning(request, refusal)
    return None


@hooks.register("before_edit_page")
def publish_only_through_the_workflow(request, page):
    """A process document becomes effective only through `document_publish` (ISO 9001 7.5.2 c, 7.5.3.2):
    the approval workflow's end, the import or scheduled go-live. The editor's own Publish would put a
    revision in force with no version record, supersession or distribution, so it is refused for
    everyone, administrators included (ordinary roles lack the permission anyway)."""
    if request.method == "POST" and "action-publish" in request.POST and isinstance(page.specific, ProcessDocumentPage):
        messages.error(request, _("A process document takes effect through its approval workflow: submit it."))
        return redirect("wagtailadmin_pages:edit", page.pk)
    return None


@hooks.register("construct_page_action_menu")
def no_direct_publish_of_documents(menu_items, request, context):
    page = context.get("page")
    if page is not None and isinstance(page.specific, ProcessDocumentPage):
        menu_items[:] = [item for item in menu_items if getattr(item, "name", "") != "action-publish"]


@hooks.register("before_bulk_action")
def no_bulk_publish_of_documents(request, action_type, objects, action_class_instance):
    if action_type == "publish" and any(isinstance(obj.specific, ProcessDocumentPage) for obj in objects):
        messages.error(request, _("A process document takes effect through its approval workflow: submit it."))
        return redirect(request.META.get("HTTP_REFERER") or reverse("wagtailadmin_home"))
    return None


# Rich text changes only when its text does, and list items stay apart (see cms.compare).
register_comparison_class(RichTextField, comparison_class=RichTextByBlockComparison)

# An approver may not open the document's listing, where Wagtail would send her after approving.
hooks.register("after_edit_page", admin_views.after_edit_leave_for_a_page_they_may_see)


@hooks.register("register_admin_urls")
def register_document_admin_urls():
    return [
        path("documents/register/", admin_views.MasterListView.as_view(), name="cms_register"),
        path(
            "documents/register/results/",
            admin_views.MasterListView.as_view(results_only=True),
            name="cms_register_results",
        ),
        path("documents/<int:page_id>/review/", admin_views.review_create, name="cms_review"),
        path("documents/<int:page_id>/withdraw/", admin_views.withdraw, name="cms_withdraw"),
        path("documents/follow-ups/", follow_up_views.index, name="cms_follow_ups"),
        path("documents/follow-ups/<int:follow_up_id>/retry/", follow_up_views.retry, name="cms_follow_up_retry"),
    ]


class RegisterMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm("cms.read_register")


@hooks.register("register_admin_menu_item")
def register_master_list_menu_item():
    return RegisterMenuItem(_("Master list of documents"), reverse("cms_register"), icon_name="doc-full", order=250)


class ReadOnlyPermissionPolicy(ModelPermissionPolicy):
    """Version and review records are evidence: nobody adds, changes or deletes them in the admin,
    not even a superuser (they are written only by cms.services)."""

    def user_has_permission(self, user, action):
        if action in ("add", "change", "delete"):
            return False
        return super().user_has_permission(user, action)

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)

    def users_with_any_permission(self, actions):
        actions = [action for action in actions if action not in ("add", "change", "delete")]
        if not actions:
            return super().users_with_any_permission(["view"]).none()
        return super().users_with_any_permission(actions)

    def user_has_permission_for_instance(self, user, action, instance):
        return self.user_has_permission(user, action)

    def instances_user_has_permission_for(self, user, action):
        if action in ("add", "change", "delete"):
            return self.model._default_manager.none()
        return super().instances_user_has_permission_for(user, action)


register_permission_policy(DocumentVersion, ReadOnlyPermissionPolicy(DocumentVersion), exact_class=True)
register_permission_policy(DocumentReview, ReadOnlyPermissionPolicy(DocumentReview), exact_class=True)


class DocumentVersionViewSet(ModelViewSet):
    model = DocumentVersion
    icon = "history"
    menu_label = _("Effective versions")
    inspect_view_enabled = True
    list_display = ["page", "number", "effective_date", "approved_by", "superseded_at"]
    list_filter = ["effective_date", "page__unit"]
    search_fields = ["page__identifier", "page__title", "change_summary"]
    inspect_view_fields = [
        "page",
        "number",
        "revision",
        "effective_date",
        "change_summary",
        "reviewed_by",
        "reviewed_at",
        "approved_by",
        "approved_at",
        "published_by",
        "created_at",
        "note",
        "superseded_at",
        "superseded_by",
    ]
    copy_view_enabled = False
    # No form is ever shown: the permission policy refuses add and change to everyone.
    form_fields: list = []


class DocumentReviewViewSet(ModelViewSet):
    model = DocumentReview
    icon = "tasks"
    menu_label = _("Periodic reviews")
    inspect_view_enabled = True
    list_display = ["page", "outcome", "reviewed_by", "reviewed_at", "next_review_date"]
    list_filter = ["outcome", "reviewed_at"]
    search_fields = ["page__identifier", "comment"]
    inspect_view_fields = ["page", "version", "outcome", "comment", "reviewed_by", "reviewed_at", "next_review_date"]
    copy_view_enabled = False
    # No form is ever shown: the permission policy refuses add and change to everyone.
    form_fields: list = []


class DocumentRecordsGroup(ViewSetGroup):
    menu_label = _("Document records")
    menu_icon = "doc-full-inverse"
    menu_order = 260
    items = (DocumentVersionViewSet("cms_versions"), DocumentReviewViewSet("cms_reviews"))


@hooks.register("register_admin_viewset")
def register_document_records():
    return DocumentRecordsGroup()


@hooks.register("qms_importers")
def document_importers():
    from . import imports

    return [imports.DOCUMENT_REGISTER]


@hooks.register("qms_role_permissions")
def document_role_permissions():
    records = ["cms.view_documentversion", "cms.view_documentreview"]
    return [(role, records) for role in (roles.QUALITY_OFFICERS, roles.AUDITORS, roles.APPROVERS)]


@hooks.register("qms_site_nav")
def document_nav():
    return [site.NavItem(_("Documents"), "cms:documents", order=10)]


@hooks.register("qms_demo_seeders")
def document_demo_seeders():
    from .demo import seed

    return [core_demo.Seeder("cms", seed, order=10)]


@hooks.register("qms_reminder_providers")
def document_reminder_providers():
    from . import reminders

    return [
        reminders.document_reviews,
        reminders.revisions_awaiting_your_decision,
        reminders.publication_follow_ups_failed,
    ]


@hooks.register("qms_document_review_requests")
def document_review_requests():
    """Reviews brought forward when an administrative procedure a document implements changes (qms.procedures)."""
    from .services import document_review_request

    return [document_review_request]


@hooks.register("qms_indicator_computations")
def document_indicator_computations():
    from . import indicators

    return indicators.COMPUTATIONS


@hooks.register("qms_review_inputs")
def review_inputs():
    from . import review_inputs

    return review_inputs.INPUTS
