"""Browser fixtures: the session app served on a real port, a Playwright Chromium, and a fresh page per test."""

from __future__ import annotations

import shutil
import threading
from collections.abc import Callable, Iterator

import pytest
from flask import Flask
from playwright.sync_api import Browser, Page, sync_playwright
from werkzeug.serving import make_server

from accounts.models import User
from api_support import TEST_PASSWORD

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def live_server(app: Flask) -> Iterator[str]:
    """The session app served from a daemon thread; yields its base URL, e.g. http://127.0.0.1:54321."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Debian's Chromium driven by Playwright; the suite fails, never skips, when it is missing."""
    executable = shutil.which("chromium")
    if executable is None:
        pytest.fail("Chromium is not installed: install Debian's chromium package (apt-get install chromium).")
    playwright = sync_playwright().start()
    try:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()
    finally:
        playwright.stop()


@pytest.fixture
def signed_out_page(browser: Browser) -> Iterator[Page]:
    """A new browser context and page for every test, nobody signed in; closed afterwards."""
    context = browser.new_context()
    page = context.new_page()
    page.set_default_timeout(10_000)
    try:
        yield page
    finally:
        page.close()
        context.close()


def sign_in(page: Page, live_server: str, email: str, password: str = TEST_PASSWORD) -> None:
    """Sign in through the sign-in page, as a person does: type the address and password, press the button."""
    page.goto(f"{live_server}/login")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(lambda url: "/login" not in url)


@pytest.fixture
def signed_in(live_server: str, owner: User) -> Callable[[Page], Page]:
    """Sign a page of a context the test made itself (e.g. without JavaScript) in as the owner."""

    def sign(page: Page) -> Page:
        sign_in(page, live_server, owner.email)
        return page

    return sign


@pytest.fixture
def sign_in_as(live_server: str) -> Callable[[Page, User], Page]:
    """Sign a page in as a given user (e.g. a copywriter the test made) through the sign-in page."""

    def sign(page: Page, user: User) -> Page:
        sign_in(page, live_server, user.email)
        return page

    return sign


@pytest.fixture
def page(signed_out_page: Page, live_server: str, owner: User) -> Page:
    """A page signed in as the test workspace's owner."""
    sign_in(signed_out_page, live_server, owner.email)
    return signed_out_page
