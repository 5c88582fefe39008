"""Preview as a real contact: the merge tags of a cell preview or the editor filled from a contact of the segment.

A segment with a rule (contacts.rules) holds contacts; the "Preview as" choice offers the first of them (the
rule's sample, SAMPLE_SIZE, in address order), or those whose address contains what was searched. The chosen
contact's values (contact_values) overlay the campaign's defaults and the segment's sample data
(campaigns.content.preview_values), and the email engine fills the merge tags as for the sample data: there is
one render path, and values are escaped as always. A contact is previewed only in a segment that holds it.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from accounts import current
from contacts import rules
from contacts.models import Contact, search_key
from journeymail.extensions import db
from journeymail.http import id_arg
from journeymail.validation import NotFound, ValidationError
from segments.models import Segment

SAMPLE_SIZE = 10
MAX_SEARCH = 100


def contact_values(contact: Contact) -> dict[str, Any]:
    """The merge-tag values of a contact: firstname, lastname and name from its name, email, and each property
    by its name (dates as ISO 8601, decimals as written). An empty name leaves the templates' defaults to speak."""
    values: dict[str, Any] = {}
    if contact.name.strip():
        first, _space, last = contact.name.strip().partition(" ")
        values.update(name=contact.name.strip(), firstname=first)
        if last.strip():
            values["lastname"] = last.strip()
    values["email"] = contact.email
    for prop in contact.properties:
        value = prop.value
        if value is None:
            continue
        if isinstance(value, datetime):
            value = value.isoformat()
        elif isinstance(value, Decimal):
            value = format(value.normalize(), "f")
        values[prop.name] = value
    return values


def members(segment: Segment, search: str | None = None) -> list[Contact]:
    """The contacts to choose from: the segment's first SAMPLE_SIZE, or those whose address contains `search`."""
    rule = rules.rule_of(segment.id)
    if rule is None:
        return []
    search = (search or "").strip()[:MAX_SEARCH]
    if not search:
        return rules.sample(rule, SAMPLE_SIZE)
    query = (current.scoped(Contact).where(rules.matches(rule),
                                           Contact.email_key.contains(search_key(search), autoescape=True))
             .order_by(Contact.email_key).limit(SAMPLE_SIZE))
    return list(db.session.scalars(query))


def chosen_contact(segment: Segment | None, value: Any, name: str = "contact") -> Contact | None:
    """The contact a request names (?contact=ID or contact_id), checked: 404 when the workspace has no such
    contact, 422 without a segment or when the segment does not hold it. None when none is named."""
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    elif value is not None and not isinstance(value, str):
        raise ValidationError({name: _("Name the contact by its ID.")})
    contact_id = id_arg(name, value, required=False)
    if contact_id is None:
        return None
    contact = current.get(Contact, contact_id)
    if contact is None:
        raise NotFound(_("There is no contact with ID %(id)s.", id=contact_id))
    if segment is None:
        raise ValidationError({name: _("Choose a segment to preview as one of its contacts.")})
    held = db.session.scalar(select(Contact.id).where(Contact.id == contact.id, rules.segment_condition(segment.id)))
    if held is None:
        raise ValidationError({name: _('%(email)s is not in the segment "%(segment)s".', email=contact.email,
                                       segment=segment.name)})
    return contact
