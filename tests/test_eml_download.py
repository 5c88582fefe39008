"""Download .eml: beside a cell's preview, the email as its segment receives it, as a file a mail program opens,
so it can be looked at (or handed on) without an SMTP server. The message is the one a test send builds."""

from __future__ import annotations

from collections.abc import Callable
from email import message_from_bytes, policy
from email.message import EmailMessage
from urllib.parse import urlsplit

import pytest

from api_support import error_of
from campaigns import services
from campaigns.models import Campaign, Touchpoint
from html_tree import parse
from journeymail.extensions import db
from segments.models import Segment

BODY = """<mjml>
  <mj-body>
    <mj-section>
      <mj-column>
        <mj-text>Hello {{ firstname | default("there") }}, your trial at {{ company }} is ready. Grüße!</mj-text>
        <mj-button href="https://example.com/start">Start your trial</mj-button>
        <mj-text><a href="{{ unsubscribe_url }}">Unsubscribe</a></mj-text>
      </mj-column>
    </mj-section>
  </mj-body>
</mjml>
"""


@pytest.fixture
def cell(create_campaign: Callable[..., Campaign], create_segment: Callable[..., Segment],
         create_touchpoint: Callable[..., Touchpoint]) -> tuple[Campaign, Touchpoint, Segment]:
    """A welcome email with a variant subject for "Busy founders" (sample data: Ada at Loom & Co)."""
    founders = create_segment(name="Busy founders", sample_data={"firstname": "Ada", "company": "Loom & Co"})
    campaign = create_campaign(sender_name="Maya from Plannery", sender_email="maya@example.com",
                               reply_to="team@example.com", sample_data={"company": "your team"})
    services.set_segments(campaign, {"segment_ids": [founders.id]})
    welcome = create_touchpoint(campaign, 1, name="Welcome aboard", subject="Welcome, {{ firstname }}",
                                preheader="Your workspace is ready: three steps to your first plan.", mjml=BODY)
    services.put_variant(welcome, founders, {"subject": "Welcome, {{ firstname }}: built for founders"})
    db.session.commit()
    return campaign, welcome, founders


def eml_link(client, campaign: Campaign, touchpoint: Touchpoint, segment: Segment) -> str:
    html = parse(client.get(f"/campaigns/{campaign.id}/preview?segment={segment.id}&phase={touchpoint.phase_id}")
                 .get_data(as_text=True))
    article = html.by_id(f"email-{touchpoint.id}")
    assert article is not None
    (link,) = [a for a in article.select("a") if a.text() == "Download .eml"]
    return link.get("href") or ""


def parts_of(message: EmailMessage) -> dict[str, str]:
    """Each part's text as the author's renderer wrote it: MIME text travels with CRLF line ends, and the email
    package ends a part with a line break; both are undone here, nothing else."""
    return {
        part.get_content_type(): part.get_content().replace("\r\n", "\n").removesuffix("\n")
        for part in message.iter_parts()
    }


def test_the_cell_preview_offers_the_email_as_an_eml_file(client, cell):
    campaign, welcome, founders = cell

    href = eml_link(client, campaign, welcome, founders)
    response = client.get(href)

    assert urlsplit(href).path == f"/campaigns/{campaign.id}/email.eml"
    assert response.status_code == 200
    assert response.mimetype == "message/rfc822"
    assert response.headers["Content-Disposition"] == 'attachment; filename="welcome-aboard-busy-founders.eml"'


def test_the_eml_is_a_message_with_the_preview_s_html_and_text(client, cell):
    campaign, welcome, founders = cell
    query = {"touchpoint": welcome.id, "segment": founders.id}

    message = message_from_bytes(client.get(eml_link(client, campaign, welcome, founders)).data,
                                 policy=policy.default)
    preview = client.get(f"/api/campaigns/{campaign.id}/preview", query_string=query).get_json()
    frame = client.get(f"/campaigns/{campaign.id}/frame", query_string=query).get_data(as_text=True)

    assert message.defects == []
    assert message["From"] == "Maya from Plannery <maya@example.com>"
    assert message["Reply-To"] == "team@example.com"
    assert message["Subject"] == "Welcome, Ada: built for founders"  # the segment's variant, no [Test]
    assert message["Date"] is not None and message["Message-ID"] is not None
    assert message["X-Journeymail-Test"] is None and message["To"] is None
    assert message.get_content_type() == "multipart/alternative"
    parts = parts_of(message)
    assert list(parts) == ["text/plain", "text/html"]
    assert parts["text/html"] == frame == preview["html"]  # exactly what the preview shows
    assert parts["text/plain"] == preview["text"].removesuffix("\n")
    assert "Grüße" in parts["text/plain"] and "Loom &amp; Co" in parts["text/html"]


def test_the_eml_and_a_test_send_are_the_same_message_but_for_the_test_marks(client, cell, smtp_server):
    campaign, welcome, founders = cell

    downloaded = message_from_bytes(client.get(eml_link(client, campaign, welcome, founders)).data,
                                    policy=policy.default)
    sent = client.post(f"/api/campaigns/{campaign.id}/test-send", json={
        "touchpoint_id": welcome.id, "segment_id": founders.id, "recipients": ["ada@example.com"]})
    (arrived,) = smtp_server.received

    assert sent.status_code == 200
    received = arrived.message
    assert received["Subject"] == "[Test] " + downloaded["Subject"]
    assert parts_of(received) == parts_of(downloaded)
    assert (received["From"], received["Reply-To"]) == (downloaded["From"], downloaded["Reply-To"])


def test_an_email_that_does_not_render_has_no_eml_and_says_why(client, cell):
    campaign, welcome, founders = cell
    services.update_touchpoint(welcome, {"mjml": "<mjml><mj-body><mj-section></mjml>"})
    services.delete_variant(welcome.variant_for(founders.id))
    db.session.commit()

    html = parse(client.get(f"/campaigns/{campaign.id}/preview?segment={founders.id}&phase={welcome.phase_id}")
                 .get_data(as_text=True))
    response = client.get(f"/campaigns/{campaign.id}/email.eml?touchpoint={welcome.id}&segment={founders.id}")

    assert not [a for a in html.select("a") if a.text() == "Download .eml"]
    assert response.status_code == 422
    assert "The email does not render, so there is no message to download" in parse(
        response.get_data(as_text=True)).text()


def test_a_form_has_no_eml(client, cell, create_touchpoint):
    campaign, _, founders = cell
    form = create_touchpoint(campaign, 1, kind="information_form", name="E-book")

    response = client.get(f"/campaigns/{campaign.id}/email.eml?touchpoint={form.id}&segment={founders.id}",
                          headers={"Accept": "application/json"})

    assert response.status_code == 422
    assert error_of(response)["message"] == "An information form sends no email."
