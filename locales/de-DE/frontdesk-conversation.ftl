# Was frontdesk dem Sprachagenten sagt, zum Vorlesen so wie es ist.
# Argumentnamen (member_id, voucher_code, get_members…) bleiben wörtlich: der Agent arbeitet
# damit. Daten, Uhrzeiten und Listen kommen schon gesprochen ($at = "Samstag, 21. November um 08:00 Uhr").

## Bausteine

date-at-time = { $date } um { $time } Uhr
and-more = Und { $n } weitere.
places-left = { $n ->
    [one] { $n } freier Platz
   *[other] { $n } freie Plätze
}
attribute-level = Niveau
attribute-wave-side = Wellenseite
booking-for = { $what } für { $member }
booking-with = { $what }, bei { $staff }
booking-code = { $what }, Code { $code }
status = { $status ->
    [confirmed] bestätigt
    [cancelled] storniert
    [completed] abgeschlossen
    [no_show] als nicht erschienen vermerkt
    [held] für Sie reserviert
   *[other] nicht mehr aktiv
}

## get_members

members-unknown-caller = Zu dieser Telefonnummer gibt es kein Kundenkonto.
members-none = Das Konto hat keine Mitglieder.
members-list = Mitglieder des Kontos: { $names }.

## get_member_preferences und set_member_preferences

preferences-empty = { $saved ->
    [yes] Die Vorlieben von { $member } wurden gelöscht.
   *[no] Für { $member } sind noch keine Vorlieben gespeichert.
}
preferences = { $saved ->
    [yes] Vorlieben von { $member } gespeichert: { $parts }.
   *[no] Vorlieben von { $member }: { $parts }.
}
preferences-services = Leistungen { $list }
preferences-times = { $n ->
    [one] Uhrzeit { $list }
   *[other] Uhrzeiten { $list }
}
preferences-days = Wochentage { $list }
preferences-dates = Daten { $list }
preferences-note = Notiz: { $note }

## get_availability

availability-none-on = Es gibt keine freien Termine am { $date }.
availability-none-between = Es gibt keine freien Termine zwischen { $from } und { $to }.
availability-none = Es gibt keine freien Termine.
availability-next = Der nächste freie Termin ist am { $at }, { $service }.
availability-ranked = Passende Termine für { $member }: { $items }.
availability-for-service = Freie Termine für { $service }: { $days }.
availability = Freie Termine: { $days }.

## book_session

booked-registered = Kundenkonto für { $name } angelegt.
booked = Gebucht: { $what }. Der Buchungscode ist { $code }.
booked-replayed = Dieser Termin war bereits gebucht: { $what }. Der Buchungscode ist { $code }.

## get_bookings

bookings-none = { $status ->
    [upcoming] Es gibt keine anstehenden Termine.
    [past] Es gibt keine vergangenen Termine.
    [cancelled] Es gibt keine stornierten Termine.
   *[all] Es gibt keine Termine.
}
bookings = { $status ->
    [upcoming] Anstehende Termine
    [past] Vergangene Termine
    [cancelled] Stornierte Termine
   *[all] Termine
}: { $items }.

## cancel_booking

cancel-already = Der Termin { $code } war bereits storniert.
cancelled = Termin { $code } storniert: { $what }. { $refund ->
    [yes] Die Stornierung ist kostenlos.
   *[no] Die kostenlose Stornierungsfrist war schon vorbei, es gibt keine Erstattung.
}

## reschedule_booking

reschedule-unchanged = Der Termin { $code } ist bereits am { $at }, { $service }: nichts wurde geändert.
rescheduled = Termin { $code } verschoben von { $before } auf { $after }, { $service }.

## join_waitlist, get_waitlist und leave_waitlist

waitlist-day = am { $date }
waitlist-days = zwischen { $from } und { $to }
waitlist-times-between = , Beginn zwischen { $from } und { $to }
waitlist-times-at = , Beginn um { $time } Uhr
waitlist-times-after = , Beginn ab { $from }
waitlist-times-before = , Beginn bis { $to }
waitlist-position = Platz { $n } in der Warteschlange
waitlist-joined = { $member } steht auf der Warteliste für { $service } { $when } ({ $position }). { $auto ->
    [yes] Wird ein Platz frei, wird er automatisch gebucht und eine SMS bestätigt es.
   *[no] Wird ein Platz frei, wird er kurz freigehalten und per SMS angeboten; der Anrufer bestätigt mit der Antwort JA auf die SMS oder mit einem Rückruf.
}
waitlist-already = { $member } stand schon auf der Warteliste für { $service } { $when } ({ $position }).
waitlist-none = Es gibt keine Einträge auf der Warteliste.
waitlist = Warteliste: { $items }.
waitlist-item = { $member }, { $service } { $when }
waitlist-offered = ein Platz am { $at } ist bis { $until } freigehalten: mit book_session buchen, um ihn zu bestätigen
waitlist-left = { $member } steht nicht mehr auf der Warteliste für { $service } { $when }.
waitlist-left-already = Dieser Eintrag war nicht mehr auf der Warteliste; nichts wurde geändert.
booking-held = { $what }, freigehalten bis { $until }

## get_business_info

business-phone = Telefon { $phone }.
business-now = Jetzt ist es { $time } Uhr am { $date }.
business-closed-on = Geschlossen am { $days }.
hours-range = von { $from } bis { $to } Uhr
hours-open-today = Heute geöffnet { $ranges }.
hours-sessions-today = Heute gibt es Termine zwischen { $first } und { $last } Uhr.
hours-closed-today = Heute ist geschlossen.

## Was stattdessen zu senden ist (ergänzt "date fehlt: …")

hint-integer = senden Sie eine ganze Zahl, z. B. 12345
hint-text = senden Sie einen Text
hint-text-list = senden Sie eine Liste von Texten, z. B. ["a", "b"]
hint-date = senden Sie das Datum als JJJJ-MM-TT (z. B. 2026-11-21), today, tomorrow oder einen Wochentag wie saturday oder Samstag
hint-date-list = senden Sie eine Liste von Daten JJJJ-MM-TT, z. B. ["2026-11-21"]
hint-time = senden Sie die Uhrzeit als HH:MM im 24-Stunden-Format, z. B. 14:00
hint-time-list = senden Sie eine Liste von Uhrzeiten HH:MM, z. B. ["08:00"]
hint-weekdays = senden Sie Wochentage, z. B. ["saturday"] oder ["Samstag"]
hint-status = verwenden Sie upcoming, past, cancelled oder all
hint-attributes = senden Sie ein Objekt wie {"{"}"level": ["Intermediario2"]{"}"}
hint-booking-ref = senden Sie booking_id (eine Zahl) oder voucher_code (z. B. KRM-482); get_bookings listet die Termine
hint-member = senden Sie member_id oder member_name; get_members listet die Mitglieder
hint-name = senden Sie den vollständigen Namen als name
hint-service = get_business_info listet die Leistungen
hint-boolean = senden Sie true oder false

## Fehler

missing = { $field } fehlt: { $hint }.
invalid = { $field } ist ungültig ("{ $got }"): { $hint }.
invalid-input = Der Wert in { $field } ist ungültig.
invalid-input-hint = Der Wert in { $field } ist ungültig: { $hint }.
staff-not-for-service = Dieser Mitarbeiter bietet diese Leistung nicht an. get_business_info zeigt, wer welche Leistung anbietet.
not-found-member = Dieses Mitglied gehört nicht zu diesem Kunden. Rufen Sie get_members auf und senden Sie eine der member_id daraus.
not-found-booking = Dieser Termin wurde bei diesem Kunden nicht gefunden. Rufen Sie get_bookings auf und senden Sie die richtige booking_id oder den voucher_code.
not-found-service = Leistung nicht gefunden. get_business_info listet die Leistungen.
not-found-branch = Standort nicht gefunden. get_business_info listet die Standorte.
not-found = Dieser Eintrag wurde nicht gefunden. Bieten Sie an, den Anruf weiterzuleiten.
unsafe-text = Der Text in { $field } enthält Steuer- oder Schreibrichtungszeichen: senden Sie nur einfachen Text.
choose-service = Welche Leistung? Zur Wahl stehen: { $list }.
choose-member = Für welches Mitglied? Die Mitglieder dieses Kunden sind: { $list }.
choose-staff = Bei welchem Mitarbeiter? Zur Wahl stehen: { $list }.
choose = Welche Angabe für { $field }? Zur Wahl stehen: { $list }.
invalid-phone = Ungültige Telefonnummer: senden Sie sie im E.164-Format, z. B. +491234567890.
unknown-caller-may-register = Zu dieser Nummer gibt es kein Kundenkonto. Fragen Sie nach dem vollständigen Namen und senden Sie ihn als name, dann wird ein Konto angelegt und gebucht.
unknown-caller = Zu dieser Nummer gibt es kein Kundenkonto, und { $company } bucht nur für bestehende Kunden. Bieten Sie an, den Anruf weiterzuleiten.
which-member = Für welches Mitglied ist der Termin? Senden Sie member_id: { $list }.
no-such-slot = Für { $service } gibt es keinen Termin am { $at }.
slot-full = { $service } am { $at } ist ausgebucht.
in-the-past = Dieser Termin hat schon begonnen oder ist vorbei.
day-passed = Der { $date } ist schon vorbei: bieten Sie heute oder einen späteren Tag an.
too-soon = Dieser Termin ist zu kurzfristig: Buchungen brauchen mindestens { $minutes } Minuten Vorlauf.
outside-window = Dieses Datum liegt zu weit in der Zukunft: Buchungen sind höchstens { $days } Tage im Voraus möglich.
quota-reached = { $who } hat bereits { $active } { $active ->
    [one] aktiven Termin
   *[other] aktive Termine
}, erlaubt sind höchstens { $limit }. Für einen neuen Termin muss ein bestehender storniert oder verschoben werden.
this-member = Dieses Mitglied
active-bookings = Aktiver Termin: { $items }.
not-active = Dieser Termin ist { $status } und kann nicht mehr geändert werden.
range-too-long = Der Zeitraum darf höchstens { $max } Tage umfassen, nicht { $requested }: senden Sie date_from und date_to näher beieinander.
unavailable = Das Buchungssystem ist vorübergehend nicht erreichbar. Bitte versuchen Sie es gleich noch einmal.
alternatives-for-service = Freie Alternativen für { $service }: { $list }.
alternatives = Freie Alternativen: { $list }.
arguments-not-object = Die Argumente müssen ein JSON-Objekt sein, z. B. {"{"}"date": "2026-11-21"{"}"}.
arguments-unreadable = Die Argumente sind nicht lesbar: senden Sie ein gültiges JSON-Objekt.
unknown-tool = Das Werkzeug "{ $name }" gibt es nicht. Die Werkzeuge sind: { $tools }.
caller-number-unknown = Die Telefonnummer des Anrufers ist nicht bekannt. Fragen Sie danach und senden Sie sie als phone.
unknown-function = Die Funktion "{ $name }" gibt es nicht. Die Funktionen sind: { $functions }.
slot-available = { $service } hat gerade einen freien Platz: buchen Sie ihn mit book_session, statt auf die Warteliste zu gehen.
already-booked = Dieses Mitglied ist bereits für { $service } am { $at } gebucht.
not-found-waitlist = Diesen Wartelisteneintrag gibt es für diesen Anrufer nicht. Rufen Sie get_waitlist auf und senden Sie einen seiner entry_id-Werte.
