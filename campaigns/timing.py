"""When each touchpoint sends: days after its trigger, or after the touchpoint it sends after.

A chain starts at a root, a touchpoint that follows no other, and the root's trigger ("signs up"). Each
touchpoint's day from that trigger is the sum of the send offsets along its chain: Review request on day
+60, then Referral 7 days after it, on day +67. Roots with the same trigger share one clock; different
triggers are unrelated, so the sequence groups touchpoints by their root's trigger instead of inventing an
order between them. A root without a trigger is a clock of its own.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from flask_babel import gettext as _, ngettext

from .models import Touchpoint


def chain_of(touchpoint: Touchpoint) -> list[Touchpoint]:
    """The touchpoint, the one it sends after, and so on up to its root (last). Stops at a loop, which the
    services refuse but a database written by hand could hold."""
    chain = [touchpoint]
    seen = {id(touchpoint)}
    while (before := chain[-1].follows) is not None and id(before) not in seen:
        chain.append(before)
        seen.add(id(before))
    return chain


def sent_after(touchpoint: Touchpoint, touchpoints: Iterable[Touchpoint]) -> set[int]:
    """The IDs of those of `touchpoints` that send after `touchpoint`, directly or further down its chains."""
    after: dict[int, list[int]] = {}
    for tp in touchpoints:
        if tp.follows_id is not None:
            after.setdefault(tp.follows_id, []).append(tp.id)
    found: set[int] = set()
    waiting = [touchpoint.id]
    while waiting:
        for follower in after.get(waiting.pop(), []):
            if follower not in found:
                found.add(follower)
                waiting.append(follower)
    return found


def trigger_key(trigger: str) -> str:
    """Two triggers are the same clock when they read the same, regardless of case and spacing."""
    return " ".join(trigger.split()).casefold()


@dataclass(frozen=True)
class Step:
    """A touchpoint in its trigger group: on which day after the trigger it sends."""

    touchpoint: Touchpoint
    day: int  # from the root's trigger
    depth: int  # how many touchpoints it sends after: 0 for a root

    @property
    def after(self) -> Touchpoint | None:
        """The touchpoint it sends after, or None when it counts from the trigger."""
        return self.touchpoint.follows


@dataclass
class TriggerGroup:
    """The touchpoints on one clock: roots with this trigger and everything that sends after them."""

    trigger: str  # as the first root in journey order writes it; "" when the root has none
    steps: list[Step] = field(default_factory=list)


def trigger_groups(touchpoints: Iterable[Touchpoint]) -> list[TriggerGroup]:
    """The touchpoints grouped by the trigger of their chain's root, each group in send order (day from the
    trigger; a touchpoint always after the one it sends after). Groups come in journey order of their roots:
    by phase, then day, then place in the phase, which is the order of a campaign without chains."""
    groups: dict[tuple[str, object], TriggerGroup] = {}
    starts: dict[tuple[str, object], tuple[int, int, int]] = {}
    known: dict[int, tuple[Touchpoint, int, int]] = {}  # id(touchpoint) -> (root, day, depth): long chains walk once
    for touchpoint in touchpoints:
        root, day, depth = placed(touchpoint, known)
        key: tuple[str, object] = ("trigger", trigger_key(root.trigger)) if root.trigger.strip() else ("root", id(root))
        start = (root.phase.position, root.send_offset_days, root.position)
        group = groups.setdefault(key, TriggerGroup(root.trigger.strip()))
        if key not in starts or start < starts[key]:
            starts[key], group.trigger = start, root.trigger.strip()
        group.steps.append(Step(touchpoint, day, depth))
    for group in groups.values():
        group.steps.sort(key=lambda s: (s.day, s.depth, s.touchpoint.phase.position, s.touchpoint.position))
    return [groups[key] for key in sorted(groups, key=lambda k: starts[k])]


def placed(touchpoint: Touchpoint, known: dict[int, tuple[Touchpoint, int, int]]) -> tuple[Touchpoint, int, int]:
    """The root, day from the root's trigger and depth of a touchpoint. `known` remembers those of its chain, so
    placing many touchpoints walks each chain once; share one dict across calls (and no longer than a request)."""
    chain = [touchpoint]
    seen = {id(touchpoint)}
    while id(chain[-1]) not in known and (before := chain[-1].follows) is not None and id(before) not in seen:
        chain.append(before)
        seen.add(id(before))
    if id(chain[-1]) in known:
        root, day, depth = known[id(chain[-1])]
        chain.pop()
    else:
        root, day, depth = chain[-1], 0, -1
    for tp in reversed(chain):
        day, depth = day + tp.send_offset_days, depth + 1
        known[id(tp)] = (root, day, depth)
    return known[id(touchpoint)]


def when_sent(touchpoint: Touchpoint) -> str:
    """When it sends, in words, for the headers of the editor and the cell page: "7 days after “Review request”
    (day +67 after the contact starts the trial), when left a good review", or "3 days after the contact signs up"."""
    chain = chain_of(touchpoint)
    offset = touchpoint.send_offset_days
    if touchpoint.follows is None:
        trigger = touchpoint.trigger.strip()
        if not trigger:
            if offset:
                return ngettext("%(num)d day after its trigger", "%(num)d days after its trigger", offset)
            return _("when it is triggered")
        if offset:
            return ngettext("%(num)d day after the contact %(trigger)s", "%(num)d days after the contact %(trigger)s",
                            offset, trigger=trigger)
        return _("when the contact %(trigger)s", trigger=trigger)
    root = chain[-1]
    day = f"{sum(tp.send_offset_days for tp in chain):+d}".replace("+0", "0")
    name, root_trigger = touchpoint.follows.name, root.trigger.strip()
    if offset and root_trigger:
        text = ngettext("%(num)d day after “%(name)s” (day %(day)s after the contact %(trigger)s)",
                        "%(num)d days after “%(name)s” (day %(day)s after the contact %(trigger)s)",
                        offset, name=name, day=day, trigger=root_trigger)
    elif offset:
        text = ngettext("%(num)d day after “%(name)s” (day %(day)s from its trigger)",
                        "%(num)d days after “%(name)s” (day %(day)s from its trigger)", offset, name=name, day=day)
    elif root_trigger:
        text = _("with “%(name)s” (day %(day)s after the contact %(trigger)s)", name=name, day=day, trigger=root_trigger)
    else:
        text = _("with “%(name)s” (day %(day)s from its trigger)", name=name, day=day)
    if touchpoint.trigger.strip():
        text = _("%(when)s, when %(condition)s", when=text, condition=touchpoint.trigger.strip())
    return text
