"""Extension points of the public site, so that higher apps plug in without the core importing them.

- `register_nav(...)`: a link in the site header (documents, my actions, audits...).
- `register_home_panel(...)`: a panel on the home page ("pending for you"...).

Apps call these from their AppConfig.ready() (DESIGN.md section 4: a higher layer
registers with a lower one).
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse


@dataclass(frozen=True)
class NavItem:
    label: object  # a lazy translation
    url_name: str
    order: int = 100
    visible: Callable = lambda user: True  # noqa: E731


@dataclass(frozen=True)
class HomePanel:
    name: str
    render: Callable  # render(request) -> safe HTML (render_to_string), or "" to hide the panel
    order: int = 100


_NAV: list[NavItem] = []
_PANELS: list[HomePanel] = []


def register_nav(label, url_name, *, order=100, visible=None):
    if not any(item.url_name == url_name for item in _NAV):
        _NAV.append(NavItem(label, url_name, order, visible or (lambda user: True)))


def register_home_panel(name, render, *, order=100):
    if not any(panel.name == name for panel in _PANELS):
        _PANELS.append(HomePanel(name, render, order))


def nav_for(user):
    links = []
    for item in sorted(_NAV, key=lambda item: item.order):
        if not item.visible(user):
            continue
        try:
            links.append({"label": item.label, "url": reverse(item.url_name)})
        except NoReverseMatch:
            continue
    return links


def home_panels(request):
    rendered = (panel.render(request) for panel in sorted(_PANELS, key=lambda panel: panel.order))
    return [html for html in rendered if html]
