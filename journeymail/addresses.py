"""Email addresses, checked one way everywhere: email-validator, deliverability per configuration."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import email_validator
from email_validator import EmailNotValidError, ValidatedEmail, validate_email
from email_validator.rfc_constants import CASE_INSENSITIVE_MAILBOX_NAMES
from email_validator.syntax import split_email, validate_email_domain_name, validate_email_length, \
    validate_email_local_part
from flask_babel import gettext as _
from flask_babel import ngettext


class InvalidAddress(ValueError):
    """Not an address; the message is email-validator's reason in the request's language (see `reason`)."""


@dataclass(frozen=True)
class Address:
    normalized: str  # as the user wrote it, normalised (an internationalised domain stays Unicode)
    ascii: str | None  # the all-ASCII form, or None when the local part needs SMTPUTF8
    local_part: str = ""  # before the @, as normalised
    ascii_domain: str = ""  # after the @, an internationalised domain in its ASCII (punycode) form


def check_address(value: str, *, deliverability: bool = False, smtputf8: bool = True) -> Address:
    """The address checked and normalised; InvalidAddress says why it is not one.

    `deliverability` looks the domain up in DNS; `smtputf8=False` refuses internationalised local
    parts, which an ESP that sends from ASCII addresses cannot use.
    """
    try:
        checked = validate_email(value, check_deliverability=deliverability, allow_smtputf8=smtputf8)
    except EmailNotValidError as error:
        raise InvalidAddress(reason(str(error))) from None
    return Address(checked.normalized, checked.ascii_email, checked.local_part, checked.ascii_domain)


class AddressChecker:
    """check_address for many addresses (a contact list), with the same results, each domain checked once.

    email-validator spends most of its time on the domain, which a list repeats (gmail.com, web.de, the
    company's own). `check` takes the plain case (ASCII, no display name, no quotes, no IP literal) through
    email-validator's own steps, in validate_email's order, with the domain's result kept per domain (a pure
    function of the domain and the module's settings); any other address, and every address one of those
    steps refuses, goes through check_address itself, so the reasons a user reads are always its own.
    tests/test_address_checker.py compares the two on addresses of every kind.
    """

    # email-validator's settings this shortcut assumes (its defaults); another value turns it off
    _ASSUMED = {"ALLOW_EMPTY_LOCAL": False, "ALLOW_QUOTED_LOCAL": False, "ALLOW_DISPLAY_NAME": False, "STRICT": False,
                "TEST_ENVIRONMENT": False, "GLOBALLY_DELIVERABLE": True}

    def __init__(self, *, deliverability: bool = False, smtputf8: bool = True) -> None:
        self.deliverability = deliverability
        self.smtputf8 = smtputf8
        self.shortcut = not deliverability and all(getattr(email_validator, name) == value
                                                   for name, value in self._ASSUMED.items())
        self._domains: dict[str, Any] = {}

    def check(self, value: str) -> Address:
        if self.shortcut and value.isascii() and '"' not in value and "<" not in value and "[" not in value:
            try:
                return self._plain(value)
            except (EmailNotValidError, _Unusual):
                pass
        return check_address(value, deliverability=self.deliverability, smtputf8=self.smtputf8)

    def _plain(self, value: str) -> Address:
        """validate_email's steps for an ASCII address without display name, quotes or IP literal."""
        display_name, original_local_part, local_part, quoted, domain_part = split_email(value)
        if display_name is not None or quoted or not domain_part:
            raise _Unusual
        local = validate_email_local_part(local_part, allow_smtputf8=self.smtputf8, allow_empty_local=False,
                                          quoted_local_part=False, strict=False)
        checked = ValidatedEmail()
        checked.original = original_local_part + "@" + domain_part
        checked.display_name = None
        checked.smtputf8 = local["smtputf8"]
        checked.local_part = local["local_part"]
        checked.ascii_local_part = local["ascii_local_part"]
        if checked.ascii_local_part is not None and checked.ascii_local_part.lower() in CASE_INSENSITIVE_MAILBOX_NAMES:
            raise _Unusual  # postmaster@, abuse@ ...: validate_email lower-cases them
        domain = self._domains.get(domain_part)
        if domain is None:
            domain = self._domains[domain_part] = validate_email_domain_name(
                domain_part, test_environment=False, globally_deliverable=True)
        checked.domain = domain["domain"]
        checked.ascii_domain = domain["ascii_domain"]
        checked.normalized = checked.local_part + "@" + checked.domain
        checked.ascii_email = (checked.ascii_local_part + "@" + checked.ascii_domain
                               if checked.ascii_local_part and checked.ascii_domain else None)
        validate_email_length(checked)
        return Address(checked.normalized, checked.ascii_email, checked.local_part, checked.ascii_domain)


class _Unusual(Exception):
    """An address the shortcut leaves to check_address."""



_COUNT = r"\((?P<count>\d+) characters? too many\)"

# email-validator's common reasons and the catalog's words for them. Each English message is exactly what
# email-validator says, so English stays as it was; a reason not listed here stays email-validator's English.
_REASONS: list[tuple[re.Pattern[str], Callable[[re.Match[str]], str]]] = [
    (re.compile(r"An email address must have an @-sign\."), lambda m: _("An email address must have an @-sign.")),
    (re.compile(r"There must be something before the @-sign\."),
     lambda m: _("There must be something before the @-sign.")),
    (re.compile(r"There must be something after the @-sign\."),
     lambda m: _("There must be something after the @-sign.")),
    (re.compile(r"There can't be anything after the email address\."),
     lambda m: _("There can't be anything after the email address.")),
    (re.compile(r"The part after the @-sign is not valid\. It should have a period\."),
     lambda m: _("The part after the @-sign is not valid. It should have a period.")),
    (re.compile(r"The part after the @-sign is not valid\. It is not within a valid top-level domain\."),
     lambda m: _("The part after the @-sign is not valid. It is not within a valid top-level domain.")),
    (re.compile(r"The part after the @-sign is a special-use or reserved name that cannot be used with email\."),
     lambda m: _("The part after the @-sign is a special-use or reserved name that cannot be used with email.")),
    (re.compile(r"An email address cannot have two periods in a row\."),
     lambda m: _("An email address cannot have two periods in a row.")),
    (re.compile(r"An email address cannot have a period and a hyphen next to each other\."),
     lambda m: _("An email address cannot have a period and a hyphen next to each other.")),
    (re.compile(r"An email address cannot start with a period\."),
     lambda m: _("An email address cannot start with a period.")),
    (re.compile(r"An email address cannot end with a period\."),
     lambda m: _("An email address cannot end with a period.")),
    (re.compile(r"An email address cannot end with a hyphen\."),
     lambda m: _("An email address cannot end with a hyphen.")),
    (re.compile(r"An email address cannot have a period immediately before the @-sign\."),
     lambda m: _("An email address cannot have a period immediately before the @-sign.")),
    (re.compile(r"An email address cannot have a period immediately after the @-sign\."),
     lambda m: _("An email address cannot have a period immediately after the @-sign.")),
    (re.compile(r"An email address cannot have a hyphen immediately after the @-sign\."),
     lambda m: _("An email address cannot have a hyphen immediately after the @-sign.")),
    (re.compile(r"The email address contains invalid characters before the @-sign: (?P<chars>.+)\."),
     lambda m: _("The email address contains invalid characters before the @-sign: %(chars)s.", chars=m["chars"])),
    (re.compile(r"The email address contains invalid characters before the @-sign\."),
     lambda m: _("The email address contains invalid characters before the @-sign.")),
    (re.compile(r"The part after the @-sign contains invalid characters: (?P<chars>.+)\."),
     lambda m: _("The part after the @-sign contains invalid characters: %(chars)s.", chars=m["chars"])),
    (re.compile(r"The email address contains unsafe characters: (?P<chars>.+)\."),
     lambda m: _("The email address contains unsafe characters: %(chars)s.", chars=m["chars"])),
    (re.compile(r"Internationalized characters before the @-sign are not supported: (?P<chars>.+)\."),
     lambda m: _("Internationalized characters before the @-sign are not supported: %(chars)s.", chars=m["chars"])),
    (re.compile(r"Internationalized characters before the @-sign are not supported\."),
     lambda m: _("Internationalized characters before the @-sign are not supported.")),
    (re.compile(r"The email address is not valid ASCII\."), lambda m: _("The email address is not valid ASCII.")),
    (re.compile(r"The email address is too long before the @-sign " + _COUNT + r"\."),
     lambda m: ngettext("The email address is too long before the @-sign (%(num)s character too many).",
                        "The email address is too long before the @-sign (%(num)s characters too many).",
                        int(m["count"]))),
    (re.compile(r"The email address is too long after the @-sign " + _COUNT + r"\."),
     lambda m: ngettext("The email address is too long after the @-sign (%(num)s character too many).",
                        "The email address is too long after the @-sign (%(num)s characters too many).",
                        int(m["count"]))),
    (re.compile(r"The email address is too long " + _COUNT + r"\."),
     lambda m: ngettext("The email address is too long (%(num)s character too many).",
                        "The email address is too long (%(num)s characters too many).", int(m["count"]))),
    (re.compile(r"The domain name (?P<domain>\S+) does not exist\."),
     lambda m: _("The domain name %(domain)s does not exist.", domain=m["domain"])),
    (re.compile(r"The domain name (?P<domain>\S+) does not accept email\."),
     lambda m: _("The domain name %(domain)s does not accept email.", domain=m["domain"])),
    (re.compile(r"The domain name (?P<domain>\S+) does not send email\."),
     lambda m: _("The domain name %(domain)s does not send email.", domain=m["domain"])),
]


def reason(message: str) -> str:
    """email-validator's reason through the catalog: German when the request is, else exactly as it said."""
    for pattern, words in _REASONS:
        if match := pattern.fullmatch(message):
            return words(match)
    return message
