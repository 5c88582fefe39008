"""make bench, contacts: issue 13's performance targets, measured in one run on data made here.

    python -m bench.contacts                        100,000 rows to import; 1,000,000 contacts to count and export
    python -m bench.contacts --rows 20000 --million 0     a smaller import, no million
    python -m bench.contacts --rebuild              build the million contacts again

1. A German Excel contact list (cp1252, `;`, CRLF): distinct addresses (umlauts in names, a few
   internationalised addresses), opens, clicks and the last open, 10 property columns (integers, German
   decimals "1.234,50", dates "31.12.2024", ja/nein, strings), 1 % bad rows (addresses, dates, numbers).
2. The bare validation of the same addresses, in this process: `email_validator.validate_email(address,
   check_deliverability=False, allow_smtputf8=True)`, exactly as journeymail.addresses.check_address calls it.
3. The import of the file through the CLI (`flask --app wsgi contacts import FILE`), in a fresh process,
   into a fresh SQLite file: rows/s over the process's whole wall time (its start included), the ratio to
   the bare validation, the target (60 %) met or not, and the process's peak RSS.
4. A million contacts with properties, written with plain SQL into build/bench/contacts-1m-KEY.sqlite
   (reused while the schema is unchanged): counting a 3-condition nested rule (target under 500 ms) and
   exporting them all to CSV (target 200,000 rows/s, peak memory under 200 MB), each in a fresh process.
   Both call functions another branch writes (contacts.rules.count_matching, contacts.export.
   write_contacts_csv); until they exist the bench says "not built yet".

Timings vary on a shared machine: nothing here is pass/fail for the test suite (tests/test_bench_contacts.py
only checks that it runs).
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import io
import json
import os
import random
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from bench.grid import FOLDER, ROOT, config_for

IMPORT_TARGET = 0.60  # of bare validation throughput
COUNT_TARGET_MS = 500
EXPORT_TARGET_ROWS_S = 200_000
EXPORT_TARGET_MB = 200
WORKSPACE = "Bench contacts"

# The rule the count is timed with (issue 13's example): three conditions, one level nested.
RULE = {"all": [{"field": "opens", "op": "gt", "value": 3},
                {"any": [{"field": "property:plan", "op": "eq", "value": "pro"},
                         {"field": "last_click_at", "op": "within_days", "value": 30}]}]}

# --- the contact list --------------------------------------------------------------------------------

FIRST = ["Jürgen", "Günther", "Jörg", "Sören", "Björn", "Käthe", "Anna", "Lena", "Lukas", "Jonas", "Marie", "Sophie",
         "Felix", "Maximilian", "Paul", "Emma", "Mia", "Hannah", "Leon", "Ben", "Elias", "Noah", "Lea", "Clara",
         "Özlem", "Zoë", "François", "Renée", "Ines", "Stefan", "Thomas", "Andreas", "Sabine", "Ute", "Heike"]
LAST = ["Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker", "Schulz", "Hoffmann",
        "Schäfer", "Koch", "Bauer", "Richter", "Klein", "Wolf", "Schröder", "Neumann", "Schwarz", "Zimmermann",
        "Braun", "Krüger", "Hofmann", "Hartmann", "Lange", "Schmitt", "Werner", "Krause", "Groß", "Weiß", "Köhler",
        "Jäger", "Böhm", "Krämer", "Strauß", "Öztürk", "Yilmaz", "Lehmann", "Kaiser"]
FREEMAIL = ["gmail.com", "web.de", "gmx.de", "t-online.de", "outlook.com", "yahoo.de", "gmx.net", "posteo.de",
            "icloud.com", "hotmail.de", "freenet.de", "mailbox.org", "gmx.at", "bluewin.ch"]
BRANCHES = ["baeckerei", "elektro", "consulting", "immobilien", "praxis", "autohaus", "verlag", "reisen", "design"]
CITIES = ["Berlin", "Hamburg", "München", "Köln", "Frankfurt am Main", "Düsseldorf", "Stuttgart", "Leipzig",
          "Nürnberg", "Graz", "Zürich", "Wien", "Lübeck", "Göttingen", "Würzburg", "Saarbrücken"]
PLANS = ["free", "basic", "pro", "team"]
HEADER = ["E-Mail", "Name", "Öffnungen", "Klicks", "Letzte Öffnung", "Kundennummer", "Umsatz", "Rabatt", "Punkte",
          "Geburtstag", "Kunde seit", "Newsletter", "Premium", "Stadt", "Tarif"]
MAPPING = {
    "E-Mail": "email", "Name": "name", "Öffnungen": "opens", "Klicks": "clicks", "Letzte Öffnung": "last_open_at",
    "Kundennummer": {"property": "kundennummer", "type": "integer"},
    "Umsatz": {"property": "umsatz", "type": "decimal", "comma": True},
    "Rabatt": {"property": "rabatt", "type": "decimal", "comma": True},
    "Punkte": {"property": "punkte", "type": "integer"},
    "Geburtstag": {"property": "geburtstag", "type": "datetime"},
    "Kunde seit": {"property": "kunde_seit", "type": "datetime"},
    "Newsletter": {"property": "newsletter", "type": "boolean"},
    "Premium": {"property": "premium", "type": "boolean"},
    "Stadt": {"property": "stadt", "type": "string"},
    "Tarif": {"property": "plan", "type": "string"},
}
PROPERTIES = 10
# What makes a bad row: an address email-validator refuses, or a value the mapping cannot read.
BAD_ADDRESSES = ["{local}.example.de", "{local}@@example.de", "{local}@example", "{local}..x@example.de",
                 "{local} x@example.de", "{local}@-example.de", ".{local}@example.de"]
BAD_VALUES = [(9, "31.02.2024"), (6, "12,5,0"), (11, "vielleicht"), (5, "K-1234"), (10, "2024-13-01")]


def _ascii(text: str) -> str:
    for german, plain in (("ä", "ae"), ("ö", "oe"), ("ü", "ue"), ("ß", "ss"), ("Ä", "Ae"), ("Ö", "Oe"), ("Ü", "Ue")):
        text = text.replace(german, plain)
    return text.encode("ascii", "ignore").decode().lower()


def _money(value: float) -> str:
    """German: 1.234,50."""
    whole, cents = f"{value:.2f}".split(".")
    return f"{int(whole):,}".replace(",", ".") + "," + cents


def contact_rows(count: int, seed: int = 13) -> Iterator[list[str]]:
    """`count` rows of distinct addresses, one in a hundred bad (its address or one of its values)."""
    rng = random.Random(seed)
    today = date(2025, 6, 1)
    companies = [f"{_ascii(rng.choice(LAST))}-{rng.choice(BRANCHES)}{n}.de" for n in range(max(50, count // 20))]
    for n in range(count):
        first, last = rng.choice(FIRST), rng.choice(LAST)
        local = f"{_ascii(first)}.{_ascii(last)}{n}"
        if n % 200 == 7:  # internationalised: the local part keeps its umlauts
            local = f"{first.lower()}.{last.lower()}{n}"
        domain = rng.choice(FREEMAIL) if rng.random() < 0.6 else rng.choice(companies)
        if n % 250 == 11:  # an internationalised domain
            domain = f"{last.lower()}-bäckerei{n % 97}.de"
        address = f"{local}@{domain}"
        opens = rng.choice([0, 0, 1, 2, 3, 5, 8, 13, 21, 40])
        last_open = "" if not opens else (today - timedelta(days=rng.randrange(400), minutes=rng.randrange(1440)))
        row = [
            address, f"{first} {last}" if rng.random() < 0.95 else "", str(opens), str(rng.randrange(0, opens + 1)),
            last_open.strftime("%d.%m.%Y %H:%M") if last_open else "",
            str(100000 + n), _money(rng.random() * 5000), f"{rng.choice([0, 5, 10, 12.5, 15])}".replace(".", ","),
            str(rng.randrange(0, 10000)), (date(1950, 1, 1) + timedelta(days=rng.randrange(20000))).strftime("%d.%m.%Y"),
            (today - timedelta(days=rng.randrange(3000))).strftime("%d.%m.%Y"), rng.choice(["ja", "nein"]),
            rng.choice(["ja", "nein", "nein", ""]), rng.choice(CITIES), rng.choice(PLANS),
        ]
        if n % 100 == 50:  # the bad one in a hundred
            if (n // 100) % 5 < 3:
                row[0] = rng.choice(BAD_ADDRESSES).format(local=local)
            else:
                column, value = BAD_VALUES[(n // 100) % len(BAD_VALUES)]
                row[column] = value
        yield row


def write_list(path: Path, count: int, seed: int = 13) -> list[str]:
    """The contact list as German Excel saves it; its addresses, as the file holds them."""
    text = io.StringIO(newline="")
    writer = csv.writer(text, delimiter=";", lineterminator="\r\n")
    writer.writerow(HEADER)
    addresses = []
    for row in contact_rows(count, seed):
        addresses.append(row[0])
        writer.writerow(row)
    path.write_bytes(text.getvalue().encode("cp1252"))
    return addresses


def bare_validation(addresses: list[str]) -> tuple[float, float, int]:
    """Wall and CPU seconds to validate every address as check_address does (the faster of two runs), and how
    many were valid."""
    from email_validator import EmailNotValidError, validate_email

    best, best_cpu, valid = float("inf"), float("inf"), 0
    for _ in range(2):
        valid = 0
        start, cpu = time.perf_counter(), time.process_time()
        for address in addresses:
            try:
                validate_email(address.strip(), check_deliverability=False, allow_smtputf8=True)
                valid += 1
            except EmailNotValidError:
                pass
        best, best_cpu = min(best, time.perf_counter() - start), min(best_cpu, time.process_time() - cpu)
    return best, best_cpu, valid


# --- processes, timed ------------------------------------------------------------------------------


@dataclass
class Run:
    code: int
    wall: float
    cpu: float
    peak_mb: float
    out: str
    err: str


def run_timed(args: list[str], env: dict[str, str] | None = None, stdin: str = "") -> Run:
    """Run a command to its end: its wall and CPU time and its peak RSS (wait4's, of that process alone)."""
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        start = time.perf_counter()
        process = subprocess.Popen(args, cwd=ROOT, env={**os.environ, **(env or {})}, stdout=out, stderr=err,
                                   stdin=subprocess.PIPE, text=True)
        process.stdin.write(stdin)
        process.stdin.close()
        _pid, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return Run(process.returncode, wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, out.read(),
                   err.read())


def app_env(database: Path, folder: Path) -> dict[str, str]:
    """The environment the CLI runs in: the bench's database and job queue, never the developer's."""
    return {"DATABASE_URL": f"sqlite:///{database}", "JOBS_URL": f"sqlite:///{folder / 'jobs.db'}",
            "SECRET_KEY": "bench-secret-key", "JOURNEYMAIL_ENV": "production", "PYTHONHASHSEED": "0"}


def flask(*args: str) -> list[str]:
    return [sys.executable, "-m", "flask", "--app", "wsgi", *args]


def prepare_database(database: Path, folder: Path) -> None:
    """A fresh database with the schema (`flask db upgrade`, as a user's) and a workspace with its owner."""
    database.unlink(missing_ok=True)
    env = app_env(database, folder)
    for command, stdin in ((flask("db", "upgrade"), ""),
                           (flask("users", "create", "bench@journeymail.example", "--name", "Bench",
                                  "--workspace", WORKSPACE), "bench-password-for-signing-in\n")):
        done = run_timed(command, env, stdin)
        if done.code != 0:
            raise SystemExit(f"{' '.join(command[3:])} failed:\n{done.err[-3000:]}")


def measure_import(rows: int, folder: Path, seed: int = 13) -> dict[str, Any]:
    """Generate the list, validate its addresses bare, import it through the CLI into a fresh database."""
    source = folder / "kontakte.csv"
    started = time.perf_counter()
    addresses = write_list(source, rows, seed)
    generated = time.perf_counter() - started
    bare_s, bare_cpu_s, valid = bare_validation(addresses)
    database = folder / "import.sqlite"
    prepare_database(database, folder)
    start_up = run_timed(flask("contacts", "--help"), app_env(database, folder))
    done = run_timed(flask("contacts", "import", str(source), "--workspace", WORKSPACE, "--policy", "skip",
                           "--encoding", "cp1252", "--delimiter", ";", "--mapping", json.dumps(MAPPING)),
                     app_env(database, folder))
    if done.code != 0:
        raise SystemExit(f"the import failed:\n{done.err[-3000:]}")
    with sqlite3.connect(database) as connection:
        contacts = connection.execute("SELECT count(*) FROM contacts").fetchone()[0]
        properties = connection.execute("SELECT count(*) FROM contact_properties").fetchone()[0]
        rejected = connection.execute("SELECT rejected FROM contact_imports").fetchone()[0]
    bare_rate = rows / bare_s
    rate = rows / done.wall
    cpu_ratio = bare_cpu_s / done.cpu  # rows/s by CPU time, the import's over the bare validation's
    return {"rows": rows, "bytes": source.stat().st_size, "generated_s": generated, "valid": valid,
            "bare_s": bare_s, "bare_cpu_s": bare_cpu_s, "bare_rows_s": bare_rate, "import_s": done.wall,
            "import_cpu_s": done.cpu, "start_up_s": start_up.wall, "start_up_cpu_s": start_up.cpu,
            "import_rows_s": rate, "ratio": rate / bare_rate, "cpu_ratio": cpu_ratio,
            "without_start_up_ratio": bare_cpu_s / max(done.cpu - start_up.cpu, 1e-9),
            "met": rate / bare_rate >= IMPORT_TARGET, "peak_mb": done.peak_mb, "contacts": contacts,
            "properties": properties, "rejected": rejected, "summary": done.out.splitlines()[0] if done.out else ""}


def import_lines(found: dict[str, Any]) -> list[str]:
    met = "met" if found["met"] else "NOT met"
    cpu_met = "met" if found["cpu_ratio"] >= IMPORT_TARGET else "NOT met"
    return [
        f"Contact list: {found['rows']:,} rows, {found['bytes'] / 1e6:.1f} MB cp1252 with ';', {PROPERTIES} "
        f"properties, {found['rows'] - found['valid']:,} bad addresses and {found['rejected']:,} rows rejected in all "
        f"(made in {found['generated_s']:.1f} s)",
        f"  bare validate_email (check_deliverability=False, allow_smtputf8=True): {found['bare_rows_s']:,.0f} "
        f"addresses/s ({found['bare_s']:.2f} s wall, {found['bare_cpu_s']:.2f} s CPU)",
        f"  CLI import (flask --app wsgi contacts import, a fresh process, fresh SQLite): {found['import_rows_s']:,.0f} "
        f"rows/s ({found['import_s']:.2f} s wall, {found['import_cpu_s']:.2f} s CPU, of which start-up "
        f"{found['start_up_s']:.2f} s wall, {found['start_up_cpu_s']:.2f} s CPU), peak RSS {found['peak_mb']:.0f} MB",
        f"  ratio {found['ratio']:.0%} of bare validation; target >= {IMPORT_TARGET:.0%}: {met}",
        f"  by CPU time (steadier on a shared machine): {found['cpu_ratio']:.0%}, {cpu_met}; without the process's "
        f"start-up {found['without_start_up_ratio']:.0%}",
        f"  wrote {found['contacts']:,} contacts and {found['properties']:,} properties: {found['summary']}",
    ]


# --- a million contacts ---------------------------------------------------------------------------------


def million_key() -> str:
    """A hash of what decides the million's file: the contacts tables and the code that fills them."""
    import inspect

    from sqlalchemy.schema import CreateTable

    import accounts.models  # noqa: F401  (every room's tables, so the foreign keys resolve)
    import campaigns.models  # noqa: F401
    import contacts.models  # noqa: F401
    import exports.models  # noqa: F401
    import jobs.models  # noqa: F401
    import segments.models  # noqa: F401
    from journeymail.extensions import db

    digest = hashlib.blake2b(digest_size=6)
    for part in (fill_million, million_rows, create_schema):
        digest.update(inspect.getsource(part).encode())
    for table in db.metadata.sorted_tables:
        digest.update(str(CreateTable(table)).encode())
    return digest.hexdigest()


def million_path(count: int, key: str, folder: Path = FOLDER) -> Path:
    label = "1m" if count == 1_000_000 else str(count)
    return folder / f"contacts-{label}-{key}.sqlite"


def create_schema(database: Path) -> int:
    """The schema (create_all, as the campaign bench builds its files) and the workspace; its ID."""
    from accounts import services
    from journeymail import create_app
    from journeymail.extensions import db

    app = create_app(config_for(database))
    with app.app_context():
        db.create_all()
        workspace = services.create_workspace(WORKSPACE)
        db.session.commit()
        found = workspace.id
        db.session.remove()
        db.engine.dispose()
    return found


def million_rows(count: int, workspace_id: int, seed: int = 1) -> Iterator[tuple[tuple[Any, ...], list[tuple[Any, ...]]]]:
    """Each contact's row and its property rows, as SQLAlchemy writes them on SQLite (datetimes as text)."""
    rng = random.Random(seed)
    now = datetime(2025, 6, 1, tzinfo=timezone.utc)

    def stamp(moment: datetime) -> str:
        return moment.strftime("%Y-%m-%d %H:%M:%S.%f")

    created = stamp(now)
    statuses = ["subscribed"] * 17 + ["unsubscribed", "bounced", "complained"]
    for n in range(count):
        email = f"kontakt{n:07d}@{FREEMAIL[n % len(FREEMAIL)]}"
        opens = rng.choice([0, 0, 1, 2, 3, 4, 5, 8, 13])
        clicks = rng.randrange(0, opens + 1)
        last_open = stamp(now - timedelta(days=rng.randrange(365))) if opens else None
        last_click = stamp(now - timedelta(days=rng.randrange(365))) if clicks else None
        name = f"{FIRST[n % len(FIRST)]} {LAST[(n // 7) % len(LAST)]}"
        contact = (n + 1, workspace_id, email, email, name, name.casefold(), statuses[n % len(statuses)], opens,
                   clicks, last_open, last_click, created, None, "", None, created, created)
        properties = [(n + 1, "plan", "string", PLANS[rng.randrange(4)], None, None, None, None),
                      (n + 1, "umsatz", "decimal", None, None, round(rng.random() * 5000, 2), None, None),
                      (n + 1, "newsletter", "boolean", None, None, None, rng.random() < 0.5, None)]
        yield contact, properties


def fill_million(database: Path, count: int) -> None:
    """`count` contacts with 3 properties each, in plain SQL (executemany in large batches, no journal)."""
    workspace_id = create_schema(database)
    connection = sqlite3.connect(database)
    connection.execute("PRAGMA journal_mode=OFF")
    connection.execute("PRAGMA synchronous=OFF")
    contact_sql = ("INSERT INTO contacts (id, workspace_id, email, email_key, name, name_key, status, opens, clicks, "
                   "last_open_at, last_click_at, opted_in_at, confirmed_at, consent_source, double_opt_in, "
                   "created_at, updated_at) VALUES (" + ", ".join("?" * 17) + ")")
    property_sql = ("INSERT INTO contact_properties (contact_id, name, type, string_value, integer_value, "
                    "decimal_value, boolean_value, datetime_value) VALUES (" + ", ".join("?" * 8) + ")")
    batch_contacts: list[tuple[Any, ...]] = []
    batch_properties: list[tuple[Any, ...]] = []
    for contact, properties in million_rows(count, workspace_id):
        batch_contacts.append(contact)
        batch_properties.extend(properties)
        if len(batch_contacts) == 50_000:
            connection.executemany(contact_sql, batch_contacts)
            connection.executemany(property_sql, batch_properties)
            batch_contacts, batch_properties = [], []
    connection.executemany(contact_sql, batch_contacts)
    connection.executemany(property_sql, batch_properties)
    connection.commit()
    connection.execute("ANALYZE")
    connection.close()


def ensure_million(count: int, rebuild: bool, folder: Path = FOLDER) -> Path:
    """The million's file, built when missing (in a process of its own: it builds an app)."""
    database = million_path(count, million_key(), folder)
    if rebuild or not database.is_file():
        folder.mkdir(parents=True, exist_ok=True)
        for stale in folder.glob(f"contacts-{'1m' if count == 1_000_000 else count}-*.sqlite*"):
            stale.unlink(missing_ok=True)
        partial = database.with_suffix(".building")
        partial.unlink(missing_ok=True)
        started = time.perf_counter()
        print(f"building {count:,} contacts ...", end=" ", file=sys.stderr, flush=True)
        done = run_timed([sys.executable, "-m", "bench.contacts", "fill", str(partial), str(count)])
        if done.code != 0:
            raise SystemExit(f"building the contacts failed:\n{done.err[-3000:]}")
        partial.rename(database)
        print(f"{time.perf_counter() - started:.0f} s", file=sys.stderr)
    return database


class Sink:
    """Where the export writes: counts bytes and lines, keeps nothing. Called, or written to (str or bytes)."""

    def __init__(self) -> None:
        self.bytes = 0
        self.lines = 0

    def write(self, chunk: str | bytes) -> int:
        data = chunk.encode() if isinstance(chunk, str) else bytes(chunk)
        self.bytes += len(data)
        self.lines += data.count(b"\n")
        return len(chunk)

    __call__ = write

    def flush(self) -> None:
        pass


def hooks() -> dict[str, Callable[[int], dict[str, Any]]]:
    """The measured calls, by name: each takes the workspace ID and returns what it found."""

    def count(workspace_id: int) -> dict[str, Any]:
        from contacts.rules import count_matching

        return {"result": count_matching(RULE, workspace_id)}

    def export(workspace_id: int) -> dict[str, Any]:
        from contacts.export import write_contacts_csv
        from contacts.models import SegmentRule
        from journeymail.extensions import db
        from segments.models import Segment

        # one segment whose rule holds every contact (an empty "all"), so the export is the whole list
        everyone = Segment(workspace_id=workspace_id, name="Everyone", motivation="-", action="-", obstacle="-")
        db.session.add(everyone)
        db.session.flush()
        db.session.add(SegmentRule(workspace_id=workspace_id, segment_id=everyone.id, rule={"all": []}))
        db.session.flush()
        sink = Sink()
        write_contacts_csv(sink, workspace_id, [everyone.id])
        db.session.rollback()
        return {"result": sink.lines, "bytes": sink.bytes}

    return {"count": count, "export": export}


def measure_hook(name: str, database: Path) -> dict[str, Any]:
    """In this (fresh) process: time one hook on the database; "not built yet" when its module is missing."""
    from accounts import current
    from accounts.models import Workspace
    from journeymail import create_app
    from journeymail.extensions import db

    app = create_app(config_for(database))
    with app.app_context():
        space = db.session.scalar(db.select(Workspace).where(Workspace.name == WORKSPACE))
        current.use_workspace(space, "owner", None)
        before_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        start, cpu = time.perf_counter(), time.process_time()
        try:
            found = hooks()[name](space.id)
        except ImportError as error:
            return {"status": "not built yet", "detail": str(error)}
        seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"status": "ok", "seconds": seconds, "cpu_s": cpu, "before_mb": before_mb, "peak_mb": peak_mb, **found}


def run_hook(name: str, database: Path) -> dict[str, Any]:
    done = run_timed([sys.executable, "-m", "bench.contacts", "hook", name, str(database)])
    lines = done.out.strip().splitlines()
    if done.code != 0 or not lines:
        return {"status": f"failed (exit {done.code})", "detail": done.err.strip().splitlines()[-1:]}
    return json.loads(lines[-1])


def million_lines(count: int, database: Path, built_s: float | None) -> tuple[list[str], dict[str, Any],
                                                                             dict[str, Any]]:
    shown = database.relative_to(ROOT) if database.is_relative_to(ROOT) else database
    lines = [f"{count:,} contacts with 3 properties each in {shown}"
             + (f" (built in {built_s:.0f} s)" if built_s else " (reused)")]
    counted = run_hook("count", database)
    if counted["status"] == "ok":
        ms = counted["seconds"] * 1000
        lines.append(f"  count a 3-condition nested rule (contacts.rules.count_matching): {counted['result']:,} match "
                     f"in {ms:.0f} ms, peak RSS {counted['peak_mb']:.0f} MB; target < {COUNT_TARGET_MS} ms: "
                     + ("met" if ms < COUNT_TARGET_MS else "NOT met"))
    else:
        lines.append(f"  count a 3-condition nested rule: {counted['status']} ({'; '.join(counted.get('detail') or [])})"
                     if counted["status"] != "not built yet" else
                     "  count a 3-condition nested rule (contacts.rules.count_matching): not built yet")
    exported = run_hook("export", database)
    if exported["status"] == "ok":
        rate = count / exported["seconds"]
        met = rate >= EXPORT_TARGET_ROWS_S and exported["peak_mb"] < EXPORT_TARGET_MB
        lines.append(f"  export to CSV (contacts.export.write_contacts_csv): {exported['result']:,} lines, "
                     f"{exported['bytes'] / 1e6:.0f} MB in {exported['seconds']:.2f} s = {rate:,.0f} rows/s, peak RSS "
                     f"{exported['peak_mb']:.0f} MB ({exported['before_mb']:.0f} MB before the call); target >= "
                     f"{EXPORT_TARGET_ROWS_S:,} rows/s and < {EXPORT_TARGET_MB} MB: " + ("met" if met else "NOT met"))
    else:
        lines.append(f"  export to CSV: {exported['status']} ({'; '.join(exported.get('detail') or [])})"
                     if exported["status"] != "not built yet" else
                     "  export to CSV (contacts.export.write_contacts_csv): not built yet")
    return lines, counted, exported


# --- the run -------------------------------------------------------------------------------------------


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.contacts", description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=100_000, help="rows of the imported list (default 100,000)")
    parser.add_argument("--million", type=int, default=1_000_000,
                        help="contacts to count and export (default 1,000,000; 0: none)")
    parser.add_argument("--rebuild", action="store_true", help="build the million contacts again")
    parser.add_argument("--folder", type=Path, default=FOLDER, help="where the million contacts are kept "
                        "(default build/bench/)")
    parser.add_argument("--json", type=Path, help="write the figures to this file too")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    print(f"\nContacts (issue 13), {time.strftime('%Y-%m-%d %H:%M')}, load {os.getloadavg()[0]:.1f}")
    figures: dict[str, Any] = {}
    if args.rows:
        with tempfile.TemporaryDirectory(prefix="bench-contacts-") as folder:
            figures["import"] = measure_import(args.rows, Path(folder))
        print("\n".join(import_lines(figures["import"])), flush=True)
    if args.million:
        started = time.perf_counter()
        existed = million_path(args.million, million_key(), args.folder).is_file() and not args.rebuild
        database = ensure_million(args.million, args.rebuild, args.folder)
        built = None if existed else time.perf_counter() - started
        figures["million"] = {"contacts": args.million, "database": str(database), "built_s": built}
        lines, figures["count"], figures["export"] = million_lines(args.million, database, built)
        print("\n".join(lines))
    if args.json:
        args.json.write_text(json.dumps(figures, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    if sys.argv[1:2] == ["fill"]:  # python -m bench.contacts fill FILE COUNT: the million's file, in a process of its own
        fill_million(Path(sys.argv[2]), int(sys.argv[3]))
    elif sys.argv[1:2] == ["hook"]:  # python -m bench.contacts hook NAME FILE: one hook timed, in a fresh process
        print(json.dumps(measure_hook(sys.argv[2], Path(sys.argv[3]))))
    else:
        sys.exit(main())
