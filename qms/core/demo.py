"""The demo organisation: a provincial department of culture, sports and tourism.

`seed_demo` runs the core seeder, then every seeder that higher apps register with Wagtail's hook
``qms_demo_seeders`` (a callable returning ``Seeder``s, docs/architecture.md), in layer order. Each
seeder must be idempotent: running `seed_demo` twice leaves the same data.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import Group
from django.db import transaction

from . import organisation, roles
from .extensions import collected
from .models import OrganisationUnit, User

SEEDERS_HOOK = "qms_demo_seeders"


@dataclass(frozen=True)
class Seeder:
    name: str
    seed: Callable  # seed(stdout), idempotent
    order: int  # lower runs first; the core's own seeder runs before all (0)


ORGANISATION_NAME = "Sở Văn hóa, Thể thao và Du lịch tỉnh Hòa Bình (demo)"

UNITS = [
    # code, name, parent code
    ("SVHTTDL", "Sở Văn hóa, Thể thao và Du lịch", None),
    ("VP", "Văn phòng Sở", "SVHTTDL"),
    ("TTRA", "Thanh tra Sở", "SVHTTDL"),
    ("QLVH", "Phòng Quản lý Văn hóa và Gia đình", "SVHTTDL"),
    ("QLTDTT", "Phòng Quản lý Thể dục Thể thao", "SVHTTDL"),
    ("QLDL", "Phòng Quản lý Du lịch", "SVHTTDL"),
    ("KHTC", "Phòng Kế hoạch – Tài chính", "SVHTTDL"),
]

# username, first name, last name, unit, roles, job title
PEOPLE = [
    ("director", "Hùng", "Nguyễn Văn", "SVHTTDL", [roles.APPROVERS, roles.STAFF], "Giám đốc Sở"),
    ("approver", "Lan", "Trần Thị", "SVHTTDL", [roles.APPROVERS, roles.STAFF], "Phó Giám đốc Sở"),
    ("officer", "Minh", "Lê Quang", "VP", [roles.QUALITY_OFFICERS, roles.STAFF], "Thư ký ISO"),
    ("officer2", "Hà", "Phạm Thu", "VP", [roles.QUALITY_OFFICERS, roles.STAFF], "Chuyên viên pháp chế"),
    ("auditor", "Dũng", "Vũ Tiến", "TTRA", [roles.AUDITORS, roles.STAFF], "Chánh Thanh tra, đánh giá viên nội bộ"),
    ("auditor2", "Thảo", "Đỗ Phương", "KHTC", [roles.AUDITORS, roles.STAFF], "Đánh giá viên nội bộ"),
    ("staff", "Mai", "Hoàng Thị", "QLVH", [roles.STAFF], "Chuyên viên"),
    ("vh_head", "Sơn", "Bùi Đức", "QLVH", [roles.STAFF], "Trưởng phòng Quản lý Văn hóa và Gia đình"),
    ("tt_head", "Quân", "Đặng Minh", "QLTDTT", [roles.STAFF], "Trưởng phòng Quản lý Thể dục Thể thao"),
    ("tt_staff", "Linh", "Ngô Khánh", "QLTDTT", [roles.STAFF], "Chuyên viên"),
    ("dl_head", "Phong", "Trịnh Gia", "QLDL", [roles.STAFF], "Trưởng phòng Quản lý Du lịch"),
    ("dl_staff", "Yến", "Lý Hải", "QLDL", [roles.STAFF], "Chuyên viên"),
    ("vp_staff", "Tâm", "Cao Minh", "VP", [roles.STAFF], "Chuyên viên một cửa"),
    ("kh_staff", "Nga", "Phan Thúy", "KHTC", [roles.STAFF], "Kế toán viên"),
]

# unit code -> username of its manager
MANAGERS = {
    "SVHTTDL": "director",
    "VP": "officer",
    "TTRA": "auditor",
    "QLVH": "vh_head",
    "QLTDTT": "tt_head",
    "QLDL": "dl_head",
    "KHTC": "approver",
}

DEMO_LOGINS = ["officer", "approver", "auditor", "staff"]


def seeders():
    """[(name, seed)] of the registered seeders, lower order first, each name once."""
    found = {}
    for seeder in sorted(collected(SEEDERS_HOOK), key=lambda seeder: seeder.order):
        found.setdefault(seeder.name, seeder.seed)
    return list(found.items())


@transaction.atomic
def seed_core(stdout):
    units = {}
    for code, name, parent in UNITS:
        unit, _ = OrganisationUnit.objects.update_or_create(
            code=code, defaults={"name": name, "parent": units.get(parent)}
        )
        units[code] = unit
    people = {}
    for username, first, last, unit_code, role_names, title in PEOPLE:
        user, created = User.objects.get_or_create(
            username=username,
            defaults={
                "first_name": first,
                "last_name": last,
                "email": f"{username}@demo.qms.local",
                "unit": units[unit_code],
                "job_title": title,
                "is_demo": True,
                "language": "vi",
            },
        )
        if created:
            user.set_password(settings.QMS_DEMO_PASSWORD)
            user.save()
        user.groups.set(Group.objects.filter(name__in=role_names))
        people[username] = user
    for code, username in MANAGERS.items():
        unit = units[code]
        if unit.manager_id != people[username].pk:
            unit.manager = people[username]
            unit.save()
    for user in people.values():
        manager = people[MANAGERS[user.unit.code]]
        if manager.pk == user.pk and user.unit.parent is not None:
            manager = people[MANAGERS[user.unit.parent.code]]
        wanted = None if manager.pk == user.pk else manager
        if user.manager_id != (wanted.pk if wanted else None):
            user.manager = wanted
            user.save()
    # The dashboard's title: the configured organisation, else the demo's.
    organisation.site_name_set(name=organisation.configured_name() or ORGANISATION_NAME)
    stdout.write(f"  core: {len(units)} units, {len(people)} people")
