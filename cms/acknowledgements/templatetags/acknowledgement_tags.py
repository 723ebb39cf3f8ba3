"""`{% acknowledgement_box page %}`: the "I have read and understood" box of a document page (ISO 9001 7.3).

One query, whatever the document's history: the current revision, whether it
was distributed to the reader's unit and when the reader acknowledged it are
read together (`selectors.acknowledgement_state`). Pass `version=` when the
page already knows which revision it shows; the box shows only for the current one. The reader
cache (cms.reader_cache) renders the same box's template itself, from the revision it keeps with
the page (`{% acknowledgement_version %}`) and one query per reader.
"""

from django import template

from .. import selectors

register = template.Library()


@register.inclusion_tag("acknowledgements/acknowledgement_box.html", takes_context=True)
def acknowledgement_box(context, page, version=None):
    request = context.get("request")
    user = getattr(request, "user", None)
    state = None if user is None else selectors.acknowledgement_state(page, user, version=version)
    return {
        "state": state,
        "csrf_token": context.get("csrf_token"),
        "next": request.get_full_path() if request is not None else "",
    }


@register.simple_tag
def acknowledgement_version(page, into):
    """Put the revision the box of `page` asks about into the dict `into`, as "acknowledgement_version".

    Used by the page the reader cache keeps for every reader, which renders a hole instead of the box
    and fills in each reader's box from that value.
    """
    into["acknowledgement_version"] = selectors.acknowledgement_version(page)
    return ""
