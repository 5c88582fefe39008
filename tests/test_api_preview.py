"""The preview API: one email as a segment receives it (GET), MJML as it is being written (POST),
and the bad input both must answer with a clear message while no template code ever runs."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from api_support import TOO_BIG_ID, database_rows, error_of, unknown_id
from campaigns.models import Campaign, Touchpoint
from emails import preview_cache
from emails import PREVIEW_UNSUBSCRIBE_URL, compile_cache
from journeymail.security import DOCUMENT_POLICY
from segments.models import Segment

BODY = """<mjml>
  <mj-body>
    <mj-section>
      <mj-column>
        <mj-text>Hello {{ firstname | default("there") }}, this is {{ company }}.</mj-text>
        <mj-button href="https://plannery.example/start">Start your trial</mj-button>
        <mj-text><a href="{{ unsubscribe_url }}">Unsubscribe</a></mj-text>
      </mj-column>
    </mj-section>
  </mj-body>
</mjml>
"""
VARIANT_BODY = BODY.replace("Start your trial", "Book a demo")
SUBJECT = "Welcome, {{ firstname | default(\"friend\") }}"
PREHEADER = "Three things to try in your first week with us"
PREVIEW_KEYS = {"subject", "preheader", "html", "text", "checks"}
CHECK_KEYS = {"code", "severity", "message", "line"}


@dataclass
class Journey:
    campaign: Campaign
    founders: Segment  # targeted
    students: Segment  # targeted
    welcome: Touchpoint  # an email in the first phase

    def preview(self, client: FlaskClient, segment: Segment | int | str | None = None) -> TestResponse:
        """GET the welcome email's preview, for `segment` (a Segment, or the raw ?segment= value) if given."""
        query: dict[str, Any] = {"touchpoint": self.welcome.id}
        if segment is not None:
            query["segment"] = segment.id if isinstance(segment, Segment) else segment
        return client.get(f"/api/campaigns/{self.campaign.id}/preview", query_string=query)


@pytest.fixture
def journey(
    client: FlaskClient,
    create_campaign: Callable[..., Campaign],
    create_segment: Callable[..., Segment],
    create_touchpoint: Callable[..., Touchpoint],
) -> Journey:
    """A campaign targeting "Busy founders" and "Students", with one welcome email."""
    campaign = create_campaign()
    founders = create_segment(name="Busy founders", sample_data={"firstname": "Ada"})
    students = create_segment(name="Students", sample_data={"firstname": "Sam", "company": "Campus Co"})
    response = client.put(f"/api/campaigns/{campaign.id}/segments", json={"segment_ids": [founders.id, students.id]})
    assert response.status_code == 200
    welcome = create_touchpoint(campaign, subject=SUBJECT, preheader=PREHEADER, mjml=BODY)
    return Journey(campaign, founders, students, welcome)


def set_campaign_values(client: FlaskClient, journey: Journey, values: dict[str, Any]) -> None:
    response = client.patch(f"/api/campaigns/{journey.campaign.id}", json={"sample_data": values})
    assert response.status_code == 200


def preview_of(response: TestResponse) -> dict[str, Any]:
    """A preview document, checked for the shape DESIGN.md promises."""
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    body = response.get_json()
    assert PREVIEW_KEYS <= set(body)
    for check in body["checks"]:
        assert set(check) == CHECK_KEYS
        assert check["severity"] in {"error", "warning", "info"}
        assert isinstance(check["message"], str) and check["message"]
        assert check["line"] is None or (isinstance(check["line"], int) and check["line"] >= 1)
    return body


def codes(body: dict[str, Any]) -> set[tuple[str, int | None]]:
    return {(c["code"], c["line"]) for c in body["checks"]}


def wrap(inner: str) -> str:
    """`inner` as line 5 of an email that is otherwise clean."""
    return (
        "<mjml>\n<mj-body>\n<mj-section>\n<mj-column>\n"
        + inner
        + '\n<mj-button href="https://plannery.example/go">Go</mj-button>'
        '\n<mj-text><a href="{{ unsubscribe_url }}">Unsubscribe</a></mj-text>'
        "\n</mj-column>\n</mj-section>\n</mj-body>\n</mjml>"
    )


# --- GET /api/campaigns/<id>/preview: which email, for whom ----------------------------------


def test_preview_without_a_segment_is_the_base_email_with_the_campaigns_default_values(
    client: FlaskClient, journey: Journey
) -> None:
    set_campaign_values(client, journey, {"firstname": "Chris", "company": "Loom"})

    response = journey.preview(client)

    body = preview_of(response)
    assert body["touchpoint_id"] == journey.welcome.id
    assert (body["segment_id"], body["variant"]) == (None, False)
    assert body["subject"] == "Welcome, Chris"
    assert body["preheader"] == PREHEADER
    assert "Hello Chris, this is Loom." in body["html"]
    assert "Hello Chris, this is Loom." in body["text"]


def test_preview_without_a_segment_or_campaign_values_uses_the_merge_tag_defaults(
    client: FlaskClient, journey: Journey
) -> None:
    body = preview_of(journey.preview(client))

    assert body["subject"] == "Welcome, friend"
    assert "Hello there, this is ." in body["text"]
    assert ("merge-tag-no-value", 5) in codes(body)  # {{ company }} has neither value nor default


def test_preview_for_a_segment_overlays_its_sample_data_on_the_campaigns_defaults(
    client: FlaskClient, journey: Journey
) -> None:
    set_campaign_values(client, journey, {"firstname": "Chris", "company": "Loom"})

    founders = preview_of(journey.preview(client, journey.founders))
    students = preview_of(journey.preview(client, journey.students))

    assert (founders["segment_id"], founders["variant"]) == (journey.founders.id, False)
    assert founders["subject"] == "Welcome, Ada"
    assert "Hello Ada, this is Loom." in founders["text"]  # company from the campaign
    assert students["subject"] == "Welcome, Sam"
    assert "Hello Sam, this is Campus Co." in students["text"]  # both from the segment


def test_preview_for_a_segment_with_a_variant_takes_the_fields_the_variant_sets(
    client: FlaskClient, journey: Journey
) -> None:
    client.put(
        f"/api/touchpoints/{journey.welcome.id}/variants/{journey.founders.id}",
        json={"subject": "Ten minutes a week, {{ firstname }}", "mjml": VARIANT_BODY},
    )

    founders = preview_of(journey.preview(client, journey.founders))
    students = preview_of(journey.preview(client, journey.students))

    assert founders["variant"] is True
    assert founders["subject"] == "Ten minutes a week, Ada"
    assert founders["preheader"] == PREHEADER  # not set in the variant: the base
    assert "Book a demo" in founders["html"] and "Start your trial" not in founders["html"]
    assert students["variant"] is False
    assert students["subject"] == "Welcome, Sam"
    assert "Start your trial" in students["html"] and "Book a demo" not in students["html"]


def test_preview_for_a_variant_that_sets_only_the_preheader_keeps_the_base_subject_and_body(
    client: FlaskClient, journey: Journey
) -> None:
    client.put(
        f"/api/touchpoints/{journey.welcome.id}/variants/{journey.founders.id}",
        json={"preheader": "A plan for founders who have ten minutes a week"},
    )

    body = preview_of(journey.preview(client, journey.founders))

    assert body["variant"] is True
    assert body["preheader"] == "A plan for founders who have ten minutes a week"
    assert body["subject"] == "Welcome, Ada"
    assert "Start your trial" in body["html"]


def test_merge_tag_values_are_html_escaped_in_the_html_but_not_in_subject_or_text(
    client: FlaskClient, journey: Journey
) -> None:
    client.patch(f"/api/segments/{journey.founders.id}", json={"sample_data": {"firstname": "<b>x</b>"}})

    body = preview_of(journey.preview(client, journey.founders))

    assert "&lt;b&gt;x&lt;/b&gt;" in body["html"]
    assert "<b>x</b>" not in body["html"]
    assert body["subject"] == "Welcome, <b>x</b>"
    assert "Hello <b>x</b>, this is ." in body["text"]


def test_a_value_that_looks_like_a_merge_tag_is_shown_as_written_never_run(
    client: FlaskClient, journey: Journey
) -> None:
    client.patch(f"/api/segments/{journey.founders.id}", json={"sample_data": {"firstname": "{{ 7*7 }}"}})

    body = preview_of(journey.preview(client, journey.founders))

    assert body["subject"] == "Welcome, {{ 7*7 }}"
    assert "Hello {{ 7*7 }}, this is ." in body["text"]
    assert "49" not in body["html"] + body["text"]


def test_the_text_part_keeps_links_as_text_and_url(client: FlaskClient, journey: Journey) -> None:
    body = preview_of(journey.preview(client, journey.founders))

    assert "Start your trial (https://plannery.example/start)" in body["text"]
    assert f"Unsubscribe ({PREVIEW_UNSUBSCRIBE_URL})" in body["text"]
    assert "<" not in body["text"]  # no markup, no CSS in the plain-text part


def test_a_text_override_replaces_the_generated_text_part(client: FlaskClient, journey: Journey) -> None:
    response = client.patch(
        f"/api/touchpoints/{journey.welcome.id}",
        json={"text_override": "Hi {{ firstname }},\n\nstart here: https://plannery.example/start"},
    )
    assert response.status_code == 200

    body = preview_of(journey.preview(client, journey.founders))

    assert body["text"].strip() == "Hi Ada,\n\nstart here: https://plannery.example/start"
    assert "Start your trial" in body["html"]  # the HTML part is still the MJML


def test_a_variant_with_its_own_body_gets_a_text_part_from_that_body_not_the_bases_override(
    client: FlaskClient, journey: Journey
) -> None:
    client.patch(f"/api/touchpoints/{journey.welcome.id}", json={"text_override": "Base text for everyone."})
    response = client.put(
        f"/api/touchpoints/{journey.welcome.id}/variants/{journey.students.id}", json={"mjml": wrap("<mj-text>Exam week special</mj-text>")}
    )
    assert response.status_code == 201

    students = preview_of(journey.preview(client, journey.students))
    founders = preview_of(journey.preview(client, journey.founders))

    assert "Exam week special" in students["text"] and "Base text" not in students["text"]
    assert founders["text"].strip() == "Base text for everyone."


def test_every_check_has_code_severity_message_and_line(client: FlaskClient, journey: Journey) -> None:
    client.patch(
        f"/api/touchpoints/{journey.welcome.id}",
        json={"mjml": wrap('<mj-image src="https://plannery.example/a.png" />'), "subject": "", "preheader": ""},
    )

    body = preview_of(journey.preview(client, journey.founders))

    found = {c["code"]: c for c in body["checks"]}
    assert found["image-alt-missing"]["line"] == 5
    assert found["image-alt-missing"]["severity"] == "warning"
    assert found["subject-empty"] == {"code": "subject-empty", "severity": "error", "message": "The subject is empty.",
                                      "line": None}
    assert "preheader-missing" in found
    # errors come first
    severities = [c["severity"] for c in body["checks"]]
    assert severities == sorted(severities, key=["error", "warning", "info"].index)


def test_a_clean_email_has_no_checks(client: FlaskClient, journey: Journey) -> None:
    client.patch(f"/api/campaigns/{journey.campaign.id}", json={"sample_data": {"company": "Loom"}})

    assert preview_of(journey.preview(client, journey.founders))["checks"] == []


# --- GET /api/campaigns/<id>/preview: what it refuses --------------------------------------


def test_preview_without_a_touchpoint_is_422(client: FlaskClient, journey: Journey) -> None:
    response = client.get(
        f"/api/campaigns/{journey.campaign.id}/preview", query_string={"segment": journey.founders.id}
    )

    assert response.status_code == 422
    assert error_of(response)["fields"] == {"touchpoint": "Name the touchpoint to preview, e.g. ?touchpoint=12."}


@pytest.mark.parametrize("value", ["abc", "-1", "1.5", "0", " 1", "１２", "²", "1e3"])
def test_preview_with_a_touchpoint_that_is_not_an_id_is_422(client: FlaskClient, journey: Journey, value: str) -> None:
    response = client.get(f"/api/campaigns/{journey.campaign.id}/preview", query_string={"touchpoint": value})

    assert response.status_code == 422
    assert error_of(response)["fields"] == {"touchpoint": f"{value!r} is not a touchpoint ID."}


@pytest.mark.parametrize("value", ["abc", "-1", "0", "١", "²"])
def test_preview_with_a_segment_that_is_not_an_id_is_422(client: FlaskClient, journey: Journey, value: str) -> None:
    response = journey.preview(client, segment=value)

    assert response.status_code == 422
    assert error_of(response)["fields"] == {"segment": f"{value!r} is not a segment ID."}


@pytest.mark.parametrize("name", ["touchpoint", "segment"])
@pytest.mark.parametrize("value", [str(TOO_BIG_ID), "9" * 5000])
def test_preview_with_an_id_beyond_any_row_is_404(client: FlaskClient, journey: Journey, name: str, value: str) -> None:
    touchpoint = journey.welcome.id if name == "segment" else value
    query = {"touchpoint": touchpoint, **({"segment": value} if name == "segment" else {})}
    response = client.get(f"/api/campaigns/{journey.campaign.id}/preview", query_string=query)

    assert response.status_code == 404
    assert error_of(response)["message"] == f"There is no {name} with ID {value}."


def test_preview_of_another_campaigns_touchpoint_is_404(
    client: FlaskClient,
    journey: Journey,
    create_campaign: Callable[..., Campaign],
    create_touchpoint: Callable[..., Touchpoint],
) -> None:
    other = create_touchpoint(create_campaign(name="Winback"), name="Come back")

    response = client.get(f"/api/campaigns/{journey.campaign.id}/preview", query_string={"touchpoint": other.id})

    assert response.status_code == 404
    assert error_of(response)["message"] == f"The campaign has no touchpoint with ID {other.id}."


def test_preview_of_a_touchpoint_that_does_not_exist_is_404(client: FlaskClient, journey: Journey) -> None:
    missing = unknown_id(Touchpoint)

    response = client.get(f"/api/campaigns/{journey.campaign.id}/preview", query_string={"touchpoint": missing})

    assert response.status_code == 404
    assert error_of(response)["message"] == f"The campaign has no touchpoint with ID {missing}."


def test_preview_in_a_campaign_that_does_not_exist_is_404(client: FlaskClient, journey: Journey) -> None:
    response = client.get(
        f"/api/campaigns/{unknown_id(Campaign)}/preview", query_string={"touchpoint": journey.welcome.id}
    )

    assert response.status_code == 404
    error_of(response)


@pytest.mark.parametrize(
    ("kind", "label"),
    [("signup_form", "A signup form"), ("information_form", "An information form"), ("landing_page", "A landing page")],
)
def test_preview_of_a_form_or_page_is_422(
    client: FlaskClient, journey: Journey, create_touchpoint: Callable[..., Touchpoint], kind: str, label: str
) -> None:
    form = create_touchpoint(journey.campaign, kind=kind, name="Signup")

    response = client.get(f"/api/campaigns/{journey.campaign.id}/preview", query_string={"touchpoint": form.id})

    assert response.status_code == 422
    assert error_of(response)["fields"] == {"touchpoint": f"{label} sends no email."}


def test_preview_for_a_segment_that_does_not_exist_is_404(client: FlaskClient, journey: Journey) -> None:
    missing = unknown_id(Segment)

    response = journey.preview(client, segment=missing)

    assert response.status_code == 404
    assert error_of(response)["message"] == f"There is no segment with ID {missing}."


def test_preview_for_a_segment_the_campaign_does_not_target_is_422(
    client: FlaskClient, journey: Journey, create_segment: Callable[..., Segment]
) -> None:
    lurkers = create_segment(name="Lurkers")

    response = journey.preview(client, lurkers)

    assert response.status_code == 422
    assert error_of(response)["fields"] == {"segment": 'The campaign does not target the segment "Lurkers".'}


def test_preview_answers_carry_a_sandboxing_content_security_policy(client: FlaskClient, journey: Journey) -> None:
    answers = [
        journey.preview(client, journey.founders),
        journey.preview(client, segment="abc"),
        client.post("/api/preview", json={"mjml": BODY}),
        client.post("/api/preview", json={"mjml": ""}),
    ]

    for response in answers:
        assert response.headers["Content-Security-Policy"] == DOCUMENT_POLICY
        assert "sandbox" in response.headers["Content-Security-Policy"].split("; ")
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.mimetype == "application/json"


def test_script_in_an_email_body_comes_back_only_inside_a_sandboxed_json_document(client: FlaskClient) -> None:
    source = wrap("<mj-raw><script>alert(document.cookie)</script></mj-raw>")

    response = client.post("/api/preview", json={"mjml": source})

    body = preview_of(response)
    assert "<script>alert(document.cookie)</script>" in body["html"]  # the email is shown as written...
    assert response.mimetype == "application/json"  # ...but never as a page of the app
    assert response.headers["Content-Security-Policy"] == DOCUMENT_POLICY
    assert "alert" not in body["text"]


# --- POST /api/preview ---------------------------------------------------------------------


def test_posted_mjml_is_previewed_with_its_sample_data(client: FlaskClient) -> None:
    response = client.post(
        "/api/preview",
        json={
            "mjml": BODY, "subject": SUBJECT, "preheader": PREHEADER,
            "sample_data": {"firstname": "Ada", "company": "Loom"},
        },
    )

    body = preview_of(response)
    assert set(body) == PREVIEW_KEYS
    assert body["subject"] == "Welcome, Ada"
    assert body["preheader"] == PREHEADER
    assert "Hello Ada, this is Loom." in body["html"]
    assert "Start your trial (https://plannery.example/start)" in body["text"]
    assert body["checks"] == []


def test_posted_preview_layers_campaign_segment_and_posted_values(client: FlaskClient, journey: Journey) -> None:
    set_campaign_values(client, journey, {"firstname": "Chris", "company": "Loom"})
    source = "<mjml><mj-body><mj-text>{{ firstname }} / {{ company }} / {{ city }}</mj-text></mj-body></mjml>"

    def text(**extra: Any) -> str:
        return preview_of(client.post("/api/preview", json={"mjml": source, **extra}))["text"].strip()

    assert text(campaign_id=journey.campaign.id) == "Chris / Loom /"
    assert text(campaign_id=journey.campaign.id, segment_id=journey.founders.id) == "Ada / Loom /"
    assert text(
        campaign_id=journey.campaign.id, segment_id=journey.founders.id, sample_data={"city": "Lyon", "company": "Acme"}
    ) == "Ada / Acme / Lyon"


def test_posted_preview_uses_its_text_override(client: FlaskClient) -> None:
    response = client.post(
        "/api/preview",
        json={"mjml": BODY, "text_override": "Plain words for {{ firstname }}.", "sample_data": {"firstname": "Ada"}},
    )

    assert preview_of(response)["text"].strip() == "Plain words for Ada."


@pytest.mark.parametrize("field", ["campaign_id", "segment_id"])
def test_posted_preview_for_a_campaign_or_segment_that_does_not_exist_is_404(
    client: FlaskClient, journey: Journey, field: str
) -> None:
    missing = unknown_id(Campaign if field == "campaign_id" else Segment)

    response = client.post("/api/preview", json={"mjml": BODY, field: missing})

    assert response.status_code == 404
    error_of(response)


@pytest.mark.parametrize("mjml", ["", "   \n\t ", None])
def test_posted_preview_of_an_empty_body_is_422(client: FlaskClient, mjml: str | None) -> None:
    response = client.post("/api/preview", json={"mjml": mjml, "subject": "Hi"})

    assert response.status_code == 422
    assert error_of(response)["fields"] == {"mjml": "This field is required."}


def test_posted_preview_without_mjml_is_422(client: FlaskClient) -> None:
    response = client.post("/api/preview", json={"subject": "Hi"})

    assert response.status_code == 422
    assert error_of(response)["fields"] == {"mjml": "This field is required."}


def test_posted_preview_of_a_body_over_the_field_limit_is_422(client: FlaskClient) -> None:
    response = client.post("/api/preview", json={"mjml": "<mjml>" + "x" * 600_000 + "</mjml>"})

    assert response.status_code == 422
    assert "At most 500000 characters" in error_of(response)["fields"]["mjml"]


def test_posted_preview_must_be_json(client: FlaskClient) -> None:
    response = client.post("/api/preview", data={"mjml": BODY})

    assert response.status_code == 415
    error_of(response)


# --- bad MJML ------------------------------------------------------------------------------


def test_mjml_that_does_not_compile_previews_with_no_html_and_a_compile_error(client: FlaskClient) -> None:
    response = client.post("/api/preview", json={"mjml": "<mjml><mj-body><mj-text>unclosed</mj-body></mjml>"})

    body = preview_of(response)
    assert body["html"] is None and body["text"] is None
    errors = [c for c in body["checks"] if c["code"] == "mjml-compile"]
    assert len(errors) == 1
    assert errors[0]["severity"] == "error"
    assert errors[0]["message"].startswith("MJML does not compile")


def test_a_compile_error_with_a_position_names_its_line(client: FlaskClient) -> None:
    source = "<mjml>\n<mj-head>\n<mj-foo/></mj-head><mj-body></mj-body></mjml>"

    response = client.post("/api/preview", json={"mjml": source})

    body = preview_of(response)
    assert body["html"] is None
    assert ("mjml-compile", 3) in codes(body)


def test_text_that_is_not_mjml_previews_with_a_compile_error(client: FlaskClient) -> None:
    body = preview_of(client.post("/api/preview", json={"mjml": "Just a letter, no markup at all."}))

    assert body["html"] is None
    assert "mjml-compile" in {c["code"] for c in body["checks"]}


def test_an_unknown_mj_element_is_named_with_its_line(client: FlaskClient) -> None:
    response = client.post("/api/preview", json={"mjml": wrap("<mj-txt>typo</mj-txt>")})

    body = preview_of(response)
    unknown = [c for c in body["checks"] if c["code"] == "mjml-unknown-element"]
    assert [(c["line"], c["severity"]) for c in unknown] == [(5, "error")]
    assert "<mj-txt>" in unknown[0]["message"]


def test_a_saved_email_that_does_not_compile_previews_with_its_error(client: FlaskClient, journey: Journey) -> None:
    response = client.patch(f"/api/touchpoints/{journey.welcome.id}", json={"mjml": "<mjml><mj-body><mj-text>x</mjml>"})
    assert response.status_code == 200  # MJML mistakes are checks, not refusals: the author may save work in progress

    body = preview_of(journey.preview(client, journey.founders))

    assert body["html"] is None
    assert "mjml-compile" in {c["code"] for c in body["checks"]}


@pytest.mark.parametrize(
    "include",
    [
        '<mj-include path="/etc/passwd" />',
        '<mj-include path="../../config.py" />',
        '<mj-include path="/etc/passwd" type="html" />',
        '<mj-include\n  path="/etc/hostname"\n/>',
    ],
)
def test_mj_include_never_reads_a_file(client: FlaskClient, include: str) -> None:
    response = client.post("/api/preview", json={"mjml": wrap(include)})

    body = preview_of(response)
    assert body["html"] is None
    compile_errors = [c for c in body["checks"] if c["code"] == "mjml-compile"]
    assert [(c["line"], "mj-include is disabled" in c["message"]) for c in compile_errors] == [(5, True)]
    answer = response.get_data(as_text=True)
    assert "root:" not in answer and "/bin/" not in answer  # /etc/passwd
    assert "MAX_CONTENT_LENGTH" not in answer and "DATABASE_URL" not in answer  # config.py


def test_mj_include_in_the_head_never_reads_a_file(client: FlaskClient) -> None:
    source = '<mjml>\n<mj-head>\n<mj-include path="/etc/passwd" type="css" />\n</mj-head>\n<mj-body></mj-body>\n</mjml>'

    response = client.post("/api/preview", json={"mjml": source})

    body = preview_of(response)
    assert body["html"] is None
    assert ("mjml-compile", 3) in codes(body)
    assert "root:" not in response.get_data(as_text=True)


def test_mj_include_smuggled_in_through_a_merge_tag_default_never_reads_a_file(client: FlaskClient) -> None:
    source = wrap("{{ block | default('<mj-include path=\"/etc/passwd\" />') }}")

    response = client.post("/api/preview", json={"mjml": source})

    body = preview_of(response)
    assert "root:" not in response.get_data(as_text=True)
    if body["html"] is not None:  # escaped like any value: shown as text, never an element
        assert "&lt;mj-include" in body["html"]


def test_a_saved_mj_include_previews_as_an_error_without_reading_the_file(
    client: FlaskClient, journey: Journey
) -> None:
    response = client.patch(
        f"/api/touchpoints/{journey.welcome.id}", json={"mjml": wrap('<mj-include path="/etc/passwd" />')}
    )
    assert response.status_code == 200

    preview = journey.preview(client, journey.founders)

    assert ("mjml-compile", 5) in codes(preview_of(preview))
    assert "root:" not in preview.get_data(as_text=True)


# --- broken merge tags and template injection ------------------------------------------------

# (what the author wrote as line 5, what must never appear in the answer)
ATTEMPTS = [
    pytest.param("<mj-text>Hi {{ firstname</mj-text>", [], id="unclosed-tag"),
    pytest.param("<mj-text>Hi {{ firstname }</mj-text>", [], id="half-closed-tag"),
    pytest.param("<mj-text>{{ ''.__class__.__mro__ }}</mj-text>", ["<class", "'object'", "__mro__"], id="mro"),
    pytest.param(
        "<mj-text>{{ ''.__class__.__mro__[1].__subclasses__() }}</mj-text>", ["<class", "subclasses"], id="subclasses"
    ),
    pytest.param(
        "<mj-text>{{ cycler.__init__.__globals__ }}</mj-text>", ["<function", "<module 'os'"], id="globals"
    ),
    pytest.param("<mj-text>{{ cycler.__init__.__globals__.os.popen('id').read() }}</mj-text>", ["uid="], id="popen"),
    pytest.param("<mj-text>{{ lipsum.__globals__['os'] }}</mj-text>", ["<module"], id="lipsum"),
    pytest.param("<mj-text>{% for x in range(3) %}{{ x }}{% endfor %}</mj-text>", ["012"], id="for-loop"),
    pytest.param("<mj-text>{% for %}</mj-text>", [], id="bare-for"),
    pytest.param("<mj-text>{% set x = 7 * 7 %}{{ x }}</mj-text>", ["49"], id="set"),
    pytest.param("<mj-text>{{ 7*7 }}</mj-text>", ["49"], id="arithmetic"),
    pytest.param("<mj-text>{{ firstname | attr('__class__') }}</mj-text>", ["<class"], id="attr-filter"),
    pytest.param("<mj-text>{{ firstname.upper() }}</mj-text>", ["ADA"], id="method-call"),
    pytest.param("<mj-text>{{ firstname | upper }}</mj-text>", ["ADA"], id="other-filter"),
    pytest.param("<mj-text>{{ config.items() }}</mj-text>", ["SECRET_KEY", "test-secret-key"], id="config-items"),
    pytest.param("<mj-text>{{ self._TemplateReference__context }}</mj-text>", ["<Context"], id="self-context"),
    pytest.param("<mj-text>{{ self }}</mj-text>", ["TemplateReference"], id="self"),
    pytest.param("<mj-text>{{ self | default('x') }}</mj-text>", ["TemplateReference"], id="self-default"),
]


def no_internals(answer: str, forbidden: list[str]) -> None:
    for leak in ["Traceback", "jinja2", "<class", "<function", "<module", "__globals__", "Reference", *forbidden]:
        assert leak not in answer, leak


@pytest.mark.parametrize(("line5", "forbidden"), ATTEMPTS)
def test_a_broken_or_dangerous_merge_tag_previews_with_no_html_and_a_check_naming_its_line(
    client: FlaskClient, line5: str, forbidden: list[str]
) -> None:
    response = client.post("/api/preview", json={"mjml": wrap(line5), "sample_data": {"firstname": "Ada"}})

    body = preview_of(response)
    assert body["html"] is None and body["text"] is None
    invalid = [c for c in body["checks"] if c["code"] == "merge-tag-invalid"]
    assert [(c["severity"], c["line"]) for c in invalid] == [("error", 5)]
    assert invalid[0]["message"]
    no_internals(response.get_data(as_text=True), forbidden)


@pytest.mark.parametrize(("line5", "forbidden"), ATTEMPTS)
def test_a_broken_or_dangerous_merge_tag_is_refused_when_an_email_is_edited(
    client: FlaskClient, journey: Journey, line5: str, forbidden: list[str]
) -> None:
    before = database_rows()

    response = client.patch(f"/api/touchpoints/{journey.welcome.id}", json={"mjml": wrap(line5), "name": "Renamed"})

    assert response.status_code == 422
    message = error_of(response)["fields"]["mjml"]
    assert message.startswith("Line 5: ")
    no_internals(response.get_data(as_text=True), forbidden)
    assert database_rows() == before


@pytest.mark.parametrize(("line5", "forbidden"), ATTEMPTS)
def test_a_broken_or_dangerous_merge_tag_is_refused_when_an_email_is_added(
    client: FlaskClient, journey: Journey, line5: str, forbidden: list[str]
) -> None:
    before = database_rows()

    response = client.post(
        f"/api/campaigns/{journey.campaign.id}/touchpoints",
        json={"phase_id": journey.campaign.phases[1].id, "kind": "offer", "name": "Offer", "mjml": wrap(line5)},
    )

    assert response.status_code == 422
    assert error_of(response)["fields"]["mjml"].startswith("Line 5: ")
    no_internals(response.get_data(as_text=True), forbidden)
    assert database_rows() == before


@pytest.mark.parametrize(("line5", "forbidden"), ATTEMPTS)
def test_a_broken_or_dangerous_merge_tag_is_refused_in_a_variant(
    client: FlaskClient, journey: Journey, line5: str, forbidden: list[str]
) -> None:
    url = f"/api/touchpoints/{journey.welcome.id}/variants/{journey.founders.id}"
    client.put(url, json={"subject": "For founders"})
    before = database_rows()

    response = client.put(url, json={"subject": "Still for founders", "mjml": wrap(line5)})

    assert response.status_code == 422
    assert error_of(response)["fields"]["mjml"].startswith("Line 5: ")
    no_internals(response.get_data(as_text=True), forbidden)
    assert database_rows() == before


def test_an_unclosed_merge_tag_is_named_as_such_on_save(client: FlaskClient, journey: Journey) -> None:
    response = client.patch(
        f"/api/touchpoints/{journey.welcome.id}", json={"mjml": wrap("<mj-text>Hi {{ firstname</mj-text>")}
    )

    assert response.status_code == 422
    assert error_of(response)["fields"]["mjml"] == (
        "Line 5: A merge tag is not closed: write {{ name }} with both pairs of braces."
    )


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("subject", "Hi {{ ''.__class__ }}"),
        ("preheader", "{{ 7*7 }} reasons"),
        ("text_override", "Hello\n{% if vip %}VIP{% endif %}"),
    ],
)
def test_a_dangerous_merge_tag_in_subject_preheader_or_text_is_refused_on_save(
    client: FlaskClient, journey: Journey, field: str, value: str
) -> None:
    before = database_rows()

    response = client.patch(f"/api/touchpoints/{journey.welcome.id}", json={field: value})

    assert response.status_code == 422
    assert error_of(response)["fields"][field].startswith("Line ")
    assert database_rows() == before


@pytest.mark.parametrize(
    ("field", "value", "where"),
    [
        ("subject", "Hi {{ ''.__class__ }}", "subject"),
        ("preheader", "{{ 7*7 }} reasons to stay with us, {{ firstname }}", "preheader"),
        ("text_override", "Hello\n{% if vip %}VIP{% endif %}", "plain-text part"),
    ],
)
def test_a_dangerous_merge_tag_outside_the_body_is_a_check_that_names_where_it_is(
    client: FlaskClient, field: str, value: str, where: str
) -> None:
    response = client.post("/api/preview", json={"mjml": BODY, "subject": "Hi", field: value})

    body = preview_of(response)
    assert body["html"] is None
    invalid = [c for c in body["checks"] if c["code"] == "merge-tag-invalid"]
    assert len(invalid) == 1
    assert invalid[0]["line"] is None  # not a line of the body
    assert where in invalid[0]["message"]
    no_internals(response.get_data(as_text=True), ["49", "<class"])


@pytest.mark.parametrize(
    "name", ["config", "cycler", "joiner", "range", "lipsum", "dict", "namespace", "request", "loop", "super", "caller"]
)
def test_a_merge_tag_named_like_a_template_global_is_just_a_value(client: FlaskClient, name: str) -> None:
    source = wrap(f"<mj-text>[{{{{ {name} }}}}]</mj-text>")

    blank = preview_of(client.post("/api/preview", json={"mjml": source}))
    filled = preview_of(client.post("/api/preview", json={"mjml": source, "sample_data": {name: "Ada"}}))

    assert "[]" in blank["text"]
    assert ("merge-tag-no-value", 5) in codes(blank)
    assert "[Ada]" in filled["text"]
    no_internals(str(blank) + str(filled), [])


# --- request size ----------------------------------------------------------------------------

FIVE_MB = 5 * 1024 * 1024


def test_a_5_mb_preview_is_refused_with_413_before_rendering(client: FlaskClient) -> None:
    rendered_before = (preview_cache.misses, compile_cache.misses)

    response = client.post("/api/preview", json={"mjml": wrap("<mj-text>" + "x" * FIVE_MB + "</mj-text>")})

    assert response.status_code == 413
    assert (preview_cache.misses, compile_cache.misses) == rendered_before  # nothing was rendered
    assert "larger than" in error_of(response)["message"]
    assert response.headers["Content-Security-Policy"] == DOCUMENT_POLICY


def test_a_5_mb_email_body_is_refused_with_413_and_nothing_is_saved(client: FlaskClient, journey: Journey) -> None:
    before = database_rows()

    response = client.patch(
        f"/api/touchpoints/{journey.welcome.id}", json={"mjml": wrap("<mj-text>" + "x" * FIVE_MB + "</mj-text>")}
    )

    assert response.status_code == 413
    error_of(response)
    assert database_rows() == before


def test_a_5_mb_variant_is_refused_with_413_and_nothing_is_saved(client: FlaskClient, journey: Journey) -> None:
    before = database_rows()

    response = client.put(
        f"/api/touchpoints/{journey.welcome.id}/variants/{journey.founders.id}",
        json={"mjml": wrap("<mj-text>" + "x" * FIVE_MB + "</mj-text>")},
    )

    assert response.status_code == 413
    assert database_rows() == before


# --- line numbers are the author's ------------------------------------------------------------


def test_check_lines_count_the_blank_lines_the_author_started_with(client: FlaskClient) -> None:
    response = client.post("/api/preview", json={"mjml": "\n\n" + wrap("<mj-txt>typo</mj-txt>")})

    assert ("mjml-unknown-element", 7) in codes(preview_of(response))


def test_a_refused_merge_tag_names_the_line_the_author_sees(client: FlaskClient, journey: Journey) -> None:
    response = client.patch(
        f"/api/touchpoints/{journey.welcome.id}", json={"mjml": "\n\n" + wrap("<mj-text>{{ 7*7 }}</mj-text>")}
    )

    assert response.status_code == 422
    assert error_of(response)["fields"]["mjml"].startswith("Line 7: ")


def test_a_saved_email_body_comes_back_exactly_as_written(client: FlaskClient, journey: Journey) -> None:
    source = "\r\n" + BODY.replace("\n", "\r\n") + "\r\n\r\n"

    response = client.patch(f"/api/touchpoints/{journey.welcome.id}", json={"mjml": source})

    assert response.status_code == 200
    assert response.get_json()["mjml"] == source
    assert client.get(f"/api/campaigns/{journey.campaign.id}").get_json()["touchpoints"][0]["mjml"] == source
