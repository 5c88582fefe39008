"""The phase API: add, rename, describe, reorder and delete a campaign's phases."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask.testing import FlaskClient

from api_support import database_rows, error_of, unknown_id
from campaigns.models import Campaign, Phase, Touchpoint
from journeymail.extensions import db

FIVE_STAGES = ["Awareness", "Consideration", "Decision", "Retention", "Advocacy"]


def phases_of(client: FlaskClient, campaign: Campaign) -> list[dict[str, Any]]:
    """The campaign's phases as the API shows them, in order."""
    return client.get(f"/api/campaigns/{campaign.id}").get_json()["phases"]


# --- adding ----------------------------------------------------------------------------------


def test_a_new_phase_goes_to_the_end_by_default(client: FlaskClient, create_campaign: Callable[..., Campaign]) -> None:
    campaign = create_campaign()

    response = client.post(f"/api/campaigns/{campaign.id}/phases", json={"name": "Win-back"})

    assert response.status_code == 201
    phase = response.get_json()
    assert isinstance(phase["id"], int)
    assert phase["campaign_id"] == campaign.id
    assert (phase["name"], phase["position"], phase["emotion"], phase["description"]) == ("Win-back", 5, 0, "")
    assert [p["name"] for p in phases_of(client, campaign)] == [*FIVE_STAGES, "Win-back"]


def test_a_new_phase_at_a_position_moves_the_later_ones_along(
    client: FlaskClient, create_campaign: Callable[..., Campaign]
) -> None:
    campaign = create_campaign()

    response = client.post(
        f"/api/campaigns/{campaign.id}/phases",
        json={"name": "Onboarding", "position": 3, "description": "Learns the product.", "emotion": -1},
    )

    assert response.status_code == 201
    assert response.get_json()["position"] == 3
    phases = phases_of(client, campaign)
    assert [p["name"] for p in phases] == [*FIVE_STAGES[:3], "Onboarding", *FIVE_STAGES[3:]]
    assert [p["position"] for p in phases] == [0, 1, 2, 3, 4, 5]
    assert (phases[3]["description"], phases[3]["emotion"]) == ("Learns the product.", -1)


def test_a_position_past_the_end_puts_the_phase_last(
    client: FlaskClient, create_campaign: Callable[..., Campaign]
) -> None:
    campaign = create_campaign()

    response = client.post(f"/api/campaigns/{campaign.id}/phases", json={"name": "Win-back", "position": 99})

    assert response.get_json()["position"] == 5


def test_a_new_phase_at_position_zero_comes_first(
    client: FlaskClient, create_campaign: Callable[..., Campaign]
) -> None:
    campaign = create_campaign()

    client.post(f"/api/campaigns/{campaign.id}/phases", json={"name": "Research", "position": 0})

    phases = phases_of(client, campaign)
    assert [p["name"] for p in phases] == ["Research", *FIVE_STAGES]
    assert [p["position"] for p in phases] == list(range(6))


PHASE_REFUSALS = [
    ({"name": ""}, "name", "This field is required."),
    ({"name": "x" * 81}, "name", "At most 80 characters (this has 81)."),
    ({"name": 123}, "name", "Must be text."),
    ({"name": "Two\nlines"}, "name", "Must be a single line."),
    ({"emotion": 3}, "emotion", "Must be between -2 and 2."),
    ({"emotion": -3}, "emotion", "Must be between -2 and 2."),
    ({"emotion": "happy"}, "emotion", "Must be a whole number."),
    ({"emotion": 1.5}, "emotion", "Must be a whole number."),
    ({"position": -1}, "position", "Must be between 0 and 10000."),
    ({"position": "first"}, "position", "Must be a whole number."),
    ({"description": ["a"]}, "description", "Must be text."),
    ({"description": "x" * 2001}, "description", "At most 2000 characters (this has 2001)."),
    ({"pain_points": 5}, "pain_points", "Must be text."),
    ({"opportunities": {"a": 1}}, "opportunities", "Must be text."),
    ({"campaign_id": 1}, "campaign_id", "Unknown field."),
    ({"mood": "happy"}, "mood", "Unknown field."),
]


@pytest.mark.parametrize(("change", "field", "message"), PHASE_REFUSALS)
def test_adding_a_phase_with_a_bad_field_is_refused_and_writes_nothing(
    client: FlaskClient, create_campaign: Callable[..., Campaign], change: dict[str, Any], field: str, message: str
) -> None:
    campaign = create_campaign()
    before = database_rows()

    response = client.post(f"/api/campaigns/{campaign.id}/phases", json={"name": "Onboarding", **change})

    assert response.status_code == 422
    assert error_of(response) == {"message": message, "fields": {field: message}}
    assert database_rows() == before


def test_adding_a_phase_to_a_campaign_that_does_not_exist_is_404(client: FlaskClient) -> None:
    response = client.post(f"/api/campaigns/{unknown_id(Campaign)}/phases", json={"name": "Onboarding"})

    assert response.status_code == 404
    assert error_of(response)["fields"] == {}


# --- editing ---------------------------------------------------------------------------------


def test_a_phase_can_be_renamed_described_and_given_an_emotion_pain_points_and_opportunities(
    client: FlaskClient, create_campaign: Callable[..., Campaign]
) -> None:
    campaign = create_campaign()
    phase = campaign.phases[1]

    response = client.patch(
        f"/api/phases/{phase.id}",
        json={
            "name": "Comparison",
            "description": "Compares us with two rivals.",
            "emotion": -2,
            "pain_points": "Pricing page is confusing\nNo case studies",
            "opportunities": "Send a comparison table",
        },
    )

    assert response.status_code == 200
    assert response.get_json() == {
        "id": phase.id,
        "campaign_id": campaign.id,
        "position": 1,
        "name": "Comparison",
        "description": "Compares us with two rivals.",
        "emotion": -2,
        "pain_points": "Pricing page is confusing\nNo case studies",
        "opportunities": "Send a comparison table",
        "content_needs": "",
    }
    db.session.expire_all()
    assert db.session.get(Phase, phase.id).emotion == -2


def test_editing_one_field_keeps_the_others(client: FlaskClient, create_campaign: Callable[..., Campaign]) -> None:
    campaign = create_campaign()
    phase = campaign.phases[0]
    client.patch(f"/api/phases/{phase.id}", json={"emotion": 2, "pain_points": "Too many newsletters"})

    response = client.patch(f"/api/phases/{phase.id}", json={"name": "Discovery"})

    body = response.get_json()
    assert (body["name"], body["emotion"], body["pain_points"]) == ("Discovery", 2, "Too many newsletters")
    assert body["description"].startswith("Notices a need")


@pytest.mark.parametrize(
    ("phase_index", "position", "expected"),
    [
        (0, 4, ["Consideration", "Decision", "Retention", "Advocacy", "Awareness"]),
        (4, 0, ["Advocacy", "Awareness", "Consideration", "Decision", "Retention"]),
        (1, 3, ["Awareness", "Decision", "Retention", "Consideration", "Advocacy"]),
        (3, 1, ["Awareness", "Retention", "Consideration", "Decision", "Advocacy"]),
        (2, 2, FIVE_STAGES),
        (0, 99, ["Consideration", "Decision", "Retention", "Advocacy", "Awareness"]),
    ],
)
def test_reordering_a_phase_renumbers_the_others(
    client: FlaskClient,
    create_campaign: Callable[..., Campaign],
    phase_index: int,
    position: int,
    expected: list[str],
) -> None:
    campaign = create_campaign()
    phase = campaign.phases[phase_index]

    response = client.patch(f"/api/phases/{phase.id}", json={"position": position})

    assert response.status_code == 200
    assert response.get_json()["position"] == expected.index(phase.name)
    phases = phases_of(client, campaign)
    assert [p["name"] for p in phases] == expected
    assert [p["position"] for p in phases] == [0, 1, 2, 3, 4]


def test_reordering_keeps_each_phases_touchpoints(
    client: FlaskClient, create_campaign: Callable[..., Campaign], create_touchpoint: Callable[..., Touchpoint]
) -> None:
    campaign = create_campaign()
    welcome = create_touchpoint(campaign, 0, name="Welcome")

    client.patch(f"/api/phases/{campaign.phases[0].id}", json={"position": 2})

    body = client.get(f"/api/campaigns/{campaign.id}").get_json()
    assert [p["name"] for p in body["phases"]][2] == "Awareness"
    assert body["touchpoints"][0]["id"] == welcome.id
    assert body["touchpoints"][0]["phase_id"] == body["phases"][2]["id"]


def test_reordering_one_campaign_leaves_another_alone(
    client: FlaskClient, create_campaign: Callable[..., Campaign]
) -> None:
    campaign = create_campaign()
    other = create_campaign(name="Winback")

    client.patch(f"/api/phases/{campaign.phases[0].id}", json={"position": 4})

    phases = phases_of(client, other)
    assert [p["name"] for p in phases] == FIVE_STAGES
    assert [p["position"] for p in phases] == [0, 1, 2, 3, 4]


@pytest.mark.parametrize(("change", "field", "message"), PHASE_REFUSALS)
def test_editing_a_phase_with_a_bad_field_changes_nothing(
    client: FlaskClient, create_campaign: Callable[..., Campaign], change: dict[str, Any], field: str, message: str
) -> None:
    campaign = create_campaign()
    phase = campaign.phases[2]
    before = database_rows()

    good = {"name": "Buying"} if field != "name" else {"description": "Ready to buy."}  # not saved either

    response = client.patch(f"/api/phases/{phase.id}", json={**good, **change})

    assert response.status_code == 422
    assert error_of(response)["fields"] == {field: message}
    assert database_rows() == before


def test_editing_a_phase_that_does_not_exist_is_404(client: FlaskClient) -> None:
    response = client.patch(f"/api/phases/{unknown_id(Phase)}", json={"name": "Discovery"})

    assert response.status_code == 404


# --- deleting --------------------------------------------------------------------------------


def test_deleting_an_empty_phase_renumbers_the_rest(
    client: FlaskClient, create_campaign: Callable[..., Campaign]
) -> None:
    campaign = create_campaign()
    phase_id = campaign.phases[1].id

    response = client.delete(f"/api/phases/{phase_id}")

    assert response.status_code == 204
    phases = phases_of(client, campaign)
    assert [p["name"] for p in phases] == ["Awareness", "Decision", "Retention", "Advocacy"]
    assert [p["position"] for p in phases] == [0, 1, 2, 3]
    assert db.session.get(Phase, phase_id) is None


def test_deleting_a_phase_with_touchpoints_is_refused(
    client: FlaskClient, create_campaign: Callable[..., Campaign], create_touchpoint: Callable[..., Touchpoint]
) -> None:
    campaign = create_campaign()
    create_touchpoint(campaign, 1, name="Comparison guide")
    create_touchpoint(campaign, 1, kind="landing_page", name="Pricing page")
    before = database_rows()

    response = client.delete(f"/api/phases/{campaign.phases[1].id}")

    assert response.status_code == 409
    assert error_of(response) == {
        "message": '"Consideration" still holds 2 touchpoints. Move or delete them first.',
        "fields": {},
    }
    assert database_rows() == before


def test_a_phase_with_one_touchpoint_says_so_in_the_singular(
    client: FlaskClient, create_campaign: Callable[..., Campaign], create_touchpoint: Callable[..., Touchpoint]
) -> None:
    campaign = create_campaign()
    create_touchpoint(campaign, 0)

    response = client.delete(f"/api/phases/{campaign.phases[0].id}")

    assert error_of(response)["message"] == '"Awareness" still holds 1 touchpoint. Move or delete it first.'


def test_a_phase_emptied_by_moving_its_touchpoint_away_can_be_deleted(
    client: FlaskClient, create_campaign: Callable[..., Campaign], create_touchpoint: Callable[..., Touchpoint]
) -> None:
    campaign = create_campaign()
    touchpoint = create_touchpoint(campaign, 0)
    client.patch(f"/api/touchpoints/{touchpoint.id}", json={"phase_id": campaign.phases[1].id})

    response = client.delete(f"/api/phases/{campaign.phases[0].id}")

    assert response.status_code == 204
    assert [p["name"] for p in phases_of(client, campaign)] == FIVE_STAGES[1:]


def test_deleting_a_phase_that_does_not_exist_is_404(client: FlaskClient) -> None:
    response = client.delete(f"/api/phases/{unknown_id(Phase)}")

    assert response.status_code == 404
    assert error_of(response)["fields"] == {}
