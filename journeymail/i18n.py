"""German and English (Flask-Babel): which language a request is answered in, and the switch between them.

The first visit follows the browser's Accept-Language; after that the user's setting decides (kept on the
user once signed in, in the session before). The API follows the request's Accept-Language when it
sends one, so a script gets messages in the language it asks for.
"""

from __future__ import annotations

import os
from typing import Any

from flask import Flask, g, has_request_context, redirect, request, session
from flask_babel import Babel, get_locale, gettext, refresh

LANGUAGES = {"en": "English", "de": "Deutsch"}  # code -> the language's own name, as the switch shows it
DEFAULT = "en"

babel = Babel()


def chosen_language() -> str:
    """The language the current request is answered in: "en" or "de"."""
    if not has_request_context():
        return DEFAULT
    if request.path.startswith("/api/") and request.headers.get("Accept-Language"):
        return request.accept_languages.best_match(LANGUAGES) or DEFAULT
    user = g.get("acting_user")
    setting = getattr(user, "locale", None) or session.get("locale")
    if setting in LANGUAGES:
        return setting
    return request.accept_languages.best_match(LANGUAGES) or DEFAULT


def language() -> str:
    """The language of this request as a code ("de"), for templates and formatting."""
    return str(get_locale() or DEFAULT)


def register(app: Flask, root: str) -> None:
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", os.path.join(root, "translations"))
    app.config.setdefault("BABEL_DEFAULT_LOCALE", DEFAULT)
    babel.init_app(app, locale_selector=chosen_language)

    from flask_wtf import FlaskForm

    from .http import local_url

    def switch_language() -> Any:
        """The header's language switch: POST language=de|en (and next, the page to go back to)."""
        if FlaskForm().validate_on_submit():
            choose_language(request.form.get("language", ""))
        return redirect(local_url(request.form.get("next"), "/"))

    switch_language.public = True  # type: ignore[attr-defined]  # the sign-in page has the switch too
    app.add_url_rule("/language", "language", switch_language, methods=["POST"])

    @app.context_processor
    def languages_for_pages() -> dict[str, object]:
        return {"LANGUAGES": LANGUAGES, "language": language()}


def choose_language(code: str) -> bool:
    """Keep `code` as the language of whoever is asking: on the user when signed in, else in the session."""
    if code not in LANGUAGES:
        return False
    user = g.get("acting_user")
    if user is not None:
        user.locale = code
    session["locale"] = code
    refresh()
    return True


def say(text: Any) -> str:
    """A message the engine worded in English (emails.wording.Text), in the request's language."""
    params = getattr(text, "params", None)
    if params is None:
        return str(text)
    values = {name: say(value) if hasattr(value, "params") else value for name, value in params}
    return gettext(text.msgid, **values)
