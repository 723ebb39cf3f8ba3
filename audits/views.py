"""Site views of internal audits (ISO 9001 9.2): the auditor's workspace and the audit report.

Views check who may look (per role and per audit) and hand every change to `audits.services`;
a refused change comes back as a message, and the page shows the input again.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import actions, rules, selectors, services
from .forms import ChecklistItemForm, CloseForm, FindingForm, MeetingForm, NewQuestionForm, VerifyForm
from .models import Audit, AuditProgramme, ChecklistItem, Finding
from .report import audit_workbook, cover_pairs


def _audit(pk):
    return get_object_or_404(Audit.objects.select_related("programme", "lead_auditor", "follow_up_of"), pk=pk)


def _require_read(user, audit):
    if not user.has_perm("audits.read_audits"):
        raise PermissionDenied


def _require_edit(user, audit):
    if not rules.may_edit(user, audit):
        raise PermissionDenied


@login_required
def audit_index(request):
    user = request.user
    if user.has_perm("audits.read_audits"):
        mine = selectors.audits_for_user(user).select_related("programme", "lead_auditor")
        others = Audit.objects.exclude(pk__in=mine.values("pk")).select_related("programme", "lead_auditor")
    else:
        mine = Audit.objects.none()
        others = selectors.closed_audits_of_unit(user.unit_id) if user.unit_id else Audit.objects.none()
    programmes = AuditProgramme.objects.all() if user.has_perm("audits.read_audits") else []
    return render(request, "audits/index.html", {"mine": mine, "others": others, "programmes": programmes})


@login_required
def programme_coverage(request, pk):
    if not request.user.has_perm("audits.read_audits"):
        raise PermissionDenied
    programme = get_object_or_404(AuditProgramme, pk=pk)
    coverage = selectors.programme_coverage(programme)
    audits = programme.audits.select_related("lead_auditor").order_by("planned_start", "reference")
    return render(
        request,
        "audits/coverage.html",
        {
            "programme": programme,
            "coverage": coverage,
            "audits": audits,
            # The steps the person's rights allow; one the programme's state blocks says why.
            "steps": [
                step for step in actions.programme_actions(user=request.user, programme=programme) if step.permitted
            ],
        },
    )


@login_required
def audit_detail(request, pk):
    audit = _audit(pk)
    user = request.user
    if not user.has_perm("audits.read_audits"):
        if user.has_perm("audits.read_report", audit):
            return redirect("audits:report", pk=audit.pk)
        raise PermissionDenied
    can_edit = rules.may_edit(user, audit)
    checklist = selectors.checklist_lines(audit, request.GET.get("lines", "all"))
    items = checklist.lines
    rows = [
        (
            item,
            ChecklistItemForm(
                initial={
                    "version": item.version,
                    "evidence": item.evidence,
                    "result": item.result,
                    "notes": item.notes,
                },
                prefix=f"item{item.pk}",
            ),
        )
        for item in items
    ]
    findings = audit.findings.select_related("clause", "document", "unit", "nonconformity")
    earlier = []
    if audit.kind == Audit.Kind.FOLLOW_UP and audit.follow_up_of_id:
        earlier = audit.follow_up_of.findings.exclude(classification=Finding.Classification.GOOD_PRACTICE)
        earlier = earlier.select_related("nonconformity", "clause")
    context = {
        "audit": audit,
        "can_edit": can_edit,
        "rows": rows,
        "checklist": checklist,
        "line_filters": [
            (key, label, checklist.counts[key])
            for key, label in (
                ("all", _("All")),
                ("open", ChecklistItem.Result.NOT_ASSESSED.label),
                ("nonconforming", ChecklistItem.Result.NONCONFORMITY.label),
            )
        ],
        "findings": findings,
        "earlier_findings": earlier,
        "copy_sources": services.copy_sources(audit) if can_edit and not checklist.counts["all"] else [],
        "question_form": NewQuestionForm(),
        "meeting_form": MeetingForm(),
        "close_form": CloseForm(),
        "verify_form": VerifyForm(),
        "steps": actions.audit_actions(user=user, audit=audit),
        "blockers": services.closure_blockers(audit) if audit.status == Audit.Status.REPORTING else [],
        # Said before anyone presses a step that would be refused (ISO 9001 9.2.2 c).
        "independence": "" if audit.is_closed else services.independence_blocker(audit),
        "results_open": audit.status in services.RESULTS_OPEN,
        "history": selectors.audit_history(audit),
    }
    return render(request, "audits/detail.html", context)


def _back(audit, anchor="", lines=None):
    """Back to the workspace, with the checklist filter the person was using."""
    query = f"?lines={lines}" if lines in selectors.CHECKLIST_FILTERS and lines != "all" else ""
    return redirect(reverse("audits:detail", args=[audit.pk]) + query + anchor)


def _run(request, action, **kwargs):
    """Run a service; a refusal becomes an error message. Returns the service's result or None."""
    try:
        return action(user=request.user, **kwargs)
    except services.AuditError as error:
        messages.error(request, error.message)
        return None


@login_required
@require_POST
def audit_transition(request, pk, step):
    audit = _audit(pk)
    _require_edit(request.user, audit)
    if step not in actions.AUDIT_STEPS:
        raise PermissionDenied
    kwargs = {}
    if step in ("open", "finish"):
        form = MeetingForm(request.POST)
        kwargs["notes"] = form.cleaned_data["notes"] if form.is_valid() else ""
    if step == "close":
        form = CloseForm(request.POST)
        kwargs["conclusion"] = form.cleaned_data["conclusion"] if form.is_valid() else ""
    if _run(request, actions.AUDIT_STEPS[step].service, audit=audit, **kwargs) is not None:
        messages.success(request, _("Audit %(ref)s: done.") % {"ref": audit.reference})
    return _back(audit)


@login_required
@require_POST
def checklist_generate(request, pk):
    audit = _audit(pk)
    _require_edit(request.user, audit)
    created = _run(request, services.checklist_generate, audit=audit)
    if created is not None:
        messages.success(request, _("%(n)s checklist lines added.") % {"n": len(created)})
    return _back(audit, "#checklist")


@login_required
@require_POST
def checklist_copy(request, pk):
    audit = _audit(pk)
    _require_edit(request.user, audit)
    source = get_object_or_404(Audit, pk=request.POST.get("source") or 0)
    created = _run(request, services.checklist_copy, audit=audit, source_audit=source)
    if created is not None:
        messages.success(request, _("%(n)s checklist lines copied.") % {"n": len(created)})
    return _back(audit, "#checklist")


@login_required
@require_POST
def checklist_add(request, pk):
    audit = _audit(pk)
    _require_edit(request.user, audit)
    form = NewQuestionForm(request.POST)
    if form.is_valid():
        _run(
            request,
            services.checklist_item_add,
            audit=audit,
            question=form.cleaned_data["question"],
            clause=form.cleaned_data["clause"],
        )
    else:
        messages.error(request, _("Write the question."))
    return _back(audit, "#checklist")


@login_required
@require_POST
def checklist_item(request, pk):
    item = get_object_or_404(ChecklistItem.objects.select_related("audit"), pk=pk)
    audit = item.audit
    _require_edit(request.user, audit)
    lines = request.POST.get("lines")
    if request.POST.get("remove"):
        _run(request, services.checklist_item_remove, item=item)
        return _back(audit, "#checklist", lines)
    form = ChecklistItemForm(request.POST, prefix=f"item{item.pk}")
    if not form.is_valid():
        messages.error(request, _("Check the line: %(errors)s") % {"errors": form.errors.as_text()})
        return _back(audit, f"#item-{item.pk}", lines)
    data = form.cleaned_data
    result = data["result"] if audit.status in services.RESULTS_OPEN else None
    saved = _run(
        request,
        services.checklist_item_update,
        item=item,
        version=data["version"],
        evidence=data["evidence"],
        result=result,
        notes=data["notes"],
    )
    if saved is None:
        # Keep what the person typed: show it back with the current record.
        messages.info(request, _("Your text was: %(text)s") % {"text": data["evidence"] or "–"})
    else:
        messages.success(request, _("Line %(n)s saved.") % {"n": item.sort_order})
    return _back(audit, f"#item-{item.pk}", lines)


@login_required
def finding_new(request, pk):
    audit = _audit(pk)
    _require_edit(request.user, audit)
    initial = {}
    if request.GET.get("item"):
        item = audit.checklist.filter(pk=request.GET["item"]).first()
        if item:
            initial = {"checklist_item": item, "clause": item.clause, "document": item.document}
    form = FindingForm(request.POST or None, audit=audit, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            finding = services.finding_record(audit=audit, user=request.user, **form.cleaned_data)
        except services.AuditError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Finding %(ref)s recorded.") % {"ref": finding.reference})
            return _back(audit, f"#finding-{finding.pk}")
    return render(request, "audits/finding_form.html", {"audit": audit, "form": form})


@login_required
def finding_edit(request, pk):
    finding = get_object_or_404(Finding.objects.select_related("audit"), pk=pk)
    audit = finding.audit
    _require_edit(request.user, audit)
    form = FindingForm(request.POST or None, audit=audit, instance=finding)
    if request.method == "POST" and form.is_valid():
        try:
            services.finding_update(finding=finding, user=request.user, **form.cleaned_data)
        except services.AuditError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Finding %(ref)s saved.") % {"ref": finding.reference})
            return _back(audit, f"#finding-{finding.pk}")
    return render(request, "audits/finding_form.html", {"audit": audit, "form": form, "finding": finding})


@login_required
@require_POST
def finding_raise(request, pk):
    finding = get_object_or_404(Finding.objects.select_related("audit"), pk=pk)
    _require_edit(request.user, finding.audit)
    nonconformity = _run(request, services.finding_raise_nonconformity, finding=finding)
    if nonconformity is not None:
        messages.success(
            request,
            _("Finding %(ref)s: nonconformity %(nc)s is raised.")
            % {"ref": finding.reference, "nc": nonconformity.reference},
        )
    return _back(finding.audit, f"#finding-{finding.pk}")


@login_required
@require_POST
def finding_verify(request, pk, finding_pk):
    audit = _audit(pk)
    _require_edit(request.user, audit)
    finding = get_object_or_404(Finding, pk=finding_pk)
    form = VerifyForm(request.POST)
    if form.is_valid():
        _run(
            request,
            services.finding_verify,
            finding=finding,
            follow_up=audit,
            closed=form.cleaned_data["closed"],
            notes=form.cleaned_data["notes"],
        )
    return _back(audit, "#earlier")


def _report_context(audit):
    classes, clauses = selectors.finding_counts(audit)
    return {
        "audit": audit,
        "cover": cover_pairs(audit),
        "items": audit.checklist.select_related("clause", "document").order_by("sort_order", "pk"),
        "findings": audit.findings.select_related("clause", "document", "unit", "nonconformity"),
        "classes": classes,
        "clauses": clauses,
    }


@login_required
def audit_report(request, pk):
    audit = _audit(pk)
    if not request.user.has_perm("audits.read_report", audit):
        raise PermissionDenied
    return render(request, "audits/report.html", _report_context(audit))


@login_required
def audit_report_xlsx(request, pk):
    audit = _audit(pk)
    if not request.user.has_perm("audits.read_report", audit):
        raise PermissionDenied
    return audit_workbook(audit, request.user).response(f"audit-report-{audit.reference}.xlsx")


@login_required
@require_POST
def programme_step(request, pk, step):
    programme = get_object_or_404(AuditProgramme, pk=pk)
    if step not in actions.PROGRAMME_STEPS or not request.user.has_perm(actions.PROGRAMME_STEPS[step].permission):
        raise PermissionDenied
    if _run(request, actions.PROGRAMME_STEPS[step].service, programme=programme) is not None:
        messages.success(request, _("%(programme)s: done.") % {"programme": programme})
    return redirect("audits:coverage", pk=programme.pk)
