"""JSON API for segments and personas."""

from __future__ import annotations

from accounts import current
from typing import Any

from flask import jsonify

from journeymail.http import json_body

from . import services
from .models import Persona, Segment
from .serialize import persona_dict, segment_dict


def list_segments() -> Any:
    current.require("read")
    return jsonify([segment_dict(s) for s in services.list_segments()])


def create_segment() -> tuple[Any, int]:
    current.require("edit_plan")
    segment = services.create_segment(json_body())
    return jsonify(segment_dict(segment)), 201


def get_segment(segment_id: int) -> Any:
    segment = current.get_or_404(Segment, segment_id)
    current.require("read")
    return jsonify(segment_dict(segment))


def update_segment(segment_id: int) -> Any:
    segment = current.get_or_404(Segment, segment_id)
    current.require("edit_plan")
    segment = services.update_segment(segment, json_body())
    return jsonify(segment_dict(segment))


def delete_segment(segment_id: int) -> tuple[str, int]:
    segment = current.get_or_404(Segment, segment_id)
    current.require("delete")
    services.delete_segment(segment)
    return "", 204


# --- personas ----------------------------------------------------------------------------------


def list_personas() -> Any:
    current.require("read")
    return jsonify([persona_dict(p) for p in services.list_personas()])


def create_persona() -> tuple[Any, int]:
    current.require("edit_plan")
    persona = services.create_persona(json_body())
    return jsonify(persona_dict(persona)), 201


def get_persona(persona_id: int) -> Any:
    persona = current.get_or_404(Persona, persona_id)
    current.require("read")
    return jsonify(persona_dict(persona))


def update_persona(persona_id: int) -> Any:
    persona = current.get_or_404(Persona, persona_id)
    current.require("edit_plan")
    persona = services.update_persona(persona, json_body())
    return jsonify(persona_dict(persona))


def delete_persona(persona_id: int) -> tuple[str, int]:
    persona = current.get_or_404(Persona, persona_id)
    current.require("delete")
    services.delete_persona(persona)
    return "", 204
