"""The staff home-page panel: my open corrective actions (ISO 9001 10.2.1 c)); the sections other registers
add to a nonconformity's page.

A higher register that links its records to nonconformities (a risk that materialised, ISO 9001 10.2.1 e)
shows them on the nonconformity's page without this app importing it: it registers, through the Wagtail hook
``qms_nonconformity_sections``, callables ``render(request, nonconformity) -> safe HTML or ""``.
"""

from django.template.loader import render_to_string
from django.utils.html import format_html_join

from qms.core.extensions import collected

from . import selectors

SECTIONS_HOOK = "qms_nonconformity_sections"


def render_sections(request, nonconformity):
    """The registered sections of `nonconformity`'s page, in the hooks' order, empty ones left out."""
    parts = [render(request, nonconformity) for render in collected(SECTIONS_HOOK)]
    return format_html_join("", "{}", ((part,) for part in parts if part))


def render_home_panel(request):
    user = request.user
    if not user.is_authenticated:
        return ""
    actions = list(selectors.actions_of(user)[:10])
    if not actions:
        return ""
    return render_to_string("nonconformities/home_panel.html", {"actions": actions}, request=request)
