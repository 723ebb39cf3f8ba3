"""Who sees and changes what (per role and per audit), as a matrix of role x view -> status."""

import pytest

from audits import services
from tests import factories as f

ROLES = ["officer", "auditor_on", "auditor_off", "approver", "staff_unit", "staff_other", "anonymous"]


@pytest.fixture
def people(officer, auditor, audited_unit):
    return {
        "officer": officer,
        "auditor_on": auditor,
        "auditor_off": f.make_auditor(unit=f.make_unit()),
        "approver": f.make_approver(unit=f.make_unit()),
        "staff_unit": f.make_staff(unit=audited_unit),
        "staff_other": f.make_staff(unit=f.make_unit()),
        "anonymous": None,
    }


def _client(client, person):
    if person is not None:
        client.force_login(person)
    return client


def _status(client, method, url):
    response = getattr(client, method)(url)
    if response.status_code == 302 and "/accounts/login/" in response["Location"]:
        return "login"
    return response.status_code


OPEN_GET = {
    # role: (detail, report, xlsx)
    "officer": (200, 200, 200),
    "auditor_on": (200, 200, 200),
    "auditor_off": (200, 200, 200),
    "approver": (200, 200, 200),
    "staff_unit": (403, 403, 403),
    "staff_other": (403, 403, 403),
    "anonymous": ("login", "login", "login"),
}


@pytest.mark.parametrize("role", ROLES)
def test_reading_an_open_audit(client, people, running_audit, role):
    client = _client(client, people[role])
    urls = [
        f"/audits/{running_audit.pk}/",
        f"/audits/{running_audit.pk}/report/",
        f"/audits/{running_audit.pk}/report.xlsx",
    ]
    assert tuple(_status(client, "get", url) for url in urls) == OPEN_GET[role]


CLOSED_GET = {
    "officer": (200, 200),
    "auditor_on": (200, 200),
    "auditor_off": (200, 200),
    "approver": (200, 200),
    "staff_unit": (302, 200),  # the workspace sends them to the report
    "staff_other": (403, 403),
    "anonymous": ("login", "login"),
}


@pytest.mark.parametrize("role", ROLES)
def test_reading_a_closed_audit(client, people, running_audit, auditor, role):
    services.audit_finish_fieldwork(audit=running_audit, user=auditor)
    services.audit_close(audit=running_audit, user=auditor)
    client = _client(client, people[role])
    urls = [f"/audits/{running_audit.pk}/", f"/audits/{running_audit.pk}/report/"]
    assert tuple(_status(client, "get", url) for url in urls) == CLOSED_GET[role]


WRITE = {
    "officer": 302,
    "auditor_on": 302,
    "auditor_off": 403,
    "approver": 403,
    "staff_unit": 403,
    "staff_other": 403,
    "anonymous": "login",
}


@pytest.mark.parametrize("role", ROLES)
def test_changing_an_audit(client, people, running_audit, role):
    client = _client(client, people[role])
    assert _status(client, "post", f"/audits/{running_audit.pk}/checklist/generate/") == WRITE[role]
    expected_lines = 4 if WRITE[role] == 302 else 0
    assert running_audit.checklist.count() == expected_lines


@pytest.mark.parametrize("role", ROLES)
def test_raising_a_nonconformity(client, people, running_audit, auditor, audited_unit, role):
    finding = services.finding_record(
        audit=running_audit, classification="minor", statement="S", evidence="E", unit=audited_unit, user=auditor
    )
    client = _client(client, people[role])
    assert _status(client, "post", f"/audits/findings/{finding.pk}/raise/") == WRITE[role]
    finding.refresh_from_db()
    assert (finding.nonconformity_id is not None) == (WRITE[role] == 302)


@pytest.mark.parametrize("role", ROLES)
def test_the_audit_list(client, people, running_audit, role):
    client = _client(client, people[role])
    response = client.get("/audits/")
    if role == "anonymous":
        assert response.status_code == 302
        return
    assert response.status_code == 200
    shown = running_audit.reference in response.content.decode()
    assert shown == (role in ("officer", "auditor_on", "auditor_off", "approver"))


def test_auditors_read_documents_but_cannot_change_them(auditor):
    from tests.audits.builders import make_process_document

    document = make_process_document()
    page_permissions = document.permissions_for_user(auditor)
    assert not page_permissions.can_edit()
    assert not page_permissions.can_publish()
    assert auditor.has_perm("nonconformities.view_nonconformity")
    assert not auditor.has_perm("nonconformities.change_nonconformity")


APPROVE = {"officer": 302, "approver": 302, "auditor_on": 403, "staff_unit": 403, "anonymous": "login"}


@pytest.mark.parametrize("role", sorted(APPROVE))
def test_approving_the_programme(client, people, programme, audit, role):
    client = _client(client, people[role])
    assert _status(client, "post", f"/audits/programmes/{programme.pk}/approve/") == APPROVE[role]
    programme.refresh_from_db()
    assert (programme.status == "approved") == (APPROVE[role] == 302)
