//! Booking status and source: the states a booking moves through and where it came from.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BookingStatus {
    Confirmed,
    /// A place kept for a waitlist entry until its `hold_until`: taken for everyone else,
    /// confirmed when the member books it, passed on when the time runs out.
    Held,
    Cancelled,
    Completed,
    NoShow,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BookingSource {
    Mcp,
    Retell,
    Vapi,
    Gateway,
    Admin,
    /// Made by the engine from a waitlist entry or an auto-book preference.
    Waitlist,
    /// Made by an operator in the console.
    Console,
}

#[derive(Debug, thiserror::Error)]
#[error("unknown value {0:?}")]
pub struct UnknownValue(pub String);

macro_rules! text_enum {
    ($ty:ident { $($variant:ident => $text:literal),+ $(,)? }) => {
        impl $ty {
            pub fn as_str(self) -> &'static str {
                match self { $($ty::$variant => $text),+ }
            }
        }
        impl FromStr for $ty {
            type Err = UnknownValue;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                match s { $($text => Ok($ty::$variant),)+ _ => Err(UnknownValue(s.to_string())) }
            }
        }
        impl fmt::Display for $ty {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result { f.write_str(self.as_str()) }
        }
    };
}

text_enum!(BookingStatus {
    Confirmed => "confirmed",
    Held => "held",
    Cancelled => "cancelled",
    Completed => "completed",
    NoShow => "no_show",
});

text_enum!(BookingSource {
    Mcp => "mcp",
    Retell => "retell",
    Vapi => "vapi",
    Gateway => "gateway",
    Admin => "admin",
    Waitlist => "waitlist",
    Console => "console",
});

/// What an operator of the console may do: `owner` also manages settings, keys and
/// operators; `staff` runs the day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OperatorRole {
    Owner,
    Staff,
}

text_enum!(OperatorRole {
    Owner => "owner",
    Staff => "staff",
});

/// The two kinds of API key: `mcp` keys open caller sessions, `gateway` keys call the
/// JSON-RPC gateway.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ApiKeyKind {
    Mcp,
    Gateway,
}

text_enum!(ApiKeyKind {
    Mcp => "mcp",
    Gateway => "gateway",
});

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_forms_round_trip() {
        for s in [
            BookingStatus::Confirmed,
            BookingStatus::Cancelled,
            BookingStatus::Completed,
            BookingStatus::NoShow,
        ] {
            assert_eq!(s.as_str().parse::<BookingStatus>().ok(), Some(s));
        }
        assert!("deleted".parse::<BookingStatus>().is_err());
        assert_eq!(
            "gateway".parse::<ApiKeyKind>().ok(),
            Some(ApiKeyKind::Gateway)
        );
    }
}
