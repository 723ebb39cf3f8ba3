"""Run the benchmark: throwaway database, data, figures, one JSON line per figure, results.json.

Every figure compares the product with the bare stack in the same run (the machines are noisy and
only ratios hold). ``--smoke`` runs the same code on a few hundred items so that the harness cannot
rot; it proves nothing about speed.
"""

import argparse
import dataclasses
import hashlib
import json
import os
import platform
import shutil
import signal
import sys
import time
import traceback
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Sizes:
    smoke: bool
    # Load on the web server.
    clients: int
    load_seconds: float
    load_max_requests: int
    load_rounds: int
    workers: int
    # Data volumes.
    nc_rows: int
    sweep_small: int
    sweep_large: int
    xlsx_rows: int
    import_rows: int
    # The document page of the issue: 30 versions, 10 forms, 20 steps (the same in both modes).
    doc_versions: int = 30
    doc_forms: int = 10
    doc_steps: int = 20
    # The first views of issue 21: distinct staff members, each reading documents they have not read.
    first_view_readers: int = 50
    first_view_documents: int = 12
    # The timeline pages of issue 21: a history of 10 and of 200 records (the same in both modes).
    history_small: int = 10
    history_large: int = 200
    # The master list of issue 21: about the demo organisation's register of process documents.
    master_list_documents: int = 130
    # The mixed load of issue 21: 50 people at work at once, each with 0.5-1.5 s of think time.
    mixed_staff: int = 32
    mixed_officers: int = 10
    mixed_auditors: int = 8
    mixed_documents: int = 60
    mixed_document_versions: int = 2
    mixed_seconds: float = 180.0
    mixed_max_requests: int = 20_000
    # gunicorn's own advice for sync workers, (2 x cores) + 1: a worker waiting on the database
    # leaves its core to another (docs/operations.md "Scaling out" runs 4 on 2 cores).
    mixed_workers: int = 2 * (os.cpu_count() or 2) + 1
    # The register of procedures (issue 19): a province's departments together, five years of monthly figures.
    procedures_few: int = 20
    procedures_many: int = 2_000
    procedure_months: int = 60


def full_sizes():
    return Sizes(
        smoke=False,
        clients=20,
        load_seconds=8.0,
        load_max_requests=50_000,
        load_rounds=2,
        workers=os.cpu_count() or 2,
        nc_rows=10_000,
        sweep_small=10_000,
        sweep_large=100_000,
        xlsx_rows=100_000,
        import_rows=10_000,
    )


def smoke_sizes():
    return Sizes(
        smoke=True,
        clients=20,
        load_seconds=1.0,
        load_max_requests=300,
        load_rounds=1,
        workers=2,
        nc_rows=300,
        sweep_small=100,
        sweep_large=1_000,
        xlsx_rows=300,
        # Each row of a document import is a Wagtail page, revision and publication: keep it tiny.
        import_rows=20,
        first_view_readers=5,
        first_view_documents=2,
        master_list_documents=10,
        mixed_staff=6,
        mixed_officers=2,
        mixed_auditors=2,
        mixed_documents=3,
        mixed_document_versions=1,
        mixed_seconds=4.0,
        mixed_max_requests=300,
        mixed_workers=2,
        # More than a page of the lists (50) with a year of figures: enough to show a count that grows.
        procedures_many=120,
        procedure_months=12,
    )


@dataclass
class Context:
    sizes: Sizes
    run_dir: Path
    vendor: str


def machine() -> dict:
    model = ""
    memory_kib = 0
    try:
        for text in Path("/proc/cpuinfo").read_text().splitlines():
            if text.startswith("model name"):
                model = text.split(":", 1)[1].strip()
                break
        for text in Path("/proc/meminfo").read_text().splitlines():
            if text.startswith("MemTotal"):
                memory_kib = int(text.split()[1])
                break
    except OSError:
        pass
    return {
        "nproc": os.cpu_count(),
        "cpu": model or platform.processor(),
        "ram_gib": round(memory_kib / 1024 / 1024, 1),
        "python": platform.python_version(),
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
    }


def _schema_digest() -> str:
    """What the migrated schema depends on: every migration file, and the versions of the installed packages."""
    from importlib import metadata

    digest = hashlib.sha256()
    for path in sorted(ROOT.glob("**/migrations/*.py")):
        if ".venv" not in path.parts and "var" not in path.parts:
            digest.update(str(path.relative_to(ROOT)).encode() + path.read_bytes())
    for package in ("django", "wagtail", "django-simple-history", "django-celery-beat", "django-taggit"):
        digest.update(f"{package}={metadata.version(package)}".encode())
    return digest.hexdigest()[:16]


def migrate(db):
    """Migrate the throwaway database; on SQLite, start from a cached copy of an already migrated one.

    Migrating from nothing takes a quarter of a minute here, most of the smoke run. The cached copy
    is keyed by the migration files, and ``migrate`` still runs on it, so post_migrate (role
    permissions) always applies to the current code.
    """
    from django.core.management import call_command
    from django.db import connection

    template = None
    if db.vendor == "sqlite":
        template = ROOT / "var" / "bench" / f"template-{_schema_digest()}.sqlite3"
        if template.exists():
            shutil.copyfile(template, db.name)
    call_command("migrate", verbosity=0, interactive=False)
    if template is not None and not template.exists():
        connection.close()
        for stale in template.parent.glob("template-*.sqlite3"):
            stale.unlink(missing_ok=True)
        partial = template.with_suffix(f".{os.getpid()}.tmp")
        shutil.copyfile(db.name, partial)
        os.replace(partial, template)  # atomic: a concurrent run sees the whole file or none


def parse(argv):
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--smoke", action="store_true", help="a few hundred items: checks the harness, not speed")
    parser.add_argument(
        "--only",
        default="",
        help=(
            "comma-separated groups to run: web, nc, timeline, admin, mixed, registers, procedures, sweep, xlsx, "
            "import, hostile"
        ),
    )
    parser.add_argument("--output", default=str(ROOT / "bench" / "results.json"), help="where to write the list")
    parser.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="NAME=N",
        help="override one size, e.g. --set import_rows=1000 (a figure measured off its size says so)",
    )
    parser.add_argument("--keep", action="store_true", help="keep the run folder and database (debugging)")
    return parser.parse_args(argv)


def main(argv) -> int:
    args = parse(argv)
    # A terminated run still stops its gunicorn and drops its database (the finally blocks below).
    signal.signal(signal.SIGTERM, lambda *_args: sys.exit(143))
    sizes = smoke_sizes() if args.smoke else full_sizes()
    for assignment in args.set:
        name, _sep, value = assignment.partition("=")
        sizes = dataclasses.replace(sizes, **{name.strip(): type(getattr(sizes, name.strip()))(value)})
    run_dir = ROOT / "var" / "bench" / f"run-{os.getpid()}"
    run_dir.mkdir(parents=True, exist_ok=True)
    os.environ["QMS_BENCH_RUN_DIR"] = str(run_dir)

    from bench import database

    db = database.create(run_dir)
    os.environ["BENCH_DATABASE_URL"] = db.url
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    # The product's own settings read these; the bench must never reach the test or main services.
    os.environ.pop("DATABASE_URL", None)
    os.environ.pop("CELERY_BROKER_URL", None)
    results: list[dict] = []
    errors = 0
    began = time.monotonic()
    django_ready = False
    try:
        import django

        django.setup()
        django_ready = True

        info = machine() | {"database": db.vendor, "mode": "smoke" if sizes.smoke else "full"}
        print(f"# bench: {json.dumps(info, ensure_ascii=False)}", file=sys.stderr, flush=True)
        migrate(db)
        from bench.figures import GROUPS
        from bench.report import ProductMissing, failed, unavailable

        wanted = {name.strip() for name in args.only.split(",") if name.strip()}
        context = Context(sizes=sizes, run_dir=run_dir, vendor=db.vendor)
        for group in GROUPS:
            if wanted and group.name not in wanted:
                continue
            group_began = time.monotonic()
            try:
                lines = group.run(context)
            except ProductMissing as missing:
                lines = [unavailable(spec, str(missing)) for spec in group.specs]
            except Exception as error:  # a broken figure must not hide the others
                traceback.print_exc()
                errors += 1
                lines = [failed(spec, error) for spec in group.specs]
            for result in lines:
                print(json.dumps(result, ensure_ascii=False), flush=True)
            results.extend(lines)
            print(f"# {group.name}: {time.monotonic() - group_began:.1f} s", file=sys.stderr, flush=True)
        Path(args.output).write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n")
        print(f"# total: {time.monotonic() - began:.1f} s, written to {args.output}", file=sys.stderr, flush=True)
    finally:
        if django_ready:
            from django.db import connections

            connections.close_all()
        if not args.keep:
            db.drop()
            shutil.rmtree(run_dir, ignore_errors=True)
    return 1 if errors else 0
