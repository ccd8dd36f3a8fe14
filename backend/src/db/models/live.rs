//! Reading the event logs (`ticket_events`, `incident_events`, `access_changes`) in the order
//! live updates use. The ticket and incident logs share one id sequence, so a position names
//! one event of either, and [`changes_after`] reads them as one log.
//! Only rows whose transaction is below the oldest transaction still running are read, so a
//! row that commits late can never land behind a position already handed out; see
//! [`crate::live`] for why this makes positions gap-safe.

use std::io::Write;

use chrono::{DateTime, Utc};
use diesel::deserialize::{self, FromSql, FromSqlRow};
use diesel::expression::AsExpression;
use diesel::pg::{Pg, PgValue};
use diesel::prelude::*;
use diesel::serialize::{self, IsNull, Output, ToSql};
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use super::communities::Community;
use super::events::{self, Event};
use super::incidents::{self as incident_log, Entry, EntryRow, Incident, IncidentRow};
use super::tickets::Ticket;
use super::unknown_value;
use crate::db::schema::sql_types::Xid8;
use crate::db::schema::{access_changes, communities, incident_events, incidents, ticket_events, tickets};
use crate::error::{AppError, AppResult};
use steward_domain::facts::TicketFacts;
use steward_domain::sla::ClockView;
use steward_domain::{Priority, RequestType, TicketState};

/// A place in the one total order of changes: `(transaction, event)`, compared in that order.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Position {
    pub transaction: u64,
    pub event: i64,
}

impl Position {
    /// Before every event.
    pub const ZERO: Position = Position { transaction: 0, event: 0 };
    /// After every event.
    pub const MAX: Position = Position { transaction: i64::MAX as u64, event: i64::MAX };
}

/// A PostgreSQL transaction id (`xid8`; 8 bytes, big-endian, on the wire).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, AsExpression, FromSqlRow)]
#[diesel(sql_type = Xid8)]
struct TransactionId(u64);

impl FromSql<Xid8, Pg> for TransactionId {
    fn from_sql(value: PgValue<'_>) -> deserialize::Result<Self> {
        let bytes: [u8; 8] = value.as_bytes().try_into()?;
        Ok(TransactionId(u64::from_be_bytes(bytes)))
    }
}

impl ToSql<Xid8, Pg> for TransactionId {
    fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, Pg>) -> serialize::Result {
        out.write_all(&self.0.to_be_bytes())?;
        Ok(IsNull::No)
    }
}

/// A snapshot of which transactions are running (`pg_snapshot`); only ever passed to
/// [`pg_snapshot_xmin`].
#[derive(diesel::query_builder::QueryId, Clone, diesel::sql_types::SqlType)]
#[diesel(postgres_type(name = "pg_snapshot"))]
pub struct PgSnapshot;

diesel::define_sql_function! {
    /// The transactions running now.
    fn pg_current_snapshot() -> PgSnapshot;
}

diesel::define_sql_function! {
    /// The oldest transaction still running in `snapshot`: every row below it is settled (every
    /// transaction that could still add one is at or above it). Used in every read below.
    fn pg_snapshot_xmin(snapshot: PgSnapshot) -> Xid8;
}

/// A ticket as its card shows it, read with the event.
#[derive(Clone, Debug, PartialEq)]
pub struct Card {
    pub number: i64,
    pub title: String,
    pub community: Community,
    pub requester_id: i64,
    pub request_type: RequestType,
    pub priority: Priority,
    pub state: TicketState,
    pub confidential: bool,
    pub assignee_id: Option<i64>,
    pub rank: f64,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub acknowledged_at: Option<DateTime<Utc>>,
    /// Its running SLA clocks.
    pub clocks: Vec<ClockView>,
}

impl Card {
    /// The card of `ticket`, which belongs to `community`.
    pub fn of(ticket: &Ticket, community: Community) -> Card {
        Card {
            number: ticket.number,
            title: ticket.title.clone(),
            community,
            requester_id: ticket.requester_id,
            request_type: ticket.request_type,
            priority: ticket.priority,
            state: ticket.state,
            confidential: ticket.confidential,
            assignee_id: ticket.assignee_id,
            rank: ticket.rank,
            version: ticket.version,
            created_at: ticket.created_at,
            updated_at: ticket.updated_at,
            acknowledged_at: ticket.acknowledged_at,
            clocks: ticket.clocks.clone(),
        }
    }

    /// What the access rules need to know.
    pub fn facts(&self) -> TicketFacts {
        TicketFacts {
            community_id: self.community.id,
            requester_id: self.requester_id,
            confidential: self.confidential,
            state: self.state,
        }
    }
}

/// One event of the ticket log with its position and the ticket as it is now.
#[derive(Clone, Debug, PartialEq)]
pub struct LoggedChange {
    pub position: Position,
    pub event: Event,
    pub card: Card,
}

#[derive(Queryable)]
struct ChangeRow {
    xact: TransactionId,
    id: i64,
    ticket_number: i64,
    actor_id: Option<i64>,
    kind: String,
    internal: bool,
    data: serde_json::Value,
    at: DateTime<Utc>,
    community_id: i64,
    community_slug: String,
    community_name: String,
    requester_id: i64,
    request_type: String,
    priority: String,
    state: String,
    title: String,
    confidential: bool,
    assignee_id: Option<i64>,
    board_rank: f64,
    version: i64,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
    acknowledged_at: Option<DateTime<Utc>>,
    clocks: String,
}

impl TryFrom<ChangeRow> for LoggedChange {
    type Error = AppError;
    fn try_from(row: ChangeRow) -> AppResult<LoggedChange> {
        Ok(LoggedChange {
            position: Position { transaction: row.xact.0, event: row.id },
            event: Event {
                change: events::parse(row.id, &row.kind, &row.data)?,
                id: row.id,
                ticket_number: row.ticket_number,
                community_id: row.community_id,
                actor_id: row.actor_id,
                internal: row.internal,
                at: row.at,
            },
            card: Card {
                number: row.ticket_number,
                title: row.title,
                community: Community { id: row.community_id, slug: row.community_slug, name: row.community_name },
                requester_id: row.requester_id,
                request_type: RequestType::parse(&row.request_type)
                    .ok_or_else(|| unknown_value("tickets.request_type", &row.request_type))?,
                priority: Priority::parse(&row.priority)
                    .ok_or_else(|| unknown_value("tickets.priority", &row.priority))?,
                state: TicketState::parse(&row.state).ok_or_else(|| unknown_value("tickets.state", &row.state))?,
                confidential: row.confidential,
                assignee_id: row.assignee_id,
                rank: row.board_rank,
                version: row.version,
                created_at: row.created_at,
                updated_at: row.updated_at,
                acknowledged_at: row.acknowledged_at,
                clocks: super::clocks::views_from_stored(&row.clocks)?,
            },
        })
    }
}

/// A position as the log stores it.
fn position((xact, id): (TransactionId, i64)) -> Position {
    Position { transaction: xact.0, event: id }
}

fn xact(position: Position) -> TransactionId {
    TransactionId(position.transaction)
}

/// The rules both logs (tables with `xact_id` and `id`) are read by, in one place.
///
/// `settled!(log)`: the row's transaction is below the oldest one still running.
macro_rules! settled {
    ($log:ident) => {
        $log::xact_id.lt(pg_snapshot_xmin(pg_current_snapshot()))
    };
}

/// `after!(log, p)`: `(xact_id, id) > p`, written as `xact_id >= a AND (xact_id > a OR id > b)`
/// so that it stays a range scan of the log's `(xact_id, id)` index.
macro_rules! after {
    ($log:ident, $position:expr) => {
        $log::xact_id.ge(xact($position)).and($log::xact_id.gt(xact($position)).or($log::id.gt($position.event)))
    };
}

/// `settled_head!(conn, log)`: the highest settled position of the log.
macro_rules! settled_head {
    ($conn:expr, $log:ident) => {{
        let last: Option<(TransactionId, i64)> = $log::table
            .select(($log::xact_id, $log::id))
            .filter(settled!($log))
            .order(($log::xact_id.desc(), $log::id.desc()))
            .first($conn)
            .await
            .optional()?;
        Ok(last.map_or(Position::ZERO, position))
    }};
}

/// The highest settled position of the ticket and incident logs: every later event will be
/// above it.
pub async fn head(conn: &mut AsyncPgConnection) -> AppResult<Position> {
    let tickets: AppResult<Position> = settled_head!(conn, ticket_events);
    let incidents: AppResult<Position> = settled_head!(conn, incident_events);
    Ok(tickets?.max(incidents?))
}

/// One entry of the incident log with its position and the incident as it is now.
#[derive(Clone, Debug, PartialEq)]
pub struct LoggedIncidentChange {
    pub position: Position,
    pub number: i64,
    pub entry: Entry,
    pub incident: Incident,
}

/// One event of either log.
#[derive(Clone, Debug, PartialEq)]
pub enum Logged {
    Ticket(LoggedChange),
    Incident(LoggedIncidentChange),
}

impl Logged {
    pub fn position(&self) -> Position {
        match self {
            Logged::Ticket(change) => change.position,
            Logged::Incident(change) => change.position,
        }
    }
}

/// A page of the log: the events in position order, and whether there may be more after them.
#[derive(Debug, Default)]
pub struct Page {
    pub changes: Vec<Logged>,
    pub full: bool,
}

/// Up to `limit` settled events of each log after `after` and at or below `upto`, merged in
/// position order. When one log's read is full, the page ends at its last event, so that no
/// event of the other log beyond it is handed out before the ones that come first.
pub async fn changes_after(
    conn: &mut AsyncPgConnection,
    after: Position,
    upto: Position,
    limit: i64,
) -> AppResult<Page> {
    let tickets = ticket_changes_after(conn, after, upto, limit).await?;
    let incidents = incident_changes_after(conn, after, upto, limit).await?;
    let mut end = upto;
    let mut full = false;
    if let Some(last) = tickets.last().filter(|_| tickets.len() as i64 == limit) {
        end = end.min(last.position);
        full = true;
    }
    if let Some(last) = incidents.last().filter(|_| incidents.len() as i64 == limit) {
        end = end.min(last.position);
        full = true;
    }
    let mut changes: Vec<Logged> = tickets
        .into_iter()
        .map(Logged::Ticket)
        .chain(incidents.into_iter().map(Logged::Incident))
        .filter(|change| change.position() <= end)
        .collect();
    changes.sort_by_key(Logged::position);
    Ok(Page { changes, full })
}

/// Up to `limit` settled incident entries after `after` and at or below `upto`, in position
/// order, each with its incident as it is now.
async fn incident_changes_after(
    conn: &mut AsyncPgConnection,
    after: Position,
    upto: Position,
    limit: i64,
) -> AppResult<Vec<LoggedIncidentChange>> {
    use incident_events::dsl::{id, xact_id};
    let rows: Vec<(TransactionId, EntryRow, IncidentRow)> = incident_events::table
        .inner_join(incidents::table)
        .filter(after!(incident_events, after))
        .filter(xact_id.le(xact(upto)).and(xact_id.lt(xact(upto)).or(id.le(upto.event))))
        .filter(settled!(incident_events))
        .order((xact_id, id))
        .limit(limit)
        .select((xact_id, EntryRow::as_select(), IncidentRow::as_select()))
        .load(conn)
        .await?;
    rows.into_iter()
        .map(|(transaction, entry, incident)| {
            let (number, entry) = incident_log::entry(entry)?;
            Ok(LoggedIncidentChange {
                position: Position { transaction: transaction.0, event: entry.id },
                number,
                entry,
                incident: Incident::try_from(incident)?,
            })
        })
        .collect()
}

/// Up to `limit` settled ticket events after `after` and at or below `upto`, in position order,
/// each with its ticket as it is now.
async fn ticket_changes_after(
    conn: &mut AsyncPgConnection,
    after: Position,
    upto: Position,
    limit: i64,
) -> AppResult<Vec<LoggedChange>> {
    use ticket_events::dsl::{id, xact_id};
    let rows: Vec<ChangeRow> = ticket_events::table
        .inner_join(tickets::table.inner_join(communities::table))
        .filter(after!(ticket_events, after))
        .filter(xact_id.le(xact(upto)).and(xact_id.lt(xact(upto)).or(id.le(upto.event))))
        .filter(settled!(ticket_events))
        .order((xact_id, id))
        .limit(limit)
        .select((
            xact_id,
            id,
            ticket_events::ticket_number,
            ticket_events::actor_id,
            ticket_events::kind,
            ticket_events::internal,
            ticket_events::data,
            ticket_events::at,
            tickets::community_id,
            communities::slug,
            communities::name,
            tickets::requester_id,
            tickets::request_type,
            tickets::priority,
            tickets::state,
            tickets::title,
            tickets::confidential,
            tickets::assignee_id,
            tickets::board_rank,
            tickets::version,
            tickets::created_at,
            tickets::updated_at,
            tickets::acknowledged_at,
            super::clocks::stored_views(),
        ))
        .load(conn)
        .await?;
    rows.into_iter().map(LoggedChange::try_from).collect()
}

/// Records that what `person_id` may see has changed, in the caller's transaction.
pub async fn record_access_change(conn: &mut AsyncPgConnection, person_id: i64) -> AppResult<()> {
    diesel::insert_into(access_changes::table).values(access_changes::person_id.eq(person_id)).execute(conn).await?;
    Ok(())
}

/// The highest settled position of the access log.
pub async fn access_head(conn: &mut AsyncPgConnection) -> AppResult<Position> {
    settled_head!(conn, access_changes)
}

/// Up to `limit` settled access changes after `after`: (position, person).
pub async fn access_changes_after(
    conn: &mut AsyncPgConnection,
    after: Position,
    limit: i64,
) -> AppResult<Vec<(Position, i64)>> {
    use access_changes::dsl::{id, person_id, xact_id};
    let rows: Vec<(TransactionId, i64, i64)> = access_changes::table
        .filter(after!(access_changes, after))
        .filter(settled!(access_changes))
        .order((xact_id, id))
        .limit(limit)
        .select((xact_id, id, person_id))
        .load(conn)
        .await?;
    Ok(rows.into_iter().map(|(xact, event, person)| (position((xact, event)), person)).collect())
}
