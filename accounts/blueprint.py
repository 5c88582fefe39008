"""The URL table of accounts: signing in and out, the workspace switcher, the account page, password resets."""

from __future__ import annotations

from flask import Blueprint

from . import settings, views

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
