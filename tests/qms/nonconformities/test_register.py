"""The Excel register of nonconformities, read back: every cell says what the records say (ISO 9001 10.2.2), in
the language of the export, with a number of queries that does not grow with the number of records."""

import datetime
from io import BytesIO

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from qms.core.models import IsoClause, User
from qms.nonconformities import register, services
from qms.nonconformities.models import CorrectiveAction, Nonconformity
from qms.spreadsheets.testing import read_register
from tests import factories as f

from .conftest import make_document

pytestmark = pytest.mark.django_db


def _localdate(days):
    return timezone.localdate() + datetime.timedelta(days=days)


@pytest.fixture
def records():
    """One nonconformity with documents, clauses and actions in every state; one with nothing but its basics."""
    unit = f.make_unit(code="QLVH")
    officer = f.make_officer(unit=unit, first_name="Lan", last_name="Nguyễn")
    owner = f.make_staff(unit=unit)
    documents = [make_document(unit, identifier="QT-09", title="Tiếp nhận"), make_document(unit, identifier="QT-01")]
    nc = f.make_nonconformity(
        unit=unit,
        owner=owner,
        reported_by=officer,
        source=Nonconformity.Source.INTERNAL_AUDIT,
        severity=Nonconformity.Severity.MAJOR,
        documents=documents,
        clauses=[IsoClause.objects.get(number="10.2"), IsoClause.objects.get(number="8.5.1")],
        reported_at=timezone.now() - datetime.timedelta(days=40, hours=5),
        title="-Hồ sơ trả chậm",
    )
    services.nonconformity_transition(nonconformity=nc, target="investigating", user=officer)
    overdue = f.make_action(nc, owner=owner, user=officer, due_date=_localdate(-3), kind="correction")
    due_today = f.make_action(nc, owner=f.make_staff(unit=unit), user=officer, due_date=_localdate(0))
    done_late = f.make_action(nc, owner=officer, user=officer, due_date=_localdate(-9), kind="preventive")
    # Terminal states straight in the table: the workflow that leads there is tested elsewhere.
    CorrectiveAction.objects.filter(pk=done_late.pk).update(
        status=CorrectiveAction.Status.VERIFIED, completed_at=timezone.now(), evidence="=Biên bản"
    )
    Nonconformity.objects.filter(pk=nc.pk).update(
        containment="Trả ngay", root_cause="Thiếu người", closed_at=timezone.now() - datetime.timedelta(days=2)
    )
    bare = f.make_nonconformity(unit=unit, reported_by=officer)
    return {"officer": officer, "nc": nc, "bare": bare, "actions": [overdue, due_today, done_late]}


def _as_before(nc):
    """The register's row as the model's own API says it, which is what the register wrote before it read values."""
    actions = list(nc.actions.all())
    return [
        nc.reference,
        nc.title,
        nc.get_source_display(),
        nc.get_severity_display(),
        nc.unit.code,
        nc.get_status_display(),
        timezone.localtime(nc.reported_at).replace(tzinfo=None),
        str(nc.reported_by),
        str(nc.owner) if nc.owner_id else None,
        ", ".join(d.identifier for d in nc.documents.all()) or None,
        ", ".join(c.number for c in nc.clauses.all()) or None,
        nc.containment or None,
        nc.root_cause or None,
        len(actions),
        sum(1 for a in actions if a.is_overdue),
        timezone.localtime(nc.closed_at).replace(tzinfo=None) if nc.closed_at else None,
        nc.age_days,
    ]


def _action_as_before(action, yes, no):
    return [
        action.nonconformity.reference,
        action.get_kind_display(),
        action.description,
        str(action.owner),
        datetime.datetime.combine(action.due_date, datetime.time()),
        action.get_status_display(),
        yes if action.is_overdue else no,
        timezone.localtime(action.completed_at).replace(tzinfo=None) if action.completed_at else None,
        action.evidence or None,
        yes if action.status == CorrectiveAction.Status.VERIFIED else no,
    ]


def _same(got, expected):
    # Excel keeps a time as a fraction of a day: equal to the second is equal.
    if isinstance(expected, datetime.datetime) and isinstance(got, datetime.datetime):
        return abs(got - expected) < datetime.timedelta(seconds=1)
    return got == expected


def _export(user, language):
    with translation.override(language):
        book = register.register_workbook(Nonconformity.objects.order_by("reference"), user=user)
        out = BytesIO()
        book.save(out)
    return out.getvalue()


@pytest.mark.parametrize(("language", "yes", "no"), [("vi", "Có", "Không"), ("en", "Yes", "No")])
def test_every_cell_says_what_the_records_say_in_the_export_language(records, language, yes, no):
    content = _export(records["officer"], language)
    sheet = read_register(content)
    with translation.override(language):
        expected = [_as_before(nc) for nc in Nonconformity.objects.order_by("reference")]
        actions = CorrectiveAction.objects.order_by("nonconformity__reference", "due_date", "pk")
        expected_actions = [_action_as_before(action, yes, no) for action in actions]
        english = str(Nonconformity.Source.INTERNAL_AUDIT.label) == "Internal audit"
    assert english == (language == "en")  # the labels really are translated, so the check below means something
    assert len(sheet.rows) == len(expected) == 2
    for got, want in zip(sheet.rows, expected, strict=True):
        assert all(_same(g, w) for g, w in zip(got, want, strict=True)), (got, want)
    row = sheet.rows[0]
    assert row[9] == "QT-09, QT-01" and row[10] == "8.5.1, 10.2"  # documents as created, clauses in clause order
    assert row[13:15] == [3, 1]  # three actions, one overdue: due today is not overdue, verified never is
    assert row[16] == 38  # reported 40 days 5 hours ago, closed 2 days ago
    assert sheet.cells[0][1].data_type == "s" and sheet.cells[0][1].value.startswith("-")

    action_sheet = read_register(content, sheet=1)
    assert len(action_sheet.rows) == len(expected_actions) == 3
    for got, want in zip(action_sheet.rows, expected_actions, strict=True):
        assert all(_same(g, w) for g, w in zip(got, want, strict=True)), (got, want)
    assert [row[6] for row in action_sheet.rows] == [no, yes, no]  # overdue: verified, three days late, due today
    assert [row[9] for row in action_sheet.rows] == [yes, no, no]  # verified effective


def test_number_and_date_cells_keep_their_formats(records):
    sheet = read_register(_export(records["officer"], "vi"))
    cells = sheet.cells[0]
    assert cells[6].is_date and cells[6].number_format == "dd/mm/yyyy hh:mm"
    assert cells[15].is_date and cells[15].number_format == "dd/mm/yyyy hh:mm"
    assert [c.number_format for c in cells[13:15]] + [cells[16].number_format] == ["0", "0", "0"]
    assert [c.data_type for c in cells[13:15]] == ["n", "n"]


def test_rows_are_the_same_whatever_the_chunk(records, monkeypatch):
    whole = read_register(_export(records["officer"], "vi"))
    monkeypatch.setattr(register, "CHUNK_SIZE", 1)
    chunked = read_register(_export(records["officer"], "vi"))
    assert chunked.rows == whole.rows and len(whole.rows) == 2


def test_queries_do_not_grow_with_the_records(records):
    def queries():
        officer = User.objects.get(pk=records["officer"].pk)  # nothing cached on the person from the last export
        with CaptureQueriesContext(connection) as captured, translation.override("vi"):
            register.register_workbook(Nonconformity.objects.order_by("reference"), user=officer).save(BytesIO())
        return [query["sql"] for query in captured.captured_queries]

    few = queries()
    unit, officer = records["nc"].unit, records["officer"]
    documents = [make_document(unit, identifier=f"QT-2{n}") for n in range(3)]
    for n in range(4):
        nc = f.make_nonconformity(
            unit=unit,
            owner=f.make_staff(unit=unit),
            documents=documents[: n % 3 + 1],
            clauses=IsoClause.objects.all()[:n],
        )
        services.nonconformity_transition(nonconformity=nc, target="investigating", user=officer)
        f.make_action(nc, user=officer, due_date=_localdate(-1))
    assert Nonconformity.objects.count() == 6
    many = queries()
    assert len(many) == len(few), "\n".join(many)
