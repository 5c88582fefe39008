"""The 25 official MJML gallery templates as real-world input through the API: each is accepted
as an email body, previews and passes the checks without a crash, and round-trips through a
segment's variant unchanged. The templates are read in place (tests/gallery.py), never copied."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient

from campaigns.models import Campaign
from gallery import gallery_templates
from segments.models import Segment

TEMPLATES = gallery_templates()
SUBJECT = "News from {{ company | default(\"the gallery\") }}"
PREHEADER = "Everything that happened this month, in one email"


def source_of(template: Path) -> str:
    # newline="" keeps the CRLF line ends some gallery files have: the body must round-trip byte for byte
    with template.open(encoding="utf-8", newline="") as file:
        return file.read()


@dataclass
class Setup:
    campaign: Campaign
    segment: Segment
    phase_id: int

    def add_email(self, client: FlaskClient, **fields: Any) -> dict[str, Any]:
        response = client.post(
            f"/api/campaigns/{self.campaign.id}/touchpoints",
            json={"phase_id": self.phase_id, "kind": "newsletter", "name": "Gallery email",
                  "subject": SUBJECT, "preheader": PREHEADER, **fields},
        )
        assert response.status_code == 201, response.get_json()
        return response.get_json()

    def preview(self, client: FlaskClient, touchpoint_id: int) -> dict[str, Any]:
        response = client.get(
            f"/api/campaigns/{self.campaign.id}/preview",
            query_string={"touchpoint": touchpoint_id, "segment": self.segment.id},
        )
        assert response.status_code == 200, response.get_data(as_text=True)[:300]
        return response.get_json()


@pytest.fixture
def setup(
    client: FlaskClient, create_campaign: Callable[..., Campaign], create_segment: Callable[..., Segment]
) -> Setup:
    campaign = create_campaign()
    segment = create_segment(name="Busy founders", sample_data={"firstname": "Ada", "company": "Loom & Co"})
    assert client.put(f"/api/campaigns/{campaign.id}/segments", json={"segment_ids": [segment.id]}).status_code == 200
    return Setup(campaign, segment, campaign.phases[0].id)


def assert_checks_well_formed(checks: list[dict[str, Any]]) -> None:
    for check in checks:
        assert set(check) == {"code", "severity", "message", "line"}
        assert check["severity"] in {"error", "warning", "info"} and check["message"]


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: p.stem)
def test_a_gallery_template_is_accepted_as_an_email_and_previews_with_checks(
    client: FlaskClient, setup: Setup, template: Path
) -> None:
    source = source_of(template)

    touchpoint = setup.add_email(client, mjml=source)
    preview = setup.preview(client, touchpoint["id"])

    assert touchpoint["mjml"] == source
    assert preview["html"].lstrip().lower().startswith("<!doctype html")
    assert len(preview["text"].strip()) > 20
    assert preview["subject"] == "News from Loom & Co"
    assert_checks_well_formed(preview["checks"])
    codes = {c["code"] for c in preview["checks"]}
    assert not codes & {"mjml-compile", "merge-tag-invalid", "mjml-empty"}
    # no gallery email carries our unsubscribe merge tag: the check must notice it
    assert "unsubscribe-missing" in codes


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: p.stem)
def test_a_gallery_template_round_trips_through_a_variant(client: FlaskClient, setup: Setup, template: Path) -> None:
    source = source_of(template)
    touchpoint = setup.add_email(client)  # the base is the newsletter starter email
    base = setup.preview(client, touchpoint["id"])
    url = f"/api/touchpoints/{touchpoint['id']}/variants/{setup.segment.id}"

    put = client.put(url, json={"mjml": source})

    assert put.status_code == 201, put.get_json()
    stored = client.get(f"/api/campaigns/{setup.campaign.id}").get_json()["touchpoints"][0]
    assert [v["mjml"] for v in stored["variants"]] == [source]

    as_variant = setup.preview(client, touchpoint["id"])
    as_written = client.post(
        "/api/preview",
        json={"mjml": source, "subject": SUBJECT, "preheader": PREHEADER, "sample_data": setup.segment.sample_data},
    ).get_json()
    assert as_variant["variant"] is True
    assert as_variant["html"] is not None
    # The same email, but the campaign's says which language it is in (its locale's) and the bare one does not.
    assert as_variant["html"] == as_written["html"].replace('lang="und"', 'lang="en"')
    assert as_variant["text"] == as_written["text"]
    assert (as_variant["subject"], as_variant["preheader"]) == (as_written["subject"], as_written["preheader"])
    assert as_variant["checks"] == as_written["checks"]
    assert as_variant["html"] != base["html"]

    assert client.delete(url).status_code == 204
    fallen_back = setup.preview(client, touchpoint["id"])
    assert fallen_back["variant"] is False
    assert fallen_back["html"] == base["html"]
    assert fallen_back["checks"] == base["checks"]


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: p.stem)
def test_a_gallery_template_previews_as_written(client: FlaskClient, template: Path) -> None:
    response = client.post("/api/preview", json={"mjml": source_of(template), "subject": "Hello"})

    assert response.status_code == 200
    body = response.get_json()
    assert body["html"] is not None
    assert_checks_well_formed(body["checks"])


def test_gallery_merge_tags_are_accepted_and_reported_as_having_no_value(client: FlaskClient, setup: Setup) -> None:
    """Two gallery emails write merge tags like {{FirstName}}: allowed forms, so they save and preview."""
    with_tags = [t for t in TEMPLATES if "{{" in source_of(t)]
    assert sorted(t.stem for t in with_tags) == ["reactivation-email", "referral-email"]

    for template in with_tags:
        touchpoint = setup.add_email(client, mjml=source_of(template))
        preview = setup.preview(client, touchpoint["id"])
        missing = {c["message"].split(" }}")[0] for c in preview["checks"] if c["code"] == "merge-tag-no-value"}
        assert "{{ FirstName" in missing, template.stem
        assert all(c["line"] for c in preview["checks"] if c["code"] == "merge-tag-no-value")
