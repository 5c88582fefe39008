"""JSON API for segments."""

from __future__ import annotations

from accounts import current
from typing import Any

from flask import jsonify

from journeymail.http import json_body

from . import services
from .models import Segment
from .serialize import segment_dict


def list_segments() -> Any:
    return jsonify([segment_dict(s) for s in services.list_segments()])


def create_segment() -> tuple[Any, int]:
    segment = services.create_segment(json_body())
    return jsonify(segment_dict(segment)), 201


def get_segment(segment_id: int) -> Any:
    return jsonify(segment_dict(current.get_or_404(Segment, segment_id)))


def update_segment(segment_id: int) -> Any:
    segment = services.update_segment(current.get_or_404(Segment, segment_id), json_body())
    return jsonify(segment_dict(segment))


def delete_segment(segment_id: int) -> tuple[str, int]:
    services.delete_segment(current.get_or_404(Segment, segment_id))
    return "", 204
