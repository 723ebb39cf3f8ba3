"""The workflow rules of ISO 9001 10.2, through the services every entry point uses."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from qms.core.models import IsoClause
from qms.nonconformities import services
from qms.nonconformities.models import CorrectiveAction, Nonconformity
from tests import factories as f

S = Nonconformity.Status
A = CorrectiveAction.Status

pytestmark = pytest.mark.django_db


@pytest.fixture
def people():
    unit = f.make_unit()
    return {
        "unit": unit,
        "officer": f.make_officer(unit=unit),
        "approver": f.make_approver(unit=unit),
        "owner": f.make_staff(unit=unit),  # owner of the nonconformity
        "doer": f.make_staff(unit=unit),  # owner of the action
        "staff": f.make_staff(unit=unit),
    }


def _snapshot(nc):
    nc = Nonconformity.objects.get(pk=nc.pk)
    return (nc.status, nc.version, nc.history.count(), nc.closed_at, nc.rejection_reason)


def _to(nc, target, user, reason=""):
    return services.nonconformity_transition(nonconformity=nc, target=target, user=user, reason=reason)


def _ready_to_close(p, severity="minor"):
    nc = f.make_nonconformity(unit=p["unit"], severity=severity, owner=p["owner"])
    _to(nc, S.INVESTIGATING, p["owner"])
    services.nonconformity_update(nonconformity=nc, user=p["owner"], root_cause="Thiếu bước kiểm tra", reason="5 why")
    action = f.make_action(nc, owner=p["doer"], user=p["owner"])
    _to(nc, S.ACTION_PLANNED, p["owner"])
    services.action_complete(action=action, user=p["doer"], evidence="Đã sửa biểu mẫu BM-01")
    services.action_verify(action=action, user=p["officer"], effective=True, comment="Không tái diễn")
    nc.refresh_from_db()
    return nc, action


def test_reference_is_a_sequence_per_year(people):
    first = f.make_nonconformity(unit=people["unit"])
    second = f.make_nonconformity(unit=people["unit"])
    year = timezone.localdate().year
    assert first.reference == f"NC-{year}-0001"
    assert second.reference == f"NC-{year}-0002"
    old = f.make_nonconformity(unit=people["unit"], reported_at=timezone.now().replace(year=2024))
    assert old.reference == "NC-2024-0001"


def test_report_records_history_with_user_and_reason_and_links(people):
    clause = IsoClause.objects.get(number="10.2")
    nc = services.nonconformity_report(
        title="T",
        description="D",
        source=Nonconformity.Source.INTERNAL_AUDIT,
        severity=Nonconformity.Severity.MAJOR,
        unit=people["unit"],
        reported_by=people["staff"],
        clauses=[clause],
        reason="Từ phát hiện đánh giá",
    )
    assert list(nc.clauses.all()) == [clause]
    first = nc.history.earliest()
    assert first.history_user == people["staff"]
    assert first.history_change_reason == "Từ phát hiện đánh giá"
    assert nc.status == S.REPORTED


def test_report_refuses_missing_title(people):
    with pytest.raises(services.InvalidInput):
        services.nonconformity_report(
            title=" ",
            description="D",
            source="staff_report",
            severity="minor",
            unit=people["unit"],
            reported_by=people["staff"],
        )
    assert not Nonconformity.objects.exists()


def test_the_whole_workflow_to_closure(people):
    nc, action = _ready_to_close(people)
    assert nc.status == S.AWAITING_VERIFICATION
    assert CorrectiveAction.objects.get(pk=action.pk).status == A.VERIFIED
    _to(nc, S.CLOSED, people["officer"])
    nc.refresh_from_db()
    assert nc.status == S.CLOSED and nc.closed_by == people["officer"] and nc.closed_at
    reasons = [h.history_change_reason for h in nc.history.order_by("history_date", "history_id")]
    assert all(reasons), reasons
    assert all(h.history_user_id for h in nc.history.all())


# Every allowed transition of the map, and every forbidden one, from each state.
ALL = list(S.values)


def _nc_in(status, p):
    """A nonconformity brought to `status` through the services."""
    nc = _bring(status, p)
    return Nonconformity.objects.get(pk=nc.pk)


def _bring(status, p):
    nc = f.make_nonconformity(unit=p["unit"], owner=p["owner"])
    if status == S.REPORTED:
        return nc
    if status == S.REJECTED:
        return _to(nc, S.REJECTED, p["officer"], reason="Không phải sự không phù hợp")
    _to(nc, S.INVESTIGATING, p["owner"])
    if status == S.INVESTIGATING:
        return nc
    services.nonconformity_update(nonconformity=nc, user=p["owner"], root_cause="Nguyên nhân", reason="RCA")
    first = f.make_action(nc, owner=p["doer"], user=p["owner"])
    _to(nc, S.ACTION_PLANNED, p["owner"])
    if status == S.ACTION_PLANNED:
        return nc
    second = f.make_action(nc, owner=p["doer"], user=p["owner"])
    services.action_complete(action=first, user=p["doer"], evidence="Xong")
    nc.refresh_from_db()
    if status == S.IN_PROGRESS:
        assert nc.status == S.IN_PROGRESS
        return nc
    services.action_complete(action=second, user=p["doer"], evidence="Xong")
    for action in nc.actions.all():
        services.action_verify(action=action, user=p["officer"], effective=True)
    nc.refresh_from_db()
    assert nc.status == S.AWAITING_VERIFICATION
    if status == S.AWAITING_VERIFICATION:
        return nc
    return _to(nc, S.CLOSED, p["officer"])


def _prepared(source, target, p):
    """`nc` in `source`, with the preconditions of an allowed move met (they are tested on their own below)."""
    if (source, target) == (S.IN_PROGRESS, S.AWAITING_VERIFICATION):
        nc = _nc_in(S.AWAITING_VERIFICATION, p)
        _to(nc, S.IN_PROGRESS, p["officer"], reason="Cần thêm hành động")
        return Nonconformity.objects.get(pk=nc.pk)
    nc = _nc_in(source, p)
    if (source, target) == (S.INVESTIGATING, S.ACTION_PLANNED):
        services.nonconformity_update(nonconformity=nc, user=p["owner"], root_cause="Nguyên nhân", reason="RCA")
        f.make_action(nc, owner=p["doer"], user=p["owner"])
        nc = Nonconformity.objects.get(pk=nc.pk)
    return nc


@pytest.mark.parametrize("target", ALL)
@pytest.mark.parametrize("source", ALL)
def test_transition_map(people, source, target):
    """Every pair of states: allowed moves succeed, every other one is refused and changes nothing."""
    nc = _prepared(source, target, people)
    assert nc.status == source
    before = _snapshot(nc)
    if target in services.TRANSITIONS[source]:
        _to(nc, target, people["approver"] if target == S.CLOSED else people["officer"], reason="Lý do")
        assert Nonconformity.objects.get(pk=nc.pk).status == target
    else:
        with pytest.raises(services.TransitionNotAllowed):
            _to(nc, target, people["officer"], reason="Lý do")
        assert _snapshot(nc) == before


def test_an_unknown_target_is_refused_and_changes_nothing(people):
    nc = _nc_in(S.INVESTIGATING, people)
    before = _snapshot(nc)
    with pytest.raises(services.InvalidInput):
        _to(nc, "nonsense", people["officer"], reason="Lý do")
    assert _snapshot(nc) == before


def test_cannot_close_with_an_open_action(people):
    nc = _nc_in(S.IN_PROGRESS, people)
    assert nc.actions.filter(status=A.PLANNED).exists()
    before = _snapshot(nc)
    with pytest.raises(services.TransitionNotAllowed):
        _to(nc, S.CLOSED, people["officer"])
    assert _snapshot(nc) == before


def test_cannot_close_when_an_action_is_completed_but_not_verified(people):
    nc = _nc_in(S.IN_PROGRESS, people)
    for action in nc.actions.filter(status=A.PLANNED):
        services.action_complete(action=action, user=people["doer"], evidence="Xong")
    nc.refresh_from_db()
    assert nc.status == S.AWAITING_VERIFICATION
    assert nc.actions.filter(status=A.COMPLETED).exists()
    before = _snapshot(nc)
    with pytest.raises(services.TransitionNotAllowed):
        _to(nc, S.CLOSED, people["officer"])
    assert _snapshot(nc) == before


def test_verification_by_the_action_owner_is_refused(people):
    officer_doer = people["officer"]
    nc = f.make_nonconformity(unit=people["unit"], owner=people["owner"])
    _to(nc, S.INVESTIGATING, people["owner"])
    services.nonconformity_update(nonconformity=nc, user=people["owner"], root_cause="X", reason="RCA")
    action = f.make_action(nc, owner=officer_doer, user=people["owner"])
    _to(nc, S.ACTION_PLANNED, people["owner"])
    services.action_complete(action=action, user=officer_doer, evidence="Xong")
    with pytest.raises(services.NotPermitted):
        services.action_verify(action=action, user=officer_doer, effective=True)
    assert CorrectiveAction.objects.get(pk=action.pk).status == A.COMPLETED
    assert not action.verifications.exists()
    services.action_verify(action=action, user=people["approver"], effective=True)
    assert CorrectiveAction.objects.get(pk=action.pk).status == A.VERIFIED


def test_ineffective_verification_reopens_the_action_and_the_nonconformity(people):
    nc = _nc_in(S.ACTION_PLANNED, people)
    action = nc.actions.get()
    services.action_complete(action=action, user=people["doer"], evidence="Xong")
    nc.refresh_from_db()
    assert nc.status == S.AWAITING_VERIFICATION
    with pytest.raises(services.InvalidInput):
        services.action_verify(action=action, user=people["officer"], effective=False)
    services.action_verify(action=action, user=people["officer"], effective=False, comment="Vẫn tái diễn")
    nc.refresh_from_db()
    assert nc.status == S.IN_PROGRESS
    assert CorrectiveAction.objects.get(pk=action.pk).status == A.IN_PROGRESS


def test_major_needs_an_approver_to_close(people):
    nc, _action = _ready_to_close(people, severity="major")
    before = _snapshot(nc)
    with pytest.raises(services.NotPermitted):
        _to(nc, S.CLOSED, people["officer"])
    assert _snapshot(nc) == before
    _to(nc, S.CLOSED, people["approver"])
    assert Nonconformity.objects.get(pk=nc.pk).status == S.CLOSED


def test_minor_closed_by_officer_not_by_staff(people):
    nc, _action = _ready_to_close(people)
    with pytest.raises(services.NotPermitted):
        _to(nc, S.CLOSED, people["staff"])
    with pytest.raises(services.NotPermitted):
        _to(nc, S.CLOSED, people["owner"])
    _to(nc, S.CLOSED, people["officer"])


def test_reject_and_reopen_need_a_reason(people):
    nc = f.make_nonconformity(unit=people["unit"])
    with pytest.raises(services.InvalidInput):
        _to(nc, S.REJECTED, people["officer"])
    _to(nc, S.REJECTED, people["officer"], reason="Trùng với NC khác")
    nc.refresh_from_db()
    assert nc.rejection_reason == "Trùng với NC khác"
    closed = _nc_in(S.CLOSED, people)
    with pytest.raises(services.InvalidInput):
        _to(closed, S.INVESTIGATING, people["officer"])
    with pytest.raises(services.NotPermitted):
        _to(closed, S.INVESTIGATING, people["owner"], reason="Tái diễn")
    _to(closed, S.INVESTIGATING, people["officer"], reason="Tái diễn")
    closed.refresh_from_db()
    assert closed.status == S.INVESTIGATING and closed.closed_at is None
    assert closed.history.latest().history_change_reason == "Tái diễn"


def test_stale_version_gets_a_conflict_and_changes_nothing(people):
    nc = f.make_nonconformity(unit=people["unit"], owner=people["owner"])
    loaded = nc.version
    services.nonconformity_update(nonconformity=nc, user=people["owner"], version=loaded, title="Mới")
    before = _snapshot(nc)
    with pytest.raises(services.ConflictError):
        services.nonconformity_update(nonconformity=nc, user=people["officer"], version=loaded, title="Cũ")
    with pytest.raises(services.ConflictError):
        services.nonconformity_transition(
            nonconformity=nc, target=S.INVESTIGATING, user=people["officer"], version=loaded
        )
    assert _snapshot(nc) == before
    assert Nonconformity.objects.get(pk=nc.pk).title == "Mới"


def test_severity_and_root_cause_changes_need_a_reason(people):
    nc = f.make_nonconformity(unit=people["unit"], owner=people["owner"])
    for change in ({"severity": "major"}, {"root_cause": "X"}, {"root_cause_method": "five_whys"}):
        with pytest.raises(services.InvalidInput):
            services.nonconformity_update(nonconformity=nc, user=people["owner"], **change)
    services.nonconformity_update(
        nonconformity=nc,
        user=people["owner"],
        severity="major",
        root_cause_method="five_whys",
        root_cause_answers={"whys": ["a", "b"]},
        root_cause="b",
        reason="Đánh giá lại",
    )
    latest = Nonconformity.objects.get(pk=nc.pk).history.latest()
    assert latest.history_change_reason == "Đánh giá lại"
    assert latest.history_user == people["owner"]
    diff = latest.diff_against(latest.prev_record)
    assert {c.field for c in diff.changes} >= {"severity", "root_cause"}
    assert {(c.old, c.new) for c in diff.changes if c.field == "severity"} == {("minor", "major")}


def test_due_date_move_needs_a_reason_and_is_on_the_record(people):
    nc = _nc_in(S.INVESTIGATING, people)
    action = f.make_action(nc, owner=people["doer"], user=people["owner"])
    later = action.due_date + datetime.timedelta(days=7)
    with pytest.raises(services.InvalidInput):
        services.action_update(action=action, user=people["owner"], due_date=later)
    assert CorrectiveAction.objects.get(pk=action.pk).due_date != later
    services.action_update(action=action, user=people["owner"], due_date=later, reason="Chờ kinh phí")
    entry = CorrectiveAction.objects.get(pk=action.pk).history.latest()
    assert entry.history_change_reason == "Chờ kinh phí" and entry.history_user == people["owner"]
    with pytest.raises(services.NotPermitted):
        services.action_update(action=action, user=people["doer"], description="x")


def test_completion_with_files_keeps_their_metadata_history(people, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    nc = _nc_in(S.ACTION_PLANNED, people)
    action = nc.actions.get()
    with pytest.raises(services.NotPermitted):
        services.action_complete(action=action, user=people["staff"], evidence="x")
    with pytest.raises(services.InvalidInput):
        services.action_complete(action=action, user=people["doer"], evidence="  ")
    upload = SimpleUploadedFile("bien-ban.pdf", b"%PDF-1.4 test", content_type="application/pdf")
    services.action_complete(action=action, user=people["doer"], evidence="Biên bản", files=[upload])
    record = action.files.get()
    assert record.name == "bien-ban.pdf" and record.size == len(b"%PDF-1.4 test")
    entry = record.history.get()
    assert entry.history_user == people["doer"] and entry.history_change_reason


def test_actions_cannot_be_planned_on_a_closed_or_reported_nonconformity(people):
    for status in (S.REPORTED, S.CLOSED, S.REJECTED):
        nc = _nc_in(status, people)
        with pytest.raises(services.TransitionNotAllowed):
            f.make_action(nc, owner=people["doer"], user=people["officer"])


def test_planning_needs_root_cause_and_an_action(people):
    nc = f.make_nonconformity(unit=people["unit"], owner=people["owner"])
    _to(nc, S.INVESTIGATING, people["owner"])
    with pytest.raises(services.TransitionNotAllowed):
        _to(nc, S.ACTION_PLANNED, people["owner"])
    f.make_action(nc, owner=people["doer"], user=people["owner"])
    with pytest.raises(services.TransitionNotAllowed, match="root cause|nguyên nhân"):
        _to(nc, S.ACTION_PLANNED, people["owner"])
