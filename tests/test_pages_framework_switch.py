"""Switching a campaign's framework: pick one, map each old phase to a new one (a guess to start from), preview
the phases that result with their touchpoints, apply exactly that; a bad mapping changes nothing."""

from __future__ import annotations

from typing import Any

import pytest

from api_support import csrf_token_from, database_rows, saved, saved_rows
from campaigns import services
from campaigns.frameworks import FRAMEWORKS
from campaigns.models import Campaign, Phase, Touchpoint
from html_tree import Element, parse
from journeymail.extensions import db

SCRIPT = "<script>alert(1)</script>"


def page(response: Any, status: int = 200) -> Element:
    assert response.status_code == status, response.status_code
    return parse(response.get_data(as_text=True))


def switch_url(campaign: Campaign, key: str) -> str:
    return f"/campaigns/{campaign.id}/framework/{key}"


def choices(html: Element) -> dict[str, str]:
    """What each mapping select shows as chosen: {field name: value}."""
    found = {}
    for select in html.select("select"):
        chosen = [o.get("value") for o in select.select("option") if "selected" in o.attrs]
        found[select.get("name")] = chosen[0] if chosen else None
    return found


def option_labels(html: Element, name: str) -> dict[str, str]:
    (select,) = html.select("select", name=name)
    return {o.get("value"): o.text() for o in select.select("option")}


def apply_form(html: Element) -> dict[str, str]:
    """The fields the preview's Apply button posts (its hidden mapping, CSRF token and step)."""
    (form,) = html.select("form", class_="fs-apply")
    fields = {e.get("name"): e.get("value") for e in form.select("input")}
    (button,) = form.select("button")
    return {**fields, button.get("name"): button.get("value")}


def result(html: Element) -> list[tuple[str, list[str]]]:
    """The preview as a user reads it: each resulting phase's name and its touchpoints, in order."""
    found = []
    for item in html.select("li", class_="fs-phase"):
        (title,) = item.select("h3")
        name = "".join(c for c in title.children if isinstance(c, str)).strip()
        found.append((name, [li.get("data-touchpoint-id") for li in item.select("li", data_touchpoint_id=None)]))
    return found


def saved_plan(campaign: Campaign) -> list[tuple[int, str, list[tuple[int, int]]]]:
    """The campaign's phases as saved, by position: (position, name, [(touchpoint position, touchpoint id)])."""
    phases = sorted(saved_rows(Phase, campaign_id=campaign.id), key=lambda p: p.position)
    return [
        (p.position, p.name, sorted((t.position, t.id) for t in saved_rows(Touchpoint, phase_id=p.id)))
        for p in phases
    ]


@pytest.fixture
def journey(create_campaign, create_touchpoint) -> dict[str, Any]:
    """A seven-phase campaign with touchpoints in five phases and notes on Retention."""
    campaign = create_campaign(framework="seven-phase")
    tp = {
        "signup": create_touchpoint(campaign, 0, kind="signup_form", name="Signup form"),
        "welcome": create_touchpoint(campaign, 0, name="Welcome"),
        "tips": create_touchpoint(campaign, 1, kind="newsletter", name="Tips"),
        "case": create_touchpoint(campaign, 2, kind="follow_up", name="Case study"),
        "trial": create_touchpoint(campaign, 3, kind="offer", name="Trial offer"),
        "start": create_touchpoint(campaign, 4, name="Trial started"),
        "onboarding": create_touchpoint(campaign, 5, kind="onboarding", name="Week one"),
    }
    services.update_phase(campaign.phases[5], {"emotion": 2, "pain_points": "Forgets to log in",
                                               "opportunities": "Timed tips", "description": "Our own words"})
    services.update_phase(campaign.phases[1], {"pain_points": "Unsure it fits\nNo time"})
    services.update_phase(campaign.phases[2], {"pain_points": "No time\nNeeds the team lead", "emotion": -1})
    db.session.commit()
    return {"campaign": campaign, **tp}


def test_map_and_settings_lead_to_the_switch_and_it_offers_every_framework(client, journey):
    campaign = journey["campaign"]
    for url in (f"/campaigns/{campaign.id}", f"/campaigns/{campaign.id}/edit"):
        assert page(client.get(url)).select("a", href=f"/campaigns/{campaign.id}/framework"), url

    html = page(client.get(f"/campaigns/{campaign.id}/framework"))

    for key, framework in FRAMEWORKS.items():
        (card,) = html.select("li", data_framework=key)
        assert card.select("a", href=switch_url(campaign, key))
        assert [li.text() for li in card.select("ol")[0].select("li")] == [p.name for p in framework.phases]
    (current,) = html.select("li", data_framework="seven-phase")
    assert "Current framework" in current.text()


def test_the_mapping_form_starts_from_a_guess_same_name_else_the_same_part_of_the_journey(client, journey):
    campaign = journey["campaign"]
    ids = [p.id for p in campaign.phases]

    html = page(client.get(switch_url(campaign, "five-stage")))

    # Awareness · Consideration · Decision · Retention · Advocacy
    assert choices(html) == {
        f"phase_map.{ids[0]}": "0",  # Awareness: the same name
        f"phase_map.{ids[1]}": "1",  # Favorability: educating content, as Consideration
        f"phase_map.{ids[2]}": "1",  # Consideration
        f"phase_map.{ids[3]}": "2",  # Intent to Purchase: the offer, as Decision
        f"phase_map.{ids[4]}": "2",  # Conversion
        f"phase_map.{ids[5]}": "3",  # Retention
        f"phase_map.{ids[6]}": "4",  # Advocacy
    }
    assert option_labels(html, f"phase_map.{ids[0]}") == {
        "0": "1. Awareness", "1": "2. Consideration", "2": "3. Decision", "3": "4. Retention", "4": "5. Advocacy",
        "keep": "Keep “Awareness” as a phase of its own",
    }


def test_the_whole_switch_previews_then_applies_exactly_the_preview(client, journey):
    campaign, tp = journey["campaign"], journey
    ids = [p.id for p in campaign.phases]
    chooser = page(client.get(f"/campaigns/{campaign.id}/framework"))
    (link,) = chooser.select("a", href=switch_url(campaign, "five-stage"))
    url = link.get("href")
    response = client.get(url)
    form = page(response)
    chosen = {**choices(form), f"phase_map.{ids[4]}": "3"}  # Conversion goes to Retention, before its touchpoints
    token = csrf_token_from(response.get_data(as_text=True))
    before = database_rows()

    preview = page(client.post(url, data={**chosen, "csrf_token": token, "step": "preview"}))

    assert database_rows() == before  # a preview changes nothing
    assert result(preview) == [
        ("Awareness", [str(tp["signup"].id), str(tp["welcome"].id)]),
        ("Consideration", [str(tp["tips"].id), str(tp["case"].id)]),
        ("Decision", [str(tp["trial"].id)]),
        ("Retention", [str(tp["start"].id), str(tp["onboarding"].id)]),
        ("Advocacy", []),
    ]
    assert "merges “Favorability”, “Consideration”" in preview.text()
    assert choices(preview)[f"phase_map.{ids[4]}"] == "3"  # the form shows what was previewed

    response = client.post(url, data=apply_form(preview))

    assert response.status_code == 302 and response.headers["Location"] == f"/campaigns/{campaign.id}"
    assert saved(Campaign, campaign.id).framework == "five-stage"
    assert saved_plan(campaign) == [
        (0, "Awareness", [(0, tp["signup"].id), (1, tp["welcome"].id)]),
        (1, "Consideration", [(0, tp["tips"].id), (1, tp["case"].id)]),
        (2, "Decision", [(0, tp["trial"].id)]),
        (3, "Retention", [(0, tp["start"].id), (1, tp["onboarding"].id)]),
        (4, "Advocacy", []),
    ]
    decision = [p for p in saved_rows(Phase, campaign_id=campaign.id) if p.name == "Decision"][0]
    assert decision.description == FRAMEWORKS["five-stage"].phases[2].description
    consideration = [p for p in saved_rows(Phase, campaign_id=campaign.id) if p.name == "Consideration"][0]
    assert consideration.pain_points == "Unsure it fits\nNo time\nNeeds the team lead"  # both phases' notes, once
    retention = [p for p in saved_rows(Phase, campaign_id=campaign.id) if p.name == "Retention"][0]
    # Retention took Conversion too: merged, so its emotion is the mean; its own notes stay
    assert (retention.pain_points, retention.opportunities, retention.emotion) == ("Forgets to log in", "Timed tips", 1)
    assert retention.id == ids[4]  # the first of the phases it merges
    assert saved(Phase, ids[5]) is None and saved(Phase, ids[2]) is None  # merged away
    assert "The campaign now follows Five-stage funnel" in page(client.get(f"/campaigns/{campaign.id}")).text()


def test_a_phase_mapped_one_to_one_keeps_its_emotion_pain_points_and_opportunities(client, journey, post_form):
    campaign = journey["campaign"]
    url = switch_url(campaign, "five-stage")
    preview = page(post_form(url, {**choices(page(client.get(url))), "step": "preview"}))

    assert client.post(url, data=apply_form(preview)).status_code == 302

    (retention,) = [p for p in saved_rows(Phase, campaign_id=campaign.id) if p.name == "Retention"]
    assert (retention.emotion, retention.pain_points, retention.opportunities) == (2, "Forgets to log in", "Timed tips")
    assert retention.description == FRAMEWORKS["five-stage"].phases[3].description  # the framework's words


def test_a_custom_phase_is_kept_where_it_was_and_empty_new_phases_are_added(
    client, create_campaign, create_touchpoint, post_form
):
    campaign = create_campaign(framework="four-phase")  # Awareness · Consideration · Decision · Post-purchase
    custom = services.add_phase(campaign, {"name": f"Webinar {SCRIPT}", "position": 2, "emotion": 1})
    db.session.commit()
    webinar = create_touchpoint(campaign, 2, kind="signup_form", name="Webinar registration")
    after = create_touchpoint(campaign, 4, kind="onboarding", name="Tips")
    url = switch_url(campaign, "seven-phase")
    form = page(client.get(url))
    assert choices(form)[f"phase_map.{custom.id}"] == "keep"

    response = post_form(url, {**choices(form), "step": "preview"})
    preview = page(response)

    names = [name for name, _ in result(preview)]
    assert names == ["Awareness", "Favorability", "Consideration", f"Webinar {SCRIPT}", "Intent to Purchase",
                     "Conversion", "Retention", "Advocacy"]
    assert SCRIPT not in response.get_data(as_text=True)  # the phase's name is text, never markup
    assert client.post(url, data=apply_form(preview)).status_code == 302
    plan = saved_plan(campaign)
    assert [p[0] for p in plan] == list(range(8))
    assert plan[3] == (3, f"Webinar {SCRIPT}", [(0, webinar.id)])
    assert saved(Phase, custom.id).emotion == 1  # the same phase, untouched
    assert (6, "Retention", [(0, after.id)]) == plan[6]  # Post-purchase is Retention's part of the journey


def bad_mappings(campaign: Campaign, other: Campaign) -> list[tuple[str, dict[str, str], str]]:
    ids = [p.id for p in campaign.phases]
    everything = {f"phase_map.{i}": "0" for i in ids}
    without_first = {k: v for k, v in everything.items() if k != f"phase_map.{ids[0]}"}
    return [
        ("a phase left out", without_first, f"phase_map.{ids[0]}"),
        ("an empty choice", {**everything, f"phase_map.{ids[1]}": ""}, f"phase_map.{ids[1]}"),
        ("past the last new phase", {**everything, f"phase_map.{ids[2]}": "5"}, f"phase_map.{ids[2]}"),
        ("not a number", {**everything, f"phase_map.{ids[2]}": "-1"}, f"phase_map.{ids[2]}"),
        ("another campaign's phase", {**everything, f"phase_map.{other.phases[0].id}": "0"},
         f"phase_map.{other.phases[0].id}"),
        ("a phase that is no ID", {**everything, "phase_map.x<b>": "0"}, "phase_map.x<b>"),
    ]


@pytest.mark.parametrize("step", ["preview", "apply"])
def test_an_invalid_mapping_is_shown_beside_its_phase_and_changes_nothing(
    client, journey, create_campaign, post_form, step
):
    campaign, other = journey["campaign"], create_campaign(name="Other")
    url = switch_url(campaign, "four-phase")
    before = database_rows()

    for label, mapping, field in bad_mappings(campaign, other):
        response = post_form(url, {**mapping, "step": step})

        html = page(response, 422)
        assert not html.select("form", class_="fs-apply"), label  # nothing to apply
        assert html.select(role="alert"), label
        if field in choices(html):
            (row,) = [tr for tr in html.select("tr") if tr.select("select", name=field)]
            assert "has-error" in row.classes and row.select(class_="field-error"), label
        assert database_rows() == before, label


def test_apply_without_the_pages_token_is_refused_and_changes_nothing(client, journey):
    campaign = journey["campaign"]
    url = switch_url(campaign, "four-phase")
    mapping = choices(page(client.get(url)))
    before = database_rows()

    response = client.post(url, data={**mapping, "step": "apply"})

    assert response.status_code == 400
    assert database_rows() == before


def test_an_unknown_framework_or_campaign_is_not_found(client, journey):
    campaign = journey["campaign"]

    assert client.get(switch_url(campaign, "nine-phase")).status_code == 404
    assert client.get(f"/campaigns/{campaign.id + 1000}/framework").status_code == 404
    assert client.get(f"/campaigns/{campaign.id + 1000}/framework/five-stage").status_code == 404


def test_switching_to_a_longer_framework_spreads_the_phases_and_keeps_touchpoints_in_order(
    client, create_campaign, create_touchpoint, post_form
):
    campaign = create_campaign()  # five-stage
    first = create_touchpoint(campaign, 2, kind="offer", name="First offer")
    second = create_touchpoint(campaign, 2, kind="reminder", name="Reminder")
    third = create_touchpoint(campaign, 2, kind="offer", name="Last call", position=0)
    url = switch_url(campaign, "seven-phase")
    form = page(client.get(url))

    preview = page(post_form(url, {**choices(form), "step": "preview"}))
    assert client.post(url, data=apply_form(preview)).status_code == 302

    plan = saved_plan(campaign)
    assert [name for _, name, _ in plan] == [p.name for p in FRAMEWORKS["seven-phase"].phases]
    (holding,) = [p for p in plan if p[2]]
    assert holding[1] == "Intent to Purchase"  # Decision: the offer's part of the journey
    assert holding[2] == [(0, third.id), (1, first.id), (2, second.id)]
