import datetime

import pytest

from audits import services
from qms.core.models import IsoClause
from tests import factories as f
from tests.audits import builders as b


@pytest.fixture
def officer(db):
    return f.make_officer(unit=f.make_unit(code="VPX"))


@pytest.fixture
def audited_unit(db):
    return f.make_unit(code="QLVHX", name="Phòng Văn hóa")


@pytest.fixture
def auditor(db):
    return f.make_auditor(unit=f.make_unit(code="TTRAX", name="Thanh tra"))


@pytest.fixture
def programme(officer):
    return b.make_programme(year=2026, user=officer)


@pytest.fixture
def audit(programme, officer, auditor, audited_unit):
    return b.make_audit(
        programme=programme,
        lead=auditor,
        units=[audited_unit],
        clauses=[IsoClause.objects.get(number="8.2")],
        user=officer,
    )


@pytest.fixture
def running_audit(audit, auditor):
    services.audit_start_preparation(audit=audit, user=auditor)
    services.audit_open(audit=audit, user=auditor, notes="Họp khai mạc")
    audit.refresh_from_db()
    return audit


def dates():
    return datetime.date(2026, 4, 1), datetime.date(2026, 4, 2)
