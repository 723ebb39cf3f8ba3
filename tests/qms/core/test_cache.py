"""The file cache culls now and then, not on every write, and still keeps to its size (qms.core.cache)."""

from qms.core.cache import FileBasedCache


def test_the_file_cache_stays_near_its_size_and_counts_its_folder_rarely(tmp_path, monkeypatch):
    cache = FileBasedCache(str(tmp_path), {"OPTIONS": {"MAX_ENTRIES": 20, "CULL_FREQUENCY": 2}})
    listings = []
    original = cache._list_cache_files
    monkeypatch.setattr(cache, "_list_cache_files", lambda: listings.append(1) or original())
    for n in range(200):
        cache.set(f"key-{n}", n)
    assert len(listings) == 200 // FileBasedCache.CULL_EVERY
    assert len(original()) <= 20 + FileBasedCache.CULL_EVERY
    assert cache.get("key-199") == 199
