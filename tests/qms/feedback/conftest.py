import pytest

from tests import factories as f


def receive(**extra):
    """Feedback from the public form, through the service."""
    from qms.feedback import services

    values = {"kind": "complaint", "text": "Hồ sơ của tôi bị trả chậm ba ngày.", "name": "Nguyễn Văn A"}
    values.update(extra)
    return services.feedback_receive(**values)


def assigned(*, officer, handler, unit, **extra):
    from qms.feedback import services

    feedback = receive(**extra)
    services.feedback_classify(feedback=feedback, user=officer, kind=feedback.kind, unit=unit)
    return services.feedback_assign(feedback=feedback, user=officer, unit=unit, handler=handler)


@pytest.fixture
def cast(db):
    """Everyone of the privacy and permission matrix around one feedback assigned to a handler."""
    home, other = f.make_unit(code="HOME"), f.make_unit(code="OTHER")
    people = {
        "officer": f.make_officer(unit=other),
        "handler": f.make_staff(unit=home),
        "staff_same_unit": f.make_staff(unit=home),
        "staff_other_unit": f.make_staff(unit=other),
        "approver": f.make_approver(unit=other),
        "auditor": f.make_auditor(unit=other),
        "anonymous": None,
    }
    feedback = assigned(
        officer=people["officer"],
        handler=people["handler"],
        unit=home,
        email="citizen@example.test",
        phone="0912 345 678",
    )
    return {"people": people, "feedback": feedback, "home": home, "other": other}
