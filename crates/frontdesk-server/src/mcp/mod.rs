//! MCP for voice agents: the booking tools ([`tools`]) and the transports that carry them.
//!
//! - Streamable HTTP at `/mcp` ([`streamable`]): rmcp's server, behind our caller-session auth.
//! - Legacy HTTP+SSE, 2024-11-05 ([`sse`], [`messages`]): rmcp 3 no longer ships it, so it is
//!   written here on rmcp's channel transport, plus the integration guide's direct mode
//!   (JSON-RPC POSTed to `/mcp/messages/` answered in the HTTP response).
//! - stdio: the binary's `mcp-stdio` command serves the same handler on stdin/stdout.

pub mod hub;
pub mod implicit;
pub mod messages;
pub mod order;
pub mod owners;
pub mod sse;
pub mod streamable;
pub mod tools;

use frontdesk_engine::Caller;
use rmcp::model::{ClientJsonRpcMessage, GetExtensions};

/// Attaches the caller to a message, where the tool handler looks for it.
pub fn with_caller(mut message: ClientJsonRpcMessage, caller: &Caller) -> ClientJsonRpcMessage {
    match &mut message {
        ClientJsonRpcMessage::Request(req) => {
            req.request.extensions_mut().insert(caller.clone());
        }
        ClientJsonRpcMessage::Notification(not) => {
            not.notification.extensions_mut().insert(caller.clone());
        }
        _ => {}
    }
    message
}
