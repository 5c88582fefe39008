"""Pushing the Brevo bundle with the shared replay engine (exports.esp.replay) against Brevo's stand-in: it
completes, a second push creates nothing new, rate limits and server errors are waited out, and a push that
stopped resumes without duplicates.

Written against the engine's intended signature, push(adapter, bundle, *, credentials, inputs, ledger,
progress=None, sleep=time.sleep), before replay.py was merged."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from brevo_standin import BrevoStandIn
from campaigns import services as campaign_services
from campaigns.demo import create_demo
from campaigns.models import Campaign
from exports.brevo import bundle as brevo
from exports.esp import replay
from exports.esp.base import Credentials, PushError
from exports.esp.brevo import adapter
from journeymail.extensions import db


class DictLedger:
    """The ledger in a dict: (ID, body fingerprint) by key, as the exports' table keeps them."""

    def __init__(self) -> None:
        self.saved: dict[str, tuple[int | None, str]] = {}

    def get(self, key: str) -> tuple[int | None, str] | None:
        return self.saved.get(key)

    def save(self, key: str, remote_id: int | None, fingerprint: str) -> None:
        self.saved[key] = (remote_id, fingerprint)


@pytest.fixture
def demo() -> Campaign:
    campaign = create_demo()
    db.session.commit()
    return campaign


@pytest.fixture
def standin() -> Iterator[BrevoStandIn]:
    server = BrevoStandIn(senders=[{"name": "Maya from Plannery", "email": "hello@plannery.example",
                                    "active": True}]).start()
    yield server
    server.stop()


@pytest.fixture
def credentials(standin: BrevoStandIn) -> Credentials:
    found = adapter.credentials({"BREVO_API_URL": standin.url, "BREVO_API_KEY": "test-brevo-key", "BREVO_TIMEOUT": 5})
    assert found is not None
    return found


def push(bundle: dict, credentials: Credentials, ledger: DictLedger, sleeps: list[float] | None = None,
         list_id: int = 42) -> replay.PushResult:
    waited = sleeps if sleeps is not None else []
    return replay.push(adapter, bundle, credentials=credentials, inputs={"list": list_id}, ledger=ledger,
                       sleep=waited.append)


def test_a_push_creates_everything_once_with_brevos_own_attributes_reused(
    demo: Campaign, standin: BrevoStandIn, credentials: Credentials
) -> None:
    bundle = brevo.build_bundle(demo)

    result = push(bundle, credentials, DictLedger())

    templates = [r for r in bundle["requests"] if r["path"] == "smtp/templates"]
    campaigns = [r for r in bundle["requests"] if r["path"] == "emailCampaigns"]
    assert len(result.steps) == len(bundle["requests"])
    assert {s.name for s in result.steps if s.outcome == "reused"} <= {"FIRSTNAME", "LASTNAME"}
    assert len(standin.templates) == len(templates) and len(standin.campaigns) == len(campaigns)
    assert all(c["recipients"] == {"listIds": [42]} for c in standin.campaigns.values())


def test_pushing_the_same_bundle_twice_creates_nothing_new(
    demo: Campaign, standin: BrevoStandIn, credentials: Credentials
) -> None:
    bundle = brevo.build_bundle(demo)
    ledger = DictLedger()
    push(bundle, credentials, ledger)
    writes = len(standin.writes())

    again = push(bundle, credentials, ledger)

    assert again.count("created") == 0 and again.count("updated") == 0
    assert len(standin.writes()) == writes


def test_a_second_push_without_the_ledger_finds_everything_by_name(
    demo: Campaign, standin: BrevoStandIn, credentials: Credentials
) -> None:
    bundle = brevo.build_bundle(demo)
    push(bundle, credentials, DictLedger())
    templates, campaigns = len(standin.templates), len(standin.campaigns)

    again = push(bundle, credentials, DictLedger())

    assert again.count("created") == 0
    assert (len(standin.templates), len(standin.campaigns)) == (templates, campaigns)


def test_429_three_times_still_completes_after_waiting_as_told(
    demo: Campaign, standin: BrevoStandIn, credentials: Credentials
) -> None:
    bundle = brevo.build_bundle(demo)
    standin.fail(429, times=3, retry_after=2, path="smtp/templates")
    sleeps: list[float] = []

    push(bundle, credentials, DictLedger(), sleeps)

    assert [r.status for r in standin.requests].count(429) == 3
    assert len(sleeps) >= 3 and all(s >= 2 for s in sleeps[:3])
    assert len(standin.templates) == sum(1 for r in bundle["requests"] if r["path"] == "smtp/templates")


def test_server_errors_are_retried_and_create_no_duplicates(
    demo: Campaign, standin: BrevoStandIn, credentials: Credentials
) -> None:
    bundle = brevo.build_bundle(demo)
    standin.fail(500, times=2, path="emailCampaigns")

    push(bundle, credentials, DictLedger())

    assert len(standin.campaigns) == sum(1 for r in bundle["requests"] if r["path"] == "emailCampaigns")


def test_a_stopped_push_resumes_where_it_stopped(demo: Campaign, standin: BrevoStandIn, credentials: Credentials) -> None:
    bundle = brevo.build_bundle(demo)
    ledger = DictLedger()
    standin.fail(503, times=1_000, path="emailCampaigns")  # more than any retrying waits out
    with pytest.raises(PushError) as stopped:
        push(bundle, credentials, ledger)
    assert stopped.value.result is not None and stopped.value.result.count("created") > 0
    templates = dict(standin.templates)
    standin.state.failures.clear()

    push(bundle, credentials, ledger)

    assert standin.templates.keys() == templates.keys()
    assert len(standin.campaigns) == sum(1 for r in bundle["requests"] if r["path"] == "emailCampaigns")


def test_preflight_refuses_an_unknown_list_before_anything_is_written(
    demo: Campaign, standin: BrevoStandIn, credentials: Credentials
) -> None:
    with pytest.raises(PushError) as stopped:
        push(brevo.build_bundle(demo), credentials, DictLedger(), list_id=7)

    assert "There is no contact list with ID 7" in stopped.value.message
    assert standin.writes() == []


def test_a_changed_email_updates_its_template_in_place(
    demo: Campaign, standin: BrevoStandIn, credentials: Credentials
) -> None:
    ledger = DictLedger()
    push(brevo.build_bundle(demo), credentials, ledger)
    count = len(standin.templates)
    touchpoint = next(t for t in demo.touchpoints if t.is_email)
    campaign_services.update_touchpoint(touchpoint, {"subject": "A brand new subject"})
    db.session.commit()

    result = push(brevo.build_bundle(demo), credentials, ledger)

    assert result.count("updated") >= 1 and len(standin.templates) == count
    assert "A brand new subject" in {t["subject"] for t in standin.templates.values()}
