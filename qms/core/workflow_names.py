"""The approval workflow's names in the reader's language (issue 20; ISO 9001 7.5.2 c: who reviews and
who approves is read off the action a person takes).

Our migration (cms 0005) creates the "Document approval" workflow and its steps as English data, and
Wagtail shows a name as it is stored: "Submit to Document approval" in a Vietnamese menu. The names
are messages of the project's Wagtail catalogue (``data_names`` below); these hooks put
the translated name into the action menu's "Submit to …" and "Resubmit to …" buttons, of pages and
of snippets alike. The stored names stay English, so the workflow's edit form saves what it shows.
See https://docs.wagtail.org/en/stable/reference/hooks.html#construct-page-action-menu
"""

from django.utils.translation import gettext
from wagtail import hooks

SUBMIT_ITEM = "action-submit"


def data_names() -> list[str]:
    """The English names our migrations give Wagtail data the admin shows (the approval workflow and
    its steps), as the apps that create them register them: hook ``qms_data_names``, a callable
    returning those names (docs/architecture.md); the core reads no higher app's migration."""
    return [name for names in hooks.get_hooks("qms_data_names") for name in names()]


def translate_names(text: str) -> str:
    """``text`` with every data name in it replaced by its translation in the active language."""
    for name in sorted(data_names(), key=len, reverse=True):
        if name in text:
            text = text.replace(name, gettext(name))
    return text


def _translating_labels(item):
    original = item.get_context_data

    def get_context_data(parent_context):
        context = original(parent_context)
        if context.get("label"):
            context["label"] = translate_names(str(context["label"]))
        return context

    item.get_context_data = get_context_data


@hooks.register("construct_page_action_menu")
@hooks.register("construct_snippet_action_menu")
def translate_workflow_names_in_action_menu(menu_items, request, context):
    for item in menu_items:
        if getattr(item, "name", None) == SUBMIT_ITEM:
            _translating_labels(item)
