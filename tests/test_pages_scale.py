"""Pages of a large campaign cost what they show: the cell page renders its own emails only and shows the
segments near it, the matrix page comes in pages of segments, and the matrix API of a 100 segments × 15 phases
× 5 emails campaign answers twice in one process (on Python 3.11 the second call crashed the process)."""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from flask.testing import FlaskClient

import campaigns.content as content_module
from campaigns import services
from campaigns.content import summaries
from campaigns.models import Campaign
from email_bodies import FINISHED_MJML
from emails.preview import preview_source
from html_tree import Element, parse
from journeymail.extensions import db
from large_campaign import build_campaign
import previews.matrix as matrix_module
from previews.matrix import Pages
from segments.models import Segment

FLAWED = '<mjml><mj-body><mj-section><mj-column><mj-button href="#">Go</mj-button></mj-column></mj-section></mj-body></mjml>'


PER_PAGE = 10  # segments a page here, where they receive few emails each (the app's is 20)


@pytest.fixture(autouse=True)
def _no_summaries() -> Iterator[None]:
    summaries.clear()
    yield
    summaries.clear()


@pytest.fixture
def ten_a_page(monkeypatch: pytest.MonkeyPatch) -> None:
    """Pages of ten segments, so that three pages take 25 segments, not 50."""
    monkeypatch.setattr(matrix_module, "MAX_SEGMENTS_PER_PAGE", PER_PAGE)


@pytest.fixture
def renders(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The subject of every email previewed from now on: what the pages rendered."""
    seen: list[str] = []

    def counting(**parts: Any) -> Any:
        seen.append(parts["subject"])
        return preview_source(**parts)

    monkeypatch.setattr(content_module, "preview_source", counting)
    return seen


def page(response: Any) -> Element:
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    return parse(response.get_data(as_text=True))


def cell_url(campaign: Campaign, segment: Segment, phase_index: int) -> str:
    return f"/campaigns/{campaign.id}/preview?segment={segment.id}&phase={campaign.phases[phase_index].id}"


def targeted(count: int, create_campaign: Callable[..., Campaign], create_segment: Callable[..., Segment]) -> Campaign:
    """A campaign targeting `count` segments named "Segment 01"… (their order in the campaign)."""
    segments = [create_segment(name=f"Segment {i:02d}", sample_data={"firstname": f"Reader {i}"}) for i in range(1, count + 1)]
    campaign = create_campaign()
    services.set_segments(campaign, {"segment_ids": [s.id for s in segments]})
    db.session.commit()
    return campaign


# --- the cell page ------------------------------------------------------------------------------


@pytest.fixture
def eight(create_campaign, create_segment, create_touchpoint) -> Campaign:
    """Eight segments; two emails in the first phase (one with a variant for the fourth segment), one in the second."""
    campaign = targeted(8, create_campaign, create_segment)
    first = create_touchpoint(campaign, 0, kind="welcome", name="Welcome", subject="Hi {{ firstname }}",
                              mjml=FINISHED_MJML)
    create_touchpoint(campaign, 0, kind="newsletter", name="News", subject="News", send_offset_days=3,
                      mjml=FINISHED_MJML)
    create_touchpoint(campaign, 1, kind="offer", name="Offer", subject="Offer", mjml=FLAWED)
    services.put_variant(first, campaign.segments[3], {"subject": "Hello {{ firstname }}"})
    db.session.commit()
    return campaign


def test_the_cell_page_renders_its_own_emails_only(client: FlaskClient, eight: Campaign, renders: list[str]):
    html = page(client.get(cell_url(eight, eight.segments[3], 0)))

    assert renders == ["Hello {{ firstname }}", "News"]  # the fourth segment's variant, then the newsletter
    assert len(html.select("article", class_="cp-email")) == 2
    assert "Hello Reader 4" in html.text()


def test_the_cell_pages_small_matrix_shows_the_segments_near_it(client: FlaskClient, eight: Campaign):
    html = page(client.get(cell_url(eight, eight.segments[3], 0)))

    mini = html.select("table", class_="mini-matrix")[0]
    assert [th.text() for th in mini.select("th", scope="row")] == ["Segment 03", "Segment 04", "Segment 05"]
    assert "3 of the 8 segments" in mini.select("caption")[0].text()
    more = {a.text(): a.get("href") for row in mini.select("tr", class_="more") for a in row.select("a")}
    assert more == {"↑ 2 more segments": cell_url(eight, eight.segments[1], 0),
                    "↓ 3 more segments": cell_url(eight, eight.segments[5], 0)}
    strip = html.select("nav", class_="cp-segments")[0]
    assert [a.text().split()[:2] for a in strip.select("a") if "more" not in a.classes] == [
        ["Segment", "03"], ["Segment", "04"], ["Segment", "05"]]
    assert [a.get("href") for a in strip.select("a", class_="more")] == [
        cell_url(eight, eight.segments[1], 0), cell_url(eight, eight.segments[5], 0)]


def test_at_the_first_segment_the_small_matrix_starts_there(client: FlaskClient, eight: Campaign):
    mini = page(client.get(cell_url(eight, eight.segments[0], 0))).select("table", class_="mini-matrix")[0]

    assert [th.text() for th in mini.select("th", scope="row")] == ["Segment 01", "Segment 02", "Segment 03"]
    assert [a.text() for row in mini.select("tr", class_="more") for a in row.select("a")] == ["↓ 5 more segments"]


def test_a_campaign_of_up_to_five_segments_shows_them_all(
    client: FlaskClient, create_campaign, create_segment, create_touchpoint
):
    campaign = targeted(5, create_campaign, create_segment)
    create_touchpoint(campaign, 0)

    mini = page(client.get(cell_url(campaign, campaign.segments[2], 0))).select("table", class_="mini-matrix")[0]

    assert len(mini.select("th", scope="row")) == 5
    assert not mini.select("tr", class_="more")


def test_the_small_matrix_shows_checks_it_knows_and_renders_none_it_does_not(
    client: FlaskClient, eight: Campaign, renders: list[str]
):
    def states(html: Element) -> dict[tuple[str, int], str]:
        mini = html.select("table", class_="mini-matrix")[0]
        rows = [row for row in mini.select("tr") if row.select("th", scope="row")]
        return {(row.select("th")[0].text(), index): row.select("a")[index].classes[0]
                for row in rows for index in range(len(eight.phases))}

    cold = states(page(client.get(cell_url(eight, eight.segments[3], 0))))
    assert len(renders) == 2  # only the cell's own emails
    assert cold[("Segment 04", 0)] == "warning"  # this cell: just checked (its emails have no preheader)
    assert cold[("Segment 03", 0)] == cold[("Segment 04", 1)] == "unchecked"  # not rendered to find out
    assert cold[("Segment 03", 2)] == "gap"

    page(client.get(f"/campaigns/{eight.id}/matrix"))  # checks every email
    renders.clear()
    warm = states(page(client.get(cell_url(eight, eight.segments[3], 0))))

    assert renders == ["Hello {{ firstname }}", "News"]
    assert (warm[("Segment 03", 0)], warm[("Segment 04", 1)], warm[("Segment 05", 2)]) == ("warning", "error", "gap")
    assert "unchecked" not in warm.values()


def test_the_cell_page_leads_back_to_the_matrix_page_that_shows_its_segment(
    client: FlaskClient, create_campaign, create_segment, create_touchpoint, ten_a_page
):
    campaign = targeted(PER_PAGE + 3, create_campaign, create_segment)
    create_touchpoint(campaign, 0)
    phase = campaign.phases[0]

    late = page(client.get(cell_url(campaign, campaign.segments[PER_PAGE + 1], 0)))
    early = page(client.get(cell_url(campaign, campaign.segments[1], 0)))

    matrix = f"/campaigns/{campaign.id}/matrix"
    assert late.select("a", href=f"{matrix}?page=2#phase-{phase.id}")
    assert late.select("a", href=f"{matrix}?page=2")  # the crumb
    assert early.select("a", href=f"{matrix}#phase-{phase.id}")


# --- pages of the matrix ---------------------------------------------------------------------------


@pytest.fixture
def wide(create_campaign, create_segment, create_touchpoint, ten_a_page) -> Campaign:
    """2.5 pages of segments; an email for everyone in the first phase, a flawed one in the second for the last segment."""
    campaign = targeted(2 * PER_PAGE + PER_PAGE // 2, create_campaign, create_segment)
    create_touchpoint(campaign, 0, kind="welcome", name="Welcome", subject="Hi {{ firstname }}", mjml=FINISHED_MJML)
    create_touchpoint(campaign, 1, kind="offer", name="Offer", subject="Offer", mjml=FLAWED,
                      segment_ids=[campaign.segments[-1].id])
    return campaign


def totals(html: Element) -> dict[str, int]:
    return {div.get("data-total"): int(div.select("dd")[0].text()) for div in html.select("div", data_total=None)}


def rows(html: Element) -> list[str]:
    return [th.select("a")[0].text() for th in html.select("th", scope="row")]


def test_a_large_matrix_comes_in_pages_of_segments_with_the_whole_campaigns_totals(client: FlaskClient, wide: Campaign):
    count = len(wide.segments)
    first = page(client.get(f"/campaigns/{wide.id}/matrix"))
    last = page(client.get(f"/campaigns/{wide.id}/matrix?page=3"))

    assert rows(first) == [s.name for s in wide.segments[:PER_PAGE]]
    assert rows(last) == [s.name for s in wide.segments[2 * PER_PAGE:]]
    assert totals(first) == totals(last) == {"emails": count + 1, "variants": 0,
                                              "gaps": count * len(wide.phases) - count - 1,
                                              "errors": totals(first)["errors"], "warnings": totals(first)["warnings"]}
    assert totals(first)["errors"] >= 1  # the flawed offer, whose segment is on the last page
    assert "Segments 1–10 of 25" in first.text() and "Segments 21–25 of 25" in last.text()
    offer = [th for th in first.select("th", scope="col") if wide.phases[1].name in th.text()][0]
    assert "1 email" in offer.text() and offer.select(class_="count")  # the phase's sum is the whole campaign's


def test_the_pages_link_to_each_other(client: FlaskClient, wide: Campaign):
    html = page(client.get(f"/campaigns/{wide.id}/matrix?page=2"))

    pager = html.select("nav", class_="mx-pages")[0]
    links = {a.text(): a for a in pager.select("ol")[0].select("a")}
    matrix = f"/campaigns/{wide.id}/matrix"
    assert {n: a.get("href") for n, a in links.items()} == {"1": matrix, "2": f"{matrix}?page=2", "3": f"{matrix}?page=3"}
    assert links["2"].get("aria-current") == "page"
    assert links["3"].get("aria-label") == f"Page 3: {wide.segments[20].name} to {wide.segments[-1].name}"
    assert pager.select("a", rel="prev")[0].get("href") == matrix
    assert pager.select("a", rel="next")[0].get("href") == f"{matrix}?page=3"
    assert len(html.select("nav", class_="mx-pages")) == 2  # above the matrix and below it


def test_a_matrix_of_one_page_has_no_pager(
    client: FlaskClient, create_campaign, create_segment, create_touchpoint, ten_a_page
):
    campaign = targeted(PER_PAGE, create_campaign, create_segment)
    create_touchpoint(campaign, 0)

    html = page(client.get(f"/campaigns/{campaign.id}/matrix"))

    assert not html.select("nav", class_="mx-pages")
    assert len(rows(html)) == PER_PAGE


def test_segments_that_receive_many_emails_come_fewer_to_a_page():
    assert Pages.of(100, 100 * 15 * 5).per_page == 5  # 375 email cards a page
    assert Pages.of(100, 100 * 15 * 5).count == 20
    assert Pages.of(100, 100 * 7 * 2).per_page == 20
    assert (Pages.of(3, 25).per_page, Pages.of(3, 25).count) == (20, 1)  # the demo: one page
    assert Pages.of(5, 5 * 1000).per_page == 1
    assert (Pages.of(0, 0).count, Pages.of(7, 0).count) == (1, 1)
    assert [Pages.of(45, 45).page_of(i) for i in (0, 19, 20, 44)] == [1, 1, 2, 3]


def test_the_matrix_page_shows_as_many_segments_as_fit(
    client: FlaskClient, create_campaign, create_segment, create_touchpoint, monkeypatch
):
    monkeypatch.setattr(matrix_module, "EMAILS_PER_PAGE", 4)
    campaign = targeted(6, create_campaign, create_segment)
    create_touchpoint(campaign, 0)
    create_touchpoint(campaign, 1)

    html = page(client.get(f"/campaigns/{campaign.id}/matrix?page=2"))

    assert rows(html) == ["Segment 03", "Segment 04"]  # two segments of two emails each: four cards
    assert "Segments 3–4 of 6" in html.text()
    assert html.select("a", href=f"/campaigns/{campaign.id}/matrix?page=3")
    cell = page(client.get(cell_url(campaign, campaign.segments[4], 0)))
    assert cell.select("a", href=f"/campaigns/{campaign.id}/matrix?page=3#phase-{campaign.phases[0].id}")


@pytest.mark.parametrize(("query", "status", "message"), [
    ("page=0", 422, "is not a page number"), ("page=two", 422, "is not a page number"),
    ("page=-1", 422, "is not a page number"), ("page=4", 404, "The matrix has 3 pages of segments; there is no page 4"),
    ("page=99999999999999999999999", 404, "there is no page"),
])
def test_a_page_that_is_not_there_is_a_page_that_says_so(client: FlaskClient, wide: Campaign, query, status, message):
    response = client.get(f"/campaigns/{wide.id}/matrix?{query}")

    assert response.status_code == status
    assert message in parse(response.get_data(as_text=True)).text()


def test_the_matrix_page_renders_every_email_once_for_its_totals_then_none(
    client: FlaskClient, wide: Campaign, renders: list[str]
):
    page(client.get(f"/campaigns/{wide.id}/matrix?page=2"))
    assert len(renders) == len(wide.segments) + 1

    page(client.get(f"/campaigns/{wide.id}/matrix"))
    page(client.get(f"/campaigns/{wide.id}/matrix?page=3"))

    assert len(renders) == len(wide.segments) + 1


# --- the crash: the matrix API of 100 segments × 15 phases × 5 emails, twice in one process ---------


def test_the_matrix_api_of_a_large_campaign_answers_twice_in_one_process(client: FlaskClient, renders: list[str]):
    campaign = build_campaign(100, 15, 5)
    url = f"/api/campaigns/{campaign.id}/matrix"

    first = client.get(url)
    assert first.status_code == 200
    assert len(renders) == 7_500  # every email once: 100 segments × 75 emails
    gc.collect()
    alive = len(gc.get_objects())

    second = client.get(url)

    assert second.status_code == 200
    assert len(renders) == 7_500  # warm: nothing is rendered again
    matrix = second.get_json()
    assert matrix == first.get_json()
    assert (len(matrix["segments"]), len(matrix["phases"]), len(matrix["cells"])) == (100, 15, 1_500)
    emails = [e for c in matrix["cells"] for e in c["emails"]]
    assert len(emails) == 7_500 and sum(e["variant"] for e in emails) == 3_750
    assert all(e["checks"] == {"error": 0, "warning": 0} for e in emails)
    assert emails[0]["subject"] == "Reader0, email 1 of phase 1, your version"  # the first segment's variant
    # The warm request keeps nothing of its own: its objects (a few per email it answers with) are gone.
    del first, second, matrix, emails
    gc.collect()
    assert len(gc.get_objects()) < alive + 10_000
