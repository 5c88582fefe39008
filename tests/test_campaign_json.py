"""The campaign JSON document: export, import into an equal campaign, and refusals that write nothing."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient, FlaskCliRunner

from api_support import ISO_UTC, database_rows, error_of, unknown_id
from campaigns import services
from exports.documents import FORMAT, PHASE_SPEC, TOUCHPOINT_SPEC, VARIANT_SPEC, export_document
from campaigns.models import Campaign, Touchpoint
from journeymail.extensions import db
from segments import services as segment_services
from segments.models import Segment

IMPORT = "/api/campaigns/import"
CAMPAIGN_NAME = '=cmd|" /C calc"!A0, the "spring" trial'
TOUCHPOINT_NAME = 'Say "hi", friend'
MULTILINE = "Too many tools promise the same thing.\nNo time to research, \"really\"."
MJML = """<mjml>
  <mj-body>
    <mj-section><mj-column>
      <mj-text>Hello {{ firstname | default("there") }}, welcome aboard.</mj-text>
      <mj-button href="https://example.com/start">Start</mj-button>
      <mj-text><a href="{{ unsubscribe_url }}">Unsubscribe</a></mj-text>
    </mj-column></mj-section>
  </mj-body>
</mjml>
"""


def json_of(client: FlaskClient, campaign_id: int) -> dict[str, Any]:
    response = client.get(f"/campaigns/{campaign_id}/export/campaign.json")
    assert response.status_code == 200
    return json.loads(response.data)


@pytest.fixture
def rich(create_segment: Callable[..., Segment]) -> Campaign:
    """A campaign with every field set, edited phases, forms and emails, audiences and variants."""
    founders = create_segment(
        name="Busy founders", description="Run a company of five", opportunity="Short emails\nwith one button",
        sample_data={"firstname": "Ada", "seats": 5},
    )
    agencies = create_segment(name="@gencies, \"big\" ones", sample_data={})
    campaign = services.create_campaign({
        "name": CAMPAIGN_NAME, "goal": "Start a free trial\nand stay", "description": "For teams, 'small' or big.",
        "framework": "five-stage", "map_state": "current", "sender_name": "Maya, from Plannery",
        "sender_email": "maya@example.com", "reply_to": "team@example.com", "locale": "de_DE",
        "sample_data": {"firstname": "there", "company": "Plannery"},
    })
    services.set_segments(campaign, {"segment_ids": [founders.id, agencies.id]})
    services.update_phase(campaign.phases[0], {
        "name": "+Discovery", "emotion": -2, "pain_points": MULTILINE, "opportunities": "E-book\nWebinar",
        "description": "Finds us",
    })
    services.delete_phase(campaign.phases[-1])
    services.add_phase(campaign, {"name": "Advocacy", "emotion": 2, "position": 1})
    phases = campaign.phases
    services.add_touchpoint(campaign, {
        "phase_id": phases[0].id, "kind": "signup_form", "name": "-Signup form", "trigger": "visits",
        "cta": "Sign up", "segment_ids": [agencies.id],
    })
    welcome = services.add_touchpoint(campaign, {
        "phase_id": phases[0].id, "kind": "welcome", "name": TOUCHPOINT_NAME, "trigger": "signs up",
        "send_offset_days": 1, "cta": "Start", "subject": 'Hi {{ firstname | default("there") }}',
        "preheader": "Your workspace is ready: three steps to your first plan.", "mjml": MJML,
        "text_override": "Hello {{ firstname }},\nwelcome.",
    })
    services.add_touchpoint(campaign, {
        "phase_id": phases[1].id, "kind": "referral", "name": "Refer a team", "send_offset_days": 30,
        "segment_ids": [founders.id, agencies.id],
    })
    services.add_touchpoint(campaign, {"phase_id": phases[2].id, "kind": "offer", "name": "Offer", "position": 0})
    services.put_variant(welcome, founders, {"subject": "Founders: =SUM(1)", "preheader": None, "mjml": None})
    services.put_variant(welcome, agencies, {"mjml": MJML.replace("welcome aboard", "welcome, agency")})
    db.session.commit()
    return campaign


def describe(campaign: Campaign) -> dict[str, Any]:
    """Everything a campaign holds, without IDs and timestamps: what "an equal campaign" compares."""
    db.session.refresh(campaign)
    phase_index = {p.id: i for i, p in enumerate(campaign.phases)}
    return {
        "campaign": {name: getattr(campaign, name) for name in services.CAMPAIGN_FIELDS},
        "segments": [{name: getattr(s, name) for name in segment_services.SEGMENT_FIELDS} for s in campaign.segments],
        "phases": [{"position": p.position, **{n: getattr(p, n) for n in PHASE_SPEC}} for p in campaign.phases],
        "touchpoints": [
            {
                "phase": phase_index[t.phase_id], "position": t.position,
                **{n: getattr(t, n) for n in TOUCHPOINT_SPEC},
                "audience": [s.name for s in t.audience],
                "variants": sorted(({"segment": v.segment.name, **{n: getattr(v, n) for n in VARIANT_SPEC}}
                                    for v in t.variants), key=lambda v: v["segment"]),
            }
            for t in campaign.touchpoints_in_order()
        ],
    }


def assert_equal_campaigns(expected: dict[str, Any], actual: dict[str, Any]) -> None:
    """Field by field, so a failure names the field."""
    for name, value in expected["campaign"].items():
        assert actual["campaign"][name] == value, f"campaign.{name}"
    assert len(actual["segments"]) == len(expected["segments"])
    for index, (want, got) in enumerate(zip(expected["segments"], actual["segments"])):
        for name, value in want.items():
            assert got[name] == value, f"segments[{index}].{name}"
    assert len(actual["phases"]) == len(expected["phases"])
    for index, (want, got) in enumerate(zip(expected["phases"], actual["phases"])):
        for name, value in want.items():
            assert got[name] == value, f"phases[{index}].{name}"
    assert len(actual["touchpoints"]) == len(expected["touchpoints"])
    for index, (want, got) in enumerate(zip(expected["touchpoints"], actual["touchpoints"])):
        for name, value in want.items():
            assert got[name] == value, f"touchpoints[{index}].{name}"


def beside_the_original(described: dict[str, Any]) -> dict[str, Any]:
    """A campaign as its import beside it is: equal, but called "… (imported)", as the name is taken."""
    return {**described, "campaign": {**described["campaign"], "name": described["campaign"]["name"] + " (imported)"}}


def without_time(document: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in document.items() if k != "exported_at"}


# --- export ------------------------------------------------------------------------------


def test_export_is_a_versioned_download_that_refers_by_position_and_name(client: FlaskClient, rich: Campaign) -> None:
    response = client.get(f"/campaigns/{rich.id}/export/campaign.json")

    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert response.headers["Content-Disposition"].startswith("attachment; filename=")
    assert response.headers["Content-Disposition"].endswith("-campaign.json")
    document = json.loads(response.data.decode("utf-8"))
    assert (document["format"], document["version"]) == (FORMAT, 1)
    assert ISO_UTC.fullmatch(document["exported_at"])
    assert set(document) == {"format", "version", "exported_at", "campaign", "personas", "segments", "phases",
                             "touchpoints"}
    assert [t["phase"] for t in document["touchpoints"]] == [0, 0, 1, 2]
    assert document["touchpoints"][0]["segments"] == ['@gencies, "big" ones']
    assert [v["segment"] for v in document["touchpoints"][1]["variants"]] == ['@gencies, "big" ones', "Busy founders"]
    assert [s["name"] for s in document["segments"]] == ['@gencies, "big" ones', "Busy founders"]
    assert all(s["targeted"] for s in document["segments"])

    def keys(value: Any) -> set[str]:
        if isinstance(value, dict):
            return set(value) | {k for v in value.values() for k in keys(v)}
        if isinstance(value, list):
            return {k for v in value for k in keys(v)}
        return set()

    assert not {k for k in keys(document) if k == "id" or k.endswith("_id") or k.endswith("_ids")}


def test_awkward_text_survives_the_document_intact(client: FlaskClient, rich: Campaign) -> None:
    document = json_of(client, rich.id)

    assert document["campaign"]["name"] == CAMPAIGN_NAME
    assert document["campaign"]["goal"] == "Start a free trial\nand stay"
    assert document["phases"][0]["name"] == "+Discovery"
    assert document["phases"][0]["pain_points"] == MULTILINE
    assert document["touchpoints"][0]["name"] == "-Signup form"
    assert document["touchpoints"][1]["name"] == TOUCHPOINT_NAME
    assert document["touchpoints"][1]["mjml"] == MJML


def test_the_document_says_what_the_api_says_for_every_field_they_share(client: FlaskClient, rich: Campaign) -> None:
    document = json_of(client, rich.id)
    api = client.get(f"/api/campaigns/{rich.id}").get_json()
    api_segments = {s["name"]: s for s in client.get("/api/segments").get_json()}

    def shared(entry: dict[str, Any], api_entry: dict[str, Any], own: tuple[str, ...] = ()) -> None:
        fields = {k: v for k, v in entry.items() if k not in own}
        assert fields == {k: api_entry[k] for k in fields}

    shared(document["campaign"], api, own=("persona",))
    for segment in document["segments"]:
        shared(segment, api_segments[segment["name"]], own=("targeted", "persona"))
    for phase, api_phase in zip(document["phases"], api["phases"], strict=True):
        shared(phase, api_phase)
    for touchpoint, api_touchpoint in zip(document["touchpoints"], api["touchpoints"], strict=True):
        shared(touchpoint, api_touchpoint, own=("phase", "segments", "variants"))
        api_variants = {v["segment_id"]: v for v in api_touchpoint["variants"]}
        for variant in touchpoint["variants"]:
            shared(variant, api_variants[api_segments[variant["segment"]]["id"]], own=("segment",))


def test_an_unknown_campaign_is_404(client: FlaskClient) -> None:
    response = client.get(f"/campaigns/{unknown_id(Campaign)}/export/campaign.json")

    assert response.status_code == 404


# --- export, then import -----------------------------------------------------------------


def test_export_then_import_gives_an_equal_campaign_with_new_segments(client: FlaskClient, rich: Campaign) -> None:
    before = describe(rich)
    document = json_of(client, rich.id)
    segments = list(rich.segments)
    services.delete_campaign(rich)
    for segment in segments:  # the other Journeymail knows none of them
        segment_services.delete_segment(segment)
    db.session.commit()
    assert database_rows()["segments"] == []

    response = client.post(IMPORT, json=document)

    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["notes"] == []
    assert body["name"] == CAMPAIGN_NAME and isinstance(body["id"], int)
    imported = db.session.get(Campaign, body["id"])
    assert_equal_campaigns(before, describe(imported))
    assert without_time(json_of(client, imported.id)) == without_time(document)


def test_import_beside_the_original_reuses_its_segments(client: FlaskClient, rich: Campaign) -> None:
    before = describe(rich)
    segments_before = database_rows()["segments"]
    document = json_of(client, rich.id)

    response = client.post(IMPORT, json=document)

    assert response.status_code == 201
    assert response.get_json()["notes"] == []
    assert database_rows()["segments"] == segments_before
    imported = db.session.get(Campaign, response.get_json()["id"])
    assert imported.id != rich.id
    assert {s.id for s in imported.segments} == {s.id for s in rich.segments}
    assert_equal_campaigns(beside_the_original(before), describe(imported))


def test_an_existing_segment_with_another_definition_is_reused_and_the_import_says_so(
    client: FlaskClient, rich: Campaign
) -> None:
    document = json_of(client, rich.id)
    document["segments"][1].update(name="busy FOUNDERS", motivation="Wants it all")
    for touchpoint in document["touchpoints"]:
        for variant in touchpoint["variants"]:
            if variant["segment"] == "Busy founders":
                variant["segment"] = "busy FOUNDERS"
    founders = db.session.scalar(db.select(Segment).where(Segment.name == "Busy founders"))

    response = client.post(IMPORT, json=document)

    assert response.status_code == 201
    assert response.get_json()["notes"] == [
        'The segment "Busy founders" already exists and differs from the document\'s (name, motivation); '
        "the campaign uses the existing segment."
    ]
    db.session.refresh(founders)
    assert founders.motivation == "Follows us actively as a resource"
    assert founders.id in response.get_json()["segment_ids"]


def test_leftover_audiences_and_variants_of_an_untargeted_segment_come_back(
    client: FlaskClient, rich: Campaign
) -> None:
    founders = next(s for s in rich.segments if s.name == "Busy founders")
    services.set_segments(rich, {"segment_ids": [s.id for s in rich.segments if s is not founders]})
    db.session.commit()
    before = describe(rich)
    document = json_of(client, rich.id)
    assert [(s["name"], s["targeted"]) for s in document["segments"]] == [
        ('@gencies, "big" ones', True), ("Busy founders", False),
    ]

    response = client.post(IMPORT, json=document)

    assert response.status_code == 201
    imported = db.session.get(Campaign, response.get_json()["id"])
    assert [s.name for s in imported.segments] == ['@gencies, "big" ones']
    assert_equal_campaigns(beside_the_original(before), describe(imported))


def test_a_minimal_hand_written_document_imports(client: FlaskClient) -> None:
    document = {
        "format": FORMAT, "version": 1,
        "campaign": {"name": "Hand made", "goal": "Try", "framework": "five-stage", "sender_name": "Me",
                     "sender_email": "me@example.com"},
        "segments": [], "phases": [{"name": "Only phase"}],
        "touchpoints": [{"phase": 0, "kind": "welcome", "name": "Hello"}],
    }

    response = client.post(IMPORT, json=document)

    assert response.status_code == 201
    body = response.get_json()
    assert [p["name"] for p in body["phases"]] == ["Only phase"]
    assert body["touchpoints"][0]["mjml"].startswith("<mjml"), "an email without MJML starts from the starter"


# --- refusals: each says what is wrong and writes nothing ----------------------------------


def broken(change: Callable[[dict[str, Any]], Any]) -> Callable[[dict[str, Any]], Any]:
    """A copy of the document with `change` applied to it (what `change` returns is ignored)."""

    def apply(document: dict[str, Any]) -> Any:
        document = copy.deepcopy(document)
        change(document)
        return document

    return apply


REFUSALS = {
    "unknown version": (
        broken(lambda d: d.update(version=2)),
        "version", "This Journeymail reads version 1 of the campaign document, not 2.",
    ),
    "version as text": (broken(lambda d: d.update(version="1")), "version", 'not "1"'),
    "wrong format name": (
        broken(lambda d: d.update(format="mailjet.bundle")),
        "format", 'Not a Journeymail campaign document: "format" must be "journeymail.campaign".',
    ),
    "no format": (broken(lambda d: d.pop("format")), "format", "Not a Journeymail campaign document"),
    "not an object": (lambda d: [d], "document", "Must be a JSON object"),
    "broken phase reference": (
        broken(lambda d: d["touchpoints"][3].update(phase=9)),
        "touchpoints[3].phase", "No phase 9: the phases are numbered 0 to 4.",
    ),
    "phase as a name": (
        broken(lambda d: d["touchpoints"][0].update(phase="Discovery")),
        "touchpoints[0].phase", "Must be the index of a phase in phases",
    ),
    "missing phase": (broken(lambda d: d["touchpoints"][0].pop("phase")), "touchpoints[0].phase", "required"),
    "unknown kind": (
        broken(lambda d: d["touchpoints"][1].update(kind="fax")), "touchpoints[1].kind", "Choose one of: signup_form",
    ),
    "variant for a segment not in the document": (
        broken(lambda d: d["touchpoints"][1]["variants"][0].update(segment="Nobody")),
        "touchpoints[1].variants[0].segment", 'No segment named "Nobody" in segments.',
    ),
    "audience not in the document": (
        broken(lambda d: d["touchpoints"][0].update(segments=["Nobody"])),
        "touchpoints[0].segments[0]", 'No segment named "Nobody" in segments.',
    ),
    "two variants for one segment": (
        broken(lambda d: d["touchpoints"][1]["variants"].append(dict(d["touchpoints"][1]["variants"][0]))),
        "touchpoints[1].variants[2].segment", "has a variant for",
    ),
    "invalid sender": (
        broken(lambda d: d["campaign"].update(sender_email="maya(at)example")),
        "campaign.sender_email", "Not a valid email address",
    ),
    "unknown framework": (broken(lambda d: d["campaign"].update(framework="nine")), "campaign.framework", "Choose"),
    "email content on a form": (
        broken(lambda d: d["touchpoints"][0].update(subject="Hello")),
        "touchpoints[0].subject", "A signup form sends no email; leave this empty.",
    ),
    "variants on a form": (
        broken(lambda d: d["touchpoints"][0].update(variants=[{"segment": "Busy founders", "subject": "Hi"}])),
        "touchpoints[0].variants", "A signup form sends no email, so it has no variants.",
    ),
    "a disallowed merge tag": (
        broken(lambda d: d["touchpoints"][1].update(mjml="<mjml>{% for x in y %}{% endfor %}</mjml>")),
        "touchpoints[1].mjml", "blocks such as {% ... %} are not",
    ),
    "a segment listed twice": (
        broken(lambda d: d["segments"].append({**d["segments"][1], "name": "BUSY founders"})),
        "segments[2].name", '"BUSY founders" is listed already, as segments[1].',
    ),
    "a segment without a motivation": (
        broken(lambda d: d["segments"][0].pop("motivation")), "segments[0].motivation", "This field is required.",
    ),
    "an emotion out of range": (
        broken(lambda d: d["phases"][2].update(emotion=5)), "phases[2].emotion", "Must be between -2 and 2.",
    ),
    "phases not a list": (broken(lambda d: d.update(phases={"0": {}})), "phases", "Must be a list."),
    "no campaign": (broken(lambda d: d.pop("campaign")), "campaign", "This field is required"),
    "a database ID": (broken(lambda d: d["touchpoints"][0].update(id=12)), "touchpoints[0].id", "Unknown field."),
    "an unknown top-level field": (broken(lambda d: d.update(contacts=[])), "contacts", "Unknown field."),
}


@pytest.mark.parametrize("case", list(REFUSALS), ids=list(REFUSALS))
def test_a_broken_document_is_refused_with_its_path_and_writes_nothing(
    client: FlaskClient, rich: Campaign, case: str
) -> None:
    change, path, message = REFUSALS[case]
    document = change(json_of(client, rich.id))
    rows = database_rows()

    response = client.post(IMPORT, json=document)

    assert response.status_code == 422
    error = error_of(response)
    assert path in error["fields"], error
    assert message in error["fields"][path]
    assert error["message"].startswith(f"{path}: ")
    assert "Nothing was imported" in error["message"]
    assert database_rows() == rows


def test_every_problem_is_listed_at_once(client: FlaskClient, rich: Campaign) -> None:
    document = json_of(client, rich.id)
    document["campaign"]["sender_email"] = "nobody"
    document["touchpoints"][2]["phase"] = 7
    document["touchpoints"][3]["kind"] = "fax"
    rows = database_rows()

    response = client.post(IMPORT, json=document)

    error = error_of(response)
    assert response.status_code == 422
    assert set(error["fields"]) == {"campaign.sender_email", "touchpoints[2].phase", "touchpoints[3].kind"}
    assert error["message"].endswith("Nothing was imported; 2 more problems are listed in fields.")
    assert database_rows() == rows


def test_a_hopeless_document_lists_its_first_fifty_problems(client: FlaskClient, rich: Campaign) -> None:
    document = json_of(client, rich.id)
    document["touchpoints"] = [{"phase": 0, "kind": "fax", "name": f"Fax {n}"} for n in range(60)]

    response = client.post(IMPORT, json=document)

    error = error_of(response)
    assert len(error["fields"]) == 50
    assert error["message"].endswith("Nothing was imported; 59 more problems, the first 49 of them listed in fields.")


def test_a_body_that_is_not_json_is_400(client: FlaskClient, rich: Campaign) -> None:
    rows = database_rows()

    response = client.post(IMPORT, data='{"format": "journeymail.campaign", ', content_type="application/json")

    assert response.status_code == 400
    assert error_of(response)["message"] == "The request body is not valid JSON."
    assert database_rows() == rows


def test_a_body_that_is_not_sent_as_json_is_415(client: FlaskClient, rich: Campaign) -> None:
    document = json_of(client, rich.id)
    rows = database_rows()

    response = client.post(IMPORT, data=json.dumps(document), content_type="text/plain")

    assert response.status_code == 415
    error_of(response)
    assert database_rows() == rows


def test_a_document_over_the_size_limit_is_413(
    client: FlaskClient, rich: Campaign, app: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(app.config, "IMPORT_MAX_BYTES", 256 * 1024)  # the import's own limit, not MAX_CONTENT_LENGTH
    document = json_of(client, rich.id)
    document["campaign"]["description"] = "x" * app.config["IMPORT_MAX_BYTES"]
    rows = database_rows()

    response = client.post(IMPORT, data=json.dumps(document), content_type="application/json")

    assert response.status_code == 413
    assert error_of(response)["message"] == (
        "The request is larger than the 256 KB this server accepts for a campaign document."
    )
    assert database_rows() == rows


def test_import_answers_only_post(client: FlaskClient) -> None:
    response = client.get(IMPORT)

    assert response.status_code == 405
    assert error_of(response)["message"] == "This address does not accept that method."


def test_the_imported_campaign_reads_back_through_the_api(client: FlaskClient, rich: Campaign) -> None:
    created = client.post(IMPORT, json=json_of(client, rich.id)).get_json()

    fetched = client.get(f"/api/campaigns/{created['id']}").get_json()

    assert {k: v for k, v in created.items() if k != "notes"} == fetched
    assert isinstance(db.session.get(Touchpoint, fetched["touchpoints"][0]["id"]), Touchpoint)


# --- the command line: flask export campaign ID -o FILE, flask import campaign FILE ---------


def test_the_command_line_exports_and_imports_an_equal_campaign(
    runner: FlaskCliRunner, rich: Campaign, tmp_path: Path
) -> None:
    before = describe(rich)
    path = tmp_path / "campaign.json"

    exported = runner.invoke(args=["export", "campaign", str(rich.id), "-o", str(path)])
    imported = runner.invoke(args=["import", "campaign", str(path)])

    assert exported.exit_code == 0, exported.output
    assert json.loads(path.read_text(encoding="utf-8"))["format"] == FORMAT
    assert imported.exit_code == 0, imported.output
    new = db.session.scalars(db.select(Campaign).where(Campaign.id != rich.id)).one()
    assert f'Created the campaign "{CAMPAIGN_NAME} (imported)" (ID {new.id}) with 5 phases, 4 touchpoints and 2 ' \
           "segments." in imported.output
    assert_equal_campaigns(beside_the_original(before), describe(new))


def test_the_command_line_writes_the_document_to_standard_output(runner: FlaskCliRunner, rich: Campaign) -> None:
    result = runner.invoke(args=["export", "campaign", str(rich.id)])

    assert result.exit_code == 0
    assert without_time(json.loads(result.output)) == without_time(export_document(rich))


def test_the_command_line_imports_a_document_piped_to_standard_input(runner: FlaskCliRunner, rich: Campaign) -> None:
    document = runner.invoke(args=["export", "campaign", str(rich.id)]).output

    result = runner.invoke(args=["import", "campaign", "-"], input=document)

    assert result.exit_code == 0, result.output
    assert db.session.scalar(db.select(db.func.count(Campaign.id))) == 2


def test_the_command_line_refuses_a_broken_document_listing_every_problem(
    runner: FlaskCliRunner, client: FlaskClient, rich: Campaign, tmp_path: Path
) -> None:
    document = json_of(client, rich.id)
    document["touchpoints"][1]["phase"] = 12
    document["campaign"]["locale"] = "english"
    path = tmp_path / "broken.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    rows = database_rows()

    result = runner.invoke(args=["import", "campaign", str(path)])

    assert result.exit_code == 1
    assert "Nothing was imported; the document has these problems:" in result.output
    assert "  - touchpoints[1].phase: No phase 12: the phases are numbered 0 to 4." in result.output
    assert "  - campaign.locale: Use the form en_US (language_COUNTRY)." in result.output
    assert database_rows() == rows


def test_the_command_line_says_what_is_wrong(runner: FlaskCliRunner, tmp_path: Path) -> None:
    not_json = tmp_path / "notes.txt"
    not_json.write_text("not json", encoding="utf-8")

    unknown = runner.invoke(args=["export", "campaign", str(unknown_id(Campaign))])
    unreadable = runner.invoke(args=["import", "campaign", str(not_json)])

    assert unknown.exit_code == 1 and f"There is no campaign with ID {unknown_id(Campaign)}." in unknown.output
    assert unreadable.exit_code == 1
    assert "The file is not JSON: line 1, column 1: expected a value: text in double quotes, a number, true, false, null, {…} or […]." in unreadable.output
