"""Accounts: users, workspaces and the role each user has in each, API tokens, invitations, the audit log.

Everything a team shares belongs to one workspace; `accounts.current` scopes every query to the signed-in
user's current workspace, and `accounts.roles` is the one table of what each role may do.
"""
