"""The unfinished-content check: placeholders, example addresses and filler text an author left in an email
are errors with their line, in the body, the subject, the preheader and the plain-text part; brackets and
addresses that belong in a finished email are left alone; and every starter email is unfinished until its
placeholders are written."""

from __future__ import annotations

import re
from pathlib import Path

import mjml
import pytest

from email_bodies import FINISHED_MJML
from emails import checks, render_email
from emails.checks import UNFINISHED, is_ready, is_unfinished, run_checks
from emails.starters import STARTERS

SUBJECT = "Your first week with Plannery"
PREHEADER = "Three things to try in your first week, each in five minutes."


def body(*lines: str) -> str:
    """A finished email with `lines` added to its text, one line of the source each, from line 5 on."""
    return (
        "<mjml>\n<mj-body>\n<mj-section>\n<mj-column>\n"
        + "".join(f"<mj-text>{line}</mj-text>\n" for line in lines)
        + '<mj-button href="https://plannery.example/start">Start</mj-button>\n'
        '<mj-text><a href="{{ unsubscribe_url }}">Unsubscribe</a></mj-text>\n'
        "</mj-column>\n</mj-section>\n</mj-body>\n</mjml>\n"
    )


def unfinished_in(source: str, subject: str = SUBJECT, preheader: str = PREHEADER,
                  text_override: str | None = None) -> list[tuple[int | None, str]]:
    rendered = render_email(mjml_source=source, subject=subject, preheader=preheader, text_override=text_override,
                            values={"firstname": "Ada"})
    return [(c.line, c.message) for c in run_checks(rendered, source) if c.code == UNFINISHED]


@pytest.fixture(autouse=True)
def _empty_cache():
    checks.source_checks_cache.clear()
    yield
    checks.source_checks_cache.clear()


def test_a_finished_email_has_nothing_unfinished():
    assert unfinished_in(FINISHED_MJML) == []
    assert unfinished_in(body("Hi {{ firstname | default(\"there\") }}, see you on Tuesday.")) == []


@pytest.mark.parametrize(
    ("line", "shown"),
    [
        ("Welcome to [Brand name]!", '"[Brand name]" is a placeholder'),
        ("[20%] off, just for you", '"[20%]" is a placeholder'),
        ("Use code <strong>[CODE20]</strong> at checkout", '"[CODE20]" is a placeholder'),
        ('<a href="https://example.com/offer">Claim</a>', '"https://example.com/offer" is an example address'),
        ('<a href="https://shop.Example.COM/">Shop</a>', '"https://shop.Example.COM/" is an example address'),
        ('<a href="mailto:help@example.org">Write to us</a>', '"mailto:help@example.org" is an example address'),
        ("Questions? support@mail.example.net.", '"support@mail.example.net" is an example address'),
        ("Lorem ipsum dolor sit amet.", '"Lorem ipsum" is filler text'),
        ("LOREM\n  IPSUM", '"LOREM IPSUM" is filler text'),
        ('<img src="x.png" alt="[Product photo]" />', '"[Product photo]" is a placeholder'),
        ('Hi {{ firstname | default("[first name]") }}', '"[first name]" is a placeholder'),
    ],
)
def test_each_kind_of_unfinished_content_is_an_error_at_its_line(line, shown):
    found = unfinished_in(body("A finished sentence.", line))

    assert len(found) == 1, found
    assert found[0][0] == 6  # body() puts the second line of text on line 6
    assert found[0][1].startswith(shown)


@pytest.mark.parametrize(
    "line",
    [
        'Hi {{ firstname | default("there") }}, {{ unsubscribe_url }}',  # merge tags
        "Mailjet writes [[data:firstname:\"there\"]] and [[UNSUB_LINK_EN]]",  # Mailjet's own tags
        "Trusted by 2,000 teams[1] and rated 4.8 [2, 3]. [*] Prices without VAT.",  # footnotes and marks
        "As the review put it: \u201cthe best planner [sic] we tried [\u2026]\u201d",
        "&lt;!--[if mso]&gt;Outlook only&lt;![endif]--&gt;",  # a conditional comment written out as text
        '<span class="tag">new</span> <a href="https://plannery.example/a[1]">next</a>',
        "See myexample.com, example.community and https://plannery.example for more.",
        "<!-- [Draft note] TODO: https://example.com -->",  # an HTML comment: no reader sees it
    ],
)
def test_what_belongs_in_a_finished_email_is_not_unfinished(line):
    assert unfinished_in(body(line)) == []


def test_style_sheets_and_outlook_comments_are_not_read():
    source = body("Finished.").replace(
        "<mj-body>",
        "<mj-head><mj-style>a[x-apple-data-detectors] { color: inherit; } [owa] .x { width: 1px; }</mj-style>"
        "</mj-head>\n<mj-body>",
    ).replace("Finished.", "Finished.<!--[if mso]><table><tr><td>[Outlook-only text]</td></tr></table><![endif]-->")

    assert unfinished_in(source) == []


def test_every_occurrence_is_reported_even_on_one_line():
    found = unfinished_in(body("Until [end date] you get [discount] on [product]; see https://example.com/terms."))

    assert [line for line, _ in found] == [5, 5, 5, 5]
    assert [message.split('"')[1] for _, message in found] == [
        "[end date]", "[discount]", "[product]", "https://example.com/terms"]


def test_the_subject_preheader_and_plain_text_part_are_checked_too():
    found = unfinished_in(FINISHED_MJML, subject="Welcome to [Brand name]", preheader="Lorem ipsum for now, sorry",
                          text_override="Read more at https://example.com/read")

    assert found == [
        (None, 'In the subject: "[Brand name]" is a placeholder: write what it stands for.'),
        (None, 'In the preheader: "Lorem ipsum" is filler text: write the real copy.'),
        (None, 'In the plain-text part: "https://example.com/read" is an example address: put in your own '
               "link or address."),
    ]


def test_the_bodys_own_preview_text_counts_only_while_the_preheader_is_empty():
    source = FINISHED_MJML.replace("<mjml>\n", "<mjml>\n<mj-head><mj-preview>[Teaser]</mj-preview></mj-head>\n")

    assert unfinished_in(source, preheader="") == [(2, '"[Teaser]" is a placeholder: write what it stands for.')]
    assert unfinished_in(source, preheader=PREHEADER) == []  # the preheader replaces it: no reader sees it


def test_unfinished_content_makes_the_email_not_ready():
    source = body("Welcome to [Brand name]!")
    rendered = render_email(mjml_source=source, subject=SUBJECT, preheader=PREHEADER)
    found = run_checks(rendered, source)

    assert [(c.code, c.severity) for c in found] == [(UNFINISHED, "error")]
    assert is_unfinished(found) and not is_ready(found)
    assert checks.summary(found) == {"error": 1, "warning": 0}
    finished = run_checks(render_email(mjml_source=FINISHED_MJML, subject=SUBJECT, preheader=PREHEADER),
                          FINISHED_MJML)
    assert not is_unfinished(finished) and is_ready(finished)


def test_the_check_is_cached_by_source_and_follows_an_edit():
    source = body("Welcome to [Brand name]!")
    first = unfinished_in(source)
    assert first == [(5, '"[Brand name]" is a placeholder: write what it stands for.')]
    misses, hits = checks.source_checks_cache.misses, checks.source_checks_cache.hits

    assert unfinished_in(source, subject="Another subject") == first  # another segment, the same body
    assert checks.source_checks_cache.misses == misses and checks.source_checks_cache.hits > hits
    assert unfinished_in(source.replace("[Brand name]", "Plannery")) == []


# --- the starter emails: unfinished until written, and they still compile -----------------------------------


def starters() -> list[Path]:
    return sorted(STARTERS.glob("*.mjml"))


def placeholder_lines(source: str) -> list[int]:
    """Where a reader of the starter sees something still to write: each [...] and each example.com link."""
    lines = []
    for number, line in enumerate(source.splitlines(), start=1):
        lines += [number] * (len(re.findall(r"\[[^\]]+\]", line)) + line.count("example.com"))
    return lines


@pytest.mark.parametrize("starter", starters(), ids=lambda p: p.stem)
def test_every_placeholder_of_a_starter_email_is_found_at_its_line(starter):
    source = starter.read_text(encoding="utf-8")

    found = unfinished_in(source, preheader="")  # the starter's own <mj-preview> is then the preheader

    assert [line for line, _ in found] == placeholder_lines(source)
    assert len(found) >= 5


@pytest.mark.parametrize("starter", starters(), ids=lambda p: p.stem)
def test_a_starter_with_its_placeholders_written_is_finished_and_compiles(starter):
    source = starter.read_text(encoding="utf-8")
    written = re.sub(r"\[([^\]]+)\]", lambda m: m.group(1).split(",")[0].title(), source)
    written = written.replace("example.com", "plannery.example")

    assert "<html" in mjml.mjml2html(source) and "<html" in mjml.mjml2html(written)
    rendered = render_email(mjml_source=written, subject=SUBJECT, preheader=PREHEADER, values={"firstname": "Ada"})
    assert run_checks(rendered, written) == []
