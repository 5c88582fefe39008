"""Merge tags: parse and vet them, fill them with values, or replace them with an ESP's own syntax.

Authors write only three forms of merge tag, so every email stays portable to an ESP:
`{{ name }}`, `{{ name | default("text") }}` and `{{ unsubscribe_url }}`. A source is parsed by
Jinja2's SandboxedEnvironment and anything else is refused; what is accepted is kept as its pieces
(literal text and merge tags), and filling joins them: no template is compiled, nothing is run.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from jinja2 import TemplateSyntaxError, nodes
from jinja2.sandbox import SandboxedEnvironment
from markupsafe import escape

from .cache import ContentCache, Holding
from .wording import N_, Text, phrase

UNSUBSCRIBE = "unsubscribe_url"
PREVIEW_UNSUBSCRIBE_URL = "https://example.com/unsubscribe"


class MergeTagError(ValueError):
    """A merge tag outside the three allowed forms, or broken template syntax.

    `message` is the English sentence, `text` the same for the catalog (journeymail.i18n.say words it in
    the reader's language); str() and `located` put "Line N: " before it when the line is known."""

    def __init__(self, message: Text, line: int | None):
        self.text = message
        self.message = str(message)
        self.line = line
        self.located = phrase(N_("Line %(line)s: %(message)s"), line=line, message=message) if line else message
        super().__init__(str(self.located))


@dataclass(frozen=True)
class MergeTag:
    name: str
    default: str | None
    line: int | None  # a line of the body; None in the subject or preheader
    where: str = "body"


# --- merge tags ------------------------------------------------------------------------------


# The parser and vetter of every source. Nothing is compiled or rendered with it: a source it accepts
# holds only literal text and the allowed merge tags, and is filled by joining those pieces.
_ENV = SandboxedEnvironment(autoescape=True, keep_trailing_newline=True)


@dataclass(frozen=True)
class _Parsed:
    pieces: tuple[str | MergeTag, ...]  # the source as literal text and merge tags, in order

    @property
    def tags(self) -> list[MergeTag]:
        return [p for p in self.pieces if isinstance(p, MergeTag)]


def _parsed_holds(found: _Parsed | MergeTagError) -> Holding:
    if isinstance(found, MergeTagError):
        return 300, (found.text,)
    return 100 + 120 * sum(isinstance(p, MergeTag) for p in found.pieces), (found.pieces,)


# Parsed sources by exact text; a refusal is cached (and raised) like a result.
parse_cache: ContentCache[_Parsed | MergeTagError] = ContentCache("merge-tag parses", _parsed_holds)


def _parse(source: str) -> _Parsed:
    """Parse and vet a template once; raises MergeTagError for anything but the allowed forms."""
    found = parse_cache.get_or_make(source, lambda: _parse_uncached(source))
    if isinstance(found, MergeTagError):
        raise MergeTagError(found.text, found.line)  # a fresh error each time: callers may chain it
    return found


def _parse_uncached(source: str) -> _Parsed | MergeTagError:
    plain = _plain_pieces(source)
    if plain is not None:
        return _Parsed(plain)
    try:
        return _Parsed(_vetted_pieces(source))
    except MergeTagError as error:
        return error


def _vetted_pieces(source: str) -> tuple[str | MergeTag, ...]:
    """The pieces of a source as the sandbox parses it; raises MergeTagError for anything not allowed."""
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
    return tuple(pieces)


# The shortcut for what nearly every source is: literal text and merge tags written plainly, one
# line each: {{ name }} or {{ name | default("text") }} (quotes of either kind, no backslash). It
# gives exactly the pieces the sandbox's parse gives (tests/test_merge_tag_pieces.py compares the
# two), and leaves anything else, accepted or refused, to the sandbox: it never refuses.
_OPENING = re.compile(r"\{[{%#]")  # where Jinja's text ends: {{, {% or {#
_PLAIN_TAG = re.compile(
    r"""\{\{[ \t]*([A-Za-z_][A-Za-z0-9_]*)[ \t]*"""
    r"""(?:\}\}|\|[ \t]*default[ \t]*\([ \t]*(?:"([^"\\\n]*)"|'([^'\\\n]*)')[ \t]*\)[ \t]*\}\})"""
)
# Names Jinja reads as constants or operators, and the reserved ones: the sandbox decides those.
_NOT_PLAIN_NAMES = frozenset({"true", "false", "True", "False", "none", "None", "not", "and", "or", "in", "is",
                              "if", "else", "self"})
_LINE_BREAKS = re.compile(r"\r\n|\r")  # Jinja reads \r\n and \r as \n (and no other line break)


def _plain_pieces(source: str) -> tuple[str | MergeTag, ...] | None:
    text = _LINE_BREAKS.sub("\n", source) if "\r" in source else source
    pieces: list[str | MergeTag] = []
    position, line = 0, 1
    while (opening := _OPENING.search(text, position)) is not None:
        start = opening.start()
        tag = _PLAIN_TAG.match(text, start)
        if tag is None or tag.group(1) in _NOT_PLAIN_NAMES:
            return None
        if start > position:
            pieces.append(text[position:start])
            line += text.count("\n", position, start)
        default = tag.group(2) if tag.group(2) is not None else tag.group(3)
        pieces.append(MergeTag(tag.group(1), default, line))
        position = tag.end()
    if position < len(text):
        pieces.append(text[position:])
    return tuple(pieces)


def _refuse_hidden_syntax(source: str) -> None:
    """Comments and raw blocks vanish before the parser sees them, silently dropping or freezing text."""
    try:
        for line, token, _value in _ENV.lex(source):
            if token == "comment_begin":
                raise MergeTagError(phrase(N_("Comments like {# ... #} are not allowed; an ESP would not understand them.")), line)
            if token == "raw_begin":
                raise MergeTagError(BLOCKS_REFUSED, line)
    except TemplateSyntaxError:
        return  # the parser reports broken syntax with a better message


def clear_parse_cache() -> None:
    parse_cache.clear()


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
        raise MergeTagError(phrase(
            N_('"%(name)s" cannot be a merge tag name; choose another, e.g. %(example)s.'),
            name=tag.name, example="{{ my_" + tag.name + " }}"), tag.line)
    return tag


def _refuse(node: nodes.Node) -> MergeTag:
    if isinstance(node, nodes.Filter):
        reason = phrase(N_('Not an allowed merge tag: the filter "%(name)s" is not allowed; only | default("...") '
                           'with a quoted text is.'), name=node.name)
    elif isinstance(node, (nodes.Getattr, nodes.Getitem)):
        reason = phrase(N_("Not an allowed merge tag: attribute and item access are not allowed in a merge tag."))
    elif isinstance(node, nodes.Call):
        reason = phrase(N_("Not an allowed merge tag: calls are not allowed in a merge tag."))
    else:
        reason = phrase(N_('Not an allowed merge tag: write a merge tag as {{ name }} or {{ name | default("text") }}.'))
    raise MergeTagError(reason, node.lineno)


BLOCKS_REFUSED = phrase(N_("Only merge tags like {{ firstname }} are allowed; blocks such as {% ... %} are not."))
NOT_CLOSED = phrase(N_("A merge tag is not closed: write {{ name }} with both pairs of braces."))


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
    return MergeTagError(phrase(N_("Merge tag syntax: %(detail)s."), detail=error.message), error.lineno)


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


def fill(source: str, values: Mapping[str, Any]) -> str:
    """Fill merge tags with `values`, HTML-escaped; a tag without a value (missing, empty, None, 0) gets
    its default, or nothing. The source is vetted first: only literal text and merge tags are filled."""
    out: list[str] = []
    for piece in _parse(source).pieces:
        if isinstance(piece, str):
            out.append(piece)
            continue
        value = values.get(piece.name)
        if piece.default is None:
            if value:
                out.append(escape(value))
        elif value and value not in (None, ""):
            out.append(escape(value))
        else:
            out.append(escape(piece.default))
    return "".join(out)


def fill_with(source: str, tag: Callable[[MergeTag], str]) -> str:
    """The source with each merge tag replaced by `tag(merge_tag)` verbatim, e.g. an ESP's own syntax."""
    return "".join(p if isinstance(p, str) else tag(p) for p in _parse(source).pieces)
