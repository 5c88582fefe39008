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

from accounts import current
from accounts.models import Workspace
from api_support import csrf_token_from
from conftest import TEST_PASSWORD
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


def work_in_a_new_workspace() -> None:
    """flask_db dropped the test's workspace with everything else: make one in the upgraded schema to work in."""
    space = Workspace(name="Plannery team", test_send_allow_list=[])
    db.session.add(space)
    db.session.commit()
    current.use_workspace(space, "owner")


def test_the_upgraded_schema_takes_a_campaign(flask_db: Callable[..., Any]) -> None:
    flask_db("upgrade")
    work_in_a_new_workspace()

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


def insert_campaign(connection: Any, id: int = 1, name: str = "C") -> None:
    """A campaign (1, "C" unless told), written with SQL as an older schema holds it (the models describe the
    newest)."""
    now = "2026-12-01 10:00:00"
    connection.execute(text(
        "INSERT INTO campaigns (id, name, goal, description, framework, map_state, sender_name, sender_email, "
        f"locale, sample_data, created_at, updated_at) VALUES ({id}, '{name}', 'G', '', 'five-stage', 'future', 'M', "
        f"'m@example.com', 'en_US', '{{}}', '{now}', '{now}')"))


def insert_phase(connection: Any, id: int, position: int, campaign_id: int = 1) -> None:
    connection.execute(text(
        "INSERT INTO phases (id, campaign_id, position, name, description, emotion, pain_points, opportunities) "
        f"VALUES ({id}, {campaign_id}, {position}, 'P{id}', '', 0, '', '')"))


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


# --- 0006: accounts; what there was moves into the workspace "Default" ----------------------------

BEFORE_ACCOUNTS = "0005_variants_follow_the_base"
PLAN_TABLES = ("campaigns", "phases", "touchpoints", "segments", "variants", "campaign_segments",
               "touchpoint_segments")


def fill_a_database_from_before_accounts(connection: Any) -> None:
    """Two campaigns with phases, touchpoints (one sending after another), targeting, an audience, a variant,
    and two segments, as 0005 holds them."""
    insert_campaign(connection, 1, "Trial journey")
    insert_campaign(connection, 2, "Winback")
    for id, position, campaign_id in [(1, 0, 1), (2, 1, 1), (3, 0, 2)]:
        insert_phase(connection, id, position, campaign_id)
    for id, campaign_id, phase_id, follows in [(1, 1, 1, "NULL"), (2, 1, 2, "1"), (3, 2, 3, "NULL")]:
        connection.execute(text(
            "INSERT INTO touchpoints (id, campaign_id, phase_id, position, kind, name, trigger, send_offset_days, "
            f"cta, subject, mjml, follows_id) VALUES ({id}, {campaign_id}, {phase_id}, 0, 'welcome', 'T{id}', '', 0, "
            f"'', 'Subject {id}', '<mjml><mj-body></mj-body></mjml>', {follows})"))
    for id, name in [(1, "Busy founders"), (2, "Night owls")]:
        connection.execute(text(
            "INSERT INTO segments (id, name, name_key, description, motivation, action, obstacle, opportunity, "
            f"sample_data) VALUES ({id}, '{name}', '{name.lower()}', '', 'm', 'a', 'o', '', '{{}}')"))
    for campaign_id, segment_id in [(1, 1), (1, 2), (2, 1)]:
        connection.execute(text(
            f"INSERT INTO campaign_segments (campaign_id, segment_id) VALUES ({campaign_id}, {segment_id})"))
    connection.execute(text("INSERT INTO touchpoint_segments (touchpoint_id, segment_id) VALUES (1, 2)"))
    connection.execute(text("INSERT INTO variants (id, touchpoint_id, segment_id, subject) VALUES (1, 1, 2, 'Own')"))


def plan_rows() -> dict[str, list[dict[str, Any]]]:
    """Every row of the plan's tables as the database holds them, without the columns migrations after 0005
    add (the workspace a row is in; the campaign's address form, "formal" for every campaign from before; the
    persona and goal questions of 0013, empty for every row from before)."""
    added = {"workspace_id", "address_form", "persona_id", "goal_kpi", "goal_target", "touchpoint_effects",
             "content_needs", "feeling"}
    with db.engine.connect() as connection:
        return {
            table: sorted(({k: v for k, v in row._mapping.items() if k not in added}
                           for row in connection.execute(text(f"SELECT * FROM {table}"))), key=repr)
            for table in PLAN_TABLES
        }


def workspace_ids_of(table: str) -> set[int]:
    with db.engine.connect() as connection:
        return set(connection.execute(text(f"SELECT workspace_id FROM {table}")).scalars())


def workspaces() -> list[tuple[int, str]]:
    with db.engine.connect() as connection:
        return [tuple(row) for row in connection.execute(text("SELECT id, name FROM workspaces ORDER BY id"))]



def version() -> str:
    with db.engine.connect() as connection:
        return connection.execute(text("SELECT version_num FROM alembic_version")).scalar_one()


def sign_in_with_password(app: Flask, email: str) -> Any:
    browser = app.test_client()
    page = browser.get("/login")
    browser.post("/login", data={"email": email, "password": TEST_PASSWORD,
                                 "csrf_token": csrf_token_from(page.get_data(as_text=True))})
    return browser


@pytest.mark.parametrize("workspace", ["Default", "Plannery team"])
def test_upgrading_to_accounts_keeps_every_row_in_default_which_the_first_user_owns(
    app: Flask, runner: FlaskCliRunner, flask_db: Callable[..., Any], workspace: str
) -> None:
    """Issue 10, item 7: the data from before accounts moves into "Default", whole; the first user made with
    `flask users create` owns it (whichever workspace they are made in) and sees the old campaigns."""
    flask_db("upgrade", BEFORE_ACCOUNTS)
    with db.engine.begin() as connection:
        fill_a_database_from_before_accounts(connection)
    before = plan_rows()

    flask_db("upgrade")

    assert plan_rows() == before
    [(default_id, name)] = workspaces()
    assert name == "Default"
    assert workspace_ids_of("campaigns") == workspace_ids_of("segments") == {default_id}

    with logging_untouched():
        created = runner.invoke(args=["users", "create", "fay@plannery.example", "--name", "Fay First",
                                      "--workspace", workspace], input=TEST_PASSWORD + "\n")
    assert created.exit_code == 0, created.output + repr(created.exception)
    with db.engine.connect() as connection:
        roles = dict(connection.execute(text(
            "SELECT w.name, m.role FROM memberships m JOIN workspaces w ON w.id = m.workspace_id")).tuples().all())
    assert roles == {"Default": "owner", workspace: "owner"}

    browser = sign_in_with_password(app, "fay@plannery.example")
    if workspace != "Default":  # the header's switcher takes them to the old data
        token = csrf_token_from(browser.get("/campaigns").get_data(as_text=True))
        browser.post("/workspace", data={"workspace_id": str(default_id), "csrf_token": token})
    listed = browser.get("/campaigns")
    assert listed.status_code == 200
    assert "Trial journey" in listed.get_data(as_text=True)
    assert "Winback" in listed.get_data(as_text=True)
    segments = browser.get("/api/segments").get_json()
    assert sorted(s["name"] for s in segments) == ["Busy founders", "Night owls"]
    assert browser.get("/campaigns/1/matrix").status_code == 200
    assert plan_rows() == before


def test_the_first_users_sign_in_is_all_it_takes_to_see_the_old_campaigns(
    app: Flask, runner: FlaskCliRunner, flask_db: Callable[..., Any]
) -> None:
    """Nothing but `flask users create` and signing in: the old data is in the workspace the user works in."""
    flask_db("upgrade", BEFORE_ACCOUNTS)
    with db.engine.begin() as connection:
        fill_a_database_from_before_accounts(connection)
    flask_db("upgrade")
    with logging_untouched():
        created = runner.invoke(args=["users", "create", "fay@plannery.example", "--name", "Fay First",
                                      "--workspace", "Default"], input=TEST_PASSWORD + "\n")
    assert created.exit_code == 0, created.output

    page = sign_in_with_password(app, "fay@plannery.example").get("/campaigns").get_data(as_text=True)

    assert "Trial journey" in page and "Winback" in page


def test_downgrading_from_accounts_keeps_every_row(flask_db: Callable[..., Any]) -> None:
    flask_db("upgrade", BEFORE_ACCOUNTS)
    with db.engine.begin() as connection:
        fill_a_database_from_before_accounts(connection)
    before = plan_rows()
    flask_db("upgrade")

    flask_db("downgrade", BEFORE_ACCOUNTS)

    assert version() == BEFORE_ACCOUNTS
    assert plan_rows() == before
    assert "workspaces" not in inspect(db.engine).get_table_names()
    assert "workspace_id" not in {c["name"] for c in inspect(db.engine).get_columns("segments")}


def test_a_downgrade_that_would_merge_two_workspaces_segments_of_one_name_says_so_and_changes_nothing(
    runner: FlaskCliRunner, flask_db: Callable[..., Any]
) -> None:
    """Two workspaces may each have "Busy founders"; before 0006 one database could not. The downgrade stops
    with the names and workspaces to fix, rather than lose or rename a segment behind the user's back."""
    flask_db("upgrade", BEFORE_ACCOUNTS)
    with db.engine.begin() as connection:
        fill_a_database_from_before_accounts(connection)
    flask_db("upgrade")
    with db.engine.begin() as connection:
        connection.execute(text("INSERT INTO workspaces (name, test_send_allow_list, created_at) "
                                "VALUES ('Acme', '[]', '2026-12-01 10:00:00')"))
        acme = connection.execute(text("SELECT id FROM workspaces WHERE name = 'Acme'")).scalar_one()
        connection.execute(text(
            "INSERT INTO segments (id, workspace_id, name, name_key, description, motivation, action, obstacle, "
            f"opportunity, sample_data) VALUES (10, {acme}, 'BUSY founders', 'busy founders', '', 'm', 'a', 'o', "
            "'', '{}')"))
    before = plan_rows()

    with logging_untouched():
        result = runner.invoke(args=["db", "downgrade", BEFORE_ACCOUNTS])

    assert result.exit_code != 0
    message = result.output
    assert "Cannot downgrade below 0006_accounts" in message
    assert '"BUSY founders" in Acme, "Busy founders" in Default' in message
    assert "Rename all but one of each" in message
    # Still with accounts: PostgreSQL rolls the whole downgrade back (to the head), SQLite keeps the steps
    # it finished before the refusal (down to 0006_accounts, whose own downgrade changed nothing).
    transactional_ddl = db.engine.dialect.name == "postgresql"
    head = ScriptDirectory(runner.app.extensions["migrate"].directory).get_current_head()
    assert version() == (head if transactional_ddl else "0006_accounts")
    assert plan_rows() == before
    assert [name for _, name in workspaces()] == ["Default", "Acme"]


def test_upgrading_to_personas_keeps_every_row_and_downgrading_keeps_them_too(flask_db: Callable[..., Any]) -> None:
    """0013 adds personas and the goal questions; campaigns and segments get a persona column (SQLite rebuilds
    both tables): the variants, targeting and audiences pointing at them survive, both ways."""
    flask_db("upgrade", "0012_segment_rules")
    with db.engine.begin() as connection:
        connection.execute(text("INSERT INTO workspaces (id, name, test_send_allow_list, created_at) "
                                "VALUES (1, 'W', '[]', '2026-12-01 10:00:00')"))
        now = "2026-12-01 10:00:00"
        connection.execute(text(
            "INSERT INTO campaigns (id, workspace_id, name, goal, description, framework, map_state, sender_name, "
            "sender_email, locale, sample_data, created_at, updated_at) VALUES (1, 1, 'C', 'G', '', 'five-stage', "
            f"'future', 'M', 'm@example.com', 'en_US', '{{}}', '{now}', '{now}')"))
        insert_phase(connection, 1, 0)
        connection.execute(text(
            "INSERT INTO touchpoints (id, campaign_id, phase_id, position, kind, name, trigger, send_offset_days, cta) "
            "VALUES (1, 1, 1, 0, 'welcome', 'T', '', 0, '')"))
        connection.execute(text(
            "INSERT INTO segments (id, workspace_id, name, name_key, description, motivation, action, obstacle, "
            "opportunity, sample_data) VALUES (1, 1, 'S', 's', '', 'm', 'a', 'o', '', '{}')"))
        connection.execute(text("INSERT INTO variants (touchpoint_id, segment_id, subject) VALUES (1, 1, 'Hi')"))
        connection.execute(text("INSERT INTO campaign_segments (campaign_id, segment_id) VALUES (1, 1)"))
        connection.execute(text("INSERT INTO touchpoint_segments (touchpoint_id, segment_id) VALUES (1, 1)"))
        connection.execute(text("INSERT INTO segment_rules (id, workspace_id, segment_id, rule, updated_at) "
                                f"VALUES (1, 1, 1, '{{\"all\": []}}', '{now}')"))

    def kept(connection: Any) -> tuple[Any, ...]:
        return (connection.execute(text("SELECT subject FROM variants")).scalars().all(),
                connection.execute(text("SELECT segment_id FROM campaign_segments")).scalars().all(),
                connection.execute(text("SELECT segment_id FROM touchpoint_segments")).scalars().all(),
                connection.execute(text("SELECT segment_id FROM segment_rules")).scalars().all())

    flask_db("upgrade", "0013_personas")

    with db.engine.begin() as connection:
        assert kept(connection) == (["Hi"], [1], [1], [1])
        assert connection.execute(text("SELECT persona_id, goal_kpi, goal_target, touchpoint_effects FROM campaigns")
                                  ).one() == (None, "", "", "")
        assert connection.execute(text("SELECT content_needs FROM phases")).scalar() == ""
        assert connection.execute(text("SELECT feeling FROM touchpoints")).scalar() == ""
        connection.execute(text("INSERT INTO personas (id, workspace_id, name, name_key, quote, role, goals, needs, "
                                "motives, sources) VALUES (1, 1, 'Maya', 'maya', '', '', '', '', '', '')"))
        connection.execute(text("UPDATE segments SET persona_id = 1"))
        connection.execute(text("UPDATE campaigns SET persona_id = 1"))

    flask_db("downgrade", "0012_segment_rules")

    with db.engine.connect() as connection:
        assert kept(connection) == (["Hi"], [1], [1], [1])
        assert connection.execute(text("SELECT count(*) FROM campaigns")).scalar() == 1
        assert connection.execute(text("SELECT count(*) FROM segments")).scalar() == 1
        assert "personas" not in inspect(db.engine).get_table_names()
