"""Helpers for the account tests: post a form the way a browser does (its page's CSRF token), and read a page."""

from __future__ import annotations

import html
import re
from typing import Any

from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from api_support import csrf_token_from


def post_from(client: FlaskClient, page_url: str, action: str, data: dict[str, Any], **kwargs: Any) -> TestResponse:
    """Open `page_url`, then post `data` to `action` with that page's CSRF token."""
    page = client.get(page_url)
    assert page.status_code == 200, page.status_code
    return client.post(action, data={**data, "csrf_token": csrf_token_from(page.get_data(as_text=True))}, **kwargs)


def field_errors(response: TestResponse) -> dict[str, str]:
    """The error shown under each field: {field id: message}."""
    page = response.get_data(as_text=True)
    found = re.findall(r'<p class="field-error" id="([\w-]+)-error">([^<]*)</p>', page)
    return {name: html.unescape(message) for name, message in found}


def shown_secret(response: TestResponse, element_id: str) -> str:
    """The value of the read-only box a secret is shown in once."""
    match = re.search(rf'id="{element_id}"[^>]*value="([^"]+)"', response.get_data(as_text=True))
    assert match, f"no #{element_id} on the page"
    return match.group(1)
