"""Signing in and out in a real browser: the map is behind the sign-in page, and comes back after it."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from api_support import TEST_PASSWORD

pytestmark = pytest.mark.browser


def test_a_stranger_is_sent_to_sign_in_and_lands_on_the_map_they_asked_for(
    signed_out_page: Page, live_server: str, create_campaign, owner
) -> None:
    campaign = create_campaign(name="Trial journey")
    page = signed_out_page

    page.goto(f"{live_server}/campaigns/{campaign.id}")

    expect(page).to_have_url(re.compile(r"/login\?next="))
    expect(page.get_by_role("heading", name="Sign in to Journeymail")).to_be_visible()
    page.get_by_label("Email address").fill(owner.email)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(f"{live_server}/campaigns/{campaign.id}")
    expect(page.get_by_role("heading", name="Trial journey")).to_be_visible()
    expect(page.locator(".account")).to_contain_text(owner.name)


def test_a_wrong_password_says_so_at_the_field_and_signs_nobody_in(
    signed_out_page: Page, live_server: str, owner
) -> None:
    page = signed_out_page
    page.goto(f"{live_server}/login")
    page.get_by_label("Email address").fill(owner.email)
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Sign in").click()

    expect(page.locator(".field-error")).to_contain_text("do not match")
    page.goto(f"{live_server}/campaigns")
    expect(page).to_have_url(re.compile(r"/login"))


def test_signing_out_ends_the_session(page: Page, live_server: str) -> None:
    page.goto(f"{live_server}/campaigns")
    page.get_by_role("button", name="Sign out").click()

    expect(page).to_have_url(re.compile(r"/login"))
    page.goto(f"{live_server}/campaigns")
    expect(page).to_have_url(re.compile(r"/login\?next="))
