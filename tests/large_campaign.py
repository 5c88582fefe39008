"""A large campaign built quickly through the services: S segments × P phases × E emails per phase,
half the segments with a variant of every email (for the scale tests and the page measurements).

Every email is distinct: each segment has its own sample first name, which the subject and the body show.
The texts differ per touchpoint (base and variant), not per segment, and the bodies are short, so that
building and rendering stay cheap: merge tags are parsed once per text, not once per email."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from unittest.mock import patch

from campaigns import services
from campaigns.models import Campaign
from journeymail.extensions import db
from segments.services import create_segment

KINDS = ["welcome", "newsletter", "offer", "follow_up", "reminder", "onboarding", "review_request"]


def body(label: str) -> str:
    """A short email that passes every check: distinct per label, one merge tag, an unsubscribe link."""
    return (
        "<mjml><mj-body><mj-section><mj-column>"
        f'<mj-text>Hello {{{{ firstname | default("there") }}}}, this is {label}.</mj-text>'
        '<mj-button href="https://plannery.example/start">Start</mj-button>'
        '<mj-text><a href="{{ unsubscribe_url }}">Unsubscribe</a></mj-text>'
        "</mj-column></mj-section></mj-body></mjml>"
    )


def build_campaign(segments: int, phases: int, emails: int, *, name: str = "Large", variants: bool = True) -> Campaign:
    """The campaign, committed. Phases past the framework's seven are added; every email reaches every
    segment; segments with an even index get a variant (another subject and body) of every email."""
    campaign = services.create_campaign({
        "name": name, "goal": "Measure the pages", "framework": "seven-phase",
        "sender_name": "Scale", "sender_email": "scale@example.com",
        "sample_data": {"company": "Example Ltd"},
    })
    for index in range(len(campaign.phases), phases):
        services.add_phase(campaign, {"name": f"Phase {index + 1}", "description": "More of the journey."})
    for phase in list(campaign.phases[phases:]):
        services.delete_phase(phase)
    targeted = [
        create_segment({
            "name": f"{name} segment {i:03d}", "motivation": "m", "action": "a", "obstacle": "o",
            "sample_data": {"firstname": f"Reader{i}"},
        })
        for i in range(segments)
    ]
    services.set_segments(campaign, {"segment_ids": [s.id for s in targeted]})
    for p, phase in enumerate(campaign.phases):
        for e in range(emails):
            kind = KINDS[(p + e) % len(KINDS)]
            label = f"email {e + 1} of phase {p + 1}"
            touchpoint = services.add_touchpoint(campaign, {
                "phase_id": phase.id, "kind": kind, "name": label.capitalize(), "send_offset_days": e,
                "subject": f'Hello {{{{ firstname | default("there") }}}}: {label}',
                "preheader": f"A preheader long enough to pass the length check, for {label}.",
                "mjml": body(label),
            })
            if variants:
                with flushed_once():
                    for s, segment in enumerate(targeted):
                        if s % 2 == 0:
                            services.put_variant(touchpoint, segment, {
                                "subject": f"{{{{ firstname }}}}, {label}, your version",
                                "mjml": body(f"{label}, written for some segments"),
                            })
    db.session.commit()
    return campaign


@contextmanager
def flushed_once() -> Iterator[None]:
    """The services run as they are, but what they flush one by one is flushed once at the end: put_variant
    flushes every variant, and each flush of a campaign this size costs milliseconds (3,750 of them, most of
    the build). Nothing reads the database in between: the services look variants up in the loaded lists."""
    flush = db.session.flush
    with db.session.no_autoflush, patch.object(db.session, "flush", lambda *args, **kwargs: None):
        yield
    flush()
