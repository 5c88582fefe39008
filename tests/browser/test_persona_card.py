"""The persona card on the journey map in a real browser: a named region beside the goal panel, reached by keyboard,
leading to the whole persona, in English and German, and on the printed map."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from campaigns.demo import create_demo
from campaigns.demo_de import create_demo_de
from journeymail.extensions import db

pytestmark = pytest.mark.browser


def test_the_map_shows_whose_journey_it_is_and_its_measurable_goal(page: Page, live_server: str, tmp_path: Path) -> None:
    demo = create_demo()
    db.session.commit()
    page.set_viewport_size({"width": 1400, "height": 1000})
    page.goto(f"{live_server}/campaigns/{demo.id}")

    card = page.get_by_role("region", name="Maya, the agency lead")
    expect(card).to_be_visible()
    expect(card).to_contain_text("Whose journey: the main persona")
    expect(card).to_contain_text("I want one plan the whole team can follow")
    goal = page.get_by_role("region", name="Goal")
    expect(goal).to_contain_text("Trial-to-paid conversion")
    expect(goal).to_contain_text("20 %")
    page.screenshot(path=str(tmp_path / "map-en.png"))

    link = card.get_by_role("link", name="Maya, the agency lead")
    for _ in range(60):  # by keyboard: Tab until the persona's name has the focus
        page.keyboard.press("Tab")
        if link.evaluate("element => element === document.activeElement"):
            break
    else:
        pytest.fail("the persona card's link cannot be reached with Tab")
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{live_server}/personas#persona-{demo.persona_id}")
    expect(page.get_by_role("region", name="Maya, the agency lead")).to_contain_text("Twelve customer interviews")

    page.goto(f"{live_server}/campaigns/{demo.id}")
    page.emulate_media(media="print")
    expect(page.get_by_role("region", name="Maya, the agency lead")).to_be_visible()  # on the printed map too


def test_the_german_map_shows_the_persona_card_in_german(page: Page, live_server: str, tmp_path: Path) -> None:
    demo = create_demo_de()
    db.session.commit()
    page.set_viewport_size({"width": 1400, "height": 1000})
    page.goto(f"{live_server}/campaigns/{demo.id}")
    page.get_by_role("button", name="Deutsch").click()

    card = page.get_by_role("region", name="Sandra, die Aufsteigerin")
    expect(card).to_be_visible()
    expect(card).to_contain_text("Ich mache gute Arbeit")
    expect(page.get_by_role("region", name="Ziel")).to_contain_text("25 %")
    page.screenshot(path=str(tmp_path / "map-de.png"))
