"""The import form: a campaign document uploaded as a file."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired

from journeymail.forms import ServiceForm


class ImportForm(ServiceForm):
    document = FileField(
        _l("Campaign file"),
        validators=[FileRequired(_l("Choose a campaign file (.json) to import."))],
        description=_l("A campaign.json downloaded from a campaign's export page, here or on another Journeymail "
                       "(gzipped as campaign.json.gz too)."),
    )
