"""The rules that read only the author's source are cached by source, and give what they gave before
their patterns were made faster: the same checks, in the same order, with the same lines."""

from __future__ import annotations

import random
import re
from collections.abc import Iterator

import pytest

from emails import checks, render_email
from emails.checks import Check, Email, run_checks
from emails.starters import STARTERS

from gallery import gallery_templates

# --- the three rules as they were written before (quadratic line counts, backtracking patterns) ---


def _line(source: str, offset: int) -> int:
    return source.count("\n", 0, offset) + 1


OLD_TAG = re.compile(r"<(/?)(mjml|mj-[a-z-]+)\b((?:[^>\"']|\"[^\"]*\"|'[^']*')*?)(/?)>", re.IGNORECASE)


def old_structure(email: Email) -> Iterator[Check]:
    stack: list[tuple[str, int]] = []
    unknown_opened: set[str] = set()
    inside_content: str | None = None
    for match in OLD_TAG.finditer(email.source):
        closing, name, self_closing = match.group(1), match.group(2).lower(), match.group(4)
        line = _line(email.source, match.start())
        if inside_content and not (closing and name == inside_content):
            opened, opened_line = stack.pop()
            shown = f"</{name}>" if closing else f"<{name}>"
            yield Check("mjml-unclosed", "error", f"<{opened}> (line {opened_line}) is not closed before {shown}.", line)
            inside_content = None
        if name not in checks.KNOWN_ELEMENTS:
            if closing and name in unknown_opened:
                continue
            unknown_opened.add(name)
            yield Check("mjml-unknown-element", "error", f"<{name}> is not an MJML element; check the spelling.", line)
            continue
        if self_closing:
            continue
        if not closing:
            stack.append((name, line))
            inside_content = name if name in checks.ENDING_TAGS else None
            continue
        inside_content = None
        if stack and stack[-1][0] == name:
            stack.pop()
        elif any(opened == name for opened, _ in stack):
            opened, opened_line = stack.pop()
            yield Check("mjml-unclosed", "error", f"<{opened}> (line {opened_line}) is not closed before </{name}>.", line)
            while stack and stack[-1][0] != name:
                stack.pop()
            if stack:
                stack.pop()
        else:
            yield Check("mjml-stray-closing", "error", f"</{name}> closes an element that was never opened.", line)
    for opened, opened_line in stack:
        yield Check("mjml-unclosed", "error", f"<{opened}> is never closed.", opened_line)


def old_image_alt(email: Email) -> Iterator[Check]:
    for match in re.finditer(r"<(mj-image|img)\b((?:[^>\"']|\"[^\"]*\"|'[^']*')*)>", email.source, re.IGNORECASE):
        if not re.search(r"\balt\s*=", match.group(2), re.IGNORECASE):
            yield Check(
                "image-alt-missing", "warning",
                "An image has no alt text; readers with images off see nothing (use alt=\"\" for decoration).",
                _line(email.source, match.start()),
            )


def old_links(email: Email) -> Iterator[Check]:
    for match in re.finditer(r"\bhref\s*=\s*([\"'])(.*?)\1", email.source, re.IGNORECASE | re.DOTALL):
        href = match.group(2).strip()
        if not href or href == "#" or href.lower().startswith("javascript:"):
            shown = href or "empty"
            yield Check(
                "link-broken", "error", f"A link points to {shown!s}; give it a real address.",
                _line(email.source, match.start()),
            )


OLD = {checks.structure: old_structure, checks.image_alt: old_image_alt, checks.links: old_links}


# --- sources: real emails, and real emails broken in every way a pattern could read differently ---


def real_sources() -> list[str]:
    sources = [path.read_text(encoding="utf-8") for path in sorted(STARTERS.glob("*.mjml"))]
    for path in gallery_templates():
        with path.open(encoding="utf-8", newline="") as file:
            sources.append(file.read())
    return sources


SALT = ["<", ">", "/", "/>", "//>", "\"", "'", "=", "<mj-text>", "</mj-text>", "<mj-imge ", "<img ", "<IMG src=x>",
        " alt=", " ALT = ''", " href=\"", " HREF='#'", "xhref=\"\"", "_href=''", "href = \"javascript:x\"",
        "</mj-section>", "<mj-section/>", "<mj-column >", "<mj-text-x>", "<mj-\u212aey>", "<MJ-TEXT>", "\u0130",
        "\u017f", "<mj-te\u0131xt>", "</MJ-\u017fECTION>", "<Mj-\u0130mage/>", "\n", "\r\n", "<mj-raw>", "</mj-raw>", "<mj-button href=\"\">", "<a href=' '>", "\u00e9"]


def mutants(count: int, seed: int = 3) -> list[str]:
    rng = random.Random(seed)
    sources = real_sources()
    found = []
    for _ in range(count):
        source = rng.choice(sources)
        for _ in range(rng.randint(1, 5)):
            at = rng.randrange(len(source) + 1)
            choice = rng.random()
            if choice < 0.5:
                source = source[:at] + rng.choice(SALT) + source[at:]
            elif choice < 0.75:
                source = source[:at] + source[at + rng.randint(1, 60):]
            else:
                source = source[:at] + source[at:at + 40].upper() + source[at + 40:]
        found.append(source)
    return found


@pytest.fixture(autouse=True)
def _empty_cache() -> Iterator[None]:
    checks.source_checks_cache.clear()
    yield
    checks.source_checks_cache.clear()


def email_of(source: str) -> Email:
    return Email(render_email(mjml_source="", subject="s", preheader="p"), source)  # these rules read the source


def test_the_faster_rules_find_exactly_what_the_old_ones_found():
    for source in real_sources() + mutants(600):
        email = email_of(source)
        for rule, old in OLD.items():
            assert list(rule.uncached(email)) == list(old(email)), (rule.__name__, source)


def test_cached_and_uncached_give_the_same_checks():
    for source in real_sources() + mutants(100, seed=4):
        email = email_of(source)
        for rule in [*OLD, checks.unfinished, checks.unfinished_body_preview]:
            first = list(rule(email))
            assert list(rule(email)) == first == list(rule.uncached(email))


def test_only_rules_that_read_nothing_but_the_source_are_cached():
    cached = {rule.__name__ for rule in checks.RULES if hasattr(rule, "uncached")}
    assert cached == {"structure", "image_alt", "links", "unfinished"}
    # The body's <mj-preview> is read by unfinished_inbox only when the preheader is empty; cached all the same.
    assert hasattr(checks.unfinished_body_preview, "uncached")


# --- the cache ------------------------------------------------------------------------------------


BODY = (
    "<mjml>\n<mj-body>\n<mj-section>\n<mj-column>\n<mj-image src=\"https://plannery.example/a.png\" />\n"
    "<mj-text>Hi {{ firstname }}, WORD</mj-text>\n<mj-button href=\"https://plannery.example\">Go</mj-button>\n"
    "<mj-text><a href=\"{{ unsubscribe_url }}\">Unsubscribe</a></mj-text>\n</mj-column>\n</mj-section>\n"
    "</mj-body>\n</mjml>\n"
)


def checks_for(source: str, firstname: str) -> list[Check]:
    rendered = render_email(mjml_source=source, subject="Hello there", values={"firstname": firstname},
                            preheader="A preheader long enough to pass the length check.")
    return run_checks(rendered, source)


def test_segments_sharing_a_body_check_its_source_once():
    first = checks_for(BODY, "Ada")
    misses = checks.source_checks_cache.misses

    second = checks_for(BODY, "Grace")

    assert second == first and [c.code for c in first] == ["image-alt-missing"]
    assert checks.source_checks_cache.misses == misses == 1  # all the source's rules at once, the first time only
    assert checks.source_checks_cache.hits == 3 + 4


def test_an_edited_source_is_never_answered_with_the_old_checks():
    assert [c.code for c in checks_for(BODY, "Ada")] == ["image-alt-missing"]

    edited = BODY.replace('<mj-image src="https://plannery.example/a.png" />', '<mj-image alt="" src="x.png" />')
    broken = BODY.replace("WORD</mj-text>", "WORD").replace('href="https://plannery.example"', 'href="#"')

    assert checks_for(edited, "Ada") == []
    assert [(c.code, c.line) for c in checks_for(broken, "Ada")] == [
        ("mjml-compile", None), ("mjml-unclosed", 7), ("link-broken", 7), ("image-alt-missing", 5)]
    assert [c.code for c in checks_for(BODY, "Ada")] == ["image-alt-missing"]  # and back


def test_checks_that_depend_on_the_values_follow_the_values():
    source = BODY
    rendered = render_email(mjml_source=source, subject="{{ firstname }}", preheader="p" * 40, values={})
    assert {c.code for c in run_checks(rendered, source)} >= {"subject-empty", "merge-tag-no-value"}
    rendered = render_email(mjml_source=source, subject="{{ firstname }}", preheader="p" * 40,
                            values={"firstname": "Ada"})
    assert {c.code for c in run_checks(rendered, source)} == {"image-alt-missing"}


def test_the_call_to_action_is_found_as_before():
    old = re.compile(r"<a\b[^>]*\bhref\s*=\s*[\"'](?!\s*[\"'#])", re.IGNORECASE)
    htmls = [render_email(mjml_source=source).html or "" for source in real_sources()]
    anchors = ['<a href="#">', "<a href=''>", '<A HREF=" x">', "<a name=x href='#top'>", "<abbr href='x'>",
               '<a data-href="x">', '<a title=">" href="x">', "<a\nhref = 'x'>", "<a href=x>", '<a xhref="y">']
    for html in htmls + anchors + [a + b for a in anchors for b in anchors]:
        assert bool(checks._CALL_TO_ACTION.search(html)) == bool(old.search(html)), html[:80]
