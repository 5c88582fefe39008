"""Segment rules: which contacts a segment holds, stored as data and counted in SQL.

A rule is a JSON document of nested groups and conditions:

    {"all": [                                           every one of these (AND)
        {"field": "opens", "op": "gt", "value": 3},
        {"any": [                                       at least one of these (OR)
            {"field": "property:plan", "op": "eq", "value": "pro"},
            {"field": "last_click_at", "op": "within_days", "value": 30}]},
        {"none": [                                      none of these (NOT (a OR b))
            {"field": "segment", "op": "in_segment", "value": 12}]}]}

A field is one of the contact's own (FIELDS), a typed property ("property:<name>", one the workspace's
contacts have), or "segment" for membership of another segment (by its rule). The operators a field takes
depend on its type (OPERATORS). `check_rule` validates a document against the workspace and returns it
cleaned (values in their type); `matches` turns a cleaned rule into one SQL condition on `contacts`, so a
count or a page of members is one query on either database. Nothing in a rule is ever run as code.

Negative operators (`ne`, `not_within_days`) are the negation of their positive one, so they include contacts
that have no value: "not opened in the last 90 days" holds for a contact who never opened.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import ColumnElement, and_, false, func, not_, or_, select, true

from accounts import current
from journeymail.extensions import db
from journeymail.validation import ValidationError
from segments.models import Segment

from .mapping import PROPERTY_NAME, Target, parse_value
from .models import STATUSES, Contact, ContactProperty, SegmentRule, search_key

MAX_DEPTH = 6  # groups within groups
MAX_CONDITIONS = 40
MAX_SEGMENT_HOPS = 4  # a rule naming a segment whose rule names a segment ...
MAX_DAYS = 36_500
MAX_TEXT = 300
GROUPS = ("all", "any", "none")

# The contact's own fields: their type in rules, and the column a condition reads.
FIELDS: dict[str, str] = {
    "email": "key", "name": "key", "status": "status", "opens": "integer", "clicks": "integer",
    "last_open_at": "datetime", "last_click_at": "datetime", "opted_in_at": "datetime",
    "confirmed_at": "datetime", "consent_source": "string", "double_opt_in": "boolean", "created_at": "datetime",
}
OPERATORS: dict[str, tuple[str, ...]] = {
    "key": ("eq", "ne", "contains", "starts_with", "is_set"),
    "string": ("eq", "ne", "contains", "starts_with", "is_set"),
    "integer": ("eq", "ne", "gt", "lt", "is_set"),
    "decimal": ("eq", "ne", "gt", "lt", "is_set"),
    "boolean": ("eq", "ne", "is_set"),
    "datetime": ("gt", "lt", "within_days", "not_within_days", "is_set"),
    "status": ("eq", "ne"),
    "segment": ("in_segment",),
}
OPERATOR_NAMES = {
    "eq": _l("equals"), "ne": _l("does not equal"), "gt": _l("is greater than / after"),
    "lt": _l("is less than / before"), "contains": _l("contains"), "starts_with": _l("starts with"),
    "is_set": _l("is set"), "within_days": _l("within the last N days"),
    "not_within_days": _l("not within the last N days"), "in_segment": _l("is in the segment"),
}
GROUP_NAMES = {"all": _l("all of these"), "any": _l("any of these"), "none": _l("none of these")}


@dataclass(frozen=True)
class Preset:
    key: str
    name: Any
    note: Any
    rule: dict[str, Any]


PRESETS = (
    Preset("clicks", _l("Clicks"), _l("Clicked an email in the last 90 days: the surest sign of interest."),
           {"all": [{"field": "last_click_at", "op": "within_days", "value": 90}]}),
    Preset("opens_no_clicks", _l("Opens, but does not click"),
           _l("Opened in the last 90 days without clicking. Apple Mail Privacy Protection opens every email it "
              "receives, so this group also holds Apple Mail readers who never looked: read it as an upper bound."),
           {"all": [{"field": "last_open_at", "op": "within_days", "value": 90},
                    {"field": "last_click_at", "op": "not_within_days", "value": 90}]}),
    Preset("no_engagement", _l("No engagement for 90 days"),
           _l("Neither opened nor clicked in the last 90 days. Apple Mail Privacy Protection counts opens that no "
              "one made, so some inactive readers look active and are missing here."),
           {"none": [{"field": "last_open_at", "op": "within_days", "value": 90},
                     {"field": "last_click_at", "op": "within_days", "value": 90}]}),
)


def preset(key: str) -> Preset | None:
    return next((p for p in PRESETS if p.key == key), None)


# --- checking a rule --------------------------------------------------------------------------------------


class _Checker:
    """Walks a rule once, without recursion limits of its own making: depth and size are counted first."""

    def __init__(self, segment_id: int | None):
        self.segment_id = segment_id
        self.conditions = 0
        self.types: dict[str, str | None] = {}

    def group(self, node: Any, path: str, depth: int) -> dict[str, Any]:
        where = _("Group %(place)s", place=path) if path else _("The rule")
        if depth > MAX_DEPTH:
            raise _refuse(_("The rule nests groups more than %(most)s deep; flatten it.", most=MAX_DEPTH))
        if not isinstance(node, dict) or len(node) != 1 or next(iter(node)) not in GROUPS:
            raise _refuse(_('%(where)s should be a group: {"all": [...]}, {"any": [...]} or {"none": [...]}.',
                            where=where))
        kind, items = next(iter(node.items()))
        if not isinstance(items, list):
            raise _refuse(_("%(where)s: the group's conditions should be a list.", where=where))
        cleaned = []
        for number, item in enumerate(items, 1):
            place = f"{path}.{number}" if path else str(number)
            if isinstance(item, dict) and len(item) == 1 and next(iter(item)) in GROUPS:
                cleaned.append(self.group(item, place, depth + 1))
            else:
                cleaned.append(self.condition(item, place))
        return {kind: cleaned}

    def condition(self, node: Any, place: str) -> dict[str, Any]:
        self.conditions += 1
        if self.conditions > MAX_CONDITIONS:
            raise _refuse(_("A rule holds at most %(most)s conditions.", most=MAX_CONDITIONS))
        where = _("Condition %(place)s", place=place)
        if not isinstance(node, dict) or not isinstance(node.get("field"), str) or not isinstance(node.get("op"), str):
            raise _refuse(_('%(where)s should be {"field": ..., "op": ..., "value": ...}.', where=where))
        field, op = node["field"], node["op"]
        kind = self.type_of(field, where)
        if op not in OPERATORS[kind]:
            raise _refuse(_("%(where)s: %(field)s takes the operators %(operators)s, not %(op)s.", where=where,
                            field=field, operators=", ".join(OPERATORS[kind]), op=op[:40]))
        if op == "is_set":
            return {"field": field, "op": op}
        return {"field": field, "op": op, "value": self.value(kind, op, node.get("value"), where)}

    def type_of(self, field: str, where: str) -> str:
        if field in FIELDS:
            return FIELDS[field]
        if field == "segment":
            return "segment"
        if field.startswith("property:"):
            name = field.removeprefix("property:")
            if name not in self.types:
                self.types[name] = property_type(name) if PROPERTY_NAME.fullmatch(name) else None
            if self.types[name] is None:
                raise _refuse(_('%(where)s: no contact has the property "%(name)s". Import it first, or check '
                                'the spelling.', where=where, name=name[:100]))
            return self.types[name]  # type: ignore[return-value]
        raise _refuse(_('%(where)s: "%(field)s" is no field; use one of %(fields)s, "property:<name>" or "segment".',
                        where=where, field=field[:100], fields=", ".join(FIELDS)))

    def value(self, kind: str, op: str, value: Any, where: str) -> Any:
        if op in ("within_days", "not_within_days"):
            if isinstance(value, bool) or not isinstance(value, int | str) or not str(value).strip().isdigit() \
                    or not 1 <= int(value) <= MAX_DAYS:
                raise _refuse(_("%(where)s: the number of days should be a whole number from 1 to %(most)s.",
                                where=where, most=MAX_DAYS))
            return int(value)
        if op == "in_segment":
            return self.segment(value, where)
        if kind == "status":
            if value not in STATUSES:
                raise _refuse(_("%(where)s: the status is one of %(statuses)s.", where=where,
                                statuses=", ".join(STATUSES)))
            return value
        if kind == "boolean":
            if isinstance(value, bool):
                return value
        elif kind in ("integer", "decimal"):
            if isinstance(value, bool):
                value = None
            elif isinstance(value, int | float) and value == value:  # not NaN
                value = str(value)
        if not isinstance(value, str) or not value.strip():
            raise _refuse(_("%(where)s needs a value.", where=where))
        if len(value) > MAX_TEXT:
            raise _refuse(_("%(where)s: the value is longer than %(most)s characters.", where=where, most=MAX_TEXT))
        if kind in ("key", "string"):
            return value
        try:
            parsed = parse_value(value, Target("property", kind, comma="," in value and "." not in value[-3:]))
        except ValueError as error:
            raise _refuse(f"{where}: {error}") from None
        if isinstance(parsed, datetime):
            return parsed.isoformat()
        if isinstance(parsed, Decimal):
            return str(parsed)
        return parsed

    def segment(self, value: Any, where: str) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise _refuse(_("%(where)s: name the segment by its ID.", where=where))
        if value == self.segment_id:
            raise _refuse(_("%(where)s: a segment cannot contain itself.", where=where))
        if current.get(Segment, value) is None:
            raise _refuse(_("%(where)s: there is no segment %(id)s in this workspace.", where=where, id=value))
        if self.segment_id is not None and _reaches(value, self.segment_id):
            raise _refuse(_("%(where)s: that segment's rule already includes this segment, which would go round "
                            "in a circle.", where=where))
        return value


def _refuse(message: str) -> ValidationError:
    return ValidationError({"rule": message})


def check_rule(rule: Any, segment_id: int | None = None) -> dict[str, Any]:
    """The rule cleaned (values in their type), or ValidationError {"rule": what to fix} for the workspace."""
    return _Checker(segment_id).group(rule, "", 1)


def property_type(name: str) -> str | None:
    """The type of a property some contact of the workspace has, or None when none has it."""
    query = (select(ContactProperty.type).join(ContactProperty.contact)
             .where(ContactProperty.name == name, Contact.workspace_id == current.workspace_id()).limit(1))
    return db.session.scalar(query)


def known_properties() -> list[tuple[str, str]]:
    """The properties the workspace's contacts have, as (name, type) in name order: what a rule may name as
    "property:<name>" (the rule editor offers them)."""
    query = (select(ContactProperty.name, func.min(ContactProperty.type)).join(ContactProperty.contact)
             .where(Contact.workspace_id == current.workspace_id())
             .group_by(ContactProperty.name).order_by(ContactProperty.name))
    return [(name, kind) for name, kind in db.session.execute(query)]


def _reaches(start: int, target: int) -> bool:
    """Whether the rule of segment `start` names `target`, directly or through other segments."""
    seen, todo = set(), [start]
    while todo:
        segment_id = todo.pop()
        if segment_id == target:
            return True
        if segment_id in seen:
            continue
        seen.add(segment_id)
        todo += list(_named_segments(rule_of(segment_id) or {"all": []}))
    return False


def conditions(rule: dict[str, Any]) -> list[dict[str, Any]]:
    """Every condition of a rule, in order."""
    found, todo = [], [rule]
    while todo:
        node = todo.pop(0)
        if "field" in node:
            found.append(node)
        else:
            todo = list(next(iter(node.values()))) + todo
    return found


def _named_segments(rule: dict[str, Any]) -> set[int]:
    return {c["value"] for c in conditions(rule) if c["op"] == "in_segment"}


# --- stored rules ------------------------------------------------------------------------------------------


def rule_of(segment_id: int) -> dict[str, Any] | None:
    """The stored rule of a segment of the workspace, or None when it has none."""
    return db.session.scalar(current.scoped(SegmentRule, SegmentRule.rule).where(SegmentRule.segment_id == segment_id))


def rules_of(segment_ids: list[int]) -> dict[int, dict[str, Any]]:
    if not segment_ids:
        return {}
    rows = db.session.execute(current.scoped(SegmentRule, SegmentRule.segment_id, SegmentRule.rule)
                              .where(SegmentRule.segment_id.in_(segment_ids)))
    return {segment_id: rule for segment_id, rule in rows}


def set_rule(segment: Segment, rule: Any) -> dict[str, Any]:
    """Check and store a segment's rule; the cleaned rule."""
    cleaned = check_rule(rule, segment.id)
    found = db.session.scalar(current.scoped(SegmentRule).where(SegmentRule.segment_id == segment.id))
    if found is None:
        db.session.add(SegmentRule(workspace_id=current.workspace_id(), segment_id=segment.id, rule=cleaned))
    else:
        found.rule = cleaned
    db.session.flush()
    return cleaned


def clear_rule(segment: Segment) -> None:
    found = db.session.scalar(current.scoped(SegmentRule).where(SegmentRule.segment_id == segment.id))
    if found is not None:
        db.session.delete(found)
        db.session.flush()


# --- the SQL ----------------------------------------------------------------------------------------------


def matches(rule: dict[str, Any], *, now: datetime | None = None, _hops: int = 0) -> ColumnElement[bool]:
    """One SQL condition on `contacts` that holds for the contacts a cleaned rule describes."""
    now = now or datetime.now(timezone.utc)
    kind, items = next(iter(rule.items()))
    parts = [(matches(item, now=now, _hops=_hops) if "field" not in item else _condition(item, now, _hops))
             for item in items]
    if kind == "all":
        return and_(true(), *parts)
    if kind == "any":
        return or_(false(), *parts)
    return not_(or_(false(), *parts))


def _condition(condition: dict[str, Any], now: datetime, hops: int) -> ColumnElement[bool]:
    field, op, value = condition["field"], condition["op"], condition.get("value")
    if op == "in_segment":
        rule = rule_of(value)
        if rule is None or hops >= MAX_SEGMENT_HOPS:
            return false()
        return matches(rule, now=now, _hops=hops + 1)
    if op == "ne":
        return not_(_condition({**condition, "op": "eq"}, now, hops))
    if op == "not_within_days":
        return not_(_condition({**condition, "op": "within_days"}, now, hops))
    if field.startswith("property:"):
        return _property(field.removeprefix("property:"), op, value, now)
    kind = FIELDS[field]
    column = getattr(Contact, field + "_key" if kind == "key" else field)
    compared = _compare(column, kind, op, search_key(value) if kind == "key" and value is not None else value, now)
    if column.nullable and op != "is_set":
        # SQL's NOT NULL is NULL: without this, "not within the last 90 days" would leave out who never opened
        compared = and_(column.is_not(None), compared)
    return compared


def _property(name: str, op: str, value: Any, now: datetime) -> ColumnElement[bool]:
    kind = property_type(name)
    if kind is None:  # the last contact with it is gone: nobody has it
        return false()
    column = getattr(ContactProperty, f"{kind}_value")
    # the type is part of the condition so the database reads the partial index of that type
    members = select(ContactProperty.contact_id).where(ContactProperty.name == name, ContactProperty.type == kind,
                                                         _compare(column, kind, op, value, now))
    return Contact.id.in_(members)


def _compare(column: Any, kind: str, op: str, value: Any, now: datetime) -> ColumnElement[bool]:
    if kind == "datetime" and isinstance(value, str):
        value = datetime.fromisoformat(value)
    elif kind == "decimal" and isinstance(value, str):
        value = Decimal(value)
    if op == "is_set":
        return and_(column.is_not(None), column != "") if kind in ("key", "string") else column.is_not(None)
    if op == "eq":
        return column == value
    if op == "gt":
        return column > value
    if op == "lt":
        return column < value
    if op == "contains":
        return column.contains(value, autoescape=True) if kind == "key" else column.icontains(value, autoescape=True)
    if op == "starts_with":
        return column.startswith(value, autoescape=True) if kind == "key" else column.istartswith(value, autoescape=True)
    if op == "within_days":
        return column >= now - timedelta(days=value)
    raise AssertionError(op)


# --- members -----------------------------------------------------------------------------------------------


def count_matching(rule: dict[str, Any], workspace_id: int | None = None) -> int:
    """How many contacts of the workspace a cleaned rule holds."""
    workspace = current.workspace_id() if workspace_id is None else workspace_id
    query = select(func.count()).select_from(Contact).where(Contact.workspace_id == workspace, matches(rule))
    return db.session.scalar(query) or 0


def sample(rule: dict[str, Any], limit: int = 10) -> list[Contact]:
    """The first contacts a cleaned rule holds, in address order."""
    query = current.scoped(Contact).where(matches(rule)).order_by(Contact.email_key).limit(limit)
    return list(db.session.scalars(query))


def segment_condition(segment_id: int) -> ColumnElement[bool]:
    """The SQL condition for the members of a segment: its rule, or nobody when it has none."""
    rule = rule_of(segment_id)
    return matches(rule) if rule is not None else false()
