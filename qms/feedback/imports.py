"""Imports of feedback logs and satisfaction results (ISO 9001 9.1.2), through the shared import framework.

- Feedback log: what the one-stop desk or a mailbox kept before the register (date, channel, kind,
  text, procedure, unit, contact). Each row is received through `services.feedback_receive` (its
  reference, status *received*, history naming the importing person and "Imported from FILE"), with
  no acknowledgement e-mail: the citizen wrote long ago. A row whose text was already recorded on that
  day is skipped, so importing the same file twice adds nothing.
- Survey results: for example the one-stop system's satisfaction export (date, rating 1-5, comment,
  procedure, unit, the row's identifier in the source). A row whose identifier was already imported is
  skipped.

A procedure is named by its page title; administrative procedures (issue 19) will bring their code.
"""

import datetime

from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from wagtail.models import Page

from qms.core.models import OrganisationUnit
from qms.core.records import QmsError
from qms.spreadsheets.imports import ImportColumn, Importer, RowError

from . import services
from .models import Feedback, SurveyResponse


def _choices(enum, exclude=()):
    """Each choice by its code or its label in Vietnamese or English; the active language's label last (shown)."""
    found = []
    for value, _label in enum.choices:
        if value in exclude:
            continue
        names = [value]
        for code in ("en", "vi"):
            with translation.override(code):
                names.append(str(enum(value).label))
        names.append(str(enum(value).label))
        found.append(tuple(dict.fromkeys(names)))
    return tuple(found)


def _unit(values):
    if not values.get("unit"):
        return None
    unit = OrganisationUnit.objects.filter(code__iexact=values["unit"]).first()
    if unit is None:
        raise RowError("unit", _("No unit has the code “%(code)s”.") % {"code": values["unit"]})
    return unit


def _page(values):
    if not values.get("procedure"):
        return None
    page = Page.objects.filter(title__iexact=values["procedure"]).order_by("pk").first()
    if page is None:
        raise RowError("procedure", _("No procedure has the title “%(title)s”.") % {"title": values["procedure"]})
    return page


def _moment(day):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(8)))


class FeedbackLogImporter(Importer):
    key = "feedback"
    title = gettext_lazy("Feedback log")
    description = gettext_lazy(
        "Receives one feedback per row (status: received), without e-mailing the citizen. "
        "A text already recorded on the same day is skipped."
    )

    @property
    def columns(self):
        return [
            ImportColumn("received_on", gettext_lazy("Received on"), required=True, key=True, kind="date"),
            ImportColumn(
                "kind",
                gettext_lazy("Kind"),
                required=True,
                kind="choice",
                choices=_choices(Feedback.Kind),
                example=str(Feedback.Kind.COMPLAINT.label),
            ),
            ImportColumn(
                "text", gettext_lazy("Feedback"), required=True, key=True, max_length=10000, example="Hồ sơ trả chậm."
            ),
            ImportColumn(
                "channel",
                gettext_lazy("Channel"),
                kind="choice",
                choices=_choices(Feedback.Channel, exclude=("web",)),
                example=str(Feedback.Channel.DESK.label),
            ),
            ImportColumn("procedure", gettext_lazy("Procedure"), max_length=255),
            ImportColumn("unit", gettext_lazy("Unit code"), max_length=20, example="QLVH"),
            ImportColumn("name", pgettext_lazy("feedback", "Name"), max_length=200),
            ImportColumn("email", gettext_lazy("E-mail"), kind="email"),
            ImportColumn("phone", gettext_lazy("Phone"), max_length=40),
        ]

    def apply_row(self, row, *, user, reason, context):
        values = row.values
        received_at = _moment(values["received_on"])
        day_start = timezone.make_aware(datetime.datetime.combine(values["received_on"], datetime.time()))
        text = values["text"].strip()
        if Feedback.objects.filter(
            text=text, received_at__gte=day_start, received_at__lt=day_start + datetime.timedelta(days=1)
        ).exists():
            return "unchanged", text[:60]
        try:
            feedback = services.feedback_receive(
                kind=values["kind"],
                text=text,
                name=values.get("name") or "",
                email=values.get("email") or "",
                phone=values.get("phone") or "",
                page=_page(values),
                unit=_unit(values),
                channel=values.get("channel") or Feedback.Channel.IMPORT,
                user=user,
                received_at=received_at,
                reason=reason,
                acknowledge=False,
            )
        except QmsError as error:
            raise RowError(None, error.message) from error
        return "created", feedback.reference


class SurveyResultsImporter(Importer):
    key = "survey_results"
    title = gettext_lazy("Satisfaction survey results")
    description = gettext_lazy(
        "One satisfaction response per row (rating 1 to 5). A row whose identifier was already imported is skipped."
    )

    @property
    def columns(self):
        return [
            ImportColumn("responded_on", gettext_lazy("Responded on"), required=True, kind="date"),
            ImportColumn("rating", gettext_lazy("Rating"), required=True, kind="int", min_value=1, example=5),
            ImportColumn("comment", gettext_lazy("Comment"), max_length=4000),
            ImportColumn("procedure", gettext_lazy("Procedure"), max_length=255),
            ImportColumn("unit", gettext_lazy("Unit code"), max_length=20, example="VP"),
            ImportColumn(
                "identifier", gettext_lazy("Identifier in the source"), key=True, max_length=100, example="HS-000123"
            ),
        ]

    def apply_row(self, row, *, user, reason, context):
        values = row.values
        if values["rating"] > 5:
            raise RowError("rating", _("Choose a rating from 1 to 5."))
        identifier = (values.get("identifier") or "").strip()
        if (
            identifier
            and SurveyResponse.objects.filter(channel=SurveyResponse.Channel.IMPORT, external_id=identifier).exists()
        ):
            return "unchanged", identifier
        try:
            response = services.survey_respond(
                rating=values["rating"],
                comment=values.get("comment") or "",
                page=_page(values),
                unit=_unit(values),
                channel=SurveyResponse.Channel.IMPORT,
                responded_at=_moment(values["responded_on"]),
                external_id=identifier,
                user=user,
                reason=reason,
            )
        except QmsError as error:
            raise RowError(None, error.message) from error
        return "created", identifier or str(response)


FEEDBACK_LOG = FeedbackLogImporter()
SURVEY_RESULTS = SurveyResultsImporter()
