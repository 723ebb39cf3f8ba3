"""Admin: lead times (quality officers edit them), the ledger (read only), the sweep's schedule, the dashboard panel.

Following https://docs.wagtail.org/en/stable/extending/generic_views.html (ModelViewSet).
"""

from django.utils.translation import gettext_lazy as _
from django_celery_beat.models import CrontabSchedule, PeriodicTask
from wagtail import hooks
from wagtail.admin.views.generic import IndexView
from wagtail.admin.viewsets.model import ModelViewSet, ViewSetGroup

from .models import Delivery, LeadTime
from .panels import DueForYouPanel


class LeadTimeViewSet(ModelViewSet):
    model = LeadTime
    icon = "time"
    menu_label = _("Lead times")
    form_fields = ["days_before", "overdue_every_days", "escalation_grace_days", "is_active"]
    list_display = ["__str__", "days_before", "overdue_every_days", "escalation_grace_days", "is_active"]
    copy_view_enabled = False
    inspect_view_enabled = True


class DeliveryIndexView(IndexView):
    def get_base_queryset(self):
        return super().get_base_queryset().select_related("recipient")


class DeliveryViewSet(ModelViewSet):
    """The ledger: what was sent to whom and when; quality officers can only read it."""

    model = Delivery
    icon = "mail"
    menu_label = _("Reminders sent")
    form_fields = ["status"]
    list_display = ["title", "recipient", "kind", "reason", "due_date", "status", "attempts", "sent_at"]
    list_filter = ["status", "reason", "kind", "due_date"]
    list_export = ["title", "recipient", "kind", "reason", "cycle", "due_date", "status", "attempts", "sent_at"]
    search_fields = ["title", "recipient__username", "recipient__last_name"]
    copy_view_enabled = False
    index_view_class = DeliveryIndexView
    inspect_view_enabled = True


class SweepScheduleIndexView(IndexView):
    def get_base_queryset(self):
        return super().get_base_queryset().filter(task__startswith="qms.reminders.")


class SweepScheduleViewSet(ModelViewSet):
    """The django-celery-beat tasks of the reminders (enable, disable, pick the schedule)."""

    model = PeriodicTask
    icon = "calendar"
    menu_label = _("Sweep schedule")
    name = "reminder_schedule"
    form_fields = ["enabled", "crontab", "description"]
    list_display = ["name", "crontab", "enabled", "last_run_at"]
    copy_view_enabled = False
    index_view_class = SweepScheduleIndexView


class SweepTimeViewSet(ModelViewSet):
    model = CrontabSchedule
    icon = "time"
    menu_label = _("Sweep times")
    name = "reminder_crontab"
    form_fields = ["minute", "hour", "day_of_week", "day_of_month", "month_of_year", "timezone"]
    list_display = ["__str__", "timezone"]
    copy_view_enabled = False


class RemindersGroup(ViewSetGroup):
    menu_label = _("Reminders")
    menu_icon = "mail"
    menu_order = 400
    items = (LeadTimeViewSet, DeliveryViewSet, SweepScheduleViewSet, SweepTimeViewSet)


@hooks.register("register_admin_viewset")
def register_reminders_viewsets():
    return RemindersGroup()


@hooks.register("construct_homepage_panels")
def add_due_for_you_panel(request, panels):
    panels.insert(0, DueForYouPanel())
