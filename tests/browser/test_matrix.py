"""A copywriter opens the matrix of the demo campaign in a real browser and looks at one cell's emails."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import ConsoleMessage, Page, expect

from campaigns.models import Campaign
from campaigns.demo import create_demo
from journeymail.extensions import db


@pytest.fixture
def campaign() -> Campaign:
    campaign = create_demo()
    db.session.commit()
    return campaign


@pytest.fixture
def refusals(page: Page) -> Iterator[list[str]]:
    """What the browser refused to load or run on the page (Content-Security-Policy, sandbox)."""
    found: list[str] = []

    def listen(message: ConsoleMessage) -> None:
        if "Refused" in message.text or "sandbox" in message.text.lower() or "blocked" in message.text.lower():
            found.append(message.text)

    page.on("console", listen)
    page.on("pageerror", lambda error: found.append(str(error)))
    yield found


def row(page: Page, segment: str):
    return page.locator("tr[data-segment-id]", has=page.get_by_role("rowheader", name=re.compile(segment)))


@pytest.mark.browser
def test_copywriter_opens_a_cell_and_sees_each_email_on_desktop_and_mobile(
    live_server: str, page: Page, campaign: Campaign, refusals: list[str]
):
    page.goto(f"{live_server}/campaigns/{campaign.id}")
    page.get_by_role("link", name="Segment × phase matrix").click()

    expect(page).to_have_url(re.compile(rf"/campaigns/{campaign.id}/matrix$"))
    expect(page.get_by_role("columnheader", name=re.compile("Consideration"))).to_be_visible()
    row(page, "Engaged evaluators").get_by_role("link", name="How Brightside plans a month in a morning").click()

    expect(page).to_have_url(re.compile(r"/preview\?segment=\d+&phase=\d+#email-\d+$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Engaged evaluators in Consideration")
    emails = page.locator("article[data-touchpoint-id]")
    expect(emails).to_have_count(2)
    expect(emails.nth(0).get_by_role("heading", level=2)).to_have_text("Webinar reminder")  # Day +1 before Day +3
    case_study = emails.nth(1)
    expect(case_study.locator(".inbox-row")).to_contain_text("How Brightside plans a month in a morning")
    for device in ("desktop", "mobile"):
        frame = case_study.frame_locator(f'iframe[title$="on {device}"]')
        expect(frame.locator("body")).to_contain_text("Hi Maya")  # the segment's sample first name
    expect(case_study.get_by_role("region", name=re.compile("Checks"))).to_contain_text("Every check passes.")
    case_study.get_by_text("Plain-text part").click()
    expect(case_study.locator(".plain-text pre")).to_contain_text("Hi Maya")
    assert refusals == []


@pytest.mark.browser
def test_copywriter_sees_the_checks_of_a_cell_and_moves_on_to_the_next_phase(
    live_server: str, page: Page, campaign: Campaign, refusals: list[str]
):
    page.goto(f"{live_server}/campaigns/{campaign.id}/matrix")
    dormant = row(page, "Dormant subscribers")
    expect(dormant.locator("td .count.warning")).to_have_count(1)
    dormant.get_by_role("link", name="Still want the e-book, ?").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Dormant subscribers in Awareness")
    checks = page.locator("li.check")
    expect(checks).to_have_count(1)
    expect(checks.first).to_contain_text("warning")
    expect(checks.first).to_contain_text("{{ firstname }} in the subject has no value here and no default")
    desktop = page.frame_locator('iframe[title$="on desktop"]')
    expect(desktop.locator("body")).to_contain_text("Welcome, there!")  # no first name: the default

    page.get_by_role("link", name="Favorability →").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Dormant subscribers in Favorability")
    page.get_by_role("link", name="Consideration →").first.click()
    page.get_by_role("link", name="Intent to Purchase →").first.click()
    expect(page.get_by_role("heading", level=2, name="No email — gap")).to_be_visible()
    expect(page.get_by_role("link", name="Plan an email in Intent to Purchase")).to_be_visible()
    assert refusals == []
