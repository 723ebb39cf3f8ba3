"""Builders for read-and-understood tests: documents with effective versions, made through the cms services."""

import datetime
import itertools

import pytest
from django.utils import timezone

from cms import services as document_services
from cms.acknowledgements import services
from tests import factories

_seq = itertools.count(1)


def make_distributed_document(*, unit, owner=None, versions=1, user=None, distribute=True, days_ago=60):
    """A published document with `versions` effective versions; the current one distributed to `unit`."""
    user = user or factories.make_officer(unit=unit)
    n = next(_seq)
    start = timezone.localdate() - datetime.timedelta(days=days_ago)
    page = document_services.document_create(
        identifier=f"QT-A{n:03d}",
        title=f"Quy trình thử {n}",
        unit=unit,
        user=user,
        reason="Đăng ký từ sổ",
        process_owner=owner,
        effective_date=start,
    )
    for number in range(2, versions + 1):
        page = document_services.document_publish_imported_revision(
            page=page,
            user=user,
            reason="Sổ giấy",
            change_summary=f"Sửa đổi lần {number}",
            effective_date=start + datetime.timedelta(days=number),
        )
    version = page.versions.order_by("-number").first()
    if distribute:
        services.version_distribute(version=version, units=[unit], user=user)
    return page, version


@pytest.fixture
def unit():
    return factories.make_unit(code="QLVH", name="Phòng Quản lý Văn hóa")


@pytest.fixture
def officer(unit):
    return factories.make_officer(unit=factories.make_unit(code="VP", name="Văn phòng"))


@pytest.fixture
def document(unit, officer):
    """(page, current version) distributed to `unit`."""
    return make_distributed_document(unit=unit, user=officer)
