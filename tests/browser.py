"""Steps shared by the browser tests (Playwright driving Debian's chromium)."""

from tests import factories


def log_in(page, user):
    """Log `user` in through the real form, as the only person of the tab's browser context.

    Returns once the log-in's own navigation has finished: a goto() racing it would cancel it.
    """
    page.context.clear_cookies()
    page.goto("/accounts/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", factories.PASSWORD)
    with page.expect_navigation():
        page.click(".login-form button[type=submit]")
