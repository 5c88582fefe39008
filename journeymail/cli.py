"""Command-line commands: `flask --app wsgi seed-demo` and friends."""

from __future__ import annotations

import click
from flask import Flask

from .extensions import db
from .text import counted


def register(app: Flask) -> None:
    # The features' commands. The CLI registration is, with the factory, the one shell module that imports them.
    from campaigns import demo, demo_de
    from campaigns.models import Campaign
    from exports import cli as exports_cli

    exports_cli.register(app)  # export ..., import ... and push ...
    from contacts import cli as contacts_cli

    contacts_cli.register(app)  # contacts import FILE
    from contacts import demo as contacts_demo

    @app.cli.command("seed-demo")
    @click.option("--if-empty", is_flag=True,
                  help="Only add each demo campaign when the Demo workspace holds none of its name yet.")
    def seed_demo(if_empty: bool) -> None:
        """Create the Demo workspace, its owner demo@journeymail.example, and the two demo campaigns: a B2B
        software trial on the seven-phase journey, and a German career mentoring on the five-stage funnel.
        Prints how to sign in."""
        from accounts import current
        from accounts.demo import demo_owner

        try:
            workspace, user, password = demo_owner(app)
        except ValueError as error:
            raise click.ClickException(str(error)) from None
        current.use_workspace(workspace, "owner", user)
        for name, create in ((demo.CAMPAIGN["name"], demo.create_demo), (demo_de.CAMPAIGN["name"], demo_de.create_demo_de)):
            held = current.scoped(Campaign, Campaign.id).where(Campaign.name == name).limit(1)
            if if_empty and db.session.scalar(held) is not None:
                click.echo(f'The Demo workspace already holds the demo campaign "{name}"; not added again.')
                continue
            campaign = create()
            click.echo(
                f'Created the demo campaign "{campaign.name}" (ID {campaign.id}) with '
                f'{counted(len(campaign.phases), "phase")}, {counted(len(campaign.touchpoints), "touchpoint")} '
                f'and {counted(len(campaign.segments), "segment")}.'
            )
        rules_set, contacts_added = contacts_demo.seed_demo()  # the demo segments' rules and demo contacts
        if contacts_added:
            click.echo(f"Added {counted(contacts_added, 'demo contact')}.")
        if rules_set:
            held = ", ".join(f"{name}: {total}" for name, total in contacts_demo.demo_members().items())
            click.echo(f"Gave {counted(rules_set, 'demo segment')} a rule by its action ({held}).")
        db.session.commit()
        click.echo(f"Sign in as {user.email} with the password {password}" if password else
                   f"Sign in as {user.email} with the password you gave it (set DEMO_PASSWORD and run seed-demo to set another).")
