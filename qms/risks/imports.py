"""Import of the register of risks and opportunities (ISO 9001 6.1), through the shared import framework
(template, dry run, all-or-nothing).

One row per risk or opportunity, in the first columns of the exported register, so a copy of the register
comes back in once its other sheet and the columns it computes or records on the risk's page are deleted. A
row without a reference identifies a new risk, unless one with the same title is already in the unit; a row
with a reference updates that risk:
its description through `services.risk_update` and its rating through `services.risk_assess`, with the
import's reason ("Imported from FILE"). A row equal to the register is left unchanged, so importing the same
file twice changes nothing. Treatments and reviews are decided on the risk's page, never imported.
"""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from qms.core.documents import document_by_identifier
from qms.core.models import OrganisationUnit, User
from qms.core.records import QmsError
from qms.nonconformities.imports import _choices, _label
from qms.procedures.models import AdministrativeProcedure
from qms.spreadsheets.imports import ImportColumn, Importer, RowError

from . import scoring, services
from .models import Risk


def _rating(value):
    from qms.spreadsheets.imports import CellError

    if not scoring.valid_rating(value):
        raise CellError(_("expected a rating from 1 to %(scale)s.") % {"scale": scoring.scale()})
    return value


class RiskImporter(Importer):
    key = "risks"
    title = gettext_lazy("Risks and opportunities")
    description = gettext_lazy(
        "One risk or opportunity per row, in the columns of the register. Without a reference a new one is "
        "identified (a title already in the unit is skipped); with a reference, that one is updated."
    )

    def has_permission(self, user):
        return super().has_permission(user) and user.has_perm("risks.identify_risk")

    @property
    def columns(self):
        return [
            ImportColumn("reference", gettext_lazy("Reference"), key=True, max_length=20),
            ImportColumn(
                "kind",
                gettext_lazy("Kind"),
                required=True,
                kind="choice",
                choices=_choices(Risk.Kind),
                example=_label(Risk.Kind.RISK),
            ),
            ImportColumn(
                "title",
                gettext_lazy("Title"),
                required=True,
                max_length=255,
                example="Hồ sơ trả chậm tại bộ phận một cửa",
            ),
            ImportColumn("unit", gettext_lazy("Unit code"), required=True, max_length=20, example="VP"),
            ImportColumn("document", gettext_lazy("Process document"), max_length=50),
            ImportColumn("procedure", gettext_lazy("Procedure code"), max_length=50),
            ImportColumn("cause", gettext_lazy("Cause"), max_length=4000),
            ImportColumn("consequence", gettext_lazy("Consequence"), max_length=4000),
            ImportColumn("existing_controls", gettext_lazy("Existing controls"), max_length=4000),
            ImportColumn("likelihood", gettext_lazy("Likelihood"), kind="int", parser=_rating, example=3),
            ImportColumn("impact", gettext_lazy("Impact"), kind="int", parser=_rating, example=4),
            ImportColumn("owner", gettext_lazy("Owner"), required=True, max_length=150, example="officer"),
            ImportColumn("review_date", gettext_lazy("Next review date"), kind="date"),
        ]

    def _related(self, values):
        found = {}
        found["unit"] = OrganisationUnit.objects.filter(code__iexact=values["unit"]).first()
        if found["unit"] is None:
            raise RowError("unit", _("No unit has the code “%(code)s”.") % {"code": values["unit"]})
        found["owner"] = User.objects.filter(username__iexact=values["owner"]).first()
        if found["owner"] is None:
            raise RowError("owner", _("No person has the username “%(name)s”.") % {"name": values["owner"]})
        found["document"] = None
        if values.get("document"):
            found["document"] = document_by_identifier(values["document"])
            if found["document"] is None:
                raise RowError("document", _("No document has the identifier “%(id)s”.") % {"id": values["document"]})
        found["procedure"] = None
        if values.get("procedure"):
            found["procedure"] = AdministrativeProcedure.objects.filter(code__iexact=values["procedure"]).first()
            if found["procedure"] is None:
                raise RowError("procedure", _("No procedure has the code “%(code)s”.") % {"code": values["procedure"]})
        return found

    def apply_row(self, row, *, user, reason, context):
        values = row.values
        related = self._related(values)
        described = {
            "title": values["title"].strip(),
            "cause": (values.get("cause") or "").strip(),
            "consequence": (values.get("consequence") or "").strip(),
            "existing_controls": (values.get("existing_controls") or "").strip(),
            "review_date": values.get("review_date"),
            **related,
        }
        rating = (values.get("likelihood"), values.get("impact"))
        if (rating[0] is None) != (rating[1] is None):
            raise RowError("impact", _("Give both the likelihood and the impact, or neither."))
        try:
            if not values.get("reference"):
                if Risk.objects.filter(unit=related["unit"], title=described["title"]).exists():
                    return "unchanged", described["title"]
                risk = services.risk_identify(
                    user=user,
                    kind=values["kind"],
                    likelihood=rating[0],
                    impact=rating[1],
                    reason=reason,
                    **described,
                )
                return "created", str(risk)
            risk = Risk.objects.filter(reference__iexact=values["reference"].strip()).first()
            if risk is None:
                raise RowError("reference", _("No risk has the reference %(ref)s.") % {"ref": values["reference"]})
            if risk.kind != values["kind"]:
                raise RowError("kind", _("A risk stays a risk and an opportunity an opportunity."))
            changes = {name: value for name, value in described.items() if getattr(risk, name) != value}
            rerate = rating[0] is not None and (risk.likelihood, risk.impact) != rating
            if not changes and not rerate:
                return "unchanged", str(risk)
            if changes:
                risk = services.risk_update(risk=risk, user=user, reason=reason, **changes)
            if rerate:
                risk = services.risk_assess(risk=risk, user=user, likelihood=rating[0], impact=rating[1], reason=reason)
        except QmsError as error:
            raise RowError(None, error.message) from error
        return "updated", str(risk)


RISKS = RiskImporter()
