"""The pages that show a nonconformity's record and timeline open, and read as a person reads them, once it has
ISO clauses and process documents that change (the trail of ISO 9001 7.5.3 over 10.2).

These pages were not opened in the other tests for a record with clauses or documents: the report test
stops at the redirect, and the fixtures raise nonconformities without either, so the many-to-many branch
of the timeline never ran.
"""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from simple_history.models import DeletedObject

from qms.core.models import IsoClause, User
from qms.core.timeline import display_value, timeline
from qms.nonconformities import services
from qms.nonconformities.models import CorrectiveAction, Nonconformity
from tests import factories as f

from .conftest import make_document

pytestmark = pytest.mark.django_db

UTC = datetime.UTC


def _section(body, marker):
    """The part of the page from `marker` on (the timeline is the last section of both pages)."""
    assert marker in body
    return body[body.index(marker) :]


@pytest.fixture
def changed():
    """A nonconformity reported with a clause and a document, then re-classified through the services."""
    unit = f.make_unit(code="QLVH")
    officer = f.make_officer(unit=unit)
    owner = f.make_staff(unit=unit, first_name="Sơn", last_name="Bùi")
    first_doc = make_document(unit, identifier="QT-07")
    second_doc = make_document(unit, identifier="QT-09", title="Quy trình tiếp nhận hồ sơ")
    clauses = {clause.number: clause for clause in IsoClause.objects.filter(number__in=["8.5.1", "9.1.2", "10.2.1"])}
    nc = services.nonconformity_report(
        title="Trả chậm hồ sơ",
        description="Chậm 2 ngày",
        source="complaint",
        severity="minor",
        unit=unit,
        reported_by=officer,
        documents=[first_doc],
        clauses=[clauses["8.5.1"]],
    )
    services.nonconformity_transition(nonconformity=nc, target="investigating", user=officer)
    services.nonconformity_update(
        nonconformity=nc,
        user=officer,
        clauses=[clauses["9.1.2"], clauses["10.2.1"]],
        documents=[first_doc, second_doc],
        owner=owner,
        containment="Trả ngay hồ sơ",
        containment_done_on=datetime.date(2026, 12, 13),
        reason="Phân loại lại",
    )
    return {"nc": Nonconformity.objects.get(pk=nc.pk), "officer": officer, "owner": owner}


def test_site_page_opens_and_shows_the_clause_changes(client, changed):
    client.force_login(changed["officer"])
    page = client.get(changed["nc"].get_absolute_url())
    assert page.status_code == 200
    history = _section(page.content.decode(), 'class="card timeline"')
    for number in ("8.5.1", "9.1.2", "10.2.1"):
        assert number in history
    assert "QT-09" in history and "Phân loại lại" in history
    # An owner set where there was none: "–" before, not "Deleted user (pk=None)".
    assert "pk=None" not in history and str(changed["owner"]) in history


def test_admin_inspect_opens_and_shows_the_clause_changes(client, changed):
    client.force_login(changed["officer"])
    page = client.get(reverse("nonconformities_admin:inspect", args=[changed["nc"].pk]))
    assert page.status_code == 200
    history = _section(page.content.decode(), 'class="nc-timeline"')
    for number in ("8.5.1", "9.1.2", "10.2.1"):
        assert number in history
    assert "pk=None" not in history


def test_timeline_values_are_readable(changed):
    with translation.override("en"):
        changes = [(str(c.field), c.old, c.new) for entry in timeline(changed["nc"]) for c in entry.changes]
        done_on = date_format(datetime.date(2026, 12, 13), "SHORT_DATE_FORMAT")
    assert ("Owner", "–", str(changed["owner"])) in changes
    assert ("Containment done on", "–", done_on) in changes
    clauses = [(old, new) for field, old, new in changes if field == "ISO 9001 clauses"]
    assert any("8.5.1" in old for old, _new in clauses)
    assert any("9.1.2" in new and "10.2.1" in new for _old, new in clauses)
    assert not any("Deleted" in old or "Deleted" in new for _field, old, new in changes)


def test_display_of_empty_and_deleted_foreign_keys_and_of_times():
    assert display_value(Nonconformity, "owner", DeletedObject(User, None)) == "–"
    assert display_value(Nonconformity, "owner", DeletedObject(User, 7)) == "#7"  # removed since: named by its key
    moment = datetime.datetime(2026, 11, 29, 1, 17, 12, 187206, tzinfo=UTC)
    with timezone.override("Asia/Ho_Chi_Minh"), translation.override("en"):
        shown = display_value(Nonconformity, "closed_at", moment)
        assert shown == date_format(timezone.localtime(moment), "SHORT_DATETIME_FORMAT")
    assert "+00:00" not in shown and "187206" not in shown and "2026" in shown
    with timezone.override("Asia/Ho_Chi_Minh"), translation.override("vi"):
        assert "08:17" in display_value(Nonconformity, "closed_at", moment)
    assert display_value(Nonconformity, "root_cause_answers", {"whys": ["Mẫu đơn cũ", "Không rà soát"]}) == (
        "Mẫu đơn cũ → Không rà soát"
    )
    with translation.override("en"):
        assert display_value(Nonconformity, "root_cause_answers", {"causes": {"people": "Thiếu người"}}) == (
            "People: Thiếu người"
        )


def _fields(page):
    return {str(field["label"]): str(field["value"]) for field in page.context["fields"]}


def test_admin_inspect_reads_like_the_list(client, changed):
    nc = changed["nc"]
    services.nonconformity_update(
        nonconformity=nc,
        user=changed["officer"],
        root_cause_method="five_whys",
        root_cause_answers={"whys": ["Mẫu đơn cũ"]},
        containment_done_on=None,
        reason="RCA",
    )
    Nonconformity.objects.filter(pk=nc.pk).update(reported_at=datetime.datetime(2026, 11, 29, 1, 13, tzinfo=UTC))
    client.force_login(changed["officer"])
    with translation.override("vi"):
        page = client.get(reverse("nonconformities_admin:inspect", args=[nc.pk]))
        fields = _fields(page)
        labels = {str(Nonconformity._meta.get_field(name).verbose_name).capitalize() for name in ("id", "version")}
    assert page.status_code == 200
    assert not labels & {label.capitalize() for label in fields}
    values = list(fields.values())
    assert "None" not in values and "" not in values
    assert any("08:13" in value for value in values)  # Asia/Ho_Chi_Minh, as the list shows it
    assert not any("01:13" in value for value in values)
    assert "Mẫu đơn cũ" in values and not any("{" in value for value in values)
    body = page.content.decode()
    assert "{&#x27;whys&#x27;" not in body and "{'whys'" not in body


def test_admin_inspect_of_an_action(client, changed):
    nc, officer = changed["nc"], changed["officer"]
    action = f.make_action(nc, owner=changed["owner"], user=officer, due_date=datetime.date(2026, 12, 4))
    client.force_login(officer)
    with translation.override("vi"):
        page = client.get(reverse("corrective_actions_admin:inspect", args=[action.pk]))
        fields = _fields(page)
        version = str(CorrectiveAction._meta.get_field("version").verbose_name).capitalize()
        due = date_format(datetime.date(2026, 12, 4), "SHORT_DATE_FORMAT")
    assert page.status_code == 200
    assert version not in {label.capitalize() for label in fields} and "ID" not in fields
    values = list(fields.values())
    assert "None" not in values and "" not in values and due in values
    assert not any(re.search(r"\+00:00|\d{2}:\d{2}:\d{2}\.\d+", value) for value in values)
