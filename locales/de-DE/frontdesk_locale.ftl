### Datumswörter: wie ein Anrufer (oder der Sprachagent für ihn) einen Tag nennt, auf Deutsch.
###
### Gelesen von frontdesk-locale (Locale::parse_date). Englisch wird immer auch verstanden
### (en-US); englische Formen müssen hier nicht wiederholt werden.
###
### Konventionen (in allen Sprachen gleich; siehe en-US/frontdesk_locale.ftl):
### - Eine Nachricht listet Alternativen, durch Kommas getrennt. Groß-/Kleinschreibung, Akzente
###   und Umlautpunkte, Satzzeichen (, . ; : ! ? ' - /) und zusätzliche Leerzeichen zählen
###   nicht: "Übermorgen" passt auf "ubermorgen". Die Schreibung mit "ue" muss eigens stehen.
### - Platzhalter: { $n } eine Zahl in Ziffern; { $weekday } ein Wochentag (ICU-Namen, lang und
###   kurz, dazu date-weekday-extra); { $day } der Tag des Monats in Ziffern, der Punkt danach
###   ist erlaubt ("21."); { $month } ein Monatsname (ICU dazu date-month-extra); { $year } ein
###   Jahr mit vier Ziffern.
### - Eine Nachricht ohne Inhalt wird { "" } geschrieben.
### - Jede Sprachdatei hat alle Nachrichten der en-US-Datei (ein Test prüft es).

## Tage relativ zu heute.

date-today = heute, heute abend, heute morgen, heute früh, heute nachmittag, heute vormittag
date-tomorrow = morgen, morgen früh, morgen abend, morgen nachmittag, morgen vormittag
date-day-after-tomorrow = übermorgen, uebermorgen
# Vergangene Tage: parse_date gibt sie als vergangen zurück, der Aufrufer lehnt sie ab.
date-yesterday = gestern
date-day-before-yesterday = vorgestern

## Von heute an gezählt ({ $n } in Ziffern).

date-in-days = in { $n } Tagen, in { $n } Tag, in { $n } Tage, heute in { $n } Tagen
date-in-weeks = in { $n } Wochen, in { $n } Woche, heute in { $n } Wochen

## Wochentage ({ $weekday }), drei Bedeutungen (siehe en-US):
## - date-weekday: der nächste solche Tag, heute eingeschlossen ("Freitag" an einem Freitag ist heute).
## - date-weekday-after-today: der erste solche Tag nach heute (heute übersprungen).
## - date-weekday-next-week: dieser Tag in der folgenden Woche (die Woche beginnt am Montag).
## Wahl fürs Deutsche: "nächsten Freitag" ist mehrdeutig; wir nehmen den ersten Freitag nach
## heute (am Montag gesagt: in vier Tagen; an einem Freitag gesagt: in einer Woche), wie
## "kommenden Freitag". "Freitag nächste Woche" ist der Freitag der folgenden Woche.

date-weekday = { $weekday }, am { $weekday }, diesen { $weekday }, diesem { $weekday }, an diesem { $weekday }
date-weekday-after-today =
    nächsten { $weekday }, am nächsten { $weekday }, naechsten { $weekday }, am naechsten { $weekday },
    kommenden { $weekday }, am kommenden { $weekday }
date-weekday-next-week =
    { $weekday } nächste Woche, { $weekday } naechste Woche, nächste Woche { $weekday }, naechste Woche { $weekday },
    nächste Woche am { $weekday }, naechste Woche am { $weekday }, am { $weekday } nächste Woche,
    { $weekday } nächster Woche, { $weekday } der nächsten Woche, am { $weekday } der nächsten Woche,
    { $weekday } kommende Woche, { $weekday } kommender Woche

# Weitere Namen der Wochentage (ein Attribut pro Tag, englisch: .monday … .sunday).
date-weekday-extra = { "" }
    .saturday = Sonnabend

## Tag und Monat ({ $day }, { $month }, { $year } optional).
## Ohne Jahr: der nächste solche Tag (heute eingeschlossen); ein Tag, der vor weniger als 60
## Tagen war, ist dieser vergangene Tag (der Aufrufer lehnt ihn ab).

date-day-month =
    { $day } { $month }, { $day } { $month } { $year },
    am { $day } { $month }, am { $day } { $month } { $year },
    den { $day } { $month }, den { $day } { $month } { $year },
    der { $day } { $month }, der { $day } { $month } { $year }

# Ordinalendungen nach der Tageszahl (der Punkt in "21." zählt ohnehin nicht).
date-ordinal-endings = ten, sten, ter

# Weitere Monatsnamen (ein Attribut pro Monat, englisch: .january … .december).
date-month-extra = { "" }
    .march = Maerz

# Reihenfolge eines Datums in Ziffern: Tag-Monat-Jahr (21.11.2026, 21.11.), Jahr optional.
date-numeric-order = day-month-year

# How a spoken date writes the first day of a month, where usage differs from the plain
# number ICU writes: pt-BR "1º de dezembro", fr-FR "1er décembre". { "" } keeps ICU's.
date-first-of-month = { "" }
