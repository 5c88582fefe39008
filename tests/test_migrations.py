"""`flask db upgrade` builds the schema the models describe, so no user's database drifts from the code."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import Flask
from flask.testing import FlaskCliRunner
from sqlalchemy import inspect, text
from sqlalchemy.exc import IntegrityError

from campaigns import services
from journeymail.extensions import db


@contextmanager
def logging_untouched() -> Iterator[None]:
    """Alembic's env.py calls logging.config.fileConfig, which swaps the root handlers and disables every other
    logger; put all of it back so later tests still see the app's log."""
    manager = logging.root.manager
    before = {
        name: (logger.level, logger.disabled, logger.propagate, logger.handlers[:])
        for name, logger in [("", logging.root), *manager.loggerDict.items()]
        if isinstance(logger, logging.Logger)
    }
    try:
        yield
    finally:
        for name, logger in [("", logging.root), *manager.loggerDict.items()]:
            if not isinstance(logger, logging.Logger):
                continue
            level, disabled, propagate, handlers = before.get(name, (logging.NOTSET, False, True, []))
            logger.setLevel(level)
            logger.disabled, logger.propagate, logger.handlers[:] = disabled, propagate, handlers


def drop_everything() -> None:
    db.session.remove()
    db.drop_all()
    with db.engine.begin() as connection:
        connection.execute(text("DROP TABLE IF EXISTS alembic_version"))


@pytest.fixture
def flask_db(app: Flask, runner: FlaskCliRunner) -> Iterator[Callable[..., Any]]:
    """Run `flask db ...` on an empty database; afterwards the schema is create_all()'s again, as other tests expect."""
    drop_everything()

    def run(*args: str) -> Any:
        with logging_untouched():
            result = runner.invoke(args=["db", *args])
        assert result.exit_code == 0, result.output + repr(result.exception)
        return result

    try:
        yield run
    finally:
        drop_everything()
        db.create_all()


def schema_differences() -> list[Any]:
    with db.engine.connect() as connection:
        return compare_metadata(MigrationContext.configure(connection), db.metadata)


def test_migrations_have_a_single_head(app: Flask) -> None:
    scripts = ScriptDirectory(app.extensions["migrate"].directory)

    assert len(scripts.get_heads()) == 1, "two migrations revise the same parent: merge them"


def test_every_revision_id_fits_alembic_version(app: Flask) -> None:
    """alembic_version.version_num is VARCHAR(32): PostgreSQL refuses a longer ID at upgrade."""
    scripts = ScriptDirectory(app.extensions["migrate"].directory)

    assert [r.revision for r in scripts.walk_revisions() if len(r.revision) > 32] == []


def test_upgrade_builds_the_schema_the_models_describe(flask_db: Callable[..., Any]) -> None:
    flask_db("upgrade")

    assert schema_differences() == []


def test_the_upgraded_schema_takes_a_campaign(flask_db: Callable[..., Any]) -> None:
    flask_db("upgrade")

    campaign = services.create_campaign(
        {"name": "Trial journey", "goal": "Start a free trial", "framework": "four-phase",
         "sender_name": "Maya", "sender_email": "maya@example.com"}
    )
    db.session.commit()

    assert [p.name for p in campaign.phases] == ["Awareness", "Consideration", "Decision", "Post-purchase"]


def test_every_migration_can_be_undone_and_redone(flask_db: Callable[..., Any]) -> None:
    flask_db("upgrade")

    flask_db("downgrade", "base")
    assert set(inspect(db.engine).get_table_names()) == {"alembic_version"}

    flask_db("upgrade")
    assert schema_differences() == []


def insert_campaign(connection: Any) -> None:
    """Campaign 1, written with SQL as an older schema holds it (the models describe the newest)."""
    now = "2026-12-01 10:00:00"
    connection.execute(text(
        "INSERT INTO campaigns (id, name, goal, description, framework, map_state, sender_name, sender_email, "
        "locale, sample_data, created_at, updated_at) VALUES (1, 'C', 'G', '', 'five-stage', 'future', 'M', "
        f"'m@example.com', 'en_US', '{{}}', '{now}', '{now}')"))


def insert_phase(connection: Any, id: int, position: int) -> None:
    connection.execute(text(
        "INSERT INTO phases (id, campaign_id, position, name, description, emotion, pain_points, opportunities) "
        f"VALUES ({id}, 1, {position}, 'P{id}', '', 0, '', '')"))


def test_upgrading_renumbers_places_and_frees_segment_names_before_making_them_unique(
    flask_db: Callable[..., Any],
) -> None:
    """Databases that concurrent edits left with shared places and near-duplicate names upgrade, keeping
    every row: places become 0..n-1 in their order (position, then ID), the later name gets a suffix."""
    flask_db("upgrade", "0002_campaign_sample_data")
    with db.engine.begin() as connection:
        insert_campaign(connection)
        for id, position in [(1, 0), (2, 1), (3, 2), (4, 2), (5, 4)]:  # a duplicate and a gap
            insert_phase(connection, id, position)
        for id, position in [(1, 1), (2, 1), (3, 3), (4, 5)]:
            connection.execute(text(
                "INSERT INTO touchpoints (id, campaign_id, phase_id, position, kind, name, trigger, "
                f"send_offset_days, cta) VALUES ({id}, 1, 1, {position}, 'welcome', 'T{id}', '', 0, '')"))
        for id, name in [(1, "Ärzte X"), (2, "ÄRZTE X"), (3, "ärzte x"), (4, "Ärzte X (2)")]:
            connection.execute(text(
                "INSERT INTO segments (id, name, description, motivation, action, obstacle, opportunity, "
                f"sample_data) VALUES ({id}, '{name}', '', 'm', 'a', 'o', '', '{{}}')"))
        connection.execute(text("INSERT INTO variants (touchpoint_id, segment_id) VALUES (1, 2)"))

    flask_db("upgrade")

    with db.engine.connect() as connection:
        phases = connection.execute(text("SELECT id, position FROM phases ORDER BY id")).all()
        touchpoints = connection.execute(text("SELECT id, position FROM touchpoints ORDER BY id")).all()
        names = connection.execute(text("SELECT id, name FROM segments ORDER BY id")).all()
        variants = connection.execute(text("SELECT touchpoint_id, segment_id FROM variants")).all()
    assert [tuple(row) for row in phases] == [(1, 0), (2, 1), (3, 2), (4, 3), (5, 4)]
    assert [tuple(row) for row in touchpoints] == [(1, 0), (2, 1), (3, 2), (4, 3)]
    assert [tuple(row) for row in names] == [
        (1, "Ärzte X"), (2, "ÄRZTE X (3)"), (3, "ärzte x (4)"), (4, "Ärzte X (2)")
    ]
    assert [tuple(row) for row in variants] == [(1, 2)]
    with pytest.raises(IntegrityError):
        with db.engine.begin() as connection:
            connection.execute(text("UPDATE phases SET position = 0 WHERE id = 2"))

    flask_db("downgrade", "0002_campaign_sample_data")  # and back, without losing the variant

    with db.engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM variants")).scalar() == 1
        assert connection.execute(text("SELECT count(*) FROM segments")).scalar() == 4


def test_a_migration_keeps_rows_that_reference_a_rebuilt_table_and_leaves_foreign_keys_on(
    flask_db: Callable[..., Any],
) -> None:
    """SQLite rebuilds a table to change it (batch mode); with foreign keys on, dropping the old table would delete
    every variant and audience row of its touchpoints (ON DELETE CASCADE). 0003 rebuilds `touchpoints`."""
    flask_db("upgrade", "0002_campaign_sample_data")
    with db.engine.begin() as connection:
        insert_campaign(connection)
        insert_phase(connection, 1, 0)
        connection.execute(text(
            "INSERT INTO touchpoints (id, campaign_id, phase_id, position, kind, name, trigger, send_offset_days, cta) "
            "VALUES (1, 1, 1, 0, 'welcome', 'T', '', 0, '')"))
        connection.execute(text(
            "INSERT INTO segments (id, name, description, motivation, action, obstacle, opportunity, sample_data) "
            "VALUES (1, 'S', '', 'm', 'a', 'o', '', '{}')"))
        connection.execute(text("INSERT INTO variants (touchpoint_id, segment_id, subject) VALUES (1, 1, 'Hi')"))
        connection.execute(text("INSERT INTO touchpoint_segments (touchpoint_id, segment_id) VALUES (1, 1)"))

    flask_db("upgrade", "0003_touchpoint_follows")

    with db.engine.connect() as connection:
        assert connection.execute(text("SELECT subject FROM variants")).scalars().all() == ["Hi"]
        assert connection.execute(text("SELECT segment_id FROM touchpoint_segments")).scalars().all() == [1]
        if connection.dialect.name == "sqlite":  # the pooled connection enforces foreign keys again
            assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1


def test_upgrading_lets_variant_fields_that_copy_the_base_follow_it_again(flask_db: Callable[..., Any]) -> None:
    """Variants made before 0005 were whole copies of the base; the copied fields inherit again, changed ones stay."""
    flask_db("upgrade", "0004_position_name_constraints")
    with db.engine.begin() as connection:
        insert_campaign(connection)
        insert_phase(connection, 1, 0)
        connection.execute(text(
            "INSERT INTO touchpoints (id, campaign_id, phase_id, position, kind, name, trigger, send_offset_days, cta, "
            "subject, preheader, mjml) VALUES (1, 1, 1, 0, 'welcome', 'T', '', 0, '', 'Base subject', 'Base pre', "
            "'<mjml><mj-body></mj-body></mjml>')"))
        connection.execute(text(
            "INSERT INTO segments (id, name, name_key, description, motivation, action, obstacle, opportunity, "
            "sample_data) VALUES (1, 'S', 's', '', 'm', 'a', 'o', '', '{}')"))
        connection.execute(text(
            "INSERT INTO variants (touchpoint_id, segment_id, subject, preheader, mjml) VALUES "
            "(1, 1, 'Own subject', 'Base pre ', '<mjml><mj-body></mj-body></mjml>')"))

    flask_db("upgrade")

    with db.engine.connect() as connection:
        row = connection.execute(text("SELECT subject, preheader, mjml FROM variants")).one()
    assert tuple(row) == ("Own subject", None, None)
