"""The risk's life (ISO 9001 6.1.2): scoring and bands, treatment rules, the review, races and stale copies."""

import datetime

import pytest
from django.test import override_settings
from django.utils import timezone

from qms.risks import scoring, services
from qms.risks.models import Risk, RiskReview
from tests import factories as f

from .builders import make_risk

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    """The refusals are matched by their English words."""
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.mark.parametrize(
    ("likelihood", "impact", "score", "band"),
    [
        (1, 1, 1, "low"),
        (2, 2, 4, "low"),
        (1, 5, 5, "medium"),
        (3, 3, 9, "medium"),
        (2, 5, 10, "high"),
        (5, 5, 25, "high"),
    ],
)
def test_score_and_default_bands(likelihood, impact, score, band):
    assert scoring.score_of(likelihood, impact) == score
    assert scoring.band_of(score) == band


@override_settings(QMS_RISK_SCALE=3, QMS_RISK_BANDS={"medium": 3, "high": 6})
def test_scale_and_bands_are_configurable():
    assert scoring.ratings() == [1, 2, 3]
    assert scoring.band_of(2) == "low" and scoring.band_of(3) == "medium" and scoring.band_of(6) == "high"
    assert scoring.band_score_range("high") == (6, 9)
    with pytest.raises(services.InvalidInput, match="1"):
        make_risk(likelihood=4, impact=1)


def test_identify_numbers_per_year_and_rates():
    first = make_risk()
    second = make_risk(likelihood=4, impact=3)
    year = timezone.localdate().year
    assert first.reference == f"R-{year}-0001" and second.reference == f"R-{year}-0002"
    assert first.status == Risk.Status.IDENTIFIED and first.score is None and first.band is None
    assert second.status == Risk.Status.ASSESSED and second.score == 12 and second.band == "high"


@pytest.mark.parametrize(("likelihood", "impact"), [(0, 3), (6, 1), (3, None), ("3", 3), (True, 2)])
def test_ratings_outside_the_scale_are_refused(likelihood, impact):
    risk = make_risk()
    with pytest.raises(services.InvalidInput):
        services.risk_assess(risk=risk, user=risk.owner, likelihood=likelihood, impact=impact)
    risk.refresh_from_db()
    assert risk.likelihood is None and risk.status == Risk.Status.IDENTIFIED and risk.version == 1


def test_rerating_needs_a_reason():
    risk = make_risk(likelihood=2, impact=2)
    with pytest.raises(services.InvalidInput, match="why"):
        services.risk_assess(risk=risk, user=risk.owner, likelihood=4, impact=2)
    services.risk_assess(risk=risk, user=risk.owner, likelihood=4, impact=2, reason="Luật mới có hiệu lực")
    risk.refresh_from_db()
    assert risk.score == 8 and risk.history.first().history_change_reason == "Luật mới có hiệu lực"


def test_accepting_a_high_risk_needs_a_justification():
    risk = make_risk(likelihood=4, impact=4)
    with pytest.raises(services.JustificationRequired):
        services.risk_plan_treatment(risk=risk, user=risk.owner, treatment="accept")
    risk.refresh_from_db()
    assert risk.treatment == "" and risk.status == Risk.Status.ASSESSED
    services.risk_plan_treatment(
        risk=risk, user=risk.owner, treatment="accept", justification="Chi phí khắc phục vượt lợi ích"
    )
    risk.refresh_from_db()
    assert risk.status == Risk.Status.MONITORED and risk.review_date is not None
    # Re-rating it higher keeps the justification; removing it by a rating is not possible either way.
    low = make_risk(likelihood=1, impact=2)
    services.risk_plan_treatment(risk=low, user=low.owner, treatment="accept")
    with pytest.raises(services.JustificationRequired):
        services.risk_assess(risk=low, user=low.owner, likelihood=5, impact=5, reason="Tần suất tăng")
    low.refresh_from_db()
    assert low.score == 2


def test_treatment_fits_the_kind_and_needs_a_rating():
    risk = make_risk()
    with pytest.raises(services.TransitionNotAllowed, match="Rate"):
        services.risk_plan_treatment(risk=risk, user=risk.owner, treatment="reduce")
    services.risk_assess(risk=risk, user=risk.owner, likelihood=3, impact=3)
    with pytest.raises(services.InvalidInput):
        services.risk_plan_treatment(risk=risk, user=risk.owner, treatment="pursue")
    services.risk_plan_treatment(risk=risk, user=risk.owner, treatment="reduce", plan="Bổ sung nhân sự")
    risk.refresh_from_db()
    assert risk.status == Risk.Status.UNDER_TREATMENT
    opportunity = make_risk(kind="opportunity", likelihood=4, impact=4)
    with pytest.raises(services.InvalidInput):
        services.risk_plan_treatment(risk=opportunity, user=opportunity.owner, treatment="reduce")
    services.risk_plan_treatment(risk=opportunity, user=opportunity.owner, treatment="pursue")
    opportunity.refresh_from_db()
    assert opportunity.status == Risk.Status.UNDER_TREATMENT
    assert services.planning_blocker(opportunity) is None
    assert services.planning_blocker(make_risk(likelihood=1, impact=1))


def test_review_records_residual_level_and_effectiveness():
    risk = make_risk(likelihood=4, impact=4)
    with pytest.raises(services.TransitionNotAllowed):
        services.risk_review(
            risk=risk, user=risk.owner, residual_likelihood=2, residual_impact=2, effectiveness="effective"
        )
    services.risk_plan_treatment(risk=risk, user=risk.owner, treatment="reduce")
    with pytest.raises(services.InvalidInput):
        services.risk_review(
            risk=risk, user=risk.owner, residual_likelihood=2, residual_impact=2, effectiveness="not_applicable"
        )
    with pytest.raises(services.InvalidInput, match="did not work"):
        services.risk_review(
            risk=risk, user=risk.owner, residual_likelihood=3, residual_impact=4, effectiveness="partly_effective"
        )
    assert not RiskReview.objects.exists()
    review = services.risk_review(
        risk=risk, user=risk.owner, residual_likelihood=2, residual_impact=3, effectiveness="effective"
    )
    risk.refresh_from_db()
    assert review.residual_score == 6 and review.residual_band == "medium"
    assert (risk.residual_likelihood, risk.residual_impact, risk.status) == (2, 3, Risk.Status.MONITORED)
    assert risk.review_date == review.next_review_date == services.default_review_date()
    assert risk.score == 16  # the inherent rating stays as assessed
    # Not effective: back to assessed, a new treatment is decided.
    services.risk_review(
        risk=risk,
        user=risk.owner,
        residual_likelihood=4,
        residual_impact=4,
        effectiveness="not_effective",
        comment="Nhân sự bổ sung đã nghỉ việc",
        next_review_date=timezone.localdate() + datetime.timedelta(days=30),
    )
    risk.refresh_from_db()
    assert risk.status == Risk.Status.ASSESSED and risk.reviews.count() == 2


def test_a_decision_without_actions_is_reviewed_without_effectiveness():
    risk = make_risk(likelihood=1, impact=2)
    services.risk_plan_treatment(risk=risk, user=risk.owner, treatment="accept")
    with pytest.raises(services.InvalidInput):
        services.risk_review(
            risk=risk, user=risk.owner, residual_likelihood=1, residual_impact=2, effectiveness="effective"
        )
    services.risk_review(
        risk=risk, user=risk.owner, residual_likelihood=1, residual_impact=2, effectiveness="not_applicable"
    )


def test_close_needs_a_reason_and_is_final():
    risk = make_risk(likelihood=2, impact=2)
    with pytest.raises(services.InvalidInput):
        services.risk_close(risk=risk, user=risk.owner)
    services.risk_close(risk=risk, user=risk.owner, reason="Quy trình đã được bãi bỏ")
    risk.refresh_from_db()
    assert risk.status == Risk.Status.CLOSED and risk.closed_at
    for call in (
        lambda: services.risk_assess(risk=risk, user=risk.owner, likelihood=3, impact=3, reason="x"),
        lambda: services.risk_update(risk=risk, user=risk.owner, title="Khác"),
        lambda: services.risk_close(risk=risk, user=risk.owner, reason="lại"),
    ):
        with pytest.raises(services.TransitionNotAllowed):
            call()


def test_stale_copy_is_refused_and_changes_nothing():
    risk = make_risk(likelihood=2, impact=2)
    services.risk_update(risk=risk, user=risk.owner, version=1, title="Hồ sơ trễ hạn", reason="Sửa tên")
    with pytest.raises(services.ConflictError):
        services.risk_update(risk=risk, user=risk.owner, version=1, title="Tên khác")
    with pytest.raises(services.ConflictError):
        services.risk_assess(risk=risk, user=risk.owner, version="x", likelihood=3, impact=3, reason="r")
    risk.refresh_from_db()
    assert risk.title == "Hồ sơ trễ hạn" and risk.version == 2


def test_link_nonconformity_once_and_unlink_with_reason():
    risk = make_risk(likelihood=3, impact=3)
    nc = f.make_nonconformity(unit=risk.unit)
    services.risk_link_nonconformity(risk=risk, nonconformity=nc, user=risk.owner)
    services.risk_link_nonconformity(risk=risk, nonconformity=nc, user=risk.owner)
    assert list(nc.risks.all()) == [risk]
    risk.refresh_from_db()
    assert risk.version == 2
    latest = risk.history.first()
    assert [row.nonconformity_id for row in latest.nonconformities.all()] == [nc.pk]
    with pytest.raises(services.InvalidInput):
        services.risk_unlink_nonconformity(risk=risk, nonconformity=nc, user=risk.owner)
    services.risk_unlink_nonconformity(risk=risk, nonconformity=nc, user=risk.owner, reason="Nhầm hồ sơ")
    assert not nc.risks.exists()


def test_staff_cannot_identify_or_change():
    unit = f.make_unit()
    staff = f.make_staff(unit=unit)
    with pytest.raises(services.NotPermitted):
        make_risk(user=staff, unit=unit)
    risk = make_risk(unit=unit, likelihood=2, impact=2)
    with pytest.raises(services.NotPermitted):
        services.risk_assess(risk=risk, user=staff, likelihood=3, impact=3, reason="r")


def test_default_review_date_handles_short_months():
    with override_settings(QMS_RISK_REVIEW_MONTHS=1):
        assert services.default_review_date(datetime.date(2026, 1, 31)) == datetime.date(2026, 2, 28)
    assert services.default_review_date(datetime.date(2026, 3, 15)) == datetime.date(2027, 3, 15)


def _plan_action(risk, user, **extra):
    from qms.nonconformities import services as action_services

    return action_services.action_create(
        origin=risk,
        kind="risk_treatment",
        description=extra.pop("description", "Bố trí thêm một công chức tiếp nhận vào cao điểm"),
        owner=extra.pop("owner", risk.owner),
        due_date=timezone.localdate() + datetime.timedelta(days=30),
        user=user,
    )


def test_treatment_actions_are_corrective_actions_of_the_risk_and_block_closing():
    from qms.nonconformities import services as action_services
    from qms.nonconformities.models import CorrectiveAction
    from qms.nonconformities.selectors import actions_for

    risk = make_risk(likelihood=4, impact=4)
    with pytest.raises(action_services.TransitionNotAllowed, match="Decide a treatment"):
        _plan_action(risk, risk.owner)
    services.risk_plan_treatment(risk=risk, user=risk.owner, treatment="reduce")
    staff = f.make_staff(unit=risk.unit)
    with pytest.raises(action_services.NotPermitted):
        _plan_action(risk, staff)
    action = _plan_action(risk, risk.owner, owner=staff)
    assert action.subject == risk and action.kind == CorrectiveAction.Kind.RISK_TREATMENT
    assert list(actions_for(risk)) == [action] and list(services.treatment_actions(risk)) == [action]
    assert services.close_blocker(risk)
    with pytest.raises(services.TransitionNotAllowed, match="treatment actions"):
        services.risk_close(risk=risk, user=risk.owner, reason="Hết")
    action_services.action_start(action=action, user=staff)
    action_services.action_complete(action=action, user=staff, evidence="Quyết định phân công số 12")
    assert services.close_blocker(risk) == ""
    # The risk's owner, not the action's, verifies its effectiveness (ISO 9001 10.2.1 d, 6.1.2 b).
    assert risk.owner.has_perm("nonconformities.verify_action", action)
    assert not staff.has_perm("nonconformities.verify_action", action)
    services.risk_close(risk=risk, user=risk.owner, reason="Đã xử lý xong")
    with pytest.raises(action_services.TransitionNotAllowed):
        _plan_action(risk, risk.owner)
