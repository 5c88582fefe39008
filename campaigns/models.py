"""Campaigns and what they hold: phases, touchpoints and the per-segment variants of an email."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, CheckConstraint, Column, ForeignKey, Index, String, Table, Text, UniqueConstraint
from sqlalchemy import event
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from journeymail.extensions import db

from .kinds import KINDS, Kind

from segments.models import Persona

if TYPE_CHECKING:
    from accounts.models import Workspace
    from segments.models import Segment


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


# The segments a campaign targets. Segments are shared across campaigns.
campaign_segments = Table(
    "campaign_segments",
    db.metadata,
    Column("campaign_id", ForeignKey("campaigns.id", ondelete="CASCADE"), primary_key=True),
    Column("segment_id", ForeignKey("segments.id", ondelete="CASCADE"), primary_key=True),
)

# The segments a touchpoint is limited to; none means every segment the campaign targets.
touchpoint_segments = Table(
    "touchpoint_segments",
    db.metadata,
    Column("touchpoint_id", ForeignKey("touchpoints.id", ondelete="CASCADE"), primary_key=True),
    Column("segment_id", ForeignKey("segments.id", ondelete="CASCADE"), primary_key=True),
)

MAP_STATES = {"current": _l("Current state"), "future": _l("Future state")}
# How German emails address the reader: the formal "Sie" (the default) or the informal "du".
ADDRESS_FORMS = {"formal": _l("Formal (Sie)"), "informal": _l("Informal (du)")}


class Campaign(db.Model):
    __tablename__ = "campaigns"

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    goal: Mapped[str] = mapped_column(String(500))  # what the customer should do at the end
    # The measurable goal: a KPI and its target ("Trial-to-paid conversion", "20 %").
    goal_kpi: Mapped[str] = mapped_column(String(120), default="", server_default="")
    goal_target: Mapped[str] = mapped_column(String(120), default="", server_default="")
    # How the touchpoints affect one another (one per line), beside the chains of "sends after".
    touchpoint_effects: Mapped[str] = mapped_column(Text, default="", server_default="")
    # The main persona: whose journey the map shows (start with the most common customer).
    persona_id: Mapped[int | None] = mapped_column(ForeignKey("personas.id", ondelete="SET NULL"), index=True)
    description: Mapped[str] = mapped_column(Text, default="")
    framework: Mapped[str] = mapped_column(String(40))
    map_state: Mapped[str] = mapped_column(String(20), default="future")
    sender_name: Mapped[str] = mapped_column(String(120))
    sender_email: Mapped[str] = mapped_column(String(254))
    reply_to: Mapped[str | None] = mapped_column(String(254))
    locale: Mapped[str] = mapped_column(String(10), default="en_US")
    address_form: Mapped[str] = mapped_column(String(10), default="formal", server_default="formal")  # ADDRESS_FORMS
    # Merge-tag values every preview starts from; a segment's sample data overrides them.
    sample_data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict, server_default="{}")
    created_at: Mapped[datetime] = mapped_column(db.DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(db.DateTime(timezone=True), default=utcnow, onupdate=utcnow)

    phases: Mapped[list[Phase]] = relationship(
        back_populates="campaign", order_by="Phase.position", cascade="all, delete-orphan"
    )
    touchpoints: Mapped[list[Touchpoint]] = relationship(  # in creation order; journey order: touchpoints_in_order
        back_populates="campaign", cascade="all, delete-orphan", order_by="Touchpoint.id"
    )
    segments: Mapped[list[Segment]] = relationship(secondary=campaign_segments, order_by="Segment.name")
    persona: Mapped[Persona | None] = relationship()
    workspace: Mapped[Workspace] = relationship()

    def touchpoints_in_order(self) -> list[Touchpoint]:
        """Every touchpoint in journey order: by phase, then position within the phase."""
        return [tp for phase in self.phases for tp in phase.touchpoints]


class Phase(db.Model):
    __tablename__ = "phases"
    __scoped_through__ = "campaign"  # in the workspace of its campaign (accounts.current)
    __table_args__ = (
        CheckConstraint("emotion BETWEEN -2 AND 2", name="emotion_range"),
        # Two phases never share a place; campaigns.services renumbers without a moment of overlap.
        Index("uq_phases_campaign_id_position", "campaign_id", "position", unique=True),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    name: Mapped[str] = mapped_column(String(80))
    description: Mapped[str] = mapped_column(Text, default="")  # the customer's goal in this phase
    emotion: Mapped[int] = mapped_column(default=0)  # how the customer feels, -2 (bad) to +2 (great)
    pain_points: Mapped[str] = mapped_column(Text, default="")
    opportunities: Mapped[str] = mapped_column(Text, default="")
    content_needs: Mapped[str] = mapped_column(Text, default="", server_default="")  # what content this phase needs

    campaign: Mapped[Campaign] = relationship(back_populates="phases")
    touchpoints: Mapped[list[Touchpoint]] = relationship(
        back_populates="phase", order_by="Touchpoint.position"
    )


class Touchpoint(db.Model):
    __tablename__ = "touchpoints"
    __scoped_through__ = "campaign"
    __table_args__ = (Index("uq_touchpoints_phase_id_position", "phase_id", "position", unique=True),)

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"), index=True)
    phase_id: Mapped[int] = mapped_column(ForeignKey("phases.id"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    kind: Mapped[str] = mapped_column(String(30))
    name: Mapped[str] = mapped_column(String(120))
    trigger: Mapped[str] = mapped_column(String(200), default="")
    send_offset_days: Mapped[int] = mapped_column(default=0)
    cta: Mapped[str] = mapped_column(String(200), default="")  # the call to action
    feeling: Mapped[str] = mapped_column(String(300), default="", server_default="")  # how people feel here
    subject: Mapped[str | None] = mapped_column(String(200))
    preheader: Mapped[str | None] = mapped_column(String(200))
    mjml: Mapped[str | None] = mapped_column(Text)
    text_override: Mapped[str | None] = mapped_column(Text)  # hand-written plain-text part
    # The touchpoint this one sends after: its days count from that one's send, so timing adds up along the
    # chain; none counts from its own trigger. Deleting the followed one re-attaches the chain (services).
    follows_id: Mapped[int | None] = mapped_column(ForeignKey("touchpoints.id", ondelete="SET NULL"), index=True)

    campaign: Mapped[Campaign] = relationship(back_populates="touchpoints")
    phase: Mapped[Phase] = relationship(back_populates="touchpoints")
    variants: Mapped[list[Variant]] = relationship(back_populates="touchpoint", cascade="all, delete-orphan")
    audience: Mapped[list[Segment]] = relationship(secondary=touchpoint_segments, order_by="Segment.name")
    follows: Mapped[Touchpoint | None] = relationship(remote_side=[id])

    @property
    def kind_info(self) -> Kind:
        return KINDS[self.kind]

    @property
    def is_email(self) -> bool:
        return KINDS[self.kind].email

    def reaches(self, segment: Segment) -> bool:
        """Whether this touchpoint is meant for the segment: an empty audience means everyone targeted."""
        return not self.audience or segment in self.audience

    def variant_for(self, segment_id: int) -> Variant | None:
        return next((v for v in self.variants if v.segment_id == segment_id), None)


class Variant(db.Model):
    """A touchpoint's content for one segment; empty fields inherit the touchpoint's own."""

    __tablename__ = "variants"
    __scoped_through__ = "touchpoint"
    __table_args__ = (UniqueConstraint("touchpoint_id", "segment_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    touchpoint_id: Mapped[int] = mapped_column(ForeignKey("touchpoints.id", ondelete="CASCADE"), index=True)
    segment_id: Mapped[int] = mapped_column(ForeignKey("segments.id", ondelete="CASCADE"), index=True)
    subject: Mapped[str | None] = mapped_column(String(200))
    preheader: Mapped[str | None] = mapped_column(String(200))
    mjml: Mapped[str | None] = mapped_column(Text)

    touchpoint: Mapped[Touchpoint] = relationship(back_populates="variants")
    segment: Mapped[Segment] = relationship()


@event.listens_for(Session, "before_flush")
def _touch_campaigns(session: Session, _context: Any, _instances: Any) -> None:
    """Editing a phase, touchpoint, variant or the targeting is editing the campaign: bump updated_at."""
    now = utcnow()
    changed = {*session.new, *session.dirty, *session.deleted}
    for campaign_id in {_campaign_id(obj) for obj in changed} - {None}:
        campaign = session.get(Campaign, campaign_id)
        if campaign is not None and campaign not in session.deleted:
            campaign.updated_at = now


def _campaign_id(obj: object) -> int | None:
    if isinstance(obj, Campaign):
        return obj.id
    if isinstance(obj, (Phase, Touchpoint)):
        return obj.campaign_id or (obj.campaign.id if obj.campaign else None)
    if isinstance(obj, Variant) and obj.touchpoint is not None:
        return obj.touchpoint.campaign_id
    return None
