"""MJML to email HTML with mjml-python (MRML), cached by source; mj-include is never resolved."""

from __future__ import annotations

import re
from typing import Any

import mjml

from .cache import ContentCache, Holding
from .wording import N_, Text, phrase


class MJMLError(ValueError):
    """MJML that does not compile; `line` when the compiler says where. `text` is the message for the catalog
    (the compiler's own words inside it stay as the compiler wrote them)."""

    def __init__(self, message: Text, line: int | None = None):
        super().__init__(str(message))
        self.text = message
        self.message = str(message)
        self.line = line


NO_INCLUDES = phrase(N_("mj-include is disabled: paste the content into the email instead."))


def _compiled_holds(found: str | MJMLError) -> Holding:
    return (0, (found,)) if isinstance(found, str) else (200, (found.message,))


# Compiled HTML by exact MJML source; a compile error is cached (and raised) like a result.
compile_cache: ContentCache[str | MJMLError] = ContentCache("compiled MJML", _compiled_holds)


def _no_includes(path: str, *_: Any) -> str:
    raise MJMLError(NO_INCLUDES)


def _compile_uncached(source: str) -> str | MJMLError:
    if re.search(r"<mj-include\b", source):
        return MJMLError(NO_INCLUDES, _line_of(source, "<mj-include"))
    try:
        return mjml.mjml2html(source, include_loader=_no_includes)
    except MJMLError as error:
        return error
    except Exception as error:  # the compiler reports every problem as a plain exception
        return MJMLError(*_describe_mjml_error(str(error), source))


def compile_mjml(source: str) -> str:
    """MJML to email HTML (cached by content); raises MJMLError with the compiler's message."""
    found = compile_cache.get_or_make(source, lambda: _compile_uncached(source))
    if isinstance(found, MJMLError):
        raise found
    return found


def _describe_mjml_error(message: str, source: str) -> tuple[Text, int | None]:
    match = re.search(r"position (\d+)|at (\d+)\.\.(\d+)", message)
    line = None
    if match:
        offset = int(match.group(1) or match.group(2))
        line = source.count("\n", 0, min(offset, len(source))) + 1
    return phrase(N_("MJML does not compile: %(detail)s"), detail=message), line


def _line_of(source: str, needle: str) -> int | None:
    index = source.find(needle)
    return None if index < 0 else source.count("\n", 0, index) + 1
