# Die Wörter der Öffnungszeiten im Prompt des Sprachagenten (frontdesk-engine, prompts.rs):
# "Mo-Fr 9:00-18:00; Sa 10:00-14:00". Abkürzungen der Wochentage und "und" kommen aus ICU4X;
# der Prompt selbst ist agent-prompt.j2 in diesem Ordner.

# Jeder Wochentag hat dieselben Zeiten: "täglich 7:00-20:00".
hours-every-day = täglich
# Kein Angebot hat feste Zeiten.
hours-none = keine festen Öffnungszeiten

# Die Termine der Kalender-Abos und der Einladungen per E-Mail.
calendar-event-summary = { $service } – { $member }
calendar-event-description = Buchungscode: { $code }
