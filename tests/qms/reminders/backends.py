"""Mail backends for the tests: one that fails a given number of times, one that is slow."""

import threading
import time

from django.core import mail
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend

_lock = threading.Lock()
failures_left = 0


class FlakyBackend(LocmemBackend):
    """Refuses the first `failures_left` messages (a mail server that is down), then delivers."""

    def send_messages(self, messages):
        global failures_left
        with _lock:
            if failures_left > 0:
                failures_left -= 1
                raise ConnectionRefusedError("mail server unreachable (test)")
        return super().send_messages(messages)


class SlowBackend(LocmemBackend):
    """Takes a while per message, so that two concurrent sweeps overlap."""

    def send_messages(self, messages):
        time.sleep(0.3)
        with _lock:
            mail.outbox.extend(messages)
        return len(messages)
