"""The built-in journey frameworks: named phase sets a campaign starts from and then adapts, and the kind of
email that fits a phase (what "Plan an email" in a gap suggests)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PhaseTemplate:
    name: str
    description: str
    kind: str = "newsletter"  # the email kind that most often fills this phase (campaigns.kinds)


@dataclass(frozen=True)
class Framework:
    key: str
    name: str
    summary: str
    phases: tuple[PhaseTemplate, ...]


def _framework(key: str, name: str, summary: str, *phases: tuple[str, str, str]) -> Framework:
    return Framework(key, name, summary, tuple(PhaseTemplate(n, d, k) for n, d, k in phases))


AWARENESS = ("Awareness", "Notices a need, or our brand, for the first time. Win the address with something useful.",
             "welcome")
ADVOCACY = ("Advocacy", "Is happy enough to recommend us. Ask for reviews, referrals and a place in the community.",
            "review_request")

FRAMEWORKS: dict[str, Framework] = {
    f.key: f
    for f in (
        _framework(
            "seven-phase",
            "Seven-phase lifecycle",
            "AIDA stretched past the sale: retention and advocacy close the loop.",
            AWARENESS,
            ("Favorability", "Warms to us and looks for more. Educate and show what we stand for.", "newsletter"),
            ("Consideration", "Has a concrete need and compares options. Offer depth: cases, comparisons, webinars.", "newsletter"),
            ("Intent to Purchase", "Needs a last push. Make the benefit plain; offer a trial or a reason to act now.", "offer"),
            ("Conversion", "Buys, books or signs up. Confirm, reassure and remove any last doubt.", "offer"),
            ("Retention", "Uses what they bought. Guide them to success so they stay.", "onboarding"),
            ADVOCACY,
        ),
        _framework(
            "email-journey",
            "Email journey",
            "The sales process as email sees it, from first research to the follow-up.",
            ("Research", "Looks around for a solution. Be findable and offer a reason to subscribe.", "newsletter"),
            ("First contact & information", "Leaves an address for information. Deliver it promptly and say what comes next.", "welcome"),
            ("Offer", "Weighs a concrete offer. Spell out benefits, price and the next step.", "offer"),
            ("Decision", "Decides for or against. Answer objections and show proof from peers.", "follow_up"),
            ("Deal closure", "Signs or pays. Confirm clearly and make the start easy.", "offer"),
            ("Follow-up", "Has bought. Check in, help, and open the door to the next purchase.", "follow_up"),
        ),
        _framework(
            "five-stage",
            "Five-stage funnel",
            "The classic funnel with the two stages that follow the purchase.",
            AWARENESS,
            ("Consideration", "Compares us with alternatives. Give the facts that help them choose.", "newsletter"),
            ("Decision", "Makes up their mind and buys. Build trust and make buying simple.", "offer"),
            ("Retention", "Uses the product. Help them get value so they come back.", "onboarding"),
            ADVOCACY,
        ),
        _framework(
            "aida-loyalty",
            "AIDA with loyalty",
            "Attention, interest, decision and action, then the relationship that keeps going.",
            ("Awareness", "First meets the brand. Catch attention and invite a signup.", "welcome"),
            ("Interest", "Wants to know more. Send helpful content that builds interest.", "newsletter"),
            ("Decision", "Chooses whether to act. Show proof and a clear offer.", "offer"),
            ("Action", "Takes the target action. Confirm it and say what happens next.", "offer"),
            ("Loyalty", "Stays with us. Reward, surprise and keep in touch.", "newsletter"),
        ),
        _framework(
            "four-phase",
            "Four-phase",
            "A short journey for simple products: before, during and after the purchase.",
            ("Awareness", "Discovers the need or the brand. Offer a useful reason to sign up.", "welcome"),
            ("Consideration", "Looks closer. Explain what we offer and for whom.", "newsletter"),
            ("Decision", "Buys or books. Make it easy and reassuring.", "offer"),
            ("Post-purchase", "Lives with the purchase. Onboard, support, and ask for feedback.", "onboarding"),
        ),
    )
}


# What a phase whose name is not a framework's is about, by the words in its name (English and the German of
# DOMAIN.md), first match wins: the kind of email that usually fills such a phase.
PHASE_WORDS: tuple[tuple[tuple[str, ...], str], ...] = (
    (("advoca", "recommend", "review", "ambassador", "empfehl", "weiterempf"), "review_request"),
    (("referr", "refer "), "referral"),
    (("win back", "win-back", "re-engag", "reengag", "reactivat", "dormant", "lapsed", "inactive"), "re_engagement"),
    (("post-purchase", "after the purchase", "onboard", "retention", "retain", "nach dem kauf", "bindung", "nutzung"),
     "onboarding"),
    (("loyal", "community"), "newsletter"),
    (("follow",), "follow_up"),
    (("remind", "abandon", "expir"), "reminder"),
    (("purchase", "buy", "conver", "decision", "deal", "offer", "trial", "checkout", "order", "close", "action",
      "kauf", "entscheid", "angebot", "abschluss", "handlung"), "offer"),
    (("aware", "discover", "attention", "attract", "first contact", "signup", "sign-up", "sign up", "subscri",
      "lead", "welcome", "wahrnehm", "aufmerksam", "erstkontakt"), "welcome"),
)
DEFAULT_KIND = "newsletter"  # useful content fits any phase


def suggested_kind(phase_name: str, framework_key: str | None = None) -> str:
    """The email kind that fits a phase: its own framework's choice for a phase of that name, else any
    framework's, else one read from the words of its name, else a newsletter."""
    name = " ".join(phase_name.casefold().split())
    frameworks = [FRAMEWORKS[framework_key]] if framework_key in FRAMEWORKS else []
    for framework in [*frameworks, *FRAMEWORKS.values()]:
        for template in framework.phases:
            if template.name.casefold() == name:
                return template.kind
    for words, kind in PHASE_WORDS:
        if any(word in name for word in words):
            return kind
    return DEFAULT_KIND
