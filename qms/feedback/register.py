"""The feedback register and the satisfaction results as Excel workbooks (ISO 9001 9.1.2, 9.1.3, 9.3.2 c) 1)).

Through the shared spreadsheet layer (identified header block, typed cells, formula-safe text: a
citizen's text starting with "=" stays text). The citizen's name and contact are columns only for
those who may see every contact (quality officers): an export for another unit never carries them.
"""

from operator import itemgetter

from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from qms.spreadsheets.export import Column, RegisterWorkbook

from . import selectors
from .models import Feedback, SurveyResponse

FEEDBACK_COLUMNS = [
    Column(_("Reference"), itemgetter("reference"), width=16),
    Column(_("Received at"), itemgetter("received_at"), kind="datetime"),
    Column(_("Channel"), itemgetter("channel")),
    Column(_("Kind"), itemgetter("kind")),
    Column(_("Procedure"), itemgetter("page"), width=30),
    Column(_("Concerns an administrative regulation"), itemgetter("concerns_regulation"), kind="bool"),
    Column(_("Feedback"), itemgetter("text"), width=50),
    Column(_("Unit"), itemgetter("unit")),
    Column(_("Handler"), itemgetter("handler")),
    Column(_("Due date"), itemgetter("due_date"), kind="date"),
    Column(_("Status"), itemgetter("status")),
    Column(_("Overdue"), itemgetter("overdue"), kind="bool"),
    Column(_("Answer"), itemgetter("answer"), width=50),
    Column(_("Answer approved by"), itemgetter("approved_by")),
    Column(_("Answer sent at"), itemgetter("answer_sent_at"), kind="datetime"),
    Column(_("Substantiated"), itemgetter("substantiated"), kind="bool"),
    Column(_("Nonconformity raised"), itemgetter("nonconformity")),
    Column(_("Reason for rejection"), itemgetter("rejection_reason"), width=30),
]
CONTACT_COLUMNS = [
    Column(pgettext_lazy("feedback", "Name"), itemgetter("name")),
    Column(_("E-mail"), itemgetter("email")),
    Column(_("Phone"), itemgetter("phone")),
]

SURVEY_COLUMNS = [
    Column(_("Responded at"), itemgetter("responded_at"), kind="datetime"),
    Column(_("Procedure"), itemgetter("page"), width=30),
    Column(_("Unit"), itemgetter("unit")),
    Column(_("Rating"), itemgetter("rating"), kind="int"),
    Column(_("Comment"), itemgetter("comment"), width=50),
    Column(_("Channel"), itemgetter("channel")),
]


def _labels(model, field, language):
    with translation.override(language):
        return {value: str(label) for value, label in model._meta.get_field(field).flatchoices}


def includes_contact(user):
    """Only those who may see every citizen's contact get it in an export (never another unit's staff)."""
    return user.has_perm("feedback.see_contact")


def register_workbook(queryset, *, user, filters_description=""):
    book = RegisterWorkbook(title=_("Feedback register"), user=user, filters_description=filters_description)
    contact = includes_contact(user)
    columns = FEEDBACK_COLUMNS + (CONTACT_COLUMNS if contact else [])
    book.add_table(_("Feedback"), columns, _rows(queryset, language=book.language))
    return book


def _rows(queryset, *, language):
    today = timezone.localdate()
    kinds, channels, statuses = (_labels(Feedback, name, language) for name in ("kind", "channel", "status"))
    unanswered = set(Feedback.UNANSWERED_STATUSES)
    qs = queryset.select_related("unit", "handler", "answer_approved_by", "page", "nonconformity").order_by("reference")
    for fb in qs.iterator(chunk_size=2000):
        yield {
            "reference": fb.reference,
            "received_at": fb.received_at,
            "channel": channels.get(fb.channel, fb.channel),
            "kind": kinds.get(fb.kind, fb.kind),
            "page": fb.page.title if fb.page_id else None,
            "concerns_regulation": fb.concerns_regulation,
            "text": fb.text,
            "unit": fb.unit.code if fb.unit_id else None,
            "handler": str(fb.handler) if fb.handler_id else None,
            "due_date": fb.due_date,
            "status": statuses.get(fb.status, fb.status),
            "overdue": fb.status in unanswered and fb.due_date is not None and fb.due_date < today,
            "answer": fb.answer or None,
            "approved_by": str(fb.answer_approved_by) if fb.answer_approved_by_id else None,
            "answer_sent_at": fb.answer_sent_at,
            "substantiated": fb.substantiated,
            "nonconformity": fb.nonconformity.reference if fb.nonconformity_id else None,
            "rejection_reason": fb.rejection_reason or None,
            "name": fb.name or None,
            "email": fb.email or None,
            "phone": fb.phone or None,
        }


def register_filename():
    return f"feedback-register-{timezone.localdate():%Y-%m-%d}.xlsx"


def satisfaction_workbook(responses, *, user, filters_description=""):
    """The satisfaction results: the figures, by procedure, by unit, by month, then every response."""
    book = RegisterWorkbook(title=_("Satisfaction results"), user=user, filters_description=filters_description)
    figures = selectors.satisfaction_figures(responses)
    book.add_summary(
        _("Summary"),
        [
            (_("Responses"), figures["count"]),
            (_("Mean rating"), figures["mean"]),
            (_("Share satisfied"), figures["share_satisfied"]),
        ],
    )
    grouped = [
        Column(_("Procedure"), itemgetter("label"), width=40),
        Column(_("Responses"), itemgetter("count"), kind="int"),
        Column(_("Mean rating"), itemgetter("mean"), kind="decimal"),
        Column(_("Share satisfied"), itemgetter("share_satisfied"), kind="decimal"),
    ]
    book.add_table(_("By procedure"), grouped, selectors.satisfaction_by(responses, "page"))
    book.add_table(
        _("By unit"),
        [Column(_("Unit"), itemgetter("label")), *grouped[1:]],
        selectors.satisfaction_by(responses, "unit"),
    )
    monthly = [Column(_("Month"), lambda row: row["month"], kind="date"), *grouped[1:]]
    book.add_table(_("By month"), monthly, selectors.satisfaction_trend(responses))
    channels = _labels(SurveyResponse, "channel", book.language)
    rows = (
        {
            "responded_at": r.responded_at,
            "page": r.page.title if r.page_id else None,
            "unit": r.unit.code if r.unit_id else None,
            "rating": r.rating,
            "comment": r.comment or None,
            "channel": channels.get(r.channel, r.channel),
        }
        for r in responses.select_related("page", "unit").order_by("responded_at").iterator(chunk_size=2000)
    )
    book.add_table(_("Responses"), SURVEY_COLUMNS, rows)
    return book
