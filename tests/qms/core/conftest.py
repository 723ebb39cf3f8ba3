import pytest


@pytest.fixture(autouse=True)
def _organisation_language_after_each_test():
    """A request leaves its reader's language active in the thread (Django's LocaleMiddleware does too);
    these tests log in English readers, so the tests after them start again in LANGUAGE_CODE."""
    yield
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
