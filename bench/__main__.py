"""Benchmarks, measured in one run on the same inputs, printed as a table with ratios to a baseline.

(a) bare mjml.mjml2html per MJML gallery template: the baseline;
(b) GET /api/campaigns/<id>/preview for one cell through the Flask test client;
(c) the whole matrix of a 10-segment x 7-phase campaign with 2 emails per phase (140 renders), cold and warm;
(d) the Mailjet bundle and (e) the plan CSV of that campaign, cold, with the share spent compiling MJML.

Timings are medians; the machine is shared, so figures vary from run to run. Nothing here is pass/fail
for the test suite: the table says whether each target was met in this run.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import mjml

ROOT = Path(__file__).resolve().parents[1]
GALLERY = ROOT.parent / "shared" / "corpus" / "mjml-gallery"
sys.path.insert(0, str(ROOT))


def median_ms(action: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def build_campaign(app):  # noqa: ANN001, ANN201 - a script, not library code
    """10 segments, the seven-phase journey, 2 emails in each phase: 140 segment x email renders."""
    from campaigns import services
    from journeymail.extensions import db
    from segments.services import create_segment

    campaign = services.create_campaign({
        "name": "Benchmark", "goal": "Measure", "framework": "seven-phase",
        "sender_name": "Bench", "sender_email": "bench@example.com",
    })
    segments = [
        create_segment({
            "name": f"Segment {i}", "motivation": "m", "action": "a", "obstacle": "o",
            "sample_data": {"firstname": f"Reader{i}", "company": f"Company {i}"},
        })
        for i in range(10)
    ]
    services.set_segments(campaign, {"segment_ids": [s.id for s in segments]})
    kinds = ["welcome", "newsletter", "offer", "follow_up", "reminder", "onboarding", "review_request"]
    for index, phase in enumerate(campaign.phases):
        for n in range(2):
            kind = kinds[(index + n) % len(kinds)]
            services.add_touchpoint(campaign, {
                "phase_id": phase.id, "kind": kind, "name": f"{kind} {n}", "send_offset_days": n * 2,
                "subject": 'Hello {{ firstname | default("there") }}, news from us',
                "preheader": "A preheader long enough to pass the length check.",
            })
    db.session.commit()
    return campaign


def clear_render_caches() -> None:
    from emails import preview_cache
    import emails as rendering

    rendering.compile_cache.clear()
    rendering.clear_parse_cache()
    rendering.html_to_text.cache_clear()
    preview_cache.clear()


class CompileClock:
    """Adds up the time spent inside mjml.mjml2html while active: the MJML share of an export."""

    def __init__(self) -> None:
        self.seconds = 0.0
        self.calls = 0

    def __enter__(self) -> "CompileClock":
        # emails/mjml.py calls mjml.mjml2html through the package at each compile, so the clock sits there.
        self._original = mjml.mjml2html

        def timed(*args: object, **kwargs: object) -> str:
            start = time.perf_counter()
            try:
                return self._original(*args, **kwargs)
            finally:
                self.seconds += time.perf_counter() - start
                self.calls += 1

        mjml.mjml2html = timed
        return self

    def __exit__(self, *exc: object) -> None:
        mjml.mjml2html = self._original


def cold_export(client, url: str, repeat: int = 5) -> tuple[float, float, int]:  # noqa: ANN001
    """Median ms of a cold GET of an export URL, and the median ms and calls spent compiling MJML."""
    totals, compiling, calls = [], [], 0
    for _ in range(repeat):
        clear_render_caches()
        with CompileClock() as clock:
            start = time.perf_counter()
            response = client.get(url)
            totals.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (url, response.status_code)
        compiling.append(clock.seconds * 1000)
        calls = clock.calls
    return statistics.median(totals), statistics.median(compiling), calls


def main() -> int:
    from config import TestConfig
    from journeymail import create_app
    from journeymail.extensions import db

    templates = sorted(GALLERY.glob("*.mjml"))
    if len(templates) != 25:
        print(f"expected the 25 MJML gallery templates in {GALLERY}", file=sys.stderr)
        return 1
    sources = [t.read_text(encoding="utf-8") for t in templates]

    with tempfile.TemporaryDirectory() as folder:
        class BenchConfig(TestConfig):
            SQLALCHEMY_DATABASE_URI = f"sqlite:///{folder}/bench.db"

        app = create_app(BenchConfig)
        with app.app_context():
            db.create_all()
            campaign = build_campaign(app)
            campaign_id = campaign.id
            touchpoint_id = campaign.phases[0].touchpoints[0].id
            segment_id = campaign.segments[0].id
        # No app context from here on: each request opens its own session, as in production.
        client = app.test_client()
        preview_url = f"/api/campaigns/{campaign_id}/preview?touchpoint={touchpoint_id}&segment={segment_id}"
        matrix_url = f"/api/campaigns/{campaign_id}/matrix"

        # (a) baseline: every gallery template, bare compile, median of the per-template medians
        per_template = [median_ms(lambda s=s: mjml.mjml2html(s), 15) for s in sources]
        bare = statistics.median(per_template)

        # (b) one cell's preview through the test client (warm: what a user clicking around gets)
        assert client.get(preview_url).status_code == 200
        preview = median_ms(lambda: client.get(preview_url), 200)

        # (c) the whole matrix, cold (all render caches emptied first) and warm
        renders = sum(len(c["touchpoint_ids"]) for c in client.get(matrix_url).get_json()["cells"])

        def cold() -> None:
            clear_render_caches()
            client.get(matrix_url)

        matrix_cold = median_ms(cold, 7)
        client.get(matrix_url)
        matrix_warm = median_ms(lambda: client.get(matrix_url), 15)

        # (d), (e) the exports, cold
        bundle_ms, bundle_mjml_ms, bundle_compiles = cold_export(client, f"/campaigns/{campaign_id}/export/mailjet.json")
        csv_ms, csv_mjml_ms, csv_compiles = cold_export(client, f"/campaigns/{campaign_id}/export/plan.csv")
        with app.app_context():
            db.engine.dispose()

    rows = [
        ("(a) mjml2html, gallery template (median)", bare, None, ""),
        ("(b) GET preview, one cell", preview, 3 * bare + 2, "<= 3 x (a) + 2 ms"),
        (f"(c) GET matrix, {renders} renders, cold", matrix_cold, 300.0, "< 300 ms"),
        (f"(c) GET matrix, {renders} renders, warm", matrix_warm, 50.0, "< 50 ms"),
        ("(d) GET Mailjet bundle, cold", bundle_ms, 1000.0, "< 1 s"),
        (f"    of which MJML compile ({bundle_compiles} calls)", bundle_mjml_ms, None, ""),
        ("(e) GET plan CSV, cold", csv_ms, 1000.0, "< 1 s"),
        (f"    of which MJML compile ({csv_compiles} calls)", csv_mjml_ms, None, ""),
    ]
    print(f"{'measure':<44} {'ms':>9} {'x (a)':>8}  {'target':<20} result")
    for name, value, limit, target in rows:
        verdict = "" if limit is None else ("met" if value <= limit else "MISSED")
        print(f"{name:<44} {value:>9.2f} {value / bare:>8.1f}  {target:<20} {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
