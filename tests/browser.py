"""Steps shared by the browser tests (Playwright driving Debian's chromium)."""

import time

from wagtail.admin.models import EditingSession

from tests import factories


def log_in(page, user):
    """Log `user` in through the real form, as the only person of the tab's browser context.

    Returns once the log-in's own navigation has finished: a goto() racing it would cancel it.
    """
    # The page left behind says goodbye in its own session first: the editor releases its editing
    # session on unload, in the background; sent after the cookies are gone, it would be refused as
    # a forged request. As a person who closes their tab before another logs in.
    # Only the person leaving is waited for; were their release lost, the flow's background test says so.
    page.goto("about:blank")
    leaving = getattr(page, "qms_user", None)
    deadline = time.monotonic() + 10
    while leaving and EditingSession.objects.filter(user=leaving).exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    page.context.clear_cookies()
    page.qms_user = user
    page.goto("/accounts/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", factories.PASSWORD)
    with page.expect_navigation():
        page.click(".login-form button[type=submit]")
