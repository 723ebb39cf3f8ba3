"""Issue 18 in a real browser (ISO 9001 9.3), on the demo organisation's registers: the officer plans a review
in the admin, prepares the pack (its figures are the registers' own counts) and records the minutes with two
decisions, each of which becomes an action with its owner and due date; the chair approves the minutes on the
site; an attendee without admin access finds the review from the site's navigation, reads the minutes and
downloads them in Word, which python-docx and LibreOffice open with the figures in it."""

import datetime

import docx
import pytest
from django.core.management import call_command
from django.test import override_settings

from qms.feedback.models import Feedback
from qms.management_review.models import ManagementReview
from qms.nonconformities.review_inputs import raised_in
from qms.nonconformities.selectors import actions_for
from tests import factories as f
from tests.browser import log_in

from .test_exports import convert

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DECISION = "Số hoá sổ theo dõi hồ sơ một cửa trong quý tới."
RESOURCES = "Bố trí thêm một cán bộ tiếp nhận hồ sơ tại bộ phận một cửa."
CONCLUSION = "Hệ thống quản lý chất lượng phù hợp, đầy đủ và có hiệu lực."


def _submit(page, selector):
    with page.expect_navigation():
        page.click(selector)


@override_settings(DEBUG=True)  # seed_demo refuses to run without it (the demo password is public)
def test_plan_prepare_minutes_approve_and_an_attendee_reads_them(page, tmp_path):
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115 - the command's own stream
    unit = f.make_unit(code="MR")
    officer = f.make_officer(unit=unit, username="mr_officer")
    chair = f.make_approver(unit=unit, username="mr_director", first_name="Giám đốc")
    attendee = f.make_staff(unit=unit, username="mr_lan", first_name="Lan")
    owner = f.make_staff(unit=unit, username="mr_hung", first_name="Hùng")
    second_owner = f.make_staff(unit=unit, username="mr_mai", first_name="Mai")
    year = datetime.date.today().year
    start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    due = datetime.date(year + 1, 3, 31)
    title = f"Xem xét của lãnh đạo {year} (kiểm thử)"
    # The demo has one past review with approved minutes and one planned.
    demo = ManagementReview.objects.order_by("meeting_date")
    assert [r.status for r in demo] == [ManagementReview.Status.APPROVED, ManagementReview.Status.PLANNED]
    assert demo[0].meeting_date.year == year - 1 and demo[0].approved_by is not None

    # The officer plans the review in the admin.
    log_in(page, officer)
    page.goto("/admin/management-review/")
    form = "#plan-review"
    page.fill(f"{form} [name=title]", title)
    page.fill(f"{form} [name=period_start]", f"{year}-01-01")
    page.fill(f"{form} [name=period_end]", f"{year}-12-31")
    page.fill(f"{form} [name=meeting_date]", f"{year}-12-20")
    page.select_option(f"{form} [name=chair]", str(chair.pk))
    page.select_option(f"{form} [name=attendees]", [str(attendee.pk), str(owner.pk)])
    _submit(page, f"{form} button[type=submit]")
    review = ManagementReview.objects.get(title=title)
    assert review.status == ManagementReview.Status.PLANNED

    # ... prepares the pack: every registered input, frozen.
    _submit(page, "#prepare-pack")
    review.refresh_from_db()
    assert review.status == ManagementReview.Status.PACK_PREPARED
    assert page.locator("section.review-section").count() == len(review.pack["sections"]) >= 8
    # Its figures are the registers' own counts (the demo's nonconformities and feedback of the year).
    figures = {
        key: page.locator(f"section[data-key={key}] dd").first.inner_text() for key in ("nonconformities", "feedback")
    }
    year_feedback = Feedback.objects.filter(received_at__date__range=(start, end))  # the local days of the year
    received = year_feedback.exclude(status=Feedback.Status.REJECTED).count()  # rejected: spam, never received
    assert figures == {"nonconformities": str(raised_in(start, end).count()), "feedback": str(received)}
    assert raised_in(start, end).exists() and received

    # ... records a decision with its owner and due date, then the minutes.
    form = "#decision-form"
    page.select_option(f"{form} [name=kind]", "improvement")
    page.fill(f"{form} [name=text]", DECISION)
    page.select_option(f"{form} [name=owner]", str(owner.pk))
    page.fill(f"{form} [name=due_date]", due.isoformat())
    _submit(page, f"{form} button[type=submit]")
    page.select_option(f"{form} [name=kind]", "resources")
    page.fill(f"{form} [name=text]", RESOURCES)
    page.select_option(f"{form} [name=owner]", str(second_owner.pk))
    page.fill(f"{form} [name=due_date]", due.isoformat())
    _submit(page, f"{form} button[type=submit]")
    decision, second = review.decisions.order_by("pk")
    assert (decision.text, decision.owner, decision.due_date) == (DECISION, owner, due)
    assert (second.text, second.owner) == (RESOURCES, second_owner)
    # ... each an action like any other, with its owner and due date.
    (action,) = actions_for(decision)
    assert (action.kind, action.owner, action.due_date) == ("improvement", owner, due)
    (other,) = actions_for(second)
    assert (other.owner, other.due_date) == (second_owner, due)
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
    assert DECISION in cells and RESOURCES in cells
    assert CONCLUSION in [p.text for p in document.paragraphs]
    nc = next(section for section in review.pack["sections"] if section["key"] == "nonconformities")
    raised = nc["figures"][0]
    figure = f"{raised['label']}: {figures['nonconformities']}"
    assert figure in [p.text for p in document.paragraphs]
    # ... and so does LibreOffice, which is what the agency's file opens with.
    text = convert(path, tmp_path, "txt:Text")
    assert DECISION in text and RESOURCES in text and CONCLUSION in text and figure in text
