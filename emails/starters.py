"""The starter MJML a new email of each kind begins with, shipped beside this module in starters/.

    starters/<kind>.mjml               English
    starters/de/formal/<kind>.mjml     German, addressing the reader as "Sie" (the default)
    starters/de/informal/<kind>.mjml   German, addressing the reader as "du"
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

STARTERS = Path(__file__).parent / "starters"
GERMAN = STARTERS / "de"


def starter_language(locale: str | None) -> str:
    """The language of the starters for a campaign locale: "de" for de_DE, de_AT, de_CH; else "en"."""
    return "de" if (locale or "").lower().startswith("de") else "en"


def starter_path(kind: str, locale: str | None = "en_US", formal: bool = True) -> Path:
    """Where the starter of a kind is written for this locale; `formal` only matters for German."""
    if starter_language(locale) == "de":
        return GERMAN / ("formal" if formal else "informal") / f"{kind}.mjml"
    return STARTERS / f"{kind}.mjml"


def starter_mjml(kind: str, locale: str | None = "en_US", formal: bool = True) -> str:
    """The starter email of a kind (e.g. "welcome") in the campaign's language: German for a locale starting
    with "de" (formal "Sie" unless formal=False), English for every other locale."""
    return _read(kind, starter_language(locale), formal or starter_language(locale) != "de")


@lru_cache(maxsize=None)
def _read(kind: str, language: str, formal: bool) -> str:
    # Cached by language, not by locale: a few dozen files at most, however many locales campaigns use.
    return starter_path(kind, language, formal).read_text(encoding="utf-8")
