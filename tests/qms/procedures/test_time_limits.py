"""The steps of an internal process fit the statutory time of its procedures, working days counted with
Vietnam's public holidays, Tết included (ISO 9001 8.5.1); the check refuses a submission for review."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from wagtail.models import WorkflowState
from wagtail.test.utils.form_data import streamfield

from cms.errors import DocumentError
from cms.models import ProcessDocumentPage
from qms.procedures import time_limits, working_days
from tests import factories as f
from tests.cms.admin_forms import edit_form_data
from tests.cms.builders import make_document

from .conftest import make_procedure

pytestmark = pytest.mark.django_db


def test_tet_and_national_holidays_are_not_working_days():
    # Tết Đinh Mùi: the lunar new year falls on 6 February 2027; the holiday runs from 4 to 10 February.
    assert not working_days.is_working_day(datetime.date(2027, 2, 8))  # a Monday of Tết
    assert not working_days.is_working_day(datetime.date(2027, 9, 2))  # National Day
    assert not working_days.is_working_day(datetime.date(2027, 2, 13))  # a Saturday
    assert working_days.is_working_day(datetime.date(2027, 2, 11))
    # Received on Wednesday 3 February 2027: five working days later is 17 February, not 10 February.
    assert working_days.add_working_days(datetime.date(2027, 2, 3), 5) == datetime.date(2027, 2, 17)
    assert working_days.add_working_days(datetime.date(2027, 3, 3), 5) == datetime.date(2027, 3, 10)


def test_the_period_with_tet_holds_the_fewest_working_days():
    fewest, start = working_days.fewest_working_days(15, start=datetime.date(2026, 12, 1))
    ordinary = working_days.working_days_between(datetime.date(2027, 3, 1), datetime.date(2027, 3, 15))
    assert ordinary == 11
    assert fewest < 7
    assert datetime.date(2027, 1, 20) <= start <= datetime.date(2027, 2, 10)


def _steps(*times):
    return [
        {
            "type": "step",
            "value": {"step": f"Bước {n}", "responsible": "Chuyên viên", "duration": t, "duration_unit": u},
        }
        for n, (t, u) in enumerate(times, start=1)
    ]


def test_steps_within_the_statutory_time_pass_and_longer_ones_are_refused():
    document = make_document()
    procedure = make_procedure(documents=[document], ways=((5, "working_days"), (40, "working_hours")))
    fits = _steps(("0.5", "working_days"), ("3", "working_days"), ("4", "working_hours"), ("0.5", "working_days"))
    assert time_limits.steps_problem(document_id=document.pk, steps=fits) == ""
    too_long = _steps(("1", "working_days"), ("3", "working_days"), ("12", "working_hours"))
    problem = time_limits.steps_problem(document_id=document.pk, steps=too_long)
    assert procedure.code in problem and "5.5" in problem
    # A document that implements no procedure, or steps with only the older free text, are not checked.
    assert time_limits.steps_problem(document_id=make_document().pk, steps=too_long) == ""
    free_text = [{"type": "step", "value": {"step": "x", "responsible": "y", "time_limit": "30 ngày"}}]
    assert time_limits.steps_problem(document_id=document.pk, steps=free_text) == ""


def test_a_statutory_time_in_days_must_hold_across_tet():
    document = make_document()
    make_procedure(documents=[document], ways=((15, "calendar_days"),))
    steps = _steps(("8", "working_days"))
    # In March, fifteen days hold eleven working days; the period with Tết holds fewer than eight.
    problem = time_limits.steps_problem(document_id=document.pk, steps=steps, today=datetime.date(2026, 12, 1))
    assert "Tết" in problem or "holidays" in problem
    assert (
        time_limits.steps_problem(
            document_id=document.pk, steps=_steps(("4", "working_days")), today=datetime.date(2026, 12, 1)
        )
        == ""
    )
    # The coming year always holds a Tết: checked from March 2027, the period of Tết 2028 refuses the steps.
    assert time_limits.steps_problem(document_id=document.pk, steps=steps, today=datetime.date(2027, 3, 1)) != ""


def _post_edit(client, page, **kwargs):
    page = ProcessDocumentPage.objects.get(pk=page.pk)
    return client.post(reverse("wagtailadmin_pages:edit", args=[page.pk]), edit_form_data(page, **kwargs))


def _stream(times):
    return streamfield(
        [
            (
                "step",
                {
                    "step": f"Bước {n}",
                    "responsible": "Chuyên viên",
                    "role": "specialist",
                    "duration": t,
                    "duration_unit": "working_days",
                    "time_limit": "",
                    "output": "",
                },
            )
            for n, t in enumerate(times, start=1)
        ]
    )


def test_submit_for_review_is_refused_with_a_clear_message_when_the_steps_exceed_the_statutory_time(client):
    unit = f.make_unit()
    owner = f.make_staff(unit=unit)
    page = make_document(unit=unit, owner=owner)
    procedure = make_procedure(documents=[page], ways=((5, "working_days"),))
    client.force_login(owner)
    response = _post_edit(
        client, page, action="action-submit", change_summary="Chia thời hạn", steps=_stream(["3", "3"])
    )
    assert response.status_code == 200
    errors = " ".join(str(e) for e in response.context["form"].errors["steps"])
    assert procedure.code in errors and "6" in errors
    assert not WorkflowState.objects.for_instance(page).exists()
    # Saving a draft is not checked; a submission that fits goes to review.
    assert _post_edit(client, page, steps=_stream(["3", "3"])).status_code == 302
    assert (
        _post_edit(
            client, page, action="action-submit", change_summary="Chia thời hạn", steps=_stream(["2", "3"])
        ).status_code
        == 302
    )
    assert WorkflowState.objects.for_instance(page).exists()


def test_the_submit_service_refuses_too_long_steps_too():
    from wagtail.blocks import StreamValue

    from cms.services import document_submit

    page = make_document()
    make_procedure(documents=[page], ways=((Decimal("2"), "working_days"),))
    steps = ProcessDocumentPage.steps.field.stream_block.to_python(_steps(("3", "working_days")))
    assert isinstance(steps, StreamValue)
    with pytest.raises(DocumentError):
        document_submit(page=page, user=f.make_officer(), change_summary="Dài quá", changes={"steps": steps})
    assert not WorkflowState.objects.for_instance(page).exists()
