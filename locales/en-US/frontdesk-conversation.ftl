# What frontdesk says to a voice agent, to be read aloud to the caller as it is.
# Conventions: no emoji, no markdown; argument names (member_id, voucher_code, get_members…)
# stay literal because the agent acts on them; dates, times and lists arrive already spoken
# ($at = "Saturday, November 21 at 08:00", $list = "A, B, and C"); every error says what to
# send instead.

## Pieces

# A date with a time: $date is "Saturday, November 21", $time "08:00".
date-at-time = { $date } at { $time }
# "and 4 more", after a cut list.
and-more = And { $n } more.
places-left = { $n ->
    [one] { $n } place left
   *[other] { $n } places left
}
attribute-level = level
attribute-wave-side = wave side
booking-for = { $what } for { $member }
booking-with = { $what }, with { $staff }
booking-code = { $what }, code { $code }
status = { $status ->
    [confirmed] confirmed
    [cancelled] cancelled
    [completed] completed
    [no_show] marked as a no-show
    [held] held for you
   *[other] not active
}

## get_members

members-unknown-caller = This phone number has no customer account.
members-none = This account has no members.
members-list = Members on this account: { $names }.

## get_member_preferences and set_member_preferences

preferences-empty = { $saved ->
    [yes] Cleared the preferences of { $member }.
   *[no] { $member } has no saved preferences yet.
}
preferences = { $saved ->
    [yes] Saved the preferences of { $member }: { $parts }.
   *[no] Preferences of { $member }: { $parts }.
}
preferences-services = services { $list }
preferences-times = { $n ->
    [one] time { $list }
   *[other] times { $list }
}
preferences-days = days { $list }
preferences-dates = dates { $list }
preferences-note = note: { $note }

## get_availability

availability-none-on = Nothing is available on { $date }.
availability-none-between = Nothing is available between { $from } and { $to }.
availability-none = Nothing is available.
availability-next = The next available time is { $at }, { $service }.
availability-ranked = Best matches for { $member }: { $items }.
availability-for-service = Available times for { $service }: { $days }.
availability = Available times: { $days }.

## book_session

booked-registered = Created a customer account for { $name }.
booked = Booked: { $what }. The booking code is { $code }.
booked-replayed = This booking had already been made: { $what }. The booking code is { $code }.

## get_bookings

bookings-none = { $status ->
    [upcoming] There are no upcoming bookings.
    [past] There are no past bookings.
    [cancelled] There are no cancelled bookings.
   *[all] There are no bookings.
}
bookings = { $status ->
    [upcoming] Upcoming bookings
    [past] Past bookings
    [cancelled] Cancelled bookings
   *[all] Bookings
}: { $items }.

## cancel_booking

cancel-already = Booking { $code } was already cancelled.
cancelled = Booking { $code } cancelled: { $what }. { $refund ->
    [yes] The cancellation is free of charge.
   *[no] The free cancellation period had passed, so there is no refund.
}

## reschedule_booking

reschedule-unchanged = Booking { $code } is already on { $at }, { $service }: nothing was changed.
rescheduled = Booking { $code } moved from { $before } to { $after }, { $service }.

## join_waitlist, get_waitlist and leave_waitlist

waitlist-day = on { $date }
waitlist-days = between { $from } and { $to }
waitlist-times-between = , starting between { $from } and { $to }
waitlist-times-at = , starting at { $time }
waitlist-times-after = , starting at { $from } or later
waitlist-times-before = , starting by { $to }
waitlist-position = number { $n } in line
waitlist-joined = { $member } is on the waitlist for { $service } { $when } ({ $position }). { $auto ->
    [yes] If a place frees up, it is booked automatically and a text message confirms it.
   *[no] If a place frees up, it is held for a short time and offered by text message; the caller confirms by answering the text with YES or by calling back.
}
waitlist-already = { $member } was already on the waitlist for { $service } { $when } ({ $position }).
waitlist-none = There are no waitlist entries.
waitlist = Waitlist: { $items }.
waitlist-item = { $member }, { $service } { $when }
waitlist-offered = a place is held on { $at } until { $until }: book it with book_session to confirm
waitlist-left = { $member } left the waitlist for { $service } { $when }.
waitlist-left-already = That waitlist entry was no longer active; nothing changed.
booking-held = { $what }, held until { $until }

## get_business_info

business-phone = Phone { $phone }.
business-now = It is now { $time } on { $date }.
business-closed-on = Closed on { $days }.
hours-range = from { $from } to { $to }
hours-open-today = Open today { $ranges }.
hours-sessions-today = Today there are sessions from { $first } to { $last }.
hours-closed-today = Closed today.

## What to send instead (completes "Missing date: …")

hint-integer = send a whole number such as 12345
hint-text = send a text
hint-text-list = send a list of texts such as ["a", "b"]
hint-date = send the date as YYYY-MM-DD (for example 2026-11-21), today, tomorrow or a weekday such as saturday
hint-date-list = send a list of YYYY-MM-DD dates such as ["2026-11-21"]
hint-time = send the time as HH:MM in 24-hour form, for example 14:00
hint-time-list = send a list of HH:MM times such as ["08:00"]
hint-weekdays = send weekday names such as ["saturday"]
hint-status = use upcoming, past, cancelled or all
hint-attributes = send an object such as {"{"}"level": ["Intermediario2"]{"}"}
hint-booking-ref = send booking_id (a number) or voucher_code (such as KRM-482); get_bookings lists the bookings
hint-member = send member_id or member_name; get_members lists the members
hint-name = send the caller's full name as name
hint-service = get_business_info lists the services
hint-boolean = send true or false

## Errors

missing = Missing { $field }: { $hint }.
invalid = { $field } is not valid ("{ $got }"): { $hint }.
invalid-input = The value sent as { $field } is not valid.
invalid-input-hint = The value sent as { $field } is not valid: { $hint }.
staff-not-for-service = That staff member does not provide this service. get_business_info shows who provides each service.
not-found-member = No such member for this caller. Call get_members and send one of its member_id values.
not-found-booking = No such booking for this caller. Call get_bookings and send one of its booking_id or voucher_code values.
not-found-service = No such service. get_business_info lists the services.
not-found-branch = No such branch. get_business_info lists the branches.
not-found = That record could not be found. Offer to transfer the call.
unsafe-text = The text in { $field } contains control or text-direction characters: send plain text only.
choose-service = Which service? The options are: { $list }.
choose-member = Which member? This caller's members are: { $list }.
choose-staff = Which staff member? The options are: { $list }.
choose = Which { $field }? The options are: { $list }.
invalid-phone = Invalid phone number: send it in E.164 form, like +14155552671.
unknown-caller-may-register = This phone number has no customer account. Ask for the caller's full name and send it as name to register them and book.
unknown-caller = This phone number has no customer account, and { $company } only books for registered customers. Offer to transfer the call.
which-member = Which member is it for? Send member_id: { $list }.
no-such-slot = { $service } has no session on { $at }.
slot-full = { $service } on { $at } is full.
in-the-past = That time has already started or passed.
day-passed = { $date } has already passed: offer today or a later day.
too-soon = That time is too soon: bookings need at least { $minutes } minutes' notice.
outside-window = That date is too far ahead: bookings open at most { $days } days in advance.
quota-reached = { $who } already has { $active } active { $active ->
    [one] booking
   *[other] bookings
}, the most allowed is { $limit }. Cancel or reschedule the existing booking to book another.
this-member = This member
active-bookings = Active booking: { $items }.
not-active = This booking is { $status } and can no longer be changed.
range-too-long = A date range may cover at most { $max } days, not { $requested }: send a date_from and date_to closer together.
unavailable = The booking system is temporarily unavailable. Please try again in a moment.
alternatives-for-service = Available instead for { $service }: { $list }.
alternatives = Available instead: { $list }.
arguments-not-object = The arguments must be a JSON object, such as {"{"}"date": "2026-11-21"{"}"}.
arguments-unreadable = The arguments cannot be read: send a valid JSON object.
unknown-tool = There is no tool "{ $name }". The tools are: { $tools }.
caller-number-unknown = The caller's phone number is not known. Ask for it and send it as phone.
unknown-function = There is no function "{ $name }". The functions are: { $functions }.
slot-available = { $service } has a free place right now: book it with book_session instead of joining the waitlist.
already-booked = This member is already booked for { $service } on { $at }.
not-found-waitlist = No such waitlist entry for this caller. Call get_waitlist and send one of its entry_id values.
