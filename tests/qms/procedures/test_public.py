"""The public pages of the procedures (no log-in): search, filters, the detail with its forms to download, only
what is published, on a phone, in a fixed number of queries whatever the size of the register."""

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from wagtail.documents import get_document_model

from qms.procedures import public_cache
from qms.procedures.models import DossierComponent
from tests import factories as f
from tests.cms.builders import make_document

from .conftest import make_procedure

pytestmark = pytest.mark.django_db


def _form(title):
    return get_document_model().objects.create(title=title, file=ContentFile(b"%PDF-1.4 mau don", name=f"{title}.pdf"))


@pytest.fixture
def register(db):
    unit = f.make_unit(code="QLVH")
    officer = f.make_officer(unit=unit)
    public_doc = make_document("QT-VH-01", unit=unit, is_public=True, title="Thủ tục cấp giấy phép biểu diễn")
    internal_doc = make_document("QT-VH-04", unit=unit, title="Quy trình nội bộ giải quyết")
    form = _form("Mẫu số 01")
    shown = make_procedure(
        user=officer,
        unit=unit,
        code="1.000948.H38",
        name="Cấp giấy phép tổ chức biểu diễn nghệ thuật",
        field="Nghệ thuật biểu diễn",
        documents=[public_doc, internal_doc],
        components=[DossierComponent(name="Văn bản đề nghị", form=form, form_name="Mẫu số 01", originals=1)],
    )
    district = make_procedure(
        user=officer,
        unit=unit,
        code="2.000111",
        name="Công nhận gia đình văn hóa",
        field="Văn hóa cơ sở",
        level="district",
    )
    hidden = make_procedure(user=officer, unit=unit, code="1.000999.H38", name="Thủ tục nội bộ", is_public=False)
    repealed = make_procedure(user=officer, unit=unit, code="1.000888.H38", name="Thủ tục đã bãi bỏ", status="repealed")
    return {"shown": shown, "district": district, "hidden": hidden, "repealed": repealed, "form": form, "unit": unit}


def test_anonymous_list_shows_only_published_procedures_with_search_and_filters(client, register):
    body = client.get(reverse("procedures:list")).content.decode()
    assert "1.000948.H38" in body and "2.000111" in body
    assert "1.000999.H38" not in body and "1.000888.H38" not in body
    assert 'name="viewport"' in body  # laid out for a phone
    assert "2.000111" not in client.get(reverse("procedures:list"), {"q": "biểu diễn"}).content.decode()
    assert "1.000948.H38" in client.get(reverse("procedures:list"), {"q": "000948"}).content.decode()
    by_field = client.get(reverse("procedures:list"), {"q": "văn hóa cơ sở"}).content.decode()
    assert "2.000111" in by_field and "1.000948.H38" not in by_field
    by_level = client.get(reverse("procedures:list"), {"level": "district"}).content.decode()
    assert "2.000111" in by_level and "1.000948.H38" not in by_level
    filtered = client.get(reverse("procedures:list"), {"field": "Nghệ thuật biểu diễn"}).content.decode()
    assert "1.000948.H38" in filtered and "2.000111" not in filtered


def test_the_list_prints_each_procedures_level_and_ways_in_order_as_the_register_names_them(client, register):
    procedure = make_procedure(
        unit=register["unit"],
        code="1.000777.H38",
        level="commune",
        ways=((1.5, "working_hours"), (10, "calendar_days"), (15, "working_days")),
    )
    # The order officers gave them, which is not the order they were written in.
    for way, (kind, sort_order) in zip(
        procedure.ways.order_by("pk"), (("in_person", 2), ("online", 0), ("post", 1)), strict=True
    ):
        way.kind, way.sort_order = kind, sort_order
        way.save()
    body = client.get(reverse("procedures:list"), {"q": "1.000777"}).content.decode()
    expected = "; ".join(str(way) for way in procedure.ways.order_by("sort_order"))
    assert expected.startswith("Trực tuyến: 10 ngày;")
    assert "1.5 giờ làm việc" in expected  # the number as the register prints it
    assert f": {expected}</div>" in body
    assert f"1.000777.H38 · {procedure.get_level_display()} · " in body
    assert f'href="{procedure.get_absolute_url()}"' in body


def test_the_detail_has_time_limits_fees_components_forms_legal_basis_and_only_the_public_process(client, register):
    response = client.get(reverse("procedures:detail", args=["1.000948.H38"]))
    body = response.content.decode()
    assert response.status_code == 200
    assert "15" in body and "144/2020/NĐ-CP" in body and "Văn bản đề nghị" in body
    assert "QT-VH-01" in body and "QT-VH-04" not in body  # the internal process is not public
    download = client.get(register["form"].url)
    assert download.status_code == 200 and b"mau don" in b"".join(download.streaming_content)
    for code in ("1.000999.H38", "1.000888.H38", "9.9"):
        assert client.get(reverse("procedures:detail", args=[code])).status_code == 404


def test_logged_in_staff_see_the_internal_process_too(client, register):
    client.force_login(f.make_staff(unit=register["unit"]))
    body = client.get(reverse("procedures:detail", args=["1.000948.H38"])).content.decode()
    assert "QT-VH-04" in body


def test_a_form_no_published_procedure_uses_is_not_served_to_citizens(client, register):
    orphan = _form("Mẫu nội bộ")
    assert client.get(orphan.url).status_code == 302  # to the log-in


def _queries(client, url, params=None, *, rendered=False):
    client.get(url, params or {})  # warm: the site's root and the session, read once per process
    if rendered:
        public_cache.invalidate()  # the list's body is cached: count what rendering it costs
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url, params or {}).status_code == 200
    return len(captured)


def test_the_list_and_detail_cost_the_same_queries_at_two_sizes(client, register):
    url = reverse("procedures:list")
    detail = reverse("procedures:detail", args=["1.000948.H38"])
    small = (
        _queries(client, url, rendered=True),
        _queries(client, url, {"q": "biểu diễn", "level": "province"}, rendered=True),
        _queries(client, detail),
    )
    for n in range(60):
        make_procedure(unit=register["unit"], code=f"3.{n:06d}", ways=((5, "working_days"), (3, "working_days")))
    large = (
        _queries(client, url, rendered=True),
        _queries(client, url, {"q": "biểu diễn", "level": "province"}, rendered=True),
        _queries(client, detail),
    )
    assert small == large and small[0] > 0
