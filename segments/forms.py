"""HTML forms for segments and personas; the services validate what they send."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import SelectChoice, SelectField, StringField, TextAreaField

from journeymail.forms import ServiceForm

from .models import Persona


def persona_choices(personas: Iterable[Persona]) -> list[SelectChoice]:
    """The choices of a persona field: none, then the workspace's personas."""
    return [SelectChoice("", _l("— no persona —")), *(SelectChoice(str(p.id), p.name) for p in personas)]


class PersonaForm(ServiceForm):
    name = StringField(_l("Name"), description=_l('A first name and a hint, e.g. "Maya, the agency lead".'))
    quote = StringField(_l("Quote"), description=_l("A short sentence in their own words."))
    role = StringField(_l("Role and demographics"), description=_l("Job, age, place, situation: what matters here."))
    goals = TextAreaField(_l("Goals"), description=_l("What they want to achieve; one per line."))
    needs = TextAreaField(_l("Needs"), description=_l("What they need from us to get there; one per line."))
    motives = TextAreaField(_l("Motives"), description=_l("Why they act: what drives them; one per line."))
    sources = TextAreaField(
        _l("Sources"), description=_l("What the persona is based on: interviews, surveys, analytics, sales notes.")
    )


class SegmentForm(ServiceForm):
    name = StringField(_l("Name"), description=_l('A short handle your team will recognise, e.g. "Busy founders".'))
    description = TextAreaField(_l("Description"))
    motivation = StringField(_l("Motivation"), description=_l("Why do they read our emails?"))
    action = StringField(_l("Action"), description=_l("What do they actually do with our emails?"))
    obstacle = StringField(_l("Obstacle"), description=_l("What keeps them from acting as we wish?"))
    opportunity = TextAreaField(_l("Opportunity"), description=_l("What we will do about the obstacle."))
    persona_id = SelectField(
        _l("Persona"), validate_choice=False, description=_l("Whose segment this is: the persona it belongs to."),
    )  # choices: the view's (persona_choices)
    sample_data = TextAreaField(
        _l("Sample data"),
        description=_l('Merge-tag values for previews, as a JSON object, e.g. {"firstname": "Ada", "company": "Loom & Co"}.'),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        obj = kwargs.get("obj")
        if obj is not None and not self.is_submitted():
            self.persona_id.data = str(obj.persona_id) if obj.persona_id else ""
            self.sample_data.data = json.dumps(obj.sample_data or {}, indent=2, ensure_ascii=False)
