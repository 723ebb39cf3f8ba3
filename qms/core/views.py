from django.contrib.auth import views as auth_views
from django.http import JsonResponse
from django.views.decorators.cache import never_cache

from . import health, roles
from .lockout import SiteLoginForm


@never_cache
def healthz(request):
    """200 when the database and the broker both answer, 503 otherwise (for load balancers)."""
    db_ok = health.database_status()
    broker_ok = health.broker_status()
    ok = db_ok and broker_ok
    payload = {
        "status": "ok" if ok else "unavailable",
        "database": {"ok": db_ok},
        "broker": {"ok": broker_ok},
    }
    return JsonResponse(payload, status=200 if ok else 503)


class QmsLoginView(auth_views.LoginView):
    template_name = "core/login.html"
    form_class = SiteLoginForm
    redirect_authenticated_user = True

    def get_default_redirect_url(self):
        # Quality officers and auditors work in the admin; staff read the site.
        if roles.lands_in_admin(self.request.user):
            return "/admin/"
        return "/"

    def form_valid(self, form):
        response = super().form_valid(form)
        profile = getattr(form.get_user(), "wagtail_userprofile", None)
        zone = getattr(profile, "current_time_zone", "")
        if zone:
            self.request.session["qms_time_zone"] = zone
        return response


class QmsLogoutView(auth_views.LogoutView):
    pass
