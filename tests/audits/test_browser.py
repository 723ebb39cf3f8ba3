"""Real browser: an auditor records a finding and raises its nonconformity, once (ISO 9001 9.2.2 e, 10.2)."""

import pytest
from django.utils import translation

from audits import services
from audits.models import ChecklistItem, Finding
from qms.core.models import IsoClause
from qms.nonconformities.models import Nonconformity
from tests import factories
from tests.audits import builders
from tests.browser import log_in
from tests.cms.builders import make_document

# serialized_rollback: the roles and the clause catalogue come from data migrations.
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_auditor_records_a_finding_and_raises_its_nonconformity(page):
    unit = factories.make_unit(code="QLDL", name="Phòng Quản lý Du lịch")
    officer = factories.make_officer(unit=factories.make_unit(code="VP", name="Văn phòng"))
    auditor = factories.make_auditor(unit=factories.make_unit(code="TTRA", name="Thanh tra"), first_name="Dũng")
    audit = builders.make_audit(
        lead=auditor, units=[unit], clauses=[IsoClause.objects.get(number="8.5.1")], user=officer, reference="ĐGNB-1"
    )
    services.audit_start_preparation(audit=audit, user=auditor)
    services.audit_open(audit=audit, user=auditor)

    log_in(page, auditor)
    page.goto(f"/audits/{audit.pk}/")
    # Wait for each submit's own page: the previous page already shows a success message.
    with page.expect_navigation():
        page.click("form[action$='/checklist/generate/'] button")
    page.wait_for_selector(".messages .success")
    page.click("a.record-finding")
    page.select_option("#id_classification", "minor")
    page.fill("#id_statement", "Hồ sơ cấp phép lữ hành không có phiếu kiểm soát")
    page.fill("#id_evidence", "5/12 hồ sơ tháng 10 không có phiếu kiểm soát")
    page.select_option("#id_clause", label=str(IsoClause.objects.get(number="8.5.1")))
    with page.expect_navigation():
        page.click("form.card button[type=submit]")
    page.wait_for_selector(".messages .success")
    finding = Finding.objects.get(audit=audit)
    assert finding.unit == unit  # the only unit in scope is proposed
    assert "ĐGNB-1/01" in page.locator(f"#finding-{finding.pk}").inner_text()

    # Press "Raise nonconformity" twice in quick succession (a double click).
    page.locator(f"#finding-{finding.pk} button.raise-nc").dblclick()
    page.wait_for_selector(f"#finding-{finding.pk} .finding-nc")
    nonconformity = Nonconformity.objects.get()
    assert nonconformity.source == Nonconformity.Source.INTERNAL_AUDIT
    assert nonconformity.reference in page.locator(f"#finding-{finding.pk} .finding-nc").inner_text()
    assert page.locator(f"#finding-{finding.pk} button.raise-nc").count() == 0
    assert Nonconformity.objects.count() == 1
    finding.refresh_from_db()
    assert finding.nonconformity == nonconformity


def _running_audit_with_checklist(clauses):
    unit = factories.make_unit(code="QLDL", name="Phòng Quản lý Du lịch")
    officer = factories.make_officer(unit=factories.make_unit(code="VP", name="Văn phòng"))
    auditor = factories.make_auditor(unit=factories.make_unit(code="TTRA", name="Thanh tra"), first_name="Dũng")
    audit = builders.make_audit(
        lead=auditor,
        units=[unit],
        clauses=[IsoClause.objects.get(number=number) for number in clauses],
        user=officer,
        reference="ĐGNB-2",
    )
    services.audit_start_preparation(audit=audit, user=auditor)
    services.audit_open(audit=audit, user=auditor)
    with translation.override("vi"):
        items = services.checklist_generate(audit=audit, user=auditor)
    return audit, auditor, items


def test_the_checklist_is_a_compact_table_whose_line_is_recorded_in_place(page):
    """ISO 9001 9.2.2: the auditor works through the checklist; 24 lines must be scannable, not 12,000 px."""
    audit, auditor, items = _running_audit_with_checklist(["7.1", "8.2", "8.5", "9.1"])
    assert len(items) >= 20
    log_in(page, auditor)
    page.goto(f"/audits/{audit.pk}/")
    checklist = page.locator("#checklist")
    assert checklist.bounding_box()["height"] < 2600, "the checklist should be a compact table"
    assert page.locator("#checklist tbody tr").count() == len(items)

    line = items[2]
    row = page.locator(f"#item-{line.pk}")
    assert not row.locator("textarea").first.is_visible()  # the form is folded until asked for
    row.locator("summary").click()
    row.locator("textarea[name$='-evidence']").fill("Sổ theo dõi tháng 11 thiếu 3 hồ sơ")
    row.locator("select[name$='-result']").select_option("nonconformity")
    with page.expect_navigation():
        row.locator("button.save-line").click()
    page.wait_for_selector(".messages .success")
    line.refresh_from_db()
    assert line.result == ChecklistItem.Result.NONCONFORMITY
    with translation.override("vi"):
        label = str(ChecklistItem.Result.NONCONFORMITY.label)
    assert label in page.locator(f"#item-{line.pk} .line-result").inner_text()

    # Filters: the nonconforming one alone; open lines without it; all of them again.
    with page.expect_navigation():
        page.click("#checklist a.line-filter[data-filter='nonconforming']")
    assert page.locator("#checklist tbody tr").count() == 1
    assert page.locator(f"#item-{line.pk}").count() == 1
    with page.expect_navigation():
        page.click("#checklist a.line-filter[data-filter='open']")
    assert page.locator("#checklist tbody tr").count() == len(items) - 1
    assert page.locator(f"#item-{line.pk}").count() == 0
    counts = page.locator("#checklist .line-filters").inner_text()
    assert f"({len(items)})" in counts and "(1)" in counts


def test_the_coverage_warning_gives_counts_first_and_folds_the_lists(page):
    """ISO 9001 9.2.2 a: what the programme leaves out, readable at a glance even with 60 documents."""
    officer = factories.make_officer(unit=factories.make_unit(code="VP", name="Văn phòng"))
    auditor = factories.make_auditor(unit=factories.make_unit(code="TTRA", name="Thanh tra"))
    units = [factories.make_unit(code=f"P{n}", name=f"Phòng {n}") for n in range(6)]
    documents = [
        builders.make_process_document(unit=units[n % 6], identifier=f"QT-{n:02d}", title=f"Quy trình số {n}")
        for n in range(60)
    ]
    programme = builders.make_programme(year=2026, user=officer)
    builders.make_audit(
        programme=programme,
        lead=auditor,
        units=[units[0]],
        documents=[documents[0]],
        clauses=[IsoClause.objects.get(number="8.5")],
        user=officer,
    )
    log_in(page, officer)
    page.goto(f"/audits/programmes/{programme.pk}/")
    height = page.evaluate("document.documentElement.scrollHeight")
    assert height < 3000, f"the coverage page is {height} px tall"
    warning = page.locator(".coverage-warning")
    text = warning.inner_text()
    assert "59" in text and "60" in text  # 59 of 60 processes not covered, counted first
    assert not page.locator(".coverage-warning table").first.is_visible()
    summary = page.locator(".coverage-warning details.missing-documents summary")
    summary.click()
    group = page.locator(".coverage-warning details.missing-documents tr", has_text="Phòng 1")
    assert group.count() == 1 and "QT-01" in group.inner_text() and "10" in group.inner_text()


def test_the_approver_is_led_from_her_home_page_to_the_revision_awaiting_her(page):
    """ISO 9001 7.5.2 c, 5.1: leadership lands on the site; what awaits her approval is the first thing there."""
    from cms import services as cms_services

    unit = factories.make_unit(code="QLVH", name="Phòng Quản lý Văn hóa")
    officer, author = factories.make_officer(unit=unit), factories.make_officer(unit=unit)
    approver = factories.make_approver(first_name="Lan")
    document = make_document("QT-VH-07", unit=unit, user=author, title="Cấp giấy phép biểu diễn")
    cms_services.document_submit(
        page=document, user=author, change_summary="Rút ngắn thời hạn", changes={"title": "Cấp phép biểu diễn"}
    )
    cms_services.document_task_approve(page=document, user=officer)  # the quality officers' review

    log_in(page, approver)
    page.goto("/")
    panel = page.locator("#approvals-pending")
    assert panel.is_visible()
    assert "QT-VH-07" in panel.inner_text() and "Rút ngắn thời hạn" in panel.inner_text()
    with page.expect_navigation():
        panel.locator("a", has_text="QT-VH-07").click()
    page.wait_for_load_state("networkidle")
    assert page.url.endswith(f"/admin/pages/{document.pk}/edit/")
    assert page.locator('button[data-workflow-action-name="approve"]').count() >= 1
