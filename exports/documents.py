"""The campaign document: a whole campaign as versioned JSON, to import here or on another Journeymail.

    {"format": "journeymail.campaign", "version": 1, "exported_at": "2025-05-01T09:30:00Z",
     "campaign": {name, goal, goal_kpi, goal_target, touchpoint_effects, description, framework, map_state,
                  sender_name, sender_email, reply_to, locale, address_form, sample_data, persona},
     "personas": [{name, quote, role, goals, needs, motives, sources}],
     "segments": [{name, description, motivation, action, obstacle, opportunity, sample_data, persona, targeted}],
     "phases": [{name, description, emotion, pain_points, opportunities, content_needs}],
     "touchpoints": [{phase, kind, name, trigger, send_offset_days, cta, feeling, subject, preheader, mjml,
                      text_override, segments: [name, ...], variants: [{segment, subject, preheader, mjml}],
                      follows?}]}

Inside the document things refer to each other by position and name, never by database ID: a
touchpoint's "phase" is an index into "phases" (from 0), its "segments" (the audience; empty means every
targeted segment) and a variant's "segment" are names from "segments"; "follows", the touchpoint it sends
after, is an index into "touchpoints" (from 0), present only when it sends after one. Phases and
touchpoints are listed in journey order, which is their order on import. "follows" came after version 1
was first written: a document without it (every older one) is read as before, so the version stayed 1;
a Journeymail that predates it refuses a document that uses it by name ("Unknown field"), rather than
dropping the chain. The personas and goal questions (the campaign's "persona", KPI, target and
touchpoint effects, "personas", a segment's "persona", a phase's content needs, a touchpoint's feeling) came
the same way: all optional, so a version 1 document from before them imports as before. "personas" lists the
campaign's main persona and those of its segments; "persona" (the campaign's, a segment's) is a name from it,
or null. "segments" holds the segments the campaign targets;
one with "targeted": false is only named by a leftover audience or variant (a segment the campaign
stopped targeting keeps them), and is listed so the import can rebuild exactly that.

An import first refuses a document that holds more than a campaign may (the limits in config.py), then
checks the whole document with the services' own field rules, and names every problem by its path
("touchpoints[3].phase"); only a document without problems is written, all at once
(campaigns.services.create_whole_campaign), in the request's one transaction. Segments are matched by
name regardless of case: an existing one is reused (a note says so when its definition differs), a
missing one is created; personas likewise (a reused segment keeps its own persona). A file may come gzipped (exports/uploads.py).
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from flask_babel import format_decimal, gettext as _, lazy_gettext as _l, ngettext

from accounts import current
from campaigns import services
from campaigns.cells import plan_or_404
from campaigns.kinds import KINDS
from campaigns.models import Campaign
from campaigns.serialize import campaign_detail
from journeymail.extensions import db
from journeymail.http import UnreadableJSON, iso, read_json
from journeymail.validation import ValidationError, clean
from segments import services as segment_services
from segments.models import Persona, Segment, name_key
from segments.serialize import persona_dict, segment_dict

from . import uploads

FORMAT = "journeymail.campaign"
VERSION = 1
MAX_PROBLEMS = 50  # a hopeless document is not answered with thousands of lines

# What each part of the document holds: the fields the services take, minus what the document
# expresses by position (phase and touchpoint order) or by name (phase and segment references).
# A persona is named ("persona"), never given by ID.
CAMPAIGN_SPEC = {k: v for k, v in services.CAMPAIGN_FIELDS.items() if k != "persona_id"}
SEGMENT_SPEC = {k: v for k, v in segment_services.SEGMENT_FIELDS.items() if k != "persona_id"}
PERSONA_SPEC = segment_services.PERSONA_FIELDS
PHASE_SPEC = {k: v for k, v in services.PHASE_FIELDS.items() if k != "position"}
TOUCHPOINT_SPEC = {
    k: v for k, v in services.TOUCHPOINT_FIELDS.items()
    if k not in ("phase_id", "position", "segment_ids", "follows_id")
}
VARIANT_SPEC = services.CONTENT_FIELDS
# A segment's fields as a note names them ("sample data").
SEGMENT_FIELD_NAMES = {
    "name": _l("name"), "description": _l("description"), "motivation": _l("motivation"), "action": _l("action"),
    "obstacle": _l("obstacle"), "opportunity": _l("opportunity"), "sample_data": _l("sample data"),
}
PERSONA_FIELD_NAMES = {
    "name": _l("name"), "quote": _l("quote"), "role": _l("role"), "goals": _l("goals"), "needs": _l("needs"),
    "motives": _l("motives"), "sources": _l("sources"),
}
TOP_LEVEL = ("format", "version", "exported_at", "campaign", "personas", "segments", "phases", "touchpoints")


# --- export ----------------------------------------------------------------------------------


def export_document(campaign: Campaign) -> dict[str, Any]:
    """The campaign as a document: the API's shapes (campaigns.serialize, segments.serialize), each cut
    to the fields the import takes, with IDs rewritten as positions and names."""
    detail = campaign_detail(campaign)
    targeted = list(campaign.segments)
    leftovers = {
        s.id: s for tp in campaign.touchpoints for s in [*tp.audience, *(v.segment for v in tp.variants)]
        if s not in targeted
    }
    segments = [*targeted, *sorted(leftovers.values(), key=lambda s: s.name.casefold())]
    names = {s.id: s.name for s in segments}
    personas = list({p.id: p for p in [campaign.persona, *(s.persona for s in segments)] if p is not None}.values())
    phase_index = {phase["id"]: index for index, phase in enumerate(detail["phases"])}
    touchpoint_index = {tp["id"]: index for index, tp in enumerate(detail["touchpoints"])}
    return {
        "format": FORMAT,
        "version": VERSION,
        "exported_at": iso(datetime.now(timezone.utc)),
        "campaign": {**_fields(detail, CAMPAIGN_SPEC), "persona": _name_of(campaign.persona)},
        "personas": [_fields(persona_dict(p), PERSONA_SPEC) for p in personas],
        "segments": [{**_fields(segment_dict(s), SEGMENT_SPEC), "persona": _name_of(s.persona), "targeted": s in targeted}
                     for s in segments],
        "phases": [_fields(phase, PHASE_SPEC) for phase in detail["phases"]],
        "touchpoints": [
            {
                "phase": phase_index[tp["phase_id"]],
                **_fields(tp, TOUCHPOINT_SPEC),
                "segments": [names[segment_id] for segment_id in tp["segment_ids"]],
                "variants": sorted(
                    ({"segment": names[v["segment_id"]], **_fields(v, VARIANT_SPEC)} for v in tp["variants"]),
                    key=lambda v: v["segment"].casefold(),
                ),
                **({"follows": touchpoint_index[tp["follows_id"]]} if tp["follows_id"] is not None else {}),
            }
            for tp in detail["touchpoints"]
        ],
    }


def export_json(campaign: Campaign) -> bytes:
    """The document as UTF-8 JSON bytes, indented so a person can read and diff it."""
    return (json.dumps(export_document(campaign), indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def _fields(shape: Mapping[str, Any], spec: Mapping[str, Any]) -> dict[str, Any]:
    """The fields of an API shape that the document holds, in the spec's order. Objects are copied: a
    caller may edit the document (to import it changed) without reaching into the models."""
    return {name: _copy(shape[name]) for name in spec}


def _name_of(persona: Persona | None) -> str | None:
    return persona.name if persona is not None else None


def _copy(value: Any) -> Any:
    return dict(value) if isinstance(value, dict) else value


# --- reading a document ----------------------------------------------------------------------


class UnreadableFile(ValueError):
    """An uploaded or given file that is not JSON text at all (400, not 422)."""


def parse_file(data: bytes) -> Any:
    """The JSON value in a campaign file (UTF-8, a byte order mark allowed, or all that gzipped: .json.gz);
    UnreadableFile says why not, and a gzipped file that inflates beyond IMPORT_MAX_BYTES is TooLarge (413)."""
    if data.startswith(uploads.GZIP_MAGIC):
        try:
            data = uploads.gunzip(data, uploads.import_max_bytes())
        except uploads.NotGzip as error:
            raise UnreadableFile(_("The file looks gzipped but is not: %(reason)s.", reason=error)) from None
    try:
        return read_json(data)
    except UnreadableJSON as error:
        if error.kind == "encoding":
            raise UnreadableFile(_("The file is not UTF-8 text, so it cannot be a campaign document.")) from None
        if error.kind == "depth":
            raise UnreadableFile(_("The file is nested too deeply to be a campaign document.")) from None
        raise UnreadableFile(_("The file is not JSON: %(reason)s.", reason=error.reason)) from None


@dataclass
class SegmentEntry:
    values: dict[str, Any]
    targeted: bool
    persona: str | None = None  # the key (casefolded name) of its persona in the document's personas

    @property
    def key(self) -> str:
        return self.values["name"].casefold()


@dataclass
class TouchpointEntry:
    phase: int
    values: dict[str, Any]
    audience: list[str]  # segment keys (casefolded names)
    variants: list[tuple[str, dict[str, Any]]]  # (segment key, content)
    follows: int | None = None  # the index of the touchpoint it sends after


@dataclass
class Plan:
    """A checked document: what the import will create, every value already through the field rules."""

    campaign: dict[str, Any]
    segments: list[SegmentEntry]
    phases: list[dict[str, Any]]
    touchpoints: list[TouchpointEntry]
    personas: list[dict[str, Any]] = field(default_factory=list)
    persona: str | None = None  # the key of the campaign's main persona


class _Problems:
    """Every problem of a document, keyed by its path in the document."""

    def __init__(self) -> None:
        self.fields: dict[str, str] = {}

    def add(self, path: str, message: str) -> None:
        self.fields.setdefault(path, message)

    def clean(self, path: str, data: Any, spec: Mapping[str, Any]) -> dict[str, Any] | None:
        """The checked values of one object of the document, or None after noting its problems."""
        if not isinstance(data, dict):
            self.add(path, _("This field is required: an object.") if data is None else _("Must be an object."))
            return None
        try:
            return clean(data, spec)
        except ValidationError as error:
            for name, message in error.fields.items():
                self.add(f"{path}.{name}", message)
            return None

    def items(self, path: str, data: Any) -> Iterator[tuple[str, Any]]:
        """The entries of a list in the document, each with its path."""
        if not isinstance(data, list):
            self.add(path, _("This field is required: a list.") if data is None else _("Must be a list."))
            return
        for index, item in enumerate(data):
            yield f"{path}[{index}]", item

    def refusal(self) -> ValidationError:
        fields = dict(list(self.fields.items())[:MAX_PROBLEMS])
        path, message = next(iter(fields.items()))
        more = len(self.fields) - 1
        if more >= MAX_PROBLEMS:
            also = _("Nothing was imported; %(more)d more problems, the first %(listed)d of them listed in fields.",
                     more=more, listed=MAX_PROBLEMS - 1)
        elif more:
            also = ngettext("Nothing was imported; %(num)d more problem is listed in fields.",
                            "Nothing was imported; %(num)d more problems are listed in fields.", more)
        else:
            also = _("Nothing was imported.")
        return ValidationError(fields, f"{path}: {message} {also}")


def read_document(data: Any) -> Plan:
    """Check a whole document; ValidationError (422) names every problem by its path in the document."""
    problems = _Problems()
    if not isinstance(data, dict):
        problems.add("document", _('Must be a JSON object with "format": "%(format)s".', format=FORMAT))
        raise problems.refusal()
    if data.get("format") != FORMAT:
        problems.add("format", _('Not a Journeymail campaign document: "format" must be "%(format)s".', format=FORMAT))
        raise problems.refusal()
    version = data.get("version")
    if type(version) is not int or version != VERSION:
        shown = json.dumps(version)[:40]
        problems.add("version", _("This Journeymail reads version %(version)d of the campaign document, not %(shown)s.",
                                  version=VERSION, shown=shown))
        raise problems.refusal()
    _check_counts(data)
    for key in data:
        if key not in TOP_LEVEL:
            problems.add(str(key), _("Unknown field."))
    if not isinstance(data.get("exported_at", ""), str):
        problems.add("exported_at", _("Must be text (an ISO 8601 time)."))

    personas = _read_personas(problems, data.get("personas", []))
    persona_keys = {persona["name"].casefold() for persona in personas}
    given = data.get("campaign")
    campaign = problems.clean(
        "campaign", {k: v for k, v in given.items() if k != "persona"} if isinstance(given, dict) else given, CAMPAIGN_SPEC
    )
    persona = _persona_reference(problems, "campaign.persona", given.get("persona") if isinstance(given, dict) else None,
                                 persona_keys)
    segments = _read_segments(problems, data.get("segments"), persona_keys)
    phases = [
        values for path, item in problems.items("phases", data.get("phases"))
        if (values := problems.clean(path, item, PHASE_SPEC)) is not None
    ]
    phase_count = len(data["phases"]) if isinstance(data.get("phases"), list) else None
    known = {entry.key for entry in segments}
    touchpoint_count = len(data["touchpoints"]) if isinstance(data.get("touchpoints"), list) else 0
    touchpoints = [
        entry for path, item in problems.items("touchpoints", data.get("touchpoints"))
        if (entry := _read_touchpoint(problems, path, item, phase_count, known, touchpoint_count)) is not None
    ]
    _check_chains(problems, data.get("touchpoints"))
    if problems.fields:
        raise problems.refusal()
    assert campaign is not None
    return Plan(campaign, segments, phases, touchpoints, personas, persona)


def _check_counts(data: dict[str, Any]) -> None:
    """Refuse a document that holds more than a campaign may (422 naming each count and its limit), before
    any of its entries is read. Segments count when targeted; the untargeted ones a document may list
    (named only by leftover audiences and variants) are held to the same number."""

    def listed(name: str) -> list[Any]:
        value = data.get(name)
        return value if isinstance(value, list) else []

    segments = [s for s in listed("segments") if isinstance(s, dict)]
    untargeted = sum(1 for s in segments if s.get("targeted") is False)
    variants = sum(len(tp["variants"]) for tp in listed("touchpoints")
                   if isinstance(tp, dict) and isinstance(tp.get("variants"), list))
    services.check_counts({
        "phases": len(listed("phases")), "touchpoints": len(listed("touchpoints")),
        "segments": len(segments) - untargeted, "variants": variants,
    }, where="The document")
    if untargeted > (most := services.limit("segments")):
        message = _("The document lists %(count)s segments the campaign does not target; a document lists at most "
                    "%(most)s.", count=format_decimal(untargeted), most=format_decimal(most))
        raise ValidationError({"segments": message}, message + " " + _("Nothing was imported."))


def _read_personas(problems: _Problems, data: Any) -> list[dict[str, Any]]:
    """The personas of a document (none when it lists none: every document from before them)."""
    personas: list[dict[str, Any]] = []
    first_path: dict[str, str] = {}
    for path, item in problems.items("personas", data):
        values = problems.clean(path, item, PERSONA_SPEC)
        if values is None:
            continue
        key = values["name"].casefold()
        if key in first_path:
            problems.add(f"{path}.name", _('"%(name)s" is listed already, as %(path)s.', name=values["name"],
                                             path=first_path[key]))
            continue
        first_path[key] = path
        personas.append(values)
    return personas


def _persona_reference(problems: _Problems, path: str, value: Any, known: set[str]) -> str | None:
    """The key of a persona the document lists, or None (null, or no "persona")."""
    if value is None:
        return None
    if not isinstance(value, str):
        problems.add(path, _("Must be the name of a persona in personas, or null."))
    elif value.casefold() not in known:
        problems.add(path, _('No persona named "%(name)s" in personas.', name=value[:80]))
    else:
        return value.casefold()
    return None


def _read_segments(problems: _Problems, data: Any, personas: set[str]) -> list[SegmentEntry]:
    entries: list[SegmentEntry] = []
    first_path: dict[str, str] = {}
    for path, item in problems.items("segments", data):
        rest = {k: v for k, v in item.items() if k not in ("targeted", "persona")} if isinstance(item, dict) else item
        values = problems.clean(path, rest, SEGMENT_SPEC)
        persona = _persona_reference(problems, f"{path}.persona", item.get("persona"), personas) \
            if isinstance(item, dict) else None
        targeted = item.get("targeted", True) if isinstance(item, dict) else True
        if not isinstance(targeted, bool):
            problems.add(f"{path}.targeted", _("Must be true or false."))
        if values is None:
            continue
        entry = SegmentEntry(values, targeted is not False, persona)
        if entry.key in first_path:
            problems.add(f"{path}.name", _('"%(name)s" is listed already, as %(path)s.', name=values["name"],
                                             path=first_path[entry.key]))
            continue
        first_path[entry.key] = path
        entries.append(entry)
    return entries


def _read_touchpoint(
    problems: _Problems, path: str, item: Any, phase_count: int | None, known: set[str], touchpoint_count: int
) -> TouchpointEntry | None:
    if not isinstance(item, dict):
        problems.add(path, _("Must be an object."))
        return None
    values = problems.clean(
        path, {k: v for k, v in item.items() if k not in ("phase", "segments", "variants", "follows")}, TOUCHPOINT_SPEC
    )
    phase = _phase_reference(problems, f"{path}.phase", item.get("phase"), phase_count)
    follows = _follows_reference(problems, path, item.get("follows"), touchpoint_count)
    audience = list(dict.fromkeys(_segment_names(problems, f"{path}.segments", item.get("segments", []), known)))
    variants = _read_variants(problems, f"{path}.variants", item.get("variants", []), known)
    if values is None or phase is None:
        return None
    kind = KINDS[values["kind"]]
    if not kind.email:
        for name in ("subject", "preheader", "mjml", "text_override"):
            if values.get(name):
                problems.add(f"{path}.{name}", _("%(kind)s sends no email; leave this empty.",
                                                     kind=kind.with_article.capitalize()))
        if variants:
            problems.add(f"{path}.variants", _("%(kind)s sends no email, so it has no variants.",
                                                 kind=kind.with_article.capitalize()))
    return TouchpointEntry(phase, values, audience, variants, follows)


def _follows_reference(problems: _Problems, path: str, value: Any, count: int) -> int | None:
    """The index of the touchpoint this one sends after, or None (no "follows", or null: its trigger)."""
    if value is None:
        return None
    index = int(path[path.rindex("[") + 1:-1])
    if type(value) is not int:
        problems.add(f"{path}.follows", _("Must be the index of another touchpoint in touchpoints (a whole number "
                                          "from 0), or null when it counts from its own trigger."))
    elif not 0 <= value < count:
        if count == 1:
            message = _("No touchpoint %(value)s: the only touchpoint is 0.", value=value)
        else:
            message = _("No touchpoint %(value)s: the touchpoints are numbered 0 to %(last)d.", value=value, last=count - 1)
        problems.add(f"{path}.follows", message)
    elif value == index:
        problems.add(f"{path}.follows", _("A touchpoint cannot send after itself."))
    else:
        return value
    return None


def _check_chains(problems: _Problems, data: Any) -> None:
    """A problem for each touchpoint whose "follows" leads round in a loop (one per loop, at its first entry)."""
    if not isinstance(data, list):
        return
    follows = {
        index: item["follows"] for index, item in enumerate(data)
        if isinstance(item, dict) and type(item.get("follows")) is int and 0 <= item["follows"] < len(data)
        and item["follows"] != index
    }
    reported: set[int] = set()
    for start in follows:
        path, index = [start], follows[start]
        while index in follows and index not in path and index not in reported:
            path.append(index)
            index = follows[index]
        if index in path:  # came back round: the loop is the part of the path from `index` on
            loop = path[path.index(index):]
            reported.update(loop)
            shown = " → ".join(f"touchpoints[{i}]" for i in [*loop, index])
            problems.add(f"touchpoints[{min(loop)}].follows", _("The touchpoints send after each other in a loop: "
                                                               "%(loop)s. Let one of them count from its trigger.",
                                                               loop=shown))
        reported.update(path)


def _phase_reference(problems: _Problems, path: str, value: Any, phase_count: int | None) -> int | None:
    if value is None:
        problems.add(path, _("This field is required: the index of the touchpoint's phase in phases, from 0."))
    elif type(value) is not int:
        problems.add(path, _("Must be the index of a phase in phases (a whole number from 0)."))
    elif phase_count is not None and not 0 <= value < phase_count:
        if phase_count == 0:
            message = _("No phase %(value)s: the document has no phases.", value=value)
        elif phase_count == 1:
            message = _("No phase %(value)s: the only phase is 0.", value=value)
        else:
            message = _("No phase %(value)s: the phases are numbered 0 to %(last)d.", value=value, last=phase_count - 1)
        problems.add(path, message)
    else:
        return value
    return None


def _segment_names(problems: _Problems, path: str, value: Any, known: set[str]) -> list[str]:
    """Segment names from the document's segments, as keys; problems for any other."""
    if not isinstance(value, list):
        problems.add(path, _("Must be a list of segment names (empty: every targeted segment)."))
        return []
    keys = []
    for index, name in enumerate(value):
        if not isinstance(name, str):
            problems.add(f"{path}[{index}]", _("Must be the name of a segment in segments."))
        elif name.casefold() not in known:
            problems.add(f"{path}[{index}]", _('No segment named "%(name)s" in segments.', name=name[:80]))
        else:
            keys.append(name.casefold())
    return keys


def _read_variants(problems: _Problems, path: str, value: Any, known: set[str]) -> list[tuple[str, dict[str, Any]]]:
    variants: list[tuple[str, dict[str, Any]]] = []
    if value == []:
        return variants
    seen: set[str] = set()
    for item_path, item in problems.items(path, value):
        if not isinstance(item, dict):
            problems.add(item_path, _("Must be an object."))
            continue
        name = item.get("segment")
        content = problems.clean(item_path, {k: v for k, v in item.items() if k != "segment"}, VARIANT_SPEC)
        if not isinstance(name, str):
            problems.add(f"{item_path}.segment", _("This field is required: the name of a segment in segments."))
        elif name.casefold() not in known:
            problems.add(f"{item_path}.segment", _('No segment named "%(name)s" in segments.', name=name[:80]))
        elif name.casefold() in seen:
            problems.add(f"{item_path}.segment", _('The touchpoint has a variant for "%(name)s" already.', name=name[:80]))
        elif content is not None:
            seen.add(name.casefold())
            variants.append((name.casefold(), content))
    return variants


# --- import ----------------------------------------------------------------------------------


@dataclass
class Imported:
    campaign: Campaign
    notes: list[str] = field(default_factory=list)  # what the user should know, e.g. a segment reused


def import_document(data: Any, *, if_taken: str = "imported") -> Imported:
    """Create a new campaign from a document, or raise ValidationError having written nothing.

    The campaign keeps the document's name unless a campaign is called so already; then it is called
    "<name> (imported)", or "(imported 2)" and on (`if_taken` is the word in brackets).
    Everything is added at once and flushed once (campaigns.services.create_whole_campaign), so the time
    grows with the document's size and no more."""
    plan = read_document(data)
    persona_ids, notes = _personas_for(plan.personas)
    plan.campaign["persona_id"] = persona_ids.get(plan.persona) if plan.persona else None
    chosen, segment_notes = _segments_for(plan.segments, persona_ids)
    notes += segment_notes
    plan.campaign["name"] = services.free_campaign_name(plan.campaign["name"], if_taken)
    index = {entry.key: position for position, entry in enumerate(plan.segments)}
    campaign = services.create_whole_campaign(
        plan.campaign,
        segments=chosen,
        targeted=[entry.targeted for entry in plan.segments],
        phases=plan.phases,
        touchpoints=[
            services.NewTouchpoint(
                entry.phase, entry.values, [index[key] for key in entry.audience],
                [(index[key], content) for key, content in entry.variants], entry.follows,
            )
            for entry in plan.touchpoints
        ],
    )
    campaign_id = campaign.id
    db.session.expunge(campaign)  # made with its collections unloaded: load it whole, in a few queries
    return Imported(plan_or_404(campaign_id), notes)


def duplicate_campaign(campaign: Campaign) -> Imported:
    """A copy of the campaign, "<name> (copy)", with its phases, touchpoints, variants, audiences and targeting:
    its document imported, so that export and import are the one copier, and a copy is what a round trip gives."""
    return import_document(export_document(campaign), if_taken="copy")


def _personas_for(personas: list[dict[str, Any]]) -> tuple[dict[str, int], list[str]]:
    """The ID of each document persona, by its key: the existing persona of that name (regardless of case), else
    a new one; and a note for each existing one whose definition differs."""
    if not personas:  # a document from before personas, or one without: no query at all
        return {}, []
    existing = {p.name.casefold(): p for p in segment_services.list_personas()}
    ids: dict[str, int] = {}
    notes = []
    new = []
    for values in personas:
        key = values["name"].casefold()
        persona = existing.get(key)
        if persona is None:
            new.append({**values, "name_key": name_key(values["name"]), "workspace_id": current.workspace_id()})
            continue
        ids[key] = persona.id
        differs = [name for name, value in values.items() if getattr(persona, name) != value]
        if differs:
            notes.append(_(
                'The persona "%(name)s" already exists and differs from the document\'s (%(fields)s); the campaign '
                "uses the existing persona.", name=persona.name,
                fields=", ".join(str(PERSONA_FIELD_NAMES.get(d, d)) for d in differs),
            ))
    if new:  # one INSERT, then one SELECT for their IDs
        db.session.execute(db.insert(Persona), new)
        query = db.select(Persona.name, Persona.id).where(
            Persona.workspace_id == current.workspace_id(), Persona.name_key.in_([row["name_key"] for row in new]))
        created = dict(db.session.execute(query).tuples().all())
        ids.update({name.casefold(): persona_id for name, persona_id in created.items()})
    return ids, notes


def _segments_for(entries: list[SegmentEntry], persona_ids: dict[str, int]) -> tuple[list[Segment | dict[str, Any]], list[str]]:
    """The segment for each document entry: the existing one of that name (it keeps its own persona), else the
    values of a new one (its name is free: it matched none, regardless of case, and the document lists each name
    once), with its persona's ID."""
    existing = {s.name.casefold(): s for s in segment_services.list_segments()}
    chosen: list[Segment | dict[str, Any]] = []
    notes = []
    for entry in entries:
        segment = existing.get(entry.key)
        if segment is None:
            chosen.append({**entry.values, "persona_id": persona_ids.get(entry.persona) if entry.persona else None})
            continue
        differs = [name for name, value in entry.values.items() if getattr(segment, name) != value]
        if differs:
            notes.append(_(
                'The segment "%(name)s" already exists and differs from the document\'s (%(fields)s); the campaign '
                "uses the existing segment.", name=segment.name, fields=", ".join(str(SEGMENT_FIELD_NAMES.get(d, d))
                                                                                   for d in differs)
            ))
        chosen.append(segment)
    return chosen, notes
