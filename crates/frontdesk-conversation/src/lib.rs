//! The conversation with a voice agent: the booking tools every agent surface offers (MCP,
//! Retell custom functions, Vapi tool calls), read and answered the same way on each.
//!
//! `get_members`, `get_member_preferences`, `set_member_preferences`, `get_availability`,
//! `book_session`, `cancel_booking`, `get_bookings`, `reschedule_booking` and
//! `get_business_info`, plus the unlisted legacy names `check_availability` and
//! `list_bookings`. Each answer has a structured result described by the tool's output schema
//! and one short text in the business's language to be read aloud. Bad arguments and booking
//! refusals are answers with `is_error` that say what to send instead.
//!
//! - [`catalog`]: the tools, their names, descriptions, hints and argument and result types.
//! - [`args`]: what each tool accepts, read leniently.
//! - [`results`]: what each tool returns, with its schema.
//! - [`speech`]: the spoken texts.
//! - [`calls`]: a voice platform's call: its party, the caller, function answers.
//! - [`functions`]: the appointment functions of the AskProAI document (Retell, Vapi).
//! - [`run`]: a tool by name ([`run_tool`]), the one dispatch of every surface.
//! - `turn`: one call's caller and company, and how failures are explained.
//! - `tools`: the tools themselves, each a call of the engine.
//!
//! An adapter only carries this over its wire format; it never answers a tool itself.

pub mod args;
pub mod calls;
pub mod catalog;
pub mod functions;
pub mod results;
pub mod run;
pub mod speech;
mod tools;
mod turn;

pub use catalog::{ALIASES, TOOL_NAMES, canonical_name, is_tool};
pub use run::{ToolAnswer, ToolOrigin, explain_error, run_tool, run_tool_from};
