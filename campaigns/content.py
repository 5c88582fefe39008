"""What a segment receives from a touchpoint: the variant's fields where set, else the base; its preview;
and the short summary of that preview (subject and check counts) that the map and the matrix show."""

from __future__ import annotations

import hashlib
import json
from collections import OrderedDict
from dataclasses import dataclass, fields
from threading import Lock
from typing import Any

from emails.checks import is_unfinished
from emails.preview import Preview, preview_source
from emails.render import language_of
from segments.models import Segment

from .models import Campaign, Touchpoint, Variant


@dataclass(frozen=True)
class Content:
    """What a segment gets from a touchpoint: its variant's fields where set, else the base."""

    subject: str
    preheader: str
    mjml: str
    text_override: str | None
    variant: bool

    @classmethod
    def of(cls, touchpoint: Touchpoint, segment: Segment | None) -> Content:
        return cls.with_variant(touchpoint, touchpoint.variant_for(segment.id) if segment is not None else None)

    @classmethod
    def with_variant(cls, touchpoint: Touchpoint, variant: Variant | None) -> Content:
        """The content of `touchpoint` with `variant` (the segment's, or None for the base) laid over it."""
        return cls(
            subject=(variant and variant.subject) or touchpoint.subject or "",
            preheader=(variant and variant.preheader) or touchpoint.preheader or "",
            mjml=(variant and variant.mjml) or touchpoint.mjml or "",
            # A hand-written text part belongs to the base body; a variant with its own body gets its own text.
            text_override=None if (variant and variant.mjml) else touchpoint.text_override,
            variant=variant is not None,
        )


def preview_values(campaign: Campaign | None, segment: Segment | None) -> dict[str, Any]:
    """Merge-tag values for a preview: the campaign's defaults, overlaid by the segment's sample data."""
    values: dict[str, Any] = {}
    if campaign is not None:
        values.update(campaign.sample_data or {})
    if segment is not None:
        values.update(segment.sample_data or {})
    return values


def preview_touchpoint(touchpoint: Touchpoint, segment: Segment | None,
                       overlay: dict[str, Any] | None = None) -> Preview:
    """The touchpoint's email as `segment` receives it (the base content when segment is None); `overlay`:
    values over the preview values (a real contact's, previews/as_contact.py)."""
    campaign = touchpoint.campaign
    return preview_content(Content.of(touchpoint, segment), {**preview_values(campaign, segment), **(overlay or {})},
                           lang=language_of(campaign.locale))


def preview_content(content: Content, values: dict[str, Any], lang: str | None = None) -> Preview:
    """The email `content` makes with these merge-tag values, previewed and checked; its summary is kept.

    These two arguments are everything that decides the summary: EmailSummaries keys summaries by them
    (the language, `lang`, changes the HTML's lang attribute only, never a subject or a check).
    """
    preview = preview_source(
        mjml=content.mjml, subject=content.subject, preheader=content.preheader,
        values=values, text_override=content.text_override, lang=lang,
    )
    summaries.put(email_key(content_key(content), values_key(values)), EmailSummary.of(preview))
    return preview


# --- summaries: what the map and the matrix show of an email, without rendering it again --------


@dataclass(frozen=True, slots=True)
class EmailSummary:
    """What the map and the matrix show of a previewed email: its subject as rendered, its check counts, and
    whether it is unfinished (placeholders, example addresses or filler text: counted among its errors too)."""

    subject: str
    errors: int
    warnings: int
    unfinished: bool = False

    @classmethod
    def of(cls, preview: Preview) -> EmailSummary:
        return cls(preview.rendered.subject, preview.counts.get("error", 0), preview.counts.get("warning", 0),
                   is_unfinished(preview.checks))

    @property
    def counts(self) -> dict[str, int]:
        return {"error": self.errors, "warning": self.warnings}


_CONTENT_FIELDS = tuple(f.name for f in fields(Content))


def content_key(content: Content) -> bytes:
    """A hash of every field of the content (the summary of an email is decided by these and its values)."""
    digest = hashlib.blake2b(digest_size=16, person=b"content")
    for name in _CONTENT_FIELDS:
        value = getattr(content, name)
        # Each field as its type and its length-prefixed text: no two contents write the same bytes.
        data = value.encode("utf-8", "surrogatepass") if isinstance(value, str) else repr(value).encode()
        digest.update(b"s" if isinstance(value, str) else b"r")
        digest.update(len(data).to_bytes(8, "little"))
        digest.update(data)
    return digest.digest()


def values_key(values: dict[str, Any]) -> bytes:
    """A hash of the merge-tag values an email is filled with (written as the preview cache writes them)."""
    text = json.dumps(values, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16, person=b"values").digest()


def email_key(content: bytes, values: bytes) -> bytes:
    return content + values


class EmailSummaries:
    """Summaries of previewed emails, keyed by a hash of everything that decides the preview (its Content and
    its merge-tag values), so no edit can be answered with a stale one: an edited email has another key.

    Every preview of a campaign's email (preview_content) records its summary here; the map and the matrix
    look them up and render only the emails they do not find. A summary is a subject and two numbers, so
    many fit: `size` covers several campaigns of 7,500 emails (least recently used go first); 60,000 of them
    take about 20 MB.
    """

    def __init__(self, size: int):
        self.size = size
        self._items: OrderedDict[bytes, EmailSummary] = OrderedDict()
        self._lock = Lock()

    def get_many(self, keys: list[bytes]) -> list[EmailSummary | None]:
        """The summary under each key, None where there is none."""
        with self._lock:
            items = self._items
            found = [items.get(key) for key in keys]
            for key, summary in zip(keys, found):
                if summary is not None:
                    items.move_to_end(key)
            return found

    def put(self, key: bytes, summary: EmailSummary) -> None:
        with self._lock:
            self._items[key] = summary
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)

    def __len__(self) -> int:
        return len(self._items)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


summaries = EmailSummaries(60_000)


class Summarizer:
    """Looks up the summaries of one campaign's emails, hashing each distinct content and each segment's
    values once (not once per email), and previews only the emails whose summary is not known yet."""

    def __init__(self, campaign: Campaign):
        self.campaign = campaign
        self._contents: dict[tuple[int, int | None], tuple[Content, bytes]] = {}
        self._values: dict[int | None, tuple[dict[str, Any], bytes]] = {}

    def _content(self, touchpoint: Touchpoint, variant: Variant | None) -> tuple[Content, bytes]:
        key = (touchpoint.id, variant.id if variant is not None else None)
        found = self._contents.get(key)
        if found is None:
            content = Content.with_variant(touchpoint, variant)
            found = self._contents[key] = (content, content_key(content))
        return found

    def _segment_values(self, segment: Segment | None) -> tuple[dict[str, Any], bytes]:
        key = segment.id if segment is not None else None
        found = self._values.get(key)
        if found is None:
            values = preview_values(self.campaign, segment)
            found = self._values[key] = (values, values_key(values))
        return found

    def lookup(
        self, emails: list[tuple[Touchpoint, Variant | None, Segment | None]], *, render: bool = True
    ) -> list[EmailSummary | None]:
        """The summary of each email (touchpoint, the segment's variant or None, segment) as the segment receives
        it. The emails not known yet are previewed, or left None when `render` is false: then nothing is rendered."""
        keyed = [(self._content(tp, variant), self._segment_values(segment)) for tp, variant, segment in emails]
        found = summaries.get_many([email_key(content[1], values[1]) for content, values in keyed])
        if render:
            for index, summary in enumerate(found):
                if summary is None:
                    (content, _), (values, _) = keyed[index]
                    found[index] = EmailSummary.of(preview_content(content, values, language_of(self.campaign.locale)))
        return found


def clear_caches() -> None:
    """Forget every summary (for measurements that start cold)."""
    summaries.clear()
