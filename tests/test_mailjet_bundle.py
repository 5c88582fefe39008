"""The Mailjet bundle: the ordered Mailjet API v3 requests that recreate a campaign, with field names as
Mailjet spells them, merge tags in Mailjet's syntax, and a refusal instead of a half-broken export."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Any

import pytest
from flask.testing import FlaskClient, FlaskCliRunner

from exports.mailjet import bundle as mailjet
from campaigns import services as campaign_services
from campaigns.kinds import KINDS
from campaigns.models import Campaign, Touchpoint
from campaigns.demo import create_demo
from journeymail.extensions import db
from emails import PREVIEW_UNSUBSCRIBE_URL, compile_mjml
from segments.models import Segment

BODY = """<mjml>
  <mj-head>
    <mj-title>Welcome</mj-title>
  </mj-head>
  <mj-body>
    <mj-section>
      <mj-column>
        <mj-text>Hello {{ firstname | default("there") }} from {{ company }}.</mj-text>
        <mj-button href="https://example.com/start?name={{ firstname | default("there") }}">Start your trial</mj-button>
        <mj-text><a href="{{ unsubscribe_url }}">Unsubscribe</a></mj-text>
      </mj-column>
    </mj-section>
  </mj-body>
</mjml>
"""
NEWSLETTER = BODY.replace("Start your trial", "Read the tips")
STUDENT_BODY = BODY.replace("Start your trial", "Get the student plan")
BROKEN = "<mjml><mj-body><mj-section><mj-column><mj-text>Hi</mj-text></mj-column></mj-section></mj-body>"
REF_PLACEHOLDER = re.compile(r"\{\{ref:[A-Za-z0-9_.-]+\}\}")


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


def requests_of(bundle: dict[str, Any], path: str) -> list[dict[str, Any]]:
    return [r for r in bundle["requests"] if r["path"] == path]


def contents_of(bundle: dict[str, Any], resource: str) -> list[dict[str, Any]]:
    """The detailcontent bodies of templates or campaign drafts, in bundle order."""
    return [r["body"] for r in bundle["requests"] if re.fullmatch(rf"{resource}/.+/detailcontent", r["path"])]


def content_for(bundle: dict[str, Any], ref_name: str) -> dict[str, Any]:
    (request,) = [r for r in bundle["requests"] if r["path"] == f"template/{{{{ref:{ref_name}}}}}/detailcontent"]
    return request["body"]


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


class Links(HTMLParser):
    """The href of every link, and the visible text, as an HTML parser (and so a mail client) reads them."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.hrefs: list[str] = []
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            self.hrefs.append(dict(attrs).get("href") or "")


# --- order and shape ---------------------------------------------------------------------


def test_bundle_is_a_versioned_document_of_requests(plan: Plan) -> None:
    bundle = mailjet.build_bundle(plan.campaign)

    assert bundle["format"] == "journeymail.mailjet-bundle" and bundle["version"] == 3
    assert bundle["campaign"] == {"id": plan.campaign.id, "name": "Trial journey", "locale": "en_US"}
    assert set(bundle["inputs"]) == {"contactslist"}
    for request in bundle["requests"]:
        assert set(request) <= {"method", "path", "body", "ref", "name"} and {"method", "path", "body"} <= set(request)
        assert request["method"] == "POST"
        # A creating request has a name to be looked up by; a content request has neither.
        assert ("ref" in request) == ("name" in request)


def test_requests_go_properties_then_filters_then_templates_then_campaign_drafts(plan: Plan) -> None:
    bundle = mailjet.build_bundle(plan.campaign)

    resources = [r["path"].split("/")[0] + ("/content" if r["path"].endswith("detailcontent") else "")
                 for r in bundle["requests"]]
    assert resources == [
        "contactmetadata", "contactmetadata", "contactmetadata",
        "contactfilter", "contactfilter",
        "template", "template/content", "template", "template/content", "template", "template/content",
        "campaigndraft", "campaigndraft/content",
    ]


def test_each_property_the_plan_uses_is_a_static_string_property(plan: Plan) -> None:
    bundle = mailjet.build_bundle(plan.campaign)

    assert [r["body"] for r in requests_of(bundle, "contactmetadata")] == [
        {"Datatype": "str", "Name": "segment", "NameSpace": "static"},
        {"Datatype": "str", "Name": "firstname", "NameSpace": "static"},
        {"Datatype": "str", "Name": "company", "NameSpace": "static"},
    ]


def test_each_targeted_segment_gets_a_contact_filter_on_its_slug(plan: Plan) -> None:
    bundle = mailjet.build_bundle(plan.campaign)

    filters = requests_of(bundle, "contactfilter")
    assert [f["body"] for f in filters] == [
        {"Name": "Busy founders", "Description": "Founders with no time.", "Expression": '(segment="busy-founders")'},
        {"Name": "Students", "Description": "Follows us actively as a resource", "Expression": '(segment="students")'},
    ]
    assert [f["ref"] for f in filters] == ["contactfilter.busy-founders", "contactfilter.students"]


def test_each_email_and_segment_gets_an_mjml_marketing_template(plan: Plan) -> None:
    bundle = mailjet.build_bundle(plan.campaign)

    templates = requests_of(bundle, "template")
    assert [t["ref"] for t in templates] == [
        "template.welcome.busy-founders", "template.welcome.students", "template.monthly-tips.busy-founders",
    ]
    first = templates[0]["body"]
    assert set(first) == {"Name", "EditMode", "Purposes", "Locale", "Description"}
    assert first["EditMode"] == 4 and first["Purposes"] == ["marketing"] and first["Locale"] == "en_US"
    assert first["Name"] == "Trial journey / Welcome / Busy founders"
    assert "Welcome" in first["Description"] and "Busy founders" in first["Description"]


def test_every_template_is_followed_by_its_content(plan: Plan) -> None:
    bundle = mailjet.build_bundle(plan.campaign)

    requests = bundle["requests"]
    for index, request in enumerate(requests):
        if request["path"] == "template":
            following = requests[index + 1]
            assert following["path"] == f"template/{{{{ref:{request['ref']}}}}}/detailcontent"
            assert set(following["body"]) == {"Html-part", "Text-part", "MJMLContent", "Headers"}
            assert "ref" not in following


def test_template_names_are_unique_even_when_touchpoint_names_repeat(
    plan: Plan, create_touchpoint: Callable[..., Touchpoint]
) -> None:
    again = create_touchpoint(plan.campaign, 2, name="Welcome", subject="Again", mjml=BODY)
    campaign_services.put_variant(again, plan.students, {"subject": "Again, student"})
    db.session.commit()

    bundle = mailjet.build_bundle(plan.campaign)

    names = [r["body"]["Name"] for r in requests_of(bundle, "template")]
    refs = [r["ref"] for r in bundle["requests"] if "ref" in r]
    assert len(names) == len(set(names)) == 5
    assert "Trial journey / Welcome / Students (2)" in names
    assert len(refs) == len(set(refs))
    assert "template.welcome-2.students" in refs


def test_refs_name_only_earlier_requests_or_the_contact_list(demo: Campaign) -> None:
    bundle = mailjet.build_bundle(demo)

    known = {"contactslist"}
    for request in bundle["requests"]:
        used = REF_PLACEHOLDER.findall(request["path"]) + [
            value for value in request["body"].values() if isinstance(value, str) and REF_PLACEHOLDER.fullmatch(value)
        ]
        for placeholder in used:
            assert placeholder[len("{{ref:"):-2] in known, placeholder
        if "ref" in request:
            assert request["ref"] not in known
            known.add(request["ref"])


def test_a_campaign_draft_per_broadcast_email_and_segment(demo: Campaign) -> None:
    bundle = mailjet.build_bundle(demo)

    drafts = requests_of(bundle, "campaigndraft")
    broadcast = [(t, s) for t in sorted(demo.touchpoints, key=lambda t: t.id) if t.is_email and KINDS[t.kind].broadcast
                 for s in demo.segments if t.reaches(s)]
    assert len(drafts) == len(broadcast) > 0
    assert {d["ref"].split(".")[1] for d in drafts} == {
        mailjet.touchpoint_slugs(demo)[t.id] for t, _ in broadcast
    }
    draft = drafts[0]["body"]
    assert set(draft) == {"Locale", "Sender", "SenderEmail", "SenderName", "Subject", "Title", "ContactsListID",
                          "SegmentationID", "TemplateID", "ReplyEmail"}
    assert draft["ContactsListID"] == "{{ref:contactslist}}"
    segment_slug = drafts[0]["ref"].split(".")[2]
    assert draft["SegmentationID"] == f"{{{{ref:contactfilter.{segment_slug}}}}}"
    assert (draft["Sender"], draft["SenderName"], draft["SenderEmail"]) == (
        "Maya from Plannery", "Maya from Plannery", "hello@plannery.example"
    )
    assert draft["Locale"] == "en_US" and draft["ReplyEmail"] == "team@plannery.example"


def test_drafts_come_after_every_template_and_carry_the_same_content(demo: Campaign) -> None:
    bundle = mailjet.build_bundle(demo)

    paths = [r["path"] for r in bundle["requests"]]
    assert max(i for i, p in enumerate(paths) if p.startswith("template")) < paths.index("campaigndraft")
    draft_contents = contents_of(bundle, "campaigndraft")
    template_contents = contents_of(bundle, "template")
    assert all(content in template_contents for content in draft_contents)


# --- merge tags in Mailjet's syntax ------------------------------------------------------


def test_html_parts_carry_mailjet_tags_and_nothing_of_ours(demo: Campaign) -> None:
    bundle = mailjet.build_bundle(demo)

    for value in strings(bundle):
        leftover = REF_PLACEHOLDER.sub("", value)
        assert "{{" not in leftover and "}}" not in leftover, leftover[:200]
        assert "unsubscribe_url" not in value and PREVIEW_UNSUBSCRIBE_URL not in value
    for content in contents_of(bundle, "template"):
        assert '[[data:firstname:"there"]]' in content["Html-part"]
        assert "[[UNSUB_LINK_EN]]" in Links(content["Html-part"]).hrefs


def test_refs_stand_only_in_paths_and_id_fields(demo: Campaign) -> None:
    bundle = mailjet.build_bundle(demo)

    for request in bundle["requests"]:
        for key, value in request["body"].items():
            for text in strings(value):
                if REF_PLACEHOLDER.search(text):
                    assert key.endswith("ID") and REF_PLACEHOLDER.fullmatch(text)


def test_unsubscribe_tag_follows_the_campaign_locale(plan: Plan) -> None:
    campaign_services.update_campaign(plan.campaign, {"locale": "de_DE"})
    db.session.commit()

    bundle = mailjet.build_bundle(plan.campaign)

    for content in contents_of(bundle, "template"):
        assert Links(content["Html-part"]).hrefs[-1] == "[[UNSUB_LINK_DE]]"
        assert "[[UNSUB_LINK_DE]]" in content["MJMLContent"] and "[[UNSUB_LINK_DE]]" in content["Text-part"]
    assert {r["body"]["Locale"] for r in bundle["requests"] if "Locale" in r["body"]} == {"de_DE"}


def test_the_compiled_html_of_a_german_campaign_says_it_is_german(plan: Plan) -> None:
    campaign_services.update_campaign(plan.campaign, {"locale": "de_DE"})
    db.session.commit()

    bundle = mailjet.build_bundle(plan.campaign)

    for content in contents_of(bundle, "template"):
        assert re.match(r'<!doctype html><html lang="de"', content["Html-part"])
        assert 'lang="und"' not in content["Html-part"]


@pytest.mark.parametrize("locale", ["pt_BR", "da_DK", "xx_YY"])
def test_a_locale_mailjet_has_no_unsubscribe_link_in_is_refused(plan: Plan, locale: str) -> None:
    campaign_services.update_campaign(plan.campaign, {"locale": locale})
    db.session.commit()

    with pytest.raises(mailjet.BundleRefused) as refused:
        mailjet.build_bundle(plan.campaign)

    (problem,) = refused.value.problems
    assert problem.field_name == "locale"
    assert str(problem) == (
        f"Mailjet has no unsubscribe link in the language of the campaign's locale {locale}. Set the campaign's "
        "locale to one of these languages in the campaign settings: English (en), Français (fr), Deutsch (de), "
        "Español (es), Nederlands (nl), Italiano (it)."
    )


def test_the_export_page_says_why_a_locale_cannot_go_to_mailjet(client: FlaskClient, plan: Plan) -> None:
    campaign_services.update_campaign(plan.campaign, {"locale": "pt_BR"})
    db.session.commit()

    page = client.get(f"/campaigns/{plan.campaign.id}/export").get_data(as_text=True)

    assert "Mailjet has no unsubscribe link in the language of the campaign&#39;s locale pt_BR." in page


def test_every_object_has_a_stable_name_unique_among_its_kind(plan: Plan) -> None:
    first = mailjet.build_bundle(plan.campaign)
    again = mailjet.build_bundle(plan.campaign)

    names = [(r["path"], r["name"]) for r in first["requests"] if "ref" in r]
    assert names == [(r["path"], r["name"]) for r in again["requests"] if "ref" in r]
    assert len(set(names)) == len(names)
    by_body = {"contactmetadata": "Name", "contactfilter": "Name", "template": "Name", "campaigndraft": "Title"}
    assert all(r["name"] == r["body"][by_body[r["path"]]] for r in first["requests"] if "ref" in r)


def test_a_merge_tag_inside_an_attribute_keeps_the_attribute_whole(plan: Plan) -> None:
    bundle = mailjet.build_bundle(plan.campaign)

    content = content_for(bundle, "template.welcome.busy-founders")
    html = content["Html-part"]
    # In text the tag is written as Mailjet documents it; in an attribute its quotes are &quot;, so the
    # attribute stays whole and any HTML parser reads its value as exactly the same tag.
    assert 'Hello [[data:firstname:"there"]] from [[data:company:""]].' in html
    assert 'href="https://example.com/start?name=[[data:firstname:&quot;there&quot;]]"' in html
    assert Links(html).hrefs == ['https://example.com/start?name=[[data:firstname:"there"]]', "[[UNSUB_LINK_EN]]"]
    assert '(https://example.com/start?name=[[data:firstname:"there"]])' in content["Text-part"]


def test_mjml_content_is_the_translated_source_that_compiles_to_the_html_part(plan: Plan) -> None:
    bundle = mailjet.build_bundle(plan.campaign)

    content = content_for(bundle, "template.welcome.busy-founders")
    expected = (
        BODY.replace('{{ firstname | default("there") }} from', '[[data:firstname:"there"]] from')
        .replace("{{ company }}", '[[data:company:""]]')
        .replace('{{ firstname | default("there") }}"', '[[data:firstname:&quot;there&quot;]]"')
        .replace("{{ unsubscribe_url }}", "[[UNSUB_LINK_EN]]")
        .replace("<mj-head>", "<mj-head><mj-preview>Three things to try in your first week</mj-preview>")
        .replace("<mjml>", '<mjml lang="en">')
    )
    assert content["MJMLContent"] == expected
    assert content["Html-part"] == compile_mjml(expected)


def test_subject_and_headers_as_mailjet_reads_them(plan: Plan) -> None:
    bundle = mailjet.build_bundle(plan.campaign)

    assert content_for(bundle, "template.welcome.busy-founders")["Headers"] == {
        "Subject": 'Welcome, [[data:firstname:"friend"]]',
        "From": '"Maya" <maya@example.com>',
        "Reply-to": "team@example.com",
    }


def test_demo_from_header_is_quoted_name_and_address(demo: Campaign) -> None:
    bundle = mailjet.build_bundle(demo)

    froms = {c["Headers"]["From"] for c in contents_of(bundle, "template")}
    assert froms == {'"Maya from Plannery" <hello@plannery.example>'}


def test_a_sender_name_with_quotes_stays_one_quoted_string(plan: Plan) -> None:
    campaign_services.update_campaign(plan.campaign, {"sender_name": 'Maya "the planner" \\ Co, Ltd.'})
    db.session.commit()

    bundle = mailjet.build_bundle(plan.campaign)

    headers = content_for(bundle, "template.welcome.busy-founders")["Headers"]
    assert headers["From"] == '"Maya \\"the planner\\" \\\\ Co, Ltd." <maya@example.com>'
    assert "Reply-to" in headers and "Cc" not in headers


def test_no_reply_to_means_no_reply_to_header(plan: Plan) -> None:
    campaign_services.update_campaign(plan.campaign, {"reply_to": ""})
    db.session.commit()

    bundle = mailjet.build_bundle(plan.campaign)

    assert set(content_for(bundle, "template.welcome.busy-founders")["Headers"]) == {"Subject", "From"}
    assert "ReplyEmail" not in requests_of(bundle, "campaigndraft")[0]["body"]


def test_a_default_with_quotes_cannot_break_the_mailjet_tag(plan: Plan) -> None:
    campaign_services.update_touchpoint(plan.welcome, {"subject": '{{ firstname | default("dear \\"reader\\" ]]") }}'})
    db.session.commit()

    bundle = mailjet.build_bundle(plan.campaign)

    subject = content_for(bundle, "template.welcome.busy-founders")["Headers"]["Subject"]
    assert subject == "[[data:firstname:\"dear 'reader' ] ]\"]]"


# --- preheader and text part -------------------------------------------------------------


def test_preheader_travels_in_the_mjml_as_mj_preview(plan: Plan) -> None:
    bundle = mailjet.build_bundle(plan.campaign)

    content = content_for(bundle, "template.welcome.busy-founders")
    assert "<mj-preview>Three things to try in your first week</mj-preview>" in content["MJMLContent"]
    assert "Three things to try in your first week" in content["Html-part"]
    assert "Three things" not in content["Text-part"]  # hidden preview text is no part of the text


def test_the_preheader_replaces_an_mj_preview_the_body_already_has(plan: Plan) -> None:
    body = BODY.replace("<mj-title>Welcome</mj-title>", "<mj-preview>Old & stale</mj-preview>")
    campaign_services.update_touchpoint(plan.welcome, {"mjml": body, "preheader": "Fresh & {{ firstname }}"})
    db.session.commit()

    bundle = mailjet.build_bundle(plan.campaign)

    mjml = content_for(bundle, "template.welcome.busy-founders")["MJMLContent"]
    assert mjml.count("<mj-preview>") == 1
    assert '<mj-preview>Fresh &amp; [[data:firstname:""]]</mj-preview>' in mjml


def test_without_a_preheader_the_bodys_own_mj_preview_stays(plan: Plan) -> None:
    body = BODY.replace("<mj-title>Welcome</mj-title>", "<mj-preview>Written in the body</mj-preview>")
    campaign_services.update_touchpoint(plan.welcome, {"mjml": body, "preheader": ""})
    db.session.commit()

    bundle = mailjet.build_bundle(plan.campaign)

    assert "<mj-preview>Written in the body</mj-preview>" in content_for(
        bundle, "template.welcome.busy-founders"
    )["MJMLContent"]


def test_an_mjml_without_head_gets_one_for_the_preheader(plan: Plan) -> None:
    body = re.sub(r"<mj-head>.*?</mj-head>\s*", "", BODY, flags=re.DOTALL)
    campaign_services.update_touchpoint(plan.welcome, {"mjml": body})
    db.session.commit()

    bundle = mailjet.build_bundle(plan.campaign)

    mjml = content_for(bundle, "template.welcome.busy-founders")["MJMLContent"]
    assert re.search(r'<mjml lang="en">\s*<mj-head>\s*<mj-preview>Three things to try in your first week</mj-preview>', mjml)


def test_text_part_is_derived_from_the_html_with_mailjet_tags(plan: Plan) -> None:
    bundle = mailjet.build_bundle(plan.campaign)

    text = content_for(bundle, "template.welcome.busy-founders")["Text-part"]
    assert 'Hello [[data:firstname:"there"]] from [[data:company:""]].' in text
    assert "Unsubscribe ([[UNSUB_LINK_EN]])" in text


def test_a_hand_written_text_part_is_translated_too(plan: Plan) -> None:
    text = 'Hi {{ firstname | default("you") }},\nUnsubscribe: {{ unsubscribe_url }}'
    campaign_services.update_touchpoint(plan.welcome, {"text_override": text})
    db.session.commit()

    bundle = mailjet.build_bundle(plan.campaign)

    assert content_for(bundle, "template.welcome.busy-founders")["Text-part"] == (
        'Hi [[data:firstname:"you"]],\nUnsubscribe: [[UNSUB_LINK_EN]]'
    )


# --- variants, audiences -----------------------------------------------------------------


def test_a_segment_gets_its_variant(plan: Plan) -> None:
    bundle = mailjet.build_bundle(plan.campaign)

    founders = content_for(bundle, "template.welcome.busy-founders")
    students = content_for(bundle, "template.welcome.students")
    assert "Start your trial" in founders["Html-part"] and "Get the student plan" not in founders["Html-part"]
    assert "Get the student plan" in students["Html-part"]
    assert students["Headers"]["Subject"] == "Hi student"
    # The variant sets no preheader, so it inherits the base one.
    assert "<mj-preview>Three things to try in your first week</mj-preview>" in students["MJMLContent"]


def test_demo_variant_subject_for_its_segment(demo: Campaign) -> None:
    bundle = mailjet.build_bundle(demo)

    dormant = content_for(bundle, "template.e-book-delivery-and-welcome.dormant-subscribers")
    assert dormant["Headers"]["Subject"] == "Still want the social planning e-book?"
    # The two other segments receive the touchpoint's own email: one template, named for the touchpoint.
    shared = content_for(bundle, "template.e-book-delivery-and-welcome")
    assert shared["Headers"]["Subject"] == 'Your e-book is here, [[data:firstname:"there"]]'


def test_an_email_limited_to_some_segments_yields_templates_only_for_them(plan: Plan) -> None:
    bundle = mailjet.build_bundle(plan.campaign)

    refs = [r["ref"] for r in bundle["requests"] if r["path"] in ("template", "campaigndraft")]
    assert "template.monthly-tips.busy-founders" in refs
    assert not [r for r in refs if r.endswith("monthly-tips.students")]
    assert [r for r in refs if r.startswith("campaigndraft")] == ["campaigndraft.monthly-tips.busy-founders"]


def test_demo_audiences_are_respected(demo: Campaign) -> None:
    bundle = mailjet.build_bundle(demo)

    refs = {r["ref"] for r in bundle["requests"] if r["path"] == "template"}
    assert "template.case-study-agency-saves-6-hours-a-week.engaged-evaluators" in refs
    assert not {"template.case-study-agency-saves-6-hours-a-week.casual-browsers",
                "template.case-study-agency-saves-6-hours-a-week.dormant-subscribers"} & refs
    assert "template.three-months-free-trial.dormant-subscribers" not in refs


# --- one template for an email several segments receive unchanged -----------------------


@pytest.fixture
def three(plan: Plan, create_segment: Callable[..., Segment]) -> Segment:
    """A third targeted segment, "Agencies", with no variants: it gets the base of every email it reaches."""
    agencies = create_segment(name="Agencies")
    campaign_services.set_segments(plan.campaign, {"segment_ids": [plan.founders.id, plan.students.id, agencies.id]})
    db.session.commit()
    return agencies


def test_segments_that_receive_the_same_email_share_one_template(plan: Plan, three: Segment) -> None:
    bundle = mailjet.build_bundle(plan.campaign)

    templates = requests_of(bundle, "template")
    assert [(t["ref"], t["body"]["Name"]) for t in templates] == [
        ("template.welcome", "Trial journey / Welcome"),  # its own content: Agencies and Busy founders
        ("template.welcome.students", "Trial journey / Welcome / Students"),
        ("template.monthly-tips.busy-founders", "Trial journey / Monthly tips / Busy founders"),
    ]
    assert templates[0]["body"]["Description"].startswith("Welcome in the phase 'Awareness' for 'Agencies' and "
                                                           "'Busy founders'.")
    assert "Start your trial" in content_for(bundle, "template.welcome")["Html-part"]
    assert len(contents_of(bundle, "template")) == 3


def test_each_segments_campaign_draft_names_the_template_it_shares(plan: Plan, three: Segment) -> None:
    campaign_services.update_touchpoint(plan.newsletter, {"segment_ids": []})  # now every segment gets it
    db.session.commit()

    bundle = mailjet.build_bundle(plan.campaign)

    drafts = requests_of(bundle, "campaigndraft")
    assert [(d["ref"], d["body"]["Title"], d["body"]["TemplateID"]) for d in drafts] == [
        ("campaigndraft.monthly-tips.agencies", "Trial journey / Monthly tips / Agencies",
         "{{ref:template.monthly-tips}}"),
        ("campaigndraft.monthly-tips.busy-founders", "Trial journey / Monthly tips / Busy founders",
         "{{ref:template.monthly-tips}}"),
        ("campaigndraft.monthly-tips.students", "Trial journey / Monthly tips / Students",
         "{{ref:template.monthly-tips}}"),
    ]
    assert [d["body"]["SegmentationID"] for d in drafts] == [
        "{{ref:contactfilter.agencies}}", "{{ref:contactfilter.busy-founders}}", "{{ref:contactfilter.students}}",
    ]
    assert [r["ref"] for r in requests_of(bundle, "template")].count("template.monthly-tips") == 1
    assert contents_of(bundle, "campaigndraft") == [content_for(bundle, "template.monthly-tips")] * 3


def test_a_variant_that_changes_nothing_mailjet_gets_shares_the_base_template(plan: Plan, three: Segment) -> None:
    campaign_services.put_variant(plan.welcome, three, {"subject": plan.welcome.subject, "mjml": BODY})
    db.session.commit()

    bundle = mailjet.build_bundle(plan.campaign)

    refs = [t["ref"] for t in requests_of(bundle, "template")]
    assert refs == ["template.welcome", "template.welcome.students", "template.monthly-tips.busy-founders"]


def test_several_segments_with_the_same_variant_share_a_template_named_for_them(
    plan: Plan, three: Segment
) -> None:
    campaign_services.put_variant(plan.welcome, three, {"subject": "Hi student", "mjml": STUDENT_BODY})
    db.session.commit()

    bundle = mailjet.build_bundle(plan.campaign)

    templates = requests_of(bundle, "template")
    assert [(t["ref"], t["body"]["Name"]) for t in templates] == [
        ("template.welcome.agencies.students", "Trial journey / Welcome / Agencies and Students"),
        ("template.welcome.busy-founders", "Trial journey / Welcome / Busy founders"),
        ("template.monthly-tips.busy-founders", "Trial journey / Monthly tips / Busy founders"),
    ]
    assert content_for(bundle, "template.welcome.agencies.students")["Headers"]["Subject"] == "Hi student"


def test_a_shared_variant_of_many_segments_names_three_and_counts_the_rest(
    plan: Plan, create_segment: Callable[..., Segment]
) -> None:
    others = [create_segment(name=f"Group {n}") for n in range(1, 6)]
    campaign_services.set_segments(plan.campaign, {"segment_ids": [plan.founders.id, *(s.id for s in others)]})
    for segment in others:
        campaign_services.put_variant(plan.welcome, segment, {"subject": "For groups"})
    db.session.commit()

    bundle = mailjet.build_bundle(plan.campaign)

    (shared,) = [t for t in requests_of(bundle, "template") if t["ref"].startswith("template.welcome.group")]
    assert shared["ref"] == "template.welcome.group-1.group-2.group-3.and-2-more"
    assert shared["body"]["Name"] == "Trial journey / Welcome / Group 1, Group 2, Group 3 and 2 more"
    assert "for 'Group 1', 'Group 2', 'Group 3', 'Group 4' and 'Group 5'." in shared["body"]["Description"]


def test_every_campaign_draft_names_a_template_with_its_content(demo: Campaign) -> None:
    bundle = mailjet.build_bundle(demo)

    contents = {r["path"]: r["body"] for r in bundle["requests"] if r["path"].endswith("/detailcontent")}
    for index, request in enumerate(bundle["requests"]):
        if request["path"] == "campaigndraft":
            template = request["body"]["TemplateID"]
            assert contents[f"template/{template}/detailcontent"] == bundle["requests"][index + 1]["body"]
    assert len(requests_of(bundle, "template")) < len({(t.id, s.id) for t in demo.touchpoints if t.is_email
                                                       for s in demo.segments if t.reaches(s)})


# --- slugs -------------------------------------------------------------------------------


def test_segment_slugs_are_ascii_unique_and_never_empty(
    create_campaign: Callable[..., Campaign], create_segment: Callable[..., Segment]
) -> None:
    campaign = create_campaign()
    segments = [create_segment(name=n) for n in ("Café crème", "Cafe creme!", "日本の読者")]
    campaign_services.set_segments(campaign, {"segment_ids": [s.id for s in segments]})
    db.session.commit()

    slugs = mailjet.segment_slugs(campaign)

    assert slugs[segments[0].id] == "cafe-creme-2" and slugs[segments[1].id] == "cafe-creme"  # by name order
    assert slugs[segments[2].id] == f"segment-{segments[2].id}"
    assert slugs == mailjet.segment_slugs(campaign)


# --- refusals ----------------------------------------------------------------------------


def test_mjml_that_does_not_compile_refuses_the_whole_bundle(plan: Plan) -> None:
    campaign_services.put_variant(plan.welcome, plan.students, {"mjml": BROKEN})
    campaign_services.update_touchpoint(plan.newsletter, {"mjml": "<mjml><mj-body><mj-unknown"})
    db.session.commit()

    with pytest.raises(mailjet.BundleRefused) as refused:
        mailjet.build_bundle(plan.campaign)

    failing = [(p.touchpoint.name, p.segment.name) for p in refused.value.problems]
    assert failing == [("Welcome", "Students"), ("Monthly tips", "Busy founders")]
    assert all("MJML" in p.message or "mjml" in p.message for p in refused.value.problems)
    assert mailjet.mailjet_readiness(plan.campaign)[0].startswith('"Welcome" for Students')


def test_an_empty_subject_is_refused(plan: Plan) -> None:
    campaign_services.update_touchpoint(plan.newsletter, {"subject": ""})
    db.session.commit()

    assert mailjet.mailjet_readiness(plan.campaign) == [
        '"Monthly tips" for Busy founders: The subject is empty; Mailjet needs one.'
    ]


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("sender_email", "not an address", "The sender address 'not an address' is not an address Mailjet accepts"),
        ("sender_email", "", "The campaign has no sender address; Mailjet needs one."),
        ("sender_email", "ünï@example.com", "is not an address Mailjet accepts"),
        ("reply_to", "team@", "The reply-to address 'team@' is not an address Mailjet accepts"),
        ("sender_name", "  ", "The campaign has no sender name; Mailjet needs one."),
    ],
)
def test_a_sender_mailjet_would_reject_is_reported_before_export(
    plan: Plan, field: str, value: str, message: str
) -> None:
    setattr(plan.campaign, field, value)  # past the service's own check, as an old or imported row might be
    db.session.commit()

    readiness = mailjet.mailjet_readiness(plan.campaign)

    assert len(readiness) == 1 and message in readiness[0]
    with pytest.raises(mailjet.BundleRefused):
        mailjet.build_bundle(plan.campaign)


@pytest.mark.parametrize(
    ("tag", "message"),
    [
        ("{{ email }}", "The merge tag {{ email }} cannot become a Mailjet contact property"),
        ("{{ prénom }}", "use only ASCII letters, digits and _"),
        ("{{ Firstname }}", "differ only in capitals"),
    ],
)
def test_merge_tags_mailjet_cannot_hold_as_properties_are_refused(plan: Plan, tag: str, message: str) -> None:
    campaign_services.update_touchpoint(plan.newsletter, {"subject": f"Tips for {tag}"})
    db.session.commit()

    readiness = mailjet.mailjet_readiness(plan.campaign)

    assert len(readiness) == 1 and message in readiness[0]


def test_nothing_stops_the_demo_from_building_for_mailjet(demo: Campaign) -> None:
    # It builds; its one unfinished email keeps the export page from calling it ready (test_demo_content.py).
    assert mailjet.mailjet_readiness(demo) == []


# --- the download ------------------------------------------------------------------------


def test_download_is_the_bundle_as_an_attachment(client: FlaskClient, plan: Plan) -> None:
    response = client.get(f"/campaigns/{plan.campaign.id}/export/mailjet.json")

    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert response.headers["Content-Disposition"] == 'attachment; filename=trial-journey-mailjet.json'
    assert json.loads(response.get_data(as_text=True)) == mailjet.build_bundle(plan.campaign)


def test_the_download_is_compact_json_streamed_a_request_at_a_time(client: FlaskClient, demo: Campaign) -> None:
    response = client.get(f"/campaigns/{demo.id}/export/mailjet.json", buffered=False)  # as it arrives

    assert response.status_code == 200 and response.is_streamed
    assert "Content-Length" not in response.headers
    text = response.get_data(as_text=True)
    assert text.startswith('{"format":"journeymail.mailjet-bundle","version":3,"campaign":{')
    assert text.count("\n") == 1 and text.endswith("]}\n")  # no indentation: one line
    assert json.loads(text) == mailjet.build_bundle(demo)
    chunks = list(mailjet.bundle_chunks(mailjet.build_bundle(demo)))
    assert len(chunks) == len(mailjet.build_bundle(demo)["requests"]) + 2


def test_names_with_quotes_commas_and_newlines_survive_the_json(client: FlaskClient, plan: Plan) -> None:
    odd = 'Founders, "busy" </script>\n=1+2 \\ ünïcødé'
    plan.founders.description = odd
    campaign_services.update_campaign(plan.campaign, {"name": '=HYPERLINK("x"), "Q1"'})
    campaign_services.update_touchpoint(plan.welcome, {"name": '@Welcome, "new" reader'})
    db.session.commit()

    response = client.get(f"/campaigns/{plan.campaign.id}/export/mailjet.json")

    bundle = json.loads(response.get_data(as_text=True))
    (founders_filter, _) = requests_of(bundle, "contactfilter")
    assert founders_filter["body"]["Description"] == odd
    assert bundle["campaign"]["name"] == '=HYPERLINK("x"), "Q1"'
    name = requests_of(bundle, "template")[0]["body"]["Name"]
    assert name == '=HYPERLINK("x"), "Q1" / @Welcome, "new" reader / Busy founders'
    assert "template.welcome-new-reader.busy-founders" in {r.get("ref") for r in bundle["requests"]}
    assert response.headers["Content-Security-Policy"].startswith("default-src 'none'")


def test_download_of_an_unknown_campaign_is_a_404_page(client: FlaskClient, plan: Plan) -> None:
    response = client.get(f"/campaigns/{plan.campaign.id + 1000}/export/mailjet.json")

    assert response.status_code == 404
    assert response.mimetype == "text/html"


def test_a_refused_download_is_a_422_page_listing_the_failing_emails(client: FlaskClient, plan: Plan) -> None:
    campaign_services.put_variant(plan.welcome, plan.students, {"mjml": BROKEN})
    db.session.commit()

    response = client.get(f"/campaigns/{plan.campaign.id}/export/mailjet.json")

    assert response.status_code == 422 and response.mimetype == "text/html"
    page = response.get_data(as_text=True)
    assert "The Mailjet bundle was not exported" in page
    assert "Content-Disposition" not in response.headers
    failing = [" ".join(item.split()) for item in re.findall(r"<li><strong>(.*?)</li>", page, re.DOTALL)]
    assert failing == ["Students</strong>: " + problem.message for problem in mailjet.problems(plan.campaign)]
    assert "Welcome" in page


def test_a_refused_download_answers_json_to_a_client_that_asks_for_it(client: FlaskClient, plan: Plan) -> None:
    campaign_services.put_variant(plan.welcome, plan.students, {"mjml": BROKEN})
    plan.campaign.sender_email = "nobody"
    db.session.commit()

    response = client.get(f"/campaigns/{plan.campaign.id}/export/mailjet.json", headers={"Accept": "application/json"})

    assert response.status_code == 422
    error = response.get_json()["error"]
    assert set(error) == {"message", "fields"}
    assert set(error["fields"]) == {"sender_email", f"touchpoints.{plan.welcome.id}.segments.{plan.students.id}"}
    assert "The sender address 'nobody'" in error["message"]


# --- the contacts CSV --------------------------------------------------------------------


def test_contacts_template_is_the_import_header_email_first(client: FlaskClient, plan: Plan) -> None:
    response = client.get(f"/campaigns/{plan.campaign.id}/export/contacts-template.csv")

    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"] == "attachment; filename=trial-journey-contacts.csv"
    text = response.get_data(as_text=True)
    assert text == '"email","segment","firstname","company"\r\n'
    assert next(csv.reader(io.StringIO(text))) == ["email", *[
        r["body"]["Name"] for r in requests_of(mailjet.build_bundle(plan.campaign), "contactmetadata")
    ]]


def test_contacts_template_of_an_unknown_campaign_is_404(client: FlaskClient, plan: Plan) -> None:
    assert client.get(f"/campaigns/{plan.campaign.id + 1000}/export/contacts-template.csv").status_code == 404


# --- the command -------------------------------------------------------------------------


def test_export_command_writes_the_bundle_file(runner: FlaskCliRunner, demo: Campaign, tmp_path: Any) -> None:
    target = tmp_path / "bundle.json"

    result = runner.invoke(args=["export", "mailjet", str(demo.id), "-o", str(target)])

    assert result.exit_code == 0, result.output
    assert json.loads(target.read_text("utf-8")) == mailjet.build_bundle(demo)
    assert f"to {target}" in result.output


def test_export_command_writes_to_standard_output_without_o(runner: FlaskCliRunner, plan: Plan) -> None:
    result = runner.invoke(args=["export", "mailjet", str(plan.campaign.id)])

    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["format"] == "journeymail.mailjet-bundle"


def test_export_command_for_an_unknown_campaign_fails(runner: FlaskCliRunner, plan: Plan, tmp_path: Any) -> None:
    target = tmp_path / "bundle.json"

    result = runner.invoke(args=["export", "mailjet", str(plan.campaign.id + 1000), "-o", str(target)])

    assert result.exit_code != 0
    assert f"There is no campaign with ID {plan.campaign.id + 1000}." in result.output
    assert not target.exists()


def test_export_command_lists_the_failing_emails_and_writes_nothing(
    runner: FlaskCliRunner, plan: Plan, tmp_path: Any
) -> None:
    campaign_services.put_variant(plan.welcome, plan.students, {"mjml": BROKEN})
    db.session.commit()
    target = tmp_path / "bundle.json"

    result = runner.invoke(args=["export", "mailjet", str(plan.campaign.id), "-o", str(target)])

    assert result.exit_code == 1
    assert "The Mailjet bundle was not exported" in result.output
    assert '"Welcome" for Students' in result.output
    assert not target.exists() and list(tmp_path.iterdir()) == []
