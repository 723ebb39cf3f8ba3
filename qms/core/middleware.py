import zoneinfo

from django.utils import timezone


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
