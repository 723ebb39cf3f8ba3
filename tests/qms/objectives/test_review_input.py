"""Quality objectives in the management review's pack (ISO 9001 9.3.2 c) 2): the extent to which they were met),
checked against the register's own counts."""

import datetime

import pytest

from qms.core.review_inputs import review_inputs
from qms.management_review.services import gather_pack
from qms.objectives import services
from qms.objectives.models import Measurement, QualityObjective
from tests import factories as f

from .conftest import YEAR, approved, make_indicator, make_objective, measure

pytestmark = pytest.mark.django_db

START, END = datetime.date(YEAR, 1, 1), datetime.date(YEAR, 12, 31)


def gathered(start=START, end=END):
    item = next(i for i in review_inputs() if i.key == "objectives")
    return item.gather(start, end)


def fig(data, key):
    return next(x["value"] for x in data["figures"] if x["key"] == key)


@pytest.fixture
def register(people):
    officer, approver, reporter = people["officer"], people["approver"], people["reporter"]
    # In force: 92 (met), 80 (missed, raised a nonconformity), 95 (met).
    satisfaction, indicator = approved(officer, approver, reporter, title="Hài lòng ≥ 90%")
    measure(indicator, 1, 92, reporter)
    missed = measure(indicator, 2, 80, reporter)
    services.measurement_raise_nonconformity(measurement=missed, user=reporter)
    measure(indicator, 3, 95, reporter)
    # Achieved, lower is better: 1 (met), 3 (missed).
    backlog, lower = approved(
        officer,
        approver,
        reporter,
        title="Không tồn đọng",
        unit=people["home"],
        indicator={
            "name": "Số hồ sơ tồn",
            "unit_of_measure": "",
            "direction": "lower",
            "target": 2,
            "warning_threshold": 3,
        },
    )
    measure(lower, 1, 1, reporter)
    measure(lower, 2, 3, reporter)
    services.objective_close(objective=backlog, user=officer, target="achieved")
    # Withdrawn while a draft; a draft; last year's objective with a measurement: none is this year's measured.
    withdrawn = make_objective(officer, title="Bỏ")
    services.objective_close(objective=withdrawn, user=officer, target="withdrawn", reason="Trùng mục tiêu khác")
    make_indicator(make_objective(officer, title="Còn dự thảo"), officer, reporter)
    _last, old = approved(officer, approver, reporter, title="Năm trước", year=YEAR - 1)
    measure(old, 12, 50, reporter, year=YEAR - 1)
    return {"satisfaction": satisfaction, "backlog": backlog}


def test_the_input_is_registered_for_9_3_2_c_under_the_key_the_yearly_report_reads():
    (item,) = [i for i in review_inputs() if i.key == "objectives"]
    assert item.clause_item == "c"
    keys = [i.key for i in review_inputs()]
    # c) 1) customer satisfaction, then c) 2) objectives, then c) 4) nonconformities.
    assert keys.index("feedback") < keys.index("objectives") < keys.index("nonconformities")


def test_figures_of_the_year_against_the_register(register):
    data = gathered()
    this_year = QualityObjective.objects.filter(year=YEAR)
    assert (
        fig(data, "objectives_set")
        == this_year.filter(status__in=["approved", "achieved", "not_achieved"]).count()
        == 2
    )
    assert fig(data, "objectives_achieved") == this_year.filter(status="achieved").count() == 1
    assert fig(data, "objectives_not_achieved") == 0
    assert fig(data, "objectives_in_force") == this_year.filter(status="approved").count() == 1
    assert fig(data, "objectives_withdrawn") == this_year.filter(status="withdrawn").count() == 1
    measured = Measurement.objects.filter(period_start__year=YEAR)
    assert fig(data, "measurements") == measured.count() == 5
    assert fig(data, "measurements_meeting_target") == sum(1 for m in measured if m.meets_target) == 3
    assert fig(data, "share_meeting_target") == 60.0
    assert fig(data, "nonconformities_from_missed_targets") == measured.filter(nonconformity__isnull=False).count() == 1


def test_one_row_per_indicator_with_its_latest_value_of_the_period_and_health(register):
    (table,) = gathered()["tables"]
    assert len(table["columns"]) == len(table["rows"][0]) == 9
    rows = {row[1]: row for row in table["rows"]}
    assert set(rows) == {"Hài lòng ≥ 90%", "Không tồn đọng"}
    assert rows["Hài lòng ≥ 90%"][5:] == ["90 %", "95 %", "2 / 3", "Đang đạt"]
    assert rows["Không tồn đọng"][2] == "HOME"
    assert rows["Không tồn đọng"][6:] == ["3", "1 / 2", "Có nguy cơ không đạt"]
    chart = gathered()["charts"][0]
    assert {bar["label"]: bar["value"] for bar in chart["bars"]} == {"Hài lòng ≥ 90%": 66.7, "Không tồn đọng": 50.0}


def test_a_shorter_period_counts_only_its_measurements(register):
    data = gathered(datetime.date(YEAR, 1, 1), datetime.date(YEAR, 1, 31))
    assert fig(data, "measurements") == 2 and fig(data, "measurements_meeting_target") == 2
    assert fig(data, "nonconformities_from_missed_targets") == 0
    rows = {row[1]: row for row in data["tables"][0]["rows"]}
    assert rows["Hài lòng ≥ 90%"][6:] == ["92 %", "1 / 1", "Đang đạt"]


def test_an_empty_period_has_no_share_and_the_pack_holds_the_section(db):
    f.make_unit()
    (section,) = [s for s in gather_pack(START, END) if s["key"] == "objectives"]
    assert section["clause_item"] == "c"
    assert fig(section, "objectives_set") == 0
    assert fig(section, "share_meeting_target") == "–"
    assert section["tables"][0]["rows"] == []


def test_the_yearly_report_shows_the_objectives_section_with_these_figures(register):
    from qms.management_review.report import report_sections

    _report, sections = report_sections(YEAR)
    (section,) = [s for s in sections if s["key"] == "objectives"]
    (gathered_input,) = section["inputs"]
    assert fig(gathered_input, "objectives_achieved") == 1 and fig(gathered_input, "share_meeting_target") == 60.0
