"""A small HTML tree for page tests: find elements by id, attribute or class and read their text.

The standard library's parser, so page tests need no extra dependency; forgiving about unclosed tags.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


@dataclass(eq=False)
class Element:
    tag: str
    attrs: dict[str, str]
    parent: Element | None = None
    children: list[Element | str] = field(default_factory=list)

    def get(self, name: str, default: str | None = None) -> str | None:
        return self.attrs.get(name, default)

    @property
    def classes(self) -> list[str]:
        return (self.attrs.get("class") or "").split()

    def text(self) -> str:
        """The visible text, whitespace collapsed (script and style left out)."""
        parts: list[str] = []
        for child in self.children:
            if isinstance(child, str):
                parts.append(child)
            elif child.tag not in ("script", "style"):
                parts.append(" " + child.text() + " ")
        return " ".join("".join(parts).split())

    def iter(self) -> Iterator[Element]:
        for child in self.children:
            if isinstance(child, Element):
                yield child
                yield from child.iter()

    def find_all(self, match: Callable[[Element], bool]) -> list[Element]:
        return [element for element in self.iter() if match(element)]

    def select(self, tag: str | None = None, **attrs: str | None) -> list[Element]:
        """Elements by tag and attribute values (class_ matches one class; None means the attribute is present)."""

        def match(element: Element) -> bool:
            if tag is not None and element.tag != tag:
                return False
            for name, value in attrs.items():
                if name == "class_":
                    if value not in element.classes:
                        return False
                elif value is None:
                    if name.replace("_", "-") not in element.attrs:
                        return False
                elif element.attrs.get(name.replace("_", "-")) != value:
                    return False
            return True

        return self.find_all(match)

    def by_id(self, element_id: str) -> Element | None:
        found = self.select(id=element_id)
        return found[0] if found else None

    def contains(self, other: Element) -> bool:
        node = other.parent
        while node is not None:
            if node is self:
                return True
            node = node.parent
        return False


class _Builder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Element("#document", {})
        self.current = self.root

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = Element(tag, {name: value or "" for name, value in attrs}, parent=self.current)
        self.current.children.append(element)
        if tag not in VOID:
            self.current = element

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.current.children.append(Element(tag, {n: v or "" for n, v in attrs}, parent=self.current))

    def handle_endtag(self, tag: str) -> None:
        node: Element | None = self.current
        while node is not None and node.tag != tag:
            node = node.parent
        if node is not None and node.parent is not None:
            self.current = node.parent  # closes any unclosed elements inside it too

    def handle_data(self, data: str) -> None:
        self.current.children.append(data)


def parse(html: str) -> Element:
    builder = _Builder()
    builder.feed(html)
    builder.close()
    return builder.root


CONTROLS = ("input", "select", "textarea")


def _is_control(element: Element) -> bool:
    return element.tag in CONTROLS and bool(element.get("name")) and element.get("type") != "hidden"


def field_text(root: Element, name: str) -> str:
    """The text shown in a form field's place: everything in its form after the previous control, up to the next.

    This is what a user reads beside the field (label, help, error), whatever the markup around it.
    """
    form = control(root, name)
    while form.parent is not None and form.tag != "form":
        form = form.parent
    pieces: list[tuple[str | None, str]] = []  # (control name or None for text, text)

    def walk(node: Element) -> None:
        for child in node.children:
            if isinstance(child, str):
                pieces.append((None, child))
            elif _is_control(child):
                pieces.append((child.get("name"), ""))  # a control's own content is not its slot's text
            elif child.tag not in ("script", "style"):
                walk(child)

    walk(form)
    positions = [i for i, (control, _) in enumerate(pieces) if control == name]
    assert positions, f"no form field named {name!r} on the page"
    start, end = positions[0], positions[-1]
    while start > 0 and pieces[start - 1][0] in (None, name):
        start -= 1
    while end < len(pieces) - 1 and pieces[end + 1][0] in (None, name):
        end += 1
    return " ".join("".join(text for _, text in pieces[start : end + 1]).split())


def control(root: Element, name: str) -> Element:
    """The first form control named `name`."""
    found = [e for e in root.iter() if e.tag in CONTROLS and e.get("name") == name]
    assert found, f"no form field named {name!r} on the page"
    return found[0]
