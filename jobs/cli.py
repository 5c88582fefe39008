"""Commands: `flask --app wsgi jobs worker` runs the queue's consumer; `flask --app wsgi jobs list` shows jobs."""

from __future__ import annotations

import logging

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from journeymail.extensions import db

from . import worker
from .models import Job

jobs_group = AppGroup("jobs", help="Background jobs: run the worker, list the jobs.")


def register(app: Flask) -> None:
    app.cli.add_command(jobs_group)


@jobs_group.command("worker")
@click.option("--workers", type=click.IntRange(min=1), default=None,
              help="Threads that run jobs at once (default: JOBS_WORKERS, 2).")
def run_worker(workers: int | None) -> None:
    """Run jobs until stopped (Ctrl+C waits for the running jobs; SIGTERM stops at once, and the next start
    runs the interrupted jobs again). First recovers the jobs a stopped worker left running."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s: %(message)s")
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    recovered = worker.recover()
    db.session.remove()
    click.echo(f"Recovered {len(recovered.requeued)} interrupted job(s) to run again, "
               f"failed {len(recovered.failed)}, enqueued {len(recovered.resent)} lost one(s) again.")
    worker.consumer(app, workers=workers).run()


@jobs_group.command("list")
@click.option("--limit", type=click.IntRange(min=1), default=50, show_default=True, help="How many, newest first.")
def list_jobs(limit: int) -> None:
    """The newest jobs of every workspace: ID, state, progress, kind and title."""
    jobs = db.session.scalars(db.select(Job).order_by(Job.id.desc()).limit(limit)).all()
    if not jobs:
        click.echo("No jobs yet.")
    for job in jobs:
        click.echo(f"{job.id:>6}  {job.state:<8} {job.done:>6}/{job.total:<6} {job.kind:<20} "
                   f"workspace {job.workspace_id}  {job.title}")
