"""The one renderer behind every email HTML the app produces: merge tags, then MJML, then the text part.

Preview, matrix, cell page, editor, test send, plan CSV and the ESP bundles all call
render_email. How the merge tags are written is the one thing that differs, and the caller
says it with `tags`: FilledTags (the default) fills them with values, HTML-escaped, for a reader's
eyes; an ESP export passes its own TagWriter that writes each tag in the ESP's syntax. Everything
else (the preheader, the compile, the text part) happens here, once, for all of them.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from .wording import N_, phrase
from .merge_tags import PREVIEW_UNSUBSCRIBE_URL, UNSUBSCRIBE, MergeTag, MergeTagError, fill, merge_tags
from .mjml import MJMLError, compile_mjml
from .text import html_to_text


class TagWriter(Protocol):
    """How an email's merge tags are written: filled with values, or left for an ESP in its own syntax."""

    @property
    def values(self) -> Mapping[str, str]:
        """The values the tags are filled with, as the checks see them (none when an ESP fills them)."""
        ...

    def text(self, source: str) -> str:
        """Plain text (subject, preheader, text part) with its merge tags written."""
        ...

    def mjml(self, source: str) -> str:
        """The MJML body with its merge tags written; where a tag sits in the markup may decide how."""
        ...


@dataclass(frozen=True)
class FilledTags:
    """Each merge tag filled with its value (or its default), HTML-escaped in the body."""

    values: Mapping[str, str]

    @classmethod
    def of(cls, values: Mapping[str, Any] | None) -> FilledTags:
        """Values as text, with the preview's unsubscribe link unless the values bring their own."""
        return cls({k: str(v) for k, v in {UNSUBSCRIBE: PREVIEW_UNSUBSCRIBE_URL, **(values or {})}.items()})

    def text(self, source: str) -> str:
        # Subject, preheader and text part are not HTML: undo the escaping that protects the body.
        return html.unescape(fill(source, self.values))

    def mjml(self, source: str) -> str:
        return fill(source, self.values)


@dataclass
class Rendered:
    """One email as a reader gets it, or the reasons it cannot be rendered."""

    subject: str
    preheader: str
    mjml: str  # the source with its merge tags written and the preheader as <mj-preview>: what is compiled
    html: str | None = None
    tags: list[MergeTag] = field(default_factory=list)
    values: dict[str, Any] = field(default_factory=dict)
    error: MJMLError | MergeTagError | None = None
    text_override: str | None = None  # the hand-written text part, merge tags filled

    @property
    def text(self) -> str | None:
        """The plain-text part: the override, else derived from the HTML when first asked for
        (the matrix and the checks never need it, so they never pay for it)."""
        if self.text_override is not None:
            return self.text_override
        return html_to_text(self.html) if self.html is not None else None


def render_email(
    *,
    mjml_source: str,
    subject: str = "",
    preheader: str = "",
    values: Mapping[str, Any] | None = None,
    text_override: str | None = None,
    tags: TagWriter | None = None,
    lang: str | None = None,
) -> Rendered:
    """Write the merge tags (filled with `values`, escaped, unless `tags` says how), add the preheader and
    the language (`lang`, e.g. "de": the compiled <html lang>), compile the MJML, derive the text part;
    errors are returned, not raised."""
    if tags is not None and values is not None:
        raise TypeError("render_email takes values or tags, not both: FilledTags.of(values) is a TagWriter.")
    writer = tags if tags is not None else FilledTags.of(values)
    result = Rendered(subject=subject, preheader=preheader, mjml=mjml_source, values=dict(writer.values))
    try:
        result.tags = [*merge_tags(mjml_source), *_tags_outside_body(subject, "subject"),
                       *_tags_outside_body(preheader, "preheader")]
        if text_override:
            _tags_outside_body(text_override, "plain-text part")
        result.subject = writer.text(subject)
        result.preheader = writer.text(preheader)
        # The preheader is plain text: escape all of it, not only the values filled in.
        result.mjml = with_preheader(writer.mjml(mjml_source), html.escape(result.preheader, quote=False))
        if lang:
            result.mjml = with_lang(result.mjml, lang)
    except MergeTagError as error:
        result.error = error
        return result
    try:
        result.html = compile_mjml(result.mjml)
    except MJMLError as error:
        result.error = error
        return result
    if text_override:
        result.text_override = writer.text(text_override)
    return result


_PREVIEW = re.compile(r"(<mj-preview\b[^>]*>)(.*?)(</mj-preview\s*>)", re.IGNORECASE | re.DOTALL)
_HEAD_OPEN = re.compile(r"<mj-head\b[^>]*>", re.IGNORECASE)
_MJML_OPEN = re.compile(r"<mjml\b[^>]*>", re.IGNORECASE)


def with_preheader(mjml: str, preheader_html: str) -> str:
    """The MJML with the preheader as its <mj-preview>, the inbox preview text (replacing one written in
    the body, since the preheader field is what the author set for this email). Adds no line breaks,
    so line numbers in compiler messages stay the author's."""
    if not preheader_html.strip():
        return mjml
    if _PREVIEW.search(mjml):
        return _PREVIEW.sub(lambda m: m.group(1) + preheader_html + m.group(3), mjml, count=1)
    element = f"<mj-preview>{preheader_html}</mj-preview>"
    if head := _HEAD_OPEN.search(mjml):
        return mjml[: head.end()] + element + mjml[head.end():]
    if root := _MJML_OPEN.search(mjml):
        return mjml[: root.end()] + f"<mj-head>{element}</mj-head>" + mjml[root.end():]
    return mjml  # no <mjml> root: the compiler reports that


# The same words as the checks of these fields use (emails.checks), so the catalog holds each once.
OUTSIDE_BODY = {
    "subject": N_("In the subject: %(message)s"),
    "preheader": N_("In the preheader: %(message)s"),
    "plain-text part": N_("In the plain-text part: %(message)s"),
}


_LANG = re.compile(r"[A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})*")
_LANG_ATTRIBUTE = re.compile(r"\slang\s*=", re.IGNORECASE)


def language_of(locale: str | None) -> str | None:
    """The language a campaign locale writes its emails in, as <html lang> says it: "de" for de_DE."""
    language = (locale or "").split("_")[0].lower()
    return language if _LANG.fullmatch(language) else None


def with_lang(mjml: str, lang: str) -> str:
    """The MJML with lang="..." on its <mjml> root, so the compiled HTML says which language it is in
    (MJML writes lang="und" otherwise). A lang the author wrote stays; no line breaks are added."""
    if not _LANG.fullmatch(lang):
        return mjml
    root = _MJML_OPEN.search(mjml)
    if root is None or _LANG_ATTRIBUTE.search(root.group(0)):
        return mjml
    return mjml[: root.start() + 5] + f' lang="{lang}"' + mjml[root.start() + 5:]


def _tags_outside_body(source: str, where: str) -> list[MergeTag]:
    """Merge tags of the subject, preheader or text part: a refusal says where, not a line of the body."""
    try:
        return [MergeTag(tag.name, tag.default, None, where) for tag in merge_tags(source)]
    except MergeTagError as error:
        raise MergeTagError(phrase(OUTSIDE_BODY[where], message=error.text), None) from None
