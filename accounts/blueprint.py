"""The URL table of accounts: signing in and out, the workspace switcher, the account page, password resets."""

from __future__ import annotations

from flask import Blueprint

from . import audit_views, current, members_views, settings, views

bp = Blueprint("accounts", __name__)

# --- signing in and out ----------------------------------------------------------------------
bp.add_url_rule("/login", view_func=views.login, methods=["GET", "POST"])
bp.add_url_rule("/logout", view_func=views.logout, methods=["POST"])

# --- the workspace one works in --------------------------------------------------------------
bp.add_url_rule("/workspace", view_func=views.switch_workspace, methods=["POST"])

# --- one's own account: password and API tokens ----------------------------------------------
bp.add_url_rule("/account", view_func=views.account, methods=["GET"])
bp.add_url_rule("/account/password", view_func=views.change_password, methods=["POST"])
bp.add_url_rule("/account/tokens", view_func=views.create_token, methods=["POST"])
bp.add_url_rule("/account/tokens/<int:token_id>/revoke", view_func=views.revoke_token, methods=["POST"])

# --- password reset: by email, or by an owner for a member -----------------------------------
bp.add_url_rule("/password/forgot", view_func=views.forgot_password, methods=["GET", "POST"])
bp.add_url_rule("/password/reset/<secret>", view_func=views.reset_password, methods=["GET", "POST"])
bp.add_url_rule("/members/<int:user_id>/reset-password", view_func=views.reset_member_password, methods=["POST"])

# --- the workspace's settings, for owners ----------------------------------------------------
bp.add_url_rule("/workspace/settings", "workspace_settings", view_func=settings.settings_page, methods=["GET", "POST"])
bp.app_context_processor(settings.links_for_pages)

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
