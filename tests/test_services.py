"""The services behind both the pages and the API: they check everything first, change, flush, and leave the commit
to the request; and they work on objects fresh from the database, as a request sees them."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy import text

from api_support import database_rows
from campaigns import services
from campaigns.kinds import EMAIL_KINDS
from campaigns.models import Campaign, Phase, Touchpoint
from journeymail.extensions import db
from journeymail.validation import Conflict, ValidationError
from segments import services as segment_services
from segments.models import Segment


def fresh(model: type, ident: int):  # noqa: ANN201 - returns an instance of `model`
    """The object as a new request would load it: nothing cached in the session."""
    db.session.expire_all()
    return db.session.get(model, ident)


def test_services_flush_but_leave_the_commit_to_the_request(create_campaign: Callable[..., Campaign]) -> None:
    campaign = create_campaign()
    before = database_rows()

    phase = services.add_phase(campaign, {"name": "Win-back"})

    assert isinstance(phase.id, int)  # flushed: the database gave it an ID
    assert database_rows() == before  # not committed: another connection sees nothing yet
    db.session.rollback()
    assert db.session.scalar(db.select(db.func.count(Phase.id))) == 5


def test_a_refused_change_leaves_the_session_clean(create_campaign: Callable[..., Campaign]) -> None:
    campaign = create_campaign()

    with pytest.raises(ValidationError):
        services.update_campaign(campaign, {"name": "Winback", "sender_email": "foo@"})

    assert not db.session.dirty and not db.session.new
    assert campaign.name == "Trial journey"


def test_every_email_kind_has_a_starter_email() -> None:
    for kind in EMAIL_KINDS:
        assert services.starter_mjml(kind.key).lstrip().startswith("<mjml>"), kind.key


def test_deleting_a_touchpoint_loaded_on_its_own_renumbers_its_phase(
    create_campaign: Callable[..., Campaign], create_touchpoint: Callable[..., Touchpoint]
) -> None:
    campaign = create_campaign()
    first = create_touchpoint(campaign, 2, name="First")
    second = create_touchpoint(campaign, 2, name="Second")
    first_id, second_id = first.id, second.id

    services.delete_touchpoint(fresh(Touchpoint, first_id))
    db.session.commit()

    assert fresh(Touchpoint, first_id) is None
    assert fresh(Touchpoint, second_id).position == 0


def test_moving_a_touchpoint_loaded_on_its_own_renumbers_both_phases(
    create_campaign: Callable[..., Campaign], create_touchpoint: Callable[..., Touchpoint]
) -> None:
    campaign = create_campaign()
    a, b = create_touchpoint(campaign, 0, name="A"), create_touchpoint(campaign, 0, name="B")
    x = create_touchpoint(campaign, 1, name="X")
    target_id = campaign.phases[1].id
    ids = {t.name: t.id for t in (a, b, x)}

    services.update_touchpoint(fresh(Touchpoint, ids["A"]), {"phase_id": target_id, "position": 0})
    db.session.commit()

    positions = {name: (fresh(Touchpoint, i).phase_id, fresh(Touchpoint, i).position) for name, i in ids.items()}
    assert positions["A"] == (target_id, 0)
    assert positions["X"] == (target_id, 1)
    assert positions["B"][1] == 0


def test_deleting_a_phase_loaded_on_its_own_renumbers_the_rest(create_campaign: Callable[..., Campaign]) -> None:
    campaign = create_campaign()
    campaign_id, phase_id = campaign.id, campaign.phases[0].id

    services.delete_phase(fresh(Phase, phase_id))
    db.session.commit()

    assert [(p.position, p.name) for p in fresh(Campaign, campaign_id).phases] == [
        (0, "Consideration"),
        (1, "Decision"),
        (2, "Retention"),
        (3, "Advocacy"),
    ]


def test_a_duplicate_segment_name_is_a_conflict(create_segment: Callable[..., Segment]) -> None:
    create_segment(name="Busy founders")

    with pytest.raises(Conflict) as caught:
        segment_services.create_segment(
            {"name": "BUSY FOUNDERS", "motivation": "m", "action": "a", "obstacle": "o"}
        )

    assert caught.value.status == 409


def test_deleting_a_segment_relies_on_the_database_to_drop_its_links(
    create_campaign: Callable[..., Campaign],
    create_segment: Callable[..., Segment],
    create_touchpoint: Callable[..., Touchpoint],
) -> None:
    """The Segment model has no relationships back: ON DELETE CASCADE (foreign keys on, also in SQLite) does it."""
    campaign = create_campaign()
    segment, other = create_segment(), create_segment()
    services.set_segments(campaign, {"segment_ids": [segment.id, other.id]})
    touchpoint = create_touchpoint(campaign, segment_ids=[segment.id, other.id])
    services.put_variant(touchpoint, segment, {"subject": "Hi"})
    db.session.commit()
    segment_id, other_id = segment.id, other.id

    segment_services.delete_segment(fresh(Segment, segment_id))
    db.session.commit()

    rows = database_rows()
    assert [row[0] for row in rows["segments"]] == [other_id]
    assert [row[1] for row in rows["campaign_segments"]] == [row[1] for row in rows["touchpoint_segments"]] == [other_id]
    assert rows["variants"] == []


def test_sqlite_connections_enforce_foreign_keys() -> None:
    if db.engine.dialect.name != "sqlite":
        pytest.skip("PostgreSQL always enforces foreign keys")
    with db.engine.connect() as connection:
        assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
