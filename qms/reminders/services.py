"""The sweep and the delivery of digests (ISO 9001 7.5.2, 9.2, 10.2: what is due must not be forgotten).

Reliability, in the order things happen:

1. Claim: every reminder due now is inserted into the ledger (`Delivery`, status
   pending) by one `INSERT ... ON CONFLICT DO NOTHING` executed for every row;
   the unique constraint on (item, cycle, recipient, kind) makes a repeated,
   concurrent or crashed-and-restarted sweep claim nothing twice.
2. Deliver: per recipient, inside one transaction, the pending rows are locked
   (the person first, with an advisory lock, then the rows, with
   `select_for_update(skip_locked=True)`: a concurrent run skips the person),
   re-checked (person still active, item still open, still due, still theirs:
   what no longer applies is withdrawn), one digest is sent, and the rows are
   marked sent only after the mail backend accepted it. A failure is that
   person's alone: their rows stay pending with their own back-off
   (`next_attempt_at`), or end undeliverable after a bounded number of attempts;
   the others are sent in the same run. A worker killed mid-send rolls the
   transaction back, so the rows stay pending.
3. Recover: the delivery run (its own beat schedule, every few minutes) sends
   whatever is pending and ready, so nothing waits for the next daily sweep or
   for a retry task a broker outage may have lost.

The only window left: a crash after the mail server accepted a digest and
before the commit (milliseconds); then that digest may be sent again: SMTP
offers no way to make a send and a database commit one atomic step.

Queries do not depend on the number of items: one per provider (streamed), one
for the people, one for the units, one for the quality officers, one INSERT
statement for all the claimed reminders; per delivery run one per provider to
re-check the items, then four per digest (three on SQLite, which takes no advisory lock).
"""

import datetime
import logging
import pickle
import smtplib
import tempfile
from dataclasses import dataclass, field
from itertools import islice

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import get_connection
from django.db import connection, transaction
from django.db.models import F, Max, Min, Q
from django.db.models.constants import OnConflict
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qms.core import roles
from qms.core.models import OrganisationUnit
from qms.core.records import QmsError, save_with_history

from . import registry
from .digest import build_digest
from .models import Delivery, LeadTime, parse_days_before
from .rules import COMING_UP, ESCALATION, Lead, escalation_cycle, owner_cycle

logger = logging.getLogger(__name__)

CLAIM_BATCH = 1000
# A mail server that cannot be reached at all (connection refused, timeouts, it refuses
# our sender or log-in) is not one person's failure: after this many in a row the run
# stops instead of spending a timeout on every person; the delivery run retries soon.
# A refusal of one address never counts here. Such a failure never counts toward a
# person's attempts either (see _fail), and each run starts with whoever has waited
# longest, so an outage neither gives anyone up nor keeps retrying the same few people.
MAX_CONSECUTIVE_FAILURES = 3


class ReminderError(QmsError):
    """A reminder operation was refused; the message is meant for people."""


@dataclass
class SweepResult:
    as_of: datetime.date
    dry_run: bool
    reminders: int = 0  # newly claimed (or, in a dry run, that would be claimed)
    digests_sent: int = 0
    digests_retried: int = 0  # digests that failed temporarily, left pending with a back-off
    undeliverable: int = 0  # reminders
    withdrawn: int = 0  # reminders
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


def _release_moment(day):
    """The daily sweep's moment on `day` (aware): weekly readers' held reminders go out from then."""
    from .schedule import sweep_time  # schedule imports the tasks, which import this module

    hour, minute = sweep_time()
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def _weekly_release(as_of):
    """None on the weekly day; otherwise the next weekly day's sweep moment."""
    ahead = (getattr(settings, "QMS_REMINDERS_WEEKLY_DAY", 0) - as_of.weekday()) % 7
    return None if ahead == 0 else _release_moment(as_of + datetime.timedelta(days=ahead))


def _reachable_people():
    """Active people with an e-mail address -> whether they chose weekly digests (one query)."""
    weekly = get_user_model().DigestFrequency.WEEKLY
    people = get_user_model().objects.filter(is_active=True).exclude(email="")
    return {pk: frequency == weekly for pk, frequency in people.values_list("pk", "digest_frequency").iterator()}


def _candidates(as_of, *, leads, people):
    """Every reminder due on `as_of`, as unsaved ledger rows, streamed."""
    managers = dict(OrganisationUnit.objects.filter(manager__isnull=False).values_list("pk", "manager_id"))
    officers = set(roles.active_member_ids(roles.QUALITY_OFFICERS))
    weekly_release = _weekly_release(as_of)
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
                "unit_id": item.unit_id,
                # Providers list the responsible person first (owner, lead auditor).
                "owner_id": item.recipient_ids[0] if item.recipient_ids else None,
                "owner_others": max(len(item.recipient_ids) - 1, 0),
            }
            direct = set(item.recipient_ids)
            for recipient_id in direct:
                if recipient_id not in people:
                    continue
                # Weekly people get items not yet overdue on their weekly day; they are claimed
                # every day all the same (held until then), so a skipped weekly-day sweep loses
                # none. Overdue reminders go out whatever they chose.
                held = weekly_release if reason == COMING_UP and people[recipient_id] else None
                yield Delivery(recipient_id=recipient_id, reason=reason, cycle=cycle, deliver_from=held, **common)
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
    """Insert every candidate into the ledger, skipping those already there; returns how many were new.

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
    offered = claimed = 0
    with tempfile.TemporaryFile() as spool:
        for batch in _batches(candidates, CLAIM_BATCH):
            rows = [[f.get_db_prep_save(f.pre_save(row, True), connection) for f in fields] for row in batch]
            pickle.dump(rows, spool, protocol=pickle.HIGHEST_PROTOCOL)
            offered += len(rows)
        if offered:
            spool.seek(0)
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.executemany(sql, _unspool(spool))
                # psycopg 3 and sqlite3 sum executemany's row counts; a conflict inserts nothing.
                claimed = max(cursor.rowcount, 0)
    return claimed


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
    # Held weekly reminders are released as of this sweep's day, not the clock: a sweep run
    # for a past or future day (catch-up, --as-of) behaves as it would have on that day.
    delivered = reminders_deliver_pending(today=as_of, release_at=_release_moment(as_of))
    result.digests_sent, result.digests_retried = delivered.sent, delivered.retried
    result.undeliverable, result.withdrawn = delivered.undeliverable, delivered.withdrawn
    return result


@dataclass
class DeliveryResult:
    sent: int = 0  # digests
    retried: int = 0  # digests that failed temporarily: pending, with a back-off
    undeliverable: int = 0  # reminders given up on
    withdrawn: int = 0  # reminders that no longer applied
    retry_in: int | None = None  # seconds until the earliest back-off ends


def _ready(now, release_at):
    return (
        Q(status=Delivery.Status.PENDING)
        & (Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
        & (Q(deliver_from__isnull=True) | Q(deliver_from__lte=release_at))
    )


def retry_delay(attempts):
    """Seconds before attempt `attempts` + 1: doubling from the base, capped.

    The cap stays under the broker's visibility timeout, beyond which a delayed
    retry task would be delivered twice (DESIGN.md section 6).
    """
    base = getattr(settings, "QMS_REMINDERS_RETRY_BASE_SECONDS", 60)
    cap = getattr(settings, "QMS_REMINDERS_RETRY_MAX_SECONDS", 3000)
    return min(base * 2 ** max(attempts - 1, 0), cap)


PERMANENT, TEMPORARY, SERVER = "permanent", "temporary", "server"


def classify_failure(error):
    """How a failed send is handled: PERMANENT (this address or message is refused: 5xx),
    SERVER (the mail server as a whole is unreachable or refuses us), or TEMPORARY.

    A 5xx for the recipient (RCPT) or the message (DATA) is about this person and is
    given up after QMS_REMINDERS_MAX_ATTEMPTS; 4xx, connection errors and timeouts may
    pass and are retried with back-off. A refused sender or log-in is the server's
    configuration, not the person's address, so it is never counted as permanent.
    """
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _message in error.recipients.values()]
        return PERMANENT if codes and all(500 <= code < 600 for code in codes) else TEMPORARY
    if isinstance(error, smtplib.SMTPDataError):
        return PERMANENT if 500 <= error.smtp_code < 600 else TEMPORARY
    if isinstance(error, (smtplib.SMTPSenderRefused, smtplib.SMTPAuthenticationError, smtplib.SMTPHeloError)):
        return SERVER
    if isinstance(error, (smtplib.SMTPServerDisconnected, smtplib.SMTPConnectError)):
        return SERVER
    if isinstance(error, smtplib.SMTPException):
        return TEMPORARY
    if isinstance(error, OSError):  # connection refused or reset, timeouts, name resolution
        return SERVER
    return TEMPORARY


def _max_attempts(kind):
    if kind == PERMANENT:
        return getattr(settings, "QMS_REMINDERS_MAX_ATTEMPTS", 3)
    return getattr(settings, "QMS_REMINDERS_MAX_TEMPORARY_ATTEMPTS", 20)


def _still_due(ready):
    """{kind: (until, {(content_type_id, object_id): DueItem}) or None}: the ready rows' items, as now.

    One query for the kinds, then one streamed query per kind, whatever the number of rows.
    None for a kind means "cannot tell" (provider gone or failing): its rows are sent as claimed.
    """
    found = {}
    leads = lead_times()
    for kind, until in (
        Delivery.objects.filter(ready)
        .order_by()
        .values_list("kind")
        .annotate(until=Max("due_date"))
        .values_list("kind", "until")
    ):
        provider = registry.get(kind)
        if provider is None or not leads[kind].is_active:
            found[kind] = None
            continue
        items = registry.open_items(provider, until=until)
        found[kind] = None if items is None else (until, items)
    return found


def _withdrawal(row, still_due, *, checked_at):
    """Why `row` no longer applies (a Delivery.Outcome), or None.

    `still_due` was read at `checked_at`. A row claimed at or after then (by a sweep running
    alongside, typically because the item was reassigned or rescheduled meanwhile) is newer
    than what was read: withdrawing it would lose it for good, since the ledger's unique key
    lets nobody claim it again. It is never withdrawn here; the caller leaves it pending.
    """
    if row.created_at >= checked_at:
        return None
    known = still_due.get(row.kind)
    # A row claimed after the check began (a sweep running alongside) may be beyond what was read.
    if known is None or row.due_date > known[0]:
        return None
    item = known[1].get((row.content_type_id, row.object_id))
    if item is None:
        return Delivery.Outcome.CLOSED
    if item.due_date != row.due_date:
        return Delivery.Outcome.RESCHEDULED
    if row.reason != Delivery.Reason.ESCALATION and row.recipient_id not in item.recipient_ids:
        return Delivery.Outcome.NOT_YOURS
    return None


def reminders_deliver_pending(*, now=None, today=None, release_at=None) -> DeliveryResult:
    """Send one digest to every person with pending reminders that are ready. Idempotent.

    Each person's delivery is independent: a refusal or an error for one is recorded on
    that person's rows and the run goes on. Only a mail server unreachable for several
    people in a row stops the run early (the delivery run comes back in a few minutes).
    """
    now = now or timezone.now()
    today = today or timezone.localdate()
    release_at = release_at or now
    ready = _ready(now, release_at)
    result = DeliveryResult()
    # Taken before the read: any row created from now on may be newer than what is read.
    checked_at = timezone.now()
    still_due = _still_due(ready)
    connection = get_connection()
    consecutive_failures = 0
    for recipient_id in _waiting_longest_first(ready):
        failure = _deliver_to(
            recipient_id,
            ready=ready,
            today=today,
            connection=connection,
            still_due=still_due,
            checked_at=checked_at,
            result=result,
        )
        consecutive_failures = consecutive_failures + 1 if failure == SERVER else 0
        if consecutive_failures >= MAX_CONSECUTIVE_FAILURES:
            logger.warning("The mail server is unreachable; the delivery run stops and comes back later")
            break
    try:
        connection.close()
    except Exception:  # noqa: S110 - closing a broken connection may fail too
        pass
    if result.retry_in is not None:
        schedule_retry(result.retry_in)
    return result


def _waiting_longest_first(ready):
    """The people with ready rows, whoever has waited longest first (one query).

    A row waits since its claim, or since its last back-off ended. Walking by id instead
    would make a run cut short by an unreachable server retry the same lowest ids every
    time and never reach the others; this way each run goes on where the last one stopped.
    The ids are read once (one integer per person, not per reminder): a person handled in
    this run, or skipped because a concurrent run holds their rows, is not visited twice.
    """
    return list(
        Delivery.objects.filter(ready)
        .values("recipient_id")
        .annotate(waiting_since=Min(Coalesce("next_attempt_at", "created_at")))
        .order_by("waiting_since", "recipient_id")
        .values_list("recipient_id", flat=True)
    )


def _close_rows(rows, *, status, outcome, error=""):
    Delivery.objects.filter(pk__in=[row.pk for row in rows]).update(
        status=status, outcome=outcome, last_error=error, closed_at=timezone.now(), next_attempt_at=None
    )


# The advisory locks' first key, so that ours never collide with another application's on the same
# database (ISO 9001: the standard's number; any constant would do).
PERSON_LOCK_SPACE = 9001


def lock_person(recipient_id):
    """Lock one person's digest until the end of the transaction; False if another run holds it.

    Row locks alone do not make a digest whole: two runs scanning one person's rows at the same
    moment each lock some of them (`skip_locked`) and each send a digest. PostgreSQL's advisory
    lock is on the person, not on rows, and taken before the rows are read. SQLite needs none: an
    IMMEDIATE transaction (qms/env.py) already holds the database's one write lock.
    """
    if connection.vendor != "postgresql":
        return True
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_xact_lock(%s, %s)", [PERSON_LOCK_SPACE, recipient_id])
        return cursor.fetchone()[0]


def _deliver_to(recipient_id, *, ready, today, connection, still_due, checked_at, result):
    """One digest for one person, recorded in `result`; returns the failure's class, or None."""
    with transaction.atomic():
        if not lock_person(recipient_id):
            return None  # a concurrent run is sending this person's digest
        rows = list(
            Delivery.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("owner", "unit")
            .filter(ready, recipient_id=recipient_id)
            .order_by("due_date", "pk")
        )
        if not rows:
            return None  # sent meanwhile, or being sent by a concurrent run
        recipient = get_user_model().objects.get(pk=recipient_id)
        if not recipient.is_active:
            _close_rows(rows, status=Delivery.Status.WITHDRAWN, outcome=Delivery.Outcome.INACTIVE)
            result.withdrawn += len(rows)
            return None
        withdrawn, keep = {}, []
        for row in rows:
            if row.created_at >= checked_at:
                # Claimed after this run read the items: left pending, untouched, so the next
                # run checks it against a fresh read before sending it (or withdrawing it).
                continue
            outcome = _withdrawal(row, still_due, checked_at=checked_at)
            if outcome:
                withdrawn.setdefault(outcome, []).append(row)
            else:
                keep.append(row)
        for outcome, gone in withdrawn.items():  # one UPDATE per reason, never one per row
            _close_rows(gone, status=Delivery.Status.WITHDRAWN, outcome=outcome)
            result.withdrawn += len(gone)
        rows = keep
        if not rows:
            return None
        if not recipient.email:
            error = "the person has no e-mail address"
            _fail(rows, kind=PERMANENT, outcome=Delivery.Outcome.NO_ADDRESS, error=error, result=result)
            return PERMANENT
        try:
            message = build_digest(recipient, rows, connection=connection, today=today)
            accepted = message.send()
            if accepted != 1:
                raise RuntimeError("the mail backend did not accept the digest")
        except Exception as error:  # any failure is this digest's: recorded, and the run goes on
            try:
                connection.close()  # the next digest reopens a fresh connection
            except Exception:  # noqa: S110 - closing a broken connection may fail too
                pass
            kind = classify_failure(error)
            outcome = Delivery.Outcome.REFUSED if kind == PERMANENT else Delivery.Outcome.TOO_MANY_FAILURES
            _fail(rows, kind=kind, outcome=outcome, error=f"{type(error).__name__}: {error}", result=result)
            logger.warning("Reminder digest to person %s failed (%s, %s)", recipient_id, kind, error)
            return kind
        Delivery.objects.filter(pk__in=[row.pk for row in rows]).update(
            status=Delivery.Status.SENT, sent_at=timezone.now(), last_error="", outcome=""
        )
        result.sent += 1
        return None


def _fail(rows, *, kind, outcome, error, result):
    """Count a failed attempt on each row: given up at the limit (undeliverable), else retried with back-off.

    A SERVER failure (the mail server unreachable, or refusing our sender or log-in) says
    nothing about this person's address: it only sets the back-off and is not counted, so a
    long outage makes nobody undeliverable. Only failures about this person count.
    """
    error = error[:2000]
    if kind == SERVER:
        given_up, retried, counted = [], rows, 0
    else:
        limit = _max_attempts(PERMANENT if kind == PERMANENT else TEMPORARY)
        given_up = [row for row in rows if row.attempts + 1 >= limit]
        retried = [row for row in rows if row.attempts + 1 < limit]
        counted = 1
    if given_up:
        Delivery.objects.filter(pk__in=[row.pk for row in given_up]).update(
            status=Delivery.Status.UNDELIVERABLE,
            outcome=outcome,
            attempts=F("attempts") + 1,
            next_attempt_at=None,
            last_error=error,
            closed_at=timezone.now(),
        )
        result.undeliverable += len(given_up)
        logger.warning("%s reminder(s) to person %s are undeliverable: %s", len(given_up), rows[0].recipient_id, error)
    if retried:
        delay = retry_delay(max(row.attempts for row in retried) + counted)
        Delivery.objects.filter(pk__in=[row.pk for row in retried]).update(
            attempts=F("attempts") + counted,
            next_attempt_at=timezone.now() + datetime.timedelta(seconds=delay),
            last_error=error,
        )
        result.retried += 1
        result.retry_in = delay if result.retry_in is None else min(result.retry_in, delay)


def schedule_retry(countdown):
    """Ask a worker to deliver pending reminders after the back-off; if the broker is down, the delivery run will."""
    from .tasks import deliver_pending

    try:
        deliver_pending.apply_async(countdown=countdown, retry=False)
    except Exception as error:  # broker unreachable: never let it break the caller
        logger.warning("Could not schedule the reminder retry (%s); the delivery run will catch up", error)


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
    save_with_history(locked, user=user, reason=reason, update_fields=["digest_frequency", "language"])
    user.digest_frequency, user.language = digest_frequency, language
    return locked
