"""The upload form of the contacts import (the second step's fields are one per column: views.py reads them)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import StringField
from wtforms.validators import Length, Optional

from journeymail.forms import ServiceForm


class UploadForm(ServiceForm):
    file = FileField(_l("CSV file"), validators=[FileRequired(_l("Choose a CSV file with your contacts."))],
                     description=_l("Exported from your ESP, CRM or Excel: comma, semicolon or tab separated, in "
                                    "any common encoding. Nothing is imported before you have checked the next page."))
    source = StringField(_l("Source (optional)"), validators=[Optional(), Length(max=100)],
                         description=_l("Where the list comes from, e.g. “Shop newsletter”: its mapping is offered "
                                        "again next time."))
