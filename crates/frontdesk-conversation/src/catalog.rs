//! The tool catalogue: every tool's name, title, description, behaviour hints and the types of
//! its arguments and result, written once. MCP lists it as `tools/list`; Retell and Vapi call
//! the same tools by the same names; OpenAPI names them.

use crate::args::{
    AvailabilityRequest, BookRequest, BookingsRequest, CancelRequest, JoinWaitlistRequest,
    LeaveWaitlistRequest, MemberRequest, RescheduleRequest, SetPreferencesRequest, WaitlistRequest,
};
use crate::results::{
    AvailabilityOutput, BookOutput, BookingsOutput, BusinessOutput, CancelOutput,
    JoinWaitlistOutput, LeaveWaitlistOutput, MembersOutput, PreferencesOutput, RescheduleOutput,
    WaitlistOutput,
};
use schemars::JsonSchema;

/// One tool as an agent sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ToolSpec {
    pub name: &'static str,
    pub title: &'static str,
    pub description: &'static str,
    pub hints: Hints,
}

/// What calling a tool does to the world (MCP's tool annotations).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hints {
    pub read_only: bool,
    pub destructive: bool,
    pub idempotent: bool,
    pub open_world: bool,
}

const READ: Hints = Hints {
    read_only: true,
    destructive: false,
    idempotent: true,
    open_world: false,
};

const fn write(destructive: bool, idempotent: bool) -> Hints {
    Hints {
        read_only: false,
        destructive,
        idempotent,
        open_world: false,
    }
}

pub const GET_MEMBERS: ToolSpec = ToolSpec {
    name: "get_members",
    title: "List the caller's members",
    description: "List the members the caller can book for (the caller and their family): member_id, name, level, relationship. Call this first. An empty list with known_caller false means the phone number is not a customer.",
    hints: READ,
};

pub const GET_MEMBER_PREFERENCES: ToolSpec = ToolSpec {
    name: "get_member_preferences",
    title: "Read a member's preferences",
    description: "Read a member's saved booking preferences: preferred services, attributes (such as level and wave_side), start times, weekdays, dates and notes. Name the member by member_id or member_name.",
    hints: READ,
};

pub const SET_MEMBER_PREFERENCES: ToolSpec = ToolSpec {
    name: "set_member_preferences",
    title: "Save a member's preferences",
    description: "Save a member's booking preferences, used to rank get_availability results. Only the fields you send change; the others keep their saved value. Lists replace the saved list ([] clears it); level and wave_side are shortcuts for attributes.level and attributes.wave_side. With auto_book true the member is booked automatically into any matching session as soon as a place opens (up to their quota), and gets an SMS.",
    hints: write(false, true),
};

pub const GET_AVAILABILITY: ToolSpec = ToolSpec {
    name: "get_availability",
    title: "Find free slots",
    description: "Find free slots (sessions or appointments with places left) on one date (default today) or a range of up to 31 days (date_from, date_to). Filter by service, level or wave_side. With member_id the slots are ranked by that member's preferences, best first. When nothing is free, next_available is the first free slot after the range. Offer the caller the date and time of a slot; book it with book_session.",
    hints: READ,
};

pub const BOOK_SESSION: ToolSpec = ToolSpec {
    name: "book_session",
    title: "Book a slot",
    description: "Book a slot for one of the caller's members: the member (member_id or member_name; optional when the caller has one member), the service (service, or level and wave_side), and the date and time as get_availability offered them. Not idempotent by itself: send an idempotency_key and a retry with the same key returns the first booking instead of booking twice. A refusal says which rule applied (full, quota, notice, window, schedule) and lists alternatives. For a caller without an account, send their full name as name; it registers them when the business allows new callers.",
    hints: write(false, false),
};

pub const CANCEL_BOOKING: ToolSpec = ToolSpec {
    name: "cancel_booking",
    title: "Cancel a booking",
    description: "Cancel one of the caller's bookings, named by booking_id or voucher_code, with an optional reason. Says whether the cancellation is free (refund_applicable) under the business's cancellation policy. Cancelling an already cancelled booking changes nothing.",
    hints: write(true, true),
};

pub const GET_BOOKINGS: ToolSpec = ToolSpec {
    name: "get_bookings",
    title: "List the caller's bookings",
    description: "List the caller's bookings, optionally of one member (member_id or member_name), by status: upcoming (default), past, cancelled or all. Each has booking_id and voucher_code for cancel_booking and reschedule_booking.",
    hints: READ,
};

pub const RESCHEDULE_BOOKING: ToolSpec = ToolSpec {
    name: "reschedule_booking",
    title: "Move a booking",
    description: "Move one of the caller's confirmed bookings (booking_id or voucher_code) to a new date and time, optionally to another service. The new slot is checked like a new booking; if it is refused the booking stays where it was, and the refusal lists alternatives.",
    hints: write(false, false),
};

pub const GET_BUSINESS_INFO: ToolSpec = ToolSpec {
    name: "get_business_info",
    title: "About the business",
    description: "The business: name, address, phone, language, branches, opening hours per weekday (session start times or open hours) with holidays in the next 14 days, services with duration, capacity, price and attributes, booking policies (notice, booking window, active bookings per member, free cancellation, whether new callers may book), and the current local date, weekday and time.",
    hints: READ,
};

pub const JOIN_WAITLIST: ToolSpec = ToolSpec {
    name: "join_waitlist",
    title: "Join the waitlist",
    description: "When a session or appointment is full, put one of the caller's members on its waitlist: the member, the service (or level and wave_side), a date or a range (date_from, date_to), optionally the earliest and latest start time (time_from, time_to). When a place frees up, the first matching entry gets it: with auto_book true (default) it is booked at once; with false it is held for a while and offered, and the caller confirms by calling back (book_session for that slot). Either way the caller gets an SMS. Refused when a matching place is free right now (code SLOT_AVAILABLE, with the slots to book instead), when the member is already booked there (ALREADY_BOOKED) or has reached their quota (QUOTA_REACHED). Joining again for the same service and dates returns the same entry.",
    hints: write(false, true),
};

pub const GET_WAITLIST: ToolSpec = ToolSpec {
    name: "get_waitlist",
    title: "List the caller's waitlist entries",
    description: "List the caller's waitlist entries still waiting or with a place held for them, optionally of one member (member_id or member_name): service, dates, time window, place in line, and for an offered place the held booking and until when it is held. Each has entry_id for leave_waitlist.",
    hints: READ,
};

pub const LEAVE_WAITLIST: ToolSpec = ToolSpec {
    name: "leave_waitlist",
    title: "Leave the waitlist",
    description: "Take one of the caller's waitlist entries (entry_id) off the waitlist. A place held for it is released to the next caller waiting. Leaving again changes nothing.",
    hints: write(true, true),
};

/// The tools `tools/list` shows, in the order of the integration guide.
pub const TOOLS: [&ToolSpec; 12] = [
    &GET_MEMBERS,
    &GET_MEMBER_PREFERENCES,
    &SET_MEMBER_PREFERENCES,
    &GET_AVAILABILITY,
    &BOOK_SESSION,
    &CANCEL_BOOKING,
    &GET_BOOKINGS,
    &RESCHEDULE_BOOKING,
    &GET_BUSINESS_INFO,
    &JOIN_WAITLIST,
    &GET_WAITLIST,
    &LEAVE_WAITLIST,
];

/// The names of [`TOOLS`], in the same order.
pub const TOOL_NAMES: [&str; 12] = {
    let mut names = [""; 12];
    let mut i = 0;
    while i < TOOLS.len() {
        names[i] = TOOLS[i].name;
        i += 1;
    }
    names
};

/// Names a tool call accepts but the list does not show: earlier integrations call them.
pub const ALIASES: [(&str, &str); 2] = [
    ("check_availability", GET_AVAILABILITY.name),
    ("list_bookings", GET_BOOKINGS.name),
];

/// The tool a name means, after the legacy aliases.
pub fn canonical_name(name: &str) -> &str {
    ALIASES
        .iter()
        .find(|(alias, _)| *alias == name)
        .map_or(name, |(_, real)| real)
}

/// The tool `name` means (a tool's name or a legacy alias), as the catalogue writes it.
pub fn tool_named(name: &str) -> Option<&'static str> {
    let name = name.trim();
    TOOL_NAMES.iter().copied().find(|t| *t == name).or_else(|| {
        ALIASES
            .iter()
            .find(|(alias, _)| *alias == name)
            .map(|(_, tool)| *tool)
    })
}

/// Whether `name` is a tool or a legacy alias of one.
pub fn is_tool(name: &str) -> bool {
    let name = name.trim();
    TOOL_NAMES.contains(&name) || ALIASES.iter().any(|(alias, _)| *alias == name)
}

/// Something that turns the catalogue into a wire format's tool list: it is handed each tool
/// with the Rust types of its arguments (`None` for a tool without any) and of its result, so it
/// can derive their schemas as its format wants them.
pub trait CatalogReader {
    fn tool<Args: JsonSchema + 'static, Output: JsonSchema + 'static>(
        &mut self,
        spec: &'static ToolSpec,
        takes_arguments: bool,
    );
}

/// Hands every tool of [`TOOLS`], in order, to `reader`.
pub fn read_catalog(reader: &mut impl CatalogReader) {
    reader.tool::<(), MembersOutput>(&GET_MEMBERS, false);
    reader.tool::<MemberRequest, PreferencesOutput>(&GET_MEMBER_PREFERENCES, true);
    reader.tool::<SetPreferencesRequest, PreferencesOutput>(&SET_MEMBER_PREFERENCES, true);
    reader.tool::<AvailabilityRequest, AvailabilityOutput<'static>>(&GET_AVAILABILITY, true);
    reader.tool::<BookRequest, BookOutput>(&BOOK_SESSION, true);
    reader.tool::<CancelRequest, CancelOutput>(&CANCEL_BOOKING, true);
    reader.tool::<BookingsRequest, BookingsOutput>(&GET_BOOKINGS, true);
    reader.tool::<RescheduleRequest, RescheduleOutput>(&RESCHEDULE_BOOKING, true);
    reader.tool::<(), BusinessOutput>(&GET_BUSINESS_INFO, false);
    reader.tool::<JoinWaitlistRequest, JoinWaitlistOutput>(&JOIN_WAITLIST, true);
    reader.tool::<WaitlistRequest, WaitlistOutput>(&GET_WAITLIST, true);
    reader.tool::<LeaveWaitlistRequest, LeaveWaitlistOutput>(&LEAVE_WAITLIST, true);
}

/// How a voice agent should use the tools (MCP's `instructions`).
pub const INSTRUCTIONS: &str = "\
frontdesk books sessions and appointments for the person on this phone call. The caller is \
already identified by their phone number: never ask for it, and never ask for ids.
A typical call: get_members to learn who the caller can book for (empty when the number is \
not a customer); get_availability for a date (YYYY-MM-DD, today, tomorrow or a weekday name) \
with service, level or wave_side filters, passing member_id to rank by that member's saved \
preferences; then book_session with the member, the service (or level and wave_side), and the \
date and time exactly as offered, plus an idempotency_key so a retry never books twice. Read \
the booking code (voucher_code) to the caller. get_bookings lists bookings; reschedule_booking \
and cancel_booking take booking_id or voucher_code. get_business_info gives the address, \
opening hours, services with prices, policies, and today's date and time at the business. \
When a slot is full, join_waitlist puts the member on its waitlist: a place that frees up is \
booked for them (or held and offered) and they get an SMS; get_waitlist and leave_waitlist \
manage the entries.
Every result carries structuredContent and one short text in the business's language that can \
be read aloud as is. When isError is true the text says what was wrong and what to send \
instead; structuredContent.code is stable (SLOT_FULL, QUOTA_REACHED, TOO_SOON, \
OUTSIDE_BOOKING_WINDOW, NOT_FOUND, INVALID_INPUT, UNKNOWN_CALLER, MEMBER_REQUIRED, \
SLOT_AVAILABLE, ALREADY_BOOKED, ...) and \
structuredContent.alternatives lists free slots to offer instead. A caller without an account \
can hear about the business and availability; booking for them needs their full name in \
book_session's name, and only when the business allows new callers.";

#[cfg(test)]
mod tests {
    use super::*;

    struct Names(Vec<&'static str>);

    impl CatalogReader for Names {
        fn tool<A: JsonSchema + 'static, O: JsonSchema + 'static>(
            &mut self,
            spec: &'static ToolSpec,
            _: bool,
        ) {
            self.0.push(spec.name);
        }
    }

    #[test]
    fn the_catalogue_reads_every_tool_once_in_order() {
        let mut names = Names(Vec::new());
        read_catalog(&mut names);
        assert_eq!(names.0, TOOL_NAMES);
        assert!(
            ALIASES
                .iter()
                .all(|(alias, real)| !is_tool(real) || is_tool(alias))
        );
        assert_eq!(canonical_name("list_bookings"), "get_bookings");
        assert!(!is_tool("book"));
    }
}
