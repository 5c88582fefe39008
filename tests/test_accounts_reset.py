"""Password reset: a link by email (used once, for an hour, no hint whether an address has an account), and an
owner's reset of a member's password when there is no email."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from accounts.models import PasswordReset, User, Workspace, utcnow
from accounts.services import add_member, digest
from api_support import saved, saved_rows, sign_in
from conftest import TEST_PASSWORD
from journeymail.extensions import db

from accounts_support import field_errors, post_from, shown_secret

NEW_PASSWORD = "a much newer passphrase"
SENT = "If the address has an account, we sent a link to it. It works once, within an hour."


def ask_for_link(browser, email):
    return post_from(browser, "/password/forgot", "/password/forgot", {"email": email})


def link_in(received) -> str:
    body = received.message.get_body(("plain",)).get_content()
    match = re.search(r"http://localhost/password/reset/[\w-]+", body)
    assert match, body
    return match.group(0).removeprefix("http://localhost")


def set_password(browser, path, new=NEW_PASSWORD, again=None):
    return post_from(browser, path, path, {"new_password": new, "new_password_again": new if again is None else again})


# --- by email --------------------------------------------------------------------------------


def test_a_reset_link_arrives_by_email_and_sets_a_new_password(anonymous_client, smtp_server, owner):
    response = ask_for_link(anonymous_client, "OWNER@plannery.example")
    assert response.status_code == 200 and SENT in response.get_data(as_text=True)
    [mail] = smtp_server.received
    assert mail.rcpt_tos == ["owner@plannery.example"]
    assert mail.message["Subject"] == "Set a new Journeymail password"
    path = link_in(mail)
    [reset] = saved_rows(PasswordReset, user_id=owner.id)
    assert reset.token_hash == digest(path.rsplit("/", 1)[1])  # only the digest is stored
    done = set_password(anonymous_client, path)
    assert done.status_code == 302 and done.headers["Location"] == "/login"
    signed_in = post_from(anonymous_client, "/login", "/login", {"email": owner.email, "password": NEW_PASSWORD})
    assert signed_in.status_code == 302


def test_an_unknown_address_gets_the_same_answer_and_no_email(anonymous_client, smtp_server, owner):
    known = ask_for_link(anonymous_client, owner.email)
    unknown = ask_for_link(anonymous_client, "nobody@plannery.example")
    assert unknown.status_code == known.status_code == 200
    assert SENT in unknown.get_data(as_text=True)
    assert [mail.rcpt_tos for mail in smtp_server.received] == [["owner@plannery.example"]]
    assert len(saved_rows(PasswordReset)) == 1


def test_a_failing_mail_server_still_gives_the_same_answer(anonymous_client, configure_smtp, owner):
    configure_smtp(SMTP_HOST="127.0.0.1", SMTP_PORT=9, SMTP_TLS="none", SMTP_TIMEOUT=2.0)  # nothing listens
    response = ask_for_link(anonymous_client, owner.email)
    assert response.status_code == 200 and SENT in response.get_data(as_text=True)


def test_a_malformed_address_is_refused_under_the_field(anonymous_client, smtp_server):
    response = ask_for_link(anonymous_client, "not an address")
    assert response.status_code == 422
    assert "email" in field_errors(response)
    assert smtp_server.received == []


def test_a_reset_link_ends_every_session_of_the_user(app, anonymous_client, smtp_server, owner):
    elsewhere = app.test_client()
    sign_in(elsewhere, owner)
    ask_for_link(anonymous_client, owner.email)
    set_password(anonymous_client, link_in(smtp_server.received[0]))
    assert elsewhere.get("/campaigns").status_code == 302


def test_a_reset_link_works_once(anonymous_client, smtp_server, owner):
    ask_for_link(anonymous_client, owner.email)
    path = link_in(smtp_server.received[0])
    set_password(anonymous_client, path)
    again = anonymous_client.get(path)
    assert again.status_code == 410
    assert "works once, and only for an hour" in again.get_data(as_text=True)
    assert db.session.get(User, owner.id).check_password(NEW_PASSWORD)


def test_a_new_password_uses_up_the_users_other_open_links(anonymous_client, smtp_server, owner):
    ask_for_link(anonymous_client, owner.email)
    ask_for_link(anonymous_client, owner.email)
    first, second = (link_in(mail) for mail in smtp_server.received)
    set_password(anonymous_client, second)
    assert anonymous_client.get(first).status_code == 410


def test_an_expired_link_is_refused_and_changes_nothing(anonymous_client, smtp_server, owner):
    ask_for_link(anonymous_client, owner.email)
    path = link_in(smtp_server.received[0])
    reset = db.session.scalar(db.select(PasswordReset))
    reset.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    before = saved(User, owner.id).password_hash
    response = post_from(anonymous_client, "/login", path, {"new_password": NEW_PASSWORD,
                                                            "new_password_again": NEW_PASSWORD})
    assert response.status_code == 410
    assert saved(User, owner.id).password_hash == before


@pytest.mark.parametrize("secret", ["made-up-secret-of-forty-three-characters-xx", "short", "x" * 500])
def test_an_unknown_link_is_refused(anonymous_client, secret):
    assert anonymous_client.get(f"/password/reset/{secret}").status_code == 410


def test_a_short_or_mistyped_new_password_is_refused_and_the_link_still_works(anonymous_client, smtp_server, owner):
    ask_for_link(anonymous_client, owner.email)
    path = link_in(smtp_server.received[0])
    short = set_password(anonymous_client, path, "short")
    assert short.status_code == 422
    assert field_errors(short) == {"new_password": "Choose a password of at least 10 characters."}
    differ = set_password(anonymous_client, path, NEW_PASSWORD, NEW_PASSWORD + "!")
    assert field_errors(differ) == {"new_password_again": "The two new passwords differ. Type the same one twice."}
    assert db.session.get(User, owner.id).check_password(TEST_PASSWORD)
    assert set_password(anonymous_client, path).status_code == 302


def test_without_smtp_the_page_says_to_ask_an_owner_and_sends_nothing(anonymous_client, owner):
    page = anonymous_client.get("/password/forgot")
    assert page.status_code == 200
    assert "Ask an owner of your workspace" in page.get_data(as_text=True)
    assert 'name="email"' not in page.get_data(as_text=True)
    assert saved_rows(PasswordReset) == []


# --- an owner resets a member's password -------------------------------------------------------


def reset_member(browser, user_id, how):
    return post_from(browser, "/account", f"/members/{user_id}/reset-password", {"how": how})


def test_an_owner_gets_a_temporary_password_for_a_member_shown_once(app, client, make_member):
    member = make_member("copywriter")
    members_browser = app.test_client()
    sign_in(members_browser, member)
    response = reset_member(client, member.id, "password")
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    password = shown_secret(response, "reset-secret")
    assert db.session.get(User, member.id).check_password(password)
    assert members_browser.get("/campaigns").status_code == 302  # signed out at once
    fresh = app.test_client()
    assert post_from(fresh, "/login", "/login", {"email": member.email, "password": password}).status_code == 302


def test_an_owner_gets_a_reset_link_for_a_member(anonymous_client, client, make_member):
    member = make_member("viewer")
    response = reset_member(client, member.id, "link")
    link = shown_secret(response, "reset-secret")
    assert link.startswith("http://localhost/password/reset/")
    assert db.session.get(User, member.id).check_password(TEST_PASSWORD)  # until the link is used
    assert set_password(anonymous_client, link.removeprefix("http://localhost")).status_code == 302
    assert db.session.get(User, member.id).check_password(NEW_PASSWORD)


def test_an_editor_may_not_reset_a_members_password(client_as, make_member):
    member = make_member("viewer")
    response = reset_member(client_as("editor"), member.id, "password")
    assert response.status_code == 403
    assert db.session.get(User, member.id).check_password(TEST_PASSWORD)


def test_a_member_of_another_workspace_is_not_found(client, make_member):
    other = Workspace(name="Elsewhere", test_send_allow_list=[])
    db.session.add(other)
    db.session.commit()
    stranger = make_member("viewer", other)
    assert reset_member(client, stranger.id, "password").status_code == 404
    assert db.session.get(User, stranger.id).check_password(TEST_PASSWORD)


def test_an_owner_may_not_reset_a_member_who_is_also_in_a_workspace_they_do_not_own(client, make_member):
    member = make_member("editor")
    other = Workspace(name="Their other team", test_send_allow_list=[])
    db.session.add(other)
    add_member(other, db.session.get(User, member.id), "owner")
    db.session.commit()
    response = reset_member(client, member.id, "password")
    assert response.status_code == 302
    flashed = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "also a member of Their other team, which you do not own" in flashed
    assert db.session.get(User, member.id).check_password(TEST_PASSWORD)


def test_resetting_a_members_password_needs_the_csrf_token(client, make_member):
    member = make_member("viewer")
    response = client.post(f"/members/{member.id}/reset-password", data={"how": "password"})
    assert response.status_code in (302, 400)
    assert db.session.get(User, member.id).check_password(TEST_PASSWORD)
