"""The one renderer behind preview, checks and export: merge tags, then MJML, then a plain-text part.

Authors write only three forms of merge tag, so every email stays portable to an ESP:
`{{ name }}`, `{{ name | default("text") }}` and `{{ unsubscribe_url }}`. Templates run in
Jinja2's SandboxedEnvironment all the same, and anything else is refused before it runs.
"""

from __future__ import annotations

import hashlib
import html
import re
from collections import OrderedDict
from collections.abc import Callable, Mapping
from functools import lru_cache
from dataclasses import dataclass, field, replace
from html.parser import HTMLParser
from threading import Lock
from typing import Any, Generic, TypeVar

import mjml
from jinja2 import TemplateSyntaxError, nodes
from jinja2.sandbox import SandboxedEnvironment

UNSUBSCRIBE = "unsubscribe_url"
PREVIEW_UNSUBSCRIBE_URL = "https://example.com/unsubscribe"


class MergeTagError(ValueError):
    """A merge tag outside the three allowed forms, or broken template syntax."""

    def __init__(self, message: str, line: int | None):
        super().__init__(f"Line {line}: {message}" if line else message)
        self.message = message
        self.line = line


@dataclass(frozen=True)
class MergeTag:
    name: str
    default: str | None
    line: int | None  # a line of the body; None in the subject or preheader
    where: str = "body"


# --- merge tags ------------------------------------------------------------------------------


def _finalize(value: Any) -> Any:
    return "" if value is None else value


_ENV = SandboxedEnvironment(autoescape=True, finalize=_finalize, keep_trailing_newline=True)


@dataclass(frozen=True)
class _Parsed:
    pieces: tuple[str | MergeTag, ...]  # the source as literal text and merge tags, in order
    template: Any  # compiled lazily by the sandbox for preview rendering

    @property
    def tags(self) -> list[MergeTag]:
        return [p for p in self.pieces if isinstance(p, MergeTag)]


_parsed_cache: OrderedDict[str, _Parsed] = OrderedDict()


def _parse(source: str) -> _Parsed:
    """Parse and vet a template once; raises MergeTagError for anything but the allowed forms."""
    found = _parsed_cache.get(source)
    if found is not None:
        return found
    _refuse_hidden_syntax(source)
    try:
        tree = _ENV.parse(source)
    except TemplateSyntaxError as error:
        raise _syntax_error(source, error) from None
    pieces: list[str | MergeTag] = []
    for statement in tree.body:
        if not isinstance(statement, nodes.Output):
            raise MergeTagError(BLOCKS_REFUSED, statement.lineno)
        for item in statement.nodes:
            pieces.append(item.data if isinstance(item, nodes.TemplateData) else _merge_tag(item))
    parsed = _Parsed(tuple(pieces), _ENV.from_string(tree))
    _parsed_cache[source] = parsed
    if len(_parsed_cache) > 1024:
        _parsed_cache.popitem(last=False)
    return parsed


def _refuse_hidden_syntax(source: str) -> None:
    """Comments and raw blocks vanish before the parser sees them, silently dropping or freezing text."""
    try:
        for line, token, _value in _ENV.lex(source):
            if token == "comment_begin":
                raise MergeTagError("Comments like {# ... #} are not allowed; an ESP would not understand them.", line)
            if token == "raw_begin":
                raise MergeTagError(BLOCKS_REFUSED, line)
    except TemplateSyntaxError:
        return  # the parser reports broken syntax with a better message


def clear_parse_cache() -> None:
    _parsed_cache.clear()


def merge_tags(source: str) -> list[MergeTag]:
    """Every merge tag in `source`, in order; raises MergeTagError for anything but the allowed forms."""
    return _parse(source).tags


# Names Jinja binds itself whatever the values say: {{ self }} would print a template object.
RESERVED_NAMES = frozenset({"self"})


def _merge_tag(node: nodes.Node) -> MergeTag:
    if isinstance(node, nodes.Name):
        return _named(MergeTag(node.name, None, node.lineno))
    if (
        isinstance(node, nodes.Filter)
        and node.name == "default"
        and isinstance(node.node, nodes.Name)
        and len(node.args) == 1
        and isinstance(node.args[0], nodes.Const)
        and isinstance(node.args[0].value, str)
        and not node.kwargs
        and node.dyn_args is None
        and node.dyn_kwargs is None
    ):
        return _named(MergeTag(node.node.name, node.args[0].value, node.lineno))
    return _refuse(node)


def _named(tag: MergeTag) -> MergeTag:
    if tag.name in RESERVED_NAMES:
        raise MergeTagError(
            f'"{tag.name}" cannot be a merge tag name; choose another, e.g. {{{{ my_{tag.name} }}}}.', tag.line
        )
    return tag


def _refuse(node: nodes.Node) -> MergeTag:
    if isinstance(node, nodes.Filter):
        reason = f'the filter "{node.name}" is not allowed; only | default("...") with a quoted text is.'
    elif isinstance(node, (nodes.Getattr, nodes.Getitem)):
        reason = "attribute and item access are not allowed in a merge tag."
    elif isinstance(node, nodes.Call):
        reason = "calls are not allowed in a merge tag."
    else:
        reason = "write a merge tag as {{ name }} or {{ name | default(\"text\") }}."
    raise MergeTagError("Not an allowed merge tag: " + reason, node.lineno)


BLOCKS_REFUSED = "Only merge tags like {{ firstname }} are allowed; blocks such as {% ... %} are not."
NOT_CLOSED = "A merge tag is not closed: write {{ name }} with both pairs of braces."


def _syntax_error(source: str, error: TemplateSyntaxError) -> MergeTagError:
    """Jinja's syntax error in an author's words, at the line where the author's mistake is.

    Jinja reports an unclosed {{ where its parser gave up (often "unexpected '/'" in the next
    closing tag, maybe lines later), so look for the {{ that has no }} first.
    """
    unclosed = _unclosed_tag_line(source)
    if unclosed is not None:
        return MergeTagError(NOT_CLOSED, unclosed)
    lines = source.splitlines()
    if error.lineno and error.lineno <= len(lines) and "{%" in lines[error.lineno - 1]:
        return MergeTagError(BLOCKS_REFUSED, error.lineno)
    if "unexpected end of template" in error.message or "expected token 'end of print statement'" in error.message:
        return MergeTagError(NOT_CLOSED, error.lineno)
    return MergeTagError(f"Merge tag syntax: {error.message}.", error.lineno)


def _unclosed_tag_line(source: str) -> int | None:
    """The line of the first {{ that has no }} before the next {{ or {% (or the end)."""
    for match in re.finditer(r"\{\{", source):
        close = source.find("}}", match.end())
        following = [i for i in (source.find("{{", match.end()), source.find("{%", match.end())) if i >= 0]
        if close < 0 or (following and min(following) < close):
            return source.count("\n", 0, match.start()) + 1
    return None


def check_merge_tags(source: str | None) -> None:
    """Raise MergeTagError if `source` holds a merge tag that is not allowed (used at save time)."""
    if source:
        merge_tags(source)


class _Missing:
    """A merge tag with no value: renders empty, or its default."""

    def __str__(self) -> str:
        return ""

    def __html__(self) -> str:
        return ""


def _default(value: Any, fallback: str = "") -> Any:
    return fallback if isinstance(value, _Missing) or value in (None, "") else value


_ENV.filters = {"default": _default}


def fill(source: str, values: Mapping[str, Any]) -> str:
    """Fill merge tags with `values`, HTML-escaped, in the sandbox; a tag without value gets its default."""
    parsed = _parse(source)  # refuses anything but the allowed forms before it runs
    context = {tag.name: values.get(tag.name) or _Missing() for tag in parsed.tags}
    return parsed.template.render(context)


def fill_with(source: str, tag: Callable[[MergeTag], str]) -> str:
    """The source with each merge tag replaced by `tag(merge_tag)` verbatim, e.g. an ESP's own syntax."""
    return "".join(p if isinstance(p, str) else tag(p) for p in _parse(source).pieces)


# --- MJML ------------------------------------------------------------------------------------


class MJMLError(ValueError):
    """MJML that does not compile; `line` when the compiler says where."""

    def __init__(self, message: str, line: int | None = None):
        super().__init__(message)
        self.message = message
        self.line = line


T = TypeVar("T")


class ContentCache(Generic[T]):
    """Results keyed by a hash of the content that determines them (least recently used go first),
    so an edit, which changes the content, can never be answered with a stale result."""

    def __init__(self, size: int):
        self.size = size
        self._items: OrderedDict[bytes, T] = OrderedDict()
        self._lock = Lock()
        self.hits = self.misses = 0  # for `make bench` and the tests that prove a repeat is not redone

    def get_or_make(self, content: str, make: Callable[[], T]) -> T:
        key = hashlib.blake2b(content.encode("utf-8"), digest_size=20).digest()
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                self.hits += 1
                return self._items[key]
            self.misses += 1
        made = make()
        with self._lock:
            self._items[key] = made
            if len(self._items) > self.size:
                self._items.popitem(last=False)
        return made

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self.hits = self.misses = 0


# Compiled HTML by exact MJML source; a compile error is cached (and raised) like a result.
compile_cache: ContentCache[str | MJMLError] = ContentCache(2048)


def _no_includes(path: str, *_: Any) -> str:
    raise MJMLError("mj-include is disabled: paste the content into the email instead.")


def _compile_uncached(source: str) -> str | MJMLError:
    if re.search(r"<mj-include\b", source):
        return MJMLError("mj-include is disabled: paste the content into the email instead.", _line_of(source, "<mj-include"))
    try:
        return mjml.mjml2html(source, include_loader=_no_includes)
    except MJMLError as error:
        return error
    except Exception as error:  # the compiler reports every problem as a plain exception
        return MJMLError(*_describe_mjml_error(str(error), source))


def compile_mjml(source: str) -> str:
    """MJML to email HTML (cached by content); raises MJMLError with the compiler's message."""
    found = compile_cache.get_or_make(source, lambda: _compile_uncached(source))
    if isinstance(found, MJMLError):
        raise found
    return found


def _describe_mjml_error(message: str, source: str) -> tuple[str, int | None]:
    match = re.search(r"position (\d+)|at (\d+)\.\.(\d+)", message)
    line = None
    if match:
        offset = int(match.group(1) or match.group(2))
        line = source.count("\n", 0, min(offset, len(source))) + 1
    return f"MJML does not compile: {message}", line


def _line_of(source: str, needle: str) -> int | None:
    index = source.find(needle)
    return None if index < 0 else source.count("\n", 0, index) + 1


# --- plain text ------------------------------------------------------------------------------


class _TextExtractor(HTMLParser):
    """Email HTML to readable text: blocks become lines, links read `text (url)`, hidden parts vanish."""

    BLOCKS = {"p", "div", "tr", "table", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "section", "blockquote"}
    SKIP = {"head", "style", "script", "title"}
    VOID = {"br", "img", "hr", "meta", "link", "input", "col", "area", "base", "source", "wbr"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip_depth = 0
        self.stack: list[tuple[str, bool]] = []  # (tag, opened a skipped region)
        self.links: list[tuple[str | None, int]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        hidden = tag in self.SKIP or re.search(r"display\s*:\s*none", attributes.get("style") or "") is not None
        if tag in self.VOID:
            if not self.skip_depth and not hidden:
                if tag == "br":
                    self.parts.append("\n")
                elif tag == "hr":
                    self.parts.append("\n----------\n")
            return
        self.stack.append((tag, hidden))
        if hidden:
            self.skip_depth += 1
            return
        if self.skip_depth:
            return
        if tag in self.BLOCKS:
            self.parts.append("\n")
        if tag == "li":
            self.parts.append("- ")
        if tag == "a":
            self.links.append((attributes.get("href"), len(self.parts)))

    def handle_endtag(self, tag: str) -> None:
        if tag in self.VOID:
            return
        while self.stack:
            opened, hidden = self.stack.pop()
            if hidden:
                self.skip_depth -= 1
            elif not self.skip_depth:
                self._close(opened)
            if opened == tag:
                break

    def _close(self, tag: str) -> None:
        if tag == "a" and self.links:
            href, start = self.links.pop()
            text = " ".join("".join(self.parts[start:]).split())
            if href and not href.startswith(("#", "mailto:")) and href != text:
                self.parts.append(f" ({href})" if text else href)
        if tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.skip_depth:
            self.parts.append(re.sub(r"\s+", " ", data))

    def text(self) -> str:
        lines = [line.strip() for line in "".join(self.parts).splitlines()]
        text = "\n".join(lines)
        return re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"


@lru_cache(maxsize=1024)
def html_to_text(html: str) -> str:
    """The plain-text part of an email, from its HTML (cached: segments often share one HTML)."""
    parser = _TextExtractor()
    parser.feed(html)
    parser.close()
    return parser.text()


# --- the whole email -------------------------------------------------------------------------


@dataclass
class Rendered:
    """One email as a reader gets it, or the reasons it cannot be rendered."""

    subject: str
    preheader: str
    mjml: str  # the source after merge tags were filled
    html: str | None = None
    tags: list[MergeTag] = field(default_factory=list)
    values: dict[str, Any] = field(default_factory=dict)
    error: MJMLError | MergeTagError | None = None
    text_override: str | None = None  # the hand-written text part, merge tags filled

    @property
    def text(self) -> str | None:
        """The plain-text part: the override, else derived from the HTML when first asked for
        (the matrix and the checks never need it, so they never pay for it)."""
        if self.text_override is not None:
            return self.text_override
        return html_to_text(self.html) if self.html is not None else None


def render_email(
    *,
    mjml_source: str,
    subject: str = "",
    preheader: str = "",
    values: Mapping[str, Any] | None = None,
    text_override: str | None = None,
) -> Rendered:
    """Fill merge tags (escaped), compile the MJML, derive the text part; errors are returned, not raised."""
    values = {UNSUBSCRIBE: PREVIEW_UNSUBSCRIBE_URL, **(values or {})}
    plain_values = {k: str(v) for k, v in values.items()}
    result = Rendered(subject=subject, preheader=preheader, mjml=mjml_source, values=plain_values)
    try:
        result.tags = [*merge_tags(mjml_source), *_tags_outside_body(subject, "subject"),
                       *_tags_outside_body(preheader, "preheader")]
        if text_override:
            _tags_outside_body(text_override, "plain-text part")
        result.subject = _unescape_inline(fill(subject, plain_values))
        result.preheader = _unescape_inline(fill(preheader, plain_values))
        # The preheader is plain text: escape all of it, not only the values filled in.
        result.mjml = with_preheader(fill(mjml_source, plain_values), html.escape(result.preheader, quote=False))
    except MergeTagError as error:
        result.error = error
        return result
    try:
        result.html = compile_mjml(result.mjml)
    except MJMLError as error:
        result.error = error
        return result
    if text_override:
        result.text_override = _unescape_inline(fill(text_override, plain_values))
    return result


_PREVIEW = re.compile(r"(<mj-preview\b[^>]*>)(.*?)(</mj-preview\s*>)", re.IGNORECASE | re.DOTALL)
_HEAD_OPEN = re.compile(r"<mj-head\b[^>]*>", re.IGNORECASE)
_MJML_OPEN = re.compile(r"<mjml\b[^>]*>", re.IGNORECASE)


def with_preheader(mjml: str, preheader_html: str) -> str:
    """The MJML with the preheader as its <mj-preview>, the inbox preview text (replacing one written in
    the body, since the preheader field is what the author set for this email). Adds no line breaks,
    so line numbers in compiler messages stay the author's."""
    if not preheader_html.strip():
        return mjml
    if _PREVIEW.search(mjml):
        return _PREVIEW.sub(lambda m: m.group(1) + preheader_html + m.group(3), mjml, count=1)
    element = f"<mj-preview>{preheader_html}</mj-preview>"
    if head := _HEAD_OPEN.search(mjml):
        return mjml[: head.end()] + element + mjml[head.end():]
    if root := _MJML_OPEN.search(mjml):
        return mjml[: root.end()] + f"<mj-head>{element}</mj-head>" + mjml[root.end():]
    return mjml  # no <mjml> root: the compiler reports that


def _tags_outside_body(source: str, where: str) -> list[MergeTag]:
    """Merge tags of the subject, preheader or text part: a refusal says where, not a line of the body."""
    try:
        return [replace(tag, line=None, where=where) for tag in merge_tags(source)]
    except MergeTagError as error:
        raise MergeTagError(f"In the {where}: {error.message}", None) from None


def _unescape_inline(text: str) -> str:
    """Subject, preheader and text part are not HTML: undo the escaping that protects the body."""
    return html.unescape(text)
