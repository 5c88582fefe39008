"""Campaign documents as they arrive: larger than other request bodies, and perhaps gzipped.

Any document the export writes can be imported back, so the import endpoints (POST /api/campaigns/import
and the upload form POST /campaigns/import) take bodies up to IMPORT_MAX_BYTES instead of
MAX_CONTENT_LENGTH. A document may come gzipped: `Content-Encoding: gzip` on the API, a .json.gz file
on the form or the command line. It is decompressed with the same cap, so a small body that inflates
beyond it (a zip bomb) is refused with 413 before it fills memory.
"""

from __future__ import annotations

import zlib
from typing import Any

from flask import current_app, request
from flask_babel import gettext as _
from werkzeug.exceptions import BadRequest, RequestEntityTooLarge, UnsupportedMediaType

from journeymail.http import UnreadableJSON, error_response, read_json

IMPORT_ENDPOINTS = {"exports.import_campaign", "exports_api.import_campaign"}
GZIP_MAGIC = b"\x1f\x8b"


def import_max_bytes() -> int:
    return int(current_app.config["IMPORT_MAX_BYTES"])


def allow_large_imports(endpoint: str | None, _values: Any) -> None:
    """The import endpoints take up to IMPORT_MAX_BYTES. A URL value preprocessor: it runs before every
    before_request function, so before the CSRF check reads the form."""
    if endpoint in IMPORT_ENDPOINTS:
        request.max_content_length = import_max_bytes()


def too_large(error: RequestEntityTooLarge) -> Any:
    """413 naming the limit this request had (the import's own, or the usual one)."""
    limit = request.max_content_length or current_app.config["MAX_CONTENT_LENGTH"]
    if isinstance(error, TooLarge):
        message = _("The campaign document is larger than the %(limit)s KB this server accepts, once decompressed.",
                    limit=limit // 1024)
    elif request.endpoint in IMPORT_ENDPOINTS:
        message = _("The request is larger than the %(limit)s KB this server accepts for a campaign document.",
                    limit=limit // 1024)
    else:
        message = _("The request is larger than the %(limit)s KB this server accepts.", limit=limit // 1024)
    return error_response(413, message)


class NotGzip(ValueError):
    """Data that claims to be gzip and is not, or ends early."""


class TooLarge(RequestEntityTooLarge):
    """A gzipped document that inflates beyond IMPORT_MAX_BYTES."""


def gunzip(data: bytes, limit: int) -> bytes:
    """The decompressed bytes of gzip data (one member or several); TooLarge as soon as they pass `limit`,
    without ever holding more than `limit` + 1 bytes; NotGzip for anything else."""
    parts: list[bytes] = []
    size = 0
    rest = data
    while rest:
        inflate = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)  # gzip header and trailer
        pending = rest
        while True:
            try:
                part = inflate.decompress(pending, limit - size + 1)
            except zlib.error as error:
                raise NotGzip(str(error)) from None
            size += len(part)
            if size > limit:
                raise TooLarge()
            parts.append(part)
            if inflate.eof:
                rest = inflate.unused_data
                break
            if not pending and not part:
                raise NotGzip("the gzip data ends early")
            pending = inflate.unconsumed_tail
    return b"".join(parts)


def json_document() -> Any:
    """The request's JSON document, gzipped or not: 415 when it is not JSON, 400 when it does not parse,
    413 when it is larger than IMPORT_MAX_BYTES (decompressed too)."""
    if not request.is_json:
        raise UnsupportedMediaType()
    data = request.get_data(cache=False)
    encoding = request.headers.get("Content-Encoding", "").strip().lower()
    if encoding in ("gzip", "x-gzip"):
        try:
            data = gunzip(data, import_max_bytes())
        except NotGzip:
            raise BadRequest(_("The request body is not gzip data, as its Content-Encoding says.")) from None
    elif encoding not in ("", "identity"):
        raise UnsupportedMediaType(_("Send the document as it is, or gzipped with Content-Encoding: gzip."))
    try:
        document = read_json(data)
    except UnreadableJSON as error:
        if error.kind == "depth":
            raise BadRequest(_("The request body is nested too deeply.")) from None
        document = None
    if document is None:
        raise BadRequest(_("The request body is not valid JSON."))
    return document
