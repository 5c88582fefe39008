"""One of our own pages as a file: Debian's Chromium, driven by Playwright, prints it to PDF or takes a PNG of it.

Offline by construction: the browser is handed the page's HTML as the answer to its own address, and every
request it makes after that is answered from the app's static folder (the style sheets) or refused. It never
reaches the app over HTTP, nor anything else: scripts are off, service workers blocked, and whatever the page
links to outside is never fetched.

Why Chromium and not WeasyPrint: the journey map is laid out with CSS grid and subgrid, custom properties in
calc(), and an SVG emotion curve under HTML points; Chromium draws it exactly as the browser on the desk does,
and the browser tests already need it. WeasyPrint has no subgrid and no PNG output.

Each render starts a browser of its own (about half a second) in a thread of its own, so it never meets a
Playwright another part of the process runs (a sync Playwright cannot nest in one thread), and is bounded by
`timeout` seconds. At most MAX_AT_ONCE renders run in one process at a time; the next waits for a free one
until its time is up.
"""

from __future__ import annotations

import mimetypes
import shutil
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal
from urllib.parse import unquote, urlsplit

from flask_babel import lazy_gettext as _l

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--disable-default-apps",
    "--no-first-run",
    "--mute-audio",
]
MAX_AT_ONCE = 2
# A4 landscape less the margins, in CSS pixels (96 per inch): what one PDF page holds before it is scaled.
PDF_WIDTH = round((297 - 18) / 25.4 * 96)
PDF_HEIGHT = round((210 - 9 - 12) / 25.4 * 96)
SMALLEST_SCALE = 0.7  # a part taller than this fits is drawn no smaller: it goes on over two pages
_slots = threading.BoundedSemaphore(MAX_AT_ONCE)

NOT_INSTALLED = _l("The server cannot make this file: Chromium is not installed on it.")
FAILED = _l("The server could not make this file (Chromium failed). Try again in a moment.")
TOO_SLOW = _l("The server could not make this file in time. Try again in a moment.")
BUSY = _l("The server is busy making other files. Try again in a moment.")


class Unavailable(Exception):
    """No file could be made: Chromium is missing, failed, was too slow or busy. A 503 for the user."""

    def __init__(self, message: object) -> None:
        super().__init__(str(message))
        self.message = str(message)


@dataclass
class Page:
    """A page of ours as the browser is to see it: its HTML, the address it is served at (links in the file
    point there), and the static folder its /static/... requests are answered from."""

    html: str
    url: str
    static_folder: Path
    static_url_path: str = "/static"
    language: str = "en"
    footer: str = ""  # an HTML template for the PDF's page footer (Chromium fills .pageNumber, .totalPages)
    fit: str = ""  # PDF: a selector of parts that should each fit on a page (the first with what is above it)
    width: int = 1440  # the PNG's width in CSS pixels
    scale: float = 2.0  # the PNG's pixels per CSS pixel
    blocked: list[str] = field(default_factory=list)  # addresses the page asked for and was refused (tests read it)


def chromium_path(configured: str | None = None) -> str | None:
    """Debian's Chromium (or the configured CHROMIUM_PATH), if it is there."""
    return shutil.which(configured or "chromium")


def pdf(page: Page, *, executable: str | None, timeout: float) -> bytes:
    """The page printed as a PDF: A4 landscape, its print style sheet, backgrounds, a footer on every page."""
    return _render(page, "pdf", executable, timeout)


def png(page: Page, *, executable: str | None, timeout: float) -> bytes:
    """The whole page, as the screen shows it, as a PNG `page.width` CSS pixels wide."""
    return _render(page, "png", executable, timeout)


def _render(page: Page, kind: Literal["pdf", "png"], executable: str | None, timeout: float) -> bytes:
    if executable is None:
        raise Unavailable(NOT_INSTALLED)
    if not _slots.acquire(timeout=timeout):
        raise Unavailable(BUSY)
    outcome: dict[str, object] = {}
    try:
        worker = threading.Thread(target=_work, args=(page, kind, executable, timeout, outcome),
                                  name=f"chromium-{kind}", daemon=True)
        worker.start()
        worker.join(timeout + 5)  # Playwright's own timeouts end a stuck browser before this
    finally:
        _slots.release()
    if "file" in outcome:
        return outcome["file"]  # type: ignore[return-value]
    error = outcome.get("error")
    if error is None or "Timeout" in type(error).__name__:
        raise Unavailable(TOO_SLOW)
    raise Unavailable(FAILED) from error  # type: ignore[misc]


def _work(page: Page, kind: str, executable: str, timeout: float, outcome: dict[str, object]) -> None:
    from playwright.sync_api import sync_playwright  # a test tool too; imported here, where a file is made

    milliseconds = timeout * 1000
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS, timeout=milliseconds)
            try:
                context = browser.new_context(
                    java_script_enabled=False, service_workers="block", locale=page.language,
                    viewport={"width": PDF_WIDTH if kind == "pdf" else page.width, "height": 900},
                    device_scale_factor=page.scale if kind == "png" else 1,
                )
                context.set_default_timeout(milliseconds)
                context.route("**/*", lambda route: _answer(route, page))
                tab = context.new_page()
                tab.emulate_media(media="print" if kind == "pdf" else "screen")
                tab.goto(page.url, wait_until="load")
                if kind == "pdf":
                    outcome["file"] = tab.pdf(
                        format="A4", landscape=True, print_background=True, outline=True, tagged=True,
                        scale=_fitting_scale(tab, page.fit),
                        display_header_footer=bool(page.footer), header_template="<span></span>",
                        footer_template=page.footer or "<span></span>",
                        margin={"top": "9mm", "right": "9mm", "bottom": "12mm" if page.footer else "9mm", "left": "9mm"},
                    )
                else:
                    outcome["file"] = tab.screenshot(full_page=True, type="png", animations="disabled")
            finally:
                browser.close()
    except Exception as error:  # noqa: BLE001  # reported to the request as Unavailable
        outcome["error"] = error


def _fitting_scale(tab: object, selector: str) -> float:
    """The scale at which the tallest of the parts `selector` finds fits on one page (the first one with the
    page's head above it), between SMALLEST_SCALE and 1: a map with many touchpoints keeps its phase headers on
    the page its lanes are on. Measured with the print style sheet at the printed width."""
    if not selector:
        return 1.0
    tallest = tab.evaluate(  # type: ignore[attr-defined]
        """selector => {
            const parts = [...document.querySelectorAll(selector)];
            const top = document.body.getBoundingClientRect().top;
            return Math.max(0, ...parts.map((part, i) => {
                const box = part.getBoundingClientRect();
                return i ? box.height : box.bottom - top;
            }));
        }""",
        selector,
    )
    if not tallest or tallest <= PDF_HEIGHT:
        return 1.0
    return max(SMALLEST_SCALE, round(PDF_HEIGHT / tallest - 0.005, 3))


def _answer(route: object, page: Page) -> None:
    """The page itself at its address, the app's static files, and nothing else."""
    request = route.request  # type: ignore[attr-defined]
    url = request.url.split("#", 1)[0]
    if url == page.url and request.method == "GET":
        route.fulfill(status=200, content_type="text/html; charset=utf-8", body=page.html)  # type: ignore[attr-defined]
        return
    found = _static_file(url, page)
    if found is not None and request.method == "GET":
        content_type = mimetypes.guess_type(found.name)[0] or "application/octet-stream"
        route.fulfill(status=200, content_type=content_type, body=found.read_bytes())  # type: ignore[attr-defined]
        return
    page.blocked.append(request.url)
    route.abort("blockedbyclient")  # type: ignore[attr-defined]


def _static_file(url: str, page: Page) -> Path | None:
    """The file under the static folder that `url` names on the page's own origin, or None."""
    wanted, own = urlsplit(url), urlsplit(page.url)
    if (wanted.scheme, wanted.netloc) != (own.scheme, own.netloc):
        return None
    prefix = page.static_url_path.rstrip("/") + "/"
    if not wanted.path.startswith(prefix):
        return None
    root = page.static_folder.resolve()
    candidate = (root / unquote(wanted.path[len(prefix):])).resolve()
    if not candidate.is_relative_to(root) or not candidate.is_file():
        return None
    return candidate
