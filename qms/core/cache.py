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

from django.core.cache.backends import filebased


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
