"""The way back from a nonconformity to the complaint that raised it (ISO 9001 10.2.1, linked both ways): its
page names the feedback for those who may read the feedback, and never the citizen's name or contact."""

import pytest
from django.urls import reverse

from qms.feedback import services
from qms.nonconformities.services import nonconformity_transition
from tests import factories as f

from .conftest import assigned

pytestmark = pytest.mark.django_db


@pytest.fixture
def raised():
    home, other = f.make_unit(code="HOME"), f.make_unit(code="OTHER")
    people = {
        "officer": f.make_officer(unit=other),
        "handler": f.make_staff(unit=home),
        "action_owner_elsewhere": f.make_staff(unit=other),
    }
    feedback = assigned(
        officer=people["officer"],
        handler=people["handler"],
        unit=home,
        name="Trần Thị Bình",
        email="binh@example.test",
        phone="0912 345 678",
    )
    services.feedback_answer(feedback=feedback, user=people["handler"], answer="Đã xử lý.", substantiated=True)
    nc = services.feedback_raise_nonconformity(feedback=feedback, user=people["handler"])
    nonconformity_transition(nonconformity=nc, target="investigating", user=people["officer"])
    f.make_action(nc, owner=people["action_owner_elsewhere"], user=people["officer"])
    return people, feedback, nc


@pytest.mark.parametrize("who", ["officer", "handler"])
def test_the_nonconformity_page_leads_back_to_the_feedback(client, raised, who):
    people, feedback, nc = raised
    client.force_login(people[who])
    page = client.get(reverse("nonconformities:detail", args=[nc.pk])).content.decode()
    assert 'class="card raised-from-feedback"' in page
    assert feedback.reference in page and feedback.get_absolute_url() in page
    for private in ("Trần Thị Bình", "binh@example.test", "0912 345 678"):
        assert private not in page


def test_who_may_read_the_nonconformity_but_not_the_feedback_is_shown_no_link(client, raised):
    people, feedback, nc = raised
    reader = people["action_owner_elsewhere"]  # reads the nonconformity through their action
    assert reader.has_perm("nonconformities.read_nonconformity", nc)
    assert not reader.has_perm("feedback.read_feedback", feedback)
    client.force_login(reader)
    response = client.get(reverse("nonconformities:detail", args=[nc.pk]))
    assert response.status_code == 200
    assert "raised-from-feedback" not in response.content.decode()
