//! Plain REST handlers, one file per resource.

pub mod health;
pub mod sessions;
