"""Posting the Wagtail page editor of a process document, as a browser would."""

from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield


def edit_form_data(page, *, action=None, **overrides):
    """The edit form of `page` with its current values, `overrides` applied, and the button pressed."""
    values = {
        "title": page.title,
        "slug": page.slug,
        "identifier": page.identifier,
        "unit": page.unit_id,
        "process_owner": page.process_owner_id or "",
        "clauses": [c.pk for c in page.clauses.all()],
        "review_interval_months": page.review_interval_months,
        "purpose": rich_text("<p>Mục đích</p>"),
        "scope": rich_text(""),
        "references": rich_text(""),
        "definitions": rich_text(""),
        "steps": streamfield([]),
        "records": streamfield([]),
        "forms": inline_formset([]),
        "comments": inline_formset([]),
        "change_summary": "",
    }
    if page.is_public:
        values["is_public"] = "on"
    values.update(overrides)
    data = nested_form_data(values)
    if action:
        data[action] = "1"
    return data
