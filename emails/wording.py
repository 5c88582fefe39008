"""Messages the engine words in English but a page shows in the reader's language.

The engine knows no language: it marks each message's English text for the catalog with N_ and keeps
it as a Text (the msgid with named placeholders, and their values), so whoever shows it can translate
it (journeymail.i18n.say). str() of a Text is the English message.
"""

from __future__ import annotations

from typing import NamedTuple


def N_(message: str) -> str:
    """Marks a message for the catalog (pybabel's default keyword N_); translated where it is shown."""
    return message


class Text(NamedTuple):
    """A message before it is put into words: its English msgid with named placeholders, and their values
    (a value may be a Text itself). str() gives the English message."""

    msgid: str
    params: tuple[tuple[str, object], ...] = ()

    def __str__(self) -> str:
        if not self.params:  # as gettext does: a message without values is not formatted
            return self.msgid
        return self.msgid % {name: str(value) if isinstance(value, Text) else value for name, value in self.params}


def phrase(msgid: str, **params: object) -> Text:
    return Text(msgid, tuple(params.items()))
