# ruff: noqa: E501 - the messages are copied verbatim, one per line
"""Messages of the importers that live in other apps (qms/core, cms, audits `imports.py`).

Those modules write `t("...")` / `tl("...")` instead of `_()` / `gettext_lazy()`, so that
makemessages in their app does not pull the importers' strings into that app's catalogue;
the strings are listed here (gettext_noop) and translated in the spreadsheets catalogue.
tests/qms/spreadsheets/test_importer_messages.py keeps this list in step with the modules.
"""

from django.utils.translation import gettext, gettext_lazy, gettext_noop

t = gettext
tl = gettext_lazy

MESSAGES = [
    gettext_noop("Organisation units"),
    gettext_noop(
        "Units (departments, divisions) by code: creates new units and updates existing ones with the same code."
    ),
    gettext_noop("People"),
    gettext_noop(
        "People by username: their name, e-mail, unit, roles and language. Creates new people and updates existing ones with the same username."
    ),
    gettext_noop("Unit code"),
    gettext_noop("Unit name"),
    gettext_noop("Parent unit code"),
    gettext_noop("Manager (username)"),
    gettext_noop("Username"),
    gettext_noop("Full name"),
    gettext_noop("E-mail"),
    gettext_noop("Roles"),
    gettext_noop("Language"),
    gettext_noop("use only letters, digits and @ . + - _ (no spaces)."),
    gettext_noop("Short code that identifies the unit, e.g. QLVH. Existing codes are updated."),
    gettext_noop("Code of the unit above this one; blank for a top unit."),
    gettext_noop("Username of a person already in the product; receives escalations."),
    gettext_noop("Log-in name: letters, digits and @ . + - _ only. Existing usernames are updated."),
    gettext_noop("Family name first, e.g. Nguyễn Văn An."),
    gettext_noop("Code of a unit already in the product."),
    gettext_noop("Blank: unchanged (Staff for a new person)."),
    gettext_noop("Language of e-mails: vi or en. Blank: vi for a new person."),
    gettext_noop("the name is too long."),
    gettext_noop("%(reason)s; roles: %(roles)s"),
    gettext_noop("a unit cannot be placed under itself or one of its own sub-units."),
    gettext_noop("the units of this file form a loop of parents."),
    gettext_noop("there is no unit with code “%(code)s”, neither in the product nor in this file."),
    gettext_noop("there is no person with username “%(username)s”."),
    gettext_noop("there is no unit with code “%(code)s”."),
    gettext_noop("Process document register"),
    gettext_noop(
        "The list of procedures and other controlled documents, by identifier: registers new documents with their current revision and updates the register fields of existing ones."
    ),
    gettext_noop("Identifier"),
    gettext_noop("Title"),
    gettext_noop("Process owner (username)"),
    gettext_noop("Review interval (months)"),
    gettext_noop("Current revision"),
    gettext_noop("Effective date"),
    gettext_noop("Public"),
    gettext_noop("Unique document code, e.g. QT-07. Existing identifiers are updated."),
    gettext_noop("Code of the owning unit, already in the product."),
    gettext_noop("Username of a person already in the product."),
    gettext_noop("Blank: 12 for a new document."),
    gettext_noop("Number of the revision in force. Blank: 1 for a new document."),
    gettext_noop("When the current revision took effect. Blank: today for a new document."),
    gettext_noop("Yes: anyone may read it (e.g. administrative procedures). No: internal."),
    gettext_noop("%(identifier)s belongs to unit %(unit)s; an import does not move a document to another unit."),
    gettext_noop("the product already has revision %(number)s, newer than this file's."),
    gettext_noop("the product has revision %(number)s; revisions are added one at a time (import %(next)s first)."),
    gettext_noop("%(identifier)s is withdrawn."),
    gettext_noop("%(identifier)s has a revision in review; update it after the decision."),
    gettext_noop("revision %(number)s is recorded as effective on %(date)s; a recorded version is not changed."),
    gettext_noop("Audit checklist questions"),
    gettext_noop(
        "Questions of the audit question bank, for an ISO 9001 clause and/or a process document: new questions are added, known ones (same clause, document and wording) get their order and active flag updated."
    ),
    gettext_noop("ISO 9001 clause"),
    gettext_noop("Document identifier"),
    gettext_noop("Question"),
    gettext_noop("Order"),
    gettext_noop("Active"),
    gettext_noop("Clause number, e.g. 8.5.1. The clause, the document or both."),
    gettext_noop("Identifier of a process document already in the product, e.g. QT-07."),
    gettext_noop("Blank: 0."),
    gettext_noop("No: kept but no longer used. Blank: yes."),
    gettext_noop("give the clause, the document identifier or both."),
    gettext_noop("“%(number)s” is not an ISO 9001 clause number."),
    gettext_noop("there is no document with identifier “%(identifier)s”."),
]
