"""Previews: a touchpoint's email as one segment receives it, with its checks; and the matrix summary.

Everything here goes through journeymail.rendering, the one renderer, and caches whole results
keyed by the content that determines them, so an edit is never answered with a stale render.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from journeymail.checks import Check, run_checks, summary
from journeymail.extensions import db
from journeymail.validation import MAX_ID, NotFound, ValidationError
from journeymail.rendering import ContentCache, Rendered, render_email
from segments.models import Segment

from .cells import Cell, cells
from .models import Campaign, Touchpoint


@dataclass(frozen=True)
class Preview:
    rendered: Rendered
    checks: list[Check]
    counts: dict[str, int] = field(default_factory=dict)  # errors and warnings, summed once

    def __post_init__(self) -> None:
        if not self.counts:
            object.__setattr__(self, "counts", summary(self.checks))

    def to_dict(self) -> dict[str, Any]:
        return {
            "subject": self.rendered.subject,
            "preheader": self.rendered.preheader,
            "html": self.rendered.html,
            "text": self.rendered.text,
            "checks": [c.to_dict() for c in self.checks],
        }


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


# Whole previews by everything that determines them: source, subject, preheader, values, text, marketing.
preview_cache: ContentCache[Preview] = ContentCache(4096)


def preview_source(
    *, mjml: str, subject: str = "", preheader: str = "", values: dict[str, Any] | None = None,
    text_override: str | None = None, marketing: bool = True,
) -> Preview:
    """Render MJML as written (the editor's live preview) and check it."""
    values = values or {}
    parts = {"mjml": mjml, "subject": subject, "preheader": preheader, "values": values,
             "text": text_override, "marketing": marketing}

    def make() -> Preview:
        rendered = render_email(
            mjml_source=mjml, subject=subject, preheader=preheader, values=values, text_override=text_override
        )
        return Preview(rendered, run_checks(rendered, mjml, marketing=marketing))

    return preview_cache.get_or_make(json.dumps(parts, sort_keys=True, default=str), make)


def preview_touchpoint(touchpoint: Touchpoint, segment: Segment | None) -> Preview:
    """The touchpoint's email as `segment` receives it (the base content when segment is None)."""
    content = Content.of(touchpoint, segment)
    return preview_source(
        mjml=content.mjml, subject=content.subject, preheader=content.preheader,
        values=preview_values(touchpoint.campaign, segment), text_override=content.text_override,
    )


@dataclass(frozen=True)
class MatrixCell:
    cell: Cell
    previews: list[Preview]

    @property
    def counts(self) -> dict[str, int]:
        total = {"error": 0, "warning": 0}
        for preview in self.previews:
            for severity, count in preview.counts.items():
                total[severity] += count
        return total


def matrix(campaign: Campaign) -> list[MatrixCell]:
    """Every (segment, phase) cell with each of its emails previewed and checked."""
    return [
        MatrixCell(cell, [preview_touchpoint(e.touchpoint, cell.segment) for e in cell.emails])
        for cell in cells(campaign).values()
    ]


def matrix_dict(campaign: Campaign) -> dict[str, Any]:
    """The matrix as the API returns it: phases, segments, and every cell with its emails and check counts."""
    return {
        "campaign_id": campaign.id,
        "phases": [{"id": p.id, "name": p.name, "position": p.position} for p in campaign.phases],
        "segments": [{"id": s.id, "name": s.name} for s in campaign.segments],
        "cells": [
            {
                "phase_id": m.cell.phase.id,
                "segment_id": m.cell.segment.id,
                "touchpoint_ids": [e.touchpoint.id for e in m.cell.emails],
                "gap": m.cell.gap,
                "checks": m.counts,
                "emails": [
                    {
                        "touchpoint_id": e.touchpoint.id,
                        "name": e.touchpoint.name,
                        "kind": e.touchpoint.kind,
                        "send_offset_days": e.touchpoint.send_offset_days,
                        "variant": e.variant is not None,
                        "subject": p.rendered.subject,
                        "checks": p.counts,
                    }
                    for e, p in zip(m.cell.emails, m.previews)
                ],
            }
            for m in matrix(campaign)
        ],
    }


def lookup(campaign: Campaign, touchpoint_arg: str | None, segment_arg: str | None) -> tuple[Touchpoint, Segment | None]:
    """The touchpoint and segment a preview URL names (?touchpoint=ID&segment=ID), checked against the campaign."""
    touchpoint_id = id_arg("touchpoint", touchpoint_arg, required=True)
    touchpoint = db.session.get(Touchpoint, touchpoint_id)
    if touchpoint is None or touchpoint.campaign_id != campaign.id:
        raise NotFound(f"The campaign has no touchpoint with ID {touchpoint_id}.")
    if not touchpoint.is_email:
        raise ValidationError({"touchpoint": f"A {touchpoint.kind_info.label.lower()} sends no email."})
    segment_id = id_arg("segment", segment_arg, required=False)
    return touchpoint, (None if segment_id is None else targeted_segment(campaign, segment_id))


def targeted_segment(campaign: Campaign, segment_id: int) -> Segment:
    """A segment the campaign targets: 404 when there is no such segment, 422 when it is not targeted."""
    segment = db.session.get(Segment, segment_id)
    if segment is None:
        raise NotFound(f"There is no segment with ID {segment_id}.")
    if segment not in campaign.segments:
        raise ValidationError({"segment": f'The campaign does not target the segment "{segment.name}".'})
    return segment


def id_arg(name: str, value: str | None, *, required: bool) -> int | None:
    if value in (None, ""):
        if required:
            raise ValidationError({name: f"Name the {name} to preview, e.g. ?{name}=12."})
        return None
    # ASCII digits only: str.isdigit() also takes '²' (int() then fails) and '١２' (int() reads them as digits)
    if not (value.isascii() and value.isdigit()) or not 1 <= int(value) <= MAX_ID:
        raise ValidationError({name: f"{value!r} is not a {name} ID."})
    return int(value)
