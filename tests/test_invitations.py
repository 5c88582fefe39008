"""Invitations: an owner invites an address with a role; the link (emailed when SMTP is set up, always shown
once) lets a new person create an account, or an existing user accept; it works once and expires."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from accounts.models import AuditEntry, Invitation, Membership, User, Workspace, utcnow
from accounts.services import digest
from api_support import csrf_token_from, saved, saved_rows, sign_in
from conftest import TEST_PASSWORD
from html_tree import parse
from journeymail.extensions import db
from smtp_server import LoopbackSMTPServer

LINK = re.compile(r'value="(http://localhost/invitations/[A-Za-z0-9_-]+)"')


def invite(client: FlaskClient, email: str = "maya@example.com", role: str = "editor") -> Any:
    token = csrf_token_from(client.get("/members").get_data(as_text=True))
    return client.post("/members/invite", data={"csrf_token": token, "email": email, "role": role})


def link_on(response: Any) -> str:
    """The invitation link the members page shows once, as a path."""
    match = LINK.search(response.get_data(as_text=True))
    assert match, response.get_data(as_text=True)[:400]
    return match.group(1).removeprefix("http://localhost")


def join(browser: FlaskClient, path: str, name: str = "Maya Berger", password: str = TEST_PASSWORD) -> Any:
    token = login_token(browser)
    return browser.post(path, data={"csrf_token": token, "name": name, "password": password})


def login_token(browser: FlaskClient) -> str:
    """A CSRF token of this browser's session (from the sign-in page, which every visitor may open)."""
    return csrf_token_from(browser.get("/login").get_data(as_text=True))


def members_of(workspace: Workspace) -> list[tuple[str, str]]:
    users = {row.id: row.email for row in saved_rows(User)}
    return sorted((users[m.user_id], m.role) for m in saved_rows(Membership, workspace_id=workspace.id))


def field_error(response: Any, name: str) -> str:
    found = parse(response.get_data(as_text=True)).by_id(f"{name}-error")
    assert found is not None, response.get_data(as_text=True)[:400]
    return found.text()


# --- inviting -------------------------------------------------------------------------------------


def test_an_invitation_is_emailed_and_a_new_person_joins_with_it(
    app: Flask, client: FlaskClient, workspace: Workspace, smtp_server: LoopbackSMTPServer
) -> None:
    response = invite(client, "Maya@Example.com", "copywriter")

    assert response.status_code == 200
    path = link_on(response)
    [arrived] = smtp_server.received
    assert arrived.rcpt_tos == ["maya@example.com"]
    assert arrived.message["Subject"] == "Olga Owner invites you to Plannery team on Journeymail"
    assert arrived.message["Reply-To"] == "owner@plannery.example"
    text = arrived.message.get_body(("plain",)).get_content()
    assert f"http://localhost{path}" in text and "as a copywriter" in text
    assert "The link works once and for 7 days." in text

    newcomer = app.test_client()
    page = newcomer.get(path)
    assert page.status_code == 200
    assert "Plannery team" in page.get_data(as_text=True) and "Copywriter" in page.get_data(as_text=True)
    joined = join(newcomer, path)

    assert joined.status_code == 302 and joined.headers["Location"] == "/campaigns"
    assert ("maya@example.com", "copywriter") in members_of(workspace)
    assert newcomer.get("/campaigns").status_code == 200  # signed in, working in the workspace
    [user] = [u for u in saved_rows(User) if u.email == "maya@example.com"]
    assert user.name == "Maya Berger" and user.password_hash.startswith("scrypt:")
    assert [(e.user_email, e.action, e.subject_kind, e.subject_name) for e in saved_rows(AuditEntry)] == [
        ("owner@plannery.example", "created", "invitation", "maya@example.com"),
        ("maya@example.com", "created", "member", "Maya Berger (maya@example.com)"),
    ]


def test_the_link_is_shown_once_to_copy_when_no_mail_server_is_set_up(client: FlaskClient) -> None:
    response = invite(client)

    path = link_on(response)
    assert "No mail server is set up" in response.get_data(as_text=True)
    [invitation] = saved_rows(Invitation)
    assert invitation.token_hash == digest(path.rsplit("/", 1)[1])  # only the secret's digest is stored
    assert path.rsplit("/", 1)[1] not in client.get("/members").get_data(as_text=True)  # shown once


def test_a_mail_server_that_fails_still_leaves_the_link_to_copy(
    client: FlaskClient, start_smtp_server: Callable[..., LoopbackSMTPServer]
) -> None:
    start_smtp_server(refuse={"maya@example.com": "550 5.1.1 No such user"})

    response = invite(client)

    assert response.status_code == 200
    assert "The email could not be sent" in response.get_data(as_text=True)
    assert link_on(response)


def test_an_invitation_expires_after_the_invitation_days(app: Flask, client: FlaskClient,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(app.config, "INVITATION_DAYS", 3)

    invite(client)

    [invitation] = saved_rows(Invitation)
    assert timedelta(days=3) - (invitation.expires_at - invitation.created_at) < timedelta(seconds=5)


def test_the_members_page_lists_pending_invitations_with_their_expiry(client: FlaskClient) -> None:
    invite(client, "maya@example.com", "viewer")

    page = parse(client.get("/members").get_data(as_text=True))

    [invitation] = saved_rows(Invitation)
    row = page.by_id(f"invitation-{invitation.id}")
    assert row is not None
    assert "maya@example.com" in row.text() and "Viewer" in row.text() and "Olga Owner" in row.text()
    expires = invitation.expires_at
    assert expires.strftime("%d %b %Y, %H:%M") in row.text()


def test_an_address_that_is_a_member_already_is_refused(client: FlaskClient, workspace: Workspace,
                                                        make_member: Callable[..., User]) -> None:
    make_member("viewer", email="vic@plannery.example")

    response = invite(client, "VIC@plannery.example")

    assert response.status_code == 409
    assert field_error(response, "email") == "This address is a member already."
    assert "vic@plannery.example is already a member of Plannery team" in response.get_data(as_text=True)
    assert saved_rows(Invitation) == []


@pytest.mark.parametrize(("email", "role", "field", "message"), [
    ("", "editor", "email", "Enter an email address, e.g. maya@example.com."),
    ("maya@example.com", "admin", "role", "Choose a role: owner, editor, copywriter, viewer."),
])
def test_a_bad_invitation_says_what_to_fix(client: FlaskClient, email: str, role: str, field: str,
                                           message: str) -> None:
    response = invite(client, email, role)

    assert response.status_code == 422
    assert field_error(response, field) == message
    assert saved_rows(Invitation) == []


def test_an_invalid_address_is_refused_with_the_reason(client: FlaskClient) -> None:
    response = invite(client, "maya@", "editor")

    assert response.status_code == 422
    assert field_error(response, "email")
    assert saved_rows(Invitation) == []


@pytest.mark.parametrize("role", ["editor", "viewer"])
def test_only_owners_invite(app: Flask, make_member: Callable[..., User], role: str) -> None:
    browser = app.test_client()
    sign_in(browser, make_member(role))
    token = csrf_token_from(browser.get("/campaigns").get_data(as_text=True))

    response = browser.post("/members/invite", data={"csrf_token": token, "email": "x@example.com", "role": "owner"})

    assert response.status_code == 403
    assert saved_rows(Invitation) == []


def test_inviting_an_address_again_replaces_its_link(app: Flask, client: FlaskClient) -> None:
    first = link_on(invite(client))
    second = link_on(invite(client, role="viewer"))

    assert app.test_client().get(first).status_code == 404
    assert app.test_client().get(second).status_code == 200
    assert [i.role for i in saved_rows(Invitation)] == ["viewer"]


# --- links that do not work ---------------------------------------------------------------------


def test_a_used_invitation_cannot_be_used_again(app: Flask, client: FlaskClient, workspace: Workspace) -> None:
    path = link_on(invite(client))
    join(app.test_client(), path)
    members_before = members_of(workspace)

    again = app.test_client()
    response = again.get(path)
    posted = again.post(path, data={"csrf_token": login_token(again), "name": "Mallory", "password": TEST_PASSWORD})

    assert response.status_code == 410
    assert "This invitation has been used already" in response.get_data(as_text=True)
    assert posted.status_code == 410
    assert members_of(workspace) == members_before
    assert [u.name for u in saved_rows(User) if u.email == "maya@example.com"] == ["Maya Berger"]


def test_an_expired_invitation_is_gone_and_changes_nothing(app: Flask, client: FlaskClient,
                                                           workspace: Workspace) -> None:
    path = link_on(invite(client))
    invitation = db.session.scalar(db.select(Invitation))
    invitation.expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    browser = app.test_client()

    response = browser.get(path)
    posted = browser.post(path, data={"csrf_token": login_token(browser), "name": "Maya", "password": TEST_PASSWORD})

    assert response.status_code == 410
    assert "This invitation expired on" in response.get_data(as_text=True)
    assert "Ask an owner of Plannery team for a new one." in response.get_data(as_text=True)
    assert posted.status_code == 410
    assert [u.email for u in saved_rows(User)] == ["owner@plannery.example"]
    assert saved(Invitation, invitation.id).accepted_at is None


def test_an_unknown_link_is_a_404(app: Flask) -> None:
    response = app.test_client().get("/invitations/not-a-real-secret")

    assert response.status_code == 404
    assert "This invitation link is not valid" in response.get_data(as_text=True)


def test_a_withdrawn_invitation_link_stops_working(app: Flask, client: FlaskClient) -> None:
    path = link_on(invite(client))
    [invitation] = saved_rows(Invitation)
    token = csrf_token_from(client.get("/members").get_data(as_text=True))

    withdrawn = client.post(f"/members/invitations/{invitation.id}/withdraw", data={"csrf_token": token})

    assert withdrawn.status_code == 302
    assert saved_rows(Invitation) == []
    assert app.test_client().get(path).status_code == 404
    assert [(e.action, e.subject_kind, e.subject_name) for e in saved_rows(AuditEntry)] == [
        ("created", "invitation", "maya@example.com"), ("deleted", "invitation", "maya@example.com")]


def test_an_invitation_of_another_workspace_cannot_be_withdrawn(client: FlaskClient) -> None:
    other = Workspace(name="Rival agency", test_send_allow_list=[])
    db.session.add(other)
    db.session.flush()
    invitation = Invitation(workspace=other, email="x@example.com", role="editor", token_hash=digest("x"),
                            expires_at=utcnow() + timedelta(days=1))
    db.session.add(invitation)
    db.session.commit()
    token = csrf_token_from(client.get("/members").get_data(as_text=True))

    response = client.post(f"/members/invitations/{invitation.id}/withdraw", data={"csrf_token": token})

    assert response.status_code == 404
    assert saved(Invitation, invitation.id) is not None


# --- joining ----------------------------------------------------------------------------------------


def test_a_new_person_must_choose_a_name_and_a_long_enough_password(app: Flask, client: FlaskClient,
                                                                    workspace: Workspace) -> None:
    path = link_on(invite(client))
    browser = app.test_client()

    response = join(browser, path, name="", password="short")

    assert response.status_code == 422
    assert field_error(response, "name") == "Enter the person's name, e.g. Maya Berger."
    assert field_error(response, "password") == "Choose a password of at least 10 characters."
    assert members_of(workspace) == [("owner@plannery.example", "owner")]
    assert browser.get(path).status_code == 200  # the link still works


def test_an_existing_user_signs_in_and_accepts(app: Flask, client: FlaskClient, workspace: Workspace,
                                               make_member: Callable[..., User]) -> None:
    other = Workspace(name="Side project", test_send_allow_list=[])
    db.session.add(other)
    db.session.commit()
    maya = make_member("owner", other, email="maya@example.com")
    path = link_on(invite(client, role="viewer"))

    anonymous = app.test_client()
    page = anonymous.get(path).get_data(as_text=True)
    assert "Sign in to accept" in page and f'href="/login?next={path}"' in page

    browser = app.test_client()
    sign_in(browser, maya)
    token = csrf_token_from(browser.get(path).get_data(as_text=True))
    accepted = browser.post(path, data={"csrf_token": token})

    assert accepted.status_code == 302
    assert ("maya@example.com", "viewer") in members_of(workspace)
    assert "Plannery team" in browser.get("/campaigns").get_data(as_text=True)  # switched to it
    [joined] = [e for e in saved_rows(AuditEntry) if e.action == "created" and e.subject_kind == "member"]
    assert joined.user_email == "maya@example.com" and joined.workspace_id == workspace.id


def test_a_new_person_cannot_take_an_invitation_for_an_address_with_an_account(
    app: Flask, client: FlaskClient, workspace: Workspace, make_member: Callable[..., User]
) -> None:
    other = Workspace(name="Side project", test_send_allow_list=[])
    db.session.add(other)
    db.session.commit()
    make_member("owner", other, email="maya@example.com")
    path = link_on(invite(client))

    response = join(app.test_client(), path, name="Mallory", password="mallory's password")

    assert response.status_code == 200  # the sign-in page again: no account is created or changed
    assert "Sign in to accept" in response.get_data(as_text=True)
    assert ("maya@example.com", "editor") not in members_of(workspace)


def test_someone_signed_in_with_another_address_cannot_accept(app: Flask, client: FlaskClient,
                                                              workspace: Workspace,
                                                              make_member: Callable[..., User]) -> None:
    other = Workspace(name="Side project", test_send_allow_list=[])
    db.session.add(other)
    db.session.commit()
    mallory = make_member("owner", other, email="mallory@example.com")
    path = link_on(invite(client))
    browser = app.test_client()
    sign_in(browser, mallory)

    page = browser.get(path).get_data(as_text=True)
    response = browser.post(path, data={"csrf_token": csrf_token_from(page)})  # the sign-out button's token

    assert "This invitation is for maya@example.com" in page
    assert response.status_code == 409
    assert ("mallory@example.com", "editor") not in members_of(workspace)
    assert saved_rows(Invitation)[0].accepted_at is None


def test_joining_needs_the_csrf_token(app: Flask, client: FlaskClient, workspace: Workspace) -> None:
    path = link_on(invite(client))

    response = app.test_client().post(path, data={"name": "Maya", "password": TEST_PASSWORD})

    assert response.status_code == 400
    assert members_of(workspace) == [("owner@plannery.example", "owner")]
