"""JSON API of segment rules: a segment's rule, its members, and the count of a rule being edited."""

from __future__ import annotations

from typing import Any

from flask import jsonify, request
from flask_babel import gettext as _

from accounts import current
from journeymail.http import json_body
from journeymail.validation import ValidationError
from segments.models import Segment

from . import rules
from .services import contact_dict

SAMPLE = 10
MAX_SAMPLE = 100


def _limit() -> int:
    text = request.args.get("limit", str(SAMPLE)).strip()
    if not text.isascii() or not text.isdigit() or not 0 <= int(text) <= MAX_SAMPLE:
        raise ValidationError({"limit": _("limit should be a whole number from 0 to %(most)s.", most=MAX_SAMPLE)})
    return int(text)


def members_document(rule: dict[str, Any] | None, limit: int) -> dict[str, Any]:
    if rule is None:
        return {"rule": None, "total": 0, "sample": []}
    return {"rule": rule, "total": rules.count_matching(rule),
            "sample": [contact_dict(c) for c in rules.sample(rule, limit)] if limit else []}


def members(segment_id: int) -> Any:
    """GET /api/segments/<id>/members?limit=N: {total, sample: [contacts]} (and the rule they follow)."""
    current.get_or_404(Segment, segment_id)
    current.require("read")
    return jsonify(members_document(rules.rule_of(segment_id), _limit()))


def get_rule(segment_id: int) -> Any:
    current.get_or_404(Segment, segment_id)
    current.require("read")
    return jsonify(rule=rules.rule_of(segment_id))


def put_rule(segment_id: int) -> Any:
    """PUT {rule} -> the cleaned rule with its count and a sample; 422 {"fields": {"rule": ...}} for a bad one."""
    segment = current.get_or_404(Segment, segment_id)
    current.require("edit_plan")
    body = json_body()
    if not isinstance(body, dict) or "rule" not in body:
        raise ValidationError({"rule": _('Send the rule as {"rule": {"all": [...]}}.')})
    cleaned = rules.set_rule(segment, body["rule"])
    return jsonify(members_document(cleaned, _limit()))


def delete_rule(segment_id: int) -> tuple[str, int]:
    segment = current.get_or_404(Segment, segment_id)
    current.require("edit_plan")
    rules.clear_rule(segment)
    return "", 204


def count_rule() -> Any:
    """POST /api/segment-rules/count {rule, segment_id?}: what a rule would hold, saving nothing (the editor
    asks as the rule is edited)."""
    current.require("read")
    body = json_body()
    if not isinstance(body, dict) or "rule" not in body:
        raise ValidationError({"rule": _('Send the rule as {"rule": {"all": [...]}}.')})
    segment_id = body.get("segment_id")
    if segment_id is not None and (isinstance(segment_id, bool) or not isinstance(segment_id, int)
                                   or current.get(Segment, segment_id) is None):
        raise ValidationError({"segment_id": _("There is no such segment in this workspace.")})
    return jsonify(members_document(rules.check_rule(body["rule"], segment_id), _limit()))
