//! Vapi: `POST /api/vapi/tool-calls`, the server URL a Vapi assistant's tools call.
//!
//! ## Design
//!
//! - **Authentication**: the company's Vapi secret, sent by Vapi as `X-Vapi-Secret` (the
//!   server URL secret) or `Authorization: Bearer` (a bearer credential); the engine finds the
//!   company by the secret's hash. Missing or unknown: 401 JSON. Failed attempts count per
//!   client IP (429 past the limit), verified requests against the company's webhook allowance
//!   with the `X-RateLimit-*` headers.
//! - **Messages**: `{"message": {"type": "tool-calls", "toolCallList": […], "call": {…}}}` runs
//!   each tool call in order and answers HTTP 200 `{"results": [{"toolCallId", "result"}]}`,
//!   or `{"toolCallId", "error"}` for a call that failed: Vapi hands either string to the
//!   model, so both are one line (newlines collapsed). Every other message type
//!   (`status-update`, `end-of-call-report`, `transcript`, …) is acknowledged with 200 `{}` and
//!   ignored. A body that is not such a message is 400 JSON.
//! - **Tools**: the same functions as Retell's custom functions
//!   ([`frontdesk_conversation::calls::answer_function`]): every MCP tool by name and the
//!   AskProAI document's functions, for the caller `message.call.customer.number` (or
//!   `message.customer.number`), with bookings recorded from `vapi` under the call's id.

pub mod tool_calls;
