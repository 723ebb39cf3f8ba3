"""`manage.py send_reminders`: by hand, with --as-of and --dry-run."""

from io import StringIO

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.test import override_settings

from qms.reminders.models import Delivery
from tests.factories import make_staff

from .conftest import TODAY, days

pytestmark = pytest.mark.django_db


def run(*args):
    out = StringIO()
    call_command("send_reminders", *args, stdout=out)
    return out.getvalue()


def test_dry_run_prints_who_would_get_what_and_sends_nothing(items):
    owner = make_staff(username="mai", language="en")
    items.add(owner, due=days(-1), title="Review QT-07")
    output = run("--dry-run", "--as-of", TODAY.isoformat())
    assert "mai@example.test" in output and "[en]" in output
    assert "Review QT-07" in output and "overdue" in output
    assert mail.outbox == [] and not Delivery.objects.exists()


def test_as_of_sends_and_reports(items):
    owner = make_staff()
    items.add(owner, due=days(-1))
    output = run("--as-of", TODAY.isoformat())
    assert "1 reminders newly claimed, 1 digests sent, 0 to retry" in output
    assert "0 reminders undeliverable, 0 withdrawn" in output
    assert len(mail.outbox) == 1
    assert "0 reminders newly claimed, 0 digests sent" in run("--as-of", TODAY.isoformat())


def test_a_bad_date_is_a_clear_error(items):
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        run("--as-of", "31/12/2026")


def test_the_summary_counts_withdrawn_and_undeliverable_reminders(items):
    from unittest import mock

    from qms.core.models import User
    from qms.reminders import services

    leaving, no_mail = make_staff(), make_staff()
    items.add(leaving, no_mail, due=days(-1))
    with mock.patch.object(services, "reminders_deliver_pending"):
        run("--as-of", TODAY.isoformat())  # claimed only, as if the worker stopped there
    User.objects.filter(pk=leaving.pk).update(is_active=False)
    User.objects.filter(pk=no_mail.pk).update(email="")
    with override_settings(QMS_REMINDERS_MAX_ATTEMPTS=1):
        output = run("--as-of", TODAY.isoformat())
    assert "0 reminders newly claimed, 0 digests sent, 0 to retry" in output
    assert "1 reminders undeliverable, 1 withdrawn" in output
    assert mail.outbox == []
