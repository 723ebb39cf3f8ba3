"""The trail an auditor relies on: every write path records who and why; history cannot be changed through
the product; the timeline reads old and new values."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import NoReverseMatch, reverse
from django.utils.text import capfirst

from qms.core import roles
from qms.core.timeline import timeline
from qms.nonconformities import services
from qms.nonconformities.models import CorrectiveAction, EvidenceFile, Nonconformity, Verification
from qms.nonconformities.selectors import action_timeline
from tests import factories as f

pytestmark = pytest.mark.django_db

TRACKED = (Nonconformity, CorrectiveAction, EvidenceFile, Verification)


def _walk(settings, tmp_path):
    """Every service, once, as different people."""
    settings.MEDIA_ROOT = tmp_path
    unit = f.make_unit()
    officer, approver, doer = f.make_officer(unit=unit), f.make_approver(unit=unit), f.make_staff(unit=unit)
    nc = f.make_nonconformity(unit=unit, severity="major")
    services.nonconformity_transition(nonconformity=nc, target="investigating", user=officer)
    services.nonconformity_update(
        nonconformity=nc, user=officer, root_cause="Thiếu kiểm tra chéo", root_cause_method="other", reason="RCA"
    )
    action = f.make_action(nc, owner=doer, user=officer)
    services.action_update(action=action, user=officer, due_date=action.due_date.replace(day=1), reason="Gấp")
    services.nonconformity_transition(nonconformity=nc, target="action_planned", user=officer)
    services.action_start(action=action, user=doer)
    upload = SimpleUploadedFile("a.txt", b"evidence", content_type="text/plain")
    services.action_complete(action=action, user=doer, evidence="Xong", files=[upload])
    services.action_verify(action=action, user=officer, effective=False, comment="Chưa đạt")
    services.action_complete(action=action, user=doer, evidence="Làm lại, đã đạt")
    services.action_verify(action=action, user=approver, effective=True)
    services.nonconformity_transition(nonconformity=nc, target="closed", user=approver)
    services.nonconformity_transition(nonconformity=nc, target="investigating", user=officer, reason="Tái diễn")
    return Nonconformity.objects.get(pk=nc.pk), CorrectiveAction.objects.get(pk=action.pk), officer


def test_every_write_records_user_and_reason(settings, tmp_path):
    nc, action, _officer = _walk(settings, tmp_path)
    for model in TRACKED:
        entries = model.history.all()
        assert entries.exists(), model
        assert not entries.filter(history_user__isnull=True).exists(), model
        assert not entries.filter(history_change_reason__isnull=True).exists(), model
        assert not entries.filter(history_change_reason="").exists(), model
    # Every state change is one history entry with the status it moved to.
    statuses = list(nc.history.order_by("history_date", "history_id").values_list("status", flat=True))
    for status in ("reported", "investigating", "action_planned", "in_progress", "awaiting_verification", "closed"):
        assert status in statuses
    assert nc.history.latest().history_change_reason == "Tái diễn"


def test_timeline_shows_old_and_new_values_and_related_records(settings, tmp_path):
    nc, action, officer = _walk(settings, tmp_path)
    entries = timeline(nc)
    status_changes = [c for e in entries for c in e.changes if c.old == "Đã đóng" and c.new == "Đang điều tra"]
    assert status_changes
    assert any(e.reason == "RCA" and e.user == officer for e in entries)
    subjects = {e.subject.split(":")[0] for e in action_timeline(action) if e.subject}
    # Named as the catalogue names them (the wording is the translators' to change).
    assert {str(EvidenceFile._meta.verbose_name), str(Verification._meta.verbose_name)} <= subjects


def test_no_role_may_change_or_delete_history_or_delete_records():
    historical = Permission.objects.filter(
        content_type__app_label="nonconformities", content_type__model__startswith="historical"
    )
    deleting = Permission.objects.filter(content_type__app_label="nonconformities", codename__startswith="delete_")
    for role in roles.ALL_ROLES:
        group = Group.objects.get(name=role)
        assert not group.permissions.filter(pk__in=historical).exists(), role
        assert not group.permissions.filter(pk__in=deleting).exists(), role


def test_history_has_no_admin_views():
    for name in ("historicalnonconformity", "historicalcorrectiveaction"):
        with pytest.raises(NoReverseMatch):
            reverse(f"wagtailsnippets_nonconformities_{name}:list")
    # The only admin views are the register's, whose delete views refuse (test_admin) and whose inspect reads.
    assert reverse("nonconformities_admin:inspect", args=[1])


def test_changing_clauses_and_documents_is_one_timeline_entry():
    """An edit is one act with one reason (ISO 9001 7.5.3); the many-to-many writes (clear, then add, per
    field) used to record an entry each, so one edit read as several on the timeline."""
    from qms.core.models import IsoClause

    from .conftest import make_document

    unit = f.make_unit()
    officer = f.make_officer(unit=unit)
    nc = f.make_nonconformity(unit=unit)
    services.nonconformity_transition(nonconformity=nc, target="investigating", user=officer)
    before = nc.history.count()
    clauses = list(IsoClause.objects.filter(number__in=["8.5.1", "9.1.2"]))
    services.nonconformity_update(
        nonconformity=nc, user=officer, clauses=clauses, documents=[make_document(unit)], reason="Phân loại lại"
    )
    assert nc.history.count() == before + 1
    latest = timeline(nc)[0]
    assert latest.reason == "Phân loại lại"
    assert {str(change.field) for change in latest.changes} >= {
        capfirst(str(Nonconformity._meta.get_field("clauses").verbose_name)),
        capfirst(str(Nonconformity._meta.get_field("documents").verbose_name)),
    }
    services.nonconformity_update(nonconformity=nc, user=officer, clauses=clauses[:1], reason="Bớt điều khoản")
    assert nc.history.count() == before + 2


def test_the_timeline_shows_fields_that_are_not_editable_in_a_form():
    """diff_against compares only editable fields: a change to any other tracked field was left out."""
    nc = f.make_nonconformity()
    Nonconformity.objects.filter(pk=nc.pk).update(reference="NC-X")  # no history row: make one by saving
    nc.refresh_from_db()
    from qms.core.records import save_with_history

    save_with_history(nc, user=None, reason="Đánh số lại")
    changes = timeline(nc)[0].changes
    label = capfirst(str(Nonconformity._meta.get_field("reference").verbose_name))
    assert any(str(change.field) == label and change.new == "NC-X" for change in changes), changes
