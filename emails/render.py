"""The one renderer behind every email HTML the app produces: merge tags, then MJML, then the text part.

Preview, matrix, cell page, editor, test send, plan CSV and the ESP bundles all call
render_email. An ESP export passes `tag` to write merge tags in its own syntax instead of
filling them with values; everything else (the preheader, the compile, the text part) is the same.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from .merge_tags import PREVIEW_UNSUBSCRIBE_URL, UNSUBSCRIBE, MergeTag, MergeTagError, fill, merge_tags
from .mjml import MJMLError, compile_mjml
from .text import html_to_text

@dataclass
class Rendered:
    """One email as a reader gets it, or the reasons it cannot be rendered."""

    subject: str
    preheader: str
    mjml: str  # the source after merge tags were filled
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
) -> Rendered:
    """Fill merge tags (escaped), compile the MJML, derive the text part; errors are returned, not raised."""
    values = {UNSUBSCRIBE: PREVIEW_UNSUBSCRIBE_URL, **(values or {})}
    plain_values = {k: str(v) for k, v in values.items()}
    result = Rendered(subject=subject, preheader=preheader, mjml=mjml_source, values=plain_values)
    try:
        result.tags = [*merge_tags(mjml_source), *_tags_outside_body(subject, "subject"),
                       *_tags_outside_body(preheader, "preheader")]
        if text_override:
            _tags_outside_body(text_override, "plain-text part")
        result.subject = _unescape_inline(fill(subject, plain_values))
        result.preheader = _unescape_inline(fill(preheader, plain_values))
        # The preheader is plain text: escape all of it, not only the values filled in.
        result.mjml = with_preheader(fill(mjml_source, plain_values), html.escape(result.preheader, quote=False))
    except MergeTagError as error:
        result.error = error
        return result
    try:
        result.html = compile_mjml(result.mjml)
    except MJMLError as error:
        result.error = error
        return result
    if text_override:
        result.text_override = _unescape_inline(fill(text_override, plain_values))
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


def _tags_outside_body(source: str, where: str) -> list[MergeTag]:
    """Merge tags of the subject, preheader or text part: a refusal says where, not a line of the body."""
    try:
        return [replace(tag, line=None, where=where) for tag in merge_tags(source)]
    except MergeTagError as error:
        raise MergeTagError(f"In the {where}: {error.message}", None) from None


def _unescape_inline(text: str) -> str:
    """Subject, preheader and text part are not HTML: undo the escaping that protects the body."""
    return html.unescape(text)
