"""The URL table of accounts: signing in and out, and the workspace switcher."""

from __future__ import annotations

from flask import Blueprint

from . import audit_views, current, members_views, views

bp = Blueprint("accounts", __name__)

# --- signing in and out ----------------------------------------------------------------------
bp.add_url_rule("/login", view_func=views.login, methods=["GET", "POST"])
bp.add_url_rule("/logout", view_func=views.logout, methods=["POST"])

# --- the workspace one works in --------------------------------------------------------------
bp.add_url_rule("/workspace", view_func=views.switch_workspace, methods=["POST"])

# --- members of the workspace, and invitations (owners) ---------------------------------------
bp.add_url_rule("/members", view_func=members_views.members_page, methods=["GET"])
bp.add_url_rule("/members/invite", view_func=members_views.invite, methods=["POST"])
bp.add_url_rule("/members/<int:membership_id>/role", view_func=members_views.change_role, methods=["POST"])
bp.add_url_rule("/members/<int:membership_id>/remove", view_func=members_views.remove_member, methods=["POST"])
bp.add_url_rule("/members/invitations/<int:invitation_id>/withdraw", view_func=members_views.withdraw_invitation,
                methods=["POST"])
bp.add_url_rule("/invitations/<secret>", view_func=members_views.invitation, methods=["GET", "POST"])

# --- the audit log (owners) -------------------------------------------------------------------
bp.add_url_rule("/audit", view_func=audit_views.audit_log, methods=["GET"])

# --- what pages ask of the roles: allowed("manage_members") offers a link only to whom it may serve ----
bp.add_app_template_global(current.allowed, "allowed")
