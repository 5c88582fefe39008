"""Contacts as Mailjet's contact import CSV: streamed from a server-side cursor, counted in SQL.

The file: UTF-8, CRLF, a header row, then one row per contact.

    email, segment, journey_phase (a campaign's export only), then each property asked for

- `segment` is the slug of the contact's segment (exports/mailjet/bundle.py segment_slugs). A contact held by
  several of the segments goes out ONCE, under the first of them in the order given (a campaign's: its
  targeted segments by name, the bundle's order): Mailjet's `segment` property holds one value, and a second
  row for the same address would overwrite the first in the import. `audience_counts` says how many contacts
  each segment lost to an earlier one (`in_earlier`).
- `journey_phase` is the name of the contact's phase in the campaign (contact_phases), empty when unplaced.
- A property column holds the contact's typed property of that name (names compared in lower case), and
  `name` the contact's name when no property is called so; empty when the contact has none. Values are in
  Mailjet's formats: booleans `true`/`false`, datetimes `yyyy-mm-dd hh:nn:ss` in UTC (csvimport's
  DateTimeFormat, DATETIME_FORMAT below), decimals with a point and no exponent, integers as digits.
- Every text cell passes the formula guard (journeymail.spreadsheet.neutralise): a cell that starts with
  = + - @ tab or a line break gets a leading apostrophe. The guard covers the address too.

Who is left out (never written, counted by `audience_counts`):
- a status other than subscribed: unsubscribed, bounced, complained;
- no consent (CONSENT_DOCUMENTED): a contact has consent when its double opt-in was confirmed
  (confirmed_at set), or when it has an opt-in time (opted_in_at) and no double opt-in pending (double_opt_in
  not true). A contact with neither time, or whose double opt-in was asked but never confirmed, is left out.
A contact with both problems is counted once, under its status.

`write_contacts_csv(write, workspace_id, segment_ids, campaign_id=...)` writes the whole file through `write`
(a bench calls it with a file's write); `contacts_csv_chunks` gives the same text in chunks for a streamed
response. Both read with their own connection (stream_results, yield_per), build no ORM object per row, and
hold one chunk at a time. Building the query reads the segments' rules with accounts.current, so it runs in a
request or after `current.use_workspace(...)`.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, case, false, func, literal, or_, outerjoin, select
from sqlalchemy.orm import aliased

from campaigns.models import Phase
from journeymail.extensions import db
from journeymail.spreadsheet import neutralise
from journeymail.text import slugify
from segments.models import Segment

from . import rules
from .models import PROPERTY_TYPES, Contact, ContactPhase, ContactProperty, SegmentRule

EMAIL, SEGMENT, JOURNEY_PHASE = "email", "segment", "journey_phase"
DATETIME_FORMAT = "yyyy-mm-dd hh:nn:ss"  # Mailjet's csvimport ImportOptions for the datetimes written here
CHUNK_ROWS = 2000  # rows per chunk and per fetch from the cursor
REASONS = ("unsubscribed", "bounced", "complained", "no_consent")
CONSENT_DOCUMENTED = ("confirmed_at is set, or opted_in_at is set and double_opt_in is not true")


def has_consent() -> ColumnElement[bool]:
    """SQL: the contact's consent is on record (see the module's docstring)."""
    return or_(Contact.confirmed_at.is_not(None),
               and_(Contact.opted_in_at.is_not(None), or_(Contact.double_opt_in.is_(None), Contact.double_opt_in == false())))


def _reason() -> Any:
    """SQL: why a contact is left out ("unsubscribed", "bounced", "complained", "no_consent"), or "" for none."""
    return case((Contact.status != "subscribed", Contact.status), (has_consent(), literal("")),
                else_=literal("no_consent"))


def goes_out() -> ColumnElement[bool]:
    return and_(Contact.status == "subscribed", has_consent())


@dataclass
class Tally:
    """What a written file holds: rows (contacts), and rows per segment ID."""

    rows: int = 0
    by_segment: dict[int, int] = field(default_factory=dict)


@dataclass
class SegmentCount:
    """One segment's audience: who goes out under it, who is left out and why, who went out under an earlier
    segment, and whether it has a rule at all (a segment without one holds nobody)."""

    segment_id: int
    name: str
    slug: str
    has_rule: bool
    goes_out: int = 0
    in_earlier: int = 0
    left_out: dict[str, int] = field(default_factory=lambda: dict.fromkeys(REASONS, 0))

    @property
    def left_out_total(self) -> int:
        return sum(self.left_out.values())


def _slugs(segments: Sequence[Segment]) -> dict[int, str]:
    """The same slugs as the Mailjet bundle's `segment` property: the name slugged, -2, -3 on a clash."""
    taken: set[str] = set()
    found: dict[int, str] = {}
    for segment in segments:
        base = slug = slugify(segment.name, f"segment-{segment.id}")
        number = 2
        while slug in taken:
            slug, number = f"{base}-{number}", number + 1
        taken.add(slug)
        found[segment.id] = slug
    return found


def _segments(workspace_id: int, segment_ids: Sequence[int]) -> list[tuple[Segment, dict[str, Any] | None]]:
    """The workspace's segments of these IDs, in the order given, each with its rule (or None)."""
    found = {s.id: s for s in db.session.scalars(select(Segment).where(Segment.workspace_id == workspace_id,
                                                                       Segment.id.in_(list(segment_ids))))}
    stored = {segment_id: rule for segment_id, rule in db.session.execute(
        select(SegmentRule.segment_id, SegmentRule.rule).where(SegmentRule.workspace_id == workspace_id,
                                                               SegmentRule.segment_id.in_(list(found))))}
    return [(found[i], stored.get(i)) for i in dict.fromkeys(segment_ids) if i in found]


def property_names(workspace_id: int) -> list[str]:
    """The names of the typed properties the workspace's contacts have, in order (the segment export's
    columns): one index range per name (ix_contact_properties_name_contact_id), never a full scan per row."""
    names: list[str] = []
    last = ""
    while True:  # a loose index scan: the next name after the last one, that a contact of the workspace has
        name = db.session.scalar(select(ContactProperty.name).join(ContactProperty.contact)
                                 .where(ContactProperty.name > last, Contact.workspace_id == workspace_id)
                                 .order_by(ContactProperty.name).limit(1))
        if name is None:
            return names
        names.append(name)
        last = name


@dataclass
class Export:
    """A prepared export: the header and the statement, built in the request; run anywhere after."""

    header: list[str]
    statement: Select[Any]
    segment_ids: list[int]
    properties: list[str]

    def rows(self, tally: Tally | None = None) -> Iterator[tuple[int, list[str]]]:
        """(the segment's position among segment_ids, the row's cells) for each contact, read from a
        server-side cursor CHUNK_ROWS at a time; `tally` counts them."""
        tally = Tally() if tally is None else tally
        with db.engine.connect() as connection:
            result = connection.execution_options(stream_results=True, yield_per=CHUNK_ROWS).execute(self.statement)
            for rows in result.partitions():
                for row in rows:
                    index = row[1]
                    cells = [neutralise(row[0]), neutralise(self.slugs[index])]
                    if self.with_phase:
                        cells.append(neutralise(row[2] or ""))
                    for plan, at in self.plans:
                        if plan is None:  # a property of several types: its type decides
                            cells.append(_cell(row[at], row[at + 1:at + 6], row[at + 6]))
                        else:
                            cells.append(plan(row[at]))
                    segment_id = self.segment_ids[index]
                    tally.by_segment[segment_id] = tally.by_segment.get(segment_id, 0) + 1
                    tally.rows += 1
                    yield index, cells

    def chunks(self, tally: Tally | None = None, *, header: bool = True) -> Iterator[str]:
        """The file in chunks of CHUNK_ROWS rows; `tally` counts what went out; without the header row for
        Mailjet's csvimport with FieldNames."""
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        if header:
            writer.writerow([neutralise(c) for c in self.header])
        waiting = 0
        for _index, cells in self.rows(tally):
            writer.writerow(cells)
            waiting += 1
            if waiting == CHUNK_ROWS:
                yield buffer.getvalue()
                buffer.seek(0)
                buffer.truncate()
                waiting = 0
        if buffer.tell():
            yield buffer.getvalue()

    slugs: list[str] = field(default_factory=list)
    with_phase: bool = False
    # per property column: (how its one value is written, its place in the row), or (None, place) for a
    # property of several types, whose seven columns (type, the five values, the name) _cell reads
    plans: list[tuple[Callable[[Any], str] | None, int]] = field(default_factory=list)


def _text(value: Any) -> str:
    return neutralise(value) if value else ""


def _integer(value: Any) -> str:
    return "" if value is None else str(int(value))


def _boolean(value: Any) -> str:
    return "" if value is None else ("true" if value else "false")


def _datetime(moment: Any) -> str:
    if moment is None:
        return ""
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    if moment.tzinfo is not None:
        moment = moment.astimezone(timezone.utc)
    return moment.strftime("%Y-%m-%d %H:%M:%S")


def _decimal(value: Any) -> str:
    if value is None:
        return ""
    number = value if isinstance(value, Decimal) else Decimal(str(value))
    text = format(number, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text if text not in ("", "-0") else "0"


WRITERS: dict[str, Callable[[Any], str]] = {"string": _text, "integer": _integer, "decimal": _decimal,
                                            "boolean": _boolean, "datetime": _datetime}


def _cell(kind: str | None, values: Sequence[Any], fallback: str | None) -> str:
    """One property's cell in Mailjet's format, from its type and its typed values (or the fallback text)."""
    if kind is None:
        return _text(fallback)
    return WRITERS[kind](values[PROPERTY_TYPES.index(kind)]) if kind in WRITERS else ""


def _types_of(name: str) -> list[str]:
    """The types a property of this name has (in any workspace: a superset is harmless), one partial-index probe
    per type (ix_contact_properties_<type>)."""
    return [kind for kind in PROPERTY_TYPES if db.session.scalar(
        select(literal(1)).where(ContactProperty.name == name, ContactProperty.type == kind).limit(1)) is not None]


def prepare(workspace_id: int, segment_ids: Sequence[int], *, campaign_id: int | None = None,
            properties: Sequence[str] | None = None) -> Export:
    """The export of these segments' contacts (in this order), with a campaign's journey phases when given.

    `properties`: the columns after email, segment and journey_phase (e.g. the Mailjet bundle's properties);
    by default `name` and the workspace's property names. "email", "segment" and "journey_phase" among them are dropped
    (they have their own columns)."""
    chosen = _segments(workspace_id, segment_ids)
    names = [p for p in (["name", *property_names(workspace_id)] if properties is None else properties)
             if p.lower() not in (EMAIL, SEGMENT, JOURNEY_PHASE)]
    names = list(dict.fromkeys(names))
    conditions = [rules.matches(rule) if rule is not None else false() for _, rule in chosen]
    which = case(*[(condition, literal(i)) for i, condition in enumerate(conditions)], else_=literal(-1)) \
        if conditions else literal(-1)
    columns: list[Any] = [Contact.email, which]
    query_from: Any = Contact
    with_phase = campaign_id is not None
    if with_phase:
        placed = aliased(ContactPhase)
        phase = aliased(Phase)
        query_from = (outerjoin(query_from, placed, and_(placed.contact_id == Contact.id,
                                                        placed.campaign_id == campaign_id)))
        query_from = outerjoin(query_from, phase, phase.id == placed.phase_id)
        columns.append(phase.name)
    else:
        columns.append(literal(None))
    plans: list[tuple[Callable[[Any], str] | None, int]] = []
    for name in names:
        kinds = _types_of(name.lower())
        if not kinds:  # no contact has it: the contact's own name, opens, clicks (the Mailjet filters read them), else empty
            own = {"name": (_text, Contact.name), "opens": (_integer, Contact.opens), "clicks": (_integer, Contact.clicks)}
            writer, column = own.get(name.lower(), (_text, literal(None)))
            plans.append((writer, len(columns)))
            columns.append(column)
            continue
        prop = aliased(ContactProperty)
        query_from = outerjoin(query_from, prop, and_(prop.contact_id == Contact.id, prop.name == name.lower()))
        if len(kinds) == 1 and name.lower() != "name":  # one type: one column, written by its type's writer
            plans.append((WRITERS[kinds[0]], len(columns)))
            columns.append(getattr(prop, f"{kinds[0]}_value"))
            continue
        plans.append((None, len(columns)))
        columns += [prop.type, prop.string_value, prop.integer_value, prop.decimal_value, prop.boolean_value,
                    prop.datetime_value, Contact.name if name.lower() == "name" else literal(None)]
    statement = (select(*columns).select_from(query_from)
                 .where(Contact.workspace_id == workspace_id, goes_out(), or_(false(), *conditions))
                 .order_by(Contact.email_key))  # the index of (workspace, address): no sort
    slugs = _slugs([s for s, _ in chosen])
    header = [EMAIL, SEGMENT, *([JOURNEY_PHASE] if with_phase else []), *names]
    return Export(header=header, statement=statement, segment_ids=[s.id for s, _ in chosen], properties=names,
                  slugs=[slugs[s.id] for s, _ in chosen], with_phase=with_phase, plans=plans)


def write_contacts_csv(write: Callable[[str], Any], workspace_id: int, segment_ids: list[int], *,
                       campaign_id: int | None = None, properties: Sequence[str] | None = None) -> Tally:
    """Write the contacts CSV of these segments through `write`, a chunk at a time; what was written."""
    export = prepare(workspace_id, segment_ids, campaign_id=campaign_id, properties=properties)
    tally = Tally()
    for chunk in export.chunks(tally):
        write(chunk)
    return tally


def contacts_csv_chunks(workspace_id: int, segment_ids: list[int], *, campaign_id: int | None = None,
                        properties: Sequence[str] | None = None) -> Iterator[str]:
    """The same file as chunks of text, for a streamed response; the query is built before the first chunk."""
    return prepare(workspace_id, segment_ids, campaign_id=campaign_id, properties=properties).chunks()


def audience_counts(workspace_id: int, segment_ids: Sequence[int]) -> list[SegmentCount]:
    """Per segment (in the order given): who goes out under it, who is left out and why, who went out under an
    earlier segment. One grouped count per segment, in SQL."""
    chosen = _segments(workspace_id, segment_ids)
    slugs = _slugs([s for s, _ in chosen])
    found: list[SegmentCount] = []
    earlier: list[ColumnElement[bool]] = []
    for segment, rule in chosen:
        count = SegmentCount(segment.id, segment.name, slugs[segment.id], rule is not None)
        found.append(count)
        if rule is None:
            continue
        condition = rules.matches(rule)
        before = or_(false(), *earlier) if earlier else false()
        members = (select(_reason().label("reason"), case((before, literal(1)), else_=literal(0)).label("earlier"))
                   .where(Contact.workspace_id == workspace_id, condition).subquery())
        # grouped by the subquery's columns: PostgreSQL does not see two CASEs with their own parameters as one
        query = select(members.c.reason, members.c.earlier, func.count()).group_by(members.c.reason, members.c.earlier)
        for reason, in_earlier, number in db.session.execute(query):
            if reason:
                count.left_out[reason] = count.left_out.get(reason, 0) + number
            elif in_earlier:
                count.in_earlier += number
            else:
                count.goes_out += number
        earlier.append(condition)
    return found


def left_out(workspace_id: int, segment_ids: Sequence[int]) -> dict[str, int]:
    """How many contacts of all these segments together are left out, by reason, each contact once (one
    grouped count): what the download's X-Journeymail-Left-Out header says."""
    conditions = [rules.matches(rule) for _, rule in _segments(workspace_id, segment_ids) if rule is not None]
    found = dict.fromkeys(REASONS, 0)
    if conditions:
        members = (select(_reason().label("reason")).where(Contact.workspace_id == workspace_id, or_(*conditions))
                   .subquery())
        query = select(members.c.reason, func.count()).group_by(members.c.reason)
        for reason, number in db.session.execute(query):
            if reason:
                found[reason] = found.get(reason, 0) + number
    return found


def left_out_header(counts: dict[str, int]) -> str:
    """e.g. "unsubscribed=1, bounced=0, complained=0, no_consent=2"."""
    return ", ".join(f"{reason}={counts.get(reason, 0)}" for reason in REASONS)
