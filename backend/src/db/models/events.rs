//! The append-only event log of ticket changes. Every change to a ticket appends one event in
//! the same transaction; events are never updated (a trigger refuses it).

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use crate::db::schema::ticket_events;
use crate::error::AppResult;

/// One recorded change.
#[derive(Clone, Debug, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = ticket_events)]
pub struct Event {
    pub id: i64,
    pub ticket_number: i64,
    pub community_id: i64,
    pub actor_id: Option<i64>,
    pub kind: String,
    /// Seen by staff only (internal notes).
    pub internal: bool,
    pub data: serde_json::Value,
    pub at: DateTime<Utc>,
}

/// A change to record.
pub struct NewEvent<'a> {
    pub ticket_number: i64,
    pub community_id: i64,
    pub actor_id: Option<i64>,
    pub kind: &'a str,
    pub internal: bool,
    pub data: serde_json::Value,
    pub at: DateTime<Utc>,
}

/// Appends an event.
/// Takes a shared connection, so it can be pipelined with the change it records.
pub async fn append(conn: &AsyncPgConnection, event: NewEvent<'_>) -> AppResult<Event> {
    Ok(diesel::insert_into(ticket_events::table)
        .values((
            ticket_events::ticket_number.eq(event.ticket_number),
            ticket_events::community_id.eq(event.community_id),
            ticket_events::actor_id.eq(event.actor_id),
            ticket_events::kind.eq(event.kind),
            ticket_events::internal.eq(event.internal),
            ticket_events::data.eq(event.data),
            ticket_events::at.eq(event.at),
        ))
        .returning(Event::as_returning())
        .get_result(&mut { conn })
        .await?)
}

/// A ticket's events, oldest first; internal ones only if `include_internal`.
pub async fn list_for_ticket(
    conn: &mut AsyncPgConnection,
    ticket_number: i64,
    include_internal: bool,
) -> AppResult<Vec<Event>> {
    let mut query = ticket_events::table
        .filter(ticket_events::ticket_number.eq(ticket_number))
        .select(Event::as_select())
        .into_boxed();
    if !include_internal {
        query = query.filter(ticket_events::internal.eq(false));
    }
    Ok(query.order(ticket_events::id).load(conn).await?)
}
