"""Segments as JSON-ready dicts: the shape the API contract fixes, which the campaign document reuses."""

from __future__ import annotations

from typing import Any

from .models import Persona, Segment


def persona_dict(persona: Persona) -> dict[str, Any]:
    return {
        "id": persona.id,
        "name": persona.name,
        "quote": persona.quote,
        "role": persona.role,
        "goals": persona.goals,
        "needs": persona.needs,
        "motives": persona.motives,
        "sources": persona.sources,
    }


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
        "persona_id": segment.persona_id,
    }
