"""Pushing from the export page in Chromium: the button answers at once with the push's job page, which shows
the push's progress while the worker sends it to Mailjet (a stand-in on loopback) and its outcome after."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import Page, expect

import mailjet_support
from campaigns.models import Campaign
from exports.mailjet import bundle as mailjet
from mailjet_standin import MailjetStandIn
from mailjet_support import LIST_ID, created_once

start_standin, mailjet_config, demo = mailjet_support.start_standin, mailjet_support.mailjet_config, mailjet_support.demo


@pytest.mark.browser
def test_the_push_button_shows_the_push_running_then_done(
    live_server: str, page: Page, worker: Any, demo: Campaign, start_standin: Callable[..., MailjetStandIn],
    mailjet_config: Callable[..., None],
) -> None:
    server = start_standin(hold_after=10)
    mailjet_config(server.url)
    total = len(mailjet.build_bundle(demo)["requests"])

    page.goto(f"{live_server}/campaigns/{demo.id}/export")
    page.get_by_label("Mailjet contact list ID").fill(str(LIST_ID))
    page.get_by_role("button", name="Push to Mailjet").click()

    page.wait_for_url(f"{live_server}/jobs/*")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Push “{demo.name}” to Mailjet")
    expect(page.locator("[data-job-state]")).to_have_text("Running", timeout=15_000)
    expect(page.locator("[data-job-count]")).to_have_text(f"10 of {total}", timeout=15_000)
    page.evaluate("window.stillTheSamePage = true")

    server.release()

    expect(page.locator("[data-job-state]")).to_have_text("Done", timeout=30_000)
    expect(page.locator("[data-job-count]")).to_have_text(f"{total} of {total}")
    expect(page.locator("[data-job-summary]")).to_have_text(
        f"Pushed to Mailjet (the campaign drafts send to list {LIST_ID}). Created: 2 contact properties, 3 segment "
        "filters, 12 templates and 9 campaign drafts. Already in Mailjet: nothing. Updated: nothing.")
    expect(page.locator("[data-job-result] dl")).to_be_empty()  # the counts are for scripts (GET /api/jobs/<id>)
    assert page.evaluate("window.stillTheSamePage") is True
    assert created_once(server, mailjet.build_bundle(demo))
