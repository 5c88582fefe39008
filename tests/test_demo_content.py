"""The demo campaign's emails are written out: every cell preview is clean, but for the one email left
unfinished on purpose, which the checks flag at its lines, and which keeps the export page, the matrix and the
map from calling the campaign ready until it is finished."""

from __future__ import annotations


import pytest
from flask.testing import FlaskClient

from campaigns.demo import create_demo
from campaigns.demo_emails import EMAILS, UNFINISHED
from campaigns.models import Campaign
from demo_support import cell_checks, page, touchpoint, unfinished_lines
from html_tree import Element
from journeymail.extensions import db


@pytest.fixture
def demo() -> Campaign:
    campaign = create_demo()
    db.session.commit()
    return campaign


def totals(html: Element) -> dict[str, int]:
    return {div.get("data-total"): int(div.select("dd")[0].text()) for div in html.select("div", data_total=None)}


def test_every_demo_cell_preview_is_clean_but_the_one_unfinished_email(client: FlaskClient, demo: Campaign):
    found = cell_checks(client, demo)

    assert len(found) == 25  # every email each segment receives: none is missing from the pages
    expected = [("unfinished-content", f"line {line}") for line in unfinished_lines(EMAILS[UNFINISHED])]
    assert len(expected) == 3
    assert {key: checks for key, checks in found.items() if checks} == {
        (UNFINISHED, "Engaged evaluators"): expected,
        (UNFINISHED, "Casual browsers"): expected,
    }


def test_the_unfinished_email_says_so_in_its_cell(client: FlaskClient, demo: Campaign):
    refer = touchpoint(demo, UNFINISHED)
    segment = demo.segments[0]
    html = page(client.get(f"/campaigns/{demo.id}/preview?segment={segment.id}&phase={refer.phase.id}"))

    article = html.by_id(f"email-{refer.id}")
    note = article.select("p", class_="checks-unfinished")[0].text()
    assert "Unfinished: 3 places" in note and "not ready to export" in note
    assert "Every check passes." not in article.text()
    assert article.select("span", class_="unfinished")[0].text() == "unfinished"
    messages = [check.text() for check in article.select("li", class_="check")]
    assert '"https://example.com/refer" is an example address' in messages[1]
    review = html.by_id(f"email-{touchpoint(demo, 'Review on a software directory').id}")
    assert "Every check passes." in review.text() and not review.select("span", class_="unfinished")


def test_the_export_page_names_the_unfinished_email_and_never_calls_the_bundle_ready(
    client: FlaskClient, demo: Campaign
):
    html = page(client.get(f"/campaigns/{demo.id}/export"))

    assert html.by_id("mailjet-ready") is None and html.by_id("export-clean") is None
    readiness = html.by_id("mailjet-unfinished").text()
    assert "Not ready: 1 email is unfinished" in readiness
    assert UNFINISHED in readiness and "Casual browsers, Engaged evaluators" in readiness
    panel = html.by_id("export-unfinished")
    assert "2 of 25 emails are unfinished" in panel.text()
    items = [item.select("p")[0].text() for item in panel.select("li", class_="check-item")]
    assert items == [f"{UNFINISHED} for Casual browsers · Advocacy · base email",
                     f"{UNFINISHED} for Engaged evaluators · Advocacy · base email"]
    assert panel.text().count("(line ") == 6
    assert html.by_id("export-errors") is None  # nothing else is wrong with the demo


def test_finishing_the_email_makes_the_demo_ready(client: FlaskClient, demo: Campaign):
    refer = touchpoint(demo, UNFINISHED)
    finished = (EMAILS[UNFINISHED]
                .replace("[reward for the referrer: one free month per team, or a credit?]", "one month free")
                .replace("https://example.com/refer", "https://plannery.example/refer")
                .replace("[Terms: how many teams, and until when, still to agree with finance]",
                         "Up to five teams a year; rewards arrive once their trial starts."))
    response = client.patch(f"/api/touchpoints/{refer.id}", json={"mjml": finished})
    assert response.status_code == 200, response.get_data(as_text=True)

    html = page(client.get(f"/campaigns/{demo.id}/export"))

    assert html.by_id("mailjet-unfinished") is None and html.by_id("export-unfinished") is None
    assert "Ready: every email is finished" in html.by_id("mailjet-ready").text()
    assert "All 25 emails are finished" in html.by_id("export-clean").text()


def test_the_matrix_and_the_map_mark_the_unfinished_email(client: FlaskClient, demo: Campaign):
    refer = touchpoint(demo, UNFINISHED)
    matrix = page(client.get(f"/campaigns/{demo.id}/matrix"))
    journey = page(client.get(f"/campaigns/{demo.id}"))

    marked = [card for card in matrix.select("li", class_="mx-email") if card.select("span", class_="unfinished")]
    assert {card.get("data-touchpoint-id") for card in marked} == {str(refer.id)} and len(marked) == 2
    assert totals(matrix)["unfinished"] == totals(journey)["unfinished"] == 2
    assert totals(matrix)["errors"] == totals(journey)["errors"] == 6  # its three placeholders, for two segments
    assert totals(matrix)["warnings"] == 0
    lanes = [link for link in journey.select("a", class_="cell-open") if link.select("span", class_="unfinished")]
    assert len(lanes) == 2 and all(f"phase={refer.phase.id}" in link.get("href") for link in lanes)
    api = client.get(f"/api/campaigns/{demo.id}/matrix").get_json()
    flagged = {(e["touchpoint_id"], c["segment_id"]) for c in api["cells"] for e in c["emails"] if e["unfinished"]}
    assert flagged == {(refer.id, s.id) for s in demo.segments if refer.reaches(s)}
