"""Configuration read from the environment: Config for running, TestConfig for the suite."""

from __future__ import annotations

import os


def _database_url() -> str | None:
    """DATABASE_URL with the psycopg 3 driver spelled out (hosts often hand out postgres://)."""
    url = os.environ.get("DATABASE_URL")
    if not url:
        return None
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


class Config:
    # "production" (the default) refuses to start without SECRET_KEY; `make run` sets "development".
    JOURNEYMAIL_ENV = os.environ.get("JOURNEYMAIL_ENV", "production").lower()
    # None means: create_app generates a throwaway key in development, refuses in production.
    SECRET_KEY = os.environ.get("SECRET_KEY")
    # None means: a SQLite file in the instance folder, filled in by create_app.
    SQLALCHEMY_DATABASE_URI = _database_url()
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    # Request bodies above this size are refused with 413 before anything reads them.
    MAX_CONTENT_LENGTH = int(os.environ.get("MAX_CONTENT_LENGTH", 2 * 1024 * 1024))
    # The campaign document import (POST /api/campaigns/import and the upload form) takes larger bodies:
    # any document the export writes. This caps the body as sent and, when gzipped, as decompressed.
    IMPORT_MAX_BYTES = int(os.environ.get("IMPORT_MAX_BYTES", 64 * 1024 * 1024))
    # A contact list (the upload page and POST /api/contacts/import) may be this large; beyond it: 413.
    CONTACTS_IMPORT_MAX_BYTES = int(os.environ.get("CONTACTS_IMPORT_MAX_BYTES", 64 * 1024 * 1024))
    # Where an uploaded contact list waits between the import's steps (a day at most); None: instance/contact-uploads.
    CONTACTS_UPLOAD_FOLDER = os.environ.get("CONTACTS_UPLOAD_FOLDER") or None
    # A contact list of more rows than this is imported by a background job (the page shows its progress).
    CONTACTS_IMPORT_JOB_ROWS = int(os.environ.get("CONTACTS_IMPORT_JOB_ROWS", 5_000))
    # The most one campaign holds. An import or an edit that would go beyond is refused with 422 (naming
    # the count and the limit) before anything is done. Segments: those the campaign targets.
    MAX_PHASES_PER_CAMPAIGN = 100
    MAX_TOUCHPOINTS_PER_CAMPAIGN = 2_000
    MAX_SEGMENTS_PER_CAMPAIGN = 500
    MAX_VARIANTS_PER_CAMPAIGN = 20_000
    # email-validator's DNS look-up of the domain; off by default so the app works offline.
    EMAIL_CHECK_DELIVERABILITY = os.environ.get("EMAIL_CHECK_DELIVERABILITY", "0") == "1"
    WTF_CSRF_TIME_LIMIT = None  # a planning page may stay open all day
    # The session cookie (it carries the CSRF secret) goes with top-level navigation only, never with a
    # request another site makes; in production only over HTTPS (SESSION_COOKIE_SECURE=0 turns that off
    # for a server reached over plain HTTP on a trusted network).
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = os.environ.get(
        "SESSION_COOKIE_SECURE", "0" if JOURNEYMAIL_ENV == "development" else "1"
    ) == "1"
    # The host names this server answers to (TRUSTED_HOSTS=plan.example.com,.example.org; a leading dot
    # takes subdomains too). A request for another Host is a 400. Unset: any host.
    TRUSTED_HOSTS = [host.strip() for host in os.environ.get("TRUSTED_HOSTS", "").split(",") if host.strip()] or None
    SQLITE_BUSY_TIMEOUT_MS = 5000
    # HSTS: when above 0, a response to a request that came over HTTPS says "only ever use HTTPS here" for
    # this many seconds (Strict-Transport-Security, subdomains included). 0, the default: not sent. Turn it
    # on once the site and every subdomain are served over HTTPS for good, e.g. HSTS_SECONDS=31536000.
    HSTS_SECONDS = int(os.environ.get("HSTS_SECONDS", 0))
    # Behind a reverse proxy (nginx, a load balancer): how many proxies set each X-Forwarded-* header, so
    # the client's address, the scheme (https) and the host come from them (werkzeug's ProxyFix). 0, the
    # default: the headers are ignored, as anyone may send them. See README, "Running behind a reverse proxy".
    PROXY_FIX_X_FOR = int(os.environ.get("PROXY_FIX_X_FOR", 0))
    PROXY_FIX_X_PROTO = int(os.environ.get("PROXY_FIX_X_PROTO", 0))
    PROXY_FIX_X_HOST = int(os.environ.get("PROXY_FIX_X_HOST", 0))
    PROXY_FIX_X_PORT = int(os.environ.get("PROXY_FIX_X_PORT", 0))
    PROXY_FIX_X_PREFIX = int(os.environ.get("PROXY_FIX_X_PREFIX", 0))
    # Abuse limits (accounts.limits, Flask-Limiter). Counters live in RATELIMIT_STORAGE_URI: "memory://"
    # (the default) keeps them in the process, right for one process; with several gunicorn workers each
    # would count on its own, so give them one Redis: RATELIMIT_STORAGE_URI=redis://localhost:6379/0
    # (needs `pip install redis`). A limit is "N per M minutes|hour|day" (the limits library's notation).
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    RATELIMIT_STRATEGY = "moving-window"  # exact counts over the last 15 minutes or hour, not per clock window
    RATELIMIT_HEADERS_ENABLED = False  # Retry-After on the 429 only (accounts.limits)
    # Failed sign-ins per email address, and per client IP address (any address); then 429 until the oldest
    # failure is older than the window, even with the right password.
    SIGN_IN_LIMIT_PER_ADDRESS = os.environ.get("SIGN_IN_LIMIT_PER_ADDRESS", "10 per 15 minutes")
    SIGN_IN_LIMIT_PER_IP = os.environ.get("SIGN_IN_LIMIT_PER_IP", "50 per 15 minutes")
    # Test sends (each a request to up to TEST_SEND_MAX_RECIPIENTS addresses) and pushes to an ESP, per user.
    TEST_SEND_LIMIT = os.environ.get("TEST_SEND_LIMIT", "30 per hour")
    PUSH_LIMIT = os.environ.get("PUSH_LIMIT", "10 per hour")
    # Mailjet: the API the push replays bundles against, and the account's REST API key and secret.
    MAILJET_API_URL = os.environ.get("MAILJET_API_URL", "https://api.mailjet.com/v3/REST")
    MAILJET_API_KEY = os.environ.get("MAILJET_API_KEY") or None
    MAILJET_API_SECRET = os.environ.get("MAILJET_API_SECRET") or None
    MAILJET_TIMEOUT = float(os.environ.get("MAILJET_TIMEOUT", 30))  # seconds for each API request
    # An ESP push retries 429, 5xx and broken connections this many times, waiting Retry-After or else
    # ESP_PUSH_BACKOFF_SECONDS × 2^attempt between tries.
    ESP_PUSH_MAX_RETRIES = int(os.environ.get("ESP_PUSH_MAX_RETRIES", 5))
    ESP_PUSH_BACKOFF_SECONDS = float(os.environ.get("ESP_PUSH_BACKOFF_SECONDS", 1))
    # Brevo: the API v3 the push replays bundles against, and the account's API key (header api-key).
    BREVO_API_URL = os.environ.get("BREVO_API_URL", "https://api.brevo.com/v3")
    BREVO_API_KEY = os.environ.get("BREVO_API_KEY") or None
    BREVO_TIMEOUT = float(os.environ.get("BREVO_TIMEOUT", 30))  # seconds for each API request
    # The journey map as a PDF or PNG (journeymail/chromium.py): the Chromium that draws it (a name on PATH or a
    # path; Debian's `chromium` by default), and the seconds one file may take before the download is a 503.
    CHROMIUM_PATH = os.environ.get("CHROMIUM_PATH") or "chromium"
    MAP_RENDER_TIMEOUT = float(os.environ.get("MAP_RENDER_TIMEOUT", 30))
    # Test sends go out over this SMTP server; no SMTP_HOST means test sends are off.
    SMTP_HOST = os.environ.get("SMTP_HOST") or None
    # None means: the usual port for SMTP_TLS (587 starttls, 465 ssl, 25 none), filled in by journeymail.mailer.
    SMTP_PORT = int(os.environ["SMTP_PORT"]) if os.environ.get("SMTP_PORT") else None
    SMTP_USER = os.environ.get("SMTP_USER") or None  # no user: send without logging in
    SMTP_PASSWORD = os.environ.get("SMTP_PASSWORD") or None
    SMTP_TLS = os.environ.get("SMTP_TLS", "starttls").lower()  # starttls, ssl or none
    SMTP_TIMEOUT = float(os.environ.get("SMTP_TIMEOUT", 10))  # seconds for each step of the conversation
    TEST_SEND_MAX_RECIPIENTS = int(os.environ.get("TEST_SEND_MAX_RECIPIENTS", 10))
    # How long an invitation link to join a workspace works.
    INVITATION_DAYS = int(os.environ.get("INVITATION_DAYS", 7))
    # The sender of the mail Journeymail itself sends (invitations, password resets); None means
    # journeymail@<the host the request came to>.
    MAIL_FROM = os.environ.get("MAIL_FROM") or None
    # Background jobs (jobs/, Huey). The queue: none means the SQLite file instance/jobs.db; sqlite:///PATH
    # another file; redis://host:6379/0 a Redis that several servers and workers share.
    JOBS_URL = os.environ.get("JOBS_URL") or None
    JOBS_WORKERS = int(os.environ.get("JOBS_WORKERS", 2))  # jobs one worker process runs at once (threads)
    # A running job whose worker has not been heard of for this long was interrupted: it is run again, up to
    # JOBS_MAX_ATTEMPTS runs in all, then marked failed.
    JOBS_STALE_SECONDS = float(os.environ.get("JOBS_STALE_SECONDS", 30))
    JOBS_MAX_ATTEMPTS = int(os.environ.get("JOBS_MAX_ATTEMPTS", 3))


class TestConfig(Config):
    TESTING = True
    SECRET_KEY = "test-secret-key"
    SESSION_COOKIE_SECURE = False  # the test client and the browser tests speak plain HTTP
    TRUSTED_HOSTS = None
    SQLALCHEMY_DATABASE_URI = os.environ.get("TEST_DATABASE_URL") or "sqlite://"
    EMAIL_CHECK_DELIVERABILITY = False
    # Never a real Mailjet account: push tests start a stand-in on loopback and point these at it.
    MAILJET_API_URL = "http://127.0.0.1:9/v3/REST"  # the discard port: nothing answers
    MAILJET_API_KEY = None
    MAILJET_API_SECRET = None
    MAILJET_TIMEOUT = 10.0
    ESP_PUSH_BACKOFF_SECONDS = 0.0  # retries in tests do not wait (tests that check the waits pass a sleep)
    # Never a real Brevo account either (tests/brevo_standin.py).
    BREVO_API_URL = "http://127.0.0.1:9/v3"
    BREVO_API_KEY = None
    BREVO_TIMEOUT = 10.0
    # Never the developer's own mail server: tests that send start one on loopback and point these at it.
    SMTP_HOST = None
    SMTP_PORT = None
    SMTP_USER = None
    SMTP_PASSWORD = None
    SMTP_TLS = "starttls"
    SMTP_TIMEOUT = 10.0
    TEST_SEND_MAX_RECIPIENTS = 10
    # Limits stay on under test (tests/test_limits_abuse.py hits them); conftest resets the counters
    # before every test, and a test lowers a limit through app.config to reach it quickly.
    RATELIMIT_STORAGE_URI = "memory://"
    SIGN_IN_LIMIT_PER_ADDRESS = "10 per 15 minutes"
    SIGN_IN_LIMIT_PER_IP = "50 per 15 minutes"
    TEST_SEND_LIMIT = "30 per hour"
    PUSH_LIMIT = "10 per hour"
    HSTS_SECONDS = 0
    PROXY_FIX_X_FOR = PROXY_FIX_X_PROTO = PROXY_FIX_X_HOST = PROXY_FIX_X_PORT = PROXY_FIX_X_PREFIX = 0
    # Never the developer's own queue: conftest points JOBS_URL at a SQLite file of the test session.
    JOBS_URL = None
    JOBS_WORKERS = 2
    JOBS_STALE_SECONDS = 30.0
    JOBS_MAX_ATTEMPTS = 3
    # Contact imports stay in the request under test; tests of the background import lower this (tests/test_contacts_jobs.py).
    CONTACTS_IMPORT_JOB_ROWS = 1_000_000
