"""The sign-in page: wrong passwords, where `next` may lead, signing out, and the session cookie."""

from __future__ import annotations

from conftest import TEST_PASSWORD

from accounts_support import field_errors, post_from

WRONG = "That email address and password do not match an account. Check both and try again."


def sign_in_with(browser, email, password, next_url=""):
    return post_from(browser, f"/login?next={next_url}", "/login",
                     {"email": email, "password": password, "next": next_url})


def test_signing_in_with_the_right_password_opens_the_campaigns(anonymous_client, owner):
    response = sign_in_with(anonymous_client, "Owner@Plannery.example", TEST_PASSWORD)
    assert response.status_code == 302
    assert response.headers["Location"] == "/campaigns"
    assert anonymous_client.get("/campaigns").status_code == 200


def test_a_wrong_password_is_a_401_with_the_message_under_the_password(anonymous_client, owner):
    response = sign_in_with(anonymous_client, owner.email, "not the password at all")
    assert response.status_code == 401
    assert field_errors(response) == {"password": WRONG}
    assert anonymous_client.get("/campaigns").status_code == 302  # still signed out


def test_an_unknown_address_gets_the_very_same_answer_as_a_wrong_password(anonymous_client, owner):
    wrong_password = sign_in_with(anonymous_client, owner.email, "not the password at all")
    unknown = sign_in_with(anonymous_client, "nobody@plannery.example", "not the password at all")
    assert unknown.status_code == wrong_password.status_code == 401
    assert field_errors(unknown) == field_errors(wrong_password)
    page = unknown.get_data(as_text=True)
    assert "nobody@plannery.example" in page  # kept in the field to correct it
    assert "no account" not in page.lower() and "unknown" not in page.lower()


def test_next_on_this_site_is_where_signing_in_leads(anonymous_client, owner):
    response = sign_in_with(anonymous_client, owner.email, TEST_PASSWORD, "/segments")
    assert response.headers["Location"] == "/segments"


def test_next_to_another_site_is_ignored(anonymous_client, owner):
    for elsewhere in ("https://evil.example/", "//evil.example/x", "/\\evil.example"):
        browser = anonymous_client.application.test_client()
        response = sign_in_with(browser, owner.email, TEST_PASSWORD, elsewhere)
        assert response.status_code == 302
        assert response.headers["Location"] == "/campaigns", elsewhere


def test_signing_out_is_a_post_with_the_csrf_token(client):
    assert client.get("/logout").status_code == 405
    assert client.post("/logout").status_code == 400  # no CSRF token: refused
    assert client.get("/campaigns").status_code == 200  # still signed in
    response = post_from(client, "/campaigns", "/logout", {})
    assert response.status_code == 302 and response.headers["Location"] == "/login"
    assert client.get("/campaigns").status_code == 302


def test_the_session_cookie_is_httponly_and_samesite_lax(anonymous_client, owner):
    response = sign_in_with(anonymous_client, owner.email, TEST_PASSWORD)
    cookie = next(value for value in response.headers.getlist("Set-Cookie") if value.startswith("session="))
    attributes = {part.strip().lower() for part in cookie.split(";")}
    assert "httponly" in attributes
    assert "samesite=lax" in attributes


def test_the_sign_in_page_offers_forgot_your_password(anonymous_client):
    page = anonymous_client.get("/login").get_data(as_text=True)
    assert 'href="/password/forgot"' in page
