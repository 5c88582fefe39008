"""Email addresses, checked one way everywhere: email-validator, deliverability per configuration."""

from __future__ import annotations

from dataclasses import dataclass

from email_validator import EmailNotValidError, validate_email


class InvalidAddress(ValueError):
    """Not an address; the message is email-validator's reason, e.g. "The email address is not valid..."."""


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
        raise InvalidAddress(str(error)) from None
    return Address(checked.normalized, checked.ascii_email, checked.local_part, checked.ascii_domain)

