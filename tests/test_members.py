"""The members page: owners see every member, change roles and remove members; a workspace never loses its
last owner; a removed member's session and tokens stop working there at once."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from accounts.models import ApiToken, AuditEntry, Membership, User, Workspace
from accounts.services import create_token
from api_support import auth_headers, csrf_token_from, error_of, saved, saved_rows, sign_in
from campaigns.models import Campaign
from html_tree import parse
from journeymail.extensions import db


def membership_of(user: User, workspace: Workspace) -> Membership:
    return db.session.scalar(db.select(Membership).where(Membership.user_id == user.id,
                                                         Membership.workspace_id == workspace.id))


def press(client: FlaskClient, action: str, **data: str) -> Any:
    """Press a button of the members page, with the page's CSRF token, as a browser would."""
    token = csrf_token_from(client.get("/members").get_data(as_text=True))
    return client.post(action, data={"csrf_token": token, **data})


def problem_on(response: Any) -> str:
    found = parse(response.get_data(as_text=True)).by_id("members-problem")
    assert found is not None, response.get_data(as_text=True)[:300]
    return found.text()


# --- the page ---------------------------------------------------------------------------------


def test_the_page_lists_every_member_with_email_role_and_since_when(
    client: FlaskClient, workspace: Workspace, make_member: Callable[..., User]
) -> None:
    editor = make_member("editor", email="maya@plannery.example")
    membership = membership_of(editor, workspace)

    page = parse(client.get("/members").get_data(as_text=True))

    row = page.by_id(f"member-{membership.id}")
    assert row is not None
    assert "Editor 1" in row.text() and "maya@plannery.example" in row.text()
    assert membership.created_at.strftime("%d %b %Y") in row.text()
    [selected] = [o for o in row.select("option") if "selected" in o.attrs]
    assert selected.get("value") == "editor"
    assert "Olga Owner (you)" in page.text()


def test_another_workspace_s_members_are_not_listed(client: FlaskClient, make_member: Callable[..., User]) -> None:
    other = Workspace(name="Rival agency", test_send_allow_list=[])
    db.session.add(other)
    db.session.commit()
    make_member("owner", other, email="rival@rival.example")

    assert "rival@rival.example" not in client.get("/members").get_data(as_text=True)


@pytest.mark.parametrize("role", ["editor", "copywriter", "viewer"])
def test_only_owners_open_the_members_page(client_as: Callable[..., FlaskClient], role: str) -> None:
    response = client_as(role).get("/members")

    assert response.status_code == 403
    assert "owner" in response.get_data(as_text=True)


def test_an_editor_cannot_change_a_role_or_remove_a_member(
    app: Flask, workspace: Workspace, owner: User, make_member: Callable[..., User]
) -> None:
    editor = make_member("editor")
    browser = app.test_client()
    sign_in(browser, editor)
    token = csrf_token_from(browser.get("/campaigns").get_data(as_text=True))
    owner_membership = membership_of(owner, workspace)

    promoted = browser.post(f"/members/{membership_of(editor, workspace).id}/role",
                            data={"csrf_token": token, "role": "owner"})
    removed = browser.post(f"/members/{owner_membership.id}/remove", data={"csrf_token": token})

    assert (promoted.status_code, removed.status_code) == (403, 403)
    assert saved(Membership, membership_of(editor, workspace).id).role == "editor"
    assert saved(Membership, owner_membership.id) is not None


def test_the_header_links_to_members_for_owners_only(client: FlaskClient,
                                                     client_as: Callable[..., FlaskClient]) -> None:
    assert 'href="/members"' in client.get("/campaigns").get_data(as_text=True)
    assert 'href="/members"' not in client_as("viewer").get("/campaigns").get_data(as_text=True)


# --- roles ----------------------------------------------------------------------------------


def test_an_owner_changes_a_member_s_role(client: FlaskClient, workspace: Workspace,
                                          make_member: Callable[..., User]) -> None:
    member = make_member("viewer")
    membership = membership_of(member, workspace)

    response = press(client, f"/members/{membership.id}/role", role="editor")

    assert response.status_code == 302 and response.headers["Location"] == "/members"
    assert saved(Membership, membership.id).role == "editor"
    [entry] = saved_rows(AuditEntry)
    assert (entry.action, entry.subject_kind, entry.subject_id) == ("changed", "member", member.id)
    assert entry.detail == {"fields": ["role"], "role_before": "viewer", "role": "editor"}


def test_an_unknown_role_is_refused_and_nothing_changes(client: FlaskClient, workspace: Workspace,
                                                        make_member: Callable[..., User]) -> None:
    membership = membership_of(make_member("viewer"), workspace)

    response = press(client, f"/members/{membership.id}/role", role="admin")

    assert response.status_code == 422
    assert problem_on(response) == "Choose a role: owner, editor, copywriter, viewer."
    assert saved(Membership, membership.id).role == "viewer"


def test_the_last_owner_cannot_demote_themself(client: FlaskClient, workspace: Workspace, owner: User) -> None:
    membership = membership_of(owner, workspace)

    response = press(client, f"/members/{membership.id}/role", role="editor")

    assert response.status_code == 409
    assert problem_on(response) == ("Olga Owner is the last owner of Plannery team, and a workspace needs an "
                                    "owner. Make another member an owner first.")
    assert saved(Membership, membership.id).role == "owner"
    assert saved_rows(AuditEntry) == []


def test_the_last_owner_cannot_remove_themself(client: FlaskClient, workspace: Workspace, owner: User) -> None:
    membership = membership_of(owner, workspace)

    response = press(client, f"/members/{membership.id}/remove")

    assert response.status_code == 409
    assert "last owner of Plannery team" in problem_on(response)
    assert saved(Membership, membership.id) is not None


def test_an_owner_may_step_down_while_another_owner_remains(
    client: FlaskClient, workspace: Workspace, owner: User, make_member: Callable[..., User]
) -> None:
    make_member("owner")
    membership = membership_of(owner, workspace)

    response = press(client, f"/members/{membership.id}/role", role="editor")

    assert response.status_code == 302 and response.headers["Location"] == "/campaigns"  # no members page now
    assert saved(Membership, membership.id).role == "editor"
    assert client.get("/members").status_code == 403


def test_a_second_owner_cannot_be_removed_once_the_first_stepped_down(
    client: FlaskClient, workspace: Workspace, owner: User, app: Flask, make_member: Callable[..., User]
) -> None:
    other_owner = make_member("owner")
    press(client, f"/members/{membership_of(owner, workspace).id}/role", role="editor")
    other = app.test_client()
    sign_in(other, other_owner)

    response = press(other, f"/members/{membership_of(other_owner, workspace).id}/remove")

    assert response.status_code == 409
    assert [m.role for m in saved_rows(Membership, workspace_id=workspace.id)] == ["editor", "owner"]


def test_a_member_of_another_workspace_is_a_404(client: FlaskClient, make_member: Callable[..., User]) -> None:
    other = Workspace(name="Rival agency", test_send_allow_list=[])
    db.session.add(other)
    db.session.commit()
    rival = make_member("editor", other)
    membership = membership_of(rival, other)

    changed = press(client, f"/members/{membership.id}/role", role="viewer")
    removed = press(client, f"/members/{membership.id}/remove")

    assert (changed.status_code, removed.status_code) == (404, 404)
    assert saved(Membership, membership.id).role == "editor"


def test_a_button_without_the_csrf_token_changes_nothing(client: FlaskClient, workspace: Workspace,
                                                         make_member: Callable[..., User]) -> None:
    membership = membership_of(make_member("viewer"), workspace)

    response = client.post(f"/members/{membership.id}/role", data={"role": "owner"})

    assert response.status_code == 400
    assert saved(Membership, membership.id).role == "viewer"


# --- removing a member -------------------------------------------------------------------------


@pytest.fixture
def campaign(create_campaign: Callable[..., Campaign]) -> Campaign:
    return create_campaign(name="Onboarding")


def test_a_removed_member_s_session_stops_working_in_the_workspace_at_once(
    app: Flask, client: FlaskClient, workspace: Workspace, make_member: Callable[..., User], campaign: Campaign
) -> None:
    editor = make_member("editor")
    browser = app.test_client()
    sign_in(browser, editor)
    assert browser.get(f"/campaigns/{campaign.id}").status_code == 200

    response = press(client, f"/members/{membership_of(editor, workspace).id}/remove")

    assert response.status_code == 302
    assert membership_of(editor, workspace) is None
    page = browser.get(f"/campaigns/{campaign.id}")
    assert page.status_code == 403 and "Onboarding" not in page.get_data(as_text=True)
    assert browser.get(f"/api/campaigns/{campaign.id}").status_code == 403
    assert "Onboarding" not in browser.get("/campaigns").get_data(as_text=True)


def test_a_removed_member_in_two_workspaces_keeps_the_other_one(
    app: Flask, client: FlaskClient, workspace: Workspace, make_member: Callable[..., User], campaign: Campaign
) -> None:
    editor = make_member("editor")
    other = Workspace(name="Side project", test_send_allow_list=[])
    db.session.add_all([other, Membership(user=editor, workspace=other, role="owner")])
    db.session.commit()
    browser = app.test_client()
    sign_in(browser, editor)

    press(client, f"/members/{membership_of(editor, workspace).id}/remove")

    assert browser.get(f"/campaigns/{campaign.id}").status_code == 404  # not in the workspace it works in now
    listing = browser.get("/api/campaigns")
    assert listing.status_code == 200 and listing.get_json() == []


def test_a_removed_member_s_token_stops_working_and_is_revoked(
    app: Flask, client: FlaskClient, workspace: Workspace, make_member: Callable[..., User], campaign: Campaign
) -> None:
    editor = make_member("editor")
    token, secret = create_token(editor, workspace, name="Nightly export")
    db.session.commit()
    script = app.test_client()
    assert script.get("/api/campaigns", headers=auth_headers(secret)).status_code == 200

    press(client, f"/members/{membership_of(editor, workspace).id}/remove")

    response = script.get("/api/campaigns", headers=auth_headers(secret))
    assert response.status_code == 401
    assert "not valid" in error_of(response)["message"]
    assert saved(ApiToken, token.id).revoked_at is not None
    download = script.get(f"/campaigns/{campaign.id}/export/campaign.json", headers=auth_headers(secret))
    assert download.status_code == 401


def test_inviting_a_removed_member_back_does_not_revive_their_old_token(
    client: FlaskClient, app: Flask, workspace: Workspace, make_member: Callable[..., User]
) -> None:
    editor = make_member("editor")
    _token, secret = create_token(editor, workspace)
    db.session.commit()
    press(client, f"/members/{membership_of(editor, workspace).id}/remove")
    db.session.add(Membership(user_id=editor.id, workspace_id=workspace.id, role="editor"))
    db.session.commit()

    assert app.test_client().get("/api/campaigns", headers=auth_headers(secret)).status_code == 401


def test_removing_a_member_is_recorded(client: FlaskClient, workspace: Workspace,
                                       make_member: Callable[..., User]) -> None:
    viewer = make_member("viewer", email="vic@plannery.example")

    press(client, f"/members/{membership_of(viewer, workspace).id}/remove")

    [entry] = saved_rows(AuditEntry)
    assert (entry.user_email, entry.action, entry.subject_kind, entry.subject_name) == (
        "owner@plannery.example", "deleted", "member", "Viewer 1 (vic@plannery.example)")
    assert entry.detail == {"role": "viewer"}


def test_a_lowered_role_lowers_the_member_s_tokens(client: FlaskClient, workspace: Workspace,
                                                   make_member: Callable[..., User]) -> None:
    editor = make_member("editor")
    token, _secret = create_token(editor, workspace)
    db.session.commit()

    press(client, f"/members/{membership_of(editor, workspace).id}/role", role="viewer")

    assert saved(ApiToken, token.id).role == "viewer"


# --- owners stepping down at once -------------------------------------------------------------------


def session_cookie(app: Flask, user: User) -> str:
    """The session cookie a browser on 127.0.0.1 holds once `user` signed in (see api_support.sign_in)."""
    from flask_login.utils import _create_identifier

    with app.test_request_context(environ_base={"REMOTE_ADDR": "127.0.0.1"}):
        identifier = _create_identifier()
    data = {"_user_id": user.get_id(), "_fresh": True, "_id": identifier,
            "workspace_id": user.memberships[0].workspace_id}
    return app.session_interface.get_signing_serializer(app).dumps(data)


def test_owners_stepping_down_at_once_leave_one_owner(app: Flask, workspace: Workspace, owner: User,
                                                      make_member: Callable[..., User]) -> None:
    """Each sees other owners; only the serialised check (a write lock, or rows locked FOR UPDATE) keeps one."""
    import http.client
    import threading
    from urllib.parse import urlencode

    from werkzeug.serving import make_server

    owners = [owner, *(make_member("owner") for _ in range(5))]
    people = [(membership_of(user, workspace).id, session_cookie(app, user)) for user in owners]
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    start, statuses = threading.Barrier(len(people)), []

    def step_down(membership_id: int, cookie: str) -> None:
        jar = {"session": cookie}

        def send(method: str, path: str, body: bytes | None = None) -> tuple[int, str]:
            connection = http.client.HTTPConnection("127.0.0.1", server.server_port, timeout=30)
            headers = {"Cookie": f"session={jar['session']}", "Content-Type": "application/x-www-form-urlencoded"}
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            if (set_cookie := response.getheader("Set-Cookie") or "").startswith("session="):
                jar["session"] = set_cookie.split(";", 1)[0].removeprefix("session=")  # it now holds the CSRF secret
            return response.status, response.read().decode()

        _status, page = send("GET", "/members")
        token = csrf_token_from(page)
        start.wait(timeout=30)
        status, _text = send("POST", f"/members/{membership_id}/role",
                             urlencode({"csrf_token": token, "role": "editor"}).encode())
        statuses.append(status)

    threads = [threading.Thread(target=step_down, args=person) for person in people]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
    finally:
        server.shutdown()
        server.server_close()

    assert sorted(statuses) == [302] * 5 + [409]
    assert [m.role for m in saved_rows(Membership, workspace_id=workspace.id)].count("owner") == 1
