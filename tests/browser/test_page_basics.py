"""What a marketer notices on any page: the tab shows the app's icon, nothing the page asks for is missing, and
the touchpoint form's "Sent to" checkboxes sit in their box, one under another."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Page, Response

from campaigns import services as campaign_services
from journeymail.extensions import db


def inside(inner: dict[str, float], outer: dict[str, float], slack: float = 0.5) -> bool:
    return (
        inner["x"] >= outer["x"] - slack
        and inner["y"] >= outer["y"] - slack
        and inner["x"] + inner["width"] <= outer["x"] + outer["width"] + slack
        and inner["y"] + inner["height"] <= outer["y"] + outer["height"] + slack
    )


def audience_boxes(page: Page) -> tuple[dict[str, float], dict[str, float], list[tuple[dict, dict]]]:
    fieldset = page.locator("fieldset.audience")
    legend = fieldset.locator("legend")
    pairs = []
    for label in fieldset.locator("label.checkbox").all():
        box, label_box = label.locator('input[type="checkbox"]').bounding_box(), label.bounding_box()
        assert box and label_box
        pairs.append((box, label_box))
    field_box, legend_box = fieldset.bounding_box(), legend.bounding_box()
    assert field_box and legend_box
    return field_box, legend_box, pairs


@pytest.mark.browser
@pytest.mark.parametrize("width", [1280, 600])
def test_every_sent_to_checkbox_lies_inside_its_box_and_they_line_up(
    live_server: str, page: Page, create_campaign: Callable, create_segment: Callable,
    create_touchpoint: Callable, width: int,
):
    campaign = create_campaign()
    segments = [create_segment(name=name) for name in ("Busy founders", "Agency owners", "Solo marketers")]
    campaign_services.set_segments(campaign, {"segment_ids": [s.id for s in segments]})
    db.session.commit()
    touchpoint = create_touchpoint(campaign)
    page.set_viewport_size({"width": width, "height": 900})

    for url in (f"/campaigns/{campaign.id}/touchpoints/new", f"/touchpoints/{touchpoint.id}/edit"):
        page.goto(live_server + url)
        field_box, legend_box, pairs = audience_boxes(page)

        assert len(pairs) == 3
        for box, label_box in pairs:
            assert inside(box, label_box), (url, box, label_box)
            assert inside(label_box, field_box), (url, label_box, field_box)
        first_box = pairs[0][0]
        assert first_box["y"] >= legend_box["y"] + legend_box["height"] - 0.5, (url, first_box, legend_box)
        lefts = {round(box["x"]) for box, _ in pairs}
        assert len(lefts) == 1, (url, lefts)
        tops = [box["y"] for box, _ in pairs]
        assert tops == sorted(tops) and len(set(round(t) for t in tops)) == 3, (url, tops)


@pytest.mark.browser
def test_a_page_gets_its_icon_and_nothing_it_asks_for_is_missing(live_server: str, page: Page):
    answers: list[Response] = []
    page.on("response", lambda response: answers.append(response))

    with page.expect_response(lambda r: "favicon" in r.url) as icon:
        page.goto(f"{live_server}/campaigns")
    page.wait_for_load_state("networkidle")

    assert icon.value.status == 200 and icon.value.headers["content-type"].startswith("image/svg+xml")
    assert [(r.url, r.status) for r in answers if r.status >= 400] == []
