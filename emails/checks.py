"""Email quality checks: what would hurt an email in the inbox, found before anything is exported.

Each rule is a small function that looks at one rendered email and yields Check results;
adding a rule means writing one function and listing it in RULES.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass

from .merge_tags import UNSUBSCRIBE, MergeTagError
from .mjml import MJMLError
from .render import Rendered

GMAIL_CLIP_BYTES = 102 * 1024
SUBJECT_MAX = 60
PREHEADER_MIN, PREHEADER_MAX = 30, 100

# Every element MJML 4 knows; anything else starting with mj- is a typo the compiler silently drops.
KNOWN_ELEMENTS = {
    "mjml", "mj-head", "mj-body", "mj-attributes", "mj-all", "mj-class", "mj-breakpoint", "mj-font",
    "mj-html-attributes", "mj-html-attribute", "mj-selector", "mj-preview", "mj-style", "mj-title",
    "mj-accordion", "mj-accordion-element", "mj-accordion-title", "mj-accordion-text", "mj-button",
    "mj-carousel", "mj-carousel-image", "mj-column", "mj-divider", "mj-group", "mj-hero", "mj-image",
    "mj-navbar", "mj-navbar-link", "mj-raw", "mj-section", "mj-social", "mj-social-element",
    "mj-spacer", "mj-table", "mj-text", "mj-wrapper", "mj-include",
}
# Elements whose content is HTML, not MJML: their inner tags are not checked for balance.
ENDING_TAGS = {"mj-text", "mj-button", "mj-table", "mj-raw", "mj-navbar-link", "mj-accordion-title",
               "mj-accordion-text", "mj-social-element", "mj-style", "mj-title", "mj-preview"}


@dataclass(frozen=True)
class Check:
    code: str
    severity: str  # "error" blocks a clean export, "warning" deserves a look, "info" is advice
    message: str
    line: int | None = None

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class Email:
    """What the rules look at: the rendered email and the MJML as its author wrote it."""

    rendered: Rendered
    source: str
    marketing: bool = True


Rule = Callable[[Email], Iterator[Check]]
TAG = re.compile(r"<(/?)(mjml|mj-[a-z-]+)\b((?:[^>\"']|\"[^\"]*\"|'[^']*')*?)(/?)>", re.IGNORECASE)


def _line(source: str, offset: int) -> int:
    return source.count("\n", 0, offset) + 1


def compiles(email: Email) -> Iterator[Check]:
    error = email.rendered.error
    if not email.source.strip():
        yield Check("mjml-empty", "error", "The email body is empty.")
    elif isinstance(error, MJMLError):
        yield Check("mjml-compile", "error", error.message, error.line)
    elif isinstance(error, MergeTagError):
        yield Check("merge-tag-invalid", "error", error.message, error.line)


def structure(email: Email) -> Iterator[Check]:
    """Unknown mj- elements and closing tags that do not match (the compiler lets both pass)."""
    stack: list[tuple[str, int]] = []
    unknown_opened: set[str] = set()
    inside_content: str | None = None
    for match in TAG.finditer(email.source):
        closing, name, _attrs, self_closing = match.group(1), match.group(2).lower(), match.group(3), match.group(4)
        line = _line(email.source, match.start())
        if inside_content and not (closing and name == inside_content):
            # MJML never nests inside a content element's HTML: the content element was left open.
            opened, opened_line = stack.pop()
            shown = f"</{name}>" if closing else f"<{name}>"
            yield Check("mjml-unclosed", "error", f"<{opened}> (line {opened_line}) is not closed before {shown}.", line)
            inside_content = None
        if name not in KNOWN_ELEMENTS:
            if closing and name in unknown_opened:
                continue  # reported at its opening tag
            unknown_opened.add(name)
            yield Check("mjml-unknown-element", "error", f"<{name}> is not an MJML element; check the spelling.", line)
            continue
        if self_closing:
            continue
        if not closing:
            stack.append((name, line))
            inside_content = name if name in ENDING_TAGS else None
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


def size(email: Email) -> Iterator[Check]:
    if email.rendered.html is None:
        return
    size = len(email.rendered.html.encode("utf-8"))
    if size > GMAIL_CLIP_BYTES:
        yield Check(
            "html-too-large", "warning",
            f"The HTML is {size / 1024:.0f} KB; Gmail clips emails over 102 KB and hides the rest, "
            "unsubscribe link included.",
        )


def image_alt(email: Email) -> Iterator[Check]:
    for match in re.finditer(r"<(mj-image|img)\b((?:[^>\"']|\"[^\"]*\"|'[^']*')*)>", email.source, re.IGNORECASE):
        if not re.search(r"\balt\s*=", match.group(2), re.IGNORECASE):
            yield Check(
                "image-alt-missing", "warning",
                "An image has no alt text; readers with images off see nothing (use alt=\"\" for decoration).",
                _line(email.source, match.start()),
            )


def call_to_action(email: Email) -> Iterator[Check]:
    if email.rendered.html is None:
        return
    if not re.search(r"<a\b[^>]*\bhref\s*=\s*[\"'](?!\s*[\"'#])", email.rendered.html, re.IGNORECASE):
        yield Check("cta-missing", "warning", "There is no link or button: the reader has nothing to do.")


def unsubscribe(email: Email) -> Iterator[Check]:
    if not email.marketing or email.rendered.error is not None:
        return
    if not any(tag.name == UNSUBSCRIBE for tag in email.rendered.tags):
        yield Check(
            "unsubscribe-missing", "error",
            "A marketing email needs a visible unsubscribe link: add <a href=\"{{ unsubscribe_url }}\">Unsubscribe</a>.",
        )


def subject(email: Email) -> Iterator[Check]:
    text = email.rendered.subject.strip()
    if not text:
        yield Check("subject-empty", "error", "The subject is empty.")
    elif len(text) > SUBJECT_MAX:
        yield Check(
            "subject-long", "warning",
            f"The subject has {len(text)} characters; inboxes cut it off after about {SUBJECT_MAX}.",
        )


def preheader(email: Email) -> Iterator[Check]:
    text = email.rendered.preheader.strip()
    if not text:
        yield Check(
            "preheader-missing", "warning",
            "There is no preheader; inboxes will show the first text of the email instead.",
        )
    elif len(text) < PREHEADER_MIN:
        yield Check("preheader-short", "warning", f"The preheader has {len(text)} characters; aim for {PREHEADER_MIN} to 90.")
    elif len(text) > PREHEADER_MAX:
        yield Check("preheader-long", "warning", f"The preheader has {len(text)} characters; inboxes show about 90.")


def merge_tag_values(email: Email) -> Iterator[Check]:
    seen: set[tuple[str, str]] = set()
    for tag in email.rendered.tags:
        if tag.default is None and not email.rendered.values.get(tag.name) and (tag.name, tag.where) not in seen:
            seen.add((tag.name, tag.where))
            place = "" if tag.where == "body" else f" in the {tag.where}"
            yield Check(
                "merge-tag-no-value", "warning",
                f'{{{{ {tag.name} }}}}{place} has no value here and no default, so readers see a blank. '
                f'Write {{{{ {tag.name} | default("...") }}}}.',
                tag.line,
            )


def links(email: Email) -> Iterator[Check]:
    for match in re.finditer(r"\bhref\s*=\s*([\"'])(.*?)\1", email.source, re.IGNORECASE | re.DOTALL):
        href = match.group(2).strip()
        if not href or href == "#" or href.lower().startswith("javascript:"):
            shown = href or "empty"
            yield Check(
                "link-broken", "error", f"A link points to {shown!s}; give it a real address.",
                _line(email.source, match.start()),
            )


RULES: list[Rule] = [compiles, structure, size, image_alt, call_to_action, unsubscribe, subject, preheader,
                     merge_tag_values, links]
SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}


def run_checks(
    rendered: Rendered, source: str, *, marketing: bool = True, rules: Sequence[Rule] = RULES
) -> list[Check]:
    """Every check for one rendered email (or only `rules`), errors first, then by line."""
    email = Email(rendered, source, marketing)
    found = [check for rule in rules for check in rule(email)]
    return sorted(found, key=lambda c: (SEVERITY_ORDER[c.severity], c.line or 0))


def summary(checks: list[Check]) -> dict[str, int]:
    """Counts per severity, as the matrix and the map show them."""
    return {
        "error": sum(c.severity == "error" for c in checks),
        "warning": sum(c.severity == "warning" for c in checks),
    }
