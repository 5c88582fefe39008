"""Test sends: a cell's email goes out over SMTP to a few addresses, and arrives as the segment gets it.

Every send here reaches a real SMTP server (aiosmtpd) on 127.0.0.1; the tests read what arrived.
"""

from __future__ import annotations

import smtplib
import socket
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from flask import Flask, render_template_string
from flask.testing import FlaskClient

from accounts.models import Workspace
from api_support import error_of
from campaigns import services as campaign_services
from campaigns.models import Campaign, Touchpoint
from html_tree import parse
from journeymail.extensions import db
from segments.models import Segment
from smtp_server import LoopbackSMTPServer

BODY = """<mjml>
  <mj-body>
    <mj-section>
      <mj-column>
        <mj-text>Hello {{ firstname | default("there") }}, your trial is ready.</mj-text>
        <mj-button href="https://example.com/start">Start your trial</mj-button>
        <mj-text><a href="{{ unsubscribe_url }}">Unsubscribe</a></mj-text>
      </mj-column>
    </mj-section>
  </mj-body>
</mjml>
"""


@dataclass
class Cell:
    campaign: Campaign
    touchpoint: Touchpoint
    segment: Segment

    @property
    def url(self) -> str:
        return f"/api/campaigns/{self.campaign.id}/test-send"

    def request(self, recipients: Any, **extra: Any) -> dict[str, Any]:
        return {"touchpoint_id": self.touchpoint.id, "segment_id": self.segment.id, "recipients": recipients, **extra}


# --- fixtures (the SMTP server on loopback: smtp_server and start_smtp_server in conftest.py) -------


@pytest.fixture
def cell(create_campaign: Callable[..., Campaign], create_segment: Callable[..., Segment],
         create_touchpoint: Callable[..., Touchpoint]) -> Cell:
    """A welcome email with a variant subject for "Busy founders" (sample data: Ada)."""
    campaign = create_campaign(sender_name="Maya from Acme", sender_email="maya@acme.example.com",
                               reply_to="help@acme.example.com")
    segment = create_segment(name="Busy founders", sample_data={"firstname": "Ada"})
    campaign_services.set_segments(campaign, {"segment_ids": [segment.id]})
    touchpoint = create_touchpoint(
        campaign, subject='Welcome, {{ firstname | default("friend") }}',
        preheader="Everything you need for the first week", mjml=BODY,
    )
    campaign_services.put_variant(touchpoint, segment, {"subject": "{{ firstname }}, your trial starts today"})
    db.session.commit()
    return Cell(campaign, touchpoint, segment)


@pytest.fixture(autouse=True)
def _recipients_allowed(workspace: Workspace) -> None:
    """The addresses these tests send to are on the workspace's allow-list (tests/test_allow_list.py tests it)."""
    workspace.test_send_allow_list = [
        "ada@example.com", "grace@example.org", "linus@example.net", "gone@example.com",
        "a@example.com", "b@example.com", "c@example.com", INTERNATIONAL,
    ]
    db.session.commit()


def part_types(message: Any) -> list[str]:
    return [part.get_content_type() for part in message.iter_parts()]


# --- what arrives --------------------------------------------------------------------------


def test_the_test_email_arrives_as_the_segment_receives_it(
    client: FlaskClient, smtp_server: LoopbackSMTPServer, cell: Cell
) -> None:
    response = client.post(cell.url, json=cell.request(["ada@example.com"]))

    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.get_json() == {"sent_to": ["ada@example.com"], "subject": "[Test] Ada, your trial starts today"}
    [arrived] = smtp_server.received
    message = arrived.message
    assert arrived.mail_from == "maya@acme.example.com"
    assert arrived.rcpt_tos == ["ada@example.com"]
    assert message.get_content_type() == "multipart/alternative"
    assert part_types(message) == ["text/plain", "text/html"]
    assert message["Subject"] == "[Test] Ada, your trial starts today"
    assert message["From"].addresses[0].display_name == "Maya from Acme"
    assert message["From"].addresses[0].addr_spec == "maya@acme.example.com"
    assert message["Reply-To"] == "help@acme.example.com"
    assert message["To"] == "ada@example.com"
    assert message["X-Journeymail-Test"] == "1"
    assert message["Message-ID"].endswith("@acme.example.com>")
    assert message["Date"].datetime is not None


def test_the_html_part_is_the_rendered_body_and_the_text_part_spells_links_out(
    client: FlaskClient, smtp_server: LoopbackSMTPServer, cell: Cell
) -> None:
    client.post(cell.url, json=cell.request(["ada@example.com"]))

    text, html = smtp_server.received[0].message.iter_parts()
    assert text.get_content_charset() == "utf-8" and html.get_content_charset() == "utf-8"
    assert "Hello Ada, your trial is ready." in html.get_content()
    assert 'href="https://example.com/start"' in html.get_content()
    assert "Hello Ada, your trial is ready." in text.get_content()
    assert "Start your trial (https://example.com/start)" in text.get_content()
    assert "<" not in text.get_content()


def test_without_a_segment_the_base_email_is_sent_with_merge_tag_defaults(
    client: FlaskClient, smtp_server: LoopbackSMTPServer, cell: Cell
) -> None:
    response = client.post(cell.url, json=cell.request(["ada@example.com"], segment_id=None))

    assert response.get_json()["subject"] == "[Test] Welcome, friend"
    assert smtp_server.received[0].message["Subject"] == "[Test] Welcome, friend"
    assert "Hello there, your trial is ready." in smtp_server.received[0].message.get_body(("html",)).get_content()


def test_each_recipient_gets_a_message_of_their_own(
    client: FlaskClient, smtp_server: LoopbackSMTPServer, cell: Cell
) -> None:
    recipients = ["ada@example.com", "grace@example.org", "linus@example.net"]

    response = client.post(cell.url, json=cell.request(recipients))

    assert response.get_json()["sent_to"] == recipients
    assert [r.rcpt_tos for r in smtp_server.received] == [[a] for a in recipients]
    assert [r.message["To"] for r in smtp_server.received] == recipients


def test_recipients_may_be_text_separated_by_commas_semicolons_or_lines(
    client: FlaskClient, smtp_server: LoopbackSMTPServer, cell: Cell
) -> None:
    response = client.post(cell.url, json=cell.request("ada@example.com, grace@example.org;\nlinus@example.net\n"))

    assert response.get_json()["sent_to"] == ["ada@example.com", "grace@example.org", "linus@example.net"]
    assert len(smtp_server.received) == 3


def test_a_repeated_address_gets_one_message(client: FlaskClient, smtp_server: LoopbackSMTPServer, cell: Cell) -> None:
    response = client.post(cell.url, json=cell.request(["ada@example.com", "ada@example.com"]))

    assert response.get_json()["sent_to"] == ["ada@example.com"]
    assert len(smtp_server.received) == 1


def test_a_sender_name_with_accents_and_a_comma_arrives_intact(
    client: FlaskClient, smtp_server: LoopbackSMTPServer, cell: Cell
) -> None:
    cell.campaign.sender_name = "Zoë Çelik, Acme"
    db.session.commit()

    client.post(cell.url, json=cell.request(["ada@example.com"]))

    sender = smtp_server.received[0].message["From"].addresses[0]
    assert (sender.display_name, sender.addr_spec) == ("Zoë Çelik, Acme", "maya@acme.example.com")


def test_a_merge_value_with_a_line_break_cannot_add_a_header(
    client: FlaskClient, smtp_server: LoopbackSMTPServer, cell: Cell
) -> None:
    cell.segment.sample_data = {"firstname": "Ada\r\nBcc: mallory@example.com"}
    db.session.commit()

    client.post(cell.url, json=cell.request(["ada@example.com"]))

    [arrived] = smtp_server.received
    assert arrived.rcpt_tos == ["ada@example.com"]
    assert arrived.message["Bcc"] is None
    assert arrived.message["Subject"] == "[Test] Ada Bcc: mallory@example.com, your trial starts today"


# --- refused requests: nothing is sent -----------------------------------------------------


def test_invalid_addresses_are_refused_by_name_and_nothing_is_sent(
    client: FlaskClient, smtp_server: LoopbackSMTPServer, cell: Cell
) -> None:
    response = client.post(cell.url, json=cell.request(["ada@example.com", "foo@", "a@b..com"]))

    assert response.status_code == 422
    problem = error_of(response)["fields"]["recipients"]
    assert problem.startswith("Not valid email addresses: foo@ (")
    assert "; a@b..com (" in problem
    assert "ada@example.com" not in problem
    assert smtp_server.received == []


@pytest.mark.parametrize("recipients", [[], "", " , \n", None])
def test_a_test_send_needs_an_address(
    client: FlaskClient, smtp_server: LoopbackSMTPServer, cell: Cell, recipients: Any
) -> None:
    response = client.post(cell.url, json=cell.request(recipients))

    assert response.status_code == 422
    assert error_of(response)["fields"] == {"recipients": "Enter at least one email address."}


@pytest.mark.parametrize("recipients", [42, ["ada@example.com", 7], {"to": "ada@example.com"}])
def test_recipients_must_be_a_list_of_addresses_or_text(
    client: FlaskClient, smtp_server: LoopbackSMTPServer, cell: Cell, recipients: Any
) -> None:
    response = client.post(cell.url, json=cell.request(recipients))

    assert response.status_code == 422
    assert "as a list" in error_of(response)["fields"]["recipients"]
    assert smtp_server.received == []


def test_more_recipients_than_the_limit_are_refused(
    client: FlaskClient, smtp_server: LoopbackSMTPServer, cell: Cell
) -> None:
    recipients = [f"reader{n}@example.com" for n in range(11)]

    response = client.post(cell.url, json=cell.request(recipients))

    assert response.status_code == 422
    assert error_of(response)["fields"] == {"recipients": "At most 10 addresses per test send (this has 11)."}
    assert smtp_server.received == []


def test_the_recipient_limit_is_a_setting(
    client: FlaskClient, configure_smtp: Callable[..., None], smtp_server: LoopbackSMTPServer, cell: Cell
) -> None:
    configure_smtp(TEST_SEND_MAX_RECIPIENTS=2)

    response = client.post(cell.url, json=cell.request("a@example.com, b@example.com, c@example.com"))

    assert error_of(response)["fields"]["recipients"] == "At most 2 addresses per test send (this has 3)."


def test_a_capture_touchpoint_sends_no_email(
    client: FlaskClient, smtp_server: LoopbackSMTPServer, cell: Cell, create_touchpoint: Callable[..., Touchpoint]
) -> None:
    form = create_touchpoint(cell.campaign, kind="signup_form", name="Newsletter signup")

    response = client.post(cell.url, json=cell.request(["ada@example.com"], touchpoint_id=form.id))

    assert response.status_code == 422
    assert "sends no email" in error_of(response)["fields"]["touchpoint_id"]
    assert smtp_server.received == []


def test_an_email_that_does_not_render_is_not_sent_and_the_reason_is_given(
    client: FlaskClient, smtp_server: LoopbackSMTPServer, cell: Cell
) -> None:
    cell.touchpoint.mjml = '<mjml><mj-body><mj-include path="header.mjml" /></mj-body></mjml>'
    db.session.commit()

    response = client.post(cell.url, json=cell.request(["ada@example.com"]))

    assert response.status_code == 422
    assert error_of(response)["fields"]["touchpoint_id"] == (
        "The email does not render, so it cannot be sent: mj-include is disabled: paste the content into the "
        "email instead."
    )
    assert smtp_server.received == []


def test_the_touchpoint_and_segment_are_checked_against_the_campaign(
    client: FlaskClient, smtp_server: LoopbackSMTPServer, cell: Cell,
    create_campaign: Callable[..., Campaign], create_touchpoint: Callable[..., Touchpoint],
    create_segment: Callable[..., Segment],
) -> None:
    elsewhere = create_touchpoint(create_campaign(name="Another campaign"))
    untargeted = create_segment(name="Students")

    other_touchpoint = client.post(cell.url, json=cell.request(["ada@example.com"], touchpoint_id=elsewhere.id))
    other_segment = client.post(cell.url, json=cell.request(["ada@example.com"], segment_id=untargeted.id))

    assert other_touchpoint.status_code == 404
    assert other_segment.status_code == 422
    assert error_of(other_segment)["fields"] == {"segment_id": 'The campaign does not target the segment "Students".'}
    assert smtp_server.received == []


def test_every_bad_field_is_named_at_once(client: FlaskClient, smtp_server: LoopbackSMTPServer, cell: Cell) -> None:
    response = client.post(cell.url, json={"touchpoint_id": "x", "recipients": "foo@", "cc": "b@example.com"})

    assert response.status_code == 422
    assert set(error_of(response)["fields"]) == {"touchpoint_id", "recipients", "cc"}


def test_the_api_takes_json_only(client: FlaskClient, smtp_server: LoopbackSMTPServer, cell: Cell) -> None:
    response = client.post(cell.url, data={"touchpoint_id": cell.touchpoint.id, "recipients": "ada@example.com"})

    assert response.status_code == 415
    assert smtp_server.received == []


def test_an_unknown_campaign_is_a_404(client: FlaskClient, smtp_server: LoopbackSMTPServer, cell: Cell) -> None:
    response = client.post("/api/campaigns/99999999/test-send", json=cell.request(["ada@example.com"]))

    assert response.status_code == 404
    assert error_of(response)


# --- SMTP not configured, or failing: a clear message, never a 500 ------------------------


def test_without_smtp_settings_the_message_says_which_variables_to_set(client: FlaskClient, cell: Cell) -> None:
    response = client.post(cell.url, json=cell.request(["ada@example.com"]))

    assert response.status_code == 409
    message = error_of(response)["message"]
    assert message.startswith("Test sends are off because no SMTP server is configured.")
    for variable in ("SMTP_HOST", "SMTP_PORT", "SMTP_USER", "SMTP_PASSWORD", "SMTP_TLS"):
        assert variable in message


def test_a_recipient_the_server_refuses_is_named_with_its_reply_and_the_others_still_get_it(
    client: FlaskClient, start_smtp_server: Callable[..., LoopbackSMTPServer], cell: Cell
) -> None:
    server = start_smtp_server(refuse={"gone@example.com": "550 5.1.1 No such user here"})

    response = client.post(cell.url, json=cell.request(["gone@example.com", "ada@example.com"]))

    assert response.status_code == 422
    assert error_of(response)["fields"]["recipients"] == (
        "The SMTP server refused gone@example.com (550 5.1.1 No such user here). The test went to ada@example.com."
    )
    assert [r.rcpt_tos for r in server.received] == [["ada@example.com"]]


def test_a_closed_port_is_a_clear_message(
    client: FlaskClient, configure_smtp: Callable[..., None], cell: Cell
) -> None:
    with socket.socket() as closed:  # bound, never listening: the system refuses connections to it
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
        configure_smtp(SMTP_HOST="127.0.0.1", SMTP_PORT=port, SMTP_TLS="none")

        response = client.post(cell.url, json=cell.request(["ada@example.com"]))

    assert response.status_code == 409
    assert error_of(response)["message"] == (
        f"Could not connect to the SMTP server 127.0.0.1:{port}: the connection was refused. "
        "Check SMTP_HOST and SMTP_PORT."
    )


def test_smtp_failures_are_told_in_the_language_of_the_request(
    client: FlaskClient, start_smtp_server: Callable[..., LoopbackSMTPServer], configure_smtp: Callable[..., None],
    cell: Cell,
) -> None:
    german = {"Accept-Language": "de"}
    off = client.post(cell.url, json=cell.request(["ada@example.com"]), headers=german)
    assert error_of(off)["message"].startswith("Der Testversand ist ausgeschaltet, weil kein SMTP-Server eingerichtet")

    start_smtp_server(refuse={"gone@example.com": "550 5.1.1 No such user here"})
    refused = client.post(cell.url, json=cell.request(["gone@example.com", "ada@example.com"]), headers=german)
    assert error_of(refused)["fields"]["recipients"] == (
        "Der SMTP-Server hat abgelehnt: gone@example.com (550 5.1.1 No such user here). "
        "Die Test-E-Mail ging an ada@example.com."
    )

    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
        configure_smtp(SMTP_HOST="127.0.0.1", SMTP_PORT=port, SMTP_TLS="none")
        response = client.post(cell.url, json=cell.request(["ada@example.com"]), headers=german)
    assert error_of(response)["message"] == (
        f"Keine Verbindung zum SMTP-Server 127.0.0.1:{port}: Die Verbindung wurde abgelehnt. "
        "Prüfen Sie SMTP_HOST und SMTP_PORT."
    )


def test_a_server_that_never_answers_times_out_with_a_clear_message(
    client: FlaskClient, configure_smtp: Callable[..., None], cell: Cell
) -> None:
    with socket.socket() as silent:  # the system accepts the connection; nobody ever says hello
        silent.bind(("127.0.0.1", 0))
        silent.listen(1)
        port = silent.getsockname()[1]
        configure_smtp(SMTP_HOST="127.0.0.1", SMTP_PORT=port, SMTP_TLS="none", SMTP_TIMEOUT=0.2)

        response = client.post(cell.url, json=cell.request(["ada@example.com"]))

    assert response.status_code == 409
    assert error_of(response)["message"] == (
        f"The SMTP server 127.0.0.1:{port} did not answer within 0.2 seconds. "
        "Check SMTP_HOST, SMTP_PORT and SMTP_TLS, or raise SMTP_TIMEOUT."
    )


def test_starttls_asked_of_a_server_that_does_not_offer_it_is_refused_before_anything_is_sent(
    client: FlaskClient, start_smtp_server: Callable[..., LoopbackSMTPServer], cell: Cell
) -> None:
    server = start_smtp_server(tls="starttls")  # aiosmtpd without a TLS context offers no STARTTLS

    response = client.post(cell.url, json=cell.request(["ada@example.com"]))

    assert response.status_code == 409
    message = error_of(response)["message"]
    assert message.startswith(f"The SMTP server 127.0.0.1:{server.port} does not offer STARTTLS")
    assert "SMTP_TLS=ssl" in message and "SMTP_TLS=none" in message
    assert server.received == []


def test_ssl_against_a_server_without_tls_is_a_clear_message(
    client: FlaskClient, start_smtp_server: Callable[..., LoopbackSMTPServer], cell: Cell
) -> None:
    server = start_smtp_server(tls="ssl")

    response = client.post(cell.url, json=cell.request(["ada@example.com"]))

    assert response.status_code == 409
    message = error_of(response)["message"]
    assert message.startswith(f"TLS with the SMTP server 127.0.0.1:{server.port} failed")
    assert "Check SMTP_TLS" in message
    assert server.received == []


def test_an_unknown_tls_mode_is_named(client: FlaskClient, smtp_server: LoopbackSMTPServer,
                                      configure_smtp: Callable[..., None], cell: Cell) -> None:
    configure_smtp(SMTP_TLS="yes please")

    response = client.post(cell.url, json=cell.request(["ada@example.com"]))

    assert response.status_code == 409
    assert error_of(response)["message"] == 'SMTP_TLS is "yes please"; set it to starttls, ssl or none.'


def test_smtp_user_and_password_log_in(
    client: FlaskClient, start_smtp_server: Callable[..., LoopbackSMTPServer], cell: Cell
) -> None:
    server = start_smtp_server(accounts={"maya": "correct horse"}, user="maya", password="correct horse")

    response = client.post(cell.url, json=cell.request(["ada@example.com"]))

    assert response.status_code == 200
    assert [r.login for r in server.received] == ["maya"]


def test_a_wrong_password_is_a_clear_message_that_does_not_repeat_it(
    client: FlaskClient, start_smtp_server: Callable[..., LoopbackSMTPServer], cell: Cell
) -> None:
    server = start_smtp_server(accounts={"maya": "correct horse"}, user="maya", password="battery staple")

    response = client.post(cell.url, json=cell.request(["ada@example.com"]))

    assert response.status_code == 409
    message = error_of(response)["message"]
    assert message == (
        f"The SMTP server 127.0.0.1:{server.port} refused the login (535 5.7.8 Authentication credentials invalid). "
        "Check SMTP_USER and SMTP_PASSWORD."
    )
    assert "battery" not in message
    assert server.received == []


def test_a_login_the_server_does_not_offer_is_a_clear_message(
    client: FlaskClient, start_smtp_server: Callable[..., LoopbackSMTPServer], cell: Cell
) -> None:
    server = start_smtp_server(user="maya", password="correct horse")  # no accounts: no AUTH offered

    response = client.post(cell.url, json=cell.request(["ada@example.com"]))

    assert response.status_code == 409
    assert error_of(response)["message"].startswith(f"The SMTP server 127.0.0.1:{server.port} does not offer a login")
    assert server.received == []


# --- the side panel's form -----------------------------------------------------------------


def test_the_form_sends_the_test_and_comes_back_with_a_note(
    client: FlaskClient, post_form: Callable[..., Any], smtp_server: LoopbackSMTPServer, cell: Cell
) -> None:
    back = f"/campaigns/{cell.campaign.id}?panel=test-send"

    response = post_form(
        "/campaigns/new",
        {"touchpoint_id": cell.touchpoint.id, "segment_id": cell.segment.id,
         "recipients": "ada@example.com, grace@example.org", "next": back},
        action=f"/campaigns/{cell.campaign.id}/test-send",
    )

    assert response.status_code == 302
    assert response.headers["Location"] == back
    assert "Test sent to ada@example.com, grace@example.org." in client.get(back).get_data(as_text=True)
    assert [r.rcpt_tos for r in smtp_server.received] == [["ada@example.com"], ["grace@example.org"]]


def test_a_refused_form_goes_back_with_the_reason(
    client: FlaskClient, post_form: Callable[..., Any], smtp_server: LoopbackSMTPServer, cell: Cell
) -> None:
    back = f"/campaigns/{cell.campaign.id}"

    response = post_form(
        "/campaigns/new",
        {"touchpoint_id": cell.touchpoint.id, "recipients": "foo@", "next": back},
        action=f"/campaigns/{cell.campaign.id}/test-send",
    )

    assert response.headers["Location"] == back
    page = parse(client.get(back).get_data(as_text=True))
    [note] = [e for e in page.iter() if "flash-error" in e.classes]
    assert note.text().startswith("Not a valid email address: foo@ (")
    assert smtp_server.received == []


def test_without_smtp_the_form_goes_back_saying_what_to_configure(
    client: FlaskClient, post_form: Callable[..., Any], cell: Cell
) -> None:
    back = f"/campaigns/{cell.campaign.id}"

    post_form("/campaigns/new", {"touchpoint_id": cell.touchpoint.id, "recipients": "ada@example.com", "next": back},
              action=f"/campaigns/{cell.campaign.id}/test-send")

    assert "Set SMTP_HOST" in client.get(back).get_data(as_text=True)


@pytest.mark.parametrize("next_url", [
    "https://evil.example/phish", "//evil.example/phish", "/\\evil.example", "/\t/evil.example",
    "javascript:alert(1)", "", None,
])
def test_the_form_never_redirects_off_the_site(
    post_form: Callable[..., Any], smtp_server: LoopbackSMTPServer, cell: Cell, next_url: str | None
) -> None:
    data = {"touchpoint_id": cell.touchpoint.id, "recipients": "ada@example.com"}
    if next_url is not None:
        data["next"] = next_url

    response = post_form("/campaigns/new", data, action=f"/campaigns/{cell.campaign.id}/test-send")

    assert response.status_code == 302
    assert response.headers["Location"] == f"/campaigns/{cell.campaign.id}"
    assert len(smtp_server.received) == 1  # the send itself was fine


def test_the_form_needs_its_csrf_token(client: FlaskClient, smtp_server: LoopbackSMTPServer, cell: Cell) -> None:
    response = client.post(
        f"/campaigns/{cell.campaign.id}/test-send",
        data={"touchpoint_id": cell.touchpoint.id, "recipients": "ada@example.com", "next": "/"},
    )

    assert response.status_code == 400
    assert smtp_server.received == []


MACRO = (
    '{% from "previews/_test_send.html" import test_send_form %}'
    "{{ test_send_form(campaign, touchpoint, segment, next_url) }}"
)


def render_macro(app: Flask, cell: Cell) -> Any:
    with app.test_request_context("/campaigns/1/matrix"):
        html = render_template_string(
            MACRO, campaign=cell.campaign, touchpoint=cell.touchpoint, segment=cell.segment, next_url="/back?x=1"
        )
    return parse(html)


def test_the_macro_renders_a_compact_form_for_the_cell(app: Flask, smtp_server: LoopbackSMTPServer, cell: Cell) -> None:
    page = render_macro(app, cell)

    [form] = [e for e in page.iter() if e.tag == "form"]
    assert form.get("action") == f"/campaigns/{cell.campaign.id}/test-send"
    assert form.get("method") == "post"
    fields = {e.get("name"): e for e in form.iter() if e.tag == "input"}
    assert set(fields) == {"csrf_token", "touchpoint_id", "segment_id", "next", "recipients"}
    assert fields["touchpoint_id"].get("value") == str(cell.touchpoint.id)
    assert fields["segment_id"].get("value") == str(cell.segment.id)
    assert fields["next"].get("value") == "/back?x=1"
    assert fields["recipients"].get("type") == "email" and "multiple" in fields["recipients"].attrs
    [button] = [e for e in form.iter() if e.tag == "button"]
    assert button.text() == "Send test" and "button" in button.classes


def test_without_smtp_the_macro_explains_how_to_configure_it_instead_of_a_button(app: Flask, cell: Cell) -> None:
    page = render_macro(app, cell)

    assert not [e for e in page.iter() if e.tag in ("form", "button")]
    assert "Set SMTP_HOST" in page.text()


# --- the guard against real mail servers (tests/conftest.py) ------------------------------


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any socket smtplib would open fails loudly, so a guard that let a connection through could not hide it."""

    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("the network was reached")

    monkeypatch.setattr(socket, "create_connection", refuse)


def test_the_guard_stops_a_test_send_to_a_real_mail_server(
    client: FlaskClient, configure_smtp: Callable[..., None], cell: Cell, no_network: None
) -> None:
    configure_smtp(SMTP_HOST="smtp.example.com", SMTP_PORT=587, SMTP_TLS="none")

    with pytest.raises(pytest.fail.Exception, match="SMTP connection to 'smtp.example.com'"):
        client.post(cell.url, json=cell.request(["ada@example.com"]))


@pytest.mark.parametrize("connect", [
    lambda: smtplib.SMTP("smtp.example.com", 25),
    lambda: smtplib.SMTP("smtp.example.com:25"),
    lambda: smtplib.SMTP_SSL("smtp.example.com", 465),
    lambda: smtplib.SMTP("10.0.0.1", 25),
])
def test_the_guard_stops_smtplib_before_it_opens_a_socket(no_network: None, connect: Callable[[], Any]) -> None:
    with pytest.raises(pytest.fail.Exception, match="Tests may only reach SMTP servers they start on loopback"):
        connect()


# --- international addresses (SMTPUTF8) ------------------------------------------------------

INTERNATIONAL = "jörg@bücher.de"


def test_an_address_with_non_ascii_letters_before_the_at_arrives_over_a_server_with_smtputf8(
    client: FlaskClient, start_smtp_server: Callable[..., LoopbackSMTPServer], cell: Cell
) -> None:
    server = start_smtp_server(smtputf8=True)

    response = client.post(cell.url, json=cell.request([INTERNATIONAL, "ada@example.com"]))

    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.get_json()["sent_to"] == [INTERNATIONAL, "ada@example.com"]
    international, plain = server.received
    assert international.rcpt_tos == ["jörg@xn--bcher-kva.de"]  # the domain as DNS spells it
    assert international.message["To"].addresses[0].username == "jörg"
    assert international.message["Subject"] == "[Test] Ada, your trial starts today"
    assert plain.rcpt_tos == ["ada@example.com"]


def test_a_server_without_smtputf8_refuses_such_an_address_with_a_422_and_sends_nothing(
    client: FlaskClient, start_smtp_server: Callable[..., LoopbackSMTPServer], cell: Cell
) -> None:
    server = start_smtp_server(smtputf8=False)

    response = client.post(cell.url, json=cell.request(["ada@example.com", INTERNATIONAL]))

    assert response.status_code == 422
    message = error_of(response)["fields"]["recipients"]
    assert message == (
        "This mail server cannot deliver to addresses with non-ASCII letters before the @: jörg@bücher.de. "
        "Use another address, or a mail server that offers SMTPUTF8."
    )
    assert server.received == []


def test_a_sender_with_non_ascii_letters_before_the_at_sends_over_smtputf8(
    client: FlaskClient, start_smtp_server: Callable[..., LoopbackSMTPServer], cell: Cell
) -> None:
    server = start_smtp_server(smtputf8=True)
    assert client.patch(f"/api/campaigns/{cell.campaign.id}", json={"sender_email": INTERNATIONAL}).status_code == 200

    response = client.post(cell.url, json=cell.request(["ada@example.com"]))

    assert response.status_code == 200, response.get_data(as_text=True)
    [arrived] = server.received
    assert arrived.mail_from == "jörg@xn--bcher-kva.de"
    assert arrived.message["From"].addresses[0].username == "jörg"


def test_a_sender_with_non_ascii_letters_before_the_at_is_a_422_over_a_server_without_smtputf8(
    client: FlaskClient, start_smtp_server: Callable[..., LoopbackSMTPServer], cell: Cell
) -> None:
    server = start_smtp_server(smtputf8=False)
    assert client.patch(f"/api/campaigns/{cell.campaign.id}", json={"sender_email": INTERNATIONAL}).status_code == 200

    response = client.post(cell.url, json=cell.request(["ada@example.com"]))

    assert response.status_code == 422
    assert error_of(response)["message"] == (
        "This mail server cannot deliver to addresses with non-ASCII letters before the @: the campaign's "
        "sender jörg@bücher.de. Use another address, or a mail server that offers SMTPUTF8."
    )
    assert server.received == []
