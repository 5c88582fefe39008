"""Email quality checks: what would hurt an email in the inbox, found before anything is exported.

Each rule is a small function that looks at one rendered email and yields Check results;
adding a rule means writing one function and listing it in RULES. A rule that reads only the MJML
as its author wrote it (`email.source`), never what was filled in or compiled, says so with
@per_source: its checks are then cached by source, and the segments that share a body pay once.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field

from .cache import ContentCache, Holding
from .merge_tags import UNSUBSCRIBE, MergeTagError
from .mjml import MJMLError
from .render import Rendered
from .wording import N_, Text, phrase

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


_text = phrase


@dataclass(frozen=True)
class Check:
    code: str
    severity: str  # "error" blocks a clean export, "warning" deserves a look, "info" is advice
    message: str  # in English
    line: int | None = None
    # The message to translate (every check the engine words has one).
    text: Text | None = field(default=None, compare=False, repr=False)

    def to_dict(self) -> dict:
        return {"code": self.code, "severity": self.severity, "message": self.message, "line": self.line}


def _check(code: str, severity: str, message: Text, line: int | None = None) -> Check:
    """A check whose message the catalog translates."""
    return Check(code, severity, str(message), line, message)


@dataclass(frozen=True)
class Email:
    """What the rules look at: the rendered email and the MJML as its author wrote it."""

    rendered: Rendered
    source: str
    marketing: bool = True


Rule = Callable[[Email], Iterator[Check]]

# An MJML tag: its closing slash, its name (mjml or mj-..., any case), its attributes up to the first ">"
# outside quotes (a self-closing tag's end with its "/"). Any case is spelled out, with the four letters
# that IGNORECASE also folds into a-z (\u0130 \u0131 \u017f \u212a), and the attributes never backtrack
# (*+): this finds what <(/?)(mjml|mj-[a-z-]+)\b((?:[^>"']|"[^"]*"|'[^']*')*?)(/?)> found, in less time.
TAG = re.compile(
    "<(/?)([Mm][Jj](?:[Mm][Ll]|-[a-zA-Z\u0130\u0131\u017f\u212a-]+))\\b"
    "([^>\"']*+(?:(?:\"[^\"]*+\"|'[^']*+')[^>\"']*+)*+)>"
)


class _Lines:
    """Line numbers of offsets in one source, counted only when asked for: from the offset asked before
    when the offsets increase (as a rule's matches do), else from the start."""

    def __init__(self, source: str):
        self.source, self.offset, self.line = source, 0, 1

    def of(self, offset: int) -> int:
        if offset < self.offset:
            return self.source.count("\n", 0, offset) + 1
        self.line += self.source.count("\n", self.offset, offset)
        self.offset = offset
        return self.line


def _checks_holds(found: dict[str, tuple[Check, ...]]) -> Holding:
    checks = [check for rule_checks in found.values() for check in rule_checks]
    return 100 * len(checks), (found, [c.message for c in checks])


# The checks of every rule that reads only the source, by source: {rule name: its checks}.
source_checks_cache: ContentCache[dict[str, tuple[Check, ...]]] = ContentCache("source checks", _checks_holds)
_SOURCE_RULES: list[Rule] = []  # the rules marked @per_source, as written


def per_source(rule: Rule) -> Rule:
    """Mark a rule that reads only `email.source`: its checks are cached by source (with the checks
    of the other such rules, found together the first time one of them is asked for)."""
    _SOURCE_RULES.append(rule)

    @functools.wraps(rule)
    def cached(email: Email) -> Iterator[Check]:
        found = source_checks_cache.get_or_make(
            email.source, lambda: {r.__name__: tuple(r(email)) for r in _SOURCE_RULES}
        )
        return iter(found[rule.__name__])

    cached.uncached = rule  # type: ignore[attr-defined]  # the rule itself, for the tests
    return cached


def compiles(email: Email) -> Iterator[Check]:
    error = email.rendered.error
    if not email.source.strip():
        yield _check("mjml-empty", "error", _text(N_("The email body is empty.")))
    elif isinstance(error, MJMLError):
        yield Check("mjml-compile", "error", error.message, error.line, error.text)
    elif isinstance(error, MergeTagError):
        yield Check("merge-tag-invalid", "error", error.message, error.line, error.text)


@per_source
def structure(email: Email) -> Iterator[Check]:
    """Unknown mj- elements and closing tags that do not match (the compiler lets both pass)."""
    source = email.source
    stack: list[tuple[str, int]] = []  # the open elements: name, number of the opening tag
    unknown_opened: set[str] = set()
    inside_content: str | None = None
    starts: list[int] = []
    lines = _Lines(source)

    def line_of(number: int) -> int:
        """The line of the number-th tag: the tags' offsets are found only for a check that names a line."""
        if not starts:
            starts.extend(match.start() for match in TAG.finditer(source))
        return lines.of(starts[number])

    for number, (closing, name, attributes) in enumerate(TAG.findall(source)):
        name = name.lower()
        self_closing = attributes.endswith("/")
        if inside_content and not (closing and name == inside_content):
            # MJML never nests inside a content element's HTML: the content element was left open.
            opened, opened_at = stack.pop()
            shown = f"</{name}>" if closing else f"<{name}>"
            yield _check("mjml-unclosed", "error", _text(N_("<%(opened)s> (line %(line)s) is not closed before %(shown)s."),
                                                     opened=opened, line=line_of(opened_at), shown=shown),
                         line_of(number))
            inside_content = None
        if name not in KNOWN_ELEMENTS:
            if closing and name in unknown_opened:
                continue  # reported at its opening tag
            unknown_opened.add(name)
            yield _check("mjml-unknown-element", "error",
                         _text(N_("<%(name)s> is not an MJML element; check the spelling."), name=name), line_of(number))
            continue
        if self_closing:
            continue
        if not closing:
            stack.append((name, number))
            inside_content = name if name in ENDING_TAGS else None
            continue
        inside_content = None
        if stack and stack[-1][0] == name:
            stack.pop()
        elif any(opened == name for opened, _ in stack):
            opened, opened_at = stack.pop()
            yield _check("mjml-unclosed", "error", _text(N_("<%(opened)s> (line %(line)s) is not closed before %(shown)s."),
                                                     opened=opened, line=line_of(opened_at), shown=f"</{name}>"),
                         line_of(number))
            while stack and stack[-1][0] != name:
                stack.pop()
            if stack:
                stack.pop()
        else:
            yield _check("mjml-stray-closing", "error",
                         _text(N_("</%(name)s> closes an element that was never opened."), name=name), line_of(number))
    for opened, opened_at in stack:
        yield _check("mjml-unclosed", "error", _text(N_("<%(name)s> is never closed."), name=opened), line_of(opened_at))


def size(email: Email) -> Iterator[Check]:
    if email.rendered.html is None:
        return
    size = len(email.rendered.html.encode("utf-8"))
    if size > GMAIL_CLIP_BYTES:
        yield _check("html-too-large", "warning", _text(N_(
            "The HTML is %(size)s KB; Gmail clips emails over 102 KB and hides the rest, unsubscribe link included."
        ), size=round(size / 1024)))


# An image tag and its attributes; as in TAG, the attributes never backtrack.
_IMAGE = re.compile(r"<(mj-image|img)\b((?:[^>\"']++|\"[^\"]*+\"|'[^']*+')*+)>", re.IGNORECASE)
_ALT = re.compile(r"\balt\s*=", re.IGNORECASE)


@per_source
def image_alt(email: Email) -> Iterator[Check]:
    lines = _Lines(email.source)
    for match in _IMAGE.finditer(email.source):
        if not _ALT.search(match.group(2)):
            yield _check(
                "image-alt-missing", "warning",
                _text(N_("An image has no alt text; readers with images off see nothing (use alt=\"\" for decoration).")),
                lines.of(match.start()),
            )


def _matches(
    pattern: re.Pattern[str], text: str, start: str, lowered: str | None = None
) -> Iterator[re.Match[str]]:
    """pattern.finditer(text), for a pattern that can only match where the text reads `start` in any case
    (ASCII letters, which no other character lowers to): the lowered text (`lowered`, when the caller has
    it already) is searched for `start` first, which is much faster than trying the pattern at every position."""
    lowered, position = text.lower() if lowered is None else lowered, 0
    if len(lowered) != len(text):  # only \u0130 lowers to two characters: the offsets would shift
        yield from pattern.finditer(text)
        return
    while (found := lowered.find(start, position)) >= 0:
        match = pattern.match(text, found)
        if match is None:
            position = found + 1
        else:
            yield match
            position = match.end()


# Only whether there is a match counts, so the attributes before href are read lazily: most links start with it.
_CALL_TO_ACTION = re.compile(r"<a\b[^>]*?\bhref\s*=\s*[\"'](?!\s*[\"'#])", re.IGNORECASE)


def call_to_action(email: Email) -> Iterator[Check]:
    if email.rendered.html is None:
        return
    if not _CALL_TO_ACTION.search(email.rendered.html):
        yield _check("cta-missing", "warning", _text(N_("There is no link or button: the reader has nothing to do.")))


def unsubscribe(email: Email) -> Iterator[Check]:
    if not email.marketing or email.rendered.error is not None:
        return
    if not any(tag.name == UNSUBSCRIBE for tag in email.rendered.tags):
        yield _check("unsubscribe-missing", "error", _text(N_(
            "A marketing email needs a visible unsubscribe link: add %(link)s."
        ), link='<a href="{{ unsubscribe_url }}">Unsubscribe</a>'))


def subject(email: Email) -> Iterator[Check]:
    text = email.rendered.subject.strip()
    if not text:
        yield _check("subject-empty", "error", _text(N_("The subject is empty.")))
    elif len(text) > SUBJECT_MAX:
        yield _check("subject-long", "warning", _text(
            N_("The subject has %(count)s characters; inboxes cut it off after about %(max)s."),
            count=len(text), max=SUBJECT_MAX))


def preheader(email: Email) -> Iterator[Check]:
    text = email.rendered.preheader.strip()
    if not text:
        yield _check("preheader-missing", "warning",
                     _text(N_("There is no preheader; inboxes will show the first text of the email instead.")))
    elif len(text) < PREHEADER_MIN:
        # Worded so that one character reads right too (the engine counts without journeymail.text.counted).
        yield _check("preheader-short", "warning", _text(
            N_("The preheader is short: %(count)s of at least %(min)s characters; aim for %(min)s to 90."),
            count=len(text), min=PREHEADER_MIN))
    elif len(text) > PREHEADER_MAX:
        yield _check("preheader-long", "warning",
                     _text(N_("The preheader has %(count)s characters; inboxes show about 90."), count=len(text)))


_NO_VALUE = {  # a merge tag without a value, by where it is
    "body": N_("%(tag)s has no value here and no default, so readers see a blank. Write %(fix)s."),
    "subject": N_("%(tag)s in the subject has no value here and no default, so readers see a blank. Write %(fix)s."),
    "preheader": N_("%(tag)s in the preheader has no value here and no default, so readers see a blank. "
                    "Write %(fix)s."),
    "plain-text part": N_("%(tag)s in the plain-text part has no value here and no default, so readers see a blank. "
                          "Write %(fix)s."),
}


def merge_tag_values(email: Email) -> Iterator[Check]:
    seen: set[tuple[str, str]] = set()
    for tag in email.rendered.tags:
        if tag.default is None and not email.rendered.values.get(tag.name) and (tag.name, tag.where) not in seen:
            seen.add((tag.name, tag.where))
            yield _check("merge-tag-no-value", "warning", _text(
                _NO_VALUE.get(tag.where, _NO_VALUE["body"]),
                tag=f"{{{{ {tag.name} }}}}", fix=f'{{{{ {tag.name} | default("...") }}}}', where=tag.where,
            ), tag.line)


# \bhref, any case: the letters spelled out so the search can skip to an h (no other character folds
# to h, r, e or f), and the word boundary before the h looked back at.
_HREF = re.compile(r"[Hh](?<!\w[Hh])[Rr][Ee][Ff]\s*=\s*([\"'])(.*?)\1", re.DOTALL)


@per_source
def links(email: Email) -> Iterator[Check]:
    lines = _Lines(email.source)
    for match in _matches(_HREF, email.source, "href"):
        href = match.group(2).strip()
        if not href or href == "#" or href.lower().startswith("javascript:"):
            yield _check(
                "link-broken", "error", _text(N_("A link points to %(href)s; give it a real address."), href=href)
                if href else _text(N_("A link points to empty; give it a real address.")),
                lines.of(match.start()),
            )


# --- unfinished content: what the author has not written yet ---------------------------------------

UNFINISHED = "unfinished-content"  # the code of every check that finds unfinished content

# What a reader never sees, so nothing in it is unfinished: comments (Outlook's conditional ones too), style
# sheets and scripts.
_HIDDEN = re.compile(r"<!--.*?-->|<(mj-style|style|script)\b[^>]*>.*?</\1\s*>", re.IGNORECASE | re.DOTALL)
# The body's own preview text, which the preheader field replaces when it is set.
_BODY_PREVIEW = re.compile(r"<mj-preview\b[^>]*>(.*?)</mj-preview\s*>", re.IGNORECASE | re.DOTALL)
# A bracketed placeholder such as [Brand name], [20%] or [CODE20]: one pair of square brackets around up to 200
# characters of text (no markup, no merge tag, no other bracket); not a Mailjet tag like [[UNSUB_LINK_EN]], nor
# a selector such as a[href] (a bracket right after a letter). The lookbehind comes after the "[", so the search
# can skip from one "[" to the next.
_BRACKETED = re.compile(r"\[(?<![\w\[]\[)([^\[\]<>{}]{1,200})\](?!\])")
# Brackets that are not placeholders: footnote numbers ([1], [2, 3]), marks without letters or digits ([*],
# […], [ ]), [sic], and Outlook's conditional comments written out as text ([if mso], [endif]).
_NOT_PLACEHOLDER = re.compile(
    r"[\W_]*|\s*(?:\d{1,3}(?:\s*[,–-]\s*\d{1,3})*|sic|endif|if\s+[!(\s]*(?:mso|ie|gte|gt|lte|lt)\b.*)\s*",
    re.IGNORECASE | re.DOTALL,
)
# example.com, .org and .net (RFC 2606), with their subdomains, in links and addresses; not myexample.com.
_EXAMPLE_DOMAIN = re.compile(r"(?<![\w-])example\.(?:com|org|net)(?![\w-]|\.[a-z0-9])", re.IGNORECASE)
_LOREM = re.compile(r"lorem\s+ipsum", re.IGNORECASE)
_ADDRESS_END = " \t\r\n\"'<>()[]"  # what ends a link or an address around an example domain


def _example_address(text: str, match: re.Match[str]) -> str:
    """The whole link or address an example domain stands in, e.g. https://www.example.com/offer."""
    start, end = match.start(), match.end()
    while start > 0 and text[start - 1] not in _ADDRESS_END:
        start -= 1
    while end < len(text) and text[end] not in _ADDRESS_END:
        end += 1
    return text[start:end].rstrip(".,;:!?")


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _unfinished_spots(text: str) -> list[tuple[int, Text]]:
    """Where `text` is unfinished, in order: (offset, the message that says what to do)."""
    spots, lowered = [], text.lower()
    for match in _BRACKETED.finditer(text):
        if not _NOT_PLACEHOLDER.fullmatch(match.group(1)):
            spots.append((match.start(), _text(N_("\"%(placeholder)s\" is a placeholder: write what it stands for."),
                                               placeholder=_one_line(match.group(0)))))
    for match in _matches(_EXAMPLE_DOMAIN, text, "example.", lowered):
        shown = _example_address(text, match)
        spots.append((match.start(), _text(N_("\"%(address)s\" is an example address: put in your own link or address."),
                                           address=shown)))
    for match in _matches(_LOREM, text, "lorem", lowered):
        spots.append((match.start(), _text(N_("\"%(filler)s\" is filler text: write the real copy."),
                                           filler=_one_line(match.group(0)))))
    spots.sort(key=lambda spot: spot[0])
    return spots


def _inside(offset: int, spans: list[tuple[int, int]]) -> bool:
    return any(start <= offset < end for start, end in spans)


# The spots of the last source looked at, for the two rules below that read it one after the other.
_last_spots: tuple[str, list[tuple[int, Text, bool]]] = ("", [])


def _source_spots(source: str) -> list[tuple[int, Text, bool]]:
    """The unfinished spots of the MJML a reader can see: (offset, message, inside the body's <mj-preview>)."""
    global _last_spots
    last = _last_spots
    if last[0] is source:
        return last[1]
    spots: list[tuple[int, Text, bool]] = []
    found = _unfinished_spots(source)
    if found:  # most sources have none: only then is it worth finding what readers do not see
        hidden = [match.span() for match in _HIDDEN.finditer(source)]
        previews = [match.span(1) for match in _BODY_PREVIEW.finditer(source)]
        spots = [(offset, message, _inside(offset, previews)) for offset, message in found
                 if not _inside(offset, hidden)]
    _last_spots = (source, spots)
    return spots


@per_source
def unfinished(email: Email) -> Iterator[Check]:
    """Placeholders, example addresses and lorem ipsum the author left in the body: the email is not ready."""
    lines = _Lines(email.source)
    for offset, message, in_preview in _source_spots(email.source):
        if not in_preview:
            yield _check(UNFINISHED, "error", message, lines.of(offset))


@per_source
def unfinished_body_preview(email: Email) -> Iterator[Check]:
    """The same in the body's <mj-preview> (not a rule: unfinished_inbox asks for it when it is the preheader)."""
    lines = _Lines(email.source)
    for offset, message, in_preview in _source_spots(email.source):
        if in_preview:
            yield _check(UNFINISHED, "error", message, lines.of(offset))


def unfinished_inbox(email: Email) -> Iterator[Check]:
    """Unfinished content outside the body: the subject, the preheader (or, when the preheader is empty, the
    body's own <mj-preview>, which readers then see instead) and a hand-written plain-text part."""
    rendered = email.rendered
    for where, written in ((N_("In the subject: %(message)s"), rendered.subject),
                           (N_("In the preheader: %(message)s"), rendered.preheader),
                           (N_("In the plain-text part: %(message)s"), rendered.text_override or "")):
        for _, message in _unfinished_spots(written):
            yield _check(UNFINISHED, "error", _text(where, message=message))
    if not rendered.preheader.strip():
        yield from unfinished_body_preview(email)


def is_unfinished(checks: Sequence[Check]) -> bool:
    """Whether these checks found unfinished content (placeholders, example addresses, filler text)."""
    return any(check.code == UNFINISHED for check in checks)


def is_ready(checks: Sequence[Check]) -> bool:
    """Whether an email with these checks may be called ready to export: no error, and so nothing unfinished
    (unfinished content is an error). Every page that says "ready" asks this, or counts errors the same way."""
    return not any(check.severity == "error" for check in checks)


RULES: list[Rule] = [compiles, structure, size, image_alt, call_to_action, unsubscribe, subject, preheader,
                     merge_tag_values, links, unfinished, unfinished_inbox]
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
