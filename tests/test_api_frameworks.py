"""GET /api/frameworks, and the phases a new campaign copies from its framework."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from campaigns.frameworks import FRAMEWORKS

FRAMEWORK_KEYS = ["seven-phase", "email-journey", "five-stage", "aida-loyalty", "four-phase"]


def test_frameworks_lists_all_five_with_their_phases(client: FlaskClient) -> None:
    response = client.get("/api/frameworks")

    assert response.status_code == 200
    frameworks = response.get_json()
    assert [f["key"] for f in frameworks] == FRAMEWORK_KEYS
    five_stage = next(f for f in frameworks if f["key"] == "five-stage")
    assert five_stage["name"] == "Five-stage funnel"
    assert [p["name"] for p in five_stage["phases"]] == [
        "Awareness",
        "Consideration",
        "Decision",
        "Retention",
        "Advocacy",
    ]
    for framework in frameworks:
        assert framework["phases"], framework["key"]
        for phase in framework["phases"]:
            assert set(phase) == {"name", "description"}
            assert phase["name"] and phase["description"]


@pytest.mark.parametrize("key", FRAMEWORK_KEYS)
def test_a_new_campaign_copies_its_frameworks_phases(client: FlaskClient, key: str) -> None:
    response = client.post(
        "/api/campaigns",
        json={
            "name": "Trial journey",
            "goal": "Start a free trial",
            "framework": key,
            "sender_name": "Maya",
            "sender_email": "maya@example.com",
        },
    )

    assert response.status_code == 201
    phases = response.get_json()["phases"]
    expected = FRAMEWORKS[key].phases
    assert [(p["name"], p["description"]) for p in phases] == [(t.name, t.description) for t in expected]
    assert [p["position"] for p in phases] == list(range(len(expected)))
    assert {p["emotion"] for p in phases} == {0}
