"""What a segment receives from a touchpoint: the variant's fields where set, else the base; and its preview."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from emails.preview import Preview, preview_source
from segments.models import Segment

from .models import Campaign, Touchpoint


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
        variant = touchpoint.variant_for(segment.id) if segment is not None else None
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


def preview_touchpoint(touchpoint: Touchpoint, segment: Segment | None) -> Preview:
    """The touchpoint's email as `segment` receives it (the base content when segment is None)."""
    content = Content.of(touchpoint, segment)
    return preview_source(
        mjml=content.mjml, subject=content.subject, preheader=content.preheader,
        values=preview_values(touchpoint.campaign, segment), text_override=content.text_override,
    )
