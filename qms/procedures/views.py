"""The public pages of the administrative procedures: what citizens read before they apply (ISO 9001 8.2.1 a).

No log-in: a citizen searches the list by name, code or field, filters it by level and field, and opens
a procedure with its time limits, fees, dossier components and their forms, legal basis and, where it is
public, the internal process. Only published procedures (in force or amended, public) are shown; the
list's body is cached until the register changes (public_cache).
"""

from django.http import Http404
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET

from . import public_cache, selectors
from .models import Level


@require_GET
def procedure_list(request):
    params = public_cache.question(request.GET)
    body = public_cache.body(params, lambda: _list_body(params))
    # Our own render of our own template (autoescaped), as it came out of render_to_string.
    return render(request, "procedures/list.html", {"body": mark_safe(body)})


def _list_body(params):
    """The list's body, rendered without the request: nothing of the reader can get into the shared entry."""
    page, fields = selectors.public_list(
        query=params["q"], level=params["level"], field=params["field"], page=params["page"] or 1
    )
    return render_to_string(
        "procedures/_list_body.html",
        {
            "page_obj": page,
            "fields": fields,
            "levels": Level.choices,
            "q": params["q"],
            "level": params["level"],
            "field": params["field"],
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
