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
