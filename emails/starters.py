"""The starter MJML a new email of each kind begins with, shipped beside this module in starters/."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

STARTERS = Path(__file__).parent / "starters"


@lru_cache(maxsize=None)
def starter_mjml(kind: str) -> str:
    """The starter email of a kind (e.g. "welcome"), as written in starters/<kind>.mjml."""
    return (STARTERS / f"{kind}.mjml").read_text(encoding="utf-8")
