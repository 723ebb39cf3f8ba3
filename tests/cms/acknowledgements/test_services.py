import datetime

import pytest
from django.utils import timezone

from cms import services as document_services
from cms.acknowledgements import services
from cms.acknowledgements.models import Acknowledgement, Distribution, ImmutableRecordError
from tests import factories

from .conftest import make_distributed_document

pytestmark = pytest.mark.django_db


def test_distribution_is_recorded_with_who_and_why(document, officer, unit):
    _page, version = document
    distribution = Distribution.objects.get(version=version, unit=unit)
    assert distribution.distributed_by == officer
    entry = distribution.history.get()
    assert entry.history_user == officer
    assert entry.history_change_reason


def test_distributing_again_changes_only_the_due_date_on_the_record(document, officer, unit):
    _page, version = document
    due = timezone.localdate() + datetime.timedelta(days=10)
    other = factories.make_unit()
    result = services.version_distribute(
        version=version, units=[unit, other], user=officer, due_date=due, reason="Thêm phòng khác"
    )
    assert {d.unit for d in result} == {unit, other}
    existing = Distribution.objects.get(version=version, unit=unit)
    assert existing.due_date == due
    assert existing.distributed_by == officer
    latest = existing.history.first()
    assert latest.history_change_reason == "Thêm phòng khác"
    assert latest.history_user == officer
    assert existing.history.count() == 2
    assert Distribution.objects.filter(version=version).count() == 2


def test_distribution_refuses_staff_past_dates_and_empty_units(document, unit):
    _page, version = document
    with pytest.raises(services.DistributionNotAllowedError):
        services.version_distribute(version=version, units=[unit], user=factories.make_staff(unit=unit))
    officer = factories.make_officer()
    with pytest.raises(services.AcknowledgementError, match="quá khứ|past"):
        services.version_distribute(
            version=version, units=[unit], user=officer, due_date=timezone.localdate() - datetime.timedelta(days=1)
        )
    with pytest.raises(services.AcknowledgementError):
        services.version_distribute(version=version, units=[], user=officer)


def test_process_owner_distributes_their_units_documents(unit, officer):
    owner = factories.make_staff(unit=unit)
    _page, version = make_distributed_document(unit=unit, owner=owner, user=officer, distribute=False)
    other_unit_owner = factories.make_staff()
    make_distributed_document(unit=other_unit_owner.unit or factories.make_unit(), owner=other_unit_owner, user=officer)
    services.version_distribute(version=version, units=[unit], user=owner)
    assert version.distributions.get().distributed_by == owner
    with pytest.raises(services.DistributionNotAllowedError):
        services.version_distribute(version=version, units=[unit], user=other_unit_owner)


def test_acknowledge_is_recorded_once(document, unit):
    _page, version = document
    reader = factories.make_staff(unit=unit)
    first = services.version_acknowledge(version=version, user=reader)
    again = services.version_acknowledge(version=version, user=reader)
    assert first.pk == again.pk
    assert Acknowledgement.objects.filter(version=version, person=reader).count() == 1
    assert first.unit == unit
    assert first.acknowledged_at <= timezone.now()


def test_only_members_of_a_distributed_unit_acknowledge(document):
    _page, version = document
    outsider = factories.make_staff(unit=factories.make_unit())
    with pytest.raises(services.NotDistributedError, match="không được phân phối|not distributed"):
        services.version_acknowledge(version=version, user=outsider)
    no_unit = factories.make_staff()
    with pytest.raises(services.NotDistributedError):
        services.version_acknowledge(version=version, user=no_unit)
    assert not Acknowledgement.objects.exists()


def test_a_superseded_revision_cannot_be_acknowledged(unit, officer):
    page, old = make_distributed_document(unit=unit, user=officer, versions=1)
    reader = factories.make_staff(unit=unit)
    document_services.document_publish_imported_revision(
        page=page,
        user=officer,
        reason="Sổ giấy",
        change_summary="Rút ngắn thời hạn",
        effective_date=timezone.localdate(),
    )
    old.refresh_from_db()
    with pytest.raises(services.NotCurrentVersionError) as error:
        services.version_acknowledge(version=old, user=reader)
    message = str(error.value)
    assert "lần ban hành 2" in message or "revision 2" in message
    assert page.identifier in message
    assert not Acknowledgement.objects.exists()


def test_an_acknowledgement_made_before_supersession_stays_and_is_returned(unit, officer):
    page, old = make_distributed_document(unit=unit, user=officer)
    reader = factories.make_staff(unit=unit)
    ack = services.version_acknowledge(version=old, user=reader)
    document_services.document_publish_imported_revision(
        page=page, user=officer, reason="Sổ", change_summary="Sửa", effective_date=timezone.localdate()
    )
    assert services.version_acknowledge(version=old, user=reader).pk == ack.pk


def test_a_withdrawn_document_is_not_acknowledged(document, unit, officer):
    page, version = document
    # As cms.services.document_withdraw does: withdrawal is page state outside revisions.
    type(page).objects.filter(pk=page.pk).update(withdrawn_at=timezone.now())
    with pytest.raises(services.NotCurrentVersionError):
        services.version_acknowledge(version=version, user=factories.make_staff(unit=unit))
    with pytest.raises(services.NotCurrentVersionError):
        services.version_distribute(version=version, units=[unit], user=officer)


def test_acknowledgements_are_immutable(document, unit):
    _page, version = document
    ack = services.version_acknowledge(version=version, user=factories.make_staff(unit=unit))
    ack.acknowledged_at = timezone.now() - datetime.timedelta(days=3)
    with pytest.raises(ImmutableRecordError):
        ack.save()
    with pytest.raises(ImmutableRecordError):
        ack.delete()
    assert Acknowledgement.objects.filter(pk=ack.pk).exists()


def test_a_new_revision_goes_to_the_owning_unit_and_the_previous_readers(
    unit, officer, django_capture_on_commit_callbacks
):
    page, first = make_distributed_document(unit=unit, user=officer)
    other = factories.make_unit()
    services.version_distribute(version=first, units=[other], user=officer)
    with django_capture_on_commit_callbacks(execute=True):
        page = document_services.document_publish_imported_revision(
            page=page, user=officer, reason="Sổ", change_summary="Sửa bước 3", effective_date=timezone.localdate()
        )
    second = page.versions.get(number=2)
    distributions = Distribution.objects.filter(version=second)
    assert {d.unit for d in distributions} == {unit, other}
    for distribution in distributions:
        assert distribution.distributed_by is None
        assert distribution.due_date == timezone.localdate() + datetime.timedelta(days=services.DEFAULT_DUE_DAYS)
        assert distribution.history.get().history_change_reason


def test_default_distribution_is_idempotent_and_keeps_an_officers_due_date(document, officer, unit):
    _page, version = document
    due = timezone.localdate() + datetime.timedelta(days=40)
    services.version_distribute(version=version, units=[unit], user=officer, due_date=due)
    assert services.version_distribute_default(version=version) == []
    assert Distribution.objects.get(version=version).due_date == due
