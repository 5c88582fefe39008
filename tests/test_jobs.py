"""Background jobs: started in a request, run by a real Huey consumer, their progress, result and errors
seen through GET /api/jobs/<id> and the job's page while they run; recovered after a worker stopped."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner

import jobs
from accounts import current
from accounts.models import Membership, User, Workspace, aware, utcnow
from accounts.services import create_token
from api_support import ISO_UTC, auth_headers, error_of, saved, sign_in
from jobs.models import Job
from jobs_support import RUNS, gate, running_worker, wait_until
from journeymail.extensions import db
from segments.models import Segment

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def starter(web: Flask, owner: User, workspace: Workspace) -> Callable[..., Any]:
    """POST to the second app's route that starts a test.count job in a request, as the owner's token."""
    _, secret = create_token(owner, workspace, name="Jobs test")
    db.session.commit()
    browser = web.test_client()

    def start(params: dict[str, Any], **body: Any) -> Any:
        return browser.post("/api/test-jobs", json={"params": params, **body}, headers=auth_headers(secret))

    return start


def job_of(client: FlaskClient, job_id: int) -> dict[str, Any]:
    response = client.get(f"/api/jobs/{job_id}")
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()


def finished(client: FlaskClient, job_id: int) -> dict[str, Any] | None:
    job = job_of(client, job_id)
    return job if job["state"] in ("done", "failed") else None


def make_job(workspace: Workspace, **columns: Any) -> Job:
    """A job row as a worker might have left it (no task in the queue)."""
    job = Job(**{"workspace_id": workspace.id, "kind": "test.count", "title": "Left behind", "params": {"to": 2},
                 "errors": [], **columns})
    db.session.add(job)
    db.session.commit()
    return job


# --- a job's life ---------------------------------------------------------------------------------


def test_a_job_started_in_a_request_waits_then_runs_to_done_with_its_result(
        app: Flask, client: FlaskClient, starter: Callable[..., Any], queue: jobs.Queue) -> None:
    answer = starter({"to": 3})
    assert answer.status_code == 202
    job_id = answer.get_json()["job_id"]

    waiting = job_of(client, job_id)
    assert waiting["state"] == "queued" and waiting["done"] == 0 and waiting["result"] is None
    assert queue.pending_job_ids() == {job_id}  # enqueued once the request committed

    with running_worker(app):
        ended = wait_until(lambda: finished(client, job_id))

    assert ended["state"] == "done"
    assert ended["result"] == {"counted": 3, "workspace": "Plannery team", "segments_seen": 0, "language": "en"}
    assert (ended["done"], ended["total"], ended["step"]) == (3, 3, "Counting: 3")
    assert ended["errors"] == []
    assert ended["kind"] == "test.count" and ended["title"] == "Count for the test"
    assert all(ISO_UTC.fullmatch(ended[key]) for key in ("created_at", "started_at", "finished_at"))
    assert set(ended) == {"id", "kind", "state", "done", "total", "step", "result", "errors", "title",
                          "created_at", "started_at", "finished_at", "campaign_id"}
    assert saved(Job, job_id).attempts == 1


def test_progress_is_seen_while_the_job_runs(client: FlaskClient, starter: Callable[..., Any],
                                             worker: Any) -> None:
    job_id = starter({"to": 4, "block_at": 3, "gate": "halfway"}).get_json()["job_id"]

    running = wait_until(lambda: (job := job_of(client, job_id))["done"] == 2 and job)
    page = client.get(f"/jobs/{job_id}").get_data(as_text=True)
    gate("halfway").set()
    ended = wait_until(lambda: finished(client, job_id))

    assert (running["state"], running["done"], running["total"], running["step"]) == ("running", 2, 4, "Counting: 2")
    assert running["finished_at"] is None and running["result"] is None
    assert '<progress data-job-progress max="4" value="2"' in page
    assert "2 of 4" in page and "Counting: 2" in page and "Running</span>" in page
    assert 'aria-live="polite"' in page
    assert (ended["state"], ended["done"]) == ("done", 4)


def test_a_job_that_gives_up_is_failed_with_its_message(client: FlaskClient, starter: Callable[..., Any],
                                                         worker: Any) -> None:
    job_id = starter({"to": 2, "fail": "Mailjet refused the sender: confirm it in Mailjet first."}).get_json()["job_id"]

    ended = wait_until(lambda: finished(client, job_id))

    assert ended["state"] == "failed"
    assert ended["errors"] == ["Mailjet refused the sender: confirm it in Mailjet first."]
    assert ended["result"] is None and ended["finished_at"] is not None
    page = client.get(f"/jobs/{job_id}").get_data(as_text=True)
    assert "Failed</span>" in page and "Mailjet refused the sender: confirm it in Mailjet first." in page


def test_a_job_that_crashes_is_failed_with_a_general_message_and_the_traceback_only_in_the_log(
        client: FlaskClient, starter: Callable[..., Any], worker: Any, caplog: pytest.LogCaptureFixture) -> None:
    job_id = starter({"to": 1, "crash": True}).get_json()["job_id"]

    ended = wait_until(lambda: finished(client, job_id))

    assert ended["state"] == "failed"
    assert len(ended["errors"]) == 1 and ended["errors"][0].startswith("The job stopped because of an unexpected error")
    assert "secret" not in str(ended) and "secret" not in client.get(f"/jobs/{job_id}").get_data(as_text=True)
    assert "a secret internal detail" in caplog.text  # the traceback, for whoever runs Journeymail


def test_a_job_whose_writes_fail_is_failed_and_keeps_nothing_of_them(
        client: FlaskClient, starter: Callable[..., Any], worker: Any) -> None:
    job_id = starter({"to": 2, "clash": True}).get_json()["job_id"]

    ended = wait_until(lambda: finished(client, job_id))

    assert ended["state"] == "failed" and ended["errors"][0].startswith("The job stopped because of an unexpected")
    assert (ended["done"], ended["total"]) == (2, 2)  # its progress as it last reported it
    assert db.session.scalars(db.select(Segment).where(Segment.name == "Twins")).all() == []


def test_an_error_that_does_not_fail_the_job_is_listed_beside_its_result(
        client: FlaskClient, starter: Callable[..., Any], worker: Any) -> None:
    job_id = starter({"to": 2, "warn": "Row 7 has no email address; skipped."}).get_json()["job_id"]

    ended = wait_until(lambda: finished(client, job_id))

    assert ended["state"] == "done" and ended["errors"] == ["Row 7 has no email address; skipped."]
    assert ended["result"]["counted"] == 2


def test_a_finished_job_keeps_what_it_created(client: FlaskClient, starter: Callable[..., Any], worker: Any,
                                              workspace: Workspace) -> None:
    job_id = starter({"to": 1, "segment": "Made by a job"}).get_json()["job_id"]

    ended = wait_until(lambda: finished(client, job_id))

    assert ended["state"] == "done"
    made = db.session.scalars(db.select(Segment).where(Segment.name == "Made by a job")).all()
    assert [segment.workspace_id for segment in made] == [workspace.id]
    assert ended["result"]["segments_seen"] == 1  # scoped queries in the job see its workspace


def test_a_job_runs_in_the_language_of_the_request_that_started_it(
        client: FlaskClient, web: Flask, owner: User, workspace: Workspace, worker: Any) -> None:
    _, secret = create_token(owner, workspace, name="German script")
    db.session.commit()
    answer = web.test_client().post("/api/test-jobs", json={"params": {"to": 1}},
                                    headers={**auth_headers(secret), "Accept-Language": "de"})

    ended = wait_until(lambda: finished(client, answer.get_json()["job_id"]))

    assert ended["result"]["language"] == "de"


def test_a_job_started_in_a_request_that_fails_is_never_enqueued(
        client: FlaskClient, starter: Callable[..., Any], queue: jobs.Queue) -> None:
    answer = starter({"to": 1}, then="refuse")

    assert answer.status_code == 422
    assert error_of(answer)["fields"] == {"then": "Refused after the job was started."}
    assert db.session.scalars(db.select(Job)).all() == []
    assert queue.huey.pending_count() == 0


def test_a_job_started_by_a_command_is_enqueued_when_the_command_commits(
        app: Flask, client: FlaskClient, queue: jobs.Queue, workspace: Workspace) -> None:
    job = jobs.start("test.count", {"to": 2}, title="From a command")
    assert queue.huey.pending_count() == 0  # flushed, not committed yet
    db.session.commit()
    assert queue.pending_job_ids() == {job.id}

    with running_worker(app):
        ended = wait_until(lambda: finished(client, job.id))

    assert ended["state"] == "done"


def test_starting_an_unknown_kind_is_a_programming_error(workspace: Workspace) -> None:
    with pytest.raises(KeyError, match="no.such"):
        jobs.start("no.such", {}, title="Nothing")


# --- pages and workspaces ---------------------------------------------------------------------------


@pytest.fixture
def other_workspace(password_hash: str) -> tuple[Workspace, User]:
    space = Workspace(name="Bravo bakery", test_send_allow_list=[])
    boss = User(email="boss@bravo.example", name="Bravo Boss", password_hash=password_hash)
    db.session.add_all([space, boss, Membership(user=boss, workspace=space, role="owner")])
    db.session.commit()
    return space, boss


def test_another_workspaces_job_is_not_there(app: Flask, client: FlaskClient,
                                             other_workspace: tuple[Workspace, User]) -> None:
    theirs = make_job(other_workspace[0], state="done", title="Bravo push", result={"created": 3})
    ours = make_job(current.workspace(), title="Our push")

    api = client.get(f"/api/jobs/{theirs.id}")
    page = client.get(f"/jobs/{theirs.id}")
    listed = client.get("/jobs").get_data(as_text=True)

    assert api.status_code == 404 and error_of(api)
    assert page.status_code == 404
    assert "Our push" in listed and f"/jobs/{ours.id}" in listed
    assert "Bravo" not in listed and "Bravo" not in api.get_data(as_text=True) + page.get_data(as_text=True)
    bravo = app.test_client()
    sign_in(bravo, other_workspace[1])
    assert bravo.get(f"/api/jobs/{theirs.id}").get_json()["result"] == {"created": 3}


def test_a_viewer_reads_a_job_and_its_page(client_as: Callable[..., FlaskClient], workspace: Workspace) -> None:
    job = make_job(workspace, state="running", done=1, total=2, step="Sending 1 of 2", campaign_id=None)
    viewer = client_as("viewer")

    assert viewer.get(f"/api/jobs/{job.id}").get_json()["step"] == "Sending 1 of 2"
    page = viewer.get(f"/jobs/{job.id}").get_data(as_text=True)
    assert "Sending 1 of 2" in page and f'href="/jobs/{job.id}">Refresh</a>' in page
    assert "Back to the campaign" not in page


def test_the_page_of_a_finished_job_shows_its_result_and_links_back_to_its_campaign(
        client: FlaskClient, workspace: Workspace, create_campaign: Callable[..., Any]) -> None:
    campaign = create_campaign()
    job = make_job(workspace, state="done", done=5, total=5, campaign_id=campaign.id, title="Push <b>it</b>",
                   result={"created": 5, "summary": "Five templates made <script>"}, finished_at=utcnow())

    page = client.get(f"/jobs/{job.id}").get_data(as_text=True)

    assert f'href="/campaigns/{campaign.id}">Back to the campaign</a>' in page
    assert '<p class="job-summary" data-job-summary >Five templates made &lt;script&gt;</p>' in page
    assert "<dt>created</dt>" not in page  # a result with a summary says it in that sentence; the counts are for scripts
    assert "Push &lt;b&gt;it&lt;/b&gt;" in page
    assert "Refresh</a>" not in page and "Done</span>" in page
    assert '<script src="/static/js/job.js" defer></script>' in page


def test_a_job_no_worker_has_taken_says_the_worker_may_not_run(client: FlaskClient, workspace: Workspace) -> None:
    job = make_job(workspace, state="queued", created_at=utcnow() - timedelta(minutes=5))

    page = client.get(f"/jobs/{job.id}").get_data(as_text=True)

    assert "No worker has reported on this job for a while. Is the worker running?" in page


def test_the_jobs_list_shows_the_newest_first(client: FlaskClient, workspace: Workspace) -> None:
    older = make_job(workspace, title="Older push", state="done", done=2, total=2)
    newer = make_job(workspace, title="Newer push", state="running", done=1, total=4)

    listed = client.get("/jobs").get_data(as_text=True)

    assert listed.index("Newer push") < listed.index("Older push")
    assert "1 of 4" in listed and f'id="job-{older.id}"' in listed and f'id="job-{newer.id}"' in listed


def test_a_job_id_beyond_any_row_is_a_404(client: FlaskClient) -> None:
    assert client.get("/api/jobs/99999999999").status_code == 404
    assert client.get("/jobs/0").status_code == 404


# --- recovery after a worker stopped -------------------------------------------------------------------


def test_a_job_left_running_by_a_stopped_worker_is_run_again(
        app: Flask, client: FlaskClient, workspace: Workspace, queue: jobs.Queue) -> None:
    long_ago = utcnow() - timedelta(minutes=10)
    job = make_job(workspace, state="running", attempts=1, done=1, total=2, started_at=long_ago, heartbeat_at=long_ago)

    recovered = jobs.recover()
    assert recovered.requeued == [job.id] and saved(Job, job.id).state == "queued"
    with running_worker(app):
        ended = wait_until(lambda: finished(client, job.id))

    assert ended["state"] == "done" and ended["result"]["counted"] == 2
    assert saved(Job, job.id).attempts == 2
    assert RUNS == [(job.id, 2)]


def test_a_job_interrupted_as_often_as_allowed_is_failed_and_says_so(
        client: FlaskClient, workspace: Workspace, queue: jobs.Queue) -> None:
    long_ago = utcnow() - timedelta(minutes=10)
    job = make_job(workspace, state="running", attempts=3, started_at=long_ago, heartbeat_at=long_ago)

    recovered = jobs.recover()

    assert recovered.failed == [job.id] and queue.huey.pending_count() == 0
    ended = job_of(client, job.id)
    assert ended["state"] == "failed" and ended["finished_at"] is not None
    assert ended["errors"] == ["The job was interrupted 3 times (its worker stopped while it ran) and is not run "
                               "again. Start it again."]


def test_a_running_job_whose_worker_is_alive_is_left_alone(workspace: Workspace, queue: jobs.Queue) -> None:
    job = make_job(workspace, state="running", attempts=1, started_at=utcnow(), heartbeat_at=utcnow())

    assert jobs.recover() == jobs.Recovered()
    assert saved(Job, job.id).state == "running" and queue.huey.pending_count() == 0


def test_a_queued_job_whose_task_was_lost_is_enqueued_again_once(
        app: Flask, client: FlaskClient, workspace: Workspace, queue: jobs.Queue) -> None:
    lost = make_job(workspace, state="queued", created_at=utcnow() - timedelta(minutes=10))

    assert jobs.recover().resent == [lost.id]
    assert jobs.recover().resent == []  # its task waits in the queue now
    with running_worker(app):
        ended = wait_until(lambda: finished(client, lost.id))

    assert ended["state"] == "done"
    assert RUNS == [(lost.id, 1)]


def test_a_task_for_a_job_already_finished_or_gone_runs_nothing(
        app: Flask, client: FlaskClient, workspace: Workspace, queue: jobs.Queue) -> None:
    done = make_job(workspace, state="done", result={"counted": 2})
    queue.run(done.id)
    queue.run(10**6)  # no such job

    with running_worker(app):
        wait_until(lambda: queue.huey.pending_count() == 0)

    assert RUNS == [] and saved(Job, done.id).result == {"counted": 2}


# --- the commands, and a real worker process that is killed and restarted -----------------------------------


def test_jobs_list_prints_the_newest_jobs(runner: FlaskCliRunner, workspace: Workspace) -> None:
    make_job(workspace, title="Push to Mailjet", state="done", done=4, total=4)

    result = runner.invoke(args=["jobs", "list"])

    assert result.exit_code == 0
    assert "done" in result.output and "4/4" in result.output and "Push to Mailjet" in result.output


@pytest.fixture
def start_worker_process(app: Flask, tmp_path: Path) -> Iterator[Callable[[], subprocess.Popen]]:
    """`flask jobs worker` in a process of its own, on the test's database and queue (the test kinds loaded)."""
    environment = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "TEST_DATABASE_URL")}
    environment.update(DATABASE_URL=app.config["SQLALCHEMY_DATABASE_URI"], JOBS_URL=app.config["JOBS_URL"],
                       JOURNEYMAIL_ENV="development", JOBS_STALE_SECONDS="1", JOBS_WORKERS="1",
                       PYTHONPATH=os.pathsep.join([str(ROOT / "tests"), str(ROOT)]))
    processes: list[subprocess.Popen] = []
    logs: list[Any] = []

    def start() -> subprocess.Popen:
        logs.append(open(tmp_path / f"worker-{len(processes)}.log", "wb"))
        process = subprocess.Popen([sys.executable, "-m", "flask", "--app", "jobs_worker_app", "jobs", "worker"],
                                   cwd=ROOT, env=environment, stdout=logs[-1], stderr=subprocess.STDOUT)
        processes.append(process)
        return process

    yield start
    for process in processes:
        if process.poll() is None:
            process.terminate()
            process.wait(timeout=30)
    for log in logs:
        log.close()


def test_a_job_survives_its_worker_being_killed_and_restarted(
        client: FlaskClient, starter: Callable[..., Any], queue: jobs.Queue, tmp_path: Path,
        start_worker_process: Callable[[], subprocess.Popen]) -> None:
    gate_file = tmp_path / "go"
    job_id = starter({"to": 3, "block_at": 2, "gate_file": str(gate_file)}).get_json()["job_id"]
    first = start_worker_process()
    wait_until(lambda: job_of(client, job_id)["done"] == 1, seconds=60)

    first.send_signal(signal.SIGKILL)  # the server is switched off: no chance to clean up
    first.wait(timeout=30)
    assert job_of(client, job_id)["state"] == "running"
    gate_file.touch()
    wait_until(lambda: utcnow() - aware(saved(Job, job_id).heartbeat_at) > timedelta(seconds=1.2), seconds=10)
    second = start_worker_process()
    ended = wait_until(lambda: finished(client, job_id), seconds=60)

    assert ended["state"] == "done" and (ended["done"], ended["total"]) == (3, 3)
    assert saved(Job, job_id).attempts == 2
    second.send_signal(signal.SIGTERM)
    assert second.wait(timeout=30) is not None


# --- a team's queue: Redis ---------------------------------------------------------------------------


@pytest.fixture
def redis_url(tmp_path: Path) -> Iterator[str]:
    """A real redis-server (Debian's) on a free loopback port, for this test only."""
    import shutil
    import socket

    executable = shutil.which("redis-server")
    if executable is None:
        pytest.fail("redis-server is not installed: apt-get install redis-server (.ci/run does).")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen([executable, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                               "--appendonly", "no", "--dir", str(tmp_path)], stdout=subprocess.DEVNULL)
    try:
        wait_until(lambda: _answers(port), seconds=30)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        server.terminate()
        server.wait(timeout=30)


def _answers(port: int) -> bool:
    import socket

    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
        return True
    except OSError:
        return False


def test_with_jobs_url_on_redis_a_job_goes_through_redis(
        app: Flask, client: FlaskClient, workspace: Workspace, owner: User, redis_url: str) -> None:
    from config import TestConfig
    from journeymail import create_app

    class Config(TestConfig):
        SQLALCHEMY_DATABASE_URI = app.config["SQLALCHEMY_DATABASE_URI"]
        JOBS_URL = redis_url

    team = create_app(Config)
    queue = jobs.queue_of(team)
    assert type(queue.huey).__name__ == "RedisHuey"
    try:
        with team.app_context():
            current.use_workspace(db.session.get(Workspace, workspace.id), "owner", db.session.get(User, owner.id))
            job_id = jobs.start("test.count", {"to": 2}, title="Through Redis").id
            db.session.commit()
            assert queue.pending_job_ids() == {job_id}
        with running_worker(team):
            ended = wait_until(lambda: finished(client, job_id))
        assert ended["state"] == "done" and ended["result"]["counted"] == 2
        assert queue.huey.pending_count() == 0
    finally:
        queue.huey.storage.conn.close()
        with team.app_context():
            db.engine.dispose()
