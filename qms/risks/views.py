"""Site pages of the risk register (ISO 9001 6.1): the list with its filters, the heat map, a risk with its
next steps, reviews, treatment actions and history, the Excel register.

Views collect input and show the outcome; every change goes through `services`, and every refusal comes back
as a message with nothing changed.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qms.core.records import QmsError
from qms.core.timeline import timeline
from qms.nonconformities.selectors import origin_actions_context

from . import register, scoring, selectors, services
from .forms import AssessForm, CloseForm, FilterForm, LinkNonconformityForm, ReviewForm, TreatmentForm
from .models import Risk


def _visible(request, pk):
    risk = get_object_or_404(
        Risk.objects.select_related("unit", "owner", "document", "procedure", "identified_by"), pk=pk
    )
    if not request.user.has_perm("risks.read_risk", risk):
        # Other units' risks are not even confirmed to exist.
        raise Http404
    return risk


@login_required
def risk_list(request):
    filters = selectors.clean_filters(request.GET)
    risks = selectors.risk_list(request.user, filters)
    return render(
        request,
        "risks/list.html",
        {
            "risks": risks,
            "filters": filters,
            "form": FilterForm(initial=filters),
            "can_export": request.user.has_perm("risks.read_register"),
        },
    )


def cell_url(cell, filters, *, residual=False):
    names = ("residual_likelihood", "residual_impact") if residual else ("likelihood", "impact")
    params = {**filters, names[0]: cell.likelihood, names[1]: cell.impact}
    return f"{reverse('risks:list')}?{urlencode(params)}"


@login_required
def heat_map(request):
    """The likelihood × impact grid of the open risks the person may read; each cell links to its risks."""
    filters = {k: v for k, v in selectors.clean_filters(request.GET).items() if k in ("kind", "unit", "owner")}
    rows = selectors.heat_map(request.user, filters)
    for row in rows:
        for index, cell in enumerate(row):
            row[index] = {"cell": cell, "url": cell_url(cell, filters)}
    return render(
        request,
        "risks/heat_map.html",
        {
            "rows": rows,
            "ratings": scoring.ratings(),
            "filters": filters,
            "kinds": Risk.Kind.choices,
            "unrated": selectors.unrated_count(request.user),
            "total": sum(entry["cell"].count for row in rows for entry in row),
            "bands": scoring.Band,
        },
    )


def _detail_context(request, risk, **forms):
    user = request.user
    steps = {step.action: step for step in selectors.risk_actions(user, risk)}
    initial = {"version": risk.version}
    reviews = list(risk.reviews.select_related("reviewed_by"))
    context = {
        "risk": risk,
        "steps": steps,
        "reviews": reviews,
        "nonconformities": list(risk.nonconformities.all()),
        "timeline": timeline(risk, related=reviews),
        "assess_form": AssessForm(
            prefix="assess",
            initial={
                **initial,
                "likelihood": risk.likelihood,
                "impact": risk.impact,
                "existing_controls": risk.existing_controls,
            },
        ),
        "treatment_form": TreatmentForm(
            risk=risk,
            prefix="treatment",
            initial={
                **initial,
                "treatment": risk.treatment,
                "plan": risk.treatment_plan,
                "justification": risk.acceptance_justification,
                "review_date": risk.review_date,
            },
        ),
        "review_form": ReviewForm(
            risk=risk,
            prefix="review",
            initial={
                **initial,
                "residual_likelihood": risk.residual_likelihood,
                "residual_impact": risk.residual_impact,
            },
        ),
        "close_form": CloseForm(initial=initial, prefix="close"),
        "link_form": LinkNonconformityForm(initial=initial, prefix="link"),
    }
    # Its treatment actions are corrective actions whose origin is the risk (one kind of action, 6.1.2 b):
    # the nonconformities app lists them and plans one (qms_action_origins).
    context.update(origin_actions_context(user, risk))
    context.update(forms)
    return context


@login_required
def detail(request, pk):
    risk = _visible(request, pk)
    return render(request, "risks/detail.html", _detail_context(request, risk))


def _refused_or_done(request, risk, call, success):
    try:
        call()
    except QmsError as error:
        messages.error(request, error.message)
        return False
    messages.success(request, success)
    return True


def _step(request, pk, form_class, context_name, run, success, *, with_risk=False):
    """One POSTed step: a valid form goes to the service; an invalid one is shown again on the risk's page."""
    risk = _visible(request, pk)
    # Each step's form has its own prefix (the page holds them all): "assess_form" → "assess".
    prefix = context_name.removesuffix("_form")
    kwargs = {"risk": risk} if with_risk else {}
    form = form_class(request.POST, prefix=prefix, **kwargs)
    if form.is_valid():
        data = form.cleaned_data
        if _refused_or_done(request, risk, lambda: run(risk, data), success):
            return redirect(risk.get_absolute_url())
        # A refusal keeps what the person typed.
    context = _detail_context(request, risk, **{context_name: form})
    return render(request, "risks/detail.html", context, status=400 if form.errors else 409)


@login_required
@require_POST
def assess(request, pk):
    def run(risk, data):
        services.risk_assess(
            risk=risk,
            user=request.user,
            likelihood=data["likelihood"],
            impact=data["impact"],
            existing_controls=data["existing_controls"],
            version=data["version"],
            reason=data["reason"],
        )

    return _step(request, pk, AssessForm, "assess_form", run, _("Risk assessed."))


@login_required
@require_POST
def treatment(request, pk):
    def run(risk, data):
        services.risk_plan_treatment(
            risk=risk,
            user=request.user,
            treatment=data["treatment"],
            plan=data["plan"],
            justification=data["justification"],
            review_date=data["review_date"],
            version=data["version"],
            reason=data["reason"],
        )

    return _step(request, pk, TreatmentForm, "treatment_form", run, _("Treatment decided."), with_risk=True)


@login_required
@require_POST
def review(request, pk):
    def run(risk, data):
        services.risk_review(
            risk=risk,
            user=request.user,
            residual_likelihood=data["residual_likelihood"],
            residual_impact=data["residual_impact"],
            effectiveness=data["effectiveness"],
            comment=data["comment"],
            next_review_date=data["next_review_date"],
            version=data["version"],
            reason=data["reason"],
        )

    return _step(request, pk, ReviewForm, "review_form", run, _("Review recorded."), with_risk=True)


@login_required
@require_POST
def close(request, pk):
    def run(risk, data):
        services.risk_close(risk=risk, user=request.user, version=data["version"], reason=data["reason"])

    return _step(request, pk, CloseForm, "close_form", run, _("Risk closed."))


@login_required
@require_POST
def link_nonconformity(request, pk):
    def run(risk, data):
        services.risk_link_nonconformity(
            risk=risk,
            nonconformity=data["nonconformity"],
            user=request.user,
            version=data["version"],
            reason=data["reason"],
        )

    return _step(request, pk, LinkNonconformityForm, "link_form", run, _("Nonconformity linked."))


@login_required
@require_POST
def unlink_nonconformity(request, pk, nc_pk):
    risk = _visible(request, pk)
    nc = get_object_or_404(risk.nonconformities, pk=nc_pk)
    _refused_or_done(
        request,
        risk,
        lambda: services.risk_unlink_nonconformity(
            risk=risk,
            nonconformity=nc,
            user=request.user,
            version=request.POST.get("version"),
            reason=request.POST.get("reason", ""),
        ),
        _("Link removed."),
    )
    return redirect(risk.get_absolute_url())


def nonconformity_section(request, nonconformity):
    """The risks that materialised as `nonconformity`, on its page (qms_nonconformity_sections): those the
    person may read."""
    user = request.user
    risks = [risk for risk in nonconformity.risks.select_related("unit") if user.has_perm("risks.read_risk", risk)]
    if not risks:
        return ""
    return render_to_string("risks/_nonconformity_section.html", {"risks": risks}, request=request)


@login_required
def export(request):
    if not request.user.has_perm("risks.read_register"):
        raise PermissionDenied
    filters = selectors.clean_filters(request.GET)
    risks = selectors.filtered(Risk.objects.all(), filters)
    return register.register_workbook(user=request.user, risks=risks).response(register.register_filename())
