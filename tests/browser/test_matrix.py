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
    # The demo's one unfinished email: marked in the matrix, its placeholders listed with their lines in the cell.
    page.goto(f"{live_server}/campaigns/{campaign.id}/matrix")
    evaluators = row(page, "Engaged evaluators")
    expect(evaluators.locator("td .count.unfinished")).to_have_count(1)
    evaluators.get_by_role("link", name="Give a team three months, get one free").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Engaged evaluators in Advocacy")
    refer = page.locator("article[data-touchpoint-id]", has=page.get_by_role("heading", level=2, name="Refer a team"))
    expect(refer.locator(".checks-unfinished")).to_contain_text("Unfinished: 3 places")
    checks = refer.locator("li.check")
    expect(checks).to_have_count(3)
    for index in range(3):
        expect(checks.nth(index)).to_contain_text("unfinished-content")
        expect(checks.nth(index).locator(".check-line")).to_contain_text(re.compile(r"line \d+"))
    expect(checks.nth(1)).to_contain_text('"https://example.com/refer" is an example address')
    review = page.locator("article[data-touchpoint-id]", has=page.get_by_role("heading", level=2, name="Review on"))
    expect(review.get_by_role("region", name=re.compile("Checks"))).to_contain_text("Every check passes.")

    # Every other email is finished: the segment without first names gets the welcome's default.
    page.goto(f"{live_server}/campaigns/{campaign.id}/matrix")
    dormant = row(page, "Dormant subscribers")
    expect(dormant.locator("td .count.error, td .count.warning, td .count.unfinished")).to_have_count(0)
    dormant.get_by_role("link", name="Still want the social planning e-book?").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Dormant subscribers in Awareness")
    expect(page.locator("li.check")).to_have_count(0)
    expect(page.get_by_text("Every check passes.")).to_be_visible()
    desktop = page.frame_locator('iframe[title$="on desktop"]')
    expect(desktop.locator("body")).to_contain_text("Your e-book is here, there")  # no first name: the default

    page.get_by_role("link", name="Favorability →").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Dormant subscribers in Favorability")
    page.get_by_role("link", name="Consideration →").first.click()
    page.get_by_role("link", name="Intent to Purchase →").first.click()
    expect(page.get_by_role("heading", level=2, name="No email — gap")).to_be_visible()
    expect(page.get_by_role("link", name="Plan an email in Intent to Purchase")).to_be_visible()
    assert refusals == []


@pytest.fixture
def tall(create_campaign, create_segment, create_touchpoint) -> Campaign:
    """Nine segments, each receiving two emails in the first phase: more rows than a screen shows."""
    from campaigns import services

    segments = [create_segment(name=f"Segment {i}", sample_data={"firstname": f"Reader {i}"}) for i in range(1, 10)]
    campaign = create_campaign(name="Tall")
    services.set_segments(campaign, {"segment_ids": [s.id for s in segments]})
    db.session.commit()
    create_touchpoint(campaign, 0, kind="welcome", name="Welcome", subject="Hi {{ firstname }}")
    create_touchpoint(campaign, 0, kind="newsletter", name="News", subject="News", send_offset_days=2)
    return campaign


@pytest.mark.browser
def test_thumbnails_are_sandboxed_frames_made_as_their_cards_come_into_view(
    live_server: str, page: Page, tall: Campaign, refusals: list[str]
):
    page.set_viewport_size({"width": 1440, "height": 800})
    page.goto(f"{live_server}/campaigns/{tall.id}/matrix")

    cards = page.locator("li.mx-email")
    expect(cards).to_have_count(18)
    first = row(page, "Segment 1").locator("li.mx-email").first
    expect(first.locator("iframe")).to_have_count(1)
    expect(first.locator("iframe")).to_have_attribute("sandbox", "")
    expect(first.frame_locator("iframe").locator("body")).to_contain_text("Reader 1")
    last = row(page, "Segment 9").locator("li.mx-email").last
    expect(last.locator("iframe")).to_have_count(0)  # far below the screen: no frame yet
    assert page.locator("iframe").count() < 18

    last.scroll_into_view_if_needed()

    expect(last.locator("iframe")).to_have_count(1)
    expect(last.locator("iframe")).to_have_attribute("sandbox", "")
    expect(last.frame_locator("iframe").locator("body")).to_contain_text("Reader 9")
    assert refusals == []


@pytest.mark.browser
def test_without_javascript_each_thumbnail_links_to_its_email(browser, live_server: str, tall: Campaign, signed_in):
    context = browser.new_context(java_script_enabled=False)
    page = signed_in(context.new_page())
    try:
        page.goto(f"{live_server}/campaigns/{tall.id}/matrix")

        expect(page.locator("iframe")).to_have_count(0)
        links = page.locator(".mx-thumb a", has_text="Open the email")
        expect(links).to_have_count(18)
        expect(links.first).to_be_visible()
        links.first.click()
        expect(page.locator("body")).to_contain_text("Reader 1")
    finally:
        context.close()
