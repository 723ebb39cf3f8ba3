"""'Due for you' on the admin dashboard and 'pending for you' on the site home, from the same providers."""

from django.template.loader import render_to_string
from django.urls import reverse
from wagtail.admin.ui.components import Component

from .selectors import due_for_user, undeliverable_count


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


class UndeliverablePanel(Component):
    """For quality officers: how many reminders could not be delivered, linking to the list with the reasons."""

    name = "reminders_undeliverable"
    template_name = "reminders/undeliverable_panel.html"
    order = 40

    def get_context_data(self, parent_context):
        return {"count": undeliverable_count(), "url": reverse("undeliverable_reminder:index")}

    def render_html(self, parent_context=None):
        context = self.get_context_data(parent_context)
        if not context["count"]:
            return ""  # nothing to act on: no panel
        return render_to_string(self.template_name, context)
