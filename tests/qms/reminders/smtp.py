"""A real SMTP peer for the tests (aiosmtpd on 127.0.0.1): accepts, holds, or refuses per address."""

import asyncio
import socket
import threading
from collections import Counter
from contextlib import contextmanager

DEADLINE = 60  # seconds any wait may take: the tests are bounded


class Smtp:
    """aiosmtpd handler: records accepted messages; can hold one, refuse addresses for good or a number of times.

    - `refuse_always`: addresses answered 550 at RCPT (a mailbox that does not exist);
    - `refuse_times[address] = n`: the first n attempts answered 451 at RCPT (greylisting, a full mailbox);
    - `refuse_once`: addresses answered 451 at DATA once (a server busy with this message);
    - `hold_index`: the n-th DATA (0-based) waits until `release` is set, then is refused with 451.
    """

    def __init__(self):
        self.accepted = []
        self.lock = threading.Lock()
        self.hold_index = None
        self.holding = threading.Event()
        self.release = threading.Event()
        self.refuse_always = set()
        self.refuse_times = Counter()
        self.refuse_once = set()
        self.refused = []
        self.seen = 0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        with self.lock:
            if address in self.refuse_always:
                self.refused.append(address)
                return "550 5.1.1 No such user (refused by the test)"
            if self.refuse_times[address] > 0:
                self.refuse_times[address] -= 1
                self.refused.append(address)
                return "451 4.2.0 Mailbox busy, try again later (refused by the test)"
        envelope.rcpt_tos.append(address)
        return "250 OK"

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


@contextmanager
def smtp_server():
    """(handler, port) of a running aiosmtpd server on 127.0.0.1, stopped afterwards."""
    from aiosmtpd.controller import Controller

    handler = Smtp()
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield handler, port
    finally:
        handler.release.set()
        controller.stop()
