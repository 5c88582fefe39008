"""Email addresses, checked one way everywhere: email-validator, deliverability per configuration."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from email_validator import EmailNotValidError, validate_email
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
