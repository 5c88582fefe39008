"""The app's icon: every page links it, and a browser that asks for /favicon.ico gets it too (no 404 in the log)."""

from __future__ import annotations

import xml.etree.ElementTree as ElementTree

import pytest

from html_tree import parse


def fetched(client, url: str, method: str = "GET") -> tuple[int, str, bytes]:
    """Status, type and body of a file response, closed afterwards (it streams from an open file)."""
    with client.open(url, method=method) as response:
        return response.status_code, response.mimetype, response.data


def test_every_page_links_the_svg_icon_that_the_app_serves(client):
    html = parse(client.get("/campaigns").get_data(as_text=True))

    links = [link for link in html.select("link") if link.get("rel") == "icon"]
    assert len(links) == 1 and links[0].get("type") == "image/svg+xml"
    status, mimetype, body = fetched(client, links[0].get("href"))
    assert (status, mimetype) == (200, "image/svg+xml")
    assert ElementTree.fromstring(body).tag == "{http://www.w3.org/2000/svg}svg"


@pytest.mark.parametrize("method", ["GET", "HEAD"])
def test_favicon_ico_is_the_same_icon(client, method):
    status, mimetype, body = fetched(client, "/favicon.ico", method)

    assert (status, mimetype) == (200, "image/svg+xml")
    if method == "GET":
        assert body == fetched(client, "/static/favicon.svg")[2]
