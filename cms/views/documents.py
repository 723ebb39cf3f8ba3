"""The list and search of current documents on the site (ISO 9001 7.5.3.1 a).

Only live, not withdrawn documents are listed; anonymous visitors see only the public ones.
"""

from django.core.paginator import Paginator
from django.template.response import TemplateResponse

from qms.core.models import OrganisationUnit

from .. import selectors


def document_list(request):
    raw_query = request.GET.get("q", "")
    query = selectors.clean_search_query(raw_query)
    unit_id = request.GET.get("unit", "")
    unit = OrganisationUnit.objects.filter(pk=unit_id).first() if unit_id.isdigit() else None
    results = selectors.search_documents(user=request.user, query=raw_query, unit=unit)
    page_obj = Paginator(results, 50).get_page(request.GET.get("page"))
    units = OrganisationUnit.objects.filter(documents__live=True).distinct().order_by("code")
    return TemplateResponse(
        request,
        "cms/document_list.html",
        {"page_obj": page_obj, "query": query, "unit": unit, "units": units},
    )
