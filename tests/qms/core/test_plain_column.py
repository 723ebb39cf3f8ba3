"""A register's plain cells, written in Python, render exactly what Wagtail's cell template renders (issue 21)."""

import datetime
import re
import zoneinfo
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.utils import timezone, translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy
from wagtail.admin.ui.tables import Column

from qms.core.admin_views import PlainColumn

VALUES = [
    None,
    "",
    "   ",
    'Hồ sơ <trễ> & "lỗi"',
    mark_safe("<strong>Quá hạn</strong>"),
    gettext_lazy("Closed"),
    12345,
    True,
    Decimal("1.50"),
    1.5,
    datetime.date(2026, 12, 4),
    datetime.datetime(2026, 12, 4, 1, 30, tzinfo=datetime.UTC),
]


def cell(column_class, value, classname=None):
    column = column_class("value", label="Value", classname=classname)
    context = {"row": None, "table": None, "request": None}
    html = column.render_cell_html(SimpleNamespace(value=value), context)
    return re.sub(r"\s+", " ", re.sub(r">\s+|\s+<", lambda m: m.group(0).strip(), str(html))).replace("<td >", "<td>")


@pytest.mark.parametrize("language", ["vi", "en"])
@pytest.mark.parametrize("classname", [None, "overdue"])
@pytest.mark.parametrize("value", VALUES, ids=repr)
def test_a_plain_cell_is_the_templates_cell(value, classname, language):
    with translation.override(language), timezone.override(zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")):
        assert cell(PlainColumn, value, classname) == cell(Column, value, classname)


def test_a_plain_cell_shows_a_time_in_the_readers_zone():
    with translation.override("vi"), timezone.override(zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")):
        assert "04/12/2026 08:30" in cell(PlainColumn, VALUES[-1])


@pytest.mark.django_db
def test_the_registers_admin_lists_write_their_plain_cells_in_python(client):
    """The kit reaches Wagtail's columns through a private method: a Wagtail upgrade that renamed it
    would quietly bring back a template per cell."""
    from django.urls import reverse

    from tests import factories

    client.force_login(factories.make_officer())
    table = client.get(reverse("nonconformities_admin:index")).context["table"]
    title, *others = table.columns.values()
    assert not isinstance(title, PlainColumn)
    assert others and all(isinstance(column, PlainColumn) for column in others)
