"""Preferences page, the 'pending for you' site panel, the admin dashboard panel and the lead-time admin."""

import pytest
from django.urls import reverse
from django.utils import timezone

from qms.core import roles
from qms.core.models import User
from qms.reminders.models import LeadTime
from tests.factories import make_approver, make_auditor, make_officer, make_staff, make_user

pytestmark = pytest.mark.django_db

MAKERS = {"staff": make_staff, "officer": make_officer, "approver": make_approver, "auditor": make_auditor}


def days_from_today(n):
    return timezone.localdate() + timezone.timedelta(days=n)


@pytest.mark.parametrize(
    ("role", "expected"),
    [("anonymous", 302), ("staff", 200), ("officer", 200), ("approver", 200), ("auditor", 200)],
)
def test_preferences_page_by_role(client, role, expected):
    if role != "anonymous":
        client.force_login(MAKERS[role]())
    response = client.get(reverse("reminders:preferences"))
    assert response.status_code == expected
    if role == "anonymous":
        assert response["Location"].startswith(reverse("login"))


def test_a_person_chooses_weekly_digests_on_the_record(client):
    person = make_staff()
    client.force_login(person)
    response = client.post(reverse("reminders:preferences"), {"digest_frequency": "weekly", "language": "en"})
    assert response.status_code == 302
    person.refresh_from_db()
    assert (person.digest_frequency, person.language) == ("weekly", "en")
    last = person.history.first()
    assert last.history_user_id == person.pk
    assert last.history_change_reason == "Changed on the reminder preferences page"


def test_overdue_reminders_cannot_be_switched_off(client):
    person = make_staff()
    client.force_login(person)
    response = client.post(reverse("reminders:preferences"), {"digest_frequency": "never", "language": "vi"})
    assert response.status_code == 200
    assert response.context["form"].errors["digest_frequency"]
    person.refresh_from_db()
    assert person.digest_frequency == User.DigestFrequency.DAILY


def test_pending_for_you_on_the_site_home_and_due_for_you_on_the_dashboard(client, items):
    officer = make_officer()
    items.add(officer, due=days_from_today(-2), title="Overdue review QT-09")
    items.add(officer, due=days_from_today(100), title="Far away")
    client.force_login(officer)
    home = client.get("/")
    assert home.status_code == 200
    assert "Overdue review QT-09" in home.content.decode() and "Far away" not in home.content.decode()
    dashboard = client.get("/admin/")
    assert dashboard.status_code == 200
    assert "Overdue review QT-09" in dashboard.content.decode()


def test_panels_show_only_the_persons_own_items(client, items):
    mine, theirs = make_staff(), make_staff()
    items.add(theirs, due=days_from_today(-2), title="Someone else's action")
    client.force_login(mine)
    assert "Someone else's action" not in client.get("/").content.decode()


@pytest.mark.parametrize(("role", "expected"), [("staff", 302), ("approver", 302), ("auditor", 302), ("officer", 200)])
def test_only_quality_officers_edit_lead_times(client, role, expected):
    client.force_login(MAKERS[role]())
    lead = LeadTime.objects.get(kind="document_review")
    response = client.get(reverse("leadtime:edit", args=[lead.pk]))
    assert response.status_code == expected


def test_a_quality_officer_changes_lead_times_and_bad_input_is_refused(client):
    officer = make_user(roles.QUALITY_OFFICERS)
    client.force_login(officer)
    lead = LeadTime.objects.get(kind="document_review")
    url = reverse("leadtime:edit", args=[lead.pk])
    form = {"days_before": "60, 30", "overdue_every_days": "3", "escalation_grace_days": "10", "is_active": "on"}
    bad = client.post(url, {**form, "days_before": "thirty"})
    assert bad.status_code == 200
    lead.refresh_from_db()
    assert lead.days_before == "30, 7, 1"
    assert client.post(url, form).status_code == 302
    lead.refresh_from_db()
    assert lead.steps == [60, 30] and lead.overdue_every_days == 3
    assert lead.history.first().history_user_id == officer.pk
    # Its record and history are the kit's: Wagtail's history page sends the reader to the timeline.
    inspect = reverse("leadtime:inspect", args=[lead.pk])
    assert client.get(reverse("leadtime:history", args=[lead.pk])).url == inspect
    assert client.get(inspect).context["timeline"][0].user == officer


@pytest.mark.parametrize(("role", "expected"), [("staff", 302), ("officer", 200)])
def test_the_ledger_is_readable_by_quality_officers(client, role, expected):
    client.force_login(MAKERS[role]())
    assert client.get(reverse("delivery:index")).status_code == expected


@pytest.mark.parametrize(("role", "expected"), [("staff", 302), ("auditor", 302), ("officer", 200)])
def test_quality_officers_see_and_edit_the_sweep_schedule(client, role, expected):
    from django_celery_beat.models import PeriodicTask

    from qms.reminders.schedule import DAILY_TASK_NAME

    client.force_login(MAKERS[role]())
    response = client.get(reverse("reminder_schedule:index"))
    assert response.status_code == expected
    task = PeriodicTask.objects.get(name=DAILY_TASK_NAME)
    assert client.get(reverse("reminder_schedule:edit", args=[task.pk])).status_code == expected
    if expected == 200:
        assert DAILY_TASK_NAME in response.content.decode()


def test_the_ledger_lists_what_was_sent_to_whom(client, items):
    from qms.reminders.services import reminders_sweep

    owner = make_staff(username="mai")
    items.add(owner, due=days_from_today(-1), title="QT-05 review")
    reminders_sweep(as_of=timezone.localdate())
    client.force_login(make_officer())
    page = client.get(reverse("delivery:index")).content.decode()
    assert "QT-05 review" in page and "mai" in page
