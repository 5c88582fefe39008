"""make bench: what each request costs a user, on campaigns of a grid of sizes, against a lower bound.

    python -m bench                 the quick subset: 3·7·2, 3·15·5, 30·7·2, 30·15·5 (S·P·E)
    python -m bench --full          the whole grid (S 3, 10, 30, 100 x P 7, 15 x E 2, 5), then the HTTP load
    python -m bench --points 10·7·5,100·15·5 --requests "map page,cell page"
    python -m bench.http            the HTTP load alone (gunicorn, 32 connections)
    python -m bench.contacts        the contacts part alone (issue 13: import, count, export; it ends every run)

Campaigns (bench/grid.py) are built through the services once, into SQLite files under build/bench/,
and reused. Each request (bench/requests.py) is timed through the HTTP layer, cold in a fresh process
and warm in the same process; the table (bench/report.py) gives CPU time, SQL statements, peak memory
and the ratio to the lower bound (LB), with the targets of issue 8 marked met or not. The machine is
shared, so figures vary from run to run: nothing here is pass/fail for the test suite.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench import grid, report
from bench.requests import REQUESTS, in_child, prepare, recorder, run, run_all

GALLERY = grid.ROOT.parent / "shared" / "corpus" / "mjml-gallery"


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n")[0])
    parser.add_argument("--full", action="store_true", help="the whole grid, then the HTTP load")
    parser.add_argument("--points", help="campaigns as S·P·E (or SxPxE), comma-separated")
    parser.add_argument("--requests", help="request names, comma-separated (default: all)")
    parser.add_argument("--repeats", type=int, default=5, help="warm repeats at most (default 5)")
    parser.add_argument("--spawn", action="store_true", help="a new interpreter per measurement instead of a fork")
    parser.add_argument("--jobs", type=int, default=1,
                        help="measurements at a time (default 1; more shortens the run on an idle machine, "
                             "but requests then share the cores: compare ratios, not times)")
    parser.add_argument("--max-content-length", type=int, metavar="BYTES",
                        help="the app's MAX_CONTENT_LENGTH for the measurements (a config setting; default: the "
                             "app's own, so an import over it shows as 413)")
    parser.add_argument("--rebuild", action="store_true", help="build the campaigns again")
    parser.add_argument("--no-http", action="store_true", help="with --full: skip the HTTP load")
    parser.add_argument("--http-seconds", type=float, default=20.0, help="HTTP load time per URL (default 20)")
    parser.add_argument("--no-contacts", action="store_true",
                        help="skip the contacts part (python -m bench.contacts: import 100,000 rows, count and "
                             "export 1,000,000 contacts)")
    return parser.parse_args(argv)


def points_of(args: argparse.Namespace) -> list[grid.Point]:
    if args.points:
        return [grid.Point(*map(int, p.replace("x", "·").split("·"))) for p in args.points.split(",")]
    return grid.FULL if args.full else grid.QUICK


def ensure_built(points: list[grid.Point], rebuild: bool) -> dict[grid.Point, Path]:
    """Each campaign's plan, building the missing ones, each in a process of its own: building goes
    through the services, which fill the engine's caches, and this process must stay cold."""
    key = grid.build_key()
    plans = {}
    for point in points:
        database, plan = grid.paths(point, key)
        if rebuild or not (database.is_file() and plan.is_file()):
            started = time.perf_counter()
            print(f"building {point.label} ...", end=" ", file=sys.stderr, flush=True)
            if in_child(lambda: str(grid.build(point, database, plan).database)) is None:
                raise SystemExit(f"building {point.label} failed")
            print(f"{time.perf_counter() - started:.0f} s", file=sys.stderr)
        plans[point] = plan
    return plans


def gallery_baseline() -> str:
    """The figure the old bench was built on: a bare compile of each MJML gallery template, for scale."""
    templates = sorted(GALLERY.glob("*.mjml"))
    if not templates:
        return f"MJML baseline: no gallery templates in {GALLERY}"
    compile_bare = recorder().original
    medians = []
    for template in templates:
        source = template.read_text(encoding="utf-8")
        times = []
        for _ in range(7):
            start = time.process_time()
            compile_bare(source)
            times.append(time.process_time() - start)
        medians.append(statistics.median(times) * 1000)
    return (f"MJML baseline: bare mjml2html of the {len(templates)} gallery templates, median "
            f"{statistics.median(medians):.2f} ms CPU (min {min(medians):.2f}, max {max(medians):.2f})")


def progress(text: str) -> None:
    """A status line on a terminal, overwritten by the next one (nothing when stderr is a file)."""
    if sys.stderr.isatty():
        sys.stderr.write("\r\033[K" + text)
        sys.stderr.flush()


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    points = points_of(args)
    names = args.requests.split(",") if args.requests else [r.name for r in REQUESTS]
    unknown = set(names) - {r.name for r in REQUESTS}
    if unknown:
        print(f"unknown requests: {', '.join(sorted(unknown))}", file=sys.stderr)
        return 2
    if "import" in names and "campaign JSON" not in names:
        names.insert(names.index("import"), "campaign JSON")  # the import sends the document it exports
    names = [r.name for r in REQUESTS if r.name in names]
    started = time.perf_counter()
    plans = ensure_built(points, args.rebuild)
    prepare()  # from here on this process forks the measurements: it must serve and render nothing
    mode = "spawn" if args.spawn else "fork"

    notes = [
        f"Journeymail bench, {time.strftime('%Y-%m-%d %H:%M')}, Python {platform.python_version()}, "
        f"{os.cpu_count()} cores, load {os.getloadavg()[0]:.1f}, a {mode}ed process per cold measurement"
        + (f", {args.jobs} at a time" if args.jobs > 1 else ""),
        gallery_baseline(),
    ]
    floor = run({"request": "frameworks", "plan": str(plans[points[0]]), "repeats": 3}, mode)
    if floor.get("cold"):
        notes.append(f"Floor: the first request of a fresh process (GET /api/frameworks) costs "
                     f"{floor['cold']['cpu_ms']:.0f} ms CPU cold, {floor['warm']['cpu_ms']:.2f} ms warm; "
                     "every cold figure below includes such a start.")
    notes.append("Times are CPU ms (time.process_time) of one request; wall is the cold call's wall time; "
                 f"warm is the median of up to {args.repeats} repeats after the cold call. "
                 "compiles c/n/w: distinct MJML compiles cold / needed / warm.\n")
    print("\n".join(notes))
    print(report.header())
    rows: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory() as folder:
        for point in points:
            document = Path(folder) / f"{point.slug}.json"
            specs = [{"request": name, "plan": str(plans[point]), "repeats": args.repeats,
                      "max_content_length": args.max_content_length,
                      "save": str(document) if name == "campaign JSON" else None, "document": str(document)}
                     for name in names]
            progress(f"{point.label} ...")
            mine = run_all(specs, mode, args.jobs, lambda r: progress(f"{r['point']} {r['request']}: {r['status']}"))
            progress("")
            for row in report.complete(mine):
                print(report.format_row(row), flush=True)
            rows.extend(mine)
    print(report.conclusion(rows, names))
    saved = grid.FOLDER / ("last-full.json" if args.full else "last-run.json")
    saved.write_text(json.dumps({"notes": notes, "names": names, "rows": rows}, indent=1), encoding="utf-8")
    print(f"(the figures are in {saved.relative_to(grid.ROOT)}: "
          f"python -m bench.report {saved.relative_to(grid.ROOT)} prints this table again)")
    if args.full and not args.no_http:
        from bench import http

        http.run(args.http_seconds)
    if not args.no_contacts:
        from bench import contacts

        contacts.main([])
    print(f"\nbench took {time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
