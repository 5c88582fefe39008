"""Timing a request as a user makes it: through the HTTP layer, cold in a fresh process, then warm.

A measurement runs in a process of its own, forked from a parent that has imported the app and
served nothing (the way gunicorn's --preload starts a worker), so every render cache is empty:
`--spawn` starts a new interpreter instead. It opens the Flask test client of an app made by
journeymail.create_app with config.TestConfig on the campaign's SQLite file, and
  - makes the request once (cold), then repeats it a few times in the same process (warm: the median);
  - takes the CPU time of each call (time.process_time, robust on a shared machine) and its wall time;
  - counts SQL statements (a before_cursor_execute listener on the engine);
  - takes the cold call's peak memory: the process's peak RSS, reset just before the call
    (/proc/self/clear_refs), minus its RSS then; it includes what the compiler allocates outside Python;
  - records the MJML compiles it makes, by wrapping mjml.mjml2html, the function the engine calls,
    and compiles a sample of their distinct sources again, bare, after the request: the lower bound
    (LB) is the compiles a request needs times that bare time.
Responses are read to the end inside the timed region, so a streamed body is timed whole.
"""

from __future__ import annotations

import json
import os
import random
import resource
import selectors
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from bench.grid import ROOT, Plan, config_for, sign_in

SAMPLE_SOURCES = 200  # distinct sources compiled again to price one bare compile
WARM_BUDGET_S = 6.0  # stop repeating a warm request after this much wall time (but after one repeat at least)


@dataclass(frozen=True)
class Request:
    name: str
    method: str
    url: Callable[[Plan], str]
    needs: Callable[[Plan], int]  # distinct MJML compiles the request needs; 0: it renders nothing
    renders: bool = True  # has a lower bound, and the cold and warm targets
    writes: bool = False  # changes the database: runs on a copy of the campaign's file


def _campaign(path: str) -> Callable[[Plan], str]:
    return lambda plan: f"/campaigns/{plan.campaign_id}{path}"


REQUESTS = [
    Request("map page", "GET", _campaign(""), lambda p: p.emails),
    Request("matrix page", "GET", _campaign("/matrix"), lambda p: p.emails),
    Request("matrix API", "GET", lambda p: f"/api/campaigns/{p.campaign_id}/matrix", lambda p: p.emails),
    Request("cell page", "GET",
            lambda p: f"/campaigns/{p.campaign_id}/preview?segment={p.cell['segment_id']}&phase={p.cell['phase_id']}",
            lambda p: p.cell["emails"]),
    Request("live preview", "POST", lambda p: "/api/preview", lambda p: 1),
    Request("Mailjet bundle", "GET", _campaign("/export/mailjet.json"), lambda p: p.mailjet_templates),
    Request("plan CSV", "GET", _campaign("/export/plan.csv"), lambda p: p.emails),
    Request("campaign JSON", "GET", _campaign("/export/campaign.json"), lambda p: 0, renders=False),
    Request("import", "POST", lambda p: "/api/campaigns/import", lambda p: 0, renders=False, writes=True),
]
# Not a row of the table: the floor under every cold figure, the first request a new process serves.
FLOOR = Request("frameworks", "GET", lambda p: "/api/frameworks", lambda p: 0, renders=False)
BY_NAME = {r.name: r for r in (*REQUESTS, FLOOR)}


# --- what a request costs ------------------------------------------------------------------------


class CompileRecorder:
    """Wraps mjml.mjml2html: counts compiles, distinct sources and CPU time, and keeps a sample of sources."""

    def __init__(self) -> None:
        import mjml

        self.module = mjml
        self.original = mjml.mjml2html
        mjml.mjml2html = self._compile
        self.begin()

    def uninstall(self) -> None:
        self.module.mjml2html = self.original

    def begin(self) -> None:
        self.calls = self.distinct = 0
        self.cpu = 0.0
        self._seen: set[int] = set()
        self.sample: list[str] = []
        self._random = random.Random(8)

    def _compile(self, source: str, *args: Any, **kwargs: Any) -> Any:
        start = time.process_time()
        try:
            return self.original(source, *args, **kwargs)
        finally:
            self.cpu += time.process_time() - start
            self.calls += 1
            key = hash(source)
            if key not in self._seen:
                self._seen.add(key)
                self.distinct += 1
                self._keep(source)

    def _keep(self, source: str) -> None:
        """Reservoir sampling: every distinct source has the same chance to be in the sample."""
        if len(self.sample) < SAMPLE_SOURCES:
            self.sample.append(source)
        elif (slot := self._random.randrange(self.distinct)) < SAMPLE_SOURCES:
            self.sample[slot] = source

    def bare_ms(self, sources: list[str]) -> float | None:
        """Mean CPU ms of a bare compile of these sources (the best of three each), or None without any."""
        if not sources:
            return None
        self.original(sources[0])
        best = []
        for source in sources:
            times = []
            for _ in range(3):
                start = time.process_time()
                self.original(source)
                times.append(time.process_time() - start)
            best.append(min(times))
        return statistics.fmean(best) * 1000


_recorder: CompileRecorder | None = None


def recorder() -> CompileRecorder:
    """The one recorder, installed on first use (before the app is imported, where it matters)."""
    global _recorder
    if _recorder is None:
        _recorder = CompileRecorder()
    return _recorder


class StatementCounter:
    def __init__(self, engine: Any) -> None:
        from sqlalchemy import event

        self.count = 0
        event.listen(engine, "before_cursor_execute", self._seen)

    def _seen(self, *_: Any) -> None:
        self.count += 1


class PeakMemory:
    """The peak RSS of the process during a call, above its RSS when the call began (MB)."""

    def start(self) -> None:
        self.rss = _status_kb("VmRSS")
        try:
            Path("/proc/self/clear_refs").write_text("5")  # resets the peak (VmHWM) to the current RSS
            self.reset = True
        except OSError:
            self.reset = False
            self.maxrss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
            self.rss = self.maxrss

    def peak_mb(self) -> float:
        peak = _status_kb("VmHWM") if self.reset else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        return max(0, peak - self.rss) / 1024


def _status_kb(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


# --- one measurement, in its own process ---------------------------------------------------------


def measure(spec: dict[str, Any]) -> dict[str, Any]:
    """Cold, then warm: the figures of one request on one campaign (spec: request, plan, repeats, ...)."""
    from journeymail import create_app
    from journeymail.extensions import db

    compiles = recorder()
    plan = Plan.load(Path(spec["plan"]))
    request = BY_NAME[spec["request"]]
    result: dict[str, Any] = {"request": request.name, "point": plan.point.label, "emails": plan.emails,
                              "needs": request.needs(plan), "renders": request.renders}
    options = _body(request, plan, spec)
    if options is None:
        return {**result, "status": "no document"}
    database = plan.database
    with tempfile.TemporaryDirectory() as folder:
        if request.writes:
            database = str(Path(folder) / "copy.db")
            with closing(sqlite3.connect(plan.database)) as source, closing(sqlite3.connect(database)) as copy:
                source.backup(copy)
        limit = spec.get("max_content_length")  # the app's own limit unless the bench is told otherwise
        app = create_app(config_for(database, **({"MAX_CONTENT_LENGTH": limit} if limit else {})))
        with app.app_context():
            statements = StatementCounter(db.engine)
        client = app.test_client()
        sign_in(client)
        memory = PeakMemory()
        url = request.url(plan)

        def call(keep: bool = False) -> dict[str, Any]:
            statements.count = 0
            compiles.begin()
            memory.start()
            cpu, wall = time.process_time(), time.perf_counter()
            response = client.open(url, method=request.method, **options)
            size, chunks = 0, []
            for chunk in response.iter_encoded():
                size += len(chunk)
                if keep:
                    chunks.append(chunk)
            response.close()
            cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
            if keep and response.status_code == 200:
                Path(spec["save"]).write_bytes(b"".join(chunks))
            return {"status": response.status_code, "cpu_ms": cpu * 1000, "wall_ms": wall * 1000,
                    "sql": statements.count, "bytes": size, "peak_mb": memory.peak_mb(),
                    "compiles": compiles.calls, "distinct": compiles.distinct, "mjml_ms": compiles.cpu * 1000}

        cold = call(keep=bool(spec.get("save")))
        sample = list(compiles.sample)
        warm: list[dict[str, Any]] = []
        spent = 0.0
        while len(warm) < spec.get("repeats", 5) and (not warm or spent < WARM_BUDGET_S * 1000):
            warm.append(call())
            spent += warm[-1]["wall_ms"]
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
    return {
        **result,
        "sent": len(options.get("data") or b""),
        "status": cold["status"],
        "cold": cold,
        "warm": {
            "cpu_ms": statistics.median(w["cpu_ms"] for w in warm),
            "wall_ms": statistics.median(w["wall_ms"] for w in warm),
            "sql": max(w["sql"] for w in warm),
            "compiles": max(w["compiles"] for w in warm),
            "repeats": len(warm),
            "status": warm[-1]["status"],
        },
        "bare_ms": compiles.bare_ms(sample),
    }


def _body(request: Request, plan: Plan, spec: dict[str, Any]) -> dict[str, Any] | None:
    """What the request sends: the editor's body for the live preview, the exported document for the import."""
    if request.name == "live preview":
        return {"json": plan.preview_body}
    if request.name == "import":
        document = Path(spec.get("document") or "")
        if not document.is_file():
            return None
        return {"data": document.read_bytes(), "content_type": "application/json"}
    return {}


# --- running measurements --------------------------------------------------------------------------


def prepare() -> None:
    """Make this process a clean parent for forked measurements: the compiler wrapped, the app imported,
    nothing rendered or served."""
    recorder()
    from journeymail import create_app

    create_app(config_for(":memory:"))


def run(spec: dict[str, Any], mode: str = "fork") -> dict[str, Any]:
    """One measurement: in a forked process (the default), a new interpreter ("spawn"), or here ("inline")."""
    if mode == "inline":  # in this process (the smoke test): the compiler is unwrapped again afterwards
        global _recorder
        installed = _recorder is None
        try:
            return _guarded(spec)
        finally:
            if installed and _recorder is not None:
                _recorder.uninstall()
                _recorder = None
    return run_all([spec], mode)[0]


def run_all(specs: list[dict[str, Any]], mode: str = "fork", jobs: int = 1,
            done: Callable[[dict[str, Any]], None] | None = None) -> list[dict[str, Any]]:
    """The measurements in order, up to `jobs` at a time, each in a process of its own; an import starts
    only once the campaign document it sends has been written."""
    if mode == "inline":
        return [run(spec, mode) for spec in specs]
    results: list[dict[str, Any] | None] = [None] * len(specs)
    waiting = list(range(len(specs)))
    running: dict[int, Child] = {}
    with selectors.DefaultSelector() as selector:
        while waiting or running:
            while waiting and len(running) < max(1, jobs) and _may_start(specs[waiting[0]], running, specs):
                index = waiting.pop(0)
                running[index] = Child(specs[index], mode)
                selector.register(running[index].fileno(), selectors.EVENT_READ, index)
            for key, _ in selector.select():
                selector.unregister(key.fd)
                results[key.data] = result = running.pop(key.data).finish()
                if done:
                    done(result)
    return [r for r in results if r is not None]


def _may_start(spec: dict[str, Any], running: dict[int, Child], specs: list[dict[str, Any]]) -> bool:
    if spec["request"] != "import":
        return True
    return not any(specs[i]["request"] == "campaign JSON" and specs[i]["plan"] == spec["plan"] for i in running)


class Child:
    """One measurement in a process of its own: forked from this one, or a new interpreter ("spawn")."""

    def __init__(self, spec: dict[str, Any], mode: str) -> None:
        self.spec, self.mode = spec, mode
        if mode == "spawn":
            self.errors = tempfile.TemporaryFile("w+")
            self.process = subprocess.Popen([sys.executable, "-m", "bench.requests", json.dumps(spec)], cwd=ROOT,
                                            stdout=subprocess.PIPE, stderr=self.errors, text=True)
            self.output = self.process.stdout
        else:
            self.pid, self.output = _fork(lambda: _guarded(spec))

    def fileno(self) -> int:
        return self.output.fileno()

    def finish(self) -> dict[str, Any]:
        data = self.output.read()
        self.output.close()
        detail = ""
        if self.mode == "spawn":
            code = self.process.wait()
            self.errors.seek(0)
            detail = self.errors.read()
            self.errors.close()
            lines = data.strip().splitlines()
            if code == 0 and lines:
                return json.loads(lines[-1])
        else:
            code = os.waitstatus_to_exitcode(os.waitpid(self.pid, 0)[1])
            if data:
                return json.loads(data)
        return _crashed(self.spec, f"signal {-code}" if code < 0 else f"exit {code}", detail)


def _fork(work: Callable[[], Any]) -> tuple[int, IO[str]]:
    """Fork; the child runs `work` and writes its result as JSON to the pipe whose reading end is returned."""
    sys.stdout.flush()
    sys.stderr.flush()
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:
        try:
            os.close(read)
            with os.fdopen(write, "w") as out:
                out.write(json.dumps(work()))
        except BaseException:
            traceback.print_exc()
        finally:
            sys.stderr.flush()
            os._exit(0)
    os.close(write)
    return pid, os.fdopen(read)


def in_child(work: Callable[[], Any]) -> Any:
    """Run `work` in a forked process and return its JSON-able result; None when the process died."""
    pid, output = _fork(work)
    with output:
        data = output.read()
    os.waitpid(pid, 0)
    return json.loads(data) if data else None


def _guarded(spec: dict[str, Any]) -> dict[str, Any]:
    try:
        return measure(spec)
    except Exception as error:  # a request that raises is a row that says so, not a dead bench
        return _crashed(spec, f"{type(error).__name__}", str(error))


def _crashed(spec: dict[str, Any], status: str, detail: str) -> dict[str, Any]:
    plan = Plan.load(Path(spec["plan"]))
    request = BY_NAME[spec["request"]]
    return {"request": request.name, "point": plan.point.label, "emails": plan.emails,
            "needs": request.needs(plan), "renders": request.renders, "status": status,
            "detail": detail.strip().splitlines()[-1:] if detail.strip() else []}


if __name__ == "__main__":  # python -m bench.requests SPEC: one measurement in a new interpreter ("spawn")
    recorder()
    print(json.dumps(_guarded(json.loads(sys.argv[1]))))
