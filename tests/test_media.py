"""Forms are never served as plain media: only Wagtail's document view checks who may read them (ISO 9001 7.5.3.1)."""

import pytest
from django.http import Http404
from django.urls.resolvers import RegexPattern, URLResolver

from qms.urls import media_patterns


@pytest.fixture
def resolver(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    (tmp_path / "documents").mkdir()
    (tmp_path / "documents" / "internal-form.docx").write_bytes(b"PK")
    (tmp_path / "images").mkdir()
    (tmp_path / "images" / "logo.png").write_bytes(b"\x89PNG")
    return URLResolver(RegexPattern(r"^/"), media_patterns())


def test_other_media_is_served(resolver, rf):
    match = resolver.resolve("/media/images/logo.png")
    response = match.func(rf.get("/media/images/logo.png"), *match.args, **match.kwargs)
    assert response.status_code == 200


@pytest.mark.parametrize(
    "path",
    [
        "/media/documents/internal-form.docx",
        "/media//documents/internal-form.docx",
        "/media/./documents/internal-form.docx",
        "/media/images/../documents/internal-form.docx",
    ],
)
def test_a_form_file_is_not_served_as_media(resolver, rf, path):
    match = resolver.resolve(path)
    with pytest.raises(Http404):
        match.func(rf.get(path), *match.args, **match.kwargs)
