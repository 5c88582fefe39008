"""JSON API for segments."""

from __future__ import annotations

from typing import Any

from flask import jsonify

from journeymail.api_util import json_body
from journeymail.extensions import db

from . import api_bp, services
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


@api_bp.get("/segments")
def list_segments() -> Any:
    return jsonify([segment_dict(s) for s in services.list_segments()])


@api_bp.post("/segments")
def create_segment() -> tuple[Any, int]:
    segment = services.create_segment(json_body())
    db.session.commit()
    return jsonify(segment_dict(segment)), 201


@api_bp.get("/segments/<int:segment_id>")
def get_segment(segment_id: int) -> Any:
    return jsonify(segment_dict(db.get_or_404(Segment, segment_id)))


@api_bp.patch("/segments/<int:segment_id>")
def update_segment(segment_id: int) -> Any:
    segment = services.update_segment(db.get_or_404(Segment, segment_id), json_body())
    db.session.commit()
    return jsonify(segment_dict(segment))


@api_bp.delete("/segments/<int:segment_id>")
def delete_segment(segment_id: int) -> tuple[str, int]:
    services.delete_segment(db.get_or_404(Segment, segment_id))
    db.session.commit()
    return "", 204
