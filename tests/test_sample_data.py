"""Sample data (a segment's) and default values (a campaign's): merge-tag values as a JSON object. A mistake in
it is named in words beside the field, by line and column, in the forms and in the API, and nothing is saved."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from api_support import database_rows, error_of, saved
from campaigns.models import Campaign
from html_tree import field_text, parse

MISSING_COMMA = '{"firstname": "Ada"\n "company": "Loom & Co"}'
MISSING_COMMA_SAID = "Line 2, column 2: expected a comma or }."
SINGLE_QUOTES = "{'firstname': 'Ada'}"
SINGLE_QUOTES_SAID = 'Line 1, column 2: expected a name in double quotes, e.g. "firstname"'
NOT_AN_OBJECT_SAID = 'Sample data must be an object of names and values, e.g. {"firstname": "Ada"}.'

SEGMENT = {"name": "Busy founders", "description": "", "motivation": "Saves time", "action": "Skims",
           "obstacle": "No time", "opportunity": ""}
CAMPAIGN = {"name": "Spring trial", "goal": "Start a free trial", "description": "", "framework": "five-stage",
            "map_state": "future", "sender_name": "Maya", "sender_email": "maya@example.com", "reply_to": "",
            "locale": "en_US"}

MISTAKES = [
    (MISSING_COMMA, MISSING_COMMA_SAID),
    (SINGLE_QUOTES, SINGLE_QUOTES_SAID),
    ('{"firstname": "Ada",}', "Line 1, column 20: a comma before } has nothing after it: remove it."),
    ('["Ada"]', NOT_AN_OBJECT_SAID),
    ('"Ada"', NOT_AN_OBJECT_SAID),
]


@pytest.mark.parametrize(("text", "said"), MISTAKES)
def test_the_segment_form_says_what_to_fix_in_the_sample_data_beside_it(post_form, text, said):
    before = database_rows()

    response = post_form("/segments/new", {**SEGMENT, "sample_data": text})

    assert response.status_code == 422
    html = parse(response.get_data(as_text=True))
    assert said in field_text(html, "sample_data")
    assert "Expecting" not in html.text() and "delimiter" not in html.text()
    kept = html.select("textarea", name="sample_data")[0].text()
    assert kept.split() == text.split()  # kept, to be corrected
    assert database_rows() == before


@pytest.mark.parametrize(("text", "said"), MISTAKES)
def test_the_campaign_form_says_what_to_fix_in_the_default_values_beside_them(post_form, text, said):
    before = database_rows()

    response = post_form("/campaigns/new", {**CAMPAIGN, "sample_data": text})

    assert response.status_code == 422
    html = parse(response.get_data(as_text=True))
    assert said in field_text(html, "sample_data")
    assert database_rows() == before


def test_campaign_settings_show_and_save_the_default_values(
    client, post_form, create_campaign: Callable[..., Campaign]
):
    campaign = create_campaign(sample_data={"firstname": "there"})
    url = f"/campaigns/{campaign.id}/edit"
    shown = parse(client.get(url).get_data(as_text=True)).select("textarea", name="sample_data")[0].text()
    assert "Default values" in field_text(parse(client.get(url).get_data(as_text=True)), "sample_data")

    settings = {k: v for k, v in CAMPAIGN.items() if k != "framework"}
    refused = post_form(url, {**settings, "sample_data": MISSING_COMMA})
    saved_after_refusal = saved(Campaign, campaign.id)
    response = post_form(url, {**settings, "sample_data": '{"firstname": "friend", "plan": "Team"}'})

    assert '"firstname": "there"' in shown
    assert refused.status_code == 422 and MISSING_COMMA_SAID in field_text(parse(refused.get_data(as_text=True)),
                                                                           "sample_data")
    assert saved_after_refusal.sample_data == {"firstname": "there"}
    assert response.status_code == 302
    assert saved(Campaign, campaign.id).sample_data == {"firstname": "friend", "plan": "Team"}


def test_the_api_names_the_mistake_in_the_sample_data_of_a_segment(client):
    before = database_rows()

    response = client.post("/api/segments", json={**SEGMENT, "sample_data": MISSING_COMMA})

    assert response.status_code == 422
    error = error_of(response)
    assert error["fields"] == {"sample_data": MISSING_COMMA_SAID}
    assert error["message"] == MISSING_COMMA_SAID
    assert database_rows() == before


def test_the_api_names_the_mistake_in_the_default_values_of_a_campaign(
    client, create_campaign: Callable[..., Campaign]
):
    campaign = create_campaign()

    response = client.patch(f"/api/campaigns/{campaign.id}", json={"sample_data": SINGLE_QUOTES})
    listed = client.patch(f"/api/campaigns/{campaign.id}", json={"sample_data": ["Ada"]})

    assert response.status_code == 422
    assert error_of(response)["message"].startswith(SINGLE_QUOTES_SAID)
    assert error_of(listed)["fields"] == {"sample_data": NOT_AN_OBJECT_SAID}
    assert saved(Campaign, campaign.id).sample_data == {}


def test_the_preview_api_names_the_mistake_too(client):
    response = client.post("/api/preview", json={"mjml": "<mjml><mj-body></mj-body></mjml>", "sample_data": "{"})

    assert response.status_code == 422
    assert error_of(response)["fields"] == {
        "sample_data": "Line 1, column 2: expected a name in double quotes, e.g. \"firstname\" "
                       "(JSON allows no single quotes or trailing commas)."
    }
