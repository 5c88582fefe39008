"""Switching a campaign to another journey framework: each old phase goes to one new phase (or is kept as it is),
its touchpoints move with it in their order, and the result can be looked at before it is applied.

`plan_switch` validates a mapping and lays out the result without changing anything; `apply_switch` makes it so.
The HTML pages (campaigns/views.py) and PATCH /api/campaigns/<id> {framework, phase_map} both use them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from flask_babel import format_decimal, gettext as _

from journeymail.extensions import db
from journeymail.http import parse_id
from journeymail.i18n import language
from journeymail.validation import ValidationError

from .frameworks import FRAMEWORKS, Framework, PhaseTemplate, frameworks_in, phases_for, suggested_kind
from .models import Campaign, Phase, Touchpoint
from .services import limit, lock_places

KEEP = "keep"  # in a phase map: the old phase stays as it is, beside the new framework's phases
Target = int | str  # the index of a phase of the new framework, or KEEP
FIELD = "phase_map.{}"  # the field of one old phase's choice, in the form and in the API's error document

# Positions are moved through numbers no phase or touchpoint holds, so that no two rows ever share one on the way,
# should the database hold them unique.
FREE_POSITIONS = 1_000_000


@dataclass(frozen=True)
class NewPhase:
    """A phase of the result: one of the new framework's (with the old phases mapped to it), or a kept old one."""

    name: str
    description: str
    sources: tuple[Phase, ...]  # the old phases whose touchpoints come here, in journey order
    template: PhaseTemplate | None  # None: an old phase kept as it is

    @property
    def kept(self) -> bool:
        return self.template is None

    @property
    def touchpoints(self) -> list[Touchpoint]:
        """The touchpoints it will hold, in order: each source phase's, in their place, source by source."""
        return [tp for phase in self.sources for tp in phase.touchpoints]

    @property
    def emotion(self) -> int:
        """A 1:1 phase keeps its emotion; merged phases get the mean of theirs; a phase from nothing is neutral."""
        if not self.sources:
            return 0
        return round(sum(p.emotion for p in self.sources) / len(self.sources))

    @property
    def pain_points(self) -> str:
        """A 1:1 phase keeps its own; merged phases bring all of theirs."""
        return _merged([p.pain_points for p in self.sources])

    @property
    def opportunities(self) -> str:
        return _merged([p.opportunities for p in self.sources])


@dataclass(frozen=True)
class Switch:
    """A validated switch: the campaign, the framework it goes to, each old phase's target, and the result."""

    campaign: Campaign
    framework: Framework
    targets: dict[int, Target]  # old phase ID -> target
    phases: list[NewPhase]

    @property
    def removed(self) -> list[Phase]:
        """The old phases that end up in no phase of their own: merged into another, or renamed away."""
        reused = {id(new.sources[0]) for new in self.phases if new.sources}
        return [p for p in self.campaign.phases if id(p) not in reused]


def framework_or_error(key: Any) -> Framework:
    if isinstance(key, str) and key in FRAMEWORKS:
        return FRAMEWORKS[key]
    raise ValidationError({"framework": _("Choose one of: %(keys)s.", keys=", ".join(FRAMEWORKS))})


def guess(campaign: Campaign, framework: Framework) -> dict[int, Target]:
    """A first mapping to offer: the new phase of the same name; a phase the user added is kept; else the new phase
    that plays the same part (the same kind of email fits it) nearest to its place in the journey; else that place.
    Names compare in English and German alike, so a German campaign's phases find their German counterparts."""
    old = FRAMEWORKS.get(campaign.framework)
    built_in = {n.casefold() for t in old.phases for n in (t.name, t.name_de)} if old else set()
    names = [{t.name.casefold(), t.name_de.casefold()} for t in framework.phases]
    count = len(campaign.phases)
    targets: dict[int, Target] = {}
    for index, phase in enumerate(campaign.phases):
        name = phase.name.strip().casefold()
        same = [i for i, both in enumerate(names) if name in both]
        if same:
            targets[phase.id] = same[0]
            continue
        if old and name not in built_in:
            targets[phase.id] = KEEP
            continue
        place = index * (len(framework.phases) - 1) / (count - 1) if count > 1 else 0
        kind = suggested_kind(phase.name, campaign.framework)
        alike = [i for i, t in enumerate(framework.phases) if t.kind == kind]
        targets[phase.id] = min(alike, key=lambda i: abs(i - place)) if alike else round(place)
    return targets


def plan_switch(campaign: Campaign, framework: Framework, phase_map: Any) -> Switch:
    """Check a mapping (old phase ID -> index of a new phase, or "keep") and lay out the result; changes nothing.
    Every old phase must be mapped; each problem is a field of its own (phase_map.<id>)."""
    if not isinstance(phase_map, Mapping):
        raise ValidationError({"phase_map": _('Give an object: each old phase\'s ID -> a new phase\'s index, or "keep".')})
    by_id = {p.id: p for p in campaign.phases}
    problems: dict[str, str] = {}
    targets: dict[int, Target] = {}
    for key, value in phase_map.items():
        phase_id = parse_id(key)
        if phase_id not in by_id:
            problems[FIELD.format(key)] = _("The campaign has no phase with ID %(id)s.", id=repr(str(key)[:20]))
            continue
        target = _target(value, framework)
        if target is None:
            problems[FIELD.format(phase_id)] = _(
                'Choose where “%(name)s” goes: a phase of %(framework)s (0 to %(last)d), or "%(keep)s".',
                name=by_id[phase_id].name, framework=frameworks_in(language())[framework.key].name,
                last=len(framework.phases) - 1, keep=KEEP)
            continue
        targets[phase_id] = target
    for phase in campaign.phases:
        if phase.id not in targets and FIELD.format(phase.id) not in problems:
            problems[FIELD.format(phase.id)] = _("Choose where “%(name)s” and its touchpoints go.", name=phase.name)
    if problems:
        raise ValidationError(problems, _("Choose a new phase for every old phase; nothing was changed.")
                              if len(problems) > 1 else next(iter(problems.values())) + " " + _("Nothing was changed."))
    phases = _result(campaign, framework, targets)
    if len(phases) > (most := limit("phases")):
        message = _("The result would have %(count)s phases; a campaign holds at most %(most)s. "
                    "Map more of the old phases to new ones. Nothing was changed.",
                    count=format_decimal(len(phases)), most=format_decimal(most))
        raise ValidationError({"phase_map": message}, message)
    return Switch(campaign, framework, targets, phases)


def apply_switch(switch: Switch) -> Campaign:
    """Make the switch: phases in the result's order, each holding its touchpoints in order, positions 0..n-1;
    the campaign's framework is the new one. Flushes; the request commits.

    Phases are few and change as objects; touchpoints (up to thousands) move in two statements, each one UPDATE
    run for every touchpoint, so the time grows with their number and the statements do not."""
    campaign = switch.campaign
    removed = switch.removed
    # Changing places: wait for any other request changing this campaign's places (campaigns.services).
    lock_places(campaign)
    with db.session.no_autoflush:
        rows: list[Phase] = []
        for index, new in enumerate(switch.phases):
            if new.sources:
                row = new.sources[0]
            else:
                row = Phase()
                campaign.phases.append(row)  # joining the list puts it in the session
            if not new.kept:
                row.name, row.description = new.name, new.description
                row.emotion, row.pain_points, row.opportunities = new.emotion, new.pain_points, new.opportunities
            row.position = FREE_POSITIONS + index
            rows.append(row)
        moves = [(row, [tp.id for tp in new.touchpoints]) for row, new in zip(rows, switch.phases)]
    db.session.flush()  # the new phases get their IDs
    for offset in (FREE_POSITIONS, 0):
        db.session.execute(db.update(Touchpoint), [
            {"id": touchpoint_id, "phase_id": row.id, "position": offset + place}
            for row, ids in moves for place, touchpoint_id in enumerate(ids)
        ])
    for phase in removed:  # empty now: their touchpoints have moved
        db.session.expire(phase, ["touchpoints"])  # so that deleting it reads them again: none
        campaign.phases.remove(phase)  # delete-orphan: this deletes it
    # The removed phases go first, so that no phase takes a number one of them still holds (unique index).
    db.session.flush()
    for index, row in enumerate(rows):
        row.position = index
    campaign.framework = switch.framework.key
    db.session.flush()
    # The touchpoints moved behind the objects' backs, and the collections changed piece by piece: read them again.
    db.session.expire_all()
    return campaign


def switch_framework(campaign: Campaign, data: Mapping[str, Any]) -> Campaign:
    """The API's switch: {framework, phase_map?}; without a phase_map, the guess."""
    framework = framework_or_error(data.get("framework"))
    phase_map = data.get("phase_map")
    if phase_map is None:
        phase_map = guess(campaign, framework)
    return apply_switch(plan_switch(campaign, framework, phase_map))


# --- helpers -------------------------------------------------------------------------------


def _target(value: Any, framework: Framework) -> Target | None:
    if value == KEEP:
        return KEEP
    if isinstance(value, bool):
        return None
    if isinstance(value, int) or (isinstance(value, str) and value.isascii() and value.isdigit() and len(value) < 4):
        index = int(value)
        return index if 0 <= index < len(framework.phases) else None
    return None


def _result(campaign: Campaign, framework: Framework, targets: Mapping[int, Target]) -> list[NewPhase]:
    """The phases after the switch: the framework's, in its order, each followed by the kept old phases that came
    after the old phases mapped to it (kept phases before any mapped one come first)."""
    kept_after: dict[int, list[Phase]] = {}  # a new phase's index (-1: the start) -> the kept phases after it
    anchor = -1
    for phase in campaign.phases:
        target = targets[phase.id]
        if target == KEEP:
            kept_after.setdefault(anchor, []).append(phase)
        else:
            anchor = int(target)
    result = [NewPhase(p.name, p.description, (p,), None) for p in kept_after.get(-1, [])]
    for index, template in enumerate(phases_for(framework.key, campaign.locale)):  # in the campaign's language
        sources = tuple(p for p in campaign.phases if targets[p.id] == index)
        result.append(NewPhase(template.name, template.description, sources, template))
        result.extend(NewPhase(p.name, p.description, (p,), None) for p in kept_after.get(index, []))
    return result


def _merged(texts: list[str]) -> str:
    """One phase's notes as they are; the lines of several phases' notes, each once, in order."""
    if len(texts) == 1:
        return texts[0] or ""
    lines = [line.strip() for text in texts for line in (text or "").splitlines() if line.strip()]
    return "\n".join(dict.fromkeys(lines))
