"""Filling from the parsed pieces gives what rendering the source in Jinja2's sandbox gave, byte for byte;
and the shortcut for plainly written merge tags gives exactly the pieces the sandbox's parse gives."""

from __future__ import annotations

import importlib
import random
from typing import Any

import pytest
from jinja2.sandbox import SandboxedEnvironment
from markupsafe import Markup

from emails import MergeTagError, clear_parse_cache, fill
from emails.starters import STARTERS

from gallery import gallery_templates

merge_tags_module = importlib.import_module("emails.merge_tags")  # `emails.merge_tags` is also the function


# --- the engine as it filled before: a template compiled and rendered in the sandbox -------------


class _Missing:
    def __str__(self) -> str:
        return ""

    def __html__(self) -> str:
        return ""


def _default(value: Any, fallback: str = "") -> Any:
    return fallback if isinstance(value, _Missing) or value in (None, "") else value


_JINJA = SandboxedEnvironment(
    autoescape=True, finalize=lambda value: "" if value is None else value, keep_trailing_newline=True
)
_JINJA.filters = {"default": _default}


def jinja_fill(source: str, values: dict[str, Any]) -> str:
    tags = merge_tags_module.merge_tags(source)  # vetted first, as before
    context = {tag.name: values.get(tag.name) or _Missing() for tag in tags}
    return _JINJA.from_string(source).render(context)


# --- sources ------------------------------------------------------------------------------------


def real_sources() -> list[str]:
    sources = [path.read_text(encoding="utf-8") for path in sorted(STARTERS.glob("*.mjml"))]
    for path in gallery_templates():
        with path.open(encoding="utf-8", newline="") as file:
            sources.append(file.read())  # some have CRLF line ends
    return sources


FRAGMENTS = [
    "{{ firstname }}", "{{FirstName}}", "{{\tfirstname\t}}", '{{ firstname | default("there") }}',
    "{{ firstname|default('there') }}", '{{ x | default("") }}', '{{ x | default ( "a b" ) }}', "{{ _x9 }}",
    '{{ x | default("a & <b> \\"q\\"") }}', "{{ x | default('\\u00e9') }}", '{{ x | default("Zoë 😀") }}',
    '{{ x | default("}}") }}', "{{ x | default('{{') }}", '{{ x | default("a" "b") }}', '{{ x | default("a",) }}',
    "{{ x | default() }}", "{{ x | default }}", "{{ x | default(y) }}", "{{ x | upper }}", "{{ x.y }}",
    "{{ x['y'] }}", "{{ x() }}", "{{ 7 }}", "{{ self }}", "{{ true }}", "{{ None }}", "{{ not }}", "{{ in }}",
    "{{ is }}", "{{ and }}", "{{ or }}", "{{ if }}", "{{ else }}", "{{ loop }}", "{{ caller }}", "{{ range }}",
    "{{ super }}", "{{ lipsum }}", "{{ class }}", "{{ nameé }}", "{{ Ω }}", "{{- x }}", "{{ x -}}", "{{+ x }}",
    "{{ x +}}", "{{ x }}}", "{{{ x }}", "{{ x\n}}", "{{\r\nx }}", '{{ x |\ndefault("a") }}', '{{ x | default("a\nb") }}',
    "{{ x", "{{", "}}", "{% if x %}y{% endif %}", "{%", "{# note #}", "{#", "{% raw %}{{ x }}{% endraw %}",
    "\r\n", "\r", "\n", "\n\n", "\u2028", "\x0c", "\x85", "{", "}", "{ {", "} }", "\"", "'", "\\", "&amp;", "<p>", " ",
    "\t", "text", "Ünïcödé",
]
VALUES: list[dict[str, Any]] = [
    {},
    {"firstname": "Ada", "x": "<b>&'\"</b>", "FirstName": "Zoë", "loop": "L", "in": "I", "range": "R"},
    {"firstname": 42, "x": 0, "FirstName": 1.5, "loop": None, "in": "", "range": False, "class": True,
     "_x9": Markup("<i>kept</i>"), "caller": "&lt;"},
]


PLAIN = [f for f in FRAGMENTS if merge_tags_module._plain_pieces(f) is not None]


def generated_sources(count: int, seed: int = 8) -> list[str]:
    """Fragments strung together, mostly the plain ones, so that the shortcut is taken often."""
    rng = random.Random(seed)
    return ["".join(rng.choice(PLAIN if rng.random() < 0.85 else FRAGMENTS) for _ in range(rng.randint(1, 8)))
            for _ in range(count)]


def outcome(action: Any) -> Any:
    try:
        return ("ok", action())
    except MergeTagError as error:
        return ("refused", str(error), error.line)


@pytest.fixture(autouse=True)
def _fresh_parses() -> Any:
    clear_parse_cache()
    yield
    clear_parse_cache()


# --- the shortcut -------------------------------------------------------------------------------


def test_the_shortcut_takes_the_starters_and_the_gallery():
    for source in real_sources():
        assert merge_tags_module._plain_pieces(source) is not None


def test_the_shortcut_gives_the_pieces_of_the_sandboxs_parse_or_leaves_the_source_to_it():
    taken = 0
    for source in real_sources() + FRAGMENTS + generated_sources(3000):
        plain = merge_tags_module._plain_pieces(source)
        if plain is None:
            continue  # the sandbox decides, accepting or refusing
        taken += 1
        assert plain == merge_tags_module._vetted_pieces(source), source  # raises if the sandbox would refuse
    assert taken > 1000  # the comparison is not empty


def test_salted_real_sources_give_the_same_pieces_both_ways():
    rng = random.Random(9)
    for source in real_sources():
        for _ in range(20):
            at = rng.randrange(len(source) + 1)
            salted = source[:at] + rng.choice(FRAGMENTS) + source[at:]
            plain = merge_tags_module._plain_pieces(salted)
            vetted = outcome(lambda: merge_tags_module._vetted_pieces(salted))  # noqa: B023
            if plain is not None:
                assert vetted == ("ok", plain)


# --- filling ------------------------------------------------------------------------------------


def test_filling_from_the_pieces_is_what_the_sandbox_rendered():
    for source in FRAGMENTS + generated_sources(400, seed=10):
        for values in VALUES:
            assert outcome(lambda: fill(source, values)) == outcome(lambda: jinja_fill(source, values)), source  # noqa: B023


def test_filling_real_emails_is_what_the_sandbox_rendered():
    extra = '<p>{{ firstname | default("there") }}, {{FirstName}} & {{ x|default(\'<none>\') }}</p>'
    for source in real_sources():
        source = source.replace("</mj-body>", extra + "</mj-body>")
        for values in VALUES:
            assert fill(source, values) == jinja_fill(source, values)


def test_values_and_defaults_as_before():
    assert fill('{{ n | default("none") }}|{{ n }}', {"n": 0}) == "none|"
    assert fill('{{ n | default("none") }}|{{ n }}', {"n": 7}) == "7|7"
    assert fill('{{ n | default("none") }}|{{ n }}', {"n": None}) == "none|"
    assert fill('{{ n | default("a & b") }}', {}) == "a &amp; b"
    assert fill("{{ n }}", {"n": Markup("<i>safe</i>")}) == "<i>safe</i>"
    assert fill("a\r\nb {{ n }}\rc", {"n": "x"}) == "a\nb x\nc"  # Jinja's line ends, as before
