"""The email editor in a real browser: the body is a CodeMirror editor (completion, search, undo, tag
matching, wrapping, a way out by keyboard) over the form's textarea, the preview follows the typing,
segments show their own data, a broken body keeps the last good preview, variants reach the journey map,
the page keeps working without JavaScript, and no email script ever runs, nor anything the CSP refuses."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import ConsoleMessage, FrameLocator, Locator, Page, expect

from api_support import saved
from campaigns import services
from campaigns.models import Touchpoint
from journeymail.extensions import db
from segments.models import Segment

# The live preview renders on the server after a pause in the typing: on a shared, busy machine that has taken
# over 5 s. Waiting longer costs nothing when it works, and a preview that never comes still fails.
LIVE = 30_000

pytestmark = pytest.mark.browser

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


# Collects every Content-Security-Policy violation of the page (and of frames of the same origin).
RECORD_CSP_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(event.violatedDirective + " " + (event.blockedURI || "inline") + " " + event.sourceFile);
});
"""


def refused_by_the_page(message: ConsoleMessage) -> bool:
    """A console report of the CSP refusing something to the app's page. The email preview (about:srcdoc)
    inherits the page's policy, which keeps an email's web fonts and scripts out: that is its job."""
    return "Content Security Policy" in message.text and message.location.get("url") != "about:srcdoc"


@pytest.fixture
def page(page: Page) -> Iterator[Page]:
    """A wide window (editor and preview side by side) that fails the test on any script error in the page
    and on anything the page's Content-Security-Policy refused (reported in the console or as an event)."""
    page.set_viewport_size({"width": 1440, "height": 1000})
    errors: list[str] = []
    refused: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda message: refused.append(message.text) if refused_by_the_page(message) else None)
    page.add_init_script(RECORD_CSP_VIOLATIONS)
    yield page
    assert errors == []
    assert refused == []
    if page.url.startswith("http"):
        assert page.evaluate("window.__cspViolations") == []


@pytest.fixture
def world(create_campaign, create_segment, create_touchpoint) -> dict[str, Any]:
    founders = create_segment(name="Busy founders", sample_data={"firstname": "Ada"})
    browsers = create_segment(name="Casual browsers", sample_data={"firstname": "Jonas"})
    campaign = create_campaign(sender_name="Maya from Plannery")
    services.set_segments(campaign, {"segment_ids": [founders.id, browsers.id]})
    db.session.commit()
    email = create_touchpoint(
        campaign, 0, kind="welcome", name="Guide delivery", subject='Your guide, {{ firstname | default("friend") }}',
        preheader="Twelve pages on planning a month of posts in one afternoon.", mjml=BODY,
    )
    return {
        "campaign_id": campaign.id, "email_id": email.id,
        "founders_id": founders.id, "browsers_id": browsers.id,
    }


def editor(live_server: str, world: dict[str, Any], segment_id: int | None = None) -> str:
    return f"{live_server}/touchpoints/{world['email_id']}/email" + (f"?segment={segment_id}" if segment_id else "")


def preview(page: Page) -> FrameLocator:
    return page.frame_locator("[data-preview-frame]")


def body(page: Page) -> Locator:
    """The email body as the author types into it: CodeMirror's editable content."""
    return page.locator(".code-editor .cm-content")


PASTE = """text => {
  const data = new DataTransfer();
  data.setData("text/plain", text);
  document.activeElement.dispatchEvent(new ClipboardEvent("paste", { clipboardData: data, bubbles: true, cancelable: true }));
}"""


def paste_over_body(page: Page, text: str) -> None:
    """Select the whole body and paste text over it, as an author brings in a large email (typing megabytes
    through Playwright's fill would take the test's time, not the editor's)."""
    body(page).click()
    page.keyboard.press("Control+a")
    page.evaluate(PASTE, text)


def gutter_line(page: Page, n: int) -> Locator:
    """Line n's number in the editor's gutter."""
    return page.locator(".code-editor .cm-lineNumbers .cm-gutterElement").filter(has_text=re.compile(rf"^{n}$"))


def cursor_line(page: Page) -> int:
    """The line the cursor is on, as the editor's gutter shows it."""
    return int(page.locator(".code-editor .cm-activeLineGutter").inner_text())


def test_typing_updates_the_preview_and_the_inbox_line_within_seconds(live_server, page, world):
    page.goto(editor(live_server, world))
    expect(preview(page).get_by_text("Hello there, here is your guide.")).to_be_visible()

    body(page).fill(BODY.replace("here is your guide", "your guide is ready"))
    page.locator("#subject").fill('Ready for you, {{ firstname | default("friend") }}')
    page.locator("#subject").press_sequentially("!!")

    expect(preview(page).get_by_text("Hello there, your guide is ready.")).to_be_visible(timeout=LIVE)
    expect(page.locator("[data-inbox-subject]")).to_have_text("Ready for you, friend!!", timeout=LIVE)
    expect(page.locator("[data-plain-text]")).to_contain_text("Hello there, your guide is ready.")
    expect(page.locator("[data-dirty-note]")).to_be_visible()
    expect(page.locator("[data-preview-status]")).to_have_text("Up to date (not saved)")


def test_choosing_a_segment_previews_its_email_with_its_sample_data(live_server, page, world):
    page.goto(editor(live_server, world))

    page.get_by_role("link", name="Busy founders").click()

    expect(page).to_have_url(re.compile(rf"\?segment={world['founders_id']}$"))
    expect(preview(page).get_by_text("Hello Ada, here is your guide.")).to_be_visible()
    expect(page.locator("[data-inbox-subject]")).to_have_text("Your guide, Ada")
    expect(page.get_by_text("Busy founders gets the base email.")).to_be_visible()
    page.get_by_role("link", name="Casual browsers").click()
    expect(preview(page).get_by_text("Hello Jonas, here is your guide.")).to_be_visible()


def test_a_broken_body_shows_its_error_line_and_keeps_the_last_good_preview(live_server, page, world):
    page.goto(editor(live_server, world))
    expect(preview(page).get_by_text("Hello there, here is your guide.")).to_be_visible()

    broken = BODY.replace("here is your guide", "this never shows").replace("      </mj-column>\n", "")
    body(page).fill(broken)

    problem = page.locator("[data-render-error]")
    expect(problem).to_be_visible(timeout=LIVE)
    expect(problem).to_contain_text("This version does not render.")
    expect(problem).to_contain_text("Line 8 <mj-column> (line 4) is not closed before </mj-section>.")
    expect(gutter_line(page, 8)).to_have_class(re.compile(r"\bis-error\b"))
    expect(preview(page).get_by_text("Hello there, here is your guide.")).to_be_visible()  # the last good one
    expect(page.locator("[data-device-frame]")).to_have_class(re.compile(r"\bis-stale\b"))

    problem.get_by_role("button", name="Line 8").click()
    assert cursor_line(page) == 8
    expect(body(page)).to_be_focused()

    body(page).fill(BODY.replace("here is your guide", "all is well again"))
    expect(preview(page).get_by_text("Hello there, all is well again.")).to_be_visible(timeout=LIVE)
    expect(problem).to_be_hidden()


def test_a_broken_merge_tag_names_its_line(live_server, page, world):
    page.goto(editor(live_server, world))

    body(page).fill(BODY.replace('{{ firstname | default("there") }}', "{{ firstname"))

    expect(page.locator("[data-render-error]")).to_contain_text("Line 5 A merge tag is not closed", timeout=LIVE)
    expect(page.locator("[data-preview-status]")).to_have_text("Does not render: see line 5")


@pytest.mark.parametrize(
    ("tag", "message"),
    [
        ("{{ ''.__class__.__mro__ }}", "Line 5 Not an allowed merge tag: attribute and item access"),
        ("{{ cycler.__init__.__globals__ }}", "Line 5 Not an allowed merge tag: attribute and item access"),
        ("{% for x in range(3) %}x{% endfor %}", "Line 5 Only merge tags like {{ firstname }} are allowed"),
    ],
    ids=["mro", "globals", "for block"],
)
def test_a_template_injection_attempt_is_answered_with_a_message_and_its_line(live_server, page, world, tag, message):
    page.goto(editor(live_server, world))

    body(page).fill(BODY.replace('{{ firstname | default("there") }}', tag))

    expect(page.locator("[data-render-error]")).to_contain_text(message, timeout=LIVE)
    expect(preview(page).get_by_text("Hello there, here is your guide.")).to_be_visible()


def test_a_check_line_link_moves_the_cursor_to_that_line(live_server, page, world):
    with_empty_link = BODY.replace('href="https://example.com/guide"', 'href="#"')
    services.update_touchpoint(db.session.get_one(Touchpoint, world["email_id"]), {"mjml": with_empty_link})
    db.session.commit()
    page.goto(editor(live_server, world))

    check = page.locator("[data-check-list] li", has_text="A link points to #")
    check.get_by_role("button", name="line 6").click()

    assert cursor_line(page) == 6
    expect(gutter_line(page, 6)).to_have_class(re.compile(r"\bcm-activeLineGutter\b"))
    expect(gutter_line(page, 6)).to_have_class(re.compile(r"\bis-error\b"))


def test_the_preview_switches_between_desktop_and_mobile_widths(live_server, page, world):
    page.goto(editor(live_server, world))
    frame = page.locator("[data-preview-frame]")
    assert frame.bounding_box()["width"] >= 600

    page.get_by_text("Mobile").click()
    expect(frame).to_have_css("width", "375px")

    page.get_by_text("Desktop").click()
    assert frame.bounding_box()["width"] >= 600


def test_a_refused_or_failed_preview_request_says_why_and_keeps_the_last_good_preview(live_server, page, world):
    page.goto(editor(live_server, world))
    expect(preview(page).get_by_text("Hello there, here is your guide.")).to_be_visible()
    problem = page.locator("[data-render-error]")

    page.route("**/api/preview", lambda route: route.fulfill(
        status=413, content_type="application/json",
        body=json.dumps({"error": {"message": "The request is too large.", "fields": {}}}),
    ))
    body(page).fill(BODY.replace("guide.", "book."))
    expect(problem).to_contain_text("too large to preview or save", timeout=LIVE)

    page.unroute("**/api/preview")
    page.route("**/api/preview", lambda route: route.abort())
    body(page).fill(BODY.replace("guide.", "booklet."))
    expect(problem).to_contain_text("could not be reached", timeout=LIVE)
    expect(preview(page).get_by_text("Hello there, here is your guide.")).to_be_visible()

    page.unroute("**/api/preview")
    body(page).fill(BODY.replace("guide.", "leaflet."))
    expect(preview(page).get_by_text("Hello there, here is your leaflet.")).to_be_visible(timeout=LIVE)
    expect(problem).to_be_hidden()


def test_a_body_over_the_request_limit_is_not_sent_and_reported_as_too_large(live_server, page, world):
    page.goto(editor(live_server, world))
    expect(preview(page).get_by_text("Hello there, here is your guide.")).to_be_visible()
    sent: list[str] = []
    page.on("request", lambda request: sent.append(request.url) if request.url.endswith("/api/preview") else None)

    paste_over_body(page, BODY.replace("guide.", "guide.\n" + "A line of a very long email.\n" * (3 * 1024 * 1024 // 29)))

    expect(page.locator("[data-render-error]")).to_contain_text("too large to preview or save", timeout=LIVE)
    assert sent == []
    expect(preview(page).get_by_text("Hello there, here is your guide.")).to_be_visible()


def test_creating_a_variant_in_the_editor_marks_the_segment_lane_on_the_map(live_server, page, world):
    page.goto(editor(live_server, world, world["founders_id"]))

    page.get_by_role("button", name="Create a variant for Busy founders").click()
    expect(page.get_by_text("Variant for Busy founders.")).to_be_visible()
    expect(page.locator("#subject")).to_have_value('Your guide, {{ firstname | default("friend") }}')
    page.locator("#subject").fill("{{ firstname }}, a guide for founders")
    expect(page.locator("[data-inbox-subject]")).to_have_text("Ada, a guide for founders", timeout=LIVE)
    page.get_by_role("button", name="Save variant").click()
    expect(page.get_by_text("Saved the variant for \"Busy founders\".")).to_be_visible()
    founders_tab = page.locator(".segment-picker").get_by_role("link", name=re.compile("Busy founders"))
    expect(founders_tab).to_contain_text("variant")

    page.goto(f"{live_server}/campaigns/{world['campaign_id']}")
    founders_lane = page.locator(f'.segment-lane[data-segment-id="{world["founders_id"]}"]')
    browsers_lane = page.locator(f'.segment-lane[data-segment-id="{world["browsers_id"]}"]')
    expect(founders_lane.locator(".variant")).to_have_count(1)
    expect(founders_lane).to_contain_text("a guide for founders")
    expect(browsers_lane.locator(".variant")).to_have_count(0)


def test_resetting_a_variant_from_the_editor_gives_the_segment_the_base_email(live_server, page, world):
    email = db.session.get_one(Touchpoint, world["email_id"])
    services.put_variant(email, db.session.get_one(Segment, world["founders_id"]), {"subject": "Only for founders"})
    db.session.commit()
    page.goto(editor(live_server, world, world["founders_id"]))
    expect(page.locator("[data-inbox-subject]")).to_have_text("Only for founders")

    page.get_by_text("Reset to the base email…").click()
    page.get_by_role("button", name="Reset to the base email", exact=True).click()

    expect(page.get_by_text("Busy founders gets the base email.")).to_be_visible()
    expect(page.locator("[data-inbox-subject]")).to_have_text("Your guide, Ada")


def test_the_editor_saves_without_javascript(live_server, browser, world, signed_in):
    context = browser.new_context(java_script_enabled=False)
    try:
        page = signed_in(context.new_page())
        page.goto(editor(live_server, world))
        expect(page.locator("[data-inbox-subject]")).to_have_text("Your guide, friend")  # rendered by the server
        expect(page.locator(".cm-editor")).to_have_count(0)  # no CodeMirror: the plain textarea is the field
        expect(page.locator("#mjml-keys")).to_be_hidden()  # nor its keyboard hints

        page.locator("#subject").fill("Saved without scripts")
        long_line = "Without scripts a long line wraps in the field rather than running off to the right. " * 6
        page.locator("#mjml").fill(BODY.replace("here is your guide", "no script needed").replace("Unsubscribe<", long_line + "<"))
        assert page.locator("#mjml").evaluate("el => el.scrollWidth <= el.clientWidth")
        page.get_by_role("button", name="Save email").click()

        expect(page.get_by_text('Saved the email "Guide delivery".')).to_be_visible()
        expect(page.locator("[data-inbox-subject]")).to_have_text("Saved without scripts")
        expect(preview(page).get_by_text("Hello there, no script needed.")).to_be_visible()
        assert "no script needed" in saved(Touchpoint, world["email_id"]).mjml
    finally:
        context.close()


# --- the CodeMirror editor -------------------------------------------------------------------


def end_of_line(page: Page, n: int) -> None:
    """Click into line n of the body and put the cursor at its end."""
    body(page).locator(".cm-line").nth(n - 1).click()
    page.keyboard.press("End")


def option(page: Page, label: str) -> Locator:
    """An entry of the completion list."""
    return page.locator(".cm-tooltip-autocomplete").get_by_role("option", name=label, exact=True)


def test_typing_a_button_in_the_code_editor_offers_mjml_tags_and_attributes_previews_it_and_saves_it(
    live_server, page, world,
):
    page.goto(editor(live_server, world))
    expect(preview(page).get_by_text("Hello there, here is your guide.")).to_be_visible()

    end_of_line(page, 6)  # after the guide's button
    page.keyboard.press("Enter")
    page.keyboard.type("<mj-bu")
    expect(option(page, "mj-button")).to_be_visible()
    page.wait_for_timeout(200)  # CodeMirror ignores an Enter in the first 75 ms of the list (interactionDelay)
    page.keyboard.press("Enter")
    page.keyboard.type(" backg")
    option(page, "background-color").click()
    page.keyboard.type('="#1f7a3a" href="https://example.com/typed">')  # ">" writes the close tag too
    page.keyboard.type("Typed in the editor")

    typed = '<mj-button background-color="#1f7a3a" href="https://example.com/typed">Typed in the editor</mj-button>'
    expect(page.locator("#mjml")).to_have_value(re.compile(re.escape(typed)))  # the form's field follows
    expect(preview(page).get_by_role("link", name="Typed in the editor")).to_be_visible(timeout=LIVE)
    expect(page.locator("[data-dirty-note]")).to_be_visible()
    page.get_by_role("button", name="Save email").click()

    expect(page.get_by_text('Saved the email "Guide delivery".')).to_be_visible()
    assert typed in saved(Touchpoint, world["email_id"]).mjml
    expect(body(page)).to_contain_text(typed)  # shown again, in the editor, after the save
    expect(preview(page).get_by_role("link", name="Typed in the editor")).to_be_visible()


def test_long_lines_wrap_in_the_code_editor(live_server, page, world):
    page.goto(editor(live_server, world))
    long_text = "A sentence that goes on and on, as copywriters' first drafts do, well past the field's width. " * 5

    body(page).fill(BODY.replace("here is your guide.", long_text))

    line = body(page).locator(".cm-line").nth(4)
    expect(line).to_contain_text("well past the field's width")
    assert page.locator(".code-editor .cm-scroller").evaluate("el => el.scrollWidth <= el.clientWidth")
    assert line.bounding_box()["height"] > 3 * body(page).locator(".cm-line").nth(0).bounding_box()["height"]


def test_the_code_editor_searches_undoes_redoes_and_matches_tags(live_server, page, world):
    page.goto(editor(live_server, world))
    end_of_line(page, 5)

    page.keyboard.press("Control+f")
    search = page.locator(".cm-search").get_by_role("textbox").first
    expect(search).to_be_focused()
    page.keyboard.type("guide")  # as typed: the panel searches on each key
    expect(page.locator(".cm-searchMatch")).to_have_count(3)
    page.keyboard.press("Escape")
    expect(page.locator(".cm-search")).to_have_count(0)
    expect(body(page)).to_be_focused()

    end_of_line(page, 5)
    page.keyboard.type(" Extra words.")
    expect(page.locator("#mjml")).to_have_value(re.compile("Extra words"))
    page.keyboard.press("Control+z")
    expect(page.locator("#mjml")).to_have_value(BODY)
    page.keyboard.press("Control+Shift+z")
    expect(page.locator("#mjml")).to_have_value(re.compile("</mj-text> Extra words."))

    body(page).locator(".cm-line").nth(5).locator(".tok-typeName", has_text="mj-button").first.click()
    matched = body(page).locator(".cm-matchingBracket")
    expect(matched).to_have_count(2)  # the open tag's name and the close tag's
    expect(matched.nth(0)).to_have_text("mj-button")
    expect(matched.nth(1)).to_have_text("mj-button")


def test_keyboard_users_leave_the_code_editor_with_escape_then_tab(live_server, page, world):
    page.goto(editor(live_server, world))
    hint = page.locator("#mjml-keys")
    expect(hint).to_be_visible()
    expect(hint).to_contain_text("to leave the editor by keyboard, press Esc, then Tab")

    end_of_line(page, 5)
    expect(page.locator(".code-editor")).not_to_have_css("box-shadow", "none")  # the focused field is marked
    page.keyboard.press("Home")
    page.keyboard.press("Tab")  # indents the line, the focus stays
    expect(page.locator("#mjml")).to_have_value(re.compile(r"\n {10}<mj-text>Hello"))
    expect(body(page)).to_be_focused()

    page.keyboard.press("Escape")
    page.keyboard.press("Tab")

    expect(body(page)).not_to_be_focused()
    assert page.evaluate("document.activeElement.closest('form[data-editor-form]') !== null")  # on to the next field
    expect(page.locator("#mjml")).to_have_value(re.compile(r"\n {10}<mj-text>Hello"))  # no second indent
    expect(page.locator(".code-editor")).to_have_css("box-shadow", "none")


def test_a_refused_save_marks_the_line_it_names_in_the_gutter(live_server, page, world):
    page.goto(editor(live_server, world))

    body(page).fill(BODY.replace('{{ firstname | default("there") }}', "{{ firstname | upper }}"))
    page.get_by_role("button", name="Save email").click()

    expect(page.locator("#mjml-error")).to_contain_text('Line 5: Not an allowed merge tag: the filter "upper"')
    expect(gutter_line(page, 5)).to_have_class(re.compile(r"\bis-error\b"))
    expect(body(page)).to_contain_text("{{ firstname | upper }}")  # what was typed stays
    assert saved(Touchpoint, world["email_id"]).mjml == BODY


def test_a_variant_that_follows_the_base_body_shows_it_in_the_editor_to_change(live_server, page, world):
    email = db.session.get_one(Touchpoint, world["email_id"])
    services.put_variant(email, db.session.get_one(Segment, world["founders_id"]), {"subject": "Only for founders"})
    db.session.commit()
    page.goto(editor(live_server, world, world["founders_id"]))
    expect(page.locator("#mjml-source")).to_have_text("From the base email")
    expect(page.locator("#mjml")).to_have_value(BODY)  # the base's body, to edit from
    expect(body(page)).to_contain_text("Read the guide")

    end_of_line(page, 5)
    for _ in "</mj-text>":
        page.keyboard.press("ArrowLeft")
    page.keyboard.type(" Founders read this.")
    expect(preview(page).get_by_text("Hello Ada, here is your guide. Founders read this.")).to_be_visible(timeout=LIVE)


WITH_PREVIEW = BODY.replace("<mjml>\n", "<mjml>\n  <mj-head>\n    <mj-preview>Written in the body</mj-preview>\n  </mj-head>\n")


def test_the_preheader_field_says_when_it_replaces_the_mj_preview_of_the_body(live_server, page, world):
    services.update_touchpoint(db.session.get_one(Touchpoint, world["email_id"]), {"mjml": WITH_PREVIEW})
    db.session.commit()
    page.goto(editor(live_server, world))
    note = page.locator("[data-preheader-override]")
    expect(note).to_have_text(
        "This preheader replaces the <mj-preview> on line 3 of the body: inboxes show the preheader, not that text."
    )  # as the server rendered it
    expect(page.locator("[data-inbox-preheader]")).to_have_text("Twelve pages on planning a month of posts in one afternoon.")

    page.locator("#preheader").fill("")
    expect(note).to_be_hidden()
    page.locator("#preheader").fill("The preheader wins.")
    expect(note).to_be_visible()
    expect(page.locator("[data-inbox-preheader]")).to_have_text("The preheader wins.", timeout=LIVE)

    body(page).fill(BODY)  # no <mj-preview> left in the body
    expect(note).to_be_hidden(timeout=LIVE)
    body(page).fill("<mjml>\n" + WITH_PREVIEW.removeprefix("<mjml>\n").replace("<mj-head>", "\n<mj-head>"))
    expect(note).to_contain_text("on line 4 of the body", timeout=LIVE)


def test_script_in_an_email_never_runs_in_the_app_or_its_preview(live_server, page, world):
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(editor(live_server, world))
    title = page.title()
    hostile = BODY.replace(
        "        <mj-text><a href",
        "        <mj-raw><script>document.title='pwned'; parent.document.body.dataset.pwned='1'; alert(1)"
        "</script></mj-raw>\n"
        "        <mj-text><img src=\"x\" alt=\"\" onerror=\"parent.document.body.dataset.pwned='2'\">"
        " Still here.</mj-text>\n"
        "        <mj-text><a href",
    )

    body(page).fill(hostile)
    expect(preview(page).get_by_text("Still here.")).to_be_visible(timeout=LIVE)  # the hostile email has loaded

    assert page.title() == title
    assert page.evaluate("document.body.dataset.pwned") is None
    assert "pwned" in page.locator("[data-preview-frame]").get_attribute("srcdoc")
    assert page.locator("[data-preview-frame]").get_attribute("sandbox") == ""

    page.get_by_role("button", name="Save email").click()  # and served by the page itself, not the script
    expect(page.get_by_text('Saved the email "Guide delivery".')).to_be_visible()
    expect(preview(page).get_by_text("Still here.")).to_be_visible()
    assert page.title() == title
    assert page.evaluate("document.body.dataset.pwned") is None
    assert dialogs == []

