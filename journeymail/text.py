"""Small text helpers every feature shares: slugs for names in files and refs, one-line header values, and
counts and articles in proper English ("1 email", "3 emails", "an information form")."""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal

from flask_babel import format_decimal, get_locale, gettext

SLUG_MAX = 60


def slugify(text: str, fallback: str) -> str:
    """Lower-case ASCII words joined by hyphens ("Busy founders" -> "busy-founders"), or `fallback`."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug[:SLUG_MAX].strip("-") or fallback


def one_line(text: str) -> str:
    """A header value on one line: a line break in a header would start a header of its own."""
    return " ".join(text.split())


def counted(number: int, one: str, many: str | None = None) -> str:
    """A count with its noun in agreement: (1, "email") -> "1 email", (3, "email") -> "3 emails".

    `many` for a plural other than the usual -s or -es: (2, "person", "people").
    """
    if number == 1:
        return f"{number} {one}"
    return f"{number} {many or plural(one)}"


def number(value: int | float | Decimal) -> str:
    """A number as the request's language writes it: German 1.234,5 (Babel); English as it always was,
    the digits as Python writes them (1234.5), since English pages and messages never grouped digits.

    Messages pass their counts through it (`ngettext("At most %(count)s ID.", "At most %(count)s IDs.", n, count=number(n))`:
    not `num=`, which is ngettext's own argument, the plain count); pages use the
    `number` filter (journeymail.pages).
    """
    locale = get_locale()
    if locale is not None and locale.language == "de":
        return format_decimal(value)
    return str(value)


def plural(noun: str) -> str:
    """The regular English plural: "email" -> "emails", "address" -> "addresses", "reply" -> "replies"."""
    if noun.endswith(("s", "x", "z", "ch", "sh")):
        return noun + "es"
    if noun.endswith("y") and noun[-2:-1] not in ("a", "e", "i", "o", "u", ""):
        return noun[:-1] + "ies"
    return noun + "s"


# Words written with a vowel but spoken with a consonant ("a unique", "a one-off"), and the reverse ("an hour").
_SPOKEN_CONSONANT = re.compile(r"(?i)(uni|use|usu|ura|uro|url|eu|ewe|one\b|once\b)")
_SILENT_H = re.compile(r"(?i)(hour|honest|honou?r|heir)")


def with_article(phrase: str) -> str:
    """The phrase after "a" or "an", as it is spoken: "an information form", "a landing page", "an offer"."""
    vowel = phrase[:1].lower() in "aeiou" and not _SPOKEN_CONSONANT.match(phrase)
    return f"{'an' if vowel or _SILENT_H.match(phrase) else 'a'} {phrase}"


def listed(parts: list[str]) -> str:
    """Counted things in one phrase of the request's language: "a, b and c", or "nothing" for none."""
    if not parts:
        return gettext("nothing")
    if len(parts) == 1:
        return parts[0]
    return gettext("%(first)s and %(last)s", first=", ".join(parts[:-1]), last=parts[-1])
