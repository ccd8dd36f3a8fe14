//! What Steward does by itself when a clock says so: warn at the warning share of a target,
//! record a breach at its due time, remind the requester's side of a resolved ticket at half
//! the wait, and close it at the end. This is the one place a warning is raised. The same loop
//! escalates pages nobody acknowledged (`usecases::paging::escalate_due`).
//!
//! Jobs are rows (`db::models::jobs`). Every serving process runs [`run`]; each job is claimed
//! with `FOR UPDATE SKIP LOCKED` in the transaction that does its work and marks it done, so it
//! happens once however many processes run and whenever they restart. A job whose work fails
//! is rolled back, its error kept, and tried again later (1 min, 2, 4... up to an hour).
//! Outside working hours of its clock's calendar only a 24/7 clock warns; the others wait for
//! the next working minute. Every "now" is the core's clock.

use std::time::Duration;

use chrono::{DateTime, Utc};
use diesel_async::{AsyncConnection, AsyncPgConnection};
use steward_domain::TicketState;
use steward_domain::events::TicketEvent;
use steward_domain::lifecycle::Action;
use steward_domain::notify::NewsKind;
use steward_domain::sla::ClockKind;
use tokio_util::sync::CancellationToken;

use super::events;
use super::service_levels::Policy;
use super::{Actor, Core};
use crate::db::models::jobs::{self, Job, JobKind};
use crate::db::models::{About, clocks, people, rotation, tickets};
use crate::error::{AppError, AppResult};

/// Runs due jobs and escalates due pages every `every`, and once a minute removes uploads
/// nobody attached, until `stop` is cancelled.
pub async fn run(core: Core, every: Duration, stop: CancellationToken) {
    let mut tidied: Option<std::time::Instant> = None;
    loop {
        match run_due(&core).await {
            Ok(0) => {}
            Ok(done) => tracing::debug!(done, "scheduled jobs run"),
            Err(error) => tracing::warn!(%error, "the scheduler could not run its jobs; it tries again"),
        }
        if let Err(error) = super::paging::escalate_due(&core).await {
            tracing::warn!(%error, "the scheduler could not escalate pages; it tries again");
        }
        if tidied.is_none_or(|at| at.elapsed() >= Duration::from_secs(60)) {
            tidied = Some(std::time::Instant::now());
            match super::attachments::remove_unattached(&core).await {
                Ok(0) => {}
                Ok(removed) => tracing::info!(removed, "uploads nobody attached were removed"),
                Err(error) => tracing::warn!(%error, "uploads nobody attached could not be removed; tried again later"),
            }
        }
        tokio::select! {
            () = tokio::time::sleep(every) => {}
            () = stop.cancelled() => return,
        }
    }
}

/// What one claimed job came to.
enum Done {
    /// Done, saying what it did.
    Did(String),
    /// Not yet (outside working hours): try again then.
    Later(DateTime<Utc>),
}

/// Why a claimed job's transaction ended without its work done: the work failed (its changes
/// roll back with the claim, and the failure is recorded on its own), or the database did.
struct Failed {
    job: Option<Job>,
    error: AppError,
}

impl From<diesel::result::Error> for Failed {
    fn from(error: diesel::result::Error) -> Self {
        Failed { job: None, error: error.into() }
    }
}

impl From<AppError> for Failed {
    fn from(error: AppError) -> Self {
        Failed { job: None, error }
    }
}

/// Does every job due now, one transaction each; returns how many were done.
pub async fn run_due(core: &Core) -> AppResult<usize> {
    let mut done = 0;
    loop {
        let now = core.now();
        let mut conn = core.pool.get().await?;
        let outcome = conn
            .transaction(async |conn| {
                let Some(job) = jobs::claim(conn, now).await? else { return Ok::<_, Failed>(None) };
                let result = work(conn, &job, now).await;
                let outcome = result.map_err(|error| Failed { job: Some(job.clone()), error })?;
                match outcome {
                    Done::Did(outcome) => {
                        jobs::finish(conn, job.id, &outcome, now).await?;
                        Ok(Some((job, outcome)))
                    }
                    Done::Later(at) => {
                        jobs::postpone(conn, job.id, at).await?;
                        Ok(Some((job, format!("postponed to {at}"))))
                    }
                }
            })
            .await;
        match outcome {
            Ok(None) => return Ok(done),
            Ok(Some((job, outcome))) => {
                core.live.committed();
                tracing::info!(job = job.id, ticket = job.ticket_number, outcome, "scheduled job done");
                done += 1;
            }
            Err(Failed { job: Some(job), error }) => {
                // Rolled back: the failure is recorded on its own, and the job tried again later.
                let attempts = job.attempts + 1;
                let delay =
                    chrono::Duration::minutes(1i64 << (attempts.clamp(1, 7) - 1)).min(chrono::Duration::hours(1));
                jobs::failed(&conn, job.id, &error.to_string(), now + delay).await?;
                tracing::warn!(job = job.id, ticket = job.ticket_number, attempts, %error, "a scheduled job failed; it is tried again");
            }
            Err(Failed { job: None, error }) => return Err(error),
        }
    }
}

/// Does one job, in the transaction that claimed it.
async fn work(conn: &mut AsyncPgConnection, job: &Job, now: DateTime<Utc>) -> AppResult<Done> {
    let Some(mut stored) = clocks::find_for_update(conn, job.ticket_number, job.clock_kind, job.cycle).await? else {
        return Ok(Done::Did("nothing: the clock is gone".into()));
    };
    let Some(ticket) = tickets::find(conn, job.ticket_number).await? else {
        return Ok(Done::Did("nothing: the ticket is gone".into()));
    };
    if !stored.clock.is_running() || stored.clock.is_paused() {
        return Ok(Done::Did("nothing: the clock had stopped".into()));
    }
    let policy = Policy::current(conn).await?;
    let calendar = stored.calendar_id.and_then(|id| policy.calendar(id)).map(|(_, calendar)| calendar.clone());
    let due_at = stored.due_at;
    match (job.kind, job.clock_kind == ClockKind::Confirmation) {
        (JobKind::ClockWarning, false) => {
            if stored.warned_at.is_some() {
                return Ok(Done::Did("nothing: already warned".into()));
            }
            if let Some(calendar) = calendar.as_ref().filter(|c| !c.is_always() && !c.is_working_at(now))
                && let Some(next) = calendar.next_working_instant(now)
            {
                return Ok(Done::Later(next));
            }
            let Some(due_at) = due_at else { return Ok(Done::Did("nothing: the clock has no due time".into())) };
            stored.warned_at = Some(now);
            clocks::save(conn, std::slice::from_ref(&stored)).await?;
            let event = TicketEvent::ClockWarned { clock: stored.clock.kind, due_at };
            events::record(conn, &ticket, None, event, now).await?;
            let minutes = (due_at - now).num_minutes().max(0);
            let message = format!(
                "#{} {}: {} due in {} (the target is {}).",
                ticket.number,
                ticket.title,
                stored.clock.kind.label().to_lowercase(),
                in_words(minutes),
                stored.target.map_or_else(|| "unset".to_owned(), |t| t.words())
            );
            raise(conn, &ticket, &message, now).await
        }
        (JobKind::ClockDue, false) => {
            if stored.breached_at.is_some() {
                return Ok(Done::Did("nothing: the breach is recorded".into()));
            }
            let Some(due_at) = due_at else { return Ok(Done::Did("nothing: the clock has no due time".into())) };
            if due_at > now {
                return Ok(Done::Later(due_at));
            }
            stored.breached_at = Some(due_at);
            clocks::save(conn, std::slice::from_ref(&stored)).await?;
            events::record(conn, &ticket, None, TicketEvent::ClockBreached { clock: stored.clock.kind, due_at }, now)
                .await?;
            let message = format!(
                "#{} {}: the {} target was missed.",
                ticket.number,
                ticket.title,
                stored.clock.kind.label().to_lowercase()
            );
            raise(conn, &ticket, &message, now).await
        }
        (JobKind::ClockWarning, true) => {
            if stored.warned_at.is_some() || ticket.state != TicketState::Resolved {
                return Ok(Done::Did("nothing: no reminder needed".into()));
            }
            let Some(closes_at) = due_at else { return Ok(Done::Did("nothing: no closing time".into())) };
            stored.warned_at = Some(now);
            clocks::save(conn, std::slice::from_ref(&stored)).await?;
            events::record(conn, &ticket, None, TicketEvent::Reminded { closes_at }, now).await?;
            super::notify::tell(
                conn,
                NewsKind::ClockWarning,
                &[ticket.requester_id],
                About::Ticket(ticket.number),
                &format!(
                    "#{} {} was resolved. Confirm it, or answer if something is missing; otherwise it closes by itself.",
                    ticket.number, ticket.title
                ),
                now,
            )
            .await?;
            Ok(Done::Did("reminded the requester".into()))
        }
        (JobKind::ClockDue, true) => {
            if ticket.state != TicketState::Resolved || due_at.is_none_or(|due| due > now) {
                return Ok(Done::Did("nothing: not waiting any more".into()));
            }
            super::tickets::take_step(conn, Actor::Steward, &ticket, Action::Close, None, None, now).await?;
            Ok(Done::Did("closed the ticket: no answer in time".into()))
        }
    }
}

/// Tells the assignee and the stewards on support duty today.
async fn raise(
    conn: &mut AsyncPgConnection,
    ticket: &tickets::Ticket,
    message: &str,
    now: DateTime<Utc>,
) -> AppResult<Done> {
    let mut told = rotation::on_duty(conn, now.date_naive()).await?;
    if let Some(assignee) = ticket.assignee_id.filter(|a| !told.contains(a)) {
        told.push(assignee);
    }
    super::notify::tell(conn, NewsKind::ClockWarning, &told, About::Ticket(ticket.number), message, now).await?;
    let names = people::by_ids(conn, &told).await?;
    let mut named: Vec<&str> = told.iter().filter_map(|id| names.get(id)).map(|p| p.display_name.as_str()).collect();
    named.sort_unstable();
    Ok(Done::Did(if named.is_empty() {
        "nobody to tell: no assignee and nobody on duty".to_owned()
    } else {
        format!("told {}", named.join(", "))
    }))
}

/// "5 minutes", "1 hour", "2 h 30 min".
fn in_words(minutes: i64) -> String {
    match minutes {
        0 => "less than a minute".to_owned(),
        1 => "1 minute".to_owned(),
        m if m < 60 => format!("{m} minutes"),
        m if m % 60 == 0 && m == 60 => "1 hour".to_owned(),
        m if m % 60 == 0 => format!("{} hours", m / 60),
        m => format!("{} h {} min", m / 60, m % 60),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn minutes_read_as_people_say_them() {
        assert_eq!(in_words(0), "less than a minute");
        assert_eq!(in_words(15), "15 minutes");
        assert_eq!(in_words(60), "1 hour");
        assert_eq!(in_words(120), "2 hours");
        assert_eq!(in_words(150), "2 h 30 min");
    }
}
