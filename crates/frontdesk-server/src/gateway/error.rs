//! JSON-RPC errors of the gateway, with the codes of the AskProAI document:
//! -32700 parse error, -32600 invalid request, -32601 method not found, -32602 invalid params,
//! -32603 internal error, -32000 server (application) error. Every error carries
//! `data.details` saying what is wrong; internal causes go to the log, not to the client.

use crate::openapi::{GatewayErrorData, GatewayErrorObject};
use frontdesk_engine::EngineError;

#[derive(Debug, Clone, PartialEq)]
pub enum GatewayError {
    Parse(String),
    InvalidRequest(String),
    MethodNotFound(String),
    InvalidParams(String),
    Internal(String),
    /// An application refusal (slot full, not found, Retell unreachable …) with a stable
    /// `data.code` clients can match on.
    Server {
        code: &'static str,
        details: String,
    },
}

impl GatewayError {
    pub fn code(&self) -> i64 {
        match self {
            GatewayError::Parse(_) => -32700,
            GatewayError::InvalidRequest(_) => -32600,
            GatewayError::MethodNotFound(_) => -32601,
            GatewayError::InvalidParams(_) => -32602,
            GatewayError::Internal(_) => -32603,
            GatewayError::Server { .. } => -32000,
        }
    }

    pub fn message(&self) -> &'static str {
        match self {
            GatewayError::Parse(_) => "Parse error",
            GatewayError::InvalidRequest(_) => "Invalid Request",
            GatewayError::MethodNotFound(_) => "Method not found",
            GatewayError::InvalidParams(_) => "Invalid params",
            GatewayError::Internal(_) => "Internal error",
            GatewayError::Server { .. } => "Server error",
        }
    }

    /// The JSON-RPC `error` object.
    /// The JSON-RPC error object (`{code, message, data: {details, code?}}`).
    pub fn object(&self) -> GatewayErrorObject {
        let data = match self {
            GatewayError::Internal(cause) => {
                tracing::error!(%cause, "gateway internal error");
                GatewayErrorData {
                    details: "internal server error".into(),
                    code: None,
                }
            }
            GatewayError::Server { code, details } => GatewayErrorData {
                details: details.clone(),
                code: Some(code.to_string()),
            },
            GatewayError::Parse(d)
            | GatewayError::InvalidRequest(d)
            | GatewayError::MethodNotFound(d)
            | GatewayError::InvalidParams(d) => GatewayErrorData {
                details: d.clone(),
                code: None,
            },
        };
        GatewayErrorObject {
            code: self.code(),
            message: self.message().into(),
            data,
        }
    }

    pub fn server(code: &'static str, details: impl Into<String>) -> Self {
        GatewayError::Server {
            code,
            details: details.into(),
        }
    }
}

impl From<EngineError> for GatewayError {
    fn from(e: EngineError) -> Self {
        match e {
            EngineError::InvalidInput { .. }
            | EngineError::Choose { .. }
            | EngineError::UnsafeText { .. }
            | EngineError::InvalidPhone(_)
            | EngineError::RangeTooLong { .. } => GatewayError::InvalidParams(e.to_string()),
            EngineError::Internal(cause) => GatewayError::Internal(cause),
            other => GatewayError::server(other.code(), other.to_string()),
        }
    }
}
