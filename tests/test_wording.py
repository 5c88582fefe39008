"""Counts and articles in proper English wherever the app writes them: "1 email", "3 emails", "an information
form". One helper (journeymail.text) picks singular or plural and a or an; pages, messages and commands use it."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from campaigns import services
from campaigns.models import Campaign, Touchpoint
from exports.mailjet.bundle import build_bundle
from email_bodies import FINISHED_MJML
from html_tree import parse
from journeymail.extensions import db
from journeymail.text import counted, with_article
from segments.models import Segment


@pytest.mark.parametrize(
    ("number", "noun", "shown"),
    [(0, "email", "0 emails"), (1, "email", "1 email"), (25, "email", "25 emails"), (1, "address", "1 address"),
     (2, "address", "2 addresses"), (2, "reply", "2 replies"), (3, "day", "3 days"), (1, "day", "1 day")],
)
def test_a_count_agrees_with_its_noun(number, noun, shown):
    assert counted(number, noun) == shown


@pytest.mark.parametrize(
    ("phrase", "shown"),
    [("information form", "an information form"), ("offer", "an offer"), ("onboarding", "an onboarding"),
     ("email", "an email"), ("landing page", "a landing page"), ("signup form", "a signup form"),
     ("unsubscribe link", "an unsubscribe link"), ("unique code", "a unique code"), ("hour", "an hour"),
     ("segment", "a segment")],
)
def test_the_article_is_the_one_spoken(phrase, shown):
    assert with_article(phrase) == shown


def test_the_editor_of_an_information_form_says_it_is_an_information_form(
    client, create_campaign: Callable[..., Campaign], create_touchpoint: Callable[..., Touchpoint]
):
    form = create_touchpoint(create_campaign(), kind="information_form", name="E-book download")

    response = client.get(f"/touchpoints/{form.id}/email")

    assert response.status_code == 404
    text = parse(response.get_data(as_text=True)).text()
    assert '"E-book download" is an information form: it sends no email' in text
    assert "a information" not in text


def test_the_campaign_list_counts_one_touchpoint_and_one_segment_in_the_singular(
    client, create_campaign: Callable[..., Campaign], create_segment: Callable[..., Segment],
    create_touchpoint: Callable[..., Touchpoint],
):
    campaign = create_campaign(framework="four-phase")
    services.set_segments(campaign, {"segment_ids": [create_segment().id]})
    create_touchpoint(campaign)

    card = parse(client.get("/campaigns").get_data(as_text=True)).by_id(f"campaign-{campaign.id}")

    assert card is not None
    meta = " ".join(card.select("p", class_="meta")[0].text().split())
    assert "4 phases · 1 touchpoint · 1 segment ·" in meta


@pytest.fixture
def one_email(
    create_campaign: Callable[..., Campaign], create_segment: Callable[..., Segment],
    create_touchpoint: Callable[..., Touchpoint],
) -> Campaign:
    """One email that reaches one segment, with a warning (no preheader) and, until fixed, an error (no subject)."""
    campaign = create_campaign()
    services.set_segments(campaign, {"segment_ids": [create_segment().id]})
    create_touchpoint(
        campaign, subject="", preheader="", trigger="signs up", send_offset_days=1, mjml=FINISHED_MJML
    )
    return campaign


def test_the_export_page_speaks_of_one_email_in_the_singular(client, one_email: Campaign):
    html = parse(client.get(f"/campaigns/{one_email.id}/export").get_data(as_text=True))

    errors, warnings = html.by_id("export-errors"), html.by_id("export-warnings")
    assert errors is not None and warnings is not None
    assert "1 of 1 email blocks a clean export" in errors.text()
    assert "This email has errors as this segment receives it." in errors.text()
    assert "1 of 1 email has warnings" in warnings.select("summary")[0].text()


def test_a_clean_export_of_one_email_says_the_email_renders(client, one_email: Campaign):
    services.update_touchpoint(one_email.touchpoints[0], {"subject": "Welcome aboard"})
    db.session.commit()

    html = parse(client.get(f"/campaigns/{one_email.id}/export").get_data(as_text=True))

    clean = html.by_id("export-clean")
    assert clean is not None
    assert "The email is finished and renders without errors for the segment it reaches" in clean.text()


def test_the_mailjet_template_says_one_day_not_one_day_s(one_email: Campaign):
    services.update_touchpoint(one_email.touchpoints[0], {"subject": "Welcome aboard"})
    db.session.commit()

    bodies = [r["body"] for r in build_bundle(one_email)["requests"] if r["path"] == "template"]

    assert bodies and all("Sent when the contact signs up, 1 day after." in b["Description"] for b in bodies)


def test_the_phase_that_holds_one_touchpoint_asks_to_move_it(
    client, create_campaign: Callable[..., Campaign], create_touchpoint: Callable[..., Touchpoint]
):
    campaign = create_campaign()
    create_touchpoint(campaign, 0)

    response = client.delete(f"/api/phases/{campaign.phases[0].id}")

    assert response.status_code == 409
    assert response.get_json()["error"]["message"].endswith("still holds 1 touchpoint. Move or delete it first.")
