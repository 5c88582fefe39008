"""What the tests of the two demo campaigns (English and German) read their pages and emails with."""

from __future__ import annotations

from typing import Any

from campaigns.models import Campaign, Touchpoint
from html_tree import Element, parse


def page(response: Any) -> Element:
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    return parse(response.get_data(as_text=True))


def touchpoint(campaign: Campaign, name: str) -> Touchpoint:
    return next(t for t in campaign.touchpoints if t.name == name)


def unfinished_lines(mjml: str) -> list[int]:
    """The lines of an unfinished email where its author left a placeholder or an example.com link."""
    return [number for number, line in enumerate(mjml.splitlines(), start=1) if "[" in line or "example.com" in line]


def code_and_line(check: Element) -> tuple[str | None, str | None]:
    """A check as the cell preview lists it: its code, and "line N" where it names one."""
    line = check.select(class_="check-line")
    return check.get("data-code"), line[0].text() if line else None


def cell_checks(client: Any, campaign: Campaign) -> dict[tuple[str, str], list[tuple[str | None, str | None]]]:
    """Every email of every cell preview of the campaign, by (email name, segment name): its checks."""
    found: dict[tuple[str, str], list[tuple[str | None, str | None]]] = {}
    for segment in campaign.segments:
        for phase in campaign.phases:
            html = page(client.get(f"/campaigns/{campaign.id}/preview?segment={segment.id}&phase={phase.id}"))
            for article in html.select("article", class_="cp-email"):
                name = article.select("h2")[0].text()
                found[(name, segment.name)] = [code_and_line(check) for check in article.select("li", class_="check")]
    return found
