"""German and English: the catalog holds every message, translated, and each request gets its language."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from accounts.models import User
from api_support import csrf_token_from, saved
from journeymail.extensions import db

ROOT = Path(__file__).resolve().parent.parent
CATALOG = ROOT / "translations" / "de" / "LC_MESSAGES"
SOURCES = ["accounts", "campaigns", "contacts", "emails", "exports", "jobs", "journeymail", "previews", "segments", "templates"]


def extracted(tmp_path: Path):
    """Every message the code and templates show, extracted with pybabel as `make translations` does."""
    template = tmp_path / "messages.pot"
    subprocess.run([sys.executable, "-c", "from babel.messages.frontend import main; main()", "-q", "extract",
                    "-F", "babel.cfg", "-k", "_l", "--no-location", "-o", str(template), *SOURCES],
                   cwd=ROOT, check=True)
    with template.open("rb") as file:
        return read_po(file)


def german():
    with (CATALOG / "messages.po").open("rb") as file:
        return read_po(file, locale="de")


def test_every_message_is_in_the_german_catalog_translated_and_not_fuzzy(tmp_path):
    catalog = german()
    problems = []
    for message in extracted(tmp_path):
        if not message.id:
            continue
        found = catalog.get(message.id, message.context)
        strings = [] if found is None else (found.string if isinstance(found.string, tuple) else (found.string,))
        if found is None:
            problems.append(f"missing: {message.id!r}")
        elif found.fuzzy:
            problems.append(f"fuzzy: {message.id!r}")
        elif not all(strings):
            problems.append(f"untranslated: {message.id!r}")
    assert not problems, "run `make translations`, then translate:\n" + "\n".join(problems)


def test_the_compiled_catalog_is_the_one_the_translations_make():
    compiled = io.BytesIO()
    write_mo(compiled, german())

    assert (CATALOG / "messages.mo").read_bytes() == compiled.getvalue(), "run `make translations` to compile"


def test_a_first_visit_follows_the_browsers_language(anonymous_client):
    german_page = anonymous_client.get("/login", headers={"Accept-Language": "de-DE,de;q=0.9,en;q=0.5"})
    english_page = anonymous_client.get("/login", headers={"Accept-Language": "en-GB,en;q=0.9"})

    assert '<html lang="de">' in german_page.get_data(as_text=True)
    assert "Bei Journeymail einloggen" in german_page.get_data(as_text=True)
    assert "E-Mail-Adresse" in german_page.get_data(as_text=True)
    assert "Sign in to Journeymail" in english_page.get_data(as_text=True)


def test_the_switch_keeps_the_language_for_a_visitor_whatever_the_browser_says(anonymous_client):
    page = anonymous_client.get("/login")
    switched = anonymous_client.post("/language", data={
        "language": "de", "next": "/login", "csrf_token": csrf_token_from(page.get_data(as_text=True))})

    assert switched.status_code == 302 and switched.headers["Location"] == "/login"
    again = anonymous_client.get("/login", headers={"Accept-Language": "en"})
    assert "Bei Journeymail einloggen" in again.get_data(as_text=True)


def test_a_signed_in_users_choice_is_kept_on_the_user(client, owner):
    page = client.get("/campaigns")
    client.post("/language", data={"language": "de", "next": "/campaigns",
                                   "csrf_token": csrf_token_from(page.get_data(as_text=True))})

    assert saved(User, owner.id).locale == "de"
    html = client.get("/campaigns", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert ">Kampagnen</a>" in html and ">Ausloggen</button>" in html


def test_an_unknown_language_changes_nothing(client, owner):
    page = client.get("/campaigns")
    client.post("/language", data={"language": "xx", "next": "/campaigns",
                                   "csrf_token": csrf_token_from(page.get_data(as_text=True))})

    assert saved(User, owner.id).locale is None


def test_the_api_follows_the_requests_accept_language_over_the_users_setting(client, owner):
    owner.locale = "de"
    db.session.commit()

    english = client.get("/api/campaigns/999999", headers={"Accept-Language": "en"})
    german = client.get("/api/campaigns/999999", headers={"Accept-Language": "de"})
    as_set = client.get("/api/campaigns/999999")  # no Accept-Language: the user's setting

    assert english.get_json()["error"]["message"] == "There is nothing at this address. It may have been deleted."
    assert german.get_json()["error"]["message"] == "Unter dieser Adresse gibt es nichts. Vielleicht wurde es gelöscht."
    assert as_set.get_json()["error"]["message"] == german.get_json()["error"]["message"]
