//! The append-only event log of ticket changes. Every change to a ticket appends one event in
//! the same transaction; events are never updated (a trigger refuses it). What each event says
//! is a [`TicketEvent`], stored as its `kind` and `data`.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use steward_domain::events::TicketEvent;

use crate::db::schema::ticket_events;
use crate::error::{AppError, AppResult};

#[derive(Queryable, Selectable)]
#[diesel(table_name = ticket_events)]
struct EventRow {
    id: i64,
    ticket_number: i64,
    community_id: i64,
    actor_id: Option<i64>,
    kind: String,
    internal: bool,
    data: serde_json::Value,
    at: DateTime<Utc>,
}

/// One recorded change.
#[derive(Clone, Debug, PartialEq)]
pub struct Event {
    pub id: i64,
    pub ticket_number: i64,
    pub community_id: i64,
    pub actor_id: Option<i64>,
    /// What happened.
    pub change: TicketEvent,
    /// Seen by staff only (internal notes, triage bookkeeping).
    pub internal: bool,
    pub at: DateTime<Utc>,
}

/// The event a stored row holds, or an internal error naming the row it cannot read.
pub fn parse(id: i64, kind: &str, data: &serde_json::Value) -> AppResult<TicketEvent> {
    TicketEvent::from_stored(kind, data)
        .map_err(|error| AppError::internal(anyhow::anyhow!("ticket_events row {id} ({kind}) does not read: {error}")))
}

impl TryFrom<EventRow> for Event {
    type Error = AppError;

    fn try_from(row: EventRow) -> AppResult<Event> {
        Ok(Event {
            change: parse(row.id, &row.kind, &row.data)?,
            id: row.id,
            ticket_number: row.ticket_number,
            community_id: row.community_id,
            actor_id: row.actor_id,
            internal: row.internal,
            at: row.at,
        })
    }
}

/// A change to record.
pub struct NewEvent<'a> {
    pub ticket_number: i64,
    pub community_id: i64,
    pub actor_id: Option<i64>,
    pub change: &'a TicketEvent,
    pub at: DateTime<Utc>,
}

/// Appends an event.
/// Takes a shared connection, so it can be pipelined with the change it records.
pub async fn append(conn: &AsyncPgConnection, event: NewEvent<'_>) -> AppResult<Event> {
    let (kind, data) = event.change.to_stored().map_err(AppError::internal)?;
    let row: EventRow = diesel::insert_into(ticket_events::table)
        .values((
            ticket_events::ticket_number.eq(event.ticket_number),
            ticket_events::community_id.eq(event.community_id),
            ticket_events::actor_id.eq(event.actor_id),
            ticket_events::kind.eq(kind),
            ticket_events::internal.eq(event.change.is_internal()),
            ticket_events::data.eq(data),
            ticket_events::at.eq(event.at),
        ))
        .returning(EventRow::as_returning())
        .get_result(&mut { conn })
        .await?;
    Event::try_from(row)
}

/// A ticket's events, oldest first; internal ones only if `include_internal`.
pub async fn list_for_ticket(
    conn: &mut AsyncPgConnection,
    ticket_number: i64,
    include_internal: bool,
) -> AppResult<Vec<Event>> {
    let mut query = ticket_events::table
        .filter(ticket_events::ticket_number.eq(ticket_number))
        .select(EventRow::as_select())
        .into_boxed();
    if !include_internal {
        query = query.filter(ticket_events::internal.eq(false));
    }
    let rows: Vec<EventRow> = query.order(ticket_events::id).load(conn).await?;
    rows.into_iter().map(Event::try_from).collect()
}
