"""The one registry: Wagtail's hooks (DESIGN.md section 4, docs/architecture.md).

A lower layer learns about a higher one only through registration: the higher app registers a
callable in its ``wagtail_hooks.py`` (``@hooks.register("qms_…")``), and the lower one reads every
registered callable's items through ``collected``. Wagtail finds each app's ``wagtail_hooks.py``
when a hook is first read, so no app's ``ready()`` registers anything, and a test can add an
extension for its duration with ``hooks.register_temporarily``. Hand-written on top of Wagtail's
hooks only for the one line that flattens them: every ``qms_…`` hook returns an iterable, so that
one app can register several items with one function.
"""

from wagtail import hooks


def collected(hook_name):
    """Every item returned by the callables registered for ``hook_name``, in the hooks' order."""
    return [item for hook in hooks.get_hooks(hook_name) for item in hook()]
