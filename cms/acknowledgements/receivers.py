"""The default distribution of a revision that becomes effective (ISO 9001 7.5.3.1 a: available where needed).

Decided: a new effective revision goes automatically to its owning unit and to
every unit that had the previous revision. The document app records versions
through its own service, which this app may not change, so it listens to the
version's creation; the rule itself is the service `version_distribute_default`.
It runs once the publication is committed, so that a problem here never undoes
a publication, and so that the previous revision is already superseded.
"""

import logging

from django.db import transaction

logger = logging.getLogger(__name__)


def version_saved(sender, instance, created, raw=False, **kwargs):
    if not created or raw:
        return
    version_id = instance.pk

    def distribute():
        from cms.models import DocumentVersion

        from . import services

        version = DocumentVersion.objects.select_related("page").filter(pk=version_id).first()
        if version is None:
            return
        try:
            services.version_distribute_default(version=version)
        except Exception:  # a publication must not fail because its distribution did
            logger.exception("Automatic distribution of document version %s failed", version_id)

    transaction.on_commit(distribute)
