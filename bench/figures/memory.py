"""Peak memory of one call: the growth of the process's resident set high-water mark (VmHWM).

The high-water mark is reset just before the call (``/proc/self/clear_refs``, Linux), so the figure
is the extra resident memory the call needed at its peak, C allocations (lxml, zlib) included, which
tracemalloc would not see. Where that file is not writable, tracemalloc's peak of Python
allocations is used instead and the unit says so.
"""

import gc
import re
import time
import tracemalloc
from pathlib import Path

_STATUS = Path("/proc/self/status")


def _kib(field):
    match = re.search(rf"^{field}:\s+(\d+) kB", _STATUS.read_text(), re.MULTILINE)
    return int(match.group(1)) if match else None


def _reset_high_water_mark():
    try:
        Path("/proc/self/clear_refs").write_text("5")
        return True
    except OSError:
        return False


def measure(func):
    """(seconds, peak MiB, method) of `func()`; method is "rss" or "tracemalloc"."""
    gc.collect()
    if _STATUS.exists() and _reset_high_water_mark():
        before = _kib("VmRSS")
        began = time.perf_counter()
        func()
        seconds = time.perf_counter() - began
        peak = _kib("VmHWM")
        return seconds, max(peak - before, 0) / 1024, "rss"
    tracemalloc.start()
    began = time.perf_counter()
    try:
        func()
        seconds = time.perf_counter() - began
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return seconds, peak / 1024 / 1024, "tracemalloc"
