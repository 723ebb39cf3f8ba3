"""The admin speaks the person's language, all of it (issue #20).

As a quality officer, an approver and an auditor, in Vietnamese and then in English, the walk opens
the screens of a working day (dashboard, page explorer, the document editor with its action menu and
a workflow dialog, master list, nonconformities, audit registers, imports, reminders, account and
preferences, reports) and reads what the screen shows. tests/language.py says which words are in the
wrong language and why the rule is honest; the walk reports every screen that fails, with its words.

To extend it, add a screen to `screens()` (a name and a URL, or a step for a dialog).
"""

import pytest
from django.urls import reverse
from django.utils import translation

from qms.core.people import person_set_language
from tests import factories
from tests.audits.builders import make_audit, make_programme
from tests.browser import log_in
from tests.cms.builders import make_document
from tests.language import wrong_words

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


# What the screen shows: the body's rendered text (hidden elements, scripts and templates are not in it),
# menus and dialogs included once the step has opened them. The walk's data is written in its language
# (build), so the whole page is read in both languages, data cells too.
def read(page):
    return page.evaluate("() => document.body.innerText")


def build(language):
    """The data the walk shows, written in the walk's language, by people working in it: the services record
    their history's default reasons ("Reported") in the language they run in, as a person's request would."""
    with translation.override(language):
        return _build(language)


def _build(language):
    vi = language == "vi"
    unit = factories.make_unit(code="QLVH", name="Phòng Quản lý Văn hóa" if vi else "Culture Office")

    def person(make, vi_name, en_name):
        first, last = (vi_name if vi else en_name).split()
        return make(first_name=first, last_name=last, language=language, unit=unit)

    officer = person(factories.make_officer, "Lan Nguyễn", "Laura Smith")
    submitter = person(factories.make_officer, "Minh Trần", "Mark Brown")
    approver = person(factories.make_approver, "Hà Lê", "Helen Jones")
    auditor = person(factories.make_auditor, "Tú Phạm", "Tom Green")
    for person in (officer, submitter, approver, auditor):
        person_set_language(person=person, language=language)
    doc = make_document(
        "QT-VH-01", unit=unit, user=submitter, title="Cấp giấy phép biểu diễn" if vi else "Performance licences"
    )
    from cms.services import document_submit

    summary = "Rút ngắn thời hạn" if vi else "Shorter time limit"
    document_submit(page=doc, user=submitter, change_summary=summary)
    # A second revision past its review, at the approver's step: the approver's editor offers its actions.
    title = "Cấp phép quảng cáo" if vi else "Advertising permits"
    at_approval = make_document("QT-VH-02", unit=unit, user=submitter, title=title)
    document_submit(page=at_approval, user=submitter, change_summary=summary)
    at_approval.refresh_from_db()
    at_approval.current_workflow_task_state.approve(user=officer)
    nc = factories.make_nonconformity(
        unit=unit,
        reported_by=officer,
        title="Hồ sơ trả chậm" if vi else "Late dossier",
        description="Hồ sơ được trả chậm hai ngày." if vi else "The dossier was returned two days late.",
    )
    programme = make_programme(objectives="Đánh giá toàn bộ hệ thống" if vi else "Audit the whole system", user=officer)
    scope = factories.make_unit(code="TCKT", name="Phòng Tài chính" if vi else "Finance Office")
    title = "Đánh giá nội bộ" if vi else "Internal audit"
    make_audit(programme=programme, lead=auditor, units=[scope], user=officer, title=title)
    walkers = {"officer": (officer, doc), "approver": (approver, at_approval), "auditor": (auditor, doc)}
    return walkers, nc


def organisation_names():
    """The site's name and the home page's title: the organisation's data, in whatever language it chose."""
    from wagtail.models import Page, Site

    return [site.site_name for site in Site.objects.all()] + [p.title for p in Page.objects.filter(depth__lte=2)]


def open_action_menu(page):
    toggle = page.locator("footer .w-dropdown__toggle, .footer__container .w-dropdown__toggle").first
    if toggle.count():
        toggle.click()
        page.wait_for_timeout(200)


def open_workflow_dialog(page):
    button = page.locator("button[data-workflow-action-modal-url]").first
    if button.count():
        open_action_menu(page)
        page.eval_on_selector("button[data-workflow-action-modal-url]", "b => b.click()")
        page.locator(".modal.show, .modal-dialog").first.wait_for(state="visible")
        page.wait_for_timeout(300)
        return True
    return False


def screens(doc, nc):
    return [
        ("dashboard", reverse("wagtailadmin_home"), None),
        ("page explorer", reverse("wagtailadmin_explore", args=[doc.get_parent().pk]), None),
        ("document editor", reverse("wagtailadmin_pages:edit", args=[doc.pk]), None),
        ("document editor: action menu", reverse("wagtailadmin_pages:edit", args=[doc.pk]), open_action_menu),
        ("document editor: workflow dialog", reverse("wagtailadmin_pages:edit", args=[doc.pk]), open_workflow_dialog),
        ("master list", reverse("cms_register"), None),
        ("nonconformity list", reverse("nonconformities_admin:index"), None),
        ("nonconformity inspect", reverse("nonconformities_admin:inspect", args=[nc.pk]), None),
        ("nonconformity edit", reverse("nonconformities_admin:edit", args=[nc.pk]), None),
        ("audit programmes", reverse("audit_programmes:index"), None),
        ("audit register", reverse("audit_register:index"), None),
        ("audit findings", reverse("audit_findings:index"), None),
        ("imports", reverse("spreadsheets_admin:index"), None),
        ("reminder preferences", reverse("reminders:preferences"), None),
        ("reminder lead times", reverse("leadtime:index"), None),
        ("account", reverse("wagtailadmin_account"), None),
        ("reports: workflow", reverse("wagtailadmin_reports:workflow"), None),
        ("reports: site history", reverse("wagtailadmin_reports:site_history"), None),
        ("reports: aging pages", reverse("wagtailadmin_reports:aging_pages"), None),
    ]


@pytest.mark.parametrize("language", ["vi", "en"])
def test_the_admin_speaks_the_persons_language_on_every_screen(page, language):
    people, nc = build(language)
    failures = []
    data = organisation_names()
    for role, (person, doc) in people.items():
        log_in(page, person)
        for name, url, step in screens(doc, nc):
            page.goto(url, wait_until="networkidle" if step or "edit" in name else "load")
            if step is not None:
                step(page)
            text = read(page)
            # A screen that shows nothing (an error, a blank page) would pass unread.
            assert len(text) > 40, f"{role} / {name} ({page.url}) shows no text: {text!r}"
            words = wrong_words(text, language, data=data)
            if words:
                failures.append(f"{role} / {name} ({page.url}): {', '.join(words)}")
    assert not failures, f"{language}: text in the wrong language\n" + "\n".join(failures)
