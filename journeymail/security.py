"""Security headers on every response: what a page may load and run, and who may frame it.

Pages run only the app's own script files. Email previews are shown in iframes sandboxed
without scripts; the images an email links to may load, nothing else from outside.
"""

from __future__ import annotations

from flask import Flask, Response, request

PAGE_POLICY = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",  # style attributes carry layout numbers (map columns, curve points)
    "img-src 'self' data: https: http:",  # email previews show the images their HTML links to
    "font-src 'self' data:",
    "frame-src 'self'",
    "frame-ancestors 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
])
# JSON, CSV and other non-page responses: if a browser ever opens one as a document, nothing runs.
DOCUMENT_POLICY = "default-src 'none'; frame-ancestors 'none'; sandbox"
# A rendered email served on its own (for an iframe src): its markup and images, never a script.
EMAIL_POLICY = "default-src 'none'; img-src https: http: data:; style-src 'unsafe-inline'; font-src https: data:; sandbox"


def register(app: Flask) -> None:
    @app.after_request
    def set_security_headers(response: Response) -> Response:
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        if "Content-Security-Policy" not in response.headers:
            is_page = response.mimetype == "text/html" and request.endpoint != "static"
            response.headers["Content-Security-Policy"] = PAGE_POLICY if is_page else DOCUMENT_POLICY
        return response
