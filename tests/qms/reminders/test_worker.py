"""A real Celery worker and beat on Redis, sending through a real SMTP server: recovery never waits for a sweep.

The worker (`celery -A qms worker --pool=solo`) and beat (django-celery-beat's database
scheduler) are subprocesses on the test's own queue, reading the test's PostgreSQL
database; the SMTP server is aiosmtpd on 127.0.0.1. The worker runs with production's
Redis transport options, whose visibility timeout is hours: a killed worker's sweep is
not redelivered during the test, so the scheduled delivery run (set to every 2 s here)
is what must deliver the rest, and no second sweep is ever sent.

1. The worker is SIGKILLed while the SMTP server holds a digest.
2. The broker (our own redis-server, so the machine's shared one is left alone) is
   stopped while the SMTP server holds a digest, then restarted empty.

Either way every person gets exactly one digest.
"""

import os
import shutil
import signal
import subprocess
import sys
import time
import uuid
from collections import Counter
from pathlib import Path

import pytest
from celery import Celery
from django.db import connection
from django.utils import timezone
from django_celery_beat.models import IntervalSchedule, PeriodicTask

from cms.models import ProcessDocumentPage
from qms.reminders import schedule
from qms.reminders.models import Delivery
from qms.reminders.tasks import SWEEP_TASK
from tests import services
from tests.cms.builders import make_document
from tests.factories import make_staff

from .smtp import DEADLINE, free_port, smtp_server

ROOT = Path(__file__).resolve().parents[3]
LOCAL_REDIS = "redis://127.0.0.1:6379/3"
DELIVERY_EVERY = 2  # seconds: the delivery run's interval in these tests (production: minutes)


def database_url():
    db = connection.settings_dict
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def wait_for(condition, what, log=None):
    end = time.monotonic() + DEADLINE
    while time.monotonic() < end:
        if condition():
            return
        time.sleep(0.2)
    tail = log.read_text(errors="replace")[-4000:] if log is not None and log.exists() else ""
    pytest.fail(f"timed out waiting for {what}\n{tail}")


class Process:
    """A celery subprocess (worker or beat) logging to `log`, ready once `ready` shows in it."""

    def __init__(self, args, env, log, ready):
        self.log = log
        start = log.stat().st_size if log.exists() else 0
        self.process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "qms", *args],
            cwd=ROOT,
            env=env,
            stdout=log.open("ab"),
            stderr=subprocess.STDOUT,
        )

        def started():
            return ready in log.read_text(errors="replace")[start:] or self.process.poll() is not None

        wait_for(started, " ".join(args[:1]), log)
        assert self.process.poll() is None, log.read_text(errors="replace")[-3000:]

    def kill(self):
        os.kill(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=DEADLINE)

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def start_worker(env, queue, log):
    args = ["worker", "--pool=solo", "-Q", queue, "-n", f"{queue}@%h"]
    args += ["--without-gossip", "--without-mingle", "--without-heartbeat", "--loglevel=INFO"]
    return Process(args, env, log, "ready.")


def start_beat(env, tmp_path, log):
    args = ["beat", "--scheduler", "django_celery_beat.schedulers:DatabaseScheduler", "--loglevel=INFO"]
    args += ["--pidfile", str(tmp_path / "beat.pid")]
    return Process(args, env, log, "beat: Starting")


def overdue_documents(count):
    people = [make_staff() for _ in range(count)]
    today = timezone.localdate()
    for n, person in enumerate(people):
        page = make_document(f"QT-W{n}", owner=person)
        ProcessDocumentPage.objects.filter(pk=page.pk).update(next_review_date=today - timezone.timedelta(days=2))
    return people


def schedule_for_the_test():
    """The delivery run every DELIVERY_EVERY s; the daily sweep off, so that no second sweep can run."""
    PeriodicTask.objects.filter(name=schedule.DAILY_TASK_NAME).update(enabled=False)
    task = PeriodicTask.objects.get(name=schedule.DELIVERY_TASK_NAME)
    task.interval, _created = IntervalSchedule.objects.get_or_create(
        every=DELIVERY_EVERY, period=IntervalSchedule.SECONDS
    )
    task.enabled = True
    task.save()  # save(), not update(): beat notices the change through PeriodicTasks.last_update


def worker_env(broker, port, queue):
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.qms.reminders.worker_settings",
        "DATABASE_URL": database_url(),
        "CELERY_BROKER_URL": broker,
        "QMS_TEST_SMTP_PORT": str(port),
        "QMS_TEST_QUEUE": queue,
        "DB_CONN_MAX_AGE": "0",
    }


class Client:
    """Sends tasks to `broker`, whatever CELERY_BROKER_URL says (Celery lets that variable override
    the broker an app is given, so the connection is always opened with the URL)."""

    def __init__(self, broker):
        self.broker = broker
        self.app = Celery("reminders-test-client", broker=broker)
        self.app.conf.broker_connection_retry_on_startup = True

    def connection(self):
        return self.app.connection_for_write(self.broker)

    def send_sweep(self, queue):
        with self.connection() as conn:
            self.app.send_task(
                SWEEP_TASK, kwargs={"as_of": timezone.localdate().isoformat()}, queue=queue, connection=conn
            )


def cleanup_broker(client, queue):
    with client.connection() as conn:
        conn.default_channel.queue_purge(queue)
        # The killed worker's sweep stays unacknowledged for hours (production's visibility
        # timeout): drop it here, so that no later worker on this Redis database restores it.
        conn.default_channel.client.delete("unacked", "unacked_index")
    client.app.close()


def delivery_runs(log):
    return log.read_text(errors="replace").count("Task qms.reminders.tasks.deliver_pending[") // 2  # received, ended


def exactly_once(smtp, people, log):
    # Two more delivery runs after the last send (waited for, not slept): anything sent twice would show now.
    seen = delivery_runs(log)
    wait_for(lambda: delivery_runs(log) >= seen + 2, "two more delivery runs", log)
    assert Counter(smtp.accepted) == Counter({person.email: 1 for person in people})
    assert Delivery.objects.count() == len(people)
    assert not Delivery.objects.exclude(status=Delivery.Status.SENT).exists()


@pytest.mark.postgres
@pytest.mark.redis
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_worker_killed_mid_sweep_the_delivery_run_delivers_the_rest_without_a_new_sweep(tmp_path):
    people = overdue_documents(4)
    schedule_for_the_test()
    queue = f"reminders-test-{uuid.uuid4().hex[:8]}"
    # CI's broker; locally Redis db 3 (each helper has its own db) unless CELERY_BROKER_URL names one.
    broker = services.redis_url() if os.environ.get("CELERY_BROKER_URL", "").startswith("redis://") else LOCAL_REDIS
    client = Client(broker)
    log = tmp_path / "worker.log"
    worker = beat = None
    with smtp_server() as (smtp, port):
        env = worker_env(broker, port, queue)
        smtp.hold_index = 1  # the second digest of the sweep
        try:
            worker = start_worker(env, queue, log)
            client.send_sweep(queue)

            # The worker is inside the sweep, waiting for the SMTP server's answer: kill it there.
            assert smtp.holding.wait(DEADLINE), log.read_text(errors="replace")[-3000:]
            worker.kill()
            smtp.release.set()
            assert len(smtp.accepted) == 1
            wait_for(
                lambda: Delivery.objects.filter(status=Delivery.Status.PENDING).count() == 3,
                "the killed worker's transaction to roll back",
            )

            # Restart the worker and start beat; no sweep is sent. One person's first attempt is
            # refused (451) and retried after its back-off.
            smtp.refuse_once = {people[3].email}
            worker = start_worker(env, queue, log)
            beat = start_beat(env, tmp_path, tmp_path / "beat.log")
            wait_for(
                lambda: not Delivery.objects.exclude(status=Delivery.Status.SENT).exists(), "the delivery run", log
            )
            exactly_once(smtp, people, log)
            assert Delivery.objects.get(recipient=people[3]).attempts == 1
            after_restart = log.read_text(errors="replace").rsplit("ready.", 1)[-1]
            assert "Task qms.reminders.tasks.sweep[" not in after_restart  # recovered without a sweep
            assert "Task qms.reminders.tasks.deliver_pending[" in after_restart
        finally:
            for process in (beat, worker):
                if process is not None:
                    process.stop()
            cleanup_broker(client, queue)


@pytest.fixture
def own_redis(tmp_path):
    """A redis-server of our own (not the machine's shared one), which the test may stop and restart."""
    if not shutil.which("redis-server"):
        services.missing("redis-server", "install redis-server (apt-get install redis-server)")
    port = free_port()  # not a fixed 6390: two runs of this test on one machine must not meet
    argv = ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
    argv += ["--daemonize", "yes", "--pidfile", str(tmp_path / "redis.pid"), "--dir", str(tmp_path)]

    def start():
        subprocess.run(argv, check=True, capture_output=True)
        wait_for(lambda: subprocess.run(["redis-cli", "-p", str(port), "ping"], capture_output=True).returncode == 0,
                 "redis-server")  # fmt: skip

    def stop():
        subprocess.run(["redis-cli", "-p", str(port), "shutdown", "nosave"], capture_output=True)
        wait_for(lambda: subprocess.run(["redis-cli", "-p", str(port), "ping"], capture_output=True).returncode != 0,
                 "redis-server to stop")  # fmt: skip

    start()
    yield f"redis://127.0.0.1:{port}/0", start, stop
    stop()


@pytest.mark.postgres
@pytest.mark.redis
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_broker_stopped_during_a_sweep_then_restarted_the_delivery_run_delivers_without_a_new_sweep(
    tmp_path, own_redis
):
    broker, start_redis, stop_redis = own_redis
    people = overdue_documents(4)
    schedule_for_the_test()
    queue = f"reminders-test-{uuid.uuid4().hex[:8]}"
    client = Client(broker)
    log = tmp_path / "worker.log"
    worker = beat = None
    with smtp_server() as (smtp, port):
        env = worker_env(broker, port, queue)
        smtp.hold_index = 1  # the second digest: refused (451) once the broker is down
        smtp.refuse_once = {people[2].email}  # and the third refused too: its retry task cannot be queued
        try:
            worker = start_worker(env, queue, log)
            beat = start_beat(env, tmp_path, tmp_path / "beat.log")
            client.send_sweep(queue)
            assert smtp.holding.wait(DEADLINE), log.read_text(errors="replace")[-3000:]

            stop_redis()  # the broker goes away mid-sweep, with everything it held
            smtp.release.set()
            wait_for(lambda: Delivery.objects.filter(status=Delivery.Status.SENT).count() == 2, "the sweep to end", log)
            assert Delivery.objects.filter(status=Delivery.Status.PENDING).count() == 2  # their retry was lost

            start_redis()  # empty: the sweep task and any retry are gone; beat's delivery run recovers
            wait_for(
                lambda: not Delivery.objects.exclude(status=Delivery.Status.SENT).exists(), "the delivery run", log
            )
            exactly_once(smtp, people, log)
        finally:
            for process in (beat, worker):
                if process is not None:
                    process.stop()
            cleanup_broker(client, queue)
