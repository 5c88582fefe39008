"""Many people at once: storms of concurrent requests against a real threaded server, on the suite's
database (a SQLite file, or PostgreSQL under scripts/with-postgres).

Each storm starts 16-24 threads together, each with an HTTP client of its own. Afterwards places are
0..n-1 without duplicates in every phase and campaign, no request answered 5xx, and no two segment
names are equal ignoring case. A request that lost a race may answer 409 (or 404 for a row deleted
meanwhile); what it never does is break the numbering or fail with a 500.
"""

from __future__ import annotations

import http.client
import json
import random
import re
import sqlite3
import threading
from collections import Counter
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import urlencode

import pytest
from flask import Flask
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.serving import make_server

from api_support import error_of, saved, saved_rows
from api_support import TEST_PASSWORD
from campaigns import services
from campaigns.models import Campaign, Phase, Touchpoint
from journeymail.extensions import db
from journeymail.http import BUSY, CLASH
from segments.models import Segment

THREADS = 24


@pytest.fixture(scope="module")
def server(app: Flask) -> Iterator[str]:
    """The session app behind werkzeug's threaded server (a thread per request), on a free port."""
    httpd = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, name="storm-server", daemon=True)
    thread.start()
    try:
        yield f"127.0.0.1:{httpd.server_port}"
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=10)


OWNER_EMAIL = "owner@plannery.example"  # the conftest workspace's owner


class Client:
    """One person's HTTP client: a connection per request, the session cookie kept, JSON or forms."""

    def __init__(self, address: str):
        self.address = address
        self.cookie: str | None = None

    def request(self, method: str, path: str, body: Any = None, form: dict[str, str] | None = None) -> tuple[int, str]:
        headers = {"Cookie": self.cookie} if self.cookie else {}
        data = None
        if body is not None:
            data, headers["Content-Type"] = json.dumps(body).encode(), "application/json"
        elif form is not None:
            data, headers["Content-Type"] = urlencode(form).encode(), "application/x-www-form-urlencoded"
        connection = http.client.HTTPConnection(self.address, timeout=60)
        try:
            connection.request(method, path, body=data, headers=headers)
            response = connection.getresponse()
            text = response.read().decode("utf-8", "replace")
            if cookie := response.getheader("Set-Cookie"):
                self.cookie = cookie.split(";", 1)[0]
            return response.status, text
        finally:
            connection.close()

    def sign_in(self, email: str = OWNER_EMAIL, password: str = TEST_PASSWORD) -> None:
        """Sign in through the sign-in form, as the person at this browser would."""
        status, _ = self.request("POST", "/login", form={
            "email": email, "password": password, "csrf_token": self.csrf_token("/login")})
        assert status == 302, status

    def csrf_token(self, page: str) -> str:
        status, html = self.request("GET", page)
        assert status == 200, status
        match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html)
        assert match, "no CSRF token on " + page
        return match.group(1)


def storm(address: str, work: Callable[[Client, random.Random, int], None], threads: int = THREADS) -> Counter[int]:
    """Run `work(client, rng, n)` on `threads` threads started together; the status of every request."""
    statuses: Counter[int] = Counter()
    lock = threading.Lock()
    start = threading.Barrier(threads)
    failures: list[BaseException] = []

    class Counting(Client):
        counting = False

        def request(self, *args: Any, **kwargs: Any) -> tuple[int, str]:
            status, text = super().request(*args, **kwargs)
            if not self.counting:
                return status, text
            with lock:
                statuses[status] += 1
            assert status < 500, f"{status}: {text[:500]}"
            return status, text

    def run(n: int) -> None:
        client, rng = Counting(address), random.Random(n)
        try:
            client.sign_in()  # not part of the storm: not counted
            client.counting = True
            start.wait(timeout=30)
            work(client, rng, n)
        except BaseException as error:  # noqa: BLE001 - reported below, on the test's thread
            failures.append(error)

    workers = [threading.Thread(target=run, args=(n,)) for n in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=120)
    assert not any(worker.is_alive() for worker in workers), "a storm thread hung"
    if failures:
        raise failures[0]
    return statuses


def places_of(campaign_id: int) -> tuple[list[int], dict[int, list[int]]]:
    """The phases' places in the campaign, and each phase's touchpoints' places, as the database holds them."""
    phases = saved_rows(Phase, campaign_id=campaign_id)
    touchpoints = {phase.id: sorted(t.position for t in saved_rows(Touchpoint, phase_id=phase.id)) for phase in phases}
    return sorted(p.position for p in phases), touchpoints


def assert_numbered(campaign_id: int) -> None:
    phases, touchpoints = places_of(campaign_id)
    assert phases == list(range(len(phases)))
    for phase_id, places in touchpoints.items():
        assert places == list(range(len(places))), (phase_id, places)


@pytest.fixture
def campaign(create_campaign: Callable[..., Campaign]) -> Campaign:
    """Five phases; six touchpoints in the first and three in the second."""
    campaign = create_campaign()
    for index, count in ((0, 6), (1, 3)):
        for number in range(count):
            services.add_touchpoint(campaign, {"phase_id": campaign.phases[index].id, "kind": "welcome",
                                               "name": f"Email {index}.{number}"})
    db.session.commit()
    return campaign


def test_concurrent_touchpoint_moves_keep_every_phase_numbered(server: str, campaign: Campaign) -> None:
    first, second = campaign.phases[0].id, campaign.phases[1].id
    ids = [t.id for phase in campaign.phases[:2] for t in phase.touchpoints]

    def work(client: Client, rng: random.Random, _n: int) -> None:
        for _ in range(6):
            change: dict[str, int] = {"position": rng.randrange(7)}
            if rng.random() < 0.3:
                change["phase_id"] = rng.choice((first, second))
            client.request("PATCH", f"/api/touchpoints/{rng.choice(ids)}", change)

    statuses = storm(server, work)

    assert statuses[200] > 0
    assert_numbered(campaign.id)
    assert sum(len(places) for places in places_of(campaign.id)[1].values()) == 9


def test_concurrent_phase_moves_keep_the_campaign_numbered(server: str, campaign: Campaign) -> None:
    ids = [p.id for p in campaign.phases]

    def work(client: Client, rng: random.Random, _n: int) -> None:
        for _ in range(5):
            client.request("PATCH", f"/api/phases/{rng.choice(ids)}", {"position": rng.randrange(5)})

    statuses = storm(server, work)

    assert statuses[200] > 0
    assert_numbered(campaign.id)
    assert len(places_of(campaign.id)[0]) == 5


def test_concurrent_arrow_buttons_keep_places_numbered(server: str, campaign: Campaign) -> None:
    touchpoints = [t.id for phase in campaign.phases[:2] for t in phase.touchpoints]
    phases = [p.id for p in campaign.phases]
    map_page = f"/campaigns/{campaign.id}"

    def work(client: Client, rng: random.Random, _n: int) -> None:
        token = client.csrf_token(map_page)
        for _ in range(4):
            if rng.random() < 0.6:
                path, direction = f"/touchpoints/{rng.choice(touchpoints)}/move", rng.choice(("up", "down", "left", "right"))
            else:
                path, direction = f"/phases/{rng.choice(phases)}/move", rng.choice(("left", "right"))
            status, _page = client.request("POST", path, form={"direction": direction, "csrf_token": token})
            assert status in (302, 409), status

    statuses = storm(server, work, threads=16)

    assert statuses[302] > 0
    assert_numbered(campaign.id)


def test_concurrent_clicks_on_one_arrow_each_move_one_step(server: str, campaign: Campaign) -> None:
    """Four people press "down" on the first email of a phase at once: it ends four places down, as each
    step counts from where the email is when that click is carried out, not from what the page read before."""
    first = campaign.phases[0].touchpoints[0].id
    map_page = f"/campaigns/{campaign.id}"

    def work(client: Client, _rng: random.Random, _n: int) -> None:
        token = client.csrf_token(map_page)
        status, _page = client.request("POST", f"/touchpoints/{first}/move", form={"direction": "down",
                                                                                "csrf_token": token})
        assert status == 302, status

    storm(server, work, threads=4)

    assert saved(Touchpoint, first).position == 4
    assert_numbered(campaign.id)


def test_concurrent_creates_and_deletes_in_one_phase_keep_it_numbered(server: str, campaign: Campaign) -> None:
    phase_id = campaign.phases[0].id
    existing = [t.id for t in campaign.phases[0].touchpoints]

    def work(client: Client, rng: random.Random, n: int) -> None:
        mine = []
        for number in range(3):
            status, text = client.request("POST", f"/api/campaigns/{campaign.id}/touchpoints", {
                "phase_id": phase_id, "kind": "newsletter", "name": f"Storm {n}.{number}",
                "position": rng.randrange(8),
            })
            if status == 201:
                mine.append(json.loads(text)["id"])
            status, _text = client.request("DELETE", f"/api/touchpoints/{rng.choice(existing)}")
            assert status in (204, 404, 409), status
        for touchpoint_id in mine[:2]:
            status, _text = client.request("DELETE", f"/api/touchpoints/{touchpoint_id}")
            assert status == 204, status

    statuses = storm(server, work)

    assert statuses[201] == 3 * THREADS  # every create succeeds: they take turns
    assert_numbered(campaign.id)
    remaining = saved_rows(Touchpoint, phase_id=phase_id)
    assert sorted(t.name for t in remaining) == sorted(f"Storm {n}.2" for n in range(THREADS))


def test_concurrent_creations_of_one_name_in_different_cases_make_one_segment(server: str) -> None:
    names = ["Ärzte X", "ÄRZTE X", "ärzte x", "ärzte X", "Ärzte x", "ÄRZTE x", "ärZTE X", "ÄrZtE X"] * 2
    created: list[str] = []

    def work(client: Client, _rng: random.Random, n: int) -> None:
        status, text = client.request("POST", "/api/segments", {
            "name": names[n], "motivation": "Learns", "action": "Reads", "obstacle": "Time"})
        assert status in (201, 409), (status, text)
        if status == 201:
            created.append(names[n])

    storm(server, work, threads=len(names))

    rows = saved_rows(Segment)
    assert len(created) == 1
    assert [row.name for row in rows] == created


# --- SQLite: the write lock ------------------------------------------------------------------


@pytest.fixture
def write_lock_held(app: Flask, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Another process's long write: SQLite's write lock, taken on a connection of its own, held longer
    than the busy timeout (shortened to 0.3 s here)."""
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite's database-wide write lock; PostgreSQL locks rows")
    monkeypatch.setitem(app.config, "SQLITE_BUSY_TIMEOUT_MS", 300)
    db.session.commit()
    other = sqlite3.connect(db.engine.url.database, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        yield
    finally:
        other.execute("ROLLBACK")
        other.close()
        # The pooled connections took the shortened busy timeout as their own: drop them, so that later tests
        # get connections that wait as long as the app's setting says.
        db.session.remove()
        db.engine.dispose()


def test_a_write_that_waits_out_the_busy_timeout_is_a_503_with_retry_after(
    client: Any, create_segment: Callable[..., Segment], write_lock_held: None
) -> None:
    response = client.post("/api/segments", json={"name": "Students", "motivation": "Learns", "action": "Reads",
                                                  "obstacle": "Exams"})

    assert response.status_code == 503
    assert error_of(response)["message"] == BUSY
    assert int(response.headers["Retry-After"]) >= 1


def test_a_form_that_waits_out_the_busy_timeout_gets_a_page_saying_so(
    post_form: Callable[..., Any], campaign: Campaign, write_lock_held: None
) -> None:
    response = post_form(f"/campaigns/{campaign.id}", {"direction": "right"},
                         action=f"/phases/{campaign.phases[0].id}/move")

    assert response.status_code == 503
    assert "text/html" in response.content_type
    assert BUSY in response.get_data(as_text=True)
    assert response.headers["Retry-After"]


def test_reads_go_on_while_a_write_holds_the_lock(client: Any, campaign: Campaign, write_lock_held: None) -> None:
    assert client.get(f"/campaigns/{campaign.id}").status_code == 200
    assert client.get(f"/api/campaigns/{campaign.id}").status_code == 200
    response = client.post("/api/preview", json={"mjml": "<mjml><mj-body></mj-body></mjml>"})  # POST, reads only
    assert response.status_code == 200


def test_a_test_send_goes_out_while_a_write_holds_the_lock(
    client: Any, campaign: Campaign, smtp_server: Any, write_lock_held: None
) -> None:
    """A test send writes nothing, so it neither waits for the write lock nor holds it while it talks SMTP."""
    touchpoint = campaign.phases[0].touchpoints[0]

    response = client.post(f"/api/campaigns/{campaign.id}/test-send",
                           json={"touchpoint_id": touchpoint.id, "recipients": ["ada@example.com"]})

    assert response.status_code == 200, response.get_data(as_text=True)
    assert len(smtp_server.received) == 1


@pytest.mark.parametrize("via", ["api", "form"])
def test_a_row_changed_meanwhile_at_flush_is_a_409_saying_to_reload(
    client: Any, post_form: Callable[..., Any], campaign: Campaign, monkeypatch: pytest.MonkeyPatch, via: str
) -> None:
    """An UPDATE or DELETE that finds its row gone (another request deleted it after we read it)."""
    touchpoint = campaign.phases[0].touchpoints[0]

    def deleted_meanwhile(_touchpoint: Touchpoint) -> None:
        raise StaleDataError("DELETE statement on table 'touchpoints' expected to delete 1 row(s); 0 were matched.")

    monkeypatch.setattr(services, "delete_touchpoint", deleted_meanwhile)

    if via == "api":
        response = client.delete(f"/api/touchpoints/{touchpoint.id}")
        assert error_of(response)["message"] == CLASH
    else:
        response = post_form(f"/touchpoints/{touchpoint.id}/delete", {})
        assert CLASH in response.get_data(as_text=True)
    assert response.status_code == 409
