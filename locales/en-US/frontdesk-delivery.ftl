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
