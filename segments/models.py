"""Audience segments, defined by motivation, action and obstacle."""

from __future__ import annotations

from typing import Any

from sqlalchemy import JSON, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from journeymail.extensions import db


class Segment(db.Model):
    __tablename__ = "segments"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")
    motivation: Mapped[str] = mapped_column(String(300))  # why they read us
    action: Mapped[str] = mapped_column(String(300))  # what they do with our email
    obstacle: Mapped[str] = mapped_column(String(300))  # what stops them acting as we wish
    opportunity: Mapped[str] = mapped_column(Text, default="")  # what we do about the obstacle
    sample_data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # merge-tag values for previews
