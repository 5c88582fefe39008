"""API tokens as scripts send them (Authorization: Bearer), on the API and on export downloads; and the attacks:
no token, a malformed, unknown, revoked or expired one, another workspace's IDs, a role too low, a token made
before its user was demoted, a role escalation, and a deleted user."""

from __future__ import annotations

from datetime import timedelta

import pytest

from accounts import current
from accounts.access import BAD_TOKEN, SIGN_IN_FIRST
from accounts.models import ApiToken, Membership, User, Workspace, utcnow
from accounts.services import create_token, revoke_token
from api_support import NOT_FOUND, auth_headers, csrf_token_from, database_rows, error_of, saved, sign_in
from conftest import TEST_PASSWORD
from campaigns.models import Campaign
from journeymail.extensions import db
from journeymail.validation import ValidationError

NEW_CAMPAIGN = {"name": "Scripted journey", "goal": "Start a free trial", "framework": "five-stage",
                "sender_name": "Maya", "sender_email": "maya@example.com"}


@pytest.fixture
def token_for(workspace):
    """A new token's secret for `user` (default: the workspace's owner) in `space` with `role`."""

    def make(user=None, space=None, role=None, **options):
        user = db.session.get(User, user.id) if user is not None else workspace.memberships[0].user
        _token, secret = create_token(user, space or workspace, role=role, **options)
        db.session.commit()
        return secret

    return make


@pytest.fixture
def other_team(workspace, make_member, create_campaign):
    """Workspace B with its own member and campaign; the test goes on working in A afterwards."""
    space = Workspace(name="Other team", test_send_allow_list=[])
    db.session.add(space)
    db.session.commit()
    member = make_member("owner", space, email="bea@other.example")
    current.use_workspace(space, "owner", member)
    campaign = create_campaign(name="B's journey")
    current.use_workspace(workspace, "owner", workspace.memberships[0].user)
    return space, member, campaign


def api(app, secret=None, method="get", path="/api/campaigns", **kwargs):
    headers = auth_headers(secret) if secret is not None else {}
    return getattr(app.test_client(), method)(path, headers={**headers, **kwargs.pop("headers", {})}, **kwargs)


# --- a valid token ----------------------------------------------------------------------------


def test_a_valid_token_reads_the_api_and_its_last_use_is_recorded(app, token_for, create_campaign):
    create_campaign(name="Trial journey")
    secret = token_for(role="viewer")
    [token] = db.session.scalars(db.select(ApiToken)).all()
    assert token.last_used_at is None
    response = api(app, secret)
    assert response.status_code == 200
    assert [c["name"] for c in response.get_json()] == ["Trial journey"]
    assert saved(ApiToken, token.id).last_used_at is not None


def test_a_valid_token_downloads_an_export(app, token_for, create_campaign):
    campaign = create_campaign(name="Trial journey")
    secret = token_for(role="viewer")
    response = api(app, secret, path=f"/campaigns/{campaign.id}/export/campaign.json")
    assert response.status_code == 200
    assert response.get_json()["campaign"]["name"] == "Trial journey"
    assert saved(ApiToken, db.session.scalar(db.select(ApiToken.id))).last_used_at is not None


def test_a_token_may_write_with_its_role(app, token_for):
    response = api(app, token_for(role="editor"), "post", json=NEW_CAMPAIGN)
    assert response.status_code == 201
    assert db.session.scalar(db.select(Campaign.name)) == "Scripted journey"


# --- no token, or a bad one ---------------------------------------------------------------------


def test_the_api_without_a_token_answers_401_with_the_error_document(app):
    response = api(app)
    assert response.status_code == 401
    assert error_of(response) == {"message": SIGN_IN_FIRST, "fields": {}}


def test_an_export_download_without_a_token_answers_a_script_401(app, create_campaign):
    campaign = create_campaign()
    path = f"/campaigns/{campaign.id}/export/campaign.json"
    script = api(app, path=path, headers={"Accept": "application/json"})
    assert script.status_code == 401 and error_of(script)["message"] == SIGN_IN_FIRST
    browser = api(app, path=path, headers={"Accept": "text/html"})
    assert browser.status_code == 302 and browser.headers["Location"].startswith("/login?next=")


@pytest.mark.parametrize("header", [
    "Bearer", "Bearer ", "Bearer jm_", "Bearer not-a-token", "Bearer jm_" + "x" * 500, "bearer jm_a b c",
    "Bearer jm_\u00e9\u00e8",
])
def test_a_malformed_bearer_header_answers_401(app, token_for, header):
    token_for()  # a real token exists; none of these is it
    response = app.test_client().get("/api/campaigns", headers={"Authorization": header})
    assert response.status_code == 401
    assert error_of(response) == {"message": BAD_TOKEN, "fields": {}}


@pytest.mark.parametrize("header", ["Basic b3duZXI6cGFzc3dvcmQ=", "Token jm_abc", "jm_abc"])
def test_another_authorization_scheme_is_no_token(app, header):
    response = app.test_client().get("/api/campaigns", headers={"Authorization": header})
    assert response.status_code == 401
    assert error_of(response)["message"] == SIGN_IN_FIRST


def test_an_unknown_token_answers_401(app, token_for):
    secret = token_for()
    response = api(app, secret[:-2] + ("AA" if not secret.endswith("AA") else "BB"))
    assert response.status_code == 401 and error_of(response)["message"] == BAD_TOKEN


def test_a_revoked_token_answers_401(app, token_for):
    secret = token_for()
    assert api(app, secret).status_code == 200
    revoke_token(db.session.scalar(db.select(ApiToken)))
    db.session.commit()
    response = api(app, secret)
    assert response.status_code == 401 and error_of(response)["message"] == BAD_TOKEN


def test_an_expired_token_answers_401(app, token_for):
    secret = token_for(expires_in_days=1)
    assert api(app, secret).status_code == 200
    token = db.session.scalar(db.select(ApiToken))
    token.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    response = api(app, secret)
    assert response.status_code == 401 and error_of(response)["message"] == BAD_TOKEN


def test_a_bad_token_is_401_even_with_a_signed_in_session(client):
    response = client.get("/api/campaigns", headers=auth_headers("jm_made-up"))
    assert response.status_code == 401 and error_of(response)["message"] == BAD_TOKEN


# --- workspaces -----------------------------------------------------------------------------------


def test_a_token_of_workspace_b_works_on_bs_ids_and_finds_nothing_of_as(app, token_for, other_team, create_campaign):
    space, member, their_campaign = other_team
    ours = create_campaign(name="A's journey")
    secret = token_for(member, space)
    assert [c["name"] for c in api(app, secret).get_json()] == ["B's journey"]
    assert api(app, secret, path=f"/api/campaigns/{their_campaign.id}").status_code == 200
    for path in (f"/api/campaigns/{ours.id}", f"/campaigns/{ours.id}/export/campaign.json"):
        response = api(app, secret, path=path, headers={"Accept": "application/json"})
        assert response.status_code == 404, path
        assert error_of(response)["message"] == NOT_FOUND
    before = database_rows()
    assert api(app, secret, "delete", path=f"/api/campaigns/{ours.id}").status_code == 404
    assert database_rows() == before


def test_a_token_cannot_be_made_for_a_workspace_its_user_is_not_in(other_team, owner):
    space, _member, _campaign = other_team
    with pytest.raises(ValidationError) as refused:
        create_token(db.session.get(User, owner.id), space)
    assert refused.value.fields == {"workspace": f"{owner.email} is not a member of Other team."}


# --- roles ----------------------------------------------------------------------------------------



def test_a_viewer_token_is_refused_a_write_with_403(app, token_for, create_campaign):
    campaign = create_campaign()
    secret = token_for(role="viewer")
    before = database_rows()
    created = api(app, secret, "post", json=NEW_CAMPAIGN)
    deleted = api(app, secret, "delete", path=f"/api/campaigns/{campaign.id}")
    assert (created.status_code, deleted.status_code) == (403, 403)
    assert "viewer" in error_of(created)["message"]
    assert database_rows() == before


def test_a_token_acts_with_its_own_role_when_lower_than_its_users(app, token_for):
    page = api(app, token_for(role="viewer"), path="/campaigns", headers={"Accept": "text/html"})
    assert page.status_code == 200
    assert '<span class="role">· Viewer</span>' in page.get_data(as_text=True)


def demote(user, workspace, role):
    membership = db.session.scalar(db.select(Membership).filter_by(user_id=user.id, workspace_id=workspace.id))
    membership.role = role
    db.session.commit()


def test_a_token_made_before_its_user_was_demoted_acts_with_the_users_role_now(
        app, token_for, make_member, workspace):
    editor = make_member("editor")
    secret = token_for(editor, role="editor")
    demote(editor, workspace, "viewer")
    page = api(app, secret, path="/campaigns", headers={"Accept": "text/html"})
    assert '<span class="role">· Viewer</span>' in page.get_data(as_text=True)



def test_a_demoted_users_token_is_refused_what_the_new_role_may_not_do(app, token_for, make_member, workspace):
    editor = make_member("editor")
    secret = token_for(editor, role="editor")
    demote(editor, workspace, "viewer")
    response = api(app, secret, "post", json=NEW_CAMPAIGN)
    assert response.status_code == 403
    assert db.session.scalar(db.select(Campaign.id)) is None


def test_an_owner_token_of_a_demoted_owner_cannot_reset_a_members_password(
        app, token_for, make_member, workspace):
    """The owner-only action this package owns, asked with a token whose user is an owner no more."""
    former_owner, member = make_member("owner"), make_member("viewer")
    secret = token_for(former_owner, role="owner")
    demote(former_owner, workspace, "editor")
    script = app.test_client()
    csrf = csrf_token_from(script.get("/login").get_data(as_text=True))  # so that the role is what decides
    response = script.post(f"/members/{member.id}/reset-password", data={"how": "password", "csrf_token": csrf},
                           headers={**auth_headers(secret), "Accept": "application/json"})
    assert response.status_code == 403
    assert "editor" in error_of(response)["message"]
    assert db.session.get(User, member.id).check_password(TEST_PASSWORD)


def test_an_owner_token_resets_a_members_password_while_its_user_is_an_owner(app, token_for, make_member):
    """The counterpart of the test above: the same request, its user still an owner, is carried out."""
    member = make_member("viewer")
    script = app.test_client()
    csrf = csrf_token_from(script.get("/login").get_data(as_text=True))
    response = script.post(f"/members/{member.id}/reset-password", data={"how": "password", "csrf_token": csrf},
                           headers=auth_headers(token_for(role="owner")))
    assert response.status_code == 200
    assert not db.session.get(User, member.id).check_password(TEST_PASSWORD)


def test_a_viewer_cannot_make_an_owner_token_through_the_service(make_member, workspace):
    viewer = make_member("viewer")
    with pytest.raises(ValidationError) as refused:
        create_token(db.session.get(User, viewer.id), workspace, role="owner")
    assert refused.value.fields == {"role": "A token's role can be no higher than yours (viewer)."}
    assert db.session.scalar(db.select(ApiToken.id)) is None


@pytest.mark.parametrize("role", ["admin", "OWNER", 3, ["owner"]])
def test_a_role_that_is_no_role_is_refused(make_member, workspace, role):
    with pytest.raises(ValidationError) as refused:
        create_token(db.session.get(User, make_member("editor").id), workspace, role=role)
    assert set(refused.value.fields) == {"role"}


# --- a deleted user ---------------------------------------------------------------------------------


def test_a_deleted_users_sessions_and_tokens_stop_working(app, runner, token_for, make_member):
    editor = make_member("editor")
    secret = token_for(editor)
    browser = app.test_client()
    sign_in(browser, editor)
    assert browser.get("/campaigns").status_code == 200 and api(app, secret).status_code == 200
    result = runner.invoke(args=["users", "delete", editor.email])
    assert result.exit_code == 0, result.output
    assert browser.get("/campaigns").status_code == 302
    assert browser.get("/api/campaigns").status_code == 401
    assert api(app, secret).status_code == 401
    db.session.expire_all()
    assert db.session.get(User, editor.id) is None
    assert db.session.scalars(db.select(ApiToken)).all() == []


def test_a_script_downloading_an_export_without_a_token_gets_401_not_the_sign_in_page(anonymous_client, create_campaign):
    campaign = create_campaign()

    script = anonymous_client.get(f"/campaigns/{campaign.id}/export/plan.csv", headers={"Accept": "*/*"})
    browser = anonymous_client.get(f"/campaigns/{campaign.id}/export/plan.csv",
                                   headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"})

    assert script.status_code == 401 and script.is_json
    assert "Bearer" in script.get_json()["error"]["message"]
    assert browser.status_code == 302 and browser.headers["Location"].startswith("/login?next=")
