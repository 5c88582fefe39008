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


def root_of(touchpoint: Touchpoint) -> Touchpoint:
    """The first touchpoint of the chain: the one whose trigger starts the clock."""
    return chain_of(touchpoint)[-1]


def day_from_trigger(touchpoint: Touchpoint) -> int:
    """Days from the root's trigger to this touchpoint: every send offset along the chain added up."""
    return sum(tp.send_offset_days for tp in chain_of(touchpoint))


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
    for touchpoint in touchpoints:
        chain = chain_of(touchpoint)
        root = chain[-1]
        key: tuple[str, object] = ("trigger", trigger_key(root.trigger)) if root.trigger.strip() else ("root", id(root))
        start = (root.phase.position, root.send_offset_days, root.position)
        group = groups.setdefault(key, TriggerGroup(root.trigger.strip()))
        if key not in starts or start < starts[key]:
            starts[key], group.trigger = start, root.trigger.strip()
        group.steps.append(Step(touchpoint, sum(tp.send_offset_days for tp in chain), len(chain) - 1))
    for group in groups.values():
        group.steps.sort(key=lambda s: (s.day, s.depth, s.touchpoint.phase.position, s.touchpoint.position))
    return [groups[key] for key in sorted(groups, key=lambda k: starts[k])]
