"""The organisation's name on the Wagtail Site (ISO 9001 4.3: whose quality management system this is).

Wagtail titles the admin dashboard with the default Site's name, else its host name
("localhost"), and only then WAGTAIL_SITE_NAME. So the Site carries the organisation's
name: filled after migrate when blank (from QMS_SITE_NAME, else QMS_ORGANISATION_NAME),
set by `seed_demo` for the demo, and editable afterwards in Settings → Sites.
"""

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS
from django.utils import translation
from django.utils.functional import Promise


def configured_name():
    """QMS_ORGANISATION_NAME when set in the environment (not the translated default), else ""."""
    name = getattr(settings, "QMS_ORGANISATION_NAME", "")
    return "" if isinstance(name, Promise) else str(name)


def default_name():
    with translation.override(settings.LANGUAGE_CODE):
        return str(settings.WAGTAIL_SITE_NAME)


def site_name_set(*, name, using=DEFAULT_DB_ALIAS):
    """Name the default Site; returns whether anything changed."""
    from wagtail.models import Site

    site = Site.objects.using(using).filter(is_default_site=True).first()
    if site is None or site.site_name == name:
        return False
    site.site_name = name
    site.save(update_fields=["site_name"])
    return True


def site_name_fill(sender=None, using=DEFAULT_DB_ALIAS, **kwargs):
    """post_migrate: give a nameless default Site the organisation's name (a name set in the admin stays)."""
    from django.apps import apps

    with_models = [config.label for config in apps.get_app_configs() if config.models_module is not None]
    if sender is not None and sender.label != with_models[-1]:
        return
    from wagtail.models import Site

    if Site.objects.using(using).filter(is_default_site=True, site_name="").exists():
        site_name_set(name=default_name(), using=using)
