//! What the operator console reads and writes beyond the bookings: the operators who log in,
//! their server-side sessions, the tool calls a voice agent made during a call, and the
//! searches of calls and customers.

use crate::{Call, Customer};
use frontdesk_domain::*;
use jiff::Timestamp;
use serde::Serialize;

/// A person at the business who logs in to the console.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Operator {
    pub id: i64,
    pub company_id: CompanyId,
    /// Lower-case; unique across the server (it is the login).
    pub email: String,
    pub role: OperatorRole,
    /// The PHC string of an argon2id hash; never shown.
    #[serde(skip)]
    pub password_hash: String,
    /// The console's language for this operator (`None`: the business's).
    pub language: Option<String>,
    pub created_at: Timestamp,
    /// A disabled operator cannot log in and their sessions have ended.
    pub disabled_at: Option<Timestamp>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct NewOperator {
    pub company_id: CompanyId,
    pub email: String,
    pub role: OperatorRole,
    pub password_hash: String,
    pub now: Timestamp,
}

/// A logged-in console session, with its operator as they are now.
#[derive(Debug, Clone, PartialEq)]
pub struct OperatorSession {
    pub id: i64,
    pub operator: Operator,
    /// The token every form of this session carries (CSRF); not a secret from the operator.
    pub csrf_token: String,
    pub created_at: Timestamp,
    pub expires_at: Timestamp,
}

#[derive(Debug, Clone, PartialEq)]
pub struct NewOperatorSession {
    pub operator_id: i64,
    /// Hex SHA-256 of the cookie's token; the token itself is never stored.
    pub token_hash: String,
    pub csrf_token: String,
    pub now: Timestamp,
    pub expires_at: Timestamp,
}

/// One tool call a voice agent made during a call, with the answer it got.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CallToolCall {
    pub id: i64,
    pub company_id: CompanyId,
    /// `retell`, `vapi`.
    pub provider: String,
    /// The platform's call id.
    pub call_external_id: String,
    pub tool: String,
    pub arguments: serde_json::Value,
    /// The answer as the agent got it (text or JSON).
    pub result: serde_json::Value,
    /// The error code when the tool refused (`SLOT_FULL`, …).
    pub error_code: Option<String>,
    pub at: Timestamp,
}

#[derive(Debug, Clone, PartialEq)]
pub struct NewCallToolCall {
    pub company_id: CompanyId,
    pub provider: String,
    pub call_external_id: String,
    pub tool: String,
    pub arguments: serde_json::Value,
    pub result: serde_json::Value,
    pub error_code: Option<String>,
    pub now: Timestamp,
}

/// A company's calls, newest first.
#[derive(Debug, Clone, PartialEq)]
pub struct CallQuery {
    pub company_id: CompanyId,
    /// Calls created before this instant (the next page).
    pub before: Option<Timestamp>,
    pub limit: i64,
}

/// A company's customers whose name, a member's name or phone number contains `text`
/// (case-insensitive; empty: every customer), by name.
#[derive(Debug, Clone, PartialEq)]
pub struct CustomerSearch {
    pub company_id: CompanyId,
    pub text: String,
    pub limit: i64,
}

/// A call in a list: the call and the customer it was with, when known.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CallSummary {
    pub call: Call,
    pub customer: Option<Customer>,
}

/// A booking with the names the desk shows beside it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DeskBooking {
    pub booking: crate::Booking,
    pub member_name: Option<String>,
    pub customer_name: Option<String>,
    pub customer_phone: String,
}
