"""Variants keep only what their author changed: every other field follows the base email, edits and all,
in the editor, the previews, the matrix and the exports; one field at a time can be given back to the base."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest

from api_support import saved_rows
from campaigns import services
from campaigns.models import Touchpoint, Variant
from html_tree import Element, parse
from journeymail.extensions import db
from segments.models import Segment

BODY = """<mjml>
  <mj-body>
    <mj-section>
      <mj-column>
        <mj-text>Hello {{ firstname | default("there") }}, here is your guide.</mj-text>
        <mj-button href="https://plannery.app/guide">Read the guide</mj-button>
        <mj-text><a href="{{ unsubscribe_url }}">Unsubscribe</a></mj-text>
      </mj-column>
    </mj-section>
  </mj-body>
</mjml>"""
NEW_BODY = BODY.replace("here is your guide", "your guide is ready")
SUBJECT = 'Your guide, {{ firstname | default("friend") }}'
PREHEADER = "Twelve pages on planning a month of posts in one afternoon."


@pytest.fixture
def world(create_campaign, create_segment, create_touchpoint) -> dict[str, Any]:
    """A campaign targeting two segments, with one welcome email for everyone."""
    founders = create_segment(name="Busy founders", sample_data={"firstname": "Ada"})
    browsers = create_segment(name="Casual browsers", sample_data={"firstname": "Jonas"})
    campaign = create_campaign(sender_name="Maya from Plannery")
    services.set_segments(campaign, {"segment_ids": [founders.id, browsers.id]})
    db.session.commit()
    email = create_touchpoint(
        campaign, 0, kind="welcome", name="Guide delivery", subject=SUBJECT, preheader=PREHEADER, mjml=BODY,
    )
    return {"campaign": campaign, "email": email, "founders": founders, "browsers": browsers}


def editor_url(touchpoint: Touchpoint, segment: Segment | None = None) -> str:
    return f"/touchpoints/{touchpoint.id}/email" + (f"?segment={segment.id}" if segment else "")


def cell_url(touchpoint: Touchpoint, segment: Segment) -> str:
    return f"/campaigns/{touchpoint.campaign_id}/preview?segment={segment.id}&phase={touchpoint.phase_id}"


def frame_url(touchpoint: Touchpoint, segment: Segment) -> str:
    return f"/campaigns/{touchpoint.campaign_id}/frame?touchpoint={touchpoint.id}&segment={segment.id}"


def editor_form(response: Any) -> dict[str, str]:
    """What a browser posts from the editor form as the page filled it (no button pressed), CSRF token included."""
    html = parse(response.get_data(as_text=True))
    [form] = html.select("form", data_editor_form=None)
    values = {}
    for element in form.iter():
        name = element.get("name")
        if not name:
            continue
        if element.tag == "input":
            values[name] = element.get("value") or ""
        elif element.tag == "textarea":
            text = "".join(child for child in element.children if isinstance(child, str))
            values[name] = text[1:] if text.startswith("\n") else text  # HTML drops the newline after <textarea>
    return values


def save_from_page(client, url: str, button: dict[str, str] | None = None, **changes: str) -> Any:
    """Open the editor, change some fields as a writer would, and submit it (with `button` pressed, if given)."""
    values = editor_form(client.get(url))
    assert set(changes) <= set(values)
    return client.post(url, data={**values, **changes, **(button or {})})


def the_variant() -> Any:
    [variant] = saved_rows(Variant)
    return variant


def page(response: Any) -> Element:
    assert response.status_code == 200, response.status_code
    return parse(response.get_data(as_text=True))


def sources(html: Element) -> dict[str, str]:
    """Each variant field's label: "From the base email" or "Changed for ..."."""
    return {name: html.by_id(f"{name}-source").text() for name in ("subject", "preheader", "mjml")}


# --- through the pages, as a writer does it ----------------------------------------------------------


def test_a_subject_only_variant_follows_later_edits_of_the_base_body(client, post_form, world):
    email, founders = world["email"], world["founders"]
    post_form(editor_url(email, founders), {}, action=f"/touchpoints/{email.id}/email/variants/{founders.id}")
    saved = save_from_page(client, editor_url(email, founders), subject="{{ firstname }}, a guide for founders")
    assert saved.status_code == 302
    assert (the_variant().subject, the_variant().preheader, the_variant().mjml) == (
        "{{ firstname }}, a guide for founders", None, None)

    save_from_page(client, editor_url(email), mjml=NEW_BODY)  # someone edits the base body afterwards

    cell = page(client.get(cell_url(email, founders)))
    assert "Ada, a guide for founders" in cell.select(class_="inbox-subject")[0].text()
    assert PREHEADER in cell.select(class_="inbox-preheader")[0].text()
    frame = client.get(frame_url(email, founders)).get_data(as_text=True)
    assert "Hello Ada, your guide is ready." in frame
    editor = page(client.get(editor_url(email, founders)))
    assert "Hello Ada, your guide is ready." in editor.select("iframe")[0].get("srcdoc")
    assert sources(editor) == {
        "subject": "Changed for Busy founders", "preheader": "From the base email", "mjml": "From the base email",
    }


def test_giving_the_subject_back_makes_the_variant_follow_the_base_subject(client, world):
    email, founders = world["email"], world["founders"]
    services.put_variant(email, founders, {"subject": "Only for founders", "preheader": "A founder's preheader"})
    db.session.commit()
    html = page(client.get(editor_url(email, founders)))
    [button] = html.select("button", name="use_base", value="subject")
    assert button.text() == "Use the base's subject"
    assert "The base email's: " + SUBJECT in " ".join(html.by_id("subject-help").text().split())

    response = save_from_page(client, editor_url(email, founders), button={"use_base": "subject"})

    assert response.status_code == 302
    assert (the_variant().subject, the_variant().preheader) == (None, "A founder's preheader")
    shown = page(client.get(response.headers["Location"]))
    assert 'Saved the variant for "Busy founders": its subject follows the base email again.' in shown.text()
    assert sources(shown)["subject"] == "From the base email"
    assert not shown.select("button", name="use_base", value="subject")
    services.update_touchpoint(db.session.get_one(Touchpoint, email.id), {"subject": "A new base subject"})
    db.session.commit()
    cell = page(client.get(cell_url(email, founders)))
    assert cell.select(class_="inbox-subject")[0].text() == "A new base subject"
    assert "A founder's preheader" in cell.select(class_="inbox-preheader")[0].text()


def test_giving_a_field_back_keeps_the_other_changes_on_the_form(client, world):
    email, founders = world["email"], world["founders"]
    services.put_variant(email, founders, {"subject": "Only for founders"})
    db.session.commit()

    save_from_page(client, editor_url(email, founders), button={"use_base": "subject"}, preheader="Typed just now")

    assert (the_variant().subject, the_variant().preheader, the_variant().mjml) == (None, "Typed just now", None)


def test_enter_in_a_field_saves_the_variant_rather_than_giving_a_field_back(client, world):
    email, founders = world["email"], world["founders"]
    services.put_variant(email, founders, {"subject": "Only for founders", "preheader": "Own preheader"})
    db.session.commit()
    html = page(client.get(editor_url(email, founders)))
    [form] = html.select("form", data_editor_form=None)

    # Enter presses the form's first submit button: it must be one that only saves.
    first = next(b for b in form.select("button") if (b.get("type") or "submit") == "submit")
    assert first.get("name") is None
    assert [b.get("value") for b in form.select("button", name="use_base")] == ["subject", "preheader"]


def test_a_field_left_alone_follows_the_base_even_when_the_base_changed_while_the_page_was_open(client, world):
    email, founders = world["email"], world["founders"]
    services.put_variant(email, founders, {"preheader": "Own preheader"})
    db.session.commit()
    url = editor_url(email, founders)
    values = editor_form(client.get(url))  # the writer opens the variant ...
    services.update_touchpoint(db.session.get_one(Touchpoint, email.id), {"subject": "Edited in another tab"})
    db.session.commit()  # ... someone edits the base subject meanwhile ...

    response = client.post(url, data={**values, "preheader": "Own preheader, better"})  # ... the writer saves

    assert response.status_code == 302
    assert (the_variant().subject, the_variant().preheader) == (None, "Own preheader, better")
    cell = page(client.get(cell_url(email, founders)))
    assert cell.select(class_="inbox-subject")[0].text() == "Edited in another tab"


def test_a_refused_save_shows_the_fields_as_they_were_posted_still_marked(client, world):
    email, founders = world["email"], world["founders"]
    services.put_variant(email, founders, {"subject": "Only for founders"})
    db.session.commit()

    response = save_from_page(client, editor_url(email, founders), mjml="<mjml>\n{% if x %}</mjml>")

    assert response.status_code == 422
    html = parse(response.get_data(as_text=True))
    assert sources(html) == {
        "subject": "Changed for Busy founders", "preheader": "From the base email", "mjml": "Changed for Busy founders",
    }
    assert the_variant().mjml is None


def test_the_editor_says_what_a_variant_changes(client, world):
    email, founders, browsers = world["email"], world["founders"], world["browsers"]
    services.put_variant(email, founders, {"subject": "Only for founders", "mjml": NEW_BODY})
    services.put_variant(email, browsers, {})
    db.session.commit()

    founders_page = " ".join(page(client.get(editor_url(email, founders))).text().split())
    browsers_page = " ".join(page(client.get(editor_url(email, browsers))).text().split())

    assert "It changes the subject and body; the other fields follow the base email" in founders_page
    assert "It changes nothing yet: every field follows the base email." in browsers_page


def test_an_older_variant_copied_whole_from_the_base_shows_its_unchanged_fields_as_inherited(client, world):
    email, founders = world["email"], world["founders"]
    # As "Create a variant" made them before: every field a copy of the base.
    db.session.add(Variant(touchpoint_id=email.id, segment_id=founders.id, subject=SUBJECT, preheader=PREHEADER,
                           mjml=BODY))
    db.session.commit()
    html = page(client.get(editor_url(email, founders)))
    assert set(sources(html).values()) == {"From the base email"}

    save_from_page(client, editor_url(email, founders), subject="{{ firstname }}, a guide for founders")

    assert (the_variant().subject, the_variant().preheader, the_variant().mjml) == (
        "{{ firstname }}, a guide for founders", None, None)


def test_the_editor_page_of_a_variant_carries_no_script_from_its_fields(client, world):
    email, founders = world["email"], world["founders"]
    script = "<script>alert(1)</script>"
    services.put_variant(email, founders, {"subject": script})
    services.update_touchpoint(email, {"preheader": script})
    db.session.commit()

    raw = client.get(editor_url(email, founders)).get_data(as_text=True)

    assert script not in raw
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in raw


# --- the API -------------------------------------------------------------------------------------------


def test_a_field_put_as_the_base_value_through_the_api_is_stored_as_inherited(client, world):
    email, founders = world["email"], world["founders"]

    response = client.put(
        f"/api/touchpoints/{email.id}/variants/{founders.id}",
        json={"subject": "Only for founders", "preheader": PREHEADER, "mjml": BODY + "\n"},
    )

    assert response.status_code == 201
    body = response.get_json()
    assert (body["subject"], body["preheader"], body["mjml"]) == ("Only for founders", None, None)
    client.patch(f"/api/touchpoints/{email.id}", json={"mjml": NEW_BODY, "preheader": "A new base preheader"})
    preview = client.get(f"/api/campaigns/{email.campaign_id}/preview?touchpoint={email.id}&segment={founders.id}")
    assert preview.get_json()["subject"] == "Only for founders"
    assert preview.get_json()["preheader"] == "A new base preheader"
    assert "Hello Ada, your guide is ready." in preview.get_json()["html"]


# --- what leaves: the matrix, the Mailjet bundle, the plan CSV -------------------------------------------


def test_the_matrix_and_the_cell_preview_say_what_a_variant_changes(client, world):
    email, founders, browsers = world["email"], world["founders"], world["browsers"]
    services.put_variant(email, founders, {"subject": "Only for founders"})
    db.session.commit()

    matrix = page(client.get(f"/campaigns/{email.campaign_id}/matrix"))
    cell = page(client.get(cell_url(email, founders)))
    base_cell = page(client.get(cell_url(email, browsers)))

    founders_card = matrix.select("td", data_segment_id=str(founders.id))[0]
    assert "variant own subject" in founders_card.select(class_="mx-marks")[0].text()
    assert "own subject" in cell.select("article", class_="cp-email")[0].text()
    assert not base_cell.select(class_="variant-changes")


def test_the_mailjet_bundle_and_the_plan_csv_send_the_variant_with_the_base_edits(client, post_form, world):
    email, founders, browsers = world["email"], world["founders"], world["browsers"]
    post_form(editor_url(email, founders), {}, action=f"/touchpoints/{email.id}/email/variants/{founders.id}")
    save_from_page(client, editor_url(email, founders), subject="Only for founders")
    client.patch(f"/api/touchpoints/{email.id}", json={"mjml": NEW_BODY, "preheader": "A new base preheader"})

    bundle = client.get(f"/campaigns/{email.campaign_id}/export/mailjet.json")
    plan = client.get(f"/campaigns/{email.campaign_id}/export/plan.csv")

    assert bundle.status_code == 200, bundle.get_data(as_text=True)
    contents = {
        r["body"]["Headers"]["Subject"]: r["body"] for r in bundle.get_json()["requests"]
        if r["path"].startswith("template/") and r["path"].endswith("/detailcontent")
    }
    assert set(contents) == {"Only for founders", 'Your guide, [[data:firstname:"friend"]]'}
    for content in contents.values():
        assert "your guide is ready" in content["Html-part"] and "your guide is ready" in content["MJMLContent"]
        assert "A new base preheader" in content["MJMLContent"]
    rows = list(csv.DictReader(io.StringIO(plan.get_data(as_text=True).lstrip("\ufeff"))))
    by_segment = {row["Segment"]: row for row in rows}
    assert (by_segment[founders.name]["Content"], by_segment[founders.name]["Subject"],
            by_segment[founders.name]["Preheader"]) == ("variant", "Only for founders", "A new base preheader")
    assert (by_segment[browsers.name]["Content"], by_segment[browsers.name]["Subject"]) == ("base", SUBJECT)



def test_the_editor_previews_the_plain_text_part_the_segment_gets(client, world):
    email, founders, browsers = world["email"], world["founders"], world["browsers"]
    services.update_touchpoint(email, {"text_override": "Hi {{ firstname }}, the guide is attached."})
    services.put_variant(email, founders, {"subject": "Only for founders"})
    services.put_variant(email, browsers, {"mjml": NEW_BODY})
    db.session.commit()

    follows = page(client.get(editor_url(email, founders))).select("pre", class_="plain-text")[0].text()
    own = page(client.get(editor_url(email, browsers))).select("pre", class_="plain-text")[0].text()
    sent = client.get(f"/api/campaigns/{email.campaign_id}/preview?touchpoint={email.id}&segment={browsers.id}")

    assert follows == "Hi Ada, the guide is attached."  # the base's hand-written part goes with the base body
    assert "Hello Jonas, your guide is ready." in own  # derived from the variant's own body ...
    assert own == " ".join(sent.get_json()["text"].split())  # ... as the segment receives it
