"""`flask --app wsgi users create|delete ...` and `flask --app wsgi tokens create ...` (DESIGN.md, "Accounts")."""

from __future__ import annotations

import sys

import click
from flask import Flask

from journeymail.extensions import db
from journeymail.validation import ServiceError

from . import services
from .roles import ROLES


def _fail(error: ServiceError) -> None:
    details = "; ".join(f"{name}: {message}" for name, message in error.fields.items())
    raise click.ClickException(error.message + (f" ({details})" if details and details != error.message else ""))


def register(app: Flask) -> None:
    users = click.Group("users", help="Create and delete users.")
    tokens = click.Group("tokens", help="Create API tokens.")

    @users.command("create")
    @click.argument("email")
    @click.option("--name", required=True, help="The person's name.")
    @click.option("--workspace", required=True, help="The workspace to join; created when missing.")
    @click.option("--role", type=click.Choice(ROLES[::-1]), default="owner", show_default=True)
    def create_user(email: str, name: str, workspace: str, role: str) -> None:
        """Create a user; the password is read from standard input (one line)."""
        password = sys.stdin.readline().rstrip("\r\n")
        try:
            space = services.workspace_named(workspace) or services.create_workspace(workspace)
            user = services.user_by_email(email)
            if user is None:
                user = services.create_user(email, name, password)
            else:
                raise ServiceError(f"There is already a user with the address {user.email}.")
            services.add_member(space, user, role)
            user.last_workspace_id = space.id
            adopted = services.adopt_unowned_workspaces(user)
        except ServiceError as error:
            db.session.rollback()
            _fail(error)
        db.session.commit()
        click.echo(f"Created {user.email} ({role} of {space.name}).", err=True)
        for workspace in adopted:
            click.echo(f"{user.email} is also the owner of {workspace.name}, which held the data from before accounts.",
                       err=True)

    @users.command("delete")
    @click.argument("email")
    def delete_user(email: str) -> None:
        """Delete a user with their tokens; their sessions end. Refused while they are a workspace's last owner."""
        user = services.user_by_email(email)
        if user is None:
            raise click.ClickException(f"There is no user with the address {email}.")
        try:
            services.delete_user(user)
        except ServiceError as error:
            db.session.rollback()
            _fail(error)
        db.session.commit()
        click.echo(f"Deleted {email.strip().lower()}; their sessions and API tokens no longer work.", err=True)

    @tokens.command("create")
    @click.argument("email")
    @click.option("--workspace", help="The token's workspace; default: the user's only or first one.")
    @click.option("--role", type=click.Choice(ROLES[::-1]), help="At most the user's role; default: that role.")
    @click.option("--name", default="", help="What the token is for.")
    def create_token(email: str, workspace: str | None, role: str | None, name: str) -> None:
        """Create an API token and print it (only it) on standard output."""
        user = services.user_by_email(email)
        if user is None:
            raise click.ClickException(f"There is no user with the address {email}.")
        if workspace:
            space = services.workspace_named(workspace)
            if space is None or user.membership_in(space.id) is None:
                raise click.ClickException(f"{user.email} is not a member of a workspace named {workspace!r}.")
        elif user.memberships:
            space = (user.membership_in(user.last_workspace_id) or user.memberships[0]).workspace
        else:
            raise click.ClickException(f"{user.email} belongs to no workspace.")
        try:
            _token, secret = services.create_token(user, space, name=name or "Command line", role=role)
        except ServiceError as error:
            db.session.rollback()
            _fail(error)
        db.session.commit()
        click.echo(secret)

    app.cli.add_command(users)
    app.cli.add_command(tokens)
