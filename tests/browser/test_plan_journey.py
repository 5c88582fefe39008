"""A marketer plans a journey in a real browser: a new campaign, then a touchpoint placed in a phase."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect


@pytest.mark.browser
def test_marketer_creates_a_campaign_and_places_a_touchpoint_in_a_phase(live_server: str, page: Page):
    page.goto(f"{live_server}/campaigns")
    page.get_by_role("link", name="New campaign", exact=True).click()
    page.get_by_label("Name", exact=True).fill("Spring trial")
    page.get_by_label("Goal", exact=True).fill("Start a free trial")
    page.get_by_label("Journey framework").select_option(label="Five-stage funnel")
    page.get_by_label("Sender name", exact=True).fill("Maya")
    page.get_by_label("Sender email", exact=True).fill("maya@example.com")
    page.get_by_role("button", name="Create campaign").click()

    expect(page).to_have_url(re.compile(r"/campaigns/\d+$"))
    expect(page.get_by_role("heading", name="Spring trial")).to_be_visible()
    header = page.locator('[id^="phase-"]', has_text="Consideration")
    phase_id = (header.get_attribute("id") or "").removeprefix("phase-")
    column = page.locator(f'[data-phase-id="{phase_id}"]')
    column.get_by_role("link", name=re.compile(r"\badd\b", re.IGNORECASE)).click()

    page.get_by_label("Kind", exact=True).select_option(label="Follow-up")
    page.get_by_label("Name", exact=True).fill("Case study: six hours saved")
    page.get_by_label("Send after (days)").fill("3")
    page.get_by_role("button", name="Add touchpoint").click()

    expect(page).to_have_url(re.compile(r"/campaigns/\d+#touchpoint-\d+$"))
    card = column.locator("[data-touchpoint-id]", has_text="Case study: six hours saved")
    expect(card).to_be_visible()
    expect(page.locator("[data-touchpoint-id]")).to_have_count(1)
    expect(page.locator("#timeline")).to_contain_text("Case study: six hours saved")
