"""An email says which language it is in: <mjml lang> follows the campaign's locale, so the compiled HTML
carries lang="de" for a German campaign (MJML writes lang="und" otherwise), in every place the engine
renders a campaign's email."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from flask.testing import FlaskClient

from campaigns import services
from campaigns.models import Campaign
from emails import render_email
from journeymail.extensions import db

MJML = "<mjml><mj-body><mj-section><mj-column><mj-text>Hallo</mj-text></mj-column></mj-section></mj-body></mjml>"


def html_lang(html: str | None) -> str | None:
    match = re.match(r'<!doctype html><html lang="([^"]*)"', html or "")
    return match.group(1) if match else None


def test_the_engine_writes_the_language_it_is_given() -> None:
    assert html_lang(render_email(mjml_source=MJML, lang="de").html) == "de"
    assert html_lang(render_email(mjml_source=MJML).html) == "und"


def test_a_language_the_author_wrote_stays() -> None:
    rendered = render_email(mjml_source=MJML.replace("<mjml>", '<mjml lang="fr">'), lang="de")

    assert html_lang(rendered.html) == "fr"


def test_the_preview_of_a_german_campaign_says_it_is_german(
    client: FlaskClient, create_campaign: Callable[..., Campaign], create_touchpoint: Callable[..., Any],
) -> None:
    campaign = create_campaign()
    services.update_campaign(campaign, {"locale": "de_DE"})
    touchpoint = create_touchpoint(campaign, name="Willkommen", subject="Willkommen", mjml=MJML)
    english = create_campaign(name="English")
    other = create_touchpoint(english, name="Welcome", subject="Welcome", mjml=MJML)
    db.session.commit()

    german = client.get(f"/api/campaigns/{campaign.id}/preview?touchpoint={touchpoint.id}").get_json()
    same_source = client.get(f"/api/campaigns/{english.id}/preview?touchpoint={other.id}").get_json()

    assert html_lang(german["html"]) == "de"
    assert html_lang(same_source["html"]) == "en"  # the same MJML: each email its own campaign's language
