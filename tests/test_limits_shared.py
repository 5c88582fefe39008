"""Several gunicorn workers share the limit counters through Redis: failed sign-ins spread over two
processes add up to one limit. A real redis-server (Debian's) and two real gunicorn processes on loopback."""

from __future__ import annotations

import http.client
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlencode

import pytest

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "a password for the limit test"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(port: int, process: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"the process on port {port} ended with {process.returncode}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.2)
    raise AssertionError(f"nothing answered on port {port}")


@pytest.fixture
def redis_url(tmp_path: Path) -> Iterator[str]:
    executable = shutil.which("redis-server")
    if executable is None:
        pytest.fail("redis-server is not installed: apt-get install redis-server (.ci/run does).")
    port = free_port()
    server = subprocess.Popen([executable, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                               "--appendonly", "no", "--dir", str(tmp_path)], stdout=subprocess.DEVNULL)
    try:
        wait_for(port, server)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        server.terminate()
        server.wait(timeout=30)


@pytest.fixture
def two_workers(tmp_path: Path, redis_url: str) -> Iterator[list[int]]:
    """Two gunicorn processes on one database and one Redis, as two workers of one server would be."""
    environment = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "TEST_DATABASE_URL")}
    environment.update(DATABASE_URL=f"sqlite:///{tmp_path}/shared.db", SECRET_KEY=secrets.token_hex(32),
                       JOURNEYMAIL_ENV="production", SESSION_COOKIE_SECURE="0", RATELIMIT_STORAGE_URI=redis_url,
                       SIGN_IN_LIMIT_PER_ADDRESS="4 per 15 minutes", SIGN_IN_LIMIT_PER_IP="100 per 15 minutes")
    flask = [sys.executable, "-m", "flask", "--app", "wsgi"]
    subprocess.run([*flask, "db", "upgrade"], cwd=ROOT, env=environment, check=True, capture_output=True)
    subprocess.run([*flask, "users", "create", "maya@plannery.example", "--name", "Maya", "--workspace", "Team"],
                   cwd=ROOT, env=environment, check=True, capture_output=True, input=PASSWORD + "\n", text=True)
    ports, servers = [free_port(), free_port()], []
    try:
        for port in ports:
            servers.append(subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "-w", "1", "-b", f"127.0.0.1:{port}", "wsgi:app"],
                cwd=ROOT, env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        for port, server in zip(ports, servers):
            wait_for(port, server)
        yield ports
    finally:
        for server in servers:
            server.terminate()
        for server in servers:
            server.wait(timeout=30)


def sign_in(port: int, password: str) -> int:
    """One sign-in through the form, from a browser of its own: the status of the form's answer."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("GET", "/login")
        page = connection.getresponse()
        html = page.read().decode()
        cookie = page.getheader("Set-Cookie", "").split(";", 1)[0]
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)
        body = urlencode({"email": "maya@plannery.example", "password": password, "csrf_token": token})
        connection.request("POST", "/login", body=body, headers={
            "Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie})
        answer = connection.getresponse()
        answer.read()
        return answer.status
    finally:
        connection.close()


def test_failed_sign_ins_on_two_workers_count_towards_one_limit(two_workers: list[int]) -> None:
    first, second = two_workers
    wrong = [sign_in(port, "not the password") for port in (first, second, first, second)]

    assert wrong == [401, 401, 401, 401]  # four failures, two on each worker: the limit of four is reached
    assert sign_in(first, PASSWORD) == 429  # even the right password waits, on either worker
    assert sign_in(second, PASSWORD) == 429
