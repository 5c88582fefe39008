"""The jobs table: one row per piece of long work (a push, an import), its state and its progress."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from accounts.models import utcnow
from journeymail.extensions import db

# A job's life: queued -> running -> done | failed. A running job whose worker stopped goes back to queued
# (jobs.worker.recover) until it has used its attempts, then it fails. Only jobs.worker changes `state`.
QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"
STATES = (QUEUED, RUNNING, DONE, FAILED)
FINISHED = frozenset({DONE, FAILED})

TIMESTAMP = db.DateTime(timezone=True)


class Job(db.Model):
    __tablename__ = "jobs"
    __audited__ = False  # the audit log names what a job does (a push), not the job row
    __table_args__ = (Index("ix_jobs_workspace_id_id", "workspace_id", "id"), Index("ix_jobs_state", "state"))

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(60))  # the registered function, e.g. "push.mailjet"
    title: Mapped[str] = mapped_column(String(200))  # for people: "Push “Trial journey” to Mailjet"
    state: Mapped[str] = mapped_column(String(10), default=QUEUED)
    done: Mapped[int] = mapped_column(default=0)
    total: Mapped[int] = mapped_column(default=0)  # 0: not known yet
    step: Mapped[str] = mapped_column(String(300), default="")  # what it is doing now, in words
    result: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    errors: Mapped[list[str]] = mapped_column(JSON, default=list)
    params: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    campaign_id: Mapped[int | None] = mapped_column()  # no foreign key: jobs know no feature's tables
    locale: Mapped[str | None] = mapped_column(String(10))  # the starter's language: the job's messages are in it
    attempts: Mapped[int] = mapped_column(default=0)  # runs started
    created_at: Mapped[datetime] = mapped_column(TIMESTAMP, default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(TIMESTAMP)
    finished_at: Mapped[datetime | None] = mapped_column(TIMESTAMP)
    heartbeat_at: Mapped[datetime | None] = mapped_column(TIMESTAMP)  # a running job's worker says it is alive

    @property
    def name(self) -> str:
        """What the audit log and the pages call it."""
        return self.title

    @property
    def finished(self) -> bool:
        return self.state in FINISHED
