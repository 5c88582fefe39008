"""Security headers on every response: what a page may load and run, and who may frame it.

Pages run only the app's own script files. Email previews are shown in iframes sandboxed
without scripts; the images an email links to may load, nothing else from outside.

Behind a reverse proxy (README, "Running behind a reverse proxy"): `trust_proxy` takes the client's
address, the scheme and the host from the X-Forwarded-* headers the proxy sets (PROXY_FIX_*), and a
response to a request over HTTPS carries HSTS when HSTS_SECONDS is above 0.
"""

from __future__ import annotations

from flask import Flask, Response, request
from werkzeug.middleware.proxy_fix import ProxyFix

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
        hsts_seconds = int(app.config.get("HSTS_SECONDS") or 0)
        if hsts_seconds > 0 and request.is_secure:  # browsers ignore it over plain HTTP anyway
            response.headers.setdefault("Strict-Transport-Security", f"max-age={hsts_seconds}; includeSubDomains")
        return response


# ProxyFix's arguments and the settings giving how many proxies set each header (0: not trusted).
PROXY_HEADERS = {"x_for": "PROXY_FIX_X_FOR", "x_proto": "PROXY_FIX_X_PROTO", "x_host": "PROXY_FIX_X_HOST",
                 "x_port": "PROXY_FIX_X_PORT", "x_prefix": "PROXY_FIX_X_PREFIX"}


def trust_proxy(app: Flask) -> None:
    """Wrap the app in ProxyFix when any PROXY_FIX_* setting is above 0; else X-Forwarded-* mean nothing."""
    counts = {argument: int(app.config.get(setting) or 0) for argument, setting in PROXY_HEADERS.items()}
    if any(counts.values()):
        app.wsgi_app = ProxyFix(app.wsgi_app, **counts)  # type: ignore[method-assign]
