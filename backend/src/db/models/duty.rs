//! What assignment suggestions need to know about stewards besides who is on duty (that is
//! [`super::rotation`]): their open load, and when they last worked on a community's tickets.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use crate::db::schema::{ticket_events, tickets};
use crate::error::AppResult;
use steward_domain::TicketState;

/// How many open tickets (not resolved or closed) each person has assigned.
pub async fn open_load(conn: &mut AsyncPgConnection) -> AppResult<HashMap<i64, i64>> {
    let done = [TicketState::Resolved.as_str(), TicketState::Closed.as_str()];
    let rows: Vec<(Option<i64>, i64)> = tickets::table
        .filter(tickets::assignee_id.is_not_null())
        .filter(tickets::state.ne_all(done))
        .group_by(tickets::assignee_id)
        .select((tickets::assignee_id, diesel::dsl::count_star()))
        .load(conn)
        .await?;
    Ok(rows.into_iter().filter_map(|(id, count)| id.map(|id| (id, count))).collect())
}

/// When each person last changed or answered one of `community_id`'s tickets.
pub async fn last_touched(conn: &mut AsyncPgConnection, community_id: i64) -> AppResult<HashMap<i64, DateTime<Utc>>> {
    let rows: Vec<(Option<i64>, Option<DateTime<Utc>>)> = ticket_events::table
        .filter(ticket_events::community_id.eq(community_id))
        .filter(ticket_events::actor_id.is_not_null())
        .group_by(ticket_events::actor_id)
        .select((ticket_events::actor_id, diesel::dsl::max(ticket_events::at)))
        .load(conn)
        .await?;
    Ok(rows.into_iter().filter_map(|(id, at)| Some((id?, at?))).collect())
}
