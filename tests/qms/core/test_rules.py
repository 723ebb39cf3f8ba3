"""The permission vocabulary (django-rules, docs/roles.md): one name per rule, none a model permission."""

import pytest
import rules
from django.contrib.auth.models import AnonymousUser, Permission

from tests import factories as f

pytestmark = pytest.mark.django_db

OURS = ("core.", "nonconformities.", "audits.", "cms.", "acknowledgements.")


def _rule_names():
    return sorted(name for name in rules.permissions.permissions if name.startswith(OURS))


def test_every_app_declares_its_rules():
    names = _rule_names()
    for app in ("nonconformities.", "audits.", "cms.", "acknowledgements."):
        assert any(name.startswith(app) for name in names), app


def test_no_rule_shadows_a_model_permission():
    """A rule named like `app.change_model` would be granted by the Wagtail admin's group permissions too."""
    model_permissions = {
        f"{app_label}.{codename}"
        for app_label, codename in Permission.objects.values_list("content_type__app_label", "codename")
    }
    assert not set(_rule_names()) & model_permissions
    for name in _rule_names():
        assert not name.split(".", 1)[1].startswith(("add_", "change_", "delete_", "view_")), name


def test_an_anonymous_visitor_holds_no_rule_without_a_public_record():
    visitor = AnonymousUser()
    held = {name for name in _rule_names() if visitor.has_perm(name)}
    assert held == set()


def test_role_checks_add_no_query_per_record(django_assert_max_num_queries):
    """Group names are read once per user object: asking many records costs no more queries."""
    from qms.nonconformities.models import Nonconformity

    unit = f.make_unit()
    officer = f.make_officer(unit=unit)
    ncs = [f.make_nonconformity(unit=unit) for _ in range(5)]
    ncs = list(Nonconformity.objects.filter(pk__in=[nc.pk for nc in ncs]))
    officer.has_perm("nonconformities.read_nonconformity", ncs[0])
    with django_assert_max_num_queries(0):
        for nc in ncs:
            assert officer.has_perm("nonconformities.read_nonconformity", nc)
            assert officer.has_perm("nonconformities.move_nonconformity", nc)
