"""The task queue (Huey: SQLite in instance/ by default, Redis by JOBS_URL), the registered kinds of job,
and starting a job so that the worker always finds its row."""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from flask import Flask, current_app
from flask_babel import get_locale
from huey import RedisHuey, SqliteHuey
from huey.api import Huey, TaskWrapper
from sqlalchemy import event
from sqlalchemy.orm import Session

from accounts import current
from journeymail.extensions import db

from .models import Job

if TYPE_CHECKING:
    from .worker import Running

JobFunction = Callable[["Running", dict[str, Any]], "dict[str, Any] | None"]

KINDS: dict[str, JobFunction] = {}  # kind -> the function that does the work (registered at import time)
_STARTED = "jobs.started"  # session.info: IDs of jobs this transaction created, enqueued once it commits
log = logging.getLogger(__name__)


def task(kind: str) -> Callable[[JobFunction], JobFunction]:
    """Register `fn(job, params) -> dict` as the work of jobs of `kind`; the dict it returns is the result."""

    def register(fn: JobFunction) -> JobFunction:
        if KINDS.get(kind, fn) is not fn:
            raise ValueError(f"The job kind {kind!r} is registered twice.")
        KINDS[kind] = fn
        return fn

    return register


def start(kind: str, params: dict[str, Any], *, title: str, campaign_id: int | None = None) -> Job:
    """Create the job's row (queued) in the current workspace and session; its task is enqueued only when
    that session commits, so a request that fails or rolls back leaves no job behind."""
    if kind not in KINDS:
        raise KeyError(f"No job function is registered for {kind!r} (jobs.task).")
    user = current.user()
    job = Job(workspace_id=current.workspace_id(), kind=kind, title=title[:200], params=params,
              created_by=user.id if user is not None else None, campaign_id=campaign_id,
              locale=str(get_locale() or "en"), errors=[])
    db.session.add(job)
    db.session.flush()
    db.session().info.setdefault(_STARTED, []).append(job.id)
    return job


@event.listens_for(Session, "after_commit")
def _enqueue_started(session: Session) -> None:
    started = session.info.pop(_STARTED, None)
    for job_id in started or ():
        enqueue(job_id)


@event.listens_for(Session, "after_rollback")
def _forget_started(session: Session) -> None:
    session.info.pop(_STARTED, None)


def enqueue(job_id: int) -> None:
    """Hand the job to the queue. Should the queue be unreachable, the row stays queued and the worker's
    recovery enqueues it again (jobs.worker.recover); the request that started it is not failed for it."""
    try:
        queue_of(current_app).enqueue(job_id)
    except Exception:
        log.exception("Job %s could not be enqueued; the worker's recovery will enqueue it.", job_id)


# --- the queue of an app ------------------------------------------------------------------------


class Queue:
    """An app's Huey and its one task, which runs any job by its ID (jobs.worker.run_job)."""

    def __init__(self, huey: Huey, run: TaskWrapper):
        self.huey = huey
        self.run = run

    def enqueue(self, job_id: int) -> None:
        try:
            self.run(job_id)
        finally:
            self.close_connection()

    def pending_job_ids(self) -> set[int]:
        """The jobs whose task waits in the queue (not yet taken by a worker)."""
        try:
            return {task.args[0] for task in self.huey.pending() if task.name == self.run.name and task.args}
        finally:
            self.close_connection()

    def close_connection(self) -> None:
        """Close this thread's connection to a SQLite queue (Huey keeps one per thread, and a web server's
        threads come and go); Redis keeps a pool and needs nothing."""
        close = getattr(self.huey.storage, "close", None)
        if close is not None:
            close()


def queue_of(app: Flask) -> Queue:
    return app.extensions["jobs"]


def make_huey(app: Flask) -> Huey:
    """Huey on the storage JOBS_URL names: none, the SQLite file instance/jobs.db; sqlite:///PATH, that file;
    redis://… (or rediss://, unix://), that Redis. Huey keeps no results: they are on the job's row."""
    url = app.config.get("JOBS_URL") or ""
    if not url:
        return SqliteHuey("journeymail", filename=os.path.join(app.instance_path, "jobs.db"), results=False)
    if url.startswith("sqlite:///"):
        return SqliteHuey("journeymail", filename=url[len("sqlite:///"):], results=False)
    if url.startswith(("redis://", "rediss://", "unix://")):
        return RedisHuey("journeymail", url=url, results=False)
    raise RuntimeError(f"JOBS_URL must start with sqlite:/// or redis://, not {url.split(':')[0]!r}.")
