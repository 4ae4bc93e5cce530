# The words of the voice agent's prompt (frontdesk-engine, prompts.rs) around the opening hours
# it writes from the services' schedules: "Mon-Fri 9:00-18:00; Sat 10:00-14:00". Weekday
# abbreviations and "and" come from ICU4X; the prompt itself is agent-prompt.j2 in this folder.

# Every day of the week has the same hours: "daily 7:00-20:00".
hours-every-day = daily
# No service has a regular schedule.
hours-none = no regular opening hours

# The events of the calendar feeds (calendar/, GET /ical/{token}.ics) and of e-mailed
# invitations, read by the business on its own calendar.
# An event's title: the service and the member the booking is for ("Consultation – Anna Schmidt").
calendar-event-summary = { $service } – { $member }
# An event's description: the booking's confirmation code, and nothing about the caller.
calendar-event-description = Confirmation code: { $code }
