//! The gRPC services: thin handlers. A change is decoded (checked once, here), made by a use
//! case ([`crate::usecases`]) and encoded; a read asks [`steward_domain::authz`], reads through
//! [`crate::db`] and encodes. One file per service of `steward.v1`; [`crate::convert`] holds
//! the message conversions.

pub mod auth;
pub mod board;
pub mod directory;
pub mod incidents;
pub mod intake;
pub mod keys;
pub mod known_issues;
pub mod live;
pub mod mail;
pub mod paging;
pub mod service_levels;
pub mod tickets;
pub mod triage;
pub mod webhooks;

use std::collections::HashMap;

use diesel_async::AsyncPgConnection;
use steward_proto::v1 as pb;

use crate::convert::TicketContext;
use crate::db::models::tickets::Ticket;
use crate::db::models::{communities, people};
use crate::error::AppResult;

/// Encodes tickets, loading the communities and people they name in two queries.
pub(crate) async fn encode_tickets(conn: &mut AsyncPgConnection, tickets: &[Ticket]) -> AppResult<Vec<pb::Ticket>> {
    let mut community_ids: Vec<i64> = tickets.iter().map(|t| t.community_id).collect();
    community_ids.sort_unstable();
    community_ids.dedup();
    let mut person_ids: Vec<i64> =
        tickets.iter().flat_map(|t| std::iter::once(t.requester_id).chain(t.assignee_id)).collect();
    person_ids.sort_unstable();
    person_ids.dedup();
    let (communities, people) =
        futures_util::try_join!(communities::list_by_ids(conn, &community_ids), people::by_ids(conn, &person_ids))?;
    let communities: HashMap<i64, communities::Community> = communities.into_iter().map(|c| (c.id, c)).collect();
    let context = TicketContext { communities: &communities, people: &people };
    Ok(tickets.iter().map(|t| context.ticket(t)).collect())
}
