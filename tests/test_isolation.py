"""Two workspaces cannot reach each other: every route, asked by one workspace's owner with the other's IDs,
answers 404 (the 404 page, or the API's error document), changes nothing and shows nothing of the other.

Workspace A is the test's own ("Plannery team", whose owner the `client` fixture signs in as); workspace B
("Bravo bakery") has a campaign like A's, and every name, subject and email text of B contains "Bravo", so a
response that shows any of it is caught by one word.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from flask import Flask
from sqlalchemy.exc import IntegrityError
from flask.testing import FlaskClient
from werkzeug.routing import Rule
from werkzeug.test import TestResponse

from accounts import current, members, services as account_services
from accounts.models import Invitation, Membership, User, Workspace
from api_support import auth_headers, csrf_token_from, database_rows, error_of, sign_in
from campaigns import services as campaign_services
from campaigns.models import Campaign, Phase, Touchpoint
from contacts.models import Contact, ContactImport, SegmentRule
from contacts_support import api_import
from exports import documents
from jobs.models import Job
from journeymail.extensions import db
from segments import services as segment_services
from segments.models import Persona, Segment
from smtp_server import LoopbackSMTPServer

MARK = "bravo"  # in every name, subject and text of workspace B


def mjml(text: str) -> str:
    return (f"<mjml><mj-body><mj-section><mj-column><mj-text>{text}</mj-text>"
            "</mj-column></mj-section></mj-body></mjml>")


@dataclass
class Space:
    """A workspace with a whole campaign: phases (renamed after the workspace), a capture-only phase (a signup
    form), a welcome email for the targeted segment with a variant for it, a follow-up sent after the welcome,
    and a segment the campaign does not target."""

    workspace: Workspace
    owner: User
    campaign: Campaign
    capture_phase: Phase
    phase: Phase  # the welcome email's
    capture: Touchpoint
    email: Touchpoint
    follow_up: Touchpoint
    segment: Segment  # targeted, with a variant of the welcome email
    untargeted: Segment
    secret: str  # an API token of the owner in this workspace
    token_id: int  # ... and its ID
    membership_id: int  # the owner's membership
    invitation_id: int  # a pending invitation to the workspace
    job_id: int  # a finished job (a push of the campaign)
    persona: Persona  # the campaign's main persona and the targeted segment's

    def ids(self) -> dict[str, int]:
        return {"campaign": self.campaign.id, "phase": self.phase.id, "touchpoint": self.email.id,
                "segment": self.segment.id, "persona": self.persona.id, "contact": contact_of(self)}


def build_space(workspace: Workspace, owner: User, prefix: str) -> Space:
    """The campaign of `workspace`, made through the services as its owner would."""
    current.use_workspace(workspace, "owner", owner)
    persona = segment_services.create_persona({
        "name": f"{prefix} Maya", "quote": f"{prefix} quote", "role": f"{prefix} role", "goals": f"{prefix} goals",
        "needs": f"{prefix} needs", "motives": f"{prefix} motives", "sources": f"{prefix} sources",
    })
    segment = segment_services.create_segment({
        "persona_id": persona.id,
        "name": f"{prefix} night owls", "description": f"{prefix} people who read at night",
        "motivation": f"{prefix} motivation", "action": f"{prefix} action", "obstacle": f"{prefix} obstacle",
        "sample_data": {"firstname": f"{prefix}bea"},
    })
    untargeted = segment_services.create_segment({
        "name": f"{prefix} untargeted bakers", "motivation": f"{prefix} bakes", "action": f"{prefix} kneads",
        "obstacle": f"{prefix} flour",
    })
    campaign = campaign_services.create_campaign({
        "name": f"{prefix} harvest journey", "goal": f"{prefix} goal", "framework": "five-stage",
        "sender_name": f"{prefix} Sender", "sender_email": f"sender@{prefix.lower()}.example",
        "sample_data": {"company": f"{prefix} Company"}, "persona_id": persona.id,
        "goal_kpi": f"{prefix} conversion", "goal_target": f"{prefix} 20 %",
    })
    campaign_services.set_segments(campaign, {"segment_ids": [segment.id]})
    for phase in campaign.phases:
        campaign_services.update_phase(phase, {"name": f"{prefix} {phase.name}"})
    capture_phase, phase = campaign.phases[0], campaign.phases[1]
    capture = campaign_services.add_touchpoint(campaign, {
        "phase_id": capture_phase.id, "kind": "signup_form", "name": f"{prefix} signup form"})
    email = campaign_services.add_touchpoint(campaign, {
        "phase_id": phase.id, "kind": "welcome", "name": f"{prefix} welcome", "cta": f"{prefix} call",
        "subject": f"{prefix} subject lantern", "preheader": f"{prefix} preheader", "mjml": mjml(f"{prefix} marmalade"),
        "segment_ids": [segment.id]})
    follow_up = campaign_services.add_touchpoint(campaign, {
        "phase_id": phase.id, "kind": "follow_up", "name": f"{prefix} follow-up", "subject": f"{prefix} again",
        "mjml": mjml(f"{prefix} second body"), "follows_id": email.id, "send_offset_days": 2})
    campaign_services.put_variant(email, segment, {"subject": f"{prefix} variant subject",
                                                   "mjml": mjml(f"{prefix} variant body")})
    token, secret = account_services.create_token(owner, workspace, name=f"{prefix} token")
    invited = members.invite(workspace, owner, {"email": f"guest@{prefix.lower()}.example", "role": "viewer"})
    job = Job(workspace_id=workspace.id, kind="push.mailjet", title=f"{prefix} push", state="done", done=2, total=2,
              step=f"{prefix} step", result={"note": f"{prefix} result"}, errors=[f"{prefix} error"], params={},
              campaign_id=campaign.id)
    db.session.add(job)
    db.session.commit()
    return Space(workspace, owner, campaign, capture_phase, phase, capture, email, follow_up, segment, untargeted,
                 secret, token.id, owner.membership_in(workspace.id).id, invited.invitation.id, job.id, persona)


@pytest.fixture
def a(workspace: Workspace, owner: User) -> Space:
    return build_space(workspace, owner, "Alpha")


@pytest.fixture
def b(a: Space, workspace: Workspace, password_hash: str) -> Iterator[Space]:
    """Workspace B with its owner; the test's own code goes on working in A."""
    space = Workspace(name="Bravo bakery", test_send_allow_list=[])
    boss = User(email="boss@bravo.example", name="Bravo Boss", password_hash=password_hash)
    db.session.add_all([space, boss, Membership(user=boss, workspace=space, role="owner")])
    db.session.commit()
    built = build_space(space, boss, "Bravo")
    current.use_workspace(workspace, "owner", a.owner)
    yield built


def contact_import_of(space: Space) -> int:
    """A contact of the space's workspace and the import that brought it (made once per space)."""
    found = getattr(space, "_contact_import_id", None)
    if found is None:
        prefix = space.workspace.name.split()[0]
        contact = Contact(workspace_id=space.workspace.id, email=f"{prefix.lower()}@example.com",
                          email_key=f"{prefix.lower()}@example.com", name=f"{prefix} reader", name_key="")
        db.session.add(contact)
        db.session.flush()
        record = ContactImport(workspace_id=space.workspace.id, file_name=f"{prefix} list.csv", added=1, rows=2,
                               rejected=1, added_ids=[contact.id], rejected_rows=[[3, f"{prefix}@", f"{prefix} bad"]])
        db.session.add(record)
        db.session.commit()
        found = space._contact_import_id = record.id  # type: ignore[attr-defined]
        space._contact_id = contact.id  # type: ignore[attr-defined]
    return found


def contact_of(space: Space) -> int:
    """The contact contact_import_of made: "Preview as" with another's contact shows nothing of it."""
    contact_import_of(space)
    if not getattr(space, "_contact_in_segment", False):  # the segment holds it: A's own preview as it renders
        contact = db.session.get(Contact, space._contact_id)  # type: ignore[attr-defined]
        db.session.add(SegmentRule(workspace_id=space.workspace.id, segment_id=space.segment.id,
                                   rule={"all": [{"field": "email", "op": "eq", "value": contact.email}]}))
        db.session.commit()
        space._contact_in_segment = True  # type: ignore[attr-defined]
    return space._contact_id  # type: ignore[attr-defined]


# --- asking every route with B's IDs -------------------------------------------------------------

# URL arguments: which ID of a Space fills each. A new route with another argument fails the walk until
# it is added here (and the Space has such a row).
ARGUMENTS: dict[str, Callable[[Space], int | str]] = {
    "campaign_id": lambda s: s.campaign.id,
    "phase_id": lambda s: s.phase.id,
    "touchpoint_id": lambda s: s.email.id,
    "segment_id": lambda s: s.segment.id,
    "token_id": lambda s: s.token_id,  # revoking another's token: not there
    "user_id": lambda s: s.owner.id,  # an owner resetting the password of a member of another workspace
    "membership_id": lambda s: s.membership_id,  # changing the role of, or removing, another's member
    "invitation_id": lambda s: s.invitation_id,  # withdrawing another's invitation
    "job_id": lambda s: s.job_id,  # another's job: its page and its JSON
    "import_id": lambda s: contact_import_of(s),  # another's contact import: its report, rejected rows, undo
    "persona_id": lambda s: s.persona.id,  # another's persona: its pages and its JSON
}
FRAMEWORK = "four-phase"  # framework_key: one the campaigns do not use yet, so switching to it is possible
# URL variables that name no row, with the value every request takes (the IDs beside them decide).
KEYS = {"framework_key": FRAMEWORK, "esp_key": "mailjet"}

# IDs that routes read from the query string, by endpoint.
QUERY_IDS: dict[str, tuple[str, ...]] = {
    "previews.cell_preview": ("segment", "phase", "contact"),
    "previews.email_frame": ("touchpoint", "segment", "contact"),
    "previews.download_eml": ("touchpoint", "segment"),
    "previews_api.preview_cell_email": ("touchpoint", "segment", "contact"),
    "previews.email_editor": ("segment", "contact"),
    "campaigns.new_touchpoint": ("phase", "segment"),
}
# Endpoints that leave a query-string ID of no row of the campaign out instead of answering 404.
IGNORE_FOREIGN_QUERY_IDS = {"campaigns.new_touchpoint"}  # the form's prefill: "never an error"

# Rules that name no row of a workspace in their URL, and the test of this module that covers each.
NO_IDS = {
    "/": "test_lists_show_only_the_own_workspace",
    "/campaigns": "test_lists_show_only_the_own_workspace",
    "/segments": "test_lists_show_only_the_own_workspace",
    "/api/campaigns": "test_lists_show_only_the_own_workspace",
    "/api/segments": "test_lists_show_only_the_own_workspace",
    "/campaigns/new": "test_what_a_workspace_creates_is_its_own",
    "/segments/new": "test_two_workspaces_may_both_have_a_segment_name",
    "/personas": "test_lists_show_only_the_own_workspace",
    "/api/personas": "test_lists_show_only_the_own_workspace",
    "/personas/new": "test_two_workspaces_may_both_have_a_persona_name",
    "/api/preview": "test_the_live_preview_refuses_another_workspaces_campaign_and_segment",
    "/campaigns/import": "test_an_imported_document_naming_bs_segment_gets_a_segment_of_its_own",
    "/api/campaigns/import": "test_an_imported_document_naming_bs_segment_gets_a_segment_of_its_own",
    "/api/frameworks": "test_frameworks_are_the_same_for_everyone",
    "/workspace": "test_switching_to_a_workspace_one_is_not_a_member_of_is_refused",
    "/logout": "test_signing_out_ends_only_ones_own_session",
    "/favicon.ico": "test_frameworks_are_the_same_for_everyone",
    "/account": "test_the_account_page_shows_only_ones_own_tokens_and_workspaces",
    "/account/password": "test_the_account_page_shows_only_ones_own_tokens_and_workspaces",
    "/account/tokens": "test_a_token_is_made_only_for_a_workspace_one_belongs_to",
    "/workspace/settings": "test_workspace_settings_are_the_own_workspaces",
    "/members": "test_the_members_page_and_audit_log_show_only_the_own_workspace",
    "/members/invite": "test_an_invitation_is_to_the_own_workspace",
    "/audit": "test_the_members_page_and_audit_log_show_only_the_own_workspace",
    "/jobs": "test_the_jobs_list_shows_only_the_own_workspaces_jobs",
    "/contacts": "test_contacts_and_their_imports_are_the_own_workspaces",
    "/api/contacts": "test_contacts_and_their_imports_are_the_own_workspaces",
    "/api/segment-rules/count": "test_segment_rules_hold_only_the_own_workspaces_contacts",
    "/contacts/import": "test_contacts_and_their_imports_are_the_own_workspaces",
    "/contacts/import/preview": "test_contacts_and_their_imports_are_the_own_workspaces",
    "/api/contacts/import": "test_contacts_and_their_imports_are_the_own_workspaces",
}
METHODS_ASKED = ("GET", "POST", "PUT", "PATCH", "DELETE")


def body_naming(space: Space) -> dict[str, Any]:
    """A plausible body for any form or JSON handler, every ID in it one of `space`'s: were a lookup missing,
    the request would act on `space`'s rows rather than fail for want of a field."""
    return {
        "name": "Intruder", "goal": "Take over", "kind": "welcome", "subject": "Intruder subject",
        "mjml": mjml("Intruder"), "motivation": "m", "action": "a", "obstacle": "o",
        "sender_name": "Intruder", "sender_email": "intruder@plannery.example", "framework": "five-stage",
        "campaign_id": space.campaign.id, "phase_id": space.phase.id, "touchpoint_id": space.email.id,
        "segment_id": space.segment.id, "segment_ids": [space.segment.id], "follows_id": space.email.id,
        "direction": "up", "recipients": "owner@plannery.example", "list_id": "1", "confirm": "y",
        f"phase_map.{space.capture_phase.id}": "0", f"phase_map.{space.phase.id}": "1",
    }


@dataclass(frozen=True)
class Ask:
    """One request of the walk: a rule, a method, its URL (B's IDs in it, or one of B's among A's) and body."""

    rule: Rule
    method: str
    url: str
    body: dict[str, Any]
    ignores_foreign: bool = False  # an ID B's here is left out rather than a 404 (IGNORE_FOREIGN_QUERY_IDS)

    @property
    def api(self) -> bool:
        return self.rule.rule.startswith("/api/")


def asks(app: Flask, a: Space, b: Space) -> tuple[list[Ask], list[str]]:
    """Every request of the walk, and what the test does not know how to ask (each a failure)."""
    found: list[Ask] = []
    unknown: list[str] = []
    for rule in app.url_map.iter_rules():
        view = app.view_functions[rule.endpoint]
        if rule.endpoint == "static" or getattr(view, "public", False):
            continue
        ids = [name for name in rule.arguments if name not in KEYS]
        query = QUERY_IDS.get(rule.endpoint, ())
        if not ids:
            if rule.rule not in NO_IDS:
                unknown.append(f"{rule.rule}: names no ID; add it to NO_IDS with the test that covers it")
            continue
        missing = [name for name in ids if name not in ARGUMENTS]
        if missing:
            unknown.append(f"{rule.rule}: cannot fill {', '.join(missing)}; add it to ARGUMENTS")
            continue
        sources = [*ids, *(f"?{name}" for name in query)]
        # All of B's IDs; then each ID alone B's, the others A's (a row of B inside a URL of A's).
        choices = [{source: b for source in sources}]
        if len(sources) > 1:
            choices += [{source: (b if source == foreign else a) for source in sources} for foreign in sources]
        for method in sorted(rule.methods & set(METHODS_ASKED)):
            for choice in choices:
                values: dict[str, Any] = {name: ARGUMENTS[name](choice[name]) for name in ids}
                values.update({name: value for name, value in KEYS.items() if name in rule.arguments})
                url = app.url_map.bind("localhost").build(rule.endpoint, values, method=method)
                pairs = [f"{name}={choice['?' + name].ids()[name]}" for name in query]
                if pairs:
                    url += ("&" if "?" in url else "?") + "&".join(pairs)
                ignored = all(choice[s] is a for s in ids) and rule.endpoint in IGNORE_FOREIGN_QUERY_IDS
                if ignored and method != "GET":
                    continue  # the query string is the GET form's prefill only
                found.append(Ask(rule, method, url, body_naming(b), ignored))
    return found, unknown


def leaks(response: TestResponse) -> bool:
    headers = " ".join(f"{k}: {v}" for k, v in response.headers.items())
    return MARK in (shown_text(response) + headers).casefold()


def shown_text(response: TestResponse) -> str:
    """What a response shows: its text, the text of a PDF's pages (the map as a file), a picture's bytes as they
    come (a PNG holds no text to leak)."""
    if response.mimetype == "application/pdf" and response.status_code == 200:
        import pypdfium2

        return " ".join(sheet.get_textpage().get_text_range() for sheet in pypdfium2.PdfDocument(response.get_data()))
    return response.get_data().decode("utf-8", "replace")


def problems_of(ask: Ask, response: TestResponse, before: dict[str, Any], *, json_errors: bool) -> list[str]:
    said = f"{ask.method} {ask.url}"
    found = []
    if leaks(response):
        at = shown_text(response).casefold().find(MARK)
        found.append(f"{said}: shows B's data: {shown_text(response)[max(at - 80, 0):at + 80]!r}")
    if database_rows() != before:
        found.append(f"{said}: changed the database ({response.status_code})")
    if ask.ignores_foreign:
        # The form leaves B's ID out, so it answers as for A's own: the form, or a 403 for a role the
        # form is not for (a viewer's "Add touchpoint"), which says nothing about B.
        if response.status_code not in (200, 403):
            found.append(f"{said}: {response.status_code}, expected the form without B's row")
        return found
    if response.status_code != 404:
        found.append(f"{said}: {response.status_code}, expected 404: {response.get_data(as_text=True)[:200]!r}")
    elif json_errors or ask.api:
        try:
            error_of(response)
        except AssertionError:
            found.append(f"{said}: a 404 without the error document")
    elif not (response.mimetype == "text/html" and '<p class="error-code">404</p>' in response.get_data(as_text=True)):
        found.append(f"{said}: a 404 that is not the 404 page")
    return found


def walk(app: Flask, browser: FlaskClient, a: Space, b: Space, *, headers: dict[str, str] | None = None) -> None:
    """Ask every route with B's IDs through `browser`; fail with every problem found, not only the first."""
    headers = headers or {}
    json_errors = headers.get("Accept") == "application/json"
    page = browser.get("/campaigns", headers=headers)  # any page: the header's forms carry the token
    assert page.status_code == 200
    csrf = csrf_token_from(page.get_data(as_text=True))
    found, problems = asks(app, a, b)
    assert len(found) >= 90  # 42 rules with IDs, by each method, and with each of their IDs alone B's
    before = database_rows()
    for ask in found:
        if ask.method in ("GET", "DELETE"):
            response = browser.open(ask.url, method=ask.method, headers=headers)
        elif ask.api:
            response = browser.open(ask.url, method=ask.method, json=ask.body, headers=headers)
        else:
            response = browser.open(ask.url, method=ask.method, data={**ask.body, "csrf_token": csrf},
                                    headers=headers)
        problems += problems_of(ask, response, before, json_errors=json_errors)
        if database_rows() != before:
            before = database_rows()  # report each change once
    assert problems == [], "\n".join(problems)


def test_every_route_asked_with_another_workspaces_ids_answers_404_and_shows_nothing(
    app: Flask, client: FlaskClient, a: Space, b: Space
) -> None:
    walk(app, client, a, b)


def test_an_api_token_asked_with_another_workspaces_ids_gets_404_everywhere(
    app: Flask, a: Space, b: Space
) -> None:
    """A's token, on every route (pages too, as scripts download exports), asking for JSON."""
    browser = app.test_client()
    headers = {**auth_headers(a.secret), "Accept": "application/json"}
    assert browser.get(f"/api/campaigns/{a.campaign.id}", headers=headers).status_code == 200  # it works on A
    walk(app, browser, a, b, headers=headers)


@pytest.mark.parametrize("role", ["viewer", "copywriter", "editor"])
def test_every_role_gets_404_for_another_workspaces_ids_never_403(
    app: Flask, client_as: Callable[..., FlaskClient], a: Space, b: Space, role: str
) -> None:
    """Whether a row exists in another workspace is never told, not even as a refusal: a viewer asking to
    delete B's campaign gets the 404 an owner gets, not a 403 for the role (the row is looked up first)."""
    walk(app, client_as(role), a, b)


def test_bs_owner_reaches_bs_campaign_where_as_owner_gets_404(app: Flask, a: Space, b: Space) -> None:
    """The walk's 404s come from the workspace, not from broken URLs: B's owner opens the same pages."""
    browser = app.test_client()
    sign_in(browser, b.owner)
    for url in [f"/campaigns/{b.campaign.id}", f"/campaigns/{b.campaign.id}/matrix",
                f"/campaigns/{b.campaign.id}/preview?segment={b.segment.id}&phase={b.phase.id}",
                f"/campaigns/{b.campaign.id}/frame?touchpoint={b.email.id}&segment={b.segment.id}",
                f"/campaigns/{b.campaign.id}/export/plan.csv", f"/touchpoints/{b.email.id}/email",
                f"/api/campaigns/{b.campaign.id}/matrix", f"/api/segments/{b.segment.id}",
                f"/campaigns/{b.campaign.id}/export/map.pdf"]:  # (and the leak check reads a PDF's text)
        response = browser.get(url)
        assert response.status_code == 200, url
        assert MARK in shown_text(response).casefold(), url


def test_as_own_pages_show_nothing_of_b(app: Flask, client: FlaskClient, a: Space, b: Space) -> None:
    """Every page and read of A's own rows (the segment choices of A's campaign, the map, the matrix, the
    exports...) renders, and shows none of B's rows beside A's."""
    shown, failed = [], []
    for rule in app.url_map.iter_rules():
        if not rule.arguments or "GET" not in rule.methods or not set(rule.arguments) <= {*ARGUMENTS, *KEYS}:
            continue
        values: dict[str, Any] = {name: ARGUMENTS[name](a) for name in rule.arguments if name in ARGUMENTS}
        values.update({name: value for name, value in KEYS.items() if name in rule.arguments})
        url = app.url_map.bind("localhost").build(rule.endpoint, values)
        query = "&".join(f"{name}={a.ids()[name]}" for name in QUERY_IDS.get(rule.endpoint, ()))
        response = client.get(url + ("?" + query if query else ""))
        if response.status_code != 200:
            failed.append(f"{url}?{query}: {response.status_code}")
        if leaks(response):
            shown.append(url)
    assert failed == []
    assert shown == []


def test_the_walk_fails_for_a_route_it_cannot_fill(a: Space, b: Space) -> None:
    """A new route is never left out silently: one with an argument the walk does not know, or one without IDs
    that no test of this module covers, is reported."""
    other = Flask("elsewhere")
    other.add_url_rule("/reports/<int:report_id>", "report", lambda report_id: "", methods=["POST"])
    other.add_url_rule("/weather", "weather", lambda: "")

    found, unknown = asks(other, a, b)

    assert found == []
    assert unknown == ["/reports/<int:report_id>: cannot fill report_id; add it to ARGUMENTS",
                       "/weather: names no ID; add it to NO_IDS with the test that covers it"]


def test_every_rule_without_ids_names_a_test_of_this_module() -> None:
    assert [name for name in NO_IDS.values() if not callable(globals().get(name))] == []


def test_pages_without_ids_show_nothing_of_another_workspace(app: Flask, client: FlaskClient, a: Space, b: Space) -> None:
    """Every page and API read without an ID in its address (lists, forms, and whatever comes next)."""
    shown = []
    for rule in app.url_map.iter_rules():
        if rule.arguments or "GET" not in rule.methods or rule.endpoint == "static":
            continue
        response = client.get(rule.rule)
        assert response.status_code < 500, rule.rule
        if leaks(response):
            shown.append(rule.rule)
    assert shown == []


def cross_workspace_links() -> list[Any]:
    """Rows of one workspace that point at another's: none may exist."""
    checks = {
        "touchpoint in another campaign's phase":
            "SELECT t.id FROM touchpoints t JOIN phases p ON p.id = t.phase_id WHERE p.campaign_id <> t.campaign_id",
        "touchpoint after another campaign's":
            "SELECT t.id FROM touchpoints t JOIN touchpoints f ON f.id = t.follows_id WHERE f.campaign_id <> t.campaign_id",
        "campaign targets another workspace's segment":
            "SELECT c.id FROM campaign_segments cs JOIN campaigns c ON c.id = cs.campaign_id "
            "JOIN segments s ON s.id = cs.segment_id WHERE s.workspace_id <> c.workspace_id",
        "audience of another workspace's segment":
            "SELECT t.id FROM touchpoint_segments ts JOIN touchpoints t ON t.id = ts.touchpoint_id "
            "JOIN campaigns c ON c.id = t.campaign_id JOIN segments s ON s.id = ts.segment_id "
            "WHERE s.workspace_id <> c.workspace_id",
        "variant for another workspace's segment":
            "SELECT v.id FROM variants v JOIN touchpoints t ON t.id = v.touchpoint_id "
            "JOIN campaigns c ON c.id = t.campaign_id JOIN segments s ON s.id = v.segment_id "
            "WHERE s.workspace_id <> c.workspace_id",
        "segment of another workspace's persona":
            "SELECT s.id FROM segments s JOIN personas p ON p.id = s.persona_id WHERE p.workspace_id <> s.workspace_id",
        "campaign starting from another workspace's persona":
            "SELECT c.id FROM campaigns c JOIN personas p ON p.id = c.persona_id WHERE p.workspace_id <> c.workspace_id",
    }
    with db.engine.connect() as connection:
        return [(what, ids) for what, query in checks.items()
                if (ids := connection.execute(db.text(query)).scalars().all())]


# Requests about A's own rows whose body names one row of B's; each body is otherwise one the route takes
# (test_the_bodies_are_taken_with_as_own_ids shows it), so only B's ID can be why it is refused.
# (method, URL of A's, body, the field naming B's row: replaced by A's own row to show the body is taken)
EMAIL = {"kind": "welcome", "name": "Alpha second welcome"}
FORM_EMAIL = {**EMAIL, "send_offset_days": "0"}
BODIES: list[tuple[str, str, dict[str, Any], str]] = [
    ("PUT", "/api/campaigns/{a.campaign.id}/segments", {"segment_ids": ["{b.segment.id}"]}, "segment_ids"),
    ("POST", "/campaigns/{a.campaign.id}/segments", {"segment_ids": ["{b.segment.id}"]}, "segment_ids"),
    ("POST", "/api/campaigns/{a.campaign.id}/touchpoints", {**EMAIL, "phase_id": "{b.phase.id}"}, "phase_id"),
    ("POST", "/api/campaigns/{a.campaign.id}/touchpoints",
     {**EMAIL, "phase_id": "{a.phase.id}", "follows_id": "{b.email.id}"}, "follows_id"),
    ("POST", "/api/campaigns/{a.campaign.id}/touchpoints",
     {**EMAIL, "phase_id": "{a.phase.id}", "segment_ids": ["{b.segment.id}"]}, "segment_ids"),
    ("POST", "/campaigns/{a.campaign.id}/touchpoints/new", {**FORM_EMAIL, "phase_id": "{b.phase.id}"}, "phase_id"),
    ("POST", "/campaigns/{a.campaign.id}/touchpoints/new",
     {**FORM_EMAIL, "phase_id": "{a.phase.id}", "follows_id": "{b.email.id}"}, "follows_id"),
    ("POST", "/campaigns/{a.campaign.id}/touchpoints/new",
     {**FORM_EMAIL, "phase_id": "{a.phase.id}", "segment_ids": ["{b.segment.id}"]}, "segment_ids"),
    ("PATCH", "/api/touchpoints/{a.follow_up.id}", {"phase_id": "{b.phase.id}"}, "phase_id"),
    ("PATCH", "/api/touchpoints/{a.follow_up.id}", {"follows_id": "{b.email.id}"}, "follows_id"),
    ("PATCH", "/api/touchpoints/{a.follow_up.id}", {"segment_ids": ["{b.segment.id}"]}, "segment_ids"),
    ("POST", "/touchpoints/{a.follow_up.id}/edit", {**FORM_EMAIL, "phase_id": "{b.phase.id}"}, "phase_id"),
    ("POST", "/touchpoints/{a.follow_up.id}/edit",
     {**FORM_EMAIL, "phase_id": "{a.phase.id}", "follows_id": "{b.email.id}"}, "follows_id"),
    ("POST", "/touchpoints/{a.follow_up.id}/edit",
     {**FORM_EMAIL, "phase_id": "{a.phase.id}", "segment_ids": ["{b.segment.id}"]}, "segment_ids"),
    ("POST", "/api/preview", {"mjml": mjml("Hi"), "campaign_id": "{b.campaign.id}"}, "campaign_id"),
    ("POST", "/api/preview", {"mjml": mjml("Hi"), "segment_id": "{b.segment.id}"}, "segment_id"),
    ("PATCH", "/api/campaigns/{a.campaign.id}", {"persona_id": "{b.persona.id}"}, "persona_id"),
    ("POST", "/api/campaigns", {"name": "Alpha second", "goal": "g", "framework": "five-stage", "sender_name": "S",
                                "sender_email": "s@alpha.example", "persona_id": "{b.persona.id}"}, "persona_id"),
    ("PATCH", "/api/segments/{a.segment.id}", {"persona_id": "{b.persona.id}"}, "persona_id"),
    ("POST", "/api/segments", {"name": "Alpha second", "motivation": "m", "action": "a", "obstacle": "o",
                               "persona_id": "{b.persona.id}"}, "persona_id"),
    ("POST", "/segments/{a.segment.id}/edit", {"name": "Alpha night owls", "motivation": "m", "action": "a",
                                               "obstacle": "o", "persona_id": "{b.persona.id}"}, "persona_id"),
    ("POST", "/campaigns/{a.campaign.id}/edit", {"name": "Alpha harvest journey", "goal": "g", "sender_name": "S",
                                                 "sender_email": "s@alpha.example", "locale": "en_US",
                                                 "persona_id": "{b.persona.id}"}, "persona_id"),
]
IDS = re.compile(r"\{([ab])\.(\w+)\.id\}")


def filled(value: Any, spaces: dict[str, Space], as_json: bool) -> Any:
    """The body with "{b.segment.id}" and the like replaced by those IDs (numbers in JSON, text in forms)."""
    if isinstance(value, list):
        return [filled(item, spaces, as_json) for item in value]
    if not isinstance(value, str) or not IDS.fullmatch(value):
        return value
    space, row = IDS.fullmatch(value).groups()  # type: ignore[union-attr]
    number = getattr(spaces[space], row).id
    return number if as_json else str(number)


def send(client: FlaskClient, csrf: str, method: str, url: str, body: dict[str, Any], spaces: dict[str, Space]) -> Any:
    url = IDS.sub(lambda m: str(getattr(spaces[m.group(1)], m.group(2)).id), url)
    if url.startswith("/api/"):
        return client.open(url, method=method, json={k: filled(v, spaces, True) for k, v in body.items()})
    return client.open(url, method=method, data={**{k: filled(v, spaces, False) for k, v in body.items()},
                                                 "csrf_token": csrf})


@pytest.mark.parametrize(("method", "url", "body", "field"), BODIES, ids=[f"{m} {u} {f}" for m, u, _, f in BODIES])
def test_a_body_naming_bs_row_is_refused_and_changes_nothing(
    app: Flask, client: FlaskClient, a: Space, b: Space, method: str, url: str, body: dict[str, Any], field: str
) -> None:
    csrf = csrf_token_from(client.get("/campaigns/new").get_data(as_text=True))
    before = database_rows()

    response = send(client, csrf, method, url, body, {"a": a, "b": b})

    assert response.status_code in (404, 422), response.get_data(as_text=True)[:300]
    if url.startswith("/api/"):
        error = error_of(response)
        assert response.status_code == 404 or field in error["fields"], error
    assert not leaks(response)
    assert database_rows() == before
    assert cross_workspace_links() == []


@pytest.mark.parametrize(("method", "url", "body", "field"), BODIES, ids=[f"{m} {u} {f}" for m, u, _, f in BODIES])
def test_the_bodies_are_taken_with_as_own_ids(
    client: FlaskClient, a: Space, b: Space, method: str, url: str, body: dict[str, Any], field: str
) -> None:
    """The same bodies with A's own row in place of B's succeed: the refusals above are about B's row only."""
    csrf = csrf_token_from(client.get("/campaigns/new").get_data(as_text=True))
    value = body[field]
    own = {**body, field: [v.replace("{b.", "{a.") for v in value] if isinstance(value, list)
           else value.replace("{b.", "{a.")}
    if field == "phase_id" and "follow_up" in url:
        own[field] = "{a.capture_phase.id}"  # a phase it is not in yet: a move

    response = send(client, csrf, method, url, own, {"a": a, "b": b})

    assert response.status_code in (200, 201, 302), response.get_data(as_text=True)[:300]


# --- lists ------------------------------------------------------------------------------------


def test_lists_show_only_the_own_workspace(client: FlaskClient, a: Space, b: Space) -> None:
    for url in ["/", "/campaigns", "/segments", "/personas"]:
        response = client.get(url, follow_redirects=True)
        assert response.status_code == 200
        page = response.get_data(as_text=True)
        assert "Alpha harvest journey" in page or "Alpha night owls" in page, url
        assert MARK not in page.casefold(), url
    personas = client.get("/api/personas").get_json()
    assert [p["name"] for p in personas] == ["Alpha Maya"]

    campaigns = client.get("/api/campaigns").get_json()
    segments = client.get("/api/segments").get_json()

    assert MARK not in json.dumps(campaigns).casefold()
    assert MARK not in json.dumps(segments).casefold()
    assert "Alpha harvest journey" in json.dumps(campaigns)
    assert {"Alpha night owls", "Alpha untargeted bakers"} <= set(re.findall(r'"name": "([^"]+)"', json.dumps(segments)))


def test_the_jobs_list_shows_only_the_own_workspaces_jobs(client: FlaskClient, a: Space, b: Space) -> None:
    page = client.get("/jobs").get_data(as_text=True)

    assert "Alpha push" in page and f"/jobs/{a.job_id}" in page
    assert MARK not in page.casefold() and f"/jobs/{b.job_id}" not in page


def test_what_a_workspace_creates_is_its_own(client: FlaskClient, a: Space, b: Space) -> None:
    response = client.post("/api/campaigns", json={
        "name": "Bravo harvest journey", "goal": "Same name as B's", "framework": "five-stage",
        "sender_name": "Maya", "sender_email": "maya@example.com"})

    assert response.status_code == 201
    created = db.session.get(Campaign, response.get_json()["id"])
    assert created.workspace_id == a.workspace.id
    assert created.name == "Bravo harvest journey"  # B's campaign of that name is not A's business
    assert db.session.get(Campaign, b.campaign.id).name == "Bravo harvest journey"


def test_frameworks_are_the_same_for_everyone(client: FlaskClient, a: Space, b: Space) -> None:
    """The frameworks and the icon belong to no workspace: nothing of B in them."""
    for url in ["/api/frameworks", "/favicon.ico"]:
        response = client.get(url)
        assert response.status_code == 200
        assert not leaks(response)


def test_switching_to_a_workspace_one_is_not_a_member_of_is_refused(client: FlaskClient, a: Space, b: Space) -> None:
    page = client.get("/campaigns")
    token = csrf_token_from(page.get_data(as_text=True))

    response = client.post("/workspace", data={"workspace_id": str(b.workspace.id), "csrf_token": token},
                           follow_redirects=True)

    assert "You are not a member of that workspace." in response.get_data(as_text=True)
    after = client.get("/campaigns").get_data(as_text=True)
    assert "Alpha harvest journey" in after
    assert MARK not in after.casefold()
    assert client.get(f"/campaigns/{b.campaign.id}").status_code == 404


def test_signing_out_ends_only_ones_own_session(app: Flask, client: FlaskClient, a: Space, b: Space) -> None:
    other = app.test_client()
    sign_in(other, b.owner)
    token = csrf_token_from(client.get("/campaigns").get_data(as_text=True))

    client.post("/logout", data={"csrf_token": token})

    assert client.get("/campaigns").status_code == 302  # to the sign-in page
    assert other.get(f"/campaigns/{b.campaign.id}").status_code == 200


# --- IDs of B inside requests about A's rows ---------------------------------------------------------


def test_a_campaign_cannot_target_another_workspaces_segments(
    client: FlaskClient, post_form: Callable[..., Any], a: Space, b: Space
) -> None:
    before = database_rows()

    api = client.put(f"/api/campaigns/{a.campaign.id}/segments", json={"segment_ids": [a.segment.id, b.segment.id]})
    form = post_form(f"/campaigns/{a.campaign.id}/segments", {"segment_ids": [str(b.segment.id)]})

    assert api.status_code == 422
    assert error_of(api)["fields"]["segment_ids"] == f"No segment with ID {b.segment.id}."
    assert form.status_code == 422
    assert MARK not in api.get_data(as_text=True).casefold() + form.get_data(as_text=True).casefold()
    assert database_rows() == before


def test_a_touchpoint_cannot_move_into_another_workspaces_phase(
    client: FlaskClient, post_form: Callable[..., Any], a: Space, b: Space
) -> None:
    before = database_rows()

    api = client.patch(f"/api/touchpoints/{a.email.id}", json={"phase_id": b.phase.id})
    new = client.post(f"/api/campaigns/{a.campaign.id}/touchpoints",
                      json={"phase_id": b.phase.id, "kind": "welcome", "name": "Into B"})
    form = post_form(f"/touchpoints/{a.email.id}/edit", {
        "phase_id": str(b.phase.id), "kind": "welcome", "name": "Alpha welcome", "send_offset_days": "0"})

    for response in (api, new):
        assert response.status_code == 422
        assert error_of(response)["fields"]["phase_id"] == f"The campaign has no phase with ID {b.phase.id}."
    assert form.status_code == 422
    assert MARK not in "".join(r.get_data(as_text=True) for r in (api, new, form)).casefold()
    assert database_rows() == before


def test_a_touchpoint_cannot_send_after_another_workspaces_touchpoint(
    client: FlaskClient, a: Space, b: Space
) -> None:
    before = database_rows()

    changed = client.patch(f"/api/touchpoints/{a.follow_up.id}", json={"follows_id": b.email.id})
    new = client.post(f"/api/campaigns/{a.campaign.id}/touchpoints",
                      json={"phase_id": a.phase.id, "kind": "follow_up", "name": "After B", "follows_id": b.email.id})

    for response in (changed, new):
        assert response.status_code == 422
        assert error_of(response)["fields"]["follows_id"] == f"The campaign has no touchpoint with ID {b.email.id}."
        assert MARK not in response.get_data(as_text=True).casefold()
    assert database_rows() == before


def test_the_live_preview_refuses_another_workspaces_campaign_and_segment(
    client: FlaskClient, a: Space, b: Space
) -> None:
    source = {"mjml": mjml("Hello {{var:company}}"), "subject": "Hi"}
    own = client.post("/api/preview", json={**source, "campaign_id": a.campaign.id, "segment_id": a.segment.id})
    assert own.status_code == 200

    for foreign in ({"campaign_id": b.campaign.id}, {"segment_id": b.segment.id},
                    {"campaign_id": a.campaign.id, "segment_id": b.segment.id},
                    {"campaign_id": a.campaign.id, "segment_id": a.segment.id, "contact_id": contact_of(b)}):
        response = client.post("/api/preview", json={**source, **foreign})
        assert response.status_code == 404, foreign
        error_of(response)
        assert MARK not in response.get_data(as_text=True).casefold()


def test_a_test_send_of_another_workspaces_email_is_a_404_and_sends_nothing(
    client: FlaskClient, post_form: Callable[..., Any], smtp_server: LoopbackSMTPServer, a: Space, b: Space
) -> None:
    url = f"/api/campaigns/{a.campaign.id}/test-send"
    for foreign in ({"touchpoint_id": b.email.id}, {"touchpoint_id": a.email.id, "segment_id": b.segment.id}):
        response = client.post(url, json={"recipients": ["owner@plannery.example"], **foreign})
        assert response.status_code == 404, foreign
        assert MARK not in response.get_data(as_text=True).casefold()
    form = post_form(f"/campaigns/{a.campaign.id}/matrix", {
        "touchpoint_id": str(b.email.id), "recipients": "owner@plannery.example"},
        action=f"/campaigns/{a.campaign.id}/test-send", follow_redirects=True)

    assert f"The campaign has no touchpoint with ID {b.email.id}." in form.get_data(as_text=True)
    assert MARK not in form.get_data(as_text=True).casefold()
    assert smtp_server.received == []


def test_an_imported_document_naming_bs_segment_gets_a_segment_of_its_own(
    client: FlaskClient, post_form: Callable[..., Any], a: Space, b: Space
) -> None:
    """B's campaign document, imported by A: its segment "Bravo night owls" is made anew in A, B's is not
    reused (nor told about), and B's rows stay as they were."""
    current.use_workspace(b.workspace, "owner", b.owner)
    document = documents.export_json(db.session.get(Campaign, b.campaign.id))
    current.use_workspace(a.workspace, "owner", a.owner)
    b_rows = {name: rows for name, rows in database_rows().items() if name in ("segments", "variants")}

    response = client.post("/api/campaigns/import", data=document, content_type="application/json")

    assert response.status_code == 201, response.get_data(as_text=True)
    imported = response.get_json()
    assert imported["notes"] == []  # no "already exists": A has no segment of that name
    campaign = db.session.get(Campaign, imported["id"])
    assert campaign.workspace_id == a.workspace.id
    assert [s.name for s in campaign.segments] == ["Bravo night owls"]
    assert campaign.segments[0].id != b.segment.id
    assert campaign.segments[0].workspace_id == a.workspace.id
    assert all(v.segment_id != b.segment.id for tp in campaign.touchpoints for v in tp.variants)
    after = database_rows()
    assert all(row in after["segments"] for row in b_rows["segments"])  # B's segments untouched
    assert len(after["segments"]) == len(b_rows["segments"]) + 1

    # The page's form does the same: a second import reuses A's own "Bravo night owls" now, never B's.
    page = post_form("/campaigns/import", {"document": (_file(document), "bravo.json")},
                     content_type="multipart/form-data", follow_redirects=True)
    assert page.status_code == 200
    again = db.session.scalars(db.select(Campaign).where(Campaign.workspace_id == a.workspace.id)
                               .order_by(Campaign.id.desc())).first()
    assert [s.id for s in again.segments] == [campaign.segments[0].id]


def _file(data: bytes) -> io.BytesIO:
    return io.BytesIO(data)


# --- segment names are unique per workspace ------------------------------------------------------


def test_two_workspaces_may_both_have_a_segment_name(
    client: FlaskClient, post_form: Callable[..., Any], a: Space, b: Space
) -> None:
    current.use_workspace(b.workspace, "owner", b.owner)
    segment_services.create_segment({"name": "Busy founders", "motivation": "m", "action": "a", "obstacle": "o"})
    db.session.commit()
    current.use_workspace(a.workspace, "owner", a.owner)
    fields = {"motivation": "Saves time", "action": "Reads on the phone", "obstacle": "No time"}

    created = post_form("/segments/new", {"name": "Busy founders", **fields})

    assert created.status_code == 302
    names = db.session.execute(db.select(Segment.workspace_id).where(Segment.name == "Busy founders")).scalars()
    assert sorted(names) == sorted([a.workspace.id, b.workspace.id])
    for spelling in ["Busy founders", "BUSY FOUNDERS", "busy Founders"]:
        api = client.post("/api/segments", json={"name": spelling, **fields})
        assert api.status_code == 409, spelling
        assert error_of(api)["fields"]["name"] == "This name is taken; choose another."
        page = post_form("/segments/new", {"name": spelling, **fields})
        assert page.status_code == 422, spelling
        assert "This name is taken; choose another." in page.get_data(as_text=True)
    renamed = client.patch(f"/api/segments/{a.segment.id}", json={"name": "busy FOUNDERS"})
    assert renamed.status_code == 409
    count = db.session.scalar(db.select(db.func.count(Segment.id)).where(Segment.workspace_id == a.workspace.id,
                                                                           Segment.name_key == "busy founders"))
    assert count == 1


def test_the_database_keeps_segment_names_unique_per_workspace(a: Space, b: Space) -> None:
    """uq_segments_workspace_id_name_key: a second "busy founders" key in one workspace is refused even past
    the services (two requests at once); in another workspace it is not."""
    table = Segment.__table__
    row = {"name": "Busy founders", "name_key": "busy founders", "description": "", "motivation": "m",
           "action": "a", "obstacle": "o", "opportunity": "", "sample_data": {}}
    with db.engine.begin() as connection:
        connection.execute(table.insert(), [{**row, "workspace_id": a.workspace.id},
                                            {**row, "workspace_id": b.workspace.id}])

    with pytest.raises(IntegrityError):
        with db.engine.begin() as connection:
            connection.execute(table.insert(), {**row, "name": "BUSY FOUNDERS", "workspace_id": a.workspace.id})



# --- one's own account and the workspace's settings ---------------------------------------------


def test_the_account_page_shows_only_ones_own_tokens_and_workspaces(client: FlaskClient, a: Space, b: Space) -> None:
    page = client.get("/account").get_data(as_text=True)

    assert "Alpha token" in page
    assert MARK not in page.casefold()


def test_a_token_is_made_only_for_a_workspace_one_belongs_to(client: FlaskClient, a: Space, b: Space) -> None:
    token = csrf_token_from(client.get("/account").get_data(as_text=True))
    before = database_rows()
    response = client.post("/account/tokens", data={"csrf_token": token, "name": "Into B",
                                                    "workspace_id": str(b.workspace.id), "role": "viewer"})

    assert response.status_code in (404, 422)
    assert database_rows() == before


def test_workspace_settings_are_the_own_workspaces(client: FlaskClient, a: Space, b: Space) -> None:
    page = client.get("/workspace/settings").get_data(as_text=True)

    assert a.workspace.name in page
    assert MARK not in page.casefold()


def test_the_members_page_and_audit_log_show_only_the_own_workspace(app: Flask, client: FlaskClient, a: Space,
                                                                    b: Space) -> None:
    bravo = app.test_client()
    sign_in(bravo, b.owner)
    assert bravo.patch(f"/api/campaigns/{b.campaign.id}", json={"name": "Bravo renamed"}).status_code == 200
    assert bravo.get(f"/campaigns/{b.campaign.id}/export/plan.csv").status_code == 200
    assert client.patch(f"/api/campaigns/{a.campaign.id}", json={"name": "Alpha renamed"}).status_code == 200

    members_page = client.get("/members").get_data(as_text=True)
    audit_page = client.get("/audit").get_data(as_text=True)
    bravo_audit = bravo.get("/audit").get_data(as_text=True)

    assert a.owner.email in members_page and "guest@alpha.example" in members_page
    assert MARK not in members_page.casefold()
    assert "Alpha renamed" in audit_page
    assert MARK not in audit_page.casefold()
    assert "Bravo renamed" in bravo_audit  # B's entries are there, for B


def test_an_invitation_is_to_the_own_workspace(client: FlaskClient, a: Space, b: Space) -> None:
    token = csrf_token_from(client.get("/members").get_data(as_text=True))

    response = client.post("/members/invite", data={"csrf_token": token, "email": "new@alpha.example",
                                                    "role": "editor", "workspace_id": str(b.workspace.id)})

    assert response.status_code in (200, 201, 302)
    invited = db.session.scalars(db.select(Invitation).where(Invitation.email == "new@alpha.example")).all()
    assert [i.workspace_id for i in invited] == [a.workspace.id]


def test_contacts_and_their_imports_are_the_own_workspaces(client: FlaskClient, a: Space, b: Space) -> None:
    """The contacts page and API list A's contacts only; an address B has already is a new contact of A's; an
    upload token of B's names no file for A."""
    contact_import_of(a), contact_import_of(b)
    imported = api_import(client, b"email;name\r\nbravo@example.com;Alpha's own Bravo fan\r\n", policy="update")

    assert imported.status_code == 201 and imported.get_json()["added"] == 1  # B's bravo@example.com is not A's
    listed = client.get("/api/contacts").get_json()
    assert sorted(item["name"] for item in listed["items"]) == ["Alpha's own Bravo fan", "Plannery reader"]
    assert listed["total"] == 2
    assert client.get("/api/contacts?q=bravo").get_json()["total"] == 1  # A's, by its address
    bs = db.session.scalars(db.select(Contact).where(Contact.workspace_id == b.workspace.id)).all()
    assert [(c.email, c.name) for c in bs] == [("bravo@example.com", "Bravo reader")]  # untouched
    page = client.get("/contacts").get_data(as_text=True)
    assert "Plannery reader" in page and "Bravo reader" not in page and "Bravo list.csv" not in page

    browser = app_client_of(b)
    upload = browser.post("/contacts/import", data={
        "file": (io.BytesIO(b"email\r\nsecret@bravo.example\r\n"), "bravo.csv"),
        "csrf_token": csrf_token_from(browser.get("/contacts/import").get_data(as_text=True))})
    token = re.search(r"upload=([\w-]+)", upload.headers["Location"]).group(1)
    assert MARK in browser.get(f"/contacts/import/preview?upload={token}").get_data(as_text=True).casefold()
    stolen = client.get(f"/contacts/import/preview?upload={token}", follow_redirects=True)
    assert MARK not in stolen.get_data(as_text=True).casefold()
    assert "That upload is no longer here" in stolen.get_data(as_text=True)


def app_client_of(space: Space) -> FlaskClient:
    from flask import current_app

    browser = current_app.test_client()
    sign_in(browser, space.owner)
    return browser


def test_segment_rules_hold_only_the_own_workspaces_contacts(client: FlaskClient, a: Space, b: Space) -> None:
    """A rule counts A's contacts only, and may name none of B's segments, neither in a condition nor as the
    segment being edited; B's rule stays B's."""
    contact_import_of(a), contact_import_of(b)
    b_segment = b.segment
    db.session.add(SegmentRule(workspace_id=b.workspace.id, segment_id=b_segment.id,
                               rule={"all": [{"field": "opens", "op": "eq", "value": 0}]}))
    db.session.commit()
    everyone = {"all": [{"field": "opens", "op": "eq", "value": 0}]}

    counted = client.post("/api/segment-rules/count", json={"rule": everyone}).get_json()
    assert counted["total"] == 1 and [c["email"] for c in counted["sample"]] == ["plannery@example.com"]
    naming_b = {"all": [{"field": "segment", "op": "in_segment", "value": b_segment.id}]}
    refused = client.post("/api/segment-rules/count", json={"rule": naming_b})
    assert refused.status_code == 422 and f"no segment {b_segment.id}" in refused.get_json()["error"]["message"]
    refused = client.post("/api/segment-rules/count", json={"rule": everyone, "segment_id": b_segment.id})
    assert refused.status_code == 422
    assert client.get(f"/api/segments/{b_segment.id}/members").status_code == 404
    assert client.get(f"/api/contacts?segment={b_segment.id}").status_code == 422


def test_two_workspaces_may_both_have_a_persona_name(
    client: FlaskClient, post_form: Callable[..., Any], a: Space, b: Space
) -> None:
    created = post_form("/personas/new", {"name": "Bravo Maya"})  # B's persona's name, in A

    assert created.status_code == 302
    names = db.session.execute(db.select(Persona.workspace_id).where(Persona.name == "Bravo Maya")).scalars()
    assert sorted(names) == sorted([a.workspace.id, b.workspace.id])
    again = client.post("/api/personas", json={"name": "ALPHA MAYA"})
    assert again.status_code == 409
    assert error_of(again)["fields"]["name"] == "This name is taken; choose another."
