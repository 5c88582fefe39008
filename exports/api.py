"""JSON API for imports: a campaign document becomes a new campaign."""

from __future__ import annotations

from typing import Any

from flask import jsonify

from accounts import current
from campaigns.serialize import campaign_detail
from . import documents, uploads

Reply = tuple[Any, int]


# --- campaign import: the document GET /campaigns/<id>/export/campaign.json writes ----------

def import_campaign() -> Reply:
    """A campaign document (JSON, or gzipped with Content-Encoding: gzip) becomes a new campaign: 201 with
    the campaign and notes (e.g. a segment reused)."""
    current.require("edit_plan")
    imported = documents.import_document(uploads.json_document())
    return jsonify({**campaign_detail(imported.campaign), "notes": imported.notes}), 201
