"""Two commits at once (a double click, two tabs, two officers): one imports, the other is told, nothing twice."""

import threading

import pytest
from django.db import connection

from qms.core.models import OrganisationUnit
from qms.spreadsheets.imports import get_importer
from qms.spreadsheets.services import ImportRefused, import_commit, import_upload_create
from tests.factories import make_user

from .xlsx import UNIT_HEADINGS, xlsx

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

UNITS = [("QLVH", "Phòng Quản lý văn hoá", "", ""), ("VP", "Văn phòng", "", "")]


def race(*calls):
    outcomes, barrier = [], threading.Barrier(len(calls))

    def worker(call):
        try:
            barrier.wait()
            outcomes.append(call())
        except ImportRefused as error:
            outcomes.append(error)
        except Exception as error:  # noqa: BLE001 - shown by the assertion below, not lost in the thread
            outcomes.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return outcomes


def test_the_same_upload_committed_twice_at_once_imports_once():
    officer = make_user(is_superuser=True, username="boss")
    importer = get_importer("units")
    upload = import_upload_create(
        importer=importer, data=xlsx(UNITS, headings=UNIT_HEADINGS), filename="u.xlsx", user=officer
    )
    commit = lambda: import_commit(importer=importer, token=upload.token, user=officer)  # noqa: E731
    outcomes = race(commit, commit)
    committed = [o for o in outcomes if not isinstance(o, ImportRefused) and o.committed]
    refused = [o for o in outcomes if isinstance(o, ImportRefused)]
    assert len(committed) == 1 and len(refused) == 1, outcomes
    assert OrganisationUnit.objects.count() == 2 and OrganisationUnit.history.count() == 2


def test_two_officers_importing_the_same_units_at_once_never_duplicate():
    first, second = make_user(is_superuser=True), make_user(is_superuser=True)
    importer = get_importer("units")
    data = xlsx(UNITS, headings=UNIT_HEADINGS)
    uploads = [import_upload_create(importer=importer, data=data, filename="u.xlsx", user=u) for u in (first, second)]
    outcomes = race(
        *[
            lambda u=u, up=up: import_commit(importer=importer, token=up.token, user=u)
            for u, up in zip((first, second), uploads, strict=True)
        ]
    )
    assert len(outcomes) == 2
    assert not any(isinstance(result, Exception) for result in outcomes), outcomes
    assert OrganisationUnit.objects.count() == 2
    for result in outcomes:
        # Either it ran after the other (nothing to create) or it lost the race and said so, writing nothing.
        assert result.committed or [p.message for p in result.problems], result
    assert any(result.committed for result in outcomes)
