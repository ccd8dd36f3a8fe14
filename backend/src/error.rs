//! The error policy, and the one mapping from Steward's errors to gRPC statuses.
//!
//! Handlers return [`AppError`]. Errors a person can act on carry words meant for them and the
//! details a client needs to place them (the field of a bad input; the reason a step was
//! refused). Anything else is `Internal`: logged here, once, with its cause, and answered with
//! a message that gives nothing away.

use tonic::{Code, Status};
use tonic_types::{ErrorDetails, FieldViolation, StatusExt};

use steward_domain::incident::{CloseRefused, StepRefused};
use steward_domain::intake::FieldError;
use steward_domain::lifecycle::{NoStepBetween, ReleaseMissing, TransitionRefused};

/// Reason in `google.rpc.ErrorInfo` when the lifecycle refuses a step.
pub const REASON_TRANSITION_NOT_ALLOWED: &str = "TRANSITION_NOT_ALLOWED";
/// Reason in `google.rpc.ErrorInfo` when a ticket cannot be closed before its release is recorded.
pub const REASON_RELEASE_REQUIRED: &str = "RELEASE_REQUIRED";
/// Reason in `google.rpc.ErrorInfo` when the caller's version of a ticket is stale.
pub const REASON_STALE_VERSION: &str = "STALE_VERSION";
/// The `google.rpc.ErrorInfo` domain of Steward's reasons.
pub const ERROR_DOMAIN: &str = "steward.v1";

/// What a caller without a valid session is told.
pub const NOT_SIGNED_IN: &str = "You are not signed in, or your session has expired. Sign in to continue.";

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// Request fields that are missing or wrong: every one found, never none.
    #[error("{}", describe(.0))]
    InvalidArgument(Vec<FieldError>),
    /// The thing does not exist, or the caller may not know it does.
    #[error("{0} not found")]
    NotFound(&'static str),
    /// The unique key is taken.
    #[error("{0}")]
    AlreadyExists(FieldError),
    /// No valid session, or wrong credentials; the message says which.
    #[error("{0}")]
    Unauthenticated(&'static str),
    /// Signed in, but not allowed; the message says what is missing.
    #[error("{0}")]
    PermissionDenied(&'static str),
    /// The lifecycle does not allow the step from the ticket's state.
    #[error(transparent)]
    TransitionRefused(#[from] TransitionRefused),
    /// A board move between two columns that no step of the lifecycle makes.
    #[error("{0}")]
    NoStep(#[from] NoStepBetween),
    /// A change request or problem cannot be closed before its release is recorded.
    #[error(transparent)]
    ReleaseMissing(#[from] ReleaseMissing),
    /// Nothing is waiting for this answer (a survey already answered); the message says why.
    #[error("{0}")]
    NothingToAnswer(&'static str),
    /// The incident's lifecycle does not allow the step from its phase.
    #[error(transparent)]
    IncidentStep(StepRefused),
    /// The incident may not close yet; the message says what is missing.
    #[error(transparent)]
    IncidentClose(CloseRefused),
    /// The thing is still in use; the message names what uses it.
    #[error("{0}")]
    InUse(String),
    /// The page has ended, so there is nothing to acknowledge; the message says why it ended.
    #[error("{0}")]
    PageEnded(String),
    /// What was sent is bigger than Steward takes; the message says how big it may be.
    #[error("{0}")]
    TooLarge(String),
    /// The change would leave Steward without an admin.
    #[error("This is the last admin. Make someone else an admin first, so that someone can still manage Steward.")]
    LastAdmin,
    /// Someone else changed the ticket since the caller read it.
    #[error("this ticket was changed by someone else since you opened it (now version {current})")]
    StaleVersion { current: i64 },
    /// A limit was reached (failed sign-ins, a rate, open streams); the message says which
    /// and when to retry.
    #[error("{message}")]
    TooMany { message: String, retry_after: std::time::Duration },
    /// The database cannot be reached right now (connection lost, server shutting down or
    /// starting up, too many connections): nothing was committed; retry.
    #[error("the database is unavailable")]
    Unavailable(#[source] anyhow::Error),
    /// The database gave up on the transaction (serialization failure, deadlock): nothing was
    /// committed; retry.
    #[error("the change collided with another; try again")]
    Aborted(#[source] anyhow::Error),
    /// A bug or an unexpected failure.
    #[error("internal error")]
    Internal(#[source] anyhow::Error),
}

impl AppError {
    /// A bad field, named as in the API.
    pub fn invalid(field: impl Into<String>, message: impl Into<String>) -> Self {
        AppError::InvalidArgument(vec![FieldError::new(field, message)])
    }

    /// An unexpected failure with its cause.
    pub fn internal(error: impl Into<anyhow::Error>) -> Self {
        AppError::Internal(error.into())
    }
}

impl From<FieldError> for AppError {
    fn from(error: FieldError) -> Self {
        AppError::InvalidArgument(vec![error])
    }
}

impl From<Vec<FieldError>> for AppError {
    fn from(errors: Vec<FieldError>) -> Self {
        AppError::InvalidArgument(errors)
    }
}

/// "title: Give the request a title." for one field; for several, how many and each.
fn describe(errors: &[FieldError]) -> String {
    match errors {
        [one] => one.to_string(),
        many => {
            let each: Vec<String> = many.iter().map(FieldError::to_string).collect();
            format!("{} fields need attention: {}", many.len(), each.join("; "))
        }
    }
}

/// PostgreSQL's words (in its default C locale; diesel passes the message on, not the
/// SQLSTATE) for failures that are the server's state, not a bug: 57P01-57P05 (terminated,
/// shutting down, starting up, in recovery) and 53300 (too many connections).
const SERVER_UNAVAILABLE: &[&str] =
    &["terminating connection", "the database system is", "sorry, too many clients", "remaining connection slots"];
/// 40P01: PostgreSQL broke a deadlock by aborting this transaction.
const DEADLOCK: &str = "deadlock detected";

impl From<diesel::result::Error> for AppError {
    fn from(error: diesel::result::Error) -> Self {
        use diesel::result::{DatabaseErrorKind, Error};
        match &error {
            Error::NotFound => AppError::Internal(anyhow::anyhow!("unexpected missing row: {error}")),
            // The connection closed or broke under the query ("connection closed").
            Error::DatabaseError(DatabaseErrorKind::ClosedConnection | DatabaseErrorKind::UnableToSendCommand, _) => {
                AppError::Unavailable(error.into())
            }
            Error::DatabaseError(DatabaseErrorKind::SerializationFailure, _) => AppError::Aborted(error.into()),
            Error::DatabaseError(DatabaseErrorKind::Unknown, info) => {
                let message = info.message();
                if SERVER_UNAVAILABLE.iter().any(|words| message.starts_with(words)) {
                    AppError::Unavailable(error.into())
                } else if message.starts_with(DEADLOCK) {
                    AppError::Aborted(error.into())
                } else {
                    AppError::Internal(error.into())
                }
            }
            _ => AppError::Internal(error.into()),
        }
    }
}

impl From<diesel_async::pooled_connection::deadpool::PoolError> for AppError {
    fn from(error: diesel_async::pooled_connection::deadpool::PoolError) -> Self {
        AppError::Unavailable(error.into())
    }
}

impl From<AppError> for Status {
    fn from(error: AppError) -> Status {
        let message = error.to_string();
        match error {
            AppError::InvalidArgument(fields) => {
                let violations = fields.into_iter().map(|f| FieldViolation::new(f.field, f.message));
                let details = ErrorDetails::with_bad_request(violations.collect::<Vec<_>>());
                Status::with_error_details(Code::InvalidArgument, message, details)
            }
            AppError::AlreadyExists(field) => {
                let details = ErrorDetails::with_bad_request_violation(field.field.clone(), field.message.clone());
                Status::with_error_details(Code::AlreadyExists, field.to_string(), details)
            }
            AppError::NotFound(_) => Status::not_found(message),
            AppError::Unauthenticated(_) => Status::unauthenticated(message),
            AppError::PermissionDenied(_) => Status::permission_denied(message),
            AppError::TransitionRefused(_) | AppError::NoStep(_) | AppError::IncidentStep(_) => {
                let details = ErrorDetails::with_error_info(REASON_TRANSITION_NOT_ALLOWED, ERROR_DOMAIN, []);
                Status::with_error_details(Code::FailedPrecondition, message, details)
            }
            AppError::ReleaseMissing(_) => {
                let details = ErrorDetails::with_error_info(REASON_RELEASE_REQUIRED, ERROR_DOMAIN, []);
                Status::with_error_details(Code::FailedPrecondition, message, details)
            }
            AppError::NothingToAnswer(_)
            | AppError::LastAdmin
            | AppError::IncidentClose(_)
            | AppError::InUse(_)
            | AppError::PageEnded(_) => Status::failed_precondition(message),
            AppError::StaleVersion { current } => {
                let details = ErrorDetails::with_error_info(
                    REASON_STALE_VERSION,
                    ERROR_DOMAIN,
                    [("current_version".to_owned(), current.to_string())],
                );
                Status::with_error_details(Code::FailedPrecondition, message, details)
            }
            AppError::TooMany { retry_after, .. } => {
                let retry = ErrorDetails::with_retry_info(Some(retry_after));
                Status::with_error_details(Code::ResourceExhausted, message, retry)
            }
            AppError::TooLarge(_) => Status::resource_exhausted(message),
            AppError::Unavailable(cause) => {
                tracing::warn!(error = format!("{cause:#}"), "database unavailable");
                let retry = ErrorDetails::with_retry_info(Some(std::time::Duration::from_secs(1)));
                Status::with_error_details(
                    Code::Unavailable,
                    "Steward cannot reach its database right now; nothing was saved; try again in a moment",
                    retry,
                )
            }
            AppError::Aborted(cause) => {
                tracing::info!(error = format!("{cause:#}"), "transaction aborted by the database");
                let retry = ErrorDetails::with_retry_info(Some(std::time::Duration::from_millis(100)));
                Status::with_error_details(Code::Aborted, message, retry)
            }
            AppError::Internal(cause) => {
                tracing::error!(error = format!("{cause:#}"), "internal error");
                Status::internal("something went wrong on our side; it has been logged")
            }
        }
    }
}

/// The result of a handler step.
pub type AppResult<T> = Result<T, AppError>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn database_failures_that_are_not_bugs_say_retry() {
        use diesel::result::{DatabaseErrorKind, Error};
        let failure = |kind, message: &str| {
            Status::from(AppError::from(Error::DatabaseError(kind, Box::new(message.to_owned()))))
        };
        for (kind, message) in [
            (DatabaseErrorKind::UnableToSendCommand, "connection closed"),
            (DatabaseErrorKind::ClosedConnection, "server closed the connection unexpectedly"),
            (DatabaseErrorKind::Unknown, "terminating connection due to administrator command"),
            (DatabaseErrorKind::Unknown, "the database system is shutting down"),
            (DatabaseErrorKind::Unknown, "sorry, too many clients already"),
        ] {
            let status = failure(kind, message);
            assert_eq!(status.code(), Code::Unavailable, "{message}");
            assert!(status.get_details_retry_info().is_some(), "{message}: a retry hint");
            assert!(!status.message().contains("connection"), "never blames the caller's connection");
        }
        assert_eq!(
            failure(DatabaseErrorKind::SerializationFailure, "could not serialize access").code(),
            Code::Aborted
        );
        assert_eq!(failure(DatabaseErrorKind::Unknown, "deadlock detected").code(), Code::Aborted);
        assert_eq!(
            failure(DatabaseErrorKind::Unknown, "syntax error at or near").code(),
            Code::Internal,
            "a bug stays one"
        );
        assert_eq!(failure(DatabaseErrorKind::CheckViolation, "violates check constraint").code(), Code::Internal);
    }

    #[test]
    fn a_bad_field_becomes_invalid_argument_naming_it() {
        let status = Status::from(AppError::invalid("answers.environment", "\"Which hub?\" is required."));
        assert_eq!(status.code(), Code::InvalidArgument);
        let violations = status.get_details_bad_request().expect("bad request details").field_violations;
        assert_eq!(violations.len(), 1);
        assert_eq!(violations[0].field, "answers.environment");
        assert_eq!(violations[0].description, "\"Which hub?\" is required.");
    }

    #[test]
    fn refusals_and_stale_versions_are_failed_preconditions_with_a_reason() {
        let refused = Status::from(AppError::from(TransitionRefused {
            from: steward_domain::TicketState::Closed,
            action: steward_domain::lifecycle::Action::Start,
        }));
        assert_eq!(refused.code(), Code::FailedPrecondition);
        assert_eq!(refused.get_details_error_info().expect("info").reason, REASON_TRANSITION_NOT_ALLOWED);
        assert!(refused.message().contains("reopen it first"));

        let stale = Status::from(AppError::StaleVersion { current: 7 });
        assert_eq!(stale.code(), Code::FailedPrecondition);
        let info = stale.get_details_error_info().expect("info");
        assert_eq!(info.reason, REASON_STALE_VERSION);
        assert_eq!(info.metadata.get("current_version").map(String::as_str), Some("7"));
    }

    #[test]
    fn internal_errors_give_nothing_away() {
        let status = Status::from(AppError::internal(anyhow::anyhow!("password column missing")));
        assert_eq!(status.code(), Code::Internal);
        assert!(!status.message().contains("password"));
    }
}
