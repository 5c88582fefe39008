"""Which column of a file goes where, and how its text becomes a value: German and English numbers, dates.

A mapping is a dictionary from column name to a target: "email", "name", a contact field ("status",
"opens", "opted_in_at", ...), null (the column is left out), or a property {"property": "plan", "type":
"string"}. `guess_mapping` proposes one from the header and the first rows; `check_mapping` says what is
wrong with one a user sent.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone
from decimal import Decimal, InvalidOperation
from functools import partial
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from journeymail.validation import ValidationError

from .models import PROPERTY_TYPES, search_key

# The contact's own fields a column may fill, with their type, and the headers they are guessed from
# (compared without case, spaces, hyphens and underscores).
FIELDS: dict[str, tuple[str, tuple[str, ...]]] = {
    "email": ("email", ("email", "emailaddress", "mail", "emailadresse", "mailadresse", "contactemail")),
    "name": ("string", ("name", "fullname", "vollständigername", "kontakt", "contactname")),
    "status": ("status", ("status", "subscriptionstatus", "abostatus", "abonnementstatus")),
    "opens": ("integer", ("opens", "öffnungen", "opened", "geöffnet", "anzahlöffnungen")),
    "clicks": ("integer", ("clicks", "klicks", "clicked", "geklickt", "anzahlklicks")),
    "last_open_at": ("datetime", ("lastopen", "lastopenat", "lastopened", "letzteöffnung", "zuletztgeöffnet")),
    "last_click_at": ("datetime", ("lastclick", "lastclickat", "lastclicked", "letzterklick", "zuletztgeklickt")),
    "opted_in_at": ("datetime", ("optin", "optedin", "optedinat", "optindate", "subscribedat", "anmeldedatum",
                                 "angemeldetam", "eingetragenam")),
    "confirmed_at": ("datetime", ("confirmed", "confirmedat", "confirmationdate", "bestätigtam", "bestätigt",
                                  "bestätigungsdatum")),
    "consent_source": ("string", ("source", "consentsource", "optinsource", "quelle", "herkunft", "anmeldequelle")),
    "double_opt_in": ("boolean", ("doubleoptin", "doi", "doubleopt")),
}
FIELD_NAMES = {
    "email": _l("Email address"), "name": _l("Name"), "status": _l("Status"), "opens": _l("Opens"),
    "clicks": _l("Clicks"), "last_open_at": _l("Last open"), "last_click_at": _l("Last click"),
    "opted_in_at": _l("Opt-in time"), "confirmed_at": _l("Confirmation time"),
    "consent_source": _l("Consent source"), "double_opt_in": _l("Double opt-in"),
}
TYPE_NAMES = {"string": _l("Text"), "integer": _l("Whole number"), "decimal": _l("Decimal number"),
              "boolean": _l("Yes/no"), "datetime": _l("Date and time")}
STATUS_WORDS = {
    "subscribed": ("subscribed", "sub", "active", "aktiv", "abonniert", "angemeldet", "opted in", "optin", "yes"),
    "unsubscribed": ("unsubscribed", "unsub", "abgemeldet", "ausgetragen", "opted out", "optout", "inactive",
                     "inaktiv", "no"),
    "bounced": ("bounced", "bounce", "hardbounce", "hard bounce", "unzustellbar", "blocked", "gesperrt"),
    "complained": ("complained", "complaint", "spam", "beschwerde", "spamcomplaint"),
}
_STATUS = {search_key(word): status for status, words in STATUS_WORDS.items() for word in words}
TRUE = {"true", "yes", "y", "1", "ja", "j", "wahr", "x", "on"}
FALSE = {"false", "no", "n", "0", "nein", "falsch", "off"}
PROPERTY_NAME = re.compile(r"[a-z][a-z0-9_]{0,99}")


@dataclass(frozen=True)
class Target:
    field: str  # "email", "name", ... or "property"
    type: str  # the type the column's text is read as
    property: str = ""  # the property's name
    comma: bool = False  # numbers written 1.234,50 (German) instead of 1,234.50


def compact(header: str) -> str:
    return re.sub(r"[\s_\-.:/()]+", "", search_key(header))


def property_name(header: str) -> str:
    """A property name Mailjet takes (a-z, digits, _) from a column's name: "Größe (cm)" becomes "groesse_cm"."""
    text = search_key(header).replace("ß", "ss").replace("ä", "ae").replace("ö", "oe").replace("ü", "ue")
    text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    text = re.sub(r"[^a-z0-9]+", "_", text).strip("_")
    if not text or not text[0].isalpha():
        text = "p_" + text
    return text[:100].rstrip("_")


def header_signature(header: list[str]) -> str:
    """The source key of a file without a source name: its header row, so the same export is known again."""
    return "header:" + hashlib.sha256("\x1f".join(compact(h) for h in header).encode()).hexdigest()[:40]


def source_key(source: str) -> str:
    return "source:" + search_key(source.strip())[:180]


# --- guessing -----------------------------------------------------------------------------------


def guess_mapping(header: list[str], rows: list[tuple[int, list[str]]]) -> dict[str, Any]:
    """A mapping for this header: the contact's fields by their usual names (English and German), every other
    column a property of the type its first values have."""
    mapping: dict[str, Any] = {}
    taken: set[str] = set()
    for place, column in enumerate(header):
        key = compact(column)
        field = next((name for name, (_t, names) in FIELDS.items() if key in names and name not in taken), None)
        values = [cells[place] for _line, cells in rows[:1000] if place < len(cells) and cells[place].strip()]
        if field is None and "email" not in taken and values and all("@" in v for v in values[:20]):
            field = "email"
        if field is not None:
            taken.add(field)
            mapping[column] = field
            continue
        kind, comma = guess_type(values)
        mapping[column] = {"property": property_name(column), "type": kind, **({"comma": True} if comma else {})}
    return mapping


def guess_type(values: list[str]) -> tuple[str, bool]:
    """The type the values are all written as (string when none fits), and whether numbers use a decimal comma."""
    if not values:
        return "string", False
    if all(v.strip().casefold() in TRUE | FALSE for v in values) and not all(v.strip() in ("0", "1") for v in values):
        return "boolean", False
    comma = decimal_comma(values)
    for kind in ("integer", "decimal", "datetime"):
        try:
            for v in values:
                parse_value(v, Target("property", kind, "x", comma))
            return kind, comma and kind in ("integer", "decimal")
        except ValueError:
            continue
    return "string", False


def decimal_comma(values: list[str]) -> bool:
    """Whether numbers are written the German way: some value has a decimal comma ("12,50", "1.234,5") and
    none a decimal point ("12.50"). "1,234" and "1.234" alone say nothing."""
    german = any(re.fullmatch(r"-?[\d.]*\d,(\d{1,2}|\d{4,})|-?\d{1,3}(\.\d{3})+,\d+", v.strip()) for v in values)
    english = any(re.fullmatch(r"-?[\d,]*\d\.(\d{1,2}|\d{4,})|-?\d{1,3}(,\d{3})+\.\d+", v.strip()) for v in values)
    return german and not english


# --- checking what the user sent ------------------------------------------------------------------


def check_mapping(mapping: Any, header: list[str], known_types: dict[str, str]) -> dict[int, Target]:
    """The targets of the file's columns by position; ValidationError naming every problem. `known_types`: the
    properties the workspace has already, and their types."""
    problems: dict[str, str] = {}
    if not isinstance(mapping, dict):
        raise ValidationError({"mapping": _('The mapping should be an object: {"column": "email", ...}.')})
    targets: dict[int, Target] = {}
    seen: dict[str, str] = {}
    for column, target in mapping.items():
        if column not in header:
            problems[f"mapping.{column}"] = _('The file has no column "%(column)s".', column=column)
            continue
        try:
            checked = _target(target, known_types)
        except ValueError as error:
            problems[f"mapping.{column}"] = str(error)
            continue
        if checked is None:
            continue
        what = checked.property or checked.field
        if what in seen:
            problems[f"mapping.{column}"] = _('Both "%(first)s" and "%(second)s" go to "%(target)s"; map one of '
                                              'them only.', first=seen[what], second=column, target=what)
            continue
        seen[what] = column
        targets[header.index(column)] = checked
    if not problems and not any(t.field == "email" for t in targets.values()):
        problems["mapping"] = _("No column is mapped to the email address. Choose the column that holds the "
                                "addresses (a contact without one cannot be imported).")
    if problems:
        raise ValidationError(problems, _("The mapping cannot be used: %(problems)s",
                                          problems=" ".join(problems.values())))
    return targets


def _target(target: Any, known_types: dict[str, str]) -> Target | None:
    if target is None or target == "" or target == "ignore":
        return None
    if isinstance(target, str):
        if target not in FIELDS:
            raise ValueError(_('"%(target)s" is no field of a contact. Use one of %(fields)s, or a property.',
                               target=target, fields=", ".join(FIELDS)))
        return Target(target, FIELDS[target][0])
    if not isinstance(target, dict) or not isinstance(target.get("property"), str):
        raise ValueError(_('A property is written {"property": "plan", "type": "string"}.'))
    name, kind = target["property"].strip(), target.get("type", "string")
    if not PROPERTY_NAME.fullmatch(name):
        raise ValueError(_('"%(name)s" cannot be a property name: use small letters a–z, digits and _, starting '
                           'with a letter (at most 100).', name=name))
    if kind not in PROPERTY_TYPES:
        raise ValueError(_('"%(type)s" is no property type; use one of %(types)s.', type=kind,
                           types=", ".join(PROPERTY_TYPES)))
    if known_types.get(name, kind) != kind:
        raise ValueError(_('The property "%(name)s" holds %(known)s values already, not %(type)s.', name=name,
                           known=known_types[name], type=kind))
    return Target("property", kind, name, bool(target.get("comma")))


def mapping_document(targets: dict[int, Target], header: list[str]) -> dict[str, Any]:
    """A mapping as it is saved and shown again."""
    mapping: dict[str, Any] = {column: None for column in header}
    for place, target in targets.items():
        if target.field == "property":
            mapping[header[place]] = {"property": target.property, "type": target.type,
                                      **({"comma": True} if target.comma else {})}
        else:
            mapping[header[place]] = target.field
    return mapping


# --- values ---------------------------------------------------------------------------------------

_DATE_DE = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4}|\d{2})(?:[ ,T]+(\d{1,2}):(\d{2})(?::(\d{2}))?)?")


def parse_value(text: str, target: Target) -> Any:
    """The value `text` stands for, of the target's type; ValueError with a reason a user understands."""
    text = text.strip()
    kind = target.type
    if kind in ("string", "email"):
        return text
    if kind == "status":
        status = _STATUS.get(search_key(text))
        if status is None:
            raise ValueError(_('"%(value)s" is no status; write subscribed, unsubscribed, bounced or complained.',
                               value=text[:40]))
        return status
    if kind == "boolean":
        word = text.casefold()
        if word in TRUE:
            return True
        if word in FALSE:
            return False
        raise ValueError(_('"%(value)s" is not yes or no (write yes/no, ja/nein, true/false or 1/0).', value=text[:40]))
    if kind in ("integer", "decimal"):
        number = _number(text, target.comma)
        if kind == "integer":
            if number != number.to_integral_value() or abs(number) >= 2**63:
                raise ValueError(_('"%(value)s" is not a whole number.', value=text[:40]))
            return int(number)
        if abs(number) >= Decimal(10) ** 18:
            raise ValueError(_('"%(value)s" is too large a number.', value=text[:40]))
        return number
    if kind == "datetime":
        return _datetime(text)
    raise AssertionError(kind)


_PLAIN_NUMBER = {True: re.compile(r"\d{1,17}(?:,\d{1,6})?"), False: re.compile(r"\d{1,17}(?:\.\d{1,6})?")}


def value_reader(target: Target) -> Callable[[str], Any]:
    """parse_value for one column, made once per import: the usual spellings (12, 12,50, 31.12.2024, ja) read
    directly, every other text (and every mistake, so the reason is the same) through parse_value. Takes the
    cell's text stripped, as parse_value would strip it."""
    kind = target.type
    if kind in ("string", "email"):
        return _same
    fallback = partial(parse_value, target=target)
    if kind == "integer":
        def integer(text: str) -> Any:
            return int(text) if len(text) < 19 and text.isdigit() and text.isascii() else fallback(text)
        return integer
    if kind == "decimal":
        plain, comma = _PLAIN_NUMBER[target.comma].fullmatch, target.comma

        def decimal(text: str) -> Any:
            if plain(text):  # at most 17 digits before the separator: within the limit
                return Decimal(text.replace(",", ".") if comma else text)
            return fallback(text)
        return decimal
    if kind == "boolean":
        def boolean(text: str) -> Any:
            word = text.casefold()
            return True if word in TRUE else False if word in FALSE else fallback(text)
        return boolean
    if kind == "datetime":
        german = _DATE_DE.fullmatch

        def moment(text: str) -> Any:
            match = german(text)
            if match is not None:
                day, month, year, hour, minute, second = match.groups()
                try:
                    return datetime(int(year) + (2000 if len(year) == 2 else 0), int(month), int(day), int(hour or 0),
                                    int(minute or 0), int(second or 0), tzinfo=timezone.utc)
                except ValueError:
                    pass
            return fallback(text)
        return moment
    return fallback


def _same(text: str) -> str:
    return text


def _number(text: str, comma: bool) -> Decimal:
    cleaned = text.replace(" ", "").replace("\u00a0", "").replace("'", "")
    if comma:
        if re.fullmatch(r"[+-]?\d{1,3}(\.\d{3})*(,\d+)?|[+-]?\d+(,\d+)?", cleaned):
            cleaned = cleaned.replace(".", "").replace(",", ".")
        else:
            cleaned = "x"
    elif re.fullmatch(r"[+-]?\d{1,3}(,\d{3})*(\.\d+)?|[+-]?\d+(\.\d+)?", cleaned):
        cleaned = cleaned.replace(",", "")
    else:
        cleaned = "x"
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        example = "1.234,50" if comma else "1,234.50"
        raise ValueError(_('"%(value)s" is not a number (written like %(example)s).', value=text[:40],
                           example=example)) from None
    return value


def _datetime(text: str) -> datetime:
    """31.12.2024, 31.12.2024 14:30, ISO 8601 (2024-12-31, 2024-12-31T14:30:00Z); without a zone: UTC."""
    try:
        if match := _DATE_DE.fullmatch(text):
            day, month, year, hour, minute, second = match.groups()
            year_number = int(year) + (2000 if len(year) == 2 else 0)
            value = datetime(year_number, int(month), int(day), int(hour or 0), int(minute or 0), int(second or 0))
        else:
            value = datetime.fromisoformat(text.replace(" ", "T", 1) if re.match(r"\d{4}-\d\d-\d\d \d", text) else text)
    except ValueError:
        raise ValueError(_('"%(value)s" is not a date (write 31.12.2024, 31.12.2024 14:30 or 2024-12-31).',
                           value=text[:40])) from None
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return value.astimezone(timezone.utc)


STATUS_NAMES = {"subscribed": _l("Subscribed"), "unsubscribed": _l("Unsubscribed"), "bounced": _l("Bounced"),
                "complained": _l("Complained")}
DELIMITER_NAMES = {",": _l("commas"), ";": _l("semicolons"), "\t": _l("tabs")}
