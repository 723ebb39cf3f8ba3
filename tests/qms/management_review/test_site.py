"""The management review on the site (ISO 9001 9.3, 7.4): the role × action matrix over HTTP and the
available-actions selector, an attendee without admin access reading the minutes and downloading them, a
stranger told nothing, the officer's editing left in the admin."""

import datetime

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse

from qms.core.records import QmsError
from qms.management_review import selectors, services
from qms.management_review.models import ManagementReview, ReviewDecision
from tests import factories as f

from .conftest import plan

S = ManagementReview.Status
ROLES = ("officer", "chair", "other_approver", "auditor", "attendee", "staff", "anonymous")
READERS = {"officer", "chair", "other_approver", "auditor", "attendee"}
# role -> the actions of the selector its rights permit (the record's state aside)
PERMITTED = {
    "officer": {"prepare", "decision", "minutes"},
    "chair": {"approve"},
    "other_approver": set(),
    "auditor": set(),
    "attendee": set(),
    "staff": set(),
    "anonymous": set(),
}


def user_of(people, role):
    return AnonymousUser() if role == "anonymous" else people[role]


def client_of(client, people, role):
    if role != "anonymous":
        client.force_login(people[role])
    return client


@pytest.fixture
def held(people):
    review = plan(people)
    review = services.pack_prepare(review=review, user=people["officer"])
    services.decision_record(
        review=review,
        user=people["officer"],
        kind=ReviewDecision.Kind.IMPROVEMENT,
        text="Số hoá sổ theo dõi hồ sơ một cửa.",
        owner=people["staff"],
        due_date=datetime.date.today() + datetime.timedelta(days=90),
    )
    return services.minutes_record(
        review=review, user=people["officer"], attendees=[people["attendee"]], conclusion="Phù hợp và có hiệu lực."
    )


@pytest.mark.parametrize("role", ROLES)
def test_read_and_download_on_the_site(client, people, held, role):
    client = client_of(client, people, role)
    detail = client.get(reverse("reviews:detail", args=[held.pk]))
    docx = client.get(reverse("reviews:docx", args=[held.pk]))
    xlsx = client.get(reverse("reviews:xlsx", args=[held.pk]))
    printable = client.get(reverse("reviews:print", args=[held.pk]))
    listing = client.get(reverse("reviews:list"))
    if role == "anonymous":
        for response in (detail, docx, xlsx, printable, listing):
            assert response.status_code == 302 and "/accounts/login/" in response["Location"]
        return
    assert listing.status_code == 200
    if role in READERS:
        assert detail.status_code == 200
        body = detail.content.decode()
        assert "Số hoá sổ theo dõi hồ sơ một cửa." in body
        assert "Phù hợp và có hiệu lực." in body
        assert held.title in listing.content.decode()
        assert docx.status_code == 200 and docx["Content-Type"].endswith("wordprocessingml.document")
        assert xlsx.status_code == 200 and xlsx["Content-Type"].endswith("spreadsheetml.sheet")
        assert printable.status_code == 200 and "Số hoá sổ theo dõi hồ sơ một cửa." in printable.content.decode()
    else:
        # A stranger is not even told the review exists.
        assert {detail.status_code, docx.status_code, xlsx.status_code, printable.status_code} == {404}
        assert held.title not in listing.content.decode()


@pytest.mark.parametrize("role", ROLES)
def test_what_each_role_may_do_the_selector_and_the_service_agree(people, held, role):
    user = user_of(people, role)
    permitted = {a.action for a in selectors.review_actions(user=user, review=held) if a.permitted}
    assert permitted == PERMITTED[role]
    # In the held state: the minutes and decisions may still be recorded, the pack no more, approval now.
    allowed = set(selectors.allowed_actions(user=user, review=held))
    assert allowed == PERMITTED[role] - {"prepare"}
    if role == "anonymous":
        return
    # The service takes the same view as the selector.
    try:
        services.minutes_approve(review=held, user=user)
    except QmsError:
        approved = False
    else:
        approved = True
    assert approved == ("approve" in allowed)


def test_the_attendee_without_admin_access_reads_the_minutes_on_the_site(client, people, held):
    attendee = people["attendee"]
    assert not attendee.has_perm("wagtailadmin.access_admin")
    client.force_login(attendee)
    # The admin's screens stay closed to them ...
    admin = client.get(reverse("management_review:detail", args=[held.pk]))
    assert admin.status_code in (302, 403)
    # ... the site's page is theirs, linked from the navigation.
    home = client.get("/")
    assert reverse("reviews:list") in home.content.decode()
    page = client.get(held.get_absolute_url())
    body = page.content.decode()
    assert page.status_code == 200
    assert reverse("reviews:docx", args=[held.pk]) in body
    assert people["attendee"].username in body  # the attendees
    assert "9.3.2 a)" in body  # the pack
    assert 'id="approve-minutes"' not in body
    assert reverse("management_review:detail", args=[held.pk]) not in body  # no edit link


def test_the_chair_approves_on_the_site_and_then_the_review_is_locked(client, people, held):
    client.force_login(people["chair"])
    page = client.get(held.get_absolute_url())
    assert 'id="approve-minutes"' in page.content.decode()
    response = client.post(reverse("reviews:approve", args=[held.pk]), {"version": held.version})
    assert response.status_code == 302
    held.refresh_from_db()
    assert held.status == S.APPROVED and held.approved_by == people["chair"]
    again = client.get(held.get_absolute_url()).content.decode()
    assert 'id="approve-minutes"' not in again
    assert all(not a.allowed for a in selectors.review_actions(user=people["officer"], review=held))


def test_an_attendee_cannot_approve_through_the_site(client, people, held):
    client.force_login(people["attendee"])
    client.post(reverse("reviews:approve", args=[held.pk]), {"version": held.version})
    held.refresh_from_db()
    assert held.status == S.HELD


def test_a_stranger_cannot_approve_and_is_told_nothing(client, people, held):
    client.force_login(people["staff"])
    response = client.post(reverse("reviews:approve", args=[held.pk]), {"version": held.version})
    assert response.status_code == 404
    held.refresh_from_db()
    assert held.status == S.HELD


def test_the_chair_who_is_not_an_attendee_reads_the_review_even_without_the_approver_role(people, held):
    # The chair may leave the approvers' group later; the minutes they chaired stay theirs to read.
    chair = people["chair"]
    chair.groups.clear()
    chair = type(chair).objects.get(pk=chair.pk)
    assert chair.has_perm("management_review.read_review", held)
    assert held in selectors.reviews_for(chair)


def test_the_list_shows_a_person_only_the_reviews_they_attended(people, held):
    other = plan(people, title="Xem xét giữa năm", attendees=[people["staff"]])
    assert list(selectors.reviews_for(people["attendee"])) == [held]
    assert list(selectors.reviews_for(people["staff"])) == [other]
    assert set(selectors.reviews_for(people["auditor"])) == {held, other}
    assert list(selectors.reviews_for(f.make_staff(unit=people["unit"]))) == []
