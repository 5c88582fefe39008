"""Command-line exports and imports: `flask --app wsgi export mailjet ID -o FILE`, `push mailjet FILE`,
`export brevo ID -o FILE`, `push brevo FILE`, `export campaign ID -o FILE`, `import campaign FILE` and
`export map ID -o FILE` (the journey map as a PDF or PNG)."""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Callable, Iterable

import click
from flask import Flask, abort, current_app
from flask_babel import force_locale
from flask.cli import AppGroup
from werkzeug.exceptions import NotFound

from accounts import current, services as accounts
from accounts.models import Workspace
from campaigns.cells import plan_or_404
from campaigns.models import Campaign
from journeymail import chromium
from journeymail.extensions import db
from journeymail.i18n import DEFAULT as DEFAULT_LANGUAGE, LANGUAGES
from journeymail.text import counted
from journeymail.validation import MAX_ID, ServiceError

from . import documents, esp, map_file
from .brevo import bundle as brevo, push as brevo_push
from .esp import replay
from .esp.base import PushError, PushResult
from .ledger import MemoryLedger
from .mailjet import bundle as mailjet, push as mailjet_push

export_group = AppGroup("export", help="Export a campaign, e.g. as a Mailjet bundle.")
push_group = AppGroup("push", help="Create an exported campaign in an email service provider.")


def register(app: Flask) -> None:
    app.cli.add_command(export_group)
    app.cli.add_command(push_group)
    app.cli.add_command(import_group)  # the campaign JSON section at the end of this file


@export_group.command("mailjet")
@click.argument("campaign_id", type=int)
@click.option("-o", "--output", "output", type=click.Path(dir_okay=False, writable=True), default="-",
              show_default=True, help="The file to write; - writes to standard output.")
def export_mailjet(campaign_id: int, output: str) -> None:
    """Write the Mailjet bundle of campaign CAMPAIGN_ID: the API requests that create it in Mailjet."""

    campaign = _plan(campaign_id)
    try:
        bundle = mailjet.build_bundle(campaign)
    except mailjet.BundleRefused as refused:
        raise click.ClickException(refused.message + "\n" + "\n".join(f"  - {p}" for p in refused.problems)) from None
    chunks = mailjet.bundle_chunks(bundle)  # compact JSON, as the download
    if output == "-":
        for chunk in chunks:
            click.echo(chunk, nl=False)
        return
    _write_whole(output, chunks)
    count = counted(len(bundle["requests"]), "request")
    click.echo(f'Wrote the Mailjet bundle of "{campaign.name}" ({count}) to {output}.', err=True)


@export_group.command("brevo")
@click.argument("campaign_id", type=int)
@click.option("-o", "--output", "output", type=click.Path(dir_okay=False, writable=True), default="-",
              show_default=True, help="The file to write; - writes to standard output.")
def export_brevo(campaign_id: int, output: str) -> None:
    """Write the Brevo bundle of campaign CAMPAIGN_ID: the API v3 requests that create it in Brevo."""

    campaign = _plan(campaign_id)
    try:
        bundle = brevo.build_bundle(campaign)
    except brevo.BundleRefused as refused:
        raise click.ClickException(refused.message + "\n" + "\n".join(f"  - {p}" for p in refused.problems)) from None
    chunks = brevo.bundle_chunks(bundle)
    if output == "-":
        for chunk in chunks:
            click.echo(chunk, nl=False)
        return
    _write_whole(output, chunks)
    count = counted(len(bundle["requests"]), "request")
    click.echo(f'Wrote the Brevo bundle of "{campaign.name}" ({count}) to {output}.', err=True)


@export_group.command("map")
@click.argument("campaign_id", type=int)
@click.option("-o", "--output", "output", type=click.Path(dir_okay=False, writable=True), required=True,
              help="The file to write: a .pdf or a .png.")
@click.option("--format", "kind", type=click.Choice(map_file.FORMATS), default=None,
              help="pdf or png; by default the file name's suffix says.")
@click.option("--lang", type=click.Choice(list(LANGUAGES)), default=None,
              help="The language of the map's words; by default the campaign's (de for de_DE), else en.")
@click.option("--base-url", default="http://127.0.0.1:5000", show_default=True,
              help="Where Journeymail is served: the links in the PDF point there.")
def export_map(campaign_id: int, output: str, kind: str | None, lang: str | None, base_url: str) -> None:
    """Write the journey map of campaign CAMPAIGN_ID as a PDF (A4 landscape) or a PNG, as GET
    /campaigns/ID/export/map.pdf (or map.png) gives it. Needs Chromium (Debian's chromium package)."""

    if kind is None:
        kind = os.path.splitext(output)[1].lower().lstrip(".")
        if kind not in map_file.FORMATS:
            raise click.ClickException("Name the format with --format pdf or --format png, or end the file name "
                                       "in .pdf or .png.")
    campaign = _plan(campaign_id)
    language = lang or _language_of(campaign)
    try:
        with current_app.test_request_context("/", base_url=base_url), force_locale(language):
            body = map_file.map_file(campaign, kind)  # type: ignore[arg-type]
    except chromium.Unavailable as unavailable:
        raise click.ClickException(unavailable.message) from None
    _write_whole(output, [body])
    click.echo(f'Wrote the journey map of "{campaign.name}" ({kind.upper()}, {max(1, len(body) // 1024)} KB, in '
               f"{LANGUAGES[language]}) to {output}.", err=True)


def _language_of(campaign: Campaign) -> str:
    """The app's language nearest the campaign's locale: de_DE, de_AT -> de; anything else -> en."""
    code = (campaign.locale or "").split("_")[0].lower()
    return code if code in LANGUAGES else DEFAULT_LANGUAGE


def _plan(campaign_id: int) -> Campaign:
    """The campaign with everything an export reads loaded up front (campaigns.cells.plan_or_404). Commands
    are run by whoever runs the server: they work in the campaign's own workspace."""
    try:
        found = db.session.get(Campaign, campaign_id) if 1 <= campaign_id <= MAX_ID else None
        if found is None:
            abort(404)
        current.use_workspace(found.workspace, "owner")
        return plan_or_404(campaign_id)
    except NotFound:
        raise click.ClickException(f"There is no campaign with ID {campaign_id}.") from None


def _write_whole(path: str, text: str | Iterable[bytes]) -> None:
    """Write through a temporary file beside the target, so a failed write never leaves half a bundle."""
    directory = os.path.dirname(os.path.abspath(path))
    fd, temporary = tempfile.mkstemp(prefix=".export-", suffix=".part", dir=directory)
    try:
        with os.fdopen(fd, "wb") as handle:
            for chunk in [text.encode("utf-8")] if isinstance(text, str) else text:
                handle.write(chunk)
        os.replace(temporary, path)
    except BaseException:
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise


@push_group.command("mailjet")
@click.argument("bundle_path", metavar="BUNDLE", type=click.Path(exists=True, dir_okay=False, allow_dash=True))
@click.option("--list-id", type=click.IntRange(1, 2**63 - 1), required=True,
              help="The ID of the Mailjet contact list the campaign drafts send to.")
def push_mailjet(bundle_path: str, list_id: int) -> None:
    """Replay a Mailjet BUNDLE against the API (MAILJET_API_KEY and MAILJET_API_SECRET from the environment).

    Objects are looked up by name first: what an earlier push created is found and brought up to date,
    so running the same push twice creates nothing new, and a push that stopped carries on."""

    config = current_app.config
    adapter = esp.adapter("mailjet")
    credentials = adapter.credentials(config)
    if credentials is None:
        raise click.ClickException(str(mailjet_push.CREDENTIALS_MISSING))
    result = PushResult()
    try:
        bundle = mailjet_push.load_bundle(_read(bundle_path))
        click.echo(f"Pushing {len(bundle['requests'])} requests to {credentials.api_url} ...")
        result = replay.push(
            adapter, bundle, credentials=credentials, inputs={mailjet.LIST_REF: list_id}, ledger=MemoryLedger(),
            progress=lambda done, total, step: click.echo(f"  {step}"),
            max_retries=int(config.get("ESP_PUSH_MAX_RETRIES", 5)),
            backoff=float(config.get("ESP_PUSH_BACKOFF_SECONDS", 1)),
        )
    except PushError as error:
        if error.result is not None and error.result.steps:
            click.echo(f"Before the error: {_counts(error.result)}.", err=True)
        raise click.ClickException(error.message) from None
    click.echo(f"Done: {_counts(result)}; the campaign drafts send to list {list_id}.")


@push_group.command("brevo")
@click.argument("bundle_path", metavar="BUNDLE", type=click.Path(exists=True, dir_okay=False, allow_dash=True))
def push_brevo(bundle_path: str) -> None:
    """Replay a Brevo BUNDLE against the API (BREVO_API_KEY from the environment).

    Objects are looked up by name first: what an earlier push created is found and brought up to date, so
    running the same push twice creates nothing new, and a push that stopped carries on. The campaign's
    contact lists (one per segment, in the folder "Journeymail") start empty: fill each with its segment."""

    config = current_app.config
    adapter = esp.adapter("brevo")
    credentials = adapter.credentials(config)
    if credentials is None:
        raise click.ClickException(str(adapter.missing_credentials))
    result = PushResult()
    try:
        bundle = brevo_push.load_bundle(_read(bundle_path))
        click.echo(f"Pushing {len(bundle['requests'])} requests to {credentials.api_url} ...")
        result = replay.push(
            adapter, bundle, credentials=credentials, inputs={}, ledger=MemoryLedger(),
            progress=lambda done, total, step: click.echo(f"  {step}"),
            max_retries=int(config.get("ESP_PUSH_MAX_RETRIES", 5)),
            backoff=float(config.get("ESP_PUSH_BACKOFF_SECONDS", 1)),
        )
    except PushError as error:
        if error.result is not None and error.result.steps:
            click.echo(f"Before the error: {_counts(error.result, brevo_push.summary, 'Brevo')}.", err=True)
        raise click.ClickException(error.message) from None
    click.echo(f"Done: {_counts(result, brevo_push.summary, 'Brevo')}. The email campaigns send to a contact list "
               f'per segment in the folder "{brevo.FOLDER_NAME}": fill each with its segment\'s contacts before '
               "you send.")


def _counts(result: PushResult, summary: Callable[..., str] = mailjet_push.summary, esp_name: str = "Mailjet") -> str:
    return (f"created {summary(result.steps, 'created')}, found "
            f"{summary(result.steps, 'reused')} already in {esp_name}, updated "
            f"{summary(result.steps, 'updated')}")


def _read(path: str) -> bytes:
    if path == "-":
        return sys.stdin.buffer.read()
    with open(path, "rb") as handle:
        return handle.read()


# --- campaign JSON: `export campaign ID -o FILE` and `import campaign FILE` -----------------
# (the document of exports/documents.py, the same as GET /campaigns/<id>/export/campaign.json)

def _workspace(name: str | None) -> Workspace:
    if name:
        found = accounts.workspace_named(name)
        if found is None:
            raise click.ClickException(f"There is no workspace named {name!r}.")
        return found
    every = list(db.session.scalars(db.select(Workspace).order_by(Workspace.name).limit(2)))
    if len(every) != 1:
        raise click.ClickException("Name the workspace to import into with --workspace NAME." if every else
                                   "There is no workspace yet: create a user first (flask --app wsgi users create).")
    return every[0]


import_group = AppGroup("import", help="Import a campaign document (campaign.json) as a new campaign.")


@export_group.command("campaign")
@click.argument("campaign_id", type=int)
@click.option("-o", "--output", "output", type=click.Path(dir_okay=False, writable=True), default="-",
              show_default=True, help="The file to write; - writes to standard output.")
def export_campaign(campaign_id: int, output: str) -> None:
    """Write campaign CAMPAIGN_ID as a campaign document, which `import campaign` reads back."""

    campaign = _plan(campaign_id)
    text = documents.export_json(campaign).decode("utf-8")
    if output == "-":
        click.echo(text, nl=False)
        return
    _write_whole(output, text)
    click.echo(f'Wrote the campaign document of "{campaign.name}" to {output}.', err=True)


@import_group.command("campaign")
@click.argument("path", metavar="FILE", type=click.Path(exists=True, dir_okay=False, allow_dash=True))
@click.option("--workspace", help="The workspace to import into (its name); needed when there are several.")
def import_campaign(path: str, workspace: str | None) -> None:
    """Create a new campaign from the campaign document FILE (- reads standard input); a refused one writes nothing."""

    current.use_workspace(_workspace(workspace), "owner")
    try:
        imported = documents.import_document(documents.parse_file(_read(path)))
    except documents.UnreadableFile as error:
        raise click.ClickException(str(error)) from None
    except ServiceError as error:
        db.session.rollback()
        if not error.fields:
            raise click.ClickException(error.message) from None
        listed = [f"  - {where}: {message}" for where, message in error.fields.items()]
        raise click.ClickException("\n".join(["Nothing was imported; the document has these problems:", *listed])) from None
    db.session.commit()
    for note in imported.notes:
        click.echo(note)
    campaign = imported.campaign
    click.echo(f'Created the campaign "{campaign.name}" (ID {campaign.id}) with {counted(len(campaign.phases), "phase")}, '
               f'{counted(len(campaign.touchpoints), "touchpoint")} and {counted(len(campaign.segments), "segment")}.')
