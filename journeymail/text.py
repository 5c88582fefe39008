"""Small text helpers every feature shares: slugs for names in files and refs, and one-line header values."""

from __future__ import annotations

import re
import unicodedata

SLUG_MAX = 60


def slugify(text: str, fallback: str) -> str:
    """Lower-case ASCII words joined by hyphens ("Busy founders" -> "busy-founders"), or `fallback`."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug[:SLUG_MAX].strip("-") or fallback


def one_line(text: str) -> str:
    """A header value on one line: a line break in a header would start a header of its own."""
    return " ".join(text.split())
