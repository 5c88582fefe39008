"""The starter MJML emails shipped for each email touchpoint kind."""

import re
from pathlib import Path

import mjml
import pytest

EMAILS_DIR = Path(__file__).resolve().parent.parent / "emails" / "starters"

KINDS = [
    "welcome",
    "newsletter",
    "offer",
    "follow_up",
    "reminder",
    "onboarding",
    "review_request",
    "referral",
    "re_engagement",
]

MERGE_TAG = re.compile(r"\{\{.*?\}\}", re.DOTALL)
ALLOWED_TAG = re.compile(
    r'\{\{ [a-z_][a-z0-9_]*(?: \| default\("[^"{}]*"\))? \}\}'
)
UNSUBSCRIBE_TAG = "{{ unsubscribe_url }}"
UNSUBSCRIBE_URL = "https://example.com/unsubscribe"


def _source(kind: str) -> str:
    return (EMAILS_DIR / f"{kind}.mjml").read_text(encoding="utf-8")


def _rendered(source: str) -> str:
    """Simulate rendering: fill every merge tag with a plain value."""
    filled = source.replace(UNSUBSCRIBE_TAG, UNSUBSCRIBE_URL)
    return MERGE_TAG.sub("Sam", filled)


@pytest.mark.parametrize("kind", KINDS)
def test_file_exists(kind):
    assert (EMAILS_DIR / f"{kind}.mjml").is_file()


@pytest.mark.parametrize("kind", KINDS)
def test_is_complete_mjml_document_in_shared_style(kind):
    src = _source(kind)
    for tag in ("<mjml>", "<mj-head>", "</mj-head>", "<mj-body", "</mj-body>", "</mjml>"):
        assert tag in src, f"{kind}: missing {tag}"
    assert 'font-family="Helvetica, Arial, sans-serif"' in src
    assert 'background-color="#f4f5f7"' in src
    assert "#4f46e5" in src
    assert "<mj-font" not in src, "no web fonts"
    assert not re.search(r"""src=["']?https?://""", src), "no remote assets"


@pytest.mark.parametrize("kind", KINDS)
def test_merge_tags_are_restricted(kind):
    src = _source(kind)
    assert "{%" not in src and "%}" not in src
    tags = MERGE_TAG.findall(src)
    assert tags, f"{kind}: no merge tags"
    for tag in tags:
        assert ALLOWED_TAG.fullmatch(tag), f"{kind}: disallowed merge tag {tag!r}"
    assert '{{ firstname | default("there") }}' in src
    assert f'href="{UNSUBSCRIBE_TAG}"' in src


@pytest.mark.parametrize("kind", KINDS)
def test_has_one_real_call_to_action(kind):
    body = _source(kind).split("<mj-body", 1)[1]
    buttons = re.findall(r"<mj-button\b[^>]*>", body)
    assert len(buttons) == 1, f"{kind}: expected one mj-button, found {len(buttons)}"
    href = re.search(r'href="([^"]*)"', buttons[0])
    assert href and href.group(1).startswith("https://"), f"{kind}: button needs an https href"


@pytest.mark.parametrize("kind", KINDS)
def test_compiles_as_written(kind):
    html = mjml.mjml2html(_source(kind))
    assert "<html" in html


@pytest.mark.parametrize("kind", KINDS)
def test_compiles_after_rendering(kind):
    src = _rendered(_source(kind))
    assert "{{" not in src and "}}" not in src
    html = mjml.mjml2html(src)

    assert f'href="{UNSUBSCRIBE_URL}"' in html, f"{kind}: no unsubscribe link"
    assert re.search(r'<a\b[^>]*\bhref="https://[^"]+"', html), f"{kind}: no https link"
    assert "Sam" in html, f"{kind}: greeting merge tag not rendered"
    # The compiler drops unknown elements silently: make sure the CTA survived.
    cta = re.search(r'<mj-button\b[^>]*href="([^"]+)"', src.split("<mj-body", 1)[1])
    assert cta and f'href="{cta.group(1)}"' in html, f"{kind}: CTA button not rendered"
    srcs = re.findall(r"""\bsrc\s*=\s*["']([^"']*)["']""", html, re.IGNORECASE)
    assert not [s for s in srcs if re.match(r"https?://", s.strip(), re.I)], (
        f"{kind}: remote asset in src: {srcs}"
    )
    assert not re.search(r'href="http://', html), f"{kind}: insecure link"
