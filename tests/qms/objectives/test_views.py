"""The site's measurement form carries the versions the person saw (ISO 9001 7.5.3: a record is not silently
overwritten): a correction made meanwhile by someone else is refused, and nothing changes."""

import re
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from qms.objectives import services
from qms.objectives.models import Measurement

from .conftest import approved, measure

pytestmark = pytest.mark.django_db


@pytest.fixture
def measured(people):
    objective, indicator = approved(people["officer"], people["approver"], people["reporter"])
    measure(indicator, 1, 92, people["reporter"])
    return objective, indicator


def loaded_versions(client, objective, indicator):
    html = client.get(reverse("objectives:detail", args=[objective.pk])).content.decode()
    (value,) = re.findall(rf'name="i{indicator.pk}-versions" value="([^"]*)"', html)
    return value


def post(client, indicator, versions, period, value, reason=""):
    return client.post(
        reverse("objectives:measure", args=[indicator.pk]),
        {
            f"i{indicator.pk}-period_start": period,
            f"i{indicator.pk}-value": value,
            f"i{indicator.pk}-reason": reason,
            f"i{indicator.pk}-versions": versions,
        },
    )


def messages_of(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_a_correction_with_the_versions_seen_is_recorded(client, people, measured):
    objective, indicator = measured
    client.force_login(people["reporter"])
    versions = loaded_versions(client, objective, indicator)
    assert versions == "2026-01-01:1"
    response = post(client, indicator, versions, "2026-01-01", "91", reason="Phiếu bổ sung")
    assert messages_of(response) == ["Đã ghi nhận kết quả đo."]
    assert Measurement.objects.get().value == Decimal("91")


def test_a_correction_made_meanwhile_is_not_overwritten(client, people, measured):
    objective, indicator = measured
    client.force_login(people["reporter"])
    versions = loaded_versions(client, objective, indicator)
    services.measurement_record(
        indicator=indicator,
        period_start=indicator.measurements.get().period_start,
        value=Decimal("93"),
        user=people["officer"],
        reason="Đối chiếu hệ thống một cửa",
        version=1,
    )
    response = post(client, indicator, versions, "2026-01-01", "91", reason="Phiếu bổ sung")
    assert messages_of(response) == [str(services.ConflictError.default_message)]
    measurement = Measurement.objects.get()
    assert measurement.value == Decimal("93") and measurement.recorded_by == people["officer"]


def test_a_period_measured_meanwhile_is_not_overwritten_as_if_new(client, people, measured):
    objective, indicator = measured
    client.force_login(people["reporter"])
    versions = loaded_versions(client, objective, indicator)
    measure(indicator, 2, 88, people["officer"])
    response = post(client, indicator, versions, "2026-02-01", "80", reason="Số liệu của tôi")
    assert messages_of(response) == [str(services.ConflictError.default_message)]
    assert Measurement.objects.get(period_start__month=2).value == Decimal("88")


def test_a_new_period_is_recorded(client, people, measured):
    objective, indicator = measured
    client.force_login(people["reporter"])
    versions = loaded_versions(client, objective, indicator)
    post(client, indicator, versions, "2026-02-01", "80")
    assert Measurement.objects.get(period_start__month=2).value == Decimal("80")
