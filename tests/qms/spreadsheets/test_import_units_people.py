"""The units and people importers (qms/spreadsheets/organisation.py): create, update, re-import, history."""

import pytest
from django.contrib.auth.models import Group

from qms.core import roles
from qms.core.models import OrganisationUnit, User
from qms.spreadsheets.imports import get_importer, run_import
from tests.factories import make_officer, make_unit, make_user

from .xlsx import PEOPLE_HEADINGS, UNIT_HEADINGS, xlsx

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer():
    return make_officer(username="officer")


def run(importer, data, officer, filename="file.xlsx", commit=True):
    return run_import(get_importer(importer), data, user=officer, filename=filename, commit=commit)


UNITS = [
    ("QLVH", "Phòng Quản lý văn hoá", "SVH", ""),  # child listed before its parent
    ("SVH", "Sở Văn hoá", "", "officer"),
    ("TT", "Trung tâm", "SVH", ""),
]


def test_units_are_created_in_parent_order_with_history(officer):
    result = run("units", xlsx(UNITS, headings=UNIT_HEADINGS), officer, filename="don-vi.xlsx")
    assert result.committed, result.problems
    assert result.counts() == {"created": 3, "updated": 0, "unchanged": 0}
    qlvh = OrganisationUnit.objects.get(code="QLVH")
    assert qlvh.parent.code == "SVH" and qlvh.parent.manager == officer
    entry = qlvh.history.latest()
    assert entry.history_user == officer
    assert entry.history_change_reason == "Nhập từ don-vi.xlsx"


def test_reimporting_the_same_file_updates_rather_than_duplicates(officer):
    data = xlsx(UNITS, headings=UNIT_HEADINGS)
    run("units", data, officer)
    histories = OrganisationUnit.history.count()
    again = run("units", data, officer)
    assert again.committed and again.counts() == {"created": 0, "updated": 0, "unchanged": 3}
    assert OrganisationUnit.objects.count() == 3
    assert OrganisationUnit.history.count() == histories, "an unchanged row must not add history"

    changed = [("qlvh", "Phòng Văn hoá", "", "")]  # codes match whatever their case
    result = run("units", xlsx(changed, headings=UNIT_HEADINGS), officer, filename="v2.xlsx")
    assert result.counts() == {"created": 0, "updated": 1, "unchanged": 0}
    qlvh = OrganisationUnit.objects.get(code="QLVH")
    assert qlvh.name == "Phòng Văn hoá" and qlvh.parent is None
    assert qlvh.history.latest().history_change_reason == "Nhập từ v2.xlsx"
    assert qlvh.history.latest().history_user == officer


def test_a_dry_run_writes_nothing(officer):
    result = run("units", xlsx(UNITS, headings=UNIT_HEADINGS), officer, commit=False)
    assert result.ok and not result.committed and result.counts()["created"] == 3
    assert not OrganisationUnit.objects.exists()


def test_a_unit_cannot_go_under_its_own_sub_unit(officer):
    top = make_unit(code="TOP")
    make_unit(code="SUB", parent=top)
    result = run("units", xlsx([("TOP", "Top", "SUB", "")], headings=UNIT_HEADINGS), officer)
    assert [str(p) for p in result.problems] == [
        "Hàng 2, cột “Parent unit code”: không thể đặt một đơn vị dưới chính nó hoặc đơn vị con của nó."
    ]


def test_english_headings_and_messages(officer, settings):
    from django.utils import translation

    with translation.override("en"):
        result = run("units", xlsx([("TOP", "Top", "NONE", "")], headings=UNIT_HEADINGS), officer)
        listed = [str(p) for p in result.problems]
    assert listed == [
        "Row 2, column “Parent unit code”: there is no unit with code “NONE”, neither in the product nor in this file."
    ]


def test_vietnamese_headings_are_accepted(officer):
    headings = ["Mã đơn vị", "Tên đơn vị", "Mã đơn vị cấp trên", "Người quản lý (tên đăng nhập)"]
    result = run("units", xlsx([("VP", "Văn phòng", "", "")], headings=headings), officer)
    assert result.committed, [str(p) for p in result.problems]


PEOPLE = [
    ("nv.an", "Nguyễn Văn An", "An.NV@Example.gov.vn", "QLVH", "Staff, Auditors", "vi"),
    ("tt.binh", "Trần Thị Bình", "binh@example.gov.vn", "", "", "English"),
]


def test_people_are_created_with_roles_unit_and_language(officer):
    make_unit(code="QLVH")
    result = run("people", xlsx(PEOPLE, headings=PEOPLE_HEADINGS), officer, filename="nhan-su.xlsx")
    assert result.committed, [str(p) for p in result.problems]
    an = User.objects.get(username="nv.an")
    assert (an.last_name, an.first_name, an.email, an.unit.code, an.language) == (
        "Nguyễn Văn",
        "An",
        "an.nv@example.gov.vn",
        "QLVH",
        "vi",
    )
    assert set(an.groups.values_list("name", flat=True)) == {roles.STAFF, roles.AUDITORS}
    assert not an.has_usable_password()
    binh = User.objects.get(username="tt.binh")
    assert binh.language == "en" and binh.unit is None
    assert list(binh.groups.values_list("name", flat=True)) == [roles.STAFF]
    entry = an.history.latest()
    assert entry.history_user == officer
    assert entry.history_change_reason == "Nhập từ nhan-su.xlsx; vai trò: Auditors, Staff"


def test_people_are_updated_and_roles_replaced_when_given():
    # Only an administrator grants Quality officers or removes Approvers (qms.core.people).
    admin = make_user(username="admin", is_superuser=True)
    unit = make_unit(code="QLVH")
    person = make_user(roles.STAFF, roles.APPROVERS, username="nv.an", unit=unit)
    person.groups.add(Group.objects.create(name="Hand-made group"))
    rows = [("NV.AN", "Nguyễn Văn An", "an@example.gov.vn", "", "Quality officers", "")]
    result = run("people", xlsx(rows, headings=PEOPLE_HEADINGS), admin)
    assert result.counts() == {"created": 0, "updated": 1, "unchanged": 0}
    person.refresh_from_db()
    assert person.unit == unit, "a blank unit leaves the unit as it is"
    assert set(person.groups.values_list("name", flat=True)) == {roles.QUALITY_OFFICERS, "Hand-made group"}
    assert "Quality officers" in person.history.latest().history_change_reason
    again = run("people", xlsx(rows, headings=PEOPLE_HEADINGS), admin)
    assert again.counts() == {"created": 0, "updated": 0, "unchanged": 1}


def test_unit_managers_after_people(officer):
    make_unit(code="QLVH")
    run("people", xlsx(PEOPLE, headings=PEOPLE_HEADINGS), officer)
    result = run("units", xlsx([("QLVH", "Phòng QLVH", "", "nv.an")], headings=UNIT_HEADINGS), officer)
    assert result.committed
    assert OrganisationUnit.objects.get(code="QLVH").manager.username == "nv.an"


def test_an_exported_register_imports_back(officer):
    """The heading row is found below an export's header block."""
    from django.utils import translation

    from qms.spreadsheets.export import Column, RegisterWorkbook
    from qms.spreadsheets.testing import response_bytes

    columns = [
        Column("Unit code", lambda u: u[0]),
        Column("Unit name", lambda u: u[1]),
        Column("Parent unit code", lambda u: u[2]),
    ]
    with translation.override("en"):
        book = RegisterWorkbook(title="Units", user=officer)
        book.add_table("Units", columns, [("A", "Unit A", None), ("B", "Unit B", "A")])
        data = response_bytes(book.response("units.xlsx"))
    result = run("units", data, officer)
    assert result.committed, [str(p) for p in result.problems]
    assert OrganisationUnit.objects.get(code="B").parent.code == "A"


def test_a_long_file_name_is_kept_whole_in_the_history_reason(officer):
    """The change-reason column is a text field: the reason names the whole file, never a shortened one (7.5.3)."""
    make_unit(code="QLVH")
    filename = "Danh sách cán bộ công chức viên chức của Sở Văn hoá Thể thao và Du lịch năm 2026 (bản cuối).xlsx"
    result = run("people", xlsx(PEOPLE, headings=PEOPLE_HEADINGS), officer, filename=filename)
    assert result.committed, [str(p) for p in result.problems]
    reason = User.objects.get(username="nv.an").history.latest().history_change_reason
    assert reason.startswith(f"Nhập từ {filename}; vai trò") and "…" not in reason
