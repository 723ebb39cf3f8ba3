import datetime

import pytest
from django.utils import timezone

from cms import services as document_services
from cms.acknowledgements import selectors, services
from tests import factories

from .conftest import make_distributed_document

pytestmark = pytest.mark.django_db


def pairs(items):
    return {(item.version.pk, item.person.pk) for item in items}


def test_pending_pairs_are_the_members_of_distributed_units_who_have_not_acknowledged(unit, officer):
    reader, done, inactive = (factories.make_staff(unit=unit) for _ in range(3))
    inactive.is_active = False
    inactive.save()
    elsewhere = factories.make_staff(unit=factories.make_unit())
    _page, version = make_distributed_document(unit=unit, user=officer)
    _undistributed_page, undistributed = make_distributed_document(unit=unit, user=officer, distribute=False)
    services.version_acknowledge(version=version, user=done)
    pending = selectors.pending_acknowledgements()
    assert pairs(pending) == {(version.pk, reader.pk)}
    assert (undistributed.pk, reader.pk) not in pairs(pending)
    assert elsewhere.pk not in {item.person.pk for item in pending}
    item = pending[0]
    assert item.page.identifier == version.page.identifier
    assert item.unit_id == unit.pk
    assert item.distributed_at is not None


def test_superseded_and_withdrawn_revisions_are_never_pending(unit, officer):
    reader = factories.make_staff(unit=unit)
    page, old = make_distributed_document(unit=unit, user=officer)
    withdrawn_page, _withdrawn = make_distributed_document(unit=unit, user=officer)
    type(withdrawn_page).objects.filter(pk=withdrawn_page.pk).update(withdrawn_at=timezone.now())
    page = document_services.document_publish_imported_revision(
        page=page, user=officer, reason="Sổ", change_summary="Sửa", effective_date=timezone.localdate()
    )
    assert selectors.pending_for_user(reader) == []
    new = page.versions.get(number=2)
    services.version_distribute(version=new, units=[unit], user=officer)
    assert pairs(selectors.pending_for_user(reader)) == {(new.pk, reader.pk)}


def test_pending_acknowledgements_takes_two_queries_whatever_the_volume(unit, officer, django_assert_num_queries):
    people = [factories.make_staff(unit=unit) for _ in range(3)]
    make_distributed_document(unit=unit, user=officer)
    with django_assert_num_queries(2):
        assert len(selectors.pending_acknowledgements()) == 3
    for _ in range(3):
        make_distributed_document(unit=unit, user=officer, versions=2)
    other = factories.make_unit()
    people += [factories.make_staff(unit=other) for _ in range(2)]
    _page, version = make_distributed_document(unit=other, user=officer)
    services.version_distribute(version=version, units=[unit], user=officer)
    with django_assert_num_queries(2):
        items = selectors.pending_acknowledgements()
        assert len(items) == 4 * 3 + 3 + 2
        assert all(item.page.unit.code for item in items)


def test_pending_for_user_is_soonest_due_first(unit, officer):
    reader = factories.make_staff(unit=unit)
    _p1, later = make_distributed_document(unit=unit, user=officer)
    _p2, sooner = make_distributed_document(unit=unit, user=officer)
    _p3, no_date = make_distributed_document(unit=unit, user=officer)
    today = timezone.localdate()
    services.version_distribute(version=later, units=[unit], user=officer, due_date=today + datetime.timedelta(20))
    services.version_distribute(version=sooner, units=[unit], user=officer, due_date=today + datetime.timedelta(5))
    items = selectors.pending_for_user(reader)
    assert [item.version.pk for item in items] == [sooner.pk, later.pk, no_date.pk]
    assert items[0].due_date == today + datetime.timedelta(5)


def test_pending_for_version_by_unit(unit, officer, django_assert_num_queries):
    other = factories.make_unit(code="ZZ")
    a, b = factories.make_staff(unit=unit), factories.make_staff(unit=unit)
    c = factories.make_staff(unit=other)
    _page, version = make_distributed_document(unit=unit, user=officer)
    services.version_distribute(version=version, units=[other], user=officer)
    services.version_acknowledge(version=version, user=a)
    services.version_acknowledge(version=version, user=c)
    c.unit = factories.make_unit()  # moved after acknowledging: the record stays, under "others"
    c.save()
    d = factories.make_staff(unit=other)
    with django_assert_num_queries(4):
        status = selectors.pending_for_version(version)
    by_code = {s.unit.code: s for s in status.units}
    assert [p for p, _ack in by_code[unit.code].acknowledged] == [a]
    assert by_code[unit.code].pending == [b]
    assert by_code["ZZ"].pending == [d]
    assert [p for p, _ack in status.others] == [c]
    assert status.pending_count == 2
    assert status.acknowledged_count == 2
    rows = list(status.rows())
    assert len(rows) == 4
    only_other = selectors.pending_for_version(version, unit_ids=[other.pk])
    assert [s.unit for s in only_other.units] == [other]


def test_box_state_is_one_query(document, unit, django_assert_num_queries):
    page, version = document
    reader = factories.make_staff(unit=unit)
    with django_assert_num_queries(1):
        state = selectors.acknowledgement_state(page, reader)
    assert state["version"].pk == version.pk and state["acknowledged_at"] is None
    services.version_acknowledge(version=version, user=reader)
    with django_assert_num_queries(1):
        state = selectors.acknowledgement_state(page, reader)
    assert state["acknowledged_at"] is not None
    assert selectors.acknowledgement_state(page, factories.make_staff(unit=factories.make_unit())) is None


def test_the_distribution_history_is_the_kits_timeline_in_one_query(unit, officer, django_assert_num_queries):
    """Who, when, the unit, the due date the revision was distributed with or changed to, and why: the kit's
    timeline entries, newest first, read in one query however many units and changes."""
    from django.utils.formats import date_format

    _page, version = make_distributed_document(unit=unit, user=officer)
    with django_assert_num_queries(1):
        assert len(selectors.distribution_history(version)) == 1
    today = timezone.localdate()
    others = [factories.make_unit(code=f"D{n}") for n in range(3)]
    services.version_distribute(version=version, units=others, user=officer, due_date=today, reason="Liên quan")
    for days in (3, 5):
        later = today + datetime.timedelta(days)
        services.version_distribute(
            version=version, units=[unit, *others], user=officer, due_date=later, reason="Gia hạn"
        )
    with django_assert_num_queries(1):
        entries = selectors.distribution_history(version)
    assert len(entries) == 1 + 3 + 2 * 4
    assert [entry.date for entry in entries] == sorted((entry.date for entry in entries), reverse=True)
    first_of_d0 = next(e for e in reversed(entries) if e.subject == str(others[0]))
    assert (first_of_d0.user, first_of_d0.reason) == (officer, "Liên quan")
    assert [(c.old, c.new) for c in first_of_d0.changes] == [("–", date_format(today, "SHORT_DATE_FORMAT"))]
    last_of_d0 = next(e for e in entries if e.subject == str(others[0]))
    assert last_of_d0.reason == "Gia hạn" and [(c.old, c.new) for c in last_of_d0.changes] == [
        tuple(date_format(today + datetime.timedelta(d), "SHORT_DATE_FORMAT") for d in (3, 5))
    ]
