"""The Wagtail admin in Vietnamese (issue 20): the project's catalogue is complete, well formed, agrees
with our own wording, and is what a Vietnamese officer reads on the dashboard, the editor and the
account page. After a Wagtail upgrade the first test names the new messages; `make wagtail-messages`
adds them to locale/wagtail/vi/ for translating."""

import json
import re
import shutil
import subprocess
from pathlib import Path

import polib
import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.urls import reverse

from qms.core import wagtail_catalogue as catalogue
from tests import factories
from tests.cms.builders import make_document

ROOT = Path(__file__).resolve().parent.parent
# The modules our users meet today; the catalogue must translate all of their messages.
COVERED = {
    "django": {
        "wagtail.admin",
        "wagtail",
        "wagtail.users",
        "wagtail.documents",
        "wagtail.images",
        "wagtail.snippets",
        "wagtail.search",
        "wagtail.sites",
        "wagtail.contrib.settings",
        "wagtail.contrib.redirects",
        "wagtail.contrib.forms",
        "django_celery_beat",
        "simple_history",
        catalogue.DATA_APP,
    },
    "djangojs": {"wagtail.admin"},
}


@pytest.mark.parametrize("domain", catalogue.DOMAINS)
def test_every_message_of_the_wagtail_modules_is_translated(domain):
    counts = catalogue.counts(domain)
    assert COVERED[domain] <= set(counts), f"a module is no longer a source: {COVERED[domain] - set(counts)}"
    # Every installed source counts, not only the listed ones: installing another Wagtail app
    # (wagtail.locales, wagtail.embeds...) fails here until its messages are translated.
    missing = catalogue.missing(domain)
    assert not missing, f"run `make wagtail-messages` and translate: { {a: m[:5] for a, m in missing.items()} }"


@pytest.mark.parametrize("domain", catalogue.DOMAINS)
def test_translations_keep_the_placeholders_and_tags(domain):
    assert not catalogue.placeholder_mismatches(domain)
    po = catalogue.load(domain)
    assert po.metadata["Plural-Forms"] == "nplurals=1; plural=0;"
    if shutil.which("msgfmt"):
        path = catalogue.catalogue_path(domain)
        result = subprocess.run(["msgfmt", "--check", "-o", "/dev/null", str(path)], capture_output=True, text=True)
        assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("domain", catalogue.DOMAINS)
def test_compiled_catalogue_is_current(domain):
    path = catalogue.catalogue_path(domain)
    compiled = {(e.msgctxt, e.msgid): e for e in polib.mofile(str(path.with_suffix(".mo")))}
    stale = []
    for entry in catalogue.load(domain).translated_entries():
        mo = compiled.get((entry.msgctxt, entry.msgid))
        wanted = entry.msgstr_plural[0] if entry.msgid_plural else entry.msgstr
        got = (mo.msgstr_plural.get(0) if entry.msgid_plural else mo.msgstr) if mo else None
        if got != wanted:
            stale.append(entry.msgid)
    assert not stale, f"{path.with_suffix('.mo')} is out of date; run `make messages`: {stale[:5]}"


def test_the_wagtail_catalogue_agrees_with_ours():
    """A LOCALE_PATHS catalogue wins over the apps' own: where Wagtail and the product share a message,
    the Wagtail catalogue must say what our catalogues say, or the product's wording would change."""
    ours = {}
    for path in ROOT.glob("**/locale/vi/LC_MESSAGES/django.po"):
        if ".venv" in path.parts or "wagtail" in path.parts:
            continue
        for entry in polib.pofile(str(path)).translated_entries():
            ours.setdefault((entry.msgctxt, entry.msgid), (entry.msgstr or entry.msgstr_plural.get(0), path))
    disagree = {}
    for entry in catalogue.load("django").translated_entries():
        key = (entry.msgctxt, entry.msgid)
        text = entry.msgstr_plural[0] if entry.msgid_plural else entry.msgstr
        if key in ours and ours[key][0] != text:
            disagree[entry.msgid] = (text, ours[key][0], str(ours[key][1].relative_to(ROOT)))
    assert not disagree, disagree


def test_the_catalogue_comes_after_ours_in_locale_paths():
    paths = [Path(p) for p in settings.LOCALE_PATHS]
    assert paths[0] == Path(settings.BASE_DIR) / "locale"
    assert catalogue.catalogue_dir().parent.parent in paths[1:]


# --- what a Vietnamese officer reads ---


def _labels(data):
    if isinstance(data, dict):
        return [v for k, v in data.items() if k == "label" and isinstance(v, str)] + _labels(list(data.values()))
    if isinstance(data, list):
        return [label for item in data for label in _labels(item)]
    return []


def _text(response):
    """The visible text of a page: tags dropped, whitespace collapsed, plus the labels of the sidebar's
    menu (which the page carries as JSON for its JavaScript to draw)."""
    html = response.content.decode()
    sidebar = re.search(r'<script id="wagtail-sidebar-props" type="application/json">(.*?)</script>', html, re.S)
    menu = _labels(json.loads(sidebar.group(1))) if sidebar else []
    html = re.sub(r"<(script|style|template)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)) + " | " + " | ".join(menu)


def _assert_vietnamese(text, vietnamese, english):
    absent = [phrase for phrase in vietnamese if phrase not in text]
    assert not absent, f"Vietnamese missing: {absent}"
    present = [phrase for phrase in english if re.search(rf"(?<![\w-]){re.escape(phrase)}(?![\w-])", text)]
    assert not present, f"English left: {present}"


@pytest.fixture
def superuser_client(client, db):
    user = factories.make_user(is_superuser=True, is_staff=True, language="vi")
    client.force_login(user)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "vi"
    client.user = user
    return client


@pytest.mark.django_db
def test_dashboard_in_vietnamese(superuser_client):
    make_document(user=superuser_client.user, title="Quy trình kiểm soát tài liệu")
    text = _text(superuser_client.get(reverse("wagtailadmin_home")))
    _assert_vietnamese(
        text,
        ["Nội dung bạn sửa gần đây", "Báo cáo", "Trợ giúp", "Bảng điều khiển"],
        ["Your most recent edits", "Reports", "Help", "Dashboard", "Pages", "Search all pages…"],
    )


@pytest.mark.django_db
def test_page_editor_in_vietnamese(superuser_client):
    page = make_document(user=superuser_client.user, title="Quy trình kiểm soát tài liệu")
    response = superuser_client.get(reverse("wagtailadmin_pages:edit", args=[page.pk]))
    assert response.status_code == 200
    text = _text(response)
    _assert_vietnamese(
        text,
        ["Lưu bản nháp", "Thao tác khác", "Gửi vào quy trình Phê duyệt tài liệu", "Xem trước"],
        ["Save draft", "More actions", "Submit to Document approval", "Preview", "Promote", "Content"],
    )
    # The editor's own JavaScript messages ("Collapse all") come from the djangojs catalogue.
    script = superuser_client.get(reverse("wagtailadmin_javascript_catalog")).content.decode()
    for phrase in ("Thu gọn tất cả", "Mở rộng tất cả"):
        assert phrase in script or json.dumps(phrase)[1:-1] in script, phrase


@pytest.mark.django_db
def test_account_page_in_vietnamese(superuser_client):
    text = _text(superuser_client.get(reverse("wagtailadmin_account")))
    _assert_vietnamese(
        text,
        ["Thông tin cá nhân", "Thông báo", "Họ tên và email", "Tùy chọn giao diện"],
        ["Profile", "Notifications", "Name and Email", "Theme preferences"],
    )


@pytest.mark.django_db
def test_moderation_email_in_vietnamese(mailoutbox):
    from cms.services import document_submit

    unit = factories.make_unit()
    officer = factories.make_officer(unit=unit)
    factories.make_officer(unit=unit)  # a reviewer of the first step, told by e-mail
    page = make_document(user=officer, unit=unit)
    mailoutbox.clear()
    document_submit(page=page, user=officer, change_summary="Sửa đổi điều 3 theo yêu cầu")
    assert mailoutbox
    for message in mailoutbox:
        assert message.subject.startswith(f'Trang "{page.title}" đã được gửi duyệt'), message.subject
        assert "Bạn có thể sửa trang tại đây:" in message.body
        assert "has been submitted" not in message.subject + message.body


@pytest.mark.django_db
def test_locked_out_logins_in_vietnamese(superuser_client):
    """django-axes' list headings come from the Wagtail catalogue (THIRD_PARTY), which `make messages`
    never rebuilds: kept by hand in the product's catalogue, they were dropped by the next rebuild."""
    AccessAttempt.objects.create(username="staff1", ip_address="10.0.0.9", failures_since_start=5)
    text = _text(superuser_client.get(reverse("lockouts:index")))
    _assert_vietnamese(
        text,
        ["Địa chỉ IP", "Số lần đăng nhập sai", "Thời điểm đăng nhập sai gần nhất"],
        ["IP Address", "Failed Logins"],
    )
