"""The register of procedures: every change through the service with its reason, one timeline, the role matrix,
status with the replacing procedure, and the review that falls due when the legal basis or status changes."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.text import capfirst
from django.utils.translation import gettext

from qms.core.records import ConflictError, NotPermitted
from qms.core.timeline import timeline
from qms.procedures import services
from qms.procedures.models import AdministrativeProcedure, LegalBasis
from tests import factories as f
from tests.cms.builders import make_document

from .conftest import make_procedure

pytestmark = pytest.mark.django_db


def test_a_registered_procedure_keeps_its_edits_with_person_and_reason(officer):
    procedure = make_procedure(user=officer)
    procedure = AdministrativeProcedure.objects.get(pk=procedure.pk)
    procedure.name = "Thủ tục cấp lại giấy phép"
    procedure.legal_bases = [LegalBasis(number="144/2020/NĐ-CP"), LegalBasis(number="02/2025/TT-BVHTTDL")]
    services.procedure_save(procedure=procedure, user=officer, reason="Quyết định công bố mới", expected_version=1)
    entries = timeline(procedure)
    assert entries[0].reason == "Quyết định công bố mới"
    assert entries[0].user == officer
    changed = {change.field: change for change in entries[0].changes}
    label = capfirst(str(AdministrativeProcedure._meta.get_field("name").verbose_name))
    legal = capfirst(str(AdministrativeProcedure._meta.get_field("legal_basis_summary").verbose_name))
    assert changed[label].new == "Thủ tục cấp lại giấy phép"
    assert "02/2025/TT-BVHTTDL" in changed[legal].new
    assert "02/2025" not in changed[legal].old


def test_a_lost_race_writes_nothing(officer):
    procedure = make_procedure(user=officer)
    first = AdministrativeProcedure.objects.get(pk=procedure.pk)
    first.name = "Một"
    services.procedure_save(procedure=first, user=officer, reason="x", expected_version=1)
    second = AdministrativeProcedure.objects.get(pk=procedure.pk)
    second.name = "Hai"
    with pytest.raises(ConflictError):
        services.procedure_save(procedure=second, user=officer, reason="y", expected_version=1)
    assert AdministrativeProcedure.objects.get(pk=procedure.pk).name == "Một"


def test_a_replaced_procedure_names_its_replacement_and_the_refusal_changes_nothing(officer):
    old, new = make_procedure(user=officer), make_procedure(user=officer)
    old = AdministrativeProcedure.objects.get(pk=old.pk)
    old.status = AdministrativeProcedure.Status.REPLACED
    with pytest.raises(services.ProcedureError):
        services.procedure_save(procedure=old, user=officer, reason="thay thế")
    assert AdministrativeProcedure.objects.get(pk=old.pk).status == "in_force"
    old.replaced_by = new
    services.procedure_save(procedure=old, user=officer, reason="Thay thế bởi thủ tục mới")
    assert AdministrativeProcedure.objects.get(pk=old.pk).replaced_by == new


ROLES = {
    "officer": f.make_officer,
    "auditor": f.make_auditor,
    "approver": f.make_approver,
    "staff": f.make_staff,
}


@pytest.mark.parametrize(
    ("role", "manage", "read_internal"),
    [
        ("officer", True, True),
        ("auditor", False, True),
        ("approver", False, True),
        ("staff", False, True),
        ("anonymous", False, False),
    ],
)
def test_role_matrix(role, manage, read_internal):
    from django.contrib.auth.models import AnonymousUser

    unit = f.make_unit()
    user = AnonymousUser() if role == "anonymous" else ROLES[role](unit=unit)
    published = make_procedure(unit=unit)
    internal = make_procedure(unit=unit, is_public=False)
    repealed = make_procedure(unit=unit, status="repealed")
    assert user.has_perm("procedures.manage_procedures") is manage
    assert user.has_perm("procedures.read_procedure", published) is True
    assert user.has_perm("procedures.read_procedure", internal) is read_internal
    assert user.has_perm("procedures.read_procedure", repealed) is read_internal
    assert user.has_perm("procedures.read_performance") is read_internal
    assert user.has_perm("procedures.record_performance") is manage
    if role != "officer" and role != "anonymous":
        procedure = AdministrativeProcedure.objects.get(pk=published.pk)
        procedure.name = "x"
        with pytest.raises(NotPermitted):
            services.procedure_save(procedure=procedure, user=user, reason="no")


def test_a_change_of_legal_basis_brings_the_linked_documents_review_forward_with_the_reason(officer):
    from django.utils import timezone

    from cms.models import ProcessDocumentPage
    from cms.reminders import document_reviews

    owner = f.make_staff()
    document = make_document("QT-VH-04", owner=owner)
    other = make_document("QT-VH-05")
    procedure = make_procedure(user=officer, documents=[document])
    before = ProcessDocumentPage.objects.get(pk=document.pk).next_review_date
    assert before > timezone.localdate()
    procedure = AdministrativeProcedure.objects.get(pk=procedure.pk)
    procedure.legal_bases = [LegalBasis(number="99/2026/NĐ-CP", title="Nghị định sửa đổi")]
    services.procedure_save(procedure=procedure, user=officer, reason="Nghị định mới thay thế")
    page = ProcessDocumentPage.objects.get(pk=document.pk)
    assert page.next_review_date == timezone.localdate()
    assert procedure.code in page.review_reason and gettext("its legal basis changed") in page.review_reason
    assert ProcessDocumentPage.objects.get(pk=other.pk).next_review_date > timezone.localdate()
    items = [i for i in document_reviews.items(until=timezone.localdate()) if i.object_id == document.pk]
    assert items and procedure.code in items[0].title and items[0].recipient_ids == (owner.pk,)


def test_an_edit_that_leaves_legal_basis_and_status_alone_asks_for_no_review(officer):
    from cms.models import ProcessDocumentPage

    document = make_document("QT-VH-06")
    procedure = make_procedure(user=officer, documents=[document])
    before = ProcessDocumentPage.objects.get(pk=document.pk).next_review_date
    procedure = AdministrativeProcedure.objects.get(pk=procedure.pk)
    procedure.applicants = "Cá nhân"
    services.procedure_save(procedure=procedure, user=officer, reason="Sửa đối tượng")
    assert ProcessDocumentPage.objects.get(pk=document.pk).next_review_date == before


def test_a_status_change_brings_the_review_forward(officer):
    from django.utils import timezone

    from cms.models import ProcessDocumentPage

    document = make_document("QT-VH-07")
    procedure = make_procedure(user=officer, documents=[document])
    procedure = AdministrativeProcedure.objects.get(pk=procedure.pk)
    procedure.status = "repealed"
    services.procedure_save(procedure=procedure, user=officer, reason="Bãi bỏ theo quyết định 12/QĐ-UBND")
    page = ProcessDocumentPage.objects.get(pk=document.pk)
    assert page.next_review_date == timezone.localdate()
    assert "12/QĐ-UBND" in page.review_reason


def test_the_link_reads_both_ways(officer):
    document = make_document("QT-VH-08")
    first = make_procedure(user=officer, documents=[document])
    second = make_procedure(user=officer)
    services.procedure_link_documents(procedure=second, documents=[document], user=officer, reason="Cùng quy trình")
    assert set(document.procedures.values_list("code", flat=True)) == {first.code, second.code}
    assert timeline(second)[0].reason == "Cùng quy trình"


def test_admin_list_filters_inspect_and_edit_with_reason(client, officer):
    document = make_document("QT-VH-09")
    procedure = make_procedure(user=officer, field="Di sản văn hóa", level="district")
    other = make_procedure(user=officer, field="Du lịch")
    client.force_login(officer)
    listing = client.get(reverse("procedures_admin:index"), {"level": "district"})
    assert listing.status_code == 200
    assert procedure.code in listing.content.decode()
    assert other.code not in listing.content.decode()
    inspect = client.get(reverse("procedures_admin:inspect", args=[procedure.pk]))
    assert inspect.status_code == 200 and "Registered for a test" in inspect.content.decode()
    edit_url = reverse("procedures_admin:edit", args=[procedure.pk])
    form = client.get(edit_url)
    assert form.status_code == 200
    data = _form_data(procedure, documents=[document.pk], reason="")
    refused = client.post(edit_url, data)
    assert refused.status_code == 200  # no reason: the form asks for it
    data["reason"] = "Liên kết quy trình nội bộ"
    response = client.post(edit_url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    procedure.refresh_from_db()
    assert list(procedure.documents.all()) == [document]
    assert timeline(procedure)[0].reason == "Liên kết quy trình nội bộ"
    # Nobody holds the delete permission, and the delete view refuses anyway.
    assert client.post(reverse("procedures_admin:delete", args=[procedure.pk])).status_code in (302, 403)
    assert AdministrativeProcedure.objects.filter(pk=procedure.pk).exists()


def test_the_procedure_form_takes_the_kits_reason_and_version(client, officer):
    """The admin form is the kit's `ReasonVersionMixin`, as before: a two-row text area, required in an edit
    and not on creation, with the version the edit was opened at."""
    from django import forms

    from qms.core.admin_views import ReasonVersionMixin

    procedure = make_procedure(user=officer)
    client.force_login(officer)
    edit = client.get(reverse("procedures_admin:edit", args=[procedure.pk])).context["form"]
    add = client.get(reverse("procedures_admin:add")).context["form"]
    assert isinstance(edit, ReasonVersionMixin) and isinstance(add, ReasonVersionMixin)
    assert (edit.fields["reason"].required, add.fields["reason"].required) == (True, False)
    assert isinstance(edit.fields["reason"].widget, forms.Textarea) and edit.fields["reason"].widget.attrs["rows"] == 2
    assert edit.fields["reason"].widget is not add.fields["reason"].widget  # each form its own widget
    assert str(edit.fields["reason"].help_text) == gettext("Kept in the history with your name. Required when editing.")
    assert edit.fields["expected_version"].initial == procedure.version
    assert 'name="reason"' in str(edit["reason"]) and "<textarea" in str(edit["reason"])


def test_staff_cannot_edit_in_the_admin(client):
    staff = f.make_staff()
    procedure = make_procedure()
    client.force_login(staff)
    response = client.post(reverse("procedures_admin:edit", args=[procedure.pk]), _form_data(procedure, reason="x"))
    assert response.status_code in (302, 403)
    assert AdministrativeProcedure.objects.get(pk=procedure.pk).version == 1


def _form_data(procedure, documents=(), reason=""):
    data = {
        "code": procedure.code,
        "name": procedure.name,
        "level": procedure.level,
        "field": procedure.field,
        "implementing_agency": procedure.implementing_agency,
        "coordinating_agencies": "",
        "unit": procedure.unit_id,
        "applicants": "",
        "result": "",
        "decision_number": "",
        "decision_date": "",
        "status": procedure.status,
        "replaced_by": "",
        "is_public": "on",
        "documents": list(documents),
        "reason": reason,
        "expected_version": procedure.version,
    }
    for prefix, children, fields in (
        ("ways", procedure.ways.all(), ("kind", "online_level", "time_limit", "time_unit", "note")),
        ("fees", procedure.fees.all(), ("kind", "amount", "description")),
        ("components", procedure.components.all(), ("name", "form", "form_name", "originals", "copies")),
        ("legal_bases", procedure.legal_bases.all(), ("number", "title", "issuing_body", "issued_on", "effective_on")),
    ):
        children = list(children)
        data[f"{prefix}-TOTAL_FORMS"] = len(children)
        data[f"{prefix}-INITIAL_FORMS"] = len(children)
        data[f"{prefix}-MIN_NUM_FORMS"] = 0
        data[f"{prefix}-MAX_NUM_FORMS"] = 1000
        for index, child in enumerate(children):
            data[f"{prefix}-{index}-id"] = child.pk
            data[f"{prefix}-{index}-ORDER"] = index + 1
            for name in fields:
                value = getattr(child, f"{name}_id" if name == "form" else name)
                data[f"{prefix}-{index}-{name}"] = "" if value is None else value
    return data


def test_the_admin_lists_of_procedures_and_figures_cost_the_same_queries_at_two_sizes(client, officer):
    """The register's admin list (searched and filtered too) and the list of one-stop figures read a page of
    50 in a fixed number of queries: more than a page of procedures, each with its months, costs no more."""
    from qms.procedures.models import ProcedurePerformance

    unit = f.make_unit(code="QLVH")
    client.force_login(officer)
    urls = [
        (reverse("procedures_admin:index"), {}),
        (reverse("procedures_admin:index"), {"q": "giấy phép", "level": "province", "field": "Nghệ thuật"}),
        (reverse("procedure_performance_admin:index"), {}),
    ]

    def add(count):
        for _n in range(count):
            procedure = make_procedure(user=officer, unit=unit)
            for month in (datetime.date(2026, 1, 1), datetime.date(2026, 2, 1)):
                ProcedurePerformance.objects.create(procedure=procedure, month=month, received=3, on_time=2, late=1)

    def counts():
        found = []
        for url, params in urls:
            client.get(url, params)  # warm: the admin menu and per-process caches
            with CaptureQueriesContext(connection) as captured:
                assert client.get(url, params).status_code == 200
            found.append(len(captured))
        return found

    add(2)
    small = counts()
    add(58)
    assert counts() == small


def test_the_admin_record_is_the_kits_with_the_procedures_children(client, officer):
    """The inspect view is the kit's record and timeline (the field among the others, the replacement by code
    and name, no bookkeeping), with the children and figures below; a longer history costs no more queries."""
    from qms.procedures.models import ProcedurePerformance

    document = make_document("QT-VH-10", title="Quy trình cấp phép biểu diễn")
    replacement = make_procedure(user=officer, name="Thủ tục thay thế")
    procedure = make_procedure(user=officer, field="Di sản văn hóa", documents=[document])
    procedure = AdministrativeProcedure.objects.get(pk=procedure.pk)
    procedure.status, procedure.replaced_by = "replaced", replacement
    services.procedure_save(procedure=procedure, user=officer, reason="Thay thế theo quyết định 5/QĐ")
    ProcedurePerformance.objects.create(procedure=procedure, month=datetime.date(2026, 1, 1), received=4, on_time=3)
    client.force_login(officer)
    url = reverse("procedures_admin:inspect", args=[procedure.pk])

    def read():
        client.get(url)  # warm: the admin menu and per-process caches
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        assert response.status_code == 200
        return response, len(captured)

    response, queries = read()
    body = response.content.decode()
    names = response.context["view"].fields
    assert "field" in names and not {"id", "version", "ways_summary", "legal_basis_summary"} & set(names)
    shown = [str(field["value"]) for field in response.context["fields"]]
    assert "Di sản văn hóa" in shown
    assert str(replacement) in shown  # by code and name, as the register lists it
    assert "Đơn đề nghị" in body and "144/2020/NĐ-CP" in body and "QT-VH-10 Quy trình cấp phép biểu diễn" in body
    assert 'class="listing procedure-figures"' in body and "01/2026" in body
    assert "Thay thế theo quyết định 5/QĐ" in body and response.context["site_url"] == procedure.get_absolute_url()
    for reason in ("Sửa đối tượng", "Sửa kết quả", "Sửa cơ quan phối hợp"):
        procedure = AdministrativeProcedure.objects.get(pk=procedure.pk)
        procedure.applicants = reason
        services.procedure_save(procedure=procedure, user=officer, reason=reason)
    assert read()[1] == queries
