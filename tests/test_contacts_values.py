"""The import reads each column with mapping.value_reader, made once per import: it gives what parse_value gives
(the same value, or the same reason) for the usual spellings and for every mistake."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask

from contacts.mapping import Target, parse_value, value_reader

TEXTS = ["0", "7", "0012", "123456789012345678", "1234567890123456789", "9223372036854775808", "-3", "+4", "1.234",
         "1,234", "12,50", "12.50", "1.234,50", "1,234.50", "0,99", ",5", "5,", "12,5,0", "1 234", "١٢", "²",
         "31.12.2024", "31.02.2024", "1.1.24", "01.02.2025 14:30", "01.02.2025 14:30:59", "01.02.2025 25:00",
         "2024-12-31", "2025-03-04T10:00:00Z", "2024-12-31 14:30", "ja", "Nein", "JA", "x", "wahr", "vielleicht",
         "abonniert", "subscribed", "K-1234", "Köln", "1e5", "NaN", "Infinity", "12,1234567", "99999999999999999,5"]
TARGETS = [Target("property", "integer", "n"), Target("property", "integer", "n", True),
           Target("property", "decimal", "d"), Target("property", "decimal", "d", True),
           Target("property", "datetime", "t"), Target("property", "boolean", "b"), Target("property", "string", "s"),
           Target("opens", "integer"), Target("status", "status"), Target("email", "email")]


def outcome(read: Any, text: str) -> Any:
    try:
        value = read(text)
    except ValueError as error:
        return ("refused", str(error))
    return (type(value), str(value))  # Decimal("12.50") and Decimal("12.5") are equal but not the same value


@pytest.mark.parametrize("target", TARGETS, ids=lambda t: f"{t.type}{'-comma' if t.comma else ''}")
def test_each_column_reads_as_parse_value_reads(app: Flask, target: Target) -> None:
    read = value_reader(target)
    with app.test_request_context():
        for text in TEXTS:
            assert outcome(read, text) == outcome(lambda t: parse_value(t, target), text), text
