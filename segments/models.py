"""Audience segments, defined by motivation, action and obstacle."""

from __future__ import annotations

import unicodedata
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, validates

from journeymail.extensions import db


NAME_KEY_LENGTH = 240  # casefolding may lengthen a name: "ß" becomes "ss", "ﬃ" becomes "ffi"


def name_key(name: str) -> str:
    """What makes two segment names the same: equal ignoring case, in any Unicode spelling ("Ärzte",
    "ÄRZTE", and "A" + combining diaeresis + "rzte" are one name). SQLite's lower() folds ASCII only, so the
    key is stored and the database keeps it unique."""
    return unicodedata.normalize("NFC", unicodedata.normalize("NFC", name).casefold())


class Segment(db.Model):
    __tablename__ = "segments"
    __table_args__ = (Index("uq_segments_workspace_id_name_key", "workspace_id", "name_key", unique=True),)

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(80))
    # name_key(name), set with the name; unique in the workspace, so two requests cannot both create
    # "Ärzte" and "ÄRZTE" there.
    name_key: Mapped[str] = mapped_column(String(NAME_KEY_LENGTH), server_default="")
    description: Mapped[str] = mapped_column(Text, default="")
    motivation: Mapped[str] = mapped_column(String(300))  # why they read us
    action: Mapped[str] = mapped_column(String(300))  # what they do with our email
    obstacle: Mapped[str] = mapped_column(String(300))  # what stops them acting as we wish
    opportunity: Mapped[str] = mapped_column(Text, default="")  # what we do about the obstacle
    sample_data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # merge-tag values for previews

    @validates("name")
    def _set_name_key(self, _attribute: str, name: str) -> str:
        self.name_key = name_key(name)
        return name
