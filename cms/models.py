"""The Wagtail site: the home page and the controlled process documents (ISO 9001 7.5).

Page tree: HomePage -> DocumentIndexPage (one per organisation unit) -> ProcessDocumentPage.
A document's content lives in Wagtail revisions; each publication is recorded as an
immutable `DocumentVersion` (7.5.2 c review and approval, 7.5.3.2 c control of changes),
each periodic review as an immutable `DocumentReview`.
"""

from django.conf import settings
from django.db import models
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from simple_history.models import HistoricalRecords
from wagtail import blocks, hooks
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin
from wagtail.fields import RichTextField, StreamField
from wagtail.models import GroupApprovalTask, Orderable, Page, PageManager
from wagtail.query import PageQuerySet
from wagtail.search import index

from . import duties

# The reading views of a process document (current version, superseded versions, print, compare) are
# registered by cms.views.pages under this Wagtail hook: they read the models, so the model reaches them
# through registration rather than an import (no import loop inside cms, DESIGN.md section 4).
READING_ROUTES_HOOK = "qms_document_reading_routes"


class HomePage(Page):
    """The organisation's front page: what staff land on after logging in."""

    intro = RichTextField(_("introduction"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    max_count = 1
    subpage_types = ["cms.DocumentIndexPage"]

    class Meta:
        verbose_name = _("home page")

    def get_context(self, request, *args, **kwargs):
        from qms.core.site import home_panels

        context = super().get_context(request, *args, **kwargs)
        context["panels"] = home_panels(request)
        return context


class DocumentIndexPage(Page):
    """The documents of one organisation unit; per-unit edit rights hang on this page."""

    unit = models.OneToOneField(
        "core.OrganisationUnit",
        verbose_name=_("unit"),
        on_delete=models.PROTECT,
        related_name="document_index",
    )
    intro = RichTextField(_("introduction"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("unit"), FieldPanel("intro")]
    parent_page_types = ["cms.HomePage"]
    subpage_types = ["cms.ProcessDocumentPage"]

    class Meta:
        verbose_name = _("document index")
        verbose_name_plural = _("document indexes")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["documents"] = ProcessDocumentPage.objects.current_for(request.user).child_of(self)
        return context


class StepBlock(blocks.StructBlock):
    """A step of the process: who does what, in how long (ISO 9001 8.5.1 b, 8.5.1 d).

    `time_limit` is the older free text and stays for the steps written before; `duration` and
    `duration_unit` are the structured time a submission checks against the statutory time of the
    administrative procedures the document implements (qms.procedures.time_limits)."""

    ROLES = [
        ("one_stop", pgettext_lazy("step role", "One-stop desk officer")),
        ("specialist", pgettext_lazy("step role", "Specialist")),
        ("unit_head", pgettext_lazy("step role", "Head of unit")),
        ("leadership", pgettext_lazy("step role", "Leadership of the department")),
        ("other_agency", pgettext_lazy("step role", "Coordinating agency")),
    ]
    UNITS = [("working_days", _("working days")), ("working_hours", _("working hours"))]

    step = blocks.TextBlock(label=_("step"))
    responsible = blocks.CharBlock(label=_("responsible"), max_length=200)
    role = blocks.ChoiceBlock(choices=ROLES, label=_("responsible role"), required=False)
    duration = blocks.DecimalBlock(label=_("time allowed"), min_value=0, max_digits=6, decimal_places=1, required=False)
    duration_unit = blocks.ChoiceBlock(choices=UNITS, label=_("unit of time"), required=False, default="working_days")
    time_limit = blocks.CharBlock(label=_("time limit"), max_length=100, required=False)
    output = blocks.CharBlock(label=_("output"), max_length=300, required=False)

    class Meta:
        icon = "list-ol"
        label = _("step")
        template = "cms/blocks/step.html"


class RecordBlock(blocks.StructBlock):
    record = blocks.CharBlock(label=_("record"), max_length=300)
    keeper = blocks.CharBlock(label=_("kept by"), max_length=200)
    location = blocks.CharBlock(label=_("where"), max_length=200, required=False)
    retention = blocks.CharBlock(label=_("retention"), max_length=100)

    class Meta:
        icon = "folder-open-inverse"
        label = _("record to keep")


class DocumentPageForm(WagtailAdminPageForm):
    """Admin edit form: a revision cannot be submitted for review without a change summary (7.5.3.2 c)."""

    SUBMIT_ACTIONS = ("action-submit", "action-restart-workflow", "action-publish")

    def clean(self):
        cleaned = super().clean()
        if any(name in self.data for name in self.SUBMIT_ACTIONS):
            problem = duties.change_summary_problem(self.instance, cleaned.get("change_summary", ""))
            if problem:
                self.add_error("change_summary", problem)
            # The steps must fit the statutory time of the procedures this document implements (8.5.1).
            problem = duties.time_limit_problem(self.instance, cleaned.get("steps"))
            if problem:
                self.add_error("steps", problem)
        return cleaned


class ProcessDocumentPageQuerySet(PageQuerySet):
    def current_for(self, user):
        """Documents a reader may list as current: live, not withdrawn, public only for anonymous readers."""
        queryset = self.live().filter(withdrawn_at__isnull=True)
        if not user.is_authenticated:
            queryset = queryset.filter(is_public=True)
        return queryset.order_by("identifier")


class ProcessDocumentPage(RoutablePageMixin, Page):
    """A controlled process document, e.g. QT-07 (ISO 9001 7.5.2, 7.5.3)."""

    objects = PageManager.from_queryset(ProcessDocumentPageQuerySet)()

    base_form_class = DocumentPageForm

    identifier = models.CharField(
        _("identifier"), max_length=30, unique=True, help_text=_("Unique document code, e.g. QT-07.")
    )
    unit = models.ForeignKey(
        "core.OrganisationUnit", verbose_name=_("owning unit"), on_delete=models.PROTECT, related_name="documents"
    )
    process_owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("process owner"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="owned_documents",
    )
    clauses = ParentalManyToManyField(
        "core.IsoClause", verbose_name=_("ISO 9001 clauses"), blank=True, related_name="documents"
    )
    purpose = RichTextField(_("purpose"), blank=True, features=["bold", "italic", "ol", "ul", "link"])
    scope = RichTextField(_("scope"), blank=True, features=["bold", "italic", "ol", "ul", "link"])
    references = RichTextField(
        _("legal and normative references"), blank=True, features=["bold", "italic", "ol", "ul", "link"]
    )
    definitions = RichTextField(_("definitions"), blank=True, features=["bold", "italic", "ol", "ul", "link"])
    steps = StreamField([("step", StepBlock())], verbose_name=_("steps"), blank=True)
    records = StreamField([("record", RecordBlock())], verbose_name=_("records to keep"), blank=True)
    review_interval_months = models.PositiveSmallIntegerField(
        _("review interval (months)"), default=12, help_text=_("How often the document must be reviewed.")
    )
    is_public = models.BooleanField(
        _("public"), default=False, help_text=_("Anonymous visitors may read a public document.")
    )
    change_summary = models.TextField(
        _("change summary"),
        blank=True,
        help_text=_("What changes in this revision and why. Required to submit it for review."),
    )
    # State of the document as a whole, kept out of revisions (see with_content_json):
    # set by services only (cms.services).
    next_review_date = models.DateField(_("next review date"), null=True, blank=True, editable=False)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True, editable=False)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("withdrawn by"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    withdrawn_reason = models.TextField(_("reason for withdrawal"), blank=True, editable=False)
    # Why a review fell due before its time (an administrative procedure's legal basis changed...):
    # shown with the review reminder, cleared by the next review.
    review_reason = models.TextField(_("reason for the review"), blank=True, editable=False)

    STATE_FIELDS = ("next_review_date", "withdrawn_at", "withdrawn_by", "withdrawn_reason", "review_reason")

    content_panels = Page.content_panels + [
        MultiFieldPanel(
            [
                FieldPanel("identifier"),
                FieldPanel("unit"),
                FieldPanel("process_owner"),
                FieldPanel("clauses"),
                FieldPanel("review_interval_months"),
                FieldPanel("is_public"),
            ],
            heading=_("Identification"),
        ),
        FieldPanel("purpose"),
        FieldPanel("scope"),
        FieldPanel("references"),
        FieldPanel("definitions"),
        FieldPanel("steps"),
        InlinePanel("forms", label=_("forms")),
        FieldPanel("records"),
        FieldPanel("change_summary"),
    ]
    search_fields = Page.search_fields + [
        index.SearchField("identifier"),
        index.AutocompleteField("identifier"),
        index.SearchField("purpose"),
        index.SearchField("scope"),
        index.FilterField("is_public"),
        index.FilterField("withdrawn_at"),
        index.FilterField("unit"),
    ]
    parent_page_types = ["cms.DocumentIndexPage"]
    subpage_types: list = []

    class Meta:
        verbose_name = _("process document")
        verbose_name_plural = _("process documents")

    def __str__(self):
        return f"{self.identifier} {self.title}"

    @property
    def is_withdrawn(self):
        return self.withdrawn_at is not None

    def with_content_json(self, content):
        """Keep the document-wide state (review date, withdrawal) when a revision is restored or published."""
        obj = super().with_content_json(content)
        for name in self.STATE_FIELDS:
            setattr(obj, name, getattr(self, name))
        return obj

    @classmethod
    def get_subpage_urls(cls):
        """The page's routes (RoutablePageMixin): those cms.views.pages registers under READING_ROUTES_HOOK."""
        return tuple(route for routes in hooks.get_hooks(READING_ROUTES_HOOK) for route in routes())


class DocumentForm(Orderable):
    """A form used by the procedure (ISO 9001 7.5.3: forms are documented information too)."""

    page = ParentalKey(ProcessDocumentPage, on_delete=models.CASCADE, related_name="forms")
    code = models.CharField(_("form code"), max_length=30, help_text=_("e.g. BM-07-01"))
    title = models.CharField(_("title"), max_length=255)
    document = models.ForeignKey(
        "wagtaildocs.Document",
        verbose_name=_("file"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    panels = [FieldPanel("code"), FieldPanel("title"), FieldPanel("document")]

    class Meta(Orderable.Meta):
        verbose_name = _("form")
        verbose_name_plural = _("forms")

    def __str__(self):
        return f"{self.code} {self.title}"


class DocumentVersion(models.Model):
    """An effective version of a document: immutable evidence of its review and approval (7.5.2 c, 7.5.3.2 c).

    Created only by `cms.services.document_version_record` when a revision is
    published; the only later write is the one-time supersede link.
    """

    page = models.ForeignKey(
        ProcessDocumentPage, verbose_name=_("document"), on_delete=models.PROTECT, related_name="versions"
    )
    number = models.PositiveIntegerField(_("revision"))
    revision = models.ForeignKey(
        "wagtailcore.Revision", verbose_name=_("Wagtail revision"), on_delete=models.PROTECT, related_name="+"
    )
    effective_date = models.DateField(_("effective date"))
    change_summary = models.TextField(_("change summary"), blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    note = models.CharField(
        _("note"), max_length=300, blank=True, help_text=_("e.g. registered from the paper register.")
    )
    superseded_at = models.DateTimeField(_("superseded at"), null=True, blank=True)
    superseded_by = models.OneToOneField(
        "self",
        verbose_name=_("superseded by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="supersedes",
    )

    class Meta:
        ordering = ["page", "-number"]
        verbose_name = _("document version")
        verbose_name_plural = _("document versions")
        constraints = [models.UniqueConstraint(fields=["page", "number"], name="cms_version_unique_number")]
        default_permissions = ("view",)

    def __str__(self):
        return _("%(identifier)s revision %(number)s") % {"identifier": self.page.identifier, "number": self.number}

    @property
    def is_current(self):
        return self.superseded_at is None

    def get_url(self):
        return f"{self.page.url}v/{self.number}/"


class PublicationFollowUp(models.Model):
    """A step that must follow a publication after it commits (distribution to readers), and its outcome.

    Written inside the publication's transaction as *pending*, so that a step that never ran (the
    process died between the commit and the step) is as visible as one that failed: ISO 9001
    7.5.3.1 a asks that documented information be available where it is needed, and a revision
    that silently never reached its readers is not. Quality officers see the failed ones in their
    reminders and on their dashboard, and retry them (cms.publishing).
    """

    class Status(models.TextChoices):
        PENDING = "pending", pgettext_lazy("publication follow-up", "Pending")
        DONE = "done", pgettext_lazy("publication follow-up", "Done")
        FAILED = "failed", pgettext_lazy("publication follow-up", "Failed")

    version = models.ForeignKey(
        DocumentVersion, verbose_name=_("document version"), on_delete=models.PROTECT, related_name="follow_ups"
    )
    step = models.CharField(_("step"), max_length=100)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    error = models.TextField(_("error"), blank=True)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("published by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    failed_at = models.DateTimeField(_("failed at"), null=True, blank=True)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("publication follow-up")
        verbose_name_plural = _("publication follow-ups")
        constraints = [models.UniqueConstraint(fields=["version", "step"], name="cms_follow_up_unique_step")]

    def __str__(self):
        return f"{self.version} {self.step}"


class DocumentReview(models.Model):
    """A periodic review of a document (ISO 9001 7.5.2 c: documents are reviewed for suitability)."""

    class Outcome(models.TextChoices):
        STILL_VALID = "valid", _("Still valid")
        NEEDS_REVISION = "revise", _("Needs revision")
        WITHDRAW = "withdraw", _("Withdraw")

    page = models.ForeignKey(
        ProcessDocumentPage, verbose_name=_("document"), on_delete=models.PROTECT, related_name="reviews"
    )
    version = models.ForeignKey(
        DocumentVersion,
        verbose_name=_("reviewed version"),
        null=True,
        on_delete=models.PROTECT,
        related_name="reviews",
    )
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices)
    comment = models.TextField(_("comment"), blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("reviewed by"), on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField(_("reviewed at"))
    next_review_date = models.DateField(_("next review date"), null=True, blank=True)

    class Meta:
        ordering = ["page", "-reviewed_at"]
        verbose_name = _("document review")
        verbose_name_plural = _("document reviews")
        default_permissions = ("view",)

    def __str__(self):
        # The local day in the site's date format: the UTC date of a morning review is the day before.
        day = formats.date_format(timezone.localtime(self.reviewed_at), "SHORT_DATE_FORMAT")
        return f"{self.page.identifier} {self.get_outcome_display()} {day}"


class DocumentApprovalTask(GroupApprovalTask):
    """A step of the "Document approval" workflow, with separation of duties (ISO 9001 5.3, 7.5.2 c).

    Wagtail asks a task which actions a person has (`get_actions`: the editor's action menu, the
    dashboard, the workflow action endpoint, which refuses an action not listed) and performs them
    (`on_action`: also reached by "save and approve" in the editor, after the save). Both ask the one rule.
    """

    def approval_refusal(self, obj, user):
        """Why `user` may not approve `obj` at this step (a message for them), or None."""
        if not isinstance(obj.specific, ProcessDocumentPage):
            return None
        return duties.approval_refusal(page=obj.specific, user=user)

    def get_actions(self, obj, user):
        from .rules import wrote_or_submitted_revision

        actions = super().get_actions(obj, user)
        page = obj.specific
        if actions and isinstance(page, ProcessDocumentPage) and wrote_or_submitted_revision(user, page):
            return [action for action in actions if action[0] != "approve"]
        return actions

    def on_action(self, task_state, user, action_name, **kwargs):
        if action_name == "approve":
            refusal = self.approval_refusal(task_state.workflow_state.content_object, user)
            if refusal:
                from .errors import ApprovalRefused

                raise ApprovalRefused(refusal)
        return super().on_action(task_state, user, action_name, **kwargs)

    @classmethod
    def get_description(cls):
        return _("Members of the chosen groups approve, except a revision they submitted or edited")

    class Meta:
        verbose_name = _("document approval task")
        verbose_name_plural = _("document approval tasks")
