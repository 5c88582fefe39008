"""What the pages promise about safety: CSRF tokens on every form, user text always escaped, 404 pages."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any
from urllib.parse import urlsplit

import pytest

from campaigns import services as campaign_services
from campaigns.models import Campaign, Phase, Touchpoint
from html_tree import Element, parse
from journeymail.extensions import db
from segments import services as segment_services
from segments.models import Segment

SCRIPT = "<script>alert(1)</script>"
ATTRIBUTE = 'x" onfocus="alert(1)" autofocus="'


@dataclass
class World:
    """One of everything, so every page has something to show."""

    campaign: Campaign
    phase: Phase
    touchpoint: Touchpoint
    segment: Segment


@pytest.fixture
def world(create_campaign, create_segment, create_touchpoint) -> World:
    segment = create_segment(name="Busy founders")
    campaign = create_campaign(name="Trial journey")
    campaign_services.set_segments(campaign, {"segment_ids": [segment.id]})
    touchpoint = create_touchpoint(campaign, 1, kind="follow_up", name="Case study")
    campaign_services.put_variant(touchpoint, segment, {"subject": "For founders"})
    db.session.commit()
    return World(campaign, campaign.phases[1], touchpoint, segment)


# Every page that holds a form, as (name, URL for the world).
FORM_PAGES: list[tuple[str, Callable[[World], str]]] = [
    ("new campaign", lambda w: "/campaigns/new"),
    ("journey map", lambda w: f"/campaigns/{w.campaign.id}"),
    ("campaign settings", lambda w: f"/campaigns/{w.campaign.id}/edit"),
    ("delete campaign", lambda w: f"/campaigns/{w.campaign.id}/delete"),
    ("targeted segments", lambda w: f"/campaigns/{w.campaign.id}/segments"),
    ("switch framework", lambda w: f"/campaigns/{w.campaign.id}/framework/four-phase"),
    ("new phase", lambda w: f"/campaigns/{w.campaign.id}/phases/new"),
    ("edit phase", lambda w: f"/phases/{w.phase.id}/edit"),
    ("delete phase", lambda w: f"/phases/{w.campaign.phases[0].id}/delete"),
    ("new touchpoint", lambda w: f"/campaigns/{w.campaign.id}/touchpoints/new"),
    ("edit touchpoint", lambda w: f"/touchpoints/{w.touchpoint.id}/edit"),
    ("delete touchpoint", lambda w: f"/touchpoints/{w.touchpoint.id}/delete"),
    ("new segment", lambda w: "/segments/new"),
    ("edit segment", lambda w: f"/segments/{w.segment.id}/edit"),
    ("delete segment", lambda w: f"/segments/{w.segment.id}/delete"),
]

# Every POST a page sends, with a body that would change something if it were accepted.
POSTS: list[tuple[str, Callable[[World], str], Callable[[World], dict[str, Any]]]] = [
    ("new campaign", lambda w: "/campaigns/new", lambda w: {
        "name": "Other", "goal": "Buy", "framework": "four-phase", "sender_name": "Maya",
        "sender_email": "maya@example.com",
    }),
    ("campaign settings", lambda w: f"/campaigns/{w.campaign.id}/edit", lambda w: {
        "name": "Renamed", "goal": "Buy", "sender_name": "Maya", "sender_email": "maya@example.com",
    }),
    ("delete campaign", lambda w: f"/campaigns/{w.campaign.id}/delete", lambda w: {}),
    ("duplicate campaign", lambda w: f"/campaigns/{w.campaign.id}/duplicate", lambda w: {}),
    ("targeted segments", lambda w: f"/campaigns/{w.campaign.id}/segments", lambda w: {}),
    ("switch framework", lambda w: f"/campaigns/{w.campaign.id}/framework/four-phase", lambda w: {
        "step": "apply", **{f"phase_map.{p.id}": "0" for p in w.campaign.phases},
    }),
    ("new phase", lambda w: f"/campaigns/{w.campaign.id}/phases/new", lambda w: {"name": "Extra"}),
    ("edit phase", lambda w: f"/phases/{w.phase.id}/edit", lambda w: {"name": "Renamed"}),
    ("move phase", lambda w: f"/phases/{w.phase.id}/move", lambda w: {"direction": "right"}),
    ("delete phase", lambda w: f"/phases/{w.campaign.phases[0].id}/delete", lambda w: {"confirm": "yes"}),
    ("new touchpoint", lambda w: f"/campaigns/{w.campaign.id}/touchpoints/new", lambda w: {
        "phase_id": str(w.phase.id), "kind": "welcome", "name": "Extra",
    }),
    ("edit touchpoint", lambda w: f"/touchpoints/{w.touchpoint.id}/edit", lambda w: {
        "phase_id": str(w.phase.id), "kind": "follow_up", "name": "Renamed",
    }),
    ("move touchpoint", lambda w: f"/touchpoints/{w.touchpoint.id}/move", lambda w: {"direction": "right"}),
    ("delete touchpoint", lambda w: f"/touchpoints/{w.touchpoint.id}/delete", lambda w: {}),
    ("new segment", lambda w: "/segments/new", lambda w: {
        "name": "Other", "motivation": "m", "action": "a", "obstacle": "o",
    }),
    ("edit segment", lambda w: f"/segments/{w.segment.id}/edit", lambda w: {
        "name": "Renamed", "motivation": "m", "action": "a", "obstacle": "o",
    }),
    ("delete segment", lambda w: f"/segments/{w.segment.id}/delete", lambda w: {}),
]


def page(response: Any) -> Element:
    return parse(response.get_data(as_text=True))


def posting_forms(html: Element) -> list[Element]:
    return [form for form in html.select("form") if (form.get("method") or "get").lower() == "post"]


def has_token(form: Element) -> bool:
    return any(field.get("value") for field in form.select("input", name="csrf_token"))


def source_of(script: Element) -> str:
    return "".join(child for child in script.children if isinstance(child, str))


def everything_saved() -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, to prove a refused request wrote nothing."""
    db.session.expire_all()
    return {
        table.name: [tuple(row) for row in db.session.execute(table.select().order_by(*table.primary_key.columns))]
        for table in db.metadata.sorted_tables
    }


# --- CSRF ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "url"), FORM_PAGES, ids=[name for name, _ in FORM_PAGES])
def test_every_form_that_posts_carries_a_csrf_token(client, world, name, url):
    response = client.get(url(world))

    forms = posting_forms(page(response))
    assert response.status_code == 200
    assert forms, f"the {name} page has no form"
    assert all(has_token(form) for form in forms), f"a form on the {name} page has no CSRF token"


def test_every_page_reachable_from_the_menu_has_tokens_in_its_forms(client, world):
    seen: set[str] = set()
    queue = ["/campaigns", "/segments"]
    while queue:
        url = queue.pop()
        if url in seen:
            continue
        seen.add(url)
        response = client.get(url)
        assert response.status_code in (200, 302), f"{url} answered {response.status_code}"
        if response.status_code == 302 or response.mimetype != "text/html":
            continue
        html = page(response)
        assert all(has_token(form) for form in posting_forms(html)), f"a form on {url} has no CSRF token"
        for link in html.select("a", href=None):
            target = urlsplit(link.get("href") or "")
            if not target.netloc and target.path.startswith("/") and not target.path.startswith(("/static/", "/api/")):
                queue.append(target.path + (f"?{target.query}" if target.query else ""))

    assert {url(world) for _, url in FORM_PAGES} <= seen, "some form pages cannot be reached by following links"


@pytest.mark.parametrize(("name", "url", "data"), POSTS, ids=[name for name, _, _ in POSTS])
def test_a_post_without_csrf_token_is_refused_and_writes_nothing(client, world, name, url, data):
    action, body = url(world), data(world)
    before = everything_saved()

    response = client.post(action, data=body)

    assert response.status_code == 400
    assert "without a valid security token" in page(response).text()
    assert everything_saved() == before


def test_a_token_from_another_browser_session_is_refused(app, client, client_as, world):
    stranger = client_as("editor")  # a colleague signed in on another browser
    token = page(stranger.get("/segments/new")).select("input", name="csrf_token")[0].get("value")
    client.get("/segments/new")  # this browser has a session of its own

    response = client.post(
        "/segments/new", data={"csrf_token": token, "name": "Other", "motivation": "m", "action": "a", "obstacle": "o"}
    )

    assert response.status_code == 400
    assert db.session.scalar(db.select(db.func.count(Segment.id))) == 1


# --- escaping ------------------------------------------------------------------------------


@pytest.fixture(params=[SCRIPT, ATTRIBUTE], ids=["script tag", "attribute break-out"])
def hostile(request, create_campaign, create_segment) -> tuple[str, World]:
    """Every piece of user text set to the same hostile string."""
    payload = request.param
    segment = create_segment(
        name=payload, description=payload, motivation=payload, action=payload, obstacle=payload,
        opportunity=payload, sample_data={"firstname": payload},
    )
    campaign = create_campaign(name=payload, goal=payload, description=payload, sender_name=payload)
    campaign_services.set_segments(campaign, {"segment_ids": [segment.id]})
    for phase in campaign.phases:
        campaign_services.update_phase(
            phase, {"name": payload, "description": payload, "pain_points": payload, "opportunities": payload}
        )
    touchpoint = campaign_services.add_touchpoint(campaign, {
        "phase_id": campaign.phases[1].id, "kind": "offer", "name": payload, "trigger": payload, "cta": payload,
        "subject": payload, "preheader": payload, "segment_ids": [segment.id],
    })
    db.session.commit()
    return payload, World(campaign, campaign.phases[1], touchpoint, segment)


SHOWN_PAGES = [
    ("campaign list", lambda w: "/campaigns"),
    ("segment list", lambda w: "/segments"),
    *((name, url) for name, url in FORM_PAGES if name not in ("new campaign", "new segment")),
]


@pytest.mark.parametrize(("name", "url"), SHOWN_PAGES, ids=[name for name, _ in SHOWN_PAGES])
def test_user_text_is_shown_as_text_never_as_markup(client, hostile, name, url):
    payload, world = hostile

    response = client.get(url(world))

    html = page(response)
    assert response.status_code == 200
    assert payload in html.text(), f"the {name} page does not show the user's text"
    scripts = [script for script in html.select("script") if "alert(1)" in source_of(script)]
    assert not scripts, f"user text became a script on the {name} page"
    assert not [e for e in html.iter() if any(a.startswith("on") for a in e.attrs)], (
        f"user text became an event handler on the {name} page"
    )
    if payload == SCRIPT:
        assert SCRIPT not in response.get_data(as_text=True)
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in response.get_data(as_text=True)


def test_a_flash_message_shows_the_campaign_name_as_text(client, post_form):
    response = post_form("/campaigns/new", {
        "name": SCRIPT, "goal": "Buy", "framework": "four-phase", "sender_name": "Maya",
        "sender_email": "maya@example.com",
    })

    shown = client.get(response.headers["Location"]).get_data(as_text=True)
    assert SCRIPT not in shown
    assert "Campaign &#34;&lt;script&gt;alert(1)&lt;/script&gt;&#34; created" in shown


# --- pages for things that do not exist ------------------------------------------------------


@pytest.fixture
def gone(create_campaign, create_segment, create_touchpoint) -> World:
    """A campaign, phase, touchpoint and segment that existed and were deleted: their IDs are surely unknown."""
    segment = create_segment()
    campaign = create_campaign()
    touchpoint = create_touchpoint(campaign, 1)
    ids = World(
        campaign=SimpleNamespace(id=campaign.id, phases=[SimpleNamespace(id=p.id) for p in campaign.phases]),
        phase=SimpleNamespace(id=campaign.phases[1].id),
        touchpoint=SimpleNamespace(id=touchpoint.id),
        segment=SimpleNamespace(id=segment.id),
    )
    campaign_services.delete_campaign(campaign)
    segment_services.delete_segment(segment)
    db.session.commit()
    return ids


OWNED_PAGES = [(name, url) for name, url in FORM_PAGES if name not in ("new campaign", "new segment")]
OWNED_POSTS = [(name, url, data) for name, url, data in POSTS if name not in ("new campaign", "new segment")]


@pytest.mark.parametrize(("name", "url"), OWNED_PAGES, ids=[name for name, _ in OWNED_PAGES])
def test_a_page_for_something_deleted_is_a_404_page(client, gone, name, url):
    response = client.get(url(gone))

    assert response.status_code == 404
    assert response.mimetype == "text/html"
    assert "Not found" in page(response).text()


@pytest.mark.parametrize(("name", "url", "data"), OWNED_POSTS, ids=[name for name, _, _ in OWNED_POSTS])
def test_posting_to_something_deleted_is_a_404_page(post_form, gone, name, url, data):
    response = post_form("/segments/new", data(gone), action=url(gone))

    assert response.status_code == 404
    assert "Not found" in page(response).text()


@pytest.mark.parametrize("url", ["/campaigns/abc", "/campaigns/-1/edit", "/segments/1.5/edit", "/no/such/page"])
def test_an_address_that_is_no_page_is_a_404_page(client, url):
    response = client.get(url)

    assert response.status_code == 404
    assert response.mimetype == "text/html"
    assert "Not found" in page(response).text()


@pytest.mark.parametrize(
    "url", ["/campaigns/{}", "/campaigns/{}/edit", "/phases/{}/edit", "/touchpoints/{}/edit", "/segments/{}/edit"]
)
def test_an_id_beyond_any_database_integer_is_a_404_page(client, url):
    response = client.get(url.format(2**31))
    assert response.status_code == 404
    assert "Not found" in response.get_data(as_text=True)
