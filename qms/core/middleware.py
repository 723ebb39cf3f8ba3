import zoneinfo

from django.conf import settings
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
        if user is not None and user.is_authenticated:
            language = people.language_of(user)
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
        return super().process_response(request, response)
