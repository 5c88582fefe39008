"""What each role may do: the one table every view and API handler asks, through `current.require`.

Roles rank owner > editor > copywriter > viewer; each may do what the roles below it may.
"""

from __future__ import annotations

from flask_babel import gettext
from flask_babel import lazy_gettext as _l

ROLES = ("viewer", "copywriter", "editor", "owner")  # lowest first
RANK = {role: rank for rank, role in enumerate(ROLES)}

ROLE_NAMES = {
    "owner": _l("Owner"),
    "editor": _l("Editor"),
    "copywriter": _l("Copywriter"),
    "viewer": _l("Viewer"),
}
ROLE_DESCRIPTIONS = {
    "owner": _l("Everything, and members, settings and deleting campaigns and segments."),
    "editor": _l("The whole plan: campaigns, phases, touchpoints, segments; exports and pushes."),
    "copywriter": _l("Emails and their variants, previews and test sends; not the plan's structure."),
    "viewer": _l("Reads the plan, previews emails and downloads exports."),
}



def role_in_sentence(role: str) -> str:
    """The role's name inside a sentence: "editor" in English (lower case), „Bearbeiter:in“ in German."""
    words = {
        "owner": gettext("owner"),
        "editor": gettext("editor"),
        "copywriter": gettext("copywriter"),
        "viewer": gettext("viewer"),
    }
    return words.get(role, role)


def role_with_article(role: str | None) -> str:
    """The role after "You are" or "as": "an editor" in English; German needs no article („Bearbeiter:in“)."""
    words = {
        "owner": gettext("an owner"),
        "editor": gettext("an editor"),
        "copywriter": gettext("a copywriter"),
        "viewer": gettext("a viewer"),
    }
    return words.get(role or "", gettext("a no member"))


# action -> the lowest role that may do it
ACTIONS = {
    "read": "viewer",  # every page and API read, previews and frames
    "download": "viewer",  # exports: plan CSV, campaign JSON, Mailjet bundle, .eml
    "own_tokens": "viewer",  # one's own API tokens and password
    "write_emails": "copywriter",  # subjects, preheaders, bodies of emails, and their variants
    "test_send": "copywriter",
    "edit_plan": "editor",  # campaigns, phases, touchpoints, segments, imports, duplicates, frameworks
    "push": "editor",  # to an email service provider
    "import_contacts": "editor",  # contact lists (CSV), and undoing an import
    "delete": "owner",  # whole campaigns and segments
    "manage_members": "owner",  # invitations, roles, removing members, resetting their passwords
    "manage_settings": "owner",  # the workspace's name and its test-send allow-list
    "read_audit": "owner",
}


# A touchpoint holds both the plan's structure and its email's content. Changing one of these fields is
# writing the email; changing any other (name, kind, phase, trigger, sends after, days, call to action,
# audience, place) is changing the plan. Variants hold content only.
EMAIL_FIELDS = frozenset({"subject", "preheader", "mjml", "text_override"})


def touchpoint_field_action(field: str) -> str:
    """The action changing this field of a touchpoint needs."""
    return "write_emails" if field in EMAIL_FIELDS else "edit_plan"


def may(role: str | None, action: str) -> bool:
    """Whether `role` may do `action`. An unknown action is a programming error, never a yes."""
    needed = ACTIONS[action]
    return role in RANK and RANK[role] >= RANK[needed]


def at_most(role: str, ceiling: str) -> bool:
    """Whether `role` is no higher than `ceiling` (a token's role against its user's)."""
    return role in RANK and ceiling in RANK and RANK[role] <= RANK[ceiling]
