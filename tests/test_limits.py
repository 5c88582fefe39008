"""The checks at their exact limits: a subject of 60 characters, a preheader of 30 to 100, compiled HTML of
102 KB (Gmail clips beyond). Each limit is tested on both sides of it, in the checks themselves, in the preview
API the editor asks while one types, and on the editor page after saving.

The subject and preheader are counted in characters as the reader gets them (merge tags filled, entities
undone, surrounding whitespace ignored); the HTML in bytes of UTF-8.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask.testing import FlaskClient

from campaigns.models import Campaign, Touchpoint
from emails import render_email, run_checks
from emails.checks import GMAIL_CLIP_BYTES, PREHEADER_MAX, PREHEADER_MIN, SUBJECT_MAX
from html_tree import control, parse

SUBJECT = "Your guide to planning a month of posts"
PREHEADER = "Twelve pages on planning a month of posts in one afternoon."
SENTENCE = "Plan a month of posts in one afternoon, then get back to work. "


def text_of(length: int, sentence: str = SENTENCE) -> str:
    """Readable text of exactly `length` characters, with no whitespace at either end (the checks strip it)."""
    text = ((sentence * (length // len(sentence) + 1))[: length - 1] + ".") if length else ""
    assert len(text) == len(text.strip()) == length
    return text


def body(filler: str = "") -> str:
    """A clean email (a button, an unsubscribe link); `filler` is a paragraph of its own."""
    return (
        "<mjml><mj-body><mj-section><mj-column>"
        '<mj-button href="https://plannery.example/guide">Read the guide</mj-button>'
        + (f"<mj-text>{filler}</mj-text>" if filler else "")
        + '<mj-text><a href="{{ unsubscribe_url }}">Unsubscribe</a></mj-text>'
        "</mj-column></mj-section></mj-body></mjml>"
    )


def html_bytes(mjml: str) -> int:
    rendered = render_email(mjml_source=mjml, subject=SUBJECT, preheader=PREHEADER)
    assert rendered.html is not None, rendered.error
    return len(rendered.html.encode("utf-8"))


def email_of_html_size(size: int) -> str:
    """MJML whose compiled HTML is exactly `size` bytes: the filler grows the HTML byte for byte."""
    empty = html_bytes(body("x")) - 1  # the email with an empty paragraph
    source = body(text_of(size - empty))
    assert html_bytes(source) == size
    return source


def one_character_two_bytes(source: str) -> str:
    """The same email with one ASCII letter of the filler replaced by "é": as many characters, one byte more."""
    start = source.index("<mj-text>") + len("<mj-text>")
    assert source[start] == "P"
    return source[:start] + "é" + source[start + 1:]


AT_CLIP_LIMIT = email_of_html_size(GMAIL_CLIP_BYTES)
OVER_CLIP_LIMIT = email_of_html_size(GMAIL_CLIP_BYTES + 1)

# (email, the check it must or must not raise, raised?)
SUBJECT_TAG = '{{ firstname | default("there") }}, '
LIMITS = {
    "subject of 60": ({"subject": text_of(SUBJECT_MAX)}, "subject-long", False),
    "subject of 61": ({"subject": text_of(SUBJECT_MAX + 1)}, "subject-long", True),
    "subject of 60 letters beyond ASCII": ({"subject": text_of(SUBJECT_MAX, "Grüße aus Köln – ")}, "subject-long", False),
    "subject of 60 between spaces": ({"subject": "   " + text_of(SUBJECT_MAX) + "  "}, "subject-long", False),
    "subject of 60 once filled": (
        {"subject": SUBJECT_TAG + text_of(SUBJECT_MAX - len("Ada, ")), "values": {"firstname": "Ada"}},
        "subject-long", False,
    ),
    "subject of 61 once filled": (
        {"subject": SUBJECT_TAG + text_of(SUBJECT_MAX - len("Ada, ")), "values": {"firstname": "Adam"}},
        "subject-long", True,
    ),
    "subject of 60 with an ampersand filled in": (
        {"subject": "{{ company }}: " + text_of(SUBJECT_MAX - len("Loom & Co: ")), "values": {"company": "Loom & Co"}},
        "subject-long", False,
    ),
    "preheader of 29": ({"preheader": text_of(PREHEADER_MIN - 1)}, "preheader-short", True),
    "preheader of 30": ({"preheader": text_of(PREHEADER_MIN)}, "preheader-short", False),
    "preheader of 100": ({"preheader": text_of(PREHEADER_MAX)}, "preheader-long", False),
    "preheader of 101": ({"preheader": text_of(PREHEADER_MAX + 1)}, "preheader-long", True),
    "preheader of 100 once filled": (
        {"preheader": SUBJECT_TAG + text_of(PREHEADER_MAX - len("Ada, ")), "values": {"firstname": "Ada"}},
        "preheader-long", False,
    ),
    "preheader of 101 once filled": (
        {"preheader": SUBJECT_TAG + text_of(PREHEADER_MAX - len("Ada, ")), "values": {"firstname": "Adam"}},
        "preheader-long", True,
    ),
    "HTML of exactly 102 KB": ({"mjml": AT_CLIP_LIMIT}, "html-too-large", False),
    "HTML one byte over 102 KB": ({"mjml": OVER_CLIP_LIMIT}, "html-too-large", True),
    "HTML of 102 KB in characters but one byte over": (
        {"mjml": one_character_two_bytes(AT_CLIP_LIMIT)}, "html-too-large", True,
    ),
}


def codes_from_the_checks(client: FlaskClient, mjml: str = body(), subject: str = SUBJECT,
                          preheader: str = PREHEADER, values: dict[str, Any] | None = None) -> set[str]:
    rendered = render_email(mjml_source=mjml, subject=subject, preheader=preheader, values=values or {})
    return {check.code for check in run_checks(rendered, mjml)}


def codes_from_the_preview_api(client: FlaskClient, mjml: str = body(), subject: str = SUBJECT,
                               preheader: str = PREHEADER, values: dict[str, Any] | None = None) -> set[str]:
    response = client.post(
        "/api/preview", json={"mjml": mjml, "subject": subject, "preheader": preheader, "sample_data": values or {}}
    )
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    return {check["code"] for check in response.get_json()["checks"]}


@pytest.mark.parametrize("where", [codes_from_the_checks, codes_from_the_preview_api], ids=["checks", "preview API"])
@pytest.mark.parametrize(("email", "code", "raised"), LIMITS.values(), ids=LIMITS.keys())
def test_each_limit_holds_exactly_at_its_number(
    client: FlaskClient, where: Callable[..., set[str]], email: dict[str, Any], code: str, raised: bool
) -> None:
    codes = where(client, **email)

    assert (code in codes) is raised
    assert codes <= {code}  # the email is clean otherwise: nothing else decides the outcome


def test_the_limits_are_the_ones_design_md_names() -> None:
    """The tests above count from the constants; this pins the constants to the documented numbers."""
    assert (SUBJECT_MAX, PREHEADER_MIN, PREHEADER_MAX, GMAIL_CLIP_BYTES) == (60, 30, 100, 102 * 1024)


# --- on the editor page, after saving ---------------------------------------------------------


@pytest.fixture
def email(create_campaign: Callable[..., Campaign], create_touchpoint: Callable[..., Touchpoint]) -> Touchpoint:
    campaign = create_campaign()
    return create_touchpoint(campaign, 0, subject=SUBJECT, preheader=PREHEADER, mjml=body())


@pytest.mark.parametrize(
    ("field", "length", "shown"),
    [
        ("subject", SUBJECT_MAX, None),
        ("subject", SUBJECT_MAX + 1, "The subject has 61 characters; inboxes cut it off after about 60."),
        ("preheader", PREHEADER_MIN - 1, "The preheader is short: 29 of at least 30 characters; aim for 30 to 90."),
        ("preheader", PREHEADER_MIN, None),
        ("preheader", PREHEADER_MAX, None),
        ("preheader", PREHEADER_MAX + 1, "The preheader has 101 characters; inboxes show about 90."),
    ],
)
def test_the_editor_shows_a_length_check_only_beyond_the_limit(
    client: FlaskClient, post_form: Callable[..., Any], email: Touchpoint, field: str, length: int, shown: str | None
) -> None:
    url = f"/touchpoints/{email.id}/email"
    form = {"subject": SUBJECT, "preheader": PREHEADER, "mjml": body(), "text_override": "", field: text_of(length)}

    saved = post_form(url, form)

    assert saved.status_code == 302
    html = parse(client.get(url).get_data(as_text=True))
    assert control(html, field).get("value") == text_of(length)  # the checks are those of the saved email
    checks = [li.text() for li in html.select("li", class_="check")]
    assert checks == (["No problems found."] if shown is None else [f"Warning: {shown}"])
