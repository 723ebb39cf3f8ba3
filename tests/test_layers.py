"""The layers of DESIGN.md section 4, held by the import-linter contracts in pyproject.toml.

CI runs only `make test`, so the contracts run here as well as in `make lint`. A lower layer never
imports a higher one, not even lazily inside a function (import-linter reads every import statement,
wherever it stands); it learns about a higher one through Wagtail's hooks (docs/architecture.md).
"""

import ast
from pathlib import Path

import grimp
import pytest
from importlinter import configuration
from importlinter.adapters.building import GraphBuilder
from importlinter.application import use_cases
from importlinter.application.app_config import settings

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("qms", "cms", "audits")


@pytest.fixture
def linter(monkeypatch):
    """import-linter configured as its command line does, reading pyproject.toml, without a cache."""
    monkeypatch.chdir(ROOT)
    configuration.configure()
    saved = settings.copy()
    yield use_cases.read_user_options(str(ROOT / "pyproject.toml"))
    settings.configure(**saved._config)


def _broken(user_options):
    """The names of the broken contracts; lint_imports prints its report (pytest shows it on failure)."""
    if use_cases.lint_imports(config_filename=str(ROOT / "pyproject.toml"), cache_dir=None) == use_cases.SUCCESS:
        return []
    return [contract["name"] for contract in user_options.contracts_options]


def test_the_layers_hold(linter):
    assert [contract["name"] for contract in linter.contracts_options]  # the contracts are read at all
    assert _broken(linter) == []


class _WithImport(GraphBuilder):
    """The real import graph plus one import that a careless change could add."""

    def __init__(self, importer, imported):
        self.importer, self.imported = importer, imported

    def build(self, root_package_names, cache_dir, **options):
        graph = grimp.build_graph(*root_package_names, cache_dir=None)
        graph.add_import(importer=self.importer, imported=self.imported, line_number=1, line_contents="import")
        return graph


@pytest.mark.parametrize(
    ("importer", "imported"),
    [
        ("qms.core.models", "qms.reminders.registry"),  # the core reaching up to an app above it
        ("qms.nonconformities.forms", "cms.models"),  # what main did before the documents were a setting
        ("qms.reminders.services", "qms.spreadsheets.imports"),  # siblings stay independent
        ("cms.models", "audits.models"),
        ("audits.models", "qms.urls"),  # nothing imports the project package's files
    ],
)
def test_an_upward_import_breaks_the_layers(linter, importer, imported):
    settings.configure(GRAPH_BUILDER=_WithImport(importer, imported))
    assert _broken(linter) != []


def test_a_downward_import_keeps_them(linter):
    settings.configure(GRAPH_BUILDER=_WithImport("audits.models", "qms.core.records"))
    assert _broken(linter) == []


def _dynamic_imports():
    """(module, named module) for every import_module("…") / find_spec("…") with a literal name:
    import-linter cannot see those, so they are checked against the same order here."""
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            module = ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
            for node in ast.walk(ast.parse(path.read_text())):
                if (
                    isinstance(node, ast.Call)
                    and getattr(node.func, "attr", getattr(node.func, "id", "")) in {"import_module", "find_spec"}
                    and node.args
                    and isinstance(node.args[0], ast.Constant)
                    and isinstance(node.args[0].value, str)
                ):
                    yield module, node.args[0].value


def test_no_upward_import_by_name(linter):
    """A lazy import by name (importlib) is an import too (qms.core.workflow_names once read a cms migration)."""
    dynamic = list(_dynamic_imports())
    graph = grimp.build_graph(*PACKAGES, cache_dir=None)
    for importer, imported in dynamic:
        if imported.split(".")[0] in PACKAGES and imported in graph.modules:
            graph.add_import(importer=importer, imported=imported, line_number=1, line_contents="import_module")

    class Built(GraphBuilder):
        def build(self, root_package_names, cache_dir, **options):
            return graph

    settings.configure(GRAPH_BUILDER=Built())
    assert _broken(linter) == [], dynamic
