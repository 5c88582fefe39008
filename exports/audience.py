"""The audience step of a push: the campaign's contacts into the ESP's contact lists, after the bundle.

Mailjet (when the push has a contact list, `contactslist`):
1. the contacts CSV (contacts/export.py, without its header row) goes to the DATA API:
   POST /v3/DATA/contactslist/{list}/CSVData/text:plain, body the CSV, Content-Type text/plain -> {"ID": data}
2. POST /v3/REST/csvimport {"ContactsListID", "DataID", "Method": "addnoforce", "ImportOptions"}: ImportOptions
   is a JSON string holding FieldNames (the CSV's columns in order: email, segment, journey_phase, the bundle's
   properties), DateTimeFormat and TimezoneOffset, as Mailjet's docs describe it. "addnoforce" adds contacts
   and never resubscribes one who unsubscribed in Mailjet. Properties Mailjet does not know yet (journey_phase)
   it creates itself.
3. GET /v3/REST/csvimport/{id} until its Status is "Completed" (or "Error"), the job's progress showing how
   many contacts Mailjet has taken in.

Resumable through the push's ledger (exports/ledger.py, keyed by the list): the upload's DataID, the import's
ID and "done" are saved with a fingerprint of the CSV. A second push of the same contacts uploads nothing and
starts no import; a push stopped after the upload starts the import with the saved DataID; a push stopped while
Mailjet imports goes on polling the same import. When the contacts changed, the fingerprint differs and the
step runs afresh.

The CSV is written to a temporary file (flat memory at any size) and uploaded from it with its length.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import tempfile
import time
from collections.abc import Callable, Mapping
from typing import Any

from flask import current_app
from flask_babel import gettext as _

from accounts import current
from contacts import export as contacts_export

from .esp.base import Adapter, Credentials, Ledger, Progress, PushError
from .esp.replay import RetryingClient
from .mailjet import bundle as mailjet_bundle

DATA_KEY, IMPORT_KEY, DONE_KEY = "audience.csvdata", "audience.csvimport", "audience.done"
METHOD = "addnoforce"
DONE, FAILED = "Completed", "Error"


def data_url(credentials: Credentials, list_id: int) -> str:
    """Mailjet's DATA API beside its REST API: https://api.mailjet.com/v3/DATA/contactslist/{id}/CSVData/text:plain."""
    base = credentials.api_url.rstrip("/")
    base = base[: -len("/REST")] if base.endswith("/REST") else base
    return f"{base}/DATA/contactslist/{list_id}/CSVData/text:plain"


def import_options(fields: list[str]) -> str:
    return json.dumps({"DateTimeFormat": contacts_export.DATETIME_FORMAT, "TimezoneOffset": 0, "FieldNames": fields},
                      separators=(",", ":"))


def push_mailjet_contacts(campaign: Any, adapter: Adapter, credentials: Credentials, list_id: int, ledger: Ledger, *,
                          progress: Progress | None = None, sleep: Callable[[float], None] = time.sleep,
                          max_retries: int = 5, backoff: float = 1.0, poll_every: float | None = None,
                          max_polls: int | None = None) -> dict[str, Any]:
    """Upload and import the campaign's contacts into the list; {"contacts", "uploaded", "imported", "errors"}.
    Raises PushError when Mailjet refuses or its import fails."""
    config = current_app.config
    poll_every = float(config.get("MAILJET_IMPORT_POLL_SECONDS", 5)) if poll_every is None else poll_every
    max_polls = int(config.get("MAILJET_IMPORT_MAX_POLLS", 2880)) if max_polls is None else max_polls
    prepared = contacts_export.prepare(current.workspace_id(), [s.id for s in campaign.segments],
                                       campaign_id=campaign.id, properties=mailjet_bundle.properties(campaign))
    client = RetryingClient(adapter, credentials, sleep=sleep, max_retries=max_retries, backoff=backoff)
    with tempfile.TemporaryFile() as file:
        digest = hashlib.sha256(f"{list_id}\n{import_options(prepared.header)}\n".encode())
        tally = contacts_export.Tally()
        for chunk in prepared.chunks(tally, header=False):
            data = chunk.encode("utf-8")
            digest.update(data)
            file.write(data)
        length, fp = file.tell(), digest.hexdigest()
        outcome = {"contacts": tally.rows, "uploaded": False, "imported": False, "errors": 0}
        try:
            done = ledger.get(DONE_KEY)
            if done is not None and done[1] == fp:
                _say(progress, tally.rows, tally.rows, _("The contacts are in the Mailjet list %(list)s already",
                                                         list=list_id))
                return outcome
            saved = ledger.get(DATA_KEY)
            data_id = saved[0] if saved is not None and saved[1] == fp else None
            if data_id is None:
                _say(progress, 0, tally.rows, _("Uploading %(num)s contacts to Mailjet", num=tally.rows))

                def body() -> Any:
                    file.seek(0)
                    return iter(lambda: file.read(1 << 20), b"")

                answer = client.upload(data_url(credentials, list_id), body, length=length,
                                       content_type="text/plain",
                                       what=_("the upload of the contacts to list %(list)s", list=list_id))
                data_id = answer.get("ID") if isinstance(answer, dict) else None
                if not isinstance(data_id, int) or isinstance(data_id, bool):
                    raise PushError(_("Mailjet's answer to the contacts upload holds no ID."))
                ledger.save(DATA_KEY, data_id, fp)
                outcome["uploaded"] = True
            saved = ledger.get(IMPORT_KEY)
            import_id = saved[0] if saved is not None and saved[1] == fp else None
            if import_id is None:
                answer = client.send("POST", "csvimport", {"ContactsListID": list_id, "DataID": data_id,
                                                           "Method": METHOD,
                                                           "ImportOptions": import_options(prepared.header)},
                                     what=_("the import of the contacts into list %(list)s", list=list_id))
                import_id = adapter.id_in(answer)
                if import_id is None:
                    raise PushError(_("Mailjet's answer to the contacts import holds no ID."))
                ledger.save(IMPORT_KEY, import_id, fp)
            outcome["errors"] = _wait_for(client, import_id, tally.rows, progress, sleep, poll_every, max_polls)
            ledger.save(DONE_KEY, import_id, fp)
            outcome["imported"] = True
            return outcome
        finally:
            client.close()


def _wait_for(client: RetryingClient, import_id: int, total: int, progress: Progress | None,
              sleep: Callable[[float], None], poll_every: float, max_polls: int) -> int:
    """Poll the csvimport until Mailjet says Completed; how many rows it could not take (Errcount)."""
    what = _("the contacts import %(id)s", id=import_id)
    for _poll in range(max_polls):
        answer = client.get(f"csvimport/{import_id}", what=what)
        found = (answer or {}).get("Data") or [{}]
        state = found[0] if isinstance(found[0], dict) else {}
        status, count, errors = str(state.get("Status") or ""), _number(state.get("Count")), _number(state.get("Errcount"))
        if status == DONE:
            _say(progress, total, total, _("Mailjet imported the contacts (%(errors)s rows refused)", errors=errors))
            return errors
        if status == FAILED:
            raise PushError(_("Mailjet's import of the contacts (import %(id)s) ended with an error after %(count)s "
                              "of %(total)s rows. Its error file: GET /v3/DATA/BatchJob/%(id)s/CSVError/text:csv.",
                              id=import_id, count=count, total=total))
        _say(progress, min(count, total), total, _("Mailjet is importing the contacts (%(status)s)",
                                                   status=status or "?"))
        sleep(poll_every)
    raise PushError(_("Mailjet had not finished importing the contacts (import %(id)s) when the push stopped "
                      "waiting. Push again later: it goes on waiting for the same import.", id=import_id))


def _number(value: Any) -> int:
    try:
        return int(value or 0)
    except (TypeError, ValueError):
        return 0


def _say(progress: Progress | None, done: int, total: int, step: str) -> None:
    if progress is not None:
        progress(done, total, step)


def wants_contacts(values: Mapping[str, Any]) -> bool:
    """Whether a push form or JSON body asks for the contacts too ("contacts": true, 1, "1", "on", "yes")."""
    value = values.get("contacts")
    return value is True or value == 1 or (isinstance(value, str) and value.strip().lower() in ("1", "true", "on", "yes"))


# --- Brevo: a contacts import per segment's list, inside the bundle -----------------------------------------

BREVO_PART_BYTES = 8 * 1024 * 1024  # Brevo takes a fileBody of up to 10 MB; its docs advise about 8
PHASE_ATTRIBUTE = "JOURNEY_PHASE"


def with_brevo_contacts(bundle: dict[str, Any], campaign: Any) -> dict[str, Any]:
    """The Brevo bundle with the campaign's contacts: after the lists, a POST contacts/import per segment (and per
    8 MB part of it) into that segment's list, its fileBody a CSV with ";" whose header names Brevo's attributes
    in capitals (EMAIL, SEGMENT, JOURNEY_PHASE, the merge tags' attributes), and the JOURNEY_PHASE attribute
    among the attributes. A contact in several segments goes into the first one's list only, as in Mailjet's
    CSV. Each import has a ref and a stable name, so the push sends it once and again only when it changed.

    The contacts are inline, so such a bundle is as large as the audience (about 100 bytes a contact): it is
    built only when asked for (brevo.json?contacts=1, or a push with contacts), never by default."""
    from .brevo import bundle as brevo_bundle

    prepared = contacts_export.prepare(current.workspace_id(), [s.id for s in campaign.segments],
                                       campaign_id=campaign.id, properties=mailjet_bundle.properties(campaign))
    requests = list(bundle["requests"])
    attributes = [r for r in requests if r["path"].startswith("contacts/attributes/")]
    known = {str(r.get("name")) for r in attributes} | {"EMAIL", PHASE_ATTRIBUTE}
    keep = [i for i, name in enumerate(prepared.header) if name.upper() in known]  # Brevo's attribute names only
    header = [prepared.header[i].upper() for i in keep]
    parts: dict[int, list[io.StringIO]] = {}
    for index, cells in prepared.rows():
        files = parts.setdefault(index, [])
        if not files or files[-1].tell() > BREVO_PART_BYTES:
            files.append(io.StringIO())
            csv.writer(files[-1], delimiter=";", lineterminator="\n").writerow(header)
        csv.writer(files[-1], delimiter=";", lineterminator="\n").writerow([cells[i] for i in keep])
    if not any(r.get("name") == PHASE_ATTRIBUTE for r in attributes):
        requests.insert(len(attributes), {"method": "POST", "path": f"contacts/attributes/normal/{PHASE_ATTRIBUTE}",
                                          "body": {"type": "text"}, "ref": f"attribute.{PHASE_ATTRIBUTE}",
                                          "name": PHASE_ATTRIBUTE})
    lists = {r["ref"]: r for r in requests if r["path"] == "contacts/lists"}
    slugs = contacts_export._slugs(campaign.segments)
    after = max((i for i, r in enumerate(requests) if r["path"] == "contacts/lists"), default=len(requests) - 1) + 1
    imports = []
    for index, segment in enumerate(campaign.segments):
        list_ref = brevo_bundle.list_ref(slugs[segment.id])
        if list_ref not in lists:
            continue
        for number, file in enumerate(parts.get(index, []), 1):
            imports.append({
                "method": "POST", "path": "contacts/import",
                "body": {"fileBody": file.getvalue(), "listIds": [mailjet_bundle.ref(list_ref)],
                         "updateExistingContacts": True, "emptyContactsAttributes": False},
                "ref": f"import.{slugs[segment.id]}.{number}", "name": f"{lists[list_ref]['name']} / {number}",
            })
    requests[after:after] = imports
    return {**bundle, "requests": requests}
