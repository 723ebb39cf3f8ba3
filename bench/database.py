"""The throwaway database of one run: an SQLite file under var/bench/, or ``bench_<pid>`` on PostgreSQL.

With DATABASE_URL pointing at PostgreSQL, the harness connects to the server's maintenance database,
creates a dedicated database named after its own process id and drops it at the end: the test and
main databases are never touched. Without DATABASE_URL (or with an sqlite:// one), a new SQLite file
in the run's folder is used and removed with it.
"""

import os
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit


@dataclass
class BenchDatabase:
    url: str  # what bench/settings.py reads from BENCH_DATABASE_URL
    vendor: str  # "sqlite" or "postgresql"
    name: str
    _admin_url: str | None = None

    def drop(self):
        if self.vendor == "postgresql":
            import psycopg

            with psycopg.connect(self._admin_url, autocommit=True) as conn:
                # FORCE (PostgreSQL 13+) ends the gunicorn or harness connections that may linger.
                conn.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
        else:
            for suffix in ("", "-wal", "-shm", "-journal"):
                Path(self.name + suffix).unlink(missing_ok=True)


def create(run_dir: Path) -> BenchDatabase:
    url = os.environ.get("DATABASE_URL", "").strip()
    if url.startswith(("postgres://", "postgresql://", "pgsql://")):
        return _create_postgres(url)
    path = run_dir / "bench.sqlite3"
    path.unlink(missing_ok=True)
    return BenchDatabase(url=f"sqlite:///{path}", vendor="sqlite", name=str(path))


def _create_postgres(url: str) -> BenchDatabase:
    import psycopg

    parts = urlsplit(url)
    name = f"bench_{os.getpid()}"
    admin_url = urlunsplit(parts._replace(scheme="postgresql", path="/postgres"))
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    bench_url = urlunsplit(parts._replace(path=f"/{name}"))
    return BenchDatabase(url=bench_url, vendor="postgresql", name=name, _admin_url=admin_url)
