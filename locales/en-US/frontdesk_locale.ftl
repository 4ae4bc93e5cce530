### Date words: how a caller (or a voice agent on their behalf) names a day, in English.
###
### Read by frontdesk-locale (Locale::parse_date). English is also understood for every other
### language, so the English forms need not be repeated in other files.
###
### Conventions of this file (the same in every language):
### - A message lists alternatives separated by commas. Matching ignores case, accents,
###   punctuation (, . ; : ! ? ' - /) and extra spaces, so "Sábado," matches "sabado" and
###   "aujourd'hui" matches "aujourd hui". Write each alternative the way it is usually written.
### - Placeholders stand for the variable part of a phrase:
###     { $n }        a count in digits ("in 3 days")
###     { $weekday }  a weekday name: ICU's full and short names for this language, plus the
###                   extra names in date-weekday-extra
###     { $day }      a day of the month in digits, optionally followed by an ordinal ending
###                   from date-ordinal-endings ("21", "21st", "1º", "1er")
###     { $month }    a month name: ICU's full and short names, plus date-month-extra
###     { $year }     a year in four digits
###   A message may use only the placeholders its comment names.
### - A message with nothing to list is written { "" } (Fluent's empty text).
### - Every language's file has every message of this file (a test checks it).
### - Dates written in digits need no words: ISO 2026-11-21 is always understood, and the local
###   numeric form follows date-numeric-order.

## Days named relative to today (no placeholders).

date-today = today, tonight, this morning, this afternoon, this evening
date-tomorrow = tomorrow, tmrw, tomorrow morning, tomorrow afternoon, tomorrow evening, tomorrow night
date-day-after-tomorrow = the day after tomorrow, day after tomorrow, overmorrow
# Past days: parse_date returns them as past, and the caller refuses them.
date-yesterday = yesterday
date-day-before-yesterday = the day before yesterday, day before yesterday

## Counted from today ({ $n } in digits).

date-in-days = in { $n } days, in { $n } day, { $n } days from now, { $n } days from today, { $n } days later
date-in-weeks = in { $n } weeks, in { $n } week, { $n } weeks from now, { $n } weeks from today

## Weekdays ({ $weekday }). Three meanings, one message each:
## - date-weekday: the next such day, today included ("friday" said on a Friday is today).
## - date-weekday-after-today: the first such day strictly after today (today skipped).
## - date-weekday-next-week: that day in the following week (weeks start on Monday).
## English choice: "next friday" is ambiguous (some mean the Friday of next week); we take the
## common reading, the first Friday after today: said on Monday it is four days later, said on
## a Friday it is a week later. "friday next week" is the Friday of the following week.

date-weekday = { $weekday }, on { $weekday }, this { $weekday }, this coming { $weekday }, coming { $weekday }, on this { $weekday }
date-weekday-after-today = next { $weekday }, on next { $weekday }
date-weekday-next-week = { $weekday } next week, next week { $weekday }, next week on { $weekday }, { $weekday } of next week, on { $weekday } next week

# Extra weekday names, one attribute per weekday (.monday … .sunday), comma-separated.
date-weekday-extra = { "" }
    .tuesday = tues
    .wednesday = weds
    .thursday = thur, thurs

## A day of a month ({ $day }, { $month }, optionally { $year }).
## Without a year: the next such day (today included); a day that passed less than 60 days ago
## is that past day (the caller refuses it), so "November 21" said on December 5 is not moved
## silently to next year.

date-day-month =
    { $month } { $day }, { $month } { $day } { $year },
    on { $month } { $day }, on { $month } { $day } { $year },
    { $day } { $month }, { $day } { $month } { $year },
    the { $day } of { $month }, the { $day } of { $month } { $year },
    { $day } of { $month }, { $day } of { $month } { $year },
    on the { $day } of { $month }, on the { $day } of { $month } { $year },
    { $month } the { $day }, { $month } the { $day } { $year }

# Ordinal endings after a day number ("21st"), comma-separated.
date-ordinal-endings = st, nd, rd, th

# Extra month names, one attribute per month (.january … .december), comma-separated.
date-month-extra = { "" }
    .september = sept

# The order of a date written in digits: day-month-year (21/11/2026) or month-day-year
# (11/21/2026). The year may be left out; separators are / . or -.
date-numeric-order = month-day-year

# How a spoken date writes the first day of a month, where usage differs from the plain
# number ICU writes: pt-BR "1º de dezembro", fr-FR "1er décembre". { "" } keeps ICU's.
date-first-of-month = { "" }
