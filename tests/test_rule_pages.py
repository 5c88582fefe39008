"""A segment's audience page (/segments/<id>/rule): the rule with its count and sample, saved through the
form, a refused rule kept with what to fix, viewers reading only; the contacts page filtered by a segment;
the demo segments' rules and contacts."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

import pytest
from flask.testing import FlaskClient

from api_support import csrf_token_from, database_rows
from contacts.models import SegmentRule
from contacts_support import api_import, csv_text
from html_tree import parse
from journeymail.extensions import db
from segments.models import Segment

NOW = datetime.now(timezone.utc)
CLICKS = {"all": [{"field": "last_click_at", "op": "within_days", "value": 90}]}


def day(days_ago: int | None) -> str:
    return "" if days_ago is None else (NOW - timedelta(days=days_ago)).strftime("%d.%m.%Y")


@pytest.fixture
def people(client: FlaskClient) -> None:
    rows = [["E-Mail", "Name", "Tarif", "Öffnungen", "Klicks", "Letzte Öffnung", "Letzter Klick"]]
    rows += [["anna@example.com", "Anna Adler", "pro", "12", "4", day(2), day(3)],
             ["bernd@example.com", "Bernd Bauer", "free", "5", "0", day(10), ""],
             ["carla@example.com", "Carla Cramer", "pro", "0", "0", "", ""]]
    assert api_import(client, csv_text(rows).encode("cp1252"), policy="skip").status_code == 201


@pytest.fixture
def clickers(create_segment: Callable[..., Segment]) -> Segment:
    return create_segment(name="Clickers", action="Clicks through for more information and offers")


def rule_page(client: FlaskClient, segment: Segment, **headers: str) -> Any:
    response = client.get(f"/segments/{segment.id}/rule", headers=headers)
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    return response


def config_of(html: str) -> dict[str, Any]:
    node = parse(html).by_id("rule-editor-config")
    assert node is not None
    return json.loads(node.get("data-config") or "")


def save(client: FlaskClient, segment: Segment, rule: Any) -> Any:
    csrf = csrf_token_from(rule_page(client, segment).get_data(as_text=True))
    text = rule if isinstance(rule, str) else json.dumps(rule)
    return client.post(f"/segments/{segment.id}/rule", data={"rule": text, "csrf_token": csrf})


def stored_rule(segment: Segment) -> Any:
    db.session.expire_all()
    return db.session.scalar(db.select(SegmentRule.rule).where(SegmentRule.segment_id == segment.id))


@pytest.mark.usefixtures("people")
def test_the_page_names_the_segment_and_its_action_and_offers_the_fields_and_presets(
        client: FlaskClient, clickers: Segment, create_segment: Callable[..., Segment]) -> None:
    other = create_segment(name="Readers")
    html = rule_page(client, clickers).get_data(as_text=True)
    page = parse(html)
    assert "Audience of Clickers" in page.text()
    assert page.by_id("segment-action").text().strip() == "Clicks through for more information and offers"
    assert "This segment has no rule yet" in page.text()
    assert "0 contacts match" in page.by_id("rule-count").text()
    for name in ("Clicks", "Opens, but does not click", "No engagement for 90 days"):
        assert name in page.text()
    assert "Apple Mail Privacy Protection" in page.text()  # the presets' notes are shown
    config = config_of(html)
    assert {"value": "last_click_at", "label": "Last click", "type": "datetime"} in config["fields"]
    assert {"value": "property:tarif", "label": "tarif", "type": "string", "type_name": "Text"} in config["properties"]
    assert config["segments"] == [{"id": other.id, "name": "Readers"}]  # other segments, never itself
    assert config["operators"]["datetime"] == ["gt", "lt", "within_days", "not_within_days", "is_set"]
    assert config["readonly"] is False
    # without JS, the textarea is the editor; the form carries its CSRF token
    form = page.by_id("rule-form")
    assert form is not None and form.select("input", name="csrf_token")
    assert json.loads(page.by_id("rule").text()) == {"all": []}


@pytest.mark.usefixtures("people")
def test_a_rule_saved_through_the_form_gives_the_segment_its_count_and_sample(
        client: FlaskClient, clickers: Segment) -> None:
    response = save(client, clickers, CLICKS)
    assert response.status_code == 302
    assert stored_rule(clickers) == CLICKS
    page = parse(client.get(response.headers["Location"]).get_data(as_text=True))
    assert "The rule of Clickers is saved: 1 contact matches." in page.text()
    assert page.by_id("rule-count").text().strip() == "1 contact matches"
    sample = page.by_id("rule-sample").text()
    assert "anna@example.com" in sample and "bernd@example.com" not in sample
    # the contacts page lists the segment's members, and the segment pages link to the audience
    listed = parse(client.get(f"/contacts?segment={clickers.id}").get_data(as_text=True))
    assert listed.by_id("contacts-count").text().strip() == "1 contact."
    assert [o.text() for o in listed.by_id("segment").select("option")] == ["Any segment", "Clickers"]
    for url in ("/segments", f"/segments/{clickers.id}/edit"):
        assert f'href="/segments/{clickers.id}/rule"' in client.get(url).get_data(as_text=True)


@pytest.mark.usefixtures("people")
def test_a_refused_rule_keeps_the_input_and_says_what_to_fix(client: FlaskClient, clickers: Segment) -> None:
    save(client, clickers, CLICKS)
    before = database_rows()
    bad = {"all": [{"field": "opens", "op": "gt", "value": 1},
                   {"any": [{"field": "property:nope", "op": "eq", "value": "x"}]}]}
    response = save(client, clickers, bad)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    page = parse(html)
    error = page.by_id("rule-error").text()
    assert error.startswith("Condition 2.1:") and '"nope"' in error
    assert json.loads(page.by_id("rule").text()) == bad  # kept as sent
    assert "rule-error" in page.by_id("rule").get("aria-describedby")
    assert config_of(html)["error_place"] == "2.1"  # the editor shows it beside that condition
    assert database_rows() == before and stored_rule(clickers) == CLICKS

    broken = save(client, clickers, '{"all": [')
    assert broken.status_code == 422
    assert "no JSON document (line 1" in parse(broken.get_data(as_text=True)).by_id("rule-error").text()
    assert parse(broken.get_data(as_text=True)).by_id("rule").text() == '{"all": ['


def test_a_post_without_its_csrf_token_changes_nothing(client: FlaskClient, clickers: Segment) -> None:
    response = client.post(f"/segments/{clickers.id}/rule", data={"rule": json.dumps(CLICKS)})
    assert response.status_code == 400
    assert stored_rule(clickers) is None


@pytest.mark.usefixtures("people")
def test_removing_the_rule_empties_the_segment(client: FlaskClient, clickers: Segment) -> None:
    save(client, clickers, CLICKS)
    csrf = csrf_token_from(rule_page(client, clickers).get_data(as_text=True))
    response = client.post(f"/segments/{clickers.id}/rule/remove", data={"csrf_token": csrf}, follow_redirects=True)
    assert "The rule of Clickers is removed" in response.get_data(as_text=True)
    assert stored_rule(clickers) is None


@pytest.mark.usefixtures("people")
def test_a_viewer_reads_the_rule_but_cannot_change_it(client: FlaskClient, clickers: Segment,
                                                      client_as: Callable[..., FlaskClient]) -> None:
    save(client, clickers, {"all": [CLICKS["all"][0], {"none": [{"field": "property:tarif", "op": "eq",
                                                                   "value": "free"}]}]})
    viewer = client_as("viewer")
    html = rule_page(viewer, clickers).get_data(as_text=True)
    page = parse(html)
    assert page.by_id("rule-form") is None and not page.select("textarea")
    text = " ".join(page.text().split())
    assert "Last click within the last N days 90 days" in text
    assert "none of these" in text and "tarif equals free" in text
    assert "1 contact matches" in text
    assert config_of(html)["readonly"] is True
    refused = viewer.post(f"/segments/{clickers.id}/rule", data={"rule": "{}", "csrf_token": csrf_token_from(html)})
    assert refused.status_code == 403




@pytest.mark.usefixtures("people")
def test_the_rule_page_is_german(client: FlaskClient, clickers: Segment) -> None:
    save(client, clickers, CLICKS)
    rule_page(client, clickers)  # shows (and ends) the English notice of the save
    text = parse(rule_page(client, clickers, **{"Accept-Language": "de"}).get_data(as_text=True)).text()
    for words in ("Zielgruppe von Clickers", "Regel speichern", "Regel entfernen", "1 Kontakt passt",
                  "Vorlagen für die Aktion", "Privacy Protection"):
        assert words in text, words
    for words in ("Save rule", "Remove rule", "contact matches", "Presets for the action"):
        assert words not in text, words


# --- the demo -----------------------------------------------------------------------------------------------


def test_after_seed_demo_the_demo_segments_have_rules_by_their_action_and_members(runner: Any,
                                                                                    monkeypatch: Any) -> None:
    from accounts import current
    from accounts.models import Workspace
    from contacts import rules
    from contacts.models import Contact

    monkeypatch.setenv("DEMO_PASSWORD", "a demo password for tests")
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    assert "Added 400 demo contacts." in result.output
    again = runner.invoke(args=["seed-demo", "--if-empty"])
    assert again.exit_code == 0 and "demo contact" not in again.output  # added once
    demo = db.session.scalar(db.select(Workspace).where(Workspace.name == "Demo"))
    current.use_workspace(demo, "owner")
    segments = {s.name: s for s in db.session.scalars(current.scoped(Segment))}
    expected = {"Engaged evaluators": "clicks", "Casual browsers": "opens_no_clicks",
                "Dormant subscribers": "no_engagement", "Aufstiegsorientierte": "clicks",
                "Stille Mitlesende": "opens_no_clicks", "Inaktive Kontakte": "no_engagement"}
    for name, preset in expected.items():
        rule = rules.rule_of(segments[name].id)
        assert rule == rules.preset(preset).rule, name
        assert 40 <= rules.count_matching(rule) <= 200, name
    german = db.session.scalars(current.scoped(Contact).where(Contact.email_key.endswith("@demo-de.journeymail.example")))
    assert any("ü" in c.name or "ö" in c.name or "ß" in c.name for c in german)


def test_the_german_excel_example_imports_whole_and_falls_into_the_presets(client: FlaskClient) -> None:
    """docs/examples/kontakte-export.csv (cp1252, ";", German dates and decimals), as README tells to import it."""
    from pathlib import Path

    from contacts import rules
    from contacts.models import Contact

    data = (Path(__file__).parent.parent / "docs/examples/kontakte-export.csv").read_bytes()
    response = api_import(client, data, policy="skip")
    assert response.status_code == 201, response.get_json()
    report = response.get_json()
    assert (report["added"], report["rejected"]) == (60, []), report
    contact = db.session.scalar(db.select(Contact).where(Contact.email_key == "soeren.schaefer@example.de"))
    assert contact.name == "Sören Schäfer" and contact.opens == 18 and contact.double_opt_in is True
    assert {p.name: p.value for p in contact.properties}["umsatz"] == Decimal("2078.27")
    held = client.post("/api/segment-rules/count", json={"rule": rules.preset("no_engagement").rule})
    assert held.get_json()["total"] > 10


@pytest.mark.usefixtures("people")
def test_the_contacts_page_keeps_the_segment_filter_across_pages(client: FlaskClient, clickers: Segment) -> None:
    save(client, clickers, {"all": [{"field": "last_open_at", "op": "within_days", "value": 90}]})  # anna, bernd
    first = parse(client.get(f"/contacts?segment={clickers.id}&per_page=1").get_data(as_text=True))
    assert "2 contacts, page 1 of 2." in first.by_id("contacts-count").text()
    (following,) = first.select("a", rel="next")
    assert f"segment={clickers.id}" in following.get("href")
    second = client.get(following.get("href") + "&per_page=1").get_data(as_text=True)
    assert "bernd@example.com" in second and "anna@example.com" not in second
    assert "There is no such segment" in client.get("/contacts?segment=999999", follow_redirects=True).get_data(as_text=True)
