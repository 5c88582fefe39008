"""Large contact lists are imported by a background job on the real queue: the preview page's Import and the
API start it, the job's page shows its progress and then links to the import's report; a job that cannot read
its file fails saying so; an import stopped half-way leaves the contacts as they were and runs again whole."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

import jobs
from api_support import error_of, saved_rows
from contacts import importing
from contacts.models import Contact, ContactImport
from contacts_support import api_import, csv_text
from jobs.models import Job
from jobs_support import gate, running_worker, wait_until
from journeymail.extensions import db
from test_contacts_pages import mapping_fields, preview_url, upload

LIMIT = 50  # rows a file may have and still be imported in the request


@pytest.fixture(autouse=True)
def job_rows(app: Flask) -> Iterator[None]:
    """Files of more than LIMIT rows go to the job (the app's setting, CONTACTS_IMPORT_JOB_ROWS, lowered)."""
    before = app.config["CONTACTS_IMPORT_JOB_ROWS"]
    app.config["CONTACTS_IMPORT_JOB_ROWS"] = LIMIT
    yield
    app.config["CONTACTS_IMPORT_JOB_ROWS"] = before


def contact_list(count: int) -> bytes:
    rows = [["email", "name"]] + [[f"reader{n:04}@example.com", f"Reader {n}"] for n in range(count)]
    return csv_text(rows, ",").encode()


def job_of(client: FlaskClient, job_id: int) -> dict[str, Any]:
    response = client.get(f"/api/jobs/{job_id}")
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()


def finished(client: FlaskClient, job_id: int) -> dict[str, Any] | None:
    job = job_of(client, job_id)
    return job if job["state"] in ("done", "failed") else None


def uploads_kept(app: Flask) -> list[str]:
    root = app.config["CONTACTS_UPLOAD_FOLDER"]
    return [name for folder, _dirs, names in os.walk(root) for name in names]


def test_a_large_file_imported_on_the_page_runs_as_a_job_with_progress_then_links_its_report(
        app: Flask, client: FlaskClient, queue: jobs.Queue, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(importing, "CHUNK", 20)  # progress every 20 rows, so 120 rows show some
    read_row = importing._read_row

    def held_at_line_62(plan: Any, line: int, cells: list[str]) -> Any:
        if line == 62:
            assert gate("rows").wait(timeout=20), "the test never let the import go on"
        return read_row(plan, line, cells)

    monkeypatch.setattr(importing, "_read_row", held_at_line_62)
    url = preview_url(upload(client, contact_list(120), name="newsletter.csv"))
    fields = mapping_fields(client.get(url).get_data(as_text=True))

    started = client.post("/contacts/import/preview", data={**fields, "step": "import", "policy": "skip"})

    assert started.status_code == 302 and started.headers["Location"].startswith("/jobs/")
    job_id = int(started.headers["Location"].rsplit("/", 1)[1])
    assert saved_rows(Contact) == [] and job_of(client, job_id)["state"] == "queued"
    with running_worker(app):
        running = wait_until(lambda: (job := job_of(client, job_id))["done"] == 60 and job)
        page = client.get(f"/jobs/{job_id}").get_data(as_text=True)
        assert saved_rows(Contact) == []  # nothing is saved while it runs
        gate("rows").set()
        ended = wait_until(lambda: finished(client, job_id))

    assert (running["state"], running["total"], running["step"]) == ("running", 120, "Checking the rows")
    assert "60 of 120" in page and "Checking the rows" in page and "The import of 120 rows runs in the background" in page
    assert ended["state"] == "done" and ended["errors"] == []
    assert ended["title"] == "Import of newsletter.csv"
    record = db.session.scalars(db.select(ContactImport)).one()
    assert ended["result"] == {"summary": "Imported: 120 added, 0 updated, 0 skipped, 0 rejected.",
                               "import_id": record.id, "rows": 120, "added": 120, "updated": 0, "skipped": 0,
                               "duplicates": 0, "rejected": 0, "url": f"/contacts/imports/{record.id}",
                               "link_text": "Open the import report"}
    assert len(saved_rows(Contact)) == 120
    done_page = client.get(f"/jobs/{job_id}").get_data(as_text=True)
    assert f'<a class="button primary" href="/contacts/imports/{record.id}">Open the import report</a>' in done_page
    assert "Imported: 120 added, 0 updated, 0 skipped, 0 rejected." in done_page and "<dt>import_id</dt>" not in done_page
    report = client.get(ended["result"]["url"]).get_data(as_text=True)
    assert 'id="count-added">120<' in report
    assert uploads_kept(app) == []  # the file is deleted once its import is saved
    assert "That upload is no longer here" in client.get(url, follow_redirects=True).get_data(as_text=True)


def test_the_api_answers_202_with_the_job_for_a_large_file(app: Flask, client: FlaskClient,
                                                           queue: jobs.Queue) -> None:
    answer = api_import(client, contact_list(80), policy="update", source="Shop")

    assert answer.status_code == 202
    job_id = answer.get_json()["job_id"]
    assert answer.headers["Location"].endswith(f"/api/jobs/{job_id}")
    assert len(uploads_kept(app)) == 2  # the file (and its name) wait for the job
    with running_worker(app):
        ended = wait_until(lambda: finished(client, job_id))
    assert ended["state"] == "done" and ended["result"]["added"] == 80
    assert len(saved_rows(Contact)) == 80 and uploads_kept(app) == []
    assert client.get(ended["result"]["url"]).status_code == 200

    again = api_import(client, contact_list(80), policy="update", source="Shop")  # a second job: updates all
    with running_worker(app):
        ended = wait_until(lambda: finished(client, again.get_json()["job_id"]))
    assert (ended["result"]["added"], ended["result"]["updated"]) == (0, 80)


def test_a_large_file_with_a_problem_starts_no_job_and_keeps_nothing(app: Flask, client: FlaskClient,
                                                                     queue: jobs.Queue) -> None:
    refused = api_import(client, contact_list(80))  # no policy

    assert refused.status_code == 422
    assert "Choose what happens to contacts that exist already" in error_of(refused)["fields"]["policy"]
    assert saved_rows(Job) == [] and uploads_kept(app) == [] and queue.huey.pending_count() == 0

    url = preview_url(upload(client, contact_list(80)))
    fields = mapping_fields(client.get(url).get_data(as_text=True))
    page = client.post("/contacts/import/preview", data={**fields, "step": "import"})
    assert page.status_code == 422 and "Choose what happens to contacts that exist already" in page.get_data(as_text=True)
    assert saved_rows(Job) == [] and saved_rows(Contact) == []


def test_a_job_whose_file_is_gone_fails_saying_so_and_imports_nothing(app: Flask, client: FlaskClient,
                                                                      queue: jobs.Queue) -> None:
    job_id = api_import(client, contact_list(80), policy="skip").get_json()["job_id"]
    root = app.config["CONTACTS_UPLOAD_FOLDER"]
    for folder, _dirs, names in os.walk(root):
        for name in names:
            os.remove(os.path.join(folder, name))  # swept, or the folder cleaned, before the worker came to it

    with running_worker(app):
        ended = wait_until(lambda: finished(client, job_id))

    assert ended["state"] == "failed"
    assert ended["errors"] == ["The uploaded file is no longer on the server (an upload is kept for a day), so "
                               "nothing was imported. Upload the file again and import it."]
    assert saved_rows(Contact) == [] and saved_rows(ContactImport) == []
    assert "Upload the file again and import it." in client.get(f"/jobs/{job_id}").get_data(as_text=True)


def test_an_import_job_stopped_half_way_leaves_the_contacts_as_they_were_and_runs_again_whole(
        app: Flask, client: FlaskClient, queue: jobs.Queue, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(importing, "CHUNK", 20)
    add = importing._add
    calls: list[int] = []

    def fails_at_the_third_chunk(rows: list[Any]) -> list[int]:
        calls.append(len(rows))
        if len(calls) == 3:
            raise RuntimeError("the database went away")  # two chunks are flushed by now
        return add(rows)

    monkeypatch.setattr(importing, "_add", fails_at_the_third_chunk)
    job_id = api_import(client, contact_list(100), policy="skip").get_json()["job_id"]
    with running_worker(app):
        stopped = wait_until(lambda: finished(client, job_id))

    assert stopped["state"] == "failed" and stopped["errors"][0].startswith("The job stopped because of an unexpected")
    assert saved_rows(Contact) == [] and saved_rows(ContactImport) == []
    assert len(uploads_kept(app)) == 2  # kept: the import can run again from it

    monkeypatch.setattr(importing, "_add", add)
    db.session.execute(db.update(Job).where(Job.id == job_id).values(state=jobs.QUEUED))  # as jobs.recover does
    db.session.commit()
    queue.enqueue(job_id)
    with running_worker(app):
        ended = wait_until(lambda: finished(client, job_id))

    assert ended["state"] == "done" and ended["result"]["added"] == 100
    assert len(saved_rows(Contact)) == 100 and len(saved_rows(ContactImport)) == 1
    assert uploads_kept(app) == []


def test_a_file_of_at_most_the_limit_is_still_imported_in_the_request(client: FlaskClient, queue: jobs.Queue) -> None:
    assert api_import(client, contact_list(LIMIT), policy="skip").status_code == 201

    url = preview_url(upload(client, contact_list(LIMIT)))
    fields = mapping_fields(client.get(url).get_data(as_text=True))
    done = client.post("/contacts/import/preview", data={**fields, "step": "import", "policy": "update"})

    assert done.status_code == 302 and done.headers["Location"].startswith("/contacts/imports/")
    assert saved_rows(Job) == [] and len(saved_rows(Contact)) == LIMIT
