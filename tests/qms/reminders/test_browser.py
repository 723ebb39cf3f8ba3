"""In a real browser: a person sees what is pending for them on the home page and chooses weekly digests."""

import datetime

import pytest
from django.utils import timezone

from qms.core.models import User
from tests import factories
from tests.browser import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_pending_for_you_then_weekly_digests(page, live_server, items):
    person = factories.make_staff()
    items.add(person, due=timezone.localdate() - datetime.timedelta(days=3), title="Hành động BM-07 quá hạn")
    log_in(page, person)
    panel = page.locator(".reminders-panel")
    assert "Hành động BM-07 quá hạn" in panel.inner_text()
    assert "quá hạn 3 ngày" in panel.inner_text()
    panel.locator("a", has_text="Thư nhắc việc").click()
    page.check("input[name=digest_frequency][value=weekly]")
    page.click(".preferences-form button[type=submit]")
    page.wait_for_selector("text=Đã lưu tùy chọn nhắc việc của bạn.")
    person.refresh_from_db()
    assert person.digest_frequency == User.DigestFrequency.WEEKLY
