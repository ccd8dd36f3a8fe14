//! The clocks of every ticket (`steward_domain::sla::Clock`), with what their goal makes of them
//! (due, warning, what is left), what Steward did about them (warned, breached), and the summary
//! cards and lists show (`tickets.clocks`, `tickets.next_due_at`).

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::upsert::excluded;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use steward_domain::Priority;
use steward_domain::calendar::Break;
use steward_domain::sla::{Clock, ClockKind, ClockView, Target};

use super::unknown_value;
use crate::db::schema::{ticket_clocks, tickets};
use crate::error::{AppError, AppResult};

#[derive(Queryable, Selectable, Insertable)]
#[diesel(table_name = ticket_clocks)]
struct ClockRow {
    ticket_number: i64,
    kind: String,
    cycle: i32,
    priority: String,
    started_at: DateTime<Utc>,
    pauses: serde_json::Value,
    met_at: Option<DateTime<Utc>>,
    stopped_at: Option<DateTime<Utc>>,
    target: Option<serde_json::Value>,
    calendar_id: Option<i64>,
    due_at: Option<DateTime<Utc>>,
    warn_at: Option<DateTime<Utc>>,
    remaining_seconds: Option<i64>,
    warned_at: Option<DateTime<Utc>>,
    breached_at: Option<DateTime<Utc>>,
    counted: Option<serde_json::Value>,
}

/// A ticket's clock as stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredClock {
    pub ticket_number: i64,
    pub clock: Clock,
    /// The goal it was last measured against; none when its priority has no target.
    pub target: Option<Target>,
    pub calendar_id: Option<i64>,
    pub due_at: Option<DateTime<Utc>>,
    pub warn_at: Option<DateTime<Utc>>,
    pub remaining_seconds: Option<i64>,
    pub warned_at: Option<DateTime<Utc>>,
    pub breached_at: Option<DateTime<Utc>>,
}

impl StoredClock {
    /// A clock not stored before.
    pub fn new(ticket_number: i64, clock: Clock) -> StoredClock {
        StoredClock {
            ticket_number,
            clock,
            target: None,
            calendar_id: None,
            due_at: None,
            warn_at: None,
            remaining_seconds: None,
            warned_at: None,
            breached_at: None,
        }
    }
}

impl TryFrom<ClockRow> for StoredClock {
    type Error = AppError;
    fn try_from(row: ClockRow) -> AppResult<StoredClock> {
        let pauses: Vec<Break> = serde_json::from_value(row.pauses).map_err(AppError::internal)?;
        Ok(StoredClock {
            ticket_number: row.ticket_number,
            clock: Clock {
                kind: ClockKind::parse(&row.kind).ok_or_else(|| unknown_value("ticket_clocks.kind", &row.kind))?,
                cycle: row.cycle,
                priority: Priority::parse(&row.priority)
                    .ok_or_else(|| unknown_value("ticket_clocks.priority", &row.priority))?,
                started_at: row.started_at,
                pauses,
                met_at: row.met_at,
                stopped_at: row.stopped_at,
                counted: row.counted.map(serde_json::from_value).transpose().map_err(AppError::internal)?,
            },
            target: row.target.map(serde_json::from_value).transpose().map_err(AppError::internal)?,
            calendar_id: row.calendar_id,
            due_at: row.due_at,
            warn_at: row.warn_at,
            remaining_seconds: row.remaining_seconds,
            warned_at: row.warned_at,
            breached_at: row.breached_at,
        })
    }
}

impl StoredClock {
    fn row(&self) -> AppResult<ClockRow> {
        Ok(ClockRow {
            ticket_number: self.ticket_number,
            kind: self.clock.kind.as_str().to_owned(),
            cycle: self.clock.cycle,
            priority: self.clock.priority.as_str().to_owned(),
            started_at: self.clock.started_at,
            pauses: serde_json::to_value(&self.clock.pauses).map_err(AppError::internal)?,
            met_at: self.clock.met_at,
            stopped_at: self.clock.stopped_at,
            target: self.target.map(serde_json::to_value).transpose().map_err(AppError::internal)?,
            calendar_id: self.calendar_id,
            due_at: self.due_at,
            warn_at: self.warn_at,
            remaining_seconds: self.remaining_seconds,
            warned_at: self.warned_at,
            breached_at: self.breached_at,
            counted: self.clock.counted.map(serde_json::to_value).transpose().map_err(AppError::internal)?,
        })
    }
}

/// A ticket's clocks, in the order they started.
pub async fn for_ticket(conn: &AsyncPgConnection, number: i64) -> AppResult<Vec<StoredClock>> {
    let rows: Vec<ClockRow> = ticket_clocks::table
        .filter(ticket_clocks::ticket_number.eq(number))
        .select(ClockRow::as_select())
        .order((ticket_clocks::started_at, ticket_clocks::kind, ticket_clocks::cycle))
        .load(&mut { conn })
        .await?;
    rows.into_iter().map(StoredClock::try_from).collect()
}

/// One clock, locked for this transaction (the scheduler's), if it exists.
pub async fn find_for_update(
    conn: &AsyncPgConnection,
    number: i64,
    kind: ClockKind,
    cycle: i32,
) -> AppResult<Option<StoredClock>> {
    let row: Option<ClockRow> = ticket_clocks::table
        .find((number, kind.as_str(), cycle))
        .select(ClockRow::as_select())
        .for_update()
        .first(&mut { conn })
        .await
        .optional()?;
    row.map(StoredClock::try_from).transpose()
}

/// Every clock still running (met or stopped ones never change), with its ticket's community.
pub async fn running(conn: &AsyncPgConnection) -> AppResult<Vec<(i64, StoredClock)>> {
    let rows: Vec<(i64, ClockRow)> = ticket_clocks::table
        .inner_join(tickets::table)
        .filter(ticket_clocks::met_at.is_null())
        .filter(ticket_clocks::stopped_at.is_null())
        .select((tickets::community_id, ClockRow::as_select()))
        .load(&mut { conn })
        .await?;
    rows.into_iter().map(|(community, row)| Ok((community, StoredClock::try_from(row)?))).collect()
}

/// Writes clocks (new or changed).
pub async fn save(conn: &AsyncPgConnection, clocks: &[StoredClock]) -> AppResult<()> {
    if clocks.is_empty() {
        return Ok(());
    }
    let rows = clocks.iter().map(StoredClock::row).collect::<AppResult<Vec<_>>>()?;
    diesel::insert_into(ticket_clocks::table)
        .values(rows)
        .on_conflict((ticket_clocks::ticket_number, ticket_clocks::kind, ticket_clocks::cycle))
        .do_update()
        .set((
            ticket_clocks::priority.eq(excluded(ticket_clocks::priority)),
            ticket_clocks::pauses.eq(excluded(ticket_clocks::pauses)),
            ticket_clocks::counted.eq(excluded(ticket_clocks::counted)),
            ticket_clocks::met_at.eq(excluded(ticket_clocks::met_at)),
            ticket_clocks::stopped_at.eq(excluded(ticket_clocks::stopped_at)),
            ticket_clocks::target.eq(excluded(ticket_clocks::target)),
            ticket_clocks::calendar_id.eq(excluded(ticket_clocks::calendar_id)),
            ticket_clocks::due_at.eq(excluded(ticket_clocks::due_at)),
            ticket_clocks::warn_at.eq(excluded(ticket_clocks::warn_at)),
            ticket_clocks::remaining_seconds.eq(excluded(ticket_clocks::remaining_seconds)),
            ticket_clocks::warned_at.eq(excluded(ticket_clocks::warned_at)),
            ticket_clocks::breached_at.eq(excluded(ticket_clocks::breached_at)),
        ))
        .execute(&mut { conn })
        .await?;
    Ok(())
}

/// Writes what cards and lists show of a ticket's running clocks.
pub async fn set_summary(conn: &AsyncPgConnection, number: i64, views: &[ClockView]) -> AppResult<()> {
    let next_due = steward_domain::sla::next_due(views);
    diesel::update(tickets::table.find(number))
        .set((
            tickets::clocks.eq(serde_json::to_value(views).map_err(AppError::internal)?),
            tickets::next_due_at.eq(next_due),
        ))
        .execute(&mut { conn })
        .await?;
    Ok(())
}

/// `tickets.clocks` read as its JSON text, which [`views_from_stored`] parses straight into
/// clock summaries: a list of thousands of tickets is read without building a
/// `serde_json::Value` for each first.
pub type StoredViews = diesel::expression::SqlLiteral<diesel::sql_types::Text>;

/// The select expression of [`StoredViews`].
pub fn stored_views() -> StoredViews {
    diesel::dsl::sql("tickets.clocks::text")
}

/// The clock summaries of tickets stored as `tickets.clocks`, read back.
pub fn views_from_stored(text: &str) -> AppResult<Vec<ClockView>> {
    serde_json::from_str(text).map_err(AppError::internal)
}

/// Every clock of these tickets, by ticket.
pub async fn for_tickets(conn: &AsyncPgConnection, numbers: &[i64]) -> AppResult<HashMap<i64, Vec<StoredClock>>> {
    let rows: Vec<ClockRow> = ticket_clocks::table
        .filter(ticket_clocks::ticket_number.eq_any(numbers))
        .select(ClockRow::as_select())
        .order((ticket_clocks::started_at, ticket_clocks::cycle))
        .load(&mut { conn })
        .await?;
    let mut by_ticket: HashMap<i64, Vec<StoredClock>> = HashMap::new();
    for row in rows {
        let clock = StoredClock::try_from(row)?;
        by_ticket.entry(clock.ticket_number).or_default().push(clock);
    }
    Ok(by_ticket)
}
