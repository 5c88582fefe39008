"""Importing contacts: one file's rows, all or nothing, with a report of every row that was not imported.

`run_import(plan, rows)` is the one import, which the page, the API, the command and the background job
(contacts/jobs.py) call; it reports `progress(done, total, step)`, step "reading" (rows checked of all rows),
then "importing" (contacts written of the good rows), then "done". It only flushes: the request or the
command commits it as one transaction, so an import that fails half-way leaves the contacts as they were.
A bad row never stops the others: it is reported with its line and reason. Every import is recorded
(contact_imports) with what it added and the values it replaced, so `undo_import` can put them back.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import delete, select, update

from accounts import current
from journeymail.addresses import InvalidAddress, check_address
from journeymail.extensions import db
from journeymail.validation import Conflict, ValidationError

from .mapping import FIELDS, Target, check_mapping, mapping_document, parse_value
from .models import POLICIES, Contact, ContactImport, ContactProperty, search_key, utcnow
from .reading import MAX_CELL, CsvFile

Progress = Callable[[int, int, str], None]
CHUNK = 500  # contacts looked up, inserted and updated at a time (well under every database's parameter limit)
LIMITS = {"name": 200, "consent_source": 300}
KEY_LENGTH = 320  # search keys are cut here: casefolding may lengthen a name ("ß" becomes "ss")
MAX_COUNT = 2**31 - 1  # opens and clicks are INTEGER columns
CONTACT_FIELDS = [name for name in FIELDS if name != "email"]


@dataclass
class ImportPlan:
    """What to import and how: the file's columns, where each goes, and what to do with existing contacts."""

    header: list[str]
    targets: dict[int, Target]
    policy: str
    file_name: str = ""
    source: str = ""
    encoding: str = ""
    delimiter: str = ","


@dataclass
class Rejected:
    line: int
    email: str
    reason: str


@dataclass
class ImportReport:
    import_id: int | None = None
    rows: int = 0
    added: int = 0
    updated: int = 0
    skipped: int = 0  # existing contacts left as they were (policy skip)
    duplicates: int = 0  # rows repeating an address of an earlier row of the file
    status_kept: int = 0  # existing contacts an update did not subscribe again
    rejected: list[Rejected] = field(default_factory=list)
    duplicate_rows: list[Rejected] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        found = asdict(self)
        found["rejected_count"] = len(self.rejected)
        return found


def plan_import(csv_file: CsvFile, mapping: Any, policy: Any, *, file_name: str = "",
                source: str = "") -> ImportPlan:
    """The plan for importing `csv_file`; ValidationError when the policy or the mapping cannot be used."""
    if policy not in POLICIES:
        problems = {"policy": _("Choose what happens to contacts that exist already: skip them (they stay as "
                                "they are) or update them with the file's values.")}
        try:
            targets = check_mapping(mapping, csv_file.header, known_property_types())
        except ValidationError as error:
            problems.update(error.fields)
        raise ValidationError(problems)
    targets = check_mapping(mapping, csv_file.header, known_property_types())
    return ImportPlan(csv_file.header, targets, policy, file_name[:255], source.strip()[:100], csv_file.encoding,
                      csv_file.delimiter)


def known_property_types() -> dict[str, str]:
    """The workspace's properties and their types."""
    query = current.where_scoped(select(ContactProperty.name, ContactProperty.type).join(ContactProperty.contact)
                                 .distinct(), Contact)
    return dict(db.session.execute(query).all())


# --- the import ---------------------------------------------------------------------------------------


@dataclass
class _Row:
    line: int
    email: str
    key: str
    fields: dict[str, Any]
    properties: dict[str, tuple[str, Any]]


def run_import(plan: ImportPlan, rows: Iterable[tuple[int, list[str]]], *,
               progress: Progress | None = None) -> ImportReport:
    """Import the rows as `plan` says, in the current workspace; flushes, never commits."""
    rows = list(rows)
    report = ImportReport(rows=len(rows))
    progress = progress or (lambda done, total, step: None)
    progress(0, len(rows), "reading")
    good: list[_Row] = []
    first_line: dict[str, int] = {}
    for number, (line, cells) in enumerate(rows, 1):
        if number % CHUNK == 0:
            progress(number, len(rows), "reading")
        try:
            row = _read_row(plan, line, cells)
        except ValueError as error:
            report.rejected.append(Rejected(line, _email_in(plan, cells), str(error)))
            continue
        if row.key in first_line:
            report.duplicates += 1
            report.duplicate_rows.append(Rejected(line, row.email, _(
                "The address is in line %(line)s already; that first row is imported.", line=first_line[row.key])))
            continue
        first_line[row.key] = line
        good.append(row)

    added_ids: list[int] = []
    replaced: list[dict[str, Any]] = []
    for start in range(0, len(good), CHUNK):
        chunk = good[start:start + CHUNK]
        existing = {contact.email_key: contact for contact in db.session.scalars(
            current.scoped(Contact).where(Contact.email_key.in_([row.key for row in chunk])))}
        new = [row for row in chunk if row.key not in existing]
        added_ids += _add(new)
        report.added += len(new)
        old = [row for row in chunk if row.key in existing]
        if plan.policy == "skip":
            report.skipped += len(old)
        else:
            replaced += _update(old, existing, report)
            report.updated += len(old)
        progress(min(start + CHUNK, len(good)), len(good), "importing")

    record = ContactImport(
        workspace_id=current.workspace_id(), user_id=getattr(current.user(), "id", None), file_name=plan.file_name,
        source=plan.source, encoding=plan.encoding, delimiter=plan.delimiter, policy=plan.policy,
        mapping=mapping_document(plan.targets, plan.header), rows=report.rows, added=report.added,
        updated=report.updated, skipped=report.skipped, duplicates=report.duplicates, rejected=len(report.rejected),
        status_kept=report.status_kept, added_ids=added_ids, replaced=replaced,
        rejected_rows=[[r.line, r.email, r.reason] for r in sorted(report.rejected + report.duplicate_rows,
                                                                  key=lambda r: r.line)],
    )
    db.session.add(record)
    db.session.flush()
    report.import_id = record.id
    progress(len(good), len(good), "done")
    return report


def _email_in(plan: ImportPlan, cells: list[str]) -> str:
    place = next(place for place, target in plan.targets.items() if target.field == "email")
    return cells[place].strip()[:320] if place < len(cells) else ""


def _read_row(plan: ImportPlan, line: int, cells: list[str]) -> _Row:
    """The row's values; ValueError naming every cell that is wrong."""
    if len(cells) > len(plan.header) and any(cell.strip() for cell in cells[len(plan.header):]):
        raise ValueError(_("The line has %(cells)s values, the header %(columns)s; check its delimiters and quotes.",
                           cells=len(cells), columns=len(plan.header)))
    problems: list[str] = []
    email, key = "", ""
    fields: dict[str, Any] = {}
    properties: dict[str, tuple[str, Any]] = {}
    for place, target in plan.targets.items():
        text = cells[place] if place < len(cells) else ""
        column = plan.header[place]
        if len(text) > MAX_CELL:
            problems.append(_('"%(column)s" holds %(size)s characters, more than the %(limit)s a cell may have.',
                              column=column, size=len(text), limit=MAX_CELL))
            continue
        if target.field == "email":
            try:
                email = check_address(text.strip()).normalized
                key = search_key(email)
            except InvalidAddress as error:
                problems.append(_('"%(column)s": %(reason)s', column=column, reason=str(error)) if text.strip()
                                else _("The email address is empty."))
            continue
        if not text.strip():
            continue  # an empty cell sets nothing: a new contact gets the default, an existing one keeps its value
        try:
            value = parse_value(text, target)
        except ValueError as error:
            problems.append(_('"%(column)s": %(reason)s', column=column, reason=str(error)))
            continue
        if target.field in ("opens", "clicks") and not 0 <= value <= MAX_COUNT:
            problems.append(_('"%(column)s" should be a count from 0 to %(most)s.', column=column, most=MAX_COUNT))
        elif target.field in LIMITS and len(value) > LIMITS[target.field]:
            problems.append(_('"%(column)s" is longer than %(limit)s characters.', column=column,
                              limit=LIMITS[target.field]))
        elif target.field == "property":
            properties[target.property] = (target.type, value)
        else:
            fields[target.field] = value
    if problems:
        raise ValueError(" ".join(problems))
    return _Row(line, email, key, fields, properties)


def _add(rows: list[_Row]) -> list[int]:
    if not rows:
        return []
    now = utcnow()
    values = []
    for row in rows:
        name = row.fields.get("name", "")
        values.append({
            "workspace_id": current.workspace_id(), "email": row.email, "email_key": row.key, "name": name,
            "name_key": search_key(name)[:KEY_LENGTH], "status": row.fields.get("status", "subscribed"),
            "opens": row.fields.get("opens", 0), "clicks": row.fields.get("clicks", 0),
            **{name: row.fields.get(name) for name in ("last_open_at", "last_click_at", "opted_in_at", "confirmed_at",
                                                       "double_opt_in")},
            "consent_source": row.fields.get("consent_source", ""), "created_at": now, "updated_at": now,
        })
    # One executemany, then the new IDs by address: an INSERT ... RETURNING in the rows' order goes row by row
    # on SQLite, ten times slower.
    db.session.execute(Contact.__table__.insert(), values)
    found = dict(db.session.execute(select(Contact.email_key, Contact.id).where(
        Contact.workspace_id == current.workspace_id(), Contact.email_key.in_([row.key for row in rows]))).all())
    ids = [found[row.key] for row in rows]
    _insert_properties([(contact_id, row.properties) for contact_id, row in zip(ids, rows)])
    return ids


def _insert_properties(rows: list[tuple[int, dict[str, tuple[str, Any]]]]) -> None:
    values = [property_values(contact_id, name, kind, value)
              for contact_id, properties in rows for name, (kind, value) in properties.items()]
    if values:  # the table's INSERT, run as one executemany (the ORM's bulk insert sends a statement per row here)
        db.session.execute(ContactProperty.__table__.insert(), values)


def property_values(contact_id: int, name: str, kind: str, value: Any) -> dict[str, Any]:
    """A contact_properties row: the type's column set, every other column null (so every row has every key)."""
    return {"contact_id": contact_id, "name": name, "type": kind,
            **{f"{other}_value": (value if other == kind else None)
               for other in ("string", "integer", "decimal", "boolean", "datetime")}}


def _update(rows: list[_Row], existing: dict[str, Contact], report: ImportReport) -> list[dict[str, Any]]:
    """Update the contacts with the rows' values; what they held before, for Undo."""
    before: list[dict[str, Any]] = []
    changes = []
    for row in rows:
        contact = existing[row.key]
        fields = dict(row.fields)
        if fields.get("status") == "subscribed" and contact.status != "subscribed":
            del fields["status"]  # unsubscribed, bounced or complained: never subscribed again by a list
            report.status_kept += 1
        if "name" in fields:
            fields["name_key"] = search_key(fields["name"])[:KEY_LENGTH]
        before.append({"id": contact.id, "fields": {name: _jsonable(getattr(contact, name)) for name in fields},
                       "properties": {}})
        if fields:
            changes.append({"id": contact.id, **fields, "updated_at": utcnow()})
    ids = [existing[row.key].id for row in rows]
    names = sorted({name for row in rows for name in row.properties})
    if names:
        held = db.session.execute(select(ContactProperty).where(ContactProperty.contact_id.in_(ids),
                                                                ContactProperty.name.in_(names))).scalars()
        by_id = {entry["id"]: entry for entry in before}
        for prop in held:
            by_id[prop.contact_id]["properties"][prop.name] = [prop.type, _jsonable(prop.value)]
    for entry, row in zip(before, rows):
        for name in row.properties:
            entry["properties"].setdefault(name, None)  # None: it had no such property
    db.session.expire_all()  # the bulk statements below change rows the session may hold
    if changes:
        db.session.execute(update(Contact), changes)
    for row, contact_id in zip(rows, ids):
        if row.properties:
            db.session.execute(delete(ContactProperty).where(ContactProperty.contact_id == contact_id,
                                                             ContactProperty.name.in_(list(row.properties))))
    _insert_properties([(contact_id, row.properties) for contact_id, row in zip(ids, rows)])
    return before


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def _value(kind: str, value: Any) -> Any:
    if value is None:
        return None
    if kind == "datetime":
        return datetime.fromisoformat(value)
    if kind == "decimal":
        return Decimal(value)
    return value


# --- undo -------------------------------------------------------------------------------------------


def undo_import(record: ContactImport) -> None:
    """Put the contacts back as they were before `record`: remove those it added, restore what it replaced.
    Only the workspace's latest import that is not undone yet can be undone (a later one may have changed the
    same contacts)."""
    if record.undone_at is not None:
        raise Conflict(_("This import was undone already."))
    latest = db.session.scalar(current.scoped(ContactImport, ContactImport.id)
                               .where(ContactImport.undone_at.is_(None)).order_by(ContactImport.id.desc()).limit(1))
    if latest != record.id:
        raise Conflict(_("A later import may have changed the same contacts: undo the later imports first."))
    workspace_id = current.workspace_id()
    for start in range(0, len(record.added_ids), CHUNK):
        db.session.execute(delete(Contact).where(Contact.workspace_id == workspace_id,
                                                 Contact.id.in_(record.added_ids[start:start + CHUNK])))
    kinds = {name: kind for name, (kind, _names) in FIELDS.items()}
    kinds["name_key"] = "string"
    still_there: set[int] = set()
    ids = [entry["id"] for entry in record.replaced]
    for start in range(0, len(ids), CHUNK):
        still_there.update(db.session.scalars(select(Contact.id).where(Contact.workspace_id == workspace_id,
                                                                       Contact.id.in_(ids[start:start + CHUNK]))))
    for entry in record.replaced:
        if entry["id"] not in still_there:
            continue  # deleted since: nothing to restore
        fields = {name: _value(kinds[name], value) for name, value in entry["fields"].items()}
        if fields:
            db.session.execute(update(Contact).where(Contact.workspace_id == workspace_id, Contact.id == entry["id"])
                               .values(**fields, updated_at=utcnow()))
        names = list(entry["properties"])
        if names:
            db.session.execute(delete(ContactProperty).where(ContactProperty.contact_id == entry["id"],
                                                             ContactProperty.name.in_(names)))
            _insert_properties([(entry["id"], {name: (old[0], _value(old[0], old[1]))
                                               for name, old in entry["properties"].items() if old is not None})])
    record.undone_at = utcnow()
    db.session.flush()


# --- a whole file, as the page, the API and the command import it ---------------------------------------


def import_file(data: bytes, *, policy: Any, file_name: str = "", encoding: str | None = None,
                delimiter: str | None = None, mapping: Any = None, source: str = "",
                progress: Progress | None = None) -> ImportReport:
    """Read, map and import a file; ValidationError (nothing written) when it cannot be read or mapped. Without
    a mapping: the one saved for the source or this header, else the guessed one. The mapping used is saved."""
    from . import services
    from .mapping import guess_mapping
    from .reading import UnreadableFile, read_csv

    try:
        csv_file = read_csv(data, encoding=encoding or None, delimiter=delimiter or None)
    except UnreadableFile as error:
        raise ValidationError({"file": str(error)}) from None
    if mapping is None:
        mapping = services.saved_mapping(csv_file.header, source) or guess_mapping(csv_file.header, csv_file.rows)
    plan = plan_import(csv_file, mapping, policy, file_name=file_name, source=source)
    if not csv_file.rows:
        raise ValidationError({"file": _("The file has a header row but no contacts below it.")})
    report = run_import(plan, csv_file.rows, progress=progress)
    services.save_mapping(csv_file.header, mapping_document(plan.targets, plan.header), source)
    return report
