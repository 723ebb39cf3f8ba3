"""Storage for quality records' files (evidence, attachments) that must not be public.

MEDIA_ROOT is served by the proxy to anyone who guesses a URL; files kept
here are only ever streamed by views that check the reader's permission
(ISO 9001 7.5.3.1 b: documented information is protected).
"""

from django.core.files.storage import storages


def private_storage():
    return storages["private"]
