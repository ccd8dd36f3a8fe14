//! SLA clocks: every promise made to a requester is a clock that starts, pauses, resumes and is
//! met or breached, measured in working time on its goal's calendar ([`crate::calendar`]).
//!
//! The rules (seeds 000-004, PRODUCT.md):
//! - A ticket's clocks start when it becomes support's to answer: when it is filed, or when a
//!   representative approves a member's request. They are first response and resolution.
//! - **First response** is met by support's first public message (also the reason posted with
//!   the step that resolves the ticket). Nothing pauses it.
//! - **Next update** starts with each public message from support while the ticket is open and
//!   is met by the next one (which starts the next). Resolving stops it.
//! - **Resolution** is met when the ticket is resolved or closed; reopening starts a new one.
//! - Waiting on the requester (Pending) pauses next update and resolution, never first
//!   response; leaving Pending (the requester's answer, by any channel) resumes them. The
//!   paused working time moves the due time by exactly that much.
//! - A priority change keeps the working time spent (a clock is measured from its start) and
//!   applies the new priority's target to every clock still running.
//! - **Closes by itself** (confirmation) starts when a ticket is resolved; an answer from the
//!   requester's side starts it again; confirming, reopening or closing stops it. At its due
//!   time Steward closes the ticket, and at half of it sends a reminder (seed 002: 48 working
//!   hours without an answer).
//! - Targets are working minutes or "the end of the next working day" (seed 003's "next
//!   business day": the end of the first working day after the day it started, not +8 hours).
//!
//! - A clock that stood still many times keeps only its latest pauses: the working time up to
//!   the end of an older one is counted once and kept as a number ([`Clock::fold`], never past
//!   the warning point, so when it warns and when it is due come out the same). Time counted so
//!   stands as counted if a calendar changes later; everything after it is measured again.
//!
//! The clocks are plain values: [`apply`] moves them with one fact, [`Clock::due`] and
//! [`Clock::warn_at`] say when, given the goal their ticket's priority has now.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::calendar::{Break, Calendar};
use crate::intake::FieldError;
use crate::values::text_enum;
use crate::{Priority, TicketState};

text_enum! {
    /// What a clock measures.
    ClockKind {
        FirstResponse = ("first_response", "First response"),
        NextUpdate = ("next_update", "Next update"),
        Resolution = ("resolution", "Resolution"),
        /// How long a resolved ticket waits for its requester before it closes by itself.
        Confirmation = ("confirmation", "Closes by itself"),
    }
}

impl ClockKind {
    /// The kinds a priority has targets for (confirmation is one team-wide setting).
    pub const TARGETED: [ClockKind; 3] = [ClockKind::FirstResponse, ClockKind::NextUpdate, ClockKind::Resolution];
}

/// How long a clock runs before it is due.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Target {
    /// This many minutes of working time.
    WorkingMinutes(u32),
    /// The end of the first working day after the day the clock started.
    NextWorkingDayEnd,
}

/// The longest target: a year of minutes.
pub const TARGET_MAX_MINUTES: u32 = 366 * 24 * 60;
/// The share of a target at which people are warned, by default.
pub const WARN_SHARE_DEFAULT: u8 = 75;

impl Target {
    /// The target's working seconds for a clock that started `at` on `calendar`.
    pub fn seconds(self, calendar: &Calendar, at: DateTime<Utc>) -> i64 {
        match self {
            Target::WorkingMinutes(minutes) => i64::from(minutes) * 60,
            Target::NextWorkingDayEnd => {
                calendar.end_of_next_working_day(at).map_or(i64::MAX / 4, |end| calendar.working_between(at, end, &[]))
            }
        }
    }

    /// Refused unless it is between a minute and a year; `field` names it.
    pub fn check(self, field: &str) -> Result<Target, FieldError> {
        match self {
            Target::WorkingMinutes(0) => Err(FieldError::new(field, "A target is at least one minute.")),
            Target::WorkingMinutes(minutes) if minutes > TARGET_MAX_MINUTES => {
                Err(FieldError::new(field, "A target is at most a year."))
            }
            target => Ok(target),
        }
    }

    /// "30 min", "1 working hour", "8 working hours", "next working day", in a sentence's
    /// words ("within 30 min 24/7" is said by whoever knows the calendar).
    pub fn words(self) -> String {
        match self {
            Target::NextWorkingDayEnd => "by the end of the next working day".into(),
            Target::WorkingMinutes(minutes) if minutes % (24 * 60 * 7) == 0 && minutes >= 60 * 24 * 7 => {
                plural(minutes / (24 * 60 * 7), "week")
            }
            Target::WorkingMinutes(minutes) if minutes % 60 == 0 => plural(minutes / 60, "hour"),
            Target::WorkingMinutes(minutes) => plural(minutes, "minute"),
        }
    }
}

/// How a target reads in a promise: "within 30 minutes, 24/7", "within 1 business hour", "by
/// the end of the next working day".
pub fn target_phrase(target: Target, always: bool) -> String {
    match target {
        Target::NextWorkingDayEnd => "by the end of the next working day".to_owned(),
        Target::WorkingMinutes(_) if always => format!("within {}, 24/7", target.words()),
        Target::WorkingMinutes(minutes) if minutes % 60 == 0 => {
            format!("within {}", plural(minutes / 60, "business hour"))
        }
        Target::WorkingMinutes(minutes) => format!("within {}", plural(minutes, "business minute")),
    }
}

/// A priority's promise as the "How to get support" page says it, from the targets in force
/// (each with whether it runs 24/7): "First response within 30 minutes, 24/7. Updates at least
/// every 1 hour, 24/7. Resolution within 24 hours, 24/7."
pub fn promise_words(
    first: Option<(Target, bool)>,
    update: Option<(Target, bool)>,
    resolution: Option<(Target, bool)>,
) -> String {
    let mut parts = Vec::new();
    if let Some((target, always)) = first {
        parts.push(format!("First response {}.", target_phrase(target, always)));
    }
    if let Some((target, always)) = update {
        let phrase = target_phrase(target, always);
        parts.push(match target {
            Target::NextWorkingDayEnd => format!("Updates {phrase}."),
            Target::WorkingMinutes(_) => format!("Updates at least every {}.", phrase.trim_start_matches("within ")),
        });
    }
    if let Some((target, always)) = resolution {
        parts.push(format!("Resolution {}.", target_phrase(target, always)));
    }
    if parts.is_empty() { "No response time is promised.".to_owned() } else { parts.join(" ") }
}

fn plural(count: u32, unit: &str) -> String {
    if count == 1 { format!("1 {unit}") } else { format!("{count} {unit}s") }
}

/// A target on a calendar: what a ticket of some priority is promised for one kind of clock.
#[derive(Clone, Copy, Debug)]
pub struct Goal<'a> {
    pub target: Target,
    /// Which calendar (as stored), so a clock remembers what it ran on.
    pub calendar_id: i64,
    pub calendar: &'a Calendar,
}

/// Something that happened to a ticket that a clock cares about.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fact {
    /// The ticket became support's to answer (filed, or approved), at this priority.
    Started { priority: Priority },
    /// It moved between lifecycle states.
    StateChanged { from: TicketState, to: TicketState },
    /// Its priority changed.
    PriorityChanged { to: Priority },
    /// Support posted a public message.
    SupportReplied,
    /// The requester's side posted a public message.
    RequesterAnswered,
}

/// Working time a clock has counted already: `seconds` from its start to `until` (the end of
/// the pauses folded away).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counted {
    pub until: DateTime<Utc>,
    pub seconds: i64,
}

/// Pauses a clock keeps after folding; it folds once it has twice as many.
pub const PAUSES_KEPT: usize = 16;

/// One clock of one ticket.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Clock {
    pub kind: ClockKind,
    /// 1 for the first clock of its kind on the ticket, then 2, 3... (a reopened ticket's
    /// second resolution, each next update).
    pub cycle: i32,
    /// The priority whose target applies: the ticket's, while the clock runs.
    pub priority: Priority,
    pub started_at: DateTime<Utc>,
    /// When it stood still (waiting on the requester); the last one may still last.
    pub pauses: Vec<Break>,
    /// When the promise was kept.
    pub met_at: Option<DateTime<Utc>>,
    /// When it ended without being met (resolved before a reply, a stopped confirmation).
    pub stopped_at: Option<DateTime<Utc>>,
    /// Working time counted before its pauses were folded away (see [`Clock::fold`]).
    #[serde(default)]
    pub counted: Option<Counted>,
}

impl Clock {
    fn new(kind: ClockKind, cycle: i32, priority: Priority, at: DateTime<Utc>) -> Clock {
        Clock { kind, cycle, priority, started_at: at, pauses: vec![], met_at: None, stopped_at: None, counted: None }
    }

    /// Where its measuring starts, and the working seconds counted before it.
    fn measured_from(&self) -> (DateTime<Utc>, i64) {
        self.counted.map_or((self.started_at, 0), |counted| (counted.until, counted.seconds))
    }

    /// When `seconds` of working time will have run (from its start), on `calendar`.
    fn point(&self, calendar: &Calendar, seconds: i64) -> Option<DateTime<Utc>> {
        let (from, counted) = self.measured_from();
        calendar.add_working(from, seconds.saturating_sub(counted), &self.pauses)
    }

    /// The working seconds it ran from its start to `end`, on `calendar`.
    fn spent(&self, calendar: &Calendar, end: DateTime<Utc>) -> i64 {
        let (from, counted) = self.measured_from();
        counted + calendar.working_between(from, end, &self.pauses)
    }

    /// Counts the working time up to the end of its older pauses and forgets them, keeping the
    /// latest [`PAUSES_KEPT`]: only once it has twice as many, and never past the point where
    /// it warns at `share` percent of `goal` (or its due time), so both come out the same.
    /// Whether it folded.
    pub fn fold(&mut self, goal: &Goal<'_>, share: u8) -> bool {
        if self.pauses.len() < 2 * PAUSES_KEPT {
            return false;
        }
        let limit = [self.warn_at(goal, share), self.due(goal)].into_iter().flatten().min();
        let Some(limit) = limit else { return false };
        let last = self.pauses.len() - PAUSES_KEPT;
        let Some(fold) = (0..last).rev().find(|&i| self.pauses[i].end.is_some_and(|end| end <= limit)) else {
            return false;
        };
        let Some(until) = self.pauses[fold].end else { return false };
        let seconds = self.spent(goal.calendar, until);
        self.pauses.drain(..=fold);
        self.counted = Some(Counted { until, seconds });
        true
    }

    /// Whether it still runs (or stands still): neither met nor stopped.
    pub fn is_running(&self) -> bool {
        self.met_at.is_none() && self.stopped_at.is_none()
    }

    /// Whether it stands still now.
    pub fn is_paused(&self) -> bool {
        self.is_running() && self.pauses.last().is_some_and(|pause| pause.end.is_none())
    }

    /// When it ended, met or stopped.
    pub fn ended_at(&self) -> Option<DateTime<Utc>> {
        self.met_at.or(self.stopped_at)
    }

    fn pause(&mut self, at: DateTime<Utc>) {
        if self.is_running() && !self.is_paused() {
            self.pauses.push(Break { start: at, end: None });
        }
    }

    fn resume(&mut self, at: DateTime<Utc>) {
        if let Some(pause) = self.pauses.last_mut().filter(|pause| pause.end.is_none()) {
            pause.end = Some(at);
        }
    }

    fn meet(&mut self, at: DateTime<Utc>) {
        if self.is_running() {
            self.resume(at);
            self.met_at = Some(at);
        }
    }

    fn stop(&mut self, at: DateTime<Utc>) {
        if self.is_running() {
            self.resume(at);
            self.stopped_at = Some(at);
        }
    }

    /// When it is (or was) due under `goal`; none while it stands still.
    pub fn due(&self, goal: &Goal<'_>) -> Option<DateTime<Utc>> {
        let seconds = goal.target.seconds(goal.calendar, self.started_at);
        self.point(goal.calendar, seconds)
    }

    /// When `share` percent of its target has passed; none while it stands still.
    pub fn warn_at(&self, goal: &Goal<'_>, share: u8) -> Option<DateTime<Utc>> {
        let seconds = goal.target.seconds(goal.calendar, self.started_at);
        let part = seconds.saturating_mul(i64::from(share.min(100))) / 100;
        self.point(goal.calendar, part)
    }

    /// The working seconds left before it is due at `now` (negative once overdue).
    pub fn remaining(&self, goal: &Goal<'_>, now: DateTime<Utc>) -> i64 {
        let seconds = goal.target.seconds(goal.calendar, self.started_at);
        let end = self.ended_at().map_or(now, |ended| ended.min(now));
        let spent = self.spent(goal.calendar, end);
        match self.due(goal) {
            Some(due) if due < end => -goal.calendar.working_between(due, end, &self.pauses).max(1),
            _ => seconds - spent,
        }
    }

    /// Whether the promise was broken: met or stopped after its due time, or still running
    /// past it at `now`.
    pub fn is_breached(&self, goal: &Goal<'_>, now: DateTime<Utc>) -> bool {
        match (self.due(goal), self.ended_at()) {
            (Some(due), Some(ended)) => ended > due && self.kind != ClockKind::Confirmation,
            (Some(due), None) => now >= due && self.kind != ClockKind::Confirmation,
            (None, _) => false,
        }
    }
}

/// What cards and lists show of a running clock: enough to count down in the browser.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClockView {
    pub kind: ClockKind,
    pub cycle: i32,
    /// None while it stands still.
    pub due_at: Option<DateTime<Utc>>,
    pub paused: bool,
    /// Working seconds left when it was last moved (what is left while it stands still).
    pub remaining_seconds: i64,
    pub target: Target,
    /// Whether it runs on the 24/7 calendar.
    pub always: bool,
}

impl ClockView {
    /// The view of a running `clock` under `goal`, at `now`.
    pub fn of(clock: &Clock, goal: &Goal<'_>, now: DateTime<Utc>) -> ClockView {
        ClockView {
            kind: clock.kind,
            cycle: clock.cycle,
            due_at: clock.due(goal),
            paused: clock.is_paused(),
            remaining_seconds: clock.remaining(goal, now),
            target: goal.target,
            always: goal.calendar.is_always(),
        }
    }
}

/// "35 min", "2 h", "3 d": a span as a badge says it, rounded down (under a minute: "1 min").
pub fn span_words(seconds: i64) -> String {
    let minutes = (seconds.abs() / 60).max(1);
    match minutes {
        m if m < 60 => format!("{m} min"),
        m if m < 48 * 60 => format!("{} h", m / 60),
        m => format!("{} d", m / (24 * 60)),
    }
}

/// What a badge says of a running clock `seconds` before its due time (negative: after it);
/// `None` while it stands still: "responds in 35 min", "response overdue 2 h", "update
/// paused".
pub fn badge_words(kind: ClockKind, seconds: Option<i64>) -> String {
    let (pending, late) = match kind {
        ClockKind::FirstResponse => ("responds in", "response overdue"),
        ClockKind::NextUpdate => ("update in", "update overdue"),
        ClockKind::Resolution => ("resolve in", "resolution overdue"),
        ClockKind::Confirmation => ("closes by itself in", "closing now"),
    };
    match seconds {
        None => format!("{} paused", kind.label().to_lowercase()),
        Some(s) if s >= 0 => format!("{pending} {}", span_words(s)),
        Some(_) if kind == ClockKind::Confirmation => late.to_owned(),
        Some(s) => format!("{late} {}", span_words(s)),
    }
}

/// Whether a running clock due in `seconds` is breaching soon: due within the hour, or overdue.
pub fn breaching_soon(seconds: i64) -> bool {
    seconds < 3600
}

/// The soonest time a promise falls due among `views` (confirmation is no promise).
pub fn next_due(views: &[ClockView]) -> Option<DateTime<Utc>> {
    views.iter().filter(|v| v.kind != ClockKind::Confirmation).filter_map(|v| v.due_at).min()
}

/// The next cycle number for a clock of `kind`.
fn next_cycle(clocks: &[Clock], kind: ClockKind) -> i32 {
    clocks.iter().filter(|c| c.kind == kind).map(|c| c.cycle).max().unwrap_or(0) + 1
}

fn running(clocks: &mut [Clock], kind: ClockKind) -> impl Iterator<Item = &mut Clock> {
    clocks.iter_mut().filter(move |c| c.kind == kind && c.is_running())
}

/// Whether `fact` can change any clock (so a channel can skip reading them when it cannot).
pub fn matters(fact: &Fact) -> bool {
    match fact {
        Fact::StateChanged { from, to } => {
            let counts = |state: &TicketState| {
                matches!(
                    state,
                    TicketState::AwaitingApproval | TicketState::Pending | TicketState::Resolved | TicketState::Closed
                )
            };
            counts(from) || counts(to)
        }
        _ => true,
    }
}

/// Moves `clocks` (a ticket's, any order) by `fact`, which happened `at` while the ticket had
/// `priority`. Returns whether anything changed.
pub fn apply(clocks: &mut Vec<Clock>, fact: Fact, priority: Priority, at: DateTime<Utc>) -> bool {
    let before = clocks.clone();
    match fact {
        Fact::Started { priority } => start(clocks, priority, at),
        Fact::StateChanged { from, to } => {
            if from == TicketState::AwaitingApproval && to != TicketState::Closed {
                start(clocks, priority, at);
            }
            if from == TicketState::Pending {
                clocks.iter_mut().for_each(|clock| clock.resume(at));
            }
            match to {
                TicketState::Pending => {
                    for clock in clocks.iter_mut().filter(|c| c.kind != ClockKind::FirstResponse) {
                        clock.pause(at);
                    }
                }
                TicketState::Resolved | TicketState::Closed => {
                    running(clocks, ClockKind::Resolution).for_each(|clock| clock.meet(at));
                    for kind in [ClockKind::FirstResponse, ClockKind::NextUpdate, ClockKind::Confirmation] {
                        running(clocks, kind).for_each(|clock| clock.stop(at));
                    }
                    if to == TicketState::Resolved {
                        let cycle = next_cycle(clocks, ClockKind::Confirmation);
                        clocks.push(Clock::new(ClockKind::Confirmation, cycle, priority, at));
                    }
                }
                _ if matches!(from, TicketState::Resolved | TicketState::Closed) => {
                    // Reopened: a new resolution clock; the next update starts with the next reply.
                    running(clocks, ClockKind::Confirmation).for_each(|clock| clock.stop(at));
                    if !clocks.is_empty() {
                        let cycle = next_cycle(clocks, ClockKind::Resolution);
                        clocks.push(Clock::new(ClockKind::Resolution, cycle, priority, at));
                    }
                }
                _ => {}
            }
        }
        Fact::PriorityChanged { to } => {
            for clock in clocks.iter_mut().filter(|c| c.is_running()) {
                clock.priority = to;
            }
        }
        Fact::SupportReplied => {
            // A reason given with a step is posted right after the step: resolving with a
            // first public message meets first response rather than stopping it.
            for clock in clocks.iter_mut().filter(|c| c.kind == ClockKind::FirstResponse && c.stopped_at == Some(at)) {
                clock.stopped_at = None;
            }
            running(clocks, ClockKind::FirstResponse).for_each(|clock| clock.meet(at));
            running(clocks, ClockKind::NextUpdate).for_each(|clock| clock.meet(at));
            let open = clocks.iter().find(|c| c.kind == ClockKind::Resolution && c.is_running()).map(Clock::is_paused);
            if let Some(paused) = open {
                let mut next =
                    Clock::new(ClockKind::NextUpdate, next_cycle(clocks, ClockKind::NextUpdate), priority, at);
                if paused {
                    next.pause(at);
                }
                clocks.push(next);
            }
        }
        Fact::RequesterAnswered => {
            // Still there: the wait for an answer starts again from this one.
            let waiting = running(clocks, ClockKind::Confirmation).fold(false, |_, clock| {
                clock.stop(at);
                true
            });
            if waiting {
                let cycle = next_cycle(clocks, ClockKind::Confirmation);
                clocks.push(Clock::new(ClockKind::Confirmation, cycle, priority, at));
            }
        }
    }
    *clocks != before
}

fn start(clocks: &mut Vec<Clock>, priority: Priority, at: DateTime<Utc>) {
    if clocks.is_empty() {
        clocks.push(Clock::new(ClockKind::FirstResponse, 1, priority, at));
        clocks.push(Clock::new(ClockKind::Resolution, 1, priority, at));
    }
}

/// The clocks a history of facts leaves (each fact with the priority the ticket had then).
pub fn replay(facts: impl IntoIterator<Item = (DateTime<Utc>, Priority, Fact)>) -> Vec<Clock> {
    let mut clocks = Vec::new();
    for (at, priority, fact) in facts {
        apply(&mut clocks, fact, priority, at);
    }
    clocks
}

/// The targets the seeds' priority table sets (seeds 001-004): production down answered
/// within 30 minutes on the 24/7 calendar, urgent within one business hour, normal by the end
/// of the next business day; next updates and resolution in proportion.
pub fn default_target(priority: Priority, kind: ClockKind) -> Option<(Target, bool)> {
    use ClockKind::*;
    use Priority::*;
    // (target, on the 24/7 calendar)
    Some(match (priority, kind) {
        (ProductionDown, FirstResponse) => (Target::WorkingMinutes(30), true),
        (ProductionDown, NextUpdate) => (Target::WorkingMinutes(60), true),
        (ProductionDown, Resolution) => (Target::WorkingMinutes(24 * 60), true),
        (Urgent, FirstResponse) => (Target::WorkingMinutes(60), false),
        (Urgent, NextUpdate) => (Target::WorkingMinutes(4 * 60), false),
        (Urgent, Resolution) => (Target::WorkingMinutes(16 * 60), false),
        (Normal, FirstResponse) => (Target::NextWorkingDayEnd, false),
        // Seed 002: respond within 24 working hours with a suggested next action.
        (Normal, NextUpdate) => (Target::WorkingMinutes(24 * 60), false),
        (Normal, Resolution) => (Target::WorkingMinutes(80 * 60), false),
        (_, Confirmation) => return None,
    })
}

/// Seed 002: a resolved ticket closes after 48 working hours without an answer.
pub const AUTO_CLOSE_DEFAULT_MINUTES: u32 = 48 * 60;

#[cfg(test)]
mod tests {
    use chrono::{Duration, NaiveDate, TimeZone};

    use super::*;
    use crate::calendar::{CalendarSpec, Holiday};

    fn utc(d: u32, h: u32, m: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 12, d, h, m, 0).single().expect("valid")
    }

    fn office() -> Calendar {
        CalendarSpec::office_hours("UTC").check().expect("valid")
    }

    fn goal(target: Target, calendar: &Calendar) -> Goal<'_> {
        Goal { target, calendar_id: 1, calendar }
    }

    fn clock(clocks: &[Clock], kind: ClockKind, cycle: i32) -> &Clock {
        clocks.iter().find(|c| c.kind == kind && c.cycle == cycle).expect("the clock exists")
    }

    use Fact::*;
    use Priority::*;
    use TicketState::*;

    /// A resolution clock started Monday 09:00 that waits on its requester `times` times, each
    /// wait 20 minutes long, every 40 minutes of office time.
    fn waited_on(times: usize) -> Clock {
        let mut facts = vec![(utc(7, 9, 0), Normal, Started { priority: Normal })];
        let mut at = utc(7, 9, 0);
        for _ in 0..times {
            at += Duration::minutes(20);
            facts.push((at, Normal, StateChanged { from: InProgress, to: Pending }));
            at += Duration::minutes(20);
            facts.push((at, Normal, StateChanged { from: Pending, to: InProgress }));
        }
        replay(facts).into_iter().find(|c| c.kind == ClockKind::Resolution).expect("a resolution clock")
    }

    #[test]
    fn folding_old_pauses_keeps_every_due_time_and_what_is_left() {
        let calendar = office();
        // 80 working hours: the clock is nowhere near due after 100 short waits.
        let goal = goal(Target::WorkingMinutes(80 * 60), &calendar);
        let whole = waited_on(100);
        let mut folded = whole.clone();
        assert!(folded.fold(&goal, 75), "200 pauses fold");
        assert_eq!(folded.pauses.len(), PAUSES_KEPT);
        assert!(folded.counted.is_some_and(|c| c.seconds > 0));
        assert_eq!(folded.due(&goal), whole.due(&goal));
        assert_eq!(folded.warn_at(&goal, 75), whole.warn_at(&goal, 75));
        for now in [utc(10, 12, 0), utc(14, 9, 30), utc(28, 18, 0)] {
            assert_eq!(folded.remaining(&goal, now), whole.remaining(&goal, now), "at {now}");
            assert_eq!(folded.is_breached(&goal, now), whole.is_breached(&goal, now));
        }
        // It goes on pausing and resuming as before.
        let mut more = folded.clone();
        more.pause(utc(16, 10, 0));
        more.resume(utc(16, 11, 0));
        let mut whole_more = whole.clone();
        whole_more.pause(utc(16, 10, 0));
        whole_more.resume(utc(16, 11, 0));
        assert_eq!(more.due(&goal), whole_more.due(&goal));
        assert!(!waited_on(10).fold(&goal, 75), "a few pauses stay as they are");
    }

    #[test]
    fn folding_never_passes_the_warning_point() {
        let calendar = office();
        // Two working hours: it warns at 90 minutes, long before the last of 40 waits.
        let short = goal(Target::WorkingMinutes(120), &calendar);
        let whole = waited_on(40);
        let mut folded = whole.clone();
        folded.fold(&short, 75);
        let warn = whole.warn_at(&short, 75).expect("a warning point");
        assert!(folded.counted.is_none_or(|c| c.until <= warn), "folded only up to {warn}");
        assert_eq!(folded.warn_at(&short, 75), whole.warn_at(&short, 75));
        assert_eq!(folded.due(&short), whole.due(&short));
        assert_eq!(folded.remaining(&short, utc(9, 12, 0)), whole.remaining(&short, utc(9, 12, 0)));
    }

    #[test]
    fn a_normal_ticket_filed_friday_evening_is_due_at_the_end_of_monday_or_tuesday_after_a_holiday() {
        // Friday 4 December 17:45.
        let clocks = replay([(utc(4, 17, 45), Normal, Started { priority: Normal })]);
        let first = clock(&clocks, ClockKind::FirstResponse, 1);
        let calendar = office();
        assert_eq!(first.due(&goal(Target::NextWorkingDayEnd, &calendar)), Some(utc(7, 17, 0)));
        let mut spec = CalendarSpec::office_hours("UTC");
        spec.holidays.push(Holiday {
            date: NaiveDate::from_ymd_opt(2026, 12, 7).expect("date"),
            every_year: false,
            name: "Closed".into(),
        });
        let with_holiday = spec.check().expect("valid");
        assert_eq!(first.due(&goal(Target::NextWorkingDayEnd, &with_holiday)), Some(utc(8, 17, 0)));
    }

    #[test]
    fn pending_pauses_next_update_and_resolution_but_not_first_response() {
        let calendar = office();
        let clocks = replay([
            (utc(7, 9, 0), Urgent, Started { priority: Urgent }),
            (utc(7, 10, 0), Urgent, StateChanged { from: Open, to: Pending }),
            (utc(7, 14, 0), Urgent, StateChanged { from: Pending, to: Open }),
        ]);
        let hour = goal(Target::WorkingMinutes(60), &calendar);
        let first = clock(&clocks, ClockKind::FirstResponse, 1);
        assert_eq!(first.due(&hour), Some(utc(7, 10, 0)), "first response runs on");
        let resolution = clock(&clocks, ClockKind::Resolution, 1);
        let two_hours = goal(Target::WorkingMinutes(120), &calendar);
        // One hour spent before the pause, the second hour after it ends.
        assert_eq!(resolution.due(&two_hours), Some(utc(7, 15, 0)));
        assert!(!resolution.is_paused());

        let paused = replay([
            (utc(7, 9, 0), Urgent, Started { priority: Urgent }),
            (utc(7, 9, 30), Urgent, StateChanged { from: Open, to: Pending }),
        ]);
        let resolution = clock(&paused, ClockKind::Resolution, 1);
        assert!(resolution.is_paused());
        assert_eq!(resolution.due(&two_hours), None, "a clock standing still is not due");
        assert_eq!(resolution.remaining(&two_hours, utc(9, 9, 0)), 90 * 60, "days later, still 90 minutes left");
        assert!(!resolution.is_breached(&two_hours, utc(9, 9, 0)));
    }

    #[test]
    fn support_replies_meet_first_response_and_each_next_update() {
        let calendar = office();
        let clocks = replay([
            (utc(7, 9, 0), Normal, Started { priority: Normal }),
            (utc(7, 9, 20), Normal, SupportReplied),
            (utc(7, 11, 0), Normal, SupportReplied),
            (utc(7, 12, 0), Normal, StateChanged { from: Open, to: Resolved }),
        ]);
        assert_eq!(clock(&clocks, ClockKind::FirstResponse, 1).met_at, Some(utc(7, 9, 20)));
        assert_eq!(clock(&clocks, ClockKind::NextUpdate, 1).met_at, Some(utc(7, 11, 0)));
        let second = clock(&clocks, ClockKind::NextUpdate, 2);
        assert_eq!((second.met_at, second.stopped_at), (None, Some(utc(7, 12, 0))), "resolving stops it");
        assert_eq!(clock(&clocks, ClockKind::Resolution, 1).met_at, Some(utc(7, 12, 0)));
        let waiting = clock(&clocks, ClockKind::Confirmation, 1);
        assert!(waiting.is_running());
        let two_days = goal(Target::WorkingMinutes(48 * 60), &calendar);
        // 48 working hours of 8-hour days: six working days later, Tuesday 15th at 12:00.
        assert_eq!(waiting.due(&two_days), Some(utc(15, 12, 0)));
        assert!(!waiting.is_breached(&two_days, utc(20, 0, 0)), "closing by itself is no broken promise");
    }

    #[test]
    fn resolving_with_a_first_public_reason_meets_first_response() {
        let clocks = replay([
            (utc(7, 9, 0), Normal, Started { priority: Normal }),
            (utc(7, 9, 30), Normal, StateChanged { from: Open, to: Resolved }),
            (utc(7, 9, 30), Normal, SupportReplied),
        ]);
        let first = clock(&clocks, ClockKind::FirstResponse, 1);
        assert_eq!((first.met_at, first.stopped_at), (Some(utc(7, 9, 30)), None));
        assert!(clocks.iter().all(|c| c.kind != ClockKind::NextUpdate), "no update is owed on a resolved ticket");
    }

    #[test]
    fn a_reply_late_is_a_breach_stored_with_the_clock() {
        let calendar = office();
        let clocks =
            replay([(utc(7, 9, 0), Urgent, Started { priority: Urgent }), (utc(7, 10, 30), Urgent, SupportReplied)]);
        let hour = goal(Target::WorkingMinutes(60), &calendar);
        let first = clock(&clocks, ClockKind::FirstResponse, 1);
        assert!(first.is_breached(&hour, utc(7, 10, 30)));
        assert_eq!(first.remaining(&hour, utc(8, 9, 0)), -30 * 60, "overdue by 30 working minutes when met");
    }

    #[test]
    fn a_priority_change_keeps_the_time_spent_and_applies_the_new_target() {
        let calendar = office();
        let always = Calendar::always();
        let mut clocks = replay([(utc(7, 9, 0), Normal, Started { priority: Normal })]);
        apply(&mut clocks, PriorityChanged { to: ProductionDown }, Normal, utc(7, 9, 10));
        let first = clock(&clocks, ClockKind::FirstResponse, 1);
        assert_eq!(first.priority, ProductionDown);
        // Ten minutes already spent: the 30-minute target is due 20 minutes after the change.
        assert_eq!(first.due(&goal(Target::WorkingMinutes(30), &always)), Some(utc(7, 9, 30)));
        // A clock already met keeps the priority it was met under.
        let mut met =
            replay([(utc(7, 9, 0), Normal, Started { priority: Normal }), (utc(7, 9, 5), Normal, SupportReplied)]);
        apply(&mut met, PriorityChanged { to: Urgent }, Normal, utc(7, 9, 10));
        assert_eq!(clock(&met, ClockKind::FirstResponse, 1).priority, Normal);
        assert_eq!(clock(&met, ClockKind::NextUpdate, 1).priority, Urgent);
        let _ = calendar;
    }

    #[test]
    fn reopening_starts_a_new_resolution_clock_and_stops_the_wait_for_confirmation() {
        let clocks = replay([
            (utc(7, 9, 0), Normal, Started { priority: Normal }),
            (utc(7, 12, 0), Normal, StateChanged { from: Open, to: Resolved }),
            (utc(8, 9, 0), Normal, StateChanged { from: Resolved, to: Open }),
        ]);
        assert_eq!(clock(&clocks, ClockKind::Resolution, 1).met_at, Some(utc(7, 12, 0)));
        let second = clock(&clocks, ClockKind::Resolution, 2);
        assert_eq!((second.started_at, second.is_running()), (utc(8, 9, 0), true));
        assert_eq!(clock(&clocks, ClockKind::Confirmation, 1).stopped_at, Some(utc(8, 9, 0)));
    }

    #[test]
    fn an_answer_while_resolved_starts_the_wait_again() {
        let calendar = office();
        let clocks = replay([
            (utc(7, 9, 0), Normal, Started { priority: Normal }),
            (utc(7, 12, 0), Normal, StateChanged { from: Open, to: Resolved }),
            (utc(14, 11, 0), Normal, RequesterAnswered),
        ]);
        let two_days = goal(Target::WorkingMinutes(48 * 60), &calendar);
        assert_eq!(clock(&clocks, ClockKind::Confirmation, 1).stopped_at, Some(utc(14, 11, 0)));
        assert_eq!(clock(&clocks, ClockKind::Confirmation, 2).due(&two_days), Some(utc(22, 11, 0)));
    }

    #[test]
    fn a_request_awaiting_approval_starts_its_clocks_when_approved_and_never_if_declined() {
        assert!(replay([(utc(7, 9, 0), Normal, StateChanged { from: AwaitingApproval, to: Closed })]).is_empty());
        let clocks = replay([(utc(7, 9, 0), Normal, StateChanged { from: AwaitingApproval, to: New })]);
        assert_eq!(clock(&clocks, ClockKind::FirstResponse, 1).started_at, utc(7, 9, 0));
        assert_eq!(clocks.len(), 2);
    }

    #[test]
    fn a_warning_comes_at_its_share_of_the_target_in_working_time() {
        let calendar = office();
        let clocks = replay([(utc(4, 16, 0), Urgent, Started { priority: Urgent })]);
        let first = clock(&clocks, ClockKind::FirstResponse, 1);
        // Four working hours from Friday 16:00: one on Friday, three on Monday.
        let four = goal(Target::WorkingMinutes(240), &calendar);
        assert_eq!(first.warn_at(&four, 75), Some(utc(7, 11, 0)));
        assert_eq!(first.due(&four), Some(utc(7, 12, 0)));
    }

    #[test]
    fn only_facts_that_touch_a_clock_matter() {
        assert!(!matters(&StateChanged { from: New, to: Open }));
        assert!(!matters(&StateChanged { from: Open, to: InProgress }));
        assert!(matters(&StateChanged { from: InProgress, to: Pending }));
        assert!(matters(&StateChanged { from: Resolved, to: Open }));
        assert!(matters(&SupportReplied));
    }

    #[test]
    fn badges_say_how_long_is_left_or_how_late_it_is() {
        assert_eq!(badge_words(ClockKind::FirstResponse, Some(35 * 60 + 20)), "responds in 35 min");
        assert_eq!(badge_words(ClockKind::FirstResponse, Some(-2 * 3600 - 5)), "response overdue 2 h");
        assert_eq!(badge_words(ClockKind::NextUpdate, None), "next update paused");
        assert_eq!(badge_words(ClockKind::Resolution, Some(3 * 86_400 + 10)), "resolve in 3 d");
        assert_eq!(badge_words(ClockKind::Confirmation, Some(20 * 3600)), "closes by itself in 20 h");
        assert_eq!(badge_words(ClockKind::Confirmation, Some(-1)), "closing now");
        assert_eq!(span_words(5), "1 min");
        assert_eq!(span_words(47 * 3600 + 59 * 60), "47 h");
        assert!(breaching_soon(59 * 60) && breaching_soon(-10) && !breaching_soon(3600));
    }

    #[test]
    fn every_shipped_target_reads_and_is_valid() {
        for priority in Priority::ALL {
            for kind in ClockKind::TARGETED {
                let (target, _) = default_target(*priority, kind).expect("a default");
                assert!(target.check("target").is_ok());
            }
        }
        assert_eq!(Target::WorkingMinutes(30).words(), "30 minutes");
        assert_eq!(Target::WorkingMinutes(60).words(), "1 hour");
        assert_eq!(Target::WorkingMinutes(0).check("t").expect_err("refused").field, "t");
        // The seeds' table, as the support page says it.
        let says = |priority| {
            let of = |kind| default_target(priority, kind);
            promise_words(of(ClockKind::FirstResponse), of(ClockKind::NextUpdate), of(ClockKind::Resolution))
        };
        assert_eq!(
            says(ProductionDown),
            "First response within 30 minutes, 24/7. Updates at least every 1 hour, 24/7. Resolution within 24 hours, 24/7."
        );
        assert_eq!(
            says(Urgent),
            "First response within 1 business hour. Updates at least every 4 business hours. Resolution within 16 business hours."
        );
        assert!(says(Normal).starts_with("First response by the end of the next working day."));
        let _ = Duration::zero();
    }
}
