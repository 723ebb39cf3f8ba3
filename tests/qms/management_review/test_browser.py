"""Issue 18 in a real browser (ISO 9001 9.3): the officer plans a review in the admin, prepares the pack and
records the minutes with a decision, which becomes an action with its owner and due date; the chair approves
the minutes on the site; an attendee without admin access finds the review from the site's navigation, reads
the minutes and downloads them in Word."""

import datetime

import docx
import pytest

from qms.management_review.models import ManagementReview
from qms.nonconformities.selectors import actions_for
from tests import factories as f
from tests.browser import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DECISION = "Số hoá sổ theo dõi hồ sơ một cửa trong quý tới."
CONCLUSION = "Hệ thống quản lý chất lượng phù hợp, đầy đủ và có hiệu lực."


def _submit(page, selector):
    with page.expect_navigation():
        page.click(selector)


def test_plan_prepare_minutes_approve_and_an_attendee_reads_them(page, tmp_path):
    unit = f.make_unit(code="VP")
    officer = f.make_officer(unit=unit, username="officer")
    chair = f.make_approver(unit=unit, username="director", first_name="Giám đốc")
    attendee = f.make_staff(unit=unit, username="lan", first_name="Lan")
    owner = f.make_staff(unit=unit, username="hung", first_name="Hùng")
    f.make_nonconformity(unit=unit)
    year = datetime.date.today().year
    due = datetime.date(year + 1, 3, 31)

    # The officer plans the review in the admin.
    log_in(page, officer)
    page.goto("/admin/management-review/")
    form = "#plan-review"
    page.fill(f"{form} [name=title]", f"Xem xét của lãnh đạo {year}")
    page.fill(f"{form} [name=period_start]", f"{year}-01-01")
    page.fill(f"{form} [name=period_end]", f"{year}-12-31")
    page.fill(f"{form} [name=meeting_date]", f"{year}-12-20")
    page.select_option(f"{form} [name=chair]", str(chair.pk))
    page.select_option(f"{form} [name=attendees]", [str(attendee.pk), str(owner.pk)])
    _submit(page, f"{form} button[type=submit]")
    review = ManagementReview.objects.get()
    assert review.status == ManagementReview.Status.PLANNED

    # ... prepares the pack: every registered input, frozen.
    _submit(page, "#prepare-pack")
    review.refresh_from_db()
    assert review.status == ManagementReview.Status.PACK_PREPARED
    assert page.locator("section.review-section").count() == len(review.pack["sections"]) >= 8

    # ... records a decision with its owner and due date, then the minutes.
    form = "#decision-form"
    page.select_option(f"{form} [name=kind]", "improvement")
    page.fill(f"{form} [name=text]", DECISION)
    page.select_option(f"{form} [name=owner]", str(owner.pk))
    page.fill(f"{form} [name=due_date]", due.isoformat())
    _submit(page, f"{form} button[type=submit]")
    decision = review.decisions.get()
    assert (decision.text, decision.owner, decision.due_date) == (DECISION, owner, due)
    # ... which is an action like any other, with its owner and due date.
    (action,) = actions_for(decision)
    assert (action.kind, action.owner, action.due_date) == ("improvement", owner, due)
    page.fill("#minutes-form [name=conclusion]", CONCLUSION)
    _submit(page, "#minutes-form button[type=submit]")
    review.refresh_from_db()
    assert review.status == ManagementReview.Status.HELD

    # The chair approves the minutes on the site; the review is locked.
    log_in(page, chair)
    page.goto(review.get_absolute_url())
    _submit(page, "#approve-minutes")
    review.refresh_from_db()
    assert review.status == ManagementReview.Status.APPROVED and review.approved_by == chair
    assert page.locator("#approve-minutes").count() == 0

    # Approved minutes are locked: the officer's screen offers no more change.
    log_in(page, officer)
    page.goto(f"/admin/management-review/{review.pk}/")
    for form in ("#prepare-pack", "#decision-form", "#minutes-form", ".review-section-form"):
        assert page.locator(form).count() == 0

    # An attendee without admin access finds it from the site's navigation and reads the minutes.
    log_in(page, attendee)
    page.goto("/")
    _submit(page, ".site-nav a[href='/reviews/']")
    _submit(page, f"#reviews a[href='{review.get_absolute_url()}']")
    assert page.locator("#conclusion").inner_text() == CONCLUSION
    assert DECISION in page.locator("#decisions").inner_text()
    row = page.locator(f"#decision-{decision.pk} [data-action='{action.pk}']")
    assert action.get_status_display() in row.inner_text()
    assert "Lan" in page.locator("#attendees").inner_text()
    with page.expect_download() as download:
        page.click("#review-docx")
    path = tmp_path / "minutes.docx"
    download.value.save_as(path)
    document = docx.Document(str(path))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    assert DECISION in cells
    assert CONCLUSION in [p.text for p in document.paragraphs]
