"""Every change to citizens' feedback and satisfaction responses (ISO 9001 8.2.1 c), 9.1.2, 10.2).

The flow (Nghị định 20/2008/NĐ-CP on receiving and handling feedback and petitions on administrative
regulations): received (from the public form, or recorded by staff with its channel) → classified
(kind, procedure, unit, whether it concerns a regulation) → assigned (unit, handler, due date) →
answer awaiting approval → answered (approved by an approver who did not write it, sent by e-mail) →
closed; or rejected with a reason. A substantiated complaint raises one nonconformity (10.2.1), linked
both ways; closing the feedback waits for the answer, not for the nonconformity.

Each function is keyword-only and atomic, locks the row it changes, checks the version the caller's
form was loaded with (a stale copy gets `ConflictError`), checks who may do it (`NotPermitted`) and
whether the state allows it (`TransitionNotAllowed`, leaving the record as it was), and saves through
`save_with_history` (who and why).
"""

import datetime
import hashlib
import hmac
import logging
import time

from django.conf import settings
from django.core.cache import cache
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from qms.core import records
from qms.core.records import ConflictError, NotPermitted, QmsError, local_day, save_with_history
from qms.nonconformities import services as nonconformity_services
from qms.nonconformities.models import Nonconformity

from . import rules, selectors
from .models import CONTACT_FIELDS, Feedback, FeedbackMessage, SurveyQuestion, SurveyResponse

logger = logging.getLogger(__name__)
S = Feedback.Status

__all__ = ["ConflictError", "NotPermitted", "QmsError"]


class FeedbackError(QmsError):
    """A change to feedback that the rules refuse."""


class TransitionNotAllowed(FeedbackError):
    default_message = gettext_lazy("This status change is not allowed.")


class InvalidInput(FeedbackError):
    default_message = gettext_lazy("Some information is missing or wrong.")


class TooMany(FeedbackError):
    default_message = gettext_lazy(
        "Too many messages were sent from your address in a short time. Please try again later."
    )


class TooManyLookups(FeedbackError):
    default_message = gettext_lazy(
        "Too many look-ups that matched nothing were made from your network address. Please try again later."
    )


# --- settings, each with the default the regulation or practice gives ---------------------------------


def answer_working_days():
    """Working days to answer (QMS_FEEDBACK_ANSWER_WORKING_DAYS): 10 by default, the time limit
    Nghị định 20/2008/NĐ-CP gives an agency to handle feedback and petitions once received."""
    return int(getattr(settings, "QMS_FEEDBACK_ANSWER_WORKING_DAYS", 10))


def contact_retention_days():
    """Days after closing (or rejecting) that the citizen's contact details are kept
    (QMS_FEEDBACK_CONTACT_RETENTION_DAYS, default two years: long enough for a follow-up complaint or an
    audit of the answer, no longer)."""
    return int(getattr(settings, "QMS_FEEDBACK_CONTACT_RETENTION_DAYS", 730))


def rate_limit():
    """(count, minutes): at most `count` feedback or survey responses per sender address in `minutes`."""
    return (
        int(getattr(settings, "QMS_FEEDBACK_RATE_LIMIT", 5)),
        int(getattr(settings, "QMS_FEEDBACK_RATE_WINDOW_MINUTES", 60)),
    )


def lookup_limit():
    """At most QMS_FEEDBACK_LOOKUP_LIMIT (10) status look-ups matching nothing per sender address in an hour."""
    return int(getattr(settings, "QMS_FEEDBACK_LOOKUP_LIMIT", 10))


def add_working_days(day, days):
    """`day` plus `days` working days, Monday to Friday.

    Hand-written because public holidays are not known to the product yet: administrative procedures
    (issue 19) bring the `holidays` calendar of Vietnam; until then a holiday counts as a working day,
    so a due date is never later than the regulation's.
    """
    while days > 0:
        day += datetime.timedelta(days=1)
        if day.weekday() < 5:
            days -= 1
    return day


def default_due_date(received_at):
    return add_working_days(local_day(received_at), answer_working_days())


def sender_key(address):
    """An HMAC of the sender's address: counts their messages without keeping the address."""
    if not address:
        return ""
    return hmac.new(settings.SECRET_KEY.encode(), str(address).encode(), hashlib.sha256).hexdigest()


# --- helpers ----------------------------------------------------------------------------------------


def _clean(text):
    return (text or "").strip()


def _save(feedback, user, reason):
    feedback.version += 1
    save_with_history(feedback, user=user, reason=reason)


def _lock(feedback, version=None):
    locked = Feedback.objects.select_for_update().get(pk=feedback.pk)
    if version not in (None, ""):
        try:
            expected = int(version)
        except (TypeError, ValueError):
            raise InvalidInput() from None
        if expected != locked.version:
            raise ConflictError()
    return locked


def _move(feedback, target, user, reason):
    source = feedback.status
    feedback.status = target
    feedback.status_changed_at = timezone.now()
    default = _("Status: %(from)s → %(to)s") % {"from": S(source).label, "to": S(target).label}
    _save(feedback, user, _clean(reason) or default)


def reference_next(year):
    """The next reference of `year` (PAKN-2026-0001...)."""
    return records.next_reference(series="PAKN", year=year)


def _check_content(kind, text, email):
    if kind not in Feedback.Kind.values:
        raise InvalidInput(_("Choose the kind of feedback."))
    if not _clean(text):
        raise InvalidInput(_("Write your feedback."))
    if email:
        from django.core.exceptions import ValidationError
        from django.core.validators import validate_email

        try:
            validate_email(email)
        except ValidationError:
            raise InvalidInput(_("The e-mail address is not valid.")) from None


def _check_rate(key):
    if not key:
        return
    count, minutes = rate_limit()
    since = timezone.now() - datetime.timedelta(minutes=minutes)
    recent = Feedback.objects.filter(sender_key=key, received_at__gte=since).count()
    recent += SurveyResponse.objects.filter(sender_key=key, responded_at__gte=since).count()
    if recent >= count:
        raise TooMany()


def _unit_of_page(page):
    """The unit that owns a process document, read without importing the documents app (it sits above)."""
    if page is None:
        return None
    specific = page.specific
    return getattr(specific, "unit", None)


# --- receiving --------------------------------------------------------------------------------------


def status_lookup(*, reference, contact, sender_address):
    """The feedback a citizen follows by its reference and contact (`selectors.public_status`), or None.

    A reference is guessable and a phone number is ten digits: the look-ups of one address that match
    nothing are counted, and past the limit every look-up of that address is refused (`TooManyLookups`)
    until the hour is over. The count is the cache's, per fixed hour as django-ratelimit keeps it (that
    package's checks refuse both our caches, the file cache and Django's Redis cache). A look-up takes its
    count before it looks (undone on a match), so a burst of parallel guesses gets no more than the limit
    on Redis, whose increment is atomic. The file cache of a single machine counts without that guarantee
    (parallel guesses may slip past) and may evict the count when full: there the limit slows a guesser
    down; Redis (`CACHE_URL`) makes it hold.
    """
    if not sender_address:
        return selectors.public_status(reference, contact)
    window = 3600
    key = f"qms:feedback-lookup-misses:{sender_key(sender_address)}:{int(time.time() // window)}"
    cache.add(key, 0, timeout=window)
    try:
        taken = cache.incr(key)
    except ValueError:  # expired between the two calls: a new hour
        cache.set(key, taken := 1, timeout=window)
    cache.touch(key, timeout=window)  # the file cache's increment rewrites the entry with the default expiry
    if taken > lookup_limit():
        raise TooManyLookups()
    found = selectors.public_status(reference, contact)
    if found is not None:
        try:
            cache.decr(key)  # a match is not a guess
        except ValueError:  # the count was evicted meanwhile: nothing to give back
            pass
    return found


@transaction.atomic
def feedback_receive(
    *,
    kind,
    text,
    name="",
    email="",
    phone="",
    page=None,
    attachment=None,
    sender_address="",
    language=None,
    channel=Feedback.Channel.WEB,
    user=None,
    received_at=None,
    unit=None,
    reason="",
    acknowledge=True,
) -> Feedback:
    """Receive feedback: from the public form (anonymous, `sender_address` counted against the rate limit),
    or recorded by staff (`user`) with the channel it came by (phone, letter, one-stop desk...).

    The citizen may leave no contact at all (anonymous feedback). With an e-mail, an acknowledgement
    with the reference is sent (ISO 9001 8.2.1 c: customer communication on feedback and complaints).
    """
    if channel not in Feedback.Channel.values:
        raise InvalidInput(_("Unknown channel."))
    if user is not None and not user.has_perm("feedback.record_feedback"):
        raise NotPermitted()
    if user is None and channel != Feedback.Channel.WEB:
        raise NotPermitted()
    email = _clean(email).lower()
    _check_content(kind, text, email)
    key = sender_key(sender_address)
    _check_rate(key)
    received_at = received_at or timezone.now()
    feedback = Feedback(
        reference=reference_next(timezone.localtime(received_at).year),
        kind=kind,
        channel=channel,
        text=_clean(text),
        name=_clean(name)[:200],
        email=email,
        phone=_clean(phone)[:40],
        page=page,
        unit=unit or _unit_of_page(page),
        language=(language or translation.get_language() or settings.LANGUAGE_CODE)[:8],
        sender_key=key,
        received_at=received_at,
        received_by=user if getattr(user, "is_authenticated", False) else None,
        status=S.RECEIVED,
        status_changed_at=received_at,
        due_date=default_due_date(received_at),
    )
    if attachment is not None:
        feedback.attachment = attachment
        feedback.attachment_name = getattr(attachment, "name", "")[:255]
    if not reason:
        reason = (
            _("Received from the public feedback form")
            if channel == Feedback.Channel.WEB
            else _("Recorded: received by %(channel)s") % {"channel": feedback.get_channel_display()}
        )
    save_with_history(feedback, user=user, reason=reason)
    if feedback.email and acknowledge:
        _queue_message(feedback, FeedbackMessage.Kind.ACKNOWLEDGEMENT)
    return feedback


# --- the register's transitions ----------------------------------------------------------------------


@transaction.atomic
def feedback_classify(
    *, feedback, user, kind, page=None, unit=None, concerns_regulation=False, version=None, reason=""
) -> Feedback:
    """Classify: kind, procedure, handling unit, whether it concerns an administrative regulation."""
    feedback = _lock(feedback, version)
    if not user.has_perm("feedback.classify_feedback", feedback):
        raise NotPermitted()
    if feedback.status not in (S.RECEIVED, S.CLASSIFIED, S.ASSIGNED):
        raise TransitionNotAllowed(_("Feedback can be classified only before it is answered."))
    if kind not in Feedback.Kind.values:
        raise InvalidInput(_("Choose the kind of feedback."))
    feedback.kind = kind
    feedback.page = page
    feedback.unit = unit or feedback.unit or _unit_of_page(page)
    feedback.concerns_regulation = bool(concerns_regulation)
    if feedback.status == S.RECEIVED:
        feedback.status = S.CLASSIFIED
        feedback.status_changed_at = timezone.now()
    _save(feedback, user, _clean(reason) or _("Classified"))
    return feedback


@transaction.atomic
def feedback_assign(*, feedback, user, unit, handler, due_date=None, version=None, reason="") -> Feedback:
    """Assign to a unit and a handler with a due date (by default the regulation's, counted from receipt)."""
    feedback = _lock(feedback, version)
    if not user.has_perm("feedback.assign_feedback", feedback):
        raise NotPermitted()
    if feedback.status not in (S.RECEIVED, S.CLASSIFIED, S.ASSIGNED):
        raise TransitionNotAllowed(_("Feedback can be assigned only before its answer is submitted."))
    if unit is None or handler is None:
        raise InvalidInput(_("Choose the unit and the handler."))
    if not handler.is_active:
        raise InvalidInput(_("The handler's account is not active."))
    feedback.unit = unit
    feedback.handler = handler
    feedback.due_date = due_date or feedback.due_date or default_due_date(feedback.received_at)
    feedback.status = S.ASSIGNED
    feedback.status_changed_at = timezone.now()
    _save(
        feedback,
        user,
        _clean(reason)
        or _("Assigned to %(handler)s (%(unit)s), due %(due)s")
        % {"handler": handler, "unit": unit.code, "due": feedback.due_date.isoformat()},
    )
    return feedback


@transaction.atomic
def feedback_answer(*, feedback, user, answer, substantiated=None, version=None, reason="") -> Feedback:
    """The handler writes the answer and submits it for approval."""
    feedback = _lock(feedback, version)
    if not user.has_perm("feedback.answer_feedback", feedback):
        raise NotPermitted()
    if feedback.status != S.ASSIGNED:
        raise TransitionNotAllowed(_("Only assigned feedback can be answered."))
    if not _clean(answer):
        raise InvalidInput(_("Write the answer."))
    feedback.answer = _clean(answer)
    feedback.answered_by = user
    if substantiated is not None:
        feedback.substantiated = bool(substantiated)
    _move(feedback, S.AWAITING_APPROVAL, user, reason or _("Answer submitted for approval"))
    return feedback


@transaction.atomic
def feedback_return_answer(*, feedback, user, reason, version=None) -> Feedback:
    """The approver sends the answer back to the handler, saying why."""
    feedback = _lock(feedback, version)
    if not rules.may_approve_answer(user, feedback):
        raise NotPermitted(_("An approver who did not write the answer decides on it."))
    if feedback.status != S.AWAITING_APPROVAL:
        raise TransitionNotAllowed(_("No answer awaits approval."))
    if not _clean(reason):
        raise InvalidInput(_("Say what the answer needs."))
    _move(feedback, S.ASSIGNED, user, _("Answer returned: %(reason)s") % {"reason": _clean(reason)})
    return feedback


@transaction.atomic
def feedback_approve_answer(*, feedback, user, version=None, reason="") -> Feedback:
    """Approve the answer (an approver who did not write it) and send it to the citizen by e-mail."""
    feedback = _lock(feedback, version)
    if not rules.may_approve_answer(user, feedback):
        if feedback.answered_by_id == getattr(user, "pk", None):
            raise NotPermitted(_("The person who wrote the answer cannot approve it; another approver must."))
        raise NotPermitted()
    if feedback.status != S.AWAITING_APPROVAL:
        raise TransitionNotAllowed(_("No answer awaits approval."))
    feedback.answer_approved_by = user
    feedback.answer_approved_at = timezone.now()
    _move(feedback, S.ANSWERED, user, reason or _("Answer approved"))
    if feedback.email:
        _queue_message(feedback, FeedbackMessage.Kind.ANSWER)
    return feedback


@transaction.atomic
def feedback_close(*, feedback, user, version=None, reason="") -> Feedback:
    """Close answered feedback. A nonconformity it raised follows its own course (10.2) and does not hold it open."""
    feedback = _lock(feedback, version)
    if not user.has_perm("feedback.close_feedback", feedback):
        raise NotPermitted()
    if feedback.status != S.ANSWERED:
        raise TransitionNotAllowed(_("Feedback can be closed only once it is answered."))
    feedback.closed_at, feedback.closed_by = timezone.now(), user
    _move(feedback, S.CLOSED, user, reason or _("Closed"))
    return feedback


@transaction.atomic
def feedback_reject(*, feedback, user, reason, version=None) -> Feedback:
    """Reject feedback that is not for this agency to handle (spam, out of scope, a duplicate), with the reason."""
    feedback = _lock(feedback, version)
    if not user.has_perm("feedback.reject_feedback", feedback):
        raise NotPermitted()
    if feedback.status not in (S.RECEIVED, S.CLASSIFIED, S.ASSIGNED):
        raise TransitionNotAllowed(_("Only feedback not yet answered can be rejected."))
    if not _clean(reason):
        raise InvalidInput(_("Give a reason for this change."))
    feedback.rejection_reason = _clean(reason)
    feedback.closed_at, feedback.closed_by = timezone.now(), user
    _move(feedback, S.REJECTED, user, _("Rejected: %(reason)s") % {"reason": _clean(reason)})
    return feedback


@transaction.atomic
def feedback_set_substantiated(*, feedback, user, substantiated, version=None, reason="") -> Feedback:
    feedback = _lock(feedback, version)
    if not user.has_perm("feedback.raise_nonconformity", feedback):
        raise NotPermitted()
    feedback.substantiated = bool(substantiated)
    _save(
        feedback,
        user,
        _clean(reason) or (_("Found substantiated") if substantiated else _("Found not substantiated")),
    )
    return feedback


@transaction.atomic
def feedback_raise_nonconformity(*, feedback, user, severity=Nonconformity.Severity.MINOR, title="") -> Nonconformity:
    """Raise a nonconformity from a substantiated complaint, once (ISO 9001 10.2.1: a complaint is a source of
    nonconformity). The nonconformity names the feedback's reference and text, never the citizen."""
    feedback = _lock(feedback)
    if not user.has_perm("feedback.raise_nonconformity", feedback):
        raise NotPermitted()
    if feedback.nonconformity_id:
        raise TransitionNotAllowed(
            _("%(ref)s has already raised %(nc)s.")
            % {"ref": feedback.reference, "nc": feedback.nonconformity.reference}
        )
    if feedback.kind != Feedback.Kind.COMPLAINT or feedback.substantiated is not True:
        raise TransitionNotAllowed(_("Only a complaint found substantiated raises a nonconformity."))
    if feedback.status == S.REJECTED:
        raise TransitionNotAllowed(_("Rejected feedback raises no nonconformity."))
    if feedback.unit_id is None:
        raise InvalidInput(_("Choose the unit that handles the feedback first."))
    documents_model = Nonconformity._meta.get_field("documents").related_model
    documents = []
    if feedback.page_id and documents_model.objects.filter(pk=feedback.page_id).exists():
        documents = [feedback.page_id]
    text = feedback.text
    nc = nonconformity_services.nonconformity_report(
        title=_clean(title) or (_("Complaint %(ref)s") % {"ref": feedback.reference}),
        description=_("Substantiated complaint %(ref)s, received %(day)s:\n\n%(text)s")
        % {"ref": feedback.reference, "day": local_day(feedback.received_at).isoformat(), "text": text},
        source=Nonconformity.Source.COMPLAINT,
        severity=severity,
        unit=feedback.unit,
        reported_by=user,
        documents=documents,
        reason=_("Raised from feedback %(ref)s") % {"ref": feedback.reference},
    )
    feedback.nonconformity = nc
    _save(feedback, user, _("Raised nonconformity %(nc)s") % {"nc": nc.reference})
    return nc


# --- privacy ----------------------------------------------------------------------------------------


@transaction.atomic
def feedback_erase_contact(*, feedback, user=None, reason="") -> Feedback:
    """Erase the citizen's name and contact (and the attachment, which may carry them); the record is kept."""
    feedback = _lock(feedback)
    if user is not None and not user.has_perm("feedback.manage_feedback"):
        raise NotPermitted()
    if feedback.contact_erased_at:
        return feedback
    for field in CONTACT_FIELDS:
        setattr(feedback, field, "")
    feedback.sender_key = ""
    if feedback.attachment:
        feedback.attachment.delete(save=False)
        feedback.attachment = ""
    feedback.contact_erased_at = timezone.now()
    feedback.messages.update(to_address="")
    _save(feedback, user, reason or _("Contact details erased after the retention period"))
    return feedback


def feedback_erase_expired(*, as_of=None) -> int:
    """Erase the contact details of feedback closed or rejected more than the retention period ago. Idempotent."""
    as_of = as_of or timezone.now()
    cutoff = as_of - datetime.timedelta(days=contact_retention_days())
    due = Feedback.objects.filter(
        status__in=(S.CLOSED, S.REJECTED), closed_at__lt=cutoff, contact_erased_at__isnull=True
    ).values_list("pk", flat=True)
    erased = 0
    for pk in list(due):
        feedback_erase_contact(feedback=Feedback(pk=pk), reason=_("Contact details erased after the retention period"))
        erased += 1
    return erased


# --- e-mails to the citizen (an outbox) -------------------------------------------------------------


def _queue_message(feedback, kind):
    with translation.override(feedback.language or settings.LANGUAGE_CODE):
        context = {"feedback": feedback, "status_url": _status_url()}
        subject = (
            _("%(ref)s: your feedback was received")
            if kind == FeedbackMessage.Kind.ACKNOWLEDGEMENT
            else _("%(ref)s: the answer to your feedback")
        ) % {"ref": feedback.reference}
        body = render_to_string(f"feedback/email/{kind}.txt", context)
    message = FeedbackMessage.objects.create(
        feedback=feedback, kind=kind, to_address=feedback.email, subject=subject, body=body
    )
    transaction.on_commit(lambda: messages_send(ids=[message.pk]))
    return message


def _status_url():
    from django.urls import reverse

    base = (getattr(settings, "WAGTAILADMIN_BASE_URL", "") or "").rstrip("/")
    return f"{base}{reverse('feedback:status')}"


def messages_send(*, ids=None) -> int:
    """Send the citizen's e-mails not yet sent (`ids`: only those); returns how many went.

    Called after the commit that wrote them (the person sees no delay beyond one SMTP exchange, as
    Wagtail's own workflow notifications) and by the delivery run on beat, which sends again what an
    outage left. Each row is locked while it is sent (`skip_locked`), so two runs never send it twice.
    """
    sent = 0
    pending = FeedbackMessage.objects.filter(sent_at__isnull=True).exclude(to_address="")
    pending = pending.filter(attempts__lt=int(getattr(settings, "QMS_FEEDBACK_MAIL_MAX_ATTEMPTS", 20)))
    if ids is not None:
        pending = pending.filter(pk__in=ids)
    for pk in list(pending.values_list("pk", flat=True)):
        with transaction.atomic():
            message = (
                FeedbackMessage.objects.select_for_update(skip_locked=True)
                .filter(pk=pk, sent_at__isnull=True)
                .select_related("feedback")
                .first()
            )
            if message is None or not message.to_address:
                continue
            message.attempts += 1
            try:
                EmailMessage(message.subject, message.body, to=[message.to_address]).send()
            except Exception as error:  # an SMTP outage: kept for the next run
                logger.warning("Feedback e-mail %s not sent: %s", message.pk, error)
                message.last_error = str(error)[:2000]
                message.save(update_fields=["attempts", "last_error"])
                continue
            message.sent_at = timezone.now()
            message.last_error = ""
            message.save(update_fields=["attempts", "last_error", "sent_at"])
            if message.kind == FeedbackMessage.Kind.ANSWER:
                feedback = Feedback.objects.select_for_update().get(pk=message.feedback_id)
                if feedback.answer_sent_at is None:
                    feedback.answer_sent_at = message.sent_at
                    save_with_history(feedback, user=None, reason=_("Answer sent by e-mail"))
            sent += 1
    return sent


# --- satisfaction -----------------------------------------------------------------------------------


@transaction.atomic
def survey_respond(
    *,
    rating,
    comment="",
    answers=None,
    page=None,
    unit=None,
    sender_address="",
    channel=SurveyResponse.Channel.WEB,
    responded_at=None,
    external_id="",
    user=None,
    reason="",
) -> SurveyResponse:
    """Record one satisfaction response (ISO 9001 9.1.2): rating 1-5, a comment, the configured questions."""
    try:
        rating = int(rating)
    except (TypeError, ValueError):
        raise InvalidInput(_("Choose a rating from 1 to 5.")) from None
    if not 1 <= rating <= 5:
        raise InvalidInput(_("Choose a rating from 1 to 5."))
    key = sender_key(sender_address)
    _check_rate(key)
    questions = {str(q.pk) for q in SurveyQuestion.objects.filter(is_active=True)}
    answers = {
        str(k): _clean(str(v))[:1000] for k, v in (answers or {}).items() if str(k) in questions and _clean(str(v))
    }
    response = SurveyResponse(
        rating=rating,
        comment=_clean(comment)[:4000],
        answers=answers,
        page=page,
        unit=unit or _unit_of_page(page),
        channel=channel,
        responded_at=responded_at or timezone.now(),
        external_id=_clean(external_id)[:100],
        sender_key=key,
    )
    save_with_history(response, user=user, reason=reason or _("Survey answered"))
    return response
