"""Importing a large contact list in the background: the job "contacts.import" reads the kept upload and runs
the same import as the page (importing.import_file), all in one transaction.

Its progress is noted without a commit (jobs.Running.note; the heartbeat writes it on a connection of its own),
so nothing of the import is saved before the job ends: the worker's last commit saves the contacts, the import
record and the job's "done" together. A worker stopped half-way leaves the contacts as they were, and the job
run again after it imports the whole file once. The kept file is deleted once the import is saved.
"""

from __future__ import annotations

from typing import Any

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

import jobs
from journeymail.validation import ValidationError

from . import importing, services
from .mapping import guess_mapping
from .reading import CsvFile

KIND = "contacts.import"
STEPS = {"reading": _l("Checking the rows"), "importing": _l("Writing the contacts"), "done": _l("Saving the import")}


def runs_in_background(csv_file: CsvFile) -> bool:
    """Whether the file has more rows than CONTACTS_IMPORT_JOB_ROWS, so a job imports it."""
    return len(csv_file.rows) > int(current_app.config["CONTACTS_IMPORT_JOB_ROWS"])


def start_import(token: str, csv_file: CsvFile, *, policy: Any, mapping: Any, file_name: str,
                 source: str = "") -> jobs.Job:
    """Check the policy and the mapping now (ValidationError: no job), then start the job that imports the
    kept upload `token` as `csv_file` was read. Without a mapping: the saved one, else the guessed one."""
    if mapping is None:
        mapping = services.saved_mapping(csv_file.header, source) or guess_mapping(csv_file.header, csv_file.rows)
    importing.plan_import(csv_file, mapping, policy, file_name=file_name, source=source)
    params = {"upload": token, "policy": policy, "encoding": csv_file.encoding, "delimiter": csv_file.delimiter,
              "mapping": mapping, "source": source, "file_name": file_name}
    title = _("Import of %(file)s", file=file_name) if file_name else _("Import of a contact list")
    return jobs.start(KIND, params, title=title)


@jobs.task(KIND)
def import_kept_upload(job: jobs.Running, params: dict[str, Any]) -> dict[str, Any]:
    """The job: import the kept upload; its result says and counts what was done and links to the import's report."""
    kept = services.kept_upload(str(params.get("upload", "")))
    if kept is None:
        raise jobs.JobFailed(_("The uploaded file is no longer on the server (an upload is kept for a day), so "
                               "nothing was imported. Upload the file again and import it."))
    data, _name = kept
    services.drop_upload_when_committed(params["upload"])

    def progress(done: int, total: int, step: str) -> None:
        job.note(done, total, str(STEPS.get(step, step)))

    try:
        report = importing.import_file(
            data, policy=params.get("policy"), file_name=params.get("file_name", ""),
            encoding=params.get("encoding"), delimiter=params.get("delimiter"), mapping=params.get("mapping"),
            source=params.get("source", ""), progress=progress)
    except ValidationError as error:  # raised before the import writes anything: the job fails with nothing saved
        raise jobs.JobFailed(_("Nothing was imported: %(problems)s",
                               problems=" ".join(error.fields.values()) or error.message)) from None
    summary = _("Imported: %(added)s added, %(updated)s updated, %(skipped)s skipped, %(rejected)s rejected.",
                added=report.added, updated=report.updated, skipped=report.skipped, rejected=len(report.rejected))
    return {"summary": summary, "import_id": report.import_id, "rows": report.rows, "added": report.added,
            "updated": report.updated, "skipped": report.skipped, "duplicates": report.duplicates,
            "rejected": len(report.rejected),
            "url": report_path(report.import_id), "link_text": _("Open the import report")}


def report_path(import_id: int | None) -> str:
    """The report page's path, built without a request (the worker has none)."""
    adapter = current_app.url_map.bind("localhost", script_name=current_app.config.get("APPLICATION_ROOT") or "/")
    return adapter.build("contacts.import_report", {"import_id": import_id})
