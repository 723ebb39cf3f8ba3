"""Shared fixtures and the service policy.

Tests that need a real service carry a marker (postgres, redis, browser,
libreoffice). In CI (`.ci/run` sets QMS_REQUIRE_SERVICES=1) a missing service
fails the test; on a developer's machine it skips with what to install.
"""

import shutil

import pytest

from tests import services


def pytest_collection_modifyitems(items):
    """Every transactional test restores the data the migrations loaded.

    A transactional test ends by flushing every table, which would also remove
    what data migrations created (the role groups, the clause catalogue, the home
    page and site, the approval workflow, reminder settings) for the tests after
    it. Django's serialized rollback reloads that state instead.
    """
    for item in items:
        marker = item.get_closest_marker("django_db")
        if marker is not None and marker.kwargs.get("transaction") and "serialized_rollback" not in marker.kwargs:
            restoring = pytest.mark.django_db(*marker.args, **marker.kwargs, serialized_rollback=True)
            item.add_marker(restoring, append=False)


def pytest_runtest_setup(item):
    for marker, check in services.CHECKS.items():
        if item.get_closest_marker(marker) is not None:
            ok, how = check()
            if not ok:
                services.missing(marker, how)


@pytest.fixture(autouse=True)
def _empty_cache():
    """Cache keys hold primary keys, which a new test may reuse: start each test cold."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def browser(monkeypatch):
    """A headless Debian Chromium driven by Playwright (no downloaded browser)."""
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in the test thread; the ORM calls
    # the test makes around it are synchronous and safe.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(
            executable_path=shutil.which("chromium") or "/usr/bin/chromium",
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield instance
        instance.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh")
    context.set_default_timeout(15_000)
    tab = context.new_page()
    yield tab
    context.close()
