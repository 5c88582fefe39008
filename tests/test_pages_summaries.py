"""The check counts of the journey map, the matrix page and the matrix API come from summaries of each email
(its subject and check counts), kept under a hash of everything that decides the email. Warm, these pages render
no email; and no edit (body, subject, preheader, variant, audience, targeting, sample data, moving or deleting
things) can ever leave a stale count or subject behind."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from typing import Any

import pytest
from flask.testing import FlaskClient

import campaigns.content as content_module
from campaigns.content import Content, content_key, preview_values, summaries, values_key
from campaigns.models import Campaign, Touchpoint
from emails.preview import preview_source
from html_tree import Element, parse
from journeymail.extensions import db
from segments.models import Segment

CLEAN = """<mjml>
  <mj-body>
    <mj-section>
      <mj-column>
        <mj-text>Hello {{ firstname | default("there") }}, here is what is new.</mj-text>
        <mj-button href="https://plannery.example/start">Start</mj-button>
        <mj-text><a href="{{ unsubscribe_url }}">Unsubscribe</a></mj-text>
      </mj-column>
    </mj-section>
  </mj-body>
</mjml>
"""
# two errors (a broken link, no unsubscribe link) and two warnings (an image without alt text, no call to action)
FLAWED = """<mjml>
  <mj-body>
    <mj-section>
      <mj-column>
        <mj-image src="https://plannery.example/hero.png" />
        <mj-button href="#">Start</mj-button>
      </mj-column>
    </mj-section>
  </mj-body>
</mjml>
"""
PREHEADER = "Three things to try in your first week with us"

Counts = dict[tuple[int, int], dict[str, int]]


@dataclass
class Plan:
    campaign: Campaign
    ada: Segment  # has a first name
    nobody: Segment  # has no sample data at all
    welcome: Touchpoint  # phase 0, clean, subject with {{ firstname }} (no default)
    offer: Touchpoint  # phase 1, clean


@pytest.fixture(autouse=True)
def _no_summaries() -> Iterator[None]:
    """Each test starts with no summary known, so that what it counts is what it did."""
    summaries.clear()
    yield
    summaries.clear()


@pytest.fixture
def renders(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The subject of every email previewed from now on (cache hits included): what the pages rendered."""
    seen: list[str] = []

    def counting(**parts: Any) -> Any:
        seen.append(parts["subject"])
        return preview_source(**parts)

    monkeypatch.setattr(content_module, "preview_source", counting)
    return seen


@pytest.fixture
def plan(
    client: FlaskClient,
    create_campaign: Callable[..., Campaign],
    create_segment: Callable[..., Segment],
    create_touchpoint: Callable[..., Touchpoint],
) -> Plan:
    campaign = create_campaign()
    ada = create_segment(name="Ada's team", sample_data={"firstname": "Ada"})
    nobody = create_segment(name="No names", sample_data={})
    ok(client.put(f"/api/campaigns/{campaign.id}/segments", json={"segment_ids": [ada.id, nobody.id]}))
    welcome = create_touchpoint(
        campaign, 0, kind="welcome", name="Welcome", subject="Welcome, {{ firstname }}", preheader=PREHEADER, mjml=CLEAN
    )
    offer = create_touchpoint(campaign, 1, kind="offer", name="Offer", subject="An offer", preheader=PREHEADER, mjml=CLEAN)
    return Plan(campaign, ada, nobody, welcome, offer)


def ok(response: Any) -> Any:
    assert response.status_code in (200, 201, 204), response.get_data(as_text=True)[:300]
    return response


def badge_counts(element: Element) -> dict[str, int]:
    counts = {"error": 0, "warning": 0}
    for badge in element.select(class_="count"):
        for severity in counts:
            if severity in badge.classes:
                counts[severity] += int(badge.text().split()[0])
    return counts


def map_counts(client: FlaskClient, campaign: Campaign) -> Counts:
    """The check badges of every segment-lane cell of the journey map that has emails."""
    html = parse(ok(client.get(f"/campaigns/{campaign.id}")).get_data(as_text=True))
    found: Counts = {}
    for link in html.select("a", class_="cell-open"):
        query = dict(part.split("=") for part in link.get("href").split("?")[1].split("&"))
        found[(int(query["segment"]), int(query["phase"]))] = badge_counts(link)
    return found


def matrix_subjects(client: FlaskClient, campaign: Campaign) -> dict[tuple[int, int], str]:
    """The subject the matrix page shows, by (segment_id, touchpoint_id)."""
    html = parse(ok(client.get(f"/campaigns/{campaign.id}/matrix")).get_data(as_text=True))
    return {
        (int(td.get("data-segment-id")), int(li.get("data-touchpoint-id"))): li.select("a", class_="mx-subject")[0].text()
        for td in html.select("td", class_="mx-cell") for li in td.select("li", class_="mx-email")
    }


def expected_counts(campaign_id: int) -> Counts:
    """Each cell's counts worked out afresh from the database: every email of the cell previewed."""
    db.session.expire_all()
    campaign = db.session.get(Campaign, campaign_id)
    found: Counts = {}
    for segment in campaign.segments:
        for phase in campaign.phases:
            emails = [tp for tp in phase.touchpoints if tp.is_email and tp.reaches(segment)]
            if not emails:
                continue
            total = {"error": 0, "warning": 0}
            for tp in emails:
                content = Content.of(tp, segment)
                preview = preview_source(
                    mjml=content.mjml, subject=content.subject, preheader=content.preheader,
                    values=preview_values(campaign, segment), text_override=content.text_override,
                )
                for severity in total:
                    total[severity] += preview.counts[severity]
            found[(segment.id, phase.id)] = total
    return found


def cell_key(plan: Plan, segment: Segment, phase_index: int) -> tuple[int, int]:
    return (segment.id, plan.campaign.phases[phase_index].id)


def assert_map_changes(client: FlaskClient, plan: Plan, edit: Callable[[], Any], *, changed: list[tuple[int, int]]) -> Counts:
    """Load the map (and the matrix and its API, which keep the same summaries), make the edit, load them again:
    the counts are the fresh ones, and the cells the edit touches show other counts than before."""
    before = map_counts(client, plan.campaign)
    assert before == expected_counts(plan.campaign.id)
    ok(client.get(f"/api/campaigns/{plan.campaign.id}/matrix"))
    ok(client.get(f"/campaigns/{plan.campaign.id}/matrix"))

    edit()

    after = map_counts(client, plan.campaign)
    assert after == expected_counts(plan.campaign.id)
    for key in changed:
        assert after.get(key) != before.get(key), key
    api = ok(client.get(f"/api/campaigns/{plan.campaign.id}/matrix")).get_json()
    assert {(c["segment_id"], c["phase_id"]): c["checks"] for c in api["cells"] if c["touchpoint_ids"]} == after
    return after


# --- warm, nothing is rendered -------------------------------------------------------------------


def test_warm_the_map_matrix_and_matrix_api_render_no_email(client: FlaskClient, plan: Plan, renders: list[str]):
    urls = [f"/campaigns/{plan.campaign.id}", f"/campaigns/{plan.campaign.id}/matrix",
            f"/api/campaigns/{plan.campaign.id}/matrix"]
    ok(client.get(urls[0]))
    assert len(renders) == 4  # two emails, each for two segments, rendered once

    for url in urls * 2:
        ok(client.get(url))

    assert len(renders) == 4


def test_an_edit_renders_again_only_the_emails_it_changed(client: FlaskClient, plan: Plan, renders: list[str]):
    ok(client.get(f"/campaigns/{plan.campaign.id}"))
    renders.clear()

    ok(client.patch(f"/api/touchpoints/{plan.offer.id}", json={"subject": "A better offer"}))
    ok(client.get(f"/campaigns/{plan.campaign.id}"))

    assert renders == ["A better offer", "A better offer"]  # the offer, for each segment; not the welcome


def test_the_summaries_answer_exactly_as_the_previews_do(client: FlaskClient, plan: Plan):
    """Subjects and counts of the API, warm, are those of a fresh preview of each email, even one that
    does not render."""
    ok(client.patch(f"/api/touchpoints/{plan.offer.id}", json={"mjml": "<mjml><mj-body><mj-text>x</mjml>"}))
    ok(client.get(f"/api/campaigns/{plan.campaign.id}/matrix"))

    warm = ok(client.get(f"/api/campaigns/{plan.campaign.id}/matrix")).get_json()

    for cell in warm["cells"]:
        segment = db.session.get(Segment, cell["segment_id"])
        for email in cell["emails"]:
            preview = ok(client.get(f"/api/campaigns/{plan.campaign.id}/preview",
                                    query_string={"touchpoint": email["touchpoint_id"], "segment": segment.id})).get_json()
            assert email["subject"] == preview["subject"]
            assert email["checks"] == {s: sum(c["severity"] == s for c in preview["checks"]) for s in ("error", "warning")}
    offer = [e for c in warm["cells"] for e in c["emails"] if e["touchpoint_id"] == plan.offer.id]
    assert offer and all(e["checks"]["error"] >= 1 for e in offer)


# --- never stale: every kind of edit ---------------------------------------------------------------


def test_editing_the_body_changes_the_counts(client: FlaskClient, plan: Plan):
    edit = lambda: ok(client.patch(f"/api/touchpoints/{plan.welcome.id}", json={"mjml": FLAWED}))  # noqa: E731

    after = assert_map_changes(client, plan, edit, changed=[cell_key(plan, plan.ada, 0), cell_key(plan, plan.nobody, 0)])

    assert after[cell_key(plan, plan.ada, 0)] == {"error": 2, "warning": 2}


def test_editing_the_subject_changes_the_counts(client: FlaskClient, plan: Plan):
    edit = lambda: ok(client.patch(f"/api/touchpoints/{plan.offer.id}", json={"subject": ""}))  # noqa: E731

    after = assert_map_changes(client, plan, edit, changed=[cell_key(plan, plan.ada, 1), cell_key(plan, plan.nobody, 1)])

    assert after[cell_key(plan, plan.ada, 1)]["error"] == 1


def test_editing_the_preheader_changes_the_counts(client: FlaskClient, plan: Plan):
    edit = lambda: ok(client.patch(f"/api/touchpoints/{plan.offer.id}", json={"preheader": ""}))  # noqa: E731

    after = assert_map_changes(client, plan, edit, changed=[cell_key(plan, plan.ada, 1), cell_key(plan, plan.nobody, 1)])

    assert after[cell_key(plan, plan.ada, 1)] == {"error": 0, "warning": 1}


def test_adding_changing_and_deleting_a_variant_changes_only_its_segments_counts(client: FlaskClient, plan: Plan):
    url = f"/api/touchpoints/{plan.offer.id}/variants/{plan.ada.id}"
    ada, nobody = cell_key(plan, plan.ada, 1), cell_key(plan, plan.nobody, 1)

    added = assert_map_changes(client, plan, lambda: ok(client.put(url, json={"mjml": FLAWED})), changed=[ada])
    assert added[nobody] == {"error": 0, "warning": 0}
    changed = assert_map_changes(client, plan, lambda: ok(client.put(url, json={"mjml": CLEAN, "subject": "x" * 70})),
                                 changed=[ada])
    assert changed[ada] == {"error": 0, "warning": 1}  # the subject is too long
    deleted = assert_map_changes(client, plan, lambda: ok(client.delete(url)), changed=[ada])
    assert deleted[ada] == deleted[nobody] == {"error": 0, "warning": 0}


def test_narrowing_the_audience_moves_the_counts(client: FlaskClient, plan: Plan):
    ok(client.patch(f"/api/touchpoints/{plan.offer.id}", json={"mjml": FLAWED}))
    edit = lambda: ok(client.patch(f"/api/touchpoints/{plan.offer.id}", json={"segment_ids": [plan.ada.id]}))  # noqa: E731

    after = assert_map_changes(client, plan, edit, changed=[cell_key(plan, plan.nobody, 1)])

    assert cell_key(plan, plan.nobody, 1) not in after  # a gap now: no badge
    assert after[cell_key(plan, plan.ada, 1)] == {"error": 2, "warning": 2}


def test_changing_the_targeting_changes_the_lanes_and_their_counts(
    client: FlaskClient, plan: Plan, create_segment: Callable[..., Segment]
):
    other = create_segment(name="Others", sample_data={})
    edit = lambda: ok(client.put(  # noqa: E731
        f"/api/campaigns/{plan.campaign.id}/segments", json={"segment_ids": [plan.ada.id, other.id]}
    ))

    after = assert_map_changes(client, plan, edit, changed=[cell_key(plan, plan.nobody, 0), cell_key(plan, other, 0)])

    assert {segment for segment, _ in after} == {plan.ada.id, other.id}
    assert after[cell_key(plan, other, 0)] == {"error": 0, "warning": 1}  # no first name for the subject


def test_the_campaigns_sample_data_changes_the_counts(client: FlaskClient, plan: Plan):
    nobody = cell_key(plan, plan.nobody, 0)
    edit = lambda: ok(client.patch(  # noqa: E731
        f"/api/campaigns/{plan.campaign.id}", json={"sample_data": {"firstname": "Reader"}}
    ))

    after = assert_map_changes(client, plan, edit, changed=[nobody])

    assert after[nobody] == {"error": 0, "warning": 0}


def test_a_segments_sample_data_changes_the_counts_and_the_subjects(client: FlaskClient, plan: Plan):
    nobody = cell_key(plan, plan.nobody, 0)
    assert matrix_subjects(client, plan.campaign)[(plan.nobody.id, plan.welcome.id)] == "Welcome,"
    edit = lambda: ok(client.patch(f"/api/segments/{plan.nobody.id}", json={"sample_data": {"firstname": "Kim"}}))  # noqa: E731

    after = assert_map_changes(client, plan, edit, changed=[nobody])

    assert after[nobody] == {"error": 0, "warning": 0}
    subjects = matrix_subjects(client, plan.campaign)
    assert (subjects[(plan.nobody.id, plan.welcome.id)], subjects[(plan.ada.id, plan.welcome.id)]) == (
        "Welcome, Kim", "Welcome, Ada")


def test_moving_an_email_to_another_phase_moves_its_counts(client: FlaskClient, plan: Plan):
    ok(client.patch(f"/api/touchpoints/{plan.offer.id}", json={"mjml": FLAWED}))
    target = plan.campaign.phases[2].id
    edit = lambda: ok(client.patch(f"/api/touchpoints/{plan.offer.id}", json={"phase_id": target}))  # noqa: E731

    after = assert_map_changes(client, plan, edit, changed=[cell_key(plan, plan.ada, 1), cell_key(plan, plan.ada, 2)])

    assert after[cell_key(plan, plan.ada, 2)] == {"error": 2, "warning": 2}


def test_turning_an_email_into_a_form_drops_its_counts(client: FlaskClient, plan: Plan):
    ok(client.patch(f"/api/touchpoints/{plan.offer.id}", json={"mjml": FLAWED}))
    edit = lambda: ok(client.patch(f"/api/touchpoints/{plan.offer.id}", json={"kind": "landing_page"}))  # noqa: E731

    after = assert_map_changes(client, plan, edit, changed=[cell_key(plan, plan.ada, 1)])

    assert cell_key(plan, plan.ada, 1) not in after


def test_deleting_an_email_drops_its_counts(client: FlaskClient, plan: Plan):
    ok(client.patch(f"/api/touchpoints/{plan.offer.id}", json={"mjml": FLAWED}))

    after = assert_map_changes(client, plan, lambda: ok(client.delete(f"/api/touchpoints/{plan.offer.id}")),
                               changed=[cell_key(plan, plan.ada, 1), cell_key(plan, plan.nobody, 1)])

    assert cell_key(plan, plan.ada, 1) not in after


def test_deleting_a_segment_drops_its_lane(client: FlaskClient, plan: Plan):
    after = assert_map_changes(client, plan, lambda: ok(client.delete(f"/api/segments/{plan.nobody.id}")),
                               changed=[cell_key(plan, plan.nobody, 0)])

    assert {segment for segment, _ in after} == {plan.ada.id}


def test_an_edit_back_to_earlier_content_shows_the_earlier_counts(client: FlaskClient, plan: Plan):
    """Summaries are keyed by content, not by when: going back is answered right, from the summaries."""
    first = map_counts(client, plan.campaign)
    ok(client.patch(f"/api/touchpoints/{plan.welcome.id}", json={"mjml": FLAWED}))
    assert map_counts(client, plan.campaign) != first

    ok(client.patch(f"/api/touchpoints/{plan.welcome.id}", json={"mjml": CLEAN}))

    assert map_counts(client, plan.campaign) == first == expected_counts(plan.campaign.id)


# --- the key ------------------------------------------------------------------------------------------


def test_every_field_of_the_content_and_every_value_changes_the_key():
    content = Content(subject="Hi", preheader="Pre", mjml="<mjml></mjml>", text_override=None, variant=False)
    changed = [
        replace(content, subject="Hi!"), replace(content, preheader="Pre!"), replace(content, mjml="<mjml> </mjml>"),
        replace(content, text_override="Plain"), replace(content, text_override=""), replace(content, variant=True),
        replace(content, subject="Hi", preheader="", mjml="Pre<mjml></mjml>"),  # the same characters, moved
    ]

    keys = {content_key(content), *map(content_key, changed)}

    assert len(keys) == 1 + len(changed)
    assert content_key(replace(content)) == content_key(content)
    values = [{}, {"firstname": "Ada"}, {"firstname": "Ada "}, {"firstname": 1}, {"firstname": "1"}, {"name": "Ada"}]
    assert len({values_key(v) for v in values}) == len(values)
