"""Command-line commands: `flask --app wsgi seed-demo` and friends."""

from __future__ import annotations

import click
from flask import Flask

from .extensions import db
from .text import counted


def register(app: Flask) -> None:
    # The features' commands. The CLI registration is, with the factory, the one shell module that imports them.
    from campaigns.demo import create_demo
    from campaigns.models import Campaign
    from exports import cli as exports_cli

    exports_cli.register(app)  # export ..., import ... and push ...

    @app.cli.command("seed-demo")
    @click.option("--if-empty", is_flag=True, help="Only add the demo campaign when the Demo workspace has none yet.")
    def seed_demo(if_empty: bool) -> None:
        """Create the Demo workspace, its owner demo@journeymail.example, and the demo campaign: a B2B
        software trial on the seven-phase journey. Prints how to sign in."""
        from accounts import current
        from accounts.demo import demo_owner

        try:
            workspace, user, password = demo_owner(app)
        except ValueError as error:
            raise click.ClickException(str(error)) from None
        current.use_workspace(workspace, "owner", user)
        if if_empty and db.session.scalar(current.scoped(Campaign, Campaign.id).limit(1)) is not None:
            click.echo("The Demo workspace already holds campaigns; no demo campaign added.")
        else:
            campaign = create_demo()
            click.echo(
                f'Created the demo campaign "{campaign.name}" (ID {campaign.id}) with '
                f'{counted(len(campaign.phases), "phase")}, {counted(len(campaign.touchpoints), "touchpoint")} '
                f'and {counted(len(campaign.segments), "segment")}.'
            )
        db.session.commit()
        click.echo(f"Sign in as {user.email} with the password {password}" if password else
                   f"Sign in as {user.email} with the password you gave it (set DEMO_PASSWORD and run seed-demo to set another).")
