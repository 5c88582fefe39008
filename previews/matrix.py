"""The segment × phase matrix: every cell's emails with their subjects and check counts, and what the grid adds up to.

The matrix shows each email's summary (its subject as rendered and its check counts), looked up by its
content: warm, it renders nothing, and the objects a request makes are a few per email it shows.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from campaigns.cells import Cell, cell_summaries, cells_of, variants_of
from campaigns.content import EmailSummary, Summarizer
from campaigns.models import Campaign, Phase


@dataclass(frozen=True, slots=True)
class MatrixCell:
    cell: Cell
    summaries: list[EmailSummary]  # one per email of the cell, in its order

    @property
    def counts(self) -> dict[str, int]:
        return {"error": sum(s.errors for s in self.summaries), "warning": sum(s.warnings for s in self.summaries)}

    @property
    def unfinished(self) -> int:
        """How many of the cell's emails are unfinished."""
        return sum(s.unfinished for s in self.summaries)


def matrix_grid(campaign: Campaign) -> dict[tuple[int, int], MatrixCell]:
    """Every (segment_id, phase_id) cell of the campaign with the summary of each of its emails.
    The campaign comes from outline_or_404(id, segments=True): the variants are read here, as rows."""
    grid = cells_of(campaign.segments, campaign.phases, variants_of(campaign))
    found = cell_summaries(campaign, grid)
    return {key: MatrixCell(cell, found[key]) for key, cell in grid.items()}


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
                # No email, but the phase captures this segment's address there: not a gap.
                "capture_only": m.cell.capture_only,
                "capture_touchpoint_ids": [tp.id for tp in m.cell.captures],
                "checks": m.counts,
                "unfinished": m.unfinished,
                "emails": [
                    {
                        "touchpoint_id": e.touchpoint.id,
                        "name": e.touchpoint.name,
                        "kind": e.touchpoint.kind,
                        "send_offset_days": e.touchpoint.send_offset_days,
                        "variant": e.variant is not None,
                        "subject": s.subject,
                        "checks": s.counts,
                        "unfinished": s.unfinished,
                    }
                    for e, s in zip(m.cell.emails, m.summaries)
                ],
            }
            for m in matrix_grid(campaign).values()
        ],
    }


@dataclass(frozen=True)
class Totals:
    """What the matrix adds up: the emails segments receive, variants among them, gaps, capture-only cells
    (no email, but an address is captured there), check counts, and the emails among them that are unfinished."""

    emails: int
    variants: int
    gaps: int
    capture_only: int
    errors: int
    warnings: int
    unfinished: int

    @classmethod
    def of(cls, cells: list[MatrixCell]) -> Totals:
        return cls(
            emails=sum(len(m.cell.emails) for m in cells),
            variants=sum(e.variant is not None for m in cells for e in m.cell.emails),
            gaps=sum(m.cell.gap for m in cells),
            capture_only=sum(m.cell.capture_only for m in cells),
            errors=sum(s.errors for m in cells for s in m.summaries),
            warnings=sum(s.warnings for m in cells for s in m.summaries),
            unfinished=sum(m.unfinished for m in cells),
        )


# --- pages of the matrix, and the part of it the cell page shows ---------------------------

# The matrix page shows up to 20 segments, and fewer when they receive many emails: about 400 email cards a page
# (a page of a campaign of 100 segments × 15 phases × 5 emails has 5 segments, 375 cards).
MAX_SEGMENTS_PER_PAGE = 20
EMAILS_PER_PAGE = 400
# Rows of the cell page's small matrix: every segment of a campaign of up to five, else the cell's segment
# and its neighbours, so that the page costs the same in a campaign of a hundred segments.
NEARBY_ALL = 5
NEARBY_SEGMENTS = 3


@dataclass(frozen=True)
class Pages:
    """How the matrix page splits a campaign's segments (in the campaign's order) into pages."""

    segments: int
    per_page: int

    @classmethod
    def of(cls, segments: int, emails: int) -> Pages:
        """Pages for `segments` segments receiving `emails` emails in all."""
        per_segment = emails / segments if segments else 0
        fit = int(EMAILS_PER_PAGE // per_segment) if per_segment else MAX_SEGMENTS_PER_PAGE
        return cls(segments, max(1, min(MAX_SEGMENTS_PER_PAGE, fit)))

    @property
    def count(self) -> int:
        return max(1, -(-self.segments // self.per_page))

    def page_of(self, index: int) -> int:
        """The page (1-based) that shows the segment at `index`."""
        return index // self.per_page + 1

    def first(self, page: int) -> int:
        """The index of the first segment on `page`."""
        return (page - 1) * self.per_page

    def shown(self, segments: list[Any], page: int) -> list[Any]:
        return segments[self.first(page):self.first(page) + self.per_page]


def email_count(phases: list[Phase], segments: list[Any]) -> int:
    """How many emails these segments receive in these phases, counted without laying out the cells."""
    ids = {s.id for s in segments}
    return sum(
        len(ids) if not tp.audience else sum(a.id in ids for a in tp.audience)
        for phase in phases for tp in phase.touchpoints if tp.is_email
    )


def nearby(count: int, index: int, size: int = NEARBY_SEGMENTS) -> tuple[int, int]:
    """Where a window of `size` of `count` segments around the one at `index` starts and stops (all, when they fit)."""
    if count <= max(size, NEARBY_ALL):
        return 0, count
    start = max(0, min(index - size // 2, count - size))
    return start, min(count, start + size)


@dataclass(frozen=True, slots=True)
class NavCell:
    """A cell as the cell page's small matrix shows it: gap, capture-only, its emails, and its checks when known."""

    cell: Cell
    counts: dict[str, int] | None  # None: some of its emails have not been checked since they changed

    @property
    def state(self) -> str:
        if self.cell.gap:
            return "gap"
        if self.cell.capture_only:
            return "capture"
        if self.counts is None:
            return "unchecked"
        return "error" if self.counts["error"] else ("warning" if self.counts["warning"] else "ok")


def nav_cells(campaign: Campaign, grid: dict[tuple[int, int], Cell]) -> dict[tuple[int, int], NavCell]:
    """The cells of `grid` with the check counts already known for their emails; renders nothing."""
    found = iter(Summarizer(campaign).lookup(
        [(e.touchpoint, e.variant, cell.segment) for cell in grid.values() for e in cell.emails], render=False
    ))
    nav: dict[tuple[int, int], NavCell] = {}
    for key, cell in grid.items():
        known = [next(found) for _ in cell.emails]
        counts = None if None in known else {
            "error": sum(s.errors for s in known if s), "warning": sum(s.warnings for s in known if s),
            "unfinished": sum(s.unfinished for s in known if s),
        }
        nav[key] = NavCell(cell, counts)
    return nav
