"""Contact details are erased after the retention period; the record and its history stay (personal data)."""

import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from qms.feedback import services
from qms.feedback.models import Feedback
from tests import factories as f

from .conftest import receive

pytestmark = pytest.mark.django_db


def test_contact_details_of_long_closed_feedback_are_erased_the_record_kept(settings):
    settings.QMS_FEEDBACK_CONTACT_RETENTION_DAYS = 30
    officer = f.make_officer()
    old = receive(email="old@example.test", phone="0900")
    services.feedback_reject(feedback=old, user=officer, reason="Trùng")
    recent = receive(email="new@example.test", text="Phản ánh mới")
    services.feedback_reject(feedback=recent, user=officer, reason="Trùng")
    still_open = receive(email="open@example.test", text="Đang xử lý")
    Feedback.objects.filter(pk__in=[old.pk, still_open.pk]).update(
        closed_at=timezone.now() - datetime.timedelta(days=31)
    )

    call_command("feedback_erase_contacts")
    old.refresh_from_db(), recent.refresh_from_db(), still_open.refresh_from_db()
    assert (old.name, old.email, old.phone) == ("", "", "") and old.contact_erased_at is not None
    assert old.text and old.reference and old.status == Feedback.Status.REJECTED
    with translation.override(settings.LANGUAGE_CODE):
        assert old.history.first().history_change_reason == _("Contact details erased after the retention period")
    assert recent.email == "new@example.test" and still_open.email == "open@example.test"
    assert services.feedback_erase_expired() == 0  # idempotent
    assert old.messages.exclude(to_address="").count() == 0


def test_erased_feedback_cannot_be_looked_up_any_more():
    from qms.feedback.selectors import public_status

    feedback = receive(email="x@example.test")
    assert public_status(feedback.reference, "x@example.test") == feedback
    services.feedback_erase_contact(feedback=feedback, user=f.make_officer())
    assert public_status(feedback.reference, "x@example.test") is None
