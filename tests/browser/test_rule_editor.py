"""A marketer builds a segment's rule in a real browser: a nested rule with the keyboard, the live count as it
changes, an error beside the condition it names, a preset, Save, and the rule again after a reload."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from contacts import importing
from contacts_support import csv_text
from journeymail.extensions import db
from segments.models import Segment

pytestmark = pytest.mark.browser


def day(days_ago: int | None) -> str:
    return "" if days_ago is None else (datetime.now(timezone.utc) - timedelta(days=days_ago)).strftime("%d.%m.%Y")


@pytest.fixture
def clickers(create_segment: Callable[..., Segment]) -> Iterator[Segment]:
    rows = [["E-Mail", "Name", "Öffnungen", "Klicks", "Letzte Öffnung", "Letzter Klick", "Tarif"],
            ["anna@example.com", "Anna Adler", "12", "4", day(2), day(3), "pro"],
            ["bernd@example.com", "Bernd Bauer", "5", "0", day(10), "", "free"],
            ["carla@example.com", "Carla Cramer", "0", "0", "", "", "pro"],
            ["dora@example.com", "Dora Dietz", "7", "1", day(200), day(200), "team"]]
    importing.import_file(csv_text(rows).encode("cp1252"), policy="skip", file_name="list.csv")
    db.session.commit()
    yield create_segment(name="Clickers", action="Clicks through for more information and offers")


def test_build_a_nested_rule_with_the_keyboard_apply_a_preset_and_save(page: Page, live_server: str,
                                                                       clickers: Segment) -> None:
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{live_server}/segments")
    page.locator(f"#segment-{clickers.id}").get_by_role("link", name="Audience").click()
    expect(page.get_by_role("heading", name="Audience of Clickers")).to_be_visible()
    expect(page.locator("#segment-action")).to_have_text("Clicks through for more information and offers")
    expect(page.get_by_label("Rule as JSON")).to_be_hidden()  # the editor replaces the textarea
    count = page.locator("#rule-count")
    expect(count).to_have_text("0 contacts match")

    # a condition, with the keyboard: "last open within the last 90 days" is the new condition's default
    page.get_by_role("button", name="Add condition", exact=True).focus()
    page.keyboard.press("Enter")
    expect(page.get_by_label("Field 1", exact=True)).to_be_focused()
    expect(count).to_have_text("2 contacts match")
    expect(page.locator("#rule-sample")).to_contain_text("bernd@example.com")

    # a nested group: any of (opens > 6)
    page.get_by_role("button", name="Add group", exact=True).focus()
    page.keyboard.press("Enter")
    expect(page.get_by_label("Match", exact=True)).to_have_value("all")
    group_kind = page.get_by_label("Group 2", exact=True)
    expect(group_kind).to_be_focused()
    expect(group_kind).to_have_value("any")
    page.keyboard.press("Tab")  # Remove group
    page.keyboard.press("Tab")  # the field of condition 2.1
    expect(page.get_by_label("Field 2.1")).to_be_focused()
    page.get_by_label("Field 2.1").select_option("opens")
    expect(page.get_by_label("Field 2.1")).to_be_focused()
    page.keyboard.press("Tab")
    page.get_by_label("Operator 2.1").select_option("gt")
    page.keyboard.press("Tab")
    expect(page.get_by_label("Value 2.1")).to_be_focused()

    # an empty value: the error shows beside the condition it names, tied to its inputs
    error = page.locator("#rule-error-2-1")
    expect(error).to_have_text(re.compile(r"^Condition 2\.1 needs a value"))
    expect(page.get_by_label("Value 2.1")).to_have_attribute("aria-describedby", "rule-error-2-1")
    page.keyboard.type("6")
    expect(count).to_have_text("1 contact matches")
    expect(error).to_have_count(0)
    sample = page.locator("#rule-sample")
    expect(sample).to_contain_text("anna@example.com")
    expect(sample).not_to_contain_text("bernd@example.com")

    # a preset replaces the rule; its note says what Apple Mail does to opens
    expect(page.locator("#preset-note-opens_no_clicks")).to_contain_text("Apple Mail Privacy Protection")
    page.get_by_role("button", name="Opens, but does not click").click()
    expect(count).to_have_text("1 contact matches")
    expect(sample).to_contain_text("bernd@example.com")
    expect(page.get_by_label("Field 2", exact=True)).to_have_value("last_click_at")
    expect(page.get_by_label("Operator 2", exact=True)).to_have_value("not_within_days")

    page.get_by_role("button", name="Save rule").click()
    expect(page.locator(".flash-success")).to_contain_text("The rule of Clickers is saved: 1 contact matches.")
    page.reload()
    expect(page.get_by_label("Field 1", exact=True)).to_have_value("last_open_at")
    expect(page.get_by_label("Operator 2", exact=True)).to_have_value("not_within_days")
    expect(page.get_by_label("Value 2", exact=True)).to_have_value("90")
    expect(count).to_have_text("1 contact matches")
    assert not errors


def test_screenshots_of_the_rule_page(page: Page, live_server: str, clickers: Segment, tmp_path: Path) -> None:
    """The rule page in English and German, to look at (docs/segment-rule.png is the English one)."""
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{live_server}/segments/{clickers.id}/rule")
    page.get_by_role("button", name="Clicks", exact=True).click()
    page.get_by_role("button", name="Add group", exact=True).click()
    expect(page.locator("#rule-count")).to_have_text("1 contact matches")  # clicked, and opened, in 90 days
    page.screenshot(path=str(tmp_path / "segment-rule-en.png"), full_page=True)
    page.get_by_role("button", name="Deutsch").click()
    page.wait_for_load_state()
    page.get_by_role("button", name="Add condition", exact=True).or_(
        page.get_by_role("button", name="Bedingung hinzufügen", exact=True)).click()
    page.wait_for_timeout(600)
    page.screenshot(path=str(tmp_path / "segment-rule-de.png"), full_page=True)
