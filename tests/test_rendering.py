"""The renderer: merge tags in the sandbox, MJML compilation, the plain-text part."""

from __future__ import annotations

import importlib

import pytest
from jinja2.exceptions import SecurityError
from jinja2.sandbox import SandboxedEnvironment

import emails as rendering
from emails import MergeTag, MergeTagError, clear_parse_cache, fill, fill_with, html_to_text, merge_tags, render_email

from gallery import gallery_templates

merge_tags_module = importlib.import_module("emails.merge_tags")  # `emails.merge_tags` is also the function

SIMPLE = """<mjml>
  <mj-body>
    <mj-section><mj-column>
      <mj-text>Hello {{ firstname | default("there") }}, welcome to {{ company }}.</mj-text>
      <mj-button href="https://example.com/start">Get started</mj-button>
      <mj-text><a href="{{ unsubscribe_url }}">Unsubscribe</a></mj-text>
    </mj-column></mj-section>
  </mj-body>
</mjml>
"""


def test_merge_tags_are_filled_from_values_and_defaults():
    assert fill('Hi {{ firstname | default("there") }}!', {}) == "Hi there!"
    assert fill('Hi {{ firstname | default("there") }}!', {"firstname": "Ada"}) == "Hi Ada!"
    assert fill("Hi {{ firstname }}!", {}) == "Hi !"


def test_values_are_html_escaped():
    assert fill("Hi {{ firstname }}", {"firstname": "<script>alert(1)</script>"}) == (
        "Hi &lt;script&gt;alert(1)&lt;/script&gt;"
    )


@pytest.mark.parametrize(
    ("source", "line", "words"),
    [
        ("Hi {{ firstname", 1, "not closed"),
        ("{{ ''.__class__.__mro__ }}", 1, "attribute"),
        ("a\n{{ cycler.__init__.__globals__ }}", 2, "attribute"),
        ("{% for x in items %}{{ x }}{% endfor %}", 1, "blocks"),
        ("{% if a %}x{% endif %}", 1, "blocks"),
        ("line one\nline two\n{{ name | upper }}", 3, 'filter "upper"'),
        ("{{ lipsum() }}", 1, "calls"),
        ("{{ name | default(other) }}", 1, "default"),
        ("{{ 7 * 7 }}", 1, "write a merge tag"),
        ("{{ config }}x{{ request['x'] }}", 1, "item access"),
    ],
)
def test_anything_but_the_three_merge_tag_forms_is_refused_with_its_line(source, line, words):
    with pytest.raises(MergeTagError) as refused:
        merge_tags(source)
    assert refused.value.line == line
    assert words in str(refused.value)


def test_refused_templates_never_run():
    # If the sandboxed template ran, the result would expose Python internals or 49.
    result = render_email(mjml_source="<mjml><mj-body><mj-text>{{ ''.__class__.__mro__ }} {{ 7*7 }}</mj-text></mj-body></mjml>")
    assert result.error is not None and result.html is None
    assert "object" not in result.mjml and "49" not in result.mjml


# Ways from a template to Python's internals, and from there to os and subprocess.
ESCAPES = [
    "{{ ''.__class__.__mro__ }}",
    "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "{{ cycler.__init__.__globals__ }}",
    "{{ joiner.__init__.__globals__['os'] }}",
]
PEEKS = ["{{ ''.__class__ }}", "{{ lipsum.__globals__ }}", "{{ firstname.__class__ }}"]  # one step: prints nothing


def test_merge_tags_are_parsed_and_vetted_by_jinjas_sandboxed_environment(monkeypatch):
    assert isinstance(merge_tags_module._ENV, SandboxedEnvironment)
    parsed = []
    parse = merge_tags_module._ENV.parse
    monkeypatch.setattr(merge_tags_module._ENV, "parse", lambda source: parsed.append(source) or parse(source))
    clear_parse_cache()
    source = "Hi {{ firstname.upper() }}"  # not a merge tag as the shortcut writes them: the sandbox decides

    with pytest.raises(MergeTagError, match="Not an allowed merge tag"):
        merge_tags(source)
    assert parsed == [source]
    clear_parse_cache()


@pytest.fixture
def never_compiled(monkeypatch):
    """Filling joins the parsed pieces: no template is ever compiled or run, in the sandbox or out of it."""

    def refuse(*args, **kwargs):
        raise AssertionError("a merge-tag source was compiled as a template")

    monkeypatch.setattr(merge_tags_module._ENV, "from_string", refuse)
    monkeypatch.setattr(merge_tags_module._ENV, "compile", refuse)
    clear_parse_cache()
    yield
    clear_parse_cache()


def test_filling_never_compiles_a_template(never_compiled):
    source = '{{ firstname | default("there") }} & {{ company }}{{ unsubscribe_url }}'
    assert fill(source, {"firstname": "<Ada>", "unsubscribe_url": "https://x.example/u?a=1&b=2"}) == (
        "&lt;Ada&gt; & https://x.example/u?a=1&amp;b=2"
    )
    assert render_email(mjml_source=SIMPLE, values={"firstname": "Ada"}).error is None


@pytest.mark.parametrize("source", ESCAPES + PEEKS)
def test_attribute_access_towards_python_internals_is_refused_when_vetted(source):
    with pytest.raises(MergeTagError, match="Not an allowed merge tag: (attribute and item access|calls) are not allowed"):
        merge_tags(source)


@pytest.fixture
def vetting_bypassed(monkeypatch):
    """As if vetting had a hole: every expression passes as a merge tag."""
    monkeypatch.setattr(merge_tags_module, "_merge_tag", lambda node: MergeTag("bypassed", None, node.lineno))
    clear_parse_cache()
    yield
    clear_parse_cache()  # the parses made with the hole must not outlive this test


@pytest.mark.parametrize("source", ESCAPES + PEEKS)
def test_an_escape_that_got_past_vetting_is_never_evaluated(vetting_bypassed, never_compiled, source):
    """Filling evaluates nothing: what got through is a name with a value or none, never a path to an object."""
    assert fill(source, {"firstname": "Ada"}) == ""
    assert fill(source, {"bypassed": "<b>"}) == "&lt;b&gt;"


def test_the_environment_itself_is_a_sandbox_should_a_template_ever_be_rendered_with_it():
    for source in ESCAPES:
        with pytest.raises(SecurityError):
            merge_tags_module._ENV.from_string(source).render(firstname="Ada")


def test_export_translation_keeps_everything_but_the_tags_verbatim():
    source = 'Hi {{ firstname | default("there") }},\n  <a href="{{ unsubscribe_url }}">{{x}}</a>\n'
    out = fill_with(source, lambda tag: f"<{tag.name}:{tag.default}>")
    assert out == 'Hi <firstname:there>,\n  <a href="<unsubscribe_url:None>"><x:None></a>\n'


def test_render_email_fills_compiles_and_writes_a_text_part():
    result = render_email(
        mjml_source=SIMPLE, subject='Hi {{ firstname | default("there") }} & welcome', preheader="Start here",
        values={"firstname": "Ada", "company": "Loom & Co"},
    )
    assert result.error is None
    assert "Hello Ada, welcome to Loom &amp; Co." in result.html
    assert result.subject == "Hi Ada & welcome"
    assert "Hello Ada, welcome to Loom & Co." in result.text
    assert "Get started (https://example.com/start)" in result.text
    assert f"Unsubscribe ({rendering.PREVIEW_UNSUBSCRIBE_URL})" in result.text


def test_text_override_replaces_the_generated_text_part():
    result = render_email(mjml_source=SIMPLE, values={"firstname": "Ada"}, text_override="Hi {{ firstname }}, plain.")
    assert result.text == "Hi Ada, plain."


def test_mjml_that_does_not_compile_is_reported_not_raised():
    result = render_email(mjml_source="<mjml><mj-body><mj-text>unclosed</mj-body></mjml>")
    assert isinstance(result.error, rendering.MJMLError)
    assert "MJML does not compile" in result.error.message
    assert result.html is None


def test_compile_error_with_a_position_names_the_line():
    result = render_email(mjml_source="<mjml>\n<mj-head>\n<mj-foo/></mj-head><mj-body></mj-body></mjml>")
    assert isinstance(result.error, rendering.MJMLError)
    assert result.error.line == 3


def test_mj_include_is_never_resolved():
    result = render_email(mjml_source='<mjml><mj-body>\n<mj-include path="/etc/passwd" /></mj-body></mjml>')
    assert isinstance(result.error, rendering.MJMLError)
    assert "mj-include is disabled" in result.error.message
    assert result.error.line == 2


def test_compiled_html_is_cached_by_content_and_never_stale():
    rendering.compile_cache.clear()
    first = rendering.compile_mjml(SIMPLE)
    again = rendering.compile_mjml(SIMPLE)
    edited = rendering.compile_mjml(SIMPLE.replace("Get started", "Begin now"))
    assert again == first
    assert "Begin now" in edited and "Begin now" not in first
    assert rendering.compile_cache.hits == 1 and rendering.compile_cache.misses == 2


def test_text_part_skips_hidden_preheader_and_styles():
    html = (
        '<html><head><style>p{color:red}</style></head><body>'
        '<div style="display:none">hidden preheader</div><p>Visible <a href="https://x.example/a">link</a></p>'
        "<ul><li>one</li><li>two</li></ul></body></html>"
    )
    text = html_to_text(html)
    assert "hidden preheader" not in text and "color" not in text
    assert "Visible link (https://x.example/a)" in text
    assert "- one\n" in text and "- two" in text


@pytest.mark.parametrize("template", gallery_templates(), ids=lambda p: p.stem)
def test_every_gallery_template_renders_with_html_and_text(template):
    result = render_email(mjml_source=template.read_text(encoding="utf-8"), subject="Hello", values={})
    assert result.error is None, result.error
    assert result.html.lstrip().lower().startswith("<!doctype html")
    assert len(result.text.strip()) > 20


@pytest.mark.parametrize(
    ("source", "line"),
    [("Hi {# a note #} there", 1), ("a\n{% raw %}{{ x }}{% endraw %}", 2)],
)
def test_comments_and_raw_blocks_are_refused_rather_than_silently_dropped(source, line):
    with pytest.raises(MergeTagError) as refused:
        merge_tags(source)
    assert refused.value.line == line


def test_sample_data_can_fill_capitalised_merge_tags_as_gallery_emails_use_them():
    assert fill("Dear {{FirstName}}", {"FirstName": "Ada"}) == "Dear Ada"


def test_the_preheader_field_becomes_the_inbox_preview_text_of_the_html():
    source = (
        "<mjml><mj-head><mj-preview>Boilerplate preview</mj-preview></mj-head>"
        '<mj-body><mj-text>Hi</mj-text></mj-body></mjml>'
    )
    result = render_email(mjml_source=source, preheader='Your guide, {{ firstname | default("friend") }} & more')
    assert "Your guide, friend &amp; more" in result.html
    assert "Boilerplate preview" not in result.html
    assert "Your guide" not in result.text  # the preview text is hidden in the body, not part of the text


def test_without_a_preheader_the_bodys_own_preview_text_stays():
    source = "<mjml><mj-head><mj-preview>Written in the body</mj-preview></mj-head><mj-body></mj-body></mjml>"
    assert "Written in the body" in render_email(mjml_source=source).html
