"""Wagtail's user admin with the QMS fields of a person and the rule of who may change what.

The forms hold the acting person (`actor`) so that they offer only what that person
may change (qms.core.people); the history lists the person's django-simple-history
trail, roles included (ISO 9001 5.3, 7.5.3), instead of Wagtail's log entries,
which know nothing of roles.
"""

from dataclasses import dataclass

from django.contrib import messages
from django.shortcuts import redirect
from django.utils.functional import cached_property
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from wagtail.admin.ui.tables import Column, DateColumn
from wagtail.users.views import groups as wagtail_groups
from wagtail.users.views import users as wagtail_users

from . import roles, selectors
from .forms import QmsUserCreationForm, QmsUserEditForm


class ActorFormMixin:
    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "actor": self.request.user}


class CreateView(ActorFormMixin, wagtail_users.CreateView):
    pass


class EditView(ActorFormMixin, wagtail_users.EditView):
    pass


@dataclass
class _Row:
    changes: str
    reason: str
    by: str
    timestamp: object


class PersonHistoryView(wagtail_users.HistoryView):
    """Who changed this person's account, roles or active flag, when, from what to what, and why."""

    filterset_class = None
    default_ordering = None
    paginate_by = 50

    @cached_property
    def columns(self):
        return [
            Column("changes", label=_("Changes")),
            Column("reason", label=_("Reason"), width="25%"),
            Column("by", label=_("Who"), width="15%"),
            DateColumn("timestamp", label=_("When"), width="15%"),
        ]

    def get_base_queryset(self):
        return [
            _Row("; ".join(entry.changes) or gettext("Created"), entry.reason, entry.by, entry.timestamp)
            for entry in selectors.person_history(self.object)
        ]

    def search_queryset(self, queryset):
        return queryset


class UserViewSet(wagtail_users.UserViewSet):
    """Wagtail's user admin, with each person's unit, manager, language and digest choice."""

    create_template_name = "core/users/create.html"
    edit_template_name = "core/users/edit.html"
    add_view_class = CreateView
    edit_view_class = EditView
    history_view_class = PersonHistoryView
    # A copy would carry the roles of another person without anyone choosing them.
    copy_view_enabled = False

    def get_form_class(self, for_update=False):
        return QmsUserEditForm if for_update else QmsUserCreationForm


class RoleGroupReadOnlyMixin:
    """A role group's page shows its rights read-only; a POST changes nothing (qms.core.roles)."""

    def post(self, request, *args, **kwargs):
        group = self.get_object()
        try:
            roles.check_group_editable(group)
        except roles.RoleGroupReadOnly as refusal:
            messages.error(request, str(refusal))
            return redirect("wagtailusers_groups:edit", group.pk)
        return super().post(request, *args, **kwargs)


class GroupEditView(RoleGroupReadOnlyMixin, wagtail_groups.EditView):
    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["role_group"] = roles.is_role_group(self.object)
        context["role_group_note"] = roles.role_group_note()
        return context


class GroupDeleteView(RoleGroupReadOnlyMixin, wagtail_groups.DeleteView):
    pass


class GroupViewSet(wagtail_groups.GroupViewSet):
    edit_template_name = "core/groups/edit.html"
    edit_view_class = GroupEditView
    delete_view_class = GroupDeleteView
