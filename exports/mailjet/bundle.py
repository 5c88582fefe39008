"""The Mailjet bundle: a campaign as the ordered list of Mailjet API v3 requests that recreate it there.

One place for what a Mailjet bundle is made of: the slugs that name segments, each email as
Mailjet receives it (rendered by emails.render_email with Mailjet's tags, exports/mailjet/tags.py),
the contact properties the plan uses, and what stops the export (the checks that leave nothing to
send, plus the sender and the properties). These are pure functions of a Campaign; nothing here
talks to the network (push.py does).

The bundle document (format "journeymail.mailjet-bundle", version 3):

    {"format": "journeymail.mailjet-bundle", "version": 3,
     "campaign": {"id": ..., "name": ..., "locale": ...},
     "inputs": {"contactslist": "what the user supplies"},
     "notes": [{"segment_id": ..., "segment": ..., "filter": "rule" | "segment", "message": ...}],
      "requests": [{"method": "POST", "path": "template", "body": {...}, "ref": "template.welcome.busy-founders",
                   "name": "Trial journey / Welcome / Busy founders"},
                  {"method": "POST", "path": "template/{{ref:template.welcome.busy-founders}}/detailcontent",
                   "body": {...}}, ...]}

Every creating request (one with a `ref`) has a `name`: the object's stable name in Mailjet (a contact
property's or a segment filter's Name, a template's Name, a campaign draft's Title), the same on every
export of the same campaign, which the push looks the object up by before it creates it
(exports/esp/replay.py). A segment with a rule (contacts.rules) gets a filter Expression that says the
rule in Mailjet's segmentation syntax (filters.py), and the properties it reads are declared with their
datatype; a rule Mailjet cannot express keeps the filter on the `segment` property, and `notes` says why,
per segment. A path is relative to the API base (https://api.mailjet.com/v3/REST). A request with a `ref` creates
something; the `ID` in its answer replaces `{{ref:<name>}}` wherever it appears in a later path, and
in a later body value that is exactly that placeholder under a key ending in "ID". Refs listed
under `inputs` are not created by the bundle: the user supplies them (the contact list's ID).

One template per distinct email: segments that receive an email unchanged share its template
(`template.<email>` when it is the touchpoint's own content, `template.<email>.<segment>` when one
segment receives it, `template.<email>.<segment>.<segment>...` for a variant several share), and each
segment's campaign draft names its template in `TemplateID`. The download is compact JSON, streamed
a request at a time (bundle_chunks).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any


from flask_babel import gettext, lazy_gettext as _l, ngettext

from campaigns.cells import sequence
from campaigns.content import Content
from campaigns.kinds import KINDS
from campaigns.models import Campaign, Touchpoint
from contacts import rules as contact_rules
from emails import (UNSUBSCRIBE, Check, MergeTagError, TagWriter, checks, language_of, merge_tags, render_email,
                    run_checks)
from journeymail.addresses import InvalidAddress, check_address
from journeymail.text import counted, one_line, slugify
from segments.models import Segment

from . import filters
from .tags import UNSUBSCRIBE_LANGUAGES, MailjetTags, supported

FORMAT = "journeymail.mailjet-bundle"
VERSION = 3  # 2: every creating request has a stable `name` that the push looks the object up by;
# 3: a segment's filter expresses its rule, the properties it reads have their datatype, and `notes` say per
# segment what Mailjet does differently or why its rule could not become the filter
REPLAYED_VERSIONS = (2, 3)  # the push replays these: a version 2 bundle's requests are as good as ever
SEGMENT_PROPERTY = "segment"  # the contact property whose value is the slug of the contact's segment
LIST_REF = "contactslist"  # supplied by the user: the Mailjet contact list the drafts send to
REF = re.compile(r"\{\{ref:([A-Za-z0-9_.-]+)\}\}")
# Mailjet property names are plain identifiers; a name outside this set is refused before export.
PROPERTY_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,99}")


def ref(name: str) -> str:
    """The placeholder a later request uses for the ID that the request with this ref gets back."""
    return "{{ref:" + name + "}}"


# --- problems ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    """Something that stops the export: a bad sender, or an email that does not render for a segment."""

    message: str
    touchpoint: Touchpoint | None = None
    segment: Segment | None = None
    line: int | None = None
    field_name: str | None = None  # the campaign field at fault, for problems that are not an email's

    def __str__(self) -> str:
        if self.touchpoint is None:
            return self.message
        email = f'"{self.touchpoint.name}"'
        if self.segment is not None:
            email = gettext("%(email)s for %(segment)s", email=email, segment=self.segment.name)
        if self.line:
            return gettext("%(email)s, line %(line)s: %(message)s", email=email, line=self.line, message=self.message)
        return f"{email}: {self.message}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "message": self.message,
            "line": self.line,
            "touchpoint_id": self.touchpoint.id if self.touchpoint else None,
            "touchpoint": self.touchpoint.name if self.touchpoint else None,
            "segment_id": self.segment.id if self.segment else None,
            "segment": self.segment.name if self.segment else None,
        }


class BundleRefused(Exception):
    """The campaign cannot be exported as it is; nothing is exported half-broken."""

    def __init__(self, problems: list[Problem]):
        super().__init__(ngettext("The Mailjet bundle was not exported: %(num)d problem to fix.",
                                  "The Mailjet bundle was not exported: %(num)d problems to fix.", len(problems)))
        self.message = str(self)
        self.problems = problems


# --- slugs -------------------------------------------------------------------------------


def _unique_slugs(named: list[tuple[int, str, str]]) -> dict[int, str]:
    """Slugs for (id, name, fallback) in order; a slug already taken gets -2, -3, ..."""
    taken: set[str] = set()
    slugs: dict[int, str] = {}
    for key, name, fallback in named:
        base = slug = slugify(name, fallback)
        number = 2
        while slug in taken:
            slug, number = f"{base}-{number}", number + 1
        taken.add(slug)
        slugs[key] = slug
    return slugs


def segment_slugs(campaign: Campaign) -> dict[int, str]:
    """The value of the `segment` contact property for each targeted segment, by segment ID."""
    return _unique_slugs([(s.id, s.name, f"segment-{s.id}") for s in campaign.segments])


def touchpoint_slugs(campaign: Campaign) -> dict[int, str]:
    """A name for each email touchpoint inside refs, by touchpoint ID."""
    return _unique_slugs([(t.id, t.name, f"email-{t.id}") for t in _email_touchpoints(campaign)])


def _email_touchpoints(campaign: Campaign) -> list[Touchpoint]:
    return [t for t in sequence(campaign) if t.is_email]


# --- the emails as Mailjet receives them --------------------------------------------------


@dataclass(frozen=True)
class ExportEmail:
    """One touchpoint's email rendered for Mailjet, and the segments that receive exactly it.

    Segments whose content renders the same (the base, or variants that change nothing Mailjet gets)
    share one ExportEmail, and so one Mailjet template."""

    touchpoint: Touchpoint
    segments: tuple[Segment, ...]  # in the campaign's segment order
    base: bool  # some of them receive the touchpoint's own content
    subject: str
    mjml: str  # the MJML source with Mailjet's tags and the preheader: MJMLContent
    html: str  # compiled from it: Html-part
    text: str  # Text-part


@dataclass(frozen=True)
class _Outcome:
    """One distinct content rendered for Mailjet: the parts of the email, or what stops it."""

    stops: tuple[tuple[str, int | None], ...] = ()  # (message, line) of each stopping check
    subject: str = ""
    mjml: str = ""
    html: str = ""
    text: str = ""

    @property
    def key(self) -> tuple[str, str, str, str]:
        return self.subject, self.mjml, self.html, self.text


@dataclass
class _Export:
    emails: list[ExportEmail] = field(default_factory=list)  # by touchpoint in send order, then first segment
    deliveries: list[tuple[Segment, ExportEmail]] = field(default_factory=list)  # touchpoint, then segment order
    problems: list[Problem] = field(default_factory=list)
    tag_names: list[str] = field(default_factory=list)  # every merge-tag name the content uses, first use first

    def note_tags(self, *sources: str | None) -> None:
        for source in sources:
            if not source:
                continue
            try:
                found = merge_tags(source)
            except MergeTagError:
                continue  # reported by the checks of the email it is in
            for tag in found:
                if tag.name != UNSUBSCRIBE and tag.name not in self.tag_names:
                    self.tag_names.append(tag.name)


ContentKey = tuple[str, str, str, str | None]


def _key(content: Content) -> ContentKey:
    return content.subject, content.preheader, content.mjml, content.text_override


def _contents(campaign: Campaign) -> Iterator[tuple[Touchpoint, list[tuple[Segment, Content]]]]:
    """Each email touchpoint in send order, with what each targeted segment it reaches receives."""
    segments = list(campaign.segments)
    for touchpoint in _email_touchpoints(campaign):
        yield touchpoint, [(s, Content.of(touchpoint, s)) for s in segments if touchpoint.reaches(s)]


def _render(content: Content, tags: TagWriter, lang: str | None, words: Mapping[str, Any] | None = None) -> _Outcome:
    rendered = render_email(
        mjml_source=content.mjml, subject=content.subject, preheader=content.preheader,
        text_override=content.text_override, tags=tags, lang=lang,
    )
    stops = [c for c in run_checks(rendered, content.mjml, rules=STOPPING_RULES) if c.severity == "error"]
    if stops:
        return _Outcome(stops=tuple((_in_mailjet_words(c, words), c.line) for c in stops))
    text = rendered.text  # derived from the HTML on each access: once
    assert rendered.html is not None and text is not None  # checks.compiles reports the rest
    return _Outcome(subject=one_line(rendered.subject), mjml=rendered.mjml, html=rendered.html, text=text)


def _export(campaign: Campaign, tags: TagWriter | None = None, words: Mapping[str, Any] | None = None) -> _Export:
    """Render every email for every segment it reaches, with Mailjet's tags; collect what stops the export.

    Each distinct content is rendered once, and segments that receive the same email share it. Another ESP
    passes its own `tags`, and its own `words` for the checks that stop its export (exports/brevo)."""
    result = _Export()
    tags = tags or MailjetTags(campaign.locale)
    lang = language_of(campaign.locale)
    for touchpoint, receivers in _contents(campaign):
        base = _key(Content.of(touchpoint, None))
        outcomes: dict[ContentKey, _Outcome] = {}
        groups: dict[tuple[str, str, str, str], tuple[_Outcome, list[Segment], list[bool]]] = {}
        for segment, content in receivers:
            key = _key(content)
            outcome = outcomes.get(key)
            if outcome is None:
                result.note_tags(content.subject, content.preheader, content.mjml, content.text_override)
                outcome = outcomes[key] = _render(content, tags, lang, words)
            if outcome.stops:
                result.problems += [Problem(message, touchpoint, segment, line) for message, line in outcome.stops]
                continue
            _, members, is_base = groups.setdefault(outcome.key, (outcome, [], []))
            members.append(segment)
            is_base.append(key == base)
        by_segment: dict[int, ExportEmail] = {}
        for outcome, members, is_base in groups.values():
            email = ExportEmail(touchpoint, tuple(members), any(is_base), outcome.subject, outcome.mjml,
                                outcome.html, outcome.text)
            result.emails.append(email)
            by_segment.update((s.id, email) for s in members)
        result.deliveries += [(s, by_segment[s.id]) for s, _ in receivers if s.id in by_segment]
    return result


# The checks whose errors leave Mailjet nothing to send: the body does not render, or there is no
# subject. Other errors (no unsubscribe link, a broken link) would reach inboxes as they are; the
# export page lists them, but the bundle still builds.
STOPPING_RULES = (checks.compiles, checks.subject)
# A check's finding, said with the reason it stops this export where that reason is Mailjet's.
_MAILJET_WORDS = {"subject-empty": _l("The subject is empty; Mailjet needs one.")}


def _in_mailjet_words(check: Check, words: Mapping[str, Any] | None = None) -> str:
    return str((_MAILJET_WORDS if words is None else words).get(check.code, check.message))


# --- properties, sender and readiness ----------------------------------------------------


def properties(campaign: Campaign) -> list[str]:
    """The contact properties the bundle defines: `segment` first, then each merge tag the emails use.

    Read from the merge tags of the content as written: nothing is rendered."""
    found = _Export()
    for _, receivers in _contents(campaign):
        seen: set[ContentKey] = set()
        for _, content in receivers:
            if _key(content) not in seen:
                seen.add(_key(content))
                found.note_tags(content.subject, content.preheader, content.mjml, content.text_override)
    return list(_declared(_property_names(found.tag_names), segment_filters(campaign)))


def _property_names(tag_names: list[str]) -> list[str]:
    usable = (n for n in tag_names if PROPERTY_NAME.fullmatch(n) and n.lower() not in ("email", SEGMENT_PROPERTY))
    return [SEGMENT_PROPERTY, *usable]


def _declared(names: list[str], segment_filter: Mapping[int, SegmentFilter]) -> dict[str, str]:
    """Every contact property the bundle declares, with its Mailjet Datatype: the merge tags' (str), then the
    properties the segments' filters read, in their own type (a merge tag of the same name takes that type)."""
    declared = dict.fromkeys(names, "str")
    for found in segment_filter.values():
        declared.update(found.translation.properties if found.translation.expression else {})
    return declared


# --- segment filters ---------------------------------------------------------------------


@dataclass(frozen=True)
class SegmentFilter:
    """A targeted segment's contactfilter: its rule in Mailjet's words, or the `segment` property and why."""

    segment: Segment
    expression: str
    translation: filters.Translation
    has_rule: bool

    @property
    def from_rule(self) -> bool:
        return self.translation.expression is not None

    def notes(self) -> list[str]:
        """What the export page and the bundle say about this filter, in the reader's language."""
        if not self.has_rule:
            return []
        found = list(self.translation.notes)
        if not self.from_rule:
            found.insert(0, gettext(
                "The rule cannot become a Mailjet filter, so the filter reads the contact property %(property)s "
                "instead; fill it from the contacts CSV. %(reasons)s", property=SEGMENT_PROPERTY,
                reasons=" ".join(f"{p.rstrip('.')}." for p in self.translation.problems)))
        return found


def segment_filters(campaign: Campaign) -> dict[int, SegmentFilter]:
    """Each targeted segment's contactfilter, by segment ID: its rule's Expression where Mailjet can say it,
    else the `segment` property filter (with the reasons). Reads the rules of the workspace, nothing else."""
    segments = list(campaign.segments)
    slugs = segment_slugs(campaign)
    rules: dict[int, Any] = {}
    todo = {s.id for s in segments}
    for _ in range(filters.MAX_HOPS + 1):  # the rules of the segments the rules name, hop by hop
        todo -= set(rules)
        if not todo:
            break
        found = contact_rules.rules_of(sorted(todo))
        rules.update({segment_id: found.get(segment_id) for segment_id in todo})
        todo = {n for rule in found.values() for n in filters.segments_named(rule)}
    named = {name for rule in rules.values() if rule for name in filters.properties_named(rule)}
    types = {name: contact_rules.property_type(name) for name in sorted(named)}
    result: dict[int, SegmentFilter] = {}
    for segment in segments:
        fallback = f'({SEGMENT_PROPERTY}="{slugs[segment.id]}")'
        rule = rules.get(segment.id)
        if rule is None:
            result[segment.id] = SegmentFilter(segment, fallback, filters.Translation(None), False)
            continue
        translation = filters.expression(rule, types, rules)
        result[segment.id] = SegmentFilter(segment, translation.expression or fallback, translation, True)
    return result


def filter_notes(campaign: Campaign) -> list[tuple[Segment, bool, list[str]]]:
    """For the export page: each targeted segment with a rule, whether its filter is the rule, and the notes."""
    return [(f.segment, f.from_rule, f.notes()) for f in segment_filters(campaign).values() if f.has_rule]


def _property_problems(names: list[str]) -> list[Problem]:
    found: list[Problem] = []
    seen: dict[str, str] = {}
    for name in names:
        if name.lower() == "email":
            found.append(Problem(
                gettext("The merge tag %(tag)s cannot become a Mailjet contact property: the address is the contact "
                        "itself, not a property. Rename the merge tag.", tag="{{ email }}"), field_name="merge_tags"
            ))
        elif not PROPERTY_NAME.fullmatch(name):
            found.append(Problem(
                gettext("The merge tag %(tag)s cannot become a Mailjet contact property: use only ASCII letters, "
                        "digits and _ in merge-tag names.", tag=f"{{{{ {name} }}}}"), field_name="merge_tags"
            ))
        elif name.lower() in seen:
            found.append(Problem(
                gettext("The merge tags %(first)s and %(second)s differ only in capitals; Mailjet would take them "
                        "for one contact property. Use one spelling.", first=f"{{{{ {seen[name.lower()]} }}}}",
                        second=f"{{{{ {name} }}}}"), field_name="merge_tags"
            ))
        seen.setdefault(name.lower(), name)
    return found


@dataclass(frozen=True)
class Sender:
    name: str
    email: str
    reply_to: str | None

    @property
    def from_header(self) -> str:
        """The From header: "Name" <address>, the name a quoted string (RFC 5322) on one line."""
        quoted = one_line(self.name).replace("\\", "\\\\").replace('"', '\\"')
        return f'"{quoted}" <{self.email}>'


# What a missing or refused address is told with, by the campaign field it comes from.
_ADDRESS_MISSING = {
    "sender_email": _l("The campaign has no sender address; Mailjet needs one. Add it in the campaign settings."),
    "reply_to": _l("The campaign has no reply-to address; Mailjet needs one. Add it in the campaign settings."),
}
_ADDRESS_REFUSED = {
    "sender_email": _l("The sender address %(value)s is not an address Mailjet accepts: %(reason)s"),
    "reply_to": _l("The reply-to address %(value)s is not an address Mailjet accepts: %(reason)s"),
}


def _address(value: str | None, field_name: str, problems: list[Problem], *, required: bool) -> str | None:
    if not value or not value.strip():
        if required:
            message = str(_ADDRESS_MISSING[field_name])
            problems.append(Problem(message, field_name=field_name))
        return None
    try:
        # Mailjet sends from plain ASCII addresses: no internationalized local part (SMTPUTF8).
        checked = check_address(value.strip(), smtputf8=False)
    except InvalidAddress as error:
        message = str(_ADDRESS_REFUSED[field_name]) % {"value": repr(value), "reason": error}
        problems.append(Problem(message, field_name=field_name))
        return None
    return checked.ascii or checked.normalized


def _sender(campaign: Campaign, problems: list[Problem]) -> Sender | None:
    """The campaign's sender as Mailjet needs it; problems are added for a missing or invalid address."""
    before = len(problems)
    name = one_line(campaign.sender_name or "")
    if not name:
        message = gettext("The campaign has no sender name; Mailjet needs one. Add it in the campaign settings.")
        problems.append(Problem(message, field_name="sender_name"))
    email = _address(campaign.sender_email, "sender_email", problems, required=True)
    reply_to = _address(campaign.reply_to, "reply_to", problems, required=False)
    if len(problems) > before or email is None:
        return None
    return Sender(name, email, reply_to)


def _readiness(campaign: Campaign) -> tuple[Sender | None, _Export, list[Problem]]:
    """The sender, the rendered emails, and everything that stops the export: the sender first,
    then the contact properties, then each email and segment."""
    found: list[Problem] = []
    sender = _sender(campaign, found)
    found += _locale_problems(campaign)
    export = _export(campaign)
    return sender, export, found + _property_problems(export.tag_names) + export.problems


def _locale_problems(campaign: Campaign) -> list[Problem]:
    """A campaign in a language Mailjet has no unsubscribe link in cannot go to Mailjet: its emails would
    carry a tag Mailjet leaves as it is."""
    if supported(campaign.locale):
        return []
    languages = ", ".join(f"{name} ({code})" for code, name in UNSUBSCRIBE_LANGUAGES.items())
    message = gettext("Mailjet has no unsubscribe link in the language of the campaign's locale %(locale)s. Set the "
                      "campaign's locale to one of these languages in the campaign settings: %(languages)s.",
                      locale=campaign.locale, languages=languages)
    return [Problem(message, field_name="locale")]


def problems(campaign: Campaign) -> list[Problem]:
    """Everything that stops the Mailjet export, in the order the refusal lists it."""
    return _readiness(campaign)[2]


def mailjet_readiness(campaign: Campaign) -> list[str]:
    """Blocking problems for the Mailjet export, as sentences for the export page; empty when ready."""
    return [str(p) for p in problems(campaign)]


# --- the bundle --------------------------------------------------------------------------


def build_bundle(campaign: Campaign) -> dict[str, Any]:
    """The campaign as the ordered Mailjet requests; raises BundleRefused listing every problem.

    One template per distinct email: segments that receive an email unchanged share its template, and
    each segment's campaign draft names the template it was made from (TemplateID)."""
    sender, export, found = _readiness(campaign)
    if found or sender is None:
        raise BundleRefused(found)
    segment_slug = segment_slugs(campaign)
    email_slug = touchpoint_slugs(campaign)
    segment_filter = segment_filters(campaign)
    requests = [
        *_property_requests(_declared(_property_names(export.tag_names), segment_filter)),
        *_filter_requests(campaign, segment_slug, segment_filter),
    ]
    template_refs: dict[int, str] = {}  # id(ExportEmail) -> the ref of its template
    names, refs = _Names(), _Names("-{}")
    for email in export.emails:
        template_ref = template_refs[id(email)] = refs.unique(_template_ref(email, email_slug, segment_slug))
        requests += _template_requests(campaign, email, names.unique(_template_name(campaign, email)), template_ref,
                                       sender)
    titles = _Names()
    for segment, email in export.deliveries:
        if KINDS[email.touchpoint.kind].broadcast:
            key = f"{email_slug[email.touchpoint.id]}.{segment_slug[segment.id]}"
            title = titles.unique(f"{campaign.name} / {email.touchpoint.name} / {segment.name}")
            requests += _draft_requests(campaign, email, title, key, template_refs[id(email)],
                                        segment_slug[segment.id], sender)
    return {
        "format": FORMAT,
        "version": VERSION,
        "campaign": {"id": campaign.id, "name": campaign.name, "locale": campaign.locale},
        "inputs": {LIST_REF: "The ID of the Mailjet contact list the campaign drafts send to (push --list-id)."},
        "notes": [{"segment_id": f.segment.id, "segment": f.segment.name, "filter": "rule" if f.from_rule else
                   SEGMENT_PROPERTY, "message": note} for f in segment_filter.values() for note in f.notes()],
        "requests": requests,
    }


def bundle_chunks(bundle: dict[str, Any]) -> Iterator[bytes]:
    """The bundle as compact UTF-8 JSON, a request at a time: json.loads of the joined chunks is `bundle`,
    and no more than one request is ever encoded at once."""

    def dump(value: Any) -> str:
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))

    head = {key: value for key, value in bundle.items() if key != "requests"}
    yield (dump(head)[:-1] + ',"requests":[').encode("utf-8")
    for index, request in enumerate(bundle["requests"]):
        yield (("," if index else "") + dump(request)).encode("utf-8")
    yield b"]}\n"


class _Names:
    """Names unique within the bundle: a name already taken gets " (2)", " (3)", ... (or its own `suffix`)."""

    def __init__(self, suffix: str = " ({})") -> None:
        self.taken: set[str] = set()
        self.suffix = suffix

    def unique(self, base: str) -> str:
        name, number = base, 2
        while name in self.taken:
            name, number = base + self.suffix.format(number), number + 1
        self.taken.add(name)
        return name


SHOWN_SEGMENTS = 3  # a shared template's name lists this many of its segments, then "and N more"


def _listed(names: list[str], limit: int) -> str:
    """ "A", "A and B", "A, B and C", "A, B, C and 2 more" """
    if len(names) > limit:
        return ", ".join(names[:limit]) + f" and {len(names) - limit} more"
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _template_ref(email: ExportEmail, email_slug: dict[int, str], segment_slug: dict[int, str]) -> str:
    """template.<email>.<segment> for one segment's email; template.<email> for the touchpoint's own content
    that several segments share; template.<email>.<segment>.<segment>... (at most three, then
    "and-N-more") for a variant several segments share."""
    ref_name = f"template.{email_slug[email.touchpoint.id]}"
    if len(email.segments) == 1:
        ref_name += "." + segment_slug[email.segments[0].id]
    elif not email.base:
        slugs = [segment_slug[s.id] for s in email.segments]
        ref_name += "." + ".".join(slugs[:SHOWN_SEGMENTS])
        if len(slugs) > SHOWN_SEGMENTS:
            ref_name += f".and-{len(slugs) - SHOWN_SEGMENTS}-more"
    return ref_name


def _template_name(campaign: Campaign, email: ExportEmail) -> str:
    """The template's Name: "Campaign / Touchpoint / Segment" for one segment's email, "Campaign / Touchpoint"
    for the touchpoint's own content that several segments share, else the segments it serves."""
    base = f"{campaign.name} / {email.touchpoint.name}"
    if len(email.segments) == 1:
        return f"{base} / {email.segments[0].name}"
    if email.base:
        return base
    return f"{base} / {_listed([s.name for s in email.segments], SHOWN_SEGMENTS)}"


def _request(path: str, body: dict[str, Any], ref_name: str | None = None, name: str | None = None) -> dict[str, Any]:
    """One POST; a creating one has the `ref` later requests use and the `name` the push looks it up by."""
    request: dict[str, Any] = {"method": "POST", "path": path, "body": body}
    if ref_name:
        request["ref"] = ref_name
        request["name"] = name
    return request


def _property_requests(declared: Mapping[str, str]) -> list[dict[str, Any]]:
    return [
        _request("contactmetadata", {"Datatype": datatype, "Name": name, "NameSpace": "static"},
                 f"contactmetadata.{name}", name)
        for name, datatype in declared.items()
    ]


def _filter_requests(campaign: Campaign, slugs: dict[int, str],
                     segment_filter: Mapping[int, SegmentFilter]) -> list[dict[str, Any]]:
    return [
        _request(
            "contactfilter",
            {
                "Name": segment.name,
                "Description": segment.description or segment.motivation,
                "Expression": segment_filter[segment.id].expression,
            },
            f"contactfilter.{slugs[segment.id]}",
            segment.name,
        )
        for segment in campaign.segments
    ]


DESCRIBED_SEGMENTS = 5  # a template's description names this many of its segments, then "and N more"


def _description(email: ExportEmail) -> str:
    touchpoint = email.touchpoint
    who = _listed([repr(s.name) for s in email.segments], DESCRIBED_SEGMENTS)
    parts = [f"{touchpoint.kind_info.label} in the phase {touchpoint.phase.name!r} for {who}."]
    if touchpoint.trigger:
        later = f", {counted(touchpoint.send_offset_days, 'day')} after" if touchpoint.send_offset_days else ""
        parts.append(f"Sent when the contact {touchpoint.trigger}{later}.")
    if touchpoint.cta:
        parts.append(f"Call to action: {touchpoint.cta}.")
    return " ".join(parts)


def _content(email: ExportEmail, sender: Sender) -> dict[str, Any]:
    headers = {"Subject": email.subject, "From": sender.from_header}
    if sender.reply_to:
        headers["Reply-to"] = sender.reply_to
    return {"Html-part": email.html, "Text-part": email.text, "MJMLContent": email.mjml, "Headers": headers}


def _template_requests(
    campaign: Campaign, email: ExportEmail, name: str, template_ref: str, sender: Sender
) -> list[dict[str, Any]]:
    return [
        _request(
            "template",
            {
                "Name": name,
                "EditMode": 4,  # MJML
                "Purposes": ["marketing"],
                "Locale": campaign.locale,
                "Description": _description(email),
            },
            template_ref,
            name,
        ),
        _request(f"template/{ref(template_ref)}/detailcontent", _content(email, sender)),
    ]


def _draft_requests(
    campaign: Campaign, email: ExportEmail, title: str, key: str, template_ref: str, segment_slug: str,
    sender: Sender,
) -> list[dict[str, Any]]:
    draft_ref = f"campaigndraft.{key}"
    body: dict[str, Any] = {
        "Locale": campaign.locale,
        "Sender": sender.name,
        "SenderEmail": sender.email,
        "SenderName": sender.name,
        "Subject": email.subject,
        "Title": title,
        "ContactsListID": ref(LIST_REF),
        "SegmentationID": ref(f"contactfilter.{segment_slug}"),
        "TemplateID": ref(template_ref),
    }
    if sender.reply_to:
        body["ReplyEmail"] = sender.reply_to
    return [
        _request("campaigndraft", body, draft_ref, title),
        _request(f"campaigndraft/{ref(draft_ref)}/detailcontent", _content(email, sender)),
    ]


def contacts_header(campaign: Campaign) -> list[str]:
    """The header row of a contacts CSV for Mailjet's import: email first, then the bundle's properties."""
    return ["email", *properties(campaign)]


def bundle_filename(campaign: Campaign) -> str:
    return f"{slugify(campaign.name, f'campaign-{campaign.id}')}-mailjet.json"
