"""The segment × phase matrix: every cell's emails previewed and checked, and what the grid adds up to."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from campaigns.cells import Cell, cells
from campaigns.content import preview_touchpoint
from campaigns.models import Campaign
from emails.preview import Preview


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


@dataclass(frozen=True)
class Totals:
    """What the matrix adds up: the emails segments receive, variants among them, gaps, and check counts."""

    emails: int
    variants: int
    gaps: int
    errors: int
    warnings: int

    @classmethod
    def of(cls, cells: list[MatrixCell]) -> Totals:
        return cls(
            emails=sum(len(m.cell.emails) for m in cells),
            variants=sum(e.variant is not None for m in cells for e in m.cell.emails),
            gaps=sum(m.cell.gap for m in cells),
            errors=sum(m.counts["error"] for m in cells),
            warnings=sum(m.counts["warning"] for m in cells),
        )


def matrix_grid(campaign: Campaign) -> dict[tuple[int, int], MatrixCell]:
    """The previewed cells keyed by (segment_id, phase_id), as the matrix and the journey map look them up."""
    return {(m.cell.segment.id, m.cell.phase.id): m for m in matrix(campaign)}
