"""The persona pages and the goal questions in the forms and on the journey map, in English and German: personas
are listed, created, edited and deleted with CSRF; a campaign chooses its main persona, a segment its persona;
the map shows the goal panel (goal, KPI and target) and the persona card, escaped."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask.testing import FlaskClient

from campaigns import services as campaign_services
from campaigns.demo import create_demo
from campaigns.demo_de import create_demo_de
from campaigns.models import Campaign
from html_tree import Element, parse
from journeymail.extensions import db
from segments import services as segment_services
from segments.models import Persona, Segment

GERMAN = {"Accept-Language": "de"}


def page(response: Any) -> Element:
    assert response.status_code == 200, response.status_code
    return parse(response.get_data(as_text=True))


@pytest.fixture
def maya() -> Persona:
    persona = segment_services.create_persona({
        "name": "Maya", "quote": "One plan for the whole team.", "role": "Agency lead, 34",
        "goals": "Plan a month in an afternoon\nHappy clients\nEvenings free", "needs": "A quick set-up",
        "motives": "Look competent", "sources": "Twelve interviews",
    })
    db.session.commit()
    return persona


def test_the_personas_page_lists_each_persona_as_a_card_with_its_segments(
    client: FlaskClient, maya: Persona, create_segment: Callable[..., Segment]
) -> None:
    create_segment(name="Engaged evaluators", persona_id=maya.id)

    html = page(client.get("/personas"))

    card = html.by_id(f"persona-card-{maya.id}")
    assert card.select("h2")[0].text() == "M Maya"  # the avatar's initial, hidden from screen readers, then the name
    assert card.select("blockquote")[0].text() == "One plan for the whole team."
    assert [li.text() for li in card.select("div", class_="persona-goals")[0].select("li")] == [
        "Plan a month in an afternoon", "Happy clients", "Evenings free"]
    assert "Twelve interviews" in card.text()
    assert "Engaged evaluators" in html.by_id(f"persona-{maya.id}").text()
    assert html.select("a", href="/personas/new")


def test_a_persona_is_created_edited_and_deleted_through_its_forms(
    client: FlaskClient, post_form: Callable[..., Any], create_segment: Callable[..., Segment]
) -> None:
    created = post_form("/personas/new", {"name": "Jonas", "quote": "Quick or never.", "role": "Solo marketer",
                                          "goals": "", "needs": "", "motives": "", "sources": ""})

    assert created.status_code == 302
    jonas = db.session.scalar(db.select(Persona).where(Persona.name == "Jonas"))
    assert jonas.quote == "Quick or never."
    jonas_id = jonas.id
    segment = create_segment(name="Browsers", persona_id=jonas.id)

    edited = post_form(f"/personas/{jonas.id}/edit", {"name": "Jonas K.", "quote": "Quick or never."})
    assert edited.status_code == 302
    db.session.expire_all()
    assert db.session.get(Persona, jonas.id).name == "Jonas K."

    confirm = page(client.get(f"/personas/{jonas.id}/delete"))
    assert "Browsers" in confirm.text() and "it stays, without a persona" in confirm.text()
    deleted = post_form(f"/personas/{jonas_id}/delete", {})
    assert deleted.status_code == 302
    db.session.expire_all()
    assert db.session.get(Persona, jonas_id) is None
    assert db.session.get(Segment, segment.id).persona_id is None


def test_a_bad_persona_form_is_shown_again_with_the_reason(post_form: Callable[..., Any], maya: Persona) -> None:
    response = post_form("/personas/new", {"name": "MAYA"})

    assert response.status_code == 422
    assert "This name is taken; choose another." in response.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count(Persona.id))) == 1


def test_a_persona_form_without_its_csrf_token_is_refused(client: FlaskClient) -> None:
    client.get("/personas/new")

    response = client.post("/personas/new", data={"name": "Eve"})

    assert response.status_code == 400
    assert db.session.scalar(db.select(Persona).where(Persona.name == "Eve")) is None


def test_a_segment_and_a_campaign_choose_their_persona_in_their_forms(
    client: FlaskClient, post_form: Callable[..., Any], maya: Persona, create_segment: Callable[..., Segment],
    create_campaign: Callable[..., Campaign],
) -> None:
    segment = create_segment(name="Evaluators")
    campaign = create_campaign()
    form = page(client.get(f"/segments/{segment.id}/edit"))
    assert [o.text() for o in form.select("select", name="persona_id")[0].select("option")] == ["— no persona —", "Maya"]

    post_form(f"/segments/{segment.id}/edit", {"name": "Evaluators", "motivation": "m", "action": "a",
                                               "obstacle": "o", "persona_id": str(maya.id)})
    post_form(f"/campaigns/{campaign.id}/edit", {
        "name": "Trial journey", "goal": "Start a free trial", "sender_name": "Maya", "sender_email": "maya@example.com",
        "locale": "en_US", "map_state": "future", "address_form": "formal", "persona_id": str(maya.id),
        "goal_kpi": "Trial-to-paid conversion", "goal_target": "20 %", "touchpoint_effects": "One leads to the next",
    })

    db.session.expire_all()
    assert db.session.get(Segment, segment.id).persona_id == maya.id
    saved = db.session.get(Campaign, campaign.id)
    assert (saved.persona_id, saved.goal_kpi, saved.goal_target) == (maya.id, "Trial-to-paid conversion", "20 %")
    edit = page(client.get(f"/campaigns/{campaign.id}/edit"))
    chosen = [o for o in edit.select("select", name="persona_id")[0].select("option") if o.get("selected") is not None]
    assert [o.text() for o in chosen] == ["Maya"]
    assert "Maya" in page(client.get("/segments")).by_id(f"segment-{segment.id}").text()


def test_the_map_shows_the_goal_panel_and_the_main_persona_card(
    client: FlaskClient, maya: Persona, create_campaign: Callable[..., Campaign],
    create_segment: Callable[..., Segment], create_touchpoint: Callable[..., Any],
) -> None:
    campaign = create_campaign(persona_id=maya.id, goal_kpi="Trial-to-paid conversion", goal_target="20 %",
                               touchpoint_effects="The case study makes the webinar land.")
    segment = create_segment(name="Evaluators", persona_id=maya.id)
    campaign_services.set_segments(campaign, {"segment_ids": [segment.id]})
    campaign_services.update_phase(campaign.phases[0], {"content_needs": "An e-book"})
    create_touchpoint(campaign, 0, feeling="curious, short of time")
    db.session.commit()

    html = page(client.get(f"/campaigns/{campaign.id}"))

    goal = html.select("section", class_="goal-panel")[0]
    assert goal.select("p", class_="goal")[0].text() == "Start a free trial"
    assert goal.select("dd", class_="goal-kpi")[0].text() == "Trial-to-paid conversion"
    assert goal.select("dd", class_="goal-target")[0].text() == "20 %"
    assert "The case study makes the webinar land." in goal.text()
    card = html.by_id("map-persona")
    assert card.get("aria-labelledby") == "map-persona-name"
    assert "Whose journey: the main persona" in card.text()
    assert "One plan for the whole team." in card.text() and "Agency lead, 34" in card.text()
    assert [li.text() for li in card.select("div", class_="persona-goals")[0].select("li")] == [
        "Plan a month in an afternoon", "Happy clients"]  # the map shows the first two
    assert "Twelve interviews" not in card.text()  # the sources are on the personas page
    assert "Persona: Maya" in html.select("div", data_segment_id=str(segment.id))[0].text()
    assert "An e-book" in html.select("div", class_="lane-content")[0].text()
    assert "curious, short of time" in html.select("p", class_="tp-feeling")[0].text()


def test_a_map_without_a_persona_says_whom_to_start_with(client: FlaskClient, create_campaign: Callable[..., Campaign]):
    campaign = create_campaign()

    html = page(client.get(f"/campaigns/{campaign.id}"))

    assert "No persona chosen" in html.select("section", class_="persona-missing")[0].text()
    assert "Set a KPI and its target in the settings" in html.select("section", class_="goal-panel")[0].text()


def test_persona_text_is_escaped_everywhere(client: FlaskClient, create_campaign: Callable[..., Campaign]) -> None:
    evil = "<script>alert(1)</script>"
    persona = segment_services.create_persona({"name": f"Eve {evil}", "quote": evil, "goals": evil, "role": evil})
    campaign = create_campaign(persona_id=persona.id, goal_kpi=evil, goal_target=evil)
    db.session.commit()

    for url in ["/personas", f"/campaigns/{campaign.id}", f"/personas/{persona.id}/edit", f"/personas/{persona.id}/delete"]:
        text = client.get(url).get_data(as_text=True)
        assert evil not in text, url
        assert "&lt;script&gt;" in text, url


def test_a_viewer_sees_the_personas_but_no_buttons_to_change_them(
    client_as: Callable[..., FlaskClient], maya: Persona
) -> None:
    html = page(client_as("viewer").get("/personas"))

    assert html.by_id(f"persona-card-{maya.id}") is not None
    assert not html.select("a", href="/personas/new")
    assert not html.select("a", href=f"/personas/{maya.id}/edit")
    assert page(client_as("viewer").get("/segments")).select("a", href="/personas")  # reached from the Segments page


# --- German ---------------------------------------------------------------------------------------


def test_the_personas_pages_are_german_for_a_german_browser(client: FlaskClient, maya: Persona) -> None:
    listing = client.get("/personas", headers=GERMAN).get_data(as_text=True)
    form = client.get("/personas/new", headers=GERMAN).get_data(as_text=True)
    delete = client.get(f"/personas/{maya.id}/delete", headers=GERMAN).get_data(as_text=True)

    assert "Neue Persona" in listing and "Ziele" in listing and "Bedürfnisse" in listing and "Motive" in listing
    assert "Quellen" in listing
    assert "Zitat" in form and "Rolle und Demografie" in form and "Persona erstellen" in form
    assert "Die Persona „Maya“ löschen?" in delete
    for english in ["New persona", "Needs", "Motives", "Sources", "Create persona", "Delete the persona"]:
        assert english not in listing + form + delete, english


def test_the_german_demo_map_shows_its_persona_and_its_goal_in_german(client: FlaskClient) -> None:
    demo = create_demo_de()
    db.session.commit()

    html = page(client.get(f"/campaigns/{demo.id}", headers=GERMAN))

    card = html.by_id("map-persona")
    assert "Sandra, die Aufsteigerin" in card.text()
    assert "Wessen Journey: die Haupt-Persona" in card.text()
    goal = html.select("section", class_="goal-panel")[0]
    assert "Ziel" in goal.text() and "Zielwert" in goal.text() and "25 %" in goal.text()
    assert "Benötigte Inhalte" in html.select("div", class_="lane-content")[0].text()
    assert "Whose journey" not in html.text() and "Content needed" not in html.text()


def test_the_english_demo_starts_from_its_main_persona_and_has_a_measurable_goal(client: FlaskClient) -> None:
    demo = create_demo()
    db.session.commit()

    assert demo.persona.name == "Maya, the agency lead"
    assert (demo.goal_kpi, demo.goal_target) == ("Trial-to-paid conversion", "20 %")
    assert all(segment.persona is not None for segment in demo.segments)
    assert all(phase.content_needs for phase in demo.phases)
    html = page(client.get(f"/campaigns/{demo.id}"))
    assert "Maya, the agency lead" in html.by_id("map-persona").text()
    assert "20 %" in html.select("dd", class_="goal-target")[0].text()
