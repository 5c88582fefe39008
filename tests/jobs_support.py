"""Background jobs under test: a real Huey consumer (threads, in this process) on the session's SQLite queue
file, a second app on the same database and queue with a route that starts a job in a real request (as a
feature's would), and the test kinds of job.

The consumer runs jobs exactly as `flask --app wsgi jobs worker` does: it takes each task from the queue
and calls jobs.worker.run_job, in an app context and database session of its own per job.
"""

from __future__ import annotations

import os
import signal
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from flask import Blueprint, Flask, jsonify
from flask_babel import get_locale
import jobs
from jobs.worker import Consumer, consumer as worker_consumer
from accounts import current
from config import TestConfig
from journeymail import create_app
from journeymail.extensions import csrf, db
from journeymail.http import json_body
from journeymail.validation import ValidationError
from segments import services as segment_services
from segments.models import Segment

# --- the test kinds ------------------------------------------------------------------------------

GATES: dict[str, threading.Event] = {}  # name -> an Event a blocked job waits for
RUNS: list[tuple[int, int]] = []  # (job ID, attempt) of every run of test.count, in order


def gate(name: str) -> threading.Event:
    return GATES.setdefault(name, threading.Event())


@jobs.task("test.count")
def count(job: jobs.Running, params: dict[str, Any]) -> dict[str, Any]:
    """Counts to params["to"] with progress; waits at params["block_at"] for gate params["gate"]; then fails
    (params["fail"]: that message), crashes (params["crash"]) or makes a segment (params["segment"])."""
    RUNS.append((job.id, job.attempt))
    to = params["to"]
    for number in range(1, to + 1):
        if params.get("block_at") == number and params.get("gate"):
            assert gate(params["gate"]).wait(timeout=20), "the test never opened the gate"
        if params.get("block_at") == number and params.get("gate_file"):  # a gate across processes
            wait_until(lambda: os.path.exists(params["gate_file"]), seconds=30)
        job.progress(number, to, f"Counting: {number}")
    if params.get("warn"):
        job.error(params["warn"])
    if params.get("segment"):
        segment_services.create_segment({"name": params["segment"], "motivation": "m", "action": "a", "obstacle": "o"})
    if params.get("clash"):  # two segments of one name behind the services' back: the flush fails
        for _ in range(2):
            db.session.add(Segment(workspace_id=job.workspace_id, name="Twins", motivation="m", action="a", obstacle="o"))
        db.session.flush()
    if params.get("fail"):
        raise jobs.JobFailed(params["fail"])
    if params.get("crash"):
        raise RuntimeError("a secret internal detail")
    segments = db.session.scalars(current.scoped(Segment)).all()
    return {"counted": to, "workspace": current.workspace().name, "segments_seen": len(segments),
            "language": str(get_locale())}


# --- the worker ------------------------------------------------------------------------------------


@contextmanager
def running_worker(app: Flask, workers: int = 2) -> Iterator[Consumer]:
    """A Huey consumer on the app's queue, started in threads; stopped (waiting for its jobs) afterwards."""
    consumer = worker_consumer(app, workers=workers, periodic=False, initial_delay=0.02, max_delay=0.1, backoff=1.1,
                               check_worker_health=False)
    # Consumer.start() installs its signal handlers (the worker command's Ctrl+C); give pytest its own back.
    handlers = {number: signal.getsignal(number) for number in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)}
    consumer.start()
    for number, handler in handlers.items():
        signal.signal(number, handler)
    try:
        yield consumer
    finally:
        for event in GATES.values():
            event.set()  # a job a failed test left waiting ends
        consumer.stop(graceful=True)


@pytest.fixture
def queue(app: Flask) -> Iterator[jobs.Queue]:
    """The session app's queue, empty before and after the test."""
    found = jobs.queue_of(app)
    found.huey.flush()
    GATES.clear()
    RUNS.clear()
    yield found
    found.huey.flush()
    found.close_connection()


@pytest.fixture
def worker(app: Flask, queue: jobs.Queue) -> Iterator[Consumer]:
    with running_worker(app) as consumer:
        yield consumer


# --- a second app: a web server with a route that starts a job ---------------------------------------

starter = Blueprint("job_starter", __name__, url_prefix="/api")


def start_test_job() -> Any:
    """POST {"params": {...}, "then": "refuse"?}: starts a test.count job; "refuse" then fails the request."""
    current.require("push")
    body = json_body()
    job = jobs.start("test.count", body.get("params", {"to": 3}), title="Count for the test",
                     campaign_id=body.get("campaign_id"))
    if body.get("then") == "refuse":
        raise ValidationError({"then": "Refused after the job was started."})
    return jsonify(job_id=job.id), 202


starter.add_url_rule("/test-jobs", view_func=start_test_job, methods=["POST"])


@pytest.fixture(scope="session")
def web(app: Flask) -> Iterator[Flask]:
    """Another app on the session's database and queue, as a second server process would be, with the route."""

    class Config(TestConfig):
        SQLALCHEMY_DATABASE_URI = app.config["SQLALCHEMY_DATABASE_URI"]
        JOBS_URL = app.config["JOBS_URL"]

    other = create_app(Config)
    other.test_client_class = app.test_client_class
    csrf.exempt(starter)  # JSON only, as the app's API
    other.register_blueprint(starter)
    yield other
    with other.app_context():
        db.engine.dispose()


def wait_until(predicate: Callable[[], Any], seconds: float = 15, every: float = 0.05) -> Any:
    """Poll `predicate` until it returns something true; fail after `seconds`."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = predicate()
        if found:
            return found
        time.sleep(every)
    raise AssertionError(f"still not so after {seconds} s")
