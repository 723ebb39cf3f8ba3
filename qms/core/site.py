"""Extension points of the public site, so that higher apps plug in without the core importing them.

Each app registers them with Wagtail's hooks in its ``wagtail_hooks.py`` (DESIGN.md section 4,
docs/architecture.md):

- ``qms_site_nav``: a callable returning ``NavItem``s, the links in the site header (documents, my
  actions, audits...).
- ``qms_home_panels``: a callable returning ``HomePanel``s, the panels of the home page ("pending for
  you"...).
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse

from .extensions import collected

NAV_HOOK = "qms_site_nav"
HOME_PANELS_HOOK = "qms_home_panels"


def _everyone(user):
    return True


@dataclass(frozen=True)
class NavItem:
    label: object  # a lazy translation
    url_name: str
    order: int = 100
    visible: Callable = _everyone  # visible(user) -> bool


@dataclass(frozen=True)
class HomePanel:
    name: str
    render: Callable  # render(request) -> safe HTML (render_to_string), or "" to hide the panel
    order: int = 100


def _first_by(items, key):
    """The items in order, the first of each key kept (an item registered twice shows once)."""
    seen, kept = set(), []
    for item in sorted(items, key=lambda item: item.order):
        if key(item) not in seen:
            seen.add(key(item))
            kept.append(item)
    return kept


def nav_items():
    return _first_by(collected(NAV_HOOK), key=lambda item: item.url_name)


def panels():
    return _first_by(collected(HOME_PANELS_HOOK), key=lambda panel: panel.name)


def nav_for(user):
    links = []
    for item in nav_items():
        if not item.visible(user):
            continue
        try:
            links.append({"label": item.label, "url": reverse(item.url_name)})
        except NoReverseMatch:
            continue
    return links


def home_panels(request):
    rendered = (panel.render(request) for panel in panels())
    return [html for html in rendered if html]
