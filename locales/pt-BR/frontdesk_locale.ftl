### Palavras de data: como quem liga (ou o agente de voz) diz um dia, em português do Brasil.
###
### Lidas por frontdesk-locale (Locale::parse_date). O inglês também é entendido (en-US), então
### não é preciso repetir aqui as formas inglesas.
###
### Convenções (iguais em todos os idiomas; ver en-US/frontdesk_locale.ftl):
### - Cada mensagem lista alternativas separadas por vírgulas. Maiúsculas, acentos, pontuação
###   (, . ; : ! ? ' - /) e espaços extras não contam: "Sábado," casa com "sabado".
### - Marcadores: { $n } um número em algarismos; { $weekday } um dia da semana (nomes do ICU,
###   completos e curtos, mais date-weekday-extra); { $day } o dia do mês em algarismos, com um
###   final ordinal opcional de date-ordinal-endings ("1º"); { $month } o nome de um mês (ICU
###   mais date-month-extra); { $year } um ano com quatro algarismos.
### - Uma mensagem sem nada a listar é escrita { "" }.
### - Todo arquivo de idioma tem todas as mensagens do arquivo en-US (um teste confere).

## Dias relativos a hoje.

date-today = hoje, hoje à noite, hoje de manhã, hoje à tarde, hoje mesmo
date-tomorrow = amanhã, amanhã de manhã, amanhã à tarde, amanhã à noite
date-day-after-tomorrow = depois de amanhã
# Dias passados: parse_date os devolve como passados, e quem chama os recusa.
date-yesterday = ontem
date-day-before-yesterday = anteontem, antes de ontem

## Contados a partir de hoje ({ $n } em algarismos).

date-in-days = daqui a { $n } dias, daqui a { $n } dia, em { $n } dias, em { $n } dia, dentro de { $n } dias, de hoje a { $n } dias
date-in-weeks = daqui a { $n } semanas, daqui a { $n } semana, em { $n } semanas, em { $n } semana, dentro de { $n } semanas

## Dias da semana ({ $weekday }), três sentidos (ver en-US):
## - date-weekday: o próximo, hoje incluído ("sexta" dito numa sexta é hoje).
## - date-weekday-after-today: o primeiro depois de hoje, pulando hoje.
## - date-weekday-next-week: aquele dia na semana seguinte (a semana começa na segunda).
## Escolha do português: "próxima sexta" e "sexta que vem" são a primeira sexta depois de hoje
## (dito na segunda, daqui a quatro dias; dito numa sexta, daqui a uma semana). "Sexta da
## semana que vem" é a sexta da semana seguinte.

date-weekday = { $weekday }, na { $weekday }, no { $weekday }, nesta { $weekday }, neste { $weekday }, esta { $weekday }, este { $weekday }, essa { $weekday }, nessa { $weekday }
date-weekday-after-today =
    próxima { $weekday }, próximo { $weekday }, na próxima { $weekday }, no próximo { $weekday },
    { $weekday } que vem, na { $weekday } que vem, no { $weekday } que vem
date-weekday-next-week =
    { $weekday } da semana que vem, na { $weekday } da semana que vem, no { $weekday } da semana que vem,
    { $weekday } da próxima semana, na { $weekday } da próxima semana, no { $weekday } da próxima semana,
    semana que vem na { $weekday }, semana que vem no { $weekday }

# Nomes extras dos dias (um atributo por dia, em inglês: .monday … .sunday).
date-weekday-extra = { "" }
    .monday = segunda
    .tuesday = terça
    .wednesday = quarta
    .thursday = quinta
    .friday = sexta

## Dia e mês ({ $day }, { $month }, { $year } opcional).
## Sem ano: o próximo desses dias (hoje incluído); um dia que passou há menos de 60 dias é esse
## dia passado (quem chama o recusa).

date-day-month =
    { $day } de { $month }, { $day } de { $month } de { $year },
    dia { $day } de { $month }, dia { $day } de { $month } de { $year },
    no dia { $day } de { $month }, no dia { $day } de { $month } de { $year },
    em { $day } de { $month }, em { $day } de { $month } de { $year },
    { $day } { $month }, { $day } { $month } { $year }

# Finais ordinais depois do número do dia ("1º").
date-ordinal-endings = º, ª, °, o

# Nomes extras dos meses (um atributo por mês, em inglês: .january … .december).
date-month-extra = { "" }

# Ordem de uma data em algarismos: dia-mês-ano (21/11/2026), o ano é opcional.
date-numeric-order = day-month-year

# Como uma data falada escreve o primeiro dia do mês: "1º de dezembro".
date-first-of-month = 1º
