"""The bench's campaigns: a grid of segments S x phases P x emails per phase E, built through the services.

Every email is distinct: each touchpoint has its own subject, preheader and body (its kind's starter
MJML with a paragraph and a link of its own), every segment has its own sample data, and half the
segments (the even-numbered ones) have a variant of every email they receive, with its own subject,
preheader and body. Every third email has an audience: every segment but the last (so the largest
campaign, 100·15·5, holds 7,475 emails, and an audience is never the same as "everyone").

Each campaign is built once into a SQLite file of its own under build/bench/ and reused while the
things that decide it (this module, the starter MJML, the schema) are unchanged. Beside it, a JSON
"plan" says what the bench needs to know about it: its IDs, how many emails segments receive, which
cell and which email the single-email requests use, and how many distinct MJML compiles each request
needs (the lower bound's count).
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
FOLDER = ROOT / "build" / "bench"

SEGMENTS = (3, 10, 30, 100)
PHASES = (7, 15)
EMAILS = (2, 5)

# The kinds that send email and have a starter body, in the order the grid uses them.
KINDS = ("welcome", "newsletter", "follow_up", "offer", "reminder", "onboarding", "review_request",
         "referral", "re_engagement")


@dataclass(frozen=True, order=True)
class Point:
    """One campaign of the grid: S segments, P phases, E emails in each phase."""

    segments: int
    phases: int
    emails: int

    @property
    def label(self) -> str:
        return f"{self.segments}·{self.phases}·{self.emails}"

    @property
    def slug(self) -> str:
        return f"s{self.segments}-p{self.phases}-e{self.emails}"

    def within(self, other: Point) -> bool:
        """No larger than `other` along every axis."""
        return self.segments <= other.segments and self.phases <= other.phases and self.emails <= other.emails


FULL = [Point(s, p, e) for s in SEGMENTS for p in PHASES for e in EMAILS]
QUICK = [Point(3, 7, 2), Point(3, 15, 5), Point(30, 7, 2), Point(30, 15, 5)]
SMALLEST = FULL[0]


@dataclass
class Plan:
    """What the bench knows of one built campaign (stored as JSON beside its database)."""

    point: Point
    database: str
    campaign_id: int
    touchpoints: int
    variants: int
    emails: int  # (segment, email) pairs: what the matrix shows
    mailjet_templates: int  # distinct bodies the Mailjet bundle holds: a variant, or the base some segments get
    cell: dict[str, int]  # {segment_id, phase_id, emails}: the cell the cell page shows
    preview_body: dict[str, Any] = field(default_factory=dict)  # POST /api/preview, as the editor sends it

    @classmethod
    def load(cls, path: Path) -> Plan:
        data = json.loads(path.read_text(encoding="utf-8"))
        return cls(**{**data, "point": Point(**data["point"])})

    def save(self, path: Path) -> None:
        path.write_text(json.dumps(asdict(self), indent=1), encoding="utf-8")


# --- where a campaign lives ---------------------------------------------------------------------


def build_key() -> str:
    """A hash of everything that decides a built campaign: the code that builds it, the starters, the schema."""
    import inspect

    from sqlalchemy.schema import CreateTable

    import accounts.models  # noqa: F401  (the tables: every room's, so their foreign keys resolve)
    import campaigns.models  # noqa: F401
    import contacts.models  # noqa: F401
    import exports.models  # noqa: F401
    import jobs.models  # noqa: F401
    import segments.models  # noqa: F401
    from emails.starters import STARTERS
    from journeymail.extensions import db

    digest = hashlib.blake2b(digest_size=6)
    for part in (KINDS, Plan, make_owner, make_campaign, body, describe):
        digest.update((repr(part) if isinstance(part, tuple) else inspect.getsource(part)).encode())
    for starter in sorted(STARTERS.glob("*.mjml")):
        digest.update(starter.read_bytes())
    for table in db.metadata.sorted_tables:
        digest.update(str(CreateTable(table)).encode())
    return digest.hexdigest()


def paths(point: Point, key: str, folder: Path = FOLDER) -> tuple[Path, Path]:
    """The campaign's database and its plan."""
    stem = folder / f"{point.slug}-{key}"
    return stem.with_suffix(".db"), stem.with_suffix(".json")


def config_for(database: Path | str, **settings: Any) -> type:
    """The test configuration on a SQLite file, with `settings` (e.g. MAX_CONTENT_LENGTH) on top."""
    from config import TestConfig

    return type("BenchConfig", (TestConfig,), {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{database}", **settings})


def build(point: Point, database: Path, plan_path: Path) -> Plan:
    """Build the campaign into a new SQLite file, through the services, and write its plan."""
    from journeymail import create_app
    from journeymail.extensions import db

    database.parent.mkdir(parents=True, exist_ok=True)
    for stale in database.parent.glob(f"{point.slug}-*"):  # this campaign, as this or an older key built it
        stale.unlink(missing_ok=True)
    partial = database.with_suffix(".building")
    partial.unlink(missing_ok=True)
    app = create_app(config_for(partial))
    with app.app_context():
        db.create_all()
        make_owner()
        campaign = make_campaign(point)
        db.session.commit()
        plan = describe(campaign, point, str(database))
        db.session.remove()
        db.engine.dispose()  # closes the file: the WAL is checkpointed into it
    partial.rename(database)
    plan.save(plan_path)
    return plan


# --- the campaign ------------------------------------------------------------------------------


BENCH_EMAIL = "bench@journeymail.example"
BENCH_PASSWORD = "bench-password-for-signing-in"


def make_owner() -> None:
    """The workspace the campaign goes into, and its owner, whom the bench signs in as."""
    from accounts import current, services

    workspace = services.create_workspace("Bench")
    user = services.create_user(BENCH_EMAIL, "Bench Owner", BENCH_PASSWORD)
    services.add_member(workspace, user, "owner")
    current.use_workspace(workspace, "owner", user)


def sign_in(client: Any) -> None:
    """Sign the test client in through the sign-in form, as a user does (its CSRF token included)."""
    import re

    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
    response = client.post("/login", data={"email": BENCH_EMAIL, "password": BENCH_PASSWORD,
                                           "csrf_token": token.group(1) if token else ""})
    if response.status_code != 302:
        raise RuntimeError(f"The bench could not sign in: {response.status_code}")


def make_campaign(point: Point) -> Any:
    """Segments, phases, distinct emails, audiences and variants, through the services (no commit)."""
    from campaigns import services
    from segments.services import create_segment

    campaign = services.create_campaign({
        "name": f"Bench {point.label}", "goal": "Measure what every page costs", "framework": "seven-phase",
        "sender_name": "Bench", "sender_email": "bench@journeymail.example",
        "sample_data": {"firstname": "there", "company": "your team"},
    })
    for number in range(len(campaign.phases), point.phases):
        services.add_phase(campaign, {
            "name": f"Stage {number + 1}",
            "description": f"Stage {number + 1} of the journey: one more step towards the goal.",
        })
    segments = [
        create_segment({
            "name": f"Bench segment {i:03d}",
            "motivation": f"Motivation {i}", "action": f"Action {i}", "obstacle": f"Obstacle {i}",
            "sample_data": {"firstname": f"Reader{i}", "company": f"Company {i}"},
        })
        for i in range(point.segments)
    ]
    services.set_segments(campaign, {"segment_ids": [s.id for s in segments]})
    audience = [s.id for s in segments[:-1]]
    with_variants = [s for i, s in enumerate(segments) if i % 2 == 0]
    number = 0
    for p, phase in enumerate(campaign.phases[: point.phases]):
        for e in range(point.emails):
            kind = KINDS[number % len(KINDS)]
            tag = f"{p + 1}.{e + 1}"
            touchpoint = services.add_touchpoint(campaign, {
                "phase_id": phase.id, "kind": kind, "name": f"{kind.replace('_', ' ').title()} {tag}",
                "send_offset_days": e * 2, "cta": f"Read part {tag}",
                "subject": f'Part {tag} for {{{{ firstname | default("you") }}}}',
                "preheader": f'Step {tag}: what {{{{ company | default("your team") }}}} gets out of this one.',
                "mjml": body(kind, f"email {tag}", f"c/{p + 1}-{e + 1}"),
                "segment_ids": audience if number % 3 == 2 else [],
            })
            for segment in with_variants:
                if touchpoint.reaches(segment):
                    services.put_variant(touchpoint, segment, {
                        "subject": f'Part {tag}, {{{{ firstname | default("you") }}}}: for {segment.name}',
                        "preheader": f"Step {tag} as {segment.name} reads it, with its own example.",
                        "mjml": body(kind, f"email {tag} for {segment.name}", f"c/{p + 1}-{e + 1}/s{segment.id}"),
                    })
            number += 1
    return campaign


_COLUMN_END = re.compile(r"</mj-column>")


def body(kind: str, what: str, link: str) -> str:
    """The kind's starter MJML with a paragraph and a link of its own, in the main section."""
    from emails.starters import starter_mjml

    source = starter_mjml(kind)
    ends = [m.start() for m in _COLUMN_END.finditer(source)]
    at = ends[1] if len(ends) > 1 else ends[0]
    extra = (
        f'<mj-text>This is {what}, {{{{ firstname | default("there") }}}}: a paragraph written for it alone, '
        f'about what {{{{ company | default("your team") }}}} can do next.</mj-text>\n'
        f'        <mj-text><a href="https://journeymail.example/{link}">More on {what}</a></mj-text>\n      '
    )
    return source[:at] + extra + source[at:]


def describe(campaign: Any, point: Point, database: str) -> Plan:
    """The plan of a built campaign: IDs, counts and the bodies of the single-email requests."""
    emails = templates = 0
    for touchpoint in campaign.touchpoints:
        reached = [s for s in campaign.segments if touchpoint.reaches(s)]
        own = [s for s in reached if touchpoint.variant_for(s.id) is not None]
        emails += len(reached)
        templates += len(own) + (1 if len(own) < len(reached) else 0)
    segment = campaign.segments[0]  # has variants, and is in every audience
    phase = campaign.phases[len(campaign.phases) // 2]
    in_cell = [t for t in phase.touchpoints if t.is_email and t.reaches(segment)]
    first = in_cell[0]
    variant = first.variant_for(segment.id)
    return Plan(
        point=point,
        database=database,
        campaign_id=campaign.id,
        touchpoints=len(campaign.touchpoints),
        variants=sum(len(t.variants) for t in campaign.touchpoints),
        emails=emails,
        mailjet_templates=templates,
        cell={"segment_id": segment.id, "phase_id": phase.id, "emails": len(in_cell)},
        preview_body={
            "mjml": variant.mjml, "subject": variant.subject, "preheader": variant.preheader,
            "campaign_id": campaign.id, "segment_id": segment.id,
        },
    )
