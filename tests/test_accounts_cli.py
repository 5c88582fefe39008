"""The account commands of DESIGN.md: `users create` (password from standard input), `users delete`, and
`tokens create` (only the token on standard output)."""

from __future__ import annotations

import pytest

from accounts.models import ApiToken, Membership, User, Workspace
from accounts.services import digest
from api_support import auth_headers, database_rows
from journeymail.extensions import db

PASSWORD = "a long enough passphrase"


def users_create(runner, *args, password=PASSWORD):
    return runner.invoke(args=["users", "create", *args], input=password + "\n")


def user_named(email):
    db.session.expire_all()
    return db.session.scalar(db.select(User).filter_by(email=email))


# --- users create ---------------------------------------------------------------------------------


def test_users_create_reads_the_password_from_stdin_and_creates_the_workspace(runner):
    result = users_create(runner, "Maya@Example.com", "--name", "Maya Berger", "--workspace", "Marketing",
                          "--role", "editor")
    assert result.exit_code == 0, result.output
    assert result.stdout == ""  # what it says goes to standard error
    assert "Created maya@example.com (editor of Marketing)." in result.stderr
    maya = user_named("maya@example.com")
    assert maya.name == "Maya Berger" and maya.check_password(PASSWORD)
    [membership] = maya.memberships
    assert (membership.workspace.name, membership.role) == ("Marketing", "editor")


def test_users_create_joins_a_workspace_that_exists(runner, workspace):
    result = users_create(runner, "ada@example.com", "--name", "Ada", "--workspace", "plannery TEAM")
    assert result.exit_code == 0, result.output
    [membership] = user_named("ada@example.com").memberships
    assert (membership.workspace_id, membership.role) == (workspace.id, "owner")
    assert db.session.scalar(db.select(db.func.count(Workspace.id))) == 1


@pytest.mark.parametrize(("email", "password", "message"), [
    ("not-an-address", PASSWORD, "email:"),
    ("ada@example.com", "short", "Choose a password of at least 10 characters."),
    ("ada@example.com", "", "Choose a password of at least 10 characters."),
    ("owner@plannery.example", PASSWORD, "There is already a user with the address owner@plannery.example."),
])
def test_users_create_refuses_bad_input_with_exit_code_1_and_writes_nothing(runner, email, password, message):
    before = database_rows()
    result = users_create(runner, email, "--name", "Ada", "--workspace", "Brand new team", password=password)
    assert result.exit_code == 1
    assert message in result.stderr
    assert "Traceback" not in result.output
    assert database_rows() == before


def test_users_create_needs_a_name_and_a_workspace(runner):
    result = users_create(runner, "ada@example.com")
    assert result.exit_code == 2
    assert "--name" in result.stderr
    assert user_named("ada@example.com") is None


# --- users delete --------------------------------------------------------------------------------


def test_users_delete_removes_the_user_their_memberships_and_tokens(runner, make_member, workspace):
    editor = make_member("editor")
    runner.invoke(args=["tokens", "create", editor.email])
    result = runner.invoke(args=["users", "delete", editor.email.upper()])
    assert result.exit_code == 0, result.output
    assert user_named(editor.email) is None
    assert db.session.scalars(db.select(Membership).filter_by(user_id=editor.id)).all() == []
    assert db.session.scalars(db.select(ApiToken)).all() == []


def test_users_delete_refuses_the_last_owner_of_a_workspace(runner, owner):
    before = database_rows()
    result = runner.invoke(args=["users", "delete", owner.email])
    assert result.exit_code == 1
    assert "owner@plannery.example is the last owner of Plannery team." in result.stderr
    assert database_rows() == before


def test_users_delete_lets_one_of_two_owners_go(runner, owner, make_member):
    make_member("owner")
    assert runner.invoke(args=["users", "delete", owner.email]).exit_code == 0
    assert user_named(owner.email) is None


def test_users_delete_of_an_unknown_address_says_so(runner):
    result = runner.invoke(args=["users", "delete", "nobody@example.com"])
    assert result.exit_code == 1
    assert "There is no user with the address nobody@example.com." in result.stderr


# --- tokens create ---------------------------------------------------------------------------------


def test_tokens_create_prints_only_the_token_and_it_works(app, runner, owner, workspace):
    result = runner.invoke(args=["tokens", "create", owner.email, "--role", "viewer", "--name", "Nightly"])
    assert result.exit_code == 0, result.output
    secret = result.stdout.strip()
    assert result.stdout == secret + "\n" and secret.startswith("jm_")
    token = db.session.scalar(db.select(ApiToken))
    assert (token.token_hash, token.name, token.role, token.workspace_id) == (
        digest(secret), "Nightly", "viewer", workspace.id)
    assert app.test_client().get("/api/campaigns", headers=auth_headers(secret)).status_code == 200


def test_tokens_create_refuses_a_role_above_the_users(runner, make_member):
    copywriter = make_member("copywriter")
    result = runner.invoke(args=["tokens", "create", copywriter.email, "--role", "editor"])
    assert result.exit_code == 1
    assert result.stdout == ""
    assert "A token's role can be no higher than yours (copywriter)." in result.stderr
    assert db.session.scalars(db.select(ApiToken)).all() == []


def test_tokens_create_refuses_a_workspace_the_user_is_not_in(runner, owner):
    db.session.add(Workspace(name="Elsewhere", test_send_allow_list=[]))
    db.session.commit()
    result = runner.invoke(args=["tokens", "create", owner.email, "--workspace", "Elsewhere"])
    assert result.exit_code == 1 and result.stdout == ""
    assert "is not a member of a workspace named 'Elsewhere'" in result.stderr


def test_tokens_create_for_an_unknown_user_says_so(runner):
    result = runner.invoke(args=["tokens", "create", "nobody@example.com"])
    assert result.exit_code == 1 and result.stdout == ""
    assert "There is no user with the address nobody@example.com." in result.stderr
