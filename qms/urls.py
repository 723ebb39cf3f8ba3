import posixpath

from django.conf import settings
from django.http import Http404
from django.urls import include, path, re_path
from django.views.i18n import JavaScriptCatalog
from django.views.static import serve as serve_file
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from cms import reader_cache
from qms.core import views as core_views

urlpatterns = [
    path("healthz", core_views.healthz, name="healthz"),
    path("accounts/login/", core_views.QmsLoginView.as_view(), name="login"),
    path("accounts/logout/", core_views.QmsLogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    # Each app's own site views (pages outside the Wagtail tree).
    path("", include("qms.core.urls")),
    path("", include("cms.urls")),
    path("", include("cms.acknowledgements.urls")),
    path("", include("qms.nonconformities.urls")),
    path("", include("qms.feedback.urls")),
    path("", include("qms.procedures.urls")),
    path("", include("qms.objectives.urls")),
    path("", include("qms.management_review.urls")),
    path("", include("qms.risks.urls")),
    path("", include("audits.urls")),
    path("", include("qms.reminders.urls")),
]


def media_patterns():
    """The development server's media, without Wagtail documents (forms).

    Forms live under MEDIA_ROOT/documents/ but are served only by Wagtail's serve view, whose
    `before_serve_document` hook keeps the forms of internal procedures from anonymous visitors
    (ISO 9001 7.5.3.1): serving them as plain media would bypass it. A proxy leaves them out too.
    """
    prefix = settings.MEDIA_URL.lstrip("/")
    return [re_path(rf"^{prefix}(?P<path>.*)$", _media_without_documents)]


def _media_without_documents(request, path):
    # Judged on the path `serve` will open, not the raw one: "media//documents/x" or
    # "media/a/../documents/x" name the same file.
    if posixpath.normpath(path).lstrip("/").startswith("documents/"):
        raise Http404
    return serve_file(request, path, document_root=settings.MEDIA_ROOT)


if settings.DEBUG:
    urlpatterns += media_patterns()

# Wagtail's page serving comes last: it matches every remaining path. Its serve view is wrapped by
# the reader cache (cms.reader_cache) under Wagtail's own URL name, which page URLs reverse.
urlpatterns += [pattern for pattern in wagtail_urls.urlpatterns if getattr(pattern, "name", "") != "wagtail_serve"]
urlpatterns.append(re_path(wagtail_urls.serve_pattern, reader_cache.serve, name="wagtail_serve"))
