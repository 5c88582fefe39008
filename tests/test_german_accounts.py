"""The account pages and the mail the app sends, in German: a German-speaking marketer finds no English UI text on
them, dates read 31.12.2026, refusals (403, 429) and API messages come in German, and the invitation goes out in
the inviter's language."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

from accounts.models import AuditEntry, User, utcnow
from accounts.services import create_token
from api_support import auth_headers, csrf_token_from, error_of, saved
from conftest import TEST_PASSWORD
from html_tree import parse
from journeymail.extensions import db

GERMAN = {"Accept-Language": "de-DE,de;q=0.9"}
WRONG_PASSWORD = "not the password at all"


def text_of(response) -> str:
    assert response.status_code < 500, response.status_code
    return parse(response.get_data(as_text=True)).text()


def assert_german(text: str, german: list[str], english: list[str]) -> None:
    missing = [phrase for phrase in german if phrase not in text]
    left = [phrase for phrase in english if phrase in text]
    assert not missing, f"German missing: {missing}"
    assert not left, f"English left: {left}"


def invite(client, email="maya@example.com", role="copywriter", headers=GERMAN):
    token = csrf_token_from(client.get("/members", headers=headers).get_data(as_text=True))
    return client.post("/members/invite", data={"csrf_token": token, "email": email, "role": role}, headers=headers)


def invitation_path(response) -> str:
    match = re.search(r'value="http://localhost(/invitations/[A-Za-z0-9_-]+)"', response.get_data(as_text=True))
    assert match, response.get_data(as_text=True)[:400]
    return match.group(1)


# --- the pages ------------------------------------------------------------------------------------


def test_the_account_page_is_german_with_german_dates_and_a_language_choice(client, owner, workspace):
    token, _secret = create_token(owner, workspace, name="CI", expires_in_days=30)
    token.created_at = datetime(2026, 12, 31, 18, 0, tzinfo=timezone.utc)
    db.session.commit()

    text = text_of(client.get("/account", headers=GERMAN))

    assert_german(text, [
        "Ihr Konto", "Arbeitsbereiche", "Ihre Rolle", "Inhaber:in", "Sprache", "Sprache speichern",
        "Passwort ändern", "Bisheriges Passwort", "Neues Passwort, noch einmal", "Mindestens 10 Zeichen.",
        "API-Tokens", "Beginnt mit", "Zuletzt benutzt", "Läuft ab", "Nie", "Widerrufen", "Neues Token",
        "Token erstellen", "31.12.2026", "Leer lassen für ein Token, das nicht abläuft.",
    ], [
        "Your account", "Workspaces", "Your role", "Change password", "Current password", "New password",
        "At least 10 characters", "API tokens", "Starts with", "Last used", "Expires", "Never", "Revoke",
        "New token", "Create token", "Dec 2026", "You stay signed in here", "Scripts send a token",
    ])


def test_choosing_german_on_the_account_page_keeps_it_on_the_user(client, owner):
    page = client.get("/account")
    assert 'name="language"' in page.get_data(as_text=True)

    form = parse(page.get_data(as_text=True)).by_id("language")
    assert form is not None and form.select("form")[0].get("action") == "/language"
    response = client.post("/language", data={
        "language": "de", "next": "/account", "csrf_token": csrf_token_from(page.get_data(as_text=True))})

    assert response.status_code == 302 and response.headers["Location"] == "/account"
    assert saved(User, owner.id).locale == "de"
    again = text_of(client.get("/account", headers={"Accept-Language": "en"}))
    assert "Ihr Konto" in again and "Your account" not in again
    checked = parse(client.get("/account").get_data(as_text=True)).select("input", name="language", value="de")
    assert checked and checked[0].get("checked") is not None


def test_the_members_page_is_german(client, owner, workspace, make_member):
    make_member("copywriter")
    invite(client, "maya@example.com", "viewer")

    text = text_of(client.get("/members", headers=GERMAN))

    assert_german(text, [
        "Mitglieder von Plannery team", "Wer in diesem Arbeitsbereich arbeitet", "Mitglied seit", "Rolle ändern",
        "Texter:in", "Leser:in", "Offene Einladungen", "Eingeladen von", "Zurückziehen", "Jemanden einladen",
        "Einladen", "Der Einladungslink geht an diese Adresse.", "(Sie)", "Olga Owner entfernen",
        f"{utcnow():%d.%m.%Y}",
    ], [
        "Members of", "Who works in this workspace", "Member since", "Change role", "Viewer",
        "Pending invitations", "Invited by", "Withdraw", "Invite someone", "The invitation link goes",
        "(you)", "Remove Olga", " UTC", "Everything, and members",
    ])


def test_a_flash_after_inviting_names_the_role_in_german(client):
    text = text_of(invite(client, "maya@example.com", "copywriter"))

    assert "maya@example.com ist als Texter:in eingeladen." in text
    assert "Einladungslink" in text and "is invited as" not in text


def test_the_invitation_page_is_german(client, anonymous_client):
    path = invitation_path(invite(client, "maya@example.com", "copywriter"))

    text = text_of(anonymous_client.get(path, headers=GERMAN))

    assert_german(text, [
        "Plannery team beitreten", "Olga Owner lädt maya@example.com ein, in Plannery team als Texter:in "
        "E-Mail-Kampagnen zu planen.", "Geben Sie Ihren Namen ein", "Ihr Name", "Passwort wählen",
        "Mindestens 10 Zeichen.", "Konto anlegen und beitreten",
    ], [
        "Join Plannery", "invites", "to plan email campaigns", "Choose your name", "Your name",
        "Choose a password", "At least", "Create my account and join", "Copywriter",
    ])


def test_an_expired_invitation_says_so_in_german_with_a_german_date(client, anonymous_client):
    from accounts.models import Invitation

    path = invitation_path(invite(client, "maya@example.com", "copywriter"))
    invitation = db.session.scalar(db.select(Invitation))
    invitation.expires_at = datetime(2026, 3, 1, 12, 0, tzinfo=timezone.utc)
    db.session.commit()

    response = anonymous_client.get(path, headers=GERMAN)

    assert response.status_code == 410
    text = text_of(response)
    assert "Diese Einladung ist nicht mehr gültig" in text
    assert "Diese Einladung ist am 01.03.2026 abgelaufen." in text
    assert "expired" not in text and "March" not in text


def test_the_audit_log_is_german_with_german_dates(client, owner, workspace):
    db.session.add(AuditEntry(workspace_id=workspace.id, user_id=owner.id, user_email=owner.email, action="changed",
                              subject_kind="campaign", subject_id=None, subject_name="Onboarding",
                              detail={"fields": ["name"]}, at=datetime(2026, 12, 31, 18, 5, tzinfo=timezone.utc)))
    db.session.commit()

    text = text_of(client.get("/audit", headers=GERMAN))

    assert_german(text, [
        "Protokoll", "Neueste zuerst; Zeiten in UTC.", "Wer", "Aktion", "Art des Objekts", "Von (UTC)",
        "Bis (UTC)", "Filtern", "1 Eintrag", "Wann", "Was", "Details", "31.12.2026, 18:05 Uhr", "Geändert",
        "Kampagne", "Felder: name", "Alle", "Jede Art",
    ], [
        "Audit log", "Newest first", "Who", "What they did", "Kind of thing", "From (UTC)", "To (UTC)",
        "1 entry", "When", "Details:", "31 Dec 2026", "Changed", "Campaign", "fields:", "Anyone",
        "Any kind", "Sent a test",
    ])


def test_the_audit_log_counts_in_german_numbers(client, owner, workspace):
    db.session.add_all([
        AuditEntry(workspace_id=workspace.id, user_id=owner.id, user_email=owner.email, action="exported",
                   subject_kind="campaign", subject_id=None, subject_name=f"Campaign {number}", detail={},
                   at=utcnow() - timedelta(minutes=number))
        for number in range(1234)
    ])
    db.session.commit()

    text = text_of(client.get("/audit", headers=GERMAN))

    assert "1.234 Einträge, Seite 1 von 25." in text
    assert "Ältere" in text and "Older" not in text


def test_the_workspace_settings_are_german(client):
    text = text_of(client.get("/workspace/settings", headers=GERMAN))

    assert_german(text, [
        "Einstellungen des Arbeitsbereichs", "Name des Arbeitsbereichs", "Alle im Arbeitsbereich sehen ihn",
        "Erlaubte Adressen für den Testversand", "Mitglieder müssen nicht in der Liste stehen",
        "Einstellungen speichern", "Abbrechen",
    ], [
        "Workspace settings", "Workspace name", "Everyone in the workspace", "Test-send allow-list",
        "Members need not be listed", "Save settings", "Cancel",
    ])


def test_a_bad_allow_list_is_refused_in_german(client):
    page = client.get("/workspace/settings", headers=GERMAN)
    response = client.post("/workspace/settings", headers=GERMAN, data={
        "csrf_token": csrf_token_from(page.get_data(as_text=True)), "name": "Plannery team",
        "allow_list": "ada@example.com\nno address"})

    assert response.status_code == 422
    text = text_of(response)
    assert "Diese Zeile ist keine E-Mail-Adresse: Zeile 2, „no address“" in text
    assert "This line is not" not in text


def test_the_password_reset_pages_are_german(anonymous_client, smtp_server, owner):
    forgot = text_of(anonymous_client.get("/password/forgot", headers=GERMAN))
    assert_german(forgot, ["Passwort vergessen?", "Geben Sie die Adresse ein, mit der Sie sich einloggen",
                           "E-Mail-Adresse", "Link schicken", "Zurück zum Einloggen"],
                  ["Forgot your password", "Enter the address", "Email address", "Send the link", "Back to sign in"])

    token = csrf_token_from(anonymous_client.get("/password/forgot", headers=GERMAN).get_data(as_text=True))
    sent = text_of(anonymous_client.post("/password/forgot", headers=GERMAN,
                                         data={"csrf_token": token, "email": owner.email}))
    assert "Wenn zu der Adresse ein Konto gehört" in sent and "Nichts angekommen?" in sent
    assert "If the address" not in sent and "Nothing arrived" not in sent

    [mail] = smtp_server.received
    assert mail.message["Subject"] == "Neues Passwort für Journeymail festlegen"
    body = mail.message.get_body(("plain",)).get_content()
    assert body.startswith("Guten Tag Olga Owner,") and "innerhalb von 60 Minuten" in body
    assert "Hello" not in body and "The link works once" not in body
    path = re.search(r"http://localhost(/password/reset/[\w-]+)", body).group(1)

    reset = text_of(anonymous_client.get(path, headers=GERMAN))
    assert_german(reset, ["Neues Passwort wählen", f"Für {owner.email}.", "Neues Passwort, noch einmal",
                          "Neues Passwort festlegen"],
                  ["Choose a new password", "Every browser", "New password", "Set the new password"])

    gone = text_of(anonymous_client.get("/password/reset/" + "x" * 43, headers=GERMAN))
    assert_german(gone, ["Dieser Link funktioniert nicht mehr", "Fordern Sie einen neuen an.", "Einloggen"],
                  ["This link no longer works", "Ask for a new one", "Sign in"])


def test_a_role_refusal_is_german(client_as):
    viewer = client_as("viewer")

    response = viewer.get("/members", headers=GERMAN)

    assert response.status_code == 403
    text = text_of(response)
    assert ("Sie sind Leser:in in Plannery team; dafür ist die Rolle Inhaber:in oder höher nötig. Wenden Sie sich "
            "an eine Person mit der Rolle Inhaber:in im Arbeitsbereich.") in text
    assert "You are" not in text and "viewer" not in text


def test_too_many_failed_sign_ins_are_refused_in_german(anonymous_client, owner):
    def sign_in_form(password):
        token = csrf_token_from(anonymous_client.get("/login", headers=GERMAN).get_data(as_text=True))
        return anonymous_client.post("/login", headers=GERMAN,
                                     data={"email": owner.email, "password": password, "csrf_token": token})

    for _ in range(10):
        assert sign_in_form(WRONG_PASSWORD).status_code == 401

    response = sign_in_form(TEST_PASSWORD)

    assert response.status_code == 429
    text = text_of(response)
    assert ("Mit dieser E-Mail-Adresse gab es zu viele fehlgeschlagene Versuche, sich einzuloggen "
            "(10 innerhalb von 15 Minuten). Versuchen Sie es in 15 Minuten noch einmal.") in text
    assert "too many" not in text and "Try again" not in text


def test_the_api_answers_a_bad_token_in_german(client):
    response = client.get("/api/campaigns", headers={**GERMAN, **auth_headers("jm_not-a-token")})

    assert response.status_code == 401
    assert error_of(response)["message"] == ("Dieses API-Token ist nicht gültig: Vielleicht ist es falsch geschrieben, "
                                             "widerrufen oder abgelaufen. Erstellen Sie unter „Konto“ ein neues.")


def test_the_api_refuses_a_role_in_german(app, workspace, make_member):
    viewer = make_member("viewer")
    _token, secret = create_token(viewer, workspace, name="Script")
    db.session.commit()

    response = app.test_client().post("/api/campaigns", json={"name": "X"},
                                      headers={**GERMAN, **auth_headers(secret)})

    assert response.status_code == 403
    assert error_of(response)["message"].startswith("Sie sind Leser:in in Plannery team; dafür ist die Rolle")


# --- the invitation email -------------------------------------------------------------------------


def test_the_invitation_goes_out_in_german_when_the_inviter_uses_german(client, owner, smtp_server):
    owner.locale = "de"
    db.session.commit()

    invite(client, "maya@example.com", "copywriter", headers={"Accept-Language": "en"})

    [mail] = smtp_server.received
    assert mail.message["Subject"] == "Olga Owner lädt Sie zu Plannery team in Journeymail ein"
    text = mail.message.get_body(("plain",)).get_content()
    assert ("Olga Owner lädt Sie ein, in Journeymail mit Plannery team E-Mail-Kampagnen zu planen, "
            "als Texter:in.") in text
    assert "Öffnen Sie diesen Link, um die Einladung anzunehmen:" in text
    assert "Der Link funktioniert einmal und 7 Tage lang." in text
    assert "invites" not in text and "The link works" not in text


def test_the_invitation_stays_english_for_an_english_inviter(client, smtp_server):
    invite(client, "maya@example.com", "copywriter", headers={"Accept-Language": "en"})

    [mail] = smtp_server.received
    assert mail.message["Subject"] == "Olga Owner invites you to Plannery team on Journeymail"
    assert "as a copywriter" in mail.message.get_body(("plain",)).get_content()
