"""Thin signal triggers: each calls a service and holds no rule (ISO 9001 7.5.3.2 c).

page_published is the one point every publication passes through (workflow
approval, a scheduled revision going live through `publish_scheduled`, the
register import), which is why the version record hangs on it rather than on
the workflow's finish action: a scheduled revision is approved long before it
becomes effective.
"""


def on_page_published(sender, instance, revision, **kwargs):
    from .services import document_version_record

    document_version_record(page=instance, revision=revision, user=revision.user)
