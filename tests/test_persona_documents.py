"""The campaign document carries the personas and the goal questions: export, then import, gives an equal campaign
(in the same workspace the personas are reused by name, in another they are made), and a version 1 document from
before personas imports as before."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest
from flask.testing import FlaskClient

from accounts.models import Membership, User, Workspace
from api_support import csrf_token_from, error_of, sign_in
from campaigns import services as campaign_services
from campaigns.demo import create_demo
from campaigns.models import Campaign
from exports.documents import export_document
from journeymail.extensions import db
from segments import services as segment_services
from segments.models import Persona, Segment


@pytest.fixture
def planned(create_campaign: Callable[..., Campaign], create_segment: Callable[..., Segment],
            create_touchpoint: Callable[..., Any]) -> Campaign:
    maya = segment_services.create_persona({"name": "Maya", "quote": "One plan.", "goals": "Save time\nLook good"})
    jonas = segment_services.create_persona({"name": "Jonas", "role": "Solo marketer"})
    segment_services.create_persona({"name": "Unused"})  # named by nothing: not in the document
    campaign = create_campaign(persona_id=maya.id, goal_kpi="Trial-to-paid conversion", goal_target="20 %",
                               touchpoint_effects="The case study makes the webinar land.")
    evaluators = create_segment(name="Evaluators", persona_id=maya.id)
    browsers = create_segment(name="Browsers", persona_id=jonas.id)
    loners = create_segment(name="Loners")
    campaign_services.set_segments(campaign, {"segment_ids": [evaluators.id, browsers.id, loners.id]})
    campaign_services.update_phase(campaign.phases[0], {"content_needs": "An e-book"})
    create_touchpoint(campaign, 0, feeling="curious")
    db.session.commit()
    return campaign


def document_of(client: FlaskClient, campaign: Campaign) -> dict[str, Any]:
    return client.get(f"/campaigns/{campaign.id}/export/campaign.json").get_json()


def comparable(document: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in document.items() if k != "exported_at"} | {
        "campaign": {k: v for k, v in document["campaign"].items() if k != "name"}}


def test_the_document_names_the_personas_and_holds_the_goal_questions(client: FlaskClient, planned: Campaign) -> None:
    document = document_of(client, planned)

    assert document["version"] == 1
    assert [p["name"] for p in document["personas"]] == ["Maya", "Jonas"]  # the main one first; "Unused" left out
    assert document["personas"][0] == {"name": "Maya", "quote": "One plan.", "role": "", "goals": "Save time\nLook good",
                                       "needs": "", "motives": "", "sources": ""}
    assert document["campaign"]["persona"] == "Maya"
    assert (document["campaign"]["goal_kpi"], document["campaign"]["goal_target"]) == ("Trial-to-paid conversion", "20 %")
    assert {s["name"]: s["persona"] for s in document["segments"]} == {"Evaluators": "Maya", "Browsers": "Jonas",
                                                                      "Loners": None}
    assert document["phases"][0]["content_needs"] == "An e-book"
    assert document["touchpoints"][0]["feeling"] == "curious"


def test_importing_into_the_same_workspace_reuses_the_personas(client: FlaskClient, planned: Campaign) -> None:
    document = document_of(client, planned)

    response = client.post("/api/campaigns/import", json=document)

    assert response.status_code == 201, response.get_json()
    imported = response.get_json()
    assert db.session.scalar(db.select(db.func.count(Persona.id))) == 3
    maya = db.session.scalar(db.select(Persona).where(Persona.name == "Maya"))
    assert imported["persona_id"] == maya.id
    again = client.get(f"/campaigns/{imported['id']}/export/campaign.json").get_json()
    assert comparable(again) == comparable(document)


def test_importing_into_another_workspace_makes_the_personas_and_gives_an_equal_campaign(
    app: Any, client: FlaskClient, planned: Campaign, password_hash: str
) -> None:
    document = document_of(client, planned)
    other = Workspace(name="Elsewhere", test_send_allow_list=[])
    user = User(email="else@example.com", name="Else", password_hash=password_hash)
    db.session.add_all([other, user, Membership(user=user, workspace=other, role="owner")])
    db.session.commit()
    browser = app.test_client()
    sign_in(browser, user)

    response = browser.post("/api/campaigns/import", json=document)

    assert response.status_code == 201, response.get_json()
    imported = response.get_json()
    personas = {p["name"]: p for p in browser.get("/api/personas").get_json()}
    assert set(personas) == {"Maya", "Jonas"}
    assert personas["Maya"]["goals"] == "Save time\nLook good"
    assert imported["persona_id"] == personas["Maya"]["id"]
    segments = {s["name"]: s["persona_id"] for s in browser.get("/api/segments").get_json()}
    assert segments == {"Evaluators": personas["Maya"]["id"], "Browsers": personas["Jonas"]["id"], "Loners": None}
    again = browser.get(f"/campaigns/{imported['id']}/export/campaign.json").get_json()
    assert comparable(again) == comparable(document)


def test_an_existing_persona_that_differs_is_kept_and_the_import_says_so(client: FlaskClient, planned: Campaign) -> None:
    document = document_of(client, planned)
    document["personas"][0]["quote"] = "Another quote"

    response = client.post("/api/campaigns/import", json=document)

    assert response.status_code == 201
    maya = db.session.scalar(db.select(Persona).where(Persona.name == "Maya"))
    assert maya.quote == "One plan."
    assert response.get_json()["notes"] == [
        'The persona "Maya" already exists and differs from the document\'s (quote); the campaign uses the existing '
        "persona."]


def test_a_document_from_before_personas_imports_as_before(client: FlaskClient, planned: Campaign) -> None:
    document = document_of(client, planned)
    old = copy.deepcopy(document)
    del old["personas"]
    for key in ("persona", "goal_kpi", "goal_target", "touchpoint_effects"):
        del old["campaign"][key]
    for segment in old["segments"]:
        del segment["persona"]
    for phase in old["phases"]:
        del phase["content_needs"]
    for touchpoint in old["touchpoints"]:
        del touchpoint["feeling"]

    response = client.post("/api/campaigns/import", json=old)

    assert response.status_code == 201, response.get_json()
    imported = response.get_json()
    assert (imported["persona_id"], imported["goal_kpi"], imported["phases"][0]["content_needs"]) == (None, "", "")
    assert imported["touchpoints"][0]["feeling"] == ""


@pytest.mark.parametrize(("change", "path", "message"), [
    (lambda d: d["campaign"].update(persona="Nobody"), "campaign.persona", 'No persona named "Nobody" in personas.'),
    (lambda d: d["segments"][0].update(persona=3), "segments[0].persona",
     "Must be the name of a persona in personas, or null."),
    (lambda d: d["personas"].append({"name": "MAYA"}), "personas[2].name", '"MAYA" is listed already, as personas[0].'),
    (lambda d: d["personas"][1].update(name=""), "personas[1].name", "This field is required."),
    (lambda d: d.update(personas={"name": "Maya"}), "personas", "Must be a list."),
])
def test_a_document_with_a_bad_persona_is_refused_by_path_and_imports_nothing(
    client: FlaskClient, planned: Campaign, change: Callable[[dict], None], path: str, message: str
) -> None:
    document = document_of(client, planned)
    change(document)
    campaigns_before = db.session.scalar(db.select(db.func.count(Campaign.id)))

    response = client.post("/api/campaigns/import", json=document)

    assert response.status_code == 422
    assert error_of(response)["fields"][path] == message
    assert db.session.scalar(db.select(db.func.count(Campaign.id))) == campaigns_before
    assert db.session.scalar(db.select(db.func.count(Persona.id))) == 3


def test_a_duplicate_starts_from_the_same_persona(client: FlaskClient, planned: Campaign) -> None:
    response = client.post(f"/campaigns/{planned.id}/duplicate", data={"csrf_token": csrf(client)})

    assert response.status_code == 302
    copy_ = db.session.scalar(db.select(Campaign).where(Campaign.name == "Trial journey (copy)"))
    assert copy_.persona.name == "Maya" and copy_.goal_target == "20 %"


def csrf(client: FlaskClient) -> str:
    return csrf_token_from(client.get("/campaigns").get_data(as_text=True))


def test_the_demo_round_trips_with_its_personas(client: FlaskClient) -> None:
    demo = create_demo()
    db.session.commit()
    document = export_document(demo)

    response = client.post("/api/campaigns/import", json=document)

    assert response.status_code == 201
    assert comparable(document_of(client, db.session.get(Campaign, response.get_json()["id"]))) == comparable(
        {**document, "exported_at": ""})
