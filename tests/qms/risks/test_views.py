"""The risk's page: its steps as forms, a refusal keeping what was typed, the treatment actions planned from
it, and the risk shown on the page of the nonconformity it materialised as (ISO 9001 6.1.2, 10.2.1 e)."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from qms.nonconformities.selectors import actions_for
from qms.risks import services
from qms.risks.models import Risk
from tests import factories as f

from .builders import make_risk

pytestmark = pytest.mark.django_db


def test_accepting_a_high_risk_without_justification_is_refused_on_the_page(client):
    risk = make_risk(likelihood=5, impact=4)
    client.force_login(risk.owner)
    url = reverse("risks:treatment", args=[risk.pk])
    response = client.post(
        url, {"treatment-version": risk.version, "treatment-treatment": "accept", "treatment-plan": "Giữ nguyên"}
    )
    assert response.status_code == 409
    assert "Giữ nguyên" in response.content.decode()  # what was typed is kept
    risk.refresh_from_db()
    assert risk.treatment == "" and risk.version == 1
    response = client.post(
        url,
        {
            "treatment-version": risk.version,
            "treatment-treatment": "accept",
            "treatment-justification": "Chi phí vượt lợi ích",
        },
    )
    assert response.status_code == 302
    risk.refresh_from_db()
    assert risk.status == Risk.Status.MONITORED


def test_a_stale_form_is_refused(client):
    risk = make_risk(likelihood=2, impact=2)
    services.risk_update(risk=risk, user=risk.owner, title="Tên mới")
    client.force_login(risk.owner)
    response = client.post(
        reverse("risks:assess", args=[risk.pk]),
        {"assess-version": 1, "assess-likelihood": 3, "assess-impact": 3, "assess-reason": "x"},
    )
    assert response.status_code == 409
    risk.refresh_from_db()
    assert risk.score == 4


def test_plan_a_treatment_action_from_the_risk_page(client):
    risk = make_risk(likelihood=4, impact=4)
    client.force_login(risk.owner)
    page = client.get(risk.get_absolute_url()).content.decode()
    assert "action-form" not in page  # no treatment decided yet: no actions to plan
    services.risk_plan_treatment(risk=risk, user=risk.owner, treatment="reduce")
    page = client.get(risk.get_absolute_url()).content.decode()
    plan_url = reverse("nonconformities:action_new_for", args=["risks.risk", risk.pk])
    assert plan_url in page
    due = timezone.localdate() + datetime.timedelta(days=20)
    response = client.post(
        plan_url,
        {"kind": "risk_treatment", "description": "Nhắc hạn tự động", "owner": risk.owner.pk, "due_date": due},
    )
    assert response.status_code == 302 and response.url == risk.get_absolute_url()
    action = actions_for(risk).get()
    assert action.description == "Nhắc hạn tự động"
    page = client.get(risk.get_absolute_url()).content.decode()
    assert action.get_absolute_url() in page
    action_page = client.get(action.get_absolute_url()).content.decode()
    assert risk.get_absolute_url() in action_page


def test_the_nonconformity_page_shows_the_risk_it_materialised(client):
    risk = make_risk(likelihood=3, impact=3)
    nc = f.make_nonconformity(unit=risk.unit)
    client.force_login(risk.owner)
    response = client.post(
        reverse("risks:link_nonconformity", args=[risk.pk]),
        {"link-version": risk.version, "link-nonconformity": nc.reference},
    )
    assert response.status_code == 302
    nc_page = client.get(nc.get_absolute_url()).content.decode()
    assert risk.reference in nc_page and risk.get_absolute_url() in nc_page
    # Someone who may see the nonconformity but not the risk does not see it there.
    other = f.make_staff(unit=f.make_unit())
    nc_reader = f.make_staff(unit=nc.unit)
    assert nc_reader.has_perm("nonconformities.read_nonconformity", nc)
    assert not other.has_perm("risks.read_risk", risk)
    risk_page = client.get(risk.get_absolute_url()).content.decode()
    assert nc.reference in risk_page


def test_a_nonconformity_page_without_risks_has_no_section(client):
    nc = f.make_nonconformity()
    officer = f.make_officer(unit=nc.unit)
    client.force_login(officer)
    assert "materialised-risks" not in client.get(nc.get_absolute_url()).content.decode()
