"""The built-in journey frameworks: named phase sets a campaign starts from and then adapts."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PhaseTemplate:
    name: str
    description: str


@dataclass(frozen=True)
class Framework:
    key: str
    name: str
    summary: str
    phases: tuple[PhaseTemplate, ...]


def _framework(key: str, name: str, summary: str, *phases: tuple[str, str]) -> Framework:
    return Framework(key, name, summary, tuple(PhaseTemplate(n, d) for n, d in phases))


AWARENESS = ("Awareness", "Notices a need, or our brand, for the first time. Win the address with something useful.")
ADVOCACY = ("Advocacy", "Is happy enough to recommend us. Ask for reviews, referrals and a place in the community.")

FRAMEWORKS: dict[str, Framework] = {
    f.key: f
    for f in (
        _framework(
            "seven-phase",
            "Seven-phase lifecycle",
            "AIDA stretched past the sale: retention and advocacy close the loop.",
            AWARENESS,
            ("Favorability", "Warms to us and looks for more. Educate and show what we stand for."),
            ("Consideration", "Has a concrete need and compares options. Offer depth: cases, comparisons, webinars."),
            ("Intent to Purchase", "Needs a last push. Make the benefit plain; offer a trial or a reason to act now."),
            ("Conversion", "Buys, books or signs up. Confirm, reassure and remove any last doubt."),
            ("Retention", "Uses what they bought. Guide them to success so they stay."),
            ADVOCACY,
        ),
        _framework(
            "email-journey",
            "Email journey",
            "The sales process as email sees it, from first research to the follow-up.",
            ("Research", "Looks around for a solution. Be findable and offer a reason to subscribe."),
            ("First contact & information", "Leaves an address for information. Deliver it promptly and say what comes next."),
            ("Offer", "Weighs a concrete offer. Spell out benefits, price and the next step."),
            ("Decision", "Decides for or against. Answer objections and show proof from peers."),
            ("Deal closure", "Signs or pays. Confirm clearly and make the start easy."),
            ("Follow-up", "Has bought. Check in, help, and open the door to the next purchase."),
        ),
        _framework(
            "five-stage",
            "Five-stage funnel",
            "The classic funnel with the two stages that follow the purchase.",
            AWARENESS,
            ("Consideration", "Compares us with alternatives. Give the facts that help them choose."),
            ("Decision", "Makes up their mind and buys. Build trust and make buying simple."),
            ("Retention", "Uses the product. Help them get value so they come back."),
            ADVOCACY,
        ),
        _framework(
            "aida-loyalty",
            "AIDA with loyalty",
            "Attention, interest, decision and action, then the relationship that keeps going.",
            ("Awareness", "First meets the brand. Catch attention and invite a signup."),
            ("Interest", "Wants to know more. Send helpful content that builds interest."),
            ("Decision", "Chooses whether to act. Show proof and a clear offer."),
            ("Action", "Takes the target action. Confirm it and say what happens next."),
            ("Loyalty", "Stays with us. Reward, surprise and keep in touch."),
        ),
        _framework(
            "four-phase",
            "Four-phase",
            "A short journey for simple products: before, during and after the purchase.",
            ("Awareness", "Discovers the need or the brand. Offer a useful reason to sign up."),
            ("Consideration", "Looks closer. Explain what we offer and for whom."),
            ("Decision", "Buys or books. Make it easy and reassuring."),
            ("Post-purchase", "Lives with the purchase. Onboard, support, and ask for feedback."),
        ),
    )
}
