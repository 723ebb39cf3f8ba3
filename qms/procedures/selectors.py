"""Reads of the register for the public pages and for the audits of its processes: a fixed number of queries
whatever its size (8.5.1, 7.5.3.1, 9.1.1)."""

from django.core.paginator import Paginator
from django.db.models import Q, Sum
from django.urls import reverse

from .models import AdministrativeProcedure, ApplicationWay, Level, ProcedurePerformance, TimeUnit, format_amount

PER_PAGE = 50


def published():
    """What a citizen may read: public procedures in force or amended (rules: procedures.read_procedure)."""
    return AdministrativeProcedure.objects.filter(is_public=True, status__in=AdministrativeProcedure.APPLICABLE)


def public_list(*, query="", level="", field="", page=1):
    """(page of rows, the fields to filter by): four queries at any size (the page, its count, its ways, the
    fields). A row is a dict of what the list prints, its ways already one line as `str(way)` prints them,
    its labels looked up once per list: the template prints 50 rows without going back to the models, the
    choices or a loop of ways, which were most of the time of a render (docs/performance.md)."""
    procedures = published()
    query = (query or "").strip()
    if query:
        procedures = procedures.filter(Q(name__icontains=query) | Q(code__icontains=query) | Q(field__icontains=query))
    if level in Level.values:
        procedures = procedures.filter(level=level)
    if field:
        procedures = procedures.filter(field=field)
    paginator = Paginator(procedures.order_by("code").values("pk", "code", "name", "level", "field"), PER_PAGE)
    page = paginator.get_page(page)
    rows = list(page.object_list)
    kinds, units, levels = (
        {value: str(label) for value, label in choices.choices} for choices in (ApplicationWay.Kind, TimeUnit, Level)
    )
    ways = {}
    for procedure_id, kind, time_limit, time_unit in (
        ApplicationWay.objects.filter(procedure_id__in=[row["pk"] for row in rows])
        .order_by("procedure_id", "sort_order", "pk")
        .values_list("procedure_id", "kind", "time_limit", "time_unit")
    ):
        ways.setdefault(procedure_id, []).append(
            f"{kinds.get(kind, kind)}: {format_amount(time_limit)} {units.get(time_unit, time_unit)}"
        )
    for row in rows:
        row["url"] = reverse("procedures:detail", args=[row["code"]])
        row["level"] = levels.get(row["level"], row["level"])
        row["ways"] = "; ".join(ways.get(row["pk"], ()))
    page.object_list = rows
    fields = list(published().order_by("field").values_list("field", flat=True).distinct())
    return page, fields


def public_detail(code):
    return published().filter(code=code).prefetch_related("ways", "fees", "legal_bases", "components__form").first()


def public_documents(procedure, user):
    """The internal processes of `procedure` a reader may open: live ones, and only public ones for a citizen."""
    documents = procedure.documents.filter(live=True).order_by("identifier")
    if not user.is_authenticated:
        documents = documents.filter(is_public=True, withdrawn_at__isnull=True)
    return documents.only("id", "identifier", "title", "url_path", "path", "depth")


def on_time_of_documents(document_ids, *, start, end):
    """{document id: [(procedure, resolved on time, resolved late)]}: the procedures in force or amended that
    each document implements, with their one-stop figures summed over the months in [start, end), for an
    audit of those processes (ISO 9001 9.1.1). Three queries however many documents and procedures."""
    # The link table's columns by the field, not by name: the document model is a setting (QMS_DOCUMENT_MODEL).
    field = AdministrativeProcedure.documents.field
    procedure_id, document_id = f"{field.m2m_field_name()}_id", f"{field.m2m_reverse_field_name()}_id"
    links = list(
        AdministrativeProcedure.documents.through.objects.filter(
            **{f"{document_id}__in": list(document_ids)}
        ).values_list(procedure_id, document_id)
    )
    procedures = AdministrativeProcedure.objects.filter(
        pk__in={pk for pk, _document in links}, status__in=AdministrativeProcedure.APPLICABLE
    ).in_bulk()
    sums = {
        row["procedure"]: (row["on_time"], row["late"])
        for row in ProcedurePerformance.objects.filter(procedure__in=procedures, month__gte=start, month__lt=end)
        .values("procedure")
        .annotate(on_time=Sum("on_time"), late=Sum("late"))
    }
    found = {}
    for pk, document in sorted(links, key=lambda link: procedures[link[0]].code if link[0] in procedures else ""):
        if pk in procedures:
            found.setdefault(document, []).append((procedures[pk], *sums.get(pk, (0, 0))))
    return found
