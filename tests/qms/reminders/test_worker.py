"""A real Celery worker on Redis sending through a real SMTP server, killed mid-sweep, then a clean catch-up.

The worker is a subprocess (`celery -A qms worker --pool=solo`) on its own queue,
reading the test's PostgreSQL database; the SMTP server is aiosmtpd on 127.0.0.1.
The SMTP server holds one digest until the test has SIGKILLed the worker, then
refuses it: a digest the mail server never accepted must stay pending, and the
next sweep must send it exactly once. After the restart it also refuses one
person's first attempt, which the retry task (with back-off) must deliver once.
"""

import asyncio
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from pathlib import Path

import pytest
from celery import Celery
from django.db import connection
from django.utils import timezone

from cms.models import ProcessDocumentPage
from qms.reminders.models import Delivery
from qms.reminders.tasks import SWEEP_TASK
from tests import services
from tests.cms.builders import make_document
from tests.factories import make_staff

ROOT = Path(__file__).resolve().parents[3]
DEADLINE = 60  # seconds for each wait: the test is bounded
LOCAL_REDIS = "redis://127.0.0.1:6379/3"


class Smtp:
    """aiosmtpd handler: records accepted messages; can hold one message, and refuse one person once."""

    def __init__(self):
        self.accepted = []
        self.lock = threading.Lock()
        self.hold_index = None  # hold the n-th DATA (0-based) until `release`, then refuse it
        self.holding = threading.Event()
        self.release = threading.Event()
        self.refuse_once = set()
        self.seen = 0

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            index, self.seen = self.seen, self.seen + 1
            refuse = any(rcpt in self.refuse_once for rcpt in envelope.rcpt_tos)
            self.refuse_once -= set(envelope.rcpt_tos)
        if index == self.hold_index:
            self.holding.set()
            await asyncio.get_running_loop().run_in_executor(None, self.release.wait, DEADLINE)
            return "451 4.3.0 Try again later (held by the test)"
        if refuse:
            return "451 4.3.0 Try again later (refused once by the test)"
        with self.lock:
            self.accepted.extend(envelope.rcpt_tos)
        return "250 OK"


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def database_url():
    db = connection.settings_dict
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def wait_for(condition, what):
    end = time.monotonic() + DEADLINE
    while time.monotonic() < end:
        if condition():
            return
        time.sleep(0.2)
    pytest.fail(f"timed out waiting for {what}")


class Worker:
    def __init__(self, env, queue, log):
        self.log = log
        self.process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "qms", "worker", "--pool=solo", "-Q", queue,
             "-n", f"{queue}@%h", "--without-gossip", "--without-mingle", "--without-heartbeat", "--loglevel=INFO"],
            cwd=ROOT, env=env, stdout=log.open("ab"), stderr=subprocess.STDOUT,
        )  # fmt: skip
        wait_for(lambda: "ready." in log.read_text(errors="replace") or self.process.poll() is not None, "worker")
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


@pytest.mark.postgres
@pytest.mark.redis
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_worker_killed_mid_sweep_then_catch_up_without_duplicates(tmp_path):
    from aiosmtpd.controller import Controller

    people = [make_staff() for _ in range(4)]
    today = timezone.localdate()
    for n, person in enumerate(people):
        page = make_document(f"QT-W{n}", owner=person)
        ProcessDocumentPage.objects.filter(pk=page.pk).update(next_review_date=today - timezone.timedelta(days=2))

    smtp = Smtp()
    smtp.hold_index = 1  # the second digest of the first sweep
    port = free_port()
    controller = Controller(smtp, hostname="127.0.0.1", port=port)
    controller.start()
    queue = f"reminders-test-{uuid.uuid4().hex[:8]}"
    # CI's broker; locally Redis db 3 (each helper has its own db) unless CELERY_BROKER_URL names one.
    broker = services.redis_url() if os.environ.get("CELERY_BROKER_URL", "").startswith("redis://") else LOCAL_REDIS
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.qms.reminders.worker_settings",
        "DATABASE_URL": database_url(),
        "CELERY_BROKER_URL": broker,
        "QMS_TEST_SMTP_PORT": str(port),
        "QMS_TEST_QUEUE": queue,
        "DB_CONN_MAX_AGE": "0",
    }
    client = Celery("reminders-test-client", broker=broker)
    client.conf.broker_connection_retry_on_startup = True
    log = tmp_path / "worker.log"
    worker = None
    try:
        worker = Worker(env, queue, log)
        client.send_task(SWEEP_TASK, kwargs={"as_of": today.isoformat()}, queue=queue)

        # The worker is inside the sweep, waiting for the SMTP server's answer: kill it there.
        assert smtp.holding.wait(DEADLINE), log.read_text(errors="replace")[-3000:]
        worker.kill()
        smtp.release.set()
        assert len(smtp.accepted) == 1
        wait_for(
            lambda: (
                Delivery.objects.filter(status=Delivery.Status.SENT).count() == 1
                and Delivery.objects.filter(status=Delivery.Status.PENDING).count() == 3
            ),
            "the killed worker's transaction to roll back",
        )

        # Restart; the next sweep catches up. One person's first attempt is refused and retried with back-off.
        smtp.refuse_once = {people[3].email}
        worker = Worker(env, queue, log)
        client.send_task(SWEEP_TASK, kwargs={"as_of": today.isoformat()}, queue=queue)
        wait_for(lambda: not Delivery.objects.exclude(status=Delivery.Status.SENT).exists(), "the catch-up")
        time.sleep(2)  # anything sent twice would show up now (e.g. the killed task redelivered)

        assert Counter(smtp.accepted) == Counter({person.email: 1 for person in people})
        assert Delivery.objects.count() == 4
        assert Delivery.objects.get(recipient=people[3]).attempts == 1
    finally:
        if worker is not None:
            worker.stop()
        smtp.release.set()
        controller.stop()
        with client.connection_for_write() as conn:
            conn.default_channel.queue_purge(queue)
        client.close()
