"""The register comes in from the department's spreadsheet and from the national portal's JSON, through the
import framework: template, dry run, all or nothing, re-import by code without duplicates, hostile files refused."""

import io
import json

import pytest
from openpyxl import Workbook, load_workbook

from qms.procedures.models import AdministrativeProcedure
from qms.spreadsheets.imports import ImportFileError, get_importer, import_reason, run_import
from tests import factories as f
from tests.cms.builders import make_document

pytestmark = pytest.mark.django_db

HEADINGS = [
    "Mã",
    "Tên thủ tục",
    "Cấp thực hiện",
    "Lĩnh vực",
    "Cơ quan thực hiện",
    "Mã đơn vị",
    "Cách thức thực hiện",
    "Phí, lệ phí",
    "Thành phần hồ sơ",
    "Căn cứ pháp lý",
    "Quy trình nội bộ",
]


def _xlsx(headings, rows):
    book = Workbook()
    sheet = book.active
    sheet.append(headings)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _row(
    code="1.000948.H38",
    *,
    ways="Trực tiếp | 5 | ngày làm việc\nTrực tuyến | 5 | ngày làm việc | toàn trình",
    legal="144/2020/NĐ-CP | Quy định về hoạt động nghệ thuật biểu diễn | Chính phủ | 14/12/2020 | 01/01/2021",
    documents="QT-VH-01",
):
    return [
        code,
        "Thủ tục cấp giấy phép tổ chức biểu diễn nghệ thuật",
        "Cấp tỉnh",
        "Nghệ thuật biểu diễn",
        "Sở Văn hóa, Thể thao và Du lịch",
        "QLVH",
        ways,
        "Phí | 1.500.000 | Chương trình dưới 50 phút",
        "Văn bản đề nghị | 1 | 0 | Mẫu số 01\nBản sao giấy phép kinh doanh | 0 | 1",
        legal,
        documents,
    ]


@pytest.fixture
def officer(db):
    unit = f.make_unit(code="QLVH")
    return f.make_officer(unit=unit)


def test_the_template_has_the_register_columns_in_vietnamese(officer):
    from django.utils import translation

    from qms.spreadsheets.template_workbook import build_template

    with translation.override("vi"):
        book = load_workbook(io.BytesIO(build_template(get_importer("procedures"))))
    headings = [cell.value for cell in book.active[1]]
    assert any(h and h.startswith("Cách thức thực hiện") for h in headings)
    assert any(h and h.startswith("Căn cứ pháp lý") for h in headings)


def test_the_register_imports_with_its_children_and_a_reimport_updates_by_code(officer):
    document = make_document("QT-VH-01")
    importer = get_importer("procedures")
    data = _xlsx(HEADINGS, [_row(), _row("2.001234", documents="")])
    preview = run_import(importer, data, user=officer, filename="danh-muc.xlsx", commit=False)
    assert preview.ok, preview.problems
    assert not AdministrativeProcedure.objects.exists()  # the dry run writes nothing
    result = run_import(importer, data, user=officer, filename="danh-muc.xlsx", commit=True)
    assert result.committed and result.counts()["created"] == 2
    procedure = AdministrativeProcedure.objects.get(code="1.000948.H38")
    assert [w.kind for w in procedure.ways.all()] == ["in_person", "online"]
    assert procedure.ways.all()[1].online_level == "toàn trình"
    assert procedure.fees.get().amount == 1500000
    assert [c.copies for c in procedure.components.all()] == [0, 1]
    assert procedure.legal_bases.get().issuing_body == "Chính phủ"
    assert list(procedure.documents.all()) == [document]
    assert procedure.history.first().history_change_reason == import_reason("danh-muc.xlsx")
    again = run_import(importer, data, user=officer, filename="danh-muc.xlsx", commit=True)
    assert again.counts() == {"created": 0, "updated": 0, "unchanged": 2}
    changed = _xlsx(HEADINGS, [_row(legal="02/2025/TT-BVHTTDL | Thông tư mới | Bộ VHTTDL | 01/02/2025 | 15/03/2025")])
    result = run_import(importer, changed, user=officer, filename="sua-doi.xlsx", commit=True)
    assert result.counts()["updated"] == 1
    assert AdministrativeProcedure.objects.count() == 2
    procedure.refresh_from_db()
    assert "02/2025/TT-BVHTTDL" in procedure.legal_basis_summary
    # The new legal basis brought the linked document's review forward.
    document.refresh_from_db()
    assert "1.000948.H38" in document.review_reason


def test_one_bad_row_writes_nothing(officer):
    importer = get_importer("procedures")
    rows = [_row(), _row("2.000001", ways="Bằng chim bồ câu | 5"), _row("2.000002", documents="QT-KHONG-CO")]
    result = run_import(importer, _xlsx(HEADINGS, rows), user=officer, filename="x.xlsx", commit=True)
    assert not result.committed
    assert not AdministrativeProcedure.objects.exists()
    messages = " ".join(str(p) for p in result.problems)
    assert "Bằng chim bồ câu" in messages and "QT-KHONG-CO" in messages


def test_duplicate_codes_and_formulas_are_problems_of_their_rows(officer):
    importer = get_importer("procedures")
    formula = _row("2.000009")
    formula[1] = '=HYPERLINK("http://evil")'
    result = run_import(
        importer, _xlsx(HEADINGS, [_row(), _row(), formula]), user=officer, filename="x.xlsx", commit=True
    )
    assert not result.committed and len(result.problems) >= 2


def test_hostile_and_malformed_files_are_refused_whole(officer):
    from qms.spreadsheets import hostile_files

    importer = get_importer("procedures")
    hostile = [
        hostile_files.xml_bomb(HEADINGS),
        hostile_files.zip_bomb(HEADINGS, size=120 * 1024 * 1024),
        hostile_files.many_sheets(HEADINGS, count=3),
        hostile_files.huge_sheet_without_dimension(HEADINGS, rows=30_000),
    ]
    for data in (b"", b"not a workbook", b"PK\x03\x04broken", *hostile):
        with pytest.raises(ImportFileError):
            run_import(importer, data, user=officer, filename="x.xlsx", commit=False)
    assert not AdministrativeProcedure.objects.exists()


def _portal(*items):
    return json.dumps({"procedures": list(items)}, ensure_ascii=False).encode()


def _item(code="1.000948.H38", **extra):
    item = {
        "code": code,
        "name": "Thủ tục cấp giấy phép tổ chức biểu diễn nghệ thuật",
        "level": "Cấp tỉnh",
        "field": "Nghệ thuật biểu diễn",
        "agencies": {"implementing": "Sở Văn hóa, Thể thao và Du lịch", "coordinating": ["Công an tỉnh"]},
        "unit": "QLVH",
        "ways": [
            {
                "kind": "in_person",
                "time_limit": 5,
                "unit": "working_days",
                "fees": [{"kind": "charge", "amount": 500000, "description": "Lệ phí"}],
            },
            {"kind": "Trực tuyến", "time_limit": 3, "unit": "ngày làm việc", "online_level": "toàn trình"},
        ],
        "dossier": [{"case": "", "components": [{"name": "Văn bản đề nghị", "form_name": "Mẫu 01", "originals": 1}]}],
        "legal_basis": [{"number": "144/2020/NĐ-CP", "issuing_body": "Chính phủ", "issued_on": "2020-12-14"}],
        "decision": {"number": "1234/QĐ-UBND", "date": "2024-03-01"},
        "status": "in_force",
    }
    item.update(extra)
    return item


def test_the_portal_json_imports_and_reimports_without_duplicates(officer):
    importer = get_importer("procedures_portal")
    data = _portal(_item(), _item("1.000949.H38"))
    result = run_import(importer, data, user=officer, filename="cong-dvc.json", commit=True)
    assert result.committed, result.problems
    procedure = AdministrativeProcedure.objects.get(code="1.000948.H38")
    assert procedure.coordinating_agencies == "Công an tỉnh"
    assert [str(w.time_limit) for w in procedure.ways.all()] == ["5.0", "3.0"]
    assert procedure.fees.get().kind == "charge"
    assert procedure.decision_number == "1234/QĐ-UBND"
    again = run_import(
        importer,
        _portal(_item(name="Tên mới"), _item("1.000949.H38")),
        user=officer,
        filename="cong-dvc.json",
        commit=True,
    )
    assert again.counts() == {"created": 0, "updated": 1, "unchanged": 1}
    assert AdministrativeProcedure.objects.count() == 2
    content, content_type, extension = importer.template()
    assert extension == "json" and json.loads(content)["procedures"][0]["code"]


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"{not json",
        b"\xff\xfe\x00garbage",
        b"[]",
        b'{"procedures": "x"}',
        b'{"procedures": [1, 2]}',
        b'{"procedures": [{"code": "1", "ways": "five"}]}',
        b"[" * 100000 + b"]" * 100000,
        json.dumps({"procedures": [{"code": "1", "agencies": {"implementing": {"x": 1}}}]}).encode(),
    ],
)
def test_malformed_and_hostile_json_is_refused_whole(officer, data):
    with pytest.raises(ImportFileError):
        run_import(get_importer("procedures_portal"), data, user=officer, filename="x.json", commit=False)


def test_json_over_the_size_and_row_limits_is_refused(officer, settings):
    settings.QMS_IMPORT_MAX_BYTES = 1000
    with pytest.raises(ImportFileError):
        run_import(
            get_importer("procedures_portal"),
            _portal(*[_item(str(n)) for n in range(10)]),
            user=officer,
            filename="x.json",
            commit=False,
        )
    settings.QMS_IMPORT_MAX_BYTES = 10 * 1024 * 1024
    settings.QMS_IMPORT_MAX_ROWS = 3
    with pytest.raises(ImportFileError):
        run_import(
            get_importer("procedures_portal"),
            _portal(*[_item(str(n)) for n in range(5)]),
            user=officer,
            filename="x.json",
            commit=False,
        )


def test_a_portal_procedure_with_a_bad_value_is_a_problem_of_its_row(officer):
    result = run_import(
        get_importer("procedures_portal"),
        _portal(_item(), _item("2", level="Trung ương")),
        user=officer,
        filename="x.json",
        commit=True,
    )
    assert not result.committed and "Trung ương" in " ".join(str(p) for p in result.problems)
    assert not AdministrativeProcedure.objects.exists()


def test_the_upload_page_takes_a_json_file(client, officer):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    client.force_login(officer)
    url = reverse("spreadsheets_admin:upload", kwargs={"key": "procedures_portal"})
    page = client.get(url)
    assert 'accept=".json,application/json"' in page.content.decode()
    upload = SimpleUploadedFile("cong-dvc.json", _portal(_item()), content_type="application/json")
    response = client.post(url, {"file": upload})
    assert response.status_code == 302
    preview = client.get(response["Location"])
    assert "1.000948.H38" in preview.content.decode()
    assert client.post(response["Location"]).status_code == 302
    assert AdministrativeProcedure.objects.filter(code="1.000948.H38").exists()
