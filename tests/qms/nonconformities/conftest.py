import pytest

from tests import factories as f


def make_document(unit, identifier="QT-07", title="Quy trình cấp phép biểu diễn"):
    """A published process document, through the documents app's own builder."""
    from tests.cms.builders import make_document as build

    return build(identifier, unit=unit, title=title)


@pytest.fixture
def cast(db):
    """Everyone of the permission matrix around one nonconformity with one action."""
    from qms.nonconformities import services

    home, other = f.make_unit(code="HOME"), f.make_unit(code="OTHER")
    people = {
        "staff_same_unit": f.make_staff(unit=home),
        "staff_other_unit": f.make_staff(unit=other),
        "action_owner": f.make_staff(unit=other),
        "nc_owner": f.make_staff(unit=other),
        "officer": f.make_officer(unit=other),
        "approver": f.make_approver(unit=other),
        "auditor": f.make_auditor(unit=other),
        "anonymous": None,
    }
    nc = f.make_nonconformity(unit=home, owner=people["nc_owner"], reported_by=f.make_staff(unit=home))
    services.nonconformity_transition(nonconformity=nc, target="investigating", user=people["officer"])
    action = f.make_action(nc, owner=people["action_owner"], user=people["officer"])
    return {"people": people, "nc": nc, "action": action, "home": home, "other": other}
