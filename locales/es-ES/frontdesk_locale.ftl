### Palabras de fecha: cómo quien llama (o el agente de voz) nombra un día, en español.
###
### Las lee frontdesk-locale (Locale::parse_date). El inglés también se entiende siempre
### (en-US); no hace falta repetir aquí las formas inglesas.
###
### Convenciones (iguales en todos los idiomas; ver en-US/frontdesk_locale.ftl):
### - Cada mensaje lista alternativas separadas por comas. Mayúsculas, tildes, puntuación
###   (, . ; : ! ? ¿ ¡ ' - /) y espacios de más no cuentan: "Sábado," coincide con "sabado".
### - Marcadores: { $n } un número en cifras; { $weekday } un día de la semana (nombres de ICU,
###   completos y cortos, más date-weekday-extra); { $day } el día del mes en cifras, con una
###   terminación ordinal opcional de date-ordinal-endings ("1º"); { $month } el nombre de un
###   mes (ICU más date-month-extra); { $year } un año de cuatro cifras.
### - Un mensaje sin nada que listar se escribe { "" }.
### - Cada archivo de idioma tiene todos los mensajes del archivo en-US (lo comprueba un test).

## Días relativos a hoy.

date-today = hoy, esta tarde, esta noche, esta mañana, hoy mismo
date-tomorrow = mañana, mañana por la mañana, mañana por la tarde, mañana por la noche
date-day-after-tomorrow = pasado mañana
# Días pasados: parse_date los devuelve como pasados y quien llama los rechaza.
date-yesterday = ayer
date-day-before-yesterday = anteayer, antier, antes de ayer

## Contados desde hoy ({ $n } en cifras).

date-in-days = en { $n } días, en { $n } día, dentro de { $n } días, dentro de { $n } día, de aquí a { $n } días
date-in-weeks = en { $n } semanas, en { $n } semana, dentro de { $n } semanas, dentro de { $n } semana

## Días de la semana ({ $weekday }), tres sentidos (ver en-US):
## - date-weekday: el próximo, hoy incluido ("viernes" dicho un viernes es hoy).
## - date-weekday-after-today: el primero después de hoy (hoy no cuenta).
## - date-weekday-next-week: ese día de la semana siguiente (la semana empieza el lunes).
## Elección para el español: "el próximo viernes" y "el viernes que viene" son el primer viernes
## después de hoy (dicho el lunes, dentro de cuatro días; dicho un viernes, dentro de una
## semana). "El viernes de la semana que viene" es el viernes de la semana siguiente.

date-weekday = { $weekday }, el { $weekday }, este { $weekday }
date-weekday-after-today =
    próximo { $weekday }, el próximo { $weekday }, { $weekday } próximo, el { $weekday } próximo,
    { $weekday } que viene, el { $weekday } que viene
date-weekday-next-week =
    { $weekday } de la semana que viene, el { $weekday } de la semana que viene,
    { $weekday } de la próxima semana, el { $weekday } de la próxima semana,
    la semana que viene el { $weekday }, la próxima semana el { $weekday }

# Nombres extra de los días (un atributo por día, en inglés: .monday … .sunday).
date-weekday-extra = { "" }
    .wednesday = mierc

## Día y mes ({ $day }, { $month }, { $year } opcional).
## Sin año: el próximo de esos días (hoy incluido); un día que pasó hace menos de 60 días es
## ese día pasado (quien llama lo rechaza).

date-day-month =
    { $day } de { $month }, { $day } de { $month } de { $year },
    el { $day } de { $month }, el { $day } de { $month } de { $year },
    el día { $day } de { $month }, el día { $day } de { $month } de { $year },
    día { $day } de { $month }, día { $day } de { $month } de { $year },
    { $day } { $month }, { $day } { $month } { $year }

# Terminaciones ordinales tras el número del día ("1º").
date-ordinal-endings = º, ª, °, o

# Nombres extra de los meses (un atributo por mes, en inglés: .january … .december).
date-month-extra = { "" }
    .september = setiembre

# Orden de una fecha en cifras: día-mes-año (21/11/2026); el año es opcional.
date-numeric-order = day-month-year

# How a spoken date writes the first day of a month, where usage differs from the plain
# number ICU writes: pt-BR "1º de dezembro", fr-FR "1er décembre". { "" } keeps ICU's.
date-first-of-month = { "" }
