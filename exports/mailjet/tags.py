"""Merge tags as Mailjet writes them: [[data:firstname:"there"]] and [[UNSUB_LINK_EN]].

MailjetTags is the TagWriter the bundle hands to emails.render_email, so a Mailjet email is rendered
by the one engine (preheader, compile, text part) with Mailjet's tags where a preview has values.
"""

from __future__ import annotations

import bisect
import html
import re
import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from emails import UNSUBSCRIBE, MergeTag, fill_with


# The languages Mailjet writes its unsubscribe page in, each with its own tag ([[UNSUB_LINK_DE]]): the
# ones Mailjet's help on unsubscribe links and its own plugins name. A campaign in another language is
# refused at export (bundle.py), so no email ever carries a tag Mailjet does not know.
UNSUBSCRIBE_LANGUAGES = {"en": "English", "fr": "Français", "de": "Deutsch", "es": "Español", "nl": "Nederlands",
                         "it": "Italiano"}


def language(locale: str | None) -> str:
    """The language part of a locale, lower case: "de" for de_DE."""
    return (locale or "").split("_")[0].lower()


def supported(locale: str | None) -> bool:
    """Whether Mailjet has an unsubscribe link in this locale's language."""
    return language(locale) in UNSUBSCRIBE_LANGUAGES


def unsubscribe_tag(locale: str) -> str:
    """Mailjet's unsubscribe link in the campaign's language: en_US -> [[UNSUB_LINK_EN]]; English for a
    language Mailjet has none in (the export refuses such a campaign before any email is sent)."""
    code = language(locale) if supported(locale) else "en"
    return f"[[UNSUB_LINK_{code.upper()}]]"


def _default_text(default: str | None) -> str:
    # A double quote would end Mailjet's quoted default and "]]" the tag: both are softened.
    text = " ".join((default or "").split())
    return text.replace('"', "'").replace("]]", "] ]")


def mailjet_tag(tag: MergeTag, locale: str, *, context: str = "plain") -> str:
    """One merge tag as Mailjet writes it: [[data:firstname:"there"]] or [[UNSUB_LINK_EN]].

    `context` is where it lands: "plain" (subject, text part), "html" (element content, where the
    default is escaped like any text) or "attribute" (inside a quoted HTML attribute, where the quotes
    around the default are written &quot; so the attribute stays whole; an HTML parser reads the
    attribute's value as exactly the plain tag).
    """
    if tag.name == UNSUBSCRIBE:
        return unsubscribe_tag(locale)
    default = _default_text(tag.default)
    if context == "plain":
        return f'[[data:{tag.name}:"{default}"]]'
    default = html.escape(default, quote=False)
    if context == "attribute":
        return f"[[data:{tag.name}:&quot;{default}&quot;]]"
    return f'[[data:{tag.name}:"{default}"]]'


# Markup of one HTML or MJML tag, quoted attribute values included (they may hold ">").
_MARKUP = re.compile(r"<[A-Za-z!/?](?:[^>\"']|\"[^\"]*\"|'[^']*')*>")


class _Marked:
    """A source with each merge tag swapped for a unique marker, so the tags can be placed by context."""

    def __init__(self, source: str) -> None:
        self.tags: list[MergeTag] = []
        self.nonce = secrets.token_hex(6)
        self.pattern = re.compile("\ue000" + self.nonce + r":(\d+)\ue001")
        self.text = fill_with(source, self._marker)

    def _marker(self, tag: MergeTag) -> str:
        self.tags.append(tag)
        return f"\ue000{self.nonce}:{len(self.tags) - 1}\ue001"

    def place(self, tag_for: Callable[[MergeTag, int], str]) -> str:
        return self.pattern.sub(lambda m: tag_for(self.tags[int(m.group(1))], m.start()), self.text)


@dataclass(frozen=True)
class MailjetTags:
    """The TagWriter for Mailjet: every merge tag in Mailjet's syntax, by where it lands."""

    locale: str

    @property
    def values(self) -> Mapping[str, str]:
        return {}  # Mailjet fills the tags from each contact's properties

    def text(self, source: str) -> str:
        """Subject, preheader or a plain-text part with Mailjet's tags in place of ours."""
        return fill_with(source, lambda tag: mailjet_tag(tag, self.locale))

    def mjml(self, source: str) -> str:
        """MJML with Mailjet's tags in place of ours: a tag inside markup (an attribute value such as
        href="{{ unsubscribe_url }}") gets the attribute form, a tag in content the HTML form."""
        marked = _Marked(source)
        spans = [m.span() for m in _MARKUP.finditer(marked.text)]
        starts = [start for start, _ in spans]

        def in_markup(offset: int) -> bool:
            index = bisect.bisect_right(starts, offset) - 1
            return index >= 0 and offset < spans[index][1]

        return marked.place(
            lambda tag, offset: mailjet_tag(tag, self.locale, context="attribute" if in_markup(offset) else "html")
        )
