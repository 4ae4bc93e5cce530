# Nachrichten, die Kunden und Mitarbeitende lesen: SMS und E-Mails, vom Zustelldienst in der
# Sprache des Unternehmens geschrieben. Variablen: siehe locales/en-US/frontdesk-delivery.ftl.

## SMS an den Kunden
sms-confirmed = { $company }: { $service } für { $who } ist gebucht für { $date } um { $time }. Bestätigungscode { $code }.
sms-rescheduled = { $company }: { $service } für { $who } ist verlegt auf { $date } um { $time }. Bestätigungscode { $code }.
sms-cancelled = { $company }: { $service } für { $who } am { $date } um { $time } ist storniert. Bestätigungscode { $code }.
sms-reminder = { $company }: Erinnerung an { $service } für { $who } am { $date } um { $time }. Bestätigungscode { $code }.
sms-waitlist-booked = { $company }: Ein Platz ist frei geworden! { $service } für { $who } ist für { $date } um { $time } gebucht. Bestätigungscode { $code }.
sms-waitlist-offered = { $company }: Ein Platz in { $service } für { $who } am { $date } um { $time } ist frei geworden. Er ist bis { $until } für Sie reserviert: antworten Sie JA oder rufen Sie uns zur Bestätigung an. Code { $code }.

## E-Mail an den Kunden
mail-subject-confirmed = Termin bestätigt: { $service } am { $date } um { $time }
mail-subject-rescheduled = Termin verlegt: { $service } am { $date } um { $time }
mail-subject-cancelled = Termin storniert: { $service } am { $date } um { $time }
mail-subject-reminder = Erinnerung: { $service } am { $date } um { $time }
mail-greeting = Hallo { $name },
mail-greeting-anonymous = Hallo,
mail-intro-confirmed = Ihr Termin bei { $company } ist bestätigt.
mail-intro-rescheduled = Ihr Termin bei { $company } wurde verlegt.
mail-intro-cancelled = Ihr Termin bei { $company } ist storniert.
mail-intro-reminder = dies ist eine Erinnerung an Ihren Termin bei { $company }.
mail-subject-waitlist-booked = Ein Platz ist frei geworden: { $service } am { $date } um { $time }
mail-subject-waitlist-offered = Ein Platz ist für Sie reserviert: { $service } am { $date } um { $time }
mail-intro-waitlist-booked = bei { $company } ist ein Platz frei geworden, und wir haben ihn von der Warteliste für Sie gebucht.
mail-intro-waitlist-offered = bei { $company } ist ein Platz frei geworden; er ist bis { $until } für Sie reserviert. Rufen Sie uns zur Bestätigung an.
mail-label-service = Leistung
mail-label-for = Für
mail-label-when = Wann
mail-label-before = Vorher
mail-label-where = Wo
mail-label-with = Bei
mail-label-code = Bestätigungscode
mail-label-customer = Kunde
mail-label-reason = Grund
mail-calendar = Mit der angehängten Einladung steht der Termin in Ihrem Kalender.
mail-signature = { $company }

## Hinweis an das Unternehmen
notice-subject-confirmed = Neuer Termin: { $service }, { $date } { $time }, { $who }
notice-subject-rescheduled = Termin verlegt: { $service }, { $date } { $time }, { $who }
notice-subject-cancelled = Termin storniert: { $service }, { $date } { $time }, { $who }
notice-intro-confirmed = Ein Termin wurde gebucht.
notice-intro-rescheduled = Ein Termin wurde verlegt.
notice-intro-cancelled = Ein Termin wurde storniert.
notice-subject-offered = Platz für die Warteliste freigehalten: { $service }, { $date } { $time }, { $who }
notice-intro-waitlist-booked = Ein frei gewordener Platz wurde von der Warteliste gebucht.
notice-intro-waitlist-offered = Ein frei gewordener Platz ist für einen Wartelisteneintrag freigehalten, bis er bestätigt wird.

## Replies to a text a customer sends (Twilio's inbound webhook)
sms-reply-yes-words = ja, j, ok, okay, bestätigen
sms-reply-nothing-held = Für diese Nummer ist gerade nichts reserviert. Rufen Sie uns an, um zu buchen.
sms-reply-say-yes = Um den für Sie reservierten Platz zu nehmen, antworten Sie JA.
