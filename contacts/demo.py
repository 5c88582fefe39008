"""Demo audiences: rules for the demo segments that follow their action, and a few hundred demo contacts
(English and German) with engagement, consent and properties, so the rule pages show real counts.

`seed_demo()` is called by `flask --app wsgi seed-demo` after the demo campaigns exist. It is repeatable: a
segment that has a rule keeps it, and the contacts are added only while the workspace holds none of them.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta, timezone
from decimal import Decimal

from sqlalchemy import func

from accounts import current
from journeymail.extensions import db
from segments.models import Segment, name_key

from . import rules
from .models import Contact, ContactProperty, search_key

# demo segment -> the preset its action is (campaigns/demo.py and demo_de.py name them)
SEGMENT_PRESETS = {
    "Engaged evaluators": "clicks",  # "Clicks through for more information and offers"
    "Casual browsers": "opens_no_clicks",  # "Opens and reads, but does not click"
    "Dormant subscribers": "no_engagement",  # "Does not engage at all"
    "Aufstiegsorientierte": "clicks",  # "Klickt sich für mehr Informationen und Angebote durch"
    "Stille Mitlesende": "opens_no_clicks",  # "Öffnet und liest, klickt aber nicht"
    "Inaktive Kontakte": "no_engagement",  # "Reagiert überhaupt nicht"
}
DOMAIN_EN = "demo.journeymail.example"
DOMAIN_DE = "demo-de.journeymail.example"
PER_LANGUAGE = 200

FIRST_EN = ["Alex", "Sam", "Jordan", "Taylor", "Morgan", "Casey", "Riley", "Jamie", "Avery", "Quinn", "Drew",
            "Robin", "Hayden", "Emerson", "Parker", "Rowan", "Skyler", "Reese", "Dakota", "Elliot"]
LAST_EN = ["Smith", "Johnson", "Brown", "Williams", "Miller", "Davis", "Wilson", "Clark", "Lewis", "Walker",
           "Young", "Hall", "Allen", "King", "Wright", "Scott", "Green", "Baker", "Adams", "Nelson"]
FIRST_DE = ["Jürgen", "Anna", "Lukas", "Sophie", "Maximilian", "Lea", "Jörg", "Hannah", "Felix", "Marie",
            "Björn", "Lena", "Tobias", "Jülide", "Matthias", "Katrin", "Özlem", "Stefan", "Grete", "Sören"]
LAST_DE = ["Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker", "Schäfer", "Koch",
           "Bauer", "Richter", "Klein", "Wolf", "Schröder", "Neumann", "Schwarz", "Krüger", "Hoffmann", "Strauß"]
CITIES_EN = ["London", "Manchester", "Dublin", "Boston", "Toronto", "Sydney"]
CITIES_DE = ["Köln", "München", "Düsseldorf", "Hamburg", "Wien", "Zürich", "Graz", "Leipzig"]
PLANS = ["free", "starter", "pro", "team"]


def seed_demo() -> tuple[int, int]:
    """Give the demo segments their rules and the workspace its demo contacts: (rules set, contacts added)."""
    contacts = _seed_contacts()
    set_count = 0
    for name, key in SEGMENT_PRESETS.items():
        segment = db.session.scalar(current.scoped(Segment).where(Segment.name_key == name_key(name)))
        if segment is None or rules.rule_of(segment.id) is not None:
            continue
        preset = rules.preset(key)
        assert preset is not None
        rules.set_rule(segment, preset.rule)
        set_count += 1
    return set_count, contacts


def _seed_contacts() -> int:
    held = db.session.scalar(current.scoped(Contact, func.count()).where(
        Contact.email_key.endswith(f"@{DOMAIN_EN}") | Contact.email_key.endswith(f"@{DOMAIN_DE}")))
    if held:
        return 0
    chance = random.Random(13)  # the same demo every time
    now = datetime.now(timezone.utc).replace(second=0, microsecond=0)
    added = 0
    for german in (False, True):
        first, last = (FIRST_DE, LAST_DE) if german else (FIRST_EN, LAST_EN)
        domain = DOMAIN_DE if german else DOMAIN_EN
        seen = set()
        while len(seen) < PER_LANGUAGE:
            given, family = chance.choice(first), chance.choice(last)
            local = f"{_ascii(given)}.{_ascii(family)}"
            if local in seen:
                local = f"{local}{len(seen)}"
            seen.add(local)
            db.session.add(_contact(chance, now, f"{given} {family}", f"{local}@{domain}", german))
            added += 1
    db.session.flush()
    return added


def _ascii(text: str) -> str:
    for umlaut, spelled in (("ä", "ae"), ("ö", "oe"), ("ü", "ue"), ("ß", "ss"), ("Ä", "ae"), ("Ö", "oe"), ("Ü", "ue")):
        text = text.replace(umlaut, spelled)
    return text.lower()


def _contact(chance: random.Random, now: datetime, name: str, email: str, german: bool) -> Contact:
    """One contact in one of the three action groups, a few of them unsubscribed or bounced."""
    group = chance.choices(("clicks", "opens", "dormant"), weights=(30, 35, 35))[0]
    opted_in = now - timedelta(days=chance.randint(100, 900))
    last_open = last_click = None
    opens = clicks = 0
    if group == "clicks":
        last_click = now - timedelta(days=chance.randint(0, 85), hours=chance.randint(0, 23))
        last_open = last_click - timedelta(hours=chance.randint(0, 48))
        opens, clicks = chance.randint(4, 40), chance.randint(1, 12)
    elif group == "opens":
        last_open = now - timedelta(days=chance.randint(0, 85), hours=chance.randint(0, 23))
        opens = chance.randint(1, 25)
        if chance.random() < 0.4:  # clicked once, long ago
            last_click, clicks = now - timedelta(days=chance.randint(120, 400)), 1
    elif chance.random() < 0.6:  # opened long ago, then fell silent
        last_open, opens = now - timedelta(days=chance.randint(100, 500)), chance.randint(1, 6)
    status = chance.choices(("subscribed", "unsubscribed", "bounced"), weights=(92, 6, 2))[0]
    double = chance.random() < 0.8
    contact = Contact(
        email=email, email_key=search_key(email), name=name, name_key=search_key(name), status=status,
        opens=opens, clicks=clicks, last_open_at=last_open, last_click_at=last_click, opted_in_at=opted_in,
        confirmed_at=opted_in + timedelta(minutes=chance.randint(2, 600)) if double else None,
        consent_source=chance.choice(("Webformular Newsletter", "Messe Köln", "Webinar-Anmeldung") if german else
                                     ("Website signup form", "Trial signup", "Webinar registration")),
        double_opt_in=double, workspace_id=current.workspace_id(),
    )
    contact.properties = [
        ContactProperty(name="city", type="string", string_value=chance.choice(CITIES_DE if german else CITIES_EN)),
        ContactProperty(name="language", type="string", string_value="de" if german else "en"),
        ContactProperty(name="plan", type="string", string_value=chance.choice(PLANS)),
        ContactProperty(name="orders", type="integer", integer_value=chance.randint(0, 12)),
        ContactProperty(name="revenue", type="decimal",
                        decimal_value=Decimal(chance.randint(0, 250_000)) / 100),
        ContactProperty(name="customer", type="boolean", boolean_value=chance.random() < 0.4),
    ]
    return contact


def demo_members() -> dict[str, int]:
    """How many contacts each demo segment of the workspace holds (for the seed command's output)."""
    found = {}
    for segment in db.session.scalars(current.scoped(Segment)):
        rule = rules.rule_of(segment.id)
        if rule is not None and segment.name in SEGMENT_PRESETS:
            found[segment.name] = rules.count_matching(rule)
    return found

