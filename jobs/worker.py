"""Running jobs in the worker: claim a queued job, run its function in its workspace, keep its progress,
finish it done or failed, and recover the jobs a stopped worker left running.

This is the one place outside requests and commands that commits (tests/test_architecture.py allows it):
the worker has no request whose end could commit, and progress must be seen while the job runs.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from flask import Flask, current_app
from huey import consumer as huey_consumer
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import update

from accounts import current
from accounts.models import User, Workspace, aware, utcnow
from journeymail.extensions import db

from .models import DONE, FAILED, QUEUED, RUNNING, Job
from .queue import KINDS, queue_of

log = logging.getLogger(__name__)
PROGRESS_INTERVAL = 0.3  # seconds between two progress writes of one job (the last one is always written)

_running_here: set[int] = set()  # jobs this process runs now: its own recovery leaves them alone
_running_lock = threading.Lock()


class JobFailed(Exception):
    """Raised by a job function: the job ends "failed" with `message` (a sentence saying what to fix)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class Running:
    """What a job function gets: the job's IDs, and ways to report progress and errors as it works."""

    def __init__(self, job: Job, attempt: int):
        self.id = job.id
        self.workspace_id = job.workspace_id
        self.campaign_id = job.campaign_id
        self.attempt = attempt  # 1 on the first run, 2 when it is run again after an interruption
        self.errors: list[str] = list(job.errors or [])
        self.numbers = (job.done, job.total, job.step)
        self._unwritten = False  # progress reported since the last write
        self._written_at = 0.0
        self._lock = threading.Lock()  # one write of the numbers at a time: never an older over a newer

    def progress(self, done: int, total: int, step: str = "") -> None:
        """Say how far the job is ("12 of 40", what it does now; total 0 while not known). Cheap: written at
        once when 0.3 s have passed since the last write, or done reaches total, else within 0.3 s by the
        job's heartbeat.
        A write here commits the worker's session, so what the function has flushed so far is kept."""
        self.numbers = (max(done, 0), max(total, 0), step[:300])
        self._unwritten = True
        if time.monotonic() - self._written_at >= PROGRESS_INTERVAL or 0 < total <= done:
            self._write()

    def note(self, done: int, total: int, step: str = "") -> None:
        """Progress as `progress` says it, without committing the function's session: the heartbeat writes it
        within 0.3 s on a connection of its own. For work that must stay one transaction until the job ends
        (a contact import); on SQLite the write waits while that transaction holds the database's write lock."""
        self.numbers = (max(done, 0), max(total, 0), step[:300])
        self._unwritten = True

    def error(self, message: str) -> None:
        """Add `message` to the job's errors without failing it (one recipient refused, one row skipped)."""
        self.errors.append(message)
        self._unwritten = True
        self._write()

    def _values(self) -> dict[str, Any]:
        done, total, step = self.numbers
        return {"done": done, "total": total, "step": step, "errors": list(self.errors), "heartbeat_at": utcnow()}

    def _write(self) -> None:
        with self._lock:
            _update_own(self.id, self.attempt, **self._values())
            db.session.commit()
            self._unwritten = False
            self._written_at = time.monotonic()

    def write_unwritten(self) -> bool:
        """The heartbeat's part: write progress the rate limit held back, on a connection of its own (the
        function's session is the function's). True when it wrote."""
        with self._lock:
            if not self._unwritten:
                return False
            with db.engine.begin() as connection:
                connection.execute(_own_row(self.id, self.attempt).values(**self._values()))
            self._unwritten = False
            self._written_at = time.monotonic()
            return True


def _own_row(job_id: int, attempt: int) -> Any:
    """UPDATE of the job's row while this run owns it: running, in this attempt."""
    return Job.__table__.update().where(Job.id == job_id, Job.state == RUNNING, Job.attempts == attempt)


def _update_own(job_id: int, attempt: int, **values: Any) -> bool:
    """Change the job's row while this run still owns it (running, in this attempt); False if it does not."""
    statement = (update(Job).where(Job.id == job_id, Job.state == RUNNING, Job.attempts == attempt)
                 .values(**values).execution_options(synchronize_session=False))
    return db.session.execute(statement).rowcount == 1


# --- one run ------------------------------------------------------------------------------------


def run_job(app: Flask, job_id: int) -> None:
    """The queue's task: run job `job_id` once, unless it is gone, finished, or another worker runs it."""
    with app.app_context():
        try:
            claimed = _claim(job_id)
            if claimed is None:
                return
            job, attempt = claimed
            running = Running(job, attempt)
            with _owned_here(job_id), _heartbeat(app, running), force_locale(job.locale or "en"):
                _run(job, running)
        finally:
            db.session.remove()


def _claim(job_id: int) -> tuple[Job, int] | None:
    """Move the job from queued to running, atomically: of two workers given the same job, one runs it."""
    now = utcnow()
    claimed = db.session.execute(
        update(Job).where(Job.id == job_id, Job.state == QUEUED)
        .values(state=RUNNING, attempts=Job.attempts + 1, started_at=now, heartbeat_at=now, finished_at=None)
        .execution_options(synchronize_session=False)).rowcount == 1
    db.session.commit()
    if not claimed:
        log.info("Job %s is gone or not queued; nothing to run.", job_id)
        return None
    job = db.session.get(Job, job_id)
    if job is None:
        return None
    return job, job.attempts


def _run(job: Job, running: Running) -> None:
    kind = job.kind  # read now: after a failed flush the session loads nothing until it is rolled back
    function = KINDS.get(kind)
    if function is None:
        log.error("Job %s: no function is registered for kind %r in this worker.", running.id, kind)
        _finish(running, FAILED, failure=_("This worker cannot run jobs of the kind %(kind)s. Update and "
                                           "restart the worker, then start the job again.", kind=kind))
        return
    _work_in_workspace(job)
    params = dict(job.params or {})
    try:
        result = function(running, params)
        if result is not None and not isinstance(result, dict):
            raise TypeError(f"The job function of {kind!r} returned {type(result).__name__}, not a dict.")
    except JobFailed as failed:
        _keep_work()  # what it flushed before it gave up is kept: a finished job keeps what it created
        _finish(running, FAILED, failure=failed.message)
    except Exception:
        log.exception("Job %s (%s) stopped with an unexpected error.", running.id, kind)
        db.session.rollback()
        _finish(running, FAILED, failure=_("The job stopped because of an unexpected error; it was logged for "
                                           "whoever runs Journeymail. Start it again, or ask them."))
    else:
        _finish(running, DONE, result=result or {})


def _work_in_workspace(job: Job) -> None:
    """The job's workspace as the current one, as its starter, so scoped queries work in the function."""
    workspace = db.session.get(Workspace, job.workspace_id)
    user = db.session.get(User, job.created_by) if job.created_by is not None else None
    membership = user.membership_in(job.workspace_id) if user is not None else None
    current.use_workspace(workspace, membership.role if membership else "viewer", user)


def _keep_work() -> None:
    try:
        db.session.commit()
    except Exception:
        log.exception("What a failed job had written could not be kept.")
        db.session.rollback()


def _finish(running: Running, state: str, *, result: dict[str, Any] | None = None, failure: str | None = None) -> None:
    """Write the job's end: its state, last progress, result and errors, in one commit with the function's work."""
    done, total, step = running.numbers
    errors = running.errors + ([failure] if failure else [])
    now = utcnow()
    try:
        owned = _update_own(running.id, running.attempt, state=state, done=done, total=total, step=step,
                            result=result, errors=errors, finished_at=now, heartbeat_at=now)
        db.session.commit()
    except Exception:
        log.exception("Job %s: its end could not be saved as it was.", running.id)
        db.session.rollback()
        owned = _update_own(running.id, running.attempt, state=FAILED, errors=running.errors + [
            _("The job's result could not be saved. Start it again, or ask whoever runs Journeymail.")],
            finished_at=now, heartbeat_at=now)
        db.session.commit()
    if not owned:
        log.warning("Job %s was taken over (recovered as interrupted) before run %s ended; its end is dropped.",
                    running.id, running.attempt)


@contextmanager
def _owned_here(job_id: int) -> Iterator[None]:
    with _running_lock:
        _running_here.add(job_id)
    try:
        yield
    finally:
        with _running_lock:
            _running_here.discard(job_id)


@contextmanager
def _heartbeat(app: Flask, running: Running) -> Iterator[None]:
    """While the function runs, on a connection of its own: write progress the rate limit held back within
    0.3 s, and note every JOBS_STALE_SECONDS / 3 that the worker is alive, so a job that is busy (a slow
    request to an ESP) is not taken for an interrupted one."""
    interval = max(app.config["JOBS_STALE_SECONDS"] / 3, PROGRESS_INTERVAL)
    stopped = threading.Event()

    def beat() -> None:
        last = time.monotonic()
        with app.app_context():
            while not stopped.wait(PROGRESS_INTERVAL):
                try:
                    if running.write_unwritten():
                        last = time.monotonic()
                    elif time.monotonic() - last >= interval:
                        with db.engine.begin() as connection:
                            connection.execute(_own_row(running.id, running.attempt).values(heartbeat_at=utcnow()))
                        last = time.monotonic()
                except Exception as error:  # the database busy for a moment: the next beat tries again
                    log.warning("Job %s: its heartbeat was not written: %s", running.id, error)

    thread = threading.Thread(target=beat, name=f"job-{running.id}-heartbeat", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stopped.set()
        thread.join()


# --- the consumer ------------------------------------------------------------------------------------


class _Scheduler(huey_consumer.Scheduler):
    def shutdown(self) -> None:
        queue_of_huey(self.huey).close_connection()


class Consumer(huey_consumer.Consumer):
    """Huey's consumer, whose threads close their queue connections when they stop."""

    scheduler_class = _Scheduler


def consumer(app: Flask, *, workers: int | None = None, periodic: bool = True, **options: Any) -> Consumer:
    """The consumer `flask jobs worker` runs: `workers` threads (JOBS_WORKERS), every minute a recovery."""
    queue = queue_of(app)
    return Consumer(queue.huey, workers=workers or app.config["JOBS_WORKERS"], worker_type="thread",
                    periodic=periodic, **options)


def queue_of_huey(huey: Any) -> Any:
    return huey.journeymail_queue


# --- recovery after a worker stopped ---------------------------------------------------------------


@dataclass
class Recovered:
    """What a recovery did, by job ID."""

    requeued: list[int] = field(default_factory=list)  # interrupted, to be run again
    failed: list[int] = field(default_factory=list)  # interrupted too often
    resent: list[int] = field(default_factory=list)  # queued, but their task was no longer in the queue


def recover() -> Recovered:
    """Every job left "running" by a worker that stopped (its heartbeat older than JOBS_STALE_SECONDS) is run
    again, up to JOBS_MAX_ATTEMPTS runs, else marked failed; every queued job whose task the queue lost is
    enqueued again. Run when the worker starts and every minute in it; needs an app context."""
    config = current_app.config
    stale_before = utcnow() - timedelta(seconds=config["JOBS_STALE_SECONDS"])
    recovered = Recovered()
    with _running_lock:
        here = set(_running_here)
    for job in db.session.scalars(db.select(Job).where(Job.state == RUNNING).order_by(Job.id)).all():
        last_sign = aware(job.heartbeat_at or job.started_at)
        if job.id in here or (last_sign is not None and last_sign > stale_before):
            continue
        if job.attempts >= config["JOBS_MAX_ATTEMPTS"]:
            with force_locale(job.locale or "en"):
                message = ngettext("The job was interrupted once (its worker stopped while it ran) and is not run "
                                   "again. Start it again.",
                                   "The job was interrupted %(num)d times (its worker stopped while it ran) and is "
                                   "not run again. Start it again.", job.attempts)
            if _update_own(job.id, job.attempts, state=FAILED, errors=[*(job.errors or []), message],
                           finished_at=utcnow()):
                recovered.failed.append(job.id)
        elif _update_own(job.id, job.attempts, state=QUEUED):
            recovered.requeued.append(job.id)
    queue = queue_of(current_app)
    waiting = queue.pending_job_ids()
    lost = db.session.scalars(db.select(Job.id).where(Job.state == QUEUED, Job.created_at < stale_before)
                              .order_by(Job.id)).all()
    recovered.resent = [job_id for job_id in lost if job_id not in waiting and job_id not in recovered.requeued]
    db.session.commit()
    for job_id in (*recovered.requeued, *recovered.resent):
        queue.enqueue(job_id)
    if recovered.requeued or recovered.failed or recovered.resent:
        log.warning("Recovered jobs: run again %s, failed %s, enqueued again %s.",
                    recovered.requeued, recovered.failed, recovered.resent)
    return recovered


def worker_silent(job: Job, now: datetime | None = None) -> bool:
    """Whether no worker has been heard of for this unfinished job for JOBS_STALE_SECONDS: still queued that
    long, or running without a heartbeat that long (is the worker running?)."""
    if job.state == QUEUED:
        since = aware(job.created_at)
    elif job.state == RUNNING:
        since = aware(job.heartbeat_at or job.started_at)
    else:
        return False
    limit = timedelta(seconds=current_app.config["JOBS_STALE_SECONDS"])
    return since is not None and (now or utcnow()) - since > limit
