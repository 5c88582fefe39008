"""A contact's journey phase per campaign: placed by a rule, or from an import's column.

`place_by_rule` puts every contact a rule holds into one phase of a campaign in one statement (INSERT ...
SELECT ... ON CONFLICT DO UPDATE, on SQLite and PostgreSQL alike): a contact already placed in that campaign
moves to the new phase, a contact the rule does not hold stays where it was. `place_in_phases` is the same for
an import that carries a phase column: {contact_id: phase name} for one campaign, names matched case-folded.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import func, literal, select
from sqlalchemy.dialects import postgresql, sqlite

from accounts import audit, current
from campaigns.models import Campaign, Phase
from journeymail.extensions import db
from journeymail.validation import ValidationError

from . import rules
from .models import Contact, ContactPhase


def _upsert(rows: Any) -> Any:
    """INSERT INTO contact_phases (contact_id, campaign_id, phase_id) <rows> ON CONFLICT: the new phase wins."""
    dialect = postgresql if db.session.get_bind().dialect.name == "postgresql" else sqlite
    statement = dialect.insert(ContactPhase)
    statement = statement.from_select(["contact_id", "campaign_id", "phase_id"], rows) if not isinstance(rows, list) \
        else statement.values(rows)
    return statement.on_conflict_do_update(index_elements=["contact_id", "campaign_id"],
                                           set_={"phase_id": statement.excluded.phase_id})


def _placed(statement: Any) -> int:
    """Run the upsert; how many rows it inserted or moved. PostgreSQL reports no row count for it through
    psycopg here, so there it counts the rows the statement returns, in the database (a data-modifying CTE)."""
    if db.session.get_bind().dialect.name == "postgresql":
        placed = statement.returning(ContactPhase.contact_id).cte("placed")
        return db.session.scalar(select(func.count()).select_from(placed)) or 0
    return db.session.execute(statement).rowcount or 0


def phase_of(campaign: Campaign, phase_id: Any) -> Phase:
    """The campaign's phase with this ID; ValidationError {"phase_id"} otherwise."""
    phase = next((p for p in campaign.phases if isinstance(phase_id, int) and not isinstance(phase_id, bool)
                  and p.id == phase_id), None)
    if phase is None:
        raise ValidationError({"phase_id": _("Choose one of this campaign's phases.")})
    return phase


def place_by_rule(campaign: Campaign, phase_id: Any, rule: Any) -> int:
    """Place every contact of the workspace the rule holds in the phase; how many were placed.

    Validates first (the phase is the campaign's, the rule is sound), then one INSERT ... SELECT."""
    phase = phase_of(campaign, phase_id)
    cleaned = rules.check_rule(rule)
    chosen = (select(Contact.id, literal(campaign.id), literal(phase.id))
              .where(Contact.workspace_id == current.workspace_id(), rules.matches(cleaned)))
    placed = _placed(_upsert(chosen))
    audit.record("changed", "phase", phase.id, phase.name, placed=placed, campaign=campaign.id)
    return placed


def place_in_phases(campaign_id: int, phases: Mapping[int, str]) -> int:
    """Place contacts by the name of their phase (an import's column): {contact_id: phase name}. A name that
    is none of the campaign's phases (case-folded, spaces trimmed) leaves that contact where it was, as does
    a contact of another workspace; how many were placed."""
    by_name = {name.strip().casefold(): phase_id for phase_id, name in db.session.execute(
        select(Phase.id, Phase.name).join(Phase.campaign)
        .where(Campaign.id == campaign_id, Campaign.workspace_id == current.workspace_id()))}
    wanted = {int(contact_id): by_name[name.strip().casefold()] for contact_id, name in phases.items()
              if isinstance(name, str) and name.strip().casefold() in by_name}
    if not wanted:
        return 0
    ours = set(db.session.scalars(select(Contact.id).where(Contact.workspace_id == current.workspace_id(),
                                                           Contact.id.in_(list(wanted)))))
    rows = [{"contact_id": c, "campaign_id": campaign_id, "phase_id": p} for c, p in wanted.items() if c in ours]
    placed = 0
    for start in range(0, len(rows), 500):  # a statement's parameters stay under SQLite's limit
        placed += _placed(_upsert(rows[start:start + 500]))
    return placed


def counts(campaign: Campaign) -> dict[int, int]:
    """How many contacts stand in each of the campaign's phases, by phase ID (one query)."""
    query = (select(ContactPhase.phase_id, func.count()).join(ContactPhase.contact)
             .where(ContactPhase.campaign_id == campaign.id, Contact.workspace_id == current.workspace_id())
             .group_by(ContactPhase.phase_id))
    return {phase_id: number for phase_id, number in db.session.execute(query)}
