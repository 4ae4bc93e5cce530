# La console de l'accueil : ce que l'équipe de l'entreprise lit dans son navigateur.

## Cadre de la page
skip-to-content = Aller au contenu
nav-label = Console
nav-today = Aujourd'hui
nav-agenda = Agenda
nav-calls = Appels
nav-customers = Clients
nav-waitlist = Liste d'attente
nav-messages = Messages
nav-settings = Paramètres
log-out = Se déconnecter
back-to-today = Retour à aujourd'hui

## Connexion
login-title = Se connecter à l'accueil
login-email = E-mail
login-password = Mot de passe
login-submit = Se connecter
login-failed = L'e-mail ou le mot de passe est incorrect.
login-expired = Le formulaire a expiré. Veuillez vous reconnecter.
login-too-many = Trop de tentatives depuis cette adresse. Patientez une minute, puis réessayez.

## Erreurs
error-forbidden = Vous n'avez pas accès à cette page.
error-not-found = Il n'y a rien ici.
error-date = Ce n'est pas une date. Choisissez-en une dans le calendrier.

## Ce qui vient de se passer
done-booked = Réservé. Le client reçoit une confirmation.
done-moved = Déplacé. Le client est informé du nouvel horaire.
done-cancelled = Annulé. Le client est prévenu.
done-saved = Enregistré.
done-retried = Le message est de nouveau en file d'attente.
done-closed = La journée est fermée.
done-reopened = La journée est de nouveau ouverte.
done-key-revoked = La clé est révoquée.
done-operator-added = L'utilisateur peut maintenant se connecter.
done-operator-disabled = L'utilisateur est désactivé et déconnecté.
done-operator-enabled = L'utilisateur peut de nouveau se connecter.
done-language = La langue de votre console est enregistrée.

## Agenda
today-title = Aujourd'hui, { $date }
agenda-filters = Afficher l'agenda
agenda-view = Vue
agenda-day = Jour
agenda-week = Semaine
any = Indifférent
show = Afficher
earlier = Plus tôt
later = Plus tard
new-booking = Nouvelle réservation
book = Réserver
no-sessions = Aucune séance ce jour-là.
places-left = { $left ->
    [0] Complet ({ $capacity } places)
    [one] { $left } place libre sur { $capacity }
   *[other] { $left } places libres sur { $capacity }
}
no-member = (aucun membre)

## Champs et colonnes
field-date = Date
field-time = Heure
field-branch = Site
field-staff = Intervenant
field-service = Prestation
field-phone = Numéro de téléphone
field-new-customer-name = Nom (nouveaux clients)
field-reason = Motif
field-name = Nom
field-email = E-mail
field-role = Rôle
field-password = Mot de passe
field-language = Langue
field-kind = Type
field-search = Nom ou numéro de téléphone
col-member = Membre
col-customer = Client
col-code = Code
col-source = Origine
col-status = Statut
col-when = Quand
col-what = Quoi
col-detail = Détail
col-kind = Type
col-channel = Canal
col-recipient = Destinataire
col-caller = Appelant
col-duration = Durée
col-bookings = Réservations
col-tool = Outil
col-answer = Réponse
col-slot = Séance
col-position = Rang dans la file
col-auto-book = Réservation automatique
col-attempts = Tentatives

## D'où vient une réservation
source-mcp = Agent vocal (MCP)
source-retell = Agent vocal (Retell)
source-vapi = Agent vocal (Vapi)
source-gateway = Passerelle
source-admin = Fichier de l'entreprise
source-waitlist = Liste d'attente
source-console = Console

## Statuts d'une réservation
status-confirmed = Confirmée
status-held = Gardée depuis la liste d'attente
status-cancelled = Annulée
status-completed = Terminée
status-no_show = Absence

## Une réservation
held-until = gardée jusqu'à { $until }
move-title = Déplacer à un autre horaire
move = Déplacer
cancel-title = Annuler
cancel-booking = Annuler la réservation
audit-trail = Historique
event-created = Réservée
event-rescheduled = Déplacée
event-cancelled = Annulée
event-confirmed = Confirmée
event-held = Gardée depuis la liste d'attente
no-messages = Aucun message.

## Appels
no-calls = Aucun appel pour l'instant.
unknown-number = numéro inconnu
older = Plus anciens
call-title = Appel
duration = { $minutes } min { $seconds } s
tool-calls = Ce que l'agent a fait
no-tool-calls = L'agent n'a appelé aucun outil.
transcript = Transcription
no-transcript = Aucune transcription.
no-bookings = Aucune réservation.

## Clients
search = Rechercher
no-customers = Aucun client trouvé.
no-name = (sans nom)
customer-details = Détails
save = Enregistrer
members = Famille
member-level = Niveau
member-relationship = Lien de parenté
preferences = Préférences
member-new = Nouveau membre
member-add = Ajouter un membre
no-waitlist = Personne n'attend.
yes = Oui
no = Non

## Messages
retry = Renvoyer

## Compte
account-title = Votre compte
language-business = La langue de l'entreprise
# Le nom de la langue dans la langue elle-même, tel que le sélecteur de langue l'affiche.
language-name = Français

## Rôles
role-owner = Propriétaire
role-staff = Employé

## Paramètres
settings-sections = Sections des paramètres
closures-title = Jours de fermeture
close-day = Fermer ce jour
no-closures = Aucun jour de fermeture à venir.
closed = Fermé
special-hours = Horaires spéciaux
reopen = Rouvrir
affected-title = Réservations de ce jour
affected-intro = Ces réservations confirmées tomberaient en dehors des horaires. Elles restent réservées jusqu'à ce que vous les déplaciez ou les annuliez.
close-anyway = Fermer quand même
keep-open = Laisser ouvert
policy-title = Règles de réservation
policy-notice = Délai de prévenance (minutes)
policy-window = Fenêtre de réservation (jours)
policy-quota = Réservations actives par membre (vide : sans limite)
policy-free-cancel = Annulation gratuite jusqu'à (heures avant)
policy-reminders = Rappels (par ex. 24h, 2h)
policy-hold = Place gardée pour la liste d'attente (minutes)
policy-unknown = Les nouveaux appelants peuvent réserver
file-title = Horaires, prestations et équipe
file-intro = Le fichier de l'entreprise : horaires d'ouverture, pauses, prestations, équipe et sites. « Vérifier » montre, avant l'enregistrement, ce qui changerait et quelles réservations tomberaient en dehors des nouveaux horaires.
file-label = Fichier de l'entreprise (TOML)
file-check = Vérifier
plan-title = Ce que l'enregistrement changerait
plan-nothing = Rien ne changerait.
keys-title = Clés API
key-shown-once = Copiez cette clé maintenant : elle ne s'affiche qu'une seule fois.
key-mcp = MCP (agents vocaux)
key-gateway = Passerelle
key-create = Créer une clé
key-prefix = Commence par
key-created = Créée
revoke = Révoquer
revoked = Révoqué
voice-title = Plateformes vocales
voice-intro = Collez ces adresses dans Retell ou Vapi. La clé API de Retell et le secret de Vapi se définissent dans le fichier de l'entreprise.
url-mcp = MCP (Streamable HTTP)
url-sse = MCP (SSE)
url-retell-function = Fonctions personnalisées Retell
url-retell-webhook = Webhook Retell
url-vapi = Appels d'outils Vapi
url-gateway = Passerelle JSON-RPC
configured = Configuré
not-configured = Non configuré
webhooks-title = Webhooks
feeds-title = Agendas abonnés
none-yet = Aucun pour l'instant.
webhook-url = Adresse (https)
webhook-events = Événements (vide : tous)
webhook-add = Ajouter un webhook
webhook-secret-once = Copiez le secret de signature maintenant : il ne s'affiche qu'une seule fois.
remove = Supprimer
feed-of = Réservations de
feed-create = Créer un agenda abonné
feed-url-once = Copiez cette adresse d'agenda maintenant : elle ne s'affiche qu'une seule fois, et c'est le mot de passe.
operators-title = Utilisateurs
operator-add = Ajouter un utilisateur
disabled = Désactivé
active = Actif
enable = Activer
disable = Désactiver
you = Vous
