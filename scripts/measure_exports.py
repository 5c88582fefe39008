"""Measure the exports and the import: SQL statements, import time growth, and the Mailjet bundle's peak memory.

    .venv/bin/python scripts/measure_exports.py [import|memory|all] [--quick]

Runs the app on a throwaway SQLite file (or TEST_DATABASE_URL) through the Flask test client, so each
figure is a request as a user makes it. Not part of the test suite: it prints numbers.

- import: campaign documents of growing size (phases only; touchpoints; variants) are posted to
  POST /api/campaigns/import; it prints the time and SQL statements of each, and fits the growth
  exponent k of time ~ size^k (least squares on the logs). The phase grid goes past the phase limit,
  which is lifted for it.
- memory: a campaign of 30 segments x 15 phases x 5 emails (every email distinct, half the segments with
  a variant of each) is exported as the Mailjet bundle with tracemalloc on; it prints the bundle's size,
  the request's peak memory and their ratio, cold (empty render caches) and warm.
"""

from __future__ import annotations

import gc
import json
import math
import os
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

MJML = """<mjml>
  <mj-head><mj-title>Email NUMBER</mj-title></mj-head>
  <mj-body>
    <mj-section><mj-column>
      <mj-image src="https://plannery.example/NUMBER.png" alt="Picture NUMBER" />
      <mj-text>Hello {{ firstname | default("there") }}, this is email NUMBER about {{ topic | default("planning") }}.
        It has a few sentences so that it weighs what a real email weighs: what we offer, why it matters to
        you, what to do next. Email NUMBER, SEGMENT.</mj-text>
      <mj-button href="https://plannery.example/offer/NUMBER">Read more</mj-button>
      <mj-text><a href="{{ unsubscribe_url }}">Unsubscribe</a></mj-text>
    </mj-column></mj-section>
  </mj-body>
</mjml>
"""


def document(phases: int, emails_per_phase: int = 0, segments: int = 0, variant_segments: int = 0) -> dict[str, Any]:
    """A campaign document: `phases` phases with `emails_per_phase` emails each, `segments` targeted segments
    of which the first `variant_segments` have a variant of every email."""
    names = [f"Measure segment {n}" for n in range(segments)]
    touchpoints = []
    for p in range(phases):
        for e in range(emails_per_phase):
            number = p * emails_per_phase + e
            touchpoints.append({
                "phase": p, "kind": ("welcome", "newsletter", "offer", "follow_up", "onboarding")[number % 5],
                "name": f"Email {number}", "trigger": "signs up", "send_offset_days": e, "cta": "Read more",
                "subject": f"Email {number} for {{{{ firstname | default(\"you\") }}}}",
                "preheader": f"The preheader of email {number}, long enough to pass the check.",
                "mjml": MJML.replace("NUMBER", str(number)).replace("SEGMENT", "everyone"), "text_override": None,
                "segments": [],
                "variants": [
                    {"segment": name, "subject": f"Email {number} for {name}", "preheader": None,
                     "mjml": MJML.replace("NUMBER", str(number)).replace("SEGMENT", name)}
                    for name in names[:variant_segments]
                ],
            })
    return {
        "format": "journeymail.campaign", "version": 1,
        "campaign": {"name": f"Measure {phases}x{emails_per_phase}x{segments}", "goal": "Measure",
                     "description": "", "framework": "five-stage", "map_state": "future", "sender_name": "Maya",
                     "sender_email": "maya@plannery.example", "reply_to": "team@plannery.example",
                     "locale": "en_US", "sample_data": {"firstname": "there"}},
        "segments": [{"name": name, "description": "", "motivation": "m", "action": "a", "obstacle": "o",
                      "opportunity": "", "sample_data": {"firstname": "Ada"}, "targeted": True} for name in names],
        "phases": [{"name": f"Phase {p}", "description": "", "emotion": 0, "pain_points": "", "opportunities": ""}
                   for p in range(phases)],
        "touchpoints": touchpoints,
    }


def make_app():  # noqa: ANN201
    from config import TestConfig
    from journeymail import create_app
    from journeymail.extensions import db

    url = os.environ.get("TEST_DATABASE_URL") or "sqlite:///" + tempfile.mkdtemp(prefix="jm-measure-") + "/m.db"

    class Config(TestConfig):
        SQLALCHEMY_DATABASE_URI = url
        MAX_CONTENT_LENGTH = 256 * 1024 * 1024  # the code before IMPORT_MAX_BYTES had one limit for all
        IMPORT_MAX_BYTES = 256 * 1024 * 1024

    app = create_app(Config)
    with app.app_context():
        db.drop_all()
        db.create_all()
    return app


class Statements:
    def __init__(self, app) -> None:  # noqa: ANN001
        from sqlalchemy import event

        from journeymail.extensions import db

        with app.app_context():
            self.engine = db.engine
        self.count = 0
        self.event = event

    def _record(self, *_: Any) -> None:
        self.count += 1

    def __enter__(self) -> Statements:
        self.count = 0
        self.event.listen(self.engine, "before_cursor_execute", self._record)
        return self

    def __exit__(self, *_: Any) -> None:
        self.event.remove(self.engine, "before_cursor_execute", self._record)


class Checking:
    """Adds up the time spent in exports.documents.read_document (the field rules and the merge-tag
    vetting, which the engine does) during a request, so the rest (writing) can be told apart."""

    def __init__(self) -> None:
        from exports import documents

        self.documents = documents
        self.seconds = 0.0

    def __enter__(self) -> Checking:
        self.original = original = self.documents.read_document

        def timed(data: Any) -> Any:
            start = time.perf_counter()
            try:
                return original(data)
            finally:
                self.seconds += time.perf_counter() - start

        self.documents.read_document = timed
        return self

    def __exit__(self, *_: Any) -> None:
        self.documents.read_document = self.original


def post_import(app, client, doc: dict[str, Any]) -> tuple[float, float, int, int]:  # noqa: ANN001
    """Seconds of the whole request, seconds of it spent checking, SQL statements, bytes posted."""
    import emails

    body = json.dumps(doc).encode()
    emails.clear_parse_cache()  # every text is vetted as if never seen
    with Statements(app) as statements, Checking() as checking:
        start = time.perf_counter()
        response = client.post("/api/campaigns/import", data=body, content_type="application/json")
        seconds = time.perf_counter() - start
    assert response.status_code == 201, response.get_data(as_text=True)[:500]
    return seconds, checking.seconds, statements.count, len(body)


def exponent(sizes: list[int], seconds: list[float]) -> float:
    xs, ys = [math.log(s) for s in sizes], [math.log(t) for t in seconds]
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sum((x - mx) ** 2 for x in xs)


def measure_import(quick: bool) -> None:
    app = make_app()
    for key in ("MAX_PHASES_PER_CAMPAIGN", "MAX_TOUCHPOINTS_PER_CAMPAIGN", "MAX_SEGMENTS_PER_CAMPAIGN",
                "MAX_VARIANTS_PER_CAMPAIGN"):
        app.config[key] = 10**9  # the grids measure growth, also past the limits
    client = app.test_client()
    grids = {
        "phases": [(n, document(n)) for n in (250, 500, 1000, 2000)],
        "touchpoints": [(n, document(10, n // 10)) for n in (250, 500, 1000, 2000)],
        "variants": [(200 * s, document(20, 10, s, s)) for s in (12, 25, 50, 100)],
    }
    if quick:
        grids = {name: points[:3] for name, points in grids.items()}
    post_import(app, client, document(3, 2, 2, 1))  # warm up: imports, first connection
    repeat = 1 if quick else 3
    for name, points in grids.items():
        print(f"\nimport, growing {name} (best of {repeat}):")
        print(f"  {name:>12} {'bytes':>12} {'seconds':>9} {'checking':>9} {'writing':>9} {'SQL':>6} {'us/item':>8}")
        sizes, times, writes = [], [], []
        for size, doc in points:
            runs = []
            for _ in range(repeat):
                gc.collect()
                runs.append(post_import(app, client, doc))
            seconds, checking, count, length = min(runs)
            writing = min(run[0] - run[1] for run in runs)
            sizes.append(size)
            times.append(seconds)
            writes.append(writing)
            print(f"  {size:>12,} {length:>12,} {seconds:>9.3f} {checking:>9.3f} {writing:>9.3f} "
                  f"{count:>6} {seconds / size * 1e6:>8.0f}")
        print(f"  growth exponent (time ~ size^k): k = {exponent(sizes, times):.2f} for the request, "
              f"{exponent(sizes, writes):.2f} for all but the checking (writing, loading, answering)")


def clear_render_caches() -> None:
    import emails

    emails.compile_cache.clear()
    emails.clear_parse_cache()
    emails.html_to_text.cache_clear()
    emails.preview_cache.clear()


def measure_memory(quick: bool) -> None:
    app = make_app()
    client = app.test_client()
    segments, phases, emails = (10, 7, 5) if quick else (30, 15, 5)
    for variant_segments in (segments // 2, segments):
        doc = document(phases, emails, segments, variant_segments)
        created = client.post("/api/campaigns/import", json=doc)
        assert created.status_code == 201, created.get_data(as_text=True)[:300]
        campaign_id = created.get_json()["id"]
        url = f"/campaigns/{campaign_id}/export/mailjet.json"
        print(f"\nMailjet bundle of {segments} segments x {phases} phases x {emails} emails, "
              f"{variant_segments} segments with a variant of every email:")
        for state in ("cold", "warm"):
            if state == "cold":
                clear_render_caches()
            start = time.perf_counter()
            client.get(url).get_data()
            untraced = time.perf_counter() - start
            if state == "cold":
                clear_render_caches()
            gc.collect()
            with Statements(app) as statements:
                tracemalloc.start()
                tracemalloc.reset_peak()
                start = time.perf_counter()
                response = client.get(url, buffered=False)
                size = chunks = 0
                for chunk in response.response:  # as a server sends it: a chunk at a time
                    size += len(chunk)
                    chunks += 1
                response.close()
                seconds = time.perf_counter() - start
                _, peak = tracemalloc.get_traced_memory()
                tracemalloc.stop()
            assert response.status_code == 200, response.status_code
            print(f"  {state}: bundle {size / 1e6:7.2f} MB in {chunks} chunks, peak {peak / 1e6:7.2f} MB "
                  f"= {peak / size:.2f} x the bundle, {statements.count} SQL statements, "
                  f"{untraced:.1f} s ({seconds:.1f} s under tracemalloc)")
        bundle = json.loads(client.get(url).get_data())
        templates = sum(1 for r in bundle["requests"] if r["path"] == "template")
        drafts = sum(1 for r in bundle["requests"] if r["path"] == "campaigndraft")
        print(f"  {len(bundle['requests'])} requests: {templates} templates for "
              f"{segments * phases * emails} segment x email, {drafts} campaign drafts")


def main() -> int:
    what = next((a for a in sys.argv[1:] if not a.startswith("-")), "all")
    quick = "--quick" in sys.argv
    if what in ("import", "all"):
        measure_import(quick)
    if what in ("memory", "all"):
        measure_memory(quick)
    return 0


if __name__ == "__main__":
    sys.exit(main())
