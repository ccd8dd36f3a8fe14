//! Reading the event logs (`ticket_events`, `access_changes`) in the order live updates use.
//! Only rows whose transaction is below the oldest transaction still running are read, so a
//! row that commits late can never land behind a position already handed out; see
//! [`crate::live`] for why this makes positions gap-safe.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Bool, Double, Jsonb, Nullable, Text, Timestamptz};
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use super::communities::Community;
use super::events::{self, Event};
use super::tickets::Ticket;
use super::unknown_value;
use crate::db::schema::access_changes;
use crate::error::{AppError, AppResult};
use steward_domain::facts::TicketFacts;
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

/// Rows at or below this transaction are settled: every transaction that could still add one is
/// above it. Used in every read below.
const SETTLED: &str = "xact_id < pg_snapshot_xmin(pg_current_snapshot())";

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

#[derive(QueryableByName)]
struct ChangeRow {
    #[diesel(sql_type = Text)]
    xact: String,
    #[diesel(sql_type = BigInt)]
    id: i64,
    #[diesel(sql_type = BigInt)]
    ticket_number: i64,
    #[diesel(sql_type = Nullable<BigInt>)]
    actor_id: Option<i64>,
    #[diesel(sql_type = Text)]
    kind: String,
    #[diesel(sql_type = Bool)]
    internal: bool,
    #[diesel(sql_type = Jsonb)]
    data: serde_json::Value,
    #[diesel(sql_type = Timestamptz)]
    at: DateTime<Utc>,
    #[diesel(sql_type = BigInt)]
    community_id: i64,
    #[diesel(sql_type = Text)]
    community_slug: String,
    #[diesel(sql_type = Text)]
    community_name: String,
    #[diesel(sql_type = BigInt)]
    requester_id: i64,
    #[diesel(sql_type = Text)]
    request_type: String,
    #[diesel(sql_type = Text)]
    priority: String,
    #[diesel(sql_type = Text)]
    state: String,
    #[diesel(sql_type = Text)]
    title: String,
    #[diesel(sql_type = Bool)]
    confidential: bool,
    #[diesel(sql_type = Nullable<BigInt>)]
    assignee_id: Option<i64>,
    #[diesel(sql_type = Double)]
    board_rank: f64,
    #[diesel(sql_type = BigInt)]
    version: i64,
    #[diesel(sql_type = Timestamptz)]
    created_at: DateTime<Utc>,
    #[diesel(sql_type = Timestamptz)]
    updated_at: DateTime<Utc>,
    #[diesel(sql_type = Nullable<Timestamptz>)]
    acknowledged_at: Option<DateTime<Utc>>,
}

impl TryFrom<ChangeRow> for LoggedChange {
    type Error = AppError;
    fn try_from(row: ChangeRow) -> AppResult<LoggedChange> {
        Ok(LoggedChange {
            position: Position { transaction: parse_xact(&row.xact)?, event: row.id },
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
            },
        })
    }
}

fn parse_xact(text: &str) -> AppResult<u64> {
    text.parse().map_err(|_| AppError::internal(anyhow::anyhow!("transaction id {text:?} is not a number")))
}

#[derive(QueryableByName)]
struct PositionRow {
    #[diesel(sql_type = Text)]
    xact: String,
    #[diesel(sql_type = BigInt)]
    id: i64,
}

/// The highest settled position of the ticket log: every later event will be above it.
pub async fn head(conn: &mut AsyncPgConnection) -> AppResult<Position> {
    settled_head(conn, "ticket_events").await
}

/// The highest settled position of `table`, one of the two logs.
async fn settled_head(conn: &mut AsyncPgConnection, table: &'static str) -> AppResult<Position> {
    let row: Option<PositionRow> = diesel::sql_query(format!(
        "SELECT xact_id::text AS xact, id FROM {table} WHERE {SETTLED} ORDER BY xact_id DESC, id DESC LIMIT 1"
    ))
    .get_result(conn)
    .await
    .optional()?;
    Ok(match row {
        Some(row) => Position { transaction: parse_xact(&row.xact)?, event: row.id },
        None => Position::ZERO,
    })
}

/// Up to `limit` settled events after `after` and at or below `upto`, in position order, each
/// with its ticket as it is now.
pub async fn changes_after(
    conn: &mut AsyncPgConnection,
    after: Position,
    upto: Position,
    limit: i64,
) -> AppResult<Vec<LoggedChange>> {
    let rows: Vec<ChangeRow> = diesel::sql_query(format!(
        "SELECT e.xact_id::text AS xact, e.id, e.ticket_number, e.actor_id, e.kind, e.internal, e.data, e.at,
                t.community_id, c.slug AS community_slug, c.name AS community_name, t.requester_id, t.request_type, t.priority, t.state,
                t.title, t.confidential, t.assignee_id, t.board_rank, t.version, t.created_at, t.updated_at, t.acknowledged_at
           FROM ticket_events e
           JOIN tickets t ON t.number = e.ticket_number
           JOIN communities c ON c.id = t.community_id
          WHERE (e.xact_id, e.id) > ($1::xid8, $2)
            AND (e.xact_id, e.id) <= ($3::xid8, $4)
            AND e.{SETTLED}
          ORDER BY e.xact_id, e.id
          LIMIT $5"
    ))
    .bind::<Text, _>(after.transaction.to_string())
    .bind::<BigInt, _>(after.event)
    .bind::<Text, _>(upto.transaction.to_string())
    .bind::<BigInt, _>(upto.event)
    .bind::<BigInt, _>(limit)
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
    settled_head(conn, "access_changes").await
}

#[derive(QueryableByName)]
struct AccessRow {
    #[diesel(sql_type = Text)]
    xact: String,
    #[diesel(sql_type = BigInt)]
    id: i64,
    #[diesel(sql_type = BigInt)]
    person_id: i64,
}

/// Up to `limit` settled access changes after `after`: (position, person).
pub async fn access_changes_after(
    conn: &mut AsyncPgConnection,
    after: Position,
    limit: i64,
) -> AppResult<Vec<(Position, i64)>> {
    let rows: Vec<AccessRow> = diesel::sql_query(format!(
        "SELECT xact_id::text AS xact, id, person_id FROM access_changes
          WHERE (xact_id, id) > ($1::xid8, $2) AND {SETTLED}
          ORDER BY xact_id, id LIMIT $3"
    ))
    .bind::<Text, _>(after.transaction.to_string())
    .bind::<BigInt, _>(after.event)
    .bind::<BigInt, _>(limit)
    .load(conn)
    .await?;
    rows.into_iter()
        .map(|row| Ok((Position { transaction: parse_xact(&row.xact)?, event: row.id }, row.person_id)))
        .collect()
}
