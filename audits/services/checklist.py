"""The audit checklist: generated from the scope, copied from an earlier audit, edited item by item."""

import datetime
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.utils import translation
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from qms.core.indicators import percentage
from qms.core.records import create_all_with_history, delete_with_history
from qms.objectives.selectors import objectives_of_documents
from qms.procedures.selectors import on_time_of_documents
from qms.risks.selectors import open_risks_of_documents

from ..events import Event
from ..models import Audit, ChecklistItem, ChecklistQuestion, Finding
from ..selectors import earlier_audits_with_same_scope, same_scope
from ._common import AuditError, _locked_audit, _require_edit, _require_independence, _save

# The clauses the lines about a process's objectives and risks cite: quality objectives (6.2, with 6.2.2's
# how they are measured and evaluated) and actions to address risks and opportunities, whose effectiveness
# is evaluated (6.1.2).
OBJECTIVES_CLAUSE = "6.2"
RISKS_CLAUSE = "6.1.2"
# An administrative procedure's dossiers resolved on time are what the process is monitored by (9.1.1).
PROCEDURES_CLAUSE = "9.1.1"
EDITABLE_CHECKLIST = (Audit.Status.PLANNED, Audit.Status.PREPARING, Audit.Status.IN_PROGRESS, Audit.Status.REPORTING)
RESULTS_OPEN = (Audit.Status.IN_PROGRESS, Audit.Status.REPORTING)


def _block_text(value):
    """A readable line from a StreamField block value (a string, rich text or a struct)."""
    if value is None:
        return ""
    if hasattr(value, "get") and not isinstance(value, str):
        parts = []
        keys = ("title", "name", "heading", "step", "record", "what", "responsible", "keeper", "location", "where")
        for key in (*keys, "retention", "description", "text"):
            part = value.get(key)
            if part:
                parts.append(_block_text(part))
        return " – ".join(p for p in parts if p)
    if hasattr(value, "source"):  # RichText
        from django.utils.html import strip_tags

        return strip_tags(value.source).strip()
    return str(value).strip()


def document_steps(document):
    """Text of each step of a process document (empty when the document has no steps field)."""
    steps = getattr(document, "steps", None)
    if not steps:
        return []
    return [text for text in (_block_text(block.value) for block in steps) if text]


def document_records(document):
    """Text of each record a process document requires to keep."""
    for name in ("records", "records_to_keep", "record_items"):
        records = getattr(document, name, None)
        if records is None:
            continue
        if hasattr(records, "all"):
            return [text for text in (_record_text(record) for record in records.all()) if text]
        return [text for text in (_block_text(block.value) for block in records) if text]
    return []


def _record_text(record):
    parts = [str(getattr(record, key, "") or "") for key in ("name", "title", "what", "where", "retention")]
    return " – ".join(p for p in parts if p) or str(record)


def _clause_question(clause):
    return _("Is the requirement of clause %(number)s “%(title)s” met? What shows it?") % {
        "number": clause.number,
        "title": clause.title,
    }


def _number(value):
    """A target as a person writes it: 90, not 90.00; 97.5 with the language's decimal separator (97,5)."""
    value = Decimal(value)
    value = value.quantize(Decimal(1)) if value == value.to_integral_value() else value.normalize()
    return number_format(value)


def objective_questions(objective):
    """The lines asking about a quality objective of a process in scope and its indicators (ISO 9001 6.2)."""
    names = {"objective": objective.title, "year": objective.year}
    known = _(
        "Quality objective “%(objective)s” (%(year)s): is it known to the people of the process? "
        "What is its health (on track, at risk, off track), and what is done when it is not on track?"
    )
    yield known % names
    measured = _(
        "Indicator “%(indicator)s” of the objective “%(objective)s”: is it measured at its frequency "
        "(%(frequency)s) and compared with its target (%(sign)s %(target)s %(unit)s)?"
    )
    for indicator in objective.indicators_in_order:
        yield measured % {
            **names,
            "indicator": indicator.name,
            "frequency": indicator.get_frequency_display().lower(),
            "sign": "≥" if indicator.direction == indicator.Direction.HIGHER else "≤",
            "target": _number(indicator.target),
            "unit": indicator.unit_of_measure,
        }


def risk_questions(risk):
    """The lines asking about a risk or an opportunity of a process in scope (ISO 9001 6.1.2).

    What is asked follows the decision taken: none yet, actions (reduce, avoid, transfer, pursue) whose
    execution and effectiveness are checked, or a decision to live with it (accept, do not pursue).
    """
    names = {"kind": risk.get_kind_display(), "ref": risk.reference, "title": risk.title}
    if not risk.treatment:
        yield _("%(kind)s %(ref)s “%(title)s”: is it assessed, and is its treatment decided?") % names
        return
    names["treatment"] = risk.get_treatment_display().lower()
    if risk.treatment in risk.ACTED_ON:
        done = _(
            "%(kind)s %(ref)s “%(title)s” (treatment: %(treatment)s): are the actions planned to address it "
            "carried out?"
        )
        evaluated = _(
            "%(kind)s %(ref)s “%(title)s”: is the effectiveness of the actions taken evaluated at its review?"
        )
        yield done % names
        yield evaluated % names
    else:
        decided = _(
            "%(kind)s %(ref)s “%(title)s” (treatment: %(treatment)s): is the decision justified on the record, "
            "and is it reviewed by its review date?"
        )
        yield decided % names


def _twelve_months_before(day):
    """[start, end): the twelve whole months before the month of `day`."""
    end = day.replace(day=1)
    return end.replace(year=end.year - 1), end


def procedure_question(procedure, on_time, late, start, end):
    """The line about an administrative procedure of a process in scope, with its one-stop figures (9.1.1).

    The line's identity is what comes before its first colon (the procedure): the figures after it may
    change as months are imported, and generating again must not add a second line for one procedure."""
    names = {
        "code": procedure.code,
        "name": procedure.name,
        "start": start.strftime("%m/%Y"),
        "end": (end - datetime.timedelta(days=1)).strftime("%m/%Y"),
    }
    resolved = on_time + late
    if not resolved:
        return (
            _(
                "Administrative procedure %(code)s “%(name)s”: no one-stop figures from %(start)s to %(end)s. How is "
                "it monitored that dossiers are resolved within the statutory time?"
            )
            % names
        )
    return _(
        "Administrative procedure %(code)s “%(name)s”: %(on_time)s/%(resolved)s dossiers resolved on time "
        "(%(rate)s %%) from %(start)s to %(end)s. Are the late dossiers analysed, the citizens told (apology "
        "slips) and actions taken?"
    ) % {**names, "on_time": on_time, "resolved": resolved, "rate": number_format(percentage(on_time, resolved))}


def _line_key(source, clause_id, document_id, question):
    """What makes a line the same line when the checklist is generated again."""
    if source == ChecklistItem.Source.PROCEDURE:
        question = question.split(":", 1)[0]
    return (source, clause_id, document_id, question)


def _planned_items(audit):
    """(source, clause, document, question) for every line the scope calls for, in order."""
    from qms.core.models import IsoClause

    planned = []
    if audit.kind == Audit.Kind.FOLLOW_UP and audit.follow_up_of_id:
        for finding in audit.follow_up_of.findings.exclude(classification=Finding.Classification.GOOD_PRACTICE):
            question = _("Was finding %(ref)s dealt with effectively? (%(statement)s)") % {
                "ref": finding.reference,
                "statement": finding.statement,
            }
            planned.append((ChecklistItem.Source.FOLLOW_UP, finding.clause, finding.document, question))
    scoped = list(audit.scope_clauses.all())
    prefixes = [c.number for c in scoped]
    clauses = [
        c for c in IsoClause.objects.all() if any(c.number == p or c.number.startswith(p + ".") for p in prefixes)
    ]
    numbers = {c.number for c in clauses}
    bank = {}
    for question in ChecklistQuestion.objects.filter(is_active=True, clause__in=clauses, document__isnull=True):
        bank.setdefault(question.clause_id, []).append(question)
    for clause in clauses:
        if clause.pk in bank:
            for question in bank[clause.pk]:
                planned.append((ChecklistItem.Source.QUESTION_BANK, clause, None, question.text))
        elif not any(n.startswith(clause.number + ".") for n in numbers):
            # A clause with sub-clauses in scope is asked through them.
            planned.append((ChecklistItem.Source.CLAUSE, clause, None, _clause_question(clause)))
    documents = list(audit.scope_documents.order_by("identifier"))
    # The objectives and risks of every document in scope in a fixed number of queries, however many there are.
    objectives = objectives_of_documents(d.pk for d in documents)
    risks = open_risks_of_documents(d.pk for d in documents)
    months = _twelve_months_before(audit.planned_start)
    procedures = on_time_of_documents((d.pk for d in documents), start=months[0], end=months[1])
    cited = {}
    if objectives or risks or procedures:
        numbers = (OBJECTIVES_CLAUSE, RISKS_CLAUSE, PROCEDURES_CLAUSE)
        cited = {c.number: c for c in IsoClause.objects.filter(number__in=numbers)}
    for document in documents:
        for question in ChecklistQuestion.objects.filter(is_active=True, document=document):
            planned.append((ChecklistItem.Source.QUESTION_BANK, question.clause, document, question.text))
        for number, step in enumerate(document_steps(document), start=1):
            question = _("%(doc)s, step %(n)s: is it carried out as described? (%(step)s)") % {
                "doc": document.identifier,
                "n": number,
                "step": step,
            }
            planned.append((ChecklistItem.Source.DOCUMENT_STEP, None, document, question))
        for record in document_records(document):
            question = _("%(doc)s: is the record kept as required? (%(record)s)") % {
                "doc": document.identifier,
                "record": record,
            }
            planned.append((ChecklistItem.Source.DOCUMENT_RECORD, None, document, question))
        for objective in objectives.get(document.pk, ()):
            for question in objective_questions(objective):
                planned.append((ChecklistItem.Source.OBJECTIVE, cited.get(OBJECTIVES_CLAUSE), document, question))
        for risk in risks.get(document.pk, ()):
            for question in risk_questions(risk):
                planned.append((ChecklistItem.Source.RISK, cited.get(RISKS_CLAUSE), document, question))
        for procedure, on_time, late in procedures.get(document.pk, ()):
            question = procedure_question(procedure, on_time, late, *months)
            planned.append((ChecklistItem.Source.PROCEDURE, cited.get(PROCEDURES_CLAUSE), document, question))
    return planned


def _next_order(audit):
    return (audit.checklist.aggregate(m=Max("sort_order"))["m"] or 0) + 1


@transaction.atomic
def checklist_generate(*, audit, user, reason=""):
    """Add the lines the scope calls for; lines already there are kept as they are (idempotent)."""
    audit = _locked_audit(audit)
    _require_edit(audit, user)
    _require_independence(audit)
    if audit.status not in EDITABLE_CHECKLIST:
        raise AuditError(_("The checklist can no longer change."))
    rows = audit.checklist.values_list("source", "clause_id", "document_id", "question")
    existing = {_line_key(*row) for row in rows}
    order = _next_order(audit)
    created = []
    # The questions are part of the audit record, read by everyone and exported in the report: they are
    # written in the organisation's language, not in that of whoever pressed the button (ISO 9001 7.5.2).
    with translation.override(settings.LANGUAGE_CODE):
        planned = _planned_items(audit)
    for source, clause, document, question in planned:
        key = _line_key(source, clause.pk if clause else None, document.pk if document else None, question)
        if key in existing:
            continue
        existing.add(key)
        created.append(
            ChecklistItem(
                audit=audit, sort_order=order, source=source, clause=clause, document=document, question=question
            )
        )
        order += 1
    # One insert of the lines and one of their "created" history entries, however many lines the scope calls
    # for (a process with many objectives and risks), each entry with the person and the reason (7.5.3).
    return create_all_with_history(created, user=user, reason=Event.CHECKLIST_GENERATED.reason(reason))


@transaction.atomic
def checklist_copy(*, audit, source_audit, user, reason=""):
    """Copy the questions (not the answers) of an earlier audit of the same scope."""
    audit = _locked_audit(audit)
    _require_edit(audit, user)
    _require_independence(audit)
    if audit.status not in EDITABLE_CHECKLIST:
        raise AuditError(_("The checklist can no longer change."))
    if source_audit.pk == audit.pk or not same_scope(audit, source_audit):
        raise AuditError(_("A checklist can only be copied from another audit with the same scope."))
    existing = set(audit.checklist.values_list("clause_id", "document_id", "question"))
    order = _next_order(audit)
    created = []
    for line in source_audit.checklist.order_by("sort_order", "pk"):
        key = (line.clause_id, line.document_id, line.question)
        if key in existing:
            continue
        existing.add(key)
        item = ChecklistItem(
            audit=audit,
            sort_order=order,
            source=line.source,
            clause_id=line.clause_id,
            document_id=line.document_id,
            question=line.question,
        )
        reason_text = Event.CHECKLIST_COPIED.reason(reason, ref=source_audit.reference)
        created.append(_save(item, user=user, reason=reason_text))
        order += 1
    return created


def copy_sources(audit):
    return earlier_audits_with_same_scope(audit)


@transaction.atomic
def checklist_item_add(*, audit, question, user, clause=None, document=None, reason=""):
    audit = _locked_audit(audit)
    _require_edit(audit, user)
    _require_independence(audit)
    if not question.strip():
        raise AuditError(_("Write the question."))
    item = ChecklistItem(
        audit=audit,
        sort_order=_next_order(audit),
        source=ChecklistItem.Source.MANUAL,
        clause=clause,
        document=document,
        question=question.strip(),
    )
    return _save(item, user=user, reason=Event.QUESTION_ADDED.reason(reason))


@transaction.atomic
def checklist_item_update(*, item, version, user, question=None, evidence=None, result=None, notes=None, reason=""):
    """Record evidence and result on a line; `version` is what the editor saw (lost update check)."""
    item = ChecklistItem.objects.select_for_update().select_related("audit").get(pk=item.pk)
    _require_edit(item.audit, user)
    _require_independence(item.audit)
    if int(version) != item.version:
        raise AuditError(
            _("Someone else changed this line while you were editing it. Reload the page and enter your change again.")
        )
    if result is not None and result != item.result and item.audit.status not in RESULTS_OPEN:
        raise AuditError(_("Results are recorded once the opening meeting has been held."))
    if result is not None and result not in ChecklistItem.Result.values:
        raise AuditError(_("Choose a valid result."))
    if question is not None:
        if not question.strip():
            raise AuditError(_("Write the question."))
        item.question = question.strip()
    for name, value in (("evidence", evidence), ("result", result), ("notes", notes)):
        if value is not None:
            setattr(item, name, value)
    item.version += 1
    return _save(item, user=user, reason=Event.LINE_RECORDED.reason(reason))


@transaction.atomic
def checklist_item_remove(*, item, user, reason=""):
    item = ChecklistItem.objects.select_for_update().select_related("audit").get(pk=item.pk)
    _require_edit(item.audit, user)
    if item.result != ChecklistItem.Result.NOT_ASSESSED or item.findings.exists():
        raise AuditError(_("A line that has a result or a finding cannot be removed."))
    delete_with_history(item, user=user, reason=Event.QUESTION_REMOVED.reason(reason))
