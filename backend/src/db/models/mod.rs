//! Queries, one module per entity. Each turns rows into domain values and back.

pub mod clocks;
pub mod comments;
pub mod communities;
pub mod duty;
pub mod events;
pub mod forms;
pub mod incident_reports;
pub mod incidents;
pub mod jobs;
pub mod known_issues;
pub mod live;
pub mod mail;
pub mod notifications;
pub mod people;
pub mod rotation;
pub mod service_levels;
pub mod sessions;
pub mod support_policy;
pub mod surveys;
pub mod tickets;
pub mod triage;
pub mod webhooks;

use diesel::result::{DatabaseErrorKind, Error};

/// Whether a database error is a unique-constraint violation.
pub(crate) fn is_unique_violation(error: &Error) -> bool {
    matches!(error, Error::DatabaseError(DatabaseErrorKind::UniqueViolation, _))
}

/// A stored enumeration value the domain does not know: the database and the code disagree.
pub(crate) fn unknown_value(column: &str, value: &str) -> crate::error::AppError {
    crate::error::AppError::internal(anyhow::anyhow!("unknown value {value:?} in column {column}"))
}
