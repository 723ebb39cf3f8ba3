"""The sweep and the delivery of digests (ISO 9001 7.5.2, 9.2, 10.2: what is due must not be forgotten).

Reliability, in the order things happen:

1. Claim: every reminder due now is inserted into the ledger (`Delivery`, status
   pending) by one `INSERT ... ON CONFLICT DO NOTHING` executed for every row;
   the unique constraint on (item, cycle, recipient, kind) makes a repeated,
   concurrent or crashed-and-restarted sweep claim nothing twice.
2. Deliver: per recipient, inside one transaction, the pending rows are locked
   (`select_for_update(skip_locked=True)`, so a concurrent sweep skips them), one
   digest is sent, and the rows are marked sent only after the mail backend
   accepted it. A failure leaves them pending with a back-off
   (`next_attempt_at`) and schedules the retry task; a worker killed mid-send
   rolls the transaction back, so the rows stay pending for the next run.

The only window left is a crash after the mail server accepted a digest and
before the commit (milliseconds); then that digest may be sent again: SMTP
offers no way to make a send and a database commit one atomic step.

Queries do not depend on the number of items: one per provider (streamed), one
for the people, one for the units, one for the quality officers, one INSERT
statement for all the claimed reminders, then three per digest.
"""

import datetime
import logging
import pickle
import tempfile
from dataclasses import dataclass, field
from itertools import islice

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import get_connection
from django.db import connection, transaction
from django.db.models import F, Q
from django.db.models.constants import OnConflict
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qms.core import roles
from qms.core.models import OrganisationUnit

from . import registry
from .digest import build_digest
from .models import Delivery, LeadTime, parse_days_before
from .rules import COMING_UP, ESCALATION, Lead, escalation_cycle, owner_cycle

logger = logging.getLogger(__name__)

CLAIM_BATCH = 1000
RECIPIENT_PAGE = 500
# Stop hammering a mail server that refuses everything; the retry task and the
# next sweep pick up what is left.
MAX_CONSECUTIVE_FAILURES = 3


class ReminderError(Exception):
    """A reminder operation was refused; the message is meant for people."""


@dataclass
class SweepResult:
    as_of: datetime.date
    dry_run: bool
    reminders: int = 0  # claimed (or, in a dry run, that would be claimed)
    digests_sent: int = 0
    digests_failed: int = 0
    # dry run only: recipient id -> list of Delivery (unsaved)
    planned: dict = field(default_factory=dict)


def lead_times():
    """Lead times per registered kind: the admin's LeadTime rows, else the provider's defaults (one query)."""
    saved = {row.kind: row for row in LeadTime.objects.all()}
    leads = {}
    for provider in registry.providers():
        row = saved.get(provider.kind)
        if row is None:
            leads[provider.kind] = Lead(
                steps=tuple(sorted(provider.days_before, reverse=True)),
                overdue_every_days=provider.overdue_every_days,
                escalation_grace_days=provider.escalation_grace_days,
            )
        else:
            leads[provider.kind] = Lead(
                steps=tuple(parse_days_before(row.days_before)),
                overdue_every_days=row.overdue_every_days,
                escalation_grace_days=row.escalation_grace_days,
                is_active=row.is_active,
            )
    return leads


def _weekly_digest_today(as_of):
    return as_of.weekday() == getattr(settings, "QMS_REMINDERS_WEEKLY_DAY", 0)


def _reachable_people():
    """Active people with an e-mail address -> whether they chose weekly digests (one query)."""
    weekly = get_user_model().DigestFrequency.WEEKLY
    people = get_user_model().objects.filter(is_active=True).exclude(email="")
    return {pk: frequency == weekly for pk, frequency in people.values_list("pk", "digest_frequency").iterator()}


def _candidates(as_of, *, leads, people):
    """Every reminder due on `as_of`, as unsaved ledger rows, streamed."""
    managers = dict(OrganisationUnit.objects.filter(manager__isnull=False).values_list("pk", "manager_id"))
    officers = set(
        get_user_model()
        .objects.filter(groups__name=roles.QUALITY_OFFICERS, is_active=True)
        .values_list("pk", flat=True)
    )
    weekly_today = _weekly_digest_today(as_of)
    for provider in registry.providers():
        lead = leads[provider.kind]
        if not lead.is_active:
            continue
        until = as_of + datetime.timedelta(days=lead.horizon_days)
        for item in registry.safe_items(provider, until=until):
            due = owner_cycle(due_date=item.due_date, as_of=as_of, lead=lead)
            if due is None:
                continue
            reason, cycle = due
            common = {
                "kind": provider.kind,
                "content_type_id": item.content_type_id,
                "object_id": item.object_id,
                "due_date": item.due_date,
                "title": str(item.title)[:300],
                "url": item.url[:500],
            }
            direct = set(item.recipient_ids)
            for recipient_id in direct:
                if recipient_id not in people:
                    continue
                # Weekly people get items not yet overdue on their weekly day only;
                # overdue reminders go out whatever they chose.
                if reason == COMING_UP and people[recipient_id] and not weekly_today:
                    continue
                yield Delivery(recipient_id=recipient_id, reason=reason, cycle=cycle, **common)
            escalation = escalation_cycle(due_date=item.due_date, as_of=as_of, lead=lead)
            if escalation is None:
                continue
            copies = set(officers)
            if item.unit_id in managers:
                copies.add(managers[item.unit_id])
            for recipient_id in sorted(copies - direct):
                if recipient_id in people:
                    yield Delivery(recipient_id=recipient_id, reason=ESCALATION, cycle=escalation, **common)


def _batches(iterable, size):
    iterator = iter(iterable)
    while batch := list(islice(iterator, size)):
        yield batch


def _key(row):
    return (row.content_type_id, row.object_id, row.cycle, row.recipient_id, row.kind)


def _not_yet_claimed(batch):
    """Dry run: the rows of `batch` the ledger does not hold yet (one query per batch)."""
    existing = set(
        Delivery.objects.filter(
            object_id__in={row.object_id for row in batch}, cycle__in={row.cycle for row in batch}
        ).values_list("content_type_id", "object_id", "cycle", "recipient_id", "kind")
    )
    return [row for row in batch if _key(row) not in existing]


def _claim(candidates):
    """Insert every candidate into the ledger, skipping those already there; returns how many were offered.

    One statement executed for every row (``executemany``), so the statements do not grow with the
    items, as ``bulk_create`` batches would. The candidates are spooled to a temporary file first:
    producing them reads the database, which the connection cannot do in the middle of the insert,
    and a list of 100,000 rows would not stay in bounded memory.
    """
    fields = [f for f in Delivery._meta.concrete_fields if not f.primary_key]
    ops = connection.ops
    sql = "{insert} {table} ({columns}) VALUES ({values}) {suffix}".format(
        insert=ops.insert_statement(on_conflict=OnConflict.IGNORE),
        table=ops.quote_name(Delivery._meta.db_table),
        columns=", ".join(ops.quote_name(f.column) for f in fields),
        values=", ".join(["%s"] * len(fields)),
        suffix=ops.on_conflict_suffix_sql(fields, OnConflict.IGNORE, None, None),
    )
    offered = 0
    with tempfile.TemporaryFile() as spool:
        for batch in _batches(candidates, CLAIM_BATCH):
            rows = [[f.get_db_prep_save(f.pre_save(row, True), connection) for f in fields] for row in batch]
            pickle.dump(rows, spool, protocol=pickle.HIGHEST_PROTOCOL)
            offered += len(rows)
        if offered:
            spool.seek(0)
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.executemany(sql, _unspool(spool))
    return offered


def _unspool(spool):
    while True:
        try:
            yield from pickle.load(spool)  # noqa: S301 - our own temporary file, written just above
        except EOFError:
            return


def reminders_sweep(*, as_of: datetime.date, dry_run: bool = False) -> SweepResult:
    """Claim every reminder due on `as_of` in the ledger, then send one digest per person.

    Not one atomic block on purpose: the claim and each digest commit on their own, so a crash
    loses nothing already done and the next run resumes.
    """
    result = SweepResult(as_of=as_of, dry_run=dry_run)
    leads = lead_times()
    people = _reachable_people()
    candidates = _candidates(as_of, leads=leads, people=people)
    if dry_run:
        for batch in _batches(candidates, CLAIM_BATCH):
            for row in _not_yet_claimed(batch):
                result.planned.setdefault(row.recipient_id, []).append(row)
                result.reminders += 1
        for row in Delivery.objects.filter(status=Delivery.Status.PENDING).order_by("recipient_id", "pk"):
            result.planned.setdefault(row.recipient_id, []).append(row)
        return result
    result.reminders = _claim(candidates)
    delivered = reminders_deliver_pending()
    result.digests_sent, result.digests_failed = delivered.sent, delivered.failed
    return result


@dataclass
class DeliveryResult:
    sent: int = 0
    failed: int = 0


def _ready(now):
    return Q(status=Delivery.Status.PENDING) & (Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))


def retry_delay(attempts):
    """Seconds before attempt `attempts` + 1: doubling from the base, capped.

    The cap stays under Redis's one-hour visibility timeout, beyond which a
    delayed task would be delivered twice (DESIGN.md section 6).
    """
    base = getattr(settings, "QMS_REMINDERS_RETRY_BASE_SECONDS", 60)
    cap = getattr(settings, "QMS_REMINDERS_RETRY_MAX_SECONDS", 3000)
    return min(base * 2 ** max(attempts - 1, 0), cap)


def reminders_deliver_pending(*, now=None) -> DeliveryResult:
    """Send one digest to every person with pending reminders whose back-off has passed. Idempotent."""
    now = now or timezone.now()
    result = DeliveryResult()
    connection = get_connection()
    consecutive_failures = 0
    last_recipient = 0
    while consecutive_failures < MAX_CONSECUTIVE_FAILURES:
        page = list(
            Delivery.objects.filter(_ready(now), recipient_id__gt=last_recipient)
            .order_by("recipient_id")
            .values_list("recipient_id", flat=True)
            .distinct()[:RECIPIENT_PAGE]
        )
        if not page:
            break
        for recipient_id in page:
            last_recipient = recipient_id
            outcome = _deliver_to(recipient_id, now=now, connection=connection)
            if outcome is True:
                result.sent += 1
                consecutive_failures = 0
            elif outcome is False:
                result.failed += 1
                consecutive_failures += 1
                if consecutive_failures >= MAX_CONSECUTIVE_FAILURES:
                    break
    connection.close()
    return result


def _deliver_to(recipient_id, *, now, connection):
    """One digest for one person: True sent, False failed (left pending), None nothing to send."""
    with transaction.atomic():
        rows = list(
            Delivery.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(_ready(now), recipient_id=recipient_id)
            .order_by("due_date", "pk")
        )
        if not rows:
            return None  # sent meanwhile, or being sent by a concurrent sweep
        recipient = get_user_model().objects.get(pk=recipient_id)
        ids = [row.pk for row in rows]
        try:
            message = build_digest(recipient, rows, connection=connection)
            accepted = message.send()
            if accepted != 1:
                raise RuntimeError("the mail backend did not accept the digest")
        except Exception as error:  # any backend failure: keep the rows pending, retry later
            try:
                connection.close()  # the next digest reopens a fresh connection
            except Exception:  # noqa: S110 - closing a broken connection may fail too
                pass
            attempts = max(row.attempts for row in rows) + 1
            delay = retry_delay(attempts)
            Delivery.objects.filter(pk__in=ids).update(
                attempts=F("attempts") + 1,
                next_attempt_at=timezone.now() + datetime.timedelta(seconds=delay),
                last_error=f"{type(error).__name__}: {error}"[:2000],
            )
            logger.warning("Reminder digest to person %s failed (%s); retry in %s s", recipient_id, error, delay)
            transaction.on_commit(lambda: schedule_retry(delay))
            return False
        Delivery.objects.filter(pk__in=ids).update(status=Delivery.Status.SENT, sent_at=timezone.now(), last_error="")
        return True


def schedule_retry(countdown):
    """Ask a worker to deliver pending reminders later; if the broker is down, the next sweep catches up."""
    from .tasks import deliver_pending

    try:
        deliver_pending.apply_async(countdown=countdown, retry=False)
    except Exception as error:  # broker unreachable: never let it break the caller
        logger.warning("Could not schedule the reminder retry (%s); the next sweep will catch up", error)


@transaction.atomic
def reminder_preferences_update(*, user, digest_frequency, language, reason):
    """A person's own digest frequency and e-mail language, on the record (django-simple-history)."""
    frequencies = {choice for choice, _label in get_user_model().DigestFrequency.choices}
    if digest_frequency not in frequencies:
        raise ReminderError(_("Choose daily or weekly reminders."))
    if language not in {code for code, _name in settings.LANGUAGES}:
        raise ReminderError(_("Choose a language the system offers."))
    locked = get_user_model().objects.select_for_update().get(pk=user.pk)
    if (locked.digest_frequency, locked.language) == (digest_frequency, language):
        return locked
    locked.digest_frequency = digest_frequency
    locked.language = language
    locked._change_reason = reason
    locked._history_user = user
    locked.save(update_fields=["digest_frequency", "language"])
    user.digest_frequency, user.language = digest_frequency, language
    return locked
