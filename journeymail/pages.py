"""What every page template may use: the emotion scale, small text filters, and the favicon."""

from __future__ import annotations

import re
from typing import Any

from flask import Flask, Response
from flask_babel import lazy_gettext as _l

from .text import counted, number

EMOTION_LABELS = {2: _l("delighted"), 1: _l("pleased"), 0: _l("neutral"), -1: _l("uneasy"), -2: _l("frustrated")}

_MERGE_TAG = re.compile(r"\{\{(.*?)\}\}")


def merge_parts(text: str | None) -> list[tuple[str, str, str]]:
    """Split text at its merge tags, for display: ("text", chunk, "") and ("tag", name, the whole tag).

    'Hi {{ firstname | default("there") }}!' -> [("text", "Hi ", ""),
    ("tag", "firstname", '{{ firstname | default("there") }}'), ("text", "!", "")]. The template escapes each part.
    """
    parts: list[tuple[str, str, str]] = []
    text = text or ""
    end = 0
    for match in _MERGE_TAG.finditer(text):
        if match.start() > end:
            parts.append(("text", text[end:match.start()], ""))
        name = match.group(1).split("|")[0].strip() or match.group(0)
        parts.append(("tag", name, match.group(0)))
        end = match.end()
    if end < len(text):
        parts.append(("text", text[end:], ""))
    return parts


def register(app: Flask) -> None:
    # Pages link static/favicon.svg; a browser or tool that asks for /favicon.ico anyway gets the same icon.
    @app.get("/favicon.ico")
    def favicon() -> Response:
        return app.send_static_file("favicon.svg")

    @app.context_processor
    def globals_for_pages() -> dict[str, Any]:
        return {"EMOTION_LABELS": EMOTION_LABELS}

    @app.template_filter("lines")
    def lines(text: str | None) -> list[str]:
        """Free text as a list of its non-empty lines (pain points, opportunities)."""
        return [line.strip(" -•\t") for line in (text or "").splitlines() if line.strip(" -•\t")]

    app.add_template_filter(merge_parts, "merge_parts")

    # 3|counted("phase") -> "3 phases", 1 -> "1 phase"; n|counted("address") -> "2 addresses".
    app.add_template_filter(counted, "counted")

    # 1234.5|number -> "1.234,5" in German, "1234.5" in English (as English pages always wrote numbers).
    # German counts with nouns: {{ ngettext("%(count)s phase", "%(count)s phases", n, count=n|number) }}.
    app.add_template_filter(number, "number")

    @app.template_filter("signed")
    def signed(number: int) -> str:
        return f"+{number}" if number > 0 else ("−" + str(-number) if number < 0 else "0")
