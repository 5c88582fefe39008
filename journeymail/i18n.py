"""German and English (Flask-Babel): which language a request is answered in, and the switch between them.

The first visit follows the browser's Accept-Language; after that the user's setting decides (kept on the
user once signed in, in the session before). The API follows the request's Accept-Language when it
sends one, so a script gets messages in the language it asks for.
"""

from __future__ import annotations

import os

from flask import Flask, g, has_request_context, request, session
from flask_babel import Babel, get_locale

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

    @app.context_processor
    def languages_for_pages() -> dict[str, object]:
        return {"LANGUAGES": LANGUAGES, "language": language()}
