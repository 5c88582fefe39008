"""German starter emails: a formal ("Sie") and an informal ("du") set for every email kind, chosen by the
campaign's locale; each compiles, is unfinished only until its placeholders are written, then passes every
check; each addresses the reader one way throughout, in German typography, with no English left. The fixed
texts the engine adds to an email (the Mailjet unsubscribe tag, the plain-text part) follow the locale too."""

from __future__ import annotations

import html
import re
from collections.abc import Callable

import pytest
from flask.testing import FlaskClient

from campaigns import services as campaign_services
from campaigns.kinds import EMAIL_KINDS
from campaigns.models import Campaign, Touchpoint
from emails import render_email
from emails.checks import UNFINISHED
from emails.preview import preview_source
from emails.starters import GERMAN, STARTERS, starter_mjml
from exports.mailjet.tags import MailjetTags, unsubscribe_tag
from journeymail.extensions import db
from segments.models import Segment
from smtp_server import LoopbackSMTPServer

KINDS = [kind.key for kind in EMAIL_KINDS]
SETS = [pytest.param(True, id="formal"), pytest.param(False, id="informal")]
VALUES = {"firstname": "Anna", "unsubscribe_url": "https://www.markenname.de/abmelden"}

# The reader's address forms: "Sie" and its forms are capitalised when they address the reader (lower case
# they mean "they"); "du" and its forms are found in any case, since a sentence may start with them.
SIE = re.compile(r"\b(?:Sie|Ihnen|Ihr|Ihre|Ihren|Ihrem|Ihrer|Ihres)\b")
DU = re.compile(r"\b(?:du|dich|dir|dein|deine|deinen|deinem|deiner|deines)\b", re.IGNORECASE)
ENGLISH = re.compile(r"\b(?:the|your|you|and|with|for|hello|thanks|unsubscribe)\b|\bHi\b", re.IGNORECASE)
# What the unfinished-content check quotes in its messages: the placeholder or example address itself.
QUOTED = re.compile(r'"(.+?)" is (?:a placeholder|an example address|filler text)')


def head_text(source: str, element: str) -> str:
    """The text of the starter's <mj-title> (what the subject starts as) or <mj-preview> (the preheader)."""
    found = re.search(rf"<{element}>(.*?)</{element}>", source, re.DOTALL)
    assert found, element
    return html.unescape(found.group(1)).strip()


def german(kind: str, formal: bool) -> tuple[str, str, str]:
    """A German starter as an author finds it: body, subject (its title) and preheader (its preview text)."""
    source = starter_mjml(kind, "de_DE", formal=formal)
    return source, head_text(source, "mj-title"), head_text(source, "mj-preview")


def written(text: str) -> str:
    """A placeholder as an author might write it: its own words, without the brackets ("[Enddatum, z. B. ...]"
    becomes "Enddatum, z. B. ..."); an example address becomes the brand's own."""
    if text.startswith("["):
        return text[1:-1]
    return text.replace("example.com", "www.markenname.de")


def filled_in(kind: str, formal: bool) -> tuple[str, str, str]:
    """The starter with every placeholder the editor's checks find replaced by real text, in body, subject and
    preheader alike, until the checks find none."""
    source, subject, preheader = german(kind, formal)
    for _ in range(10):
        checks = preview_source(mjml=source, subject=subject, preheader=preheader, values=VALUES).checks
        spots = {m.group(1) for c in checks if c.code == UNFINISHED for m in [QUOTED.search(c.message)] if m}
        if not spots:
            return source, subject, preheader
        for spot in spots:
            # The message shows the spot on one line; where it is written, a space may be a (written) no-break one.
            where = re.compile(r"(?:\s|&nbsp;)+".join(map(re.escape, spot.split())))
            source, subject, preheader = (where.sub(lambda m: written(m.group(0)), text)
                                          for text in (source, subject, preheader))
    raise AssertionError(f"{kind}: placeholders left after filling: {spots}")


def reader_sees(kind: str, formal: bool) -> str:
    """Everything a reader of the filled-in starter reads: subject, preheader and the plain-text part."""
    source, subject, preheader = filled_in(kind, formal)
    rendered = preview_source(mjml=source, subject=subject, preheader=preheader, values=VALUES).rendered
    assert rendered.text is not None
    return "\n".join([rendered.subject, rendered.preheader, rendered.text])


# --- the files and the reader ------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", KINDS)
def test_every_email_kind_has_a_formal_and_an_informal_german_starter(kind: str) -> None:
    assert (GERMAN / "formal" / f"{kind}.mjml").is_file()
    assert (GERMAN / "informal" / f"{kind}.mjml").is_file()


@pytest.mark.parametrize("locale", ["de_DE", "de_AT", "de_CH"])
def test_a_german_locale_gets_the_formal_german_starter_unless_informal_is_asked_for(locale: str) -> None:
    assert starter_mjml("welcome", locale) == (GERMAN / "formal" / "welcome.mjml").read_text(encoding="utf-8")
    assert starter_mjml("welcome", locale, formal=False) == (GERMAN / "informal" / "welcome.mjml").read_text(
        encoding="utf-8")


@pytest.mark.parametrize("locale", ["en_US", "en_GB", "fr_FR", None])
def test_every_other_locale_gets_the_english_starter_formal_or_not(locale: str | None) -> None:
    english = (STARTERS / "offer.mjml").read_text(encoding="utf-8")

    assert starter_mjml("offer", locale) == starter_mjml("offer", locale, formal=False) == english
    assert starter_mjml("offer") == english


@pytest.mark.parametrize("locale", ["de_DE", "de_CH"])
def test_a_new_email_in_a_german_campaign_starts_from_the_formal_german_starter(
    client: FlaskClient, create_campaign: Callable[..., Campaign], locale: str
) -> None:
    campaign = create_campaign(locale=locale)

    response = client.post(f"/api/campaigns/{campaign.id}/touchpoints",
                           json={"phase_id": campaign.phases[0].id, "kind": "newsletter", "name": "Newsletter"})

    assert response.status_code == 201
    assert response.get_json()["mjml"] == (GERMAN / "formal" / "newsletter.mjml").read_text(encoding="utf-8")


def test_a_new_email_in_an_english_campaign_still_starts_in_english(
    client: FlaskClient, create_campaign: Callable[..., Campaign]
) -> None:
    campaign = create_campaign(locale="en_GB")

    response = client.post(f"/api/campaigns/{campaign.id}/touchpoints",
                           json={"phase_id": campaign.phases[0].id, "kind": "reminder", "name": "Reminder"})

    assert response.get_json()["mjml"] == (STARTERS / "reminder.mjml").read_text(encoding="utf-8")


# --- through the engine and the checks ---------------------------------------------------------------------


@pytest.mark.parametrize("formal", SETS)
@pytest.mark.parametrize("kind", KINDS)
def test_a_german_starter_compiles_as_german_html_and_is_only_unfinished(kind: str, formal: bool) -> None:
    source, subject, preheader = german(kind, formal)

    preview = preview_source(mjml=source, subject=subject, preheader=preheader, values=VALUES)

    assert preview.rendered.error is None and preview.rendered.html is not None
    assert '<html lang="de"' in preview.rendered.html
    assert {c.code for c in preview.checks} == {UNFINISHED}  # its placeholders, and nothing else


@pytest.mark.parametrize("formal", SETS)
@pytest.mark.parametrize("kind", KINDS)
def test_a_german_starter_with_its_placeholders_written_passes_every_check(kind: str, formal: bool) -> None:
    source, subject, preheader = filled_in(kind, formal)

    preview = preview_source(mjml=source, subject=subject, preheader=preheader, values=VALUES)

    assert preview.checks == []
    assert "[" not in preview.rendered.text and "Anna" in preview.rendered.text


# --- the German ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", KINDS)
def test_the_formal_set_says_sie_and_never_du(kind: str) -> None:
    text = reader_sees(kind, formal=True)

    assert SIE.search(text), text
    assert not DU.search(text), DU.search(text)


@pytest.mark.parametrize("kind", KINDS)
def test_the_informal_set_says_du_and_never_sie(kind: str) -> None:
    text = reader_sees(kind, formal=False)

    assert DU.search(text), text
    assert not SIE.search(text), SIE.search(text)


@pytest.mark.parametrize("formal", SETS)
@pytest.mark.parametrize("kind", KINDS)
def test_no_english_is_left_for_the_reader(kind: str, formal: bool) -> None:
    text = reader_sees(kind, formal)

    assert not ENGLISH.search(text), ENGLISH.search(text)


@pytest.mark.parametrize("formal", SETS)
@pytest.mark.parametrize("kind", KINDS)
def test_german_typography_in_what_an_author_and_a_reader_see(kind: str, formal: bool) -> None:
    source, subject, preheader = german(kind, formal)
    as_written = render_email(mjml_source=source, subject=subject, preheader=preheader, values=VALUES).text
    assert as_written is not None

    for text in (as_written, reader_sees(kind, formal)):
        assert '"' not in text  # quotes are „…“
        assert text.count("„") == text.count("“")
        assert not re.search(r"\d%", text)  # 20 %, with a space
        assert not re.search(r"\b\d{1,2}/\d{1,2}/\d{2,4}\b|\b\d{4}-\d{2}-\d{2}\b", text)  # dates are 31.12.2026
        assert not re.search(r"[$£]|€\s*\d|\d,\d{3}\b", text)  # 10 € and 1.234,5
    assert "&quot;" not in source


# --- the fixed texts the engine adds -------------------------------------------------------------------------


@pytest.mark.parametrize(("locale", "tag"), [("de_DE", "[[UNSUB_LINK_DE]]"), ("de_AT", "[[UNSUB_LINK_DE]]"),
                                             ("de_CH", "[[UNSUB_LINK_DE]]"), ("en_US", "[[UNSUB_LINK_EN]]")])
def test_the_mailjet_unsubscribe_link_is_in_the_campaign_language(locale: str, tag: str) -> None:
    assert unsubscribe_tag(locale) == tag


@pytest.mark.parametrize("formal", SETS)
def test_a_german_email_for_mailjet_has_a_german_text_part_with_the_german_unsubscribe_link(formal: bool) -> None:
    source, subject, preheader = filled_in("welcome", formal)

    rendered = render_email(mjml_source=source, subject=subject, preheader=preheader, tags=MailjetTags("de_AT"))

    assert rendered.text is not None
    assert "Abmelden ([[UNSUB_LINK_DE]])" in rendered.text
    assert 'href="[[UNSUB_LINK_DE]]"' in (rendered.html or "")
    assert "UNSUB_LINK_EN" not in rendered.text + (rendered.html or "")
    assert not ENGLISH.search(rendered.text), ENGLISH.search(rendered.text)


@pytest.fixture
def german_welcome(
    create_campaign: Callable[..., Campaign], create_segment: Callable[..., Segment],
    create_touchpoint: Callable[..., Touchpoint],
) -> Touchpoint:
    """A German campaign's welcome email, started from its starter, with a segment to send it to."""
    campaign = create_campaign(locale="de_AT", sender_name="Mara", sender_email="mara@coaching.example.com")
    segment = create_segment(name="Aufsteigerinnen", sample_data={"firstname": "Anna"})
    campaign_services.set_segments(campaign, {"segment_ids": [segment.id]})
    touchpoint = create_touchpoint(campaign, subject="Willkommen bei Mara Coaching",
                                   preheader="Danke für Ihre Anmeldung. Das erwartet Sie in den nächsten Wochen.")
    db.session.commit()
    return touchpoint


def test_a_test_send_from_a_german_campaign_reads_german_from_subject_to_text_part(
    client: FlaskClient, smtp_server: LoopbackSMTPServer, german_welcome: Touchpoint
) -> None:
    response = client.post(f"/api/campaigns/{german_welcome.campaign_id}/test-send",
                           json={"touchpoint_id": german_welcome.id, "recipients": ["ada@example.com"]})  # allow-listed

    assert response.status_code == 200, response.get_data(as_text=True)
    message = smtp_server.received[0].message
    text_part, _ = message.iter_parts()
    assert message["Subject"] == "[Test] Willkommen bei Mara Coaching"  # "Test" reads the same in German
    assert "Herzlich willkommen, liebe Leserin, lieber Leser!" in text_part.get_content()  # no segment: the default
    assert "Abmelden (" in text_part.get_content()


def test_the_mailjet_bundle_of_a_german_campaign_has_the_german_unsubscribe_link_in_html_and_text(
    client: FlaskClient, german_welcome: Touchpoint
) -> None:
    response = client.get(f"/campaigns/{german_welcome.campaign_id}/export/mailjet.json")

    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    (content,) = [r["body"] for r in response.get_json()["requests"]
                  if r["path"].startswith("template/") and r["path"].endswith("/detailcontent")]
    assert "Abmelden ([[UNSUB_LINK_DE]])" in content["Text-part"]
    assert 'href="[[UNSUB_LINK_DE]]"' in content["Html-part"]
    assert "Herzlich willkommen, [[data:firstname:" in content["Text-part"]


# --- the campaign's address form ----------------------------------------------------------------


def test_an_informal_german_campaign_starts_new_emails_from_the_du_starters(client: FlaskClient) -> None:
    created = client.post("/api/campaigns", json={
        "name": "Du-Kampagne", "goal": "Mentoring buchen", "framework": "five-stage", "sender_name": "Mara",
        "sender_email": "mara@coaching.example.com", "locale": "de_DE", "address_form": "informal"})
    assert created.status_code == 201, created.get_json()
    campaign = created.get_json()
    assert campaign["address_form"] == "informal"

    added = client.post(f"/api/campaigns/{campaign['id']}/touchpoints", json={
        "phase_id": campaign["phases"][0]["id"], "kind": "welcome", "name": "Willkommen"})

    assert added.get_json()["mjml"] == starter_mjml("welcome", "de_DE", formal=False)
    assert added.get_json()["mjml"] != starter_mjml("welcome", "de_DE", formal=True)


def test_a_campaign_is_formal_unless_told_and_a_wrong_address_form_is_refused(client: FlaskClient) -> None:
    base = {"name": "Sie-Kampagne", "goal": "Mentoring buchen", "framework": "five-stage", "sender_name": "Mara",
            "sender_email": "mara@coaching.example.com", "locale": "de_DE"}

    formal = client.post("/api/campaigns", json=base)
    wrong = client.post("/api/campaigns", json={**base, "name": "Falsch", "address_form": "casual"})

    assert formal.get_json()["address_form"] == "formal"
    assert wrong.status_code == 422 and "address_form" in wrong.get_json()["error"]["fields"]


def test_the_address_form_goes_through_the_campaign_document(client: FlaskClient) -> None:
    created = client.post("/api/campaigns", json={
        "name": "Du-Kampagne", "goal": "Mentoring buchen", "framework": "five-stage", "sender_name": "Mara",
        "sender_email": "mara@coaching.example.com", "locale": "de_DE", "address_form": "informal"}).get_json()
    document = client.get(f"/campaigns/{created['id']}/export/campaign.json").get_json()
    document["campaign"]["name"] = "Du-Kampagne, eingelesen"

    imported = client.post("/api/campaigns/import", json=document)

    assert document["campaign"]["address_form"] == "informal"
    assert imported.status_code == 201, imported.get_json()
    assert imported.get_json()["address_form"] == "informal"
