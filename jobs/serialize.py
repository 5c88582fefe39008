"""The one dictionary shape of a job, for the API and the page's script."""

from __future__ import annotations

from typing import Any

from journeymail.http import iso

from .models import Job


def job_dict(job: Job) -> dict[str, Any]:
    return {
        "id": job.id, "kind": job.kind, "title": job.title, "state": job.state,
        "done": job.done, "total": job.total, "step": job.step,
        "result": job.result, "errors": list(job.errors or []),
        "campaign_id": job.campaign_id,
        "created_at": iso(job.created_at), "started_at": iso(job.started_at), "finished_at": iso(job.finished_at),
    }
