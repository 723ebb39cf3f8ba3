"""Builders of the risk tests: a risk through its service, like every other path."""

from qms.risks import services
from tests import factories as f


def make_risk(*, user=None, unit=None, owner=None, kind="risk", likelihood=None, impact=None, **extra):
    unit = unit or f.make_unit()
    user = user or f.make_officer(unit=unit)
    return services.risk_identify(
        user=user,
        kind=kind,
        title=extra.pop("title", "Hồ sơ trả chậm tại bộ phận một cửa"),
        unit=unit,
        owner=owner or user,
        cause=extra.pop("cause", "Thiếu công chức tiếp nhận vào cao điểm"),
        consequence=extra.pop("consequence", "Người dân phải đi lại nhiều lần, khiếu nại"),
        likelihood=likelihood,
        impact=impact,
        **extra,
    )
