"""Capture-only cells (a phase that only captures a segment's address is not a gap) on the journey map, the
matrix and the cell page, and "Plan an email" from a real gap: the new touchpoint's phase, segment and kind."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from api_support import TOO_BIG_ID, unknown_id
from campaigns import services
from campaigns.models import Campaign, Phase, Touchpoint
from html_tree import Element, control, parse
from journeymail.extensions import db
from segments.models import Segment


def page(response: Any) -> Element:
    assert response.status_code == 200, response.status_code
    return parse(response.get_data(as_text=True))


def stat(html: Element, label: str) -> int:
    """A number of the totals bar ("Gaps", "Capture only"), as a user reads it."""
    (found,) = [d for d in html.select("div") if d.select("dt") and d.select("dt")[0].text() == label]
    return int(found.select("dd")[0].text())


def selected(select: Element) -> list[str]:
    return [o.get("value") or "" for o in select.select("option") if "selected" in o.attrs]


def ticked(html: Element) -> list[str]:
    return [e.get("value") or "" for e in html.select("input", name="segment_ids") if "checked" in e.attrs]


@dataclass
class Plan:
    """Five-stage campaign, two segments. Awareness: a signup form and a landing page (for everybody), no email.
    Consideration: a newsletter for everybody. Decision: an information form for founders only. Retention and
    Advocacy: nothing."""

    campaign: Campaign
    founders: Segment
    browsers: Segment
    signup: Touchpoint
    landing: Touchpoint
    newsletter: Touchpoint
    quote_form: Touchpoint


@pytest.fixture
def plan(create_campaign, create_segment, create_touchpoint) -> Plan:
    founders, browsers = create_segment(name="Busy founders"), create_segment(name="Casual browsers")
    campaign = create_campaign()
    services.set_segments(campaign, {"segment_ids": [founders.id, browsers.id]})
    db.session.commit()
    signup = create_touchpoint(campaign, 0, kind="signup_form", name="Newsletter signup")
    landing = create_touchpoint(campaign, 0, kind="landing_page", name="E-book landing page")
    newsletter = create_touchpoint(campaign, 1, kind="newsletter", name="Monthly tips")
    quote_form = create_touchpoint(campaign, 2, kind="information_form", name="Quote request",
                                   segment_ids=[founders.id])
    return Plan(campaign, founders, browsers, signup, landing, newsletter, quote_form)


def phase(plan: Plan, index: int) -> Phase:
    return plan.campaign.phases[index]


def map_cell(html: Element, segment: Segment, index: int) -> Element:
    """The segment lane's cell in the phase at `index` (the lane's cells follow its label, in phase order)."""
    (lane,) = html.select(class_="segment-lane", data_segment_id=str(segment.id))
    cells = [child for child in lane.children if isinstance(child, Element) and "seg-cell" in child.classes]
    return cells[index]


def matrix_cell(html: Element, plan: Plan, segment: Segment, index: int) -> Element:
    (found,) = html.select("td", data_segment_id=str(segment.id), data_phase_id=str(phase(plan, index).id))
    return found


# --- capture-only cells are not gaps -----------------------------------------------------------


def test_map_shows_a_phase_that_only_captures_addresses_as_capture_only_not_as_a_gap(client, plan):
    html = page(client.get(f"/campaigns/{plan.campaign.id}"))

    for segment in (plan.founders, plan.browsers):
        awareness = map_cell(html, segment, 0)
        assert "capture-only" in awareness.classes and "gap" not in awareness.classes
        assert "Capture only" in awareness.text() and "No email — gap" not in awareness.text()
        assert [e.get("data-capture-id") for e in awareness.select("li")] == [str(plan.signup.id), str(plan.landing.id)]
        assert awareness.select("a", href=f"/touchpoints/{plan.signup.id}/edit")
    assert "capture-only" in map_cell(html, plan.founders, 2).classes  # the quote form is the founders'
    assert "gap" in map_cell(html, plan.browsers, 2).classes  # ... so the browsers have a gap there
    assert "gap" in map_cell(html, plan.founders, 3).classes


def test_map_counts_gaps_without_the_capture_only_cells(client, plan):
    html = page(client.get(f"/campaigns/{plan.campaign.id}"))

    # founders: Retention, Advocacy; browsers: Decision, Retention, Advocacy
    assert stat(html, "Gaps") == 5
    assert stat(html, "Capture only") == 3
    assert len(html.select(class_="gap-note")) == 5


def test_matrix_shows_capture_only_cells_and_leaves_them_out_of_the_gap_counts(client, plan):
    html = page(client.get(f"/campaigns/{plan.campaign.id}/matrix"))

    awareness = matrix_cell(html, plan, plan.browsers, 0)
    assert "capture-only" in awareness.classes and "gap" not in awareness.classes
    assert "Capture only" in awareness.text()
    assert "E-book landing page" in awareness.text() and "Landing page" in awareness.text()
    assert "gap" in matrix_cell(html, plan, plan.browsers, 2).classes
    assert "capture-only" in matrix_cell(html, plan, plan.founders, 2).classes
    assert (stat(html, "Gaps"), stat(html, "Capture only")) == (5, 3)
    (awareness_head,) = html.select("th", id=f"phase-{phase(plan, 0).id}")
    assert "gap" not in awareness_head.text()  # two capture-only cells, no gap
    (decision_head,) = html.select("th", id=f"phase-{phase(plan, 2).id}")
    assert "1 gap" in decision_head.text()


def test_cell_page_of_a_capture_only_cell_says_what_captures_the_address(client, plan):
    url = f"/campaigns/{plan.campaign.id}/preview?segment={plan.browsers.id}&phase={phase(plan, 0).id}"

    html = page(client.get(url))

    assert "Capture only — no email" in html.text()
    assert "No email — gap" not in html.text()
    assert [e.get("data-capture-id") for e in html.select("li", data_capture_id=None)] == [
        str(plan.signup.id), str(plan.landing.id)]
    (state,) = [a for a in html.select(class_="mini-matrix")[0].select("a") if a.get("aria-current") == "page"]
    assert "capture" in state.classes


def test_a_cell_with_a_form_and_an_email_shows_the_email(client, plan, create_touchpoint):
    create_touchpoint(plan.campaign, 0, kind="welcome", name="Welcome")

    html = page(client.get(f"/campaigns/{plan.campaign.id}/matrix"))

    awareness = matrix_cell(html, plan, plan.founders, 0)
    assert "capture-only" not in awareness.classes and "gap" not in awareness.classes
    assert "Welcome" in awareness.text()


# --- "Plan an email" from a gap -------------------------------------------------------------------


def plan_link(cell: Element) -> str:
    (link,) = cell.select("a", class_="gap-add")
    return link.get("href") or ""


def test_a_gap_on_the_map_and_the_matrix_plans_an_email_for_its_phase_and_segment(client, plan):
    for url in (f"/campaigns/{plan.campaign.id}", f"/campaigns/{plan.campaign.id}/matrix"):
        html = page(client.get(url))
        gap = map_cell(html, plan.browsers, 2) if url.endswith(str(plan.campaign.id)) else matrix_cell(
            html, plan, plan.browsers, 2)

        link = urlsplit(plan_link(gap))

        assert link.path == f"/campaigns/{plan.campaign.id}/touchpoints/new"
        assert parse_qs(link.query) == {"phase": [str(phase(plan, 2).id)], "segment": [str(plan.browsers.id)]}


@pytest.mark.parametrize(("index", "kind"), [
    (0, "welcome"),  # Awareness
    (1, "newsletter"),  # Consideration
    (2, "offer"),  # Decision
    (3, "onboarding"),  # Retention
    (4, "review_request"),  # Advocacy
])
def test_planning_from_a_gap_prefills_the_phase_the_segment_and_a_kind_that_fits_the_phase(
    client, plan, index, kind
):
    html = page(client.get(f"/campaigns/{plan.campaign.id}/touchpoints/new"
                           f"?phase={phase(plan, index).id}&segment={plan.browsers.id}"))

    assert selected(control(html, "phase_id")) == [str(phase(plan, index).id)]
    assert selected(control(html, "kind")) == [kind]
    assert ticked(html) == [str(plan.browsers.id)]


def test_planning_from_the_gap_page_prefills_the_same(client, plan):
    gap_page = page(client.get(
        f"/campaigns/{plan.campaign.id}/preview?segment={plan.browsers.id}&phase={phase(plan, 3).id}"))
    (link,) = [a for a in gap_page.select("a") if a.text().startswith("Plan an email in")]

    html = page(client.get(link.get("href")))

    assert selected(control(html, "phase_id")) == [str(phase(plan, 3).id)]
    assert selected(control(html, "kind")) == ["onboarding"]
    assert ticked(html) == [str(plan.browsers.id)]


def test_a_custom_phase_gets_a_kind_from_its_name_or_a_newsletter(client, plan):
    renamed = phase(plan, 3)
    services.update_phase(renamed, {"name": "Win-back"})
    custom = services.add_phase(plan.campaign, {"name": "Backstage"})
    db.session.commit()

    for target, kind in ((renamed, "re_engagement"), (custom, "newsletter")):
        html = page(client.get(f"/campaigns/{plan.campaign.id}/touchpoints/new?phase={target.id}"))

        assert selected(control(html, "kind")) == [kind]


def test_a_kind_in_the_address_wins_over_the_suggestion(client, plan):
    html = page(client.get(f"/campaigns/{plan.campaign.id}/touchpoints/new?phase={phase(plan, 4).id}&kind=referral"))

    assert selected(control(html, "kind")) == ["referral"]


def bad_prefills(plan: Plan, other: Campaign, outsider: Segment) -> list[str]:
    return [
        "phase=abc&segment=xyz&kind=nonsense",
        f"phase={other.phases[0].id}&segment={outsider.id}",  # another campaign's phase, an untargeted segment
        f"phase={TOO_BIG_ID}&segment={TOO_BIG_ID}",
        f"phase={unknown_id(Phase)}&segment={unknown_id(Segment)}",
        "phase=-3&segment=1.5&kind=",
        "phase=%00&segment=%F0%9F%98%80&kind=%3Cscript%3E",
    ]


def test_a_query_string_that_names_nothing_of_the_campaign_is_just_not_prefilled(
    client, plan, create_campaign, create_segment
):
    other, outsider = create_campaign(name="Other"), create_segment(name="Outsider")

    for query in bad_prefills(plan, other, outsider):
        html = page(client.get(f"/campaigns/{plan.campaign.id}/touchpoints/new?{query}"))

        assert selected(control(html, "phase_id")) == [], query
        assert selected(control(html, "kind")) == ["welcome"], query
        assert ticked(html) == [], query
        assert "Outsider" not in html.text()


def test_an_email_planned_from_a_gap_fills_it(client, plan, post_form):
    decision = phase(plan, 2)
    url = f"/campaigns/{plan.campaign.id}/touchpoints/new?phase={decision.id}&segment={plan.browsers.id}"
    form = page(client.get(url))
    assert selected(control(form, "kind")) == ["offer"]

    response = post_form(url, {"name": "Browsers' offer", "phase_id": str(decision.id), "kind": "offer",
                               "segment_ids": [str(plan.browsers.id)], "send_offset_days": "0"})

    assert response.status_code == 302
    html = page(client.get(f"/campaigns/{plan.campaign.id}"))
    filled = map_cell(html, plan.browsers, 2)
    assert "gap" not in filled.classes and "Browsers' offer" in filled.text()
    # The phase sends an email now (the browsers' only): the founders, with just their quote form there, miss one
    assert "gap" in map_cell(html, plan.founders, 2).classes
