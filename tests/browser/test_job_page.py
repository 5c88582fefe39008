"""A job's page in Chromium: it shows the job's progress while it runs and turns to "Done" with the result
by itself, without a reload, announcing the change to screen readers."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect

import jobs
from api_support import saved
from jobs.models import Job
from jobs_support import gate, wait_until
from journeymail.extensions import db


@pytest.mark.browser
def test_the_job_page_follows_a_running_job_to_done_without_a_reload(
        live_server: str, page: Page, worker: Any, create_campaign: Any) -> None:
    campaign = create_campaign(name="Trial journey")
    job = jobs.start("test.count", {"to": 3, "block_at": 2, "gate": "browser"}, title="Count to three",
                     campaign_id=campaign.id)
    db.session.commit()  # as a command would: the queue gets the job now
    wait_until(lambda: saved(Job, job.id).done == 1)
    problems: list[str] = []
    page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(str(error)))

    page.goto(f"{live_server}/jobs/{job.id}")
    expect(page.locator("[data-job-state]")).to_have_text("Running")
    expect(page.locator("[data-job-count]")).to_have_text("1 of 3")
    expect(page.locator("[data-job-step]")).to_have_text("Counting: 1")
    assert page.locator("progress").evaluate("bar => [bar.value, bar.max]") == [1, 3]
    expect(page.get_by_role("link", name="Back to the campaign")).to_have_attribute("href", f"/campaigns/{campaign.id}")
    page.evaluate("window.stillTheSamePage = true")

    gate("browser").set()

    expect(page.locator("[data-job-state]")).to_have_text("Done", timeout=15_000)
    expect(page.locator("[data-job-count]")).to_have_text("3 of 3")
    assert page.locator("progress").evaluate("bar => [bar.value, bar.max]") == [3, 3]
    expect(page.locator("[data-job-result]")).to_be_visible()
    expect(page.locator("[data-job-result] dt").first).to_have_text("counted")
    expect(page.locator("[data-job-result] dd").first).to_have_text("3")
    expect(page.locator("[data-job-announce]")).to_have_text("Count to three: Done.")
    expect(page.locator("[data-job-refresh]")).to_be_hidden()
    assert page.evaluate("window.stillTheSamePage") is True  # updated in place, never reloaded
    assert problems == []


@pytest.mark.browser
def test_a_failed_job_shows_its_message_where_the_page_was_waiting(
        live_server: str, page: Page, worker: Any) -> None:
    job = jobs.start("test.count", {"to": 2, "block_at": 1, "gate": "failing", "fail": "The list 7 does not exist."},
                     title="Push that fails")
    db.session.commit()
    wait_until(lambda: saved(Job, job.id).state == "running")

    page.goto(f"{live_server}/jobs/{job.id}")
    expect(page.locator("[data-job-errors]")).to_be_hidden()
    gate("failing").set()

    expect(page.locator("[data-job-state]")).to_have_text("Failed", timeout=15_000)
    expect(page.locator("[data-job-errors] li")).to_have_text(["The list 7 does not exist."])
    expect(page.locator("[data-job-result]")).to_be_hidden()
