"""Site views of feedback and satisfaction (ISO 9001 8.2.1 c), 9.1.2).

Public (anonymous): the feedback form, its reference page, the status lookup by reference and contact,
and the satisfaction survey. Staff: the handler's page, a record's page with the actions the person may
take (`actions.available_actions`), recording feedback received by phone, letter or at the desk, and
the satisfaction figures. Views collect input and show the outcome; every change goes through `services`.
"""

import datetime

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from wagtail.models import Page

from qms.core.lockout import client_address
from qms.core.models import OrganisationUnit
from qms.core.records import QmsError, with_status
from qms.core.timeline import timeline

from . import actions, rules, selectors, services
from .forms import PublicFeedbackForm, RecordForm, StatusLookupForm, SurveyForm
from .models import Feedback

SENT_KEY = "qms.feedback.sent"


def public_page(pk):
    """The live page a citizen came from, if anonymous visitors may read it (else None: nothing is prefilled)."""
    if not str(pk or "").isdigit():
        return None
    page = Page.objects.live().filter(pk=int(pk)).first()
    if page is None or page.get_view_restrictions().exists():
        return None
    specific = page.specific
    if not getattr(specific, "is_public", True):
        return None
    return specific


# --- public -------------------------------------------------------------------------------------------


def feedback_new(request):
    """The public feedback form ("Góp ý về thủ tục này"), `?page=<id>` prefilling the procedure."""
    page = public_page(request.POST.get("page") if request.method == "POST" else request.GET.get("page"))
    if request.method == "POST":
        form = PublicFeedbackForm(request.POST, request.FILES)
        if form.is_valid():
            data = form.cleaned_data
            try:
                feedback = services.feedback_receive(
                    kind=data["kind"],
                    text=data["text"],
                    name=data["name"],
                    email=data["email"],
                    phone=data["phone"],
                    page=page,
                    attachment=data.get("attachment"),
                    sender_address=client_address(request),
                    language=request.LANGUAGE_CODE,
                )
            except QmsError as error:
                form.add_error(None, error.message)
                status = 429 if isinstance(error, services.TooMany) else 400
            else:
                request.session[SENT_KEY] = {"reference": feedback.reference, "email": bool(feedback.email)}
                return redirect("feedback:sent")
        else:
            status = 400
        return render(request, "feedback/public_form.html", {"form": form, "procedure": page}, status=status)
    form = PublicFeedbackForm(initial={"page": page.pk if page else None})
    return render(request, "feedback/public_form.html", {"form": form, "procedure": page})


def feedback_sent(request):
    """The reference page, for the browser that sent the feedback only (the session holds the reference)."""
    sent = request.session.get(SENT_KEY)
    if not sent:
        return redirect("feedback:new")
    return render(request, "feedback/public_sent.html", {"sent": sent})


def feedback_status(request):
    """Status by reference and contact (posted, so the contact is in no address bar or log)."""
    found, looked, status = None, False, 200
    if request.method == "POST":
        form = StatusLookupForm(request.POST)
        if form.is_valid():
            try:
                found = services.status_lookup(
                    reference=form.cleaned_data["reference"],
                    contact=form.cleaned_data["contact"],
                    sender_address=client_address(request),
                )
            except services.TooManyLookups as error:
                form.add_error(None, error.message)
                status = 429
            else:
                looked = True
    else:
        form = StatusLookupForm(initial={"reference": request.GET.get("reference", "")})
    context = {"form": form, "found": found, "looked": looked}
    if found is not None:
        context["status_label"] = selectors.public_status_label(found)
    return render(request, "feedback/public_status.html", context, status=status)


def survey(request, page_id=None):
    """The satisfaction survey, from a link or the QR code of a procedure's receipt slip (ISO 9001 9.1.2)."""
    page = public_page(page_id or request.POST.get("page") or request.GET.get("page"))
    if request.method == "POST":
        form = SurveyForm(request.POST)
        if form.is_valid():
            try:
                services.survey_respond(
                    rating=form.cleaned_data["rating"],
                    comment=form.cleaned_data["comment"],
                    answers=form.answers(),
                    page=page,
                    sender_address=client_address(request),
                )
            except QmsError as error:
                form.add_error(None, error.message)
                status = 429 if isinstance(error, services.TooMany) else 400
            else:
                return render(request, "feedback/survey_thanks.html", {"procedure": page})
        else:
            status = 400
        return render(request, "feedback/survey.html", {"form": form, "procedure": page}, status=status)
    form = SurveyForm(initial={"page": page.pk if page else None})
    return render(request, "feedback/survey.html", {"form": form, "procedure": page})


def survey_slip(request, page_id):
    """A printable slip with the survey's address for one procedure, to hand out with the receipt."""
    page = public_page(page_id)
    if page is None:
        raise Http404
    url = request.build_absolute_uri(reverse("feedback:survey_page", args=[page.pk]))
    # segno draws the QR code as inline SVG (no image files, prints sharp); its markup holds only the
    # modules' path, never the URL's text, so it is safe to mark safe.
    qr = mark_safe(segno.make(url, error="m").svg_inline(scale=4))
    return render(request, "feedback/survey_slip.html", {"procedure": page, "url": url, "qr": qr})


# --- staff --------------------------------------------------------------------------------------------


def _visible(request, pk):
    feedback = get_object_or_404(Feedback.objects.select_related("unit", "handler", "page", "nonconformity"), pk=pk)
    if not request.user.has_perm("feedback.read_feedback", feedback):
        raise Http404  # other units' feedback is not even confirmed to exist
    return feedback


@login_required
def mine(request):
    """The handler's page: what is assigned to me, and what awaits my approval."""
    user = request.user
    approvals = [fb for fb in selectors.awaiting_approval() if rules.may_approve_answer(user, fb)]
    return render(
        request,
        "feedback/mine.html",
        {"assigned": selectors.feedback_of_handler(user), "approvals": approvals, "today": timezone.localdate()},
    )


@login_required
def register(request):
    qs = selectors.feedback_visible_to(request.user)
    status = request.GET.get("status", "")
    qs = with_status(qs, status)
    return render(
        request,
        "feedback/register.html",
        {"items": qs[:500], "status": status, "statuses": Feedback.Status.choices, "today": timezone.localdate()},
    )


def detail_context(request, feedback, **forms):
    available = actions.available_actions(request.user, feedback)
    for item in available:
        if item["name"] in forms:
            item["form"] = forms[item["name"]]
    return {
        "feedback": feedback,
        "show_contact": request.user.has_perm("feedback.see_contact", feedback),
        "actions": available,
        "timeline": _timeline(feedback),
        "procedure": feedback.page.specific if feedback.page_id else None,
    }


def _timeline(feedback):
    # The kit's one timeline (who, when, old and new, the whole reason; ISO 9001 7.5.3). The citizen's
    # contact and the sender's HMAC are not in the history at all (the model's excluded_fields).
    return timeline(feedback)


@login_required
def detail(request, pk):
    feedback = _visible(request, pk)
    return render(request, "feedback/detail.html", detail_context(request, feedback))


@login_required
@require_POST
def act(request, pk, name):
    feedback = _visible(request, pk)
    try:
        result, form = actions.perform(name, feedback=feedback, user=request.user, data=request.POST)
    except QmsError as error:
        messages.error(request, error.message)
        return redirect(feedback.get_absolute_url())
    if result is None:
        feedback.refresh_from_db()
        return render(request, "feedback/detail.html", detail_context(request, feedback, **{name: form}), status=400)
    if name == "raise_nonconformity":
        messages.success(request, _("%(nc)s is raised.") % {"nc": result.reference})
    else:
        messages.success(request, _("Done."))
    return redirect(feedback.get_absolute_url())


@login_required
def record(request):
    """Record feedback received by phone, letter, e-mail or at the one-stop desk, with its channel."""
    if not request.user.has_perm("feedback.record_feedback"):
        raise PermissionDenied
    if request.method == "POST":
        form = RecordForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                feedback = services.feedback_receive(
                    kind=data["kind"],
                    text=data["text"],
                    name=data["name"],
                    email=data["email"],
                    phone=data["phone"],
                    channel=data["channel"],
                    unit=data.get("unit"),
                    user=request.user,
                    language=request.LANGUAGE_CODE,
                )
            except QmsError as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, _("Thank you. %(ref)s is recorded.") % {"ref": feedback.reference})
                if request.user.has_perm("feedback.read_feedback", feedback):
                    return redirect(feedback.get_absolute_url())
                return redirect("feedback:record")
    else:
        form = RecordForm(initial={"unit": request.user.unit_id})
    return render(request, "feedback/record.html", {"form": form})


@login_required
def attachment(request, pk):
    """The citizen's attachment, to those who may see their contact (it is stored privately)."""
    feedback = _visible(request, pk)
    if not feedback.attachment or not request.user.has_perm("feedback.see_attachment", feedback):
        raise Http404
    return FileResponse(feedback.attachment.open("rb"), as_attachment=True, filename=feedback.attachment_name or "file")


def _period(request):
    today = timezone.localdate()
    try:
        start = datetime.date.fromisoformat(request.GET.get("start", ""))
    except ValueError:
        start = today.replace(day=1) - datetime.timedelta(days=365)
        start = start.replace(day=1)
    try:
        end = datetime.date.fromisoformat(request.GET.get("end", ""))
    except ValueError:
        end = today
    return start, end


@login_required
def satisfaction(request):
    """Satisfaction per procedure, unit and period: count, mean, share satisfied, and the monthly trend (9.1.2)."""
    start, end = _period(request)
    unit = (
        OrganisationUnit.objects.filter(pk=request.GET.get("unit") or None).first()
        if request.GET.get("unit", "").isdigit()
        else None
    )
    page = Page.objects.filter(pk=request.GET["page"]).first() if request.GET.get("page", "").isdigit() else None
    responses = selectors.survey_responses(page=page, unit=unit, start=start, end=end)
    trend = selectors.satisfaction_trend(responses)
    return render(
        request,
        "feedback/satisfaction.html",
        {
            "start": start,
            "end": end,
            "unit": unit,
            "procedure": page,
            "units": OrganisationUnit.objects.filter(is_active=True),
            "figures": selectors.satisfaction_figures(responses),
            "by_page": selectors.satisfaction_by(responses, "page"),
            "by_unit": selectors.satisfaction_by(responses, "unit"),
            "trend": trend,
            "chart": selectors.trend_chart(trend),
        },
    )


def nonconformity_section(request, nonconformity):
    """The feedback that raised `nonconformity`, on its page (qms_nonconformity_sections), for those who may
    read that feedback: the way back of the link both ways (ISO 9001 10.2.1)."""
    feedback = Feedback.objects.filter(nonconformity=nonconformity).first()
    if feedback is None or not request.user.has_perm("feedback.read_feedback", feedback):
        return ""
    return render_to_string("feedback/_nonconformity_section.html", {"feedback": feedback}, request=request)
