"""Imports of the organisation: units and people (ISO 9001 5.3 roles and responsibilities, 7.1.2 people).

The importers of the core's records live here, above the import framework, rather than in the core:
reading a workbook safely (size, zip and XML bombs, formulas) is the spreadsheets app's concern, and
the core stays the ground that imports nothing above it (DESIGN.md section 4, docs/architecture.md).

- Units: code (the natural key), name, parent unit code, manager (username).
  A parent may be a unit already in the product or one further up or down the same
  file (parents are written first). A manager must already be a person in the
  product: import units, then people, then the units file again to set managers.
- People: username (the natural key), full name (Vietnamese order, family name first:
  the last word is the given name), e-mail, unit code, roles, language. The roles
  cell, when filled, is the person's complete set of roles; when blank, an existing
  person's roles are left as they are and a new person is Staff. New people get no
  usable password: they set one with "Forgotten password" (or an officer sets it).

Messages are translated in the spreadsheets catalogue (`t`/`tl`, see
qms.spreadsheets.importer_messages).

Every created or changed unit and person gets a history entry with the importing
person and "Imported from FILE"; a change of roles is named in that reason, since
the person's history keeps their roles too (qms.core.people).
"""

from django.contrib.auth.models import Group

from qms.core import people, roles
from qms.core.models import OrganisationUnit, User
from qms.core.records import save_with_history
from qms.spreadsheets.importer_messages import t, tl
from qms.spreadsheets.imports import ImportColumn, Importer, RowError

ROLE_CHOICES = (
    (roles.STAFF, "staff", "nhân viên", "Staff"),
    (roles.QUALITY_OFFICERS, "quality officer", "officer", "cán bộ chất lượng", "thư ký iso", "Quality officers"),
    (roles.APPROVERS, "approver", "lãnh đạo", "phê duyệt", "Approvers"),
    (roles.AUDITORS, "auditor", "đánh giá viên", "chuyên gia đánh giá", "Auditors"),
)
LANGUAGE_CHOICES = (("vi", "tiếng việt", "vietnamese", "vi"), ("en", "tiếng anh", "english", "en"))


def unit_by_code(code):
    return OrganisationUnit.objects.filter(code__iexact=code).first()


def person_by_username(username):
    return User.objects.filter(username__iexact=username).first()


def _valid_username(value):
    from django.contrib.auth.validators import UnicodeUsernameValidator
    from django.core.exceptions import ValidationError

    from qms.spreadsheets.imports import CellError

    try:
        UnicodeUsernameValidator()(value)
    except ValidationError:
        raise CellError(t("use only letters, digits and @ . + - _ (no spaces).")) from None
    return value


def _save_with_history(obj, *, user, reason):
    obj.full_clean(validate_unique=False)
    save_with_history(obj, user=user, reason=reason)


class UnitImporter(Importer):
    key = "units"
    title = tl("Organisation units")
    description = tl(
        "Units (departments, divisions) by code: creates new units and updates existing ones with the same code."
    )
    columns = [
        ImportColumn(
            "code",
            tl("Unit code"),
            required=True,
            key=True,
            max_length=20,
            help=tl("Short code that identifies the unit, e.g. QLVH. Existing codes are updated."),
            example="QLVH",
        ),
        ImportColumn("name", tl("Unit name"), required=True, max_length=200, example="Phòng Quản lý văn hoá"),
        ImportColumn(
            "parent",
            tl("Parent unit code"),
            max_length=20,
            help=tl("Code of the unit above this one; blank for a top unit."),
            example="SVHTTDL",
        ),
        ImportColumn(
            "manager",
            tl("Manager (username)"),
            max_length=150,
            help=tl("Username of a person already in the product; receives escalations."),
            example="vh_head",
        ),
    ]

    def order_rows(self, rows):
        """Parents before children, so that a file may list units in any order."""
        in_file = {row.values["code"].casefold(): row for row in rows}
        placed, ordered, pending = set(), [], list(rows)
        while pending:
            progress = [
                row
                for row in pending
                if not row.values["parent"]
                or row.values["parent"].casefold() not in in_file
                or row.values["parent"].casefold() in placed
            ]
            if not progress:  # a loop: check_rows reported it; write the rest to have each row explained
                progress = pending
            for row in progress:
                placed.add(row.values["code"].casefold())
                ordered.append(row)
            pending = [row for row in pending if row not in progress]
        return ordered

    def check_rows(self, rows):
        parents = {row.values["code"].casefold(): (row.values["parent"] or "").casefold() for row in rows}
        problems = []
        for row in rows:
            seen, code = set(), row.values["code"].casefold()
            while code and code in parents and code not in seen:
                seen.add(code)
                code = parents[code]
            if code and code in seen:
                problems.append((row.number, "parent", t("the units of this file form a loop of parents.")))
        return problems

    def apply_row(self, row, *, user, reason, context):
        values = row.values
        unit = unit_by_code(values["code"])
        parent = None
        if values["parent"]:
            parent = unit_by_code(values["parent"])
            if parent is None:
                raise RowError(
                    "parent",
                    t("there is no unit with code “%(code)s”, neither in the product nor in this file.")
                    % {"code": values["parent"]},
                )
            if unit is not None and parent.pk in set(unit.descendants_and_self().values_list("pk", flat=True)):
                raise RowError("parent", t("a unit cannot be placed under itself or one of its own sub-units."))
        manager = None
        if values["manager"]:
            manager = person_by_username(values["manager"])
            if manager is None:
                raise RowError(
                    "manager", t("there is no person with username “%(username)s”.") % {"username": values["manager"]}
                )
        wanted = {"name": values["name"], "parent": parent}
        if values["manager"] or unit is None:
            wanted["manager"] = manager  # a blank manager leaves an existing unit's manager as it is
        if unit is None:
            unit = OrganisationUnit(code=values["code"], **wanted)
            _save_with_history(unit, user=user, reason=reason)
            return "created", str(unit)
        changed = [name for name, value in wanted.items() if getattr(unit, name) != value]
        if not changed:
            return "unchanged", str(unit)
        for name in changed:
            setattr(unit, name, wanted[name])
        _save_with_history(unit, user=user, reason=reason)
        return "updated", str(unit)


def split_name(full_name):
    """Vietnamese order, family name first: ("Nguyễn Văn", "An") -> last_name, first_name."""
    parts = full_name.split()
    if len(parts) == 1:
        return "", parts[0]
    return " ".join(parts[:-1]), parts[-1]


class PersonImporter(Importer):
    key = "people"
    title = tl("People")
    description = tl(
        "People by username: their name, e-mail, unit, roles and language. Creates new people and updates "
        "existing ones with the same username."
    )
    columns = [
        ImportColumn(
            "username",
            tl("Username"),
            required=True,
            key=True,
            max_length=150,
            parser=_valid_username,
            help=tl("Log-in name: letters, digits and @ . + - _ only. Existing usernames are updated."),
            example="nv.an",
        ),
        ImportColumn(
            "name",
            tl("Full name"),
            required=True,
            max_length=300,
            help=tl("Family name first, e.g. Nguyễn Văn An."),
            example="Nguyễn Văn An",
        ),
        ImportColumn("email", tl("E-mail"), required=True, kind="email", example="an.nv@example.gov.vn"),
        ImportColumn(
            "unit",
            tl("Unit code"),
            max_length=20,
            help=tl("Code of a unit already in the product."),
            example="QLVH",
        ),
        ImportColumn(
            "roles",
            tl("Roles"),
            kind="list",
            choices=ROLE_CHOICES,
            help=tl("Blank: unchanged (Staff for a new person)."),
            example="Staff, Auditors",
        ),
        ImportColumn(
            "language",
            tl("Language"),
            kind="choice",
            choices=LANGUAGE_CHOICES,
            help=tl("Language of e-mails: vi or en. Blank: vi for a new person."),
            example="vi",
        ),
    ]

    def apply_row(self, row, *, user, reason, context):
        values = row.values
        unit = None
        if values["unit"]:
            unit = unit_by_code(values["unit"])
            if unit is None:
                raise RowError("unit", t("there is no unit with code “%(code)s”.") % {"code": values["unit"]})
        last_name, first_name = split_name(values["name"])
        if len(first_name) > 150 or len(last_name) > 150:
            raise RowError("name", t("the name is too long."))
        person = person_by_username(values["username"])
        wanted = {"first_name": first_name, "last_name": last_name, "email": values["email"]}
        if values["unit"]:
            wanted["unit"] = unit
        if values["language"]:
            wanted["language"] = values["language"]
        new_roles = set(values["roles"]) if values["roles"] else None
        if person is None:
            person = User(username=values["username"], **{"language": "vi", **wanted})
            person.set_unusable_password()
            person.full_clean(validate_unique=False)
            groups = Group.objects.filter(name__in=new_roles or {roles.STAFF})
            _save_person(person, groups=groups, user=user, reason=reason)
            return "created", f"{values['username']} – {values['name']}"
        changed = [name for name, value in wanted.items() if getattr(person, name) != value]
        current_roles = set(person.groups.filter(name__in=roles.ALL_ROLES).values_list("name", flat=True))
        roles_change = new_roles is not None and new_roles != current_roles
        if not changed and not roles_change:
            return "unchanged", f"{person.username} – {values['name']}"
        for name in changed:
            setattr(person, name, wanted[name])
        person.full_clean(validate_unique=False)
        groups = None
        if roles_change:
            # Roles outside the QMS roles (groups set by hand) are kept.
            groups = {*Group.objects.filter(name__in=new_roles), *person.groups.exclude(name__in=roles.ALL_ROLES)}
        _save_person(person, groups=groups, user=user, reason=reason)
        return "updated", f"{person.username} – {values['name']}"


def _save_person(person, *, groups, user, reason):
    """Through the one rule of who may grant which role (qms.core.people): an officer's file
    cannot make anyone a quality officer or an approver, nor change their own roles."""
    try:
        people.person_save(actor=user, person=person, groups=groups, reason=reason)
    except people.PersonChangeRefused as refusal:
        column = {"email": "email", "username": "username"}.get(refusal.field, "roles")
        raise RowError(column, str(refusal)) from None


UNITS = UnitImporter()
PEOPLE = PersonImporter()
