//! Service levels: the one place a ticket's SLA clocks are kept in step with the ticket and with
//! the goals in force, and where admins change those goals.
//!
//! - Every ticket change that can move a clock ([`steward_domain::sla::matters`]) calls
//!   [`observe`] in its own transaction: the domain moves the clocks, each is measured against
//!   its goal (the target agreed with the ticket's community, else the team's; on the target's
//!   calendar, else the business calendar: the community's own, else the team's), and the
//!   clocks, their jobs (warning, due) and the summary cards show are written together.
//! - Changing a calendar, a target or a setting measures every running clock again
//!   ([`remeasure`]), in the admin's transaction: every screen that reads a ticket from then on
//!   shows the new due times (an open page follows with the ticket's next change).
//! - What falls due is done by [`super::scheduler`].

use std::collections::HashMap;
use std::sync::Arc;

use chrono::{DateTime, NaiveDate, Utc};
use diesel_async::{AsyncConnection, AsyncPgConnection};
use steward_domain::Priority;
use steward_domain::authz;
use steward_domain::calendar::{Calendar, CalendarSpec, Holiday};
use steward_domain::facts::Principal;
use steward_domain::intake::FieldError;
use steward_domain::sla::{self, ClockKind, ClockView, Fact, Goal, Target};

use super::Core;
use crate::db::models::clocks::{self, StoredClock};
use crate::db::models::jobs::{self, JobKind, Planned};
use crate::db::models::service_levels::{self, Settings, StoredCalendar, StoredTarget};
use crate::db::models::tickets::Ticket;
use crate::error::{AppError, AppResult};

/// The goals in force: calendars (checked), the team's settings and every target.
pub struct Policy {
    calendars: HashMap<i64, (String, Calendar)>,
    pub settings: Settings,
    targets: Vec<StoredTarget>,
    community_calendars: HashMap<i64, i64>,
}

impl Policy {
    /// Reads the goals in force.
    pub async fn load(conn: &AsyncPgConnection) -> AppResult<Policy> {
        let (stored, settings, targets, community_calendars) = futures_util::try_join!(
            service_levels::calendars(conn),
            service_levels::settings(conn),
            service_levels::targets(conn),
            service_levels::community_calendars(conn),
        )?;
        let mut calendars = HashMap::new();
        for calendar in stored {
            match calendar.spec.check() {
                Ok(checked) => {
                    calendars.insert(calendar.id, (calendar.name, checked));
                }
                // Every stored calendar was checked when saved; one that no longer reads (a zone
                // dropped from the time-zone database) has no clocks until it is fixed.
                Err(errors) => tracing::error!(calendar = calendar.id, ?errors, "a stored calendar does not check"),
            }
        }
        Ok(Policy { calendars, settings, targets, community_calendars })
    }

    /// The business calendar of a community: its own, else the team's.
    pub fn business_calendar_id(&self, community_id: i64) -> i64 {
        self.community_calendars.get(&community_id).copied().unwrap_or(self.settings.business_calendar_id)
    }

    /// A calendar and its name.
    pub fn calendar(&self, id: i64) -> Option<(&str, &Calendar)> {
        self.calendars.get(&id).map(|(name, calendar)| (name.as_str(), calendar))
    }

    /// The team's goal for a clock of `kind` at `priority` (no community's agreement).
    pub fn team_goal(&self, priority: Priority, kind: ClockKind) -> Option<Goal<'_>> {
        self.goal_in(None, priority, kind)
    }

    /// The goal of a clock of `kind` for a ticket of `community_id` at `priority`; none when
    /// the priority has no such target.
    pub fn goal(&self, community_id: i64, priority: Priority, kind: ClockKind) -> Option<Goal<'_>> {
        self.goal_in(Some(community_id), priority, kind)
    }

    fn goal_in(&self, community_id: Option<i64>, priority: Priority, kind: ClockKind) -> Option<Goal<'_>> {
        let (target, calendar_id) = if kind == ClockKind::Confirmation {
            let minutes = u32::try_from(self.settings.auto_close_minutes).unwrap_or(sla::AUTO_CLOSE_DEFAULT_MINUTES);
            (Target::WorkingMinutes(minutes), None)
        } else {
            let matching = |scope: Option<i64>| {
                self.targets.iter().find(|t| t.community_id == scope && t.priority == priority && t.kind == kind)
            };
            let target = community_id.and_then(|id| matching(Some(id))).or_else(|| matching(None))?;
            (target.target, target.calendar_id)
        };
        let business = community_id.map_or(self.settings.business_calendar_id, |id| self.business_calendar_id(id));
        let calendar_id = calendar_id.unwrap_or(business);
        let (_, calendar) = self.calendars.get(&calendar_id)?;
        Some(Goal { target, calendar_id, calendar })
    }

    /// The share of a target at which Steward acts before it is due: the warning, or for a
    /// resolved ticket waiting on an answer, the reminder at half the time.
    pub fn warn_percent(&self, kind: ClockKind) -> u8 {
        if kind == ClockKind::Confirmation { 50 } else { u8::try_from(self.settings.warn_percent).unwrap_or(75) }
    }
}

/// Measures `stored` against its goal at `now`: due, warning, what is left. A warning or a
/// breach already recorded is forgotten when the new due time puts it back in the future
/// (a priority lowered, a calendar with more hours).
fn measure(stored: &mut StoredClock, policy: &Policy, community_id: i64, now: DateTime<Utc>) {
    match policy.goal(community_id, stored.clock.priority, stored.clock.kind) {
        Some(goal) => {
            stored.target = Some(goal.target);
            stored.calendar_id = Some(goal.calendar_id);
            // A clock that stood still many times keeps only its latest pauses.
            stored.clock.fold(&goal, policy.warn_percent(stored.clock.kind));
            stored.due_at = stored.clock.due(&goal);
            stored.warn_at = stored.clock.warn_at(&goal, policy.warn_percent(stored.clock.kind));
            stored.remaining_seconds = Some(stored.clock.remaining(&goal, now));
            if stored.clock.is_running() {
                if stored.due_at.is_none_or(|due| due > now) {
                    stored.breached_at = None;
                }
                if stored.warn_at.is_none_or(|warn| warn > now) {
                    stored.warned_at = None;
                }
            }
        }
        None => {
            stored.target = None;
            stored.calendar_id = None;
            stored.due_at = None;
            stored.warn_at = None;
            stored.remaining_seconds = None;
        }
    }
}

/// The jobs of a clock as it now stands: its warning and its due time, each scheduled while
/// the clock runs and it has not happened, else dropped.
fn planned(stored: &StoredClock) -> [Planned; 2] {
    let live = stored.clock.is_running() && !stored.clock.is_paused();
    let plan = |kind, at: Option<DateTime<Utc>>, done: bool| Planned {
        kind,
        ticket_number: stored.ticket_number,
        clock_kind: stored.clock.kind,
        cycle: stored.clock.cycle,
        run_at: at.filter(|_| live && !done),
    };
    [
        plan(JobKind::ClockWarning, stored.warn_at, stored.warned_at.is_some()),
        plan(JobKind::ClockDue, stored.due_at, stored.breached_at.is_some()),
    ]
}

/// Each server's copy of the goals, by database and revision (tests run many databases in one
/// process): read again only when an admin changed them.
static POLICIES: std::sync::LazyLock<std::sync::Mutex<Vec<KeptPolicy>>> = std::sync::LazyLock::new(Default::default);

/// A copy of the goals, by (database, revision).
type KeptPolicy = ((String, i64), Arc<Policy>);

impl Policy {
    /// The goals in force, from memory unless they changed since they were read.
    pub async fn current(conn: &AsyncPgConnection) -> AppResult<Arc<Policy>> {
        let key = service_levels::revision(conn).await?;
        Self::at(conn, key).await
    }

    async fn at(conn: &AsyncPgConnection, key: (String, i64)) -> AppResult<Arc<Policy>> {
        let kept = || POLICIES.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let found = kept().iter().find(|(k, _)| *k == key).map(|(_, policy)| policy.clone());
        if let Some(policy) = found {
            return Ok(policy);
        }
        let policy = Arc::new(Policy::load(conn).await?);
        let mut kept = kept();
        // One revision per database: an older one is stale.
        kept.retain(|(k, _)| k.0 != key.0);
        if kept.len() >= 64 {
            kept.clear();
        }
        kept.push((key, policy.clone()));
        Ok(policy)
    }
}

/// What cards show of a ticket's clocks: the running ones that have a goal.
fn views(all: &[StoredClock], policy: &Policy, community_id: i64, now: DateTime<Utc>) -> Vec<ClockView> {
    all.iter()
        .filter(|stored| stored.clock.is_running())
        .filter_map(|stored| {
            let goal = policy.goal(community_id, stored.clock.priority, stored.clock.kind)?;
            Some(ClockView::of(&stored.clock, &goal, now))
        })
        .collect()
}

/// Moves the clocks of `ticket` by `fact`, which happened `at`, in the caller's transaction;
/// returns what cards now show of them, if they moved.
pub(crate) async fn observe(
    conn: &AsyncPgConnection,
    ticket: &Ticket,
    fact: Fact,
    at: DateTime<Utc>,
) -> AppResult<Option<Vec<ClockView>>> {
    if !sla::matters(&fact) {
        return Ok(None);
    }
    let (mut all, revision) =
        futures_util::try_join!(clocks::for_ticket(conn, ticket.number), service_levels::revision(conn))?;
    let mut moved: Vec<sla::Clock> = all.iter().map(|stored| stored.clock.clone()).collect();
    if !sla::apply(&mut moved, fact, ticket.priority, at) {
        return Ok(None);
    }
    let policy = Policy::at(conn, revision).await?;
    let mut changed = Vec::new();
    for clock in moved {
        let place = all.iter().position(|s| s.clock.kind == clock.kind && s.clock.cycle == clock.cycle);
        let stored = match place {
            Some(i) if all[i].clock == clock => continue,
            Some(i) => &mut all[i],
            None => {
                all.push(StoredClock::new(ticket.number, clock.clone()));
                all.last_mut().ok_or_else(|| AppError::internal(anyhow::anyhow!("a clock just added is gone")))?
            }
        };
        stored.clock = clock;
        measure(stored, &policy, ticket.community_id, at);
        changed.push(stored.clone());
    }
    let shown = views(&all, &policy, ticket.community_id, at);
    let plans: Vec<Planned> = changed.iter().flat_map(planned).collect();
    // Three writes, sent together.
    futures_util::try_join!(
        clocks::save(conn, &changed),
        jobs::plan(conn, &plans, at),
        clocks::set_summary(conn, ticket.number, &shown),
    )?;
    Ok(Some(shown))
}

/// Measures every running clock again under the goals in force now (after an admin changed a
/// calendar, a target or a setting), in the caller's transaction. Returns how many changed.
pub(crate) async fn remeasure(conn: &AsyncPgConnection, now: DateTime<Utc>) -> AppResult<usize> {
    service_levels::bump_revision(conn).await?;
    let policy = Policy::load(conn).await?;
    let running = clocks::running(conn).await?;
    let mut by_ticket: HashMap<i64, (i64, Vec<StoredClock>)> = HashMap::new();
    let mut changed = Vec::new();
    for (community_id, mut stored) in running {
        let before = stored.clone();
        measure(&mut stored, &policy, community_id, now);
        if stored != before {
            changed.push(stored.clone());
        }
        by_ticket.entry(stored.ticket_number).or_insert_with(|| (community_id, Vec::new())).1.push(stored);
    }
    for chunk in changed.chunks(500) {
        clocks::save(conn, chunk).await?;
    }
    let plans: Vec<Planned> = changed.iter().flat_map(planned).collect();
    for chunk in plans.chunks(1000) {
        jobs::plan(conn, chunk, now).await?;
    }
    // Only the tickets whose clocks moved get a new summary.
    let moved: std::collections::HashSet<i64> = changed.iter().map(|c| c.ticket_number).collect();
    for (number, (community_id, all)) in by_ticket.iter().filter(|(number, _)| moved.contains(number)) {
        clocks::set_summary(conn, *number, &views(all, &policy, *community_id, now)).await?;
    }
    Ok(changed.len())
}

/// The service levels as configured, for everyone who reads them.
pub struct Configured {
    pub calendars: Vec<StoredCalendar>,
    pub settings: Settings,
    pub targets: Vec<StoredTarget>,
    pub community_calendars: HashMap<i64, i64>,
}

/// Reads the calendars, settings and targets. Staff see every community's agreed targets; a
/// community's people their own communities'.
pub async fn configured(core: &Core, who: &Principal) -> AppResult<Configured> {
    let conn = core.pool.get().await?;
    let (calendars, settings, mut targets, mut community_calendars) = futures_util::try_join!(
        service_levels::calendars(&conn),
        service_levels::settings(&conn),
        service_levels::targets(&conn),
        service_levels::community_calendars(&conn),
    )?;
    if !who.is_staff() {
        let mine = |id: i64| who.representative_of.contains(&id) || who.member_of.contains(&id);
        targets.retain(|t| t.community_id.is_none_or(mine));
        community_calendars.retain(|id, _| mine(*id));
    }
    Ok(Configured { calendars, settings, targets, community_calendars })
}

fn require_admin(who: &Principal) -> AppResult<()> {
    if authz::can_configure(who) {
        Ok(())
    } else {
        Err(AppError::PermissionDenied("Only an admin can change calendars, targets and the support rotation."))
    }
}

/// A calendar as an admin saves it.
pub struct CalendarEdit {
    /// None: a new calendar.
    pub id: Option<i64>,
    pub name: String,
    pub spec: CalendarSpec,
}

/// Longest calendar name.
const CALENDAR_NAME_MAX_CHARS: usize = 100;

/// What is wrong with a calendar's name and spec (every field at once; none when it is fine).
pub fn calendar_errors(name: &str, spec: &CalendarSpec) -> Vec<FieldError> {
    let mut errors = Vec::new();
    let name = name.trim();
    if name.is_empty() {
        errors.push(FieldError::new("name", "Give the calendar a name."));
    } else if name.chars().count() > CALENDAR_NAME_MAX_CHARS {
        errors.push(FieldError::new("name", format!("Keep the name under {CALENDAR_NAME_MAX_CHARS} characters.")));
    }
    if let Err(more) = spec.check() {
        errors.extend(more);
    }
    errors
}

/// Creates or changes a calendar, checked by the domain (every bad field at once), and
/// measures every running clock again.
pub async fn save_calendar(core: &Core, who: &Principal, edit: CalendarEdit) -> AppResult<StoredCalendar> {
    require_admin(who)?;
    let name = edit.name.trim().to_owned();
    let spec = CalendarSpec { zone: edit.spec.zone.trim().to_owned(), ..edit.spec };
    let errors = calendar_errors(&name, &spec);
    if !errors.is_empty() {
        return Err(AppError::InvalidArgument(errors));
    }
    let now = core.now();
    let mut conn = core.pool.get().await?;
    let saved = conn
        .transaction(async |conn| {
            let saved = match edit.id {
                None => service_levels::insert_calendar(conn, &name, &spec, now).await?,
                Some(id) => service_levels::update_calendar(conn, id, &name, &spec, now)
                    .await?
                    .ok_or(AppError::NotFound("calendar (the built-in 24/7 calendar cannot change)"))?,
            };
            let changed = remeasure(conn, now).await?;
            tracing::info!(calendar = saved.id, clocks = changed, "calendar saved");
            Ok::<_, AppError>(saved)
        })
        .await?;
    core.live.committed();
    Ok(saved)
}

/// Removes a calendar nothing uses.
pub async fn delete_calendar(core: &Core, who: &Principal, id: i64) -> AppResult<()> {
    require_admin(who)?;
    let mut conn = core.pool.get().await?;
    conn.transaction(async |conn| {
        let uses = service_levels::calendar_uses(conn, id).await?;
        if !uses.is_empty() {
            return Err(AppError::InUse(format!(
                "This calendar is in use by {}. Choose another calendar there first.",
                uses.join(", ")
            )));
        }
        if service_levels::delete_calendar(conn, id).await? {
            Ok(())
        } else {
            Err(AppError::NotFound("calendar (the built-in 24/7 calendar cannot be removed)"))
        }
    })
    .await
}

/// Sets the team's business calendar, warning share and auto-close time, and measures every
/// running clock again.
pub async fn set_settings(core: &Core, who: &Principal, settings: Settings) -> AppResult<Settings> {
    require_admin(who)?;
    let mut errors = Vec::new();
    if !(1..=99).contains(&settings.warn_percent) {
        errors.push(FieldError::new("warn_percent", "Warn at a share between 1 and 99 percent."));
    }
    if !(60..=527_040).contains(&settings.auto_close_minutes) {
        errors.push(FieldError::new(
            "auto_close_minutes",
            "Close resolved tickets after between 1 working hour and a year.",
        ));
    }
    let now = core.now();
    let mut conn = core.pool.get().await?;
    let known: Vec<i64> = service_levels::calendars(&conn).await?.iter().map(|c| c.id).collect();
    if !known.contains(&settings.business_calendar_id) {
        errors.push(FieldError::new("business_calendar_id", "Choose one of the calendars."));
    }
    if !errors.is_empty() {
        return Err(AppError::InvalidArgument(errors));
    }
    conn.transaction(async |conn| {
        service_levels::set_settings(conn, &settings, now).await?;
        remeasure(conn, now).await
    })
    .await?;
    core.live.committed();
    Ok(settings)
}

/// Replaces the targets of the team (`community_id` none) or those agreed with one community,
/// each checked (every bad one named as `targets.<n>`), and measures every clock again.
pub async fn set_targets(
    core: &Core,
    who: &Principal,
    community_id: Option<i64>,
    targets: Vec<StoredTarget>,
) -> AppResult<()> {
    require_admin(who)?;
    let now = core.now();
    let mut conn = core.pool.get().await?;
    let known: Vec<i64> = service_levels::calendars(&conn).await?.iter().map(|c| c.id).collect();
    let mut errors = Vec::new();
    for (i, target) in targets.iter().enumerate() {
        let field = format!("targets.{i}");
        if let Err(error) = target.target.check(&field) {
            errors.push(error);
        }
        if target.calendar_id.is_some_and(|id| !known.contains(&id)) {
            errors.push(FieldError::new(format!("{field}.calendar_id"), "Choose one of the calendars."));
        }
        if target.kind == ClockKind::Confirmation {
            errors.push(FieldError::new(
                field.clone(),
                "Set when resolved tickets close in the settings, not as a target.",
            ));
        }
        if targets[..i].iter().any(|t| t.priority == target.priority && t.kind == target.kind) {
            errors.push(FieldError::new(field, "This priority already has a target for this clock."));
        }
    }
    if !errors.is_empty() {
        return Err(AppError::InvalidArgument(errors));
    }
    let scoped: Vec<StoredTarget> = targets.into_iter().map(|t| StoredTarget { community_id, ..t }).collect();
    conn.transaction(async |conn| {
        service_levels::replace_targets(conn, community_id, &scoped).await?;
        remeasure(conn, now).await
    })
    .await?;
    core.live.committed();
    tracing::info!(person_id = who.person_id, community_id, "service-level targets set");
    Ok(())
}

/// Gives a community its own business calendar, or the team's.
pub async fn set_community_calendar(
    core: &Core,
    who: &Principal,
    community_id: i64,
    calendar_id: Option<i64>,
) -> AppResult<()> {
    require_admin(who)?;
    let now = core.now();
    let mut conn = core.pool.get().await?;
    if let Some(id) = calendar_id
        && !service_levels::calendars(&conn).await?.iter().any(|c| c.id == id)
    {
        return Err(AppError::invalid("calendar_id", "Choose one of the calendars."));
    }
    conn.transaction(async |conn| {
        if !service_levels::set_community_calendar(conn, community_id, calendar_id).await? {
            return Err(AppError::invalid("community_id", "There is no such community."));
        }
        remeasure(conn, now).await
    })
    .await?;
    core.live.committed();
    Ok(())
}

/// Every clock of a ticket, for whoever may see it, with the names of their calendars.
pub async fn ticket_clocks(
    core: &Core,
    who: &Principal,
    number: i64,
) -> AppResult<(Vec<StoredClock>, HashMap<i64, String>, HashMap<i64, bool>)> {
    let mut conn = core.pool.get().await?;
    super::tickets::visible_ticket(&mut conn, super::Actor::Person(who), number).await?;
    let all = clocks::for_ticket(&conn, number).await?;
    let calendars = service_levels::calendars(&conn).await?;
    let always: HashMap<i64, bool> =
        calendars.iter().map(|c| (c.id, c.spec.check().is_ok_and(|checked| checked.is_always()))).collect();
    let names = calendars.into_iter().map(|c| (c.id, c.name)).collect();
    Ok((all, names, always))
}

/// The holidays an iCalendar file lists: each all-day event (a day, or each day of a range up
/// to a month), yearly when it repeats every year. Refused naming the line that does not read.
pub fn holidays_from_ics(text: &str) -> Result<Vec<Holiday>, FieldError> {
    use icalendar::{CalendarDateTime, Component, DatePerhapsTime};
    const MAX_DAYS: i64 = 31;
    let calendar: icalendar::Calendar = text.parse().map_err(|error: String| {
        let line = first_bad_line(text).map(|n| format!("Line {n}: ")).unwrap_or_default();
        FieldError::new("ics", format!("{line}this is not an iCalendar file ({}).", error.lines().next().unwrap_or("")))
    })?;
    let mut holidays = Vec::new();
    let day_of = |value: DatePerhapsTime| match value {
        DatePerhapsTime::Date(date) => Some(date),
        DatePerhapsTime::DateTime(CalendarDateTime::Utc(at)) => Some(at.date_naive()),
        DatePerhapsTime::DateTime(
            CalendarDateTime::Floating(at) | CalendarDateTime::WithTimezone { date_time: at, .. },
        ) => Some(at.date()),
    };
    for (index, event) in calendar.components.iter().filter_map(|c| c.as_event()).enumerate() {
        let Some(start) = event.get_start().and_then(day_of) else {
            let line = nth_event_line(text, index).map(|n| format!("Line {n}: ")).unwrap_or_default();
            return Err(FieldError::new("ics", format!("{line}this event has no start day (DTSTART).")));
        };
        let end =
            event.get_end().and_then(day_of).filter(|end| *end > start).unwrap_or(start + chrono::Duration::days(1));
        let every_year =
            event.property_value("RRULE").is_some_and(|rule| rule.to_ascii_uppercase().contains("FREQ=YEARLY"));
        let name = event.get_summary().unwrap_or("Holiday").trim().chars().take(200).collect::<String>();
        let days = (end - start).num_days().min(MAX_DAYS);
        for offset in 0..days {
            holidays.push(Holiday { date: start + chrono::Duration::days(offset), every_year, name: name.clone() });
        }
    }
    if holidays.is_empty() {
        return Err(FieldError::new("ics", "The file lists no events, so no holidays."));
    }
    holidays.sort_by_key(|h| h.date);
    holidays.dedup_by(|a, b| a.date == b.date && a.every_year == b.every_year);
    Ok(holidays)
}

/// The first line of an iCalendar text that is not a content line (`NAME[;params]:value`), a
/// folded continuation or blank: where a parse failure most likely is.
fn first_bad_line(text: &str) -> Option<usize> {
    text.lines().enumerate().find_map(|(i, line)| {
        let line = line.trim_end_matches('\r');
        let continuation = line.starts_with(' ') || line.starts_with('\t');
        let name_end = line.find([':', ';']);
        let well_formed = name_end.is_some_and(|end| {
            end > 0 && line[..end].chars().all(|c| c.is_ascii_alphanumeric() || c == '-') && line.contains(':')
        });
        (!(line.is_empty() || continuation || well_formed)).then_some(i + 1)
    })
}

/// The line of the `index`-th `BEGIN:VEVENT`.
fn nth_event_line(text: &str, index: usize) -> Option<usize> {
    text.lines()
        .enumerate()
        .filter(|(_, line)| line.trim().eq_ignore_ascii_case("BEGIN:VEVENT"))
        .nth(index)
        .map(|(i, _)| i + 1)
}

/// A date written YYYY-MM-DD, or InvalidArgument naming `field`.
pub fn parse_day(text: &str, field: &str) -> Result<NaiveDate, FieldError> {
    NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
        .map_err(|_| FieldError::new(field, "Give a day as YYYY-MM-DD, for example 2026-12-24."))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn holidays_come_from_all_day_events_and_yearly_ones_repeat() {
        let ics = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n\
            BEGIN:VEVENT\r\nUID:1\r\nDTSTART;VALUE=DATE:20261225\r\nDTEND;VALUE=DATE:20261227\r\nSUMMARY:Christmas\r\nRRULE:FREQ=YEARLY\r\nEND:VEVENT\r\n\
            BEGIN:VEVENT\r\nUID:2\r\nDTSTART;VALUE=DATE:20270101\r\nSUMMARY:New Year\r\nEND:VEVENT\r\n\
            END:VCALENDAR\r\n";
        let holidays = holidays_from_ics(ics).expect("reads");
        let days: Vec<(String, bool, &str)> =
            holidays.iter().map(|h| (h.date.to_string(), h.every_year, h.name.as_str())).collect();
        assert_eq!(
            days,
            [
                ("2026-12-25".to_owned(), true, "Christmas"),
                ("2026-12-26".to_owned(), true, "Christmas"),
                ("2027-01-01".to_owned(), false, "New Year"),
            ]
        );
    }

    #[test]
    fn a_file_that_does_not_read_is_refused_naming_the_line() {
        let broken = "BEGIN:VCALENDAR\nVERSION:2.0\nthis line is not iCalendar\nEND:VCALENDAR\n";
        let error = holidays_from_ics(broken).expect_err("refused");
        assert_eq!(error.field, "ics");
        assert!(error.message.starts_with("Line 3: "), "{}", error.message);
        let no_start = "BEGIN:VCALENDAR\nVERSION:2.0\nBEGIN:VEVENT\nUID:1\nSUMMARY:x\nEND:VEVENT\nEND:VCALENDAR\n";
        let error = holidays_from_ics(no_start).expect_err("refused");
        assert!(error.message.starts_with("Line 3: "), "{}", error.message);
        assert!(holidays_from_ics("BEGIN:VCALENDAR\nVERSION:2.0\nEND:VCALENDAR\n").is_err());
    }
}
