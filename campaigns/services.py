"""Operations on campaigns, phases, touchpoints and variants.

The HTML views and the JSON API both call these. Each validates its whole input first,
then changes objects and flushes; the request commits once, so a refused change writes nothing.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from flask import current_app
from flask_babel import format_decimal, gettext as _, ngettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import func
from sqlalchemy import inspect as sa_inspect

from accounts import current
from emails.starters import starter_mjml
from journeymail.extensions import db
from journeymail.validation import (
    Choice,
    Conflict,
    Email,
    IdList,
    Integer,
    JSONObject,
    MergeText,
    NotFound,
    Pattern,
    Text,
    ValidationError,
    clean,
)
from segments.models import Segment, name_key
from segments.services import check_persona

from .frameworks import FRAMEWORKS, phases_for
from .kinds import KINDS, LEAVE_EMPTY, NO_VARIANTS
from .models import ADDRESS_FORMS, MAP_STATES, Campaign, Phase, Touchpoint, Variant, campaign_segments, touchpoint_segments
from .timing import chain_of

MJML_MAX_CHARS = 500_000
MAX_POSITION = 10_000
MAX_OFFSET_DAYS = 3650

CAMPAIGN_NAME_MAX = 120
CAMPAIGN_FIELDS = {
    "name": Text(CAMPAIGN_NAME_MAX, required=True, multiline=False),
    "goal": Text(500, required=True),  # what the customer should do at the end
    "goal_kpi": Text(120, multiline=False),  # the measurable goal: a KPI ("Trial-to-paid conversion") ...
    "goal_target": Text(120, multiline=False),  # ... and its target ("20 %")
    "touchpoint_effects": Text(5000),  # how the touchpoints affect one another
    "persona_id": Integer(1, 2**31 - 1, required=False),  # the main persona, whose journey it is
    "description": Text(5000),
    "framework": Choice(lambda: FRAMEWORKS),
    "map_state": Choice(lambda: MAP_STATES, required=False),
    "sender_name": Text(120, required=True, multiline=False),
    "sender_email": Email(required=True),
    "reply_to": Email(),
    "locale": Pattern(r"[a-z]{2}_[A-Z]{2}", "en_US (language_COUNTRY)", "en_US"),
    "address_form": Choice(lambda: ADDRESS_FORMS, required=False),  # German emails: Sie (formal) or du
    "sample_data": JSONObject(),  # default merge-tag values for previews
}
# The framework is switched with a mapping of the phases (campaigns.framework_switch), never as a plain field.
CAMPAIGN_UPDATE_FIELDS = {k: v for k, v in CAMPAIGN_FIELDS.items() if k != "framework"}

PHASE_FIELDS = {
    "name": Text(80, required=True, multiline=False),
    "position": Integer(0, MAX_POSITION, required=False),
    "description": Text(2000),
    "emotion": Integer(-2, 2, default=0),
    "pain_points": Text(5000),
    "opportunities": Text(5000),
    "content_needs": Text(5000),  # what content the phase needs
}

CONTENT_FIELDS = {
    "subject": MergeText(200, nullable=True, multiline=False),
    "preheader": MergeText(200, nullable=True, multiline=False),
    "mjml": MergeText(MJML_MAX_CHARS, nullable=True),
}

TOUCHPOINT_FIELDS = {
    "phase_id": Integer(1, 2**31 - 1),
    "position": Integer(0, MAX_POSITION, required=False),
    "kind": Choice(lambda: KINDS),
    "name": Text(120, required=True, multiline=False),
    "trigger": Text(200, multiline=False),
    "send_offset_days": Integer(0, MAX_OFFSET_DAYS, default=0),
    "cta": Text(200, multiline=False),
    "feeling": Text(300, multiline=False),  # how people feel at this touchpoint
    **CONTENT_FIELDS,
    "text_override": MergeText(MJML_MAX_CHARS, nullable=True),
    "segment_ids": IdList(),  # the audience; empty means every segment the campaign targets
    # The touchpoint of the campaign this one sends after (its days count from that one); none: its trigger.
    "follows_id": Integer(1, 2**31 - 1, required=False),
}

M = TypeVar("M")

# --- limits ------------------------------------------------------------------------------
# The most one campaign holds, from the app's config (config.py, documented in the README). Every way of
# adding something (the API, the forms, the import) is refused with 422 before it does anything.

LIMITS = {  # what is counted -> its config key
    "phases": "MAX_PHASES_PER_CAMPAIGN",
    "touchpoints": "MAX_TOUCHPOINTS_PER_CAMPAIGN",
    "segments": "MAX_SEGMENTS_PER_CAMPAIGN",
    "variants": "MAX_VARIANTS_PER_CAMPAIGN",
}


def limit(what: str) -> int:
    """The most of `what` ("phases", "touchpoints", "segments", "variants") one campaign holds."""
    return int(current_app.config[LIMITS[what]])


def check_room(what: str, count: int) -> None:
    """422 when a campaign that holds `count` of `what` cannot take one more."""
    most = limit(what)
    if count < most:
        return
    values = {"count": format_decimal(count), "most": format_decimal(most)}
    full = {  # whole sentences per counted thing, for the plural forms of each language
        "phases": lambda: ngettext(
            "The campaign has %(count)s phase, the most a campaign can hold (the limit is %(most)s). "
            "Delete one before adding another.",
            "The campaign has %(count)s phases, the most a campaign can hold (the limit is %(most)s). "
            "Delete one before adding another.", count, **values),
        "touchpoints": lambda: ngettext(
            "The campaign has %(count)s touchpoint, the most a campaign can hold (the limit is %(most)s). "
            "Delete one before adding another.",
            "The campaign has %(count)s touchpoints, the most a campaign can hold (the limit is %(most)s). "
            "Delete one before adding another.", count, **values),
        "segments": lambda: ngettext(
            "The campaign has %(count)s targeted segment, the most a campaign can hold (the limit is %(most)s). "
            "Delete one before adding another.",
            "The campaign has %(count)s targeted segments, the most a campaign can hold (the limit is %(most)s). "
            "Delete one before adding another.", count, **values),
        "variants": lambda: ngettext(
            "The campaign has %(count)s variant, the most a campaign can hold (the limit is %(most)s). "
            "Delete one before adding another.",
            "The campaign has %(count)s variants, the most a campaign can hold (the limit is %(most)s). "
            "Delete one before adding another.", count, **values),
    }
    message = full[what]()
    raise ValidationError({what: message}, message)


WHERE = {"The campaign": _l("The campaign"), "The document": _l("The document")}  # what check_counts counts in


def _too_many(what: str, count: int, most: int, where: str) -> str:
    """What an import is told about a count beyond the limit, in the request's language and number format."""
    values = {"count": format_decimal(count), "most": format_decimal(most), "where": str(WHERE.get(where, where))}
    if what == "phases":
        return ngettext("%(where)s has %(count)s phase; a campaign holds at most %(most)s.",
                        "%(where)s has %(count)s phases; a campaign holds at most %(most)s.", count, **values)
    if what == "touchpoints":
        return ngettext("%(where)s has %(count)s touchpoint; a campaign holds at most %(most)s.",
                        "%(where)s has %(count)s touchpoints; a campaign holds at most %(most)s.", count, **values)
    if what == "segments":
        return ngettext("%(where)s has %(count)s targeted segment; a campaign holds at most %(most)s.",
                        "%(where)s has %(count)s targeted segments; a campaign holds at most %(most)s.", count,
                        **values)
    return ngettext("%(where)s has %(count)s variant; a campaign holds at most %(most)s.",
                    "%(where)s has %(count)s variants; a campaign holds at most %(most)s.", count, **values)


def check_counts(counts: Mapping[str, int], where: str = "The campaign") -> None:
    """422 naming each count of a whole campaign (an import) that is beyond its limit; `where` names what
    holds them ("The campaign", "The document")."""
    problems = {}
    for what, count in counts.items():
        if count > (most := limit(what)):
            problems[what] = _too_many(what, count, most, where)
    if problems:
        raise ValidationError(problems, " ".join(problems.values()) + " " + _("Nothing was imported."))


# --- campaigns ---------------------------------------------------------------------------


def create_campaign(data: Mapping[str, Any], *, from_form: bool = False) -> Campaign:
    """Create a campaign with a copy of its framework's phases, in the campaign's language (German for de_DE)."""
    values = clean(data, CAMPAIGN_FIELDS, from_form=from_form)
    check_persona(values["persona_id"])
    values["map_state"] = values["map_state"] or "future"
    values["address_form"] = values["address_form"] or "formal"
    campaign = Campaign(**values, workspace_id=current.workspace_id())
    for position, template in enumerate(phases_for(values["framework"], values["locale"])):
        campaign.phases.append(Phase(position=position, name=template.name, description=template.description))
    db.session.add(campaign)
    db.session.flush()
    return campaign


def update_campaign(campaign: Campaign, data: Mapping[str, Any], *, from_form: bool = False) -> Campaign:
    if isinstance(data, Mapping) and "framework" in data:
        raise ValidationError({"framework": _("Switch the framework with a phase map (Switch framework), not as a setting.")})
    values = clean(data, CAMPAIGN_UPDATE_FIELDS, partial=True, from_form=from_form)
    check_persona(values.get("persona_id"))
    if "map_state" in values and values["map_state"] is None:
        values["map_state"] = campaign.map_state
    if "address_form" in values and values["address_form"] is None:
        values["address_form"] = campaign.address_form
    _assign(campaign, values)
    db.session.flush()
    return campaign


def free_campaign_name(name: str, label: str) -> str:
    """`name` when no campaign is called so (in any case), else "<name> (<label>)", then "<name> (<label> 2)" and
    on; the name is shortened (…) where name and label together would pass the 120 characters a name holds."""
    taken = {existing.casefold() for existing in db.session.scalars(current.scoped(Campaign, Campaign.name))}
    if name.casefold() not in taken:
        return name
    for number in itertools.count(1):
        label_shown = f" ({label})" if number == 1 else f" ({label} {number})"
        room = CAMPAIGN_NAME_MAX - len(label_shown)
        candidate = (name if len(name) <= room else name[:room - 1].rstrip() + "…") + label_shown
        if candidate.casefold() not in taken:
            return candidate
    raise AssertionError("unreachable: itertools.count never ends")


def delete_campaign(campaign: Campaign) -> None:
    db.session.delete(campaign)
    db.session.flush()


def set_segments(campaign: Campaign, data: Mapping[str, Any]) -> Campaign:
    """Choose which segments the campaign targets (replaces the whole set)."""
    values = clean(data, {"segment_ids": IdList()})
    ids = values["segment_ids"]
    if len(ids) > (most := limit("segments")):
        message = _("A campaign targets at most %(most)s segments; these are %(count)s.",
                    most=format_decimal(most), count=format_decimal(len(ids)))
        raise ValidationError({"segment_ids": message}, message)
    found = {s.id: s for s in db.session.scalars(current.scoped(Segment).where(Segment.id.in_(ids)))} if ids else {}
    missing = [i for i in ids if i not in found]
    if missing:
        raise ValidationError({"segment_ids": _("No segment with ID %(ids)s.", ids=", ".join(map(str, missing)))})
    campaign.segments = [found[i] for i in ids]
    db.session.flush()
    return campaign


# --- phases ------------------------------------------------------------------------------


def add_phase(campaign: Campaign, data: Mapping[str, Any], *, from_form: bool = False) -> Phase:
    lock_places(campaign)
    check_room("phases", len(campaign.phases))
    values = clean(data, PHASE_FIELDS, from_form=from_form)
    position = values.pop("position")
    phase = Phase(**values)
    with db.session.no_autoflush:
        _place(campaign.phases, phase, position)  # joining the list puts it in the session
    _settle(campaign.phases)
    return phase


def update_phase(phase: Phase, data: Mapping[str, Any], *, from_form: bool = False) -> Phase:
    values = clean(data, PHASE_FIELDS, partial=True, from_form=from_form)
    position = values.pop("position", None)
    if position is not None:
        lock_places(phase.campaign)
    _assign(phase, values)
    if position is not None:
        with db.session.no_autoflush:
            _place(phase.campaign.phases, phase, position)
        _settle(phase.campaign.phases)
    db.session.flush()
    return phase


def delete_phase(phase: Phase) -> None:
    """Delete an empty phase; a phase that still holds touchpoints is refused (409)."""
    lock_places(phase.campaign)
    if phase.touchpoints:
        count = len(phase.touchpoints)
        raise Conflict(ngettext('"%(name)s" still holds %(num)d touchpoint. Move or delete it first.',
                                '"%(name)s" still holds %(num)d touchpoints. Move or delete them first.',
                                count, name=phase.name))
    phases = phase.campaign.phases
    with db.session.no_autoflush:
        phases.remove(phase)
        db.session.delete(phase)
    _settle(phases)


# --- touchpoints -------------------------------------------------------------------------


def add_touchpoint(campaign: Campaign, data: Mapping[str, Any], *, from_form: bool = False) -> Touchpoint:
    """Add a touchpoint to one of the campaign's phases; an email starts from the kind's starter MJML."""
    lock_places(campaign)
    check_room("touchpoints", len(campaign.touchpoints))
    values = clean(data, {**TOUCHPOINT_FIELDS, "segment_ids": IdList(required=False)}, from_form=from_form)
    phase = _phase_of(campaign, values.pop("phase_id"))
    values["audience"] = _audience_of(campaign, values.pop("segment_ids") or [])
    position = values.pop("position")
    values["follows"] = _follows_of(campaign, None, values.pop("follows_id"))
    _check_content_fits_kind(values["kind"], values)
    if KINDS[values["kind"]].email and not values["mjml"]:
        values["mjml"] = starter_mjml(values["kind"], campaign.locale, formal=campaign.address_form != "informal")
    touchpoint = Touchpoint(**values)
    with db.session.no_autoflush:  # it has no place yet: nothing may be written before _settle gives it one
        campaign.touchpoints.append(touchpoint)  # joining the list puts it in the session
        touchpoint.phase = phase
        _place(phase.touchpoints, touchpoint, position)
    _settle(phase.touchpoints)
    return touchpoint


def update_touchpoint(touchpoint: Touchpoint, data: Mapping[str, Any], *, from_form: bool = False) -> Touchpoint:
    """Edit a touchpoint; a new phase_id and/or position moves it."""
    values = clean(data, TOUCHPOINT_FIELDS, partial=True, from_form=from_form)
    if "phase_id" in values or "position" in values:
        lock_places(touchpoint.campaign)
    target = _phase_of(touchpoint.campaign, values.pop("phase_id")) if "phase_id" in values else touchpoint.phase
    if "segment_ids" in values:
        values["audience"] = _audience_of(touchpoint.campaign, values.pop("segment_ids"))
    if "follows_id" in values:
        values["follows"] = _follows_of(touchpoint.campaign, touchpoint, values.pop("follows_id"))
    position = values.pop("position", None)
    kind = values.get("kind", touchpoint.kind)
    _check_content_fits_kind(kind, values)
    if not KINDS[kind].email:  # a form or page sends no email: its content and variants go with the change
        values.update(subject=None, preheader=None, mjml=None, text_override=None)
        touchpoint.variants.clear()
    elif not values.get("mjml", touchpoint.mjml):
        campaign = touchpoint.campaign
        values["mjml"] = starter_mjml(kind, campaign.locale, formal=campaign.address_form != "informal")
    _assign(touchpoint, values)
    if target is not touchpoint.phase or position is not None:
        move_touchpoint(touchpoint, target, position)
    db.session.flush()
    return touchpoint


def move_touchpoint(touchpoint: Touchpoint, phase: Phase, position: int | None) -> None:
    """Put a touchpoint into `phase` at `position` (the end when None), renumbering both phases.

    The caller holds lock_places(campaign) since before it read the touchpoint's place."""
    source = touchpoint.phase
    with db.session.no_autoflush:
        if touchpoint in source.touchpoints:
            source.touchpoints.remove(touchpoint)
        touchpoint.phase = phase  # the back-reference appends it; _place moves it to its spot
        _place(phase.touchpoints, touchpoint, position)
    _settle(source.touchpoints, phase.touchpoints)


def delete_touchpoint(touchpoint: Touchpoint) -> None:
    lock_places(touchpoint.campaign)
    _reattach_followers(touchpoint)
    siblings = touchpoint.phase.touchpoints
    # Leaving the phase's list nulls phase_id; loading campaign.touchpoints must not flush that half-done state.
    with db.session.no_autoflush:
        siblings.remove(touchpoint)
        touchpoint.campaign.touchpoints.remove(touchpoint)  # delete-orphan: this deletes it and its variants
    _settle(siblings)


def followers_of(touchpoint: Touchpoint) -> list[Touchpoint]:
    """The touchpoints that send after this one, in journey order."""
    query = db.select(Touchpoint).join(Phase).where(Touchpoint.follows_id == touchpoint.id)
    return list(db.session.scalars(query.order_by(Phase.position, Touchpoint.position)))


def _reattach_followers(touchpoint: Touchpoint) -> None:
    """Before a touchpoint goes, what sends after it keeps its day: it sends after what this one sent after
    (the touchpoint it followed, or its trigger, which it then takes), this one's days added to its own.
    409 when that would be more days than a touchpoint can wait; nothing is changed then."""
    followers = followers_of(touchpoint)
    for follower in followers:
        if (days := touchpoint.send_offset_days + follower.send_offset_days) > MAX_OFFSET_DAYS:
            raise Conflict(_(
                '"%(follower)s" sends %(offset)d days after "%(name)s"; without it, it would wait %(days)d days, '
                'more than the %(most)s a touchpoint can. Change "%(follower)s" first.',
                follower=follower.name, offset=follower.send_offset_days, name=touchpoint.name, days=days,
                most=format_decimal(MAX_OFFSET_DAYS),
            ))
    for follower in followers:
        follower.send_offset_days += touchpoint.send_offset_days
        follower.follows = touchpoint.follows
        if touchpoint.follows is None:
            follower.trigger = touchpoint.trigger


# --- variants ----------------------------------------------------------------------------


def put_variant(touchpoint: Touchpoint, segment: Segment, data: Mapping[str, Any], *, from_form: bool = False) -> Variant:
    """Create or replace the segment's version of an email; empty fields inherit the base.

    A field given as the base email's own value is stored as inherited too: a variant keeps only what
    it changes, so later edits of the base reach every field the variant leaves alone."""
    if not touchpoint.is_email:
        raise ValidationError({"touchpoint": str(NO_VARIANTS[touchpoint.kind])})
    if segment not in touchpoint.campaign.segments:
        raise ValidationError({"segment_id": _('The campaign does not target the segment "%(name)s". Add it first.',
                                               name=segment.name)})
    variant = touchpoint.variant_for(segment.id)
    if variant is None:
        check_room("variants", _variant_count(touchpoint.campaign))
    values = clean(data, CONTENT_FIELDS, from_form=from_form)
    values = {name: None if same_as_base(touchpoint, name, value) else value for name, value in values.items()}
    if variant is None:
        variant = Variant(segment=segment)
        touchpoint.variants.append(variant)
    _assign(variant, values)
    db.session.flush()
    return variant


def same_as_base(touchpoint: Touchpoint, name: str, value: str | None) -> bool:
    """Whether a variant's `name` field ("subject", "preheader" or "mjml") says what the base email says.

    Whitespace around the text changes nothing a reader sees (an editor may add a final newline)."""
    return bool(value) and value.strip() == (getattr(touchpoint, name) or "").strip()


def overrides(touchpoint: Touchpoint, variant: Any) -> list[str]:
    """The content fields a variant (a Variant, or a row with its fields) sets to something of its own."""
    return [name for name in CONTENT_FIELDS
            if getattr(variant, name) and not same_as_base(touchpoint, name, getattr(variant, name))]


def delete_variant(variant: Variant) -> None:
    variant.touchpoint.variants.remove(variant)
    db.session.delete(variant)
    db.session.flush()


def _variant_count(campaign: Campaign) -> int:
    query = db.select(func.count(Variant.id)).join(Touchpoint).where(Touchpoint.campaign_id == campaign.id)
    return db.session.scalar(query) or 0


# --- a whole campaign at once: the import ------------------------------------------------


@dataclass(frozen=True)
class NewTouchpoint:
    """A touchpoint of a whole campaign to create: its fields, its phase and segments by index."""

    phase: int  # an index into the phases
    values: Mapping[str, Any]  # TOUCHPOINT_FIELDS, cleaned, but phase_id, position, segment_ids and follows_id
    audience: Sequence[int] = ()  # indexes into the segments
    variants: Sequence[tuple[int, Mapping[str, Any]]] = ()  # (index into the segments, CONTENT_FIELDS)
    follows: int | None = None  # the index of the touchpoint it sends after, in the touchpoints; no loops


def create_whole_campaign(
    values: Mapping[str, Any],
    *,
    segments: Sequence[Segment | Mapping[str, Any]],
    targeted: Sequence[bool],
    phases: Sequence[Mapping[str, Any]],
    touchpoints: Sequence[NewTouchpoint],
) -> Campaign:
    """Create a campaign with its phases, touchpoints, audiences and variants at once: one INSERT per table
    (and one SELECT for the IDs of each), so the time grows with their number and the statements do not.
    It makes what create_campaign, add_phase, add_touchpoint, put_variant and set_segments would make one
    by one: phases, and each phase's touchpoints, are placed in the order given.

    Every value must be cleaned already, by the same field rules (CAMPAIGN_FIELDS, PHASE_FIELDS without
    position, TOUCHPOINT_FIELDS, CONTENT_FIELDS; SEGMENT_FIELDS for a segment given as values, whose name
    the caller has found free). `segments` holds existing segments and the values of new ones; `targeted`
    says which of them the campaign targets (the others are only named by audiences or variants).

    The campaign comes back without its collections loaded: load it with campaigns.cells.plan_or_404."""
    check_counts({
        "phases": len(phases), "touchpoints": len(touchpoints), "segments": sum(map(bool, targeted)),
        "variants": sum(len(entry.variants) for entry in touchpoints),
    })
    for entry in touchpoints:
        kind = entry.values["kind"]
        _check_content_fits_kind(kind, entry.values)
        if entry.variants and not KINDS[kind].email:
            raise ValidationError({"variants": str(NO_VARIANTS[kind])})
    campaign = Campaign(**{**values, "map_state": values.get("map_state") or "future",
                           "address_form": values.get("address_form") or "formal"}, workspace_id=current.workspace_id())
    db.session.add(campaign)
    db.session.flush()
    # Each table's rows in one statement; the IDs come back by what is unique about each row.
    segment_ids = _insert_segments(segments)
    _insert(Phase, [{**_columns(Phase, phase), "campaign_id": campaign.id, "position": position}
                    for position, phase in enumerate(phases)])
    phase_ids = dict(db.session.execute(
        db.select(Phase.position, Phase.id).where(Phase.campaign_id == campaign.id)
    ).tuples().all())
    positions = [0] * len(phases)
    rows = []
    for entry in touchpoints:
        fields = _columns(Touchpoint, entry.values)
        if KINDS[fields["kind"]].email and not fields["mjml"]:
            fields["mjml"] = starter_mjml(fields["kind"], campaign.locale, formal=campaign.address_form != "informal")
        rows.append({**fields, "campaign_id": campaign.id, "phase_id": phase_ids[entry.phase],
                     "position": positions[entry.phase]})
        positions[entry.phase] += 1
    _insert(Touchpoint, rows)
    touchpoint_ids = {
        (phase_id, position): touchpoint_id for touchpoint_id, phase_id, position in db.session.execute(
            db.select(Touchpoint.id, Touchpoint.phase_id, Touchpoint.position).where(
                Touchpoint.campaign_id == campaign.id)
        ).tuples()
    }
    ids = [touchpoint_ids[(row["phase_id"], row["position"])] for row in rows]
    follows = [{"id": touchpoint_id, "follows_id": ids[entry.follows]}
               for touchpoint_id, entry in zip(ids, touchpoints) if entry.follows is not None]
    if follows:  # one UPDATE by primary key for all of them, once every touchpoint has its ID
        db.session.execute(db.update(Touchpoint), follows)
    _insert(Variant, [
        {**_columns(Variant, content), "touchpoint_id": touchpoint_id, "segment_id": segment_ids[index]}
        for touchpoint_id, entry in zip(ids, touchpoints) for index, content in entry.variants
    ])
    _insert(touchpoint_segments, [
        {"touchpoint_id": touchpoint_id, "segment_id": segment_ids[index]}
        for touchpoint_id, entry in zip(ids, touchpoints) for index in dict.fromkeys(entry.audience)
    ])
    _insert(campaign_segments, [
        {"campaign_id": campaign.id, "segment_id": segment_id}
        for segment_id in dict.fromkeys(i for i, chosen in zip(segment_ids, targeted) if chosen)
    ])
    return campaign


def _insert_segments(segments: Sequence[Segment | Mapping[str, Any]]) -> list[int]:
    """The ID of each segment, inserting those given as values (their names are free)."""
    workspace_id = current.workspace_id()
    new = [{**_columns(Segment, s), "name_key": name_key(s["name"]), "workspace_id": workspace_id,
            "persona_id": s.get("persona_id")}
           for s in segments if not isinstance(s, Segment)]
    _insert(Segment, new)
    names = [row["name"] for row in new]
    created: dict[str, int] = {}
    for start in range(0, len(names), 500):  # well below any database's limit of bound parameters
        query = current.scoped(Segment, Segment.name, Segment.id).where(Segment.name.in_(names[start:start + 500]))
        created.update(db.session.execute(query).tuples().all())
    return [s.id if isinstance(s, Segment) else created[s["name"]] for s in segments]


def _columns(model: Any, values: Mapping[str, Any]) -> dict[str, Any]:
    """Every value column of a model's table (not its keys, not the ones set by its place) from `values`:
    executemany wants the same keys in every row, and a missing one gets the column's default."""
    row = {}
    for column in model.__table__.columns:
        if column.primary_key or column.foreign_keys or column.name in ("position", "created_at", "updated_at"):
            continue
        if column.name in values:
            row[column.name] = values[column.name]
        elif column.default is not None and column.default.is_scalar:
            row[column.name] = column.default.arg
        elif column.default is not None and column.default.is_callable:
            row[column.name] = column.default.arg(None)
        else:
            row[column.name] = None
    return row


def _insert(table: Any, rows: list[dict[str, Any]]) -> None:
    """Rows into a model's table (or an association table) as one executemany; nothing for no rows."""
    if rows:
        db.session.execute(db.insert(table.__table__ if hasattr(table, "__table__") else table), rows)


# --- helpers -----------------------------------------------------------------------------


def _phase_of(campaign: Campaign, phase_id: int) -> Phase:
    phase = current.get(Phase, phase_id)
    if phase is None or phase.campaign_id != campaign.id:
        raise ValidationError({"phase_id": _("The campaign has no phase with ID %(id)s.", id=phase_id)})
    return phase


def _follows_of(campaign: Campaign, touchpoint: Touchpoint | None, follows_id: int | None) -> Touchpoint | None:
    """The touchpoint `touchpoint` (None: a new one) is to send after: one of the same campaign, and not
    itself or one that sends after it, which would make a loop."""
    if follows_id is None:
        return None
    target = current.get(Touchpoint, follows_id)
    if target is None or target.campaign_id != campaign.id:
        raise ValidationError({"follows_id": _("The campaign has no touchpoint with ID %(id)s.", id=follows_id)})
    if touchpoint is None:
        return target
    if target is touchpoint:
        raise ValidationError({"follows_id": _('"%(name)s" cannot send after itself. '
                                               "Choose another touchpoint, or its trigger.", name=touchpoint.name)})
    campaign.touchpoints  # noqa: B018  one query for all of them, so walking the chain asks nothing more
    chain = chain_of(target)
    if touchpoint in chain:
        loop = " → ".join(f'"{tp.name}"' for tp in chain[: chain.index(touchpoint) + 1])
        raise ValidationError({"follows_id": _(
            '"%(target)s" already sends after "%(name)s" (%(loop)s), so "%(name)s" cannot send '
            "after it: the chain would go round in a loop. Choose another touchpoint, or its trigger.",
            target=target.name, name=touchpoint.name, loop=loop,
        )})
    return target


def _audience_of(campaign: Campaign, segment_ids: list[int]) -> list[Segment]:
    targeted = {s.id: s for s in campaign.segments}
    foreign = [i for i in segment_ids if i not in targeted]
    if foreign:
        raise ValidationError(
            {"segment_ids": _("The campaign does not target segment ID %(ids)s.", ids=", ".join(map(str, foreign)))}
        )
    return [targeted[i] for i in segment_ids]


def _check_content_fits_kind(kind: str, values: Mapping[str, Any]) -> None:
    if KINDS[kind].email:
        return
    filled = [name for name in ("subject", "preheader", "mjml", "text_override") if values.get(name)]
    if filled:
        raise ValidationError({name: str(LEAVE_EMPTY[kind]) for name in filled})


def _assign(obj: object, values: Mapping[str, Any]) -> None:
    for key, value in values.items():
        setattr(obj, key, value)


# --- places: phases in a campaign, touchpoints in a phase -----------------------------------
# Phases are numbered 0..n-1 within their campaign and touchpoints 0..n-1 within their phase; unique
# indexes (campaigns.models) keep two from ever sharing a number. Every change of places (add, move,
# delete) first takes lock_places, then reorders the lists in memory, then writes the numbers with
# _settle. Requests that change places in one campaign at once take turns, so none renumbers from a
# list another has changed meanwhile.


def lock_places(campaign: Campaign) -> None:
    """Hold the campaign's row until the request ends and read its places afresh.

    PostgreSQL: SELECT ... FOR UPDATE on the campaign, so a second request changing places in it waits
    here, then sees what the first committed. SQLite has no row locks: a writing request holds the
    database's write lock since its first statement (journeymail.extensions), so it is fresh already.
    Call it before changing anything: what the session holds is read again (a row deleted meanwhile then
    answers 409 when touched, journeymail.http). A campaign deleted meanwhile is a 404."""
    locked = db.session.execute(
        db.select(Campaign.id).where(Campaign.id == campaign.id).with_for_update()
    ).scalar_one_or_none()
    if locked is None:
        raise NotFound(_("The campaign was deleted meanwhile."))
    db.session.expire_all()


def _place(items: list[M], item: M, position: int | None) -> None:
    """Insert or move `item` to `position` in an ordered list (the end when None); _settle numbers it."""
    if item in items:
        items.remove(item)
    index = len(items) if position is None else min(position, len(items))
    items.insert(index, item)


def _settle(*orders: list[Any]) -> None:
    """Number each list 0..n-1 and write it, with no moment in which two rows share a number (the unique
    indexes check every row as it is written): the rows that change place go to spare negative numbers
    first, in one flush, and then to their own, in a second. Rows that keep their place are not written."""
    moving: list[tuple[int, Any]] = []
    for items in {id(items): items for items in orders}.values():  # a move within one phase names it twice
        moving += [(index, item) for index, item in enumerate(items) if item.position != index or _moved_in(item)]
    for spare, (_index, item) in enumerate(moving, start=1):
        item.position = -spare
    db.session.flush()
    if moving:
        for index, item in moving:
            item.position = index
        db.session.flush()


def _moved_in(item: Any) -> bool:
    """Whether `item` is new or comes from another phase: then even its old number may be taken."""
    state = sa_inspect(item)
    return state.transient or state.pending or ("phase" in state.attrs and state.attrs.phase.history.has_changes())
