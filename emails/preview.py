"""A preview: one rendered email with its checks, cached by everything that decides it."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from .cache import ContentCache, Holding
from .checks import Check, run_checks, summary
from .render import Rendered, render_email


@dataclass(frozen=True)
class Preview:
    rendered: Rendered
    checks: list[Check]
    counts: dict[str, int] = field(default_factory=dict)  # errors and warnings, summed once

    def __post_init__(self) -> None:
        if not self.counts:
            object.__setattr__(self, "counts", summary(self.checks))

    def to_dict(self) -> dict[str, Any]:
        return {
            "subject": self.rendered.subject,
            "preheader": self.rendered.preheader,
            "html": self.rendered.html,
            "text": self.rendered.text,
            "checks": [c.to_dict() for c in self.checks],
        }


def _preview_holds(preview: Preview) -> Holding:
    """What a cached preview holds: its strings (the HTML above all), tags, values and checks."""
    rendered = preview.rendered
    return (
        600 + 120 * len(rendered.tags) + 100 * len(preview.checks),
        (rendered.subject, rendered.preheader, rendered.mjml, rendered.html, rendered.text_override, rendered.values,
         [c.message for c in preview.checks]),
    )


# Whole previews by everything that determines them: source, subject, preheader, values, text, marketing.
preview_cache: ContentCache[Preview] = ContentCache("previews", _preview_holds)


def preview_source(
    *, mjml: str, subject: str = "", preheader: str = "", values: dict[str, Any] | None = None,
    text_override: str | None = None, marketing: bool = True, lang: str | None = None,
) -> Preview:
    """Render MJML as written (the editor's live preview) and check it; `lang` is the email's language."""
    values = values or {}
    # Everything that decides the preview, compared in full on a hit; the values as canonical JSON.
    content = (mjml, subject, preheader, json.dumps(values, sort_keys=True, default=str), text_override, marketing,
               lang)

    def make() -> Preview:
        rendered = render_email(
            mjml_source=mjml, subject=subject, preheader=preheader, values=values, text_override=text_override,
            lang=lang,
        )
        return Preview(rendered, run_checks(rendered, mjml, marketing=marketing))

    return preview_cache.get_or_make(content, make)
