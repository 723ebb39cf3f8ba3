"""The kit's ground: whole reasons in history, the person or nobody, one error root."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import translation

from qms.core.models import OrganisationUnit as Unit
from qms.core.records import ConflictError, NotPermitted, QmsError, save_with_history


@pytest.mark.django_db
def test_a_long_reason_and_the_person_reach_history_whole(django_user_model):
    person = django_user_model.objects.create_user("writer")
    unit = Unit(name="Phòng Kế hoạch", code="KH")
    reason = "Lý do " * 400  # 2,400 characters
    save_with_history(unit, user=person, reason=reason)
    record = unit.history.get()
    assert record.history_change_reason == reason
    assert record.history_user == person


@pytest.mark.django_db
def test_an_anonymous_or_missing_user_is_recorded_as_nobody():
    unit = save_with_history(Unit(name="Văn phòng", code="VP"), user=AnonymousUser(), reason="")
    assert unit.history.get().history_user is None


def test_domain_errors_share_one_root_with_the_persons_message():
    assert issubclass(NotPermitted, QmsError) and issubclass(ConflictError, QmsError)
    with translation.override("en"):
        assert NotPermitted().message == "You are not allowed to do this."
    assert QmsError("Không được").message == "Không được"


@pytest.mark.django_db
def test_a_deletion_records_the_person_and_the_whole_reason(django_user_model):
    from qms.core.records import delete_with_history

    person = django_user_model.objects.create_user("remover")
    unit = save_with_history(Unit(name="Phòng Tổ chức", code="TC"), user=person, reason="Tạo")
    reason = "Gộp vào Văn phòng " * 20
    delete_with_history(unit, user=person, reason=reason)
    record = Unit.history.filter(history_type="-").get()
    assert record.history_change_reason == reason and record.history_user == person


def test_every_apps_domain_errors_derive_from_the_one_root():
    from audits.services import AuditError
    from cms.acknowledgements.models import ImmutableRecordError
    from cms.acknowledgements.services import AcknowledgementError
    from cms.errors import ApprovalRefused, DocumentError, DocumentPermissionError
    from qms.core.people import PersonChangeRefused
    from qms.core.roles import RoleGroupReadOnly
    from qms.nonconformities import services as nc
    from qms.reminders.services import ReminderError
    from qms.spreadsheets.imports import CellError, ImportFileError, RowError
    from qms.spreadsheets.services import ImportRefused

    errors = (AuditError, ImmutableRecordError, AcknowledgementError, DocumentError, ReminderError)
    errors += (PersonChangeRefused, RoleGroupReadOnly, nc.NonconformityError, CellError, ImportFileError)
    errors += (RowError, ImportRefused, ApprovalRefused)
    assert all(issubclass(error, QmsError) for error in errors)
    # A refusal of permission or a lost race is one kind whatever the app: a view may catch the core's class.
    assert issubclass(nc.NotPermitted, NotPermitted) and issubclass(DocumentPermissionError, NotPermitted)
    assert issubclass(PersonChangeRefused, NotPermitted) and issubclass(nc.ConflictError, ConflictError)
    with translation.override("en"):
        assert AuditError().message == "This change is not allowed."
        assert str(RowError("title", "too long")) == "too long" and RowError("title", "x").column == "title"


def test_a_day_starts_at_midnight_and_the_office_day_at_eight_in_the_organisations_zone(settings):
    import datetime

    from django.utils import timezone

    from qms.core.records import local_day, start_of_local_day, start_of_office_day

    day = datetime.date(2026, 3, 2)
    settings.TIME_ZONE = "Asia/Ho_Chi_Minh"
    with timezone.override("Europe/Paris"):  # a person's admin zone does not move the organisation's day
        start = start_of_local_day(day)
        office = start_of_office_day(day)
    assert start.isoformat() == "2026-03-02T00:00:00+07:00" and office.isoformat() == "2026-03-02T08:00:00+07:00"
    assert local_day(office) == day and start_of_office_day(None) is None


@pytest.mark.django_db
def test_with_status_keeps_one_status_or_the_open_ones_and_ignores_anything_else():
    from qms.core.records import with_status
    from qms.nonconformities.models import Nonconformity
    from tests import factories

    open_one, closed = factories.make_nonconformity(), factories.make_nonconformity()
    Nonconformity.objects.filter(pk=closed.pk).update(status=Nonconformity.Status.CLOSED)  # test setup
    everything = Nonconformity.objects.all()
    assert set(with_status(everything, "open")) == {open_one}
    assert set(with_status(everything, "closed")) == {closed}
    assert set(with_status(everything, "")) == set(with_status(everything, "'; DROP")) == {open_one, closed}
