"""The Wagtail admin viewsets: lists, filters, export, "my audits", and saving through the services."""

import io

import openpyxl
import pytest

from audits.models import Audit, Finding
from qms.core.models import IsoClause
from tests import factories as f
from tests.audits import builders as b


def _form(audit_programme, lead, units, **extra):
    data = {
        "programme": audit_programme.pk,
        "reference": "DG-ADM-1",
        "title": "Đánh giá quy trình một cửa",
        "kind": "process",
        "criteria": "TCVN ISO 9001:2015",
        "planned_start": "2026-05-04",
        "planned_end": "2026-05-05",
        "lead_auditor": lead.pk,
        "scope_units": [unit.pk for unit in units],
    }
    data.update(extra)
    return data


def test_create_refuses_an_auditor_of_the_audited_unit(client, officer, programme, audited_unit):
    own = f.make_auditor(unit=audited_unit)
    client.force_login(officer)
    response = client.post("/admin/audit_register/new/", _form(programme, own, [audited_unit]))
    assert response.status_code == 200
    assert "9.2.2" in response.content.decode()
    assert not Audit.objects.exists()


def test_create_through_the_admin(client, officer, programme, auditor, audited_unit):
    client.force_login(officer)
    response = client.post("/admin/audit_register/new/", _form(programme, auditor, [audited_unit]))
    assert response.status_code == 302, response.content.decode()[:2000]
    audit = Audit.objects.get(reference="DG-ADM-1")
    assert list(audit.scope_units.all()) == [audited_unit]
    assert audit.history.first().history_user == officer


ROLES_EDIT = [
    ("officer", 200),
    ("auditor_on", 200),
    ("auditor_off", "denied"),
    ("approver", "denied"),
    ("staff", "login"),
]


def _outcome(response):
    """Wagtail turns a refusal into a redirect to the dashboard with a message; no admin access goes to log in."""
    if response.status_code == 302:
        return "login" if "login" in response["Location"] else "denied"
    return response.status_code


@pytest.mark.parametrize(("role", "expected"), ROLES_EDIT)
def test_edit_only_the_audits_one_is_on(client, officer, auditor, audit, role, expected):
    person = {
        "officer": officer,
        "auditor_on": auditor,
        "auditor_off": f.make_auditor(unit=f.make_unit()),
        "approver": f.make_approver(unit=f.make_unit()),
        "staff": f.make_staff(unit=f.make_unit()),
    }[role]
    client.force_login(person)
    assert _outcome(client.get(f"/admin/audit_register/edit/{audit.pk}/")) == expected


def test_my_audits_filter_and_export(client, officer, auditor, audit, programme):
    other = b.make_audit(programme=programme, user=officer, reference="DG-OTHER")
    client.force_login(auditor)
    body = client.get("/admin/audit_register/?mine=true").content.decode()
    assert audit.reference in body and other.reference not in body
    response = client.get("/admin/audit_register/?export=xlsx")
    assert response.status_code == 200
    content = b"".join(response.streaming_content) if response.streaming else response.content
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    references = {row[0] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert {audit.reference, other.reference} <= references


def test_findings_are_read_only_in_the_admin(client, officer, running_audit, auditor):
    from audits import services

    finding = services.finding_record(
        audit=running_audit, classification="observation", statement="S", evidence="E", user=auditor
    )
    client.force_login(officer)
    assert client.get("/admin/audit_findings/").status_code == 200
    assert client.get(f"/admin/audit_findings/inspect/{finding.pk}/").status_code == 200
    assert _outcome(client.get(f"/admin/audit_findings/edit/{finding.pk}/")) == "denied"
    assert Finding.objects.count() == 1


def test_programme_list_and_coverage_link(client, officer, programme):
    client.force_login(officer)
    body = client.get("/admin/audit_programmes/").content.decode()
    assert f"/audits/programmes/{programme.pk}/" in body


def test_my_audits_on_the_dashboard(client, auditor, audit):
    client.force_login(auditor)
    body = client.get("/admin/").content.decode()
    assert "my-audits" in body and audit.reference in body
    client.force_login(f.make_auditor(unit=f.make_unit()))
    assert "my-audits" not in client.get("/admin/").content.decode()


def test_the_admin_history_is_the_kits_timeline_with_the_findings(client, officer, running_audit, auditor):
    """Wagtail's history pages of audits, programmes and findings send the reader to the inspect view, whose
    timeline is the one the workspace shows: the audit's with its findings', and the reasons."""
    from django.urls import reverse

    from audits import selectors, services

    finding = services.finding_record(
        audit=running_audit, classification="observation", statement="Thiếu biểu mẫu", evidence="E", user=auditor
    )
    client.force_login(officer)
    for viewset, record in (
        ("audit_register", running_audit),
        ("audit_programmes", running_audit.programme),
        ("audit_findings", finding),
    ):
        inspect = reverse(f"{viewset}:inspect", args=[record.pk])
        assert client.get(reverse(f"{viewset}:history", args=[record.pk])).url == inspect, viewset
        response = client.get(inspect)
        assert response.status_code == 200 and response.context["timeline"], viewset
    audit_page = client.get(reverse("audit_register:inspect", args=[running_audit.pk]))
    expected = selectors.audit_history(running_audit)
    assert [(e.date, e.subject) for e in audit_page.context["timeline"]] == [(e.date, e.subject) for e in expected]
    assert any(entry.subject != running_audit.reference for entry in expected)  # a finding's entries are there
    assert "Họp khai mạc" in audit_page.content.decode()


def test_the_question_banks_history_is_the_kits_timeline(client, officer):
    """The question bank's history page sends the reader to the kit's inspect view: the question's fields and
    its timeline, old and new values with the person and the reason."""
    from django.urls import reverse

    from audits.models import ChecklistQuestion
    from qms.core.records import save_with_history

    question = ChecklistQuestion(clause=IsoClause.objects.get(number="8.2"), text="Có sổ tiếp nhận không?")
    save_with_history(question, user=officer, reason="Câu hỏi mới")
    question.text = "Có sổ tiếp nhận hồ sơ không?"
    save_with_history(question, user=officer, reason="Nói rõ hơn")
    client.force_login(officer)
    inspect = reverse("audit_questions:inspect", args=[question.pk])
    assert client.get(reverse("audit_questions:history", args=[question.pk])).url == inspect
    response = client.get(inspect)
    html = response.content.decode()
    assert [entry.reason for entry in response.context["timeline"]] == ["Nói rõ hơn", "Câu hỏi mới"]
    assert "<del>Có sổ tiếp nhận không?</del> → <ins>Có sổ tiếp nhận hồ sơ không?</ins>" in html
