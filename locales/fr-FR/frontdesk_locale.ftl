### Mots de date : comment l'appelant (ou l'agent vocal pour lui) désigne un jour, en français.
###
### Lus par frontdesk-locale (Locale::parse_date). L'anglais est toujours compris aussi
### (en-US) ; inutile de répéter ici les formes anglaises.
###
### Conventions (les mêmes dans toutes les langues ; voir en-US/frontdesk_locale.ftl) :
### - Un message liste des variantes séparées par des virgules. Majuscules, accents, ponctuation
###   (, . ; : ! ? ' - /) et espaces en trop ne comptent pas : « Aujourd'hui » correspond à
###   « aujourd hui ».
### - Marqueurs : { $n } un nombre en chiffres ; { $weekday } un jour de la semaine (noms ICU,
###   longs et courts, plus date-weekday-extra) ; { $day } le jour du mois en chiffres, suivi
###   d'une terminaison ordinale facultative de date-ordinal-endings (« 1er ») ; { $month } un
###   nom de mois (ICU plus date-month-extra) ; { $year } une année en quatre chiffres.
### - Un message sans rien à lister s'écrit { "" }.
### - Chaque fichier de langue a tous les messages du fichier en-US (un test le vérifie).

## Jours relatifs à aujourd'hui.

date-today = aujourd'hui, ce soir, ce matin, cet après-midi, aujourd'hui même
date-tomorrow = demain, demain matin, demain après-midi, demain soir
date-day-after-tomorrow = après-demain
# Jours passés : parse_date les rend comme passés, l'appelant les refuse.
date-yesterday = hier
date-day-before-yesterday = avant-hier

## Comptés à partir d'aujourd'hui ({ $n } en chiffres).

date-in-days = dans { $n } jours, dans { $n } jour, d'ici { $n } jours, d'ici { $n } jour
date-in-weeks = dans { $n } semaines, dans { $n } semaine, d'ici { $n } semaines

## Jours de la semaine ({ $weekday }), trois sens (voir en-US) :
## - date-weekday : le prochain, aujourd'hui compris (« vendredi » dit un vendredi, c'est aujourd'hui).
## - date-weekday-after-today : le premier après aujourd'hui (aujourd'hui exclu).
## - date-weekday-next-week : ce jour-là la semaine suivante (la semaine commence le lundi).
## Choix pour le français : « vendredi prochain » est le premier vendredi après aujourd'hui (dit
## un lundi, dans quatre jours ; dit un vendredi, dans une semaine). « Vendredi de la semaine
## prochaine » est le vendredi de la semaine suivante.

date-weekday = { $weekday }, le { $weekday }, ce { $weekday }, ce { $weekday } ci
date-weekday-after-today =
    { $weekday } prochain, le { $weekday } prochain, prochain { $weekday }, le prochain { $weekday }
date-weekday-next-week =
    { $weekday } de la semaine prochaine, le { $weekday } de la semaine prochaine,
    la semaine prochaine le { $weekday }, la semaine prochaine { $weekday },
    { $weekday } la semaine prochaine, le { $weekday } la semaine prochaine

# Noms supplémentaires des jours (un attribut par jour, en anglais : .monday … .sunday).
date-weekday-extra = { "" }

## Jour et mois ({ $day }, { $month }, { $year } facultatif).
## Sans année : le prochain de ces jours (aujourd'hui compris) ; un jour passé il y a moins de
## 60 jours est ce jour passé (l'appelant le refuse).

date-day-month =
    { $day } { $month }, { $day } { $month } { $year },
    le { $day } { $month }, le { $day } { $month } { $year }

# Terminations ordinales après le numéro du jour (« 1er », « 2e », « 2ème »).
date-ordinal-endings = er, re, e, eme, ème

# Noms supplémentaires des mois (un attribut par mois, en anglais : .january … .december).
date-month-extra = { "" }

# Ordre d'une date en chiffres : jour-mois-année (21/11/2026) ; l'année est facultative.
date-numeric-order = day-month-year

# Comment une date parlée écrit le premier jour du mois : « 1er décembre ».
date-first-of-month = 1er
