"""Drag and drop on the journey map: a touchpoint card dropped on another phase moves there, for good.

The page calls PATCH /api/touchpoints/<id> with {phase_id, position} and reloads; on failure it shows
the API's message in an alert and leaves the card where it was.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from campaigns.models import Touchpoint
from journeymail.extensions import db

pytestmark = pytest.mark.browser


@pytest.fixture
def page(page: Page) -> Page:
    """The conftest page, tall enough that source and target are both in view: a drag must not scroll the page
    between pressing the mouse on the card and releasing it over the target."""
    page.set_viewport_size({"width": 1440, "height": 1200})
    return page


def phase_of_touchpoint(page: Page, live_server: str, campaign_id: int, touchpoint_id: int) -> tuple[int, int]:
    """(phase_id, position) of a touchpoint as the JSON API reports it."""
    response = page.request.get(f"{live_server}/api/campaigns/{campaign_id}")
    assert response.ok, response.status
    touchpoint = next(t for t in response.json()["touchpoints"] if t["id"] == touchpoint_id)
    return touchpoint["phase_id"], touchpoint["position"]


def test_dragging_a_card_to_the_next_phase_moves_the_touchpoint(
    live_server: str, page: Page, create_campaign, create_touchpoint
):
    campaign = create_campaign()
    first, second = campaign.phases[0].id, campaign.phases[1].id
    moving = create_touchpoint(campaign, 0, kind="welcome", name="Welcome aboard").id
    create_touchpoint(campaign, 0, kind="signup_form", name="Newsletter signup")
    campaign_id = campaign.id

    page.goto(f"{live_server}/campaigns/{campaign_id}")
    card = page.locator(f"#touchpoint-{moving}")
    expect(page.locator(f'[data-phase-id="{first}"]').locator(f"#touchpoint-{moving}")).to_be_visible()

    with page.expect_response(
        lambda r: r.request.method == "PATCH" and r.url.endswith(f"/api/touchpoints/{moving}")
    ) as patch:
        card.drag_to(page.locator(f'[data-phase-id="{second}"]'))
    assert patch.value.status == 200
    assert patch.value.request.post_data_json == {"phase_id": second, "position": 0}

    # The page reloads: the card is now rendered inside the second phase's column, and flagged as just moved.
    moved = page.locator(f'[data-phase-id="{second}"]').locator(f"#touchpoint-{moving}")
    expect(moved).to_be_visible()
    expect(moved).to_have_class(re.compile(r"\bjust-moved\b"))
    expect(page.locator(f'[data-phase-id="{first}"] [data-touchpoint-id]')).to_have_count(1)

    assert phase_of_touchpoint(page, live_server, campaign_id, moving) == (second, 0)
    db.session.expire_all()
    assert db.session.get(Touchpoint, moving).phase_id == second


def test_dropping_a_card_on_the_top_half_of_another_puts_it_before_that_one(
    live_server: str, page: Page, create_campaign, create_touchpoint
):
    campaign = create_campaign()
    target_phase = campaign.phases[2].id
    moving = create_touchpoint(campaign, 0, kind="offer", name="Spring offer").id
    first = create_touchpoint(campaign, 2, kind="follow_up", name="Case study").id
    second = create_touchpoint(campaign, 2, kind="reminder", name="Webinar reminder").id
    campaign_id = campaign.id

    page.goto(f"{live_server}/campaigns/{campaign_id}")
    with page.expect_response(lambda r: r.request.method == "PATCH") as patch:
        page.locator(f"#touchpoint-{moving}").drag_to(
            page.locator(f"#touchpoint-{second}"), target_position={"x": 30, "y": 6}
        )
    assert patch.value.ok

    zone = page.locator(f'[data-phase-id="{target_phase}"]')
    expect(zone.locator("[data-touchpoint-id]")).to_have_count(3)
    order = [int(i) for i in zone.locator("[data-touchpoint-id]").evaluate_all(
        "cards => cards.map(c => c.dataset.touchpointId)"
    )]
    assert order == [first, moving, second]
    assert phase_of_touchpoint(page, live_server, campaign_id, moving) == (target_phase, 1)


def test_a_refused_move_shows_the_reason_and_leaves_the_card_where_it_was(
    live_server: str, page: Page, create_campaign, create_touchpoint
):
    campaign = create_campaign()
    home, gone = campaign.phases[0].id, campaign.phases[3].id
    moving = create_touchpoint(campaign, 0, kind="welcome", name="Welcome aboard").id
    campaign_id = campaign.id

    page.goto(f"{live_server}/campaigns/{campaign_id}")
    # Someone else deletes the (empty) target phase while this page is open.
    assert page.request.delete(f"{live_server}/api/phases/{gone}").status == 204

    with page.expect_response(lambda r: r.request.method == "PATCH") as patch:
        page.locator(f"#touchpoint-{moving}").drag_to(page.locator(f'[data-phase-id="{gone}"]'))
    assert patch.value.status == 422

    alert = page.get_by_role("alert")
    expect(alert).to_be_visible()
    expect(alert).to_contain_text(f"The campaign has no phase with ID {gone}.")
    expect(page.locator(f'[data-phase-id="{home}"]').locator(f"#touchpoint-{moving}")).to_be_visible()
    assert phase_of_touchpoint(page, live_server, campaign_id, moving) == (home, 0)


def test_without_dragging_the_arrow_buttons_move_a_card_to_the_next_phase(
    live_server: str, page: Page, create_campaign, create_touchpoint
):
    campaign = create_campaign()
    second = campaign.phases[1].id
    moving = create_touchpoint(campaign, 0, kind="welcome", name="Welcome aboard").id
    campaign_id = campaign.id

    page.goto(f"{live_server}/campaigns/{campaign_id}")
    page.get_by_role("button", name="Move “Welcome aboard” to the next phase").click()

    expect(page).to_have_url(re.compile(rf"/campaigns/{campaign_id}#touchpoint-{moving}$"))
    expect(page.locator(f'[data-phase-id="{second}"]').locator(f"#touchpoint-{moving}")).to_be_visible()
    assert phase_of_touchpoint(page, live_server, campaign_id, moving)[0] == second
