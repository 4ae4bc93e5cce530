# Die Bedienkonsole: was die Mitarbeitenden des Unternehmens im Browser lesen.

## Seitenrahmen
skip-to-content = Zum Inhalt springen
nav-label = Konsole
nav-today = Heute
nav-agenda = Terminplan
nav-calls = Anrufe
nav-customers = Kunden
nav-waitlist = Warteliste
nav-messages = Nachrichten
nav-settings = Einstellungen
log-out = Abmelden
back-to-today = Zurück zu heute

## Anmeldung
login-title = Am Empfang anmelden
login-email = E-Mail
login-password = Passwort
login-submit = Anmelden
login-failed = E-Mail-Adresse oder Passwort ist falsch.
login-expired = Das Formular ist abgelaufen. Bitte erneut anmelden.
login-too-many = Zu viele Versuche von dieser Adresse. Bitte eine Minute warten und erneut versuchen.

## Fehler
error-forbidden = Keine Berechtigung für diese Seite.
error-not-found = Hier gibt es nichts.
error-date = Das ist kein Datum. Bitte eines im Kalender auswählen.

## Was gerade passiert ist
done-booked = Gebucht. Der Kunde erhält eine Bestätigung.
done-moved = Verlegt. Der Kunde erfährt die neue Uhrzeit.
done-cancelled = Storniert. Der Kunde wird benachrichtigt.
done-saved = Gespeichert.
done-retried = Die Nachricht ist wieder in der Warteschlange.
done-closed = Der Tag ist geschlossen.
done-reopened = Der Tag ist wieder geöffnet.
done-key-revoked = Der Schlüssel ist widerrufen.
done-operator-added = Der Benutzer kann sich jetzt anmelden.
done-operator-disabled = Der Benutzer ist deaktiviert und abgemeldet.
done-operator-enabled = Der Benutzer kann sich wieder anmelden.
done-language = Die Sprache der Konsole ist gespeichert.

## Terminplan
today-title = Heute, { $date }
agenda-filters = Terminplan anzeigen
agenda-view = Ansicht
agenda-day = Tag
agenda-week = Woche
any = Beliebig
show = Anzeigen
earlier = Früher
later = Später
new-booking = Neuer Termin
book = Buchen
no-sessions = An diesem Tag gibt es keine Termine.
places-left = { $left ->
    [0] Ausgebucht ({ $capacity } Plätze)
    [one] 1 von { $capacity } Plätzen frei
   *[other] { $left } von { $capacity } Plätzen frei
}
no-member = (kein Mitglied)

## Felder und Spalten
field-date = Datum
field-time = Uhrzeit
field-branch = Standort
field-staff = Mitarbeitende
field-service = Leistung
field-phone = Telefonnummer
field-new-customer-name = Name (neue Kunden)
field-reason = Grund
field-name = Name
field-email = E-Mail
field-role = Rolle
field-password = Passwort
field-language = Sprache
field-kind = Typ
field-search = Name oder Telefonnummer
col-member = Mitglied
col-customer = Kunde
col-code = Code
col-source = Gebucht über
col-status = Status
col-when = Wann
col-what = Was
col-detail = Details
col-kind = Typ
col-channel = Kanal
col-recipient = Empfänger
col-caller = Anrufer
col-duration = Dauer
col-bookings = Termine
col-tool = Tool
col-answer = Antwort
col-slot = Termin
col-position = Wartelistenplatz
col-auto-book = Automatisch buchen
col-attempts = Versuche

## Woher ein Termin kam
source-mcp = Sprachagent (MCP)
source-retell = Sprachagent (Retell)
source-vapi = Sprachagent (Vapi)
source-gateway = Gateway
source-admin = Unternehmensdatei
source-waitlist = Warteliste
source-console = Konsole

## Status eines Termins
status-confirmed = Bestätigt
status-held = Von der Warteliste freigehalten
status-cancelled = Storniert
status-completed = Abgeschlossen
status-no_show = Nicht erschienen

## Ein Termin
held-until = freigehalten bis { $until }
move-title = Auf eine andere Zeit verlegen
move = Verlegen
cancel-title = Stornieren
cancel-booking = Termin stornieren
audit-trail = Verlauf
event-created = Gebucht
event-rescheduled = Verlegt
event-cancelled = Storniert
event-confirmed = Bestätigt
event-held = Von der Warteliste freigehalten
no-messages = Keine Nachrichten.

## Anrufe
no-calls = Noch keine Anrufe.
unknown-number = unbekannte Nummer
older = Ältere
call-title = Anruf
duration = { $minutes } Min. { $seconds } s
tool-calls = Was der Agent getan hat
no-tool-calls = Der Agent hat keine Tools aufgerufen.
transcript = Transkript
no-transcript = Kein Transkript.
no-bookings = Keine Termine.

## Kunden
search = Suchen
no-customers = Keine Kunden gefunden.
no-name = (kein Name)
customer-details = Details
save = Speichern
members = Familie
member-level = Niveau
member-relationship = Beziehung
preferences = Vorlieben
member-new = Neues Mitglied
member-add = Mitglied hinzufügen
no-waitlist = Niemand steht auf der Warteliste.
yes = Ja
no = Nein

## Nachrichten
retry = Erneut senden

## Konto
account-title = Mein Konto
language-business = Sprache des Unternehmens
# Der Name der Sprache in der Sprache selbst, wie ihn die Sprachauswahl anzeigt.
language-name = Deutsch

## Rollen
role-owner = Inhaber
role-staff = Mitarbeitende

## Einstellungen
settings-sections = Bereiche der Einstellungen
closures-title = Schließtage
close-day = Diesen Tag schließen
no-closures = Keine anstehenden Schließtage.
closed = Geschlossen
special-hours = Sonderöffnungszeiten
reopen = Wieder öffnen
affected-title = Termine an diesem Tag
affected-intro = Diese bestätigten Termine lägen außerhalb des Zeitplans. Sie bleiben gebucht, bis sie verlegt oder storniert werden.
close-anyway = Tag trotzdem schließen
keep-open = Geöffnet lassen
policy-title = Buchungsregeln
policy-notice = Vorlaufzeit (Minuten)
policy-window = Buchungszeitraum (Tage)
policy-quota = Aktive Termine pro Mitglied (leer: unbegrenzt)
policy-free-cancel = Kostenlose Stornierung bis (Stunden vorher)
policy-reminders = Erinnerungen (z. B. 24h, 2h)
policy-hold = Freihaltezeit für die Warteliste (Minuten)
policy-unknown = Neue Anrufer dürfen buchen
file-title = Öffnungszeiten, Leistungen und Mitarbeitende
file-intro = Die Unternehmensdatei: Öffnungszeiten, Pausen, Leistungen, Mitarbeitende und Standorte. „Prüfen“ zeigt vor dem Speichern, was sich ändern würde und welche Termine außerhalb des neuen Zeitplans lägen.
file-label = Unternehmensdatei (TOML)
file-check = Prüfen
plan-title = Was sich beim Speichern ändern würde
plan-nothing = Es würde sich nichts ändern.
keys-title = API-Schlüssel
key-shown-once = Diesen Schlüssel jetzt kopieren: Er wird nur einmal angezeigt.
key-mcp = MCP (Sprachagenten)
key-gateway = Gateway
key-create = Schlüssel erstellen
key-prefix = Beginnt mit
key-created = Erstellt
revoke = Widerrufen
revoked = Widerrufen
voice-title = Sprachplattformen
voice-intro = Diese Adressen in Retell oder Vapi einfügen. Der Retell-API-Schlüssel und das Vapi-Secret werden in der Unternehmensdatei festgelegt.
url-mcp = MCP (Streamable HTTP)
url-sse = MCP (SSE)
url-retell-function = Benutzerdefinierte Retell-Funktionen
url-retell-webhook = Retell-Webhook
url-vapi = Vapi-Tool-Aufrufe
url-gateway = JSON-RPC-Gateway
configured = Eingerichtet
not-configured = Nicht eingerichtet
webhooks-title = Webhooks
feeds-title = Kalender-Abos
none-yet = Noch keine.
webhook-url = Adresse (https)
webhook-events = Ereignisse (leer: alle)
webhook-add = Webhook hinzufügen
webhook-secret-once = Das Signatur-Secret jetzt kopieren: Es wird nur einmal angezeigt.
remove = Entfernen
feed-of = Termine von
feed-create = Kalender-Abo erstellen
feed-url-once = Diese Kalenderadresse jetzt kopieren: Sie wird nur einmal angezeigt und ist zugleich das Passwort.
operators-title = Benutzer
operator-add = Benutzer hinzufügen
disabled = Deaktiviert
active = Aktiv
enable = Aktivieren
disable = Deaktivieren
you = Eigenes Konto
