# Les mots des horaires dans le prompt de l'agent vocal (frontdesk-engine, prompts.rs) :
# "lun.-ven. 9:00-18:00; sam. 10:00-14:00". Les abréviations des jours et le "et" viennent
# d'ICU4X ; le prompt lui-même est agent-prompt.j2 dans ce dossier.

# Tous les jours de la semaine ont les mêmes horaires : "tous les jours 7:00-20:00".
hours-every-day = tous les jours
# Aucune prestation n'a d'horaires réguliers.
hours-none = pas d'horaires fixes

# Les événements des agendas abonnés et des invitations par e-mail.
calendar-event-summary = { $service } – { $member }
calendar-event-description = Code de confirmation : { $code }
