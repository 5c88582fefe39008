"""A variant's fields in a real browser: each says whether it follows the base email or is the segment's own,
Enter saves, and "Use the base's ..." gives one field back, with JavaScript and without."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from campaigns import services
from journeymail.extensions import db

pytestmark = pytest.mark.browser

BODY = """<mjml>
  <mj-body>
    <mj-section>
      <mj-column>
        <mj-text>Hello {{ firstname | default("there") }}, here is your guide.</mj-text>
        <mj-button href="https://plannery.app/guide">Read the guide</mj-button>
        <mj-text><a href="{{ unsubscribe_url }}">Unsubscribe</a></mj-text>
      </mj-column>
    </mj-section>
  </mj-body>
</mjml>"""
SUBJECT = 'Your guide, {{ firstname | default("friend") }}'


@pytest.fixture
def page(page: Page) -> Iterator[Page]:
    """A wide window that fails the test on any script error in the page."""
    page.set_viewport_size({"width": 1440, "height": 1000})
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page
    assert errors == []


@pytest.fixture
def world(create_campaign, create_segment, create_touchpoint) -> dict[str, Any]:
    founders = create_segment(name="Busy founders", sample_data={"firstname": "Ada"})
    campaign = create_campaign(sender_name="Maya from Plannery")
    services.set_segments(campaign, {"segment_ids": [founders.id]})
    db.session.commit()
    email = create_touchpoint(
        campaign, 0, kind="welcome", name="Guide delivery", subject=SUBJECT,
        preheader="Twelve pages on planning a month of posts in one afternoon.", mjml=BODY,
    )
    return {"email_id": email.id, "founders_id": founders.id}


def variant_editor(live_server: str, world: dict[str, Any]) -> str:
    return f"{live_server}/touchpoints/{world['email_id']}/email?segment={world['founders_id']}"


def test_enter_saves_a_changed_subject_and_the_button_gives_it_back_to_the_base(live_server, page, world):
    page.goto(variant_editor(live_server, world))
    page.get_by_role("button", name="Create a variant for Busy founders").click()
    expect(page.locator("#subject-source")).to_have_text("From the base email")
    expect(page.locator("#subject")).to_have_value(SUBJECT)

    page.locator("#subject").fill("{{ firstname }}, a guide for founders")
    page.locator("#subject").press("Enter")

    expect(page.get_by_text('Saved the variant for "Busy founders".')).to_be_visible()
    expect(page.locator("#subject-source")).to_have_text("Changed for Busy founders")
    expect(page.locator("#mjml-source")).to_have_text("From the base email")
    expect(page.locator("[data-inbox-subject]")).to_have_text("Ada, a guide for founders")
    # Enter again, now beside a "Use the base's subject" button: it saves, and gives nothing back.
    page.locator("#preheader").fill("Five minutes a week is enough for a founder.")
    page.locator("#preheader").press("Enter")
    expect(page.locator("#preheader-source")).to_have_text("Changed for Busy founders")
    expect(page.locator("#subject-source")).to_have_text("Changed for Busy founders")

    page.get_by_role("button", name="Use the base's subject").click()

    expect(page.get_by_text("its subject follows the base email again")).to_be_visible()
    expect(page.locator("#subject-source")).to_have_text("From the base email")
    expect(page.locator("#subject")).to_have_value(SUBJECT)
    expect(page.locator("[data-inbox-subject]")).to_have_text("Your guide, Ada")
    expect(page.get_by_role("button", name="Use the base's subject")).to_have_count(0)
    expect(page.locator("#preheader")).to_have_value("Five minutes a week is enough for a founder.")


def test_a_field_is_given_back_to_the_base_without_javascript(live_server, browser, world, signed_in):
    context = browser.new_context(java_script_enabled=False)
    try:
        page = signed_in(context.new_page())
        page.goto(variant_editor(live_server, world))
        page.get_by_role("button", name="Create a variant for Busy founders").click()
        page.locator("#subject").fill("Only for founders")
        page.get_by_role("button", name="Save variant").click()
        expect(page.locator("#subject-source")).to_have_text("Changed for Busy founders")

        page.get_by_role("button", name="Use the base's subject").click()

        expect(page.locator("#subject-source")).to_have_text("From the base email")
        expect(page.locator("[data-inbox-subject]")).to_have_text("Your guide, Ada")  # rendered by the server
    finally:
        context.close()
