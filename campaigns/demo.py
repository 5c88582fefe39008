"""Demo data: a B2B social-media planning tool winning trial users, on the seven-phase journey.

Everything goes through the services, so the demo is built exactly as a user would build it. The emails
themselves are written out in demo_emails: all finished but one, left unfinished on purpose.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from accounts import current
from journeymail.extensions import db
from segments import services as segments
from segments.models import Persona, Segment, name_key

from . import services as campaigns
from .demo_emails import EMAILS
from .models import Campaign

# Who the journey is for: the most common customer first (the campaign's main persona), then a second one.
PERSONAS = [
    {
        "name": "Maya, the agency lead",
        "quote": "I want one plan the whole team can follow, without another meeting about it.",
        "role": "Head of social media at a 12-person agency in Hamburg, 34; plans for eight clients at once",
        "goals": "Plan a month of posts for every client in one afternoon\nGive clients a calendar they can approve\n"
                 "Win back the evenings spent on spreadsheets",
        "needs": "Proof that the tool fits a small team\nA quick set-up without moving old posts by hand\n"
                 "A personal contact when something breaks",
        "motives": "Looks competent in front of clients\nWants her team to stop working late",
        "sources": "Twelve customer interviews (spring 2026), the trial sign-up survey, support tickets of agency "
                   "customers.",
    },
    {
        "name": "Jonas, the solo marketer",
        "quote": "Social media is one of my ten jobs. It has to be quick or it does not happen.",
        "role": "Marketing manager at a 60-person manufacturer, 41; does social media on the side",
        "goals": "Post regularly without thinking about it every day\nShow the managing director some numbers",
        "needs": "Ready-made ideas and templates\nOne clear next step per email",
        "motives": "Keeps his company visible with little effort\nAvoids tools that need training",
        "sources": "Web analytics of the e-book downloads, five sales calls, newsletter click data.",
    },
]

# The persona each segment belongs to (segment name -> persona name).
SEGMENT_PERSONAS = {
    "Engaged evaluators": "Maya, the agency lead",
    "Casual browsers": "Jonas, the solo marketer",
    "Dormant subscribers": "Jonas, the solo marketer",
}

SEGMENTS = [
    {
        "name": "Engaged evaluators",
        "description": "Social-media leads at agencies and in-house teams who read everything we send.",
        "motivation": "Follows us actively as a resource and wants direct contact",
        "action": "Clicks through for more information and offers",
        "obstacle": "Does not know enough about us yet to care",
        "opportunity": "Show the product at work: case studies, a demo webinar and a fast personal reply.",
        "sample_data": {"firstname": "Maya", "company": "Brightside Agency", "plan": "Team"},
    },
    {
        "name": "Casual browsers",
        "description": "Marketing managers who downloaded something once and now skim.",
        "motivation": "Checks casually what we are about and how we might help later",
        "action": "Opens and reads, but does not click",
        "obstacle": "Our emails are plain, with no call to action or other way to engage",
        "opportunity": "One clear button per email, a checklist they can use today, a reason to click now.",
        "sample_data": {"firstname": "Jonas", "company": "Nordlicht GmbH"},
    },
    {
        "name": "Dormant subscribers",
        "description": "Addresses from a trade-show scan or an old giveaway; no opens in 90 days.",
        "motivation": "Signed up by accident and has not unsubscribed yet",
        "action": "Does not engage at all",
        "obstacle": "Our emails are unclear, confusing or off-brand",
        "opportunity": "A short, honest re-engagement series; remove them if they stay silent.",
        "sample_data": {},
    },
]

# (phase index, kind, name, trigger, offset days, call to action, subject, preheader)
TOUCHPOINTS = [
    (0, "landing_page", "Social planning e-book ad", "clicks a search ad", 0, "Download the e-book", None, None),
    (0, "information_form", "E-book download form", "wants the e-book", 0, "Get the e-book", None, None),
    (0, "welcome", "E-book delivery and welcome", "downloads the e-book", 0, "Read the e-book",
     'Your e-book is here, {{ firstname | default("there") }}',
     "Twelve pages on planning a month of social posts in one afternoon."),
    (1, "newsletter", "Monthly planning tips", "", 7, "Read this month's tips",
     "Three posts that worked this month", "What we learned from 200 agencies' calendars, in five minutes."),
    (2, "follow_up", "Case study: agency saves 6 hours a week", "", 3, "Read the case study",
     "How Brightside plans a month in a morning", "Six hours a week back for a five-person social team."),
    (2, "signup_form", "Demo webinar registration", "wants to see the product", 0, "Save my seat", None, None),
    (2, "reminder", "Webinar reminder", "registered for the webinar", 1, "Join the webinar",
     "Tomorrow: see a month planned live", "A 30-minute demo with time for your questions."),
    (3, "offer", "Three months free trial", "attended the webinar", 1, "Start my free trial",
     "Your three free months are ready", "No card needed. Invite your team and plan your first week."),
    (4, "welcome", "Trial started", "starts the trial", 0, "Plan your first post",
     'Welcome aboard, {{ firstname | default("there") }}', "Your workspace is ready: here are the first three steps."),
    (5, "onboarding", "Week one: connect your channels", "", 2, "Connect a channel",
     "Connect your first channel in two minutes", "Teams that connect a channel on day two plan twice as much."),
    (5, "onboarding", "Insights from your first month", "", 30, "See your insights",
     "Your first month in numbers", "Posts planned, hours saved and what to try next."),
    (6, "review_request", "Review on a software directory", "is still active", 60, "Write a review",
     "Would you recommend us to a colleague?", "Two minutes of your time helps other teams decide."),
    (6, "referral", "Refer a team", "left a good review", 7, "Invite a team",
     "Give a team three months, get one free", "Share your link; we thank you for every team that joins."),
]

# Emails meant for some segments only; the rest go to every segment the campaign targets.
AUDIENCES = {
    "Case study: agency saves 6 hours a week": ["Engaged evaluators"],
    "Three months free trial": ["Engaged evaluators", "Casual browsers"],
    "Review on a software directory": ["Engaged evaluators", "Casual browsers"],
    "Refer a team": ["Engaged evaluators", "Casual browsers"],
}

# Touchpoints that send after another one (listed before them): their days count from that one's send.
# Three chains: from the e-book download, from the trial's start (day 0, 2, 30, 60, 67), and the webinar's.
FOLLOWS = {
    "Case study: agency saves 6 hours a week": "E-book delivery and welcome",  # day +3 after the download
    "Monthly planning tips": "E-book delivery and welcome",  # day +7
    "Week one: connect your channels": "Trial started",  # day +2 of the trial
    "Insights from your first month": "Trial started",  # day +30
    "Review on a software directory": "Trial started",  # day +60, if still active
    "Refer a team": "Review on a software directory",  # 7 days after the review request: day +67
}

# Segment versions of an email: (touchpoint name, segment name) -> the fields that differ.
VARIANTS = {
    ("Three months free trial", "Casual browsers"): {
        "subject": "One click: three free months, no card needed",
        "preheader": "Skip the demo: try it with your own posts, cancel any time.",
    },
    # This segment has no first names (its sample data is empty): its subject does without one.
    ("E-book delivery and welcome", "Dormant subscribers"): {
        "subject": "Still want the social planning e-book?",
    },
}

# phase index -> what content it needs
CONTENT_NEEDS = {
    0: "An e-book on planning a month of posts\nA search ad that promises it",
    1: "Practical monthly tips from real calendars",
    2: "A case study from a peer agency\nA live demo webinar",
    3: "A trial offer without a credit card",
    4: "A welcome with the first three steps",
    5: "Onboarding tips for the first weeks\nA report of the first month",
    6: "A review request at the happy moment\nA referral reward",
}

# How people feel at a touchpoint (touchpoint name -> the feeling).
FEELINGS = {
    "Social planning e-book ad": "curious, but wary of another tool",
    "E-book delivery and welcome": "pleased it came at once",
    "Case study: agency saves 6 hours a week": "hopeful: a team like hers made it",
    "Webinar reminder": "short of time, glad of the nudge",
    "Three months free trial": "relieved: no card, no risk",
    "Trial started": "eager, a little overwhelmed",
    "Insights from your first month": "proud of the hours saved",
}

PHASE_NOTES = {
    0: (-1, "Too many tools promise the same thing.\nNo time to research.", "A useful e-book in exchange for the address."),
    1: (0, "Unsure whether the tool fits a small team.", "Practical tips that prove we know their work."),
    2: (0, "Has to convince the team lead.\nFears a long set-up.", "A case study from a peer agency.\nA live demo webinar."),
    3: (-1, "Budget needs approval.", "A free trial without a credit card."),
    4: (1, "Worries about moving existing posts.", "A welcome that shows the first three steps."),
    5: (2, "Team members forget to log in.", "Onboarding tips timed to the first weeks."),
    6: (2, "Nobody asks for feedback.", "Ask for a review at the happy moment; reward referrals."),
}


CAMPAIGN = {
    "name": "Plannery trial journey",
    "goal": "Start a free three-month trial and order a team plan at its end.",
    "description": "From the first e-book download to a recommendation on LinkedIn, for social-media teams.",
    "framework": "seven-phase",
    "map_state": "future",
    "sender_name": "Maya from Plannery",
    "sender_email": "hello@plannery.example",
    "reply_to": "team@plannery.example",
    "locale": "en_US",
    "goal_kpi": "Trial-to-paid conversion",
    "goal_target": "20 %",
    "touchpoint_effects": "The e-book's welcome starts the chain: the tips and the case study count from it.\n"
                          "The case study makes the webinar worth attending; the webinar makes the trial offer land.\n"
                          "The review request comes first, so the referral only reaches those who left a good review.",
}


@dataclass(frozen=True)
class DemoPlan:
    """A demo campaign written out as data (this module's tables; campaigns.demo_de has the German one)."""

    campaign: dict[str, Any]  # the campaign's settings, as create_campaign takes them
    segments: list[dict[str, Any]]
    touchpoints: list[tuple]  # as TOUCHPOINTS
    emails: dict[str, str]  # touchpoint name -> MJML
    audiences: dict[str, list[str]]
    follows: dict[str, str]
    variants: dict[tuple[str, str], dict[str, str]]
    phase_notes: dict[int, tuple[int, str, str]]
    personas: list[dict[str, Any]] = field(default_factory=list)  # the first is the campaign's main persona
    segment_personas: dict[str, str] = field(default_factory=dict)  # segment name -> persona name
    content_needs: dict[int, str] = field(default_factory=dict)  # phase index -> what content it needs
    feelings: dict[str, str] = field(default_factory=dict)  # touchpoint name -> how people feel there


PLAN = DemoPlan(CAMPAIGN, SEGMENTS, TOUCHPOINTS, EMAILS, AUDIENCES, FOLLOWS, VARIANTS, PHASE_NOTES,
                PERSONAS, SEGMENT_PERSONAS, CONTENT_NEEDS, FEELINGS)


def create_demo() -> Campaign:
    """Create the demo campaign with its touchpoints and three segments (reusing segments by name)."""
    return build(PLAN)


def build(plan: DemoPlan) -> Campaign:
    """Create a demo campaign from its plan, through the services, reusing the workspace's personas and segments
    by name."""
    personas = {data["name"]: _persona(data) for data in plan.personas}
    main = personas[plan.personas[0]["name"]] if plan.personas else None
    campaign = campaigns.create_campaign({**plan.campaign, "persona_id": main.id if main else None})
    for index, (emotion, pains, opportunities) in plan.phase_notes.items():
        campaigns.update_phase(campaign.phases[index], {
            "emotion": emotion, "pain_points": pains, "opportunities": opportunities,
            "content_needs": plan.content_needs.get(index, ""),
        })
    chosen = {data["name"]: _segment(data, personas.get(plan.segment_personas.get(data["name"], "")))
              for data in plan.segments}
    campaigns.set_segments(campaign, {"segment_ids": [s.id for s in chosen.values()]})
    added = {}
    for phase_index, kind, name, trigger, offset, cta, subject, preheader in plan.touchpoints:
        data = {
            "phase_id": campaign.phases[phase_index].id,
            "kind": kind,
            "name": name,
            "trigger": trigger,
            "send_offset_days": offset,
            "cta": cta,
            "feeling": plan.feelings.get(name, ""),
            "segment_ids": [chosen[n].id for n in plan.audiences.get(name, [])],
        }
        if name in plan.follows:
            data["follows_id"] = added[plan.follows[name]].id
        if subject:
            data.update(subject=subject, preheader=preheader, mjml=plan.emails[name])
        added[name] = campaigns.add_touchpoint(campaign, data)
    for (touchpoint, segment), content in plan.variants.items():
        campaigns.put_variant(added[touchpoint], chosen[segment], content)
    return campaign


def _segment(data: dict, persona: Persona | None) -> Segment:
    # Segment names are unique regardless of case, so look them up that way too. A reused segment without a
    # persona gets the demo's; one with a persona of its own keeps it.
    existing = db.session.scalar(current.scoped(Segment).where(Segment.name_key == name_key(data["name"])))
    persona_id = persona.id if persona else None
    if existing is None:
        return segments.create_segment({**data, "persona_id": persona_id})
    if existing.persona_id is None and persona_id is not None:
        segments.update_segment(existing, {"persona_id": persona_id})
    return existing


def _persona(data: dict) -> Persona:
    existing = db.session.scalar(current.scoped(Persona).where(Persona.name_key == name_key(data["name"])))
    return existing or segments.create_persona(data)
