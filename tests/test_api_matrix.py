"""The matrix API: every targeted segment × phase cell, its emails in send order, gaps, variants,
and check counts that add up to what the previews of those emails show."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from flask.testing import FlaskClient

from api_support import error_of, unknown_id
from campaigns.models import Campaign, Touchpoint
from journeymail.security import DOCUMENT_POLICY
from segments.models import Segment

CLEAN = """<mjml>
  <mj-body>
    <mj-section>
      <mj-column>
        <mj-text>Hello {{ firstname | default("there") }}.</mj-text>
        <mj-button href="https://example.com/start">Start</mj-button>
        <mj-text><a href="{{ unsubscribe_url }}">Unsubscribe</a></mj-text>
      </mj-column>
    </mj-section>
  </mj-body>
</mjml>
"""
# two errors (broken link, no unsubscribe link) and one warning (image without alt)
FLAWED = """<mjml>
  <mj-body>
    <mj-section>
      <mj-column>
        <mj-image src="https://example.com/hero.png" />
        <mj-button href="#">Start</mj-button>
      </mj-column>
    </mj-section>
  </mj-body>
</mjml>
"""
PREHEADER = "Three things to try in your first week with us"


@dataclass
class Plan:
    campaign: Campaign
    founders: Segment
    students: Segment
    lurkers: Segment  # exists, but the campaign does not target it
    welcome: Touchpoint  # phase 0, day 0
    tips: Touchpoint  # phase 0, day 3
    check_in: Touchpoint  # phase 0, day 1 (added last, so its position is last)
    same_day: Touchpoint  # phase 0, day 1, placed before check_in
    form: Touchpoint  # phase 0, a signup form: no email
    offer: Touchpoint  # phase 1, only for founders


@pytest.fixture
def plan(
    client: FlaskClient,
    create_campaign: Callable[..., Campaign],
    create_segment: Callable[..., Segment],
    create_touchpoint: Callable[..., Touchpoint],
) -> Plan:
    campaign = create_campaign()  # five phases
    founders = create_segment(name="Busy founders", sample_data={"firstname": "Ada"})
    students = create_segment(name="Students", sample_data={"firstname": "Sam"})
    lurkers = create_segment(name="Lurkers")
    assert client.put(
        f"/api/campaigns/{campaign.id}/segments", json={"segment_ids": [students.id, founders.id]}
    ).status_code == 200
    content = {"subject": "Welcome", "preheader": PREHEADER, "mjml": CLEAN}
    welcome = create_touchpoint(campaign, name="Welcome", send_offset_days=0, **content)
    tips = create_touchpoint(campaign, kind="onboarding", name="Tips", send_offset_days=3, **content)
    check_in = create_touchpoint(campaign, kind="follow_up", name="Check-in", send_offset_days=1, **content)
    same_day = create_touchpoint(
        campaign, kind="reminder", name="Reminder", send_offset_days=1, position=0, **{**content, "mjml": FLAWED}
    )
    form = create_touchpoint(campaign, kind="signup_form", name="Signup form")
    offer = create_touchpoint(
        campaign, 1, kind="offer", name="Founders' offer", segment_ids=[founders.id], **{**content, "subject": ""}
    )
    return Plan(campaign, founders, students, lurkers, welcome, tips, check_in, same_day, form, offer)


def matrix_of(client: FlaskClient, campaign: Campaign) -> dict[str, Any]:
    response = client.get(f"/api/campaigns/{campaign.id}/matrix")
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    return response.get_json()


def cell(matrix: dict[str, Any], phase_id: int, segment: Segment) -> dict[str, Any]:
    found = [c for c in matrix["cells"] if (c["phase_id"], c["segment_id"]) == (phase_id, segment.id)]
    assert len(found) == 1
    return found[0]


def preview_checks(client: FlaskClient, plan: Plan, touchpoint_id: int, segment: Segment) -> list[dict[str, Any]]:
    response = client.get(
        f"/api/campaigns/{plan.campaign.id}/preview", query_string={"touchpoint": touchpoint_id, "segment": segment.id}
    )
    assert response.status_code == 200
    return response.get_json()["checks"]


def counted(checks: list[dict[str, Any]]) -> dict[str, int]:
    return {severity: sum(c["severity"] == severity for c in checks) for severity in ("error", "warning")}


def test_the_matrix_has_a_cell_for_every_targeted_segment_and_phase(client: FlaskClient, plan: Plan) -> None:
    matrix = matrix_of(client, plan.campaign)

    phase_ids = [p.id for p in plan.campaign.phases]
    assert matrix["campaign_id"] == plan.campaign.id
    assert [p["id"] for p in matrix["phases"]] == phase_ids
    assert [p["name"] for p in matrix["phases"]] == ["Awareness", "Consideration", "Decision", "Retention", "Advocacy"]
    assert [s["id"] for s in matrix["segments"]] == [plan.founders.id, plan.students.id]  # by name
    assert sorted((c["segment_id"], c["phase_id"]) for c in matrix["cells"]) == sorted(
        (s.id, p) for s in (plan.founders, plan.students) for p in phase_ids
    )
    assert plan.lurkers.id not in {c["segment_id"] for c in matrix["cells"]}
    for each in matrix["cells"]:
        assert set(each) >= {"phase_id", "segment_id", "touchpoint_ids", "gap", "checks", "emails"}
        assert set(each["checks"]) == {"error", "warning"}


def test_a_cells_emails_are_in_send_order_offset_then_position(client: FlaskClient, plan: Plan) -> None:
    matrix = matrix_of(client, plan.campaign)

    first_phase = plan.campaign.phases[0].id
    expected = [plan.welcome.id, plan.same_day.id, plan.check_in.id, plan.tips.id]  # days 0, 1, 1, 3
    for segment in (plan.founders, plan.students):
        found = cell(matrix, first_phase, segment)
        assert found["touchpoint_ids"] == expected
        assert [e["touchpoint_id"] for e in found["emails"]] == expected
        assert [e["send_offset_days"] for e in found["emails"]] == [0, 1, 1, 3]
        assert plan.form.id not in found["touchpoint_ids"]  # a form sends no email


def test_moving_an_email_to_another_day_reorders_its_cell(client: FlaskClient, plan: Plan) -> None:
    assert client.patch(f"/api/touchpoints/{plan.tips.id}", json={"send_offset_days": 0}).status_code == 200

    found = cell(matrix_of(client, plan.campaign), plan.campaign.phases[0].id, plan.founders)

    # day 0: welcome before tips (earlier in the phase); then day 1
    assert found["touchpoint_ids"] == [plan.welcome.id, plan.tips.id, plan.same_day.id, plan.check_in.id]


def test_a_phase_without_an_email_for_the_segment_is_a_gap(client: FlaskClient, plan: Plan) -> None:
    matrix = matrix_of(client, plan.campaign)

    second_phase = plan.campaign.phases[1].id
    founders = cell(matrix, second_phase, plan.founders)
    students = cell(matrix, second_phase, plan.students)
    assert (founders["gap"], founders["touchpoint_ids"]) == (False, [plan.offer.id])
    assert (students["gap"], students["touchpoint_ids"], students["emails"]) == (True, [], [])
    assert students["checks"] == {"error": 0, "warning": 0}
    for phase in plan.campaign.phases[2:]:
        assert cell(matrix, phase.id, plan.founders)["gap"] is True
        assert cell(matrix, phase.id, plan.students)["gap"] is True


def test_a_phase_with_only_a_form_is_capture_only_not_a_gap(
    client: FlaskClient, plan: Plan, create_touchpoint: Callable[..., Touchpoint]
) -> None:
    page = create_touchpoint(plan.campaign, 2, kind="landing_page", name="Pricing page")
    form = create_touchpoint(plan.campaign, 2, kind="information_form", name="Quote request")

    matrix = matrix_of(client, plan.campaign)

    for segment in (plan.founders, plan.students):
        found = cell(matrix, plan.campaign.phases[2].id, segment)
        assert (found["gap"], found["capture_only"], found["touchpoint_ids"]) == (False, True, [])
        assert found["capture_touchpoint_ids"] == [page.id, form.id]
        assert found["emails"] == []
    other = cell(matrix, plan.campaign.phases[3].id, plan.founders)  # nothing at all there
    assert (other["gap"], other["capture_only"], other["capture_touchpoint_ids"]) == (True, False, [])


def test_a_form_for_some_segments_only_leaves_a_gap_for_the_others(
    client: FlaskClient, plan: Plan, create_touchpoint: Callable[..., Touchpoint]
) -> None:
    create_touchpoint(plan.campaign, 2, kind="signup_form", name="Founders' signup", segment_ids=[plan.founders.id])

    matrix = matrix_of(client, plan.campaign)

    assert cell(matrix, plan.campaign.phases[2].id, plan.founders)["capture_only"] is True
    students = cell(matrix, plan.campaign.phases[2].id, plan.students)
    assert (students["gap"], students["capture_only"]) == (True, False)


def test_a_form_in_a_phase_that_sends_emails_to_other_segments_leaves_a_gap(
    client: FlaskClient, plan: Plan, create_touchpoint: Callable[..., Touchpoint]
) -> None:
    page = create_touchpoint(plan.campaign, 1, kind="landing_page", name="Pricing page")  # beside the founders' offer

    students = cell(matrix_of(client, plan.campaign), plan.campaign.phases[1].id, plan.students)

    assert (students["gap"], students["capture_only"], students["capture_touchpoint_ids"]) == (True, False, [page.id])


def test_a_cell_with_an_email_and_a_form_is_neither_gap_nor_capture_only(client: FlaskClient, plan: Plan) -> None:
    found = cell(matrix_of(client, plan.campaign), plan.campaign.phases[0].id, plan.students)

    assert (found["gap"], found["capture_only"]) == (False, False)
    assert found["capture_touchpoint_ids"] == [plan.form.id]
    assert plan.form.id not in found["touchpoint_ids"]  # touchpoint_ids stay the emails


def test_opening_an_email_to_every_segment_closes_the_gap(client: FlaskClient, plan: Plan) -> None:
    assert client.patch(f"/api/touchpoints/{plan.offer.id}", json={"segment_ids": []}).status_code == 200

    found = cell(matrix_of(client, plan.campaign), plan.campaign.phases[1].id, plan.students)

    assert (found["gap"], found["touchpoint_ids"]) == (False, [plan.offer.id])


def test_check_counts_are_the_sum_of_the_previews_of_the_cells_emails(client: FlaskClient, plan: Plan) -> None:
    client.put(
        f"/api/touchpoints/{plan.welcome.id}/variants/{plan.founders.id}",
        json={"subject": "x" * 70, "mjml": FLAWED},  # a variant with problems of its own
    )
    matrix = matrix_of(client, plan.campaign)

    nonzero = 0
    for each in matrix["cells"]:
        segment = plan.founders if each["segment_id"] == plan.founders.id else plan.students
        per_email = [counted(preview_checks(client, plan, tid, segment)) for tid in each["touchpoint_ids"]]
        assert [e["checks"] for e in each["emails"]] == per_email
        assert each["checks"] == {
            "error": sum(c["error"] for c in per_email),
            "warning": sum(c["warning"] for c in per_email),
        }
        nonzero += each["checks"] != {"error": 0, "warning": 0}
    assert nonzero >= 3  # the flawed reminder in both first-phase cells, the offer without a subject

    founders_first = cell(matrix, plan.campaign.phases[0].id, plan.founders)
    students_first = cell(matrix, plan.campaign.phases[0].id, plan.students)
    # founders get the flawed variant of the welcome email as well as the flawed reminder
    assert founders_first["checks"]["error"] > students_first["checks"]["error"] > 0
    assert cell(matrix, plan.campaign.phases[1].id, plan.founders)["checks"]["error"] >= 1  # subject-empty


def test_emails_say_whether_the_segment_gets_a_variant(client: FlaskClient, plan: Plan) -> None:
    client.put(
        f"/api/touchpoints/{plan.tips.id}/variants/{plan.students.id}",
        json={"subject": "Study tips, {{ firstname }}"},
    )
    matrix = matrix_of(client, plan.campaign)

    first_phase = plan.campaign.phases[0].id
    students = {e["touchpoint_id"]: e for e in cell(matrix, first_phase, plan.students)["emails"]}
    founders = {e["touchpoint_id"]: e for e in cell(matrix, first_phase, plan.founders)["emails"]}
    assert {tid: e["variant"] for tid, e in students.items()} == {
        plan.welcome.id: False, plan.same_day.id: False, plan.check_in.id: False, plan.tips.id: True
    }
    assert not any(e["variant"] for e in founders.values())
    assert students[plan.tips.id]["subject"] == "Study tips, Sam"  # filled with the segment's values
    assert founders[plan.tips.id]["subject"] == "Welcome"
    assert (students[plan.tips.id]["name"], students[plan.tips.id]["kind"]) == ("Tips", "onboarding")


def test_deleting_a_variant_clears_its_flag(client: FlaskClient, plan: Plan) -> None:
    url = f"/api/touchpoints/{plan.tips.id}/variants/{plan.students.id}"
    client.put(url, json={"subject": "Study tips"})
    client.delete(url)

    students = cell(matrix_of(client, plan.campaign), plan.campaign.phases[0].id, plan.students)

    assert not any(e["variant"] for e in students["emails"])


def test_a_campaign_that_targets_no_segment_has_phases_but_no_cells(
    client: FlaskClient, create_campaign: Callable[..., Campaign], create_touchpoint: Callable[..., Touchpoint]
) -> None:
    campaign = create_campaign()
    create_touchpoint(campaign)

    matrix = matrix_of(client, campaign)

    assert (len(matrix["phases"]), matrix["segments"], matrix["cells"]) == (5, [], [])


def test_an_email_that_does_not_render_still_counts_in_its_cell(client: FlaskClient, plan: Plan) -> None:
    client.patch(f"/api/touchpoints/{plan.check_in.id}", json={"mjml": "<mjml><mj-body><mj-text>x</mjml>"})

    found = cell(matrix_of(client, plan.campaign), plan.campaign.phases[0].id, plan.students)

    check_in = next(e for e in found["emails"] if e["touchpoint_id"] == plan.check_in.id)
    assert check_in["checks"]["error"] >= 1
    assert found["checks"]["error"] >= check_in["checks"]["error"]


def test_the_matrix_of_a_campaign_that_does_not_exist_is_404(client: FlaskClient, plan: Plan) -> None:
    response = client.get(f"/api/campaigns/{unknown_id(Campaign)}/matrix")

    assert response.status_code == 404
    error_of(response)


def test_the_matrix_answer_is_a_sandboxed_json_document(client: FlaskClient, plan: Plan) -> None:
    response = client.get(f"/api/campaigns/{plan.campaign.id}/matrix")

    assert response.mimetype == "application/json"
    assert response.headers["Content-Security-Policy"] == DOCUMENT_POLICY
