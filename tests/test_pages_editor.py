"""The email editor page: the base email and each segment's variant, saved through a plain form,
shown beside a preview of what that segment receives."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import Row

from api_support import saved, saved_rows
from previews import editor as editor_module
from campaigns import services
from campaigns.models import Campaign, Touchpoint, Variant
from html_tree import Element, control, field_text, parse
from journeymail.extensions import db
from segments.models import Segment

BODY = """<mjml>
  <mj-body>
    <mj-section>
      <mj-column>
        <mj-text>Hello {{ firstname | default("there") }}, here is your guide.</mj-text>
        <mj-button href="https://example.com/guide">Read the guide</mj-button>
        <mj-text><a href="{{ unsubscribe_url }}">Unsubscribe</a></mj-text>
      </mj-column>
    </mj-section>
  </mj-body>
</mjml>"""


@pytest.fixture
def world(create_campaign, create_segment, create_touchpoint) -> dict[str, Any]:
    """A campaign targeting two segments, with one welcome email for everyone."""
    founders = create_segment(name="Busy founders", sample_data={"firstname": "Ada"})
    browsers = create_segment(name="Casual browsers", sample_data={"firstname": "Jonas"})
    campaign = create_campaign(sender_name="Maya from Plannery")
    services.set_segments(campaign, {"segment_ids": [founders.id, browsers.id]})
    db.session.commit()
    email = create_touchpoint(
        campaign, 0, kind="welcome", name="Guide delivery", subject="Your guide, {{ firstname | default(\"friend\") }}",
        preheader="Twelve pages on planning a month of posts in one afternoon.", mjml=BODY,
    )
    return {"campaign": campaign, "email": email, "founders": founders, "browsers": browsers}


def editor_url(touchpoint: Touchpoint, segment: Segment | None = None) -> str:
    return f"/touchpoints/{touchpoint.id}/email" + (f"?segment={segment.id}" if segment else "")


def page(response: Any) -> Element:
    return parse(response.get_data(as_text=True))


def where(response: Any) -> tuple[str, dict[str, list[str]]]:
    url = urlsplit(response.headers["Location"])
    return url.path, parse_qs(url.query)


def content(touchpoint: Touchpoint, **changes: str) -> dict[str, str]:
    """The editor form as the page fills it for the base email, with some fields changed."""
    return {
        "subject": touchpoint.subject or "", "preheader": touchpoint.preheader or "",
        "mjml": touchpoint.mjml or "", "text_override": touchpoint.text_override or "", **changes,
    }


def saved_email(touchpoint_id: int) -> Row[Any]:
    """The base email as saved, read on a connection of its own."""
    row = saved(Touchpoint, touchpoint_id)
    assert row is not None
    return row


def variants() -> list[Row[Any]]:
    """Every variant as saved, read on a connection of its own."""
    return saved_rows(Variant)


def preview_frame(html: Element) -> Element:
    frames = html.select("iframe")
    assert len(frames) == 1
    return frames[0]


def posting_forms(html: Element) -> list[Element]:
    """The page's own forms that post (not the header's: workspace, sign out)."""
    (main,) = html.select("main")
    return [f for f in main.select("form") if (f.get("method") or "").lower() == "post"]


# --- the base email ------------------------------------------------------------------------


def test_the_editor_shows_subject_preheader_and_body_beside_a_sandboxed_preview(client, world):
    email = world["email"]

    response = client.get(editor_url(email))

    html = page(response)
    assert response.status_code == 200
    assert control(html, "subject").get("value") == email.subject
    assert control(html, "preheader").get("value") == email.preheader
    assert control(html, "mjml").text() == " ".join(BODY.split())
    assert control(html, "text_override").tag == "textarea"
    frame = preview_frame(html)
    assert frame.get("sandbox") == ""  # no allow-scripts, no allow-same-origin
    assert "Hello there, here is your guide." in frame.get("srcdoc")
    inbox = html.select(class_="inbox")[0].text()
    assert "Maya from Plannery" in inbox and "Your guide, friend" in inbox and "Twelve pages" in inbox
    assert "Hello there, here is your guide." in html.select("pre", class_="plain-text")[0].text()


def test_the_body_is_shown_in_its_field_as_text_entities_and_all(client, world):
    email = world["email"]
    services.update_touchpoint(email, {"mjml": "<mjml><mj-body><mj-text>a &amp; b</mj-text></mj-body></mjml>"})
    db.session.commit()

    raw = client.get(editor_url(email)).get_data(as_text=True)

    assert ">\n&lt;mjml&gt;&lt;mj-body&gt;&lt;mj-text&gt;a &amp;amp; b&lt;/mj-text&gt;" in raw


def test_every_form_on_the_editor_carries_a_csrf_token(client, world):
    services.put_variant(world["email"], world["browsers"], {"subject": "Hi"})
    db.session.commit()

    for url in (editor_url(world["email"]), editor_url(world["email"], world["founders"]),
                editor_url(world["email"], world["browsers"])):
        forms = posting_forms(page(client.get(url)))
        assert forms, url
        assert all(f.select("input", name="csrf_token") for f in forms), url


def test_the_checks_list_names_the_line_of_a_problem(client, world):
    email = world["email"]
    services.update_touchpoint(email, {"mjml": BODY.replace('href="https://example.com/guide"', 'href="#"')})
    db.session.commit()

    html = page(client.get(editor_url(email)))

    checks = html.select("ul", class_="check-list")[0]
    broken = [li for li in checks.select("li") if "A link points to #" in li.text()]
    assert broken and "check-error" in broken[0].classes
    assert broken[0].select("button", class_="line-link")[0].get("data-line") == "6"


def test_an_unknown_mj_element_is_an_error_check_with_its_line(client, world):
    email = world["email"]
    misspelt = BODY.replace("<mj-button", "<mj-buton").replace("</mj-button>", "</mj-buton>")
    services.update_touchpoint(email, {"mjml": misspelt})
    db.session.commit()

    html = page(client.get(editor_url(email)))

    [unknown] = [li for li in html.select("li", class_="check") if "<mj-buton> is not an MJML element" in li.text()]
    assert "check-error" in unknown.classes
    assert unknown.select("button")[0].get("data-line") == "6"


def test_saving_the_base_email_stores_it_and_returns_to_the_editor(client, post_form, world):
    email = world["email"]

    changed = content(email, subject="Your guide is here", mjml=BODY.replace("guide.", "e-book."))

    response = post_form(editor_url(email), changed)

    assert response.status_code == 302
    assert where(response) == (f"/touchpoints/{email.id}/email", {})
    assert saved_email(email.id).subject == "Your guide is here"
    assert "here is your e-book." in saved_email(email.id).mjml
    assert 'Saved the email "Guide delivery".' in page(client.get(response.headers["Location"])).text()


def test_the_body_is_stored_with_the_line_breaks_the_api_uses(post_form, world):
    email = world["email"]

    changed = BODY.replace("guide.", "e-book.")

    post_form(editor_url(email), content(email, mjml=changed.replace("\n", "\r\n")))  # as a browser posts a textarea

    assert saved_email(email.id).mjml == changed


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("<mjml>\n<mj-body>\n<mj-text>Hi {{ firstname </mj-text>\n</mj-body>\n</mjml>",
         "Line 3: A merge tag is not closed"),
        ("<mjml>\n<mj-body>\n<mj-text>{{ ''.__class__.__mro__ }}</mj-text></mj-body></mjml>",
         "Line 3: Not an allowed merge tag"),
        ("<mjml>\n<mj-body>\n\n<mj-text>{{ cycler.__init__.__globals__ }}</mj-text></mj-body></mjml>",
         "Line 4: Not an allowed merge tag"),
        ("<mjml>\n<mj-body>\n{% for x in range(9) %}x{% endfor %}</mj-body></mjml>",
         "Line 3: Only merge tags"),
        ("<mjml>\n<mj-body>{{ firstname | upper }}</mj-body></mjml>",
         'Line 2: Not an allowed merge tag: the filter "upper"'),
    ],
    ids=["unclosed merge tag", "attribute access", "globals", "for block", "other filter"],
)
def test_a_body_with_a_merge_tag_that_is_not_allowed_is_refused_beside_the_body(post_form, world, body, message):
    email = world["email"]

    response = post_form(editor_url(email), content(email, subject="Changed", mjml=body))

    html = page(response)
    assert response.status_code == 422
    assert message in field_text(html, "mjml")
    assert message not in field_text(html, "subject")
    assert control(html, "mjml").text() == " ".join(body.split())  # what was typed stays
    assert saved_email(email.id).subject != "Changed" and saved_email(email.id).mjml == BODY


def test_a_merge_tag_that_is_not_allowed_in_the_subject_is_refused_beside_the_subject(post_form, world):
    email = world["email"]

    response = post_form(editor_url(email), content(email, subject="Hi {{ firstname.upper() }}"))

    assert response.status_code == 422
    assert "Not an allowed merge tag" in field_text(page(response), "subject")
    assert saved_email(email.id).subject == email.subject


def test_an_emptied_body_is_refused_rather_than_replaced_by_the_starter_email(post_form, world):
    email = world["email"]

    response = post_form(editor_url(email), content(email, mjml="   "))

    assert response.status_code == 422
    assert "The email body is empty." in field_text(page(response), "mjml")
    assert saved_email(email.id).mjml == BODY


def test_mjml_that_does_not_compile_is_saved_and_its_error_shown(client, post_form, world):
    """A draft may be broken for a while: saving keeps the writer's work; the preview says what is wrong."""
    email = world["email"]
    broken = BODY.replace("      </mj-column>\n", "", 1)

    response = post_form(editor_url(email), content(email, mjml=broken))

    assert response.status_code == 302
    html = page(client.get(response.headers["Location"]))
    assert "This version does not render." in html.select(class_="render-error")[0].text()
    assert "is not closed before </mj-section>" in html.select(class_="render-error")[0].text()
    assert "Nothing to show until the email renders." in preview_frame(html).get("srcdoc")


def test_a_body_over_the_request_limit_is_refused_with_413_before_anything_renders(client, world, monkeypatch):
    email = world["email"]
    token = page(client.get(editor_url(email))).select("input", name="csrf_token")[0].get("value")
    monkeypatch.setattr(editor_module, "preview_source", lambda **_: pytest.fail("rendered a refused request"))
    huge = "<mjml><mj-body><mj-text>" + "x" * (5 * 1024 * 1024) + "</mj-text></mj-body></mjml>"

    response = client.post(editor_url(email), data={**content(email, mjml=huge), "csrf_token": token})

    assert response.status_code == 413
    assert "larger than the" in page(response).text()
    assert saved_email(email.id).mjml == BODY


def test_saving_the_base_email_never_changes_what_a_variant_wrote(post_form, world):
    email = world["email"]
    own_body = BODY.replace("your guide", "your one-click guide")
    services.put_variant(email, world["browsers"], {"subject": "Jonas, one click", "mjml": own_body})
    db.session.commit()

    post_form(editor_url(email), content(email, subject="New base subject", mjml=BODY.replace("guide.", "book.")))

    [variant] = variants()
    assert (variant.subject, variant.mjml, variant.preheader) == ("Jonas, one click", own_body, None)


def test_the_plain_text_part_can_be_written_by_hand(client, post_form, world):
    email = world["email"]

    post_form(editor_url(email), content(email, text_override="Hi {{ firstname | default(\"there\") }}, read it here."))

    assert saved_email(email.id).text_override == 'Hi {{ firstname | default("there") }}, read it here.'
    html = page(client.get(editor_url(email, world["founders"])))
    assert html.select("pre", class_="plain-text")[0].text() == "Hi Ada, read it here."


# --- segments and variants -----------------------------------------------------------------


def test_the_picker_offers_the_base_and_every_targeted_segment_marking_variants(client, world):
    email = world["email"]
    services.put_variant(email, world["browsers"], {"subject": "Hi"})
    db.session.commit()

    html = page(client.get(editor_url(email)))

    picker = html.select("nav", class_="segment-picker")[0]
    entries = [" ".join(a.text().split()) for a in picker.select("a")]
    assert entries == ["Base email", "Busy founders", "Casual browsers variant"]
    assert picker.select("a", aria_current="page")[0].text() == "Base email"


def test_a_segment_without_a_variant_is_shown_the_base_email_with_its_own_sample_data(client, world):
    email, founders = world["email"], world["founders"]

    response = client.get(editor_url(email, founders))

    html = page(response)
    assert response.status_code == 200
    assert "Busy founders gets the base email." in html.text()
    [create] = posting_forms(html)
    assert create.get("action") == f"/touchpoints/{email.id}/email/variants/{founders.id}"
    assert create.select("button")[0].text() == "Create a variant for Busy founders"
    assert "Hello Ada, here is your guide." in preview_frame(html).get("srcdoc")
    assert "Your guide, Ada" in html.select(class_="inbox")[0].text()
    assert html.by_id("mjml").get("readonly") is not None


def test_creating_a_variant_copies_nothing_so_every_field_follows_the_base(client, post_form, world):
    email, founders = world["email"], world["founders"]

    create = f"/touchpoints/{email.id}/email/variants/{founders.id}"

    response = post_form(editor_url(email, founders), {}, action=create)

    assert where(response) == (f"/touchpoints/{email.id}/email", {"segment": [str(founders.id)]})
    [variant] = variants()
    assert (variant.segment_id, variant.subject, variant.preheader, variant.mjml) == (founders.id, None, None, None)
    html = page(client.get(response.headers["Location"]))
    assert "Variant for Busy founders. It changes nothing yet" in " ".join(html.text().split())
    assert control(html, "subject").get("value") == email.subject  # shown filled in, to change from
    assert [html.by_id(f"{name}-source").text() for name in ("subject", "preheader", "mjml")] == [
        "From the base email"] * 3
    assert "Created a variant for" in html.text()


def test_editing_a_variant_saves_it_and_leaves_the_base_alone(client, post_form, world):
    email, founders = world["email"], world["founders"]
    services.put_variant(email, founders, {"subject": email.subject, "mjml": BODY})
    db.session.commit()

    response = post_form(editor_url(email, founders), {
        "subject": "{{ firstname }}, the founder's guide", "preheader": "",
        "mjml": BODY.replace("your guide", "the founder guide"),
    })

    assert where(response) == (f"/touchpoints/{email.id}/email", {"segment": [str(founders.id)]})
    [variant] = variants()
    assert variant.subject == "{{ firstname }}, the founder's guide"
    assert variant.preheader is None  # empty: inherits the base
    assert "the founder guide" in variant.mjml
    assert saved_email(email.id).mjml == BODY and saved_email(email.id).subject.startswith("Your guide")
    html = page(client.get(response.headers["Location"]))
    assert "Ada, the founder's guide" in html.select(class_="inbox")[0].text()
    assert email.preheader in html.select(class_="inbox")[0].text()  # inherited
    assert control(html, "preheader").get("placeholder") == email.preheader


def test_a_variant_with_an_empty_body_shows_and_previews_the_base_body(client, world):
    email, browsers = world["email"], world["browsers"]
    services.put_variant(email, browsers, {"subject": "Jonas, one click"})
    db.session.commit()

    html = page(client.get(editor_url(email, browsers)))

    assert control(html, "mjml").text() == " ".join(BODY.split())  # the base's, to change from
    assert html.by_id("mjml-source").text() == "From the base email"
    assert control(html, "mjml").get("data-inherit") == BODY
    assert "Hello Jonas, here is your guide." in preview_frame(html).get("srcdoc")


def test_a_variant_with_a_merge_tag_that_is_not_allowed_is_refused_and_not_saved(post_form, world):
    email, founders = world["email"], world["founders"]
    services.put_variant(email, founders, {"subject": "Hi"})
    db.session.commit()

    bad = {"subject": "Hi", "preheader": "", "mjml": "<mjml>\n{% if x %}</mjml>"}

    response = post_form(editor_url(email, founders), bad)

    assert response.status_code == 422
    assert "Line 2: Only merge tags" in field_text(page(response), "mjml")
    [variant] = variants()
    assert variant.mjml is None


def test_resetting_a_variant_deletes_it_so_the_segment_gets_the_base_again(client, post_form, world):
    email, founders = world["email"], world["founders"]
    services.put_variant(email, founders, {"subject": "Hi"})
    db.session.commit()
    html = page(client.get(editor_url(email, founders)))
    reset = next(f for f in posting_forms(html) if "Reset to the base email" in f.text())

    response = post_form(editor_url(email, founders), {}, action=reset.get("action"))

    assert where(response) == (f"/touchpoints/{email.id}/email", {"segment": [str(founders.id)]})
    assert variants() == []
    assert saved_email(email.id).subject.startswith("Your guide")
    shown = page(client.get(response.headers["Location"])).text()
    assert 'Variant deleted: "Busy founders" gets the base email again.' in shown


def test_a_variant_cannot_be_created_for_a_segment_the_campaign_does_not_target(
    client, post_form, world, create_segment
):
    stranger = create_segment(name="Elsewhere")
    create = f"/touchpoints/{world['email'].id}/email/variants/{stranger.id}"

    response = post_form(editor_url(world["email"]), {}, action=create)

    assert response.status_code == 302
    assert variants() == []
    assert 'does not target the segment "Elsewhere"' in page(client.get(response.headers["Location"])).text()


def test_a_segment_the_campaign_does_not_target_opens_the_base_email_with_a_message(client, world, create_segment):
    stranger = create_segment(name="Elsewhere")

    response = client.get(editor_url(world["email"], stranger))

    assert where(response) == (f"/touchpoints/{world['email'].id}/email", {})
    assert 'does not target the segment "Elsewhere"' in page(client.get(response.headers["Location"])).text()


def test_a_segment_outside_the_emails_audience_is_marked_not_sent(client, world):
    email = world["email"]
    services.update_touchpoint(email, {"segment_ids": [world["founders"].id]})
    db.session.commit()

    html = page(client.get(editor_url(email, world["browsers"])))

    assert "This email is not sent to Casual browsers" in html.text()
    assert "not sent" in html.select("a", data_segment_id=str(world["browsers"].id))[0].text()


@pytest.mark.parametrize("segment", ["999999999", "abc", "2147483648", "١"])
def test_a_segment_that_does_not_exist_is_a_404_page(client, world, segment):
    response = client.get(f"/touchpoints/{world['email'].id}/email?segment={segment}")

    assert response.status_code == 404
    assert "Not found" in page(response).text()


# --- what has no email ------------------------------------------------------------------------


def test_a_form_touchpoint_has_no_email_editor(client, world, create_touchpoint):
    signup = create_touchpoint(world["campaign"], 0, kind="signup_form", name="Newsletter signup")

    response = client.get(editor_url(signup))

    assert response.status_code == 404
    assert '"Newsletter signup" is a signup form: it sends no email' in page(response).text()


def test_an_unknown_touchpoint_is_a_404_page(client, world):
    assert client.get(f"/touchpoints/{world['email'].id + 1000}/email").status_code == 404
    assert client.get("/touchpoints/2147483648/email").status_code == 404


def test_the_touchpoint_settings_link_to_the_email_editor(client, world, create_touchpoint):
    signup = create_touchpoint(world["campaign"], 0, kind="signup_form", name="Newsletter signup")

    email_page = page(client.get(f"/touchpoints/{world['email'].id}/edit"))
    email_links = email_page.select("a", href=editor_url(world["email"]))
    signup_links = page(client.get(f"/touchpoints/{signup.id}/edit")).select("a", href=editor_url(signup))

    assert [a.text() for a in email_links] == ["Open the email editor"]
    assert signup_links == []


# --- the preheader and a <mj-preview> in the body -------------------------------------------

WITH_PREVIEW = BODY.replace("<mjml>\n", "<mjml>\n  <mj-head>\n    <mj-preview>Written in the body</mj-preview>\n  </mj-head>\n")


def override_note(html: Element) -> Element:
    (note,) = html.select(**{"data-preheader-override": ""})
    return note


def test_the_preheader_field_says_it_replaces_the_mj_preview_written_in_the_body(client, world):
    email = world["email"]
    services.update_touchpoint(email, {"mjml": WITH_PREVIEW})
    db.session.commit()

    html = page(client.get(editor_url(email)))

    note = override_note(html)
    assert note.get("hidden") is None
    assert " ".join(note.text().split()) == (
        "This preheader replaces the <mj-preview> on line 3 of the body: inboxes show the preheader, not that text."
    )
    srcdoc = preview_frame(html).get("srcdoc")  # what the note says is what the engine does
    assert "Twelve pages on planning a month of posts in one afternoon." in srcdoc
    assert "Written in the body" not in srcdoc


def test_without_a_preheader_the_mj_preview_of_the_body_stays_and_nothing_is_said(client, world):
    email = world["email"]
    services.update_touchpoint(email, {"mjml": WITH_PREVIEW, "preheader": ""})
    db.session.commit()

    html = page(client.get(editor_url(email)))

    assert override_note(html).get("hidden") == ""
    assert "Written in the body" in preview_frame(html).get("srcdoc")


def test_a_variant_is_told_when_the_base_preheader_it_inherits_replaces_its_mj_preview(client, world):
    email, founders = world["email"], world["founders"]
    body = "<mjml>\n<mj-head><mj-preview>Founders only</mj-preview></mj-head>" + BODY.removeprefix("<mjml>")
    services.put_variant(email, founders, {"subject": "For founders", "mjml": body})  # its preheader is empty
    db.session.commit()

    html = page(client.get(editor_url(email, founders)))

    note = override_note(html)
    assert note.get("hidden") is None
    assert "on line 2 of the body" in " ".join(note.text().split())
    assert "Founders only" not in preview_frame(html).get("srcdoc")


# --- escaping ------------------------------------------------------------------------------

SCRIPT = "<script>alert(1)</script>"


def test_user_text_on_the_editor_is_shown_as_text_never_as_markup(
    client, create_campaign, create_segment, create_touchpoint
):
    segment = create_segment(name=SCRIPT, sample_data={"firstname": SCRIPT})
    campaign: Campaign = create_campaign(name=SCRIPT, sender_name=SCRIPT)
    services.set_segments(campaign, {"segment_ids": [segment.id]})
    email = create_touchpoint(
        campaign, 0, kind="welcome", name=SCRIPT, subject=SCRIPT + " {{ firstname }}", preheader=SCRIPT,
        mjml="<mjml><mj-body><mj-text>{{ firstname }}</textarea>" + SCRIPT + "</mj-text></mj-body></mjml>",
    )
    services.put_variant(email, segment, {"subject": SCRIPT})
    db.session.commit()

    for url in (editor_url(email), editor_url(email, segment)):
        response = client.get(url)
        raw = response.get_data(as_text=True)
        html = page(response)
        assert response.status_code == 200
        assert SCRIPT not in raw, url
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in raw
        assert all(script.get("src") for script in html.select("script")), url
        assert not [e for e in html.iter() if any(a.startswith("on") for a in e.attrs)], url
    base = page(client.get(editor_url(email)))
    assert "</textarea>" + SCRIPT in control(base, "mjml").text()  # the body stays inside its field
