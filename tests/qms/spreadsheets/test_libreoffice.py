"""A second, independent reader: LibreOffice (headless) opens every kind of export and its CSV matches."""

import csv
import datetime as dt
import shutil
import subprocess
import uuid
from decimal import Decimal

import pytest
from django.utils import translation

from qms.spreadsheets.export import Column, RegisterWorkbook
from tests.factories import make_officer

pytestmark = [pytest.mark.libreoffice, pytest.mark.django_db]

COLUMNS = [
    Column("Mã", lambda r: r[0]),
    Column("Số", lambda r: r[1], kind="int"),
    Column("Tiền", lambda r: r[2], kind="decimal"),
    Column("Hạn", lambda r: r[3], kind="date"),
    Column("Đóng lúc", lambda r: r[4], kind="datetime"),
    Column("Công khai", lambda r: r[5], kind="bool"),
]
ROWS = [
    ("=1+1", 3, Decimal("1234.5"), dt.date(2026, 12, 31), dt.datetime(2026, 11, 28, 23, 30, tzinfo=dt.UTC), True),
    ("@SUM(A1)", None, 2, None, None, False),
    ("-5 Điều chỉnh", -7, Decimal("0.125"), dt.date(2026, 1, 2), None, None),
]


def to_csv(path, tmp_path):
    """Convert the first sheet with a private LibreOffice profile (parallel runs must not share one)."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    profile = f"file:///tmp/qms-lo-{uuid.uuid4().hex}"
    out = tmp_path / "csv"
    try:
        subprocess.run(
            [
                soffice,
                f"-env:UserInstallation={profile}",
                "--headless",
                "--norestore",
                "--convert-to",
                "csv:Text - txt - csv (StarCalc):44,34,76",
                "--outdir",
                str(out),
                str(path),
            ],
            check=True,
            capture_output=True,
            timeout=180,
        )
    finally:
        shutil.rmtree(profile.removeprefix("file://"), ignore_errors=True)
    with open(out / (path.stem + ".csv"), encoding="utf-8", newline="") as fh:
        return list(csv.reader(fh))


def test_libreoffice_reads_the_register_as_written(tmp_path):
    officer = make_officer(username="lan")
    with translation.override("vi"):
        book = RegisterWorkbook(title="Sổ theo dõi", user=officer, organisation="Sở Văn hoá", filters_description="+x")
        book.add_table("Sổ", COLUMNS, ROWS)
        path = tmp_path / "register.xlsx"
        with open(path, "wb") as fh:
            book.save(fh)
    rows = [row for row in to_csv(path, tmp_path)]
    width = len(COLUMNS)
    assert rows[0][0] == "Sở Văn hoá"
    assert rows[1][0] == "Sổ theo dõi"
    assert rows[2][0] == "Bộ lọc: +x"
    assert rows[3][0].startswith("Xuất lúc ") and rows[3][0].endswith("(Asia/Ho_Chi_Minh) bởi lan")
    assert rows[4] == [""] * width
    assert rows[5] == ["Mã", "Số", "Tiền", "Hạn", "Đóng lúc", "Công khai"]
    assert rows[6:] == [
        ["=1+1", "3", "1,234.50", "31/12/2026", "29/11/2026 06:30", "Có"],
        ["@SUM(A1)", "", "2.00", "", "", "Không"],
        ["-5 Điều chỉnh", "-7", "0.13", "02/01/2026", "", ""],
    ]
