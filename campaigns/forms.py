"""HTML forms for campaigns, phases and touchpoints; the services validate what they send."""

from __future__ import annotations

import json
from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import (
    EmailField,
    IntegerField,
    RadioField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.widgets import NumberInput

from journeymail.forms import ServiceForm
from journeymail.i18n import language
from campaigns.frameworks import FRAMEWORKS, frameworks_in

from .kinds import CAPTURE_KINDS, EMAIL_KINDS, LABELS
from .models import ADDRESS_FORMS, MAP_STATES

# Choices as SelectChoice: WTForms 3.3 deprecates (value, label) tuples, and never understood a (group, [...]) tuple.
EMOTIONS = [
    SelectChoice("2", _l("+2 delighted")),
    SelectChoice("1", _l("+1 pleased")),
    SelectChoice("0", _l("0 neutral")),
    SelectChoice("-1", _l("−1 uneasy")),
    SelectChoice("-2", _l("−2 frustrated")),
]

EMOTION_LABELS = {2: _l("delighted"), 1: _l("pleased"), 0: _l("neutral"), -1: _l("uneasy"), -2: _l("frustrated")}


class CampaignForm(ServiceForm):
    name = StringField(_l("Name"), description=_l("What your team calls this campaign."))
    goal = TextAreaField(_l("Goal"), description=_l("What should the customer do at the end? (subscribe, order, book a demo…)"))
    goal_kpi = StringField(_l("KPI"), description=_l('How you measure the goal, e.g. "Trial-to-paid conversion".'))
    goal_target = StringField(_l("Target"), description=_l('The value you aim for, e.g. "20 %".'))
    persona_id = SelectField(
        _l("Main persona"), validate_choice=False,
        description=_l("Whose journey this is. Start with your most common customer."),
    )  # choices: the view's (segments.forms.persona_choices)
    touchpoint_effects = TextAreaField(
        _l("How the touchpoints affect one another"),
        description=_l("E.g. the webinar only works if the case study came first; one per line."),
    )
    description = TextAreaField(_l("Description"))
    framework = SelectField(
        _l("Journey framework"),
        choices=[SelectChoice(f.key, f.name) for f in FRAMEWORKS.values()],
        validate_choice=False,
        description=_l("Its phases are copied into the campaign; you can rename, reorder, add and remove them later."),
    )
    map_state = RadioField(
        _l("Map"), choices=[SelectChoice(k, v) for k, v in MAP_STATES.items()], default="future", validate_choice=False
    )
    sender_name = StringField(_l("Sender name"))
    sender_email = EmailField(_l("Sender email"))
    reply_to = EmailField(_l("Reply-to"), description=_l("Optional; replies go to the sender email when empty."))
    locale = StringField(_l("Locale"), default="en_US", description=_l("Language and country, e.g. en_US or de_DE."))
    address_form = RadioField(
        _l("Address form"), choices=[SelectChoice(k, v) for k, v in ADDRESS_FORMS.items()], default="formal",
        validate_choice=False,
        description=_l("How German emails address the reader; new emails start from the starters of that form."),
    )
    sample_data = TextAreaField(
        _l("Default values"),
        description=_l('Merge-tag values every preview starts from, as a JSON object, e.g. {"firstname": "there"}; '
                       "a segment's sample data overrides them."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.framework is not None:  # the frameworks in the user's language
            self.framework.choices = [SelectChoice(f.key, f.name) for f in frameworks_in(language()).values()]
        obj = kwargs.get("obj")
        if obj is not None and not self.is_submitted():
            self.sample_data.data = json.dumps(obj.sample_data or {}, indent=2, ensure_ascii=False)
            self.persona_id.data = str(obj.persona_id) if obj.persona_id else ""


class CampaignEditForm(CampaignForm):
    framework = None  # switched on its own page, with a mapping of the phases (campaigns.framework_switch)


class PhaseForm(ServiceForm):
    name = StringField(_l("Name"))
    description = TextAreaField(_l("Customer goal"), description=_l("What the customer wants to achieve in this phase."))
    emotion = SelectField(_l("Emotion"), choices=EMOTIONS, default="0", validate_choice=False)
    pain_points = TextAreaField(_l("Pain points"), description=_l("One per line."))
    opportunities = TextAreaField(_l("Opportunities"), description=_l("What we do about the pain points; one per line."))
    content_needs = TextAreaField(
        _l("Content needed"), description=_l("What content this phase needs: guides, case studies, offers; one per line."),
    )


class TouchpointForm(ServiceForm):
    phase_id = SelectField(_l("Phase"), validate_choice=False)
    kind = SelectField(
        _l("Kind"),
        choices=[
            *(SelectChoice(k.key, LABELS[k.key], optgroup=_l("Captures an address")) for k in CAPTURE_KINDS),
            *(SelectChoice(k.key, LABELS[k.key], optgroup=_l("Sends an email")) for k in EMAIL_KINDS),
        ],
        default="welcome",
        validate_choice=False,
    )
    name = StringField(_l("Name"))
    trigger = StringField(
        _l("Trigger"),
        description=_l('What the contact did, e.g. "signs up". When it sends after another touchpoint, '
                       'a condition, e.g. "left a good review".'),
    )
    follows_id = SelectField(
        _l("Sends after"), validate_choice=False,
        description=_l("Its trigger, or another touchpoint: then its days count from when that one is sent."),
    )  # choices: the view's
    send_offset_days = IntegerField(
        _l("Send after (days)"), default=0, widget=NumberInput(min=0, max=3650),
        description=_l("Days after the trigger, or after the touchpoint it sends after; 0 sends at once."),
    )
    cta = StringField(_l("Call to action"), description=_l('What the reader should do, e.g. "Book a demo".'))
    feeling = StringField(_l("How people feel here"), description=_l('E.g. "curious, but short of time".'))
    segment_ids = SelectMultipleField(_l("Sent to"), coerce=int, validate_choice=False)  # rendered as checkboxes
    subject = StringField(_l("Subject"))
    preheader = StringField(_l("Preheader"), description=_l("The preview text shown after the subject in the inbox."))
