# Ce que frontdesk dit à l'agent vocal, à lire à voix haute tel quel.
# Les noms d'arguments (member_id, voucher_code, get_members…) restent littéraux : l'agent s'en
# sert. Dates, heures et listes arrivent déjà parlées ($at = "samedi 21 novembre à 08:00").

## Éléments

date-at-time = { $date } à { $time }
and-more = Et { $n } de plus.
places-left = { $n ->
    [one] { $n } place libre
   *[other] { $n } places libres
}
attribute-level = niveau
attribute-wave-side = côté de la vague
booking-for = { $what } pour { $member }
booking-with = { $what }, avec { $staff }
booking-code = { $what }, code { $code }
status = { $status ->
    [confirmed] confirmée
    [cancelled] annulée
    [completed] terminée
    [no_show] notée comme absence
    [held] réservée pour vous
   *[other] inactive
}

## get_members

members-unknown-caller = Ce numéro de téléphone n'a pas de compte client.
members-none = Ce compte n'a aucun membre.
members-list = Membres du compte : { $names }.

## get_member_preferences et set_member_preferences

preferences-empty = { $saved ->
    [yes] Les préférences de { $member } ont été effacées.
   *[no] { $member } n'a pas encore de préférences enregistrées.
}
preferences = { $saved ->
    [yes] Préférences de { $member } enregistrées : { $parts }.
   *[no] Préférences de { $member } : { $parts }.
}
preferences-services = prestations { $list }
preferences-times = { $n ->
    [one] heure { $list }
   *[other] heures { $list }
}
preferences-days = jours { $list }
preferences-dates = dates { $list }
preferences-note = note : { $note }

## get_availability

availability-none-on = Aucun créneau libre le { $date }.
availability-none-between = Aucun créneau libre entre le { $from } et le { $to }.
availability-none = Aucun créneau libre.
availability-next = Le prochain créneau libre est le { $at }, { $service }.
availability-ranked = Meilleures options pour { $member } : { $items }.
availability-for-service = Créneaux libres pour { $service } : { $days }.
availability = Créneaux libres : { $days }.

## book_session

booked-registered = Compte client créé pour { $name }.
booked = Réservation confirmée : { $what }. Le code de réservation est { $code }.
booked-replayed = Cette réservation était déjà faite : { $what }. Le code de réservation est { $code }.

## get_bookings

bookings-none = { $status ->
    [upcoming] Il n'y a aucune réservation à venir.
    [past] Il n'y a aucune réservation passée.
    [cancelled] Il n'y a aucune réservation annulée.
   *[all] Il n'y a aucune réservation.
}
bookings = { $status ->
    [upcoming] Réservations à venir
    [past] Réservations passées
    [cancelled] Réservations annulées
   *[all] Réservations
} : { $items }.

## cancel_booking

cancel-already = La réservation { $code } était déjà annulée.
cancelled = Réservation { $code } annulée : { $what }. { $refund ->
    [yes] L'annulation est gratuite.
   *[no] Le délai d'annulation gratuite était dépassé, il n'y a donc pas de remboursement.
}

## reschedule_booking

reschedule-unchanged = La réservation { $code } est déjà le { $at }, { $service } : rien n'a été modifié.
rescheduled = Réservation { $code } déplacée du { $before } au { $after }, { $service }.

## join_waitlist, get_waitlist et leave_waitlist

waitlist-day = le { $date }
waitlist-days = entre le { $from } et le { $to }
waitlist-times-between = , début entre { $from } et { $to }
waitlist-times-at = , début à { $time }
waitlist-times-after = , début à partir de { $from }
waitlist-times-before = , début au plus tard à { $to }
waitlist-position = numéro { $n } dans la file
waitlist-joined = { $member } est sur la liste d'attente de { $service } { $when } ({ $position }). { $auto ->
    [yes] Si une place se libère, elle est réservée automatiquement et un SMS le confirme.
   *[no] Si une place se libère, elle est gardée un court moment et proposée par SMS ; la personne confirme en répondant OUI au SMS ou en rappelant.
}
waitlist-already = { $member } était déjà sur la liste d'attente de { $service } { $when } ({ $position }).
waitlist-none = Il n'y a aucune inscription sur la liste d'attente.
waitlist = Liste d'attente : { $items }.
waitlist-item = { $member }, { $service } { $when }
waitlist-offered = une place est gardée le { $at } jusqu'à { $until } : réservez-la avec book_session pour la confirmer
waitlist-left = { $member } a quitté la liste d'attente de { $service } { $when }.
waitlist-left-already = Cette inscription n'était plus active sur la liste d'attente ; rien n'a changé.
booking-held = { $what }, gardée jusqu'à { $until }

## get_business_info

business-phone = Téléphone { $phone }.
business-now = Il est { $time }, { $date }.
business-closed-on = Fermé le { $days }.
hours-range = de { $from } à { $to }
hours-open-today = Ouvert aujourd'hui { $ranges }.
hours-sessions-today = Aujourd'hui, il y a des séances de { $first } à { $last }.
hours-closed-today = Fermé aujourd'hui.

## Quoi envoyer à la place (complète « date manquant : … »)

hint-integer = envoyez un nombre entier, comme 12345
hint-text = envoyez un texte
hint-text-list = envoyez une liste de textes, comme ["a", "b"]
hint-date = envoyez la date au format AAAA-MM-JJ (par exemple 2026-11-21), today, tomorrow ou un jour de la semaine, comme saturday ou samedi
hint-date-list = envoyez une liste de dates AAAA-MM-JJ, comme ["2026-11-21"]
hint-time = envoyez l'heure au format HH:MM sur 24 heures, par exemple 14:00
hint-time-list = envoyez une liste d'heures HH:MM, comme ["08:00"]
hint-weekdays = envoyez des noms de jours, comme ["saturday"] ou ["samedi"]
hint-status = utilisez upcoming, past, cancelled ou all
hint-attributes = envoyez un objet comme {"{"}"level": ["Intermediario2"]{"}"}
hint-booking-ref = envoyez booking_id (un nombre) ou voucher_code (comme KRM-482) ; get_bookings liste les réservations
hint-member = envoyez member_id ou member_name ; get_members liste les membres
hint-name = envoyez le nom complet de la personne dans name
hint-service = get_business_info liste les prestations
hint-boolean = envoyez true ou false

## Erreurs

missing = { $field } manquant : { $hint }.
invalid = { $field } n'est pas valide ("{ $got }") : { $hint }.
invalid-input = La valeur envoyée dans { $field } n'est pas valide.
invalid-input-hint = La valeur envoyée dans { $field } n'est pas valide : { $hint }.
staff-not-for-service = Ce professionnel n'assure pas cette prestation. get_business_info indique qui assure chaque prestation.
not-found-member = Ce membre ne fait pas partie des membres de ce client. Appelez get_members et envoyez l'un de ses member_id.
not-found-booking = Cette réservation ne fait pas partie des réservations de ce client. Appelez get_bookings et envoyez le bon booking_id ou voucher_code.
not-found-service = Prestation introuvable. get_business_info liste les prestations.
not-found-branch = Établissement introuvable. get_business_info liste les établissements.
not-found = Cet enregistrement est introuvable. Proposez de transférer l'appel à l'équipe.
unsafe-text = Le texte dans { $field } contient des caractères de contrôle ou de direction du texte : envoyez uniquement du texte simple.
choose-service = Quelle prestation ? Les choix sont : { $list }.
choose-member = Pour quel membre ? Les membres de ce client sont : { $list }.
choose-staff = Avec quel professionnel ? Les choix sont : { $list }.
choose = Quel { $field } ? Les choix sont : { $list }.
invalid-phone = Numéro de téléphone non valide : envoyez-le au format E.164, comme +33123456789.
unknown-caller-may-register = Ce numéro n'a pas de compte client. Demandez le nom complet de la personne et envoyez-le dans name pour l'inscrire et réserver.
unknown-caller = Ce numéro n'a pas de compte client, et { $company } ne réserve que pour les clients inscrits. Proposez de transférer l'appel à l'équipe.
which-member = Pour quel membre est la réservation ? Envoyez member_id : { $list }.
no-such-slot = Il n'y a pas de séance de { $service } le { $at }.
slot-full = La séance de { $service } du { $at } est complète.
in-the-past = Ce créneau a déjà commencé ou est déjà passé.
day-passed = Le { $date } est déjà passé : proposez aujourd'hui ou un jour suivant.
too-soon = Ce créneau est trop proche : les réservations demandent au moins { $minutes } minutes d'avance.
outside-window = Cette date est trop lointaine : les réservations ouvrent au plus { $days } jours à l'avance.
quota-reached = { $who } a déjà { $active } { $active ->
    [one] réservation active
   *[other] réservations actives
}, le maximum autorisé est { $limit }. Pour en réserver une autre, annulez ou déplacez la réservation existante.
this-member = Ce membre
active-bookings = Réservation active : { $items }.
not-active = Cette réservation est { $status } et ne peut plus être modifiée.
range-too-long = Une période peut couvrir au plus { $max } jours, pas { $requested } : envoyez un date_from et un date_to plus proches.
unavailable = Le système de réservation est momentanément indisponible. Réessayez dans un instant.
alternatives-for-service = Créneaux libres pour { $service } : { $list }.
alternatives = Créneaux libres : { $list }.
arguments-not-object = Les arguments doivent être un objet JSON, comme {"{"}"date": "2026-11-21"{"}"}.
arguments-unreadable = Les arguments sont illisibles : envoyez un objet JSON valide.
unknown-tool = L'outil "{ $name }" n'existe pas. Les outils sont : { $tools }.
caller-number-unknown = Le numéro de téléphone de l'appelant est inconnu. Demandez-le et envoyez-le dans phone.
unknown-function = La fonction "{ $name }" n'existe pas. Les fonctions sont : { $functions }.
slot-available = { $service } a une place libre en ce moment : réservez-la avec book_session au lieu de rejoindre la liste d'attente.
already-booked = Ce membre est déjà inscrit à { $service } le { $at }.
not-found-waitlist = Cette inscription sur la liste d'attente n'existe pas pour cette personne. Appelez get_waitlist et envoyez l'une de ses valeurs entry_id.
