//! The event log's writer: every change to a ticket is recorded, in the transaction that makes
//! it, as one [`TicketEvent`] saying what happened, with who did it and when. Live updates and
//! the history read the same events back ([`crate::db::models::events`]).

use chrono::{DateTime, Utc};
use diesel_async::AsyncPgConnection;
use steward_domain::TicketState;
use steward_domain::events::TicketEvent;
use steward_domain::fields::FieldChanged;
use steward_domain::lifecycle::Action;

use crate::db::models::events::{self, Event, NewEvent};
use crate::db::models::tickets::Ticket;
use crate::error::AppResult;

/// What happened to a ticket.
pub enum TicketChange<'a> {
    Created,
    Transitioned {
        action: Action,
        from: TicketState,
        reason: Option<&'a str>,
    },
    /// The requester's side answered while the ticket was waiting on them.
    RequesterReplied {
        from: TicketState,
    },
    Updated {
        fields: Vec<FieldChanged>,
    },
    Commented {
        comment_id: i64,
        internal: bool,
    },
    /// Moved within its board column.
    Reordered,
    /// Staff set the flags that place it in the triage order (staff only).
    FlagsSet,
    /// The 30-minute timebox started or stopped (staff only).
    Timebox {
        running: bool,
    },
    /// The release that makes it available was recorded (or cleared).
    ReleaseRecorded,
    /// An engineering issue was linked.
    Linked {
        url: &'a str,
        title: &'a str,
    },
    /// An engineering issue was unlinked.
    Unlinked {
        link_id: i64,
    },
    /// The requester's side answered the satisfaction survey.
    SurveyAnswered {
        rating: i16,
    },
    /// Time was logged on it (staff only).
    TimeLogged {
        minutes: i32,
    },
}

impl TicketChange<'_> {
    /// The event this change of `ticket` (already in its new state) is.
    fn event(self, ticket: &Ticket) -> TicketEvent {
        match self {
            TicketChange::Created => TicketEvent::Created {
                state: ticket.state,
                request_type: ticket.request_type,
                priority: ticket.priority,
                confidential: ticket.confidential,
            },
            TicketChange::Transitioned { action, from, reason } => {
                TicketEvent::Transitioned { action, from, to: ticket.state, reason: reason.map(str::to_owned) }
            }
            TicketChange::RequesterReplied { from } => TicketEvent::RequesterReplied { from, to: ticket.state },
            TicketChange::Updated { fields } => TicketEvent::Updated { changes: fields },
            TicketChange::Commented { comment_id, internal } => TicketEvent::Commented { comment_id, internal },
            TicketChange::Reordered => TicketEvent::Reordered { state: ticket.state, rank: ticket.rank },
            TicketChange::FlagsSet => TicketEvent::FlagsSet { flags: ticket.flags.clone() },
            TicketChange::Timebox { running } => TicketEvent::Timebox { running },
            TicketChange::ReleaseRecorded => TicketEvent::ReleaseRecorded { released_in: ticket.released_in.clone() },
            TicketChange::Linked { url, title } => TicketEvent::Linked { url: url.to_owned(), title: title.to_owned() },
            TicketChange::Unlinked { link_id } => TicketEvent::Unlinked { link_id },
            TicketChange::SurveyAnswered { rating } => TicketEvent::SurveyAnswered { rating },
            TicketChange::TimeLogged { minutes } => TicketEvent::TimeLogged { minutes },
        }
    }
}

/// Records `change` to `ticket` (already in its new state) by `actor`, made `at`.
pub async fn record(
    conn: &AsyncPgConnection,
    ticket: &Ticket,
    actor: Option<i64>,
    change: TicketChange<'_>,
    at: DateTime<Utc>,
) -> AppResult<Event> {
    let change = change.event(ticket);
    let new = NewEvent {
        ticket_number: ticket.number,
        community_id: ticket.community_id,
        actor_id: actor,
        change: &change,
        at,
    };
    events::append(conn, new).await
}
