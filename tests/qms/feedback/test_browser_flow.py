"""Issue 17's "done when", in a real browser and through a real SMTP peer: an anonymous citizen sends feedback
from a public procedure page and gets a reference and an acknowledgement e-mail; the quality officer classifies
and assigns it; the handler answers; an approver approves the answer; the citizen receives it and sees
"answered" with the reference; the substantiated complaint raises one nonconformity."""

import email
import email.policy
import threading
import time

import pytest
from django.utils import translation

from qms.feedback.models import Feedback
from qms.nonconformities.models import Nonconformity
from tests import factories as f
from tests.browser import log_in
from tests.cms.builders import make_document
from tests.qms.reminders.smtp import DEADLINE, free_port

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


class Inbox:
    """aiosmtpd handler keeping every message it accepts, whole."""

    def __init__(self):
        self.messages = []
        self.arrived = threading.Condition()

    async def handle_DATA(self, server, session, envelope):
        with self.arrived:
            self.messages.append(
                (list(envelope.rcpt_tos), email.message_from_bytes(envelope.content, policy=email.policy.default))
            )
            self.arrived.notify_all()
        return "250 OK"

    def wait_for(self, count):
        with self.arrived:
            assert self.arrived.wait_for(lambda: len(self.messages) >= count, timeout=DEADLINE), self.messages
        return self.messages[count - 1]


@pytest.fixture
def inbox(settings):
    from aiosmtpd.controller import Controller

    handler, port = Inbox(), free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 10
    try:
        yield handler
    finally:
        controller.stop()


def _body(message):
    return message.get_body(preferencelist=("plain",)).get_content()


def _tab(browser, live_server):
    context = browser.new_context(base_url=live_server.url, locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh")
    context.set_default_timeout(15_000)
    return context.new_page()


def _act(tab, name):
    with tab.expect_navigation():
        tab.click(f"form.action-{name} button[type=submit]")


def test_citizen_to_answer_and_nonconformity(page, browser, live_server, inbox, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.QMS_FEEDBACK_MIN_SECONDS = 1
    unit = f.make_unit(code="QLVH")
    officer = f.make_officer(unit=f.make_unit(code="VP"))
    handler = f.make_staff(unit=unit, first_name="Sơn", last_name="Bùi")
    approver = f.make_approver(unit=unit)
    document = make_document("QT-07", unit=unit, is_public=True, title="Cấp giấy phép biểu diễn nghệ thuật")

    # 1. An anonymous citizen, from the public procedure page: "Góp ý về thủ tục này".
    page.goto(document.url)
    page.click("a.feedback-link")
    page.wait_for_selector("form.feedback-form")
    assert "Cấp giấy phép biểu diễn nghệ thuật" in page.locator(".procedure").inner_text()
    page.fill("#id_name", "Trần Văn Bình")
    page.fill("#id_email", "binh@example.test")
    page.select_option("#id_kind", "complaint")
    page.fill("#id_text", "Hồ sơ của tôi được hẹn trả ngày 10 nhưng đến ngày 14 mới có kết quả.")
    time.sleep(1.2)  # a person takes longer than the time check to type (QMS_FEEDBACK_MIN_SECONDS)
    with page.expect_navigation():
        page.click("form.feedback-form button[type=submit]")
    reference = page.locator(".reference").inner_text()
    feedback = Feedback.objects.get()
    assert reference == feedback.reference and reference.startswith("PAKN-")
    assert feedback.page_id == document.pk and feedback.unit == unit
    recipients, acknowledgement = inbox.wait_for(1)
    assert recipients == ["binh@example.test"] and reference in acknowledgement["Subject"]
    assert reference in _body(acknowledgement)

    # 2. The quality officer classifies and assigns it.
    desk = _tab(browser, live_server)
    log_in(desk, officer)
    desk.goto(feedback.get_absolute_url())
    assert "binh@example.test" in desk.content()  # officers see the contact
    desk.check("#id_classify-concerns_regulation")
    _act(desk, "classify")
    desk.select_option("#id_assign-unit", str(unit.pk))
    desk.select_option("#id_assign-handler", str(handler.pk))
    _act(desk, "assign")
    feedback.refresh_from_db()
    assert feedback.status == "assigned" and feedback.handler == handler and feedback.due_date
    assert feedback.concerns_regulation

    # 3. The handler finds it on their page and answers; the complaint was founded.
    work = _tab(browser, live_server)
    log_in(work, handler)
    work.goto("/feedback/mine/")
    with work.expect_navigation():
        work.click(f"text={reference}")
    work.fill("#id_answer-answer", "Hồ sơ trả chậm do thiếu người ký; đơn vị đã xin lỗi và bổ sung người ký thay.")
    work.select_option("#id_answer-substantiated", "yes")
    _act(work, "answer")
    assert Feedback.objects.get(pk=feedback.pk).status == "awaiting_approval"

    # 4. The approver approves the answer; it is sent to the citizen.
    lead = _tab(browser, live_server)
    log_in(lead, approver)
    lead.goto("/feedback/mine/")
    with lead.expect_navigation():
        lead.click(f"text={reference}")
    assert "binh@example.test" not in lead.content()  # an approver decides on the answer, not on who asked
    _act(lead, "approve_answer")
    recipients, answer = inbox.wait_for(2)
    assert recipients == ["binh@example.test"] and reference in answer["Subject"]
    assert "bổ sung người ký thay" in _body(answer)
    feedback.refresh_from_db()
    assert feedback.status == "answered" and feedback.answer_approved_by == approver
    assert feedback.answer_sent_at is not None

    # 5. The citizen looks it up with the reference and their e-mail and sees "answered".
    page.goto("/feedback/status/")
    page.fill("#id_reference", reference)
    page.fill("#id_contact", "binh@example.test")
    with page.expect_navigation():
        page.click("form.status-form button[type=submit]")
    assert page.locator(".feedback-status .reference").inner_text() == reference
    with translation.override("vi"):
        answered = str(Feedback.Status.ANSWERED.label)
    assert page.locator(".feedback-status .status").inner_text() == answered
    assert "bổ sung người ký thay" in page.locator(".feedback-status .answer").inner_text()

    # 6. The substantiated complaint raises one nonconformity, linked both ways.
    work.goto(feedback.get_absolute_url())
    _act(work, "raise_nonconformity")
    nc = Nonconformity.objects.get()
    assert nc.source == "complaint" and nc.feedback.pk == feedback.pk
    assert work.locator("a.nonconformity").inner_text() == nc.reference
    assert work.locator("form.action-raise_nonconformity button[type=submit]").count() == 0  # once
    assert "binh@example.test" not in nc.description and "Trần Văn Bình" not in nc.description
