"""The built-in journey frameworks: named phase sets a campaign starts from and then adapts, and the kind of
email that fits a phase (what "Plan an email" in a gap suggests)."""

from __future__ import annotations

from dataclasses import dataclass, replace


@dataclass(frozen=True)
class PhaseTemplate:
    name: str
    description: str
    kind: str = "newsletter"  # the email kind that most often fills this phase (campaigns.kinds)
    name_de: str = ""  # the German name (docs/glossary.md); empty: the English one
    description_de: str = ""

    def in_language(self, locale: str | None) -> PhaseTemplate:
        """This phase with its name and description in the language of `locale` (en_US, de_DE, de...)."""
        if not is_german(locale):
            return self
        return replace(self, name=self.name_de or self.name, description=self.description_de or self.description)


@dataclass(frozen=True)
class Framework:
    key: str
    name: str
    summary: str
    phases: tuple[PhaseTemplate, ...]
    name_de: str = ""
    summary_de: str = ""

    def in_language(self, locale: str | None) -> Framework:
        """This framework with its name, summary and phases in the language of `locale`; English by default."""
        if not is_german(locale):
            return self
        return replace(self, name=self.name_de or self.name, summary=self.summary_de or self.summary,
                       phases=tuple(p.in_language(locale) for p in self.phases))


def is_german(locale: str | None) -> bool:
    """Whether texts for `locale` are German: de, de_DE, de_AT, de-CH...; anything else is English."""
    return locale is not None and locale.casefold().startswith("de")


PhaseRow = tuple[str, str, str, str, str]  # English name, English description, kind, German name, German description


def _framework(key: str, names: tuple[str, str], summaries: tuple[str, str], *phases: PhaseRow) -> Framework:
    return Framework(key, names[0], summaries[0], tuple(PhaseTemplate(n, d, k, nd, dd) for n, d, k, nd, dd in phases),
                     names[1], summaries[1])


# The German names follow docs/glossary.md: one term per concept in every framework, the English one kept where
# German marketers keep it (Awareness, Consideration, Conversion, Follow-up).
AWARENESS = ("Awareness", "Notices a need, or our brand, for the first time. Win the address with something useful.",
             "welcome",
             "Awareness", "Bemerkt einen Bedarf oder unsere Marke zum ersten Mal. Mit etwas Nützlichem die "
             "E-Mail-Adresse gewinnen.")
ADVOCACY = ("Advocacy", "Is happy enough to recommend us. Ask for reviews, referrals and a place in the community.",
            "review_request",
            "Weiterempfehlung", "Ist zufrieden genug, um uns weiterzuempfehlen. Um Bewertungen und Empfehlungen bitten, "
            "zur Community einladen.")

FRAMEWORKS: dict[str, Framework] = {
    f.key: f
    for f in (
        _framework(
            "seven-phase",
            ("Seven-phase lifecycle", "Lebenszyklus in sieben Phasen"),
            ("AIDA stretched past the sale: retention and advocacy close the loop.",
             "AIDA über den Kauf hinaus: Kundenbindung und Weiterempfehlung schließen den Kreis."),
            AWARENESS,
            ("Favorability", "Warms to us and looks for more. Educate and show what we stand for.", "newsletter",
             "Sympathie", "Fasst Vertrauen und will mehr über uns erfahren. Wissen vermitteln und zeigen, wofür wir stehen."),
            ("Consideration", "Has a concrete need and compares options. Offer depth: cases, comparisons, webinars.",
             "newsletter",
             "Consideration", "Hat einen konkreten Bedarf und vergleicht Angebote. In die Tiefe gehen: "
             "Fallstudien, Vergleiche, Webinare."),
            ("Intent to Purchase", "Needs a last push. Make the benefit plain; offer a trial or a reason to act now.",
             "offer",
             "Kaufabsicht", "Braucht den letzten Anstoß. Den Nutzen klar machen, eine Testphase oder einen Grund "
             "anbieten, jetzt zu handeln."),
            ("Conversion", "Buys, books or signs up. Confirm, reassure and remove any last doubt.", "offer",
             "Conversion", "Kauft, bucht oder meldet sich an. Bestätigen, bestärken und letzte Zweifel ausräumen."),
            ("Retention", "Uses what they bought. Guide them to success so they stay.", "onboarding",
             "Kundenbindung", "Nutzt das Gekaufte. Zum Erfolg begleiten, damit die Kundschaft bleibt."),
            ADVOCACY,
        ),
        _framework(
            "email-journey",
            ("Email journey", "E-Mail-Journey"),
            ("The sales process as email sees it, from first research to the follow-up.",
             "Der Verkaufsprozess aus Sicht der E-Mail, von der ersten Recherche bis zum Follow-up."),
            ("Research", "Looks around for a solution. Be findable and offer a reason to subscribe.", "newsletter",
             "Recherche", "Sucht nach einer Lösung. Auffindbar sein und einen Grund zum Abonnieren bieten."),
            ("First contact & information", "Leaves an address for information. Deliver it promptly and say what "
             "comes next.", "welcome",
             "Erstkontakt & Information", "Hinterlässt die E-Mail-Adresse, um Informationen zu erhalten. Diese "
             "prompt liefern und sagen, was als Nächstes kommt."),
            ("Offer", "Weighs a concrete offer. Spell out benefits, price and the next step.", "offer",
             "Angebot", "Prüft ein konkretes Angebot. Nutzen, Preis und nächsten Schritt klar benennen."),
            ("Decision", "Decides for or against. Answer objections and show proof from peers.", "follow_up",
             "Entscheidung", "Entscheidet sich dafür oder dagegen. Einwände beantworten und zeigen, was "
             "andere Kund:innen sagen."),
            ("Deal closure", "Signs or pays. Confirm clearly and make the start easy.", "offer",
             "Abschluss", "Unterschreibt oder bezahlt. Klar bestätigen und den Start leicht machen."),
            ("Follow-up", "Has bought. Check in, help, and open the door to the next purchase.", "follow_up",
             "Follow-up", "Hat gekauft. Nachfragen, helfen und die Tür zum nächsten Kauf öffnen."),
        ),
        _framework(
            "five-stage",
            ("Five-stage funnel", "Funnel in fünf Stufen"),
            ("The classic funnel with the two stages that follow the purchase.",
             "Der klassische Funnel mit den zwei Stufen nach dem Kauf."),
            AWARENESS,
            ("Consideration", "Compares us with alternatives. Give the facts that help them choose.", "newsletter",
             "Consideration", "Vergleicht uns mit Alternativen. Die Fakten liefern, die bei der Wahl helfen."),
            ("Decision", "Makes up their mind and buys. Build trust and make buying simple.", "offer",
             "Entscheidung", "Entscheidet sich und kauft. Vertrauen aufbauen und den Kauf einfach machen."),
            ("Retention", "Uses the product. Help them get value so they come back.", "onboarding",
             "Kundenbindung", "Nutzt das Produkt. Helfen, den Nutzen zu erleben, damit die Kundschaft "
             "wiederkommt."),
            ADVOCACY,
        ),
        _framework(
            "aida-loyalty",
            ("AIDA with loyalty", "AIDA mit Loyalität"),
            ("Attention, interest, decision and action, then the relationship that keeps going.",
             "Aufmerksamkeit, Interesse, Entscheidung und Handlung, danach die Beziehung, die weitergeht."),
            ("Awareness", "First meets the brand. Catch attention and invite a signup.", "welcome",
             "Awareness", "Begegnet der Marke zum ersten Mal. Aufmerksamkeit wecken und zur Anmeldung einladen."),
            ("Interest", "Wants to know more. Send helpful content that builds interest.", "newsletter",
             "Interesse", "Möchte mehr wissen. Hilfreiche Inhalte senden, die das Interesse vertiefen."),
            ("Decision", "Chooses whether to act. Show proof and a clear offer.", "offer",
             "Entscheidung", "Wägt ab, ob sich das Handeln lohnt. Belege und ein klares Angebot zeigen."),
            ("Action", "Takes the target action. Confirm it and say what happens next.", "offer",
             "Handlung", "Führt die Zielhandlung aus. Diese bestätigen und sagen, wie es weitergeht."),
            ("Loyalty", "Stays with us. Reward, surprise and keep in touch.", "newsletter",
             "Loyalität", "Bleibt uns treu. Belohnen, überraschen und in Kontakt bleiben."),
        ),
        _framework(
            "four-phase",
            ("Four-phase", "Vier-Phasen-Modell"),
            ("A short journey for simple products: before, during and after the purchase.",
             "Eine kurze Journey für einfache Produkte: vor, während und nach dem Kauf."),
            ("Awareness", "Discovers the need or the brand. Offer a useful reason to sign up.", "welcome",
             "Awareness", "Entdeckt den Bedarf oder die Marke. Einen nützlichen Grund zur Anmeldung bieten."),
            ("Consideration", "Looks closer. Explain what we offer and for whom.", "newsletter",
             "Consideration", "Schaut genauer hin. Erklären, was wir bieten und für wen."),
            ("Decision", "Buys or books. Make it easy and reassuring.", "offer",
             "Entscheidung", "Kauft oder bucht. Es einfach machen und Sicherheit geben."),
            ("Post-purchase", "Lives with the purchase. Onboard, support, and ask for feedback.", "onboarding",
             "Nach dem Kauf", "Hat gekauft und nutzt das Produkt. Beim Einstieg begleiten, unterstützen und um Feedback bitten."),
        ),
    )
}


def frameworks_in(locale: str | None) -> dict[str, Framework]:
    """Every framework by key, with its texts in the language of `locale`: what the framework chooser and
    GET /api/frameworks show a user of that language."""
    return {key: framework.in_language(locale) for key, framework in FRAMEWORKS.items()}


def phases_for(framework_key: str, locale: str | None) -> tuple[PhaseTemplate, ...]:
    """The phases a campaign in `locale` gets from a framework: German names and descriptions for a German
    campaign (de_DE, de_AT...), the English ones for any other. KeyError for an unknown framework."""
    return FRAMEWORKS[framework_key].in_language(locale).phases


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
    """The email kind that fits a phase: its own framework's choice for a phase of that name (English or German),
    else any framework's, else one read from the words of its name, else a newsletter."""
    name = " ".join(phase_name.casefold().split())
    frameworks = [FRAMEWORKS[framework_key]] if framework_key in FRAMEWORKS else []
    for framework in [*frameworks, *FRAMEWORKS.values()]:
        for template in framework.phases:
            if name in (template.name.casefold(), template.name_de.casefold()):
                return template.kind
    for words, kind in PHASE_WORDS:
        if any(word in name for word in words):
            return kind
    return DEFAULT_KIND
