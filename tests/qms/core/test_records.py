"""The kit's ground: whole reasons in history, the person or nobody, one error root."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import translation

from qms.core.models import OrganisationUnit as Unit
from qms.core.records import ConflictError, NotPermitted, QmsError, save_with_history


@pytest.mark.django_db
def test_a_long_reason_and_the_person_reach_history_whole(django_user_model):
    person = django_user_model.objects.create_user("writer")
    unit = Unit(name="Phòng Kế hoạch", code="KH")
    reason = "Lý do " * 400  # 2,400 characters
    save_with_history(unit, user=person, reason=reason)
    record = unit.history.get()
    assert record.history_change_reason == reason
    assert record.history_user == person


@pytest.mark.django_db
def test_an_anonymous_or_missing_user_is_recorded_as_nobody():
    unit = save_with_history(Unit(name="Văn phòng", code="VP"), user=AnonymousUser(), reason="")
    assert unit.history.get().history_user is None


def test_domain_errors_share_one_root_with_the_persons_message():
    assert issubclass(NotPermitted, QmsError) and issubclass(ConflictError, QmsError)
    with translation.override("en"):
        assert NotPermitted().message == "You are not allowed to do this."
    assert QmsError("Không được").message == "Không được"
