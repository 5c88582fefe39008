"""Security headers: pages run only the app's own scripts; API answers can never run anything."""

from __future__ import annotations

import re
from pathlib import Path

TEMPLATES = Path(__file__).resolve().parents[1] / "templates"


def test_pages_allow_only_the_apps_own_script_files(client):
    response = client.get("/campaigns")
    policy = response.headers["Content-Security-Policy"]
    script_src = re.search(r"script-src ([^;]+)", policy).group(1)
    assert script_src.strip() == "'self'"
    assert "object-src 'none'" in policy and "frame-ancestors 'self'" in policy
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_api_answers_are_sandboxed_documents(client):
    response = client.get("/api/frameworks")
    assert response.headers["Content-Security-Policy"].startswith("default-src 'none'")
    assert "sandbox" in response.headers["Content-Security-Policy"]


def test_error_pages_carry_the_page_policy(client):
    response = client.get("/campaigns/999999")
    assert response.status_code == 404
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]


def test_no_template_has_inline_script_or_event_handlers():
    # The policy would block them anyway; this keeps them from being written in the first place.
    offenders = []
    for template in TEMPLATES.rglob("*.html"):
        text = template.read_text(encoding="utf-8")
        if re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text) or re.search(r"\son[a-z]+\s*=", text):
            offenders.append(template.relative_to(TEMPLATES))
    assert offenders == []
