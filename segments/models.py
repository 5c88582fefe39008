"""The audience: personas (who the journey is for) and segments, defined by motivation, action and obstacle."""

from __future__ import annotations

import unicodedata
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from journeymail.extensions import db


NAME_KEY_LENGTH = 240  # casefolding may lengthen a name: "ß" becomes "ss", "ﬃ" becomes "ffi"


def name_key(name: str) -> str:
    """What makes two segment names the same: equal ignoring case, in any Unicode spelling ("Ärzte",
    "ÄRZTE", and "A" + combining diaeresis + "rzte" are one name). SQLite's lower() folds ASCII only, so the
    key is stored and the database keeps it unique."""
    return unicodedata.normalize("NFC", unicodedata.normalize("NFC", name).casefold())


class Persona(db.Model):
    """A typical customer the journey is planned for: who they are, what they want, and what the picture is
    based on. Workspace-wide, like segments; a campaign starts from its main persona, a segment belongs to one."""

    __tablename__ = "personas"
    __table_args__ = (Index("uq_personas_workspace_id_name_key", "workspace_id", "name_key", unique=True),)

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(80))
    name_key: Mapped[str] = mapped_column(String(NAME_KEY_LENGTH), server_default="")  # as Segment.name_key
    quote: Mapped[str] = mapped_column(String(300), default="")  # a short sentence in their own words
    role: Mapped[str] = mapped_column(String(300), default="")  # demographics or role: "Head of social, 34, agency"
    goals: Mapped[str] = mapped_column(Text, default="")  # one per line
    needs: Mapped[str] = mapped_column(Text, default="")
    motives: Mapped[str] = mapped_column(Text, default="")
    sources: Mapped[str] = mapped_column(Text, default="")  # what the persona is based on: interviews, data

    segments: Mapped[list[Segment]] = relationship(back_populates="persona", order_by="Segment.name")

    @validates("name")
    def _set_name_key(self, _attribute: str, name: str) -> str:
        self.name_key = name_key(name)
        return name


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
    # The persona whose segment this is; deleting the persona keeps the segment.
    persona_id: Mapped[int | None] = mapped_column(ForeignKey("personas.id", ondelete="SET NULL"), index=True)

    persona: Mapped[Persona | None] = relationship(back_populates="segments")

    @validates("name")
    def _set_name_key(self, _attribute: str, name: str) -> str:
        self.name_key = name_key(name)
        return name
