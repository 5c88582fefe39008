"""Deleting a phase in a browser without JavaScript: the phase form's button asks first, and only the answer deletes."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from playwright.sync_api import Browser, Page, expect

from campaigns.models import Campaign


@pytest.mark.browser
def test_a_phase_is_deleted_only_after_confirming_without_javascript(
    live_server: str, browser: Browser, create_campaign: Callable[..., Campaign], signed_in: Callable[..., Page]
):
    campaign = create_campaign()
    phase = campaign.phases[1]
    context = browser.new_context(java_script_enabled=False)
    page = signed_in(context.new_page())
    page.set_default_timeout(10_000)
    try:
        page.goto(f"{live_server}/phases/{phase.id}/edit")
        page.get_by_role("link", name="Delete phase…").click()

        expect(page.get_by_role("heading", name="Delete the phase “Consideration”?")).to_be_visible()
        page.get_by_role("link", name="Keep it").click()
        expect(page).to_have_url(re.compile(rf"/campaigns/{campaign.id}#phase-{phase.id}$"))
        expect(page.locator(f"#phase-{phase.id}")).to_have_count(1)

        page.goto(f"{live_server}/phases/{phase.id}/delete")
        page.get_by_role("button", name="Delete phase").click()

        expect(page).to_have_url(re.compile(rf"/campaigns/{campaign.id}$"))
        expect(page.get_by_text('Phase "Consideration" deleted.')).to_be_visible()
        expect(page.locator(f"#phase-{phase.id}")).to_have_count(0)
    finally:
        page.close()
        context.close()
