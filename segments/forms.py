"""HTML form for segments; the service validates what it sends."""

from __future__ import annotations

import json
from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import StringField, TextAreaField

from journeymail.forms import ServiceForm


class SegmentForm(ServiceForm):
    name = StringField(_l("Name"), description=_l('A short handle your team will recognise, e.g. "Busy founders".'))
    description = TextAreaField(_l("Description"))
    motivation = StringField(_l("Motivation"), description=_l("Why do they read our emails?"))
    action = StringField(_l("Action"), description=_l("What do they actually do with our emails?"))
    obstacle = StringField(_l("Obstacle"), description=_l("What keeps them from acting as we wish?"))
    opportunity = TextAreaField(_l("Opportunity"), description=_l("What we will do about the obstacle."))
    sample_data = TextAreaField(
        _l("Sample data"),
        description=_l('Merge-tag values for previews, as a JSON object, e.g. {"firstname": "Ada", "company": "Loom & Co"}.'),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        obj = kwargs.get("obj")
        if obj is not None and not self.is_submitted():
            self.sample_data.data = json.dumps(obj.sample_data or {}, indent=2, ensure_ascii=False)
