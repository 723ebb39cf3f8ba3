"""The staff home-page panel: my open corrective actions (ISO 9001 10.2.1 c))."""

from django.template.loader import render_to_string

from . import selectors


def render_home_panel(request):
    user = request.user
    if not user.is_authenticated:
        return ""
    actions = list(selectors.actions_of(user)[:10])
    if not actions:
        return ""
    return render_to_string("nonconformities/home_panel.html", {"actions": actions}, request=request)
