"""The import's address checker (journeymail.addresses.AddressChecker) says exactly what check_address says, for
addresses of every kind: the same normalised address, ASCII form and parts, or the same reason, in English and
in German. It only checks each domain once."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask

from bench.contacts import contact_rows
from journeymail.addresses import AddressChecker, InvalidAddress, check_address

ADDRESSES = [
    "ada@example.com", "Ada.Lovelace@Example.COM", "ada@EXAMPLE.com.", "ada@sub.example.co.uk", "a@b.de",
    "Postmaster@example.com", "ABUSE@example.com", "info@xn--bcher-kva.de", "jürgen@müller.de", "jürgen@example.de",
    "ada@bücher.de", "ada+news@example.com", "ada_lovelace@example.com", "o'brien@example.ie", "ada@localhost",
    "ada@example", "ada@example.invalid", "ada@example.local", "ada@123.123.123.123", "ada@[127.0.0.1]",
    '"ada lovelace"@example.com', "Ada <ada@example.com>", "ada@@example.com", "ada..love@example.com",
    ".ada@example.com", "ada.@example.com", "ada@-example.com", "ada@example-.com", "ada@exa_mple.com",
    "ada example@example.com", "@example.com", "ada@", "ada", "", "ada@example..com", "ada@.example.com",
    "a" * 64 + "@example.com", "a" * 65 + "@example.com", "ada@" + "b" * 63 + ".com", "ada@" + "b" * 64 + ".com",
    "ada@" + ".".join(["c" * 60] * 4) + ".com", "a" * 60 + "@" + ".".join(["d" * 60] * 3) + ".de",
    "ada@example.com\n", "ada\u00a0@example.com", "ada@exam ple.com", "ada@ex*ample.com", "ada@1example.com",
    "ada@example.123", "ada@xn--.de", "ada@xn--zz-zz.de", "ada@ex\u200bample.com", "ada@example.c",
]


def outcome(check: Any, address: str) -> Any:
    try:
        found = check(address)
    except InvalidAddress as error:
        return ("refused", str(error))
    return (found.normalized, found.ascii, found.local_part, found.ascii_domain)


@pytest.mark.parametrize("language", ["en", "de"])
def test_the_checker_answers_as_check_address_does_for_every_kind_of_address(app: Flask, language: str) -> None:
    generated = [row[0] for row in contact_rows(3_000)]  # the bench's list: umlauts, IDN domains, bad rows
    with app.test_request_context(headers={"Accept-Language": language}):
        checker = AddressChecker()
        for address in ADDRESSES + generated + ADDRESSES:  # the second time round, the domains are known
            assert outcome(checker.check, address) == outcome(check_address, address), address


def test_the_checker_keeps_to_check_address_when_asked_for_ascii_only(app: Flask) -> None:
    with app.test_request_context():
        checker = AddressChecker(smtputf8=False)
        for address in ADDRESSES:
            assert outcome(checker.check, address) == outcome(lambda a: check_address(a, smtputf8=False), address)
