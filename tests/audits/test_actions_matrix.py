"""The available-actions selectors of audits and programmes agree with the services (ISO 9001 9.2.2, 5.3).

Role x state x step: for each person (the audit's lead auditor, an auditor not on it, an officer,
an approver, staff of the audited unit and of another unit, an administrator, an anonymous
visitor), each state and each step the selector lists, the service run in a savepoint succeeds
exactly when the selector says "allowed".
"""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.urls import reverse

from audits import actions, services
from audits.models import Audit
from tests import factories as f
from tests.audits import builders as b

pytestmark = pytest.mark.django_db

AUDIT_STATES = ["planned", "preparing", "in_progress", "reporting", "closed"]


class Rollback(Exception):
    pass


@pytest.fixture
def people(officer, auditor, audited_unit):
    return {
        "lead_auditor": auditor,
        "other_auditor": f.make_auditor(unit=f.make_unit()),
        "officer": officer,
        "approver": f.make_approver(unit=f.make_unit()),
        "staff_audited_unit": f.make_staff(unit=audited_unit),
        "staff_other_unit": f.make_staff(unit=f.make_unit()),
        "administrator": f.make_user(unit=f.make_unit(), is_superuser=True),
        "anonymous": AnonymousUser(),
    }


def _bring(audit, officer, state):
    for step in ("prepare", "open", "finish", "close")[: AUDIT_STATES.index(state)]:
        actions.AUDIT_STEPS[step].service(audit=audit, user=officer)
    return Audit.objects.get(pk=audit.pk)


def _outcome(service, **kwargs):
    try:
        with transaction.atomic():
            service(**kwargs)
            raise Rollback
    except Rollback:
        return True
    except services.AuditError:
        return False


@pytest.mark.parametrize("state", AUDIT_STATES)
def test_the_audit_selector_and_services_agree(audit, officer, people, state):
    audit = _bring(audit, officer, state)
    allowed = set()
    for role, user in people.items():
        steps = actions.audit_actions(user=user, audit=audit)
        assert len(steps) == (0 if state == "closed" else 1)
        for step in steps:
            succeeded = _outcome(actions.AUDIT_STEPS[step.action].service, audit=audit, user=user)
            assert succeeded is step.allowed, (role, state, step)
            if succeeded:
                allowed.add(role)
        assert Audit.objects.get(pk=audit.pk).status == audit.status
    if state != "closed":
        # The audit team and the officers run the audit; nobody else (ISO 9001 9.2.2 c).
        assert allowed == {"lead_auditor", "officer", "administrator"}


@pytest.mark.parametrize("state", ["draft", "draft_empty", "approved", "approved_done"])
def test_the_programme_selector_and_services_agree(officer, auditor, audited_unit, people, state):
    programme = b.make_programme(year=2030, user=officer)
    if state != "draft_empty":
        audit = b.make_audit(programme=programme, lead=auditor, units=[audited_unit], user=officer)
    if state.startswith("approved"):
        services.programme_approve(programme=programme, user=officer)
    if state == "approved_done":
        _bring(audit, officer, "closed")
    programme.refresh_from_db()
    allowed = {}
    for role, user in people.items():
        for step in actions.programme_actions(user=user, programme=programme):
            kwargs = {"programme": programme, "user": user}
            succeeded = _outcome(actions.PROGRAMME_STEPS[step.action].service, **kwargs)
            assert succeeded is step.allowed, (role, state, step)
            if succeeded:
                allowed.setdefault(step.action, set()).add(role)
    if state == "draft":
        assert allowed == {"approve": {"officer", "approver", "administrator"}}
    if state == "approved_done":
        assert allowed == {"complete": {"officer", "administrator"}}
    if state in ("draft_empty", "approved"):
        assert allowed == {}


def test_an_approver_is_not_offered_completing_the_programme_the_service_refuses(client, officer, auditor, people):
    """The coverage page showed leadership "Mark the programme completed", which only officers may do."""
    programme = b.make_programme(year=2031, user=officer)
    b.make_audit(programme=programme, lead=auditor, user=officer)
    services.programme_approve(programme=programme, user=officer)
    client.force_login(people["approver"])
    page = client.get(reverse("audits:coverage", args=[programme.pk])).content.decode()
    assert reverse("audits:programme_step", args=[programme.pk, "complete"]) not in page
    response = client.post(reverse("audits:programme_step", args=[programme.pk, "complete"]))
    assert response.status_code == 403
