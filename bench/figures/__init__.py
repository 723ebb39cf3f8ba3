"""The figure groups, in the order they run. Each group builds its own data and returns its lines."""

from collections.abc import Callable
from dataclasses import dataclass

from bench.figures import (
    admin_pages,
    hostile,
    imports,
    mixed,
    nonconformities,
    procedures,
    registers,
    reminders,
    spreadsheets,
    timelines,
    web,
)
from bench.report import Spec


@dataclass(frozen=True)
class Group:
    name: str
    specs: tuple[Spec, ...]
    run: Callable


GROUPS = [
    Group("web", web.SPECS, web.run),
    Group("nc", nonconformities.SPECS, nonconformities.run),
    Group("timeline", timelines.SPECS, timelines.run),
    Group("admin", admin_pages.SPECS, admin_pages.run),
    Group("mixed", mixed.SPECS, mixed.run),
    Group("registers", registers.SPECS, registers.run),
    Group("procedures", procedures.SPECS, procedures.run),
    Group("sweep", reminders.SPECS, reminders.run),
    Group("xlsx", spreadsheets.SPECS, spreadsheets.run),
    Group("import", imports.SPECS, imports.run),
    Group("hostile", hostile.SPECS, hostile.run),
]
