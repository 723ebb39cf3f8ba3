"""The product runs on requirements.txt alone: `make run` installs nothing of requirements-test.txt.

A module that imports a test-only package at start (polib did, through a Wagtail hook) passes every
test, since the tests have it, and stops `make run` on a fresh machine at its first migrate.
"""

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Import names of the test-only distributions whose name differs.
IMPORT_NAMES = {"pytest-django": "pytest_django", "import-linter": "importlinter"}

BLOCKER = """
import sys
blocked = set(sys.argv[1].split(","))
class Blocker:
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in blocked:
            raise ModuleNotFoundError(f"{name} is a test-only requirement")
        return None
sys.meta_path.insert(0, Blocker())
sys.argv = ["manage.py", "check"]
import runpy
runpy.run_path("manage.py", run_name="__main__")
"""


def _test_only():
    def names(path):
        return {
            re.split(r"[=<>\[]", line.strip())[0].lower()
            for line in (ROOT / path).read_text().splitlines()
            if line.strip() and not line.startswith(("#", "-r"))
        }

    return sorted(IMPORT_NAMES.get(name, name.replace("-", "_")) for name in names("requirements-test.txt"))


def test_the_product_starts_without_the_test_requirements():
    blocked = _test_only()
    assert "polib" in blocked and "pytest" in blocked
    environment = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    environment["DJANGO_SETTINGS_MODULE"] = "qms.settings.dev"
    result = subprocess.run(
        [sys.executable, "-c", BLOCKER, ",".join(blocked)],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-2000:]
