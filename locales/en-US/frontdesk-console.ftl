# The operator console: what the people at the business read in their browser.

## Page frame
skip-to-content = Skip to content
nav-label = Console
nav-today = Today
nav-agenda = Agenda
nav-calls = Calls
nav-customers = Customers
nav-waitlist = Waitlist
nav-messages = Messages
nav-settings = Settings
log-out = Log out
back-to-today = Back to today

## Login
login-title = Log in to the front desk
login-email = E-mail
login-password = Password
login-submit = Log in
login-failed = The e-mail or the password is wrong.
login-expired = The form had expired. Please log in again.
login-too-many = Too many attempts from this address. Wait a minute and try again.

## Errors
error-forbidden = You may not open this page.
error-not-found = There is nothing here.
error-date = That is not a date. Pick one from the calendar.

## What just happened
done-booked = Booked. The customer gets a confirmation.
done-moved = Moved. The customer is told the new time.
done-cancelled = Cancelled. The customer is told.
done-saved = Saved.
done-retried = The message is queued again.
done-closed = The day is closed.
done-reopened = The day is open again.
done-key-revoked = The key is revoked.
done-operator-added = The operator can log in now.
done-operator-disabled = The operator is disabled and logged out.
done-operator-enabled = The operator can log in again.
done-language = Your console language is saved.

## Agenda
today-title = Today, { $date }
agenda-filters = Show the agenda
agenda-view = View
agenda-day = Day
agenda-week = Week
any = Any
show = Show
earlier = Earlier
later = Later
new-booking = New booking
book = Book
no-sessions = No sessions on this day.
places-left = { $left ->
    [0] Full ({ $capacity } places)
    [one] 1 of { $capacity } places left
   *[other] { $left } of { $capacity } places left
}
no-member = (no member)

## Fields and columns
field-date = Date
field-time = Time
field-branch = Branch
field-staff = Staff member
field-service = Service
field-phone = Phone number
field-new-customer-name = Name (new customers)
field-reason = Reason
field-name = Name
field-email = E-mail
field-role = Role
field-password = Password
field-language = Language
field-kind = Kind
field-search = Name or phone number
col-member = Member
col-customer = Customer
col-code = Code
col-source = Made by
col-status = Status
col-when = When
col-what = What
col-detail = Detail
col-kind = Kind
col-channel = Channel
col-recipient = To
col-caller = Caller
col-duration = Duration
col-bookings = Bookings
col-tool = Tool
col-answer = Answer
col-slot = Session
col-position = Place in line
col-auto-book = Books automatically
col-attempts = Attempts

## Where a booking came from
source-mcp = Phone agent (MCP)
source-retell = Phone agent (Retell)
source-vapi = Phone agent (Vapi)
source-gateway = Gateway
source-admin = Business file
source-waitlist = Waitlist
source-console = Console

## Booking statuses
status-confirmed = Confirmed
status-held = Held from the waitlist
status-cancelled = Cancelled
status-completed = Completed
status-no_show = No-show

## A booking
held-until = held until { $until }
move-title = Move to another time
move = Move
cancel-title = Cancel
cancel-booking = Cancel the booking
audit-trail = History
event-created = Booked
event-rescheduled = Moved
event-cancelled = Cancelled
event-confirmed = Confirmed
event-held = Held from the waitlist
no-messages = No messages.

## Calls
no-calls = No calls yet.
unknown-number = unknown number
older = Older
call-title = Call
duration = { $minutes } min { $seconds } s
tool-calls = What the agent did
no-tool-calls = The agent called no tools.
transcript = Transcript
no-transcript = No transcript.
no-bookings = No bookings.

## Customers
search = Search
no-customers = No customers found.
no-name = (no name)
customer-details = Details
save = Save
members = Family
member-level = Level
member-relationship = Relationship
preferences = Preferences
member-new = New member
member-add = Add member
no-waitlist = Nobody is waiting.
yes = Yes
no = No

## Messages
retry = Send again

## Account
account-title = Your account
language-business = The business's language
# The language's own name, as the language picker lists it.
language-name = English

## Roles
role-owner = Owner
role-staff = Staff

## Settings
settings-sections = Settings sections
closures-title = Closed days
close-day = Close this day
no-closures = No closed days ahead.
closed = Closed
special-hours = Special hours
reopen = Reopen
affected-title = Bookings on that day
affected-intro = These confirmed bookings would fall outside the schedule. They stay booked until you move or cancel them.
close-anyway = Close the day anyway
keep-open = Keep it open
policy-title = Booking rules
policy-notice = Notice (minutes)
policy-window = Booking window (days)
policy-quota = Active bookings per member (empty: no limit)
policy-free-cancel = Free cancellation until (hours before)
policy-reminders = Reminders (e.g. 24h, 2h)
policy-hold = Waitlist hold (minutes)
policy-unknown = New callers may book
file-title = Hours, services and staff
file-intro = The business file: opening hours, breaks, services, staff and branches. Check shows what would change, and which bookings would fall outside the new schedule, before you save.
file-label = Business file (TOML)
file-check = Check
plan-title = What saving would change
plan-nothing = Nothing would change.
keys-title = API keys
key-shown-once = Copy this key now: it is shown only once.
key-mcp = MCP (voice agents)
key-gateway = Gateway
key-create = Create key
key-prefix = Starts with
key-created = Created
revoke = Revoke
revoked = Revoked
voice-title = Voice platforms
voice-intro = Paste these addresses into Retell or Vapi. The Retell API key and the Vapi secret are set in the business file.
url-mcp = MCP (Streamable HTTP)
url-sse = MCP (SSE)
url-retell-function = Retell custom functions
url-retell-webhook = Retell webhook
url-vapi = Vapi tool calls
url-gateway = JSON-RPC gateway
configured = Configured
not-configured = Not configured
webhooks-title = Webhooks
feeds-title = Calendar feeds
none-yet = None yet.
webhook-url = Address (https)
webhook-events = Events (empty: all)
webhook-add = Add webhook
webhook-secret-once = Copy the signing secret now: it is shown only once.
remove = Remove
feed-of = Bookings of
feed-create = Create calendar feed
feed-url-once = Copy this calendar address now: it is shown only once, and it is the password.
operators-title = Operators
operator-add = Add operator
disabled = Disabled
active = Active
enable = Enable
disable = Disable
you = You
