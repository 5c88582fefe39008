"""The journey map as a file (GET /campaigns/<id>/export/map.pdf and map.png, `flask export map`): opened the way a
reader opens it (pypdfium2 for the PDF, Pillow for the PNG), in English and German; the phases of a long journey
spread over pages, the emotion curve drawn on each, a token downloads it, another workspace's campaign is a 404,
and the renderer fetches nothing from outside."""

from __future__ import annotations

import io
import time
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from flask import Flask
from flask.testing import FlaskClient
from PIL import Image

from accounts import current
from accounts.models import AuditEntry, User, Workspace
from accounts.services import create_token
from api_support import NOT_FOUND, auth_headers, error_of
from campaigns import services as campaign_services
from campaigns.demo import create_demo
from campaigns.demo_de import create_demo_de
from campaigns.map_page import phase_parts
from campaigns.models import Campaign
from demo_support import page
from journeymail import chromium
from journeymail.extensions import db

GERMAN = {"Accept-Language": "de"}
ENGLISH = {"Accept-Language": "en"}

# the colours of the emotion curve's dots (static/css/map.css): delighted and uneasy
DELIGHTED = (0x1F, 0x7A, 0x3A)
UNEASY = (0xC2, 0x41, 0x0C)


@pytest.fixture
def demo() -> Campaign:
    campaign = create_demo()
    db.session.commit()
    return campaign


@pytest.fixture
def demo_de() -> Campaign:
    campaign = create_demo_de()
    db.session.commit()
    return campaign


@pytest.fixture
def long_journey(demo: Campaign) -> Campaign:
    """The demo with eight phases more: 15 phases, too many for one page."""
    for number in range(1, 9):
        campaign_services.add_phase(demo, {"name": f"Stage {number} of the long tail", "emotion": 2 if number % 2 else -1,
                                           "description": "Keeps going after the first month."})
    db.session.commit()
    return demo


def pdf_pages(body: bytes) -> list[tuple[float, float, str]]:
    """Every page of a PDF as (width, height, text)."""
    document = pdfium.PdfDocument(body)
    found = []
    for sheet in document:
        width, height = sheet.get_size()
        found.append((width, height, sheet.get_textpage().get_text_range()))
    return found


def flat(text: str) -> str:
    """A page's text with its line breaks as spaces (a long phase name wraps in its column), case folded: the
    lane titles are in capitals, as the page shows them."""
    return " ".join(text.replace("\ufffe", "").replace("-\r\n", "").split()).casefold()


def has(text: str, words: str) -> bool:
    return words.casefold() in text


def page_image(body: bytes, index: int) -> Image.Image:
    return pdfium.PdfDocument(body)[index].render(scale=1.5).to_pil().convert("RGB")


def pixels_near(image: Image.Image, colour: tuple[int, int, int], tolerance: int = 24) -> int:
    data = image.resize((image.width // 2, image.height // 2), Image.Resampling.NEAREST).tobytes()
    red, green, blue = colour
    return sum(1 for i in range(0, len(data), 3) if abs(data[i] - red) <= tolerance
               and abs(data[i + 1] - green) <= tolerance and abs(data[i + 2] - blue) <= tolerance)


def download(client: FlaskClient, campaign: Campaign, kind: str, headers: dict[str, str] | None = None):
    return client.get(f"/campaigns/{campaign.id}/export/map.{kind}", headers=headers or ENGLISH)


# --- the PDF ------------------------------------------------------------------------------------------------


def test_the_demo_map_downloads_as_a_landscape_pdf_with_every_phase_and_segment(client: FlaskClient, demo: Campaign):
    started = time.perf_counter()
    response = download(client, demo, "pdf")
    seconds = time.perf_counter() - started

    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    assert response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"] == "attachment; filename=plannery-trial-journey-map.pdf"
    assert response.headers["Cache-Control"] == "no-store"
    pages = pdf_pages(response.data)
    assert all(width > height for width, height, _text in pages), "every page is landscape"
    assert abs(pages[0][0] - 842) < 2 and abs(pages[0][1] - 595) < 2, "A4"
    text = flat(" ".join(text for *_size, text in pages))
    for phase in demo.phases:
        assert has(text, phase.name), phase.name
    for segment in demo.segments:
        assert has(text, segment.name), segment.name
    assert has(flat(pages[0][2]), "Plannery trial journey")
    # the page as the map shows it: lanes, the emotion labels, the sequence; no buttons
    for words in ("Customer goal", "Touchpoints", "Emotion", "Pain points", "Opportunities", "−1 uneasy",
                  "+2 delighted", "Sequence", "No email — gap"):
        assert has(text, words), words
    for button in ("Add touchpoint", "Duplicate", "Settings", "Plan an email", "Edit email", "Download PDF"):
        assert not has(text, button), button
    assert seconds < 30


def test_the_german_map_is_a_german_pdf(client: FlaskClient, demo_de: Campaign):
    response = download(client, demo_de, "pdf", GERMAN)

    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    pages = pdf_pages(response.data)
    assert all(width > height for width, height, _text in pages)
    text = flat(" ".join(text for *_size, text in pages))
    for phase in demo_de.phases:
        assert has(text, phase.name), phase.name
    for words in ("Ziel der Kundschaft", "Chancen", "Segmente", "Keine E-Mail – Lücke", "Versandfolge"):
        assert has(text, words), words
    for english in ("Customer goal", "Opportunities", "No email", "Sequence"):
        assert not has(text, english), english


def test_an_english_campaign_downloaded_in_german_has_german_labels(client: FlaskClient, demo: Campaign):
    text = flat(" ".join(t for *_s, t in pdf_pages(download(client, demo, "pdf", GERMAN).data)))

    assert has(text, "Ziel der Kundschaft") and not has(text, "Customer goal")
    assert has(text, "Awareness")  # the phases keep the names they were given


def test_fifteen_phases_go_across_pages_with_the_emotion_curve_on_each(client: FlaskClient, long_journey: Campaign):
    started = time.perf_counter()
    response = download(client, long_journey, "pdf")
    seconds = time.perf_counter() - started

    assert response.status_code == 200
    pages = pdf_pages(response.data)
    phases = long_journey.phases
    assert len(phases) == 15
    first, second = flat(pages[0][2]), flat(pages[1][2])
    # 8 phases on the first page, 7 on the next, each under its phase headers and numbers
    assert all(has(first, p.name) for p in phases[:8]) and not any(has(first, p.name) for p in phases[8:])
    assert all(has(second, p.name) for p in phases[8:]) and not any(has(second, p.name) for p in phases[:8])
    for text in (first, second):
        assert has(text, "Emotion") and has(text, "Customer goal")
    # the curve: its dots in both pages' colours, on both pages
    for index in (0, 1):
        image = page_image(response.data, index)
        assert pixels_near(image, DELIGHTED) > 40, index
        assert pixels_near(image, UNEASY) > 40, index
    everything = flat(" ".join(t for *_s, t in pages))
    assert all(has(everything, p.name) for p in phases)
    assert seconds < 30


def test_the_phases_are_split_into_even_parts():
    def sizes(count: int, per_part: int | None = 8) -> list[int]:
        return [len(part) for part in phase_parts(list(range(count)), per_part)]  # type: ignore[arg-type]

    assert sizes(7) == [7]
    assert sizes(8) == [8]
    assert sizes(9) == [5, 4]
    assert sizes(15) == [8, 7]
    assert sizes(16) == [8, 8]
    assert sizes(17) == [6, 6, 5]
    assert sizes(15, None) == [15]
    assert sizes(0) == [0]


# --- the PNG ------------------------------------------------------------------------------------------------


def test_the_map_downloads_as_a_png_of_the_whole_map(client: FlaskClient, demo: Campaign):
    response = download(client, demo, "png")

    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    assert response.mimetype == "image/png"
    assert response.headers["Content-Disposition"] == "attachment; filename=plannery-trial-journey-map.png"
    image = Image.open(io.BytesIO(response.data))
    assert image.format == "PNG"
    assert 2400 <= image.width <= 4000 and 1500 <= image.height <= 12000, image.size
    assert 100_000 < len(response.data) < 8_000_000
    rgb = image.convert("RGB")
    # the map's colours: the emotion curve's dots and the indigo phase numbers are there, not a blank page
    assert pixels_near(rgb, DELIGHTED) > 100 and pixels_near(rgb, UNEASY) > 100
    assert pixels_near(rgb, (0x34, 0x51, 0xB2)) > 100


# --- who may download it ----------------------------------------------------------------------------------------


def test_a_token_downloads_the_map_and_no_token_is_a_401(app: Flask, workspace: Workspace, demo: Campaign):
    owner = db.session.get(User, workspace.memberships[0].user.id)
    _token, secret = create_token(owner, workspace, role="viewer")
    db.session.commit()

    response = app.test_client().get(f"/campaigns/{demo.id}/export/map.pdf", headers=auth_headers(secret))
    assert response.status_code == 200 and response.data.startswith(b"%PDF-")
    assert db.session.scalar(db.select(AuditEntry.detail).where(AuditEntry.action == "exported")) == {"file": "map.pdf"}

    anonymous = app.test_client().get(f"/campaigns/{demo.id}/export/map.png", headers={"Accept": "*/*"})
    assert anonymous.status_code == 401
    assert error_of(anonymous)["message"]


def test_another_workspaces_campaign_is_a_404(app: Flask, client: FlaskClient, workspace: Workspace,
                                              make_member, create_campaign):
    space = Workspace(name="Other team", test_send_allow_list=[])
    db.session.add(space)
    db.session.commit()
    current.use_workspace(space, "owner", make_member("owner", space))
    theirs = create_campaign(name="B's journey")
    db.session.commit()

    for kind in ("pdf", "png"):
        response = client.get(f"/campaigns/{theirs.id}/export/map.{kind}", headers={"Accept": "application/json"})
        assert response.status_code == 404
        assert error_of(response)["message"] == NOT_FOUND
    assert client.get("/campaigns/999999/export/map.pdf").status_code == 404


def test_without_chromium_the_download_is_a_clear_503(app: Flask, client: FlaskClient, demo: Campaign,
                                                     monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setitem(app.config, "CHROMIUM_PATH", "no-such-chromium-here")

    response = client.get(f"/campaigns/{demo.id}/export/map.pdf", headers={"Accept": "application/json"})
    assert response.status_code == 503
    assert error_of(response) == {"message": str(chromium.NOT_INSTALLED), "fields": {}}
    assert response.headers["Retry-After"] == "10"
    html = client.get(f"/campaigns/{demo.id}/export/map.png", headers=GERMAN)
    assert html.status_code == 503 and "Chromium" in html.get_data(as_text=True)


# --- the links to it ----------------------------------------------------------------------------------------


def test_the_map_page_and_the_export_page_link_the_files(client: FlaskClient, demo: Campaign):
    links = {a.get("href") for a in page(client.get(f"/campaigns/{demo.id}")).select("a")}
    assert {f"/campaigns/{demo.id}/export/map.pdf", f"/campaigns/{demo.id}/export/map.png"} <= links

    german = page(client.get(f"/campaigns/{demo.id}/export", headers=GERMAN))
    card = german.by_id("format-map")
    assert {a.get("href") for a in card.select("a")} == {f"/campaigns/{demo.id}/export/map.pdf",
                                                         f"/campaigns/{demo.id}/export/map.png"}
    assert "map.pdf herunterladen" in card.text() and "map.png herunterladen" in card.text()


def test_a_viewer_sees_the_download_links_too(client_as, demo: Campaign):
    viewer = client_as("viewer")
    links = {a.get("href") for a in page(viewer.get(f"/campaigns/{demo.id}")).select("a")}
    assert f"/campaigns/{demo.id}/export/map.pdf" in links


# --- the command ----------------------------------------------------------------------------------------------


def test_the_command_writes_the_pdf_and_the_png(runner, demo_de: Campaign, tmp_path: Path):
    pdf_path, png_path = tmp_path / "map.pdf", tmp_path / "picture.out"

    result = runner.invoke(args=["export", "map", str(demo_de.id), "-o", str(pdf_path)])
    assert result.exit_code == 0, result.output
    assert str(pdf_path) in result.output and "Deutsch" in result.output  # the campaign's language by default
    text = flat(" ".join(t for *_s, t in pdf_pages(pdf_path.read_bytes())))
    assert all(has(text, p.name) for p in demo_de.phases) and has(text, "Ziel der Kundschaft")

    result = runner.invoke(args=["export", "map", str(demo_de.id), "-o", str(png_path), "--format", "png",
                                 "--lang", "en"])
    assert result.exit_code == 0, result.output
    with Image.open(png_path) as picture:
        assert picture.format == "PNG"


def test_the_command_asks_for_a_format_and_names_a_missing_campaign(runner, demo: Campaign, tmp_path: Path):
    result = runner.invoke(args=["export", "map", str(demo.id), "-o", str(tmp_path / "map.txt")])
    assert result.exit_code == 1 and "--format pdf" in result.output
    result = runner.invoke(args=["export", "map", "999999", "-o", str(tmp_path / "map.pdf")])
    assert result.exit_code == 1 and "There is no campaign with ID 999999." in result.output
    assert list(tmp_path.iterdir()) == []


# --- offline ----------------------------------------------------------------------------------------------------


def test_the_renderer_answers_from_the_static_folder_and_fetches_nothing_else(app: Flask):
    html = ('<!doctype html><html><head><link rel="stylesheet" href="/static/css/app.css">'
            '<link rel="stylesheet" href="https://fonts.example.net/font.css"></head>'
            '<body><h1>Offline</h1><img src="http://tracker.example.org/pixel.gif" alt="">'
            '<img src="/static/../config.py" alt=""><img src="/elsewhere" alt=""></body></html>')
    sheet = chromium.Page(html=html, url="http://journeymail.test/campaigns/1", static_folder=Path(app.static_folder or ""),
                          width=400, scale=1)
    body = chromium.png(sheet, executable=chromium.chromium_path(), timeout=30)

    assert Image.open(io.BytesIO(body)).width == 400
    blocked = " ".join(sheet.blocked)
    assert "fonts.example.net" in blocked and "tracker.example.org" in blocked and "/elsewhere" in blocked
    assert "app.css" not in blocked and "config.py" in blocked
    # a path that climbs out of the static folder is never served, however it is spelled
    for url in ("http://journeymail.test/static/%2e%2e/config.py", "http://journeymail.test/static/..%2fconfig.py",
                "http://other.test/static/css/app.css"):
        assert chromium._static_file(url, sheet) is None, url
    assert chromium._static_file("http://journeymail.test/static/css/map.css", sheet) is not None
