//! The event log's writer: every change to a ticket is recorded, in the transaction that makes
//! it, as one [`TicketEvent`] saying what happened, with who did it and when. Live updates and
//! the history read the same events back ([`crate::db::models::events`]).

use chrono::{DateTime, Utc};
use diesel_async::AsyncPgConnection;
use steward_domain::events::TicketEvent;

use crate::db::models::events::{self, Event, NewEvent};
use crate::db::models::tickets::Ticket;
use crate::error::AppResult;

/// Records `change` to `ticket` by `actor`, made `at`.
pub async fn record(
    conn: &AsyncPgConnection,
    ticket: &Ticket,
    actor: Option<i64>,
    change: TicketEvent,
    at: DateTime<Utc>,
) -> AppResult<Event> {
    let new = NewEvent {
        ticket_number: ticket.number,
        community_id: ticket.community_id,
        actor_id: actor,
        change: &change,
        at,
    };
    events::append(conn, new).await
}
