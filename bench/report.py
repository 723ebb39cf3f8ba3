"""Figure lines: ``{"figure", "value", "unit", "goal"}`` plus optional ``met``, ``note`` and ``detail``."""

import importlib
import importlib.util
from dataclasses import dataclass


@dataclass(frozen=True)
class Spec:
    name: str
    unit: str
    goal: str


class ProductMissing(Exception):
    """A product module a figure measures has not landed yet: the figure is reported as not available."""


def require(module_name: str):
    """Import a product module, or raise ProductMissing when it does not exist yet.

    Only a module that is absent counts as "not landed"; a module that exists but lacks a name the
    harness uses raises the usual error, so the smoke run fails when the harness and the product
    drift apart instead of silently reporting nothing.
    """
    try:
        found = importlib.util.find_spec(module_name)
    except ModuleNotFoundError:
        found = None
    if found is None:
        raise ProductMissing(f"{module_name} has not landed yet")
    return importlib.import_module(module_name)


def line(spec: Spec, value, *, met=None, note=None, detail=None) -> dict:
    result = {"figure": spec.name, "value": value, "unit": spec.unit, "goal": spec.goal}
    if met is not None:
        result["met"] = bool(met)
    if note:
        result["note"] = note
    if detail:
        result["detail"] = detail
    return result


def unavailable(spec: Spec, why: str, detail=None) -> dict:
    return line(spec, None, note=f"not available: {why}", detail=detail)


def failed(spec: Spec, error: BaseException) -> dict:
    return line(spec, None, note=f"error: {type(error).__name__}: {error}")
