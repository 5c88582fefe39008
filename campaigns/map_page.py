"""What the journey map page is drawn from: the one set of values campaigns/map.html reads, for the page in the
browser and for the map as a file (exports/map_file.py renders the same template in its export mode)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from flask_wtf import FlaskForm

from journeymail.i18n import language

from .cells import cells, sequence, timeline
from .forms import EMOTION_LABELS
from .frameworks import frameworks_in
from .kinds import KINDS
from .models import Campaign, Phase


def page_context(campaign: Campaign, *, phases_per_page: int | None = None) -> dict[str, Any]:
    """The template's values. `phases_per_page`: the phases are drawn in parts of about that many columns
    each (a printed page each), else all in one grid, as the page in the browser shows them."""
    return {
        "campaign": campaign,
        "cells": cells(campaign),
        "sequence": sequence(campaign),
        "timeline": timeline(campaign),
        "kinds": KINDS,
        "framework": frameworks_in(language()).get(campaign.framework),
        "csrf_form": FlaskForm(),
        "EMOTION_LABELS": EMOTION_LABELS,  # in the user's language (journeymail.pages has the English ones)
        "phase_parts": phase_parts(campaign.phases, phases_per_page),
    }


def phase_parts(phases: Sequence[Phase], per_part: int | None) -> list[list[Phase]]:
    """The phases in consecutive parts of at most `per_part`, as even as can be: 15 phases by 8 are 8 and 7,
    9 by 8 are 5 and 4 (never a page of one lonely column). One part of all of them without a limit."""
    if not per_part or len(phases) <= per_part:
        return [list(phases)]
    count = math.ceil(len(phases) / per_part)
    size, extra = divmod(len(phases), count)
    parts, start = [], 0
    for index in range(count):
        end = start + size + (1 if index < extra else 0)
        parts.append(list(phases[start:end]))
        start = end
    return parts
