//! The booking tools a voice agent calls over MCP, whichever transport carries them.
//!
//! [`FrontdeskMcp`] is rmcp's server handler: `get_members`, `get_member_preferences`,
//! `set_member_preferences`, `get_availability`, `book_session`, `cancel_booking`,
//! `get_bookings`, `reschedule_booking` and `get_business_info`, plus the unlisted legacy names
//! `check_availability` and `list_bookings`. Each result has a `structuredContent` described by
//! the tool's `outputSchema` and one short text in the business's language to be read aloud.
//! Bad arguments and booking refusals are tool results with `isError: true` that say what to
//! send instead; only a request without a caller is a protocol error.
//!
//! - [`handler`]: the handler, its tool router and the alias dispatch.
//! - [`run`]: the tools by name outside MCP ([`run_tool`], for the Retell and Vapi webhooks),
//!   and the one dispatch the handler shares with it.
//! - [`params`]: what each tool accepts, read leniently.
//! - [`results`]: what each tool returns, with its schema.
//! - [`speech`]: the spoken texts in pt-BR, de-DE and en-US.
//! - `turn`: one call's caller and company, and how failures are explained.

mod availability;
mod bookings;
mod business;
pub mod handler;
mod members;
pub mod params;
pub mod results;
pub mod run;
pub mod speech;
mod turn;

pub use handler::{ALIASES, FrontdeskMcp};
pub use run::{ToolAnswer, ToolOrigin, run_tool, run_tool_from};

/// The tools `tools/list` shows, in the order of the integration guide.
pub const TOOL_NAMES: [&str; 9] = [
    "get_members",
    "get_member_preferences",
    "set_member_preferences",
    "get_availability",
    "book_session",
    "cancel_booking",
    "get_bookings",
    "reschedule_booking",
    "get_business_info",
];
