"""The Brevo bundle: the ordered Brevo API v3 requests that recreate a campaign, with field names as Brevo
documents them, merge tags in Brevo's template language, a refusal instead of a half-broken export, and a
bundle that Brevo's stand-in takes request by request."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Any

import httpx
import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner

from brevo_standin import BrevoStandIn
from campaigns import services as campaign_services
from campaigns.demo import create_demo
from campaigns.kinds import KINDS
from campaigns.models import Campaign, Touchpoint
from emails import PREVIEW_UNSUBSCRIBE_URL
from exports.brevo import bundle as brevo
from exports.esp import replay as engine
from exports.esp.brevo import adapter
from exports.ledger import MemoryLedger
from journeymail.extensions import db
from segments.models import Segment

BODY = """<mjml>
  <mj-head>
    <mj-title>Welcome</mj-title>
  </mj-head>
  <mj-body>
    <mj-section>
      <mj-column>
        <mj-text>Hello {{ firstname | default("there") }} from {{ company }}.</mj-text>
        <mj-button href="https://plannery.example/start?name={{ firstname | default("there") }}">Start your trial</mj-button>
        <mj-text><a href="{{ unsubscribe_url }}">Unsubscribe</a></mj-text>
      </mj-column>
    </mj-section>
  </mj-body>
</mjml>
"""
NEWSLETTER = BODY.replace("Start your trial", "Read the tips")
STUDENT_BODY = BODY.replace("Start your trial", "Get the student plan")
BROKEN = "<mjml><mj-body><mj-section><mj-column><mj-text>Hi</mj-text></mj-column></mj-section></mj-body>"
REF = re.compile(r"\{\{ref:([A-Za-z0-9_.-]+)\}\}")


@dataclass
class Plan:
    campaign: Campaign
    founders: Segment
    students: Segment
    welcome: Touchpoint  # reaches both segments; students get a variant
    newsletter: Touchpoint  # a broadcast, limited to founders


@pytest.fixture
def plan(
    create_campaign: Callable[..., Campaign],
    create_segment: Callable[..., Segment],
    create_touchpoint: Callable[..., Touchpoint],
) -> Plan:
    campaign = create_campaign(sender_name="Maya", sender_email="maya@example.com", reply_to="team@example.com")
    founders = create_segment(name="Busy founders", description="Founders with no time.")
    students = create_segment(name="Students")
    campaign_services.set_segments(campaign, {"segment_ids": [founders.id, students.id]})
    welcome = create_touchpoint(
        campaign, name="Welcome", subject='Welcome, {{ firstname | default("friend") }}',
        preheader="Three things to try in your first week", mjml=BODY,
    )
    campaign_services.put_variant(welcome, students, {"subject": "Hi student", "mjml": STUDENT_BODY})
    newsletter = create_touchpoint(
        campaign, 1, kind="newsletter", name="Monthly tips", subject="Tips for {{ company }}",
        mjml=NEWSLETTER, segment_ids=[founders.id],
    )
    db.session.commit()
    return Plan(campaign, founders, students, welcome, newsletter)


@pytest.fixture
def demo() -> Campaign:
    campaign = create_demo()
    db.session.commit()
    return campaign


@pytest.fixture
def standin() -> Iterator[BrevoStandIn]:
    # The demo's sender, and the plan's: both active senders of the account.
    server = BrevoStandIn(senders=[{"name": "Maya", "email": "maya@example.com", "active": True},
                                   {"name": "Plannery", "email": "hello@plannery.example", "active": True}]).start()
    yield server
    server.stop()


def requests_of(bundle: dict[str, Any], path: str) -> list[dict[str, Any]]:
    return [r for r in bundle["requests"] if r["path"] == path]


def strings(value: Any) -> Iterator[str]:
    """Every string in a JSON document, keys included."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield key
            yield from strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from strings(item)


class Hrefs(HTMLParser):
    """The href of every link, as an HTML parser (and so a mail client) reads them."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.hrefs: list[str] = []
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            self.hrefs.append(dict(attrs).get("href") or "")


# --- order and shape ---------------------------------------------------------------------


def test_bundle_is_a_versioned_document_of_requests(plan: Plan) -> None:
    bundle = brevo.build_bundle(plan.campaign)

    assert bundle["format"] == "journeymail.brevo-bundle" and bundle["version"] == 2
    assert bundle["campaign"] == {"id": plan.campaign.id, "name": "Trial journey", "locale": "en_US"}
    assert bundle["inputs"] == {}  # nothing to supply: the bundle makes its own folder and lists
    for request in bundle["requests"]:
        assert set(request) == {"method", "path", "body", "ref", "name"}
        assert request["method"] == "POST"


def test_requests_go_attributes_folder_lists_then_templates_then_email_campaigns(plan: Plan) -> None:
    bundle = brevo.build_bundle(plan.campaign)

    assert [r["path"] for r in bundle["requests"]] == [
        "contacts/attributes/normal/SEGMENT", "contacts/attributes/normal/FIRSTNAME",
        "contacts/attributes/normal/COMPANY",
        "contacts/folders", "contacts/lists", "contacts/lists",
        "smtp/templates", "smtp/templates", "smtp/templates",
        "emailCampaigns",
    ]


def test_each_attribute_the_plan_uses_is_a_normal_text_attribute_in_capitals(plan: Plan) -> None:
    bundle = brevo.build_bundle(plan.campaign)

    attributes = [r for r in bundle["requests"] if r["path"].startswith("contacts/attributes/")]
    assert [(r["name"], r["ref"], r["body"]) for r in attributes] == [
        ("SEGMENT", "attribute.SEGMENT", {"type": "text"}),
        ("FIRSTNAME", "attribute.FIRSTNAME", {"type": "text"}),
        ("COMPANY", "attribute.COMPANY", {"type": "text"}),
    ]


def test_each_distinct_email_is_an_active_template_with_compiled_html(plan: Plan) -> None:
    bundle = brevo.build_bundle(plan.campaign)

    templates = requests_of(bundle, "smtp/templates")
    assert [t["ref"] for t in templates] == [
        "template.welcome.busy-founders", "template.welcome.students", "template.monthly-tips.busy-founders",
    ]
    first = templates[0]
    assert set(first["body"]) == {"templateName", "subject", "sender", "htmlContent", "isActive", "tag", "replyTo"}
    assert first["name"] == first["body"]["templateName"] == "Trial journey / Welcome / Busy founders"
    assert first["body"]["sender"] == {"name": "Maya", "email": "maya@example.com"}
    assert first["body"]["replyTo"] == "team@example.com"
    assert first["body"]["isActive"] is True and first["body"]["tag"] == "trial-journey"
    assert first["body"]["htmlContent"].lstrip().lower().startswith("<!doctype html>")
    assert "<mj-" not in first["body"]["htmlContent"]


def test_each_targeted_segment_gets_a_list_of_its_own_in_the_journeymail_folder(plan: Plan) -> None:
    bundle = brevo.build_bundle(plan.campaign)

    (folder,) = requests_of(bundle, "contacts/folders")
    assert (folder["ref"], folder["name"], folder["body"]) == ("folder", "Journeymail", {"name": "Journeymail"})
    assert [(r["ref"], r["name"], r["body"]) for r in requests_of(bundle, "contacts/lists")] == [
        ("list.busy-founders", "Trial journey / Busy founders",
         {"name": "Trial journey / Busy founders", "folderId": "{{ref:folder}}"}),
        ("list.students", "Trial journey / Students", {"name": "Trial journey / Students", "folderId": "{{ref:folder}}"}),
    ]


def test_an_email_campaign_per_broadcast_email_and_segment_sends_to_its_segments_list(plan: Plan) -> None:
    bundle = brevo.build_bundle(plan.campaign)

    (campaign,) = requests_of(bundle, "emailCampaigns")
    assert campaign["ref"] == "campaign.monthly-tips.busy-founders"
    assert campaign["name"] == "Trial journey / Monthly tips / Busy founders"
    body = campaign["body"]
    assert set(body) == {"name", "subject", "sender", "htmlContent", "recipients", "tag", "replyTo"}
    assert body["recipients"] == {"listIds": ["{{ref:list.busy-founders}}"]}
    assert body["subject"] == "Tips for {{ contact.COMPANY }}"
    (template,) = [t for t in requests_of(bundle, "smtp/templates") if t["ref"] == "template.monthly-tips.busy-founders"]
    assert body["htmlContent"] == template["body"]["htmlContent"]


def test_the_demo_has_a_campaign_for_each_broadcast_email_and_segment_it_reaches(demo: Campaign) -> None:
    bundle = brevo.build_bundle(demo)

    broadcasts = [t for t in demo.touchpoints if t.is_email and KINDS[t.kind].broadcast]
    expected = sum(1 for t in broadcasts for s in demo.segments if t.reaches(s))
    campaigns = requests_of(bundle, "emailCampaigns")
    assert len(campaigns) == expected > 0
    assert len({c["name"] for c in campaigns}) == len(campaigns)
    assert len({t["name"] for t in requests_of(bundle, "smtp/templates")}) == len(requests_of(bundle, "smtp/templates"))


def test_no_two_segments_campaigns_send_to_one_list(demo: Campaign) -> None:
    bundle = brevo.build_bundle(demo)

    lists = {r["ref"]: r["name"] for r in requests_of(bundle, "contacts/lists")}
    assert sorted(lists.values()) == sorted(f"{demo.name} / {s.name}" for s in demo.segments)
    by_list: dict[str, set[str]] = {}
    for request in requests_of(bundle, "emailCampaigns"):
        (list_id,) = request["body"]["recipients"]["listIds"]
        segment = request["name"].rsplit(" / ", 1)[1]
        by_list.setdefault(list_id, set()).add(segment)
    assert all(len(segments) == 1 for segments in by_list.values())
    assert {lists[REF.fullmatch(k).group(1)].rsplit(" / ", 1)[1] for k in by_list} == {  # type: ignore[union-attr]
        s for names in by_list.values() for s in names}
    found = {m for text in strings(bundle["requests"]) for m in REF.findall(text)}
    assert found == {"folder", *lists}


# --- Brevo's merge tags --------------------------------------------------------------------


def test_html_carries_brevo_tags_and_nothing_of_ours(demo: Campaign) -> None:
    bundle = brevo.build_bundle(demo)

    for request in [*requests_of(bundle, "smtp/templates"), *requests_of(bundle, "emailCampaigns")]:
        html = request["body"]["htmlContent"]
        assert "unsubscribe_url" not in html and PREVIEW_UNSUBSCRIBE_URL not in html
        assert "{{ firstname" not in html and "default(" not in html
        assert "{{ unsubscribe }}" in Hrefs(html).hrefs


def test_merge_tags_read_contact_attributes_with_brevos_default(plan: Plan) -> None:
    (template, *_) = requests_of(brevo.build_bundle(plan.campaign), "smtp/templates")

    html = template["body"]["htmlContent"]
    assert "Hello {{ contact.FIRSTNAME|default:'there' }} from {{ contact.COMPANY }}." in html
    assert template["body"]["subject"] == "Welcome, {{ contact.FIRSTNAME|default:'friend' }}"


def test_a_merge_tag_inside_a_link_keeps_the_link_whole(plan: Plan) -> None:
    (template, *_) = requests_of(brevo.build_bundle(plan.campaign), "smtp/templates")

    assert "https://plannery.example/start?name={{ contact.FIRSTNAME|default:'there' }}" in \
        Hrefs(template["body"]["htmlContent"]).hrefs


def test_a_default_in_a_single_quoted_attribute_is_refused_with_its_line(plan: Plan) -> None:
    mjml = BODY.replace('href="https://plannery.example/start?name={{ firstname | default("there") }}"',
                        "href='https://plannery.example/start?name={{ firstname | default(\"there\") }}'")
    campaign_services.update_touchpoint(plan.welcome, {"mjml": mjml})
    db.session.commit()

    (problem,) = brevo.problems(plan.campaign)

    assert problem.touchpoint.id == plan.welcome.id and problem.segment.id == plan.founders.id
    assert problem.line == 9
    assert "{{ firstname }} has a default and sits in an attribute value in single quotes" in problem.message


def test_quotes_in_a_default_cannot_end_brevos_tag(plan: Plan) -> None:
    campaign_services.update_touchpoint(plan.welcome, {"subject": """Hi {{ firstname | default("it's \\"you\\" }}") }}"""})
    db.session.commit()

    (template, *_) = requests_of(brevo.build_bundle(plan.campaign), "smtp/templates")

    assert template["body"]["subject"] == "Hi {{ contact.FIRSTNAME|default:'it\u2019s \u201dyou\u201d } }' }}"


def test_the_address_merge_tag_reads_the_contacts_email_and_is_no_attribute(plan: Plan) -> None:
    campaign_services.update_touchpoint(plan.welcome, {"subject": "For {{ email }}"})
    db.session.commit()

    bundle = brevo.build_bundle(plan.campaign)

    assert requests_of(bundle, "smtp/templates")[0]["body"]["subject"] == "For {{ contact.EMAIL }}"
    assert "contacts/attributes/normal/EMAIL" not in [r["path"] for r in bundle["requests"]]


# --- what stops the export ----------------------------------------------------------------


def test_mjml_that_does_not_compile_refuses_the_whole_bundle(plan: Plan) -> None:
    campaign_services.put_variant(plan.welcome, plan.students, {"mjml": BROKEN})
    db.session.commit()

    with pytest.raises(brevo.BundleRefused) as refused:
        brevo.build_bundle(plan.campaign)

    assert refused.value.message == "The Brevo bundle was not exported: 1 problem to fix."
    (problem,) = refused.value.problems
    assert problem.touchpoint.id == plan.welcome.id and problem.segment.id == plan.students.id


def test_an_empty_subject_is_refused_in_brevos_words(plan: Plan) -> None:
    campaign_services.put_variant(plan.welcome, plan.students, {"subject": " "})
    plan.welcome.subject = ""
    db.session.commit()

    messages = [p.message for p in brevo.problems(plan.campaign)]

    assert messages == ["The subject is empty; Brevo needs one."] * 2


@pytest.mark.parametrize(("field", "value", "message"), [
    ("sender_name", "", "The campaign has no sender name; Brevo needs one. Add it in the campaign settings."),
    ("sender_email", "", "The campaign has no sender address; Brevo needs one. Add it in the campaign settings."),
    ("sender_email", "maya", "The sender address 'maya' is not an address Brevo accepts"),
    ("reply_to", "team@", "The reply-to address 'team@' is not an address Brevo accepts"),
])
def test_a_sender_brevo_would_reject_is_reported_before_export(plan: Plan, field: str, value: str, message: str) -> None:
    setattr(plan.campaign, field, value)
    db.session.commit()

    (problem,) = brevo.problems(plan.campaign)

    assert problem.message.startswith(message) and problem.field_name == field


def test_a_merge_tag_brevo_cannot_hold_as_an_attribute_is_refused(plan: Plan) -> None:
    campaign_services.update_touchpoint(plan.newsletter, {"subject": "Tips for {{ _company }}"})
    db.session.commit()

    (problem,) = brevo.problems(plan.campaign)

    assert "{{ _company }} cannot become a Brevo contact attribute" in problem.message


def test_nothing_stops_the_demo_from_building_for_brevo(demo: Campaign) -> None:
    assert brevo.readiness(demo) == []


# --- the download and the export page ------------------------------------------------------


def test_download_is_the_bundle_as_an_attachment(client: FlaskClient, plan: Plan) -> None:
    response = client.get(f"/campaigns/{plan.campaign.id}/export/brevo.json")

    assert response.status_code == 200 and response.mimetype == "application/json"
    assert response.headers["Content-Disposition"] == "attachment; filename=trial-journey-brevo.json"
    assert response.headers["Cache-Control"] == "no-store"
    assert json.loads(response.get_data(as_text=True)) == brevo.build_bundle(plan.campaign)


def test_download_of_an_unknown_campaign_is_a_404(client: FlaskClient, plan: Plan) -> None:
    assert client.get(f"/campaigns/{plan.campaign.id + 1000}/export/brevo.json").status_code == 404


def test_a_refused_download_is_a_422_page_listing_the_failing_emails(client: FlaskClient, plan: Plan) -> None:
    campaign_services.put_variant(plan.welcome, plan.students, {"mjml": BROKEN})
    plan.campaign.sender_name = ""
    db.session.commit()

    response = client.get(f"/campaigns/{plan.campaign.id}/export/brevo.json")

    assert response.status_code == 422 and response.mimetype == "text/html"
    assert "Content-Disposition" not in response.headers
    page = response.get_data(as_text=True)
    assert "The Brevo bundle was not exported" in page
    assert "The campaign has no sender name; Brevo needs one." in page
    failing = [" ".join(item.split()) for item in re.findall(r"<li><strong>(.*?)</li>", page, re.DOTALL)]
    assert failing == ["Students</strong>: " + p.message for p in brevo.problems(plan.campaign) if p.segment]


def test_a_refused_download_answers_json_to_a_client_that_asks_for_it(client: FlaskClient, plan: Plan) -> None:
    campaign_services.put_variant(plan.welcome, plan.students, {"mjml": BROKEN})
    plan.campaign.sender_email = "nobody"
    db.session.commit()

    response = client.get(f"/campaigns/{plan.campaign.id}/export/brevo.json", headers={"Accept": "application/json"})

    assert response.status_code == 422
    error = response.get_json()["error"]
    assert set(error["fields"]) == {"sender_email", f"touchpoints.{plan.welcome.id}.segments.{plan.students.id}"}
    assert error["message"].startswith("The Brevo bundle was not exported: 2 problems to fix.")


def test_the_export_page_has_a_brevo_card_that_says_what_to_set(client: FlaskClient, plan: Plan) -> None:
    page = client.get(f"/campaigns/{plan.campaign.id}/export").get_data(as_text=True)

    card = page[page.index('id="format-brevo"'):]
    card = card[:card.index("</li>\n")]
    assert f'href="/campaigns/{plan.campaign.id}/export/brevo.json"' in card
    assert "BREVO_API_KEY" in card and 'id="brevo-ready"' in card
    assert "each segment gets a list of its own. The lists start empty: fill each with that segment’s contacts" in card


def test_the_brevo_card_names_what_stops_the_export(client: FlaskClient, plan: Plan) -> None:
    plan.welcome.subject = ""
    db.session.commit()

    page = client.get(f"/campaigns/{plan.campaign.id}/export").get_data(as_text=True)

    card = page[page.index('id="format-brevo"'):]
    card = card[:card.index("</li>\n")]
    assert 'id="brevo-readiness"' in card and "The subject is empty; Brevo needs one." in card


def test_with_a_key_the_card_offers_the_push(app: Flask, client: FlaskClient, plan: Plan) -> None:
    app.config["BREVO_API_KEY"] = "xkeysib-test"
    try:
        page = client.get(f"/campaigns/{plan.campaign.id}/export").get_data(as_text=True)
    finally:
        app.config["BREVO_API_KEY"] = None

    card = page[page.index('id="format-brevo"'):]
    card = card[:card.index("</li>\n")]
    assert f'action="/campaigns/{plan.campaign.id}/push/brevo"' in card and "Push to Brevo" in card
    assert "xkeysib-test" not in page and 'id="brevo-key-missing"' not in card


# --- the command -------------------------------------------------------------------------


def test_export_command_writes_the_bundle_file(runner: FlaskCliRunner, demo: Campaign, tmp_path: Any) -> None:
    target = tmp_path / "brevo.json"

    result = runner.invoke(args=["export", "brevo", str(demo.id), "-o", str(target)])

    assert result.exit_code == 0, result.output
    assert json.loads(target.read_text("utf-8")) == brevo.build_bundle(demo)
    assert f"to {target}" in result.output


def test_export_command_writes_to_standard_output_without_o(runner: FlaskCliRunner, plan: Plan) -> None:
    result = runner.invoke(args=["export", "brevo", str(plan.campaign.id)])

    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["format"] == "journeymail.brevo-bundle"


def test_export_command_refuses_and_lists_the_problems(runner: FlaskCliRunner, plan: Plan, tmp_path: Any) -> None:
    campaign_services.put_variant(plan.welcome, plan.students, {"mjml": BROKEN})
    db.session.commit()
    target = tmp_path / "brevo.json"

    result = runner.invoke(args=["export", "brevo", str(plan.campaign.id), "-o", str(target)])

    assert result.exit_code == 1 and not target.exists()
    assert "The Brevo bundle was not exported: 1 problem to fix." in result.output
    assert '"Welcome" for Students' in result.output


def test_export_command_of_an_unknown_campaign(runner: FlaskCliRunner, plan: Plan) -> None:
    result = runner.invoke(args=["export", "brevo", str(plan.campaign.id + 1000)])

    assert result.exit_code == 1 and f"There is no campaign with ID {plan.campaign.id + 1000}." in result.output


# --- the bundle passes Brevo's stand-in, request by request ---------------------------------


def replay(bundle: dict[str, Any], standin: BrevoStandIn, ledger: MemoryLedger | None = None) -> dict[str, Any]:
    """The bundle pushed by the shared engine against the stand-in; the ID of each object by its ref."""
    credentials = adapter.credentials({"BREVO_API_URL": standin.url, "BREVO_API_KEY": "test-brevo-key"})
    assert credentials is not None
    result = engine.push(adapter, bundle, credentials=credentials, inputs={}, ledger=ledger or MemoryLedger(),
                         sleep=lambda seconds: None)
    return {step.ref: step.id for step in result.steps}


def test_the_brevo_bundle_passes_its_standin_request_by_request(plan: Plan, standin: BrevoStandIn) -> None:
    bundle = brevo.build_bundle(plan.campaign)

    ids = replay(bundle, standin)

    writes = standin.writes()
    # FIRSTNAME is one of Brevo's own attributes: found, not created; everything else is created once.
    assert [(w.method, w.path) for w in writes] == [
        ("POST", r["path"]) for r in bundle["requests"] if r["name"] != "FIRSTNAME"]
    assert all(200 <= r.status < 300 for r in standin.requests)
    assert {a["name"] for a in standin.attributes} >= {"SEGMENT", "FIRSTNAME", "COMPANY"}
    assert sorted(t["templateName"] for t in standin.templates.values()) == sorted(
        r["name"] for r in requests_of(bundle, "smtp/templates"))
    (folder_id,) = standin.folders
    assert standin.lists == {ids["list.busy-founders"]: {"name": "Trial journey / Busy founders", "folderId": folder_id},
                             ids["list.students"]: {"name": "Trial journey / Students", "folderId": folder_id}}
    (campaign,) = standin.campaigns.values()
    assert campaign["recipients"] == {"listIds": [ids["list.busy-founders"]]} and campaign["status"] == "draft"
    assert ids["campaign.monthly-tips.busy-founders"] in standin.campaigns


def test_the_demo_bundle_passes_its_standin_and_a_second_run_creates_nothing(
    demo: Campaign, standin: BrevoStandIn
) -> None:
    bundle = brevo.build_bundle(demo)
    first = replay(bundle, standin)
    created = [w for w in standin.writes() if w.method == "POST"]

    again = replay(bundle, standin)  # a new ledger: everything is found by name (and brought in line with PUT)

    assert [w for w in standin.writes() if w.method == "POST"] == created
    assert len(standin.folders) == 1 and len(standin.lists) == len(demo.segments)
    assert len(standin.templates) == len(requests_of(bundle, "smtp/templates"))
    assert len(standin.campaigns) == len(requests_of(bundle, "emailCampaigns"))
    assert again == first


def test_a_list_of_the_same_name_in_another_folder_is_not_taken_for_the_campaigns(
    plan: Plan, standin: BrevoStandIn
) -> None:
    elsewhere = standin.seed("folders", {"name": "Newsletters"})
    theirs = standin.seed("lists", {"name": "Trial journey / Busy founders", "folderId": elsewhere})

    ids = replay(brevo.build_bundle(plan.campaign), standin)

    assert ids["list.busy-founders"] != theirs
    assert standin.lists[ids["list.busy-founders"]]["folderId"] == ids["folder"]


def test_the_standin_refuses_a_bundle_request_with_an_unresolved_ref(plan: Plan, standin: BrevoStandIn) -> None:
    (request,) = requests_of(brevo.build_bundle(plan.campaign), "emailCampaigns")

    answer = httpx.post(standin.url + "/emailCampaigns", json=request["body"], headers={"api-key": "test-brevo-key"})

    assert answer.status_code == 400
    assert answer.json() == {"code": "invalid_parameter", "message": "recipients.listIds should be a list of integers"}
