"""Celery tasks of the document app: thin wrappers, the scheduler only calls them (ISO 9001 7.5.3.2 c).

A revision approved with a go-live date becomes effective only when Wagtail's
`publish_scheduled` command runs; Wagtail recommends running it every minute
(https://docs.wagtail.org/en/stable/reference/management_commands.html#publish-scheduled).
This app's `publish_scheduled` command makes a controlled document live through
`cms.publishing.document_publish`, so the version record and the distribution follow as for
any other publication.
"""

from celery import shared_task
from django.core.management import call_command

PUBLISH_SCHEDULED_TASK = "cms.tasks.publish_scheduled"


@shared_task(name=PUBLISH_SCHEDULED_TASK, acks_late=True, reject_on_worker_lost=True)
def publish_scheduled():
    """Publish the revisions whose go-live time has come and unpublish the expired ones.

    Safe to run twice: a revision already published no longer carries an approved go-live date,
    and the version record is idempotent per revision.
    """
    call_command("publish_scheduled", verbosity=0)
