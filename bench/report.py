"""The bench's table: one row per campaign and request, then the targets of the scale issue, met or not.

Targets (issue 8, "2. Targets"), at every campaign of the grid:
  - cold:   a rendering request costs at most 2 x LB (CPU time of the cold call);
  - warm:   a rendering request costs at most 0.1 x LB, with no cliff up to 7,500 emails;
  - SQL:    statements per request do not grow with the campaign.
LB, the lower bound, is the distinct MJML compiles the request needs times the bare compile time of its
sources, measured in the same run. Requests that render nothing (the campaign document and its import)
have no LB; their time and SQL statements are shown, and the SQL target applies to them too.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Iterable
from typing import Any

from bench.grid import Point

COLD_LIMIT = 2.0
WARM_LIMIT = 0.1
GUNICORN_TIMEOUT_S = 30.0

COLUMNS = [  # (heading, width, align)
    ("campaign", 9, "<"), ("emails", 6, ">"), ("request", 14, "<"), ("status", 6, ">"),
    ("cold ms", 8, ">"), ("wall", 7, ">"), ("warm ms", 8, ">"), ("LB ms", 7, ">"),
    ("cold/LB", 7, ">"), ("warm/LB", 7, ">"), ("compiles c/n/w", 16, ">"), ("MJML%", 5, ">"),
    ("SQL", 7, ">"), ("peak MB", 7, ">"), ("size", 8, ">"), ("cold", 4, "<"), ("warm", 4, "<"),
]


def ok(status: Any) -> bool:
    return isinstance(status, int) and 200 <= status < 300


def complete(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Add LB, the ratios and the per-row verdicts to one campaign's measurements."""
    known = [r["bare_ms"] for r in rows if r.get("bare_ms")]
    fallback = statistics.median(known) if known else None  # a request that compiled nothing cold
    for row in rows:
        row["lb_ms"] = row["ratio_cold"] = row["ratio_warm"] = None
        row["cold_ok"] = row["warm_ok"] = None
        bare = row.get("bare_ms") or fallback
        if not (row["renders"] and ok(row["status"]) and bare):
            continue
        row["lb_ms"] = lb = row["needs"] * bare
        row["ratio_cold"] = row["cold"]["cpu_ms"] / lb
        row["ratio_warm"] = row["warm"]["cpu_ms"] / lb
        row["cold_ok"] = row["ratio_cold"] <= COLD_LIMIT
        row["warm_ok"] = row["ratio_warm"] <= WARM_LIMIT
    return rows


def header() -> str:
    line = "  ".join(_cell(h, w, "<" if a == "<" else ">") for h, w, a in COLUMNS)
    return line + "\n" + "-" * len(line)


def format_row(row: dict[str, Any]) -> str:
    cold, warm = row.get("cold"), row.get("warm")
    measured = cold is not None and ok(row["status"])
    values = [
        row["point"], f"{row['emails']:,}", row["request"], str(row["status"]),
        _ms(cold["cpu_ms"]) if measured else "", _ms(cold["wall_ms"]) if measured else "",
        _ms(warm["cpu_ms"]) if measured else "", _ms(row["lb_ms"]),
        _ratio(row["ratio_cold"]), _ratio(row["ratio_warm"]),
        f"{cold['distinct']}/{row['needs']}/{warm['compiles']}" if measured else "",
        f"{100 * cold['mjml_ms'] / cold['cpu_ms']:.0f}" if measured and cold["cpu_ms"] and row["renders"] else "",
        f"{cold['sql']}/{warm['sql']}" if measured else "",
        f"{cold['peak_mb']:.1f}" if measured else "", _size(cold["bytes"]) if cold else "",
        _verdict(row["cold_ok"]), _verdict(row["warm_ok"]),
    ]
    return "  ".join(_cell(v, w, a) for v, (_, w, a) in zip(values, COLUMNS))


def summary(rows: list[dict[str, Any]], names: Iterable[str]) -> str:
    """Per request, over the campaigns measured: how often each target was met, and whether SQL grows."""
    lines = ["", "Targets per request, over the campaigns measured (met / where they apply):",
             f"  {'request':<14}  {'cold<=2LB':>9}  {'warm<=.1LB':>10}  {'worst cold/LB':>13}  "
             f"{'worst warm/LB':>13}  {'cliff':<5}  SQL statements"]
    totals = {"cold": [0, 0], "warm": [0, 0], "sql": [0, 0]}
    for name in names:
        mine = [r for r in rows if r["request"] == name]
        cold = [r["cold_ok"] for r in mine if r["cold_ok"] is not None]
        warm = [r["warm_ok"] for r in mine if r["warm_ok"] is not None]
        growth = sql_growth(mine)
        for key, verdicts in (("cold", cold), ("warm", warm)):
            totals[key][0] += sum(verdicts)
            totals[key][1] += len(verdicts)
        if growth.startswith(("constant", "GROWS")):  # not with one campaign
            totals["sql"][0] += growth.startswith("constant")
            totals["sql"][1] += 1
        ratios_cold = [r["ratio_cold"] for r in mine if r["ratio_cold"] is not None]
        ratios_warm = [r["ratio_warm"] for r in mine if r["ratio_warm"] is not None]
        lines.append(
            f"  {name:<14}  {_count(cold):>9}  {_count(warm):>10}  "
            f"{_ratio(max(ratios_cold, default=None)):>13}  {_ratio(max(ratios_warm, default=None)):>13}  "
            f"{'yes' if cliff(mine) else ('no' if ratios_warm else ''):<5}  {growth}"
        )
    met = all(t[0] == t[1] for t in totals.values())
    lines.append(
        f"  all: cold {_count_of(totals['cold'])}, warm {_count_of(totals['warm'])}, "
        f"SQL constant {_count_of(totals['sql'])} requests: {'every target met' if met else 'targets NOT met'}"
    )
    return "\n".join(lines)


def conclusion(rows: list[dict[str, Any]], names: Iterable[str]) -> str:
    """What follows the table: the targets per request, the other targets, the slowest page."""
    parts = [summary(rows, names), other_targets(rows), slowest(rows)]
    return "\n".join(p for p in parts if p)


def sql_growth(rows: list[dict[str, Any]]) -> str:
    """"constant (N)" or "grows with S, P+E: a -> b": compares campaigns that are no larger on every axis."""
    counts = {_point(r["point"]): max(r["cold"]["sql"], r["warm"]["sql"]) for r in rows
              if ok(r["status"]) and r.get("cold")}
    if not counts:
        return "not measured"
    if len(counts) == 1:
        return f"{next(iter(counts.values()))} (one campaign: growth not measured)"
    axes = set()  # the axes (or, where the grid only changes them together, the pairs) along which it grows
    for a, small in counts.items():
        for b, large in counts.items():
            if a != b and a.within(b) and large > small:
                axes.add("+".join(n for n, x, y in zip("SPE", _axes(a), _axes(b)) if x != y))
    low, high = min(counts.values()), max(counts.values())
    if not axes:
        return f"constant ({low})" if low == high else f"constant along every axis ({low}..{high})"
    single = {a for a in axes if len(a) == 1}
    named = sorted(single, key="SPE".index) if single else sorted(axes, key=len)[:1]
    return f"GROWS with {', '.join(named)}: {low} -> {high}"


def cliff(rows: list[dict[str, Any]]) -> bool:
    """Warm stops being warm: at some campaign a warm call recompiles MJML or costs over half the cold one."""
    return any(
        r["warm"]["compiles"] > 0 or r["warm"]["cpu_ms"] > 0.5 * r["cold"]["cpu_ms"]
        for r in rows if r["renders"] and ok(r["status"]) and r.get("warm")
    )


def other_targets(rows: list[dict[str, Any]]) -> str:
    """More targets of issue 8 that the table's figures decide: the bundle's memory, the import's growth,
    the cell page at the largest campaign."""
    lines = []
    bundles = [r for r in rows if r["request"] == "Mailjet bundle" and ok(r["status"]) and r["cold"]["bytes"]]
    if bundles:  # judged on the largest bundle: a small one's peak is mostly the fresh process's first request
        largest = max(bundles, key=lambda r: r["cold"]["bytes"])
        ratio = largest["cold"]["peak_mb"] * (1 << 20) / largest["cold"]["bytes"]
        lines.append(f"Mailjet bundle, peak memory <= 3 x its size, at the largest bundle ({largest['point']}): "
                     f"{largest['cold']['peak_mb']:.0f} MB for {_size(largest['cold']['bytes'])}, {ratio:.1f} x: "
                     f"{'met' if ratio <= 3 else 'NOT met'}")
    imports = [r for r in rows if r["request"] == "import" and ok(r["status"]) and r.get("sent")]
    if len({r["sent"] for r in imports}) > 1:
        exponent = _slope([math.log(r["sent"]) for r in imports], [math.log(r["warm"]["cpu_ms"]) for r in imports])
        refused = sum(r["status"] == 413 for r in rows if r["request"] == "import")
        if exponent > 1.1:
            verdict = "NOT met"
        elif refused:  # the largest documents, where growth shows most, were not measured
            verdict = f"undecided: {refused} larger document{'s' if refused > 1 else ''} refused with 413"
        else:
            verdict = "met"
        lines.append(f"Import time (warm CPU) against the document's size: growth exponent {exponent:.2f} over "
                     f"{len(imports)} campaigns (target <= 1.1): {verdict}")
    cells = {r["point"]: r for r in rows if r["request"] == "cell page" and ok(r["status"])}
    small, large = cells.get("3·7·5"), cells.get("100·15·5")
    if small and large:
        ratio = large["cold"]["cpu_ms"] / small["cold"]["cpu_ms"]
        lines.append(f"Cell page at 100·15·5 <= 1.5 x the same cell at 3·7·5 (cold CPU): {ratio:.1f} x: "
                     f"{'met' if ratio <= 1.5 else 'NOT met'}")
    return "\n".join(lines)


def slowest(rows: list[dict[str, Any]]) -> str:
    """The slowest request of the largest campaign measured, cold, against gunicorn's default timeout: judged
    on CPU time, which is what the request costs a quiet server (wall time on a shared machine adds waiting)."""
    measured = [r for r in rows if r.get("cold")]
    if not measured:
        return ""
    largest = max((_point(r["point"]) for r in measured), key=lambda p: (p.segments * p.phases * p.emails, p))
    worst = max((r for r in measured if _point(r["point"]) == largest), key=lambda r: r["cold"]["cpu_ms"])
    cpu, wall = worst["cold"]["cpu_ms"] / 1000, worst["cold"]["wall_ms"] / 1000
    verdict = "met" if cpu < GUNICORN_TIMEOUT_S else "NOT met"
    return (f"Slowest request of the largest campaign ({largest.label}): {worst['request']}, {cpu:.1f} s CPU cold "
            f"({wall:.1f} s wall here), against gunicorn's default timeout of {GUNICORN_TIMEOUT_S:.0f} s: {verdict}")


# --- formatting -------------------------------------------------------------------------------------


def _point(label: str) -> Point:
    return Point(*map(int, label.split("·")))


def _axes(point: Point) -> tuple[int, int, int]:
    return point.segments, point.phases, point.emails


def _slope(xs: list[float], ys: list[float]) -> float:
    """Least-squares slope of ys on xs."""
    mx, my = statistics.fmean(xs), statistics.fmean(ys)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sum((x - mx) ** 2 for x in xs)


def _cell(value: str, width: int, align: str) -> str:
    return f"{value:{align}{width}}"


def _ms(value: float | None) -> str:
    if value is None:
        return ""
    if value >= 100:
        return f"{value:,.0f}"
    return f"{value:.1f}" if value >= 10 else f"{value:.2f}"


def _ratio(value: float | None) -> str:
    if value is None:
        return ""
    return f"{value:.0f}" if value >= 100 else (f"{value:.1f}" if value >= 1 else f"{value:.2f}")


def _size(count: int) -> str:
    for unit, scale in (("MB", 1 << 20), ("KB", 1 << 10)):
        if count >= scale:
            return f"{count / scale:.1f} {unit}"
    return f"{count} B"


def _verdict(value: bool | None) -> str:
    return "" if value is None else ("met" if value else "NO")


def _count(verdicts: list[bool]) -> str:
    return f"{sum(verdicts)}/{len(verdicts)}" if verdicts else "-"


def _count_of(total: list[int]) -> str:
    return f"{total[0]}/{total[1]}"


def main(argv: list[str] | None = None) -> int:
    """python -m bench.report [FILE]: the table of a saved run again (build/bench/last-run.json by default;
    make bench-full saves build/bench/last-full.json)."""
    import json
    import sys
    from pathlib import Path

    from bench.grid import FOLDER

    args = sys.argv[1:] if argv is None else argv
    path = Path(args[0]) if args else FOLDER / "last-run.json"
    saved = json.loads(path.read_text(encoding="utf-8"))
    print("\n".join(saved["notes"]))
    print(header())
    for row in saved["rows"]:
        print(format_row(row))
    print(conclusion(saved["rows"], saved["names"]))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
