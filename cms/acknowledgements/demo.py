"""Demo read-and-understood records: current revisions distributed, some acknowledged, some pending.

Runs after the documents (order 15). Idempotent: distributions and
acknowledgements are only added, and who acknowledges is decided by a stable
hash of (document, person), so a second run finds everything already there.

An acknowledgement is a person's act and can never be deleted, so the demo
invents them only for the versions the document seeder recorded in this same
run; a revision published since (by an officer trying the product) is left for
its readers to acknowledge themselves.
"""

import zlib

from django.db import transaction

from cms import demo as documents_demo
from qms.core.models import User

from . import documents, services


def _acknowledges(version, person):
    # About 60 % of the people have read a given document.
    return zlib.crc32(f"{version.page.identifier}:{person.username}".encode()) % 5 < 3


@transaction.atomic
def seed(stdout):
    versions = list(documents.current_versions().select_related("page").order_by("page__identifier"))
    seeded = documents_demo.seeded_version_ids()
    created = 0
    for version in versions:
        services.version_distribute_default(version=version)
        unit_ids = list(version.distributions.values_list("unit_id", flat=True))
        if version.pk not in seeded:
            continue
        for person in User.objects.filter(is_active=True, unit_id__in=unit_ids).order_by("username"):
            if _acknowledges(version, person) and not version.acknowledgements.filter(person=person).exists():
                services.version_acknowledge(version=version, user=person)
                created += 1
    stdout.write(f"  acknowledgements: {len(versions)} current revisions distributed, {created} acknowledgements added")
