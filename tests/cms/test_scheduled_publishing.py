"""A revision approved with a go-live date becomes effective by itself: beat runs publish_scheduled (ISO 9001 7.5.3).

A real Celery worker with an embedded beat (django-celery-beat's DatabaseScheduler)
is a subprocess on its own Redis queue, reading the test's PostgreSQL database.
The schedule is the one post_migrate created; the test only shortens its interval.
"""

import datetime
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone
from django_celery_beat.models import IntervalSchedule, PeriodicTask

from cms import schedule, services
from cms.acknowledgements.models import Distribution
from cms.models import ProcessDocumentPage, PublicationFollowUp
from cms.tasks import PUBLISH_SCHEDULED_TASK
from tests import factories
from tests import services as available
from tests.cms.builders import make_document

ROOT = Path(__file__).resolve().parents[2]
DEADLINE = 60
LOCAL_REDIS = "redis://127.0.0.1:6379/3"


def database_url():
    db = connection.settings_dict
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def wait_for(condition, what, log):
    end = time.monotonic() + DEADLINE
    while time.monotonic() < end:
        if condition():
            return
        time.sleep(0.3)
    pytest.fail(f"timed out waiting for {what}\n" + log.read_text(errors="replace")[-3000:])


@pytest.mark.django_db
def test_migrate_created_the_every_minute_schedule_once_and_leaves_admin_edits_alone():
    task = PeriodicTask.objects.get(name=schedule.PUBLISH_SCHEDULED_NAME)
    assert task.task == PUBLISH_SCHEDULED_TASK and task.enabled
    assert (task.interval.every, task.interval.period) == (1, IntervalSchedule.MINUTES)
    task.enabled = False
    task.save()
    assert schedule.ensure_publish_scheduled() is None
    task.refresh_from_db()
    assert not task.enabled
    assert PeriodicTask.objects.filter(task=PUBLISH_SCHEDULED_TASK).count() == 1


@pytest.mark.postgres
@pytest.mark.redis
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_beat_makes_an_approved_revision_effective_at_its_go_live_time(tmp_path):
    unit = factories.make_unit()
    officer, approver = factories.make_officer(unit=unit), factories.make_approver()
    author = factories.make_officer(unit=unit)  # nobody reviews what they submitted (ISO 9001 5.3)
    reader = factories.make_staff(unit=unit)
    page = make_document(unit=unit, user=officer, title="Before")
    go_live = timezone.now() + datetime.timedelta(seconds=8)
    services.document_submit(
        page=page, user=author, change_summary="From go-live", changes={"title": "After", "go_live_at": go_live}
    )
    services.document_task_approve(page=page, user=officer)
    services.document_task_approve(page=page, user=approver)
    page.refresh_from_db()
    assert page.title == "Before" and page.versions.count() == 1  # approved, waiting for its time

    queue = f"cms-test-{uuid.uuid4().hex[:8]}"
    task = PeriodicTask.objects.get(name=schedule.PUBLISH_SCHEDULED_NAME)
    task.interval = IntervalSchedule.objects.create(every=2, period=IntervalSchedule.SECONDS)
    task.queue = queue
    task.save()

    broker = available.redis_url() if os.environ.get("CELERY_BROKER_URL", "").startswith("redis://") else LOCAL_REDIS
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.cms.worker_settings",
        "DATABASE_URL": database_url(),
        "CELERY_BROKER_URL": broker,
        "QMS_TEST_QUEUE": queue,
        "DB_CONN_MAX_AGE": "0",
    }
    log = tmp_path / "worker.log"
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "qms", "worker", "--beat", "--pool=solo", "-Q", queue,
         "-n", f"{queue}@%h", "-s", str(tmp_path / "beat-schedule"), "--without-gossip", "--without-mingle",
         "--without-heartbeat", "--loglevel=INFO"],
        cwd=ROOT, env=env, stdout=log.open("ab"), stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        wait_for(lambda: page.versions.count() == 2 or process.poll() is not None, "the go-live", log)
        assert process.poll() is None, log.read_text(errors="replace")[-3000:]
        page = ProcessDocumentPage.objects.get(pk=page.pk)
        version = page.versions.get(number=2)
        assert page.title == "After"
        assert timezone.now() >= go_live
        assert version.effective_date == timezone.localdate(go_live)
        assert (version.reviewed_by, version.approved_by) == (officer, approver)
        assert page.versions.get(number=1).superseded_at == page.go_live_at
        # Distributed to its unit once in force: the reader is asked to read and acknowledge it.
        wait_for(lambda: Distribution.objects.filter(version=version, unit=unit).exists(), "the distribution", log)
        # Through the one publication service: its distribution step is on record as done.
        wait_for(
            lambda: PublicationFollowUp.objects.filter(version=version, step="distribution", status="done").exists(),
            "the follow-up",
            log,
        )
        from cms.acknowledgements.selectors import pending_for_version

        assert reader in [person for status in pending_for_version(version).units for person in status.pending]
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
