"""Preview as a real contact, in a real browser: on the cell preview, choose a contact of the segment and the
email in the frame greets them by name; the editor's live preview keeps them while the author types."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from campaigns import services
from contacts import rules
from contacts.models import Contact, ContactProperty, search_key
from journeymail.extensions import db

pytestmark = pytest.mark.browser
LIVE = 30_000  # the live preview renders on the server after a pause in the typing (as tests/browser/test_editor.py)

BODY = """<mjml><mj-body><mj-section><mj-column>
  <mj-text>Hello {{ firstname | default("there") }}, your plan is {{ plan | default("none") }}.</mj-text>
  <mj-text><a href="{{ unsubscribe_url }}">Unsubscribe</a></mj-text>
</mj-column></mj-section></mj-body></mjml>"""


@pytest.fixture
def world(workspace, create_campaign, create_segment, create_touchpoint) -> dict[str, Any]:
    pros = create_segment(name="Pros", sample_data={"firstname": "Ada"})
    campaign = create_campaign(sender_name="Maya from Plannery")
    services.set_segments(campaign, {"segment_ids": [pros.id]})
    db.session.commit()
    email = create_touchpoint(campaign, 0, kind="welcome", name="Welcome", subject="Hi", mjml=BODY)
    for address, name, plan in (("anna@example.com", "Anna Adler", "pro"), ("bernd@example.com", "Bernd", "free")):
        contact = Contact(workspace_id=workspace.id, email=address, email_key=search_key(address), name=name,
                          name_key=search_key(name))
        contact.properties.append(ContactProperty(name="plan", type="string", string_value=plan))
        db.session.add(contact)
    db.session.flush()
    rules.set_rule(pros, {"all": [{"field": "property:plan", "op": "eq", "value": "pro"}]})
    db.session.commit()
    return {"campaign_id": campaign.id, "segment_id": pros.id, "phase_id": email.phase_id, "email_id": email.id}


def test_choosing_a_contact_shows_the_email_as_they_receive_it(live_server: str, page: Page,
                                                               world: dict[str, Any]) -> None:
    page.goto(f"{live_server}/campaigns/{world['campaign_id']}/preview?segment={world['segment_id']}"
              f"&phase={world['phase_id']}")
    frame = page.frame_locator(".device.desktop iframe").first
    expect(frame.get_by_text("Hello Ada, your plan is none.")).to_be_visible()

    choice = page.get_by_role("combobox", name="Preview as")
    expect(choice.locator("option")).to_have_text(["The sample data", "Anna Adler · anna@example.com"])
    choice.select_option(label="Anna Adler · anna@example.com")
    page.get_by_role("button", name="Preview", exact=True).click()

    expect(page.get_by_role("combobox", name="Preview as")).to_have_value(str(db.session.scalar(
        db.select(Contact.id).filter_by(email="anna@example.com"))))
    expect(page.frame_locator(".device.desktop iframe").first.get_by_text("Hello Anna, your plan is pro.")) \
        .to_be_visible()


def test_the_editor_keeps_the_contact_while_the_author_types(live_server: str, page: Page,
                                                             world: dict[str, Any]) -> None:
    page.set_viewport_size({"width": 1440, "height": 1000})
    page.goto(f"{live_server}/touchpoints/{world['email_id']}/email?segment={world['segment_id']}")
    page.get_by_role("combobox", name="Preview as").select_option(label="Anna Adler · anna@example.com")
    page.get_by_role("button", name="Preview", exact=True).click()
    preview = page.frame_locator("[data-preview-frame]")
    expect(preview.get_by_text("Hello Anna, your plan is pro.")).to_be_visible()
