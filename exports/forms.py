"""The import form: a campaign document uploaded as a file."""

from __future__ import annotations

from flask_wtf.file import FileField, FileRequired

from journeymail.forms import ServiceForm


class ImportForm(ServiceForm):
    document = FileField(
        "Campaign file",
        validators=[FileRequired("Choose a campaign file (.json) to import.")],
        description="A campaign.json downloaded from a campaign's export page, here or on another Journeymail "
                    "(gzipped as campaign.json.gz too).",
    )
