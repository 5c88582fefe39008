"""The language switch in a real browser: the journey map in German, and back in English."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser


def test_switching_to_german_shows_the_map_in_german_and_back(page: Page, live_server: str, create_campaign) -> None:
    campaign = create_campaign(name="Trial journey")
    page.goto(f"{live_server}/campaigns/{campaign.id}")
    menu = page.get_by_role("navigation", name="Main")
    expect(menu.get_by_role("link", name="Campaigns", exact=True)).to_be_visible()

    page.get_by_role("button", name="Deutsch").click()

    expect(page).to_have_url(f"{live_server}/campaigns/{campaign.id}")  # the same page, now in German
    expect(page.locator("html")).to_have_attribute("lang", "de")
    menu = page.get_by_role("navigation", name="Hauptmenü")
    expect(menu.get_by_role("link", name="Kampagnen", exact=True)).to_be_visible()
    expect(page.get_by_role("button", name="Ausloggen")).to_be_visible()
    expect(page.get_by_role("button", name="Deutsch")).to_have_attribute("aria-pressed", "true")
    body = page.locator("main")
    expect(body).to_contain_text("Touchpoint hinzufügen")
    expect(body).not_to_contain_text("Add touchpoint")

    page.goto(f"{live_server}/segments")  # the choice stays on other pages
    expect(menu.get_by_role("link", name="Segmente", exact=True)).to_have_attribute("aria-current", "page")

    page.get_by_role("button", name="English").click()
    expect(page.get_by_role("navigation", name="Main").get_by_role("link", name="Segments", exact=True)).to_be_visible()
