"""The journey map as a file: a PDF (A4 landscape, the phases in parts of at most PHASES_PER_PAGE columns, a page
each) and a PNG of the whole map as the screen shows it.

Both are the map page itself: campaigns/map.html rendered in its export mode (no top bar, no buttons, no
script; what a viewer sees), in the language of whoever asks, then drawn by Chromium (journeymail/chromium.py).
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from flask import current_app, render_template, url_for
from flask_babel import format_date, gettext as _
from markupsafe import Markup, escape

from accounts.roles import may
from campaigns.map_page import page_context
from campaigns.models import Campaign
from journeymail.i18n import language
from journeymail.text import slugify

from journeymail import chromium

Format = Literal["pdf", "png"]
FORMATS: tuple[Format, ...] = ("pdf", "png")
MIMETYPES = {"pdf": "application/pdf", "png": "image/png"}

PHASES_PER_PAGE = 8  # columns on one A4 landscape page that stay readable (about 31 mm each)
PNG_COLUMN = 200  # CSS pixels per phase in the PNG, beside the lane labels
PNG_MAX_PIXELS = 4_000  # the PNG's width in pixels at most: a wider map gets fewer pixels per CSS pixel (and
# stays quick to encode: a 15-phase map at twice its CSS pixels took Chromium seconds more to write)


def map_file(campaign: Campaign, kind: Format) -> bytes:
    """The campaign's journey map as a PDF or a PNG (chromium.Unavailable when no file can be made)."""
    config = current_app.config
    page = map_page(campaign, kind)
    render = chromium.pdf if kind == "pdf" else chromium.png
    return render(page, executable=chromium.chromium_path(config.get("CHROMIUM_PATH")),
                  timeout=float(config.get("MAP_RENDER_TIMEOUT", 30)))


def map_page(campaign: Campaign, kind: Format) -> chromium.Page:
    """The map page in export mode, as Chromium is to draw it (needs a request context: the language, the URLs)."""
    context = page_context(campaign, phases_per_page=PHASES_PER_PAGE if kind == "pdf" else None)
    html = render_template(
        "campaigns/map.html", **context, export_format=kind,
        may=lambda action: may("viewer", action),  # the map as everyone who may read it sees it: no buttons
    )
    width = max(1280, 260 + PNG_COLUMN * len(campaign.phases))
    return chromium.Page(
        html=html,
        url=url_for("campaigns.journey_map", campaign_id=campaign.id, _external=True),
        static_folder=Path(current_app.static_folder or "static"),
        static_url_path=current_app.static_url_path or "/static",
        language=language(),
        footer=_footer(campaign) if kind == "pdf" else "",
        fit=".journey-map:not(.segment-map)",  # each part of the phases on one page, with its headers
        width=width,
        scale=min(2.0, PNG_MAX_PIXELS / width),
    )


def filename(campaign: Campaign, kind: Format) -> str:
    return f"{slugify(campaign.name, f'campaign-{campaign.id}')}-map.{kind}"


def _footer(campaign: Campaign) -> str:
    """Every PDF page's foot: the campaign, the date, and "Page 2 of 4" (Chromium fills in the numbers)."""
    pages = Markup(_("Page %(page)s of %(pages)s", page=Markup('<span class="pageNumber"></span>'),
                     pages=Markup('<span class="totalPages"></span>')))
    left = escape(_("%(campaign)s · journey map · %(date)s", campaign=campaign.name, date=format_date(format="long")))
    return (
        '<div style="width:100%;margin:0 9mm;display:flex;justify-content:space-between;gap:8mm;'
        'font:7.5pt system-ui,sans-serif;color:#556170">'
        f'<span style="overflow:hidden;white-space:nowrap;text-overflow:ellipsis">{left}</span>'
        f'<span style="white-space:nowrap">{pages}</span></div>'
    )
