import time
import zoneinfo

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.middleware.locale import LocaleMiddleware
from django.urls import reverse
from django.utils import timezone, translation

from . import people


class UserTimezoneMiddleware:
    """Show dates in the reader's own zone: the one chosen in their Wagtail
    account preferences, else TIME_ZONE (Asia/Ho_Chi_Minh by default)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        zone = request.session.get("qms_time_zone") if hasattr(request, "session") else None
        if zone:
            try:
                timezone.activate(zoneinfo.ZoneInfo(zone))
            except (zoneinfo.ZoneInfoNotFoundError, ValueError):
                timezone.deactivate()
        else:
            timezone.deactivate()
        return self.get_response(request)


class PersonLanguageMiddleware(LocaleMiddleware):
    """The language a person reads in: their stored choice, not their browser's.

    Logged in: the person's language (qms.core.people.language_of), on the site and in the
    admin alike (Wagtail falls back to the active language when the profile has none).
    Anonymous: the language chosen with the site's switch (its cookie), else the
    organisation's LANGUAGE_CODE; the browser's Accept-Language is not asked, since a public
    office serves in its own language first. The site's switch, used by a logged-in
    person, becomes their stored choice. Stands after AuthenticationMiddleware.
    """

    def process_request(self, request):
        user = getattr(request, "user", None)
        session = getattr(request, "session", None)
        if session is not None and session.get(SESSION_KEY) and session.get(LANGUAGE_SESSION_KEY):
            # Kept in the session from the log-in on, so that a reader-cache hit reads the session only.
            language = session[LANGUAGE_SESSION_KEY]
        elif user is not None and user.is_authenticated:
            language = people.language_of(user)
            if session is not None:
                session[LANGUAGE_SESSION_KEY] = language
        else:
            language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
            if language not in dict(settings.LANGUAGES):
                language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()

    def process_response(self, request, response):
        # After the view (so after the CSRF check): the switch, used by a logged-in person, is their choice.
        user = getattr(request, "user", None)
        if (
            request.method == "POST"
            and response.status_code == 302
            and request.path == reverse("set_language")
            and user is not None
            and user.is_authenticated
        ):
            chosen = request.POST.get("language", "")
            if chosen in dict(settings.LANGUAGES):
                people.person_set_language(person=user, language=chosen)
                request.session[LANGUAGE_SESSION_KEY] = chosen
        elif (
            request.method == "POST"
            and getattr(request.resolver_match, "url_name", "") == "wagtailadmin_account"
            and user is not None
            and user.is_authenticated
        ):
            # Account → Preferences may have changed the language: read it again from the profile.
            request.session.pop(LANGUAGE_SESSION_KEY, None)
        return super().process_response(request, response)


LANGUAGE_SESSION_KEY = "qms_language"


class SessionIdleMiddleware:
    """Sessions end after SESSION_COOKIE_AGE seconds without a request (ISO 9001 7.5.3: access control).

    Django's SESSION_SAVE_EVERY_REQUEST would write the session on every request, the reader cache's
    hits included; renewing it at most once a minute keeps the idle limit to the minute with one write
    a minute per person. Django has no such option, hence this. Stands after SessionMiddleware.
    """

    RENEW_AFTER_SECONDS = 60

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is not None and session.get(SESSION_KEY):
            now = int(time.time())
            if now - session.get("qms_seen", 0) >= self.RENEW_AFTER_SECONDS:
                session["qms_seen"] = now  # marks the session modified: saved with a new expiry
        return response
