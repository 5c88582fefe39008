"""Merge tags as Brevo's template language writes them: {{ contact.FIRSTNAME|default:'there' }} and
{{ unsubscribe }}.

BrevoTags is the TagWriter the bundle hands to emails.render_email, so a Brevo email is rendered by the
one engine (preheader, compile) with Brevo's tags where a preview has values. A merge tag names a contact
attribute; Brevo spells attributes in capitals, so {{ firstname }} reads the attribute FIRSTNAME, and
{{ email }} the contact's address ({{ contact.EMAIL }}).
"""

from __future__ import annotations

import bisect
import html
import re
from collections.abc import Mapping
from dataclasses import dataclass

from flask_babel import gettext

from emails import UNSUBSCRIBE, MergeTag, MergeTagError, fill_with

from ..mailjet.tags import _MARKUP, _Marked

UNSUBSCRIBE_TAG = "{{ unsubscribe }}"
# The quote that opens the attribute value a tag sits in.
_OPEN_ATTRIBUTE = re.compile(r"""=\s*(["'])[^"']*$""")


def attribute_name(tag_name: str) -> str:
    """The Brevo contact attribute a merge tag reads: firstname -> FIRSTNAME."""
    return tag_name.upper()


def _default_text(default: str) -> str:
    # Quotes would end the tag's quoted default and "}}" the tag: they become their typographic forms.
    text = " ".join(default.split())
    return text.replace("'", "\u2019").replace('"', "\u201d").replace("}}", "} }")


def brevo_tag(tag: MergeTag, *, context: str = "plain") -> str:
    """One merge tag as Brevo writes it: {{ contact.FIRSTNAME }}, {{ contact.FIRSTNAME|default:'there' }}
    or {{ unsubscribe }}.

    `context` is where it lands: "plain" (subject, text part) or "html" (the body, where the default is
    escaped like any text). The default is always in single quotes: the MJML compiler writes every
    attribute in double quotes, so a tag in a link stays whole.
    """
    if tag.name == UNSUBSCRIBE:
        return UNSUBSCRIBE_TAG
    variable = f"contact.{attribute_name(tag.name)}"
    if tag.default is None:
        return "{{ " + variable + " }}"
    default = _default_text(tag.default)
    if context == "html":
        default = html.escape(default, quote=False)
    return "{{ " + f"{variable}|default:'{default}'" + " }}"


@dataclass(frozen=True)
class BrevoTags:
    """The TagWriter for Brevo: every merge tag in Brevo's template language, by where it lands."""

    @property
    def values(self) -> Mapping[str, str]:
        return {}  # Brevo fills the tags from each contact's attributes

    def text(self, source: str) -> str:
        """Subject, preheader or a plain-text part with Brevo's tags in place of ours."""
        return fill_with(source, brevo_tag)

    def mjml(self, source: str) -> str:
        """MJML with Brevo's tags in place of ours. A tag with a default cannot sit in an attribute value
        written in single quotes (its own quotes would end the value): that is refused with its line."""
        marked = _Marked(source)
        spans = [m.span() for m in _MARKUP.finditer(marked.text)]
        starts = [start for start, _ in spans]

        def written(tag: MergeTag, offset: int) -> str:
            index = bisect.bisect_right(starts, offset) - 1
            if tag.default is not None and index >= 0 and offset < spans[index][1]:
                opened = _OPEN_ATTRIBUTE.search(marked.text, spans[index][0], offset)
                if opened and opened.group(1) == "'":
                    raise MergeTagError(gettext(
                        "The merge tag %(tag)s has a default and sits in an attribute value in single quotes, "
                        "which Brevo's default would end. Put that attribute value in double quotes.",
                        tag=f"{{{{ {tag.name} }}}}"), tag.line)
            return brevo_tag(tag, context="html")

        return marked.place(written)
