"""What every page template may use: kind labels, the emotion scale, navigation."""

from __future__ import annotations

from typing import Any

from flask import Flask

EMOTION_LABELS = {2: "delighted", 1: "pleased", 0: "neutral", -1: "uneasy", -2: "frustrated"}


def register(app: Flask) -> None:
    from campaigns.kinds import KINDS

    @app.context_processor
    def globals_for_pages() -> dict[str, Any]:
        return {"KINDS": KINDS, "EMOTION_LABELS": EMOTION_LABELS}

    @app.template_filter("lines")
    def lines(text: str | None) -> list[str]:
        """Free text as a list of its non-empty lines (pain points, opportunities)."""
        return [line.strip(" -•\t") for line in (text or "").splitlines() if line.strip(" -•\t")]

    @app.template_filter("signed")
    def signed(number: int) -> str:
        return f"+{number}" if number > 0 else ("−" + str(-number) if number < 0 else "0")
