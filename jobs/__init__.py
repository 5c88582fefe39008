"""Background jobs: long work (pushes to an ESP, contact imports) runs in a worker, outside the request.

Infrastructure like accounts: features import jobs, jobs imports no feature. The queue is Huey, on a SQLite
file in instance/ by default or on Redis (JOBS_URL); `flask --app wsgi jobs worker` runs it (`make run`
starts it beside the web server). Each job is a row of `jobs` (jobs.models.Job) in a workspace.

What features call:

- `@jobs.task("push.mailjet")` registers `fn(job: jobs.Running, params: dict) -> dict`; the dict it returns
  becomes the job's `result` (its "url", a path of this site, and "link_text" show as a link on the job's
  page, e.g. to an import's report). Register at import time, in a module the feature's blueprint imports, so the
  web server and the worker both know the kind.
- `jobs.start(kind, params, *, title, campaign_id=None) -> Job` creates the job (queued) in the current
  workspace and the request's session; the queue gets it only once that session commits (the request
  hook's commit, or a command's), so a request that fails starts nothing. `params` must be JSON; `title`
  is for people. Answer with the job's ID, or redirect to `url_for("jobs.job_page", job_id=job.id)`.
- In the function, `job.progress(done, total, step)` reports progress (cheap: written at most every 0.3 s
  and when done reaches total; each write commits, keeping what the function flushed so far);
  `job.note(done, total, step)` is the same without a commit (the heartbeat writes it on its own
  connection), for a function whose work must stay one transaction until it ends;
  `job.error(message)` adds an error without failing; `raise jobs.JobFailed(message)` ends it failed
  with that message (what it flushed is kept); any other exception ends it failed with a general message,
  the traceback only in the log. It runs in an app context with the job's workspace as the current one
  (accounts.current), as the user who started it, in that user's language; `job.id`, `job.workspace_id`,
  `job.campaign_id` and `job.attempt` say which.
- A job may be run again: a worker that stopped leaves its jobs "running"; `jobs.recover()` (run when a
  worker starts and every minute in it) runs those whose heartbeat is older than JOBS_STALE_SECONDS again,
  up to JOBS_MAX_ATTEMPTS runs, then marks them failed. A job function must be safe to run twice.

Pages: `/jobs` (the workspace's recent jobs) and `/jobs/<id>` (progress, result, errors; it updates
itself from `GET /api/jobs/<id>`).
"""

from __future__ import annotations

from flask import Flask

from journeymail.extensions import db

from .models import DONE, FAILED, QUEUED, RUNNING, Job
from .queue import Queue, enqueue, make_huey, queue_of, start, task
from .worker import JobFailed, Recovered, Running, recover

__all__ = ["DONE", "FAILED", "QUEUED", "RUNNING", "Job", "JobFailed", "Queue", "Recovered", "Running",
           "enqueue", "init_app", "queue_of", "recover", "start", "task"]


def init_app(app: Flask) -> None:
    """The app's queue (app.extensions["jobs"]) with its task and the worker's periodic recovery, and the CLI."""
    from huey import crontab

    from . import cli, worker

    huey = make_huey(app)

    def run_job(job_id: int) -> None:
        worker.run_job(app, job_id)

    def recover_jobs() -> None:
        with app.app_context():
            try:
                worker.recover()
            finally:
                db.session.remove()

    run = huey.task(name="journeymail.job")(run_job)
    huey.periodic_task(crontab(minute="*"), name="journeymail.recover_jobs")(recover_jobs)
    queue = Queue(huey, run)
    huey.on_shutdown(name="close_connection")(queue.close_connection)  # in each worker thread as it stops
    huey.journeymail_queue = queue  # type: ignore[attr-defined]  # for the consumer's scheduler
    app.extensions["jobs"] = queue
    cli.register(app)
