"""Rendered previews are cached by the content that determines them: a repeat is served from the
cache, and no edit (body, variant, subject, preheader, text, values) is ever answered with a stale render,
whether the caches have room for everything or evict at every request."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from flask.testing import FlaskClient

from campaigns.content import summaries
from campaigns.models import Campaign, Touchpoint
from emails import checks, preview_cache
import emails as rendering
from emails.merge_tags import parse_cache
from emails.text import text_cache
from segments.models import Segment

BODY = """<mjml>
  <mj-body>
    <mj-section>
      <mj-column>
        <mj-text>Our {{ season | default("spring") }} catalogue is out, {{ firstname }}. WORD</mj-text>
        <mj-button href="https://plannery.example/catalogue">See the catalogue</mj-button>
        <mj-text><a href="{{ unsubscribe_url }}">Unsubscribe</a></mj-text>
      </mj-column>
    </mj-section>
  </mj-body>
</mjml>
"""
PREHEADER = "Forty new pieces, and the ones you asked us to bring back"


def body_with(word: str) -> str:
    return BODY.replace("WORD", word)


@dataclass
class Cell:
    campaign: Campaign
    segment: Segment
    other: Segment  # a second targeted segment
    touchpoint: Touchpoint

    def preview(self, client: FlaskClient, segment: Segment | None = None) -> dict[str, Any]:
        response = client.get(
            f"/api/campaigns/{self.campaign.id}/preview",
            query_string={"touchpoint": self.touchpoint.id, "segment": (segment or self.segment).id},
        )
        assert response.status_code == 200, response.get_data(as_text=True)[:300]
        return response.get_json()


CACHES = [preview_cache, rendering.compile_cache, checks.source_checks_cache, parse_cache, text_cache]


@pytest.fixture(autouse=True)
def _empty_caches() -> Iterator[None]:
    """Counters start at zero; and no test sees what another rendered (nor the summaries the matrix keeps)."""
    for cache in CACHES:
        cache.clear()
    summaries.clear()
    yield
    for cache in CACHES:
        cache.clear()
    summaries.clear()


@pytest.fixture(params=["roomy", "tight"])
def budget(request: pytest.FixtureRequest) -> Iterator[str]:
    """A never-stale test runs twice: with the room to keep everything, and with a budget of bytes so
    tight that the caches evict at every request: an evicted result must never come back stale either."""
    if request.param == "roomy":
        yield request.param
        return
    limit, evictions = rendering.cache_budget.limit, rendering.cache_budget.evictions
    rendering.cache_budget.resize(12 * 1024)  # less than one email with its parse, compile and checks
    try:
        yield request.param
        assert rendering.cache_budget.evictions > evictions  # the test did run with evictions
    finally:
        rendering.cache_budget.resize(limit)


@pytest.fixture
def cell(
    client: FlaskClient,
    create_campaign: Callable[..., Campaign],
    create_segment: Callable[..., Segment],
    create_touchpoint: Callable[..., Touchpoint],
) -> Cell:
    campaign = create_campaign()
    segment = create_segment(name="Busy founders", sample_data={"firstname": "Ada"})
    other = create_segment(name="Students", sample_data={"firstname": "Ada"})
    assert client.put(
        f"/api/campaigns/{campaign.id}/segments", json={"segment_ids": [segment.id, other.id]}
    ).status_code == 200
    touchpoint = create_touchpoint(
        campaign, kind="newsletter", name="Catalogue", subject="The new catalogue, {{ firstname }}",
        preheader=PREHEADER, mjml=body_with("Marigold"),
    )
    return Cell(campaign, segment, other, touchpoint)


def ok(response: Any) -> None:
    assert response.status_code in (200, 201, 204), response.get_data(as_text=True)[:300]


# --- a repeat comes from the cache -----------------------------------------------------------


def test_a_repeated_preview_is_served_from_the_cache(client: FlaskClient, cell: Cell) -> None:
    first = cell.preview(client)
    assert (preview_cache.hits, preview_cache.misses) == (0, 1)
    compiled = (rendering.compile_cache.hits, rendering.compile_cache.misses)

    again = cell.preview(client)

    assert again == first
    assert (preview_cache.hits, preview_cache.misses) == (1, 1)
    assert (rendering.compile_cache.hits, rendering.compile_cache.misses) == compiled  # nothing compiled again


def test_the_cache_is_keyed_by_content_not_by_segment(client: FlaskClient, cell: Cell) -> None:
    """Two segments with the same values get the same email: one render serves both."""
    first = cell.preview(client, cell.segment)

    second = cell.preview(client, cell.other)

    assert second["html"] == first["html"]
    assert second["segment_id"] == cell.other.id  # the answer still names the segment asked for
    assert (preview_cache.hits, preview_cache.misses) == (1, 1)


def test_the_matrix_and_the_preview_share_the_cache(client: FlaskClient, cell: Cell) -> None:
    ok(client.get(f"/api/campaigns/{cell.campaign.id}/matrix"))  # renders the email once for both segments
    misses = preview_cache.misses

    cell.preview(client)

    assert preview_cache.misses == misses


def test_posting_the_same_mjml_twice_renders_it_once(client: FlaskClient) -> None:
    payload = {"mjml": body_with("Marigold"), "subject": "Hi", "sample_data": {"firstname": "Ada"}}

    first = client.post("/api/preview", json=payload).get_json()
    second = client.post("/api/preview", json=payload).get_json()

    assert first == second
    assert (preview_cache.hits, preview_cache.misses) == (1, 1)


# --- never stale -------------------------------------------------------------------------------


def test_editing_the_body_is_never_answered_with_the_old_render(client: FlaskClient, cell: Cell, budget: str) -> None:
    before = cell.preview(client)
    assert "Marigold" in before["html"]

    ok(client.patch(f"/api/touchpoints/{cell.touchpoint.id}", json={"mjml": body_with("Saffron")}))
    after = cell.preview(client)

    assert "Saffron" in after["html"] and "Saffron" in after["text"]
    assert "Marigold" not in after["html"] and "Marigold" not in after["text"]


def test_undoing_an_edit_brings_back_the_first_render(client: FlaskClient, cell: Cell) -> None:
    before = cell.preview(client)
    ok(client.patch(f"/api/touchpoints/{cell.touchpoint.id}", json={"mjml": body_with("Saffron")}))
    cell.preview(client)

    ok(client.patch(f"/api/touchpoints/{cell.touchpoint.id}", json={"mjml": body_with("Marigold")}))
    undone = cell.preview(client)

    assert undone == before
    assert preview_cache.hits == 1  # the same content: the first render, served again


def test_editing_the_subject_is_never_answered_with_the_old_subject(client: FlaskClient, cell: Cell, budget: str) -> None:
    assert cell.preview(client)["subject"] == "The new catalogue, Ada"

    ok(client.patch(f"/api/touchpoints/{cell.touchpoint.id}", json={"subject": "Autumn is here, {{ firstname }}"}))

    assert cell.preview(client)["subject"] == "Autumn is here, Ada"


def test_a_subject_that_becomes_too_long_shows_its_check_at_once(client: FlaskClient, cell: Cell, budget: str) -> None:
    assert "subject-long" not in {c["code"] for c in cell.preview(client)["checks"]}

    ok(client.patch(f"/api/touchpoints/{cell.touchpoint.id}", json={"subject": "x" * 70}))

    assert "subject-long" in {c["code"] for c in cell.preview(client)["checks"]}


def test_editing_the_preheader_is_never_answered_with_the_old_preheader(client: FlaskClient, cell: Cell, budget: str) -> None:
    cell.preview(client)

    new = "Twelve new colours for the cold months"
    ok(client.patch(f"/api/touchpoints/{cell.touchpoint.id}", json={"preheader": new}))

    assert cell.preview(client)["preheader"] == new


def test_editing_the_text_override_is_never_answered_with_the_old_text(client: FlaskClient, cell: Cell, budget: str) -> None:
    ok(client.patch(f"/api/touchpoints/{cell.touchpoint.id}", json={"text_override": "Plain Marigold"}))
    assert cell.preview(client)["text"].strip() == "Plain Marigold"

    ok(client.patch(f"/api/touchpoints/{cell.touchpoint.id}", json={"text_override": "Plain Saffron"}))
    assert cell.preview(client)["text"].strip() == "Plain Saffron"

    ok(client.patch(f"/api/touchpoints/{cell.touchpoint.id}", json={"text_override": None}))
    assert "Marigold (" not in cell.preview(client)["text"]
    assert "See the catalogue (https://plannery.example/catalogue)" in cell.preview(client)["text"]


def test_editing_a_variant_is_never_answered_with_the_old_variant(client: FlaskClient, cell: Cell, budget: str) -> None:
    url = f"/api/touchpoints/{cell.touchpoint.id}/variants/{cell.segment.id}"
    ok(client.put(url, json={"mjml": body_with("Cobalt"), "subject": "For founders"}))
    first = cell.preview(client)
    assert "Cobalt" in first["html"] and first["subject"] == "For founders"

    ok(client.put(url, json={"mjml": body_with("Vermilion"), "subject": "Still for founders"}))
    second = cell.preview(client)

    assert "Vermilion" in second["html"] and "Cobalt" not in second["html"]
    assert second["subject"] == "Still for founders"


def test_adding_and_deleting_a_variant_switch_the_preview_at_once(client: FlaskClient, cell: Cell, budget: str) -> None:
    url = f"/api/touchpoints/{cell.touchpoint.id}/variants/{cell.segment.id}"
    cell.preview(client)

    ok(client.put(url, json={"mjml": body_with("Cobalt")}))
    with_variant = cell.preview(client)
    ok(client.delete(url))
    without = cell.preview(client)

    assert "Cobalt" in with_variant["html"] and with_variant["variant"] is True
    assert "Marigold" in without["html"] and "Cobalt" not in without["html"] and without["variant"] is False


def test_editing_the_base_shows_for_a_segment_whose_variant_only_sets_the_subject(
    client: FlaskClient, cell: Cell, budget: str
) -> None:
    url = f"/api/touchpoints/{cell.touchpoint.id}/variants/{cell.segment.id}"
    ok(client.put(url, json={"subject": "For founders"}))
    cell.preview(client)

    ok(client.patch(f"/api/touchpoints/{cell.touchpoint.id}", json={"mjml": body_with("Saffron")}))
    after = cell.preview(client)

    assert "Saffron" in after["html"] and "Marigold" not in after["html"]
    assert after["subject"] == "For founders"


def test_editing_the_segments_sample_data_is_never_answered_with_the_old_values(
    client: FlaskClient, cell: Cell, budget: str
) -> None:
    assert "catalogue is out, Ada." in cell.preview(client)["html"]

    ok(client.patch(f"/api/segments/{cell.segment.id}", json={"sample_data": {"firstname": "Grace"}}))
    after = cell.preview(client)

    assert "catalogue is out, Grace." in after["html"] and "Ada" not in after["html"]
    assert after["subject"] == "The new catalogue, Grace"
    assert "Ada" in cell.preview(client, cell.other)["html"]  # the other segment keeps its own values


def test_editing_the_campaigns_sample_data_is_never_answered_with_the_old_values(
    client: FlaskClient, cell: Cell, budget: str
) -> None:
    assert "Our spring catalogue" in cell.preview(client)["html"]  # the merge tag's default

    ok(client.patch(f"/api/campaigns/{cell.campaign.id}", json={"sample_data": {"season": "winter"}}))
    winter = cell.preview(client)
    ok(client.patch(f"/api/campaigns/{cell.campaign.id}", json={"sample_data": {"season": "summer"}}))
    summer = cell.preview(client)

    assert "Our winter catalogue" in winter["html"]
    assert "Our summer catalogue" in summer["html"] and "winter" not in summer["html"]


def test_a_value_removed_from_the_sample_data_falls_back_to_the_default(client: FlaskClient, cell: Cell, budget: str) -> None:
    ok(client.patch(f"/api/segments/{cell.segment.id}", json={"sample_data": {"firstname": "Ada", "season": "autumn"}}))
    assert "Our autumn catalogue" in cell.preview(client)["html"]

    ok(client.patch(f"/api/segments/{cell.segment.id}", json={"sample_data": {"firstname": "Ada"}}))

    assert "Our spring catalogue" in cell.preview(client)["html"]


def test_the_matrix_counts_follow_an_edit_at_once(client: FlaskClient, cell: Cell, budget: str) -> None:
    def errors() -> int:
        body = client.get(f"/api/campaigns/{cell.campaign.id}/matrix").get_json()
        return sum(c["checks"]["error"] for c in body["cells"])

    assert errors() == 0

    ok(client.patch(f"/api/touchpoints/{cell.touchpoint.id}", json={"subject": ""}))

    assert errors() == 2  # subject-empty, once per targeted segment


def test_an_edit_made_into_a_mistake_and_back_never_shows_the_mistake(client: FlaskClient, cell: Cell, budget: str) -> None:
    ok(client.patch(f"/api/touchpoints/{cell.touchpoint.id}", json={"mjml": "<mjml><mj-body><mj-text>x</mjml>"}))
    broken = cell.preview(client)
    ok(client.patch(f"/api/touchpoints/{cell.touchpoint.id}", json={"mjml": body_with("Saffron")}))
    fixed = cell.preview(client)

    assert broken["html"] is None and "mjml-compile" in {c["code"] for c in broken["checks"]}
    assert "Saffron" in fixed["html"] and "mjml-compile" not in {c["code"] for c in fixed["checks"]}


# --- never stale, in the caches behind the preview: parses, checks of the source, text parts ----------


def test_a_fix_to_the_source_clears_its_checks_at_once(client: FlaskClient, cell: Cell, budget: str) -> None:
    """The checks that read only the source are cached by source: an edit is a new source."""
    image = '<mj-image src="https://plannery.example/a.png" />'
    broken = body_with(image).replace('"https://plannery.example/catalogue"', '"#"')
    ok(client.patch(f"/api/touchpoints/{cell.touchpoint.id}", json={"mjml": broken}))
    assert {"image-alt-missing", "link-broken"} <= {c["code"] for c in cell.preview(client)["checks"]}

    ok(client.patch(f"/api/touchpoints/{cell.touchpoint.id}", json={"mjml": body_with(image.replace("/>", 'alt="" />'))}))

    assert not {"image-alt-missing", "link-broken"} & {c["code"] for c in cell.preview(client)["checks"]}
    assert not {"image-alt-missing", "link-broken"} & {c["code"] for c in cell.preview(client, cell.other)["checks"]}


def test_the_live_preview_of_a_merge_tag_mistake_and_back(client: FlaskClient, budget: str) -> None:
    """A refused merge tag is cached like a parse; fixing it is a new source, and the mistake comes back as it was."""

    def post(mjml: str) -> dict[str, Any]:
        response = client.post("/api/preview", json={"mjml": mjml, "subject": "Hi", "sample_data": {"firstname": "Ada"}})
        assert response.status_code == 200, response.get_data(as_text=True)[:300]
        return response.get_json()

    mistake = body_with("{{ firstname.upper() }}")
    first = post(mistake)
    fixed = post(body_with("{{ firstname }}"))
    again = post(mistake)

    invalid = [c for c in first["checks"] if c["code"] == "merge-tag-invalid"]
    assert len(invalid) == 1 and invalid[0]["line"] == 5 and first["html"] is None
    assert "merge-tag-invalid" not in {c["code"] for c in fixed["checks"]} and "catalogue is out, Ada. Ada" in fixed["html"]
    assert again == first


def test_the_text_part_follows_the_body_through_its_cache(client: FlaskClient, cell: Cell, budget: str) -> None:
    words = ("Saffron", "Cobalt", "Marigold")
    assert "Marigold" in cell.preview(client)["text"]
    for word in words:
        ok(client.patch(f"/api/touchpoints/{cell.touchpoint.id}", json={"mjml": body_with(word)}))
        text = cell.preview(client)["text"]
        assert word in text and not any(other in text for other in words if other != word)
