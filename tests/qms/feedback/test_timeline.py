"""The feedback's history on its pages is the kit's timeline (ISO 9001 7.5.3): who, when, the old and the new
value and the whole reason, on the site and in the admin; never the citizen's contact."""

import pytest
from django.urls import reverse

from qms.feedback import services
from tests import factories as f

from .conftest import assigned

pytestmark = pytest.mark.django_db

REASON = "Chuyển phòng phụ trách theo phân công mới của lãnh đạo Sở. " * 30  # a long reason, kept whole


@pytest.mark.parametrize("page", ["site", "admin"])
def test_the_history_shows_old_and_new_values_and_the_whole_reason(client, page):
    home, other = f.make_unit(code="HOME"), f.make_unit(code="OTHER")
    officer, handler = f.make_officer(unit=home), f.make_staff(unit=home)
    feedback = assigned(officer=officer, handler=handler, unit=home, email="binh@example.test", name="Trần Thị Bình")
    services.feedback_assign(feedback=feedback, user=officer, unit=other, handler=handler, reason=REASON)
    client.force_login(officer)
    url = feedback.get_absolute_url() if page == "site" else reverse("feedback_admin:inspect", args=[feedback.pk])
    html = client.get(url).content.decode()
    timeline = html[html.index('class="card timeline"') :]
    assert "<del>HOME" in timeline and "<ins>OTHER" in timeline  # the unit, from the old to the new
    assert REASON.strip() in timeline
    assert officer.get_full_name() in timeline or officer.username in timeline
    for private in ("binh@example.test", "Trần Thị Bình"):
        assert private not in timeline
