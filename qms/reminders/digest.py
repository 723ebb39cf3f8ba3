"""One digest e-mail per person: their reminders grouped, in their language, HTML and text."""

from collections import OrderedDict

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import translation
from django.utils.translation import gettext, ngettext

from . import registry
from .models import Delivery

SECTION_ORDER = [Delivery.Reason.OVERDUE, Delivery.Reason.ESCALATION, Delivery.Reason.COMING_UP]


def absolute_url(path):
    if not path or path.startswith(("http://", "https://")):
        return path
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + path


def preferences_url():
    try:
        return absolute_url(reverse("reminders:preferences"))
    except NoReverseMatch:  # the reminders URLs are not included in this URLconf
        return ""


def digest_sections(rows):
    """[{reason, label, groups: [{label, items: [row...]}]}], overdue first, each group by kind."""
    sections = OrderedDict((reason, OrderedDict()) for reason in SECTION_ORDER)
    for row in sorted(rows, key=lambda row: (row.due_date, row.title)):
        row.link = absolute_url(row.url)
        sections[row.reason].setdefault(row.kind, []).append(row)
    labels = dict(Delivery.Reason.choices)
    section_titles = {
        Delivery.Reason.OVERDUE: gettext("Overdue"),
        Delivery.Reason.ESCALATION: gettext("Overdue in your remit (escalated to you)"),
        Delivery.Reason.COMING_UP: gettext("Coming up"),
    }
    return [
        {
            "reason": reason,
            "label": section_titles.get(reason, labels[reason]),
            "groups": [{"label": registry.kind_label(kind), "items": items} for kind, items in groups.items()],
        }
        for reason, groups in sections.items()
        if groups
    ]


def build_digest(recipient, rows, *, connection=None):
    with translation.override(recipient.language or settings.LANGUAGE_CODE):
        overdue = sum(1 for row in rows if row.reason != Delivery.Reason.COMING_UP)
        if overdue:
            subject = ngettext(
                "[QMS] %(count)d reminder, %(overdue)d overdue",
                "[QMS] %(count)d reminders, %(overdue)d overdue",
                len(rows),
            ) % {"count": len(rows), "overdue": overdue}
        else:
            subject = ngettext("[QMS] %(count)d reminder", "[QMS] %(count)d reminders", len(rows)) % {
                "count": len(rows)
            }
        context = {
            "recipient": recipient,
            "sections": digest_sections(rows),
            "preferences_url": preferences_url(),
            "site_url": settings.WAGTAILADMIN_BASE_URL,
            "weekly": recipient.digest_frequency == recipient.DigestFrequency.WEEKLY,
        }
        text = render_to_string("reminders/email/digest.txt", context)
        html = render_to_string("reminders/email/digest.html", context)
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        to=[recipient.email],
        connection=connection,
        headers={"Auto-Submitted": "auto-generated"},
    )
    message.attach_alternative(html, "text/html")
    return message
