"""Preview as a real contact: the cell preview, the editor and the preview API fill the merge tags from a contact
of the segment (its name, address and properties over the defaults), and refuse a contact the segment does not
hold, or another workspace's."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from flask.testing import FlaskClient

from api_support import error_of
from campaigns import services as campaign_services
from campaigns.models import Campaign, Touchpoint
from contacts import rules
from contacts.models import Contact
from contacts_support import api_import, csv_text
from journeymail.extensions import db
from segments.models import Segment

GERMAN = {"Accept-Language": "de"}
BODY = ('<mjml><mj-body><mj-section><mj-column><mj-text>Hello {{ firstname | default("there") }} '
        '{{ lastname | default("") }}, your plan is {{ plan | default("none") }} ({{ email }}).</mj-text>'
        '</mj-column></mj-section></mj-body></mjml>')


@dataclass
class Cell:
    campaign: Campaign
    segment: Segment
    email: Touchpoint
    anna: Contact
    bernd: Contact  # in the workspace, not in the segment


def contact(address: str) -> Contact:
    found = db.session.scalar(db.select(Contact).filter_by(email=address))
    assert found is not None
    return found


@pytest.fixture
def cell(client: FlaskClient, create_campaign: Callable[..., Campaign], create_segment: Callable[..., Segment],
         create_touchpoint: Callable[..., Touchpoint]) -> Cell:
    rows = [["email", "name", "plan"], ["anna@example.com", "Anna Adler", "pro"],
            ["bernd@example.com", "Bernd Bauer", "free"], ["eve@example.com", "<b>Eve</b> & Co", "pro"]]
    response = api_import(client, csv_text(rows).encode(), policy="skip")
    assert response.status_code == 201, response.get_json()
    campaign = create_campaign(sample_data={"firstname": "Sam", "plan": "trial"})
    pros = create_segment(name="Pros", sample_data={"firstname": "Ada"})
    campaign_services.set_segments(campaign, {"segment_ids": [pros.id]})
    email = create_touchpoint(campaign, name="Welcome", subject="Hi {{ firstname }}", mjml=BODY)
    rules.set_rule(pros, {"all": [{"field": "property:plan", "op": "eq", "value": "pro"}]})
    db.session.commit()
    return Cell(campaign, pros, email, contact("anna@example.com"), contact("bernd@example.com"))


def api_preview(client: FlaskClient, cell: Cell, **args: object) -> object:
    query = "&".join(f"{k}={v}" for k, v in {"touchpoint": cell.email.id, "segment": cell.segment.id, **args}.items())
    return client.get(f"/api/campaigns/{cell.campaign.id}/preview?{query}")


def test_the_api_fills_the_merge_tags_from_the_contact(client: FlaskClient, cell: Cell) -> None:
    sample = api_preview(client, cell).get_json()
    assert "Hello Ada" in sample["html"] and "trial" in sample["html"] and sample["contact_id"] is None

    anna = api_preview(client, cell, contact=cell.anna.id).get_json()
    assert anna["contact_id"] == cell.anna.id
    assert "Hello Anna Adler, your plan is pro (anna@example.com)" in anna["text"]
    assert anna["subject"] == "Hi Anna"


def test_a_contact_the_segment_does_not_hold_is_refused(client: FlaskClient, cell: Cell) -> None:
    response = api_preview(client, cell, contact=cell.bernd.id)
    assert response.status_code == 422
    assert 'bernd@example.com is not in the segment "Pros"' in error_of(response)["fields"]["contact"]

    missing = api_preview(client, cell, contact=999_999)
    assert missing.status_code == 404 and "no contact with ID 999999" in error_of(missing)["message"]

    bad = api_preview(client, cell, contact="anna")
    assert bad.status_code == 422 and "contact" in error_of(bad)["fields"]

    no_segment = client.get(f"/api/campaigns/{cell.campaign.id}/preview?touchpoint={cell.email.id}"
                            f"&contact={cell.anna.id}")
    assert no_segment.status_code == 422
    assert "Choose a segment" in error_of(no_segment)["fields"]["contact"]


def test_the_live_preview_takes_a_contact_id(client: FlaskClient, cell: Cell) -> None:
    source = {"mjml": BODY, "subject": "Hi {{ firstname }}", "campaign_id": cell.campaign.id,
              "segment_id": cell.segment.id}
    assert client.post("/api/preview", json=source).get_json()["subject"] == "Hi Ada"
    anna = client.post("/api/preview", json={**source, "contact_id": cell.anna.id})
    assert anna.status_code == 200 and anna.get_json()["subject"] == "Hi Anna"
    assert client.post("/api/preview", json={**source, "contact_id": None}).get_json()["subject"] == "Hi Ada"

    outside = client.post("/api/preview", json={**source, "contact_id": cell.bernd.id})
    assert outside.status_code == 422 and "contact_id" in error_of(outside)["fields"]
    without_segment = client.post("/api/preview", json={**source, "segment_id": None, "contact_id": cell.anna.id})
    assert without_segment.status_code == 422


def test_a_contacts_values_are_escaped_as_any(client: FlaskClient, cell: Cell) -> None:
    eve = api_preview(client, cell, contact=contact("eve@example.com").id).get_json()
    assert "<b>Eve</b>" not in eve["html"]
    assert "&lt;b&gt;Eve&lt;/b&gt;" in eve["html"]


def cell_page(client: FlaskClient, cell: Cell, headers: dict[str, str] | None = None, **args: object) -> str:
    query = "&".join(f"{k}={v}" for k, v in {"segment": cell.segment.id, "phase": cell.email.phase_id,
                                               **args}.items())
    response = client.get(f"/campaigns/{cell.campaign.id}/preview?{query}", headers=headers or {})
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def test_the_cell_preview_offers_the_segments_contacts(client: FlaskClient, cell: Cell) -> None:
    page = cell_page(client, cell)
    assert 'id="preview-as"' in page and "The sample data" in page
    assert "Anna Adler · anna@example.com" in page and "eve@example.com" in page
    assert "bernd@example.com" not in page  # not in the segment
    assert "&lt;b&gt;Eve&lt;/b&gt;" in page and "<b>Eve</b>" not in page

    chosen = cell_page(client, cell, contact=cell.anna.id)
    assert f'<option value="{cell.anna.id}" selected>' in chosen
    assert f"contact={cell.anna.id}" in chosen  # the frames show the email as Anna receives it
    assert "Merge tags are filled from anna@example.com" in chosen
    frame = client.get(f"/campaigns/{cell.campaign.id}/frame?touchpoint={cell.email.id}&segment={cell.segment.id}"
                       f"&contact={cell.anna.id}")
    assert frame.status_code == 200 and "Hello Anna Adler" in frame.get_data(as_text=True)


def test_the_cell_preview_searches_the_segment_by_address(client: FlaskClient, cell: Cell) -> None:
    page = cell_page(client, cell, q="eve")
    assert "eve@example.com" in page and "anna@example.com" not in page
    nobody = cell_page(client, cell, q="bernd")  # in the workspace, not in the segment
    assert "bernd@example.com" not in nobody
    assert "No contact of Pros has an address containing bernd." in nobody


def test_the_cell_preview_refuses_a_contact_of_no_segment_of_its_own(client: FlaskClient, cell: Cell) -> None:
    response = client.get(f"/campaigns/{cell.campaign.id}/preview?segment={cell.segment.id}"
                          f"&phase={cell.email.phase_id}&contact={cell.bernd.id}")
    assert response.status_code == 422
    assert "bernd@example.com is not in the segment" in response.get_data(as_text=True)


def test_a_segment_without_a_rule_says_it_holds_no_contacts(client: FlaskClient, cell: Cell) -> None:
    rules.clear_rule(cell.segment)
    db.session.commit()
    page = cell_page(client, cell)
    assert "Pros has no rule yet, so it holds no contacts to preview as." in page


def test_the_editor_previews_as_the_contact(client: FlaskClient, cell: Cell) -> None:
    url = f"/touchpoints/{cell.email.id}/email?segment={cell.segment.id}"
    page = client.get(url).get_data(as_text=True)
    assert 'id="preview-as"' in page and "anna@example.com" in page and 'data-contact-id=""' in page

    chosen = client.get(f"{url}&contact={cell.anna.id}").get_data(as_text=True)
    assert f'data-contact-id="{cell.anna.id}"' in chosen
    assert "Hello Anna Adler" in chosen  # the first preview, rendered by the server
    base = client.get(f"/touchpoints/{cell.email.id}/email").get_data(as_text=True)
    assert 'id="preview-as"' not in base  # the base email has no segment to take a contact from




def test_the_pages_in_english_name_the_choice(client: FlaskClient, cell: Cell) -> None:
    page = cell_page(client, cell)
    assert "Preview as" in page and "Search by address" in page


def test_the_pages_in_german(client: FlaskClient, cell: Cell) -> None:
    page = cell_page(client, cell, GERMAN, contact=cell.anna.id)
    assert "Vorschau als" in page and "Die Beispieldaten" in page and "Nach Adresse suchen" in page
    editor = client.get(f"/touchpoints/{cell.email.id}/email?segment={cell.segment.id}", headers=GERMAN)
    assert "Vorschau als" in editor.get_data(as_text=True)
    refused = client.get(f"/api/campaigns/{cell.campaign.id}/preview?touchpoint={cell.email.id}"
                         f"&segment={cell.segment.id}&contact={cell.bernd.id}", headers=GERMAN)
    assert "ist nicht im Segment" in error_of(refused)["fields"]["contact"]
