"""Who may do what on controlled documents: roles x views, enforced on the server (ISO 9001 5.3, 7.5.2, 7.5.3).

Each test is one view (or action), checked for every role: staff, the process owner of unit A (on a unit A
and a unit B document), a quality officer, an approver, an auditor and an anonymous visitor.
"""

import pytest
from django.urls import reverse
from wagtail.models import WorkflowState

from cms.models import ProcessDocumentPage
from tests import factories
from tests.cms.admin_forms import edit_form_data
from tests.cms.builders import make_document, revise

pytestmark = pytest.mark.django_db

ROLES = ["staff", "owner", "officer", "approver", "auditor", "anonymous"]


@pytest.fixture
def world():
    unit_a, unit_b = factories.make_unit(code="A"), factories.make_unit(code="B")
    officer = factories.make_officer(unit=unit_b)
    people = {
        "staff": factories.make_staff(unit=unit_a),
        "owner": factories.make_staff(unit=unit_a),
        "officer": officer,
        "approver": factories.make_approver(),
        "auditor": factories.make_auditor(),
        "anonymous": None,
    }
    doc_a = make_document("QT-A1", unit=unit_a, owner=people["owner"], user=officer)
    doc_b = make_document("QT-B1", unit=unit_b, owner=factories.make_staff(unit=unit_b), user=officer)
    public = make_document("TT-P1", unit=unit_a, owner=people["owner"], user=officer, is_public=True)
    revise(doc_a, officer=officer, approver=people["approver"], summary="Second issue", changes={"title": "A2"})
    return {"people": people, "doc_a": doc_a, "doc_b": doc_b, "public": public}


def as_role(client, world, role):
    user = world["people"][role]
    if user is not None:
        client.force_login(user)
    return client


def check(client_factory, world, request, expected):
    failures = []
    for role in ROLES:
        client = as_role(client_factory(), world, role)
        got = request(client, world)
        if got != expected[role]:
            failures.append(f"{role}: expected {expected[role]}, got {got}")
    assert not failures, failures


def status(client, url, **kwargs):
    response = client.get(url, **kwargs)
    if response.status_code == 302:
        location = response["Location"]
        if "login" in location:
            return "login"
        return "denied" if location.rstrip("/").endswith("/admin") else "redirect"
    return response.status_code


READ_ALL = {role: 200 for role in ROLES}
READ_LOGGED_IN = {**READ_ALL, "anonymous": "login"}
ADMIN_READERS = {
    "staff": "login",
    "owner": "denied",
    "officer": 200,
    "approver": 200,
    "auditor": 200,
    "anonymous": "login",
}


@pytest.fixture
def new_client():
    from django.test import Client

    return Client


def test_public_document_page(new_client, world):
    check(new_client, world, lambda c, w: status(c, w["public"].url), READ_ALL)


def test_internal_document_page(new_client, world):
    check(new_client, world, lambda c, w: status(c, w["doc_a"].url), READ_LOGGED_IN)


def test_superseded_version_url(new_client, world):
    check(new_client, world, lambda c, w: status(c, f"{w['doc_a'].url}v/1/"), READ_LOGGED_IN)


def test_print(new_client, world):
    check(new_client, world, lambda c, w: status(c, f"{w['doc_a'].url}print/"), READ_LOGGED_IN)


def test_compare(new_client, world):
    check(new_client, world, lambda c, w: status(c, f"{w['doc_a'].url}compare/1/2/"), READ_LOGGED_IN)


def test_search_lists_internal_documents_only_to_logged_in_people(new_client, world):
    def found(client, w):
        html = client.get("/procedures/", {"q": "Procedure"}).content.decode()
        return ("TT-P1" in html, "QT-B1" in html)

    check(new_client, world, found, {**{role: (True, True) for role in ROLES}, "anonymous": (True, False)})


def _edit_status(page):
    return lambda c, w: status(c, reverse("wagtailadmin_pages:edit", args=[w[page].pk]))


def test_edit_own_unit_document(new_client, world):
    expected = {**ADMIN_READERS, "owner": 200, "approver": "denied", "auditor": "denied"}
    check(new_client, world, _edit_status("doc_a"), expected)


def test_edit_other_unit_document(new_client, world):
    expected = {**ADMIN_READERS, "owner": "denied", "approver": "denied", "auditor": "denied"}
    check(new_client, world, _edit_status("doc_b"), expected)


def _submit(page_key):
    def run(client, w):
        page = ProcessDocumentPage.objects.get(pk=w[page_key].pk)
        before = WorkflowState.objects.for_instance(page).count()
        data = edit_form_data(page, action="action-submit", change_summary=f"Change by {id(client)}")
        client.post(reverse("wagtailadmin_pages:edit", args=[page.pk]), data)
        started = WorkflowState.objects.for_instance(page).count() > before
        for state in WorkflowState.objects.for_instance(page).filter(status="in_progress"):
            state.cancel()
        return started

    return run


def test_submit_own_unit_document(new_client, world):
    expected = {role: False for role in ROLES} | {"owner": True, "officer": True}
    check(new_client, world, _submit("doc_a"), expected)


def test_submit_other_unit_document(new_client, world):
    expected = {role: False for role in ROLES} | {"officer": True}
    check(new_client, world, _submit("doc_b"), expected)


def test_nobody_publishes_around_the_workflow(new_client, world):
    def publish(client, w):
        page = ProcessDocumentPage.objects.get(pk=w["doc_b"].pk)
        data = edit_form_data(page, action="action-publish", title="Bypassed", change_summary="bypass")
        client.post(reverse("wagtailadmin_pages:edit", args=[page.pk]), data)
        return ProcessDocumentPage.objects.get(pk=page.pk).title == "Bypassed"

    check(new_client, world, publish, {role: False for role in ROLES})


def test_approve_final_step(new_client, world):
    from cms import services

    officer = world["people"]["officer"]

    def approve(client, w):
        page = ProcessDocumentPage.objects.get(pk=w["doc_b"].pk)
        if not page.workflow_in_progress:
            submitter = factories.make_officer()  # nobody reviews what they submitted (ISO 9001 5.3)
            services.document_submit(page=page, user=submitter, change_summary=f"Revision {page.versions.count()}")
            services.document_task_approve(page=page, user=officer)
        state = page.current_workflow_state.current_task_state
        before = page.versions.count()
        client.post(reverse("wagtailadmin_pages:workflow_action", args=[page.pk, "approve", state.pk]), {})
        return page.versions.count() > before

    expected = {role: False for role in ROLES} | {"approver": True}
    check(new_client, world, approve, expected)


def test_master_list(new_client, world):
    check(new_client, world, lambda c, w: status(c, reverse("cms_register")), ADMIN_READERS)


def test_master_list_export(new_client, world):
    check(new_client, world, lambda c, w: status(c, reverse("cms_register") + "?export=xlsx"), ADMIN_READERS)


def test_record_review(new_client, world):
    expected = {**ADMIN_READERS, "owner": 200, "approver": "denied", "auditor": "denied"}

    def get(client, w):
        response = client.get(reverse("cms_review", args=[w["doc_a"].pk]))
        if response.status_code == 403:
            return "denied"
        return status(client, reverse("cms_review", args=[w["doc_a"].pk]))

    check(new_client, world, get, expected)
