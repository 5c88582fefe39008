"""Roles: every page and API route asks the one role table (accounts.roles), and pages show only what a
role may do.

The walks below go through every rule of the app's URL map. Each rule and method must be named in NEEDS
with the action it needs, written here from what the route does (not read from the handlers): a new route
fails test_every_route_is_named until it is added, so it cannot be forgotten.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from flask import Flask, url_for
from flask.testing import FlaskClient
from werkzeug.routing import Rule

from accounts import members
from accounts.models import User, Workspace
from accounts.roles import ACTIONS, EMAIL_FIELDS, may, touchpoint_field_action
from accounts.services import create_token
from api_support import auth_headers, csrf_token_from, database_rows, error_of, saved, sign_in
from campaigns.models import Campaign, Touchpoint
from campaigns import services as campaign_services
from jobs.models import Job
from contacts import importing as contacts_importing
from journeymail.extensions import db
from segments import services as segment_services
from segments.models import Segment

# (endpoint, method) -> the action the request needs (accounts.roles.ACTIONS)
NEEDS: dict[tuple[str, str], str] = {
    # campaigns and the journey map
    ("campaigns.index", "GET"): "read",
    ("campaigns.list_campaigns", "GET"): "read",
    ("campaigns.new_campaign", "GET"): "edit_plan",
    ("campaigns.new_campaign", "POST"): "edit_plan",
    ("campaigns.journey_map", "GET"): "read",
    ("campaigns.edit_campaign", "GET"): "edit_plan",
    ("campaigns.edit_campaign", "POST"): "edit_plan",
    ("campaigns.delete_campaign", "GET"): "delete",
    ("campaigns.delete_campaign", "POST"): "delete",
    ("campaigns.campaign_segments", "GET"): "edit_plan",
    ("campaigns.campaign_segments", "POST"): "edit_plan",
    ("campaigns.choose_framework", "GET"): "edit_plan",
    ("campaigns.switch_framework", "GET"): "edit_plan",
    ("campaigns.switch_framework", "POST"): "edit_plan",
    ("campaigns.new_phase", "GET"): "edit_plan",
    ("campaigns.new_phase", "POST"): "edit_plan",
    ("campaigns.edit_phase", "GET"): "edit_plan",
    ("campaigns.edit_phase", "POST"): "edit_plan",
    ("campaigns.move_phase", "POST"): "edit_plan",
    ("campaigns.delete_phase", "GET"): "edit_plan",
    ("campaigns.delete_phase", "POST"): "edit_plan",
    ("campaigns.new_touchpoint", "GET"): "edit_plan",
    ("campaigns.new_touchpoint", "POST"): "edit_plan",
    # a copywriter may change the inbox line here; the plan's fields are refused one by one (below)
    ("campaigns.edit_touchpoint", "GET"): "write_emails",
    ("campaigns.edit_touchpoint", "POST"): "write_emails",
    ("campaigns.move_touchpoint", "POST"): "edit_plan",
    ("campaigns.delete_touchpoint", "GET"): "edit_plan",
    ("campaigns.delete_touchpoint", "POST"): "edit_plan",
    ("campaigns_api.frameworks", "GET"): "read",
    ("campaigns_api.list_campaigns", "GET"): "read",
    ("campaigns_api.create_campaign", "POST"): "edit_plan",
    ("campaigns_api.get_campaign", "GET"): "read",
    ("campaigns_api.update_campaign", "PATCH"): "edit_plan",
    ("campaigns_api.delete_campaign", "DELETE"): "delete",
    ("campaigns_api.set_segments", "PUT"): "edit_plan",
    ("campaigns_api.add_phase", "POST"): "edit_plan",
    ("campaigns_api.update_phase", "PATCH"): "edit_plan",
    ("campaigns_api.delete_phase", "DELETE"): "edit_plan",
    ("campaigns_api.add_touchpoint", "POST"): "edit_plan",
    ("campaigns_api.update_touchpoint", "PATCH"): "write_emails",  # with content fields only (the walk's body)
    ("campaigns_api.delete_touchpoint", "DELETE"): "edit_plan",
    ("campaigns_api.put_variant", "PUT"): "write_emails",
    ("campaigns_api.delete_variant", "DELETE"): "write_emails",
    # segments
    ("segments.list_segments", "GET"): "read",
    ("segments.new_segment", "GET"): "edit_plan",
    ("segments.new_segment", "POST"): "edit_plan",
    ("segments.edit_segment", "GET"): "edit_plan",
    ("segments.edit_segment", "POST"): "edit_plan",
    ("segments.delete_segment", "GET"): "delete",
    ("segments.delete_segment", "POST"): "delete",
    ("segments_api.list_segments", "GET"): "read",
    ("segments_api.create_segment", "POST"): "edit_plan",
    ("segments_api.get_segment", "GET"): "read",
    ("segments_api.update_segment", "PATCH"): "edit_plan",
    ("segments_api.delete_segment", "DELETE"): "delete",
    # personas: as segments (an editor writes them, an owner deletes them)
    ("segments.list_personas", "GET"): "read",
    ("segments.new_persona", "GET"): "edit_plan",
    ("segments.new_persona", "POST"): "edit_plan",
    ("segments.edit_persona", "GET"): "edit_plan",
    ("segments.edit_persona", "POST"): "edit_plan",
    ("segments.delete_persona", "GET"): "delete",
    ("segments.delete_persona", "POST"): "delete",
    ("segments_api.list_personas", "GET"): "read",
    ("segments_api.create_persona", "POST"): "edit_plan",
    ("segments_api.get_persona", "GET"): "read",
    ("segments_api.update_persona", "PATCH"): "edit_plan",
    ("segments_api.delete_persona", "DELETE"): "delete",
    # the editor, the matrix, previews, test sends
    ("previews.email_editor", "GET"): "write_emails",
    ("previews.email_editor", "POST"): "write_emails",
    ("previews.create_variant", "POST"): "write_emails",
    ("previews.reset_variant", "POST"): "write_emails",
    ("previews.matrix_page", "GET"): "read",
    ("previews.cell_preview", "GET"): "read",
    ("previews.email_frame", "GET"): "read",
    ("previews.download_eml", "GET"): "download",
    ("previews.test_send", "POST"): "test_send",
    ("previews_api.preview_source", "POST"): "read",  # renders what it is sent, saves nothing
    ("previews_api.preview_cell_email", "GET"): "read",
    ("previews_api.matrix", "GET"): "read",
    ("previews_api.test_send", "POST"): "test_send",
    # exports, imports, pushes
    ("exports.export_page", "GET"): "read",
    ("exports.export_plan_csv", "GET"): "download",
    ("exports.export_campaign_json", "GET"): "download",
    ("exports.export_mailjet", "GET"): "download",
    ("exports.export_brevo", "GET"): "download",
    ("exports.export_map_pdf", "GET"): "download",
    ("exports.export_map_png", "GET"): "download",
    ("exports.export_contacts_template", "GET"): "download",
    ("exports.import_campaign", "GET"): "edit_plan",
    ("exports.import_campaign", "POST"): "edit_plan",
    ("exports.duplicate_campaign", "POST"): "edit_plan",
    ("exports.push", "POST"): "push",
    ("exports_api.import_campaign", "POST"): "edit_plan",
    ("exports_api.push", "POST"): "push",
    # contacts and their import
    ("contacts.list_contacts", "GET"): "read",
    ("contacts.upload", "GET"): "import_contacts",
    ("contacts.upload", "POST"): "import_contacts",
    ("contacts.preview", "GET"): "import_contacts",
    ("contacts.preview", "POST"): "import_contacts",
    ("contacts.import_report", "GET"): "read",
    ("contacts.rejected_csv", "GET"): "download",
    ("contacts.undo", "POST"): "import_contacts",
    ("contacts_api.list_contacts", "GET"): "read",
    ("contacts_api.import_contacts", "POST"): "import_contacts",
    ("exports.export_contacts_csv", "GET"): "download",
    ("exports.export_segment_contacts_csv", "GET"): "download",
    ("contacts.contact_phases", "GET"): "read",
    ("contacts.contact_phases", "POST"): "edit_plan",
    ("contacts_api.put_contact_phases", "PUT"): "edit_plan",
    ("contacts_api.members", "GET"): "read",
    ("contacts_api.get_rule", "GET"): "read",
    ("contacts_api.put_rule", "PUT"): "edit_plan",
    ("contacts_api.delete_rule", "DELETE"): "edit_plan",
    ("contacts_api.count_rule", "POST"): "read",
    ("contacts.segment_rule", "GET"): "read",
    ("contacts.segment_rule", "POST"): "edit_plan",
    ("contacts.remove_rule", "POST"): "edit_plan",
    # members and settings (owners only)
    ("accounts.reset_member_password", "POST"): "manage_members",
    ("accounts.workspace_settings", "GET"): "manage_settings",
    ("accounts.workspace_settings", "POST"): "manage_settings",
    ("accounts.members_page", "GET"): "manage_members",
    ("accounts.invite", "POST"): "manage_members",
    ("accounts.change_role", "POST"): "manage_members",
    ("accounts.remove_member", "POST"): "manage_members",
    ("accounts.withdraw_invitation", "POST"): "manage_members",
    ("accounts.audit_log", "GET"): "read_audit",
    # background jobs: every member follows the workspace's jobs
    ("jobs.list_jobs", "GET"): "read",
    ("jobs.job_page", "GET"): "read",
    ("jobs_api.get_job", "GET"): "read",
}

# Every member's own session, not the workspace's data: signing out and choosing a workspace.
OWN_SESSION = {("accounts.logout", "POST"), ("accounts.switch_workspace", "POST")}


def skipped(rule: Rule, app: Flask) -> bool:
    """Rules the walks leave out, each for its reason."""
    if rule.endpoint in ("static", "favicon"):
        return True  # files anyone may fetch
    if getattr(app.view_functions[rule.endpoint], "public", False):
        return True  # @public: sign-in, password reset, invitation links
    # A member's own account (password, API tokens) is every role's to manage: its tests are its own.
    return rule.rule == "/account" or rule.rule.startswith("/account/")


def methods_of(rule: Rule) -> list[str]:
    return sorted((rule.methods or set()) - {"HEAD", "OPTIONS"})


def walked_rules(app: Flask) -> list[tuple[Rule, str]]:
    return [(rule, method) for rule in app.url_map.iter_rules() if not skipped(rule, app)
            for method in methods_of(rule) if (rule.endpoint, method) not in OWN_SESSION]


# --- the plan the walks ask about: everything in the signed-in member's own workspace ---------


@dataclass
class Plan:
    campaign: Campaign
    segment: Segment  # targeted; tp has a variant for it
    other_segment: Segment  # targeted; no variant
    tp: Touchpoint  # an email in the first phase
    later: Touchpoint  # an email in the second phase
    colleague: User  # another member of the workspace (an editor), for the members' routes
    invitation_id: int  # a pending invitation to the workspace
    job_id: int  # a job of the workspace (a push of the campaign, running)
    import_id: int = 0  # a contact import of the workspace
    persona_id: int = 0  # a persona of the workspace

    def args(self, endpoint: str) -> dict[str, Any]:
        """What to fill each URL variable with; a variable not named here fails the walk."""
        segment = self.other_segment if endpoint == "previews.create_variant" else self.segment
        return {"campaign_id": self.campaign.id, "phase_id": self.campaign.phases[1].id,
                "touchpoint_id": self.tp.id, "segment_id": segment.id, "framework_key": "aida-loyalty",
                "user_id": self.colleague.id, "membership_id": self.colleague.memberships[0].id,
                "invitation_id": self.invitation_id, "job_id": self.job_id,
                "import_id": self.import_id, "persona_id": self.persona_id, "esp_key": "mailjet"}

    def query(self, endpoint: str) -> dict[str, Any]:
        """The query string a page needs to show something (a cell, an email)."""
        if endpoint == "previews.cell_preview":
            return {"segment": self.segment.id, "phase": self.campaign.phases[0].id}
        if endpoint in ("previews.email_frame", "previews.download_eml", "previews_api.preview_cell_email"):
            return {"touchpoint": self.tp.id, "segment": self.segment.id}
        return {}

    def body(self, endpoint: str) -> dict[str, Any]:
        """A request body that would change something if the role were allowed: so a missing check shows
        as a change, not as a refusal for some other reason."""
        campaign = {"name": "Taken over", "goal": "Everything", "framework": "five-stage", "sender_name": "Eve",
                    "sender_email": "eve@example.com", "locale": "en_US", "map_state": "future"}
        segment = {"name": "Intruders", "motivation": "M", "action": "A", "obstacle": "O"}
        touchpoint = {"phase_id": self.campaign.phases[0].id, "kind": "welcome", "name": "Taken over",
                      "send_offset_days": 3}
        content = {"subject": "Rewritten", "preheader": "Rewritten too",
                   "mjml": "<mjml><mj-body><mj-section><mj-column><mj-text>Rewritten</mj-text></mj-column>"
                           "</mj-section></mj-body></mjml>"}
        test_send = {"touchpoint_id": self.tp.id, "recipients": "outsider@example.com"}
        bodies: dict[str, dict[str, Any]] = {
            "campaigns.new_campaign": campaign,
            "campaigns.edit_campaign": {**campaign, "framework": None},
            "campaigns.campaign_segments": {"segment_ids": [self.segment.id]},
            "campaigns.switch_framework": {"step": "apply"},
            "campaigns.new_phase": {"name": "Taken over", "emotion": "0"},
            "campaigns.edit_phase": {"name": "Taken over", "emotion": "0"},
            "campaigns.move_phase": {"direction": "left"},
            "campaigns.delete_phase": {"confirm": "yes"},
            "campaigns.new_touchpoint": touchpoint,
            "campaigns.edit_touchpoint": {"subject": "Rewritten", "preheader": "Rewritten too"},
            "campaigns.move_touchpoint": {"direction": "right"},
            "campaigns_api.create_campaign": campaign,
            "campaigns_api.update_campaign": {"name": "Taken over"},
            "campaigns_api.set_segments": {"segment_ids": [self.segment.id]},
            "campaigns_api.add_phase": {"name": "Taken over"},
            "campaigns_api.update_phase": {"name": "Taken over"},
            "campaigns_api.add_touchpoint": touchpoint,
            "campaigns_api.update_touchpoint": {"subject": "Rewritten"},
            "campaigns_api.put_variant": {"subject": "Rewritten"},
            "segments.new_segment": segment,
            "segments.edit_segment": segment,
            "segments_api.create_segment": segment,
            "segments_api.update_segment": {"name": "Intruders"},
            "contacts_api.put_rule": {"rule": {"all": [{"field": "opens", "op": "gt", "value": 1}]}},
            "contacts.segment_rule": {"rule": '{"all": [{"field": "opens", "op": "gt", "value": 1}]}'},
            "contacts_api.count_rule": {"rule": {"all": [{"field": "opens", "op": "gt", "value": 1}]}},
            "segments.new_persona": {"name": "Intruder persona"},
            "segments.edit_persona": {"name": "Intruder persona"},
            "segments_api.create_persona": {"name": "Intruder persona"},
            "segments_api.update_persona": {"name": "Intruder persona"},
            "previews.email_editor": content,
            "previews.test_send": test_send,
            "previews_api.preview_source": {"mjml": content["mjml"], "campaign_id": self.campaign.id},
            "previews_api.test_send": {**test_send, "recipients": ["outsider@example.com"]},
            "exports.push": {"list_id": "1"},
            "exports_api.push": {"list_id": 1},
            "exports_api.import_campaign": {"format": "journeymail-campaign", "version": 1},
            "accounts.reset_member_password": {"how": "password"},
            "accounts.workspace_settings": {"name": "Taken over", "allow_list": "eve@example.com"},
            "accounts.invite": {"email": "eve@example.com", "role": "owner"},
            "accounts.change_role": {"role": "owner"},
        }
        return {k: v for k, v in bodies.get(endpoint, {}).items() if v is not None}


@pytest.fixture
def plan(create_campaign: Callable[..., Campaign], create_segment: Callable[..., Segment],
         create_touchpoint: Callable[..., Touchpoint], make_member: Callable[..., User]) -> Plan:
    campaign = create_campaign()
    segment, other = create_segment(name="Bargain hunters"), create_segment(name="Loyal fans")
    campaign_services.set_segments(campaign, {"segment_ids": [segment.id, other.id]})
    tp = create_touchpoint(campaign, 0, name="Welcome", subject="Hello {{firstname}}")
    later = create_touchpoint(campaign, 1, kind="newsletter", name="First tips")
    campaign_services.put_variant(tp, segment, {"subject": "A deal for you"})
    db.session.commit()
    invited = members.invite(campaign.workspace, None, {"email": "guest@example.com", "role": "viewer"})
    job = Job(workspace_id=campaign.workspace_id, kind="push.mailjet", title="Push to Mailjet", state="running",
              done=1, total=3, params={}, errors=[], campaign_id=campaign.id)
    db.session.add(job)
    db.session.commit()
    imported = contacts_importing.import_file(b"email\nada@example.com\n", policy="skip", file_name="list.csv")
    db.session.commit()
    persona = segment_services.create_persona({"name": "Maya", "quote": "Plan it once."})
    db.session.commit()
    return Plan(campaign, segment, other, tp, later, make_member("editor"), invited.invitation.id, job.id,
                imported.import_id, persona.id)


def ask(browser: FlaskClient, plan: Plan, rule: Rule, method: str, csrf: str) -> Any:
    """The request a member of `plan`'s workspace would make on this rule."""
    missing = [name for name in rule.arguments if name not in plan.args(rule.endpoint)]
    assert not missing, f"{rule.rule}: the walk cannot fill {missing}; add them to Plan.args"
    with browser.application.test_request_context():
        url = url_for(rule.endpoint, **{k: v for k, v in plan.args(rule.endpoint).items() if k in rule.arguments},
                      **plan.query(rule.endpoint))
    body = plan.body(rule.endpoint)
    if method == "GET":
        return browser.get(url)
    if rule.rule.startswith("/api/"):
        return browser.open(url, method=method, json=body)
    data: dict[str, Any] = {**body, "csrf_token": csrf}
    if rule.endpoint == "exports.import_campaign":
        data["document"] = (io.BytesIO(json.dumps({"format": "journeymail-campaign"}).encode()), "campaign.json")
    return browser.open(url, method=method, data=data)


def csrf_of(browser: FlaskClient) -> str:
    page = browser.get("/campaigns")
    assert page.status_code == 200
    return csrf_token_from(page.get_data(as_text=True))


def without_audit(rows: dict[str, list[Any]]) -> dict[str, list[Any]]:
    """What a refused request must leave as it was: everything but the audit log, which may note the refusal."""
    return {table: found for table, found in rows.items() if table != "audit_entries"}


def assert_refused(response: Any, rule: Rule, role: str) -> None:
    who = "an editor" if role == "editor" else f"a {role}"
    if rule.rule.startswith("/api/"):
        message = error_of(response)["message"]
    else:
        assert response.mimetype == "text/html", response.mimetype
        page = response.get_data(as_text=True)
        assert "<h1>Not allowed</h1>" in page
        message = page
    assert f"You are {who} of Plannery team" in message
    assert "Ask an owner of the workspace." in message


def walk(app: Flask, browser: FlaskClient, plan: Plan, role: str) -> list[str]:
    """Every rule as `role`: what the role may not do is a 403 that changes nothing, what it may do is
    never refused. Returns what went wrong, one line per request."""
    csrf = csrf_of(browser)
    problems = []
    for rule, method in walked_rules(app):
        action = NEEDS[(rule.endpoint, method)]
        before = without_audit(database_rows())
        response = ask(browser, plan, rule, method, csrf)
        where = f"{method} {rule.rule} ({action})"
        if may(role, action):
            if response.status_code in (401, 403, 404) or response.status_code >= 500:
                problems.append(f"{where}: {response.status_code}, but a {role} may do this")
            continue
        if response.status_code != 403:
            problems.append(f"{where}: {response.status_code}, not 403")
            continue
        try:
            assert_refused(response, rule, role)
        except AssertionError as error:
            problems.append(f"{where}: the refusal reads wrong: {error}")
        if without_audit(database_rows()) != before:
            problems.append(f"{where}: refused, yet the database changed")
    return problems


# --- the walks --------------------------------------------------------------------------------


def test_every_route_is_named(app: Flask) -> None:
    """A route the walks cannot classify fails here: say in NEEDS what it needs."""
    unnamed = [f"{method} {rule.rule} ({rule.endpoint})" for rule, method in walked_rules(app)
               if (rule.endpoint, method) not in NEEDS]
    assert not unnamed, "routes the role walk does not know; add them to NEEDS:\n" + "\n".join(unnamed)
    assert set(NEEDS.values()) <= set(ACTIONS)
    gone = set(NEEDS) - {(rule.endpoint, method) for rule, method in walked_rules(app)}
    assert not gone, f"NEEDS names routes the app no longer has: {sorted(gone)}"


def test_a_viewer_changes_nothing_and_reads_everything(app: Flask, plan: Plan,
                                                       client_as: Callable[..., FlaskClient]) -> None:
    viewer = client_as("viewer")
    problems = walk(app, viewer, plan, "viewer")
    assert not problems, "\n".join(problems)
    assert saved(Campaign, plan.campaign.id).name == "Trial journey"
    assert saved(Touchpoint, plan.tp.id).subject == "Hello {{firstname}}"


def test_a_copywriter_writes_emails_but_not_the_plan(app: Flask, plan: Plan,
                                                     client_as: Callable[..., FlaskClient]) -> None:
    copywriter = client_as("copywriter")
    problems = walk(app, copywriter, plan, "copywriter")
    assert not problems, "\n".join(problems)
    assert saved(Campaign, plan.campaign.id).name == "Trial journey"
    written = saved(Touchpoint, plan.tp.id)
    assert (written.name, written.subject) == ("Welcome", "Rewritten")  # the walk's content changes were saved


def test_an_editor_changes_the_plan_but_deletes_no_campaign_or_segment(
        app: Flask, plan: Plan, client_as: Callable[..., FlaskClient]) -> None:
    editor = client_as("editor")
    csrf = csrf_of(editor)
    refused = [
        editor.delete(f"/api/campaigns/{plan.campaign.id}"),
        editor.post(f"/campaigns/{plan.campaign.id}/delete", data={"csrf_token": csrf}),
        editor.get(f"/campaigns/{plan.campaign.id}/delete"),
        editor.delete(f"/api/segments/{plan.segment.id}"),
        editor.post(f"/segments/{plan.segment.id}/delete", data={"csrf_token": csrf}),
    ]
    assert [r.status_code for r in refused] == [403] * 5
    assert "this needs the role owner" in error_of(refused[0])["message"]
    assert saved(Campaign, plan.campaign.id) is not None and saved(Segment, plan.segment.id) is not None
    renamed = editor.patch(f"/api/campaigns/{plan.campaign.id}", json={"name": "Renamed by the editor"})
    assert renamed.status_code == 200
    assert editor.post(f"/api/campaigns/{plan.campaign.id}/phases", json={"name": "Extra"}).status_code == 201


def test_an_owner_deletes_campaigns_and_segments(client: FlaskClient, plan: Plan) -> None:
    campaign_id, segment_id, other_id = plan.campaign.id, plan.segment.id, plan.other_segment.id
    assert client.delete(f"/api/segments/{other_id}").status_code == 204
    page = client.get(f"/segments/{segment_id}/delete")
    answer = client.post(f"/segments/{segment_id}/delete",
                         data={"csrf_token": csrf_token_from(page.get_data(as_text=True))})
    assert answer.status_code == 302
    assert client.delete(f"/api/campaigns/{campaign_id}").status_code == 204
    assert saved(Campaign, campaign_id) is None
    assert saved(Segment, segment_id) is None and saved(Segment, other_id) is None


# --- the copywriter and the touchpoint: content yes, structure no ------------------------------


def test_the_table_splits_a_touchpoint_into_email_and_plan() -> None:
    assert {touchpoint_field_action(f) for f in EMAIL_FIELDS} == {"write_emails"}
    for field in ("name", "kind", "phase_id", "position", "trigger", "send_offset_days", "follows_id",
                  "segment_ids", "cta"):
        assert touchpoint_field_action(field) == "edit_plan"
    assert may("copywriter", "write_emails") and not may("copywriter", "edit_plan")
    assert not may(None, "read")
    with pytest.raises(KeyError):
        may("owner", "no such action")


def test_a_copywriter_patching_structure_is_told_which_fields(
        plan: Plan, client_as: Callable[..., FlaskClient]) -> None:
    copywriter = client_as("copywriter")
    answer = copywriter.patch(f"/api/touchpoints/{plan.tp.id}",
                              json={"subject": "Sneaky", "name": "Moved", "phase_id": plan.campaign.phases[1].id})
    assert answer.status_code == 403
    message = error_of(answer)["message"]
    assert message.startswith('You may not change "name", "phase_id".')
    assert "this needs the role editor or higher" in message
    assert "subject" not in message
    kept = saved(Touchpoint, plan.tp.id)
    assert (kept.subject, kept.name, kept.phase_id) == ("Hello {{firstname}}", "Welcome", plan.campaign.phases[0].id)

    content = {"subject": "Fresh", "preheader": "Read me", "text_override": "Hi there"}
    assert copywriter.patch(f"/api/touchpoints/{plan.tp.id}", json=content).status_code == 200
    written = saved(Touchpoint, plan.tp.id)
    assert (written.subject, written.preheader, written.text_override) == ("Fresh", "Read me", "Hi there")


def test_a_copywriter_edits_the_inbox_line_on_the_touchpoint_page(
        plan: Plan, client_as: Callable[..., FlaskClient]) -> None:
    copywriter = client_as("copywriter")
    page = copywriter.get(f"/touchpoints/{plan.tp.id}/edit")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert _tag(html, 'name="name"').count("disabled") == 1
    assert _tag(html, 'name="send_offset_days"').count("disabled") == 1
    assert "disabled" not in _tag(html, 'name="subject"')
    assert "Delete…" not in html
    csrf = csrf_token_from(html)

    # A browser leaves the disabled fields out: what is left is saved.
    saved_page = copywriter.post(f"/touchpoints/{plan.tp.id}/edit",
                                 data={"csrf_token": csrf, "subject": "From the form", "preheader": "Hello"})
    assert saved_page.status_code == 302
    assert (saved(Touchpoint, plan.tp.id).subject, saved(Touchpoint, plan.tp.id).name) == ("From the form", "Welcome")

    sneaky = copywriter.post(f"/touchpoints/{plan.tp.id}/edit",
                             data={"csrf_token": csrf, "subject": "Again", "send_offset_days": "9"})
    assert sneaky.status_code == 403
    assert '&#34;send_offset_days&#34;' in sneaky.get_data(as_text=True)
    assert saved(Touchpoint, plan.tp.id).send_offset_days == 0


def _tag(html: str, marker: str) -> str:
    """The HTML tag that holds `marker`."""
    at = html.index(marker)
    return html[html.rindex("<", 0, at):html.index(">", at) + 1]


# --- pages show only what the role may use ----------------------------------------------------


def test_a_viewer_sees_no_buttons_it_may_not_use(plan: Plan, client_as: Callable[..., FlaskClient]) -> None:
    viewer = client_as("viewer")
    campaigns = viewer.get("/campaigns").get_data(as_text=True)
    assert "Trial journey" in campaigns
    assert "New campaign" not in campaigns and "Import a campaign" not in campaigns

    journey = viewer.get(f"/campaigns/{plan.campaign.id}").get_data(as_text=True)
    for hidden in ("Add phase", "Add touchpoint", "Settings", "Duplicate", "Edit email", "move-form",
                   f"/touchpoints/{plan.tp.id}/edit", f"/segments/{plan.segment.id}/edit", "+ Plan an email"):
        assert hidden not in journey, hidden
    assert 'draggable="true"' not in journey
    assert f"/campaigns/{plan.campaign.id}/export" in journey  # downloads stay
    assert f"/campaigns/{plan.campaign.id}/preview?segment=" in journey  # and so do the previews
    assert "Welcome" in journey  # the touchpoint, as text

    segments = viewer.get("/segments").get_data(as_text=True)
    assert "Bargain hunters" in segments and "New segment" not in segments
    assert f"/segments/{plan.segment.id}/edit" not in segments

    export = viewer.get(f"/campaigns/{plan.campaign.id}/export").get_data(as_text=True)
    assert "Download campaign.json" in export
    assert "Push to Mailjet" not in export and "Import a campaign file" not in export

    cell = viewer.get(f"/campaigns/{plan.campaign.id}/preview?segment={plan.segment.id}"
                      f"&phase={plan.campaign.phases[0].id}").get_data(as_text=True)
    assert "Download .eml" in cell
    assert "Edit email" not in cell and "Send a test" not in cell

    matrix = viewer.get(f"/campaigns/{plan.campaign.id}/matrix").get_data(as_text=True)
    assert "Add email" not in matrix and "Segments targeting" not in matrix

    new_campaign = viewer.get("/campaigns/new")
    assert new_campaign.status_code == 403 and "<form" not in new_campaign.get_data(as_text=True).split("<main")[-1]


def test_a_copywriter_sees_the_editor_but_not_the_plans_buttons(
        plan: Plan, client_as: Callable[..., FlaskClient], configure_smtp: Callable[..., None]) -> None:
    configure_smtp(SMTP_HOST="127.0.0.1", SMTP_PORT=2525)  # shows the test-send form; nothing is sent
    copywriter = client_as("copywriter")
    journey = copywriter.get(f"/campaigns/{plan.campaign.id}").get_data(as_text=True)
    assert "Edit email" in journey
    assert "Add phase" not in journey and "Add touchpoint" not in journey and "move-form" not in journey

    editor = copywriter.get(f"/touchpoints/{plan.tp.id}/email").get_data(as_text=True)
    assert "Save email" in editor and "Send test" in editor
    assert f"/campaigns/{plan.campaign.id}/edit" not in editor  # the campaign's default values are the plan's


def test_an_editor_sees_no_delete_for_a_campaign_or_segment_an_owner_does(
        plan: Plan, client: FlaskClient, client_as: Callable[..., FlaskClient]) -> None:
    editor = client_as("editor")
    journey = editor.get(f"/campaigns/{plan.campaign.id}").get_data(as_text=True)
    assert "Add phase" in journey and "move-form" in journey
    assert "Delete campaign" not in editor.get(f"/campaigns/{plan.campaign.id}/edit").get_data(as_text=True)
    assert "Delete…" not in editor.get(f"/segments/{plan.segment.id}/edit").get_data(as_text=True)
    assert "Push to Mailjet" in editor.get(f"/campaigns/{plan.campaign.id}/export").get_data(as_text=True)
    assert "Delete campaign" in client.get(f"/campaigns/{plan.campaign.id}/edit").get_data(as_text=True)
    assert "Delete…" in client.get(f"/segments/{plan.segment.id}/edit").get_data(as_text=True)


# --- tokens, and users of no workspace ---------------------------------------------------------


def test_a_viewer_token_reads_but_changes_nothing(app: Flask, plan: Plan, owner: User, workspace: Workspace) -> None:
    """A token's role counts, not its user's: an owner's viewer token is a viewer."""
    _, secret = create_token(owner, workspace, name="Dashboard", role="viewer")
    db.session.commit()
    script = app.test_client()
    assert script.get(f"/api/campaigns/{plan.campaign.id}", headers=auth_headers(secret)).status_code == 200
    assert script.get(f"/campaigns/{plan.campaign.id}/export/campaign.json",
                      headers=auth_headers(secret)).status_code == 200
    refused = script.patch(f"/api/campaigns/{plan.campaign.id}", json={"name": "Renamed"},
                           headers=auth_headers(secret))
    assert refused.status_code == 403
    assert error_of(refused)["message"].startswith("You are a viewer of Plannery team")
    assert saved(Campaign, plan.campaign.id).name == "Trial journey"


def test_a_copywriter_sending_an_unknown_field_hears_that_it_is_unknown(
        plan: Plan, client_as: Callable[..., FlaskClient]) -> None:
    answer = client_as("copywriter").patch(f"/api/touchpoints/{plan.tp.id}", json={"colour": "red"})
    assert answer.status_code == 422  # the service's verdict, not a refusal of a field that does not exist


def test_a_user_of_no_workspace_is_told_so(app: Flask, password_hash: str) -> None:
    loner = User(email="loner@plannery.example", name="Lone Wolf", password_hash=password_hash)
    db.session.add(loner)
    db.session.commit()
    browser = app.test_client()
    sign_in(browser, loner)
    page = browser.get("/campaigns")
    assert page.status_code == 403
    assert "You are not a member of any workspace yet." in page.get_data(as_text=True)
    assert "not a member of any workspace" in error_of(browser.get("/api/segments"))["message"]
