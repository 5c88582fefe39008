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


LINK_KEYS = ("url", "link_text")  # a result's link to what the job made (a page of this site), not listed as values


def result_link(result: dict[str, Any] | None) -> dict[str, str] | None:
    """{url, text} when the result names a page of this site to go to next (its "url", a path, and its
    "link_text"), else None."""
    url, text = (result or {}).get("url"), (result or {}).get("link_text")
    if isinstance(url, str) and isinstance(text, str) and url.startswith("/") and url[1:2] not in ("/", "\\") and text:
        return {"url": url, "text": text}
    return None
