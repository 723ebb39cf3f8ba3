"""The public pages of the administrative procedures: what citizens read before they apply (ISO 9001 8.2.1 a).

No log-in: a citizen searches the list by name, code or field, filters it by level and field, and opens
a procedure with its time limits, fees, dossier components and their forms, legal basis and, where it is
public, the internal process. Only published procedures (in force or amended, public) are shown.
"""

from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_GET

from . import selectors
from .models import Level


@require_GET
def procedure_list(request):
    page, fields = selectors.public_list(
        query=request.GET.get("q", ""),
        level=request.GET.get("level", ""),
        field=request.GET.get("field", ""),
        page=request.GET.get("page", 1),
    )
    return render(
        request,
        "procedures/list.html",
        {
            "page_obj": page,
            "fields": fields,
            "levels": Level.choices,
            "q": request.GET.get("q", ""),
            "level": request.GET.get("level", ""),
            "field": request.GET.get("field", ""),
        },
    )


@require_GET
def procedure_detail(request, code):
    procedure = selectors.public_detail(code)
    if procedure is None:
        raise Http404
    return render(
        request,
        "procedures/detail.html",
        {"procedure": procedure, "documents": selectors.public_documents(procedure, request.user)},
    )
