//! frontdesk-server: the HTTP face of frontdesk.
//!
//! [`router`] builds every route with its middleware (request ids, tracing, body limits,
//! timeouts, JSON errors); [`serve`] runs it on a listener until a shutdown signal, then
//! drains in-flight requests within the configured grace period. Tests start the real app
//! through the same functions on port 0. Adapters here are thin: they authenticate,
//! translate the wire format into one engine call and translate the answer back. This crate
//! depends on the engine and the store contract, never on a database driver; the state several
//! instances share (rate limits, SSE routing, MCP sessions) goes through Redis ([`cluster`]).

mod auth;
pub mod calendar;
pub mod cluster;
pub mod console;
mod error;
pub mod gateway;
mod http;
mod limits;
pub mod mcp;
pub mod openapi;
pub mod prometheus;
pub mod rate_limit;
pub mod retell;
mod router;
mod settings;
mod shutdown;
pub mod sms;
mod state;
pub mod vapi;

pub use error::ApiError;
pub use router::router;
pub use settings::{LogFormat, ServerSettings, generated_instance_id};
pub use shutdown::{serve, shutdown_signal};
pub use state::AppState;
