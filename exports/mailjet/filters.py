"""A segment's rule as a Mailjet contactfilter Expression, or the reasons it cannot be one.

`expression(rule, property_types, rules)` is a pure function over a cleaned rule (contacts.rules.check_rule)
and the types of the properties it names; it reads nothing else. It writes only what Mailjet's segmentation
reference documents (https://dev.mailjet.com/email/guides/send-campaigns/#segmentation, the /contactfilter
resource): every simple expression in parentheses, `=`, `<`, `>`, `IsProvided(p)`, `IsInPreviousDays(p,n)`,
`ToDate(unix seconds)`, `hasopenedsince(n)`, `hasclickedsince(n)`, `AND`, `OR`, and `not` in its own
extra parentheses: `((not hasclickedsince(30)))`.

How each field becomes part of an Expression:

- a property `property:<name>` becomes the contact property `<name>`, declared in the bundle's
  contactmetadata with its Mailjet datatype (DATATYPES); strings are quoted, `"` and `\\` escaped;
  `ne` is `not` of `=`; a date is compared with ToDate(...); within / not within N days is IsInPreviousDays;
- the counts `opens` and `clicks` become the int properties `opens` and `clicks`;
- `last_open_at` / `last_click_at` within N days become hasopenedsince(n) / hasclickedsince(n), not within N
  days their `not`; Mailjet counts the opens and clicks of its own sends only (a note says so);
- `status`: Mailjet sends a campaign only to the subscribed contacts of its list, so "is subscribed" holds for
  everyone it sends to and "is unsubscribed / bounced / complained" for no one; the condition is left to the
  list, and a note says so;
- `in_segment` inlines the other segment's rule in parentheses (a segment without a rule holds nobody).

What Mailjet cannot express is reported (Translation.problems), never dropped: the address, the name, consent,
the creation date, a fixed date for an open or a click, "has ever opened", and contains / starts with (Journeymail
compares them without regard to capitals; Mailjet documents no such comparison). The bundle then keeps the
segment's filter on the `segment` property.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from flask_babel import gettext as _

# Journeymail's property types as Mailjet's contactmetadata Datatype
DATATYPES = {"string": "str", "integer": "int", "decimal": "float", "boolean": "bool", "datetime": "datetime"}
COUNTS = ("opens", "clicks")  # the contact's own counts, carried as int properties of the same name
EVENTS = {"last_open_at": "hasopenedsince", "last_click_at": "hasclickedsince"}
MAX_HOPS = 4  # a rule naming a segment whose rule names a segment ... (as contacts.rules.MAX_SEGMENT_HOPS)
NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,99}")  # a Mailjet property name
CONTROL = re.compile(r"[\x00-\x1f\x7f]")


@dataclass
class Translation:
    """A rule in Mailjet's words: the Expression (None when some part cannot be said), the reasons it cannot,
    notes on what Mailjet does differently, and the contact properties the Expression reads with their Datatype."""

    expression: str | None
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    properties: dict[str, str] = field(default_factory=dict)


class _Always:
    """A condition that holds for everyone (True) or no one (False) Mailjet sends to."""

    def __init__(self, value: bool):
        self.value = value


TRUE, FALSE = _Always(True), _Always(False)
Part = str | _Always  # a str is a closed expression: "(a=1)", "((not x))", "((a=1) AND (b=2))"


def describe(condition: Mapping[str, Any]) -> str:
    """A condition as the rule spells it: last_click_at within_days 30"""
    words = [condition["field"], condition["op"]]
    if "value" in condition:
        value = condition["value"]
        words.append(f'"{value}"' if isinstance(value, str) else str(value).lower()
                     if isinstance(value, bool) else str(value))
    return " ".join(words)


def quoted(value: str) -> str:
    """A string value in a Mailjet Expression: in double quotes, with \\ and " escaped."""
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def negated(part: str) -> str:
    """`not` in its own parentheses, as Mailjet's reference writes it: ((not hasopenedsince(90)))."""
    inner = part[1:-1] if re.fullmatch(r"\((\w+\([^()]*\))\)", part) else part
    return f"((not {inner}))"


class _Translator:
    def __init__(self, property_types: Mapping[str, str | None], rules: Mapping[int, Mapping[str, Any] | None],
                 segment_names: Mapping[int, str]):
        self.types = property_types
        self.rules = rules
        self.names = segment_names
        self.result = Translation(None)

    def note(self, message: str) -> None:
        if message not in self.result.notes:
            self.result.notes.append(message)

    def cannot(self, condition: Mapping[str, Any], reason: str) -> _Always:
        self.result.problems.append(f"{describe(condition)}: {reason}")
        return FALSE  # never written: a rule with a problem gets no Expression

    def group(self, node: Mapping[str, Any], hops: int) -> Part:
        kind, items = next(iter(node.items()))
        parts = [self.group(item, hops) if "field" not in item else self.condition(item, hops) for item in items]
        joined = _join(parts, "OR" if kind in ("any", "none") else "AND")
        if kind != "none":
            return joined
        if isinstance(joined, _Always):
            return FALSE if joined.value else TRUE
        return negated(joined)

    def condition(self, condition: Mapping[str, Any], hops: int) -> Part:
        name, op, value = condition["field"], condition["op"], condition.get("value")
        if op == "in_segment":
            return self.segment(condition, value, hops)
        if name.startswith("property:"):
            prop = name.removeprefix("property:")
            kind = self.types.get(prop)
            if kind is None:
                return self.cannot(condition, _("no contact has this property any more."))
            return self.on_property(condition, prop, kind)
        if name in COUNTS:
            return self.on_property(condition, name, "integer")
        if name in EVENTS:
            return self.event(condition, EVENTS[name])
        if name == "status":
            self.note(_("Mailjet sends a campaign only to the subscribed contacts of its list; the rule's status "
                        "conditions are left to the list (an unsubscribed, bounced or complaining contact receives "
                        "nothing)."))
            return TRUE if (value == "subscribed") == (op == "eq") else FALSE
        if name in ("email", "name"):
            return self.cannot(condition, _("Mailjet segments filter on contact properties; the address and the name "
                                            "are not among them."))
        if name == "created_at":
            return self.cannot(condition, _("Mailjet knows when a contact was added to Mailjet, not to Journeymail."))
        return self.cannot(condition, _("Mailjet keeps no consent a segment could filter on."))

    def event(self, condition: Mapping[str, Any], function: str) -> Part:
        op = condition["op"]
        if op not in ("within_days", "not_within_days"):
            return self.cannot(condition, _("Mailjet segments know only whether a contact opened or clicked within "
                                            "the last N days, not since a fixed date or ever."))
        self.note(_("Mailjet counts the opens and clicks of the emails it sent: activity imported from elsewhere "
                    "does not count there until the contact opens or clicks a Mailjet email."))
        part = f"({function}({condition['value']}))"
        return part if op == "within_days" else negated(part)

    def on_property(self, condition: Mapping[str, Any], prop: str, kind: str) -> Part:
        op, value = condition["op"], condition.get("value")
        if not NAME.fullmatch(prop):
            return self.cannot(condition, _("Mailjet property names hold only ASCII letters, digits and _."))
        if op in ("contains", "starts_with"):
            return self.cannot(condition, _("Journeymail compares this without regard to capitals; Mailjet documents "
                                            "no such comparison."))
        if op == "is_set":
            part = f"(IsProvided({prop}))"
        elif op in ("within_days", "not_within_days"):
            within = f"(IsInPreviousDays({prop},{value}))"
            part = within if op == "within_days" else negated(within)
        else:
            if kind == "string":
                if CONTROL.search(value):
                    return self.cannot(condition, _("the value holds a line break or another control character."))
                written = quoted(value)
            elif kind == "boolean":
                written = "true" if value else "false"
            elif kind == "datetime":
                moment = datetime.fromisoformat(value)
                if moment.tzinfo is None:
                    moment = moment.replace(tzinfo=timezone.utc)
                written = f"ToDate({int(moment.timestamp())})"
            else:
                written = str(value)
            sign = {"eq": "=", "ne": "=", "gt": ">", "lt": "<"}[op]
            part = f"({prop}{sign}{written})"
            if op == "ne":  # as in Journeymail, "does not equal" holds for a contact without the property too
                part = negated(part)
        self.result.properties[prop] = DATATYPES[kind]
        return part

    def segment(self, condition: Mapping[str, Any], segment_id: int, hops: int) -> Part:
        rule = self.rules.get(segment_id)
        if rule is None or hops >= MAX_HOPS:
            return FALSE  # as in Journeymail: a segment without a rule holds nobody
        inner = self.group(rule, hops + 1)
        return inner if isinstance(inner, _Always) or inner.startswith("((") else f"({inner})"


def _join(parts: list[Part], word: str) -> Part:
    neutral, absorbing = (TRUE, FALSE) if word == "AND" else (FALSE, TRUE)
    if any(p is absorbing for p in parts):
        return absorbing
    kept = [p for p in parts if isinstance(p, str)]
    if not kept:
        return neutral
    if len(kept) == 1:
        return kept[0]
    return "(" + f" {word} ".join(kept) + ")"


def expression(rule: Mapping[str, Any], property_types: Mapping[str, str | None],
               rules: Mapping[int, Mapping[str, Any] | None] | None = None,
               segment_names: Mapping[int, str] | None = None) -> Translation:
    """A cleaned rule as a Mailjet Expression, with what stops it (problems) and what Mailjet does differently.

    `property_types` gives each property the rule names its Journeymail type; `rules` the rule of each segment
    an `in_segment` condition names (directly or through other segments)."""
    translator = _Translator(property_types, rules or {}, segment_names or {})
    part = translator.group(rule, 0)
    result = translator.result
    if result.problems:
        result.properties = {}
        return result
    if isinstance(part, _Always):
        result.problems.append(
            _("The rule holds every contact Mailjet sends to; Mailjet needs a condition.") if part.value else
            _("The rule holds no contact Mailjet would send to."))
        result.properties = {}
        return result
    top_level = part.startswith("((") and not part.startswith("((not ") and _balanced(part[1:-1])
    result.expression = part[1:-1] if top_level else part  # (a) AND (b), as Mailjet's examples write it
    return result


def _balanced(text: str) -> bool:
    """Whether the parentheses in `text` close in order (so the outer pair around it may go)."""
    depth = 0
    for char in re.sub(r'"(?:\\.|[^"\\])*"', "", text):
        depth += char == "("
        depth -= char == ")"
        if depth < 0:
            return False
    return depth == 0


def properties_named(rule: Mapping[str, Any]) -> set[str]:
    """The properties a rule names (property:<name>), without looking at other segments."""
    found, todo = set(), [rule]
    while todo:
        node = todo.pop()
        if "field" in node:
            if node["field"].startswith("property:"):
                found.add(node["field"].removeprefix("property:"))
        else:
            todo += list(next(iter(node.values())))
    return found


def segments_named(rule: Mapping[str, Any]) -> set[int]:
    found, todo = set(), [rule]
    while todo:
        node = todo.pop()
        if "field" in node:
            if node["op"] == "in_segment":
                found.add(node["value"])
        else:
            todo += list(next(iter(node.values())))
    return found
