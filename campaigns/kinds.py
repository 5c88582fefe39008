"""Touchpoint kinds: where an address is captured, and what is sent by email."""

from __future__ import annotations

from dataclasses import dataclass

from journeymail.text import with_article


@dataclass(frozen=True)
class Kind:
    key: str
    label: str
    email: bool  # carries subject, preheader and an MJML body
    broadcast: bool  # sent to a whole segment at once, rather than triggered per contact
    trigger: str  # a sensible default trigger, pre-filled in the form
    hint: str

    @property
    def with_article(self) -> str:
        """The kind in a sentence: "an information form", "a landing page"."""
        return with_article(self.label.lower())


KINDS: dict[str, Kind] = {
    k.key: k
    for k in (
        Kind("signup_form", "Signup form", False, False, "visits the site", "Where a visitor leaves an address to subscribe."),
        Kind("information_form", "Information form", False, False, "wants a download, webinar or quote",
             "A lead form: e-book, webinar registration, trial signup, quote request."),
        Kind("landing_page", "Landing page", False, False, "clicks an ad or link", "A page built to turn a visit into a signup."),
        Kind("welcome", "Welcome", True, False, "signs up", "The first email after a signup: thanks, what comes next."),
        Kind("newsletter", "Newsletter", True, True, "is subscribed", "Regular useful content for the whole segment."),
        Kind("offer", "Offer", True, True, "shows buying interest", "A concrete offer: discount, trial, bundle."),
        Kind("follow_up", "Follow-up", True, False, "downloaded or attended", "Picks up after an action and offers the next step."),
        Kind("reminder", "Reminder", True, False, "has not acted yet", "A nudge before something ends or is forgotten."),
        Kind("onboarding", "Onboarding", True, False, "starts using the product", "Tips that help a new customer succeed."),
        Kind("review_request", "Review request", True, True, "has used the product a while", "Asks a happy customer for a review."),
        Kind("referral", "Referral", True, True, "is a happy customer", "Invites a customer to recommend us."),
        Kind("re_engagement", "Re-engagement", True, True, "has not opened for a while", "Wins back inactive readers, or lets them go."),
    )
}

EMAIL_KINDS = tuple(k for k in KINDS.values() if k.email)
CAPTURE_KINDS = tuple(k for k in KINDS.values() if not k.email)
