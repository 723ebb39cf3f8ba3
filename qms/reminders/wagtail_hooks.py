"""Admin: lead times (quality officers edit them), the ledger and its undeliverable reminders (read only,
for everyone), the sweep's schedule, the dashboard panels.

Following https://docs.wagtail.org/en/stable/extending/generic_views.html (ModelViewSet).
"""

from django.utils.translation import gettext_lazy as _
from django_celery_beat.models import CrontabSchedule, PeriodicTask
from wagtail import hooks
from wagtail.admin.views.generic import IndexView
from wagtail.admin.viewsets.model import ModelViewSet, ViewSetGroup
from wagtail.permissions import register_permission_policy

from qms.core import demo as core_demo
from qms.core import roles, site
from qms.core.admin_views import TimelineHistoryView, TimelineInspectView

from .models import Delivery, LeadTime
from .panels import DueForYouPanel, UndeliverablePanel
from .permissions import LedgerPermissionPolicy

# Registered for the model, so every view of every viewset on it (edit, delete, add) is refused.
register_permission_policy(Delivery, LedgerPermissionPolicy(Delivery), exact_class=True)


class LeadTimeViewSet(ModelViewSet):
    model = LeadTime
    icon = "time"
    menu_label = _("Lead times")
    form_fields = ["days_before", "overdue_every_days", "escalation_grace_days", "is_active"]
    list_display = ["__str__", "days_before", "overdue_every_days", "escalation_grace_days", "is_active"]
    copy_view_enabled = False
    inspect_view_enabled = True
    # Who changed a reminder's lead time, and when, is its django-simple-history: the kit's timeline.
    inspect_view_class = TimelineInspectView
    history_view_class = TimelineHistoryView


class DeliveryIndexView(IndexView):
    def get_base_queryset(self):
        return super().get_base_queryset().select_related("recipient")


class DeliveryViewSet(ModelViewSet):
    """The ledger: what was sent to whom and when; read only for everyone, superusers included."""

    model = Delivery
    icon = "mail"
    menu_label = _("Reminders sent")
    # The edit view exists in the URLconf but is refused by LedgerPermissionPolicy.
    form_fields = ["status"]
    list_display = ["title", "recipient", "kind", "reason", "due_date", "status", "outcome", "attempts", "sent_at"]
    list_filter = ["status", "reason", "outcome", "kind", "due_date"]
    list_export = [
        "title",
        "recipient",
        "kind",
        "reason",
        "cycle",
        "due_date",
        "status",
        "outcome",
        "last_error",
        "attempts",
        "sent_at",
        "closed_at",
    ]
    search_fields = ["title", "recipient__username", "recipient__last_name"]
    copy_view_enabled = False
    index_view_class = DeliveryIndexView
    inspect_view_enabled = True


class UndeliverableIndexView(IndexView):
    def get_base_queryset(self):
        return (
            super()
            .get_base_queryset()
            .filter(status=Delivery.Status.UNDELIVERABLE)
            .select_related("recipient")
            .order_by("-closed_at", "pk")
        )


class UndeliverableViewSet(ModelViewSet):
    """Reminders given up on, with the reason: a quality officer fixes the address or tells the person."""

    model = Delivery
    name = "undeliverable_reminder"
    icon = "warning"
    menu_label = _("Undeliverable reminders")
    form_fields = ["status"]
    list_display = ["title", "recipient", "kind", "due_date", "outcome", "last_error", "attempts", "closed_at"]
    list_filter = ["outcome", "kind"]
    list_export = ["title", "recipient", "kind", "reason", "due_date", "outcome", "last_error", "attempts", "closed_at"]
    search_fields = ["title", "recipient__username", "recipient__last_name", "recipient__email"]
    copy_view_enabled = False
    index_view_class = UndeliverableIndexView
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
    form_fields = ["enabled", "crontab", "interval", "description"]
    list_display = ["name", "crontab", "interval", "enabled", "last_run_at"]
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
    items = (LeadTimeViewSet, DeliveryViewSet, UndeliverableViewSet, SweepScheduleViewSet, SweepTimeViewSet)


@hooks.register("register_admin_viewset")
def register_reminders_viewsets():
    return RemindersGroup()


@hooks.register("construct_homepage_panels")
def add_due_for_you_panel(request, panels):
    panels.insert(0, DueForYouPanel())
    if request.user.has_perm("reminders.view_delivery"):
        panels.insert(0, UndeliverablePanel())


@hooks.register("qms_role_permissions")
def reminder_role_permissions():
    return [
        (
            roles.QUALITY_OFFICERS,
            [
                "reminders.view_leadtime",
                "reminders.change_leadtime",
                "reminders.view_delivery",
                "django_celery_beat.view_periodictask",
                "django_celery_beat.change_periodictask",
                "django_celery_beat.view_crontabschedule",
                "django_celery_beat.change_crontabschedule",
                "django_celery_beat.add_crontabschedule",
            ],
        )
    ]


@hooks.register("qms_home_panels")
def reminder_home_panels():
    from . import panels

    return [site.HomePanel("reminders.pending_for_you", panels.render_site_panel, order=10)]


@hooks.register("qms_demo_seeders")
def reminder_demo_seeders():
    from . import demo as reminders_demo

    return [core_demo.Seeder("reminders", reminders_demo.seed_demo, order=40)]
