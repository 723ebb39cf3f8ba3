"""Imports of the register of procedures and of the one-stop figures, through the import framework.

- Procedure register (.xlsx): the spreadsheet a department keeps, one procedure a row; the ways of
  applying, fees, dossier components and legal basis one a line in their cell, parts split by "|".
- National portal (JSON): procedures in the shape of the national public-service portal (procedure,
  agencies, ways with time limits and fees, dossier components with forms, legal basis), turned into the
  rows of the register's columns, so that both formats are checked and written by the same code.
- One-stop figures (.xlsx): a procedure's month (carried over, received, on time, late, in progress,
  returned, apology slips) as the one-stop system exports it; a month with late dossiers raises its
  nonconformity once (ISO 9001 8.7, 10.2).
- Late dossiers (.xlsx): one dossier a row (code, received, due, resolved, the step that was late, why).

Every import: template, dry run, all or nothing, and a re-import updates by key (the code; the code and
the month; the dossier code) instead of adding a duplicate.
"""

import datetime
import json
from decimal import Decimal, InvalidOperation

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from wagtail.documents import get_document_model

from qms.core.documents import documents as all_documents
from qms.core.models import OrganisationUnit
from qms.core.records import QmsError
from qms.spreadsheets.imports import (
    CellError,
    ImportColumn,
    Importer,
    ImportFileError,
    RowError,
    Sheet,
    clean_text,
    max_bytes,
    max_cells,
    max_rows,
    normalise,
)

from . import performance, services
from .models import (
    AdministrativeProcedure,
    ApplicationWay,
    DossierComponent,
    Fee,
    LateDossier,
    LegalBasis,
    Level,
    ProcedurePerformance,
    TimeUnit,
)


def _choices(enum):
    """Each choice by its code or its label in Vietnamese or English; the active language's label last (shown)."""
    found = []
    for value, _label in enum.choices:
        names = [value]
        for code in ("en", "vi"):
            with translation.override(code):
                names.append(str(enum(value).label))
        names.append(str(enum(value).label))
        found.append(tuple(dict.fromkeys(names)))
    return tuple(found)


# Words the department's sheets and the portal use besides our labels.
LEVEL_WORDS = {
    "cấp tỉnh": "province",
    "tỉnh": "province",
    "cấp huyện": "district",
    "huyện": "district",
    "cấp xã": "commune",
    "xã": "commune",
}
WAY_WORDS = {
    "trực tiếp": "in_person",
    "nộp trực tiếp": "in_person",
    "bưu chính": "post",
    "dịch vụ bưu chính": "post",
    "qua dịch vụ bưu chính công ích": "post",
    "trực tuyến": "online",
    "qua mạng": "online",
}
UNIT_WORDS = {
    "ngày làm việc": "working_days",
    "giờ làm việc": "working_hours",
    "giờ": "working_hours",
    "ngày": "calendar_days",
    "day": "calendar_days",
    "days": "calendar_days",
    "working day": "working_days",
    "hours": "working_hours",
}
FEE_WORDS = {"phí": "fee", "lệ phí": "charge"}


def _word(text, enum, extra):
    wanted = normalise(text)
    if wanted in extra:
        return extra[wanted]
    for choice in _choices(enum):
        if any(normalise(name) == wanted for name in choice):
            return choice[0]
    shown = ", ".join(str(label) for _value, label in enum.choices)
    raise CellError(_("“%(value)s” is not one of: %(choices)s.") % {"value": text, "choices": shown})


def _parts(line, count):
    parts = [clean_text(part) for part in line.split("|")]
    return parts + [""] * (count - len(parts)) if len(parts) <= count else None


def _lines(text):
    return [line for line in (clean_text(line) for line in str(text).splitlines()) if line]


def _decimal(text, what):
    try:
        value = (
            Decimal(text.replace(" ", "").replace(".", "").replace(",", "."))
            if what == "amount"
            else Decimal(text.replace(",", "."))
        )
    except InvalidOperation:
        raise CellError(_("expected a number, found “%(value)s”.") % {"value": text}) from None
    if not value.is_finite() or value < 0 or value > Decimal("1e12"):
        raise CellError(_("expected a number, found “%(value)s”.") % {"value": text})
    return value


def _date(text):
    if not text:
        return None
    for pattern in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            return datetime.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise CellError(_("expected a date (dd/mm/yyyy), found “%(value)s”.") % {"value": text})


def parse_ways(text):
    """ "Trực tiếp | 15 | ngày làm việc | note" a line -> [{kind, time_limit, time_unit, online_level, note}]."""
    ways = []
    for line in _lines(text):
        parts = _parts(line, 5)
        if parts is None or not parts[0] or not parts[1]:
            raise CellError(_("write each way as: way | time | unit of time | online level | note."))
        time = _decimal(parts[1], "time")
        if time < Decimal("0.5") or time > 1000:
            raise CellError(_("a processing time from 0.5 to 1000, found “%(value)s”.") % {"value": parts[1]})
        ways.append(
            {
                "kind": _word(parts[0], ApplicationWay.Kind, WAY_WORDS),
                "time_limit": time,
                "time_unit": _word(parts[2], TimeUnit, UNIT_WORDS) if parts[2] else TimeUnit.WORKING_DAYS,
                "online_level": parts[3][:20],
                "note": parts[4][:500],
            }
        )
    return ways


def parse_fees(text):
    fees = []
    for line in _lines(text):
        parts = _parts(line, 3)
        if parts is None or not parts[0]:
            raise CellError(_("write each fee as: fee or charge | amount | description."))
        fees.append(
            {
                "kind": _word(parts[0], Fee.Kind, FEE_WORDS),
                "amount": _decimal(parts[1], "amount") if parts[1] else None,
                "description": parts[2][:500],
            }
        )
    return fees


def parse_components(text):
    components = []
    for line in _lines(text):
        parts = _parts(line, 4)
        if parts is None or not parts[0]:
            raise CellError(_("write each component as: document | originals | copies | form."))
        counts = []
        for part in parts[1:3]:
            if part and not part.isdigit():
                raise CellError(_("expected a whole number, found “%(value)s”.") % {"value": part})
            counts.append(min(int(part), 100) if part else 0)
        components.append(
            {
                "name": parts[0][:500],
                "originals": counts[0] if parts[1] else 1,
                "copies": counts[1],
                "form_name": parts[3][:300],
            }
        )
    return components


def parse_legal_bases(text):
    bases = []
    for line in _lines(text):
        parts = _parts(line, 5)
        if parts is None or not parts[0]:
            raise CellError(_("write each legal basis as: number | title | issuing body | issued on | effective on."))
        bases.append(
            {
                "number": parts[0][:100],
                "title": parts[1][:500],
                "issuing_body": parts[2][:300],
                "issued_on": _date(parts[3]),
                "effective_on": _date(parts[4]),
            }
        )
    return bases


def _level(text):
    return _word(text, Level, LEVEL_WORDS)


def _status(text):
    return _word(text, AdministrativeProcedure.Status, {"còn hiệu lực": "in_force", "đã bãi bỏ": "repealed"})


EXAMPLE_WAYS = "Trực tiếp | 15 | ngày làm việc\nTrực tuyến | 15 | ngày làm việc | toàn trình"
EXAMPLE_COMPONENTS = (
    "Đơn đề nghị cấp giấy phép | 1 | 0 | Mẫu số 01\nBản sao giấy chứng nhận đăng ký doanh nghiệp | 0 | 1"
)
EXAMPLE_LEGAL = "144/2020/NĐ-CP | Quy định về hoạt động nghệ thuật biểu diễn | Chính phủ | 14/12/2020 | 01/01/2021"


class ProcedureRegisterImporter(Importer):
    key = "procedures"
    title = gettext_lazy("Administrative procedures (register)")
    description = gettext_lazy(
        "One procedure a row, keyed by its code: a known code updates the procedure. Ways of applying, fees, "
        "dossier components and legal bases: one a line, parts separated by “|”."
    )

    @property
    def columns(self):
        return [
            ImportColumn("code", gettext_lazy("Code"), required=True, key=True, max_length=40, example="1.000948.H38"),
            ImportColumn(
                "name",
                gettext_lazy("Name of the procedure"),
                required=True,
                max_length=500,
                example="Thủ tục cấp giấy phép tổ chức biểu diễn nghệ thuật",
            ),
            ImportColumn("level", gettext_lazy("Level"), required=True, parser=_level, example="Cấp tỉnh"),
            ImportColumn(
                "field",
                pgettext_lazy("procedure", "Field"),
                required=True,
                max_length=200,
                example="Nghệ thuật biểu diễn",
            ),
            ImportColumn(
                "implementing_agency",
                gettext_lazy("Implementing agency"),
                required=True,
                max_length=300,
                example="Sở Văn hóa, Thể thao và Du lịch",
            ),
            ImportColumn(
                "unit",
                gettext_lazy("Unit code"),
                max_length=20,
                example="QLVH",
                help=gettext_lazy("The unit that resolves the dossiers; required for a new procedure."),
            ),
            ImportColumn("coordinating_agencies", gettext_lazy("Coordinating agencies"), max_length=2000),
            ImportColumn("applicants", gettext_lazy("Applicants"), max_length=2000, example="Tổ chức, cá nhân"),
            ImportColumn(
                "ways",
                gettext_lazy("Ways of applying"),
                required=True,
                max_length=4000,
                parser=parse_ways,
                example=EXAMPLE_WAYS,
                help=gettext_lazy("One a line: way | time | unit of time | online level | note"),
            ),
            ImportColumn(
                "fees",
                gettext_lazy("Fees and charges"),
                max_length=4000,
                parser=parse_fees,
                example="Phí | 1500000 | Chương trình dưới 50 phút",
                help=gettext_lazy("One a line: fee or charge | amount (VND) | description"),
            ),
            ImportColumn(
                "components",
                gettext_lazy("Dossier components"),
                max_length=8000,
                parser=parse_components,
                example=EXAMPLE_COMPONENTS,
                help=gettext_lazy(
                    "One a line: document | originals | copies | form (title of a form in the documents)"
                ),
            ),
            ImportColumn("result", gettext_lazy("Result"), max_length=2000, example="Giấy phép tổ chức biểu diễn"),
            ImportColumn(
                "legal_bases",
                gettext_lazy("Legal basis"),
                max_length=8000,
                parser=parse_legal_bases,
                example=EXAMPLE_LEGAL,
                help=gettext_lazy("One a line: number | title | issuing body | issued on | effective on"),
            ),
            ImportColumn(
                "decision_number", gettext_lazy("Publishing decision number"), max_length=100, example="1234/QĐ-UBND"
            ),
            ImportColumn("decision_date", gettext_lazy("Publishing decision date"), kind="date"),
            ImportColumn("status", gettext_lazy("Status"), parser=_status, example="Còn hiệu lực"),
            ImportColumn("replaced_by", gettext_lazy("Replaced by (code)"), max_length=40),
            ImportColumn("is_public", gettext_lazy("Public"), kind="bool", example="có"),
            ImportColumn(
                "documents",
                gettext_lazy("Internal processes"),
                kind="list",
                help=gettext_lazy("Identifiers of the process documents, separated by commas"),
            ),
        ]

    def apply_row(self, row, *, user, reason, context):
        values = row.values
        code = values["code"]
        procedure = AdministrativeProcedure.objects.filter(code__iexact=code).first()
        creating = procedure is None
        if creating:
            procedure = AdministrativeProcedure(code=code)
        before = _snapshot(procedure) if not creating else None
        for name in ("name", "level", "field", "implementing_agency"):
            setattr(procedure, name, values[name])
        for name in ("coordinating_agencies", "applicants", "result", "decision_number", "decision_date", "status"):
            if values.get(name):
                setattr(procedure, name, values[name])
        if values.get("is_public") is not None:
            procedure.is_public = values["is_public"]
        if values.get("unit"):
            unit = OrganisationUnit.objects.filter(code__iexact=values["unit"]).first()
            if unit is None:
                raise RowError("unit", _("No unit has the code “%(code)s”.") % {"code": values["unit"]})
            procedure.unit = unit
        elif creating:
            unit = default_unit()
            if unit is None:
                raise RowError("unit", _("Give the unit that resolves the dossiers."))
            procedure.unit = unit
        if values.get("replaced_by"):
            other = AdministrativeProcedure.objects.filter(code__iexact=values["replaced_by"]).first()
            if other is None:
                raise RowError(
                    "replaced_by", _("No procedure has the code “%(code)s”.") % {"code": values["replaced_by"]}
                )
            procedure.replaced_by = other
        procedure.ways = [ApplicationWay(**way) for way in values["ways"]]
        # A blank cell leaves what the procedure has (the framework's rule for optional cells).
        if values.get("fees"):
            procedure.fees = [Fee(**fee) for fee in values["fees"]]
        if values.get("components"):
            procedure.components = [DossierComponent(form=_form(c["form_name"]), **c) for c in values["components"]]
        if values.get("legal_bases"):
            procedure.legal_bases = [LegalBasis(**basis) for basis in values["legal_bases"]]
        document_list = None
        if values.get("documents"):
            found = {d.identifier.casefold(): d for d in all_documents().filter(identifier__in=values["documents"])}
            missing = [i for i in values["documents"] if i.casefold() not in found]
            if missing:
                raise RowError("documents", _("No document has the identifier “%(code)s”.") % {"code": missing[0]})
            document_list = [found[i.casefold()] for i in values["documents"]]
        services.summarise(procedure)
        if (
            not creating
            and _snapshot(procedure) == before
            and (
                document_list is None
                or {d.pk for d in document_list} == set(procedure.documents.values_list("pk", flat=True))
            )
        ):
            return "unchanged", code
        try:
            services.procedure_save(procedure=procedure, user=user, reason=reason, documents=document_list)
        except QmsError as error:
            raise RowError(None, error.message) from error
        return ("created" if creating else "updated"), code


def _snapshot(procedure):
    fields = [f.attname for f in AdministrativeProcedure._meta.concrete_fields if f.attname not in ("id", "version")]
    return {name: getattr(procedure, name) for name in fields}


def _form(name):
    """The Wagtail document holding a component's form, named by its title (None when the form is not there yet)."""
    if not name:
        return None
    return get_document_model().objects.filter(title__iexact=name).order_by("pk").first()


def default_unit():
    """The top of the unit tree: where a procedure from the portal, which knows no unit, is kept at first."""
    return OrganisationUnit.objects.filter(parent__isnull=True).order_by("pk").first()


# --- the national portal's JSON ---------------------------------------------------------------------

#: Nesting deeper than a portal file ever goes is refused before Python's parser would recurse on it.
MAX_JSON_DEPTH = 20


def _depth_ok(data):
    depth = 0
    in_string = escaped = False
    for byte in data:
        if in_string:
            if escaped:
                escaped = False
            elif byte == 0x5C:
                escaped = True
            elif byte == 0x22:
                in_string = False
        elif byte == 0x22:
            in_string = True
        elif byte in (0x5B, 0x7B):
            depth += 1
            if depth > MAX_JSON_DEPTH:
                return False
        elif byte in (0x5D, 0x7D):
            depth -= 1
    return True


def _text(value):
    if value is None:
        return ""
    if isinstance(value, bool | dict | list):
        raise ValueError
    return clean_text(value)


def _join(parts):
    return " | ".join(_text(part).replace("|", "/").replace("\n", " ") for part in parts)


def _portal_row(item):
    """A portal procedure as the register's cells (the same columns as the .xlsx)."""
    if not isinstance(item, dict):
        raise ValueError
    agencies = item.get("agencies") or {}
    if not isinstance(agencies, dict):
        raise ValueError
    coordinating = agencies.get("coordinating") or []
    if isinstance(coordinating, str):
        coordinating = [coordinating]
    ways, fees = [], []
    for way in item.get("ways") or []:
        if not isinstance(way, dict):
            raise ValueError
        ways.append(
            _join([way.get("kind"), way.get("time_limit"), way.get("unit"), way.get("online_level"), way.get("note")])
        )
        for fee in way.get("fees") or []:
            if not isinstance(fee, dict):
                raise ValueError
            fees.append(_join([fee.get("kind"), fee.get("amount"), fee.get("description")]))
    components = []
    for case in item.get("dossier") or []:
        if not isinstance(case, dict):
            raise ValueError
        for component in case.get("components") or []:
            if not isinstance(component, dict):
                raise ValueError
            components.append(
                _join(
                    [
                        component.get("name"),
                        component.get("originals"),
                        component.get("copies"),
                        component.get("form_name"),
                    ]
                )
            )
    bases = []
    for basis in item.get("legal_basis") or []:
        if not isinstance(basis, dict):
            raise ValueError
        bases.append(
            _join(
                [
                    basis.get("number"),
                    basis.get("title"),
                    basis.get("issuing_body"),
                    basis.get("issued_on"),
                    basis.get("effective_on"),
                ]
            )
        )
    decision = item.get("decision") or {}
    if not isinstance(decision, dict):
        raise ValueError
    return {
        "code": _text(item.get("code")),
        "name": _text(item.get("name")),
        "level": _text(item.get("level")),
        "field": _text(item.get("field")),
        "implementing_agency": _text(agencies.get("implementing") or agencies.get("competent")),
        "unit": _text(item.get("unit")),
        "coordinating_agencies": "; ".join(_text(a) for a in coordinating),
        "applicants": _text(item.get("applicants")),
        "ways": "\n".join(ways),
        "fees": "\n".join(fees),
        "components": "\n".join(components),
        "result": _text(item.get("result")),
        "legal_bases": "\n".join(bases),
        "decision_number": _text(decision.get("number")),
        "decision_date": _text(decision.get("date")),
        "status": _text(item.get("status")),
        "replaced_by": _text(item.get("replaced_by")),
    }


class PortalJsonImporter(ProcedureRegisterImporter):
    key = "procedures_portal"
    title = gettext_lazy("Administrative procedures (national portal JSON)")
    description = gettext_lazy(
        'Procedures in the shape of the national public-service portal (a list, or {"procedures": [...]}), '
        "keyed by their code: a known code updates the procedure."
    )
    accept = ".json,application/json"

    def read_file(self, data):
        if len(data) > max_bytes():
            raise ImportFileError(
                _("The file is larger than %(size)s MB; split it or remove what is not imported.")
                % {"size": max_bytes() // (1024 * 1024)}
            )
        if not data.strip():
            raise ImportFileError(_("The file is empty."))
        refused = ImportFileError(_("The file is not JSON in the national portal's shape."))
        if not _depth_ok(data):
            raise refused
        try:
            document = json.loads(data.decode("utf-8-sig"))
        except (UnicodeDecodeError, ValueError, RecursionError):
            raise refused from None
        items = document.get("procedures") if isinstance(document, dict) else document
        if not isinstance(items, list) or not items:
            raise refused
        if len(items) > max_rows() - 1:
            raise ImportFileError(
                _("The file has more than %(max)s procedures; import it in several files.") % {"max": max_rows() - 1}
            )
        names = [column.name for column in self.columns if column.name not in ("is_public", "documents")]
        if len(items) * len(names) > max_cells():
            raise ImportFileError(_("The file has more procedures than an import reads; import it in several files."))
        rows = [(1, dict(enumerate(names, start=1)))]
        for number, item in enumerate(items, start=2):
            try:
                cells = _portal_row(item)
            except ValueError:
                raise ImportFileError(
                    _("Procedure %(number)s of the file is not in the national portal's shape.")
                    % {"number": number - 1}
                ) from None
            rows.append((number, {index: cells[name] for index, name in enumerate(names, start=1) if cells[name]}))
        return Sheet(rows=rows, problems=[])

    def template(self):
        example = {
            "procedures": [
                {
                    "code": "1.000948.H38",
                    "name": "Thủ tục cấp giấy phép tổ chức biểu diễn nghệ thuật",
                    "level": "province",
                    "field": "Nghệ thuật biểu diễn",
                    "agencies": {"implementing": "Sở Văn hóa, Thể thao và Du lịch", "coordinating": []},
                    "unit": "QLVH",
                    "applicants": "Tổ chức, cá nhân",
                    "ways": [
                        {
                            "kind": "in_person",
                            "time_limit": 5,
                            "unit": "working_days",
                            "fees": [{"kind": "fee", "amount": 1500000, "description": "Chương trình dưới 50 phút"}],
                        },
                        {"kind": "online", "time_limit": 5, "unit": "working_days", "online_level": "toàn trình"},
                    ],
                    "dossier": [
                        {
                            "case": "",
                            "components": [
                                {"name": "Văn bản đề nghị", "form_name": "Mẫu số 01", "originals": 1, "copies": 0}
                            ],
                        }
                    ],
                    "result": "Văn bản chấp thuận",
                    "legal_basis": [
                        {
                            "number": "144/2020/NĐ-CP",
                            "title": "Quy định về hoạt động nghệ thuật biểu diễn",
                            "issuing_body": "Chính phủ",
                            "issued_on": "2020-12-14",
                            "effective_on": "2021-01-01",
                        }
                    ],
                    "decision": {"number": "1234/QĐ-UBND", "date": "2024-03-01"},
                    "status": "in_force",
                }
            ]
        }
        content = json.dumps(example, ensure_ascii=False, indent=2).encode()
        return content, "application/json", "json"


# --- the one-stop figures ------------------------------------------------------------------------------


def _procedure(values, cache):
    code = values["procedure"]
    key = code.casefold()
    if key not in cache:
        cache[key] = AdministrativeProcedure.objects.filter(code__iexact=code).select_related("unit").first()
    if cache[key] is None:
        raise RowError("procedure", _("No procedure has the code “%(code)s”.") % {"code": code})
    return cache[key]


def _month(value):
    if isinstance(value, datetime.date):
        return value.replace(day=1)
    text = clean_text(value)
    for pattern in ("%m/%Y", "%Y-%m", "%d/%m/%Y", "%Y-%m-%d"):
        try:
            return datetime.datetime.strptime(text, pattern).date().replace(day=1)
        except ValueError:
            continue
    raise CellError(_("expected a month (mm/yyyy), found “%(value)s”.") % {"value": value})


def _month_text(value):
    if isinstance(value, datetime.datetime | datetime.date):
        return value.strftime("%m/%Y")
    return value


class PerformanceImporter(Importer):
    key = "procedure_performance"
    title = gettext_lazy("One-stop figures")
    description = gettext_lazy(
        "A procedure's figures for a month, as the one-stop system exports them; a known procedure and month is "
        "updated. A month with late dossiers raises one nonconformity (process monitoring)."
    )

    @property
    def columns(self):
        number = {"kind": "int", "min_value": 0}
        return [
            ImportColumn(
                "procedure",
                gettext_lazy("Procedure code"),
                required=True,
                key=True,
                max_length=40,
                example="1.000948.H38",
            ),
            ImportColumn(
                "month",
                gettext_lazy("Month"),
                required=True,
                key=True,
                max_length=10,
                parser=_month,
                example="01/2026",
                help=gettext_lazy("mm/yyyy"),
            ),
            ImportColumn("carried_over", gettext_lazy("Carried over"), example=0, **number),
            ImportColumn("received", gettext_lazy("Newly received"), required=True, example=12, **number),
            ImportColumn("on_time", gettext_lazy("Resolved on time"), required=True, example=10, **number),
            ImportColumn("late", gettext_lazy("Resolved late"), required=True, example=1, **number),
            ImportColumn("in_progress", pgettext_lazy("dossiers", "In progress"), example=1, **number),
            ImportColumn("returned", gettext_lazy("Returned or rejected"), example=0, **number),
            ImportColumn("apology_slips", gettext_lazy("Apology slips issued"), example=1, **number),
        ]

    def apply_row(self, row, *, user, reason, context):
        values = dict(row.values)
        procedure = _procedure(values, context.setdefault("procedures", {}))
        figures = {name: values.get(name) for name in performance.FIGURES}
        try:
            record, action = performance.performance_record(
                procedure=procedure, month=values["month"], figures=figures, user=user, reason=reason
            )
            if record.late:
                performance.performance_raise_nonconformity(performance=record, user=user)
        except QmsError as error:
            raise RowError(None, error.message) from error
        return action, f"{procedure.code} {record.month:%m/%Y}"


class LateDossierImporter(Importer):
    key = "late_dossiers"
    title = gettext_lazy("Late dossiers")
    description = gettext_lazy(
        "One dossier resolved late a row, for the month it was resolved in; a known dossier code is updated. "
        "Import them before the month's figures, so that the nonconformity lists them."
    )

    @property
    def columns(self):
        return [
            ImportColumn(
                "procedure", gettext_lazy("Procedure code"), required=True, max_length=40, example="1.000948.H38"
            ),
            ImportColumn(
                "dossier_code",
                gettext_lazy("Dossier code"),
                required=True,
                key=True,
                max_length=60,
                example="000.00.38.H38-260105-0001",
            ),
            ImportColumn("received_on", gettext_lazy("Received on"), required=True, kind="date"),
            ImportColumn("due_on", gettext_lazy("Due on"), required=True, kind="date"),
            ImportColumn("resolved_on", gettext_lazy("Resolved on"), kind="date"),
            ImportColumn("late_step", gettext_lazy("Step that was late"), max_length=300, example="Thẩm định hồ sơ"),
            ImportColumn("reason", gettext_lazy("Reason for the delay"), max_length=2000),
        ]

    def apply_row(self, row, *, user, reason, context):
        from qms.core.records import save_with_history

        values = row.values
        procedure = _procedure(values, context.setdefault("procedures", {}))
        if not user.has_perm("procedures.record_performance"):
            raise RowError(None, str(QmsError.default_message))
        month = (values.get("resolved_on") or values["due_on"]).replace(day=1)
        record = ProcedurePerformance.objects.filter(procedure=procedure, month=month).first()
        if record is None:
            record, _action = performance.performance_record(
                procedure=procedure, month=month, figures={}, user=user, reason=reason
            )
        dossier = LateDossier.objects.filter(
            performance__procedure=procedure, dossier_code=values["dossier_code"]
        ).first()
        action = "updated" if dossier else "created"
        dossier = dossier or LateDossier(performance=record, dossier_code=values["dossier_code"])
        changed = False
        for name in ("received_on", "due_on", "resolved_on", "late_step", "reason"):
            value = values.get(name) if values.get(name) is not None else getattr(dossier, name)
            if name in ("late_step", "reason") and value is None:
                value = ""
            if getattr(dossier, name) != value:
                setattr(dossier, name, value)
                changed = True
        if dossier.due_on and dossier.resolved_on and dossier.resolved_on <= dossier.due_on:
            raise RowError("resolved_on", _("This dossier was resolved by its due date: it is not late."))
        if not changed and action == "updated":
            return "unchanged", dossier.dossier_code
        save_with_history(dossier, user=user, reason=reason)
        return action, dossier.dossier_code


PROCEDURE_REGISTER = ProcedureRegisterImporter()
PORTAL_JSON = PortalJsonImporter()
PERFORMANCE = PerformanceImporter()
LATE_DOSSIERS = LateDossierImporter()
