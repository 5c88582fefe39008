"""Job pages: the workspace's recent jobs, and one job's progress, result and errors."""

from __future__ import annotations

from typing import Any

from flask import render_template

from accounts import current
from journeymail.extensions import db

from .models import Job
from .serialize import job_dict, result_link
from .worker import worker_silent

RECENT = 50  # jobs on the list page


def list_jobs() -> Any:
    """The workspace's newest jobs, each linked to its page."""
    current.require("read")
    jobs = current.scoped(Job).order_by(Job.id.desc()).limit(RECENT)
    return render_template("jobs/list.html", jobs=db.session.scalars(jobs).all(), recent=RECENT)


def job_page(job_id: int) -> Any:
    """A job's progress bar, current step, state, result and errors; its script polls the API until it ends."""
    job = current.get_or_404(Job, job_id)
    current.require("read")
    return render_template("jobs/job.html", job=job, data=job_dict(job), silent=worker_silent(job),
                           link=result_link(job.result))
