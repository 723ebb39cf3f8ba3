"""One digest e-mail per person: their reminders grouped, in their language, HTML and text (ISO 9001 10.2).

A digest must be easy to act on: a summary line at the top, days overdue per item, and
escalations grouped by unit with whose item each is."""

from collections import Counter, OrderedDict

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
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


def _one_per_item(rows):
    """A weekly digest may hold several steps of one item (claimed on different days): show it once."""
    latest = {}
    for row in rows:
        key = (row.kind, row.content_type_id, row.object_id, row.reason)
        if key not in latest or (row.pk or 0) > (latest[key].pk or 0):
            latest[key] = row
    return list(latest.values())


def _owner_label(row):
    """ "owner: Hoàng Thị Mai", or "... and 11 others" when the item has several recipients."""
    if not row.owner_id or row.owner is None:
        return ""
    if not row.owner_others:
        return gettext("owner: %(name)s") % {"name": row.owner}
    return ngettext("owner: %(name)s and %(count)d other", "owner: %(name)s and %(count)d others", row.owner_others) % {
        "name": row.owner,
        "count": row.owner_others,
    }


def _unit_label(unit):
    return unit.name if unit is not None else gettext("No unit")


def digest_sections(rows, *, today=None):
    """[{reason, label, groups: [{label, items: [row...]}]}], overdue first.

    Overdue and coming-up items are grouped by kind; escalated ones by unit (a manager or a
    quality officer acts per unit), each with its kind and owner. Every item knows how many
    days overdue it is (`days_overdue`, 0 when not overdue).
    """
    today = today or timezone.localdate()
    sections = OrderedDict((reason, OrderedDict()) for reason in SECTION_ORDER)
    for row in sorted(_one_per_item(rows), key=lambda row: (row.due_date, row.title)):
        row.link = absolute_url(row.url)
        row.days_overdue = max((today - row.due_date).days, 0)
        row.kind_label = registry.kind_label(row.kind)
        if row.reason == Delivery.Reason.ESCALATION:
            row.owner_label = _owner_label(row)
            group = (_unit_label(row.unit), row.unit_id or 0)
        else:
            group = (registry.kind_label(row.kind), row.kind)
        sections[row.reason].setdefault(group, []).append(row)
    labels = dict(Delivery.Reason.choices)
    section_titles = {
        Delivery.Reason.OVERDUE: gettext("Overdue"),
        Delivery.Reason.ESCALATION: gettext("Overdue in your remit (escalated to you)"),
        Delivery.Reason.COMING_UP: gettext("Coming up"),
    }
    ordered = {}
    for reason, groups in sections.items():
        pairs = groups.items()
        if reason == Delivery.Reason.ESCALATION:  # the unit with most overdue items first
            pairs = sorted(pairs, key=lambda pair: (-len(pair[1]), str(pair[0][0])))
        ordered[reason] = [{"label": label, "items": items} for (label, _key), items in pairs]
    return [
        {"reason": reason, "label": section_titles.get(reason, labels[reason]), "groups": groups}
        for reason, groups in ordered.items()
        if groups
    ]


def digest_summary(sections):
    """The line at the top: "12 overdue in 3 units: A (5), B (4), C (3); 4 coming up"."""
    items = [(s["reason"], item) for s in sections for group in s["groups"] for item in group["items"]]
    overdue = [item for reason, item in items if reason != Delivery.Reason.COMING_UP]
    coming = sum(1 for reason, _item in items if reason == Delivery.Reason.COMING_UP)
    parts = []
    if overdue:
        units = {item.unit_id for item in overdue if item.unit_id}
        if units:
            # Items without a unit are listed too, so that the counts add up to the total.
            per_unit = Counter((item.unit_id is None, _unit_label(item.unit)) for item in overdue)
            ranked = sorted(per_unit.items(), key=lambda pair: (pair[0][0], -pair[1], pair[0][1]))  # "no unit" last
            listed = ", ".join(f"{name} ({count})" for (_none, name), count in ranked)
            parts.append(
                ngettext(
                    "%(count)d overdue in %(units)d unit: %(list)s",
                    "%(count)d overdue in %(units)d units: %(list)s",
                    len(units),
                )
                % {"count": len(overdue), "units": len(units), "list": listed}
            )
        else:
            parts.append(gettext("%(count)d overdue") % {"count": len(overdue)})
    if coming:
        parts.append(gettext("%(count)d coming up") % {"count": coming})
    return "; ".join(parts)


def build_digest(recipient, rows, *, connection=None, today=None):
    rows = _one_per_item(rows)
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
        sections = digest_sections(rows, today=today)
        context = {
            "recipient": recipient,
            "summary": digest_summary(sections),
            "sections": sections,
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
