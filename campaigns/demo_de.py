"""The German demo: a career-mentoring service (B2C) on the five-stage funnel, written in German with the formal
"Sie", built from the literature's example: someone wants a promotion, researches training and prefers
mentoring, books a certified mentor after a first call, is mentored for months, is promoted and tells friends.

It is built like the English demo (campaigns.demo.build) and has segments of its own, named in German. The emails
are written out in demo_emails_de: all finished but one, left unfinished on purpose. The words follow
docs/glossary.md.
"""

from __future__ import annotations

from .demo import DemoPlan, build
from .demo_emails_de import EMAILS
from .models import Campaign

CAMPAIGN = {
    "name": "Kompass Mentoring: Journey zur Beförderung",
    "goal": "Ein kostenloses Kennenlerngespräch buchen und danach ein Mentoring über sechs Monate beginnen.",
    "description": "Von der Checkliste zur Beförderung bis zur Empfehlung im Bekanntenkreis, für Berufstätige, die den "
                   "nächsten Karriereschritt gehen möchten.",
    "framework": "five-stage",
    "map_state": "future",
    "sender_name": "Lena Hoffmann von Kompass Mentoring",
    "sender_email": "hallo@karriere-mentoring.example",
    "reply_to": "team@karriere-mentoring.example",
    "locale": "de_DE",
    "goal_kpi": "Anteil der Kennenlerngespräche, die zu einem Mentoring führen",
    "goal_target": "25 %",
    "touchpoint_effects": "Die Checkliste startet die erste Kette: Vergleich und Karrierebrief zählen ab ihrem Versand.\n"
                          "Der Vergleich bereitet das Kennenlerngespräch vor; erst das Gespräch macht das Angebot "
                          "glaubwürdig.\n"
                          "Die Empfehlung folgt auf die Bewertung und erreicht nur, wer gut bewertet hat.",
}

# Für wen die Journey geplant ist: zuerst die häufigste Kundin (die Haupt-Persona der Kampagne).
PERSONAS = [
    {
        "name": "Sandra, die Aufsteigerin",
        "quote": "Ich mache gute Arbeit, aber bei Beförderungen werde ich übersehen.",
        "role": "Teamleiterin im Vertrieb eines Versicherers in Köln, 38, zwei Kinder",
        "goals": "In zwei Jahren die Abteilungsleitung übernehmen\nIm Unternehmen sichtbarer werden",
        "needs": "Eine erfahrene Begleitung aus ihrer Branche\nTermine, die zu Familie und Beruf passen",
        "motives": "Anerkennung für ihre Leistung\nMehr Gestaltungsspielraum und ein höheres Gehalt",
        "sources": "Acht Interviews mit Mentees (Herbst 2026), die Umfrage nach dem Kennenlerngespräch, "
                   "Buchungsdaten.",
    },
    {
        "name": "Mehmet, der Abwägende",
        "quote": "Ein halbes Jahr Mentoring ist viel Geld. Ich will erst sicher sein, dass es wirkt.",
        "role": "Projektingenieur in einem Maschinenbauunternehmen, 45; denkt über den nächsten Schritt nach",
        "goals": "Herausfinden, ob eine Führungsrolle zu ihm passt",
        "needs": "Ehrliche Vergleiche und Erfahrungsberichte\nEin klarer nächster Schritt in jeder E-Mail",
        "motives": "Sicherheit vor der Entscheidung\nKeine Zeit verschwenden",
        "sources": "Klickdaten des Newsletters, fünf Gespräche mit Interessenten, die nicht gebucht haben.",
    },
]

SEGMENT_PERSONAS = {
    "Aufstiegsorientierte": "Sandra, die Aufsteigerin",
    "Stille Mitlesende": "Mehmet, der Abwägende",
    "Inaktive Kontakte": "Mehmet, der Abwägende",
}

# Phase -> welche Inhalte sie braucht.
CONTENT_NEEDS = {
    0: "Eine Checkliste „Bereit für die Beförderung?“\nEine Anzeige im Karrierenetzwerk",
    1: "Ein ehrlicher Vergleich von Seminar, Onlinekurs und Mentoring\nErfolgsgeschichten von Mentees",
    2: "Ein klares Angebot mit Ratenzahlung\nEine Buchungsbestätigung mit den ersten Schritten",
    3: "Eine Vorbereitung auf die erste Sitzung\nEine Bilanz zur Halbzeit",
    4: "Eine Bitte um Bewertung\nEin Empfehlungslink",
}

# Touchpoint -> wie sich die Menschen dort fühlen.
FEELINGS = {
    "Anzeige: Checkliste „Bereit für die Beförderung?“": "neugierig, aber skeptisch",
    "Vergleich: Seminar, Onlinekurs oder Mentoring?": "erleichtert über die Übersicht",
    "Erinnerung an das Kennenlerngespräch": "etwas aufgeregt",
    "Angebot: Mentoring über sechs Monate": "unsicher wegen des Preises",
    "Buchungsbestätigung und erste Sitzung": "motiviert",
    "Halbzeit: Ihre Fortschritte nach drei Monaten": "stolz auf die ersten Erfolge",
}

SEGMENTS = [
    {
        "name": "Aufstiegsorientierte",
        "description": "Berufstätige mit einem klaren Ziel: die nächste Position innerhalb von ein bis zwei Jahren.",
        "motivation": "Folgt uns aktiv als Ratgeber und möchte direkten Kontakt",
        "action": "Klickt sich für mehr Informationen und Angebote durch",
        "obstacle": "Kennt uns noch zu wenig, um sich für uns zu interessieren",
        "opportunity": "Mentoring greifbar machen: Erfolgsgeschichten, ein kostenloses Kennenlerngespräch und "
                       "schnelle persönliche Antworten.",
        "sample_data": {"anrede": "Guten Tag Frau Berger", "termin": "Dienstag, 12.01.2027, 18:00 Uhr"},
    },
    {
        "name": "Stille Mitlesende",
        "description": "Haben die Checkliste einmal angefordert und lesen seitdem mit, ohne zu reagieren.",
        "motivation": "Schaut gelegentlich, was wir bieten und wie wir später helfen könnten",
        "action": "Öffnet und liest, klickt aber nicht",
        "obstacle": "Unsere E-Mails sind zu schlicht, ohne Call to Action oder andere Möglichkeit, aktiv zu werden",
        "opportunity": "Ein klarer Button je E-Mail, eine Übung für heute und ein Grund, jetzt zu klicken.",
        "sample_data": {"anrede": "Guten Tag Herr Yılmaz"},
    },
    {
        "name": "Inaktive Kontakte",
        "description": "Adressen aus einem Gewinnspiel auf einer Karrieremesse; seit 90 Tagen keine Öffnung.",
        "motivation": "Hat sich versehentlich angemeldet und sich noch nicht abgemeldet",
        "action": "Reagiert überhaupt nicht",
        "obstacle": "Unsere E-Mails sind unklar, verwirrend oder passen nicht zur Marke",
        "opportunity": "Eine kurze, ehrliche Reaktivierung; wer weiter nicht reagiert, wird aus der Liste entfernt.",
        "sample_data": {},
    },
]

# (phase index, kind, name, trigger, offset days, call to action, subject, preheader); the phases of the
# five-stage funnel in German: Awareness, Consideration, Entscheidung, Kundenbindung, Weiterempfehlung.
TOUCHPOINTS = [
    (0, "landing_page", "Anzeige: Checkliste „Bereit für die Beförderung?“", "klickt auf eine Anzeige im Karrierenetzwerk",
     0, "Checkliste herunterladen", None, None),
    (0, "information_form", "Formular: Checkliste anfordern", "möchte die Checkliste", 0, "Checkliste anfordern",
     None, None),
    (0, "welcome", "Checkliste und Willkommen", "fordert die Checkliste an", 0, "Checkliste öffnen",
     "Ihre Checkliste für den nächsten Karriereschritt",
     "Zwölf Fragen, mit denen Sie Ihre Chancen auf die Beförderung einschätzen."),
    (1, "follow_up", "Vergleich: Seminar, Onlinekurs oder Mentoring?", "", 3, "Vergleich lesen",
     "Seminar, Onlinekurs oder Mentoring?", "Kosten, Zeitaufwand und Wirkung der drei Wege im direkten Vergleich."),
    (1, "newsletter", "Karrierebrief: sichtbar werden im Unternehmen", "", 7, "Zum Karrierebrief",
     "Drei Wege, im Unternehmen sichtbarer zu werden",
     "Gute Arbeit reicht selten: So bemerken die richtigen Menschen Ihre Erfolge."),
    (1, "signup_form", "Buchung: kostenloses Kennenlerngespräch", "möchte ein Mentoring kennenlernen", 0,
     "Gespräch buchen", None, None),
    (1, "reminder", "Erinnerung an das Kennenlerngespräch", "hat ein Kennenlerngespräch gebucht", 1, "Termin ansehen",
     "Morgen: Ihr Kennenlerngespräch mit Kompass", "30 Minuten per Video, ohne Installation und ganz unverbindlich."),
    (2, "offer", "Angebot: Mentoring über sechs Monate", "hat das Kennenlerngespräch geführt", 1, "Mentoring buchen",
     "Ihr Mentoring: sechs Monate bis zum nächsten Schritt",
     "Zertifizierte Begleitung aus Ihrer Branche, alle zwei Wochen eine Sitzung."),
    (2, "welcome", "Buchungsbestätigung und erste Sitzung", "bucht das Mentoring", 0, "Erste Sitzung planen",
     "Willkommen im Mentoring", "Ihre Buchung ist bestätigt: die ersten drei Schritte bis zur ersten Sitzung."),
    (3, "onboarding", "Vor der ersten Sitzung: Ihre Ziele", "", 2, "Ziele eintragen",
     "Zwei Fragen vor Ihrer ersten Sitzung", "Zehn Minuten, die Ihr Mentoring deutlich wirksamer machen."),
    (3, "onboarding", "Halbzeit: Ihre Fortschritte nach drei Monaten", "", 90, "Fortschritt ansehen",
     "Halbzeit: Was sich in drei Monaten getan hat", "Ihre Ziele vom Anfang, Ihre Erfolge seitdem und die nächsten Themen."),
    (4, "review_request", "Bitte um Bewertung nach dem Mentoring", "hat das Mentoring abgeschlossen", 180,
     "Bewertung schreiben", "Würden Sie Kompass weiterempfehlen?",
     "Zwei Minuten, die anderen bei der Entscheidung für ein Mentoring helfen."),
    (4, "referral", "Empfehlung im Bekanntenkreis", "hat eine gute Bewertung geschrieben", 7,
     "Empfehlungslink teilen", "Schenken Sie ein Kennenlerngespräch",
     "Teilen Sie Ihren Link mit allen, die den nächsten Karriereschritt planen."),
]

# Emails meant for some segments only; the rest go to every segment the campaign targets. The inactive contacts
# get nothing in Weiterempfehlung: the demo's one gap, on purpose.
AUDIENCES = {
    "Vergleich: Seminar, Onlinekurs oder Mentoring?": ["Aufstiegsorientierte"],
    "Angebot: Mentoring über sechs Monate": ["Aufstiegsorientierte", "Stille Mitlesende"],
    "Bitte um Bewertung nach dem Mentoring": ["Aufstiegsorientierte", "Stille Mitlesende"],
    "Empfehlung im Bekanntenkreis": ["Aufstiegsorientierte", "Stille Mitlesende"],
}

# Two chains: from the checklist (day 0, 3, 7) and from the booking (day 0, 2, 90, 180, 187).
FOLLOWS = {
    "Vergleich: Seminar, Onlinekurs oder Mentoring?": "Checkliste und Willkommen",
    "Karrierebrief: sichtbar werden im Unternehmen": "Checkliste und Willkommen",
    "Vor der ersten Sitzung: Ihre Ziele": "Buchungsbestätigung und erste Sitzung",
    "Halbzeit: Ihre Fortschritte nach drei Monaten": "Buchungsbestätigung und erste Sitzung",
    "Bitte um Bewertung nach dem Mentoring": "Buchungsbestätigung und erste Sitzung",  # day +180
    "Empfehlung im Bekanntenkreis": "Bitte um Bewertung nach dem Mentoring",  # day +187
}

VARIANTS = {
    ("Angebot: Mentoring über sechs Monate", "Stille Mitlesende"): {
        "subject": "Ein Klick zum Mentoring, Angebot bis 31.01.2027",
        "preheader": "Sechs Monate Begleitung, in Raten zahlbar und mit kostenlosem Wechsel.",
    },
    ("Checkliste und Willkommen", "Inaktive Kontakte"): {
        "subject": "Möchten Sie die Checkliste noch haben?",
    },
}

# phase index -> (emotion, pain points, opportunities)
PHASE_NOTES = {
    0: (-1, "Fühlt sich bei Beförderungen übergangen.\nWeiß nicht, woran es liegt.",
        "Eine Checkliste, die zeigt, wo man steht."),
    1: (0, "Zu viele Seminare und Kurse, kaum vergleichbar.\nUnsicher, ob sich die Ausgabe lohnt.",
        "Ein ehrlicher Vergleich der Wege.\nEin kostenloses Kennenlerngespräch."),
    2: (0, "Hoher Preis für ein halbes Jahr.\nSorge, dass die Chemie nicht stimmt.",
        "Ratenzahlung und ein kostenloser Wechsel, wenn die Chemie nicht stimmt."),
    3: (1, "Im Alltag bleibt wenig Zeit für die Sitzungen.", "Klare Ziele am Anfang, eine Bilanz zur Halbzeit."),
    4: (2, "Niemand fragt nach der Beförderung nach.", "Zum Erfolg gratulieren, um eine Bewertung bitten, "
        "Empfehlungen belohnen."),
}

PLAN = DemoPlan(CAMPAIGN, SEGMENTS, TOUCHPOINTS, EMAILS, AUDIENCES, FOLLOWS, VARIANTS, PHASE_NOTES,
                PERSONAS, SEGMENT_PERSONAS, CONTENT_NEEDS, FEELINGS)


def create_demo_de() -> Campaign:
    """Create the German demo campaign with its touchpoints and its three German segments (reused by name)."""
    return build(PLAN)
