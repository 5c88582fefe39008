"""`flask --app wsgi contacts import FILE --workspace W --policy skip|update`: the import, from a shell."""

from __future__ import annotations

import os

import click
from flask import Flask

from accounts import current
from accounts.models import Workspace
from journeymail.extensions import db
from journeymail.http import UnreadableJSON, read_json
from journeymail.validation import ValidationError

from . import importing


def register(app: Flask) -> None:
    group = click.Group("contacts", help="Contacts: import a CSV file.")

    @group.command("import")
    @click.argument("file", type=click.Path(exists=True, dir_okay=False))
    @click.option("--workspace", "workspace_name", required=True, help="The workspace's ID or name.")
    @click.option("--policy", type=click.Choice(["skip", "update"]), required=True,
                  help="What happens to contacts that exist already: skip them, or update them.")
    @click.option("--encoding", help="The file's encoding (detected when not given), e.g. cp1252 or utf-8.")
    @click.option("--delimiter", type=click.Choice([",", ";", "tab"]), help="Detected when not given.")
    @click.option("--mapping", help='JSON: {"column": "email", "Plan": {"property": "plan", "type": "string"}}; '
                                    "else the mapping saved for the source or this header, else the guessed one.")
    @click.option("--source", default="", help="Where the list comes from; its mapping is saved under this name.")
    def import_command(file: str, workspace_name: str, policy: str, encoding: str | None, delimiter: str | None,
                       mapping: str | None, source: str) -> None:
        """Import FILE into the workspace, all or nothing; print what was added, updated, skipped, rejected."""
        space = _workspace(workspace_name)
        current.use_workspace(space, "owner", None)
        try:
            parsed = read_json(mapping) if mapping else None
        except UnreadableJSON as error:
            raise click.ClickException(f"--mapping: {error}") from None
        with open(file, "rb") as handle:
            data = handle.read()
        try:
            report = importing.import_file(data, policy=policy, file_name=os.path.basename(file), encoding=encoding,
                                           delimiter="\t" if delimiter == "tab" else delimiter, mapping=parsed,
                                           source=source)
        except ValidationError as error:
            db.session.rollback()
            raise click.ClickException(" ".join(error.fields.values()) or error.message) from None
        db.session.commit()
        click.echo(f"Import {report.import_id} into {space.name}: {report.rows} rows; {report.added} added, "
                   f"{report.updated} updated, {report.skipped} skipped (existing), {report.duplicates} duplicates "
                   f"in the file, {len(report.rejected)} rejected.")
        if report.status_kept:
            click.echo(f"{report.status_kept} unsubscribed, bounced or complained contacts kept their status.")
        for rejected in report.rejected:
            click.echo(f"line {rejected.line}: {rejected.email or '(no address)'}: {rejected.reason}")
        for duplicate in report.duplicate_rows:
            click.echo(f"line {duplicate.line}: {duplicate.email}: {duplicate.reason}")

    app.cli.add_command(group)


def _workspace(name_or_id: str) -> Workspace:
    found = None
    if name_or_id.isascii() and name_or_id.isdigit():
        found = db.session.get(Workspace, int(name_or_id)) if int(name_or_id) < 2**31 else None
    if found is None:
        found = db.session.scalar(db.select(Workspace).where(Workspace.name == name_or_id))
    if found is None:
        raise click.ClickException(f'There is no workspace "{name_or_id}" (give its ID or its exact name).')
    return found
