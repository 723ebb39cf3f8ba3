import pytest

from tests import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_staff_logs_in_sees_home_and_switches_language(page, live_server):
    user = factories.make_staff()
    page.goto("/accounts/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", factories.PASSWORD)
    page.click(".login-form button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    assert page.locator("h1").inner_text() == "Hệ thống quản lý chất lượng"
    assert page.locator(".who").inner_text() == str(user)
    page.click("button[name=language][value=en]")
    page.wait_for_selector("text=Log out")
    assert page.locator("html").get_attribute("lang") == "en"
    page.click("button[name=language][value=vi]")
    page.wait_for_selector("text=Đăng xuất")
