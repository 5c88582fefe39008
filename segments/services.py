"""Operations on personas and segments, called by both the HTML views and the JSON API."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from flask_babel import gettext as _, lazy_gettext as _l
from sqlalchemy import func

from accounts import current
from journeymail.extensions import db
from journeymail.validation import Conflict, Integer, JSONObject, Text, ValidationError, clean

from .models import Persona, Segment, name_key

MAX_ID = 2**31 - 1

PERSONA_FIELDS = {
    "name": Text(80, required=True, multiline=False),
    "quote": Text(300),
    "role": Text(300),  # demographics or role
    "goals": Text(2000),
    "needs": Text(2000),
    "motives": Text(2000),
    "sources": Text(2000),  # what the persona is based on
}

SEGMENT_FIELDS = {
    "name": Text(80, required=True, multiline=False),
    "description": Text(2000),
    "motivation": Text(300, required=True),
    "action": Text(300, required=True),
    "obstacle": Text(300, required=True),
    "opportunity": Text(2000),
    "sample_data": JSONObject(),
    "persona_id": Integer(1, MAX_ID, required=False),  # the persona whose segment it is; null: none
}

# Starting points for the three axes, offered while typing (the user may write anything); in the
# request's language (suggestions()), German users get German examples.
SUGGESTIONS = {
    "motivation": (
        _l("Follows us actively as a resource and wants direct contact"),
        _l("Checks casually what we are about and how we might help later"),
        _l("Signed up by accident and has not unsubscribed yet"),
    ),
    "action": (
        _l("Clicks through for more information and offers"),
        _l("Opens and reads, but does not click"),
        _l("Does not engage at all"),
    ),
    "obstacle": (
        _l("Does not know enough about us yet to care"),
        _l("Our emails are unclear, confusing or off-brand"),
        _l("Our emails are plain, with no call to action or other way to engage"),
    ),
}


def suggestions() -> dict[str, list[str]]:
    """SUGGESTIONS in the request's language, for the form's datalists."""
    return {axis: [str(option) for option in options] for axis, options in SUGGESTIONS.items()}


def list_segments() -> list[Segment]:
    """Every segment of the workspace, by name."""
    return list(db.session.scalars(current.scoped(Segment).order_by(func.lower(Segment.name))))


def create_segment(data: Mapping[str, Any], *, from_form: bool = False) -> Segment:
    values = clean(data, SEGMENT_FIELDS, from_form=from_form)
    check_persona(values.get("persona_id"))
    _check_name_free(values["name"])
    segment = Segment(**values, workspace_id=current.workspace_id())
    db.session.add(segment)
    db.session.flush()
    return segment


def update_segment(segment: Segment, data: Mapping[str, Any], *, from_form: bool = False) -> Segment:
    values = clean(data, SEGMENT_FIELDS, partial=True, from_form=from_form)
    check_persona(values.get("persona_id"))
    if "name" in values:
        _check_name_free(values["name"], segment.id)
    for key, value in values.items():
        setattr(segment, key, value)
    db.session.flush()
    return segment


# What other features hold of a segment, for the delete page and the delete itself. Segments know
# nothing of those features (they depend on segments, not the other way round): each registers a
# function that returns facts about one segment, with "refusal" set when the delete must wait.
SegmentUse = Callable[[Segment], dict[str, Any]]
_uses: list[SegmentUse] = []


def segment_use(describe: SegmentUse) -> SegmentUse:
    """Register `describe` (a decorator): campaigns says which campaigns target a segment, and so on."""
    _uses.append(describe)
    return describe


def usage(segment: Segment) -> dict[str, Any]:
    """What deleting the segment would touch, as every registered feature describes it."""
    facts: dict[str, Any] = {}
    for describe in _uses:
        facts.update(describe(segment))
    return facts


def delete_segment(segment: Segment) -> None:
    """Delete a segment, unless a feature that uses it refuses (409, with the feature's reason)."""
    refusal = usage(segment).get("refusal")
    if refusal:
        raise Conflict(refusal)
    db.session.delete(segment)
    db.session.flush()


def _check_name_free(name: str, own_id: int | None = None) -> None:
    """Names are unique regardless of case: "Busy founders" and "busy founders" would confuse anyone.

    Compared by the stored key (models.name_key: SQLite's lower() folds ASCII only, so "Ärzte" and "ärzte"
    would both get in). The key's unique index refuses a name another request saved after this check,
    which the request answers with 409 (journeymail.http).
    """
    query = current.scoped(Segment, Segment.id).where(Segment.name_key == name_key(name))
    if own_id is not None:
        query = query.where(Segment.id != own_id)
    if db.session.scalar(query.limit(1)) is not None:
        raise Conflict(_('A segment named "%(name)s" already exists.', name=name),
                       {"name": _("This name is taken; choose another.")})


# --- personas ----------------------------------------------------------------------------------


def list_personas() -> list[Persona]:
    """Every persona of the workspace, by name."""
    return list(db.session.scalars(current.scoped(Persona).order_by(func.lower(Persona.name))))


def check_persona(persona_id: int | None, field: str = "persona_id") -> Persona | None:
    """The workspace's persona of this ID (None for None); 422 on `field` for any other ID, another
    workspace's included, which is never told apart from one that does not exist."""
    if persona_id is None:
        return None
    persona = current.get(Persona, persona_id)
    if persona is None:
        raise ValidationError({field: _("No persona with ID %(id)s.", id=persona_id)})
    return persona


def create_persona(data: Mapping[str, Any], *, from_form: bool = False) -> Persona:
    values = clean(data, PERSONA_FIELDS, from_form=from_form)
    _check_persona_name_free(values["name"])
    persona = Persona(**values, workspace_id=current.workspace_id())
    db.session.add(persona)
    db.session.flush()
    return persona


def update_persona(persona: Persona, data: Mapping[str, Any], *, from_form: bool = False) -> Persona:
    values = clean(data, PERSONA_FIELDS, partial=True, from_form=from_form)
    if "name" in values:
        _check_persona_name_free(values["name"], persona.id)
    for key, value in values.items():
        setattr(persona, key, value)
    db.session.flush()
    return persona


# What other features hold of a persona (the campaigns that start from it), for its delete page; as segment_use.
PersonaUse = Callable[[Persona], dict[str, Any]]
_persona_uses: list[PersonaUse] = []


def persona_use(describe: PersonaUse) -> PersonaUse:
    """Register `describe` (a decorator): campaigns says which campaigns start from a persona."""
    _persona_uses.append(describe)
    return describe


def persona_usage(persona: Persona) -> dict[str, Any]:
    """What deleting the persona would touch: its segments, and what every registered feature says."""
    facts: dict[str, Any] = {"segments": list(persona.segments)}
    for describe in _persona_uses:
        facts.update(describe(persona))
    return facts


def delete_persona(persona: Persona) -> None:
    """Delete a persona; its segments and the campaigns that start from it stay, without a persona (the
    foreign keys set it null; the session's own segments are cleared here)."""
    for segment in list(persona.segments):
        segment.persona = None
    db.session.delete(persona)
    db.session.flush()


def _check_persona_name_free(name: str, own_id: int | None = None) -> None:
    """Persona names are unique in the workspace regardless of case, like segment names (_check_name_free)."""
    query = current.scoped(Persona, Persona.id).where(Persona.name_key == name_key(name))
    if own_id is not None:
        query = query.where(Persona.id != own_id)
    if db.session.scalar(query.limit(1)) is not None:
        raise Conflict(_('A persona named "%(name)s" already exists.', name=name),
                       {"name": _("This name is taken; choose another.")})
