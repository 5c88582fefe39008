"""Contacts, their typed properties, the imports that brought them, and the mappings saved per source.

The contacts page searches by the start of an email address or a name, filters by status and counts, at a
million contacts per workspace: each of those reads one index (see the indexes below and
tests/test_contacts_scale.py). Properties live in a table of their own, one row per (contact, name) with
a column per type, so a segment rule can count `opens > 3 AND plan = 'pro'` in SQL.

A contact's journey phase per campaign is a row of contact_phases (ContactPhase): one per contact and
campaign, set by a rule (contacts/phases.py) or from an import's column (`place_in_phases`).
"""

from __future__ import annotations

import unicodedata
from datetime import datetime, timezone
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, BigInteger, Boolean, ForeignKey, Index, Integer, Numeric, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from campaigns.models import Campaign, Phase
from journeymail.extensions import db
from segments.models import Segment

STATUSES = ("subscribed", "unsubscribed", "bounced", "complained")
PROPERTY_TYPES = ("string", "integer", "decimal", "boolean", "datetime")  # Mailjet's datatypes
POLICIES = ("skip", "update")  # what an import does with a contact that exists already

# Binary order on PostgreSQL too, so a prefix search is an index range (a >= 'ab' AND a < 'ab\U0010ffff')
# that means "starts with" exactly; SQLite compares binary already.
Key = String(320).with_variant(String(320, collation="C"), "postgresql")


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def search_key(text: str) -> str:
    """What a search compares: case folded, in one Unicode spelling ("Müller" finds "MÜLLER")."""
    return unicodedata.normalize("NFC", unicodedata.normalize("NFC", text).casefold())


class Contact(db.Model):
    __tablename__ = "contacts"
    __table_args__ = (
        Index("uq_contacts_workspace_id_email_key", "workspace_id", "email_key", unique=True),
        Index("ix_contacts_workspace_id_name_key", "workspace_id", "name_key"),
        Index("ix_contacts_workspace_id_status_email_key", "workspace_id", "status", "email_key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    email: Mapped[str] = mapped_column(String(320))  # normalised by email-validator
    email_key: Mapped[str] = mapped_column(Key)  # search_key(email): unique per workspace
    name: Mapped[str] = mapped_column(String(200), default="")
    name_key: Mapped[str] = mapped_column(Key, default="")
    status: Mapped[str] = mapped_column(String(20), default="subscribed")
    # engagement, as the ESP or CRM the list comes from counted it
    opens: Mapped[int] = mapped_column(Integer, default=0)
    clicks: Mapped[int] = mapped_column(Integer, default=0)
    last_open_at: Mapped[datetime | None] = mapped_column(db.DateTime(timezone=True))
    last_click_at: Mapped[datetime | None] = mapped_column(db.DateTime(timezone=True))
    # consent: the proof of the opt-in
    opted_in_at: Mapped[datetime | None] = mapped_column(db.DateTime(timezone=True))
    confirmed_at: Mapped[datetime | None] = mapped_column(db.DateTime(timezone=True))
    consent_source: Mapped[str] = mapped_column(String(300), default="")
    double_opt_in: Mapped[bool | None] = mapped_column(Boolean)
    created_at: Mapped[datetime] = mapped_column(db.DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(db.DateTime(timezone=True), default=utcnow, onupdate=utcnow)

    properties: Mapped[list[ContactProperty]] = relationship(
        back_populates="contact", cascade="all, delete-orphan", passive_deletes=True,
        order_by="ContactProperty.name")


class ContactProperty(db.Model):
    """One typed value of a contact: exactly the column of its type is set."""

    __tablename__ = "contact_properties"
    __scoped_through__ = "contact"
    # A rule's condition on a property reads the partial index of the property's type: the rows of one name
    # and value range, with their contacts, without touching the table (contacts/rules.py).
    __table_args__ = (
        Index("ix_contact_properties_name_contact_id", "name", "contact_id"),
        *(Index(f"ix_contact_properties_{kind}", "name", f"{kind}_value", "contact_id",
                sqlite_where=text(f"type = '{kind}'"), postgresql_where=text(f"type = '{kind}'"))
          for kind in PROPERTY_TYPES),
    )

    contact_id: Mapped[int] = mapped_column(ForeignKey("contacts.id", ondelete="CASCADE"), primary_key=True)
    name: Mapped[str] = mapped_column(String(100), primary_key=True)
    type: Mapped[str] = mapped_column(String(10))
    string_value: Mapped[str | None] = mapped_column(Text)
    integer_value: Mapped[int | None] = mapped_column(BigInteger)
    decimal_value: Mapped[Decimal | None] = mapped_column(Numeric(24, 6))
    boolean_value: Mapped[bool | None] = mapped_column(Boolean)
    datetime_value: Mapped[datetime | None] = mapped_column(db.DateTime(timezone=True))

    contact: Mapped[Contact] = relationship(back_populates="properties")

    @property
    def value(self) -> Any:
        return getattr(self, f"{self.type}_value")


class ContactImport(db.Model):
    """One import of a file: who, when, how it was read and mapped, what it did, and what Undo restores."""

    __tablename__ = "contact_imports"
    __table_args__ = (Index("ix_contact_imports_workspace_id_id", "workspace_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(db.DateTime(timezone=True), default=utcnow)
    file_name: Mapped[str] = mapped_column(String(255), default="")
    source: Mapped[str] = mapped_column(String(100), default="")
    encoding: Mapped[str] = mapped_column(String(40), default="")
    delimiter: Mapped[str] = mapped_column(String(4), default=",")
    policy: Mapped[str] = mapped_column(String(10), default="skip")
    mapping: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    rows: Mapped[int] = mapped_column(Integer, default=0)
    added: Mapped[int] = mapped_column(Integer, default=0)
    updated: Mapped[int] = mapped_column(Integer, default=0)
    skipped: Mapped[int] = mapped_column(Integer, default=0)
    duplicates: Mapped[int] = mapped_column(Integer, default=0)
    rejected: Mapped[int] = mapped_column(Integer, default=0)
    status_kept: Mapped[int] = mapped_column(Integer, default=0)
    rejected_rows: Mapped[list[Any]] = mapped_column(JSON, default=list)  # [[line, email, reason], ...]
    added_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    replaced: Mapped[list[Any]] = mapped_column(JSON, default=list)  # [{id, fields, properties}] as before
    undone_at: Mapped[datetime | None] = mapped_column(db.DateTime(timezone=True))


class SavedMapping(db.Model):
    """The mapping last used for a source (a name the user typed, or a file's header row), offered next time."""

    __tablename__ = "contact_mappings"
    __audited__ = False  # a remembered column mapping, not a change to the audience
    __table_args__ = (Index("uq_contact_mappings_workspace_id_source_key", "workspace_id", "source_key", unique=True),)

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    source_key: Mapped[str] = mapped_column(String(200))
    mapping: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    updated_at: Mapped[datetime] = mapped_column(db.DateTime(timezone=True), default=utcnow, onupdate=utcnow)


class SegmentRule(db.Model):
    """The rule that says which contacts a segment holds (contacts/rules.py), stored as data, never as code.

    It lives with the contacts, beside the segment it belongs to: the segments room knows nothing of
    contacts, and a segment without a rule is a segment defined in words only."""

    __tablename__ = "segment_rules"

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"), index=True)
    segment_id: Mapped[int] = mapped_column(ForeignKey("segments.id", ondelete="CASCADE"), unique=True)
    rule: Mapped[dict[str, Any]] = mapped_column(JSON)
    segment: Mapped[Segment] = relationship()
    updated_at: Mapped[datetime] = mapped_column(db.DateTime(timezone=True), default=utcnow, onupdate=utcnow)


class ContactPhase(db.Model):
    """Where a contact stands in one campaign's journey: one phase per contact and campaign.

    It lives with the contacts (contacts may import campaigns; campaigns never import contacts). Deleting the
    contact, the campaign or the phase deletes the row."""

    __tablename__ = "contact_phases"
    __scoped_through__ = "contact"
    __table_args__ = (
        Index("uq_contact_phases_contact_id_campaign_id", "contact_id", "campaign_id", unique=True),
        Index("ix_contact_phases_campaign_id_phase_id", "campaign_id", "phase_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("contacts.id", ondelete="CASCADE"))
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"))
    phase_id: Mapped[int] = mapped_column(ForeignKey("phases.id", ondelete="CASCADE"))

    contact: Mapped[Contact] = relationship()
    campaign: Mapped[Campaign] = relationship()
    phase: Mapped[Phase] = relationship()
