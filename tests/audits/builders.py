"""Builders for audit tests: programmes, audits and process documents, through the services."""

from tests.factories import _seq, make_auditor, make_officer, make_unit


def make_programme(year=2026, objectives="Đánh giá toàn bộ hệ thống", *, user=None, approve=False):
    from audits import services

    officer = user or make_officer()
    programme = services.programme_create(year=year, objectives=objectives, user=officer)
    return programme


def make_audit(*, programme=None, lead=None, units=(), documents=(), clauses=(), team=(), user=None, **extra):
    """A planned audit through its service; the lead auditor comes from a unit outside the scope."""
    import datetime

    from audits import services

    officer = user or make_officer()
    programme = programme or make_programme(user=officer)
    lead = lead or make_auditor(unit=make_unit())
    n = next(_seq)
    return services.audit_create(
        programme=programme,
        reference=extra.pop("reference", f"DG-{n}"),
        title=extra.pop("title", f"Đánh giá {n}"),
        planned_start=extra.pop("planned_start", datetime.date(2026, 3, 1)),
        planned_end=extra.pop("planned_end", datetime.date(2026, 3, 2)),
        lead_auditor=lead,
        team=team,
        units=units,
        documents=documents,
        clauses=clauses,
        user=officer,
        **extra,
    )


def make_process_document(*, unit=None, identifier=None, title=None, owner=None):
    """A live process document under the site root (enough for scope and coverage)."""
    from wagtail.models import Page

    from cms.models import ProcessDocumentPage

    n = next(_seq)
    root = Page.get_first_root_node()
    parent = root.get_children().first() or root
    page = ProcessDocumentPage(
        title=title or f"Quy trình {n}",
        identifier=identifier or f"QT-{n:02d}",
        unit=unit or make_unit(),
        process_owner=owner,
    )
    parent.add_child(instance=page)
    return page
