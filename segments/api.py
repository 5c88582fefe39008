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
