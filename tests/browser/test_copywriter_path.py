"""The whole copywriter path on the demo campaign, in a real browser, against a real SMTP server:
matrix → one cell on desktop and mobile with its checks → the editor → a variant with a live
preview → a test send that arrives as that segment receives it → the variant marked on the map."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from flask import Flask
from playwright.sync_api import Page, expect

from campaigns.models import Campaign
from campaigns.demo import create_demo
from journeymail.extensions import db
from smtp_server import LoopbackSMTPServer

pytestmark = pytest.mark.browser

SMTP_KEYS = ("SMTP_HOST", "SMTP_PORT", "SMTP_TLS", "SMTP_USER", "SMTP_PASSWORD", "SMTP_TIMEOUT")


@pytest.fixture
def smtp(app: Flask) -> Iterator[LoopbackSMTPServer]:
    """A real SMTP server on loopback, and the live app pointed at it for this test only."""
    saved = {key: app.config.get(key) for key in SMTP_KEYS}
    server = LoopbackSMTPServer()
    server.start()
    app.config.update(SMTP_HOST=server.host, SMTP_PORT=server.port, SMTP_TLS="none",
                      SMTP_USER=None, SMTP_PASSWORD=None, SMTP_TIMEOUT=5.0)
    yield server
    server.stop()
    app.config.update(saved)


@pytest.fixture
def campaign() -> Campaign:
    campaign = create_demo()
    db.session.commit()
    return campaign


def test_copywriter_previews_a_cell_writes_a_variant_and_sends_a_test(
    live_server: str, signed_out_page: Page, campaign: Campaign, smtp: LoopbackSMTPServer, make_member, sign_in_as
):
    # A copywriter of the workspace signs in; a test send goes to their own address, a member's.
    copywriter = make_member("copywriter", email="copywriter@example.com")
    page = sign_in_as(signed_out_page, copywriter)
    page.set_viewport_size({"width": 1440, "height": 1100})
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))

    # The matrix: Casual browsers (sample first name Jonas) in the Favorability phase.
    page.goto(f"{live_server}/campaigns/{campaign.id}/matrix")
    casual = page.locator("tr[data-segment-id]", has=page.get_by_role("rowheader", name=re.compile("Casual browsers")))
    casual.get_by_role("link", name="Three posts that worked this month").click()

    # The cell: the newsletter on desktop and on mobile, as Jonas gets it, with its checks.
    expect(page.get_by_role("heading", level=1)).to_have_text("Casual browsers in Favorability")
    email = page.locator("article[data-touchpoint-id]").first
    for device in ("desktop", "mobile"):
        expect(email.frame_locator(f'iframe[title$="on {device}"]').locator("body")).to_contain_text("Jonas")
    expect(email).to_contain_text("Checks")

    # The editor, for this segment: no variant yet, so create one from the base.
    email.get_by_role("link", name="Edit email").click()
    expect(page).to_have_url(re.compile(r"/touchpoints/\d+/email\?segment=\d+"))
    page.get_by_role("button", name="Create a variant for Casual browsers").click()

    # Edit the variant's body; the live preview follows the typing.
    body = page.locator(".code-editor .cm-content")  # CodeMirror, over the form's textarea#mjml
    body.fill(page.locator("textarea#mjml").input_value().replace("Three posts that worked this month", "Plannery Weekly"))
    preview = page.frame_locator("iframe[data-preview-frame]")
    expect(preview.locator("body")).to_contain_text("Plannery Weekly", timeout=30_000)  # a busy machine may take a while
    page.locator("input#subject").fill("Jonas, the three posts of the month")
    page.get_by_role("button", name="Save variant").click()
    expect(page.get_by_text(re.compile("saved", re.IGNORECASE)).first).to_be_visible()

    # A test send of the saved variant to the copywriter's own inbox.
    page.get_by_label("Send to").fill("copywriter@example.com")
    page.get_by_role("button", name="Send test").click()
    expect(page.get_by_text("Test sent to copywriter@example.com")).to_be_visible()

    (arrived,) = smtp.received
    assert arrived.rcpt_tos == ["copywriter@example.com"]
    assert arrived.message["Subject"] == "[Test] Jonas, the three posts of the month"
    html = arrived.message.get_body(("html",)).get_content()
    text = arrived.message.get_body(("plain",)).get_content()
    assert "Plannery Weekly" in html and "Jonas" in html
    assert "Plannery Weekly" in text

    # The journey map marks the variant in the Casual browsers lane.
    page.goto(f"{live_server}/campaigns/{campaign.id}")
    lane = page.locator("[data-segment-id]", has=page.get_by_text("Casual browsers", exact=True)).first
    expect(lane.locator(".variant", has_text=re.compile("variant", re.IGNORECASE))).to_have_count(2)
    assert errors == []
