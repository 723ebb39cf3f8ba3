"""The public side: the form with its spam guard (honeypot, time check, rate limit per address), the attachment
limits, the reference page, and the status lookup by reference and contact."""

import pytest
from django.core import signing
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from qms.feedback import forms as feedback_forms
from qms.feedback import services
from qms.feedback.models import Feedback

from .conftest import receive

pytestmark = pytest.mark.django_db


def _shown(seconds_ago=60):
    return signing.dumps(timezone.now().timestamp() - seconds_ago, salt=feedback_forms._SALT)


def _post(client, *, address="203.0.113.7", **extra):
    data = {"kind": "complaint", "text": "Trả kết quả chậm", "shown": _shown(), "website": ""}
    data.update(extra)
    return client.post("/feedback/", data, REMOTE_ADDR=address)


def test_the_form_is_public_and_gives_a_reference():
    client = Client()
    assert client.get("/feedback/").status_code == 200
    response = _post(client, email="cd@example.test")
    assert response.status_code == 302 and response["Location"] == "/feedback/sent/"
    feedback = Feedback.objects.get()
    page = client.get("/feedback/sent/").content.decode()
    assert feedback.reference in page
    assert feedback.sender_key and "203.0.113.7" not in feedback.sender_key


def test_the_honeypot_refuses_a_bot():
    response = _post(Client(), website="http://spam.example")
    assert response.status_code == 400 and not Feedback.objects.exists()


def test_a_form_sent_too_fast_or_without_its_signature_is_refused():
    assert _post(Client(), shown=_shown(seconds_ago=0)).status_code == 400
    assert _post(Client(), shown="forged").status_code == 400
    assert not Feedback.objects.exists()


def test_the_rate_limit_counts_per_address(settings):
    settings.QMS_FEEDBACK_RATE_LIMIT = 2
    client = Client()
    assert _post(client).status_code == 302
    assert _post(client).status_code == 302
    refused = _post(client)
    assert refused.status_code == 429 and "Too many" in refused.content.decode() or refused.status_code == 429
    assert _post(client, address="198.51.100.9").status_code == 302  # another address is not held up
    assert Feedback.objects.count() == 3


def _upload(name, content, content_type):
    return SimpleUploadedFile(name, content, content_type=content_type)


def test_an_accepted_attachment_is_stored_privately(settings, tmp_path):
    response = _post(Client(), attachment=_upload("bien-nhan.pdf", b"%PDF-1.4 receipt", "application/pdf"))
    assert response.status_code == 302
    feedback = Feedback.objects.get()
    assert feedback.attachment_name == "bien-nhan.pdf"
    assert feedback.attachment.storage is services.Feedback._meta.get_field("attachment").storage


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("virus.exe", b"MZ\x90\x00", "application/octet-stream"),  # type not accepted
        ("fake.pdf", b"MZ\x90\x00 not a pdf", "application/pdf"),  # the content is not what the name says
        ("photo.png", b"%PDF-1.4", "image/png"),
    ],
)
def test_attachments_of_other_types_are_refused(name, content, content_type):
    response = _post(Client(), attachment=_upload(name, content, content_type))
    assert response.status_code == 400 and not Feedback.objects.exists()


def test_an_attachment_over_the_size_limit_is_refused(settings):
    settings.QMS_FEEDBACK_ATTACHMENT_MAX_BYTES = 1000
    response = _post(Client(), attachment=_upload("big.pdf", b"%PDF-" + b"x" * 2000, "application/pdf"))
    assert response.status_code == 400 and not Feedback.objects.exists()
    assert "too large" in response.content.decode() or "quá lớn" in response.content.decode()


def test_the_status_lookup_needs_the_reference_and_the_contact():
    feedback = receive(email="e@example.test", phone="0912 000 111")
    client = Client()
    right = client.post("/feedback/status/", {"reference": feedback.reference.lower(), "contact": "E@example.test"})
    assert feedback.reference in right.content.decode() and 'class="status"' in right.content.decode()
    by_phone = client.post("/feedback/status/", {"reference": feedback.reference, "contact": "0912000111"})
    assert 'class="status"' in by_phone.content.decode()
    wrong = client.post("/feedback/status/", {"reference": feedback.reference, "contact": "other@example.test"})
    assert 'class="status"' not in wrong.content.decode()
    assert "Nguyễn Văn A" not in right.content.decode()  # the name is never shown on a public page


def _look_up(client, reference, contact, *, address="203.0.113.7"):
    return client.post("/feedback/status/", {"reference": reference, "contact": contact}, REMOTE_ADDR=address)


def test_guessing_the_contact_of_a_known_reference_is_held_up_per_address(settings):
    """A reference is guessable (PAKN-2026-0001, -0002, ...) and a phone number has ten digits: after a few
    misses from one address, its look-ups are refused for the window, even the right contact."""
    settings.QMS_FEEDBACK_LOOKUP_LIMIT = 3
    feedback = receive(email="e@example.test", phone="0912 000 111")
    client = Client()
    assert _look_up(client, feedback.reference, "e@example.test").status_code == 200  # a hit does not count
    for guess in ("0912000001", "0912000002", "0912000003"):
        response = _look_up(client, feedback.reference, guess)
        assert response.status_code == 200 and 'class="status"' not in response.content.decode()
    refused = _look_up(client, feedback.reference, "0912000111")
    assert refused.status_code == 429 and 'class="status"' not in refused.content.decode()
    assert "tra cứu quá nhiều lần" in refused.content.decode()  # told why, in the site's language
    other = _look_up(client, feedback.reference, "0912000111", address="198.51.100.9")  # another address
    assert other.status_code == 200 and 'class="status"' in other.content.decode()


def test_the_document_page_links_to_the_form_with_its_procedure(db):
    from tests.cms.builders import make_document

    document = make_document("QT-09", is_public=True, title="Cấp giấy phép biểu diễn")
    html = Client().get(document.url).content.decode()
    assert f'href="/feedback/?page={document.pk}"' in html
    form = Client().get(f"/feedback/?page={document.pk}").content.decode()
    assert "Cấp giấy phép biểu diễn" in form


def test_the_home_page_links_to_the_form():
    html = Client().get("/").content.decode()
    assert 'class="feedback-link" href="/feedback/"' in html


def test_a_page_the_public_may_not_read_is_not_prefilled(db):
    from tests.cms.builders import make_document

    internal = make_document("QT-10", is_public=False, title="Quy trình nội bộ")
    form = Client().get(f"/feedback/?page={internal.pk}").content.decode()
    assert "Quy trình nội bộ" not in form
