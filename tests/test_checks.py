"""Email quality checks: each rule fires on the problem it names, with a line where it can."""

from __future__ import annotations

from pathlib import Path

import pytest

from emails.checks import GMAIL_CLIP_BYTES, run_checks, summary
from emails import render_email

from gallery import gallery_templates

STARTERS = Path(__file__).resolve().parents[1] / "emails" / "starters"
GOOD_SUBJECT = "Your e-book is here"
GOOD_PREHEADER = "Twelve pages on planning a month of posts in one afternoon."


def codes_for(source: str, subject: str = GOOD_SUBJECT, preheader: str = GOOD_PREHEADER, values=None, marketing=True):
    rendered = render_email(mjml_source=source, subject=subject, preheader=preheader, values=values or {})
    return {(c.code, c.line) for c in run_checks(rendered, source, marketing=marketing)}


def body(inner: str) -> str:
    return (
        "<mjml>\n<mj-body>\n<mj-section>\n<mj-column>\n"
        + inner
        + '\n<mj-text><a href="{{ unsubscribe_url }}">Unsubscribe</a></mj-text>\n</mj-column>\n</mj-section>\n</mj-body>\n</mjml>'
    )


CLEAN = body('<mj-button href="https://plannery.example/go">Go</mj-button>')


def test_a_clean_email_passes_every_check():
    assert codes_for(CLEAN) == set()


@pytest.mark.parametrize("kind", sorted(p.stem for p in STARTERS.glob("*.mjml")))
def test_every_starter_email_is_only_unfinished_with_a_good_subject_and_preheader(kind):
    source = (STARTERS / f"{kind}.mjml").read_text()
    codes = codes_for(source, values={"firstname": "Ada"})
    assert codes and {code for code, _ in codes} == {"unfinished-content"}  # its placeholders, nothing else


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("<mjml><mj-body><mj-text>unclosed</mj-body></mjml>", ("mjml-compile", None)),
        ("   ", ("mjml-empty", None)),
        (body("<mj-txt>typo</mj-txt>"), ("mjml-unknown-element", 5)),
        (body('<mj-image src="https://example.com/a.png" />'), ("image-alt-missing", 5)),
        (body('<mj-button href="#">Go</mj-button>'), ("link-broken", 5)),
        (body('<mj-button href="">Go</mj-button>'), ("link-broken", 5)),
        (body('<mj-text><a href="javascript:alert(1)">x</a></mj-text>'), ("link-broken", 5)),
        (body("<mj-text>Hi {{ company }}</mj-text>"), ("merge-tag-no-value", 5)),
        (body("<mj-text>Hi {{ firstname.upper() }}</mj-text>"), ("merge-tag-invalid", 5)),
        ("<mjml>\n<mj-body>\n<mj-section><mj-column><mj-text>x</mj-text></mj-column>\n</mj-sectio>\n</mj-body>\n</mjml>",
         ("mjml-unknown-element", 4)),
    ],
)
def test_each_problem_is_found_with_its_line(source, expected):
    assert expected in codes_for(source)


def test_unclosed_element_is_reported_even_though_the_compiler_accepts_it():
    source = "<mjml>\n<mj-body>\n<mj-section><mj-column><mj-text>x</mj-text>\n</mj-section>\n</mj-body>\n</mjml>"
    codes = codes_for(source)
    assert ("mjml-unclosed", 4) in codes


def test_email_without_link_or_button_has_no_call_to_action():
    source = "<mjml><mj-body><mj-text>Just words. {{ unsubscribe_url }}</mj-text></mj-body></mjml>"
    assert ("cta-missing", None) in codes_for(source)


def test_marketing_email_without_unsubscribe_link_is_an_error():
    source = '<mjml><mj-body><mj-button href="https://example.com">Go</mj-button></mj-body></mjml>'
    assert ("unsubscribe-missing", None) in codes_for(source)
    assert ("unsubscribe-missing", None) not in codes_for(source, marketing=False)


@pytest.mark.parametrize(
    ("subject", "code"),
    [("", "subject-empty"), ("  ", "subject-empty"), ("x" * 61, "subject-long")],
)
def test_subject_rules(subject, code):
    assert (code, None) in codes_for(CLEAN, subject=subject)


@pytest.mark.parametrize(
    ("preheader", "code"),
    [("", "preheader-missing"), ("Too short", "preheader-short"), ("x" * 101, "preheader-long")],
)
def test_preheader_rules(preheader, code):
    assert (code, None) in codes_for(CLEAN, preheader=preheader)


def test_subject_length_counts_the_filled_merge_tags():
    subject = '{{ firstname | default("there") }}, ' + "x" * 50
    assert ("subject-long", None) not in codes_for(CLEAN, subject=subject, values={"firstname": "Al"})
    assert ("subject-long", None) in codes_for(CLEAN, subject=subject, values={"firstname": "Maximiliane"})


def test_html_over_gmails_clipping_limit_is_flagged():
    filler = "<mj-text>" + ("Lorem ipsum dolor sit amet. " * 400) + "</mj-text>\n"
    source = body(filler * 12)
    rendered = render_email(mjml_source=source, subject=GOOD_SUBJECT, preheader=GOOD_PREHEADER)
    assert len(rendered.html.encode()) > GMAIL_CLIP_BYTES
    assert ("html-too-large", None) in codes_for(source)


def test_summary_counts_errors_and_warnings():
    source = body('<mj-image src="https://plannery.example/a.png" /><mj-button href="#">x</mj-button>')
    rendered = render_email(mjml_source=source, subject="", preheader="")
    assert summary(run_checks(rendered, source)) == {"error": 2, "warning": 2}


@pytest.mark.parametrize("template", gallery_templates(), ids=lambda p: p.stem)
def test_every_gallery_template_passes_through_the_checks_without_a_crash(template):
    source = template.read_text(encoding="utf-8")
    rendered = render_email(mjml_source=source, subject="Hello", preheader="")
    checks = run_checks(rendered, source)
    assert all(c.severity in {"error", "warning", "info"} and c.message for c in checks)
    # None of the gallery emails carries our unsubscribe merge tag: the rule must notice.
    assert any(c.code == "unsubscribe-missing" for c in checks)


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        (
            "<mjml>\n  <mj-body>\n    <mj-section>\n      <mj-column>\n        <mj-text>Hello\n"
            "        <mj-text>Second</mj-text>\n      </mj-column>\n    </mj-section>\n  </mj-body>\n</mjml>",
            {("mjml-unclosed", 6)},
        ),
        (
            "<mjml>\n<mj-body>\n<mj-section>\n<mj-column>\n<mj-text>Hi</mj-column>\n</mj-section>\n</mj-body>\n</mjml>",
            {("mjml-unclosed", 5)},
        ),
    ],
)
def test_an_unclosed_content_element_is_named_once_at_the_tag_that_ends_it(source, expected):
    structure_codes = {c for c in codes_for(source) if c[0].startswith("mjml-") and c[0] != "mjml-compile"}
    assert structure_codes == expected
