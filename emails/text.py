"""The plain-text part of an email, derived from its HTML."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from .cache import ContentCache


class _TextExtractor(HTMLParser):
    """Email HTML to readable text: blocks become lines, links read `text (url)`, hidden parts vanish."""

    BLOCKS = {"p", "div", "tr", "table", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "section", "blockquote"}
    SKIP = {"head", "style", "script", "title"}
    VOID = {"br", "img", "hr", "meta", "link", "input", "col", "area", "base", "source", "wbr"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip_depth = 0
        self.stack: list[tuple[str, bool]] = []  # (tag, opened a skipped region)
        self.links: list[tuple[str | None, int]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        hidden = tag in self.SKIP or re.search(r"display\s*:\s*none", attributes.get("style") or "") is not None
        if tag in self.VOID:
            if not self.skip_depth and not hidden:
                if tag == "br":
                    self.parts.append("\n")
                elif tag == "hr":
                    self.parts.append("\n----------\n")
            return
        self.stack.append((tag, hidden))
        if hidden:
            self.skip_depth += 1
            return
        if self.skip_depth:
            return
        if tag in self.BLOCKS:
            self.parts.append("\n")
        if tag == "li":
            self.parts.append("- ")
        if tag == "a":
            self.links.append((attributes.get("href"), len(self.parts)))

    def handle_endtag(self, tag: str) -> None:
        if tag in self.VOID:
            return
        while self.stack:
            opened, hidden = self.stack.pop()
            if hidden:
                self.skip_depth -= 1
            elif not self.skip_depth:
                self._close(opened)
            if opened == tag:
                break

    def _close(self, tag: str) -> None:
        if tag == "a" and self.links:
            href, start = self.links.pop()
            text = " ".join("".join(self.parts[start:]).split())
            if href and not href.startswith(("#", "mailto:")) and href != text:
                self.parts.append(f" ({href})" if text else href)
        if tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.skip_depth:
            self.parts.append(re.sub(r"\s+", " ", data))

    def text(self) -> str:
        lines = [line.strip() for line in "".join(self.parts).splitlines()]
        text = "\n".join(lines)
        return re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"


# Text parts by the HTML they are derived from (segments often share one HTML).
text_cache: ContentCache[str] = ContentCache("text parts", lambda text: (0, (text,)))


def _extract_text(html: str) -> str:
    parser = _TextExtractor()
    parser.feed(html)
    parser.close()
    return parser.text()


def html_to_text(html: str) -> str:
    """The plain-text part of an email, from its HTML (cached by the HTML)."""
    return text_cache.get_or_make(html, lambda: _extract_text(html))


html_to_text.cache_clear = text_cache.clear  # type: ignore[attr-defined]  # as functools.lru_cache had it
