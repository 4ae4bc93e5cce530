# Messages que lisent les clients et l'équipe : SMS et e-mails, écrits par le service d'envoi dans
# la langue de l'entreprise. Variables : voir locales/en-US/frontdesk-delivery.ftl.

## SMS au client
sms-confirmed = { $company } : { $service } pour { $who } est réservé le { $date } à { $time }. Code de confirmation { $code }.
sms-rescheduled = { $company } : { $service } pour { $who } est déplacé au { $date } à { $time }. Code de confirmation { $code }.
sms-cancelled = { $company } : { $service } pour { $who } le { $date } à { $time } est annulé. Code de confirmation { $code }.
sms-reminder = { $company } : rappel de { $service } pour { $who } le { $date } à { $time }. Code de confirmation { $code }.
sms-waitlist-booked = { $company } : une place s'est libérée ! { $service } pour { $who } est réservé le { $date } à { $time }. Code de confirmation { $code }.
sms-waitlist-offered = { $company } : une place s'est libérée en { $service } pour { $who } le { $date } à { $time }. Elle vous est gardée jusqu'à { $until } : répondez OUI ou appelez-nous pour confirmer. Code { $code }.

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
mail-subject-waitlist-booked = Une place s'est libérée : { $service } le { $date } à { $time }
mail-subject-waitlist-offered = Une place vous est gardée : { $service } le { $date } à { $time }
mail-intro-waitlist-booked = une place s'est libérée chez { $company } et nous l'avons réservée pour vous depuis la liste d'attente.
mail-intro-waitlist-offered = une place s'est libérée chez { $company } et vous est gardée jusqu'à { $until }. Appelez-nous pour la confirmer.
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
notice-subject-offered = Place gardée pour la liste d'attente : { $service }, { $date } { $time }, { $who }
notice-intro-waitlist-booked = Une place libérée a été réservée depuis la liste d'attente.
notice-intro-waitlist-offered = Une place libérée est gardée pour une inscription de la liste d'attente jusqu'à sa confirmation.

## Replies to a text a customer sends (Twilio's inbound webhook)
sms-reply-yes-words = oui, ok, d'accord, confirmer
sms-reply-nothing-held = Aucune place n'est gardée pour ce numéro en ce moment. Appelez-nous pour réserver.
sms-reply-say-yes = Pour prendre la place gardée pour vous, répondez OUI.
