"""A segment's rule as Mailjet's contactfilter Expression: every operator as Mailjet's segmentation reference
writes it, what Mailjet cannot say reported with its reason, and the bundle's filters, properties and notes."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask.testing import FlaskClient

from campaigns import services as campaign_services
from campaigns.models import Campaign, Touchpoint
from contacts import rules
from contacts_support import api_import, csv_text
from exports.mailjet import bundle as mailjet
from exports.mailjet.filters import expression
from journeymail.extensions import db
from segments.models import Segment



TYPES = {"plan": "string", "revenue": "decimal", "seats": "integer", "vip": "boolean", "renews_at": "datetime"}


def one(field: str, op: str, value: Any = None) -> dict[str, Any]:
    condition = {"field": field, "op": op}
    if value is not None:
        condition["value"] = value
    return {"all": [condition]}


@pytest.mark.parametrize(("rule", "expected"), [
    (one("property:plan", "eq", "pro"), '(plan="pro")'),
    (one("property:plan", "eq", 'say "hi" \\ bye'), r'(plan="say \"hi\" \\ bye")'),
    (one("property:plan", "ne", "pro"), '((not (plan="pro")))'),
    (one("property:plan", "is_set"), "(IsProvided(plan))"),
    (one("property:seats", "eq", 3), "(seats=3)"),
    (one("property:seats", "gt", 3), "(seats>3)"),
    (one("property:seats", "lt", 3), "(seats<3)"),
    (one("property:revenue", "gt", "100.50"), "(revenue>100.50)"),
    (one("property:vip", "eq", True), "(vip=true)"),
    (one("property:vip", "ne", False), "((not (vip=false)))"),
    (one("property:renews_at", "lt", "2025-01-01T00:00:00+00:00"), "(renews_at<ToDate(1735689600))"),
    (one("property:renews_at", "gt", "2025-01-01T00:00:00"), "(renews_at>ToDate(1735689600))"),
    (one("property:renews_at", "within_days", 30), "(IsInPreviousDays(renews_at,30))"),
    (one("property:renews_at", "not_within_days", 30), "((not IsInPreviousDays(renews_at,30)))"),
    (one("opens", "gt", 3), "(opens>3)"),
    (one("clicks", "eq", 0), "(clicks=0)"),
    (one("last_open_at", "within_days", 90), "(hasopenedsince(90))"),
    (one("last_click_at", "within_days", 7), "(hasclickedsince(7))"),
    (one("last_click_at", "not_within_days", 90), "((not hasclickedsince(90)))"),
    # groups: AND, OR, none as not of OR
    ({"all": [{"field": "last_open_at", "op": "within_days", "value": 90},
              {"field": "last_click_at", "op": "not_within_days", "value": 90}]},
     "(hasopenedsince(90)) AND ((not hasclickedsince(90)))"),
    ({"any": [{"field": "property:plan", "op": "eq", "value": "pro"},
              {"field": "opens", "op": "gt", "value": 3}]}, '(plan="pro") OR (opens>3)'),
    ({"none": [{"field": "last_open_at", "op": "within_days", "value": 90},
               {"field": "last_click_at", "op": "within_days", "value": 90}]},
     "((not ((hasopenedsince(90)) OR (hasclickedsince(90)))))"),
    ({"all": [{"field": "property:plan", "op": "eq", "value": "pro"},
              {"any": [{"field": "opens", "op": "gt", "value": 3},
                       {"field": "last_click_at", "op": "within_days", "value": 30}]}]},
     '(plan="pro") AND ((opens>3) OR (hasclickedsince(30)))'),
    # status is left to the list: "subscribed" holds for everyone Mailjet sends to, the others for no one
    ({"all": [{"field": "status", "op": "eq", "value": "subscribed"}, {"field": "opens", "op": "gt", "value": 1}]},
     "(opens>1)"),
    ({"all": [{"none": [{"field": "status", "op": "eq", "value": "unsubscribed"}]},
              {"field": "opens", "op": "gt", "value": 1}]}, "(opens>1)"),
    ({"any": [{"field": "status", "op": "eq", "value": "bounced"}, {"field": "clicks", "op": "gt", "value": 1}]},
     "(clicks>1)"),
])
def test_each_operator_as_mailjet_writes_it(rule: dict[str, Any], expected: str) -> None:
    translated = expression(rule, TYPES)
    assert translated.problems == []
    assert translated.expression == expected


@pytest.mark.parametrize(("rule", "reason"), [
    (one("property:plan", "contains", "pro"), "capitals"),
    (one("property:plan", "starts_with", "pro"), "capitals"),
    (one("property:plan", "eq", "two\nlines"), "line break"),
    (one("email", "eq", "anna@example.com"), "address"),
    (one("name", "starts_with", "An"), "address and the name"),
    (one("created_at", "within_days", 30), "added to Mailjet"),
    (one("confirmed_at", "is_set"), "consent"),
    (one("double_opt_in", "eq", True), "consent"),
    (one("consent_source", "eq", "shop"), "consent"),
    (one("last_open_at", "gt", "2025-01-01T00:00:00+00:00"), "fixed date"),
    (one("last_click_at", "is_set"), "fixed date or ever"),
    (one("property:gone", "eq", "x"), "no contact has this property"),
    (one("status", "eq", "subscribed"), "every contact Mailjet sends to"),
    (one("status", "eq", "unsubscribed"), "no contact Mailjet would send to"),
])
def test_what_mailjet_cannot_say_is_reported_with_its_reason(rule: dict[str, Any],
                                                              reason: str) -> None:
    translated = expression(rule, TYPES)
    assert translated.expression is None
    assert translated.properties == {}
    assert len(translated.problems) == 1 and reason in translated.problems[0]


def test_every_condition_mailjet_cannot_say_is_named_not_only_the_first() -> None:
    rule = {"all": [{"field": "property:plan", "op": "contains", "value": "pro"},
                    {"field": "opens", "op": "gt", "value": 2},
                    {"any": [{"field": "email", "op": "ends_with_is_no_op", "value": "x"},
                             {"field": "created_at", "op": "is_set"}]}]}
    problems = expression(rule, TYPES).problems
    assert [p.split(": ")[0] for p in problems] == ['property:plan contains "pro"', 'email ends_with_is_no_op "x"',
                                                   "created_at is_set"]


def test_another_segments_rule_is_inlined_in_parentheses() -> None:
    other = {"any": [{"field": "property:plan", "op": "eq", "value": "pro"}, {"field": "seats", "op": "gt", "value": 5}]}
    rule = {"all": [{"field": "segment", "op": "in_segment", "value": 7},
                    {"field": "last_click_at", "op": "within_days", "value": 30}]}
    translated = expression(rule, {**TYPES, "seats": None}, {7: other})
    assert translated.problems  # seats: nobody has it any more

    rule2 = {"all": [{"field": "segment", "op": "in_segment", "value": 7},
                     {"field": "last_click_at", "op": "within_days", "value": 30}]}
    other2 = {"any": [{"field": "property:plan", "op": "eq", "value": "pro"}, {"field": "opens", "op": "gt", "value": 5}]}
    translated = expression(rule2, TYPES, {7: other2})
    assert translated.expression == '((plan="pro") OR (opens>5)) AND (hasclickedsince(30))'
    assert translated.properties == {"plan": "str", "opens": "int"}


def test_a_segment_without_a_rule_holds_nobody_there_as_here() -> None:
    rule = {"any": [{"field": "segment", "op": "in_segment", "value": 7}, {"field": "opens", "op": "gt", "value": 5}]}
    assert expression(rule, TYPES, {7: None}).expression == "(opens>5)"


def test_the_properties_an_expression_reads_have_their_mailjet_datatype() -> None:
    rule = {"all": [{"field": "property:plan", "op": "eq", "value": "pro"},
                    {"field": "property:revenue", "op": "gt", "value": "1"},
                    {"field": "property:vip", "op": "is_set"},
                    {"field": "property:renews_at", "op": "within_days", "value": 3},
                    {"field": "clicks", "op": "gt", "value": 0}]}
    assert expression(rule, TYPES).properties == {"plan": "str", "revenue": "float", "vip": "bool",
                                                   "renews_at": "datetime", "clicks": "int"}


# --- in the bundle --------------------------------------------------------------------------------------------

BODY = ('<mjml><mj-body><mj-section><mj-column><mj-text>Hi {{ firstname | default("there") }}, your plan '
        '{{ plan }}. <a href="{{ unsubscribe_url }}">Unsubscribe</a></mj-text></mj-column></mj-section></mj-body>'
        '</mjml>')


@pytest.fixture
def ruled(client: FlaskClient, create_campaign: Callable[..., Campaign], create_segment: Callable[..., Segment],
          create_touchpoint: Callable[..., Touchpoint]) -> tuple[Campaign, Segment, Segment, Segment]:
    rows = [["email", "name", "plan", "seats"], ["anna@example.com", "Anna Adler", "pro", "3"]]
    response = api_import(client, csv_text(rows).encode(), policy="skip")
    assert response.status_code == 201, response.get_json()
    campaign = create_campaign(sender_name="Maya", sender_email="maya@example.com")
    pros = create_segment(name="Pros")
    wordy = create_segment(name="By name")
    plain = create_segment(name="Plain")
    campaign_services.set_segments(campaign, {"segment_ids": [pros.id, wordy.id, plain.id]})
    create_touchpoint(campaign, name="Welcome", subject="Hello", mjml=BODY)
    rules.set_rule(pros, {"all": [{"field": "property:plan", "op": "eq", "value": "pro"},
                                  {"field": "property:seats", "op": "gt", "value": 2},
                                  {"field": "last_click_at", "op": "within_days", "value": 30}]})
    rules.set_rule(wordy, {"all": [{"field": "name", "op": "starts_with", "value": "An"}]})
    db.session.commit()
    return campaign, pros, wordy, plain


def test_the_bundle_filters_by_each_rule_or_says_why_not(ruled: tuple[Campaign, Segment, Segment, Segment]) -> None:
    campaign, pros, wordy, plain = ruled
    bundle = mailjet.build_bundle(campaign)

    filters = {r["body"]["Name"]: r["body"]["Expression"] for r in bundle["requests"] if r["path"] == "contactfilter"}
    assert filters == {"Pros": '(plan="pro") AND (seats>2) AND (hasclickedsince(30))',
                       "By name": '(segment="by-name")', "Plain": '(segment="plain")'}
    # the refs and names stay as they were: the push finds the same objects again
    assert sorted(r["ref"] for r in bundle["requests"] if r["path"] == "contactfilter") == [
        "contactfilter.by-name", "contactfilter.plain", "contactfilter.pros"]
    declared = {r["body"]["Name"]: r["body"]["Datatype"] for r in bundle["requests"] if r["path"] == "contactmetadata"}
    assert declared == {"segment": "str", "firstname": "str", "plan": "str", "seats": "int"}

    notes = bundle["notes"]
    assert {n["segment"] for n in notes} == {"Pros", "By name"}
    (fallback,) = [n for n in notes if n["segment"] == "By name"]
    assert fallback["filter"] == "segment" and fallback["segment_id"] == wordy.id
    assert "segment" in fallback["message"] and "address and the name" in fallback["message"]
    assert any("opens and clicks of the emails it sent" in n["message"] for n in notes if n["segment"] == "Pros")
    assert mailjet.contacts_header(campaign) == ["email", "segment", "firstname", "plan", "seats"]


def test_the_export_page_lists_each_rules_filter(client: FlaskClient,
                                                 ruled: tuple[Campaign, Segment, Segment, Segment]) -> None:
    campaign = ruled[0]
    page = client.get(f"/campaigns/{campaign.id}/export").get_data(as_text=True)
    assert 'id="mailjet-filters"' in page
    assert "Pros" in page and "By name" in page
    assert "cannot become a Mailjet filter" in page and "address and the name" in page


def test_the_export_page_in_german(client: FlaskClient, ruled: tuple[Campaign, Segment, Segment, Segment]) -> None:
    campaign = ruled[0]
    page = client.get(f"/campaigns/{campaign.id}/export", headers={"Accept-Language": "de"}).get_data(as_text=True)
    assert 'id="mailjet-filters"' in page
    assert "Segmentfilter aus den Regeln der Segmente:" in page and "kann kein Mailjet-Filter werden" in page
