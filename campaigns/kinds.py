"""Touchpoint kinds: where an address is captured, and what is sent by email."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from journeymail.text import with_article


@dataclass(frozen=True)
class Kind:
    key: str
    english: str  # the English name; `label` is the name in the request's language
    email: bool  # carries subject, preheader and an MJML body
    broadcast: bool  # sent to a whole segment at once, rather than triggered per contact
    trigger: str  # a sensible default trigger, pre-filled in the form (lazy: in the request's language)
    hint: str  # lazy, like trigger

    @property
    def label(self) -> str:
        """The kind's name in the request's language (docs/glossary.md, "Touchpoint kinds")."""
        return str(LABELS[self.key])

    @property
    def with_article(self) -> str:
        """The kind in an English sentence: "an information form", "a landing page"."""
        return with_article(self.english.lower())


LABELS = {  # the names of the kinds, translated (the English ones are Kind.english)
    "signup_form": _l("Signup form"),
    "information_form": _l("Information form"),
    "landing_page": _l("Landing page"),
    "welcome": _l("Welcome"),
    "newsletter": _l("Newsletter"),
    "offer": _l("Offer"),
    "follow_up": _l("Follow-up"),
    "reminder": _l("Reminder"),
    "onboarding": _l("Onboarding"),
    "review_request": _l("Review request"),
    "referral": _l("Referral"),
    "re_engagement": _l("Re-engagement"),
}


KINDS: dict[str, Kind] = {
    k.key: k
    for k in (
        Kind("signup_form", "Signup form", False, False, _l("visits the site"), _l("Where a visitor leaves an address to subscribe.")),
        Kind("information_form", "Information form", False, False, _l("wants a download, webinar or quote"),
             _l("A lead form: e-book, webinar registration, trial signup, quote request.")),
        Kind("landing_page", "Landing page", False, False, _l("clicks an ad or link"), _l("A page built to turn a visit into a signup.")),
        Kind("welcome", "Welcome", True, False, _l("signs up"), _l("The first email after a signup: thanks, what comes next.")),
        Kind("newsletter", "Newsletter", True, True, _l("is subscribed"), _l("Regular useful content for the whole segment.")),
        Kind("offer", "Offer", True, True, _l("shows buying interest"), _l("A concrete offer: discount, trial, bundle.")),
        Kind("follow_up", "Follow-up", True, False, _l("downloaded or attended"), _l("Picks up after an action and offers the next step.")),
        Kind("reminder", "Reminder", True, False, _l("has not acted yet"), _l("A nudge before something ends or is forgotten.")),
        Kind("onboarding", "Onboarding", True, False, _l("starts using the product"), _l("Tips that help a new customer succeed.")),
        Kind("review_request", "Review request", True, True, _l("has used the product a while"), _l("Asks a happy customer for a review.")),
        Kind("referral", "Referral", True, True, _l("is a happy customer"), _l("Invites a customer to recommend us.")),
        Kind("re_engagement", "Re-engagement", True, True, _l("has not opened for a while"), _l("Wins back inactive readers, or lets them go.")),
    )
}

EMAIL_KINDS = tuple(k for k in KINDS.values() if k.email)
CAPTURE_KINDS = tuple(k for k in KINDS.values() if not k.email)

# What the services say when content is given to a kind that sends no email, as whole sentences per kind.
NO_VARIANTS = {
    "signup_form": _l("A signup form sends no email, so it has no variants."),
    "information_form": _l("An information form sends no email, so it has no variants."),
    "landing_page": _l("A landing page sends no email, so it has no variants."),
}
LEAVE_EMPTY = {
    "signup_form": _l("A signup form sends no email; leave this empty."),
    "information_form": _l("An information form sends no email; leave this empty."),
    "landing_page": _l("A landing page sends no email; leave this empty."),
}
