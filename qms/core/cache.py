"""The file cache of a single-machine installation: Django's, culled now and then instead of on every write.

Django's ``FileBasedCache`` lists its whole folder on every ``set`` to decide whether to cull
(``_cull``): with the 5,000 entries the document reader cache keeps (cms.reader_cache), that
listing cost more than the rest of a reader's request. Here the folder is counted on one write in
``CULL_EVERY`` per process; the folder may hold up to that many entries per process above
``MAX_ENTRIES`` before a cull brings it back under (Django's share of entries, plus the excess).
Everything else is Django's, unchanged.

Written by hand because the well-kept alternatives (django-redis, diskcache) are other services or
packages; a shared Redis (``CACHE_URL``) remains the choice for more than one machine.
"""

import random
import uuid

from django.core.cache import cache
from django.core.cache.backends import filebased
from django.db import transaction


class FileBasedCache(filebased.FileBasedCache):
    CULL_EVERY = 50

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._writes = 0

    def _cull(self):
        self._writes += 1
        if self._writes % self.CULL_EVERY != 1:
            return
        filelist = self._list_cache_files()
        excess = len(filelist) - self._max_entries
        if excess < 0:
            return
        if self._cull_frequency == 0:
            return self.clear()
        # Django's rule (a random 1/CULL_FREQUENCY of the entries), plus what this class let in above MAX_ENTRIES.
        count = min(len(filelist), len(filelist) // self._cull_frequency + excess)
        for fname in random.sample(filelist, count):
            self._delete(fname)


# --- generations ---------------------------------------------------------------------------------
# A cache of rendered pages kept until what they show changes (cms.reader_cache for documents,
# qms.procedures.public_cache for the public list of procedures) keys each entry by, or stores it
# with, the *generation* of what it shows, read before the database; a change replaces the
# generation, which makes every entry built under the old one unreachable. Written by hand for the
# reasons those modules give (Django's caches only expire by time).


def new_generation():
    return uuid.uuid4().hex


def generation_of(key, found=None, *, timeout=None):
    """The generation stored at `key` (or in `found`, a get_many already made); a missing one (never
    set, evicted, the cache cleared) is replaced by a new one, never reused. `add`, so that of two
    readers finding it missing both keep the one that won; None only where the cache keeps nothing."""
    current = (found or {}).get(key)
    if current is None:
        current = cache.get(key)
    if current is None:
        cache.add(key, new_generation(), timeout)
        current = cache.get(key)
    return current


def replace_generation(key, *, timeout=None):
    """Replace a generation now, and again when the current transaction commits.

    The second replacement closes the race of a reader who read the old rows between the first one
    and the commit, and kept what they built under the first new generation.
    """
    cache.set(key, new_generation(), timeout)
    transaction.on_commit(lambda: cache.set(key, new_generation(), timeout))
