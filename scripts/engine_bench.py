"""The email engine against an older version of itself: byte identity, and time per email.

    python scripts/engine_bench.py compare [--old REV] [--mutants N]
        Every output of the engine (fill, fill_with, merge_tags and their refusals, render_email,
        run_checks, preview_source) on the starter emails, the 25 MJML gallery templates and
        mutations of them, with several sets of sample values, compared with the engine at REV.
    python scripts/engine_bench.py time [--old REV] [-n N] [--gallery] [--repeat R] [--share K]
        N distinct emails (starter bodies, varied) rendered and checked, cold then warm, with the
        engine at REV and with this one: CPU time per email, as a multiple of the bare MJML compile
        of the same emails (the lower bound, LB), and the share spent in the MJML compile. "checks"
        is what the matrix asks for (a preview with its checks); "+text" adds the plain-text part,
        as the preview API and the Mailjet bundle ask for it. With --share K each body is received by
        K segments with values of their own (a campaign where half the segments have variants is
        about K = 2): the work done per source is then shared, the compiles are not.

REV defaults to the engine before issue 8's cheaper rendering (6ab0c92). The old engine is read from git into a
temporary package `emails_old`; nothing here is a test, and nothing here changes the engine.
"""

from __future__ import annotations

import argparse
import gc
import importlib
import io
import random
import subprocess
import sys
import tarfile
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
GALLERY = ROOT.parent / "shared" / "corpus" / "mjml-gallery"
STARTERS = ROOT / "emails" / "starters"
sys.path.insert(0, str(ROOT))


# --- the two engines --------------------------------------------------------------------------


# The engine before issue 8's cheaper rendering: merge tags compiled by Jinja, fixed-size LRU caches.
BEFORE_ISSUE_8 = "6ab0c9282edd0040cf6d5ced49f06f0a08279f94"


def load_old_engine(rev: str, folder: str) -> ModuleType:
    """The emails/ package at `rev`, imported as `emails_old` (its imports are relative)."""
    archive = subprocess.run(["git", "archive", rev, "emails"], cwd=ROOT, check=True, capture_output=True).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(folder, filter="data")
    Path(folder, "emails").rename(Path(folder, "emails_old"))
    sys.path.insert(0, folder)
    return importlib.import_module("emails_old")


def submodule(engine: ModuleType, name: str) -> ModuleType:
    return importlib.import_module(f"{engine.__name__}.{name}")


def clear_caches(engine: ModuleType) -> None:
    """Every cache of an engine, old or new, emptied: the next render is cold."""
    engine.compile_cache.clear()
    engine.preview_cache.clear()
    engine.clear_parse_cache()
    text = submodule(engine, "text")
    if hasattr(text.html_to_text, "cache_clear"):
        text.html_to_text.cache_clear()
    checks = submodule(engine, "checks")
    if hasattr(checks, "source_checks_cache"):
        checks.source_checks_cache.clear()


# --- the corpus -------------------------------------------------------------------------------


def read(path: Path, *, keep_line_ends: bool) -> str:
    with path.open(encoding="utf-8", newline="" if keep_line_ends else None) as file:
        return file.read()


def base_sources() -> list[tuple[str, str]]:
    sources = []
    for path in sorted(STARTERS.glob("*.mjml")):
        sources.append((f"starter/{path.stem}", read(path, keep_line_ends=False)))
    gallery = sorted(GALLERY.glob("*.mjml"))
    assert len(gallery) == 25, f"expected the 25 MJML gallery templates in {GALLERY}"
    for path in gallery:
        sources.append((f"gallery/{path.stem}", read(path, keep_line_ends=True)))  # some have CRLF
        text = read(path, keep_line_ends=False)
        sources.append((f"gallery/{path.stem}+tags", text.replace(
            "</mj-body>",
            '<mj-section><mj-column><mj-text>Hi {{ firstname | default("there") }} of {{company}}, '
            "{{FirstName}} &amp; {{ season|default('spring') }}</mj-text>"
            '<mj-text><a href="{{ unsubscribe_url }}">Unsubscribe</a></mj-text></mj-column></mj-section></mj-body>',
        )))
    return sources


# Pieces of merge-tag syntax, allowed and refused, spliced into sources to find any difference.
FRAGMENTS = [
    "{{ firstname }}", "{{firstname}}", "{{\tfirstname\t}}", '{{ firstname | default("there") }}',
    "{{ firstname|default('there') }}", '{{ x | default("") }}', '{{ x | default ( "a b" ) }}',
    '{{ x | default("a & <b> \\"q\\"") }}', "{{ x | default('\\u00e9\\n') }}", '{{ x | default("Zoë 😀") }}',
    '{{ x | default("}}") }}', '{{ x | default("a" "b") }}', '{{ x | default("a",) }}', "{{ x | default() }}",
    "{{ x | default(y) }}", "{{ x | upper }}", "{{ x.y }}", "{{ x['y'] }}", "{{ x() }}", "{{ 7 * 7 }}",
    "{{ self }}", "{{ true }}", "{{ None }}", "{{ not }}", "{{ in }}", "{{ is }}", "{{ and }}", "{{ if }}",
    "{{ loop }}", "{{ caller }}", "{{ varargs }}", "{{ kwargs }}", "{{ super }}", "{{ range }}", "{{ lipsum }}",
    "{{ namespace }}", "{{ dict }}", "{{ cycler }}", "{{ context }}", "{{ environment }}", "{{ missing }}",
    "{{ undefined }}", "{{ resolve }}", "{{ t_1 }}", "{{ l_0_x }}", "{{ escape }}", "{{ str }}", "{{ class }}",
    "{{ lambda }}", "{{ _ }}", "{{ nameé }}", "{{ Ω }}", "{{- firstname }}", "{{ firstname -}}", "{{+ x }}",
    "{{ x +}}", "{{ x }}}", "{{{ x }}", "{ {{ x }} }", "{{ x\n}}", "{{\nx }}", '{{ x |\ndefault("a") }}',
    '{{ x | default(\n"a") }}', '{{ x | default("a\nb") }}', "{{ x", "{{", "}}", "x }}", "{% if x %}y{% endif %}",
    "{%", "{# note #}", "{#", "{% raw %}{{ x }}{% endraw %}", "\r\n", "\r", "\n", "\u2028", "\x0c", "\x85",
    "{", "}", "\"", "'", "&amp;", "&", "<", ">", "\\", "  ", "\t",
]
VALUE_SETS: list[dict[str, Any]] = [
    {},
    {"firstname": "Ada"},
    {"firstname": "<b>Ada & 'Bob' \"C\"</b>", "company": "Loom & Co", "FirstName": "Zoë", "x": "&lt;",
     "season": "", "unsubscribe_url": "https://example.com/u?a=1&b=2"},
    {"firstname": 42, "company": 0, "x": 1.5, "y": None, "season": False, "FirstName": True, "loop": "L",
     "in": "I", "range": "R", "class": "C", "self": "S"},
]


def mutants(sources: list[tuple[str, str]], count: int, seed: int = 8) -> Iterator[tuple[str, str]]:
    """Sources cut, spliced, re-cased and salted with merge-tag fragments: broken MJML, broken tags."""
    rng = random.Random(seed)
    for n in range(count):
        name, source = rng.choice(sources)
        for _ in range(rng.randint(1, 4)):
            at = rng.randrange(len(source) + 1)
            action = rng.random()
            if action < 0.35:
                source = source[:at] + rng.choice(FRAGMENTS) + source[at:]
            elif action < 0.55:
                source = source[:at] + source[at + rng.randint(1, 40):]
            elif action < 0.7:
                other = rng.choice(sources)[1]
                start = rng.randrange(len(other) + 1)
                source = source[:at] + other[start:start + rng.randint(1, 200)] + source[at:]
            elif action < 0.8:
                source = source[:at] + source[at:at + 30].upper() + source[at + 30:]
            else:
                source = source[:at] + rng.choice(["<", ">", "/", "\"", "'", "=", "<mj-text>", "</mj-text>",
                                                   "<mj-imge", "<img ", " alt=", " href=\"", "</mj-section>",
                                                   "<mj-preview>", "</mj-preview>", "<mj-include path=\"x\"/>",
                                                   "<mj-raw>", "\u212a", "\u0130", "\u017f"]) + source[at:]
        yield f"{name}~{n}", source


# --- compare ----------------------------------------------------------------------------------


def outcome(action: Callable[[], Any]) -> Any:
    """What an action gives, or the refusal it raises (type, message, line), so both can be compared."""
    try:
        return ("ok", action())
    except Exception as error:  # noqa: BLE001 - a refusal is an outcome like any other
        return ("raised", type(error).__name__, str(error), getattr(error, "line", None))


def rendered_fields(rendered: Any) -> tuple:
    error = rendered.error
    return (rendered.subject, rendered.preheader, rendered.mjml, rendered.html, rendered.text,
            [(t.name, t.default, t.line, t.where) for t in rendered.tags], rendered.values,
            None if error is None else (type(error).__name__, error.message, error.line))


def checks_fields(checks: list) -> list[tuple]:
    return [(c.code, c.severity, c.message, c.line) for c in checks]


def everything(engine: ModuleType, source: str, values: dict[str, Any], subject: str, preheader: str) -> dict:
    """Every observable output of one engine for one source and one set of values."""
    checks = submodule(engine, "checks")
    found: dict[str, Any] = {
        "merge_tags": outcome(lambda: [(t.name, t.default, t.line) for t in engine.merge_tags(source)]),
        "fill": outcome(lambda: engine.fill(source, values)),
        "fill_with": outcome(lambda: engine.fill_with(source, lambda t: f"[{t.name}|{t.default}|{t.line}]")),
    }
    text_values = {k: v for k, v in values.items() if v is not None}
    for text_override in (None, "Plain {{ firstname | default('reader') }} & more"):
        rendered = engine.render_email(mjml_source=source, subject=subject, preheader=preheader,
                                       values=text_values, text_override=text_override)
        found[f"render/{text_override}"] = rendered_fields(rendered)
        for marketing in (True, False):
            found[f"checks/{text_override}/{marketing}"] = checks_fields(
                checks.run_checks(rendered, source, marketing=marketing))
        found[f"stopping/{text_override}"] = checks_fields(
            checks.run_checks(rendered, source, rules=(checks.compiles, checks.subject)))
    preview = engine.preview_source(mjml=source, subject=subject, preheader=preheader, values=text_values)
    found["preview"] = (preview.to_dict(), preview.counts)
    return found


SUBJECTS = [("Hello {{ firstname | default(\"there\") }} & welcome", "A preheader long enough for the rule, {{x}}"),
            ("", ""), ("x" * 61, "short"), ("Tom &amp; {{ company }}", "{{ x | default('<p>') }}" + "y" * 100),
            ("{{ x.y }}", "fine preheader that is long enough to pass"), ("Hi", "{% if %}")]


def compare(old: ModuleType, new: ModuleType, mutant_count: int) -> int:
    sources = base_sources()
    cases = [(name, source, values, *SUBJECTS[i % len(SUBJECTS)])
             for name, source in sources for i, values in enumerate(VALUE_SETS)]
    cases += [(name, source, VALUE_SETS[i % len(VALUE_SETS)], *SUBJECTS[i % len(SUBJECTS)])
              for i, (name, source) in enumerate(mutants(sources, mutant_count))]
    cases += [(f"fragment/{i}", fragment, values, "s", "p")
              for i, fragment in enumerate(FRAGMENTS) for values in VALUE_SETS]
    differences = 0
    for name, source, values, subject, preheader in cases:
        for engine in (old, new):
            clear_caches(engine)
        cold_old = everything(old, source, values, subject, preheader)
        cold_new = everything(new, source, values, subject, preheader)
        warm_new = everything(new, source, values, subject, preheader)  # through every cache
        for key in cold_old:
            if cold_old[key] != cold_new[key] or cold_old[key] != warm_new[key]:
                differences += 1
                print(f"DIFFERENT {name} {key} values={sorted(values)}")
                print("  old:", repr(cold_old[key])[:400])
                print("  new:", repr(cold_new[key])[:400])
                break
    compared = len(cases) * len(cold_old)
    print(f"{len(cases)} cases ({len(sources)} sources x {len(VALUE_SETS)} value sets, {mutant_count} mutants, "
          f"{len(FRAGMENTS) * len(VALUE_SETS)} fragments), {compared} outputs compared cold and warm: "
          f"{differences} different")
    return 1 if differences else 0


# --- time -------------------------------------------------------------------------------------


def distinct_emails(n: int, gallery: bool, share: int = 1) -> list[tuple[str, str]]:
    """N distinct emails, (body, first name): the starters (or the gallery), each body with a paragraph of
    its own, received by `share` segments with a first name each (so N / share distinct bodies)."""
    paths = sorted(GALLERY.glob("*.mjml")) if gallery else sorted(STARTERS.glob("*.mjml"))
    starters = [read(p, keep_line_ends=False) for p in paths]
    emails = []
    for i in range(n):
        b = i // share
        extra = (f"<mj-section><mj-column><mj-text>Note {b} for {{{{ firstname | default(\"you\") }}}}: "
                 f"{'offer ' * (b % 7)}ends on day {b % 28 + 1}.</mj-text></mj-column></mj-section>")
        emails.append((starters[b % len(starters)].replace("</mj-body>", extra + "</mj-body>", 1), f"Reader{i % share}"))
    return emails


class CompileClock:
    """CPU time spent inside mjml.mjml2html while active (the bare compile both engines call)."""

    def __init__(self) -> None:
        import mjml

        self.module = mjml
        self.seconds = 0.0
        self.calls = 0

    def __enter__(self) -> CompileClock:
        self.original = self.module.mjml2html

        def timed(*args: Any, **kwargs: Any) -> str:
            start = time.process_time()
            try:
                return self.original(*args, **kwargs)
            finally:
                self.seconds += time.process_time() - start
                self.calls += 1

        self.module.mjml2html = timed
        return self

    def __exit__(self, *exc: object) -> None:
        self.module.mjml2html = self.original


def render_all(engine: ModuleType, emails: list[tuple[str, str]], *, text: bool) -> None:
    for body, firstname in emails:
        preview = engine.preview_source(
            mjml=body, subject='Hello {{ firstname | default("there") }}, news from us',
            preheader="A preheader long enough to pass the length check.", values={"firstname": firstname},
        )
        if text:
            preview.rendered.text  # noqa: B018 - the text part, as the preview API and the bundle ask for it


def timed_pass(engine: ModuleType, emails: list[tuple[str, str]], *, text: bool) -> tuple[float, float, int]:
    gc.collect()
    with CompileClock() as clock:
        start = time.process_time()
        render_all(engine, emails, text=text)
        seconds = time.process_time() - start
    return seconds, clock.seconds, clock.calls


def bare_compile(emails: list[tuple[str, str]]) -> float:
    """CPU time per email of mjml2html alone, on each email as filled (the lower bound of a render)."""
    import mjml

    filled = [body.replace('{{ firstname | default("there") }}', firstname).replace(
        '{{ firstname | default("you") }}', firstname).replace("{{ unsubscribe_url }}", "https://example.com/u")
        for body, firstname in emails]
    start = time.process_time()
    for body in filled:
        mjml.mjml2html(body)
    return (time.process_time() - start) / len(filled)


def time_engines(old: ModuleType, new: ModuleType, n: int, gallery: bool, repeat: int, share: int) -> None:
    """Each figure is the best of `repeat` runs (CPU time), the bare compile measured again in each run:
    the machine may be shared, and other work only ever adds time."""
    emails = distinct_emails(n, gallery, share)
    bare_compile(emails[:50])  # warm the compiler itself up
    best: dict[tuple[str, bool], list[float]] = {}
    bares = []
    for _ in range(repeat):
        bares.append(bare_compile(emails))
        for label, engine in (("old", old), ("new", new)):
            for text in (False, True):
                clear_caches(engine)
                cold, compiling, calls = timed_pass(engine, emails, text=text)
                warm, _, warm_calls = timed_pass(engine, emails, text=text)
                assert calls == n and warm_calls <= calls, (calls, warm_calls)
                figures = [cold / n, compiling / n, warm / n, warm_calls]
                previous = best.get((label, text))
                best[(label, text)] = figures if previous is None else [min(a, b) for a, b in zip(previous, figures)]
                clear_caches(engine)
    bare = min(bares)
    print(f"{n} distinct emails ({'gallery' if gallery else 'starters'}, {n // share} bodies, each received by "
          f"{share} segment{'s' if share > 1 else ''}), CPU time per email, best of {repeat}; "
          f"bare MJML compile (LB per email): {bare * 1e3:.3f} ms")
    print(f"{'engine':6} {'part':9} {'cold ms':>8} {'x LB':>6} {'compile %':>9} {'warm ms':>8} {'x LB':>7}")
    for (label, text), (cold, compiling, warm, warm_calls) in best.items():
        print(f"{label:6} {'+text' if text else 'checks':9} {cold * 1e3:8.3f} {cold / bare:6.2f} "
              f"{compiling / cold * 100:8.0f}% {warm * 1e3:8.4f} {warm / bare:7.3f}"
              + ("" if warm_calls == 0 else f"  ({warm_calls:.0f} compiled again warm)"))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("command", choices=["compare", "time"])
    parser.add_argument("--old", default=BEFORE_ISSUE_8, help="git revision of the old engine (default: 6ab0c92)")
    parser.add_argument("--mutants", type=int, default=3000)
    parser.add_argument("-n", type=int, default=2000, help="distinct emails to time")
    parser.add_argument("--gallery", action="store_true", help="time the gallery templates instead of the starters")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each figure; the best is shown")
    parser.add_argument("--share", type=int, default=1,
                        help="segments receiving each body, each with values of its own (a campaign: 2)")
    args = parser.parse_args()
    rev = args.old
    with tempfile.TemporaryDirectory() as folder:
        old = load_old_engine(rev, folder)
        new = importlib.import_module("emails")
        print(f"old engine: {rev[:12]}; new engine: {ROOT}")
        if args.command == "compare":
            return compare(old, new, args.mutants)
        time_engines(old, new, args.n, args.gallery, args.repeat, args.share)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
