//! Storage errors: "not found" and "conflict" are answers the engine acts on; "unavailable"
//! means the database could not be reached and the call may be retried; everything else is
//! a fault whose detail belongs in the log, not in a client's answer.

#[derive(Debug, Clone, thiserror::Error)]
pub enum StoreError {
    #[error("not found")]
    NotFound,
    /// A uniqueness or ownership rule refused the write (the message says which).
    #[error("conflict: {0}")]
    Conflict(String),
    /// The database is unreachable or overloaded (connection refused, pool timed out).
    #[error("database unavailable: {0}")]
    Unavailable(String),
    /// Stored data that does not parse (a bad JSON column, an unknown status).
    #[error("corrupt row: {0}")]
    Corrupt(String),
    #[error("database error: {0}")]
    Other(String),
}

pub type StoreResult<T> = Result<T, StoreError>;

impl StoreError {
    pub fn is_not_found(&self) -> bool {
        matches!(self, StoreError::NotFound)
    }
}

/// Turns `NotFound` into `None`, keeping other errors.
pub trait OptionalExt<T> {
    fn optional(self) -> StoreResult<Option<T>>;
}

impl<T> OptionalExt<T> for StoreResult<T> {
    fn optional(self) -> StoreResult<Option<T>> {
        match self {
            Ok(v) => Ok(Some(v)),
            Err(StoreError::NotFound) => Ok(None),
            Err(e) => Err(e),
        }
    }
}
