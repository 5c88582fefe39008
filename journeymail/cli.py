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
    @click.option("--if-empty", is_flag=True, help="Only seed when the database has no campaign yet.")
    def seed_demo(if_empty: bool) -> None:
        """Create the demo campaign: a B2B software trial on the seven-phase journey."""
        if if_empty and db.session.scalar(db.select(Campaign.id).limit(1)) is not None:
            click.echo("The database already holds campaigns; no demo data added.")
            return
        campaign = create_demo()
        db.session.commit()
        click.echo(
            f'Created the demo campaign "{campaign.name}" (ID {campaign.id}) with '
            f'{counted(len(campaign.phases), "phase")}, {counted(len(campaign.touchpoints), "touchpoint")} '
            f'and {counted(len(campaign.segments), "segment")}.'
        )
