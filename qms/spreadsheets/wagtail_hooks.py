"""Admin registration of the imports: URLs under /admin/imports/ and a menu item for quality officers."""

from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from . import admin_urls
from .views import can_import


class ImportsMenuItem(MenuItem):
    def is_shown(self, request):
        return can_import(request.user)


@hooks.register("register_admin_urls")
def register_import_urls():
    return [path("imports/", include(admin_urls, namespace="spreadsheets_admin"))]


@hooks.register("register_admin_menu_item")
def register_imports_menu_item():
    return ImportsMenuItem(_("Imports"), reverse("spreadsheets_admin:index"), icon_name="upload", order=850)


@hooks.register("qms_importers")
def organisation_importers():
    from . import organisation

    return [organisation.UNITS, organisation.PEOPLE]
