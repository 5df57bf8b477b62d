//! The one error type that every service returns.

use sea_orm::DbErr;
use serde::Serialize;

/// A problem with one field of the input (or one row of an import).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FieldError {
    /// The input field, e.g. `email`.
    pub field: String,
    /// What is wrong with it, in plain words.
    pub message: String,
    /// For imports: the 1-based line of the file (the header is line 1).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<u64>,
}

impl FieldError {
    /// A field error outside any file.
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self { field: field.into(), message: message.into(), line: None }
    }

    /// A field error on a given line of an imported file.
    pub fn at_line(line: u64, field: impl Into<String>, message: impl Into<String>) -> Self {
        Self { field: field.into(), message: message.into(), line: Some(line) }
    }
}

/// What can go wrong in a use case, in business terms.
#[derive(Debug, thiserror::Error)]
pub enum DomainError {
    /// The record does not exist, or the actor may not know that it exists.
    #[error("{0} not found")]
    NotFound(&'static str),
    /// The input breaks one or more rules; every broken rule is listed.
    #[error("validation failed")]
    Invalid(Vec<FieldError>),
    /// A unique value is already taken by another record.
    #[error("{message}")]
    Duplicate {
        /// Which value, in plain words.
        message: String,
        /// The record that already holds it, when known.
        existing_id: Option<i64>,
    },
    /// The request conflicts with the current state of the record.
    #[error("{0}")]
    Conflict(String),
    /// A status or stage move that the rule table does not allow.
    #[error("cannot move from {from} to {to}; allowed: {}", if .allowed.is_empty() { "none".to_owned() } else { .allowed.join(", ") })]
    InvalidTransition {
        /// The current state.
        from: String,
        /// The requested state.
        to: String,
        /// The states that may follow the current one.
        allowed: Vec<&'static str>,
    },
    /// The caller's `If-Match` names a version that is no longer current.
    #[error("version {expected} is stale; the current version is {current}")]
    StaleVersion {
        /// The version the caller sent.
        expected: i32,
        /// The version stored now.
        current: i32,
    },
    /// An import was rejected as a whole; every bad row is listed.
    #[error("import rejected: {} problem(s)", .0.len())]
    ImportRejected(Vec<FieldError>),
    /// The thing existed but is no longer available (an expired link).
    #[error("{0}")]
    Gone(String),
    /// Credentials or a token were wrong, expired or revoked.
    #[error("{0}")]
    Unauthenticated(String),
    /// The actor's role does not allow this action.
    #[error("{0}")]
    Forbidden(String),
    /// Sign-in is locked after repeated failures; it lifts by itself.
    #[error("too many failed sign-ins; try again in {retry_after_secs} s")]
    Locked {
        /// Seconds until the lock lifts.
        retry_after_secs: u64,
    },
    /// The database failed.
    #[error("database error: {0}")]
    Db(#[from] DbErr),
    /// Anything else that is not the caller's fault.
    #[error("internal error: {0}")]
    Internal(String),
}

impl DomainError {
    /// One invalid field.
    pub fn invalid(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self::Invalid(vec![FieldError::new(field, message)])
    }
}

/// Result of every domain operation.
pub type Result<T, E = DomainError> = std::result::Result<T, E>;
