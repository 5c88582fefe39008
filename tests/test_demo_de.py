"""The German demo and German phases: a campaign in German (de_DE) gets its framework's phases in German, the
German demo campaign shows them on its map, and every one of its emails passes the checks but the one left
unfinished on purpose. English campaigns keep the English phases."""

from __future__ import annotations


import pytest
from flask.testing import FlaskClient

from campaigns.cells import cells
from campaigns.demo_de import create_demo_de
from campaigns.demo_emails_de import EMAILS, UNFINISHED
from campaigns.frameworks import FRAMEWORKS, frameworks_in, phases_for
from campaigns.models import Campaign, Touchpoint
from demo_support import cell_checks, page, touchpoint, unfinished_lines
from journeymail.extensions import db

GERMAN_FIVE_STAGES = ["Awareness", "Consideration", "Entscheidung", "Kundenbindung", "Weiterempfehlung"]
ENGLISH_FIVE_STAGES = ["Awareness", "Consideration", "Decision", "Retention", "Advocacy"]

NEW_CAMPAIGN = {
    "name": "Frühjahrsaktion",
    "goal": "Ein Beratungsgespräch buchen",
    "framework": "five-stage",
    "sender_name": "Lena",
    "sender_email": "lena@karriere-mentoring.example",
}


@pytest.fixture
def demo() -> Campaign:
    campaign = create_demo_de()
    db.session.commit()
    return campaign


# --- German phases ---------------------------------------------------------------------------------


@pytest.mark.parametrize("locale", ["de_DE", "de_AT", "de_CH"])
def test_a_campaign_created_in_german_gets_the_german_phases(client: FlaskClient, locale: str):
    response = client.post("/api/campaigns", json={**NEW_CAMPAIGN, "locale": locale})

    assert response.status_code == 201, response.get_data(as_text=True)
    phases = response.get_json()["phases"]
    assert [p["name"] for p in phases] == GERMAN_FIVE_STAGES
    assert phases[2]["description"].startswith("Entscheidet sich und kauft.")


@pytest.mark.parametrize("locale", [None, "en_US", "en_GB", "fr_FR"])
def test_a_campaign_in_any_other_language_keeps_the_english_phases(client: FlaskClient, locale: str | None):
    body = NEW_CAMPAIGN if locale is None else {**NEW_CAMPAIGN, "locale": locale}

    phases = client.post("/api/campaigns", json=body).get_json()["phases"]

    assert [p["name"] for p in phases] == ENGLISH_FIVE_STAGES
    assert [p["description"] for p in phases] == [t.description for t in FRAMEWORKS["five-stage"].phases]


def test_switching_a_german_campaign_to_another_framework_gives_it_that_frameworks_german_phases(
    client: FlaskClient, demo: Campaign
):
    offer = touchpoint(demo, "Angebot: Mentoring über sechs Monate")

    response = client.patch(f"/api/campaigns/{demo.id}", json={"framework": "aida-loyalty"})

    assert response.status_code == 200, response.get_data(as_text=True)
    phases = response.get_json()["phases"]
    assert [p["name"] for p in phases] == ["Awareness", "Interesse", "Entscheidung", "Handlung", "Loyalität"]
    # "Entscheidung" is in both frameworks: its touchpoints stay in the phase of that name
    assert db.session.get(Touchpoint, offer.id).phase.name == "Entscheidung"


def test_every_framework_has_german_names_and_descriptions_for_the_chooser():
    german = frameworks_in("de")

    for key, framework in FRAMEWORKS.items():
        assert german[key].name != framework.name and german[key].summary != framework.summary, key
        assert all(t.name_de and t.description_de for t in framework.phases), key
        assert [t.description for t in german[key].phases] == [t.description_de for t in framework.phases]
    assert frameworks_in("en_US") == FRAMEWORKS
    assert [t.name for t in phases_for("four-phase", "de_DE")] == [
        "Awareness", "Consideration", "Entscheidung", "Nach dem Kauf"]


# --- the German demo -------------------------------------------------------------------------------


def test_the_german_demo_is_german_on_the_five_stage_funnel(demo: Campaign):
    assert (demo.locale, demo.framework) == ("de_DE", "five-stage")
    assert [p.name for p in demo.phases] == GERMAN_FIVE_STAGES
    assert {s.name for s in demo.segments} == {"Aufstiegsorientierte", "Stille Mitlesende", "Inaktive Kontakte"}
    assert any(not t.is_email for t in demo.touchpoints)  # the capture forms


def test_the_map_of_the_german_demo_shows_its_german_phase_names(client: FlaskClient, demo: Campaign):
    journey = page(client.get(f"/campaigns/{demo.id}"))

    heads = [head.select("h2")[0].text() for head in journey.select("div", class_="phase-head")]
    assert heads == GERMAN_FIVE_STAGES


def test_every_german_demo_cell_preview_is_clean_but_the_one_unfinished_email(client: FlaskClient, demo: Campaign):
    found = cell_checks(client, demo)

    assert len(found) == 25  # every email each segment receives: none is missing from the pages
    expected = [("unfinished-content", f"line {line}") for line in unfinished_lines(EMAILS[UNFINISHED])]
    assert len(expected) == 3
    assert {key: checks for key, checks in found.items() if checks} == {
        (UNFINISHED, "Aufstiegsorientierte"): expected,
        (UNFINISHED, "Stille Mitlesende"): expected,
    }


def test_the_german_demo_has_one_gap_and_two_variants(demo: Campaign):
    grid = cells(demo).values()

    assert {(c.segment.name, c.phase.name) for c in grid if c.gap} == {("Inaktive Kontakte", "Weiterempfehlung")}
    assert {(e.touchpoint.name, c.segment.name) for c in grid for e in c.emails if e.variant} == {
        ("Angebot: Mentoring über sechs Monate", "Stille Mitlesende"),
        ("Checkliste und Willkommen", "Inaktive Kontakte"),
    }


def test_the_german_demo_sends_its_mentoring_emails_in_order(client: FlaskClient, demo: Campaign):
    timeline = page(client.get(f"/campaigns/{demo.id}")).by_id("timeline")

    groups = {group.select("h3")[0].text(): [item.select(class_="tl-day")[0].text()
                                             for item in group.select("li", class_="tl-item")]
              for group in timeline.select("li", class_="tl-group")}
    assert groups["After: bucht das Mentoring"] == ["Day 0", "Day +2", "Day +90", "Day +180", "Day +187"]


def test_finishing_the_german_draft_makes_the_german_demo_ready(client: FlaskClient, demo: Campaign):
    draft = touchpoint(demo, UNFINISHED)
    finished = (EMAILS[UNFINISHED]
                .replace("[Dankeschön für die Empfehlung: eine Sitzung gratis oder ein Gutschein?]",
                         "eine zusätzliche Sitzung")
                .replace("https://example.com/empfehlen", "https://karriere-mentoring.example/empfehlen")
                .replace("[Bedingungen: wie viele Empfehlungen, bis wann? Noch mit der Buchhaltung klären]",
                         "Bis zu drei Empfehlungen pro Jahr."))
    assert client.patch(f"/api/touchpoints/{draft.id}", json={"mjml": finished}).status_code == 200

    html = page(client.get(f"/campaigns/{demo.id}/export"))

    assert html.by_id("export-unfinished") is None and html.by_id("export-errors") is None
    assert "All 25 emails are finished" in html.by_id("export-clean").text()


def test_the_german_demo_exports_to_mailjet_with_german_unsubscribe_links_and_its_greeting(
    client: FlaskClient, demo: Campaign
):
    response = client.get(f"/campaigns/{demo.id}/export/mailjet.json")

    assert response.status_code == 200
    parts = [r["body"]["Html-part"] for r in response.get_json()["requests"] if "Html-part" in r.get("body", {})]
    assert len(parts) >= 10  # templates (shared where segments get the same email) and campaign drafts
    assert all("[[UNSUB_LINK_DE]]" in html and "[[UNSUB_LINK_EN]]" not in html for html in parts)
    assert all('[[data:anrede:"Guten Tag"]]' in html for html in parts)


def test_the_german_demo_emails_say_they_are_german(client: FlaskClient, demo: Campaign):
    welcome = touchpoint(demo, "Checkliste und Willkommen")
    segment = next(s for s in demo.segments if s.name == "Aufstiegsorientierte")

    preview = client.get(f"/api/campaigns/{demo.id}/preview?touchpoint={welcome.id}&segment={segment.id}").get_json()

    assert '<html lang="de"' in preview["html"]
    assert preview["text"].startswith("Kompass Mentoring\n\nIhre Checkliste ist da\n\nGuten Tag Frau Berger,")
