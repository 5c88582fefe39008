"""The 25 official MJML gallery templates in ../shared/corpus, read in place (never copied here)."""

from __future__ import annotations

from pathlib import Path

GALLERY = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "mjml-gallery"


def gallery_templates() -> list[Path]:
    templates = sorted(GALLERY.glob("*.mjml"))
    assert len(templates) == 25, f"expected the 25 MJML gallery templates in {GALLERY}, found {len(templates)}"
    return templates
