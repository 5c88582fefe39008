"""What the exports keep between runs: the IDs an ESP gave the objects a push created (the push ledger)."""

from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from journeymail.extensions import db


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class PushedObject(db.Model):
    """One object a push made in an ESP account (or one content it sent), by its key in the bundle: the ID
    the ESP gave it and a fingerprint of the body last sent, so the next push reuses it, updates it when
    the body changed, and resumes after the last request that went through.

    `account` is a SHA-256 of the API key, so two accounts of one ESP never share IDs; `inputs` what the
    user supplied (e.g. "contactslist=42"), so a push to another list keeps its own drafts."""

    __tablename__ = "pushed_objects"
    __audited__ = False  # the audit log records the push ("pushed"), not each ID it kept
    __table_args__ = (UniqueConstraint("workspace_id", "campaign_id", "esp", "account", "inputs", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"), index=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"), index=True)
    esp: Mapped[str] = mapped_column(String(20))
    account: Mapped[str] = mapped_column(String(64))
    inputs: Mapped[str] = mapped_column(String(200))
    key: Mapped[str] = mapped_column(String(400))  # a ref, or "POST template/{{ref:...}}/detailcontent"
    remote_id: Mapped[int | None] = mapped_column(db.BigInteger)
    fingerprint: Mapped[str] = mapped_column(String(64))
    updated_at: Mapped[datetime] = mapped_column(db.DateTime(timezone=True), default=utcnow, onupdate=utcnow)
