"""Columns of an importer and how a cell's value is read: types, choices, and the one normalisation of text."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import translation
from django.utils.translation import gettext as _

from .errors import CellError

KINDS = ("text", "int", "date", "bool", "email", "list", "choice")

_TRUE = {"true", "yes", "y", "x", "1", "có", "co", "c", "đúng", "dung", "public", "công khai", "cong khai"}
_FALSE = {"false", "no", "n", "0", "không", "khong", "k", "sai", "internal", "nội bộ", "noi bo"}


# Characters that show nothing but make two equal-looking texts differ: zero-width space, non-joiner
# and joiner, word joiner, invisible operators, byte-order mark, soft hyphen, Mongolian vowel
# separator, and the bidirectional controls. A code pasted from a web page or a PDF often carries one
# ("QLVH-01" + U+200B), and would otherwise be a new key.
_INVISIBLE = re.compile("[\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff]")


def clean_text(text):
    """The one normalisation of imported text: NFC, invisible characters removed, ends stripped.

    Every text cell goes through it (``ImportColumn`` parsing), and so does every comparison of
    headings and keys (``normalise``): what is stored is what is compared."""
    return _INVISIBLE.sub("", unicodedata.normalize("NFC", str(text))).strip()


def normalise(text):
    """Compare headings and codes loosely: case, accents kept, spaces collapsed, a trailing '*' dropped."""
    text = clean_text(text).rstrip("*").strip()
    return re.sub(r"\s+", " ", text).casefold()


@dataclass(frozen=True)
class ImportColumn:
    name: str  # stable name, also accepted as a heading ("code")
    label: object  # translatable heading shown in the template ("Code" / "Mã")
    required: bool = False
    kind: str = "text"  # text | int | date | bool | email | list | choice
    parser: Callable | None = None  # parser(value) -> value, after the kind's own parsing; raises CellError
    key: bool = False  # part of the natural key: duplicates in one file are refused
    max_length: int | None = None
    choices: tuple = ()  # for "choice"/"list": allowed values (compared loosely), shown as data validation
    min_value: int | None = None
    help: object = ""  # translatable hint shown in the template's heading comment
    example: object = None  # the template's example row

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"ImportColumn kind must be one of {KINDS}, not {self.kind!r}")

    def headings(self):
        """Every heading accepted for this column: its name and its label in each language."""
        names = {normalise(self.name)}
        for code, _name in settings.LANGUAGES:
            with translation.override(code):
                names.add(normalise(str(self.label)))
        return names

    def parse(self, raw):
        """The cell's value as Python, None when blank; raises CellError in plain words."""
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            if self.required:
                raise CellError(_("a value is required."))
            return [] if self.kind == "list" else None
        value = getattr(self, f"_parse_{self.kind}")(raw)
        if self.parser is not None:
            value = self.parser(value)
        return value

    @staticmethod
    def _as_text(raw):
        if isinstance(raw, bool):
            raise CellError(_("expected text, found TRUE/FALSE."))
        if isinstance(raw, float) and raw.is_integer():
            raw = int(raw)  # a code typed as a number (e.g. 12) arrives as 12.0
        if isinstance(raw, dt.datetime | dt.date | dt.time):
            raise CellError(_("expected text, found a date."))
        return clean_text(raw)

    def _parse_text(self, raw):
        text = self._as_text(raw)
        if self.max_length and len(text) > self.max_length:
            raise CellError(
                _("at most %(max)s characters (this one has %(count)s).") % {"max": self.max_length, "count": len(text)}
            )
        return text

    def _parse_int(self, raw):
        if isinstance(raw, bool):
            raise CellError(_("expected a whole number, found TRUE/FALSE."))
        if isinstance(raw, int):
            number = raw
        else:
            try:
                decimal = Decimal(clean_text(raw).replace(" ", ""))
            except InvalidOperation:
                raise CellError(_("expected a whole number, found “%(value)s”.") % {"value": raw}) from None
            if not decimal.is_finite() or decimal != decimal.to_integral_value():
                raise CellError(_("expected a whole number, found “%(value)s”.") % {"value": raw})
            number = int(decimal)
        if self.min_value is not None and number < self.min_value:
            raise CellError(_("must be at least %(min)s.") % {"min": self.min_value})
        if abs(number) > 2**31 - 1:
            raise CellError(_("the number %(value)s is too large.") % {"value": number})
        return number

    def _parse_date(self, raw):
        if isinstance(raw, dt.datetime):
            return raw.date()
        if isinstance(raw, dt.date):
            return raw
        if isinstance(raw, str):
            text = clean_text(raw)
            for pattern in ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y"):
                try:
                    return dt.datetime.strptime(text, pattern).date()
                except ValueError:
                    continue
        raise CellError(_("expected a date (dd/mm/yyyy), found “%(value)s”.") % {"value": raw})

    def _parse_bool(self, raw):
        if isinstance(raw, bool):
            return raw
        if isinstance(raw, int | float) and raw in (0, 1):
            return bool(raw)
        text = normalise(raw) if isinstance(raw, str) else None
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
        raise CellError(_("expected yes or no, found “%(value)s”.") % {"value": raw})

    def _parse_email(self, raw):
        text = self._parse_text(raw)
        try:
            validate_email(text)
        except ValidationError:
            raise CellError(_("“%(value)s” is not an e-mail address.") % {"value": text}) from None
        return text.lower()

    def _choice(self, text):
        wanted = normalise(text)
        for choice in self.choices:
            values = choice if isinstance(choice, tuple) else (choice,)
            if any(normalise(v) == wanted for v in values):
                return values[0]
        shown = ", ".join(str(c[-1] if isinstance(c, tuple) else c) for c in self.choices)
        raise CellError(_("“%(value)s” is not one of: %(choices)s.") % {"value": text, "choices": shown})

    def _parse_choice(self, raw):
        return self._choice(self._parse_text(raw))

    def _parse_list(self, raw):
        items = [item.strip() for item in re.split(r"[,;\n]", self._as_text(raw)) if item.strip()]
        if self.choices:
            items = [self._choice(item) for item in items]
        return list(dict.fromkeys(items))
