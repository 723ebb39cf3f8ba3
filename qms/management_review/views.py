"""The management review on the site (ISO 9001 9.3, 7.4): the reviews a person may read, one review with its
pack, minutes, decisions and attendees, and its downloads (the Word minutes, the pack in Excel, a printable
page). Attendees without admin access read their minutes here; the chair may approve them here. The officer
plans and edits in the admin (admin_views.py), whose export links point here.

Who may read is `management_review.read_review` (rules.py); a review someone may not read is not even
confirmed to exist (404). What a person may do next comes from selectors.review_actions.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qms.core.records import QmsError
from qms.nonconformities.forms import ActionForm
from qms.nonconformities.models import CorrectiveAction

from . import excel, selectors, services, word
from .charts import bar_chart
from .models import ManagementReview

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def pack_sections(review):
    """The frozen pack's sections with the officer's texts and their charts drawn, for the pages."""
    texts = {s.key: s for s in review.sections.all()}
    return [
        {
            **section,
            "heading": excel.section_heading(section),
            "text": texts.get(section["key"]),
            "svgs": [bar_chart(chart) for chart in section.get("charts", [])],
        }
        for section in review.pack.get("sections", [])
    ]


def decisions_for_page(review, user):
    """The decisions with their actions and, for someone who may plan a decision's actions
    (nonconformities.plan_actions), the form that plans another one through the shared action pages."""
    decisions = selectors.decisions_with_actions(review)
    owners = None
    for decision in decisions:
        if user.has_perm("nonconformities.plan_actions", decision):
            decision.plan_url = reverse(
                "nonconformities:action_new_for", args=[decision._meta.label_lower, decision.pk]
            )
            form = ActionForm(
                initial={"kind": CorrectiveAction.Kind.IMPROVEMENT, "description": decision.text},
                auto_id=f"decision{decision.pk}_%s",
            )
            # The people to choose from are read once for every decision's form, not once per form.
            if owners is None:
                owners = list(iter(form.fields["owner"].choices))  # iter: no COUNT for a length
            form.fields["owner"].choices = owners
            decision.plan_form = form
    return decisions


def _readable(request, pk):
    review = get_object_or_404(
        ManagementReview.objects.select_related("chair", "officer", "approved_by", "minutes_written_by"), pk=pk
    )
    if not request.user.has_perm("management_review.read_review", review):
        raise Http404
    return review


@login_required
def review_list(request):
    return render(request, "management_review/site_list.html", {"reviews": selectors.reviews_for(request.user)})


@login_required
def review_detail(request, pk, template="management_review/site_detail.html"):
    review = _readable(request, pk)
    context = {
        "review": review,
        "sections": pack_sections(review),
        "decisions": decisions_for_page(review, request.user),
        "attendees": list(review.attendees.order_by("username")),
        "allowed": selectors.allowed_actions(user=request.user, review=review),
        "can_manage": request.user.has_perm("management_review.manage_review", review),
    }
    return render(request, template, context)


@login_required
def review_print(request, pk):
    return review_detail(request, pk, template="management_review/print.html")


@login_required
@require_POST
def review_approve(request, pk):
    review = _readable(request, pk)
    try:
        services.minutes_approve(review=review, user=request.user, version=request.POST.get("version"))
    except QmsError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Minutes approved."))
    return redirect(review)


@login_required
def review_docx(request, pk):
    review = _readable(request, pk)
    body = word.minutes_docx(review, {s.key: s for s in review.sections.all()})
    response = HttpResponse(body, content_type=DOCX)
    response["Content-Disposition"] = f'attachment; filename="bien-ban-xem-xet-{review.pk}.docx"'
    return response


@login_required
def review_xlsx(request, pk):
    review = _readable(request, pk)
    texts = {s.key: s for s in review.sections.all()}
    book = excel.pack_workbook(review, texts, selectors.decisions_with_actions(review), user=request.user)
    return book.response(f"ho-so-xem-xet-{review.pk}.xlsx")
