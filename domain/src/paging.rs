//! Paging (issue 13; seed 003: "our 24/7 on-call engineer is automatically alerted"): who is on
//! call at an instant, who a page reaches at each level, when a ticket or an incident pages and
//! when its page ends, and what may happen to a page.
//!
//! - **On call** is, by default, the people on support duty that day (seed 002's rotation), the
//!   senior one first. An admin may keep an on-call rotation of its own instead: people in the
//!   order they take turns, shifts of whole days handed over at a local time in a time zone (a
//!   09:00 handover stays at 09:00 across daylight saving), and covers (someone on call for a
//!   stretch of time) that win over the computed shift, later covers over earlier ones.
//! - **Levels.** A page reaches the person on call now (level 1). Unacknowledged after the
//!   escalation delay (default 10 minutes) it reaches the next person (the other one on duty, or
//!   the next in the rotation), and after the delay again every admin. A level with nobody new
//!   on it is skipped; after the last level the page waits for someone to acknowledge it.
//! - **What pages.** A ticket pages while it is production down and being worked (New, Open, In
//!   progress, Pending): when it is filed so (not while it awaits a representative's approval),
//!   approved, reopened, or raised to production down. Its page ends when it is resolved or
//!   closed, or no longer production down. An incident pages while it is production down and
//!   active; its page ends when it is resolved. One open page per ticket or incident.
//! - **Acknowledging** stops the escalation; it happens once (a second click learns who did it
//!   first). An ended page cannot be acknowledged.

use chrono::{DateTime, NaiveDate, Utc};
use jiff::tz::TimeZone;

use crate::events::TicketEvent;
use crate::fields::FieldChanged;
use crate::incident::Phase;
use crate::intake::FieldError;
use crate::values::text_enum;
use crate::{Priority, TicketState};

/// Minutes a page waits for an acknowledgement before it escalates, unless an admin says.
pub const DEFAULT_ESCALATE_AFTER_MINUTES: u16 = 10;
/// The longest escalation delay an admin may set (4 hours).
pub const MAX_ESCALATE_AFTER_MINUTES: u16 = 240;
/// The longest shift of an on-call rotation (four weeks).
pub const MAX_SHIFT_DAYS: u16 = 28;
/// The longest cover (a month).
pub const MAX_COVER_DAYS: i64 = 31;

/// Someone on call for `[starts_at, ends_at)`, whatever the rotation says.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cover {
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub person_id: i64,
}

impl Cover {
    fn covers(&self, at: DateTime<Utc>) -> bool {
        self.starts_at <= at && at < self.ends_at
    }

    /// Every problem with the cover, named by field.
    pub fn problems(&self) -> Vec<FieldError> {
        let mut problems = Vec::new();
        if self.ends_at <= self.starts_at {
            problems.push(FieldError::new("ends_at", "End the cover after it starts."));
        } else if self.ends_at - self.starts_at > chrono::Duration::days(MAX_COVER_DAYS) {
            problems.push(FieldError::new(
                "ends_at",
                format!("A cover lasts at most {MAX_COVER_DAYS} days; change the rotation for longer."),
            ));
        }
        problems
    }
}

/// An on-call rotation of its own: `members` take turns in that order, each for `shift_days`
/// days from `starts_on`, handing over at `handoff_minute` after local midnight in `zone`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OnCallRotation {
    pub members: Vec<i64>,
    pub starts_on: NaiveDate,
    pub handoff_minute: u16,
    /// An IANA time zone name, such as `Europe/Berlin`.
    pub zone: String,
    pub shift_days: u16,
}

/// One turn on call.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Shift {
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub person_id: i64,
}

impl OnCallRotation {
    fn zone(&self) -> TimeZone {
        TimeZone::get(self.zone.trim()).unwrap_or(TimeZone::UTC)
    }

    /// The instant of the handover on local `date`.
    fn handoff_on(&self, zone: &TimeZone, date: NaiveDate) -> Option<DateTime<Utc>> {
        use chrono::Datelike;
        let day = jiff::civil::Date::new(date.year() as i16, date.month() as i8, date.day() as i8).ok()?;
        let minute = self.handoff_minute.min(24 * 60 - 1);
        let local = day.at((minute / 60) as i8, (minute % 60) as i8, 0, 0);
        let instant = zone.to_ambiguous_timestamp(local).compatible().ok()?;
        DateTime::from_timestamp(instant.as_second(), 0)
    }

    /// The index of the shift `at` falls in (counted from `starts_on`), none before the start.
    fn shift_index(&self, at: DateTime<Utc>) -> Option<i64> {
        if self.members.is_empty() {
            return None;
        }
        let zone = self.zone();
        let stamp = jiff::Timestamp::from_second(at.timestamp()).ok()?;
        let local = zone.to_datetime(stamp).date();
        let mut date = NaiveDate::from_ymd_opt(i32::from(local.year()), local.month() as u32, local.day() as u32)?;
        if at < self.handoff_on(&zone, date)? {
            date = date.pred_opt()?;
        }
        let days = (date - self.starts_on).num_days();
        (days >= 0).then(|| days.div_euclid(i64::from(self.shift_days.max(1))))
    }

    /// Shift number `index`.
    fn shift(&self, index: i64) -> Option<Shift> {
        let zone = self.zone();
        let length = i64::from(self.shift_days.max(1));
        let first = self.starts_on + chrono::Duration::days(index * length);
        let n = self.members.len() as i64;
        Some(Shift {
            starts_at: self.handoff_on(&zone, first)?,
            ends_at: self.handoff_on(&zone, first + chrono::Duration::days(length))?,
            person_id: *self.members.get(index.rem_euclid(n.max(1)) as usize)?,
        })
    }

    /// The shift `at` falls in, by the rotation alone.
    pub fn shift_at(&self, at: DateTime<Utc>) -> Option<Shift> {
        self.shift(self.shift_index(at)?)
    }

    /// The shifts from the one `from` falls in (or the first, before the start), `count` of them.
    pub fn schedule(&self, from: DateTime<Utc>, count: usize) -> Vec<Shift> {
        let first = self.shift_index(from).unwrap_or(0);
        (first..first + count as i64).filter_map(|index| self.shift(index)).collect()
    }

    /// Who is on call at `at`: the latest cover of that instant, else the shift's person.
    pub fn on_call(&self, covers: &[Cover], at: DateTime<Utc>) -> Option<i64> {
        covered(covers, at).or_else(|| self.shift_at(at).map(|shift| shift.person_id))
    }

    /// Who is next after `primary` at `at`: the next in the rotation's order after the shift's
    /// person who is not `primary`.
    pub fn next_after(&self, primary: Option<i64>, at: DateTime<Utc>) -> Option<i64> {
        let index = self.shift_index(at)?;
        let n = self.members.len() as i64;
        (1..=n).map(|step| self.members[(index + step).rem_euclid(n) as usize]).find(|person| Some(*person) != primary)
    }
}

/// The person the latest cover of `at` puts on call.
fn covered(covers: &[Cover], at: DateTime<Utc>) -> Option<i64> {
    covers.iter().rev().find(|cover| cover.covers(at)).map(|cover| cover.person_id)
}

/// Who is on call: the support rotation, or a rotation of its own.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum OnCall {
    /// The people on support duty that day, the senior one first (seed 002).
    SupportDuty,
    Own(OnCallRotation),
}

/// Who a page reaches, level by level, at one instant.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Levels(pub Vec<Vec<i64>>);

impl OnCall {
    /// The levels of a page at `at`: the person on call, the next person, then the admins.
    /// `on_duty` is who is on support duty that day (senior first), for [`OnCall::SupportDuty`].
    pub fn levels(&self, covers: &[Cover], on_duty: &[i64], admins: &[i64], at: DateTime<Utc>) -> Levels {
        let (primary, next) = match self {
            OnCall::SupportDuty => {
                let primary = covered(covers, at).or_else(|| on_duty.first().copied());
                (primary, on_duty.iter().copied().find(|person| Some(*person) != primary))
            }
            OnCall::Own(rotation) => {
                let primary = rotation.on_call(covers, at);
                (primary, rotation.next_after(primary, at))
            }
        };
        let mut levels: Vec<Vec<i64>> = Vec::new();
        let mut seen: Vec<i64> = Vec::new();
        for level in [primary.into_iter().collect::<Vec<_>>(), next.into_iter().collect(), admins.to_vec()] {
            let fresh: Vec<i64> = level.into_iter().filter(|person| !seen.contains(person)).collect();
            let mut unique = Vec::new();
            for person in fresh {
                if !unique.contains(&person) {
                    unique.push(person);
                }
            }
            if !unique.is_empty() {
                seen.extend(&unique);
                levels.push(unique);
            }
        }
        Levels(levels)
    }
}

impl Levels {
    /// The first level after `after` (0: none paged yet) with someone not in `paged`: its number
    /// (1-based) and those people. None when nobody is left to page.
    pub fn next(&self, after: usize, paged: &[i64]) -> Option<(usize, Vec<i64>)> {
        self.0.iter().enumerate().skip(after).find_map(|(index, level)| {
            let fresh: Vec<i64> = level.iter().copied().filter(|person| !paged.contains(person)).collect();
            (!fresh.is_empty()).then_some((index + 1, fresh))
        })
    }
}

/// The on-call settings an admin keeps.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OnCallSettings {
    pub on_call: OnCall,
    pub escalate_after_minutes: u16,
}

impl Default for OnCallSettings {
    fn default() -> Self {
        OnCallSettings { on_call: OnCall::SupportDuty, escalate_after_minutes: DEFAULT_ESCALATE_AFTER_MINUTES }
    }
}

impl OnCallSettings {
    /// Every problem with the settings at once, named by field.
    pub fn problems(&self) -> Vec<FieldError> {
        let mut problems = Vec::new();
        if !(1..=MAX_ESCALATE_AFTER_MINUTES).contains(&self.escalate_after_minutes) {
            problems.push(FieldError::new(
                "escalate_after_minutes",
                format!("Escalate after 1 to {MAX_ESCALATE_AFTER_MINUTES} minutes."),
            ));
        }
        if let OnCall::Own(rotation) = &self.on_call {
            if rotation.members.is_empty() {
                problems.push(FieldError::new("member_ids", "Put at least one person in the on-call rotation."));
            }
            let mut seen = Vec::new();
            if rotation.members.iter().any(|m| {
                let again = seen.contains(m);
                seen.push(*m);
                again
            }) {
                problems.push(FieldError::new("member_ids", "Put each person in the rotation once."));
            }
            if !(1..=MAX_SHIFT_DAYS).contains(&rotation.shift_days) {
                problems.push(FieldError::new("shift_days", format!("A shift lasts 1 to {MAX_SHIFT_DAYS} days.")));
            }
            if rotation.handoff_minute >= 24 * 60 {
                problems.push(FieldError::new("handoff", "Give the handover time as HH:MM, such as 09:00."));
            }
            if !crate::calendar::is_time_zone(rotation.zone.trim()) {
                problems.push(FieldError::new(
                    "zone",
                    format!("\"{}\" is not a time zone; use a name such as Europe/Berlin or UTC.", rotation.zone),
                ));
            }
        }
        problems
    }

    /// The escalation delay.
    pub fn escalate_after(&self) -> chrono::Duration {
        chrono::Duration::minutes(i64::from(self.escalate_after_minutes))
    }
}

/// What a change means to paging.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Call {
    /// Page the person on call.
    Page,
    /// End the open page.
    End(Ended),
}

text_enum! {
    /// Why a page ended.
    Ended {
        TicketResolved = ("ticket_resolved", "the ticket was resolved or closed"),
        NoLongerProductionDown = ("no_longer_production_down", "it is no longer production down"),
        IncidentResolved = ("incident_resolved", "the incident was resolved"),
    }
}

/// Whether a ticket in `state` at `priority` pages: production down, and being worked.
pub fn ticket_pages(state: TicketState, priority: Priority) -> bool {
    priority == Priority::ProductionDown
        && matches!(state, TicketState::New | TicketState::Open | TicketState::InProgress | TicketState::Pending)
}

/// What a ticket's change from `before` (none: it was just filed) to `after`, each a state and a
/// priority, means to paging.
pub fn ticket_call(before: Option<(TicketState, Priority)>, after: (TicketState, Priority)) -> Option<Call> {
    let was = before.is_some_and(|(state, priority)| ticket_pages(state, priority));
    let is = ticket_pages(after.0, after.1);
    match (was, is) {
        (false, true) => Some(Call::Page),
        (true, false) if after.1 != Priority::ProductionDown => Some(Call::End(Ended::NoLongerProductionDown)),
        (true, false) => Some(Call::End(Ended::TicketResolved)),
        _ => None,
    }
}

/// What a ticket's event means to paging; `state` and `priority` are the ticket's, apart from
/// what the event itself changes.
pub fn ticket_event_call(event: &TicketEvent, state: TicketState, priority: Priority) -> Option<Call> {
    match *event {
        TicketEvent::Created { state, priority, .. } => ticket_call(None, (state, priority)),
        TicketEvent::Transitioned { from, to, .. } | TicketEvent::RequesterReplied { from, to } => {
            ticket_call(Some((from, priority)), (to, priority))
        }
        TicketEvent::Updated { ref changes } => changes.iter().find_map(|change| match *change {
            FieldChanged::Priority { from, to } => ticket_call(Some((state, from)), (state, to)),
            _ => None,
        }),
        _ => None,
    }
}

/// Whether an incident of `severity` in `phase` pages: production down, and active.
pub fn incident_pages(severity: Priority, phase: Phase) -> bool {
    severity == Priority::ProductionDown && phase.is_active()
}

/// What an incident's change from `before` (none: just declared) to `after`, each a severity and
/// a phase, means to paging.
pub fn incident_call(before: Option<(Priority, Phase)>, after: (Priority, Phase)) -> Option<Call> {
    let was = before.is_some_and(|(severity, phase)| incident_pages(severity, phase));
    match (was, incident_pages(after.0, after.1)) {
        (false, true) => Some(Call::Page),
        (true, false) => Some(Call::End(Ended::IncidentResolved)),
        _ => None,
    }
}

/// The one line a page is known by: what is down, where. A confidential ticket's title is left
/// out (a page reaches other systems).
pub fn ticket_summary(number: i64, title: &str, confidential: bool, community: &str) -> String {
    if confidential {
        format!("Production down: #{number} (confidential) in {community}")
    } else {
        format!("Production down: #{number} {title} ({community})")
    }
}

/// The one line an incident's page is known by.
pub fn incident_summary(number: i64, title: &str) -> String {
    format!("Production-down incident #{number}: {title}")
}

/// Where a page stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PageState {
    /// Waiting for someone to acknowledge it, at this level.
    Paging {
        level: usize,
    },
    Acknowledged,
    Ended,
}

/// What acknowledging a page comes to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Acknowledgement {
    /// Acknowledged now.
    Now,
    /// Someone had already acknowledged it; nothing changes.
    Already,
}

/// An ended page cannot be acknowledged.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AlreadyEnded;

impl std::fmt::Display for AlreadyEnded {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("This page has ended; there is nothing to acknowledge.")
    }
}

impl PageState {
    /// Acknowledging a page in this state.
    pub fn acknowledge(self) -> Result<Acknowledgement, AlreadyEnded> {
        match self {
            PageState::Paging { .. } => Ok(Acknowledgement::Now),
            PageState::Acknowledged => Ok(Acknowledgement::Already),
            PageState::Ended => Err(AlreadyEnded),
        }
    }

    /// Whether the page escalates when its delay passes.
    pub fn escalates(self) -> bool {
        matches!(self, PageState::Paging { .. })
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone as _;

    use super::*;

    fn utc(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, mo, d, h, mi, 0).single().expect("a time")
    }

    fn weekly(zone: &str) -> OnCallRotation {
        OnCallRotation {
            members: vec![30, 10, 20],
            starts_on: NaiveDate::from_ymd_opt(2026, 3, 2).expect("a Monday"),
            handoff_minute: 9 * 60,
            zone: zone.into(),
            shift_days: 7,
        }
    }

    #[test]
    fn members_take_turns_in_their_order_handing_over_at_the_local_time() {
        let rotation = weekly("UTC");
        assert_eq!(rotation.on_call(&[], utc(2026, 3, 2, 8, 59)), None, "before the first handover nobody");
        assert_eq!(rotation.on_call(&[], utc(2026, 3, 2, 9, 0)), Some(30));
        assert_eq!(rotation.on_call(&[], utc(2026, 3, 9, 8, 59)), Some(30), "a week, to the minute");
        assert_eq!(rotation.on_call(&[], utc(2026, 3, 9, 9, 0)), Some(10));
        assert_eq!(rotation.on_call(&[], utc(2026, 3, 16, 12, 0)), Some(20));
        assert_eq!(rotation.on_call(&[], utc(2026, 3, 23, 12, 0)), Some(30), "around again");
        let shift = rotation.shift_at(utc(2026, 3, 10, 3, 0)).expect("a shift");
        assert_eq!(
            (shift.starts_at, shift.ends_at, shift.person_id),
            (utc(2026, 3, 9, 9, 0), utc(2026, 3, 16, 9, 0), 10)
        );
    }

    #[test]
    fn a_handover_stays_at_nine_local_across_daylight_saving() {
        // Berlin moves from UTC+1 to UTC+2 on 29 March 2026.
        let rotation = weekly("Europe/Berlin");
        assert_eq!(rotation.on_call(&[], utc(2026, 3, 23, 7, 59)), Some(20), "08:59 in Berlin (UTC+1)");
        assert_eq!(rotation.on_call(&[], utc(2026, 3, 23, 8, 0)), Some(30), "09:00 in Berlin");
        assert_eq!(rotation.on_call(&[], utc(2026, 3, 30, 6, 59)), Some(30), "08:59 in Berlin (UTC+2)");
        assert_eq!(rotation.on_call(&[], utc(2026, 3, 30, 7, 0)), Some(10), "09:00 in Berlin, summer time");
        let shift = rotation.shift_at(utc(2026, 3, 25, 0, 0)).expect("a shift");
        assert_eq!(shift.ends_at - shift.starts_at, chrono::Duration::hours(7 * 24 - 1), "the short week");
        let schedule = rotation.schedule(utc(2026, 3, 25, 0, 0), 3);
        let people: Vec<i64> = schedule.iter().map(|s| s.person_id).collect();
        assert_eq!(people, [30, 10, 20]);
        assert!(schedule.windows(2).all(|w| w[0].ends_at == w[1].starts_at), "shifts follow on without gaps");
    }

    #[test]
    fn covers_win_and_the_latest_cover_wins_over_earlier_ones() {
        let rotation = weekly("UTC");
        let covers = vec![
            Cover { starts_at: utc(2026, 3, 3, 0, 0), ends_at: utc(2026, 3, 4, 0, 0), person_id: 20 },
            Cover { starts_at: utc(2026, 3, 3, 12, 0), ends_at: utc(2026, 3, 3, 13, 0), person_id: 99 },
        ];
        assert_eq!(rotation.on_call(&covers, utc(2026, 3, 2, 23, 59)), Some(30));
        assert_eq!(rotation.on_call(&covers, utc(2026, 3, 3, 0, 0)), Some(20));
        assert_eq!(rotation.on_call(&covers, utc(2026, 3, 3, 12, 30)), Some(99));
        assert_eq!(rotation.on_call(&covers, utc(2026, 3, 4, 0, 0)), Some(30), "a cover ends at its end");
    }

    #[test]
    fn a_page_reaches_the_one_on_call_then_the_next_then_every_admin() {
        let rotation = weekly("UTC");
        let at = utc(2026, 3, 3, 12, 0);
        let own = OnCall::Own(rotation.clone());
        assert_eq!(own.levels(&[], &[], &[1, 2], at), Levels(vec![vec![30], vec![10], vec![1, 2]]));
        // A cover puts someone else first; the next is still the rotation's next.
        let cover = [Cover { starts_at: at, ends_at: at + chrono::Duration::hours(1), person_id: 10 }];
        assert_eq!(own.levels(&cover, &[], &[1], at), Levels(vec![vec![10], vec![20], vec![1]]));
        // An admin on call is paged once; an empty level is skipped.
        let alone = OnCall::Own(OnCallRotation { members: vec![1], ..rotation });
        assert_eq!(alone.levels(&[], &[], &[1, 2], at), Levels(vec![vec![1], vec![2]]));
        // By default: the senior one on duty, then the other.
        assert_eq!(OnCall::SupportDuty.levels(&[], &[7, 8], &[1], at), Levels(vec![vec![7], vec![8], vec![1]]));
        assert_eq!(OnCall::SupportDuty.levels(&[], &[], &[1], at), Levels(vec![vec![1]]), "nobody on duty: admins");
        assert_eq!(OnCall::SupportDuty.levels(&[], &[], &[], at), Levels(vec![]));
    }

    #[test]
    fn escalation_goes_to_the_next_level_with_someone_not_yet_paged() {
        let levels = Levels(vec![vec![30], vec![10], vec![1, 2]]);
        assert_eq!(levels.next(0, &[]), Some((1, vec![30])));
        assert_eq!(levels.next(1, &[30]), Some((2, vec![10])));
        assert_eq!(levels.next(2, &[30, 10]), Some((3, vec![1, 2])));
        assert_eq!(levels.next(3, &[30, 10, 1, 2]), None, "after the admins, nobody is left");
        // The rotation moved on meanwhile: whoever was paged is not paged twice.
        let moved = Levels(vec![vec![10], vec![20], vec![1, 2]]);
        assert_eq!(moved.next(1, &[30, 10]), Some((2, vec![20])));
        assert_eq!(Levels(vec![vec![10], vec![1]]).next(1, &[10, 1]), None);
    }

    #[test]
    fn tickets_page_while_production_down_and_worked() {
        use Priority::*;
        use TicketState::*;
        for state in TicketState::ALL.iter().copied() {
            for priority in Priority::ALL.iter().copied() {
                let worked = matches!(state, New | Open | InProgress | Pending);
                assert_eq!(
                    ticket_pages(state, priority),
                    worked && priority == ProductionDown,
                    "{state:?} {priority:?}"
                );
            }
        }
        assert_eq!(ticket_call(None, (New, ProductionDown)), Some(Call::Page), "filed production down");
        assert_eq!(ticket_call(None, (AwaitingApproval, ProductionDown)), None, "waits for approval");
        assert_eq!(ticket_call(Some((AwaitingApproval, ProductionDown)), (New, ProductionDown)), Some(Call::Page));
        assert_eq!(ticket_call(Some((Open, Urgent)), (Open, ProductionDown)), Some(Call::Page), "raised");
        assert_eq!(ticket_call(Some((Open, ProductionDown)), (InProgress, ProductionDown)), None, "still paging");
        assert_eq!(ticket_call(Some((InProgress, ProductionDown)), (Pending, ProductionDown)), None);
        assert_eq!(
            ticket_call(Some((InProgress, ProductionDown)), (Resolved, ProductionDown)),
            Some(Call::End(Ended::TicketResolved))
        );
        assert_eq!(
            ticket_call(Some((Open, ProductionDown)), (Open, Urgent)),
            Some(Call::End(Ended::NoLongerProductionDown))
        );
        assert_eq!(ticket_call(Some((Resolved, ProductionDown)), (Open, ProductionDown)), Some(Call::Page), "reopened");
        assert_eq!(ticket_call(None, (New, Urgent)), None);
        assert_eq!(ticket_call(Some((Resolved, ProductionDown)), (Closed, ProductionDown)), None);
    }

    #[test]
    fn each_ticket_event_is_read_for_what_it_changes() {
        use crate::lifecycle::Action;
        use Priority::*;
        use TicketState::*;
        let filed = |state| TicketEvent::Created {
            state,
            request_type: crate::RequestType::Incident,
            priority: ProductionDown,
            confidential: false,
        };
        assert_eq!(ticket_event_call(&filed(New), New, ProductionDown), Some(Call::Page));
        assert_eq!(ticket_event_call(&filed(AwaitingApproval), AwaitingApproval, ProductionDown), None);
        let approved =
            TicketEvent::Transitioned { action: Action::Approve, from: AwaitingApproval, to: New, reason: None };
        assert_eq!(ticket_event_call(&approved, New, ProductionDown), Some(Call::Page));
        assert_eq!(ticket_event_call(&approved, New, Urgent), None);
        let raised =
            TicketEvent::Updated { changes: vec![FieldChanged::Priority { from: Normal, to: ProductionDown }] };
        assert_eq!(ticket_event_call(&raised, InProgress, ProductionDown), Some(Call::Page));
        assert_eq!(ticket_event_call(&raised, Resolved, ProductionDown), None, "a resolved ticket pages nobody");
        let lowered =
            TicketEvent::Updated { changes: vec![FieldChanged::Priority { from: ProductionDown, to: Normal }] };
        assert_eq!(ticket_event_call(&lowered, Open, Normal), Some(Call::End(Ended::NoLongerProductionDown)));
        let answered = TicketEvent::RequesterReplied { from: Pending, to: Open };
        assert_eq!(ticket_event_call(&answered, Open, ProductionDown), None);
        assert_eq!(ticket_event_call(&TicketEvent::Timebox { running: true }, Open, ProductionDown), None);
    }

    #[test]
    fn incidents_page_while_production_down_and_active() {
        use Phase::*;
        use Priority::*;
        assert_eq!(incident_call(None, (ProductionDown, Investigating)), Some(Call::Page));
        assert_eq!(incident_call(None, (Urgent, Investigating)), None);
        assert_eq!(incident_call(Some((ProductionDown, Investigating)), (ProductionDown, Identified)), None);
        assert_eq!(
            incident_call(Some((ProductionDown, Monitoring)), (ProductionDown, Resolved)),
            Some(Call::End(Ended::IncidentResolved))
        );
        assert_eq!(incident_call(Some((ProductionDown, Resolved)), (ProductionDown, Investigating)), Some(Call::Page));
        assert_eq!(incident_call(Some((ProductionDown, Resolved)), (ProductionDown, Closed)), None);
    }

    #[test]
    fn a_page_is_acknowledged_once_and_never_after_it_ended() {
        assert_eq!(PageState::Paging { level: 2 }.acknowledge(), Ok(Acknowledgement::Now));
        assert_eq!(PageState::Acknowledged.acknowledge(), Ok(Acknowledgement::Already));
        assert_eq!(PageState::Ended.acknowledge(), Err(AlreadyEnded));
        assert!(PageState::Paging { level: 1 }.escalates());
        assert!(!PageState::Acknowledged.escalates() && !PageState::Ended.escalates());
        for ended in Ended::ALL {
            assert_eq!(Ended::parse(ended.as_str()), Some(*ended));
        }
    }

    #[test]
    fn settings_name_every_problem_at_once() {
        let fine = OnCallSettings { on_call: OnCall::Own(weekly("Europe/Berlin")), escalate_after_minutes: 10 };
        assert!(fine.problems().is_empty());
        assert!(OnCallSettings::default().problems().is_empty());
        let bad = OnCallSettings {
            on_call: OnCall::Own(OnCallRotation {
                members: vec![],
                starts_on: NaiveDate::from_ymd_opt(2026, 3, 2).expect("a day"),
                handoff_minute: 24 * 60,
                zone: "Mars/Olympus".into(),
                shift_days: 0,
            }),
            escalate_after_minutes: 0,
        };
        let fields: Vec<String> = bad.problems().into_iter().map(|p| p.field).collect();
        assert_eq!(fields, ["escalate_after_minutes", "member_ids", "shift_days", "handoff", "zone"]);
        let twice = OnCallSettings {
            on_call: OnCall::Own(OnCallRotation { members: vec![1, 1], ..weekly("UTC") }),
            escalate_after_minutes: 10,
        };
        assert_eq!(twice.problems().len(), 1);
        let at = utc(2026, 3, 3, 0, 0);
        assert!(Cover { starts_at: at, ends_at: at, person_id: 1 }.problems()[0].field == "ends_at");
        let long = Cover { starts_at: at, ends_at: at + chrono::Duration::days(40), person_id: 1 };
        assert!(long.problems()[0].message.contains("31 days"));
        assert_eq!(ticket_summary(42, "Hub down", true, "Aurora"), "Production down: #42 (confidential) in Aurora");
        assert_eq!(ticket_summary(42, "Hub down", false, "Aurora"), "Production down: #42 Hub down (Aurora)");
    }
}
