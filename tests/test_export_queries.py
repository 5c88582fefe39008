"""Exports issue a number of SQL statements that does not grow with the campaign: the Mailjet bundle, its
contacts template and the push load the plan up front (campaigns.cells.plan_or_404) instead of one
query per touchpoint, variant or segment. Counted at two campaign sizes with a cursor event."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event

from campaigns import services
from campaigns.models import Campaign
from api_support import csrf_token_from
from campaigns.cells import plan_or_404
from exports import esp
from exports.push_job import push_campaign
from journeymail.extensions import db
from mailjet_standin import MailjetStandIn
from segments import services as segment_services

MJML = """<mjml><mj-body><mj-section><mj-column>
  <mj-text>Hello {{ firstname | default("there") }}, this is {{ topic }} number NUMBER.</mj-text>
  <mj-button href="https://plannery.example/NUMBER">Read more</mj-button>
  <mj-text><a href="{{ unsubscribe_url }}">Unsubscribe</a></mj-text>
</mj-column></mj-section></mj-body></mjml>"""
KEY, SECRET, LIST_ID = "key", "secret", 4242


def build(segments: int, phases: int, emails: int) -> Campaign:
    """A campaign of `segments` x `phases` x `emails`: every email distinct, every other segment with a
    variant of each, every third email limited to the first segment, and a form in each phase."""
    campaign = services.create_campaign({
        "name": f"Size {segments}x{phases}x{emails}", "goal": "Measure", "framework": "five-stage",
        "sender_name": "Maya", "sender_email": "maya@plannery.example", "reply_to": "team@plannery.example",
    })
    for phase in list(campaign.phases):
        services.delete_phase(phase)
    made = [
        segment_services.create_segment({"name": f"Segment {campaign.id}-{n}", "motivation": "m", "action": "a",
                                         "obstacle": "o", "sample_data": {"firstname": f"Reader {n}"}})
        for n in range(segments)
    ]
    services.set_segments(campaign, {"segment_ids": [s.id for s in made]})
    number = 0
    for p in range(phases):
        phase = services.add_phase(campaign, {"name": f"Phase {p}"})
        services.add_touchpoint(campaign, {"phase_id": phase.id, "kind": "signup_form", "name": f"Form {p}"})
        for e in range(emails):
            number += 1
            kind = ("welcome", "newsletter", "offer")[number % 3]
            touchpoint = services.add_touchpoint(campaign, {
                "phase_id": phase.id, "kind": kind, "name": f"Email {number}", "send_offset_days": e,
                "subject": f"News {number} for {{{{ firstname }}}}", "preheader": "A preheader long enough to pass.",
                "mjml": MJML.replace("NUMBER", str(number)),
                "segment_ids": [made[0].id] if number % 3 == 0 else [],
            })
            for segment in made[1::2]:
                if touchpoint.reaches(segment):
                    services.put_variant(touchpoint, segment, {"subject": f"Variant {number} for {segment.name}"})
    db.session.commit()
    return campaign


@contextmanager
def counted(app: Flask) -> Iterator[list[str]]:
    """Every SQL statement sent to the database while the block runs."""
    statements: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        statements.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", record)


@pytest.fixture
def sizes() -> tuple[Campaign, Campaign]:
    return build(2, 2, 1), build(6, 4, 3)


@pytest.fixture
def standin(app: Flask, monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[], MailjetStandIn]]:
    """Start a fresh stand-in for Mailjet (an empty account) and point the app at it."""
    servers: list[MailjetStandIn] = []
    monkeypatch.setitem(app.config, "MAILJET_API_KEY", KEY)
    monkeypatch.setitem(app.config, "MAILJET_API_SECRET", SECRET)

    def start() -> MailjetStandIn:
        server = MailjetStandIn(api_key=KEY, api_secret=SECRET, lists={LIST_ID}).start()
        servers.append(server)
        monkeypatch.setitem(app.config, "MAILJET_API_URL", server.url)
        return server

    yield start
    for server in servers:
        server.stop()


def statements_for(app: Flask, client: FlaskClient, request: Callable[[], Any]) -> list[str]:
    db.session.commit()  # the test's own session holds nothing the request could find loaded
    with counted(app) as statements:
        response = request()
    assert response.status_code in (200, 302), response.get_data(as_text=True)[:300]
    return statements


@pytest.mark.parametrize("suffix", ["mailjet.json", "contacts-template.csv", "plan.csv", "campaign.json"])
def test_an_export_issues_as_many_statements_for_a_large_campaign_as_for_a_small_one(
    app: Flask, client: FlaskClient, sizes: tuple[Campaign, Campaign], suffix: str
) -> None:
    small, large = (
        statements_for(app, client, lambda c=c: client.get(f"/campaigns/{c.id}/export/{suffix}")) for c in sizes
    )

    assert len(large) == len(small), "\n".join(large)
    assert len(small) <= 11, "\n".join(small)  # incl. who is asking (user, memberships, workspaces), the audit entry and the segments' rules (one SELECT)


def test_the_push_issues_as_many_statements_for_a_large_campaign_as_for_a_small_one(
    app: Flask, client: FlaskClient, sizes: tuple[Campaign, Campaign], standin: Callable[[], MailjetStandIn],
) -> None:
    def press(campaign: Campaign) -> list[str]:
        """The button: it starts the job and answers at once, pushing nothing itself."""
        server = standin()
        token = csrf_token_from(client.get(f"/campaigns/{campaign.id}/export").get_data(as_text=True))
        statements = statements_for(app, client, lambda: client.post(
            f"/campaigns/{campaign.id}/push/mailjet", data={"list_id": str(LIST_ID), "csrf_token": token}
        ))
        assert server.requests == []
        return statements

    def push(campaign: Campaign) -> list[str]:
        """The job's work, as the worker does it: the ledger read once and written in one batch at the end."""
        server = standin()
        db.session.commit()
        with counted(app) as statements:
            push_campaign(plan_or_404(campaign.id), esp.adapter("mailjet"), {"contactslist": LIST_ID})
        db.session.commit()
        assert server.writes() and all(a.status == 201 for a in server.writes())
        return statements

    small, large = (press(c) for c in sizes)
    assert len(large) == len(small), "\n".join(large)
    # who is asking (user, memberships, workspaces), the job's row, the audit entry, the write lock
    assert len(small) <= 14, "\n".join(small)

    small, large = (push(c) for c in sizes)
    assert len(large) == len(small), "\n".join(large)
    assert len(small) <= 12, "\n".join(small)  # the plan, the ledger's SELECT and its one INSERT
