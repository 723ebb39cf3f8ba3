"""The reminders ledger is evidence: nobody edits or deletes it in the admin, superusers included (issue 12.5)."""

import pytest
from django.urls import reverse
from django.utils import timezone

from qms.reminders.models import Delivery
from qms.reminders.services import reminders_sweep
from tests.factories import make_officer, make_staff, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def row(items):
    items.add(make_staff(), due=timezone.localdate() - timezone.timedelta(days=1), title="Evidence")
    reminders_sweep(as_of=timezone.localdate())
    return Delivery.objects.get()


@pytest.fixture
def superuser():
    user = make_user(username="root")
    user.is_superuser = True
    user.save()
    return user


def test_a_superuser_cannot_delete_a_ledger_row(client, superuser, row):
    client.force_login(superuser)
    url = f"/admin/delivery/delete/{row.pk}/"
    assert url == reverse("delivery:delete", args=[row.pk])
    assert client.get(url).status_code != 200
    assert client.post(url).status_code != 200
    assert Delivery.objects.filter(pk=row.pk, status=Delivery.Status.SENT).exists()


def test_a_superuser_cannot_edit_or_add_ledger_rows(client, superuser, row):
    client.force_login(superuser)
    for name in ("delivery", "undeliverable_reminder"):
        edit = reverse(f"{name}:edit", args=[row.pk])
        assert client.get(edit).status_code != 200
        client.post(edit, {"status": Delivery.Status.PENDING})
        assert client.post(reverse(f"{name}:add"), {"status": "pending"}).status_code != 200
        assert client.post(reverse(f"{name}:delete", args=[row.pk])).status_code != 200
    row.refresh_from_db()
    assert row.status == Delivery.Status.SENT and Delivery.objects.count() == 1


def test_the_list_offers_no_delete_or_edit_but_still_reads(client, superuser, row):
    client.force_login(superuser)
    page = client.get(reverse("delivery:index")).content.decode()
    assert "Evidence" in page
    assert reverse("delivery:delete", args=[row.pk]) not in page
    assert reverse("delivery:edit", args=[row.pk]) not in page
    assert client.get(reverse("delivery:inspect", args=[row.pk])).status_code == 200


def test_quality_officers_read_but_do_not_delete(client, row):
    client.force_login(make_officer())
    assert client.get(reverse("delivery:index")).status_code == 200
    client.post(reverse("delivery:delete", args=[row.pk]))
    assert Delivery.objects.filter(pk=row.pk).exists()
