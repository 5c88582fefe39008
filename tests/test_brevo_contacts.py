"""Brevo gets each segment's contacts as a contact list import (POST contacts/import into the segment's list):
in the bundle when asked for (brevo.json?contacts=1), and in a push with contacts, once."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from brevo_standin import BrevoStandIn
from campaigns.demo import create_demo
from campaigns.models import Campaign
from contacts_support import api_import, csv_text
from exports.esp import replay
from exports.esp.base import Credentials
from exports.esp.brevo import adapter
from exports.ledger import MemoryLedger
from jobs_support import wait_until
from journeymail.extensions import db

KEY = "test-brevo-key"
SENDER = {"name": "Maya from Plannery", "email": "hello@plannery.example", "active": True}
PEOPLE = [["E-Mail", "Name", "Status", "Angemeldet am", "Tarif", "Stadt"],
          ["anna@example.com", "Anna Adler", "abonniert", "01.02.2024", "pro", "Köln"],
          ["jürgen@example.de", "Jürgen Jäger", "abonniert", "03.03.2024", "pro", "-Düsseldorf"],
          ["dieter@example.com", "Dieter Dorn", "abgemeldet", "01.01.2024", "pro", "Wien"]]


@pytest.fixture
def demo(client: FlaskClient) -> Campaign:
    campaign = create_demo()
    db.session.commit()
    assert api_import(client, csv_text(PEOPLE).encode("cp1252"), policy="skip").status_code == 201
    rule = {"all": [{"field": "property:tarif", "op": "eq", "value": "pro"}]}
    for segment in campaign.segments[:2]:  # both hold the same people: they go to the first's list only
        assert client.put(f"/api/segments/{segment.id}/rule", json={"rule": rule}).status_code == 200
    return campaign


@pytest.fixture
def standin() -> Any:
    server = BrevoStandIn(api_key=KEY, senders=[SENDER]).start()
    yield server
    server.stop()


def imports(bundle: dict[str, Any]) -> list[dict[str, Any]]:
    return [r for r in bundle["requests"] if r["path"] == "contacts/import"]


def test_the_bundle_carries_contacts_only_when_asked(client: FlaskClient, demo: Campaign) -> None:
    plain = client.get(f"/campaigns/{demo.id}/export/brevo.json").get_json()
    assert imports(plain) == []
    bundle = client.get(f"/campaigns/{demo.id}/export/brevo.json?contacts=1").get_json()
    [first] = imports(bundle)
    first_list = next(r for r in bundle["requests"] if r["path"] == "contacts/lists")
    assert first["body"]["listIds"] == [f"{{{{ref:{first_list['ref']}}}}}"]
    assert first["body"]["updateExistingContacts"] is True and first["body"]["emptyContactsAttributes"] is False
    rows = list(csv.reader(io.StringIO(first["body"]["fileBody"]), delimiter=";"))
    assert rows[0][:3] == ["EMAIL", "SEGMENT", "JOURNEY_PHASE"] and all(name == name.upper() for name in rows[0])
    assert [r[0] for r in rows[1:]] == ["anna@example.com", "jürgen@example.de"]
    assert any(r.get("name") == "JOURNEY_PHASE" for r in bundle["requests"] if r["path"].startswith("contacts/attr"))
    # the imports come after the lists they fill
    paths = [r["path"] for r in bundle["requests"]]
    assert paths.index("contacts/import") > max(i for i, p in enumerate(paths) if p == "contacts/lists")


def test_pushing_the_bundle_with_contacts_fills_the_first_segments_list_once(
        client: FlaskClient, demo: Campaign, standin: BrevoStandIn) -> None:
    bundle = client.get(f"/campaigns/{demo.id}/export/brevo.json?contacts=1").get_json()
    ledger = MemoryLedger()
    credentials = Credentials(standin.url, KEY, timeout=5)
    result = replay.push(adapter, bundle, credentials=credentials, inputs={}, ledger=ledger, sleep=lambda s: None)
    first_list = next(s.id for s in result.steps if s.path == "contacts/lists")
    contacts = standin.contacts(first_list)
    assert set(contacts) == {"anna@example.com", "jürgen@example.de"}
    assert contacts["anna@example.com"]["SEGMENT"] and contacts["anna@example.com"]["JOURNEY_PHASE"] == ""
    assert sum(len(standin.contacts(i)) for i in standin.lists) == 2  # the second segment's list stays empty
    again = replay.push(adapter, bundle, credentials=credentials, inputs={}, ledger=ledger, sleep=lambda s: None)
    assert len(standin.state.imports) == 1
    assert [s.outcome for s in again.steps if s.path == "contacts/import"] == ["reused"]


def test_a_push_job_with_contacts_imports_them(app: Flask, client: FlaskClient, demo: Campaign,
                                               standin: BrevoStandIn, monkeypatch: pytest.MonkeyPatch,
                                               worker: Any) -> None:
    monkeypatch.setitem(app.config, "BREVO_API_URL", standin.url)
    monkeypatch.setitem(app.config, "BREVO_API_KEY", KEY)
    response = client.post(f"/api/campaigns/{demo.id}/push/brevo", json={"contacts": True})
    assert response.status_code == 202, response.get_json()
    job_id = response.get_json()["job_id"]
    job = wait_until(lambda: (j := client.get(f"/api/jobs/{job_id}").get_json())["state"] in ("done", "failed") and j,
                     seconds=60)
    assert job["state"] == "done", job["errors"]
    assert job["result"]["contacts"]["contacts"] == 2
    assert "Contacts: 2 imported into Brevo" in job["result"]["summary"]
    assert sum(len(standin.contacts(i)) for i in standin.lists) == 2
