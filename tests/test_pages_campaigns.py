"""The campaign pages: the list, settings, deletion, targeting, phases, touchpoints and the journey map."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import pytest

from api_support import saved, saved_rows
from campaigns import services
from campaigns.models import Campaign, Phase, Touchpoint, campaign_segments, touchpoint_segments
from html_tree import Element, control, field_text, parse
from journeymail.extensions import db
from campaigns.frameworks import FRAMEWORKS

NEW_CAMPAIGN = {
    "name": "Spring trial",
    "goal": "Start a free trial",
    "description": "",
    "framework": "five-stage",
    "map_state": "future",
    "sender_name": "Maya",
    "sender_email": "maya@example.com",
    "reply_to": "",
    "locale": "en_US",
}
SETTINGS = {k: v for k, v in NEW_CAMPAIGN.items() if k != "framework"}
NEW_PHASE = {"name": "Evaluation", "description": "", "emotion": "0", "pain_points": "", "opportunities": ""}


def count(model: Any) -> int:
    return db.session.scalar(db.select(db.func.count()).select_from(model))


def location(response: Any) -> str:
    """Where a redirect goes: path and anchor."""
    url = urlsplit(response.headers["Location"])
    return url.path + (f"#{url.fragment}" if url.fragment else "")


def page(response: Any) -> Element:
    return parse(response.get_data(as_text=True))


def touchpoint_form(phase_id: int, **values: Any) -> dict[str, Any]:
    return {
        "phase_id": str(phase_id), "kind": "welcome", "name": "Welcome aboard", "trigger": "signs up",
        "send_offset_days": "0", "cta": "", "subject": "", "preheader": "", **values,
    }


def layout(campaign: Campaign) -> list[list[str]]:
    """The touchpoint names in each phase, in order, as saved (read on a connection of its own)."""
    phases = sorted(saved_rows(Phase, campaign_id=campaign.id), key=lambda p: p.position)
    return [
        [t.name for t in sorted(saved_rows(Touchpoint, phase_id=phase.id), key=lambda t: t.position)]
        for phase in phases
    ]


def saved_phase_names(campaign: Campaign) -> list[str]:
    """The campaign's phases in journey order, as saved."""
    return [p.name for p in sorted(saved_rows(Phase, campaign_id=campaign.id), key=lambda p: p.position)]


def targeted_ids(campaign: Campaign) -> set[int]:
    """The IDs of the segments the campaign targets, as saved."""
    return {row.segment_id for row in saved_rows(campaign_segments, campaign_id=campaign.id)}


def selected(select: Element) -> list[str]:
    return [o.get("value") or "" for o in select.select("option") if "selected" in o.attrs]


# --- the list -----------------------------------------------------------------------------


def test_campaign_list_invites_to_create_a_first_campaign_when_there_is_none(client):
    response = client.get("/campaigns")

    assert response.status_code == 200
    assert "No campaigns yet" in page(response).text()
    assert page(response).select("a", href="/campaigns/new")


def test_campaign_list_shows_each_campaign_with_its_goal_and_a_link_to_its_map(client, create_campaign):
    trial = create_campaign(name="Trial journey", goal="Start a free trial")
    webinar = create_campaign(name="Webinar push", goal="Register for the webinar")

    response = client.get("/campaigns")

    text = page(response).text()
    assert "No campaigns yet" not in text
    for campaign in (trial, webinar):
        assert campaign.name in text and campaign.goal in text
        assert page(response).select("a", href=f"/campaigns/{campaign.id}")


def test_home_page_is_the_campaign_list(client):
    response = client.get("/")

    assert response.status_code == 302
    assert location(response) == "/campaigns"


# --- creating a campaign -------------------------------------------------------------------


def test_new_campaign_form_offers_every_framework(client):
    response = client.get("/campaigns/new")

    options = [o.get("value") for o in control(page(response), "framework").select("option")]
    assert options == list(FRAMEWORKS)


def test_creating_a_campaign_opens_its_map_with_the_phases_of_the_framework(post_form):
    response = post_form("/campaigns/new", NEW_CAMPAIGN)

    campaign = db.session.scalars(db.select(Campaign)).one()
    assert response.status_code == 302
    assert location(response) == f"/campaigns/{campaign.id}"
    assert [p.name for p in campaign.phases] == [p.name for p in FRAMEWORKS["five-stage"].phases]
    assert (campaign.sender_name, campaign.sender_email, campaign.goal) == ("Maya", "maya@example.com", "Start a free trial")
    row = saved(Campaign, campaign.id)
    assert (row.name, row.goal, row.framework, row.map_state, row.sender_name, row.sender_email, row.locale) == (
        "Spring trial", "Start a free trial", "five-stage", "future", "Maya", "maya@example.com", "en_US",
    )
    assert saved_phase_names(campaign) == [p.name for p in FRAMEWORKS["five-stage"].phases]


def test_a_new_campaign_is_announced_on_its_map(client, post_form):
    response = post_form("/campaigns/new", NEW_CAMPAIGN)

    text = page(client.get(response.headers["Location"])).text()
    assert 'Campaign "Spring trial" created with 5 phases.' in text


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("goal", "", "This field is required."),
        ("sender_email", "maya-at-example", "Not a valid email address"),
        ("reply_to", "replies@", "Not a valid email address"),
        ("locale", "english", "Use the form en_US (language_COUNTRY)."),
        ("framework", "nine-phase", "Choose one of: seven-phase"),
    ],
)
def test_invalid_new_campaign_shows_the_problem_beside_the_field_and_saves_nothing(post_form, field, value, message):
    response = post_form("/campaigns/new", {**NEW_CAMPAIGN, field: value})

    assert response.status_code == 422
    assert message in field_text(page(response), field)
    assert count(Campaign) == 0


def test_invalid_new_campaign_keeps_what_the_user_typed(post_form):
    response = post_form(
        "/campaigns/new", {**NEW_CAMPAIGN, "name": "Autumn offer", "goal": "Order twice", "sender_email": "nope"}
    )

    html = page(response)
    assert response.status_code == 422
    assert control(html, "name").get("value") == "Autumn offer"
    assert control(html, "goal").text() == "Order twice"
    assert control(html, "sender_email").get("value") == "nope"
    assert selected(control(html, "framework")) == ["five-stage"]


def test_every_invalid_field_is_reported_at_once(post_form):
    response = post_form("/campaigns/new", {**NEW_CAMPAIGN, "name": "", "sender_email": "nope"})

    html = page(response)
    assert response.status_code == 422
    assert "This field is required." in field_text(html, "name")
    assert "Not a valid email address" in field_text(html, "sender_email")
    assert "Not a valid email address" not in field_text(html, "name")


# --- settings ------------------------------------------------------------------------------


def test_settings_form_shows_the_current_settings(client, create_campaign):
    campaign = create_campaign(name="Trial journey", sender_email="maya@example.com")

    html = page(client.get(f"/campaigns/{campaign.id}/edit"))

    assert control(html, "name").get("value") == "Trial journey"
    assert control(html, "sender_email").get("value") == "maya@example.com"


def test_saving_settings_changes_the_campaign_and_returns_to_its_map(post_form, create_campaign):
    campaign = create_campaign(name="Trial journey")
    url = f"/campaigns/{campaign.id}/edit"

    response = post_form(url, {**SETTINGS, "name": "Trial journey 2027", "reply_to": "team@example.com"})

    assert response.status_code == 302
    assert location(response) == f"/campaigns/{campaign.id}"
    row = saved(Campaign, campaign.id)
    assert (row.name, row.reply_to, row.sender_email) == ("Trial journey 2027", "team@example.com", "maya@example.com")


def test_invalid_settings_are_shown_beside_the_field_and_nothing_is_saved(post_form, create_campaign):
    campaign = create_campaign(name="Trial journey")

    response = post_form(f"/campaigns/{campaign.id}/edit", {**SETTINGS, "name": "Renamed", "sender_email": "nope"})

    assert response.status_code == 422
    assert "Not a valid email address" in field_text(page(response), "sender_email")
    assert control(page(response), "name").get("value") == "Renamed"
    assert saved(Campaign, campaign.id).name == "Trial journey"


# --- deleting ------------------------------------------------------------------------------


def test_deleting_a_campaign_asks_for_confirmation_first(client, create_campaign, create_touchpoint):
    campaign = create_campaign(name="Trial journey")
    create_touchpoint(campaign)

    response = client.get(f"/campaigns/{campaign.id}/delete")

    text = page(response).text()
    assert response.status_code == 200
    assert "Delete “Trial journey”?" in text
    assert "5 phases" in text
    assert count(Campaign) == 1


def test_confirming_deletes_the_campaign_with_its_phases_and_touchpoints_but_keeps_segments(
    post_form, create_campaign, create_touchpoint, create_segment
):
    segment = create_segment()
    campaign = create_campaign()
    services.set_segments(campaign, {"segment_ids": [segment.id]})
    create_touchpoint(campaign)
    campaign_id = campaign.id

    response = post_form(f"/campaigns/{campaign_id}/delete", {})

    assert response.status_code == 302
    assert location(response) == "/campaigns"
    assert (count(Campaign), count(Phase), count(Touchpoint)) == (0, 0, 0)
    assert saved(Campaign, campaign_id) is None
    assert saved_rows(Phase) == saved_rows(Touchpoint) == saved_rows(campaign_segments) == []
    assert saved(type(segment), segment.id) is not None


def test_a_deleted_campaign_is_announced_on_the_list(client, post_form, create_campaign):
    campaign = create_campaign(name="Trial journey")

    response = post_form(f"/campaigns/{campaign.id}/delete", {})

    assert 'Campaign "Trial journey" deleted.' in page(client.get(response.headers["Location"])).text()


# --- targeted segments ---------------------------------------------------------------------


def test_segment_choice_lists_every_segment_with_the_targeted_ones_ticked(client, create_campaign, create_segment):
    targeted, other = create_segment(name="Busy founders"), create_segment(name="Casual browsers")
    campaign = create_campaign()
    services.set_segments(campaign, {"segment_ids": [targeted.id]})
    db.session.commit()

    html = page(client.get(f"/campaigns/{campaign.id}/segments"))

    boxes = {box.get("value"): "checked" in box.attrs for box in html.select("input", name="segment_ids")}
    assert boxes == {str(targeted.id): True, str(other.id): False}
    assert "Busy founders" in html.text() and "Casual browsers" in html.text()


def test_choosing_segments_makes_the_campaign_target_them(post_form, create_campaign, create_segment):
    founders, _browsers, dormant = create_segment(), create_segment(), create_segment()
    campaign = create_campaign()
    url = f"/campaigns/{campaign.id}/segments"

    response = post_form(url, {"segment_ids": [str(founders.id), str(dormant.id)]})

    assert response.status_code == 302
    assert location(response) == f"/campaigns/{campaign.id}"
    assert targeted_ids(campaign) == {founders.id, dormant.id}


def test_unticking_every_segment_stops_targeting_them(post_form, create_campaign, create_segment):
    segment = create_segment()
    campaign = create_campaign()
    services.set_segments(campaign, {"segment_ids": [segment.id]})
    db.session.commit()

    post_form(f"/campaigns/{campaign.id}/segments", {})

    assert targeted_ids(campaign) == set()


@pytest.mark.parametrize("forged", ["²", "abc", "99999999999999999999", "unknown"])
def test_a_segment_choice_that_is_no_segment_is_refused_and_changes_nothing(
    post_form, create_campaign, create_segment, forged
):
    segment = create_segment()
    campaign = create_campaign()
    services.set_segments(campaign, {"segment_ids": [segment.id]})
    db.session.commit()
    value = str(segment.id + 1000) if forged == "unknown" else forged

    response = post_form(f"/campaigns/{campaign.id}/segments", {"segment_ids": [value]})

    assert response.status_code == 422
    expected = f"No segment with ID {value}." if forged == "unknown" else "Must be a list of IDs"
    assert expected in page(response).text()
    assert targeted_ids(campaign) == {segment.id}


# --- phases --------------------------------------------------------------------------------


def test_adding_a_phase_puts_it_last_and_opens_the_map_at_it(post_form, create_campaign):
    campaign = create_campaign()

    response = post_form(f"/campaigns/{campaign.id}/phases/new", {**NEW_PHASE, "name": "Win-back"})

    db.session.expire_all()
    phase = campaign.phases[-1]
    assert phase.name == "Win-back"
    assert location(response) == f"/campaigns/{campaign.id}#phase-{phase.id}"
    assert saved_phase_names(campaign) == [*(p.name for p in FRAMEWORKS["five-stage"].phases), "Win-back"]


def test_invalid_phase_is_shown_beside_its_fields_and_not_added(post_form, create_campaign):
    campaign = create_campaign()

    response = post_form(f"/campaigns/{campaign.id}/phases/new", {**NEW_PHASE, "name": "", "emotion": "5"})

    html = page(response)
    assert response.status_code == 422
    assert "This field is required." in field_text(html, "name")
    assert "Must be between -2 and 2." in field_text(html, "emotion")
    assert len(saved_rows(Phase)) == 5


def test_editing_a_phase_saves_the_customer_goal_emotion_and_pain_points(post_form, create_campaign):
    campaign = create_campaign()
    phase = campaign.phases[1]

    response = post_form(
        f"/phases/{phase.id}/edit",
        {
            "name": "Comparison",
            "description": "Finds out which tool fits the team",
            "emotion": "-1",
            "pain_points": "Too many options\nNo time",
            "opportunities": "A comparison sheet",
        },
    )

    assert location(response) == f"/campaigns/{campaign.id}#phase-{phase.id}"
    row = saved(Phase, phase.id)
    assert (row.name, row.description, row.emotion, row.pain_points, row.opportunities) == (
        "Comparison", "Finds out which tool fits the team", -1, "Too many options\nNo time", "A comparison sheet",
    )


def test_phase_form_shows_the_phase_as_saved(client, create_campaign):
    campaign = create_campaign()
    services.update_phase(campaign.phases[2], {"emotion": -2, "pain_points": "Budget needs approval"})
    db.session.commit()

    html = page(client.get(f"/phases/{campaign.phases[2].id}/edit"))

    assert control(html, "name").get("value") == "Decision"
    assert selected(control(html, "emotion")) == ["-2"]
    assert control(html, "pain_points").text() == "Budget needs approval"


def test_deleting_an_empty_phase_removes_it_from_the_journey(post_form, create_campaign):
    campaign = create_campaign()
    phase_id = campaign.phases[1].id

    response = post_form(f"/phases/{phase_id}/delete", {"confirm": "yes"})

    assert location(response) == f"/campaigns/{campaign.id}"
    assert saved(Phase, phase_id) is None
    assert saved_phase_names(campaign) == ["Awareness", "Decision", "Retention", "Advocacy"]


def test_deleting_a_phase_asks_first_and_says_what_goes_with_it(client, create_campaign):
    campaign = create_campaign()
    phase = campaign.phases[1]
    services.update_phase(phase, {"description": "Compares tools", "pain_points": "Too many options\nNo time"})
    db.session.commit()

    response = client.get(f"/phases/{phase.id}/delete")

    html = page(response)
    assert response.status_code == 200
    assert "Delete the phase “Consideration”?" in html.text()
    said = " ".join(html.by_id("phase-deletes").text().split())
    assert said == ("The phase leaves the journey of “Trial journey”, and with it its customer goal and its 2 pain "
                    "points. The 3 phases after it move one place to the left. This cannot be undone.")
    (form,) = [f for f in html.select("main")[0].select("form") if f.get("method") == "post"]
    assert form.get("action") == f"/phases/{phase.id}/delete"
    assert control(form, "confirm").get("value") == "yes" and control(form, "csrf_token").get("value")
    assert saved(Phase, phase.id) is not None


def test_the_delete_button_of_the_phase_form_opens_the_confirmation(client, create_campaign):
    campaign = create_campaign()
    phase = campaign.phases[-1]

    html = page(client.get(f"/phases/{phase.id}/edit"))

    (link,) = [a for a in html.select("a") if a.text().startswith("Delete phase")]
    assert link.get("href") == f"/phases/{phase.id}/delete"
    said = " ".join(page(client.get(link.get("href"))).by_id("phase-deletes").text().split())
    assert said == "The phase leaves the journey of “Trial journey”, and with it its customer goal. This cannot be undone."


def test_a_delete_post_without_confirmation_shows_the_question_and_deletes_nothing(post_form, create_campaign):
    campaign = create_campaign()
    phase_id = campaign.phases[1].id

    response = post_form(f"/phases/{phase_id}/edit", {}, action=f"/phases/{phase_id}/delete")

    assert response.status_code == 200
    assert "Delete the phase “Consideration”?" in page(response).text()
    assert saved(Phase, phase_id) is not None
    assert saved_phase_names(campaign) == ["Awareness", "Consideration", "Decision", "Retention", "Advocacy"]


def test_the_confirmation_of_a_phase_with_touchpoints_lists_them_and_offers_no_delete(
    client, create_campaign, create_touchpoint
):
    campaign = create_campaign()
    phase = campaign.phases[0]
    welcome = create_touchpoint(campaign, 0, name="Welcome")
    create_touchpoint(campaign, 0, name="Lead form", kind="information_form")

    html = page(client.get(f"/phases/{phase.id}/delete"))

    blocked = html.by_id("phase-not-empty")
    assert blocked is not None
    assert "“Awareness” still holds 2 touchpoints, so it cannot be deleted yet." in blocked.text()
    assert [a.text() for a in blocked.select("a")] == ["Welcome", "Lead form"]
    assert blocked.select("a")[0].get("href") == f"/touchpoints/{welcome.id}/edit"
    assert not [f for f in html.select("main")[0].select("form") if f.get("method") == "post"]


def test_deleting_a_phase_that_holds_touchpoints_is_refused_with_a_message(
    client, post_form, create_campaign, create_touchpoint
):
    campaign = create_campaign()
    phase = campaign.phases[0]
    create_touchpoint(campaign, 0, name="Welcome")

    response = post_form(f"/phases/{phase.id}/edit", {"confirm": "yes"}, action=f"/phases/{phase.id}/delete")

    shown = page(client.get(response.headers["Location"])).text()
    assert '"Awareness" still holds 1 touchpoint. Move or delete it first.' in shown
    assert saved(Phase, phase.id) is not None


@pytest.mark.parametrize(
    ("index", "direction", "order"),
    [
        (1, "right", ["Awareness", "Decision", "Consideration", "Retention", "Advocacy"]),
        (1, "left", ["Consideration", "Awareness", "Decision", "Retention", "Advocacy"]),
        (0, "left", ["Awareness", "Consideration", "Decision", "Retention", "Advocacy"]),
        (4, "right", ["Awareness", "Consideration", "Decision", "Retention", "Advocacy"]),
    ],
)
def test_moving_a_phase_swaps_it_with_its_neighbour(post_form, create_campaign, index, direction, order):
    campaign = create_campaign()
    phase = campaign.phases[index]

    response = post_form(f"/campaigns/{campaign.id}", {"direction": direction}, action=f"/phases/{phase.id}/move")

    assert location(response) == f"/campaigns/{campaign.id}#phase-{phase.id}"
    assert saved_phase_names(campaign) == order


@pytest.mark.parametrize("direction", ["", "up", "sideways"])
def test_a_phase_move_without_left_or_right_changes_nothing(post_form, create_campaign, direction):
    campaign = create_campaign()
    phase = campaign.phases[1]

    post_form(f"/campaigns/{campaign.id}", {"direction": direction}, action=f"/phases/{phase.id}/move")

    assert saved_phase_names(campaign) == ["Awareness", "Consideration", "Decision", "Retention", "Advocacy"]


# --- touchpoints ---------------------------------------------------------------------------


def test_new_touchpoint_form_preselects_the_phase_it_was_opened_from(client, create_campaign):
    campaign = create_campaign()
    phase = campaign.phases[2]

    html = page(client.get(f"/campaigns/{campaign.id}/touchpoints/new?phase={phase.id}"))

    assert selected(control(html, "phase_id")) == [str(phase.id)]
    assert [o.text() for o in control(html, "phase_id").select("option")] == [p.name for p in campaign.phases]


def test_adding_a_touchpoint_places_it_in_the_chosen_phase(post_form, create_campaign):
    campaign = create_campaign()
    phase = campaign.phases[1]

    response = post_form(
        f"/campaigns/{campaign.id}/touchpoints/new",
        touchpoint_form(phase.id, kind="follow_up", name="Case study", send_offset_days="3", subject="How Ada did it"),
    )

    touchpoint = db.session.scalars(db.select(Touchpoint)).one()
    assert location(response) == f"/campaigns/{campaign.id}#touchpoint-{touchpoint.id}"
    row = saved(Touchpoint, touchpoint.id)
    assert (row.phase_id, row.kind, row.name, row.trigger, row.send_offset_days, row.subject) == (
        phase.id, "follow_up", "Case study", "signs up", 3, "How Ada did it",
    )


def test_a_touchpoint_can_be_sent_to_some_targeted_segments_only(post_form, create_campaign, create_segment):
    founders, browsers = create_segment(), create_segment()
    campaign = create_campaign()
    services.set_segments(campaign, {"segment_ids": [founders.id, browsers.id]})
    db.session.commit()

    post_form(
        f"/campaigns/{campaign.id}/touchpoints/new",
        touchpoint_form(campaign.phases[0].id, segment_ids=[str(browsers.id)]),
    )

    [touchpoint] = saved_rows(Touchpoint)
    assert [row.segment_id for row in saved_rows(touchpoint_segments, touchpoint_id=touchpoint.id)] == [browsers.id]


@pytest.mark.parametrize(
    ("field", "values", "message"),
    [
        ("send_offset_days", {"send_offset_days": "-1"}, "Must be between 0 and 3650."),
        ("send_offset_days", {"send_offset_days": "soon"}, "Not a valid integer value."),
        ("name", {"name": ""}, "This field is required."),
        ("subject", {"kind": "signup_form", "subject": "Hello"}, "A signup form sends no email; leave this empty."),
        ("kind", {"kind": "carrier_pigeon"}, "Choose one of: signup_form"),
    ],
)
def test_invalid_touchpoint_is_shown_beside_the_field_and_not_added(post_form, create_campaign, field, values, message):
    campaign = create_campaign()

    response = post_form(f"/campaigns/{campaign.id}/touchpoints/new", touchpoint_form(campaign.phases[0].id, **values))

    assert response.status_code == 422
    assert message in field_text(page(response), field)
    assert saved_rows(Touchpoint) == []


def test_invalid_touchpoint_keeps_what_the_user_typed(post_form, create_campaign):
    campaign = create_campaign()
    phase = campaign.phases[3]

    response = post_form(
        f"/campaigns/{campaign.id}/touchpoints/new",
        touchpoint_form(phase.id, name="Check-in", trigger="has logged in twice", send_offset_days="-4"),
    )

    html = page(response)
    assert control(html, "name").get("value") == "Check-in"
    assert control(html, "trigger").get("value") == "has logged in twice"
    assert control(html, "send_offset_days").get("value") == "-4"
    assert selected(control(html, "phase_id")) == [str(phase.id)]


def test_editing_a_touchpoint_to_another_phase_moves_it_there(post_form, create_campaign, create_touchpoint):
    campaign = create_campaign()
    touchpoint = create_touchpoint(campaign, 0, name="Welcome")
    target = campaign.phases[3]

    response = post_form(
        f"/touchpoints/{touchpoint.id}/edit", touchpoint_form(target.id, name="Welcome back", send_offset_days="2")
    )

    assert location(response) == f"/campaigns/{campaign.id}#touchpoint-{touchpoint.id}"
    assert layout(campaign) == [[], [], [], ["Welcome back"], []]
    assert (saved(Touchpoint, touchpoint.id).phase_id, saved(Touchpoint, touchpoint.id).send_offset_days) == (target.id, 2)


def test_touchpoint_form_shows_the_touchpoint_as_saved(client, create_campaign, create_touchpoint):
    campaign = create_campaign()
    touchpoint = create_touchpoint(campaign, 2, kind="offer", name="Spring offer", send_offset_days=5)

    html = page(client.get(f"/touchpoints/{touchpoint.id}/edit"))

    assert control(html, "name").get("value") == "Spring offer"
    assert selected(control(html, "kind")) == ["offer"]
    assert selected(control(html, "phase_id")) == [str(campaign.phases[2].id)]
    assert control(html, "send_offset_days").get("value") == "5"


@pytest.mark.parametrize(
    ("moved", "direction", "expected"),
    [
        ("First", "down", [[], ["Second", "First"], []]),
        ("Second", "up", [[], ["Second", "First"], []]),
        ("First", "up", [[], ["First", "Second"], []]),
        ("Second", "down", [[], ["First", "Second"], []]),
        ("First", "left", [["First"], ["Second"], []]),
        ("Second", "right", [[], ["First"], ["Second"]]),
    ],
)
def test_move_buttons_move_a_touchpoint_within_its_phase_or_to_the_next_phase(
    post_form, create_campaign, create_touchpoint, moved, direction, expected
):
    campaign = create_campaign(framework="four-phase")
    touchpoints = {name: create_touchpoint(campaign, 1, name=name) for name in ("First", "Second")}
    touchpoint = touchpoints[moved]
    create_touchpoint(campaign, 3, name="Last")

    response = post_form(
        f"/campaigns/{campaign.id}", {"direction": direction}, action=f"/touchpoints/{touchpoint.id}/move"
    )

    assert location(response) == f"/campaigns/{campaign.id}#touchpoint-{touchpoint.id}"
    assert layout(campaign)[:3] == expected


@pytest.mark.parametrize(("index", "direction"), [(0, "left"), (3, "right")])
def test_a_touchpoint_at_the_edge_of_the_journey_stays_in_its_phase(
    post_form, create_campaign, create_touchpoint, index, direction
):
    campaign = create_campaign(framework="four-phase")
    touchpoint = create_touchpoint(campaign, index, name="Edge")

    post_form(f"/campaigns/{campaign.id}", {"direction": direction}, action=f"/touchpoints/{touchpoint.id}/move")

    assert layout(campaign)[index] == ["Edge"]


def test_deleting_a_touchpoint_asks_for_confirmation_first(client, create_campaign, create_touchpoint):
    campaign = create_campaign()
    touchpoint = create_touchpoint(campaign, 1, name="Case study", kind="follow_up")

    response = client.get(f"/touchpoints/{touchpoint.id}/delete")

    text = page(response).text()
    assert response.status_code == 200
    assert "Delete “Case study”?" in text
    assert "Consideration" in text
    assert count(Touchpoint) == 1


def test_confirming_deletes_the_touchpoint_and_closes_the_gap_in_its_phase(
    client, post_form, create_campaign, create_touchpoint
):
    campaign = create_campaign()
    first_id = create_touchpoint(campaign, 1, name="First").id
    create_touchpoint(campaign, 1, name="Second")

    response = post_form(f"/touchpoints/{first_id}/delete", {})

    assert location(response) == f"/campaigns/{campaign.id}"
    assert layout(campaign)[1] == ["Second"]
    assert saved(Touchpoint, first_id) is None
    assert [t.position for t in saved_rows(Touchpoint, phase_id=campaign.phases[1].id)] == [0]
    assert '"First" deleted.' in page(client.get(response.headers["Location"])).text()


# --- the journey map -----------------------------------------------------------------------


def lane_of(element: Element) -> str | None:
    """The segment lane an element sits in (its nearest data-segment-id)."""
    node: Element | None = element
    while node is not None:
        if "data-segment-id" in node.attrs:
            return node.attrs["data-segment-id"]
        node = node.parent
    return None


def test_map_shows_every_phase_in_journey_order(client, create_campaign):
    campaign = create_campaign(framework="seven-phase")

    html = page(client.get(f"/campaigns/{campaign.id}"))

    headers = [e for e in html.iter() if (e.get("id") or "").startswith("phase-")]
    assert [e.get("id") for e in headers] == [f"phase-{p.id}" for p in campaign.phases]
    assert [p.name for p in campaign.phases] == [p.name for p in FRAMEWORKS["seven-phase"].phases]
    for header, phase in zip(headers, campaign.phases):
        assert phase.name in header.text()


def test_map_shows_each_touchpoint_in_its_phase(client, create_campaign, create_touchpoint):
    campaign = create_campaign()
    welcome = create_touchpoint(campaign, 0, name="Welcome aboard")
    offer = create_touchpoint(campaign, 2, kind="offer", name="Spring offer")

    html = page(client.get(f"/campaigns/{campaign.id}"))

    for touchpoint, phase in ((welcome, campaign.phases[0]), (offer, campaign.phases[2])):
        card = html.by_id(f"touchpoint-{touchpoint.id}")
        assert card is not None and card.get("data-touchpoint-id") == str(touchpoint.id)
        assert touchpoint.name in card.text()
        zone = html.select(data_phase_id=str(phase.id))
        assert zone and zone[0].contains(card), f"{touchpoint.name} is not in {phase.name}"


def test_map_shows_a_lane_for_each_targeted_segment_only(client, create_campaign, create_segment):
    founders, browsers = create_segment(name="Busy founders"), create_segment(name="Casual browsers")
    ignored = create_segment(name="Dormant subscribers")
    campaign = create_campaign()
    services.set_segments(campaign, {"segment_ids": [founders.id, browsers.id]})
    db.session.commit()

    html = page(client.get(f"/campaigns/{campaign.id}"))

    lanes = {e.get("data-segment-id") for e in html.select(data_segment_id=None)}
    assert lanes == {str(founders.id), str(browsers.id)}
    assert "Busy founders" in html.text() and "Casual browsers" in html.text()
    assert ignored.name not in html.text()


def test_map_marks_a_gap_where_a_segment_gets_no_email_in_a_phase(
    client, create_campaign, create_segment, create_touchpoint
):
    founders, browsers = create_segment(), create_segment()
    campaign = create_campaign()
    services.set_segments(campaign, {"segment_ids": [founders.id, browsers.id]})
    db.session.commit()
    create_touchpoint(campaign, 0, kind="welcome", name="Welcome", segment_ids=[founders.id])
    create_touchpoint(campaign, 1, kind="newsletter", name="Tips")  # every targeted segment
    create_touchpoint(campaign, 2, kind="signup_form", name="Demo signup")  # sends no email: capture only

    html = page(client.get(f"/campaigns/{campaign.id}"))

    gaps = [lane_of(gap) for gap in html.select(class_="gap")]
    assert gaps.count(str(founders.id)) == 2  # Retention, Advocacy
    assert gaps.count(str(browsers.id)) == 3  # Awareness too


def test_map_marks_the_segments_that_get_their_own_variant(
    client, create_campaign, create_segment, create_touchpoint
):
    founders, browsers = create_segment(), create_segment()
    campaign = create_campaign()
    services.set_segments(campaign, {"segment_ids": [founders.id, browsers.id]})
    touchpoint = create_touchpoint(campaign, 0, kind="welcome", name="Welcome")
    services.put_variant(touchpoint, browsers, {"subject": "Still curious?"})
    db.session.commit()

    html = page(client.get(f"/campaigns/{campaign.id}"))

    marked = [lane_of(marker) for marker in html.select(class_="variant")]
    assert str(browsers.id) in marked
    assert str(founders.id) not in marked


def test_map_timeline_lists_touchpoints_by_phase_then_send_day(client, create_campaign, create_touchpoint):
    campaign = create_campaign()
    create_touchpoint(campaign, 2, kind="offer", name="Trial offer", send_offset_days=1)
    create_touchpoint(campaign, 0, kind="newsletter", name="Weekly tips", send_offset_days=7)
    create_touchpoint(campaign, 0, kind="welcome", name="Welcome mail", send_offset_days=0)
    create_touchpoint(campaign, 3, kind="onboarding", name="First steps", send_offset_days=2)

    html = page(client.get(f"/campaigns/{campaign.id}"))

    timeline = html.by_id("timeline")
    assert timeline is not None
    text = timeline.text()
    names = ["Welcome mail", "Weekly tips", "Trial offer", "First steps"]
    assert all(name in text for name in names)
    assert sorted(names, key=text.index) == names


def test_delete_confirmation_counts_in_proper_english(client, create_campaign, create_touchpoint):
    campaign = create_campaign(framework="four-phase")
    create_touchpoint(campaign)

    page = client.get(f"/campaigns/{campaign.id}/delete").get_data(as_text=True)

    assert "4 phases, 1 touchpoint\n" in page and "1 touchpoints" not in page


def test_a_sender_with_non_ascii_letters_before_the_at_is_saved_with_a_warning(client, post_form):
    response = post_form("/campaigns/new", {**NEW_CAMPAIGN, "sender_email": "jörg@bücher.de"})

    assert response.status_code == 302
    assert saved(Campaign, db.session.scalars(db.select(Campaign.id)).one()).sender_email == "jörg@bücher.de"
    text = page(client.get(response.headers["Location"])).text()
    assert "jörg@bücher.de has non-ASCII letters before the @. Only mail servers that offer SMTPUTF8" in text


def test_a_plain_sender_is_saved_without_that_warning(client, post_form):
    response = post_form("/campaigns/new", NEW_CAMPAIGN)

    assert "SMTPUTF8" not in page(client.get(response.headers["Location"])).text()
