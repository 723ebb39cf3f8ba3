"""Site views for nonconformities and actions (ISO 9001 10.2): staff report problems and work on their actions.

Views collect input and show the outcome; every change goes through `services`,
and every refusal comes back as a message with nothing changed.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qms.core import documents as core_documents
from qms.core.records import with_status
from qms.core.timeline import timeline

from . import origins, rules, selectors, services
from .forms import (
    ActionEditForm,
    ActionForm,
    CompleteForm,
    NonconformityEditForm,
    ReportForm,
    TransitionForm,
    VerifyForm,
)
from .models import CorrectiveAction, EvidenceFile, Nonconformity
from .panels import render_sections
from .selectors import action_timeline


def _visible_nc(request, pk):
    nc = get_object_or_404(Nonconformity.objects.select_related("unit", "owner", "reported_by"), pk=pk)
    if not request.user.has_perm("nonconformities.read_nonconformity", nc):
        # Other units' records are not even confirmed to exist.
        raise Http404
    return nc


def _visible_action(request, pk):
    action = get_object_or_404(CorrectiveAction.objects.select_related("nonconformity", "owner"), pk=pk)
    if not request.user.has_perm("nonconformities.read_action", action):
        raise Http404
    return action


def _refused(request, error):
    messages.error(request, error.message)


@login_required
def nonconformity_list(request):
    qs = selectors.nonconformities_visible_to(request.user)
    status = request.GET.get("status", "")
    qs = with_status(qs, status)
    return render(
        request,
        "nonconformities/list.html",
        {"nonconformities": qs[:500], "status": status, "statuses": Nonconformity.Status.choices},
    )


@login_required
def report(request):
    """Raise a nonconformity, from anywhere; `?document=<page pk>` prefills the document and its unit."""
    if not request.user.has_perm("nonconformities.report_nonconformity"):
        raise PermissionDenied
    document = None
    if request.GET.get("document", "").isdigit():
        document = core_documents.documents().filter(pk=request.GET["document"]).first()
    if request.method == "POST":
        form = ReportForm(request.POST, user=request.user)
        if form.is_valid():
            data = form.cleaned_data
            try:
                nc = services.nonconformity_report(
                    title=data["title"],
                    description=data["description"],
                    source=data["source"],
                    severity=data["severity"],
                    unit=data["unit"],
                    reported_by=request.user,
                    documents=data["documents"],
                    reason=_("Reported on the site"),
                )
            except services.NonconformityError as error:
                _refused(request, error)
            else:
                messages.success(request, _("Thank you. %(ref)s is recorded.") % {"ref": nc.reference})
                return redirect(nc.get_absolute_url())
    else:
        initial = {"unit": request.user.unit_id}
        if document is not None:
            initial.update(unit=document.unit_id, documents=[document.pk])
        form = ReportForm(initial=initial, user=request.user)
    return render(request, "nonconformities/report.html", {"form": form, "document": document})


def _detail_context(request, nc):
    user = request.user
    actions = list(nc.actions.select_related("owner").prefetch_related("files", "verifications__verified_by"))
    available = selectors.nonconformity_actions(user=user, nonconformity=nc)
    steps = {step.action: step for step in available}
    return {
        "nc": nc,
        "actions": actions,
        "buttons": [step for step in available if step.action == "transition" and step.allowed],
        "can_edit": steps["edit"].allowed,
        "can_plan": steps["plan_action"].allowed,
        "action_form": ActionForm(),
        "timeline": timeline(nc),
        "sections": render_sections(request, nc),
        "documents": nc.documents.all(),
        "clauses": nc.clauses.all(),
    }


@login_required
def detail(request, pk):
    nc = _visible_nc(request, pk)
    return render(request, "nonconformities/detail.html", _detail_context(request, nc))


@login_required
@require_POST
def transition(request, pk):
    nc = _visible_nc(request, pk)
    form = TransitionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The request was incomplete; nothing was changed."))
        return redirect(nc.get_absolute_url())
    form.apply(request, nc)
    return redirect(nc.get_absolute_url())


def _missing_reason(error, cleaned_data, changes, record):
    """Whether the service refused because a change that needs a reason (ISO 9001 7.5.3) came without one."""
    if not isinstance(error, services.InvalidInput) or (cleaned_data.get("reason") or "").strip():
        return False
    needing = services.FIELDS_NEEDING_REASON if isinstance(record, Nonconformity) else {"due_date"}
    return any(name in needing and getattr(record, name) != value for name, value in changes.items())


@login_required
def edit(request, pk):
    nc = _visible_nc(request, pk)
    steps = {step.action: step for step in selectors.nonconformity_actions(user=request.user, nonconformity=nc)}
    if not steps["edit"].allowed:
        raise PermissionDenied
    if request.method == "POST":
        form = NonconformityEditForm(request.POST, nonconformity=nc, user=request.user)
        if form.is_valid():
            try:
                services.nonconformity_update(
                    nonconformity=nc,
                    user=request.user,
                    version=form.cleaned_data["version"],
                    reason=form.cleaned_data["reason"],
                    **form.changes(),
                )
            except services.NonconformityError as error:
                # The form keeps what the person typed; nothing is lost.
                if _missing_reason(error, form.cleaned_data, form.changes(), nc):
                    # Said once, next to the field to fill in (not also as a message at the top).
                    form.add_error("reason", error.message)
                else:
                    _refused(request, error)
            else:
                messages.success(request, _("Saved."))
                return redirect(nc.get_absolute_url())
    else:
        form = NonconformityEditForm(nonconformity=nc, user=request.user)
    return render(request, "nonconformities/edit.html", {"nc": nc, "form": form})


@login_required
@require_POST
def action_new(request, pk):
    nc = _visible_nc(request, pk)
    if not request.user.has_perm("nonconformities.plan_actions", nc):
        raise PermissionDenied
    form = ActionForm(request.POST)
    if form.is_valid():
        try:
            services.action_create(nonconformity=nc, user=request.user, **form.cleaned_data)
        except services.NonconformityError as error:
            _refused(request, error)
        else:
            messages.success(request, _("Action planned."))
            return redirect(nc.get_absolute_url())
    context = _detail_context(request, nc)
    context["action_form"] = form
    return render(request, "nonconformities/detail.html", context, status=400 if form.errors else 200)


@require_POST
def action_new_for_origin(request, model, pk):
    """Plan an action of another record (a risk, a review decision...; origins.py), from that record's page."""
    origin_model = next((o.model_class for o in origins.registered() if o.model.lower() == model), None)
    if origin_model is None:
        raise Http404
    origin = get_object_or_404(origin_model, pk=pk)
    if not request.user.has_perm("nonconformities.plan_actions", origin):
        raise PermissionDenied
    form = ActionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("An action needs a description, an owner and a due date."))
        return redirect(origin.get_absolute_url())
    try:
        services.action_create(origin=origin, user=request.user, **form.cleaned_data)
    except services.NonconformityError as error:
        _refused(request, error)
    else:
        messages.success(request, _("Action planned."))
    return redirect(origin.get_absolute_url())


def _action_context(request, action, **forms):
    user = request.user
    version = {"version": action.version}
    steps = {step.action: step for step in selectors.action_actions(user=user, action=action)}
    context = {
        "action": action,
        "subject": action.subject,
        "files": action.files.all(),
        "verifications": action.verifications.select_related("verified_by"),
        "steps": steps,
        "can_verify": steps["verify"].allowed,
        "can_edit": steps["edit"].allowed,
        # The owner is told why they see no verification form (separation of duties, ISO 9001 10.2.1 d).
        "is_owner_verifying": rules.is_action_owner(user, action)
        and action.status == CorrectiveAction.Status.COMPLETED,
        "complete_form": forms.get("complete_form") or CompleteForm(initial=version),
        "verify_form": forms.get("verify_form") or VerifyForm(initial=version),
        "timeline": action_timeline(action),
    }
    return context


@login_required
def action_detail(request, pk):
    action = _visible_action(request, pk)
    return render(request, "nonconformities/action.html", _action_context(request, action))


@login_required
@require_POST
def action_start(request, pk):
    action = _visible_action(request, pk)
    try:
        services.action_start(action=action, user=request.user, version=request.POST.get("version") or None)
    except services.NonconformityError as error:
        _refused(request, error)
    return redirect(action.get_absolute_url())


@login_required
@require_POST
def action_complete(request, pk):
    action = _visible_action(request, pk)
    if not request.user.has_perm("nonconformities.work_on_action", action):
        raise PermissionDenied
    form = CompleteForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.action_complete(
                action=action,
                user=request.user,
                evidence=form.cleaned_data["evidence"],
                files=form.cleaned_data["files"],
                version=form.cleaned_data["version"],
            )
        except services.NonconformityError as error:
            _refused(request, error)
        else:
            messages.success(request, _("Completion recorded; the action now awaits verification."))
            return redirect(action.get_absolute_url())
    return render(
        request, "nonconformities/action.html", _action_context(request, action, complete_form=form), status=400
    )


@login_required
@require_POST
def action_verify(request, pk):
    action = _visible_action(request, pk)
    form = VerifyForm(request.POST)
    if form.is_valid():
        try:
            services.action_verify(
                action=action,
                user=request.user,
                effective=form.cleaned_data["effective"],
                comment=form.cleaned_data["comment"],
                version=form.cleaned_data["version"],
            )
        except services.NotPermitted as error:
            raise PermissionDenied(error.message) from error
        except services.NonconformityError as error:
            _refused(request, error)
        else:
            messages.success(request, _("Verification recorded."))
            return redirect(action.get_absolute_url())
    return render(
        request, "nonconformities/action.html", _action_context(request, action, verify_form=form), status=400
    )


@login_required
def action_edit(request, pk):
    action = _visible_action(request, pk)
    steps = {step.action: step for step in selectors.action_actions(user=request.user, action=action)}
    if not steps["edit"].allowed:
        raise PermissionDenied
    if request.method == "POST":
        form = ActionEditForm(request.POST)
        if form.is_valid():
            data = dict(form.cleaned_data)
            version, reason = data.pop("version"), data.pop("reason")
            try:
                services.action_update(action=action, user=request.user, version=version, reason=reason, **data)
            except services.NonconformityError as error:
                if _missing_reason(error, form.cleaned_data, data, action):
                    form.add_error("reason", error.message)
                else:
                    _refused(request, error)
            else:
                messages.success(request, _("Saved."))
                return redirect(action.get_absolute_url())
    else:
        form = ActionEditForm(
            initial={
                "kind": action.kind,
                "description": action.description,
                "owner": action.owner_id,
                "due_date": action.due_date,
                "version": action.version,
            }
        )
    return render(request, "nonconformities/action_edit.html", {"action": action, "form": form})


@login_required
def my_actions(request):
    return render(
        request,
        "nonconformities/my_actions.html",
        {
            "actions": selectors.actions_of(request.user),
            "done": selectors.actions_of(request.user, open_only=False).exclude(
                status__in=CorrectiveAction.OPEN_STATUSES
            )[:20],
        },
    )


@login_required
def evidence(request, pk):
    """Evidence files are served only to those who may see the action (and so what it answers)."""
    record = get_object_or_404(EvidenceFile.objects.select_related("action__nonconformity"), pk=pk)
    if not request.user.has_perm("nonconformities.read_action", record.action):
        raise Http404
    return FileResponse(record.file.open("rb"), as_attachment=True, filename=record.name)
