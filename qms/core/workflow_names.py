"""The approval workflow's, its steps' and the role groups' names in the reader's language (issue 20;
ISO 9001 7.5.2 c: who reviews and who approves is read off the screen or the e-mail a person gets).

Our migrations create the "Document approval" workflow and its steps (cms 0005) and the role groups
(qms.core.roles) as English data, and Wagtail shows a name as it is stored: "Submit to Document
approval", "Awaiting Approval by approvers" in a Vietnamese admin. The names are messages of the
project's Wagtail catalogue (``data_names`` and ``group_names`` below). The stored names stay English,
so the edit forms of workflows, tasks and groups show and save what is stored; the translation happens
only where a name is read:

- every admin page and dialog: ``AdminNamesMiddleware`` translates the names in the HTML the admin
  sends (dashboard panels, status side panel, workflow history and status dialog, reports, listings,
  messages), in text and in the attributes people read (tooltips, titles), never in a form's values.
  One place instead of overriding the twenty-odd Wagtail templates that print ``{{ task.name }}``,
  ``{{ workflow.name }}`` or a group's name, which would drift with every Wagtail upgrade;
- the moderation and workflow e-mails: Wagtail renders each in its recipient's language
  (``wagtail.admin.mail``, ``override``), from a context we give lazily translated names
  (``translating_notifiers``), so each recipient reads them in theirs.

A workflow's or step's name is a phrase and is translated wherever it stands as a whole phrase; a
group's name is one or two common words ("Approvers", "Staff") that a person's own text may use, so
it is translated only where it stands alone (a listing's cell, a checkbox's label).
"""

import copy
import json
import re
from functools import lru_cache

from django.urls import reverse
from django.utils.functional import lazy
from django.utils.html import escape
from django.utils.translation import gettext
from wagtail import hooks

from . import roles


def data_names() -> list[str]:
    """The English names our migrations give Wagtail data the admin shows (the approval workflow and
    its steps), as the apps that create them register them: hook ``qms_data_names``, a callable
    returning those names (docs/architecture.md); the core reads no higher app's migration."""
    return [name for names in hooks.get_hooks("qms_data_names") for name in names()]


def group_names() -> list[str]:
    """The role groups' names (qms.core.roles), which the admin shows in its group and user screens."""
    return list(roles.ALL_ROLES)


def _role_label(name: str) -> str | None:
    return gettext(name) if name in roles.ALL_ROLES else None


def _group_markers(labellers):
    """Texts one of which is in every group name the labellers label, or None if a labeller says none:
    a labeller may name it as its ``marker`` attribute (a prefix every name it labels starts with)."""
    markers = list(roles.ALL_ROLES)
    for labeller in labellers:
        if labeller is _role_label:
            continue
        marker = getattr(labeller, "marker", None)
        if not marker:
            return None
        markers.append(marker)
    return markers


def group_labellers():
    """Callables ``name -> translated name or None``: the roles' and those of the groups higher apps
    create by a pattern (hook ``qms_group_names``: cms's "Process owners <unit>")."""
    return [_role_label, *(labeller for labellers in hooks.get_hooks("qms_group_names") for labeller in labellers())]


def group_label(name: str, labellers=None) -> str | None:
    """A group's name in the reader's language, or None when it is no group of ours (a group an
    administrator created is shown as typed)."""
    for labeller in labellers if labellers is not None else group_labellers():
        label = labeller(name)
        if label:
            return label
    return None


def translate_names(text: str) -> str:
    """``text`` with every data name in it replaced by its translation in the active language."""
    for name in sorted(data_names(), key=len, reverse=True):
        if name in text:
            text = text.replace(name, gettext(name))
    return text


# --- rendered admin HTML -------------------------------------------------------------------------

# A tag, or an element whose content is not text to read: a textarea's is a form's value (a workflow's
# description, a page's field), a script's or style's is code.
_CHUNK = re.compile(r"<!--.*?-->|<(textarea|script|style)\b.*?</\1\s*>|<[^>]*>", re.S | re.I)
# The attributes a person reads. Not ``value`` (a form field's, saved back as it is), nor names,
# identifiers, addresses or JSON the JavaScript reads.
_READ_ATTRIBUTE = re.compile(
    r'(\s(?:title|alt|aria-label|aria-description|placeholder|data-w-tooltip-content-value)=")([^"]*)(")', re.I
)


# Django's Group.name is at most 150 characters: a longer text is no group's name.
_LONGEST_GROUP_NAME = 150


@lru_cache(maxsize=8)
def _patterns(names: tuple[str, ...]):
    """One pattern of the given phrases, longest first, matched only as whole words."""
    alternatives = "|".join(re.escape(name) for name in sorted(names, key=len, reverse=True))
    return re.compile(rf"(?<![\w-])({alternatives})(?![\w-])")


def _translated_text(text: str, phrases: tuple[str, ...], labellers) -> str:
    stripped = text.strip()
    if stripped and len(stripped) <= _LONGEST_GROUP_NAME:
        label = group_label(stripped, labellers)
        if label:
            return text.replace(stripped, escape(label))
    if phrases:
        return _patterns(phrases).sub(lambda match: escape(gettext(match.group(1))), text)
    return text


def translate_html(html: str) -> str:
    """``html`` with the data names translated into the active language where a person reads them:
    in text and in the attributes of ``_READ_ATTRIBUTE``, not in form values, scripts or textareas."""
    phrases = tuple(name for name in data_names() if name in html)
    labellers = group_labellers()
    markers = _group_markers(labellers)
    if not phrases and markers is not None and not any(marker in html for marker in markers):
        # Most admin pages (a register's list, a record) show none of the names: not walked chunk by chunk.
        return html

    def attribute(match):
        return match.group(1) + _translated_text(match.group(2), phrases, labellers) + match.group(3)

    pieces, position = [], 0
    for chunk in _CHUNK.finditer(html):
        pieces.append(_translated_text(html[position : chunk.start()], phrases, labellers))
        tag = chunk.group(0)
        pieces.append(tag if chunk.group(1) or tag.startswith("<!--") else _READ_ATTRIBUTE.sub(attribute, tag))
        position = chunk.end()
    pieces.append(_translated_text(html[position:], phrases, labellers))
    return "".join(pieces)


# Admin views that serve the site's own page (a preview, a revision as it was): their text is the
# document's, not the admin's.
_SERVES_A_PAGE = ("preview", "revisions_view", "view_draft")


class AdminNamesMiddleware:
    """Translate the data names in every HTML page and dialog of the Wagtail admin (see the module's
    docstring). After the language middleware, so the reader's language is active."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not request.path.startswith(reverse("wagtailadmin_home")) or response.streaming:
            return response
        match = getattr(request, "resolver_match", None)
        if match is not None and any(part in (match.url_name or "") for part in _SERVES_A_PAGE):
            return response
        kind = response.get("Content-Type", "")
        if kind.startswith("text/html"):
            content = translate_html(response.content.decode(response.charset))
        elif kind.startswith("application/json"):
            content = _translated_modal(response.content.decode(response.charset))
        else:
            return response
        if content is not None:
            response.content = content.encode(response.charset)
            if response.has_header("Content-Length"):
                response["Content-Length"] = str(len(response.content))
        return response


def _translated_modal(text: str) -> str | None:
    """A dialog's JSON (Wagtail's ``render_modal_workflow``: the workflow status, the task chooser) with
    the names in its ``html`` translated; None for any other JSON, which is data, not a page."""
    try:
        data = json.loads(text)
    except ValueError:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("html"), str):
        return None
    html = translate_html(data["html"])
    if html == data["html"]:
        return None
    data["html"] = html
    return json.dumps(data)


# --- e-mails -------------------------------------------------------------------------------------

_lazy_names = lazy(translate_names, str)


def _reader_named(instance):
    """A copy of a workflow or task for an e-mail's context, whose name is translated when the e-mail
    is rendered, that is in its recipient's language; the stored instance is left as it is."""
    if instance is None:
        return None
    named = copy.copy(instance)
    named.name = _lazy_names(instance.name)
    return named


class ReaderNamesMixin:
    """For Wagtail's notifiers: the workflow and task of the context named in the recipient's language."""

    def get_context(self, instance, **kwargs):
        context = super().get_context(instance, **kwargs)
        for key in ("workflow", "task"):
            if key in context:
                context[key] = _reader_named(context[key])
        return context


def translating_notifiers():
    """Put our notifiers in place of Wagtail's four (wagtail.admin.signal_handlers): the same signals,
    senders and dispatch ids, so each e-mail is sent once, whichever app's ``ready`` runs first."""
    from wagtail.admin import mail
    from wagtail.admin.mail import GroupApprovalTaskStateSubmissionEmailNotifier as GroupTaskSubmission
    from wagtail.models import TaskState, WorkflowState
    from wagtail.signals import task_submitted, workflow_approved, workflow_rejected, workflow_submitted

    replaced = (
        (task_submitted, TaskState, "group_approval_task_submitted", GroupTaskSubmission),
        (workflow_submitted, WorkflowState, "workflow_state_submitted", mail.WorkflowStateSubmissionEmailNotifier),
        (workflow_rejected, WorkflowState, "workflow_state_rejected", mail.WorkflowStateRejectionEmailNotifier),
        (workflow_approved, WorkflowState, "workflow_state_approved", mail.WorkflowStateApprovalEmailNotifier),
    )
    for signal, sender, event, notifier in replaced:
        translating = type(notifier.__name__, (ReaderNamesMixin, notifier), {})()
        uid = f"{event}_email_notification"
        signal.disconnect(sender=sender, dispatch_uid=uid)
        signal.connect(translating, sender=sender, dispatch_uid=uid, weak=False)
