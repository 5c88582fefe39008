"""HTML forms for campaigns, phases and touchpoints; the services validate what they send."""

from __future__ import annotations

import json
from typing import Any

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
from campaigns.frameworks import FRAMEWORKS

from .kinds import CAPTURE_KINDS, EMAIL_KINDS
from .models import MAP_STATES

# Choices as SelectChoice: WTForms 3.3 deprecates (value, label) tuples, and never understood a (group, [...]) tuple.
EMOTIONS = [
    SelectChoice("2", "+2 delighted"),
    SelectChoice("1", "+1 pleased"),
    SelectChoice("0", "0 neutral"),
    SelectChoice("-1", "−1 uneasy"),
    SelectChoice("-2", "−2 frustrated"),
]


class CampaignForm(ServiceForm):
    name = StringField("Name", description="What your team calls this campaign.")
    goal = TextAreaField("Goal", description="What should the customer do at the end? (subscribe, order, book a demo…)")
    description = TextAreaField("Description")
    framework = SelectField(
        "Journey framework",
        choices=[SelectChoice(f.key, f.name) for f in FRAMEWORKS.values()],
        validate_choice=False,
        description="Its phases are copied into the campaign; you can rename, reorder, add and remove them later.",
    )
    map_state = RadioField(
        "Map", choices=[SelectChoice(k, v) for k, v in MAP_STATES.items()], default="future", validate_choice=False
    )
    sender_name = StringField("Sender name")
    sender_email = EmailField("Sender email")
    reply_to = EmailField("Reply-to", description="Optional; replies go to the sender email when empty.")
    locale = StringField("Locale", default="en_US", description="Language and country, e.g. en_US or de_DE.")
    sample_data = TextAreaField(
        "Default values",
        description='Merge-tag values every preview starts from, as a JSON object, e.g. {"firstname": "there"}; '
                    "a segment's sample data overrides them.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        obj = kwargs.get("obj")
        if obj is not None and not self.is_submitted():
            self.sample_data.data = json.dumps(obj.sample_data or {}, indent=2, ensure_ascii=False)


class CampaignEditForm(CampaignForm):
    framework = None  # switched on its own page, with a mapping of the phases (campaigns.framework_switch)


class PhaseForm(ServiceForm):
    name = StringField("Name")
    description = TextAreaField("Customer goal", description="What the customer wants to achieve in this phase.")
    emotion = SelectField("Emotion", choices=EMOTIONS, default="0", validate_choice=False)
    pain_points = TextAreaField("Pain points", description="One per line.")
    opportunities = TextAreaField("Opportunities", description="What we do about the pain points; one per line.")


class TouchpointForm(ServiceForm):
    phase_id = SelectField("Phase", validate_choice=False)
    kind = SelectField(
        "Kind",
        choices=[
            *(SelectChoice(k.key, k.label, optgroup="Captures an address") for k in CAPTURE_KINDS),
            *(SelectChoice(k.key, k.label, optgroup="Sends an email") for k in EMAIL_KINDS),
        ],
        default="welcome",
        validate_choice=False,
    )
    name = StringField("Name")
    trigger = StringField(
        "Trigger",
        description='What the contact did, e.g. "signs up". When it sends after another touchpoint, '
                    'a condition, e.g. "left a good review".',
    )
    follows_id = SelectField(
        "Sends after", validate_choice=False,
        description="Its trigger, or another touchpoint: then its days count from when that one is sent.",
    )  # choices: the view's
    send_offset_days = IntegerField(
        "Send after (days)", default=0, widget=NumberInput(min=0, max=3650),
        description="Days after the trigger, or after the touchpoint it sends after; 0 sends at once.",
    )
    cta = StringField("Call to action", description='What the reader should do, e.g. "Book a demo".')
    segment_ids = SelectMultipleField("Sent to", coerce=int, validate_choice=False)  # rendered as checkboxes
    subject = StringField("Subject")
    preheader = StringField("Preheader", description="The preview text shown after the subject in the inbox.")
