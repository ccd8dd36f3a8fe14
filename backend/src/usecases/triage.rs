//! What stewards record on a ticket while they triage: the flags that place it in the triage
//! order, the 30-minute timebox, the release that carries a change, linked engineering issues,
//! and time spent. Only the support team may; each change is recorded with its event in one
//! transaction, at the version the caller saw where the ticket itself changes.

use chrono::NaiveDate;
use diesel_async::AsyncConnection;
use steward_domain::authz;
use steward_domain::facts::Principal;
use steward_domain::{PriorityFlag, TicketState};

use super::events;
use super::tickets::{check_version, visible_ticket};
use super::{Actor, Core};
use crate::db::models::tickets::{self, Change, Ticket};
use crate::db::models::triage::{self as triage_rows, Link};
use crate::error::{AppError, AppResult};
use steward_domain::events::TicketEvent;

/// A triage field of a ticket to set.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TriageEdit {
    /// The flags that place it in the triage order (any order; duplicates are one).
    Flags(Vec<PriorityFlag>),
    /// Starts or stops the 30-minute attempt to resolve it.
    Timebox { running: bool },
    /// The release or change that makes it available to users; `None` clears it.
    Release(Option<String>),
}

/// Time spent on a ticket.
#[derive(Clone, Debug)]
pub struct TimeSpent {
    pub number: i64,
    /// 1 to 1440.
    pub minutes: i32,
    /// The day the work was done; today when not given. Never a day still to come.
    pub worked_on: Option<NaiveDate>,
    pub note: String,
}

/// PermissionDenied unless `who` may triage.
pub(crate) fn require_triage(who: &Principal) -> AppResult<()> {
    if authz::can_triage(who) {
        Ok(())
    } else {
        Err(AppError::PermissionDenied("Only the support team can triage tickets."))
    }
}

/// Sets one triage field of a ticket at the version the caller saw; a ticket that already has
/// that value is returned unchanged.
pub async fn set(
    core: &Core,
    who: &Principal,
    number: i64,
    expected_version: i64,
    edit: TriageEdit,
) -> AppResult<Ticket> {
    require_triage(who)?;
    let now = core.now();
    let mut conn = core.pool.get().await?;
    let ticket = conn
        .transaction(async |conn| {
            let ticket = visible_ticket(conn, Actor::Person(who), number).await?;
            check_version(&ticket, expected_version)?;
            let (change, event) = match edit {
                TriageEdit::Flags(mut flags) => {
                    // Stored once each, in the seed's order, so equal sets compare equal.
                    flags.sort_by_key(|f| PriorityFlag::ALL.iter().position(|g| g == f));
                    flags.dedup();
                    if ticket.flags == flags {
                        return Ok(ticket);
                    }
                    (Change { flags: Some(flags.clone()), ..Change::default() }, TicketEvent::FlagsSet { flags })
                }
                TriageEdit::Timebox { running } => {
                    if !running && ticket.timebox_started_at.is_none() {
                        return Ok(ticket);
                    }
                    if running
                        && !matches!(ticket.state, TicketState::New | TicketState::Open | TicketState::InProgress)
                    {
                        return Err(AppError::invalid(
                            "running",
                            format!("The timebox is for tickets being worked; this one is {}.", ticket.state),
                        ));
                    }
                    let started = running.then_some(now);
                    (
                        Change { timebox_started_at: Some(started), ..Change::default() },
                        TicketEvent::Timebox { running },
                    )
                }
                TriageEdit::Release(release) => {
                    if ticket.released_in == release {
                        return Ok(ticket);
                    }
                    (
                        Change { released_in: Some(release.clone()), ..Change::default() },
                        TicketEvent::ReleaseRecorded { released_in: release },
                    )
                }
            };
            let changed = tickets::apply(conn, number, expected_version, &change, now).await?;
            events::record(conn, &changed, Some(who.person_id), event, now).await?;
            Ok::<_, AppError>(changed)
        })
        .await?;
    core.live.committed();
    Ok(ticket)
}

/// Links an engineering issue (checked by the channel: an http(s) address and a title).
pub async fn add_link(core: &Core, who: &Principal, number: i64, url: &str, title: &str) -> AppResult<Link> {
    require_triage(who)?;
    let now = core.now();
    let mut conn = core.pool.get().await?;
    let link = conn
        .transaction(async |conn| {
            let ticket = visible_ticket(conn, Actor::Person(who), number).await?;
            let link = triage_rows::add_link(conn, ticket.number, url, title, who.person_id, now).await?;
            tickets::touch(conn, ticket.number, now).await?;
            events::record(
                conn,
                &ticket,
                Some(who.person_id),
                TicketEvent::Linked { link_id: link.id, url: url.to_owned(), title: title.to_owned() },
                now,
            )
            .await?;
            Ok::<_, AppError>(link)
        })
        .await?;
    core.live.committed();
    Ok(link)
}

/// Removes a linked issue; NotFound if the ticket has no such link.
pub async fn remove_link(core: &Core, who: &Principal, number: i64, link_id: i64) -> AppResult<()> {
    require_triage(who)?;
    let now = core.now();
    let mut conn = core.pool.get().await?;
    conn.transaction(async |conn| {
        let ticket = visible_ticket(conn, Actor::Person(who), number).await?;
        if !triage_rows::remove_link(conn, ticket.number, link_id).await? {
            return Err(AppError::NotFound("link"));
        }
        tickets::touch(conn, ticket.number, now).await?;
        events::record(conn, &ticket, Some(who.person_id), TicketEvent::Unlinked { link_id }, now).await?;
        Ok::<_, AppError>(())
    })
    .await?;
    core.live.committed();
    Ok(())
}

/// Logs time spent on a ticket (it draws on the community's budget unless the ticket is an
/// incident); returns the ticket.
pub async fn log_time(core: &Core, who: &Principal, spent: TimeSpent) -> AppResult<Ticket> {
    require_triage(who)?;
    if !(1..=1440).contains(&spent.minutes) {
        return Err(AppError::invalid("minutes", "Log between 1 minute and 24 hours (1440 minutes)."));
    }
    let now = core.now();
    let today = now.date_naive();
    let worked_on = spent.worked_on.unwrap_or(today);
    if worked_on > today {
        return Err(AppError::invalid("worked_on", "Time cannot be logged for a day still to come."));
    }
    let mut conn = core.pool.get().await?;
    let ticket = conn
        .transaction(async |conn| {
            let ticket = visible_ticket(conn, Actor::Person(who), spent.number).await?;
            triage_rows::log_time(conn, ticket.number, who.person_id, spent.minutes, worked_on, &spent.note, now)
                .await?;
            let logged = TicketEvent::TimeLogged { minutes: spent.minutes };
            events::record(conn, &ticket, Some(who.person_id), logged, now).await?;
            Ok::<_, AppError>(ticket)
        })
        .await?;
    core.live.committed();
    Ok(ticket)
}
