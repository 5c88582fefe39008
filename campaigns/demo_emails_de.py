"""The German demo campaign's emails, written out: Kompass Mentoring, a fictional career-mentoring service at
karriere-mentoring.example, writing to its readers formally ("Sie").

As in the English demo (campaigns.demo_emails), every email is finished except UNFINISHED, left as a draft on
purpose so that the demo shows what the unfinished-content check finds. The domain is under .example (RFC 2606):
no link leads to anyone's real site. The words follow docs/glossary.md.
"""

from __future__ import annotations

SITE = "https://karriere-mentoring.example"
UNFINISHED = "Empfehlung im Bekanntenkreis"  # the one draft: its reward, terms and link are placeholders

# The formal greeting: a German list keeps it ready-made per contact ("Guten Tag Frau Berger"); without one,
# a greeting that needs no name.
GREETING = '{{ anrede | default("Guten Tag") }}'

_HEAD = """<mjml lang="de">
  <mj-head>
    <mj-title>@TITLE@</mj-title>
    <mj-attributes>
      <mj-all font-family="Helvetica, Arial, sans-serif" />
      <mj-text font-size="16px" line-height="25px" color="#1c2b33" padding="8px 24px" />
      <mj-button background-color="#0f766e" color="#ffffff" font-size="16px" font-weight="bold" border-radius="6px" inner-padding="14px 28px" padding="24px 24px 8px" />
      <mj-class name="footer" font-size="12px" line-height="18px" color="#5f6b72" align="center" />
    </mj-attributes>
  </mj-head>
  <mj-body background-color="#f2f5f4">
    <mj-section padding="24px 0 12px">
      <mj-column>
        <mj-text align="center" font-size="20px" font-weight="bold" color="#0f766e">Kompass Mentoring</mj-text>
      </mj-column>
    </mj-section>
    <mj-section background-color="#ffffff" border-radius="8px" padding="24px 0">
      <mj-column>
"""

# German law wants the sender's name and address in every commercial email (Impressum), and an easy way out.
_FOOT = """      </mj-column>
    </mj-section>
    <mj-section padding="24px 0">
      <mj-column>
        <mj-text mj-class="footer">@WHY@<br />Kompass Mentoring GmbH &middot; Lindenallee 18 &middot; 50968 Köln &middot; Geschäftsführung: Jana Albers</mj-text>
        <mj-text mj-class="footer"><a href="https://karriere-mentoring.example/konto/e-mail" style="color: #5f6b72; text-decoration: underline;">E-Mail-Einstellungen</a> &middot; <a href="{{ unsubscribe_url }}" style="color: #5f6b72; text-decoration: underline;">Abmelden</a> &middot; <a href="https://karriere-mentoring.example/impressum" style="color: #5f6b72; text-decoration: underline;">Impressum</a></mj-text>
      </mj-column>
    </mj-section>
  </mj-body>
</mjml>
"""

_SIGNATURE = """        <mj-divider border-width="1px" border-color="#dfe7e5" padding="16px 24px" />
        <mj-text font-size="14px" color="#46545b">@LINE@<br />Herzliche Grüße<br />Lena Hoffmann, Programmleitung bei Kompass Mentoring</mj-text>
"""

_LEAD = "Sie erhalten diese E-Mail, weil Sie auf karriere-mentoring.example unsere Checkliste angefordert haben."
_CLIENT = "Sie erhalten diese E-Mail, weil Sie ein Mentoring bei Kompass Mentoring gebucht haben."


def _email(title: str, body: str, why: str, signature: str) -> str:
    """One demo email: the logo line, the white card with `body`, the signature, the footer with the Impressum."""
    return (
        _HEAD.replace("@TITLE@", title)
        + body
        + _SIGNATURE.replace("@LINE@", signature)
        + _FOOT.replace("@WHY@", why)
    )


def _body(*blocks: str) -> str:
    """The card's content; `@GREETING@` in a block becomes the contact's greeting."""
    return "".join(blocks).replace("@GREETING@", GREETING)


# By touchpoint name (campaigns.demo_de.TOUCHPOINTS), each matching its subject and preheader there.
EMAILS: dict[str, str] = {
    "Checkliste und Willkommen": _email(
        "Ihre Checkliste für den nächsten Karriereschritt",
        _body("""        <mj-text font-size="26px" line-height="34px" font-weight="bold">Ihre Checkliste ist da</mj-text>
        <mj-text>@GREETING@,</mj-text>
        <mj-text>vielen Dank für Ihr Interesse an unserer Checkliste „Bereit für die Beförderung?“. Zwölf Fragen auf zwei Seiten: In einer Viertelstunde wissen Sie, wo Sie stehen.</mj-text>
        <mj-text>Die Checkliste hilft Ihnen,</mj-text>
        <mj-text padding="0 24px 0 40px">
          &bull; Ihre Stärken so zu benennen, dass Ihre Führungskraft sie wahrnimmt,<br />
          &bull; die zwei, drei Lücken zu erkennen, die Ihnen für die nächste Position noch fehlen,<br />
          &bull; das Gespräch über Ihre Beförderung gut vorbereitet zu führen.
        </mj-text>
        <mj-button href="https://karriere-mentoring.example/checkliste/befoerderung">Checkliste öffnen</mj-button>
        <mj-text font-size="14px" color="#46545b" align="center">Der Link ist 30 Tage gültig. Speichern Sie die PDF-Datei, wenn Sie sie behalten möchten.</mj-text>
        <mj-text>Einmal im Monat schicken wir Ihnen unseren Karrierebrief mit einer Idee, die Sie sofort umsetzen können. Nicht öfter.</mj-text>
"""),
        _LEAD,
        "Fragen zur Checkliste? Antworten Sie einfach auf diese E-Mail, ich lese jede Nachricht selbst.",
    ),
    "Vergleich: Seminar, Onlinekurs oder Mentoring?": _email(
        "Seminar, Onlinekurs oder Mentoring?",
        _body("""        <mj-text font-size="26px" line-height="34px" font-weight="bold">Seminar, Onlinekurs oder Mentoring?</mj-text>
        <mj-text>@GREETING@,</mj-text>
        <mj-text>wer befördert werden möchte, steht oft vor derselben Frage: Welche Weiterbildung lohnt sich wirklich? Wir haben die drei gängigsten Wege nebeneinandergestellt.</mj-text>
        <mj-text><strong style="color: #0f766e;">Seminar.</strong> Zwei Tage konzentriertes Wissen, etwa zu Führung oder Verhandlung. Gut für ein klar umrissenes Thema, aber danach sind Sie mit der Umsetzung allein.</mj-text>
        <mj-text><strong style="color: #0f766e;">Onlinekurs.</strong> Flexibel und günstig. Die meisten Kurse werden jedoch nicht zu Ende gebracht, weil niemand nachfragt.</mj-text>
        <mj-text><strong style="color: #0f766e;">Mentoring.</strong> Eine erfahrene Person begleitet Sie über Monate, bei Ihren echten Aufgaben in Ihrem Unternehmen. Das kostet mehr Zeit, wirkt aber dort, wo über Beförderungen entschieden wird.</mj-text>
        <mj-text>Im Vergleich finden Sie Kosten, Zeitaufwand und die Fragen, mit denen Sie den passenden Weg für sich herausfinden.</mj-text>
        <mj-button href="https://karriere-mentoring.example/ratgeber/weiterbildung-im-vergleich">Vergleich lesen</mj-button>
"""),
        _LEAD,
        "Sie möchten wissen, ob Mentoring zu Ihnen passt? Antworten Sie mir, dann vereinbaren wir ein kurzes Gespräch.",
    ),
    "Karrierebrief: sichtbar werden im Unternehmen": _email(
        "Drei Wege, im Unternehmen sichtbarer zu werden",
        _body("""        <mj-text font-size="26px" line-height="34px" font-weight="bold">Drei Wege, im Unternehmen sichtbarer zu werden</mj-text>
        <mj-text>@GREETING@,</mj-text>
        <mj-text>gute Arbeit allein führt selten zur Beförderung: Entscheidend ist, dass die richtigen Menschen sie bemerken. Drei Gewohnheiten, die sich bei unseren Mentees bewährt haben:</mj-text>
        <mj-text><strong style="color: #0f766e;">1.</strong> <strong>Ergebnisse in einem Satz berichten.</strong><br />Statt „Ich habe am Projekt mitgearbeitet“ lieber „Durch die neue Planung liefern wir zwei Wochen früher“.</mj-text>
        <mj-text><strong style="color: #0f766e;">2.</strong> <strong>Einmal im Monat ein Gespräch außerhalb des eigenen Teams.</strong><br />Eine halbe Stunde mit einer Kollegin aus einer anderen Abteilung öffnet mehr Türen als jede Präsentation.</mj-text>
        <mj-text><strong style="color: #0f766e;">3.</strong> <strong>Die eigene Entwicklung selbst ansprechen.</strong><br />Wer im Jahresgespräch konkret sagt, welche Aufgabe als Nächstes kommen soll, wird für sie in Betracht gezogen.</mj-text>
        <mj-button href="https://karriere-mentoring.example/karrierebrief/sichtbar-werden">Zum Karrierebrief</mj-button>
"""),
        _LEAD,
        "Welche dieser Gewohnheiten probieren Sie zuerst aus? Schreiben Sie es mir gern.",
    ),
    "Erinnerung an das Kennenlerngespräch": _email(
        "Morgen: Ihr Kennenlerngespräch mit Kompass",
        _body("""        <mj-text font-size="26px" line-height="34px" font-weight="bold">Morgen ist Ihr Kennenlerngespräch</mj-text>
        <mj-text>@GREETING@,</mj-text>
        <mj-text>schön, dass Sie sich Zeit nehmen. Hier ist alles, was Sie für morgen brauchen:</mj-text>
        <mj-text padding="8px 24px" container-background-color="#e6f4f1">
          <strong>Kostenloses Kennenlerngespräch, 30 Minuten</strong><br />
          Wann: {{ termin | default("morgen, zur gebuchten Uhrzeit") }}<br />
          Wo: per Video im Browser, ohne Installation
        </mj-text>
        <mj-text>Überlegen Sie vorab, welche Position Sie in zwei Jahren haben möchten und was Sie bisher davon abhält. Mehr Vorbereitung braucht es nicht.</mj-text>
        <mj-button href="https://karriere-mentoring.example/termin">Termin ansehen</mj-button>
        <mj-text font-size="14px" color="#46545b" align="center">Etwas dazwischengekommen? Über denselben Link verschieben Sie den Termin mit zwei Klicks.</mj-text>
"""),
        _LEAD,
        "Ich freue mich auf unser Gespräch.",
    ),
    "Angebot: Mentoring über sechs Monate": _email(
        "Ihr Mentoring: sechs Monate bis zum nächsten Schritt",
        _body("""        <mj-text font-size="26px" line-height="34px" font-weight="bold">Ihr Weg zur Beförderung, Schritt für Schritt</mj-text>
        <mj-text>@GREETING@,</mj-text>
        <mj-text>vielen Dank für das offene Gespräch. Wie besprochen, hier unser Angebot für Ihr Mentoring:</mj-text>
        <mj-text padding="0 24px 0 40px">
          &bull; sechs Monate mit einer zertifizierten Mentorin oder einem zertifizierten Mentor aus Ihrer Branche<br />
          &bull; alle zwei Wochen eine Sitzung von 60 Minuten, per Video oder vor Ort in Köln<br />
          &bull; zwischen den Sitzungen Antworten per E-Mail innerhalb von zwei Werktagen
        </mj-text>
        <mj-text align="center" padding="16px 24px 0"><strong style="font-size: 20px;">2.340 € für sechs Monate</strong><br /><span style="font-size: 14px; color: #46545b;">oder sechs Monatsraten zu 390 €, inkl. 19 % MwSt.</span></mj-text>
        <mj-button href="https://karriere-mentoring.example/mentoring/buchen">Mentoring buchen</mj-button>
        <mj-text align="center" font-size="14px" color="#46545b">Das Angebot gilt bis zum 31.01.2027. Passt die Chemie nach der ersten Sitzung nicht, wechseln Sie kostenlos die Mentorin oder den Mentor.</mj-text>
"""),
        _LEAD,
        "Noch unsicher? Antworten Sie mir mit Ihrer Frage, ich melde mich persönlich.",
    ),
    "Buchungsbestätigung und erste Sitzung": _email(
        "Willkommen im Mentoring",
        _body("""        <mj-text font-size="26px" line-height="34px" font-weight="bold">Willkommen im Mentoring!</mj-text>
        <mj-text>@GREETING@,</mj-text>
        <mj-text>Ihre Buchung ist bestätigt. Innerhalb von zwei Werktagen stellt sich Ihre Mentorin oder Ihr Mentor bei Ihnen vor. Bis dahin können Sie schon drei Dinge tun:</mj-text>
        <mj-text><strong style="color: #0f766e;">1.</strong> <strong>Die erste Sitzung planen.</strong> Wählen Sie im Kalender einen Termin in den nächsten zwei Wochen.</mj-text>
        <mj-text><strong style="color: #0f766e;">2.</strong> <strong>Ihr Ziel notieren.</strong> Ein Satz genügt: Welche Position, bis wann?</mj-text>
        <mj-text><strong style="color: #0f766e;">3.</strong> <strong>Eine aktuelle Herausforderung mitbringen.</strong> Am meisten lernen Sie an einer echten Aufgabe.</mj-text>
        <mj-button href="https://karriere-mentoring.example/mein-mentoring/termine">Erste Sitzung planen</mj-button>
        <mj-text font-size="14px" color="#46545b" align="center">Rechnung und Vertragsunterlagen finden Sie jederzeit in Ihrem Kundenbereich.</mj-text>
"""),
        _CLIENT,
        "Fragen zum Ablauf? Antworten Sie auf diese E-Mail, wir helfen gern.",
    ),
    "Vor der ersten Sitzung: Ihre Ziele": _email(
        "Zwei Fragen vor Ihrer ersten Sitzung",
        _body("""        <mj-text font-size="26px" line-height="34px" font-weight="bold">Zwei Fragen vor Ihrer ersten Sitzung</mj-text>
        <mj-text>@GREETING@,</mj-text>
        <mj-text>Mentees, die ihre Ziele vor der ersten Sitzung aufschreiben, kommen nach unserer Erfahrung deutlich schneller voran. Nehmen Sie sich zehn Minuten für zwei Fragen:</mj-text>
        <mj-text padding="0 24px 0 40px">
          &bull; Was soll in sechs Monaten anders sein als heute?<br />
          &bull; Woran würden Ihre Kolleginnen und Kollegen merken, dass Sie bereit für die nächste Position sind?
        </mj-text>
        <mj-text>Ihre Antworten sieht nur Ihre Mentorin oder Ihr Mentor. Sie dienen als Ausgangspunkt, an dem Sie später Ihren Fortschritt messen.</mj-text>
        <mj-button href="https://karriere-mentoring.example/mein-mentoring/ziele">Ziele eintragen</mj-button>
"""),
        _CLIENT,
        "Ihnen fehlen die Worte für Ihr Ziel? Das ist normal: Genau dafür ist die erste Sitzung da.",
    ),
    "Halbzeit: Ihre Fortschritte nach drei Monaten": _email(
        "Halbzeit: Was sich in drei Monaten getan hat",
        _body("""        <mj-text font-size="26px" line-height="34px" font-weight="bold">Halbzeit in Ihrem Mentoring</mj-text>
        <mj-text>@GREETING@,</mj-text>
        <mj-text>drei Monate Mentoring liegen hinter Ihnen. Zeit für einen ehrlichen Blick zurück: In Ihrem Kundenbereich finden Sie</mj-text>
        <mj-text padding="0 24px 0 40px">
          &bull; Ihre Ziele vom Anfang, neben dem, was Sie bisher erreicht haben,<br />
          &bull; die Aufgaben, die Sie seit der ersten Sitzung übernommen haben,<br />
          &bull; die Themen, die Ihre Mentorin oder Ihr Mentor für die zweite Hälfte vorschlägt.
        </mj-text>
        <mj-text>Viele Mentees führen in dieser Phase das erste Gespräch über ihre Beförderung. Wenn es bei Ihnen so weit ist, bereiten wir es in der nächsten Sitzung gemeinsam vor.</mj-text>
        <mj-button href="https://karriere-mentoring.example/mein-mentoring/fortschritt">Fortschritt ansehen</mj-button>
"""),
        _CLIENT,
        "Läuft etwas nicht wie erhofft? Sagen Sie es mir, dann finden wir eine Lösung.",
    ),
    "Bitte um Bewertung nach dem Mentoring": _email(
        "Würden Sie Kompass weiterempfehlen?",
        _body("""        <mj-text font-size="26px" line-height="34px" font-weight="bold">Würden Sie uns weiterempfehlen?</mj-text>
        <mj-text>@GREETING@,</mj-text>
        <mj-text>sechs Monate Mentoring sind vorbei, und wir hoffen, Sie sind Ihrem Ziel ein gutes Stück nähergekommen. Herzlichen Glückwunsch zu allem, was Sie erreicht haben!</mj-text>
        <mj-text>Andere Berufstätige entscheiden sich für ein Mentoring, wenn sie Erfahrungen von Menschen wie Ihnen lesen. Würden Sie uns eine kurze Bewertung schreiben? Zwei Minuten genügen: Womit sind Sie gestartet, und was hat sich verändert? Ehrliche Bewertungen helfen am meisten, auch kritische.</mj-text>
        <mj-text align="center" font-size="28px" line-height="36px" color="#f59e0b" padding="16px 24px 0">&#9733; &#9733; &#9733; &#9733; &#9733;</mj-text>
        <mj-button href="https://karriere-mentoring.example/bewertung">Bewertung schreiben</mj-button>
"""),
        _CLIENT,
        "Waren Sie nicht zufrieden? Antworten Sie mir zuerst, damit wir es besser machen können.",
    ),
    # Left unfinished on purpose: the reward, the terms and the link are still placeholders.
    "Empfehlung im Bekanntenkreis": _email(
        "Schenken Sie ein Kennenlerngespräch",
        _body("""        <mj-text font-size="26px" line-height="34px" font-weight="bold">Kennen Sie jemanden, der den nächsten Schritt gehen möchte?</mj-text>
        <mj-text>@GREETING@, vielleicht denkt eine Freundin oder ein Kollege gerade über den nächsten Karriereschritt nach. Teilen Sie Ihren persönlichen Link.</mj-text>
        <mj-text>Wer über Ihren Link bucht, erhält ein verlängertes Kennenlerngespräch. Sie erhalten [Dankeschön für die Empfehlung: eine Sitzung gratis oder ein Gutschein?], sobald das Mentoring beginnt.</mj-text>
        <mj-button href="https://example.com/empfehlen">Empfehlungslink teilen</mj-button>
        <mj-text font-size="14px" color="#46545b" align="center">[Bedingungen: wie viele Empfehlungen, bis wann? Noch mit der Buchhaltung klären]</mj-text>
"""),
        _CLIENT,
        "Danke für jede Empfehlung.",
    ),
}
