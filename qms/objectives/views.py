"""Site pages of the quality objectives (ISO 9001 6.2, 9.1.3): the table with health, an objective with its charts.

Views collect input and show the outcome; every change goes through `services`, and every refusal comes
back as a message with nothing changed.
"""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qms.core.records import QmsError

from . import register, selectors, services
from .chart import indicator_chart
from .forms import MeasurementForm, StepForm
from .models import Health, Indicator, Measurement, QualityObjective


def _visible(request, pk):
    objective = get_object_or_404(QualityObjective.objects.select_related("unit", "owner", "approved_by"), pk=pk)
    if not request.user.has_perm("objectives.read_objective", objective):
        # Other units' objectives are not even confirmed to exist.
        raise Http404
    return objective


@login_required
def objective_list(request):
    year = request.GET.get("year", "")
    year = int(year) if year.isdigit() else None
    status = request.GET.get("status", "")
    status = status if status in QualityObjective.Status.values else None
    objectives = selectors.objective_table(request.user, year=year, status=status)
    return render(
        request,
        "objectives/list.html",
        {
            "objectives": objectives,
            "year": year,
            "status": status or "",
            "statuses": QualityObjective.Status.choices,
            "years": sorted({o.year for o in objectives} | {timezone.localdate().year}, reverse=True),
            "healths": Health,
            "can_export": request.user.has_perm("objectives.read_register"),
        },
    )


@login_required
def detail(request, pk):
    objective = _visible(request, pk)
    indicators = selectors.objective_detail(objective)
    user = request.user
    for indicator in indicators:
        indicator.chart = indicator_chart(indicator, indicator.series)
        indicator.can_record = objective.in_force and user.has_perm("objectives.record_measurement", indicator)
        indicator.can_raise = user.has_perm("objectives.raise_nonconformity", indicator)
        if indicator.can_record:
            today = timezone.localdate()
            current = indicator.period_of(today)
            initial = {"period_start": (current or next(indicator.periods()))[0].isoformat()}
            indicator.form = MeasurementForm(indicator=indicator, initial=initial, prefix=f"i{indicator.pk}")
    steps = [step for step in selectors.objective_actions(user, objective) if step.allowed]
    return render(
        request,
        "objectives/detail.html",
        {
            "objective": objective,
            "indicators": indicators,
            "health": selectors.health_of_indicators(indicators),
            "documents": list(objective.documents.all()),
            "steps": steps,
            "timeline": selectors.objective_history(objective, indicators),
        },
    )


@login_required
@require_POST
def step(request, pk):
    objective = _visible(request, pk)
    form = StepForm(request.POST)
    if not form.is_valid():
        messages.error(request, str(services.ConflictError.default_message))
        return redirect(objective.get_absolute_url())
    data = form.cleaned_data
    try:
        if data["target"] == QualityObjective.Status.APPROVED:
            services.objective_approve(
                objective=objective, user=request.user, version=data["version"], reason=data["reason"]
            )
        else:
            services.objective_close(
                objective=objective,
                user=request.user,
                target=data["target"],
                version=data["version"],
                reason=data["reason"],
            )
    except QmsError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Done."))
    return redirect(objective.get_absolute_url())


@login_required
@require_POST
def measure(request, pk):
    indicator = get_object_or_404(Indicator.objects.select_related("objective"), pk=pk)
    objective = _visible(request, indicator.objective_id)
    form = MeasurementForm(request.POST, request.FILES, indicator=indicator, prefix=f"i{indicator.pk}")
    if not form.is_valid():
        problems = "; ".join(str(e) for errors in form.errors.values() for e in errors)
        messages.error(request, problems)
        return redirect(objective.get_absolute_url())
    data = form.cleaned_data
    try:
        services.measurement_record(
            indicator=indicator,
            period_start=data["period_start"],
            value=data["value"],
            comment=data["comment"],
            evidence=data.get("evidence"),
            reason=data["reason"],
            version=form.expected_version(),
            user=request.user,
        )
    except QmsError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Measurement recorded."))
    return redirect(objective.get_absolute_url())


@login_required
@require_POST
def compute(request, pk):
    indicator = get_object_or_404(Indicator.objects.select_related("objective"), pk=pk)
    objective = _visible(request, indicator.objective_id)
    try:
        start = datetime.date.fromisoformat(request.POST.get("period_start", ""))
    except ValueError:
        start = None
    try:
        measurement = services.measurement_compute(indicator=indicator, period_start=start, user=request.user)
    except QmsError as error:
        messages.error(request, error.message)
    else:
        if measurement is None:
            messages.warning(request, _("Nothing to count in this period: no value was recorded."))
        else:
            messages.success(request, _("Measurement recorded."))
    return redirect(objective.get_absolute_url())


@login_required
@require_POST
def raise_nonconformity(request, pk):
    measurement = get_object_or_404(Measurement.objects.select_related("indicator__objective"), pk=pk)
    objective = _visible(request, measurement.indicator.objective_id)
    try:
        nc = services.measurement_raise_nonconformity(measurement=measurement, user=request.user)
    except QmsError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Nonconformity %(ref)s raised.") % {"ref": nc.reference})
    return redirect(objective.get_absolute_url())


@login_required
def evidence(request, pk):
    measurement = get_object_or_404(Measurement.objects.select_related("indicator__objective"), pk=pk)
    _visible(request, measurement.indicator.objective_id)
    if not measurement.evidence:
        raise Http404
    return FileResponse(
        measurement.evidence.open("rb"), as_attachment=True, filename=measurement.evidence.name.rsplit("/", 1)[-1]
    )


@login_required
def export(request):
    if not request.user.has_perm("objectives.read_register"):
        raise PermissionDenied
    return register.register_workbook(user=request.user).response(register.register_filename())
