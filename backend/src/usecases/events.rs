//! The event log's writer: every change to a ticket is recorded, in the transaction that makes
//! it, as one [`TicketEvent`] saying what happened, with who did it and when; the ticket's
//! SLA clocks move with it ([`super::service_levels::observe`]), and a change that makes it
//! start or stop paging pages the person on call or ends the page ([`super::paging`]). Live
//! updates and the history read the same events back ([`crate::db::models::events`]).

use chrono::{DateTime, Utc};
use diesel_async::AsyncPgConnection;
use steward_domain::TicketState;
use steward_domain::events::TicketEvent;
use steward_domain::fields::FieldChanged;
use steward_domain::sla::{ClockView, Fact};

use super::service_levels;
use crate::db::models::events::{self, NewEvent};
use crate::db::models::tickets::Ticket;
use crate::error::AppResult;

/// Records `change` to `ticket` by `actor`, made `at`, and moves the ticket's clocks; returns
/// what cards now show of them when they moved.
pub async fn record(
    conn: &AsyncPgConnection,
    ticket: &Ticket,
    actor: Option<i64>,
    change: TicketEvent,
    at: DateTime<Utc>,
) -> AppResult<Option<Vec<ClockView>>> {
    let new = NewEvent {
        ticket_number: ticket.number,
        community_id: ticket.community_id,
        actor_id: actor,
        change: &change,
        at,
    };
    // The event and the webhook deliveries it makes go out together (pipelined).
    futures_util::try_join!(events::append(conn, new), super::webhooks::ticket_changed(conn, ticket, &change, at))?;
    super::paging::ticket_changed(conn, ticket, &change, at).await?;
    match clock_fact(&change) {
        Some(fact) => service_levels::observe(conn, ticket, fact, at).await,
        None => Ok(None),
    }
}

/// What a change means to the clocks. Messages are the exception: who wrote one (support or
/// the requester's side) is known where it is posted, which tells the clocks itself.
fn clock_fact(change: &TicketEvent) -> Option<Fact> {
    match *change {
        TicketEvent::Created { state, priority, .. } if state != TicketState::AwaitingApproval => {
            Some(Fact::Started { priority })
        }
        TicketEvent::Transitioned { from, to, .. } | TicketEvent::RequesterReplied { from, to } => {
            Some(Fact::StateChanged { from, to })
        }
        TicketEvent::Updated { ref changes } => changes.iter().find_map(|change| match *change {
            FieldChanged::Priority { to, .. } => Some(Fact::PriorityChanged { to }),
            _ => None,
        }),
        _ => None,
    }
}
