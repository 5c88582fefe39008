"""One engine for every email: the preview, the test send and the Mailjet bundle carry the same HTML and
text part for an email, and differ only in how its merge tags are written (values, or Mailjet's tags)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from flask.testing import FlaskClient

import emails.render
from campaigns import services as campaign_services
from campaigns.models import Campaign, Touchpoint
from emails import PREVIEW_UNSUBSCRIBE_URL
from journeymail.extensions import db
from segments.models import Segment
from smtp_server import LoopbackSMTPServer

BODY = """<mjml>
  <mj-head>
    <mj-title>Welcome</mj-title>
  </mj-head>
  <mj-body>
    <mj-section>
      <mj-column>
        <mj-text>Hello {{ firstname | default("there") }}, your trial is ready.</mj-text>
        <mj-button href="https://acme.example.com/start?name={{ firstname | default("there") }}">Start your trial</mj-button>
        <mj-text><a href="{{ unsubscribe_url }}">Unsubscribe</a></mj-text>
      </mj-column>
    </mj-section>
  </mj-body>
</mjml>
"""
BROKEN = "<mjml><mj-body><mj-section><mj-column><mj-text>Hi</mj-text></mj-column></mj-section></mj-body>"
FIRSTNAME = "Adalind"  # the segment's sample value: it appears nowhere else in the email

# What a merge tag becomes, written each way; each maps to one neutral token so the rest can be compared.
FILLED = {FIRSTNAME: "<firstname>", PREVIEW_UNSUBSCRIBE_URL: "<unsubscribe>"}
MAILJET = {
    '[[data:firstname:"there"]]': "<firstname>",  # in text, and in an attribute as an HTML parser reads it
    "[[data:firstname:&quot;there&quot;]]": "<firstname>",  # in an attribute, as written
    "[[UNSUB_LINK_EN]]": "<unsubscribe>",
}


def neutral(text: str, written: dict[str, str]) -> str:
    """`text` with each way a merge tag was written replaced by its token, and CRLF line ends as LF."""
    for tag, token in written.items():
        text = text.replace(tag, token)
    return text.replace("\r\n", "\n")


@dataclass
class Email:
    campaign: Campaign
    segment: Segment
    welcome: Touchpoint

    def preview(self, client: FlaskClient) -> dict[str, Any]:
        response = client.get(f"/api/campaigns/{self.campaign.id}/preview",
                              query_string={"touchpoint": self.welcome.id, "segment": self.segment.id})
        assert response.status_code == 200, response.get_data(as_text=True)[:300]
        return response.get_json()

    def bundle(self, client: FlaskClient, **options: Any) -> Any:
        return client.get(f"/campaigns/{self.campaign.id}/export/mailjet.json", **options)

    def mailjet_content(self, client: FlaskClient) -> dict[str, Any]:
        """The detailcontent of the email's Mailjet template for the segment."""
        response = self.bundle(client)
        assert response.status_code == 200, response.get_data(as_text=True)[:300]
        path = "template/{{ref:template.welcome.busy-founders}}/detailcontent"
        (request,) = [r for r in response.get_json()["requests"] if r["path"] == path]
        return request["body"]


@pytest.fixture
def email(
    create_campaign: Callable[..., Campaign],
    create_segment: Callable[..., Segment],
    create_touchpoint: Callable[..., Touchpoint],
) -> Email:
    campaign = create_campaign(sender_name="Maya", sender_email="maya@acme.example.com")
    segment = create_segment(name="Busy founders", sample_data={"firstname": FIRSTNAME})
    campaign_services.set_segments(campaign, {"segment_ids": [segment.id]})
    welcome = create_touchpoint(
        campaign, name="Welcome", subject='Welcome, {{ firstname | default("there") }}',
        preheader='Three things to try in your first week, {{ firstname | default("there") }}', mjml=BODY,
    )
    db.session.commit()
    return Email(campaign, segment, welcome)


def test_an_email_is_the_same_in_the_preview_the_test_send_and_the_mailjet_bundle(
    client: FlaskClient, smtp_server: LoopbackSMTPServer, email: Email
) -> None:
    preview = email.preview(client)
    sent = client.post(f"/api/campaigns/{email.campaign.id}/test-send", json={
        "touchpoint_id": email.welcome.id, "segment_id": email.segment.id, "recipients": ["ada@example.com"],
    })
    mailjet = email.mailjet_content(client)

    assert sent.status_code == 200, sent.get_data(as_text=True)
    text_part, html_part = smtp_server.received[0].message.iter_parts()
    html = neutral(preview["html"], FILLED)
    assert FIRSTNAME in preview["html"] and "<firstname>" in html and "<unsubscribe>" in html
    assert neutral(html_part.get_content(), FILLED) == html + "\n"  # MIME ends a text part with a line break
    assert neutral(mailjet["Html-part"], MAILJET) == html
    text = neutral(preview["text"], FILLED)
    assert "Start your trial (https://acme.example.com/start?name=<firstname>)" in text
    assert neutral(text_part.get_content(), FILLED) == text
    assert neutral(mailjet["Text-part"], MAILJET) == text
    subject = neutral(preview["subject"], FILLED)
    assert subject == "Welcome, <firstname>"
    assert neutral(mailjet["Headers"]["Subject"], MAILJET) == subject


def test_every_html_part_of_the_bundle_is_compiled_by_the_engine(
    client: FlaskClient, email: Email, monkeypatch: pytest.MonkeyPatch
) -> None:
    compiled: list[tuple[str, str]] = []
    compile_mjml = emails.render.compile_mjml

    def recording(source: str) -> str:
        html = compile_mjml(source)
        compiled.append((source, html))
        return html

    monkeypatch.setattr(emails.render, "compile_mjml", recording)

    mailjet = email.mailjet_content(client)

    assert compiled == [(mailjet["MJMLContent"], mailjet["Html-part"])]
    assert "<mj-preview>Three things to try in your first week, " in mailjet["MJMLContent"]


def test_an_email_that_does_not_compile_is_refused_with_the_message_its_preview_shows(
    client: FlaskClient, email: Email
) -> None:
    campaign_services.update_touchpoint(email.welcome, {"mjml": BROKEN})
    db.session.commit()

    checks = email.preview(client)["checks"]
    response = email.bundle(client, headers={"Accept": "application/json"})

    (compile_error,) = [c for c in checks if c["code"] == "mjml-compile"]
    assert response.status_code == 422
    refusal = response.get_json()["error"]["fields"][f"touchpoints.{email.welcome.id}.segments.{email.segment.id}"]
    assert refusal == f'"Welcome" for Busy founders: {compile_error["message"]}'
    assert "MJML" in refusal
