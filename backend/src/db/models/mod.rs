//! Queries, one module per entity. Each turns rows into domain values and back.

pub mod attachments;
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
pub mod openpgp_keys;
pub mod paging;
pub mod people;
pub mod reads;
pub mod rotation;
pub mod service_levels;
pub mod sessions;
pub mod support_policy;
pub mod surveys;
pub mod tickets;
pub mod triage;
pub mod views;
pub mod webhooks;

use diesel::result::{DatabaseErrorKind, Error};

/// What a notification or a mail is about: a ticket or an incident.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum About {
    Ticket(i64),
    Incident(i64),
}

impl About {
    /// From the two columns that name it (a ticket first).
    pub fn from_columns(ticket_number: Option<i64>, incident_number: Option<i64>) -> Option<About> {
        ticket_number.map(About::Ticket).or(incident_number.map(About::Incident))
    }

    pub fn ticket(self) -> Option<i64> {
        match self {
            About::Ticket(number) => Some(number),
            About::Incident(_) => None,
        }
    }

    pub fn incident(self) -> Option<i64> {
        match self {
            About::Incident(number) => Some(number),
            About::Ticket(_) => None,
        }
    }

    /// Its page in the web app.
    pub fn path(self) -> String {
        match self {
            About::Ticket(number) => format!("/tickets/{number}"),
            About::Incident(number) => format!("/incidents/{number}"),
        }
    }

    /// How people name it: "Ticket #42", "Incident 3".
    pub fn words(self) -> String {
        match self {
            About::Ticket(number) => format!("Ticket #{number}"),
            About::Incident(number) => format!("Incident {number}"),
        }
    }
}

/// Whether a database error is a unique-constraint violation.
pub(crate) fn is_unique_violation(error: &Error) -> bool {
    matches!(error, Error::DatabaseError(DatabaseErrorKind::UniqueViolation, _))
}

/// A stored enumeration value the domain does not know: the database and the code disagree.
pub(crate) fn unknown_value(column: &str, value: &str) -> crate::error::AppError {
    crate::error::AppError::internal(anyhow::anyhow!("unknown value {value:?} in column {column}"))
}
