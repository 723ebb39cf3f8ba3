"""'Due for you' on the admin dashboard and 'pending for you' on the site home, from the same providers."""

from django.template.loader import render_to_string
from wagtail.admin.ui.components import Component

from .selectors import due_for_user


def render_site_panel(request):
    if not request.user.is_authenticated:
        return ""
    return render_to_string(
        "reminders/site_panel.html", {"items": due_for_user(request.user), "request": request}, request=request
    )


class DueForYouPanel(Component):
    name = "reminders_due_for_you"
    template_name = "reminders/admin_panel.html"
    order = 50

    def get_context_data(self, parent_context):
        request = parent_context["request"]
        return {"items": due_for_user(request.user), "request": request}
