"""The plan CSV: the campaign as a spreadsheet, one row per touchpoint × targeted segment it reaches.

Rows follow the send order of the journey map's timeline (campaigns.cells.timeline): grouped by the
trigger a touchpoint's chain starts from, each group by day from that trigger (the send offsets along
the chain added up); within a touchpoint, segments by name. The last columns make the chains visible. A touchpoint limited to
some segments has rows for those only (Touchpoint.reaches, as on the map). Forms and landing pages
are part of the plan too: their email columns stay empty and their counts are 0.

Every text cell passes the formula guard of journeymail.spreadsheet; the numbers the app itself
writes (step, send offset, counts, day from trigger) are plain numbers.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext as _, lazy_gettext as _l

from emails.checks import Check, summary
from campaigns.cells import timeline
from campaigns.content import Content, preview_touchpoint
from campaigns.models import Campaign, Touchpoint
from journeymail.spreadsheet import csv_bytes
from journeymail.validation import ValidationError
from segments.models import Segment

# (header, what the column holds): the export page lists these, so the file explains itself.
# Lazy: the CSV and the page are written in the request's language.
COLUMNS: tuple[tuple[Any, Any], ...] = (
    (_l("Phase"), _l("The journey phase the touchpoint belongs to.")),
    (_l("Step"), _l("The touchpoint's place in the send order, from 1; the rows of one touchpoint share it.")),
    (_l("Touchpoint"), _l("The touchpoint's name.")),
    (_l("Kind"), _l("Welcome, newsletter, offer… or a signup form, information form or landing page.")),
    (_l("Segment"), _l("A targeted segment this touchpoint reaches.")),
    (_l("Content"), _l('"variant" when the segment has its own version of the email, "base" when it gets the '
                    "touchpoint's own; empty for forms and landing pages, which send no email.")),
    (_l("Subject"), _l("The subject this segment receives, merge tags as written.")),
    (_l("Preheader"), _l("The preheader this segment receives, merge tags as written.")),
    (_l("Send offset (days)"), _l("Days after the trigger, or after the touchpoint in Sends after, as a number.")),
    (_l("Trigger"), _l("What the contact does that starts the touchpoint (for one that sends after another: its condition).")),
    (_l("Call to action"), _l("What the reader should do.")),
    (_l("Errors"), _l("Checks that block a clean export, for this email as this segment receives it.")),
    (_l("Warnings"), _l("Checks that deserve a look.")),
    # Added after the columns above, so that files read by column position keep working.
    (_l("Sends after"), _l("The touchpoint this one sends after; empty when its days count from its own trigger.")),
    (_l("Counted from"), _l("The trigger its chain starts from: the clock of Day from trigger. Rows with different "
                         "triggers are not on one clock.")),
    (_l("Day from trigger"), _l("Days from that trigger: the send offsets along the chain added up, as a number.")),
)

DELIMITERS = {"comma": ",", "semicolon": ";"}


@dataclass(frozen=True)
class PlanRow:
    """One touchpoint as one segment meets it, with that email's checks (none for forms and pages)."""

    step: int
    touchpoint: Touchpoint
    day: int  # from the trigger of the touchpoint's chain
    counted_from: str  # that trigger ("" when its chain's first touchpoint has none)
    segment: Segment
    content: Content | None  # None: a form or landing page sends no email
    checks: list[Check] = field(default_factory=list)

    @property
    def counts(self) -> dict[str, int]:
        return summary(self.checks)

    def cells(self) -> list[str | int]:
        """The row's cells in column order: text as written, numbers as numbers (the writer guards the text)."""
        tp, content = self.touchpoint, self.content
        counts = self.counts
        return [
            tp.phase.name, self.step, tp.name, tp.kind_info.label, self.segment.name,
            "" if content is None else (_("variant") if content.variant else _("base")),
            "" if content is None else content.subject,
            "" if content is None else content.preheader,
            tp.send_offset_days, tp.trigger, tp.cta, counts["error"], counts["warning"],
            tp.follows.name if tp.follows else "", self.counted_from, self.day,
        ]


def plan_rows(campaign: Campaign) -> list[PlanRow]:
    """Every touchpoint × targeted segment it reaches, in send order, each email previewed and checked."""
    rows = []
    steps = [(step, group.trigger) for group in timeline(campaign) for step in group.steps]
    for number, (step, trigger) in enumerate(steps, start=1):
        touchpoint = step.touchpoint
        for segment in campaign.segments:
            if not touchpoint.reaches(segment):
                continue
            if touchpoint.is_email:
                checks = preview_touchpoint(touchpoint, segment).checks  # cached by content
                content = Content.of(touchpoint, segment)
                rows.append(PlanRow(number, touchpoint, step.day, trigger, segment, content, checks))
            else:
                rows.append(PlanRow(number, touchpoint, step.day, trigger, segment, None))
    return rows


@dataclass(frozen=True)
class CsvOptions:
    """How the file is written: comma or semicolon (German Excel), with or without a byte order mark."""

    delimiter: str = "comma"
    bom: bool = False

    @classmethod
    def from_args(cls, args: Mapping[str, str]) -> CsvOptions:
        """Options from the query string (?delimiter=semicolon&bom=1); ValidationError names a bad one."""
        problems = {}
        delimiter = args.get("delimiter") or "comma"
        if delimiter not in DELIMITERS:
            problems["delimiter"] = _('Write "comma" or "semicolon", not "%(value)s".', value=delimiter[:40])
        bom = args.get("bom") or "0"
        if bom not in ("0", "1"):
            problems["bom"] = _('Write 1 for a byte order mark (Excel) or 0 for none, not "%(value)s".', value=bom[:40])
        if problems:
            raise ValidationError(problems, " ".join(f"{name}: {message}" for name, message in problems.items()))
        return cls(delimiter, bom == "1")


def plan_csv(campaign: Campaign, options: CsvOptions = CsvOptions()) -> bytes:
    """The plan as CSV bytes: UTF-8 (with a BOM if asked), CRLF line ends, quotes where needed."""
    rows = [[str(header) for header, _meaning in COLUMNS], *(row.cells() for row in plan_rows(campaign))]
    return csv_bytes(rows, delimiter=DELIMITERS[options.delimiter], bom=options.bom)
