"""A preview: one rendered email with its checks, cached by everything that decides it."""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass, field
from typing import Any

from .cache import ContentCache
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


def _preview_size(preview: Preview) -> int:
    """The bytes a cached preview holds: its strings (the HTML above all), tags, values and checks."""
    rendered = preview.rendered
    strings = (rendered.subject, rendered.preheader, rendered.mjml, rendered.html, rendered.text_override)
    return (
        600
        + sum(sys.getsizeof(s) for s in strings if s is not None)
        + 120 * len(rendered.tags)
        + sum(sys.getsizeof(k) + sys.getsizeof(v) + 100 for k, v in rendered.values.items())
        + sum(sys.getsizeof(c.message) + 100 for c in preview.checks)
    )


# Whole previews by everything that determines them: source, subject, preheader, values, text, marketing.
preview_cache: ContentCache[Preview] = ContentCache("previews", _preview_size)


def preview_source(
    *, mjml: str, subject: str = "", preheader: str = "", values: dict[str, Any] | None = None,
    text_override: str | None = None, marketing: bool = True,
) -> Preview:
    """Render MJML as written (the editor's live preview) and check it."""
    values = values or {}
    # Everything that decides the preview, compared in full on a hit; the values as canonical JSON.
    content = (mjml, subject, preheader, json.dumps(values, sort_keys=True, default=str), text_override, marketing)

    def make() -> Preview:
        rendered = render_email(
            mjml_source=mjml, subject=subject, preheader=preheader, values=values, text_override=text_override
        )
        return Preview(rendered, run_checks(rendered, mjml, marketing=marketing))

    return preview_cache.get_or_make(content, make)
