# Messages que lisent les clients et l'équipe : SMS et e-mails, écrits par le service d'envoi dans
# la langue de l'entreprise. Variables : voir locales/en-US/frontdesk-delivery.ftl.

## SMS au client
sms-confirmed = { $company } : { $service } pour { $who } est réservé le { $date } à { $time }. Code de confirmation { $code }.
sms-rescheduled = { $company } : { $service } pour { $who } est déplacé au { $date } à { $time }. Code de confirmation { $code }.
sms-cancelled = { $company } : { $service } pour { $who } le { $date } à { $time } est annulé. Code de confirmation { $code }.
sms-reminder = { $company } : rappel de { $service } pour { $who } le { $date } à { $time }. Code de confirmation { $code }.

## E-mail au client
mail-subject-confirmed = Réservation confirmée : { $service } le { $date } à { $time }
mail-subject-rescheduled = Réservation déplacée : { $service } le { $date } à { $time }
mail-subject-cancelled = Réservation annulée : { $service } le { $date } à { $time }
mail-subject-reminder = Rappel : { $service } le { $date } à { $time }
mail-greeting = Bonjour { $name },
mail-greeting-anonymous = Bonjour,
mail-intro-confirmed = votre réservation chez { $company } est confirmée.
mail-intro-rescheduled = votre réservation chez { $company } a été déplacée.
mail-intro-cancelled = votre réservation chez { $company } est annulée.
mail-intro-reminder = ceci est un rappel de votre réservation chez { $company }.
mail-label-service = Prestation
mail-label-for = Pour
mail-label-when = Quand
mail-label-before = Avant
mail-label-where = Où
mail-label-with = Avec
mail-label-code = Code de confirmation
mail-label-customer = Client
mail-label-reason = Motif
mail-calendar = L'invitation jointe l'ajoute à votre agenda.
mail-signature = { $company }

## Avis à l'entreprise
notice-subject-confirmed = Nouvelle réservation : { $service }, { $date } { $time }, { $who }
notice-subject-rescheduled = Réservation déplacée : { $service }, { $date } { $time }, { $who }
notice-subject-cancelled = Réservation annulée : { $service }, { $date } { $time }, { $who }
notice-intro-confirmed = Une réservation a été faite.
notice-intro-rescheduled = Une réservation a été déplacée.
notice-intro-cancelled = Une réservation a été annulée.
