# Messages a business's customers and staff read: text messages (SMS) and e-mails, written by
# the delivery worker in the business's language. Variables: $company (the business), $who
# (the member booked, else the customer), $service, $date ("Saturday, November 21"), $time,
# $previous (the old date and time of a moved booking), $code (the confirmation code),
# $branch, $staff, $phone (the customer's number, for the business only).

## Text messages to the customer (keep them short: one SMS segment where the language allows)
sms-confirmed = { $company }: { $service } for { $who } is booked for { $date } at { $time }. Confirmation code { $code }.
sms-rescheduled = { $company }: { $service } for { $who } has moved to { $date } at { $time }. Confirmation code { $code }.
sms-cancelled = { $company }: { $service } for { $who } on { $date } at { $time } is cancelled. Confirmation code { $code }.
sms-reminder = { $company }: a reminder of { $service } for { $who } on { $date } at { $time }. Confirmation code { $code }.
sms-waitlist-booked = { $company }: a place opened up! { $service } for { $who } is booked for { $date } at { $time }. Confirmation code { $code }.
sms-waitlist-offered = { $company }: a place opened up in { $service } for { $who } on { $date } at { $time }. It is held for you until { $until }: reply YES or call us to confirm. Code { $code }.

## E-mail to the customer
mail-subject-confirmed = Booking confirmed: { $service } on { $date } at { $time }
mail-subject-rescheduled = Booking moved: { $service } on { $date } at { $time }
mail-subject-cancelled = Booking cancelled: { $service } on { $date } at { $time }
mail-subject-reminder = Reminder: { $service } on { $date } at { $time }
mail-greeting = Hello { $name },
mail-greeting-anonymous = Hello,
mail-intro-confirmed = your booking at { $company } is confirmed.
mail-intro-rescheduled = your booking at { $company } has moved to a new time.
mail-intro-cancelled = your booking at { $company } is cancelled.
mail-intro-reminder = this is a reminder of your booking at { $company }.
mail-subject-waitlist-booked = A place opened up: { $service } on { $date } at { $time }
mail-subject-waitlist-offered = A place is held for you: { $service } on { $date } at { $time }
mail-intro-waitlist-booked = a place opened up at { $company } and we booked it for you from the waitlist.
mail-intro-waitlist-offered = a place opened up at { $company } and is held for you until { $until }. Call us to confirm it.
mail-label-service = Service
mail-label-for = For
mail-label-when = When
mail-label-before = Before
mail-label-where = Where
mail-label-with = With
mail-label-code = Confirmation code
mail-label-customer = Customer
mail-label-reason = Reason
mail-calendar = The attached invitation puts it in your calendar.
mail-signature = { $company }

## Notice to the business's own address
notice-subject-confirmed = New booking: { $service }, { $date } { $time }, { $who }
notice-subject-rescheduled = Booking moved: { $service }, { $date } { $time }, { $who }
notice-subject-cancelled = Booking cancelled: { $service }, { $date } { $time }, { $who }
notice-intro-confirmed = A booking was made.
notice-intro-rescheduled = A booking was moved.
notice-intro-cancelled = A booking was cancelled.
notice-subject-offered = Place held from the waitlist: { $service }, { $date } { $time }, { $who }
notice-intro-waitlist-booked = A freed place was booked from the waitlist.
notice-intro-waitlist-offered = A freed place is held for a waitlist entry until it is confirmed.

## Replies to a text a customer sends (Twilio's inbound webhook)
sms-reply-yes-words = yes, y, ok, okay, confirm
sms-reply-nothing-held = Nothing is held for this number right now. Call us to book.
sms-reply-say-yes = To take the place held for you, reply YES.
