"""The officer's screens in the Wagtail admin: the reviews and planning one, one review (pack, minutes,
decisions, approval, history), and the yearly report with its exports. Attendees read the review and download
its minutes on the site (views.py), where the admin's export links point too.

Views ask the rules (rules.py) and call the services; they restate no rule. A refused change shows its
message and leaves the record unchanged.
"""

import datetime

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from wagtail.permission_policies.pages import PagePermissionPolicy

from cms.selectors import current_documents
from qms.core import roles
from qms.core.models import OrganisationUnit, User
from qms.core.records import QmsError, local_day
from qms.core.timeline import timeline

from . import excel, report, selectors, services, word
from .charts import bar_chart
from .models import ManagementReview, ReviewDecision
from .views import decisions_for_page, pack_sections

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class PlanForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("title"), max_length=255)
    period_start = forms.DateField(label=gettext_lazy("period from"), widget=forms.DateInput(attrs={"type": "date"}))
    period_end = forms.DateField(label=gettext_lazy("period to"), widget=forms.DateInput(attrs={"type": "date"}))
    meeting_date = forms.DateField(label=gettext_lazy("meeting date"), widget=forms.DateInput(attrs={"type": "date"}))
    chair = forms.ModelChoiceField(label=gettext_lazy("chair"), queryset=User.objects.none())
    attendees = forms.ModelMultipleChoiceField(
        label=gettext_lazy("attendees"), queryset=User.objects.none(), required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        people = User.objects.filter(is_active=True).order_by("username")
        self.fields["chair"].queryset = people.filter(pk__in=roles.active_member_ids(roles.APPROVERS))
        self.fields["attendees"].queryset = people


def _review_or_403(request, pk, perm="management_review.read_review"):
    review = get_object_or_404(ManagementReview.objects.select_related("chair", "officer"), pk=pk)
    if not request.user.has_perm(perm, review):
        raise PermissionDenied
    return review


def review_list(request):
    reviews = selectors.reviews_for(request.user)
    can_manage = request.user.has_perm("management_review.manage_review")
    form = PlanForm(request.POST or None) if can_manage else None
    if request.method == "POST":
        if not can_manage:
            raise PermissionDenied
        if form.is_valid():
            try:
                review = services.review_plan(user=request.user, **form.cleaned_data)
            except QmsError as error:
                messages.error(request, error.message)
            else:
                messages.success(request, _("Review planned."))
                return redirect("management_review:detail", review.pk)
    return TemplateResponse(
        request,
        "management_review/list.html",
        {"reviews": reviews, "form": form, "can_manage": can_manage},
    )


def review_detail(request, pk):
    review = _review_or_403(request, pk)
    can_manage = request.user.has_perm("management_review.manage_review", review) and not review.is_locked
    context = {
        "review": review,
        "sections": pack_sections(review),
        "decisions": decisions_for_page(review, request.user),
        "can_manage": can_manage,
        "allowed": selectors.allowed_actions(user=request.user, review=review),
        "timeline": timeline(review, related=list(review.decisions.all()) + list(review.sections.all())),
        "decision_kinds": ReviewDecision.Kind.choices,
        "people": User.objects.filter(is_active=True).order_by("username"),
        "units": OrganisationUnit.objects.order_by("code"),
        # The documents whose revision this person may start: current ones they may edit.
        "documents": current_documents(user=request.user)
        .filter(pk__in=PagePermissionPolicy().instances_user_has_permission_for(request.user, "change"))
        .only("pk", "identifier", "title")
        if can_manage
        else (),
    }
    return TemplateResponse(request, "management_review/detail.html", context)


@require_POST
def review_act(request, pk, name):
    review = _review_or_403(request, pk)
    post = request.POST
    try:
        if name == "prepare":
            services.pack_prepare(review=review, user=request.user, version=post.get("version"))
        elif name == "section":
            services.section_update(
                review=review,
                user=request.user,
                key=post["key"],
                summary=post.get("summary"),
                discussion=post.get("discussion"),
            )
        elif name == "free-text":
            services.review_update(
                review=review,
                user=request.user,
                version=post.get("version"),
                external_internal_issues=post.get("external_internal_issues", ""),
                external_providers=post.get("external_providers", ""),
                resources=post.get("resources", ""),
            )
        elif name == "minutes":
            services.minutes_record(
                review=review,
                user=request.user,
                attendees=User.objects.filter(pk__in=post.getlist("attendees")),
                attendance_note=post.get("attendance_note", ""),
                conclusion=post.get("conclusion", ""),
                version=post.get("version"),
            )
        elif name == "decision":
            owner = User.objects.filter(pk=post.get("owner") or None).first()
            due = datetime.date.fromisoformat(post["due_date"]) if post.get("due_date") else None
            services.decision_record(
                review=review,
                user=request.user,
                kind=post.get("kind", ""),
                text=post.get("text", ""),
                owner=owner,
                due_date=due,
            )
        elif name == "raise-nonconformity":
            decision = get_object_or_404(ReviewDecision, pk=post.get("decision"), review=review)
            services.decision_raise_nonconformity(
                decision=decision, user=request.user, unit=get_object_or_404(OrganisationUnit, pk=post.get("unit"))
            )
        elif name == "start-revision":
            decision = get_object_or_404(ReviewDecision, pk=post.get("decision"), review=review)
            document = get_object_or_404(current_documents(user=request.user), pk=post.get("document"))
            services.decision_start_revision(decision=decision, user=request.user, document=document)
        elif name == "approve":
            services.minutes_approve(review=review, user=request.user, version=post.get("version"))
        else:
            raise PermissionDenied
    except QmsError as error:
        messages.error(request, error.message)
    except (KeyError, ValueError):
        messages.error(request, _("The request was incomplete; nothing was changed."))
    else:
        messages.success(request, _("Done."))
    return redirect("management_review:detail", review.pk)


def _report_year(request):
    if not request.user.has_perm("management_review.read_report"):
        raise PermissionDenied
    try:
        return int(request.GET.get("year") or request.POST.get("year") or local_day().year)
    except ValueError:
        return local_day().year


def yearly_report(request):
    year = _report_year(request)
    can_manage = request.user.has_perm("management_review.manage_report")
    if request.method == "POST":
        if not can_manage:
            raise PermissionDenied
        post = request.POST
        try:
            decision_date = datetime.date.fromisoformat(post["decision_date"]) if post.get("decision_date") else None
            services.report_update(
                year=year,
                user=request.user,
                texts={key: post.get(f"text_{key}", "") for key, _label, _keys in report.SECTIONS},
                decision_number=post.get("decision_number", ""),
                decision_date=decision_date,
                scope=post.get("scope", ""),
                version=post.get("version"),
            )
        except QmsError as error:
            messages.error(request, error.message)
        except ValueError:
            messages.error(request, _("The request was incomplete; nothing was changed."))
        else:
            messages.success(request, _("Done."))
        return redirect(f"{request.path}?year={year}")
    record, sections = report.report_sections(year)
    for section in sections:
        for item in section["inputs"]:
            item["svgs"] = [bar_chart(chart) for chart in item.get("charts", [])]
    return TemplateResponse(
        request,
        "management_review/report.html",
        {"year": year, "report": record, "sections": sections, "can_manage": can_manage},
    )


def yearly_report_docx(request):
    year = _report_year(request)
    record, sections = report.report_sections(year)
    response = HttpResponse(word.report_docx(year, record, sections), content_type=DOCX)
    response["Content-Disposition"] = f'attachment; filename="bao-cao-iso-{year}.docx"'
    return response


def yearly_report_xlsx(request):
    year = _report_year(request)
    record, sections = report.report_sections(year)
    book = excel.report_workbook(year, record, sections, user=request.user)
    response = HttpResponse(content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="bao-cao-iso-{year}.xlsx"'
    book.save(response)
    return response
