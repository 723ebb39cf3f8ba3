"""A revision of a controlled document is saved when its writer saves it, never in the background.

Wagtail 8 autosaves the editor half a second after a change. On a document in review that writes a
revision nobody decided to write: with re-approval on edit the step starts over, the person who typed
may no longer approve it (ISO 9001 5.3, 7.5.2 c), and the background post racing *Submit* answered
400 in the log (issue 14, item 8).
"""

import pytest

from tests import factories
from tests.cms.builders import make_document

pytestmark = pytest.mark.django_db


def test_the_document_editor_does_not_autosave(client):
    officer = factories.make_officer()
    page = make_document(user=officer)
    client.force_login(officer)
    html = client.get(f"/admin/pages/{page.pk}/edit/").content.decode()
    assert 'data-controller="w-init w-unsaved' in html
    assert "w-autosave#save" not in html and "data-w-autosave-interval-value" not in html
