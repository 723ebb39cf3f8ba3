"""The review's lifecycle (ISO 9001 9.3): planned → pack prepared → held → minutes approved, the pack a frozen
snapshot, separation of duties at approval, and a locked review refusing every change."""

import datetime

import pytest
from django.utils import timezone

from qms.core.records import NotPermitted
from qms.management_review import services
from qms.management_review.models import ManagementReview, ReviewDecision, ReviewSection
from qms.nonconformities.models import Nonconformity
from tests import factories as f

S = ManagementReview.Status


def section(review, key):
    return next(s for s in review.pack["sections"] if s["key"] == key)


def figure(sec, key):
    return next(fig["value"] for fig in sec["figures"] if fig["key"] == key)


def hold(review, people):
    review = services.pack_prepare(review=review, user=people["officer"])
    return services.minutes_record(
        review=review, user=people["officer"], attendees=[people["attendee"]], conclusion="Phù hợp và có hiệu lực."
    )


def test_the_pack_is_a_snapshot_a_nonconformity_closed_afterwards_does_not_change_it(people, review):
    nc = f.make_nonconformity(unit=people["unit"])
    review = services.pack_prepare(review=review, user=people["officer"])
    nc_section = section(review, "nonconformities")
    assert figure(nc_section, "nonconformities_raised") == 1
    assert figure(nc_section, "closed_in_the_period") == 0
    assert figure(nc_section, "open_at_the_end_of_the_period") == 1
    frozen = review.pack
    # The register moves on after the pack was prepared.
    Nonconformity.objects.filter(pk=nc.pk).update(status=Nonconformity.Status.CLOSED, closed_at=timezone.now())
    review.refresh_from_db()
    assert review.pack == frozen
    assert figure(section(review, "nonconformities"), "closed_in_the_period") == 0
    # ... while gathering now shows the change: the difference is the snapshot, not a stale provider.
    fresh = {s["key"]: s for s in services.gather_pack(review.period_start, review.period_end)}
    assert figure(fresh["nonconformities"], "closed_in_the_period") == 1


def test_every_registered_input_becomes_a_section_with_its_text(people, review):
    review = services.pack_prepare(review=review, user=people["officer"])
    keys = [s["key"] for s in review.pack["sections"]]
    assert keys[0] == "previous_reviews"  # 9.3.2 a) first
    for key in ("documents", "feedback", "nonconformities", "audits", "acknowledgements", "audit_opportunities"):
        assert key in keys
    assert set(ReviewSection.objects.filter(review=review).values_list("key", flat=True)) == set(keys)
    assert review.status == S.PACK_PREPARED


def test_lifecycle_to_approval_then_every_change_is_refused(people, review):
    review = services.pack_prepare(review=review, user=people["officer"])
    services.decision_record(
        review=review,
        user=people["officer"],
        kind="improvement",
        text="Số hoá hồ sơ",
        owner=people["staff"],
        due_date=timezone.localdate() + datetime.timedelta(days=90),
    )
    review = hold(review, people)
    assert review.status == S.HELD and review.minutes_written_by == people["officer"]
    review = services.minutes_approve(review=review, user=people["chair"])
    assert review.status == S.APPROVED and review.approved_by == people["chair"]
    before = ManagementReview.objects.get(pk=review.pk)
    history = review.history.count()
    refusals = [
        lambda: services.review_update(review=review, user=people["officer"], conclusion="Sửa sau khi duyệt"),
        lambda: services.pack_prepare(review=review, user=people["officer"]),
        lambda: services.decision_record(review=review, user=people["officer"], kind="change", text="Thêm"),
        lambda: services.section_update(review=review, user=people["officer"], key="documents", summary="x"),
        lambda: services.minutes_approve(review=review, user=people["chair"]),
    ]
    for refuse in refusals:
        with pytest.raises(services.ReviewError):
            refuse()
    after = ManagementReview.objects.get(pk=review.pk)
    assert (after.conclusion, after.version, after.pack) == (before.conclusion, before.version, before.pack)
    assert review.history.count() == history
    assert ReviewDecision.objects.filter(review=review).count() == 1
    reasons = list(review.history.order_by("history_date").values_list("history_change_reason", flat=True))
    assert reasons[-1] == "Đã duyệt biên bản"


def test_only_the_chair_approves_and_never_the_writer_of_the_minutes(people, review, django_user_model):
    review = hold(review, people)
    for person in (people["other_approver"], people["officer"], people["auditor"]):
        with pytest.raises(NotPermitted):
            services.minutes_approve(review=review, user=person)
    admin = django_user_model.objects.create_superuser("root", "root@example.test", "pw")
    # An administrator who wrote the minutes does not approve them either (separation of duties, 5.3).
    admin_review = hold(
        services.review_plan(**_plan_values(people, user=admin, chair=admin)), {**people, "officer": admin}
    )
    with pytest.raises(NotPermitted):
        services.minutes_approve(review=admin_review, user=admin)
    assert ManagementReview.objects.get(pk=review.pk).status == S.HELD


def _plan_values(people, **extra):
    import datetime

    values = {
        "user": people["officer"],
        "title": "Xem xét bất thường",
        "period_start": datetime.date(2026, 1, 1),
        "period_end": datetime.date(2026, 6, 30),
        "meeting_date": datetime.date(2026, 7, 10),
        "chair": people["chair"],
    }
    values.update(extra)
    return values


def test_the_chair_must_be_an_approver(people):
    with pytest.raises(services.InvalidInput):
        services.review_plan(**_plan_values(people, chair=people["staff"]))
    assert not ManagementReview.objects.exists()


def test_a_replanned_review_keeps_an_approver_in_the_chair_and_its_title(people, review):
    # The rules of planning hold when the plan changes too (one home: the services' plan check).
    for change in ({"chair": people["staff"]}, {"chair": None}, {"title": "  "}):
        with pytest.raises(services.InvalidInput):
            services.review_update(review=review, user=people["officer"], **change)
    review.refresh_from_db()
    assert review.chair == people["chair"] and review.title.startswith("Xem xét")
    review = services.review_update(review=review, user=people["officer"], chair=people["other_approver"])
    assert review.chair == people["other_approver"]


def test_a_decision_raises_a_nonconformity_once(people, review):
    review = services.pack_prepare(review=review, user=people["officer"])
    decision = services.decision_record(
        review=review, user=people["officer"], kind="change", text="Quy trình tiếp nhận chưa phù hợp thực tế"
    )
    nc = services.decision_raise_nonconformity(decision=decision, user=people["officer"], unit=people["unit"])
    assert nc.source == Nonconformity.Source.MANAGEMENT_REVIEW
    decision.refresh_from_db()
    assert decision.nonconformity == nc
    with pytest.raises(services.ReviewError):
        services.decision_raise_nonconformity(decision=decision, user=people["officer"], unit=people["unit"])
    assert Nonconformity.objects.count() == 1


def test_a_lost_race_is_refused(people, review):
    from qms.core.records import ConflictError

    stale = review.version
    services.review_update(review=review, user=people["officer"], resources="Đủ nhân lực")
    with pytest.raises(ConflictError):
        services.review_update(review=review, user=people["officer"], version=stale, resources="Thiếu")
    assert ManagementReview.objects.get(pk=review.pk).resources == "Đủ nhân lực"


def test_staff_cannot_plan_or_prepare(people, review):
    with pytest.raises(NotPermitted):
        services.review_plan(**_plan_values(people, user=people["staff"]))
    with pytest.raises(NotPermitted):
        services.pack_prepare(review=review, user=people["chair"])
    assert ManagementReview.objects.get(pk=review.pk).status == S.PLANNED
