"""Who may choose any source of a nonconformity: one rule (`nonconformities.report_from_any_source`)
for the report form, the edit forms of the site and the admin, and the edit service.

It was two: the report form offered staff only "staff report" and "complaint", while the edit form
let a staff owner of a nonconformity turn it into an "internal audit" finding (ISO 9001 9.2, 10.2).
"""

import pytest
from django.urls import reverse

from qms.nonconformities import services
from qms.nonconformities.forms import NonconformityEditForm, ReportForm
from qms.nonconformities.models import Nonconformity
from tests import factories as f

pytestmark = pytest.mark.django_db

AUDIT = Nonconformity.Source.INTERNAL_AUDIT


def _sources(form):
    return {value for value, _label in form.fields["source"].choices}


def test_staff_owner_cannot_turn_a_report_into_an_audit_finding_on_the_site(client, cast):
    owner, nc = cast["people"]["nc_owner"], cast["nc"]
    client.force_login(owner)
    data = {
        "title": nc.title,
        "description": nc.description,
        "source": AUDIT,
        "severity": nc.severity,
        "unit": nc.unit_id,
        "version": nc.version,
    }
    response = client.post(reverse("nonconformities:edit", args=[nc.pk]), data)
    assert "source" in response.context["form"].errors
    nc.refresh_from_db()
    assert nc.source == Nonconformity.Source.STAFF_REPORT


def test_the_edit_service_refuses_a_source_the_person_may_not_choose(cast):
    nc = cast["nc"]
    with pytest.raises(services.NotPermitted):
        services.nonconformity_update(nonconformity=nc, user=cast["people"]["nc_owner"], source=AUDIT)
    nc.refresh_from_db()
    assert nc.source == Nonconformity.Source.STAFF_REPORT
    services.nonconformity_update(nonconformity=nc, user=cast["people"]["officer"], source=AUDIT)
    nc.refresh_from_db()
    assert nc.source == AUDIT


@pytest.mark.parametrize(
    ("role", "any_source"),
    [("staff_same_unit", False), ("nc_owner", False), ("approver", False), ("auditor", True), ("officer", True)],
)
def test_report_and_edit_forms_offer_the_same_sources(cast, role, any_source):
    user = cast["people"][role]
    assert user.has_perm("nonconformities.report_from_any_source") is any_source
    report = _sources(ReportForm(user=user))
    edit = _sources(NonconformityEditForm(nonconformity=cast["nc"], user=user))
    assert report == edit
    assert (AUDIT in report) is any_source


def test_the_edit_form_keeps_the_recorded_source_it_may_not_offer(cast):
    officer = cast["people"]["officer"]
    nc = f.make_nonconformity(unit=cast["home"], owner=cast["people"]["nc_owner"], source=AUDIT, reported_by=officer)
    form = NonconformityEditForm(nonconformity=nc, user=cast["people"]["nc_owner"])
    assert AUDIT in _sources(form)
    assert Nonconformity.Source.SUPPLIER not in _sources(form)
