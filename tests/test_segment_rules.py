"""Segment rules through the API: stored as data, counted in SQL, and every bad rule refused with what to fix."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
from flask.testing import FlaskClient

from api_support import database_rows, error_of
from contacts.models import SegmentRule
from contacts_support import api_import, csv_text
from segments.models import Segment

NOW = datetime.now(timezone.utc)


def day(days_ago: int | None) -> str:
    return "" if days_ago is None else (NOW - timedelta(days=days_ago)).strftime("%d.%m.%Y")


# (address, name, plan, revenue, opens, clicks, last open days ago, last click days ago, status)
PEOPLE = [
    ("anna@example.com", "Anna Adler", "pro", "120,50", 12, 4, 2, 3, "abonniert"),
    ("bernd@example.com", "Bernd Bauer", "free", "0,00", 5, 0, 10, None, "abonniert"),
    ("carla@example.com", "Carla Cramer", "pro", "49,90", 0, 0, None, None, "abonniert"),
    ("dieter@example.com", "Dieter Dorn", "team", "990,00", 7, 1, 200, 200, "abgemeldet"),
    ("erika@example.de", "Erika Engel", "free", "5,00", 1, 0, 100, None, "abonniert"),
    ("jürgen@example.de", "Jürgen Jäger", "pro", "1.234,50", 3, 2, 30, 40, "abonniert"),
]


@pytest.fixture
def people(client: FlaskClient) -> None:
    rows = [["E-Mail", "Name", "Tarif", "Umsatz", "Öffnungen", "Klicks", "Letzte Öffnung", "Letzter Klick", "Status"]]
    rows += [[a, n, p, r, str(o), str(c), day(lo), day(lc), s] for a, n, p, r, o, c, lo, lc, s in PEOPLE]
    response = api_import(client, csv_text(rows).encode("cp1252"), policy="skip")
    assert response.status_code == 201, response.get_json()


def count(client: FlaskClient, rule: Any, **extra: Any) -> Any:
    return client.post("/api/segment-rules/count", json={"rule": rule, **extra})


def emails(document: dict[str, Any]) -> list[str]:
    return [c["email"] for c in document["sample"]]


@pytest.mark.usefixtures("people")
@pytest.mark.parametrize(("rule", "expected"), [
    ({"all": [{"field": "opens", "op": "gt", "value": 4}]}, ["anna", "bernd", "dieter"]),
    ({"all": [{"field": "property:tarif", "op": "eq", "value": "pro"}]}, ["anna", "carla", "jürgen"]),
    ({"all": [{"field": "property:tarif", "op": "ne", "value": "pro"}]}, ["bernd", "dieter", "erika"]),
    ({"all": [{"field": "property:umsatz", "op": "gt", "value": "100,00"}]}, ["anna", "dieter", "jürgen"]),
    ({"all": [{"field": "property:umsatz", "op": "lt", "value": 10}]}, ["bernd", "erika"]),
    ({"all": [{"field": "name", "op": "starts_with", "value": "jür"}]}, ["jürgen"]),
    ({"all": [{"field": "email", "op": "contains", "value": "EXAMPLE.DE"}]}, ["erika", "jürgen"]),
    ({"all": [{"field": "status", "op": "eq", "value": "unsubscribed"}]}, ["dieter"]),
    ({"all": [{"field": "last_click_at", "op": "within_days", "value": 35}]}, ["anna"]),
    ({"all": [{"field": "last_click_at", "op": "is_set"}]}, ["anna", "dieter", "jürgen"]),
    ({"all": [{"field": "last_open_at", "op": "gt", "value": day(50)}]}, ["anna", "bernd", "jürgen"]),
    # nested: opened more than twice, and (pro or clicked in the last 60 days), and not unsubscribed
    ({"all": [{"field": "opens", "op": "gt", "value": 2},
              {"any": [{"field": "property:tarif", "op": "eq", "value": "pro"},
                       {"field": "last_click_at", "op": "within_days", "value": 60}]},
              {"none": [{"field": "status", "op": "eq", "value": "unsubscribed"}]}]}, ["anna", "jürgen"]),
])
def test_a_rule_holds_the_contacts_it_describes(client: FlaskClient, rule: Any, expected: list[str]) -> None:
    response = count(client, rule, )
    assert response.status_code == 200, response.get_json()
    document = response.get_json()
    assert document["total"] == len(expected)
    assert [e.split("@")[0] for e in emails(document)] == expected


@pytest.mark.usefixtures("people")
def test_the_three_action_presets_sort_contacts_by_their_engagement(client: FlaskClient) -> None:
    from contacts.rules import PRESETS

    held = {p.key: [e.split("@")[0] for e in emails(count(client, p.rule).get_json())] for p in PRESETS}
    assert held == {"clicks": ["anna", "jürgen"], "opens_no_clicks": ["bernd"],
                    "no_engagement": ["carla", "dieter", "erika"]}
    assert all("Apple Mail Privacy Protection" in str(p.note) for p in PRESETS if p.key != "clicks")


@pytest.mark.usefixtures("people")
def test_a_saved_rule_gives_the_segment_its_members(client: FlaskClient, create_segment: Callable[..., Segment]) -> None:
    segment = create_segment(name="Klickende")
    assert client.get(f"/api/segments/{segment.id}/members").get_json() == {"rule": None, "total": 0, "sample": []}
    rule = {"all": [{"field": "clicks", "op": "gt", "value": "1"}]}
    saved = client.put(f"/api/segments/{segment.id}/rule", json={"rule": rule})
    assert saved.status_code == 200
    assert saved.get_json()["rule"] == {"all": [{"field": "clicks", "op": "gt", "value": 1}]}  # cleaned to its type
    members = client.get(f"/api/segments/{segment.id}/members?limit=1").get_json()
    assert members["total"] == 2 and emails(members) == ["anna@example.com"]
    listed = client.get(f"/api/contacts?segment={segment.id}").get_json()
    assert [c["email"] for c in listed["items"]] == ["anna@example.com", "jürgen@example.de"]
    assert listed["total"] == 2
    # another segment holds the members of this one that never bought
    other = create_segment(name="Klickende ohne Umsatz über 200")
    inner = {"all": [{"field": "segment", "op": "in_segment", "value": segment.id},
                     {"field": "property:umsatz", "op": "lt", "value": "200"}]}
    assert emails(client.put(f"/api/segments/{other.id}/rule", json={"rule": inner}).get_json()) == ["anna@example.com"]
    assert client.delete(f"/api/segments/{segment.id}/rule").status_code == 204
    assert client.get(f"/api/segments/{other.id}/members").get_json()["total"] == 0


@pytest.mark.usefixtures("people")
@pytest.mark.parametrize(("rule", "words"), [
    ({"all": [{"field": "property:tarife", "op": "eq", "value": "pro"}]}, 'no contact has the property "tarife"'),
    ({"all": [{"field": "opens", "op": "contains", "value": "3"}]}, "opens takes the operators"),
    ({"all": [{"field": "opens", "op": "gt", "value": "drei"}]}, "Condition 1"),
    ({"all": [{"field": "property:umsatz", "op": "gt", "value": "viel"}]}, "is not a number"),
    ({"all": [{"field": "last_open_at", "op": "lt", "value": "gestern"}]}, "is not a date"),
    ({"all": [{"field": "last_open_at", "op": "within_days", "value": -3}]}, "number of days"),
    ({"all": [{"field": "status", "op": "eq", "value": "weg"}]}, "the status is one of"),
    ({"all": [{"field": "opens", "op": "eq"}]}, "needs a value"),
    ({"all": [{"field": "segment", "op": "in_segment", "value": 999999}]}, "no segment 999999"),
    ({"all": [{"any": [{"field": "shoe", "op": "eq", "value": "x"}]}]}, "Condition 1.1"),
    ({"all": "opens > 3"}, "should be a list"),
    ({"some": []}, "should be a group"),
    ("opens > 3", "should be a group"),
    ({"all": [{"field": "opens", "op": "gt", "value": 1}] * 41}, "at most 40 conditions"),
])
def test_a_bad_rule_is_refused_with_what_to_fix(client: FlaskClient, create_segment: Callable[..., Segment],
                                                rule: Any, words: str) -> None:
    segment = create_segment()
    before = database_rows()
    for response in (count(client, rule), client.put(f"/api/segments/{segment.id}/rule", json={"rule": rule})):
        assert response.status_code == 422
        assert words in error_of(response)["fields"]["rule"]
    assert database_rows() == before


def test_a_rule_nested_a_thousand_deep_is_refused(client: FlaskClient) -> None:
    rule: Any = {"all": [{"field": "opens", "op": "gt", "value": 1}]}
    for _ in range(1000):
        rule = {"any": [rule]}
    body = json.dumps({"rule": rule})
    response = client.post("/api/segment-rules/count", data=body, content_type="application/json")
    assert response.status_code in (400, 422)
    assert "deep" in error_of(response)["message"]


def test_segments_cannot_contain_each_other_in_a_circle(client: FlaskClient,
                                                        create_segment: Callable[..., Segment]) -> None:
    first, second = create_segment(), create_segment()

    def naming(segment: Segment) -> dict[str, Any]:
        return {"all": [{"field": "segment", "op": "in_segment", "value": segment.id}]}

    assert client.put(f"/api/segments/{first.id}/rule", json={"rule": naming(second)}).status_code == 200
    refused = client.put(f"/api/segments/{second.id}/rule", json={"rule": naming(second)})
    assert "cannot contain itself" in error_of(refused)["fields"]["rule"]
    refused = client.put(f"/api/segments/{second.id}/rule", json={"rule": naming(first)})
    assert "circle" in error_of(refused)["fields"]["rule"]


def test_a_segment_deleted_takes_its_rule_along(client: FlaskClient, create_segment: Callable[..., Segment]) -> None:
    segment = create_segment()
    client.put(f"/api/segments/{segment.id}/rule", json={"rule": {"all": [{"field": "opens", "op": "is_set"}]}})
    assert client.delete(f"/api/segments/{segment.id}").status_code == 204
    assert database_rows()[SegmentRule.__tablename__] == []


def test_a_viewer_reads_members_but_cannot_change_a_rule(client_as: Callable[..., FlaskClient],
                                                         create_segment: Callable[..., Segment]) -> None:
    segment = create_segment()
    viewer = client_as("viewer")
    assert viewer.get(f"/api/segments/{segment.id}/members").status_code == 200
    response = viewer.put(f"/api/segments/{segment.id}/rule", json={"rule": {"all": []}})
    assert response.status_code == 403


@pytest.mark.usefixtures("people")
def test_a_german_reader_is_told_in_german_what_to_fix(client: FlaskClient) -> None:
    rule = {"all": [{"field": "opens", "op": "gt", "value": 1},
                    {"any": [{"field": "property:tarife", "op": "eq", "value": "pro"}]}]}
    response = client.post("/api/segment-rules/count", json={"rule": rule}, headers={"Accept-Language": "de"})
    assert error_of(response)["fields"]["rule"] == ("Bedingung 2.1: Kein Kontakt hat die Eigenschaft „tarife“. "
                                                    "Importieren Sie sie zuerst, oder prüfen Sie die Schreibweise.")
