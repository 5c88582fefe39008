"""The segment pages: the list, the form with its axis suggestions and sample data, and deletion."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlsplit

import pytest

from api_support import saved, saved_rows
from campaigns import services as campaign_services
from campaigns.models import campaign_segments
from html_tree import Element, control, field_text, parse
from journeymail.extensions import db
from segments.models import Segment
from segments.services import SUGGESTIONS

NEW_SEGMENT = {
    "name": "Busy founders",
    "description": "Run a small team and read on the phone",
    "motivation": "Follows us actively as a resource and wants direct contact",
    "action": "Opens and reads, but does not click",
    "obstacle": "Does not know enough about us yet to care",
    "opportunity": "One clear button per email",
    "sample_data": '{"firstname": "Ada", "company": "Loom & Co"}',
}


def count_segments() -> int:
    """How many segments are saved, read on a connection of its own."""
    return len(saved_rows(Segment))


def location(response: Any) -> str:
    url = urlsplit(response.headers["Location"])
    return url.path + (f"#{url.fragment}" if url.fragment else "")


def page(response: Any) -> Element:
    return parse(response.get_data(as_text=True))


# --- the list ------------------------------------------------------------------------------


def test_segment_list_invites_to_define_a_first_segment_when_there_is_none(client):
    response = client.get("/segments")

    assert response.status_code == 200
    assert "No segments yet" in page(response).text()
    assert page(response).select("a", href="/segments/new")


def test_segment_list_shows_each_segment_by_its_three_axes_and_sample_values(client, create_segment):
    segment = create_segment(
        name="Casual browsers",
        motivation="Checks casually what we are about",
        action="Opens and reads, but does not click",
        obstacle="Our emails are plain",
        sample_data={"firstname": "Jonas", "company": "Nordlicht GmbH"},
    )

    html = page(client.get("/segments"))

    card = html.by_id(f"segment-{segment.id}")
    assert card is not None
    for shown in ("Casual browsers", "Checks casually what we are about", "Opens and reads, but does not click",
                  "Our emails are plain", "Jonas", "Nordlicht GmbH"):
        assert shown in card.text()
    assert "No segments yet" not in html.text()


# --- the form ------------------------------------------------------------------------------


@pytest.mark.parametrize("axis", ["motivation", "action", "obstacle"])
def test_segment_form_suggests_the_three_examples_for_each_axis(client, axis):
    html = page(client.get("/segments/new"))

    datalist = html.by_id(control(html, axis).get("list") or "")
    assert datalist is not None and datalist.tag == "datalist", f"the {axis} field offers no suggestions"
    assert [o.get("value") for o in datalist.select("option")] == list(SUGGESTIONS[axis])
    assert len(SUGGESTIONS[axis]) == 3


def test_creating_a_segment_saves_it_with_its_sample_data(post_form):
    response = post_form("/segments/new", NEW_SEGMENT)

    segment = db.session.scalars(db.select(Segment)).one()
    assert response.status_code == 302
    assert location(response) == f"/segments#segment-{segment.id}"
    assert (segment.name, segment.action, segment.opportunity) == (
        "Busy founders", "Opens and reads, but does not click", "One clear button per email",
    )
    assert segment.sample_data == {"firstname": "Ada", "company": "Loom & Co"}
    row = saved(Segment, segment.id)
    assert {name: getattr(row, name) for name in NEW_SEGMENT if name != "sample_data"} == {
        name: value for name, value in NEW_SEGMENT.items() if name != "sample_data"
    }
    assert row.sample_data == {"firstname": "Ada", "company": "Loom & Co"}


def test_a_new_segment_is_announced_on_the_list(client, post_form):
    response = post_form("/segments/new", NEW_SEGMENT)

    assert 'Segment "Busy founders" created.' in page(client.get(response.headers["Location"])).text()


def test_sample_data_may_be_left_empty(post_form):
    post_form("/segments/new", {**NEW_SEGMENT, "sample_data": ""})

    [row] = saved_rows(Segment)
    assert (row.name, row.sample_data) == ("Busy founders", {})


@pytest.mark.parametrize(
    ("sample_data", "message"),
    [
        ('{"firstname": "Ada"', "Line 1, column 20: expected a comma or }."),
        ('["Ada"]', 'Sample data must be an object of names and values, e.g. {"firstname": "Ada"}.'),
        ('{"First Name": "Ada"}', '"First Name" is not a merge-tag name'),
        ('{"firstname": {"given": "Ada"}}', 'The value of "firstname" must be text or a number.'),
    ],
)
def test_invalid_sample_data_is_shown_beside_the_field_and_nothing_is_saved(post_form, sample_data, message):
    response = post_form("/segments/new", {**NEW_SEGMENT, "sample_data": sample_data})

    html = page(response)
    assert response.status_code == 422
    assert message in field_text(html, "sample_data")
    assert message not in field_text(html, "opportunity")
    assert count_segments() == 0


def test_invalid_sample_data_keeps_what_the_user_typed(post_form):
    typed = '{"firstname": "Ada",\n "company": }'

    response = post_form("/segments/new", {**NEW_SEGMENT, "name": "Night owls", "sample_data": typed})

    html = page(response)
    assert control(html, "sample_data").text() == " ".join(typed.split())
    assert control(html, "name").get("value") == "Night owls"
    assert control(html, "motivation").get("value") == NEW_SEGMENT["motivation"]


@pytest.mark.parametrize("axis", ["motivation", "action", "obstacle"])
def test_each_axis_is_required(post_form, axis):
    response = post_form("/segments/new", {**NEW_SEGMENT, axis: "  "})

    assert response.status_code == 422
    assert "This field is required." in field_text(page(response), axis)
    assert count_segments() == 0


def test_a_segment_name_is_taken_whatever_its_case(post_form, create_segment):
    create_segment(name="Busy founders")

    response = post_form("/segments/new", {**NEW_SEGMENT, "name": "BUSY Founders"})

    assert response.status_code == 422
    assert "This name is taken; choose another." in field_text(page(response), "name")
    assert count_segments() == 1


# --- editing -------------------------------------------------------------------------------


def test_edit_form_shows_the_sample_data_as_json(client, create_segment):
    segment = create_segment(sample_data={"firstname": "Ada", "plan": "Team"})

    html = page(client.get(f"/segments/{segment.id}/edit"))

    assert json.loads(control(html, "sample_data").text()) == {"firstname": "Ada", "plan": "Team"}
    assert control(html, "name").get("value") == segment.name


def test_editing_a_segment_saves_the_changes(post_form, create_segment):
    segment = create_segment(name="Busy founders")

    response = post_form(
        f"/segments/{segment.id}/edit",
        {**NEW_SEGMENT, "name": "Busy founders (EU)", "sample_data": '{"firstname": "Grace", "seats": 12}'},
    )

    assert location(response) == f"/segments#segment-{segment.id}"
    row = saved(Segment, segment.id)
    assert (row.name, row.motivation, row.obstacle) == ("Busy founders (EU)", NEW_SEGMENT["motivation"], NEW_SEGMENT["obstacle"])
    assert row.sample_data == {"firstname": "Grace", "seats": 12}


def test_editing_with_invalid_sample_data_changes_nothing(post_form, create_segment):
    segment = create_segment(name="Busy founders", sample_data={"firstname": "Ada"})

    response = post_form(
        f"/segments/{segment.id}/edit", {**NEW_SEGMENT, "name": "Renamed", "sample_data": "firstname=Grace"}
    )

    assert response.status_code == 422
    assert "Line 1, column 1: expected a value" in field_text(page(response), "sample_data")
    row = saved(Segment, segment.id)
    assert (row.name, row.sample_data) == ("Busy founders", {"firstname": "Ada"})


def test_a_segment_may_keep_its_own_name_in_any_case(post_form, create_segment):
    segment = create_segment(name="Busy founders")

    response = post_form(f"/segments/{segment.id}/edit", {**NEW_SEGMENT, "name": "Busy Founders"})

    assert response.status_code == 302
    assert saved(Segment, segment.id).name == "Busy Founders"


# --- deleting ------------------------------------------------------------------------------


def test_deleting_a_segment_first_names_the_campaigns_that_target_it(
    client, create_segment, create_campaign, create_touchpoint
):
    segment = create_segment(name="Busy founders")
    campaign = create_campaign(name="Trial journey")
    campaign_services.set_segments(campaign, {"segment_ids": [segment.id]})
    touchpoint = create_touchpoint(campaign, 0)
    campaign_services.put_variant(touchpoint, segment, {"subject": "Hi founders"})
    db.session.commit()

    response = client.get(f"/segments/{segment.id}/delete")

    text = page(response).text()
    assert response.status_code == 200
    assert "Delete the segment “Busy founders”?" in text
    assert "Trial journey" in text
    assert "1 email variant written for this segment will be deleted too." in text
    assert count_segments() == 1


def test_confirming_deletes_the_segment_and_campaigns_stop_targeting_it(
    client, post_form, create_segment, create_campaign
):
    segment, other = create_segment(name="Busy founders"), create_segment(name="Night owls")
    campaign = create_campaign()
    campaign_services.set_segments(campaign, {"segment_ids": [segment.id, other.id]})
    db.session.commit()

    segment_id = segment.id

    response = post_form(f"/segments/{segment_id}/delete", {})

    assert location(response) == "/segments"
    assert saved(Segment, segment_id) is None
    assert [row.segment_id for row in saved_rows(campaign_segments, campaign_id=campaign.id)] == [other.id]
    assert 'Segment "Busy founders" deleted.' in page(client.get("/segments")).text()


def test_deleting_a_segment_an_email_is_meant_for_alone_is_refused_with_the_reason(
    client, post_form, create_segment, create_campaign, create_touchpoint
):
    segment = create_segment(name="Busy founders")
    campaign = create_campaign(name="Spring")
    campaign_services.set_segments(campaign, {"segment_ids": [segment.id]})
    create_touchpoint(campaign, name="Founders-only offer", segment_ids=[segment.id])

    response = post_form(f"/segments/{segment.id}/delete", {})

    assert response.status_code == 200
    assert "Founders-only offer" in page(response).text()
    assert saved(Segment, segment.id) is not None
