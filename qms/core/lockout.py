"""Limits on password guessing, with django-axes (ISO 9001 7.5.3.1 c: records protected from
unauthorised access; the accounts are what protect them).

Axes counts failed log-ins per username and address together and, past the limit,
refuses that pair for the cool-off time (settings AXES_*, from LOGIN_FAILURE_LIMIT and
LOGIN_LOCKOUT_MINUTES), even with the right password. The person sees why on the
log-in page itself, in their language: the site's and the admin's log-in forms
turn axes' refusal into a form error (`LockoutMessageMixin`), and `lockout_response`
keeps that page, with status 429. Administrators unlock from Settings → Locked-out
log-ins (qms.core.wagtail_hooks) or with `manage.py axes_reset_username USERNAME`.
"""

from axes.helpers import get_lockout_message
from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpResponse
from wagtail.admin.forms.auth import LoginForm


def client_address(request):
    """The address a lock-out is counted against (axes' AXES_CLIENT_IP_CALLABLE).

    Each of our QMS_TRUSTED_PROXIES proxies appends the address it received from to X-Forwarded-For,
    so the client is the entry that many places from the right; entries further left are whatever the
    client sent, and never trusted. No proxy: REMOTE_ADDR. Hand-written because trusting exactly the
    proxies the deployment runs is one line of arithmetic that django-ipware would add a package for.
    """
    count = getattr(settings, "QMS_TRUSTED_PROXIES", 0)
    if count > 0:
        hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
        if len(hops) >= count:
            return hops[-count]
    return request.META.get("REMOTE_ADDR")


def is_locked_out(request):
    return bool(getattr(request, "axes_locked_out", False))


class LockoutMessageMixin:
    """Say "locked out" rather than "wrong password" when axes refused the attempt."""

    def clean(self):
        try:
            return super().clean()
        except forms.ValidationError:
            if is_locked_out(self.request):
                raise forms.ValidationError(str(get_lockout_message()), code="locked_out") from None
            raise


class SiteLoginForm(LockoutMessageMixin, AuthenticationForm):
    pass


class AdminLoginForm(LockoutMessageMixin, LoginForm):
    pass


def lockout_response(request, original_response=None, credentials=None):
    """AXES_LOCKOUT_CALLABLE: the log-in page as rendered (it carries the message), as 429 Too Many Requests."""
    if original_response is not None and original_response.get("Content-Type", "").startswith("text/html"):
        original_response.status_code = 429
        return original_response
    return HttpResponse(str(get_lockout_message()), status=429, content_type="text/plain; charset=utf-8")
