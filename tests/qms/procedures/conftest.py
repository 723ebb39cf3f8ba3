import datetime
import itertools
from decimal import Decimal

import pytest

from tests import factories as f

_codes = itertools.count(1)


def make_procedure(
    *, user=None, unit=None, documents=(), ways=((15, "working_days"),), legal=("144/2020/NĐ-CP",), **extra
):
    """A procedure registered through the service, with its ways and legal bases."""
    from qms.procedures import services
    from qms.procedures.models import AdministrativeProcedure, ApplicationWay, DossierComponent, LegalBasis

    unit = unit or f.make_unit()
    user = user or f.make_officer(unit=unit)
    components = extra.pop("components", ())
    procedure = AdministrativeProcedure(
        code=extra.pop("code", f"1.{next(_codes):06d}.H38"),
        name=extra.pop("name", "Thủ tục cấp giấy phép tổ chức biểu diễn nghệ thuật"),
        field=extra.pop("field", "Nghệ thuật biểu diễn"),
        implementing_agency="Sở Văn hóa, Thể thao và Du lịch",
        unit=unit,
        **extra,
    )
    procedure.ways = [ApplicationWay(kind="in_person", time_limit=Decimal(t), time_unit=u) for t, u in ways]
    procedure.legal_bases = [LegalBasis(number=n, issued_on=datetime.date(2020, 12, 14)) for n in legal]
    procedure.components = list(components) or [DossierComponent(name="Đơn đề nghị", originals=1)]
    return services.procedure_save(procedure=procedure, user=user, reason="Registered for a test", documents=documents)


@pytest.fixture
def officer(db):
    return f.make_officer(unit=f.make_unit(code="VP"))
