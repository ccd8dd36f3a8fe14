//! Work Steward does by itself at a time (warn, record a breach, remind, close): durable rows,
//! claimed one at a time with `FOR UPDATE SKIP LOCKED` inside the transaction that does the
//! work and marks it done, so each runs exactly once however many servers run, and a job
//! whose work fails is retried later with its error kept for admins.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use steward_domain::sla::ClockKind;

use super::unknown_value;
use crate::db::schema::jobs;
use crate::error::{AppError, AppResult};

/// What a job does about its clock.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum JobKind {
    /// At the warning share of the target (for "closes by itself": the reminder).
    ClockWarning,
    /// At the due time (for "closes by itself": closing).
    ClockDue,
}

impl JobKind {
    pub fn as_str(self) -> &'static str {
        match self {
            JobKind::ClockWarning => "clock_warning",
            JobKind::ClockDue => "clock_due",
        }
    }

    fn parse(text: &str) -> Option<JobKind> {
        [JobKind::ClockWarning, JobKind::ClockDue].into_iter().find(|k| k.as_str() == text)
    }
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = jobs)]
struct JobRow {
    id: i64,
    kind: String,
    ticket_number: i64,
    clock_kind: String,
    cycle: i32,
    run_at: DateTime<Utc>,
    attempts: i32,
    last_error: Option<String>,
    done_at: Option<DateTime<Utc>>,
    outcome: Option<String>,
}

/// A job as stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Job {
    pub id: i64,
    pub kind: JobKind,
    pub ticket_number: i64,
    pub clock_kind: ClockKind,
    pub cycle: i32,
    pub run_at: DateTime<Utc>,
    pub attempts: i32,
    pub last_error: Option<String>,
    pub done_at: Option<DateTime<Utc>>,
    pub outcome: Option<String>,
}

impl TryFrom<JobRow> for Job {
    type Error = AppError;
    fn try_from(row: JobRow) -> AppResult<Job> {
        Ok(Job {
            id: row.id,
            kind: JobKind::parse(&row.kind).ok_or_else(|| unknown_value("jobs.kind", &row.kind))?,
            ticket_number: row.ticket_number,
            clock_kind: ClockKind::parse(&row.clock_kind)
                .ok_or_else(|| unknown_value("jobs.clock_kind", &row.clock_kind))?,
            cycle: row.cycle,
            run_at: row.run_at,
            attempts: row.attempts,
            last_error: row.last_error,
            done_at: row.done_at,
            outcome: row.outcome,
        })
    }
}

/// A job to schedule at a time, or (none) to drop if it has not run.
pub struct Planned {
    pub kind: JobKind,
    pub ticket_number: i64,
    pub clock_kind: ClockKind,
    pub cycle: i32,
    pub run_at: Option<DateTime<Utc>>,
}

/// Schedules and drops many jobs in two statements (one write, one delete), sent together.
pub async fn plan(conn: &AsyncPgConnection, planned: &[Planned], now: DateTime<Utc>) -> AppResult<()> {
    let rows: Vec<_> = planned
        .iter()
        .filter_map(|p| {
            Some((
                jobs::kind.eq(p.kind.as_str()),
                jobs::ticket_number.eq(p.ticket_number),
                jobs::clock_kind.eq(p.clock_kind.as_str()),
                jobs::cycle.eq(p.cycle),
                jobs::run_at.eq(p.run_at?),
                jobs::created_at.eq(now),
            ))
        })
        .collect();
    let dropped: Vec<String> = planned
        .iter()
        .filter(|p| p.run_at.is_none())
        .map(|p| format!("({}, '{}', {}, '{}')", p.ticket_number, p.clock_kind.as_str(), p.cycle, p.kind.as_str()))
        .collect();
    let schedule = async {
        if rows.is_empty() {
            return Ok(0);
        }
        diesel::insert_into(jobs::table)
            .values(rows)
            .on_conflict((jobs::ticket_number, jobs::clock_kind, jobs::cycle, jobs::kind))
            .do_update()
            .set((
                jobs::run_at.eq(diesel::upsert::excluded(jobs::run_at)),
                jobs::attempts.eq(0),
                jobs::last_error.eq(None::<String>),
                jobs::done_at.eq(None::<DateTime<Utc>>),
                jobs::outcome.eq(None::<String>),
            ))
            .execute(&mut { conn })
            .await
    };
    // The keys are Steward's own values (numbers and its enums' spellings), never input.
    let drop = async {
        if dropped.is_empty() {
            return Ok(0);
        }
        diesel::sql_query(format!(
            "DELETE FROM jobs WHERE done_at IS NULL AND (ticket_number, clock_kind, cycle, kind) IN ({})",
            dropped.join(", ")
        ))
        .execute(&mut { conn })
        .await
    };
    futures_util::try_join!(schedule, drop)?;
    Ok(())
}

/// The next job due at `now` that no other transaction holds, locked for this transaction.
pub async fn claim(conn: &AsyncPgConnection, now: DateTime<Utc>) -> AppResult<Option<Job>> {
    let row: Option<JobRow> = jobs::table
        .filter(jobs::done_at.is_null())
        .filter(jobs::run_at.le(now))
        .order(jobs::run_at)
        .select(JobRow::as_select())
        .for_update()
        .skip_locked()
        .first(&mut { conn })
        .await
        .optional()?;
    row.map(Job::try_from).transpose()
}

/// Marks a job done, saying what it did.
pub async fn finish(conn: &AsyncPgConnection, id: i64, outcome: &str, now: DateTime<Utc>) -> AppResult<()> {
    diesel::update(jobs::table.find(id))
        .set((jobs::done_at.eq(now), jobs::outcome.eq(outcome), jobs::attempts.eq(jobs::attempts + 1)))
        .execute(&mut { conn })
        .await?;
    Ok(())
}

/// Moves a job to `run_at` without doing it (not yet working time on its calendar).
pub async fn postpone(conn: &AsyncPgConnection, id: i64, run_at: DateTime<Utc>) -> AppResult<()> {
    diesel::update(jobs::table.find(id)).set(jobs::run_at.eq(run_at)).execute(&mut { conn }).await?;
    Ok(())
}

/// Records a failed attempt and when to try again.
pub async fn failed(conn: &AsyncPgConnection, id: i64, error: &str, retry_at: DateTime<Utc>) -> AppResult<i32> {
    Ok(diesel::update(jobs::table.find(id))
        .set((jobs::attempts.eq(jobs::attempts + 1), jobs::last_error.eq(error), jobs::run_at.eq(retry_at)))
        .returning(jobs::attempts)
        .get_result(&mut { conn })
        .await?)
}

/// What admins see: the jobs waiting (soonest first), then the latest done, `limit` of each.
pub async fn overview(conn: &AsyncPgConnection, limit: i64) -> AppResult<(Vec<Job>, Vec<Job>)> {
    let waiting: Vec<JobRow> = jobs::table
        .filter(jobs::done_at.is_null())
        .order(jobs::run_at)
        .limit(limit)
        .select(JobRow::as_select())
        .load(&mut { conn })
        .await?;
    let done: Vec<JobRow> = jobs::table
        .filter(jobs::done_at.is_not_null())
        .order(jobs::done_at.desc())
        .limit(limit)
        .select(JobRow::as_select())
        .load(&mut { conn })
        .await?;
    Ok((
        waiting.into_iter().map(Job::try_from).collect::<AppResult<_>>()?,
        done.into_iter().map(Job::try_from).collect::<AppResult<_>>()?,
    ))
}
