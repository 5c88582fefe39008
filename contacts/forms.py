"""The upload form of the contacts import (the second step's fields are one per column: views.py reads them)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import Length, Optional

from journeymail.forms import ServiceForm


class UploadForm(ServiceForm):
    file = FileField(_l("CSV file"), validators=[FileRequired(_l("Choose a CSV file with your contacts."))],
                     description=_l("Exported from your ESP, CRM or Excel: comma, semicolon or tab separated, in "
                                    "any common encoding. Nothing is imported before you have checked the next page."))
    source = StringField(_l("Source (optional)"), validators=[Optional(), Length(max=100)],
                         description=_l("Where the list comes from, e.g. “Shop newsletter”: its mapping is offered "
                                        "again next time."))


class PlacePhaseForm(ServiceForm):
    """Put the contacts a rule holds into one phase of a campaign (views.contact_phases fills the choices)."""

    phase_id = SelectField(_l("Phase"), coerce=int, validate_choice=False)
    source = SelectField(_l("Which contacts"), validate_choice=False,
                         description=_l("A targeted segment's rule, a preset, or a rule of your own written below."))
    rule = TextAreaField(_l("Rule (JSON)"), validators=[Optional(), Length(max=20000)],
                         description=_l('Only for “A rule of my own”, e.g. {"all": [{"field": "opens", "op": "gt", '
                                        '"value": 3}]}.'))
