"""The account page: who one is, changing one's password, and one's API tokens (created, shown once, revoked)."""

from __future__ import annotations

from accounts.models import ApiToken, User, Workspace
from accounts.services import digest
from api_support import auth_headers, saved, saved_rows, sign_in
from conftest import TEST_PASSWORD
from journeymail.extensions import db

from accounts_support import field_errors, post_from, shown_secret

NEW_PASSWORD = "a much newer passphrase"


def change_password(browser, current, new, again=None):
    return post_from(browser, "/account", "/account/password", {
        "current_password": current, "new_password": new,
        "new_password_again": new if again is None else again})


def create_token(browser, **fields):
    data = {"name": "Nightly export", "workspace_id": "", "role": "", "expires_in_days": "", **fields}
    return post_from(browser, "/account", "/account/tokens", data)


# --- the page --------------------------------------------------------------------------------


def test_the_header_links_to_the_account_page(client):
    assert 'href="/account"' in client.get("/campaigns").get_data(as_text=True)


def test_the_account_page_shows_name_address_workspaces_and_roles(client, owner, make_member):
    other = Workspace(name="Side project", test_send_allow_list=[])
    db.session.add(other)
    db.session.commit()
    make_member("viewer", other, email="someone@plannery.example")
    from accounts.services import add_member
    add_member(other, db.session.get(User, owner.id), "copywriter")
    db.session.commit()
    page = client.get("/account").get_data(as_text=True)
    assert "Olga Owner" in page and "owner@plannery.example" in page
    assert "<td>Plannery team</td><td>Owner</td>" in page
    assert "<td>Side project</td><td>Copywriter</td>" in page


def test_a_viewer_may_open_their_account_page(client_as):
    assert client_as("viewer").get("/account").status_code == 200


def test_the_account_page_needs_signing_in(anonymous_client):
    response = anonymous_client.get("/account")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login?next=%2Faccount")


# --- changing the password -------------------------------------------------------------------


def test_changing_the_password_keeps_this_browser_and_signs_out_the_others(app, client, owner):
    elsewhere = app.test_client()
    sign_in(elsewhere, owner)
    response = change_password(client, TEST_PASSWORD, NEW_PASSWORD)
    assert response.status_code == 302 and response.headers["Location"] == "/account"
    assert client.get("/campaigns").status_code == 200
    assert elsewhere.get("/campaigns").status_code == 302  # sent to sign in
    user = db.session.get(User, owner.id)
    assert user.check_password(NEW_PASSWORD) and not user.check_password(TEST_PASSWORD)


def test_the_new_password_signs_in_and_the_old_one_no_longer_does(app, client, owner):
    change_password(client, TEST_PASSWORD, NEW_PASSWORD)
    fresh = app.test_client()
    old = post_from(fresh, "/login", "/login", {"email": owner.email, "password": TEST_PASSWORD})
    assert old.status_code == 401
    new = post_from(fresh, "/login", "/login", {"email": owner.email, "password": NEW_PASSWORD})
    assert new.status_code == 302


def test_a_wrong_current_password_changes_nothing_and_says_so_under_the_field(client, owner):
    before = saved(User, owner.id).password_hash
    response = change_password(client, "not my password", NEW_PASSWORD)
    assert response.status_code == 422
    assert field_errors(response) == {"current_password": "That is not your current password."}
    assert saved(User, owner.id).password_hash == before


def test_a_short_or_mistyped_new_password_is_refused_with_what_to_fix(client, owner):
    before = saved(User, owner.id)
    short = change_password(client, TEST_PASSWORD, "short")
    assert short.status_code == 422
    assert field_errors(short) == {"new_password": "Choose a password of at least 10 characters."}
    differ = change_password(client, TEST_PASSWORD, NEW_PASSWORD, "a much newer passphrasE")
    assert field_errors(differ) == {"new_password_again": "The two new passwords differ. Type the same one twice."}
    assert saved(User, owner.id).password_hash == before.password_hash
    assert saved(User, owner.id).session_key == before.session_key


def test_changing_the_password_needs_the_csrf_token(client, owner):
    before = saved(User, owner.id).password_hash
    response = client.post("/account/password", data={
        "current_password": TEST_PASSWORD, "new_password": NEW_PASSWORD, "new_password_again": NEW_PASSWORD})
    assert response.status_code in (400, 422)
    assert saved(User, owner.id).password_hash == before


# --- API tokens --------------------------------------------------------------------------------


def test_a_new_token_is_shown_once_and_works(client, workspace, owner):
    response = create_token(client, workspace_id=str(workspace.id), role="viewer", expires_in_days="30")
    assert response.status_code == 201
    assert response.headers["Cache-Control"] == "no-store"
    secret = shown_secret(response, "token-secret")
    assert "only time it is shown" in response.get_data(as_text=True)
    [token] = saved_rows(ApiToken, user_id=owner.id)
    assert token.token_hash == digest(secret) and secret not in repr(tuple(token))
    assert (token.name, token.role, token.workspace_id) == ("Nightly export", "viewer", workspace.id)
    assert token.expires_at is not None
    account = client.get("/account").get_data(as_text=True)
    assert "Nightly export" in account and token.prefix in account
    assert secret not in account  # never shown again
    assert client.application.test_client().get("/api/campaigns", headers=auth_headers(secret)).status_code == 200


def test_the_token_list_shows_workspace_role_dates_and_prefix(client, workspace, owner):
    from accounts.services import create_token as make
    token, _secret = make(db.session.get(User, owner.id), workspace, name="CI", role="editor", expires_in_days=7)
    db.session.commit()
    page = client.get("/account").get_data(as_text=True)
    row = page[page.index(f'id="token-{token.id}"'):]
    row = row[:row.index("</tr>")]
    for shown in ("CI", "Plannery team", "Editor", token.prefix, "Never", token.expires_at.strftime("%d %b %Y")):
        assert shown in row, shown


def test_a_token_role_above_ones_own_is_refused_in_the_form(client_as, workspace):
    viewer = client_as("viewer")
    response = create_token(viewer, workspace_id=str(workspace.id), role="owner")
    assert response.status_code == 422
    assert field_errors(response) == {"role": "A token's role can be no higher than yours (viewer)."}
    assert saved_rows(ApiToken) == []


def test_a_token_for_a_workspace_one_is_not_in_is_refused(client, owner):
    elsewhere = Workspace(name="Not mine", test_send_allow_list=[])
    db.session.add(elsewhere)
    db.session.commit()
    response = create_token(client, workspace_id=str(elsewhere.id), role="viewer")
    assert response.status_code == 422
    assert field_errors(response) == {"workspace_id": "Choose one of your workspaces."}
    assert saved_rows(ApiToken) == []


def test_bad_expiry_days_are_refused_with_what_to_give(client, workspace):
    for days in ("0", "-3", "soon", "99999"):
        response = create_token(client, workspace_id=str(workspace.id), expires_in_days=days)
        assert response.status_code == 422, days
        assert field_errors(response) == {
            "expires_in_days": "Give the days until it expires, from 1 to 3650, or leave it empty."}
    assert saved_rows(ApiToken) == []


def test_a_revoked_token_stops_working_and_leaves_the_list(client, workspace, owner):
    secret = shown_secret(create_token(client, workspace_id=str(workspace.id)), "token-secret")
    [token] = saved_rows(ApiToken, user_id=owner.id)
    response = post_from(client, "/account", f"/account/tokens/{token.id}/revoke", {})
    assert response.status_code == 302
    assert saved(ApiToken, token.id).revoked_at is not None
    assert f'id="token-{token.id}"' not in client.get("/account").get_data(as_text=True)
    assert client.application.test_client().get("/api/campaigns", headers=auth_headers(secret)).status_code == 401


def test_another_users_token_cannot_be_revoked(client, client_as, workspace):
    editor = client_as("editor")
    create_token(editor, workspace_id=str(workspace.id))
    [token] = saved_rows(ApiToken)
    response = post_from(client, "/account", f"/account/tokens/{token.id}/revoke", {})
    assert response.status_code == 404
    assert saved(ApiToken, token.id).revoked_at is None
