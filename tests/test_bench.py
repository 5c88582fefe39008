"""make bench, smoke-tested: the smallest campaign of the grid, every request once, a row for each.

No timings are asserted (the machine is shared); only that every request answers and the table holds it.
"""

from __future__ import annotations

from pathlib import Path

import mjml

from bench import grid, report
from bench.requests import REQUESTS, run


def test_every_request_of_the_smallest_campaign_answers_and_has_a_row(tmp_path: Path) -> None:
    compile_before = mjml.mjml2html
    database, plan = grid.paths(grid.SMALLEST, "test", tmp_path)
    grid.build(grid.SMALLEST, database, plan)
    document = tmp_path / "campaign.json"

    rows = [
        run({"request": request.name, "plan": str(plan), "repeats": 1,
             "save": str(document) if request.name == "campaign JSON" else None, "document": str(document)},
            "inline")
        for request in REQUESTS  # the campaign document comes before its import
    ]

    statuses = {row["request"]: row["status"] for row in rows}
    assert all(status == 200 for name, status in statuses.items() if name != "import"), statuses
    assert statuses["import"] in (201, 413), statuses  # 413: a document over MAX_CONTENT_LENGTH
    assert mjml.mjml2html is compile_before  # the compiler is unwrapped again

    table = [report.format_row(row) for row in report.complete(rows)]
    assert len(table) == len(REQUESTS)
    for request, line in zip(REQUESTS, table):
        assert request.name in line
    summary = report.summary(rows, [r.name for r in REQUESTS])
    assert all(request.name in summary for request in REQUESTS)
    # Each rendering request is priced against LB (in one process the caches are shared, so the later
    # requests compile nothing and borrow the bare compile time the first one measured).
    assert all(row["lb_ms"] for row in rows if row["renders"])


def test_the_bench_names_its_campaigns_in_a_process_of_its_own() -> None:
    """`make bench` starts by hashing the schema in a fresh process, where only what it imports is loaded: every
    room's tables must be there for the foreign keys to resolve (the suite's own process has them all)."""
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-c", "from bench import grid; print(grid.build_key())"],
                          capture_output=True, text=True, timeout=60, cwd=Path(__file__).resolve().parents[1])

    assert done.returncode == 0, done.stderr[-2000:]
    assert len(done.stdout.strip()) == 12
