"""JSON API for jobs: what a script or the job's page polls."""

from __future__ import annotations

from typing import Any

from flask import jsonify

from accounts import current

from .models import Job
from .serialize import job_dict


def get_job(job_id: int) -> Any:
    """{id, kind, state, done, total, step, result, errors, ...} (DESIGN.md): state, progress, result and errors of a job of the workspace; another's is a 404."""
    job = current.get_or_404(Job, job_id)
    current.require("read")
    response = jsonify(job_dict(job))
    response.headers["Cache-Control"] = "no-store"  # polled: always the state as it is now
    return response
