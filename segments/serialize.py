"""Segments as JSON-ready dicts: the shape the API contract fixes, which the campaign document reuses."""

from __future__ import annotations

from typing import Any

from .models import Segment


def segment_dict(segment: Segment) -> dict[str, Any]:
    return {
        "id": segment.id,
        "name": segment.name,
        "description": segment.description,
        "motivation": segment.motivation,
        "action": segment.action,
        "obstacle": segment.obstacle,
        "opportunity": segment.opportunity,
        "sample_data": segment.sample_data,
    }
