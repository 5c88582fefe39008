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
from journeymail.addresses import AddressChecker, InvalidAddress
from journeymail.extensions import db
from journeymail.validation import Conflict, ValidationError

from .mapping import FIELDS, Target, check_mapping, mapping_document, value_reader
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
    reader: Any = field(default=None, repr=False, compare=False)  # how run_import reads the rows (_Reader)


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


@dataclass(slots=True)
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
    plan.reader = _Reader(plan)
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
        new = [row for row in chunk if row.key not in existing] if existing else chunk
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


class _Reader:
    """How one import reads its rows, worked out once: each mapped column's place, name, target and value reader
    (mapping.value_reader), and one address checker, which checks each domain of the file once."""

    def __init__(self, plan: ImportPlan) -> None:
        self.columns = [(place, plan.header[place], target, target.field, value_reader(target))
                        for place, target in plan.targets.items()]
        self.width = len(plan.header)
        self.addresses = AddressChecker()


def _read_row(plan: ImportPlan, line: int, cells: list[str]) -> _Row:
    """The row's values; ValueError naming every cell that is wrong."""
    reader = plan.reader if plan.reader is not None else _Reader(plan)
    count = len(cells)
    if count > reader.width and any(cell.strip() for cell in cells[reader.width:]):
        raise ValueError(_("The line has %(cells)s values, the header %(columns)s; check its delimiters and quotes.",
                           cells=count, columns=reader.width))
    problems: list[str] = []
    email, key = "", ""
    fields: dict[str, Any] = {}
    properties: dict[str, tuple[str, Any]] = {}
    for place, column, target, name, read in reader.columns:
        text = cells[place] if place < count else ""
        if len(text) > MAX_CELL:
            problems.append(_('"%(column)s" holds %(size)s characters, more than the %(limit)s a cell may have.',
                              column=column, size=len(text), limit=MAX_CELL))
            continue
        text = text.strip()
        if name == "email":
            try:
                email = reader.addresses.check(text).normalized
                key = email.lower() if email.isascii() else search_key(email)
            except InvalidAddress as error:
                problems.append(_('"%(column)s": %(reason)s', column=column, reason=str(error)) if text
                                else _("The email address is empty."))
            continue
        if not text:
            continue  # an empty cell sets nothing: a new contact gets the default, an existing one keeps its value
        try:
            value = read(text)
        except ValueError as error:
            problems.append(_('"%(column)s": %(reason)s', column=column, reason=str(error)))
            continue
        if name == "property":
            properties[target.property] = (target.type, value)
        elif name in ("opens", "clicks") and not 0 <= value <= MAX_COUNT:
            problems.append(_('"%(column)s" should be a count from 0 to %(most)s.', column=column, most=MAX_COUNT))
        elif name in LIMITS and len(value) > LIMITS[name]:
            problems.append(_('"%(column)s" is longer than %(limit)s characters.', column=column,
                              limit=LIMITS[name]))
        else:
            fields[name] = value
    if problems:
        raise ValueError(" ".join(problems))
    return _Row(line, email, key, fields, properties)


def _key(text: str) -> str:
    """search_key, cut to the column: for ASCII text simply its lower case."""
    return (text.lower() if text.isascii() else search_key(text))[:KEY_LENGTH]


_CONTACT_COLUMNS = ("workspace_id", "email", "email_key", "name", "name_key", "status", "opens", "clicks",
                    "last_open_at", "last_click_at", "opted_in_at", "confirmed_at", "double_opt_in", "consent_source",
                    "created_at", "updated_at")
_PROPERTY_COLUMNS = ("contact_id", "name", "type", "string_value", "integer_value", "decimal_value", "boolean_value",
                     "datetime_value")
_TYPE_PLACE = {kind: 3 + place for place, kind in enumerate(("string", "integer", "decimal", "boolean", "datetime"))}


def _add(rows: list[_Row]) -> list[int]:
    if not rows:
        return []
    now = utcnow()
    workspace_id = current.workspace_id()
    values = []
    for row in rows:
        get = row.fields.get
        name = get("name", "")
        values.append((workspace_id, row.email, row.key, name, _key(name) if name else "", get("status", "subscribed"),
                       get("opens", 0), get("clicks", 0), get("last_open_at"), get("last_click_at"),
                       get("opted_in_at"), get("confirmed_at"), get("double_opt_in"), get("consent_source", ""), now,
                       now))
    # One executemany, then the new IDs by address: an INSERT ... RETURNING in the rows' order goes row by row
    # on SQLite, ten times slower.
    _insert(Contact.__table__, _CONTACT_COLUMNS, values)
    found = dict(db.session.execute(select(Contact.email_key, Contact.id).where(
        Contact.workspace_id == workspace_id, Contact.email_key.in_([row.key for row in rows]))).all())
    ids = [found[row.key] for row in rows]
    _insert_properties([(contact_id, row.properties) for contact_id, row in zip(ids, rows)])
    return ids


def _insert_properties(rows: list[tuple[int, dict[str, tuple[str, Any]]]]) -> None:
    """contact_properties rows: the type's column set, every other column null."""
    convert = _converters(ContactProperty.__table__, [f"{kind}_value" for kind in _TYPE_PLACE])
    empty = (None,) * 5
    values = []
    for contact_id, properties in rows:
        for name, (kind, value) in properties.items():
            place = _TYPE_PLACE[kind]
            processor = convert[place - 3]
            if processor is not None and value is not None:
                value = processor(value)
            values.append((contact_id, name, kind, *empty[:place - 3], value, *empty[place - 2:]))
    if values:
        _insert(ContactProperty.__table__, _PROPERTY_COLUMNS, values, converted=True)


def _converters(table: Any, columns: list[str] | tuple[str, ...]) -> list[Callable[[Any], Any] | None]:
    """What the driver is given for each column's value: on SQLite the column type's bind processor (SQLAlchemy's
    own, so the stored text is the same: datetimes as text, decimals as floats); elsewhere the values as they are
    (the table's INSERT converts them)."""
    dialect = db.session.connection().dialect
    if dialect.name != "sqlite":
        return [None] * len(columns)
    return [table.c[name].type.dialect_impl(dialect).bind_processor(dialect) for name in columns]


def _insert(table: Any, columns: tuple[str, ...], rows: list[tuple[Any, ...]], *, converted: bool = False) -> None:
    """The table's INSERT of these columns, run as one executemany. On SQLite straight to the driver (which saves
    building and processing a dictionary per row), each value converted as its column's type converts it (see
    _converters; `converted`: the rows are already); elsewhere the table's INSERT with dictionaries (PostgreSQL
    batches them into multi-row VALUES)."""
    connection = db.session.connection()
    if connection.dialect.name != "sqlite":
        connection.execute(table.insert(), [dict(zip(columns, row)) for row in rows])
        return
    converters = [] if converted else [(place, processor) for place, processor
                                       in enumerate(_converters(table, columns)) if processor is not None]
    if converters:
        done = []
        for row in rows:
            row = list(row)
            for place, processor in converters:
                if row[place] is not None:
                    row[place] = processor(row[place])
            done.append(tuple(row))
        rows = done
    connection.exec_driver_sql(f"INSERT INTO {table.name} ({', '.join(columns)}) "
                               f"VALUES ({', '.join('?' * len(columns))})", rows)


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
