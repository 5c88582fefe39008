"""The contacts CSV in Mailjet's import format: who goes out under which segment, who is left out and why, and
the journey phase each contact stands in per campaign."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from typing import Any

import pytest
from flask.testing import FlaskClient

from accounts import current
from accounts.models import Workspace
from api_support import auth_headers, error_of
from campaigns import services as campaign_services
from campaigns.demo import create_demo
from campaigns.models import Campaign
from contacts import export as contacts_export
from contacts import phases
from contacts.models import Contact, ContactPhase
from contacts_support import api_import, csv_text
from accounts.services import create_token
from journeymail.extensions import db
from segments.models import Segment

HEADER = ["E-Mail", "Name", "Status", "Angemeldet am", "Bestätigt am", "Double Opt-in", "Öffnungen", "Klicks",
          "Tarif", "Umsatz", "Kunde", "Kunde seit", "Stadt"]
# address, name, status, opted in, confirmed, DOI, opens, clicks, plan, revenue, customer, customer since, city
PEOPLE = [
    ["anna@example.com", "Anna Adler", "abonniert", "01.02.2024", "02.02.2024", "ja", "12", "4", "pro", "120,50",
     "ja", "31.12.2023 14:30", "Köln"],
    ["bernd@example.com", "Bernd Bauer", "abonniert", "01.02.2024", "", "ja", "5", "0", "free", "0,00", "nein",
     "", "=HYPERLINK(\"x\")"],
    ["carla@example.com", "Carla Cramer", "abonniert", "", "", "", "3", "1", "pro", "49,90", "ja", "", "Graz"],
    ["dieter@example.com", "Dieter Dorn", "abgemeldet", "01.01.2024", "", "nein", "7", "1", "pro", "990,00", "ja",
     "", "Wien"],
    ["erika@example.de", "Erika Engel", "unzustellbar", "", "", "", "1", "0", "free", "5,00", "nein", "", "Bonn"],
    ["jürgen@example.de", "Jürgen Jäger", "abonniert", "03.03.2024", "04.03.2024", "ja", "3", "2", "pro", "1.234,50", "ja",
     "", "Düsseldorf"],
    ["grete@example.de", "Gräfin Öller", "abonniert", "03.03.2024", "04.03.2024", "ja", "0", "0", "team", "-5,00",
     "nein", "", "+49 Köln"],
]
PRO = {"all": [{"field": "property:tarif", "op": "eq", "value": "pro"}]}
OPENED = {"all": [{"field": "opens", "op": "gt", "value": 2}]}


@pytest.fixture
def people(client: FlaskClient) -> None:
    response = api_import(client, csv_text([HEADER, *PEOPLE]).encode("cp1252"), policy="skip")
    assert response.status_code == 201, response.get_json()


@pytest.fixture
def audience(client: FlaskClient, people: None, create_campaign: Callable[..., Campaign],
             create_segment: Callable[..., Segment]) -> Campaign:
    """A campaign targeting "Pro customers" (rule: plan pro) and "Readers" (rule: more than 2 opens)."""
    pro, readers = create_segment(name="Pro customers"), create_segment(name="Readers")
    campaign = create_campaign()
    campaign_services.set_segments(campaign, {"segment_ids": [pro.id, readers.id]})
    db.session.commit()
    for segment, rule in ((pro, PRO), (readers, OPENED)):
        assert client.put(f"/api/segments/{segment.id}/rule", json={"rule": rule}).status_code == 200
    return campaign


def rows_of(response: Any) -> list[dict[str, str]]:
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.content_type == "text/csv; charset=utf-8"
    return list(csv.DictReader(io.StringIO(response.get_data().decode("utf-8"))))


def segment_named(name: str) -> Segment:
    return db.session.scalar(db.select(Segment).filter_by(name=name))


# --- the campaign's CSV -----------------------------------------------------------------------------------


def test_the_campaign_csv_holds_each_contact_who_may_be_mailed_once_under_its_first_segment(
        client: FlaskClient, audience: Campaign) -> None:
    response = client.get(f"/campaigns/{audience.id}/export/contacts.csv")
    rows = rows_of(response)
    header = response.get_data().decode("utf-8").splitlines()[0].split(",")
    assert header[:3] == ["email", "segment", "journey_phase"]
    # anna: pro and a reader, goes out once as pro; jürgen too; grete (no rule of hers holds) is not there;
    # bernd (double opt-in never confirmed), carla (no consent), dieter (unsubscribed), erika (bounced): left out
    assert [(r["email"], r["segment"]) for r in rows] == [("anna@example.com", "pro-customers"),
                                                         ("jürgen@example.de", "pro-customers")]
    assert response.headers["X-Journeymail-Left-Out"] == "unsubscribed=1, bounced=0, complained=0, no_consent=2"
    assert response.headers["X-Journeymail-Left-Out-Total"] == "3"
    assert "attachment" in response.headers["Content-Disposition"]


def test_the_columns_follow_the_bundle_and_values_are_in_mailjets_formats(
        client: FlaskClient, audience: Campaign, create_touchpoint: Callable[..., Any]) -> None:
    create_touchpoint(audience, subject="Hello {{ name }}", preheader="Your {{ tarif }} plan, {{ kunde }}",
                      mjml="<mjml><mj-body><mj-text>{{ umsatz }} since {{ kunde_seit }} in {{ stadt }}, "
                           "{{ firstname | default('there') }}</mj-text></mj-body></mjml>")
    response = client.get(f"/campaigns/{audience.id}/export/contacts.csv")
    header = response.get_data().decode("utf-8").splitlines()[0].split(",")
    assert header == ["email", "segment", "journey_phase", "name", "tarif", "kunde", "umsatz", "kunde_seit", "stadt",
                      "firstname", "opens"]
    anna = next(r for r in rows_of(response) if r["email"] == "anna@example.com")
    assert anna == {"email": "anna@example.com", "segment": "pro-customers", "journey_phase": "", "name": "Anna Adler",
                    "tarif": "pro", "kunde": "true", "umsatz": "120.5", "kunde_seit": "2023-12-31 14:30:00",
                    "stadt": "Köln", "opens": "12", "firstname": ""}


def test_a_segments_csv_is_utf8_formula_safe_and_carries_its_properties(client: FlaskClient, people: None,
                                                                         create_segment: Callable[..., Segment]) -> None:
    team = create_segment(name="Everyone with a plan")
    rule = {"all": [{"field": "property:tarif", "op": "is_set"}]}
    assert client.put(f"/api/segments/{team.id}/rule", json={"rule": rule}).status_code == 200
    response = client.get(f"/segments/{team.id}/export/contacts.csv")
    rows = rows_of(response)
    assert [r["email"] for r in rows] == ["anna@example.com", "grete@example.de", "jürgen@example.de"]
    grete = rows[1]
    assert grete["segment"] == "everyone-with-a-plan"
    assert "journey_phase" not in grete  # one segment, no campaign: no phase
    assert grete["stadt"] == "'+49 Köln"  # a leading + would be a formula in a spreadsheet
    assert grete["umsatz"] == "-5"  # a number is written as a number, never guarded
    assert rows[2]["email"] == "jürgen@example.de" and rows[2]["stadt"] == "Düsseldorf"
    assert "Jürgen".encode("utf-8") in response.get_data() or "jürgen".encode("utf-8") in response.get_data()


def test_a_text_cell_that_starts_like_a_formula_gets_an_apostrophe(client: FlaskClient, people: None,
                                                                   create_segment: Callable[..., Segment]) -> None:
    everyone = create_segment(name="Everyone")
    rule = {"all": [{"field": "email", "op": "is_set"}]}
    assert client.put(f"/api/segments/{everyone.id}/rule", json={"rule": rule}).status_code == 200
    db.session.execute(db.update(Contact).where(Contact.email == "anna@example.com").values(name="@SUM(A1)"))
    db.session.commit()
    text = client.get(f"/segments/{everyone.id}/export/contacts.csv").get_data(as_text=True)
    assert "'@SUM(A1)" in text
    assert "\n=" not in text and ",=" not in text and ",@" not in text


def test_the_download_is_streamed(client: FlaskClient, audience: Campaign) -> None:
    response = client.get(f"/campaigns/{audience.id}/export/contacts.csv", buffered=False)
    assert response.is_streamed
    assert b"anna@example.com" in b"".join(response.response)
    response.close()


def test_a_token_downloads_the_csv_and_another_workspace_gets_404(app: Any, client: FlaskClient, audience: Campaign,
                                                                 workspace: Workspace, make_member: Any) -> None:
    _token, secret = create_token(workspace.memberships[0].user, workspace, role="viewer")
    db.session.commit()
    pro = segment_named("Pro customers")
    for path in (f"/campaigns/{audience.id}/export/contacts.csv", f"/segments/{pro.id}/export/contacts.csv"):
        response = app.test_client().get(path, headers=auth_headers(secret))
        assert [r["email"] for r in rows_of(response)] == ["anna@example.com", "jürgen@example.de"]
    other = Workspace(name="Other team", test_send_allow_list=[])
    db.session.add(other)
    db.session.commit()
    member = make_member("owner", other, email="bea@other.example")
    _token, other_secret = create_token(member, other, role="owner")
    db.session.commit()
    for path in (f"/campaigns/{audience.id}/export/contacts.csv", f"/segments/{pro.id}/export/contacts.csv"):
        response = app.test_client().get(path, headers={**auth_headers(other_secret), "Accept": "application/json"})
        assert response.status_code == 404
        assert "anna" not in response.get_data(as_text=True)


def test_the_export_page_says_per_segment_who_goes_out_and_who_is_left_out_and_why(
        client: FlaskClient, audience: Campaign) -> None:
    html = client.get(f"/campaigns/{audience.id}/export").get_data(as_text=True)
    assert 'id="audience-counts"' in html
    pro, readers = segment_named("Pro customers"), segment_named("Readers")
    # pro: anna, jürgen go out; carla (no consent) and dieter (unsubscribed) left out
    pro_row = html.split(f'data-segment="{pro.id}"')[1].split("</tr>")[0]
    assert '<td class="goes-out">2</td>' in pro_row and '<td class="left-out">2</td>' in pro_row
    assert "1 unsubscribed" in pro_row and "1 no consent on record" in pro_row
    # readers: anna, jürgen are pro already; bernd (unconfirmed double opt-in), carla, dieter left out
    readers_row = html.split(f'data-segment="{readers.id}"')[1].split("</tr>")[0]
    assert '<td class="goes-out">0</td>' in readers_row and '<td class="left-out">3</td>' in readers_row
    assert "2 go out under an earlier segment." in readers_row


def test_the_export_page_counts_in_german(client: FlaskClient, audience: Campaign) -> None:
    html = client.get(f"/campaigns/{audience.id}/export", headers={"Accept-Language": "de"}).get_data(as_text=True)
    assert "keine Einwilligung belegt" in html
    assert "abgemeldet" in html


def test_the_write_function_reports_what_it_wrote(client: FlaskClient, audience: Campaign, workspace: Workspace) -> None:
    chunks: list[str] = []
    current.use_workspace(workspace, "owner")
    segment_ids = [s.id for s in audience.segments]
    tally = contacts_export.write_contacts_csv(chunks.append, workspace.id, segment_ids, campaign_id=audience.id)
    assert tally.rows == 2 and tally.by_segment == {segment_ids[0]: 2}
    assert "".join(chunks).splitlines()[1].startswith("anna@example.com,pro-customers,")


def test_the_demo_campaigns_csv_has_a_column_per_bundle_property(client: FlaskClient, people: None,
                                                                 workspace: Workspace) -> None:
    demo = create_demo()
    db.session.commit()
    first = demo.segments[0]
    assert client.put(f"/api/segments/{first.id}/rule", json={"rule": PRO}).status_code == 200
    response = client.get(f"/campaigns/{demo.id}/export/contacts.csv")
    rows = rows_of(response)
    from exports.mailjet.bundle import properties

    header = response.get_data().decode("utf-8").splitlines()[0].split(",")
    assert header == ["email", "segment", "journey_phase", *[p for p in properties(demo) if p != "segment"]]
    assert {r["segment"] for r in rows} == {contacts_export._slugs(demo.segments)[first.id]}
    assert [r["email"] for r in rows] == ["anna@example.com", "jürgen@example.de"]


# --- journey phases ---------------------------------------------------------------------------------------


def test_a_rule_places_its_contacts_in_a_phase_and_moves_who_stood_elsewhere(client: FlaskClient,
                                                                              audience: Campaign) -> None:
    first, second = audience.phases[0], audience.phases[1]
    url = f"/api/campaigns/{audience.id}/contact-phases"
    response = client.put(url, json={"phase_id": first.id, "rule": OPENED})
    assert response.status_code == 200 and response.get_json() == {"placed": 5}
    response = client.put(url, json={"phase_id": second.id, "rule": PRO})
    assert response.get_json() == {"placed": 4}
    placed = {email: phase for email, phase in db.session.execute(
        db.select(Contact.email, ContactPhase.phase_id).join(ContactPhase.contact))}
    assert placed == {"anna@example.com": second.id, "bernd@example.com": first.id, "carla@example.com": second.id,
                      "dieter@example.com": second.id, "jürgen@example.de": second.id}
    rows = rows_of(client.get(f"/campaigns/{audience.id}/export/contacts.csv"))
    assert {r["journey_phase"] for r in rows} == {second.name}


def test_a_bad_phase_or_rule_places_nobody(client: FlaskClient, audience: Campaign,
                                           create_campaign: Callable[..., Campaign]) -> None:
    url = f"/api/campaigns/{audience.id}/contact-phases"
    elsewhere = create_campaign(name="Other journey").phases[0].id
    response = client.put(url, json={"phase_id": elsewhere, "rule": PRO})
    assert response.status_code == 422 and "phase_id" in error_of(response)["fields"]
    response = client.put(url, json={"phase_id": audience.phases[0].id, "rule": {"all": [{"field": "nope"}]}})
    assert response.status_code == 422 and "rule" in error_of(response)["fields"]
    response = client.put(url, json={"phase_id": audience.phases[0].id})
    assert response.status_code == 422
    assert db.session.scalar(db.select(db.func.count()).select_from(ContactPhase)) == 0


def test_the_phase_page_places_by_a_segments_rule(client: FlaskClient, audience: Campaign,
                                                  post_form: Callable[..., Any]) -> None:
    url = f"/campaigns/{audience.id}/contact-phases"
    page = client.get(url).get_data(as_text=True)
    pro = segment_named("Pro customers")
    assert f'value="segment:{pro.id}"' in page and 'value="preset:clicks"' in page
    response = post_form(url, {"phase_id": audience.phases[2].id, "source": f"segment:{pro.id}", "rule": ""})
    assert response.status_code == 302
    page = client.get(url).get_data(as_text=True)
    assert "Placed 4 contacts in" in page
    assert f'data-phase="{audience.phases[2].id}">4<' in page
    response = post_form(url, {"phase_id": audience.phases[2].id, "source": "rule", "rule": "{not json"})
    assert response.status_code == 422


def test_an_imports_phase_column_places_contacts_by_the_phases_name(client: FlaskClient, audience: Campaign,
                                                                    workspace: Workspace) -> None:
    current.use_workspace(workspace, "owner")
    ids = dict(db.session.execute(db.select(Contact.email, Contact.id)).all())
    placed = phases.place_in_phases(audience.id, {ids["anna@example.com"]: audience.phases[1].name.upper(),
                                                  ids["bernd@example.com"]: "no such phase"})
    db.session.commit()
    assert placed == 1
    assert db.session.scalar(db.select(ContactPhase.phase_id)) == audience.phases[1].id


def test_deleting_a_phase_forgets_who_stood_in_it(client: FlaskClient, audience: Campaign) -> None:
    phase = audience.phases[-1]
    client.put(f"/api/campaigns/{audience.id}/contact-phases", json={"phase_id": phase.id, "rule": PRO})
    assert client.delete(f"/api/phases/{phase.id}").status_code == 204
    assert db.session.scalar(db.select(db.func.count()).select_from(ContactPhase)) == 0
