//! Incidents (seed 002): the one place that decides an incident's phase, who commands it, when
//! its next update is due, when its report is due, and when it may close.
//!
//! ```text
//!                identify               monitor                resolve            close
//! Investigating ─────────► Identified ─────────► Monitoring ─────────► Resolved ───────► Closed
//!    ▲     │ monitor, resolve  │ resolve             │                    │
//!    │     └───────────────────┼─────────────────────┼──► (Monitoring, Resolved)
//!    ├──── investigate ────────┴─────────────────────┘  (the cause was wrong; it came back)
//!    └──── reopen ──────────────────────────────────────────────────────┘
//! ```
//!
//! Closed is final: an incident that comes back after closing is a new incident, linked to the
//! same tickets. Closing needs the blameless report published and either the affected
//! representatives' confirmation or a quiet period without an answer (48 hours, seed 002).
//!
//! Roles are rows with the time each started and ended (PRODUCT.md): the commander is the one
//! commander row not yet ended. [`Roster`] keeps the invariant that there is exactly one from
//! declaration on; a handover ends one row and starts the other at the same instant.
//!
//! Who may take a step is not decided here but in [`crate::authz`].

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use crate::Priority;
use crate::values::text_enum;

text_enum! {
    /// Where an incident is.
    Phase {
        /// Something is wrong; the cause is not known yet.
        Investigating = ("investigating", "Investigating"),
        /// The cause is known; a fix is being worked on.
        Identified = ("identified", "Identified"),
        /// A fix is in; the team watches that it holds.
        Monitoring = ("monitoring", "Monitoring"),
        /// The service is back; the report and the confirmations are outstanding.
        Resolved = ("resolved", "Resolved"),
        /// Done: the report is published and the communities confirmed (or did not answer).
        Closed = ("closed", "Closed"),
    }
}

text_enum! {
    /// A step of the incident lifecycle.
    Step {
        Identify = ("identify", "Cause identified"),
        Monitor = ("monitor", "Fix in, monitoring"),
        /// Back to investigating: the cause was wrong, or the problem came back.
        Investigate = ("investigate", "Back to investigating"),
        Resolve = ("resolve", "Resolve"),
        Reopen = ("reopen", "Reopen"),
        Close = ("close", "Close"),
    }
}

text_enum! {
    /// A part someone plays in an incident's response (seed 002).
    Role {
        /// The source of truth about the incident and its plan; delegates, does not act.
        Commander = ("commander", "Incident commander"),
        /// Keeps the communities informed.
        SupportSteward = ("support_steward", "Support steward"),
        /// Takes actions as directed by the commander.
        SubjectMatterExpert = ("subject_matter_expert", "Subject-matter expert"),
    }
}

text_enum! {
    /// Where the blameless report is.
    ReportState {
        Draft = ("draft", "Draft"),
        InReview = ("in_review", "In review"),
        Published = ("published", "Published"),
    }
}

impl Phase {
    /// Whether the response is still going on (the incident is on the active list).
    pub fn is_active(self) -> bool {
        matches!(self, Phase::Investigating | Phase::Identified | Phase::Monitoring)
    }
}

/// The lifecycle refused a step; `Display` says why in words a person can act on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StepRefused {
    pub from: Phase,
    pub step: Step,
}

impl std::fmt::Display for StepRefused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let Self { from, step } = *self;
        let hint = match (step, from) {
            (_, Phase::Closed) => "it is closed; declare a new incident if the problem is back",
            (Step::Close, _) => "only a resolved incident can be closed",
            (Step::Reopen, _) => "only a resolved incident can be reopened",
            (_, Phase::Resolved) => "it is resolved; reopen it first",
            _ if step_target(step) == Some(from) => "it is there already",
            _ => "that step does not lead on from here",
        };
        write!(f, "Cannot take the step \"{}\" on an incident that is {}: {hint}.", step.label(), from.label())
    }
}

impl std::error::Error for StepRefused {}

/// The phase a step leads to, wherever it is taken from.
fn step_target(step: Step) -> Option<Phase> {
    match step {
        Step::Identify => Some(Phase::Identified),
        Step::Monitor => Some(Phase::Monitoring),
        Step::Investigate | Step::Reopen => Some(Phase::Investigating),
        Step::Resolve => Some(Phase::Resolved),
        Step::Close => Some(Phase::Closed),
    }
}

/// The phase `step` moves an incident in phase `from` to. Closing has conditions of its own
/// ([`may_close`]), checked besides this.
pub fn next_phase(from: Phase, step: Step) -> Result<Phase, StepRefused> {
    use Phase::*;
    let to = match (step, from) {
        (Step::Identify, Investigating) => Identified,
        (Step::Monitor, Investigating | Identified) => Monitoring,
        (Step::Investigate, Identified | Monitoring) => Investigating,
        (Step::Resolve, Investigating | Identified | Monitoring) => Resolved,
        (Step::Reopen, Resolved) => Investigating,
        (Step::Close, Resolved) => Closed,
        _ => return Err(StepRefused { from, step }),
    };
    Ok(to)
}

/// The steps that lead on from `phase`, in the order they are offered.
pub fn steps_from(phase: Phase) -> Vec<Step> {
    Step::ALL.iter().copied().filter(|&step| next_phase(phase, step).is_ok()).collect()
}

/// How often a public update is owed, per severity (seed 002: "every few hours"). Admins change
/// it; these are the defaults.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Cadence {
    pub production_down: Duration,
    pub urgent: Duration,
    pub normal: Duration,
}

impl Default for Cadence {
    fn default() -> Self {
        Cadence { production_down: Duration::hours(1), urgent: Duration::hours(4), normal: Duration::days(1) }
    }
}

/// The shortest and longest time between two public updates an admin may set, in minutes.
pub const CADENCE_MINUTES: std::ops::RangeInclusive<i32> = 5..=10_080;

impl Cadence {
    /// A cadence from minutes per severity; the severities whose minutes are out of
    /// [`CADENCE_MINUTES`] otherwise.
    pub fn from_minutes(production_down: i32, urgent: i32, normal: i32) -> Result<Cadence, Vec<Priority>> {
        let bad: Vec<Priority> =
            [(Priority::ProductionDown, production_down), (Priority::Urgent, urgent), (Priority::Normal, normal)]
                .into_iter()
                .filter(|(_, minutes)| !CADENCE_MINUTES.contains(minutes))
                .map(|(severity, _)| severity)
                .collect();
        if !bad.is_empty() {
            return Err(bad);
        }
        let every = |minutes: i32| Duration::minutes(i64::from(minutes));
        Ok(Cadence { production_down: every(production_down), urgent: every(urgent), normal: every(normal) })
    }

    /// The time between two public updates of an incident of `severity`.
    pub fn every(&self, severity: Priority) -> Duration {
        match severity {
            Priority::ProductionDown => self.production_down,
            Priority::Urgent => self.urgent,
            Priority::Normal => self.normal,
        }
    }

    /// When the next public update is due, after one posted (or the incident declared) at
    /// `last`; none once the incident is resolved (nothing more is owed but the report).
    pub fn next_update_due(&self, severity: Priority, phase: Phase, last: DateTime<Utc>) -> Option<DateTime<Utc>> {
        phase.is_active().then(|| last + self.every(severity))
    }
}

/// Where the next update stands at a moment, for the "next update due" countdown.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UpdateClock {
    /// Due in this long.
    DueIn(Duration),
    /// Overdue by this long: the screen shows it as urgent.
    Overdue(Duration),
}

/// The countdown to `due` at `now` (due exactly now counts as overdue: the update is owed).
pub fn update_clock(due: DateTime<Utc>, now: DateTime<Utc>) -> UpdateClock {
    if now < due { UpdateClock::DueIn(due - now) } else { UpdateClock::Overdue(now - due) }
}

/// How long a resolved or closed incident stays on the public status page.
pub const RECENT_ON_STATUS: Duration = Duration::days(7);

/// Whether a public incident is on the status page at `now`: while the response goes on, and
/// for [`RECENT_ON_STATUS`] after its resolution.
pub fn on_status_page(public: bool, resolved_at: Option<DateTime<Utc>>, now: DateTime<Utc>) -> bool {
    public && resolved_at.is_none_or(|resolved| now - resolved <= RECENT_ON_STATUS)
}

/// How long after resolution the report is due (seed 003: within about three days).
pub const REPORT_DUE_AFTER: Duration = Duration::days(3);

/// How long the affected communities have to answer a resolution before the incident may be
/// closed without their confirmation (seed 002: 48 working hours, on the team's business
/// calendar; see [`quiet_until`]).
pub const QUIET_BEFORE_CLOSE: Duration = Duration::hours(48);

/// Until when the communities may still answer an incident resolved at `resolved_at`:
/// [`QUIET_BEFORE_CLOSE`] of working time on `calendar`.
pub fn quiet_until(resolved_at: DateTime<Utc>, calendar: &crate::calendar::Calendar) -> DateTime<Utc> {
    calendar.add_working(resolved_at, QUIET_BEFORE_CLOSE.num_seconds(), &[]).unwrap_or(resolved_at + QUIET_BEFORE_CLOSE)
}

/// What closing waits for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CloseFacts {
    pub report: ReportState,
    /// When the communities' time to answer ends ([`quiet_until`]).
    pub quiet_until: DateTime<Utc>,
    /// Whether every affected community's representatives confirmed the resolution.
    pub confirmed: bool,
}

/// Why an incident may not close yet; `Display` says what is missing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CloseRefused {
    /// The report is not published.
    ReportNotPublished(ReportState),
    /// The communities have not confirmed, and may still answer until `until`.
    AwaitingConfirmation { until: DateTime<Utc> },
}

impl std::fmt::Display for CloseRefused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CloseRefused::ReportNotPublished(state) => {
                write!(f, "Publish the incident report first (it is {}).", state.label().to_lowercase())
            }
            CloseRefused::AwaitingConfirmation { until } => write!(
                f,
                "The affected communities have not confirmed the resolution; without their answer it can be closed from {}.",
                until.format("%Y-%m-%d %H:%M UTC")
            ),
        }
    }
}

impl std::error::Error for CloseRefused {}

/// Whether a resolved incident may close at `now`: its report published, and the communities'
/// confirmation, or no answer by [`CloseFacts::quiet_until`].
pub fn may_close(facts: CloseFacts, now: DateTime<Utc>) -> Result<(), CloseRefused> {
    if facts.report != ReportState::Published {
        return Err(CloseRefused::ReportNotPublished(facts.report));
    }
    let until = facts.quiet_until;
    if facts.confirmed || now >= until { Ok(()) } else { Err(CloseRefused::AwaitingConfirmation { until }) }
}

/// When the report of an incident resolved at `resolved_at` is due.
pub fn report_due(resolved_at: DateTime<Utc>) -> DateTime<Utc> {
    resolved_at + REPORT_DUE_AFTER
}

/// A move of the report the rules refuse; `Display` says why.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ReportMoveRefused {
    pub from: ReportState,
    pub to: ReportState,
}

impl std::fmt::Display for ReportMoveRefused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let hint = match self.from {
            ReportState::Published => "a published report stays as it was published",
            ReportState::Draft => "a draft goes to review first",
            ReportState::InReview => "it is in review already",
        };
        write!(f, "The report cannot go from {} to {}: {hint}.", self.from.label(), self.to.label())
    }
}

impl std::error::Error for ReportMoveRefused {}

/// Whether the report may move from `from` to `to`: Draft -> In review -> Published, and back
/// from review to the draft when it needs more work. A published report is final.
pub fn move_report(from: ReportState, to: ReportState) -> Result<(), ReportMoveRefused> {
    use ReportState::*;
    match (from, to) {
        (Draft, InReview) | (InReview, Draft) | (InReview, Published) => Ok(()),
        _ => Err(ReportMoveRefused { from, to }),
    }
}

/// Whether the report may still be edited.
pub fn report_editable(state: ReportState) -> bool {
    state != ReportState::Published
}

/// One role played by one person, from `started_at` until `ended_at` (still playing it: none).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Assignment {
    pub person_id: i64,
    pub role: Role,
    pub started_at: DateTime<Utc>,
    pub ended_at: Option<DateTime<Utc>>,
}

impl Assignment {
    fn is_current(&self) -> bool {
        self.ended_at.is_none()
    }
}

/// A change to the roles, as the rows to write: end these (by index in the roster), start this.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RoleChange {
    pub end: Vec<usize>,
    pub start: Option<Assignment>,
}

/// A role change the rules refuse; `Display` says why.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RoleRefused {
    /// The handover names who is commander already.
    AlreadyCommander,
    /// The person already plays the role.
    AlreadyInRole(Role),
    /// The commander is not stepped down but handed over, so there always is one.
    CommanderLeavesOnlyByHandover,
    /// The person does not play the role.
    NotInRole(Role),
    /// A role change after the incident closed.
    Closed,
}

impl std::fmt::Display for RoleRefused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RoleRefused::AlreadyCommander => f.write_str("They are the incident commander already."),
            RoleRefused::AlreadyInRole(role) => write!(f, "They are a {} already.", role.label().to_lowercase()),
            RoleRefused::CommanderLeavesOnlyByHandover => {
                f.write_str("An incident always has a commander: hand over to someone else instead.")
            }
            RoleRefused::NotInRole(role) => write!(f, "They are not a {}.", role.label().to_lowercase()),
            RoleRefused::Closed => f.write_str("The incident is closed; its roles are history."),
        }
    }
}

impl std::error::Error for RoleRefused {}

/// Everyone's roles in one incident, past and present, as stored.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Roster {
    pub assignments: Vec<Assignment>,
}

impl Roster {
    /// The roster of a new incident: `commander` (whoever declared it, unless they named
    /// someone else) and the support stewards (by default, those on support duty), from `at`.
    pub fn declared(commander: i64, support_stewards: &[i64], at: DateTime<Utc>) -> Roster {
        let mut roster = Roster::default();
        roster.assignments.push(Assignment {
            person_id: commander,
            role: Role::Commander,
            started_at: at,
            ended_at: None,
        });
        for &person_id in support_stewards {
            roster.assignments.push(Assignment {
                person_id,
                role: Role::SupportSteward,
                started_at: at,
                ended_at: None,
            });
        }
        roster
    }

    /// The commander now: the one commander row not yet ended.
    pub fn commander(&self) -> Option<i64> {
        self.current(Role::Commander).next()
    }

    /// Who plays `role` now, in the order they took it.
    pub fn current(&self, role: Role) -> impl Iterator<Item = i64> + '_ {
        self.assignments.iter().filter(move |a| a.role == role && a.is_current()).map(|a| a.person_id)
    }

    /// The commander at `at` (for the report's timeline): the row started by then and not ended.
    pub fn commander_at(&self, at: DateTime<Utc>) -> Option<i64> {
        self.assignments
            .iter()
            .filter(|a| a.role == Role::Commander && a.started_at <= at && a.ended_at.is_none_or(|end| end > at))
            .map(|a| a.person_id)
            .next()
    }

    /// The rows a handover of command to `to` at `at` writes: the current commander's row ends
    /// and `to`'s starts, at the same instant.
    pub fn hand_over(&self, to: i64, phase: Phase, at: DateTime<Utc>) -> Result<RoleChange, RoleRefused> {
        if phase == Phase::Closed {
            return Err(RoleRefused::Closed);
        }
        if self.commander() == Some(to) {
            return Err(RoleRefused::AlreadyCommander);
        }
        let end = self.indexes(Role::Commander, None).collect();
        Ok(RoleChange {
            end,
            start: Some(Assignment { person_id: to, role: Role::Commander, started_at: at, ended_at: None }),
        })
    }

    /// The rows that put `person_id` in a role other than commander at `at`.
    pub fn join(&self, person_id: i64, role: Role, phase: Phase, at: DateTime<Utc>) -> Result<RoleChange, RoleRefused> {
        if phase == Phase::Closed {
            return Err(RoleRefused::Closed);
        }
        if role == Role::Commander {
            return self.hand_over(person_id, phase, at);
        }
        if self.current(role).any(|p| p == person_id) {
            return Err(RoleRefused::AlreadyInRole(role));
        }
        Ok(RoleChange { end: Vec::new(), start: Some(Assignment { person_id, role, started_at: at, ended_at: None }) })
    }

    /// The rows that take `person_id` out of `role` (not commander: that is a handover).
    pub fn leave(&self, person_id: i64, role: Role, phase: Phase) -> Result<RoleChange, RoleRefused> {
        if phase == Phase::Closed {
            return Err(RoleRefused::Closed);
        }
        if role == Role::Commander {
            return Err(RoleRefused::CommanderLeavesOnlyByHandover);
        }
        let end: Vec<usize> = self.indexes(role, Some(person_id)).collect();
        if end.is_empty() {
            return Err(RoleRefused::NotInRole(role));
        }
        Ok(RoleChange { end, start: None })
    }

    /// The roster with `change` written at `at`.
    pub fn apply(&mut self, change: RoleChange, at: DateTime<Utc>) {
        for index in change.end {
            if let Some(row) = self.assignments.get_mut(index) {
                row.ended_at = Some(at);
            }
        }
        self.assignments.extend(change.start);
    }

    fn indexes(&self, role: Role, person_id: Option<i64>) -> impl Iterator<Item = usize> + '_ {
        self.assignments
            .iter()
            .enumerate()
            .filter(move |(_, a)| a.role == role && a.is_current() && person_id.is_none_or(|p| p == a.person_id))
            .map(|(index, _)| index)
    }
}

/// How long an entry's text may be on one line of the report's timeline.
pub const GIST_CHARS: usize = 160;

/// A text on one line for the report's timeline: its whitespace collapsed, cut after
/// [`GIST_CHARS`] characters with an ellipsis (an update's greeting alone says nothing).
fn gist(text: &str) -> String {
    let words = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if words.chars().count() <= GIST_CHARS {
        return words;
    }
    let cut: String = words.chars().take(GIST_CHARS).collect();
    format!("{}…", cut.trim_end())
}

/// One entry of an incident's timeline: the same type written to its log, read back and carried
/// by the API. Stored as `kind` (the variant in snake case) and `data` (its fields as JSON).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "data", rename_all = "snake_case")]
pub enum IncidentEvent {
    /// Declared, from scratch or by escalating a ticket.
    Declared { title: String, severity: Priority, commander_id: i64, escalated_ticket: Option<i64> },
    /// A step of the lifecycle.
    Stepped { step: Step, from: Phase, to: Phase },
    /// Command passed from one person to another at the same instant.
    CommandHandedOver { from_person_id: i64, to_person_id: i64 },
    /// Someone took or left a role other than commander.
    RoleChanged { person_id: i64, role: Role, joined: bool },
    /// A ticket (of this community) was linked.
    TicketLinked { ticket_number: i64, community_id: i64 },
    /// A community was named as affected by hand.
    CommunityAdded { community_id: i64 },
    /// An update: public ones also went out as a public reply on every linked ticket.
    UpdatePosted { body: String, public: bool, next_update_due: Option<DateTime<Utc>> },
    /// The report moved (a published one is readable by the affected communities).
    ReportMoved { from: ReportState, to: ReportState },
    /// A representative confirmed the resolution for their community.
    ResolutionConfirmed { community_id: i64 },
    /// Shown on the public status page, or taken off it.
    PublicitySet { public: bool },
    /// An entry was pinned as a key moment (the report's timeline is drafted from them), or
    /// unpinned.
    EntryPinned { entry_id: i64, pinned: bool },
    /// A task of the response was added.
    TaskAdded { task_id: i64, title: String, owner_id: Option<i64>, due_at: Option<DateTime<Utc>> },
    /// A task changed hands or was done (or opened again).
    TaskUpdated { task_id: i64, title: String, owner_id: Option<i64>, done: bool },
    /// Production down: Steward paged the person on call, or the next level (see
    /// [`crate::paging`]).
    Paged { page_id: i64, level: u32, people: Vec<i64> },
    /// Someone on the team acknowledged the page.
    PageAcknowledged { page_id: i64 },
    /// The page ended, and why.
    PageEnded { page_id: i64, because: crate::paging::Ended },
}

impl IncidentEvent {
    /// Every kind, as stored in the log's `kind` column (which accepts only these).
    pub const KINDS: &'static [&'static str] = &[
        "declared",
        "stepped",
        "command_handed_over",
        "role_changed",
        "ticket_linked",
        "community_added",
        "update_posted",
        "report_moved",
        "resolution_confirmed",
        "publicity_set",
        "entry_pinned",
        "task_added",
        "task_updated",
        "paged",
        "page_acknowledged",
        "page_ended",
    ];

    /// The entry as stored: its kind and its fields.
    pub fn to_stored(&self) -> Result<(String, serde_json::Value), serde_json::Error> {
        let mut tagged = serde_json::to_value(self)?;
        let kind = tagged.get("kind").and_then(serde_json::Value::as_str).unwrap_or_default().to_owned();
        let data = tagged.get_mut("data").map(serde_json::Value::take).unwrap_or(serde_json::Value::Null);
        Ok((kind, data))
    }

    /// The entry stored as `kind` and `data`.
    pub fn from_stored(kind: &str, data: &serde_json::Value) -> Result<IncidentEvent, serde_json::Error> {
        serde_json::from_value(serde_json::json!({ "kind": kind, "data": data }))
    }

    /// The entry as a line of the report's drafted timeline (what happened to the service and
    /// what the communities were told), or none for the team's bookkeeping.
    pub fn report_line(&self, at: DateTime<Utc>) -> Option<String> {
        let when = at.format("%Y-%m-%d %H:%M UTC");
        match self {
            IncidentEvent::Declared { title, .. } => Some(format!("- {when}: declared: {title}")),
            IncidentEvent::Stepped { to, .. } => Some(format!("- {when}: {}", to.label().to_lowercase())),
            IncidentEvent::UpdatePosted { body, public: true, .. } => Some(format!("- {when}: update: {}", gist(body))),
            _ => None,
        }
    }

    /// The entry as a line of the report's timeline when someone pinned it as a key moment: its
    /// [`report_line`](Self::report_line), or for an internal note its first line (the report is
    /// the team's to edit before it is published), or none for bookkeeping.
    pub fn key_moment_line(&self, at: DateTime<Utc>) -> Option<String> {
        match self {
            IncidentEvent::UpdatePosted { body, public: false, .. } => {
                Some(format!("- {}: note: {}", at.format("%Y-%m-%d %H:%M UTC"), gist(body)))
            }
            other => other.report_line(at),
        }
    }

    /// Whether the entry is the response team's only. The affected communities see that the
    /// incident was declared, its phases and its public updates; who does what, which tickets are
    /// linked (they may be another community's) and internal updates stay with the team.
    pub fn is_internal(&self) -> bool {
        match self {
            IncidentEvent::Declared { .. }
            | IncidentEvent::Stepped { .. }
            | IncidentEvent::ResolutionConfirmed { .. } => false,
            IncidentEvent::ReportMoved { to, .. } => *to != ReportState::Published,
            IncidentEvent::UpdatePosted { public, .. } => !public,
            IncidentEvent::CommandHandedOver { .. }
            | IncidentEvent::RoleChanged { .. }
            | IncidentEvent::TicketLinked { .. }
            | IncidentEvent::CommunityAdded { .. }
            | IncidentEvent::PublicitySet { .. }
            | IncidentEvent::EntryPinned { .. }
            | IncidentEvent::TaskAdded { .. }
            | IncidentEvent::TaskUpdated { .. }
            | IncidentEvent::Paged { .. }
            | IncidentEvent::PageAcknowledged { .. }
            | IncidentEvent::PageEnded { .. } => true,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(hour: i64) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 12, 1, 0, 0, 0).single().expect("a time") + Duration::hours(hour)
    }

    #[test]
    fn every_phase_and_step_has_its_one_answer() {
        use Phase::*;
        use Step::*;
        let expected: &[(Phase, &[(Step, Phase)])] = &[
            (Investigating, &[(Identify, Identified), (Monitor, Monitoring), (Resolve, Resolved)]),
            (Identified, &[(Monitor, Monitoring), (Investigate, Investigating), (Resolve, Resolved)]),
            (Monitoring, &[(Investigate, Investigating), (Resolve, Resolved)]),
            (Resolved, &[(Reopen, Investigating), (Close, Closed)]),
            (Closed, &[]),
        ];
        assert_eq!(expected.len(), Phase::ALL.len());
        for &(from, allowed) in expected {
            for &step in Step::ALL {
                let wanted = allowed.iter().find(|(s, _)| *s == step).map(|(_, to)| *to);
                assert_eq!(next_phase(from, step).ok(), wanted, "{from:?} --{step:?}-->");
            }
            let offered: Vec<Step> = allowed.iter().map(|(s, _)| *s).collect();
            assert_eq!(steps_from(from), offered, "offered from {from:?}");
        }
    }

    #[test]
    fn a_refused_step_says_what_to_do_instead() {
        let refused = |from, step| next_phase(from, step).expect_err("refused").to_string();
        assert!(refused(Phase::Closed, Step::Reopen).contains("declare a new incident"));
        assert!(refused(Phase::Monitoring, Step::Close).contains("only a resolved incident can be closed"));
        assert!(refused(Phase::Resolved, Step::Identify).contains("reopen it first"));
        assert!(refused(Phase::Identified, Step::Identify).contains("there already"));
        assert!(refused(Phase::Monitoring, Step::Identify).contains("does not lead on"));
    }

    #[test]
    fn the_next_update_is_due_one_cadence_after_the_last_while_the_response_goes_on() {
        let cadence = Cadence::default();
        assert_eq!(cadence.next_update_due(Priority::ProductionDown, Phase::Investigating, at(0)), Some(at(1)));
        assert_eq!(cadence.next_update_due(Priority::Urgent, Phase::Identified, at(0)), Some(at(4)));
        assert_eq!(cadence.next_update_due(Priority::Normal, Phase::Monitoring, at(0)), Some(at(24)));
        for phase in [Phase::Resolved, Phase::Closed] {
            assert_eq!(cadence.next_update_due(Priority::ProductionDown, phase, at(0)), None, "{phase:?}");
        }
        let admins = Cadence { production_down: Duration::minutes(30), ..Cadence::default() };
        assert_eq!(
            admins.next_update_due(Priority::ProductionDown, Phase::Investigating, at(0)),
            Some(at(0) + Duration::minutes(30))
        );
    }

    #[test]
    fn the_countdown_turns_overdue_when_the_update_is_owed() {
        assert_eq!(update_clock(at(2), at(1)), UpdateClock::DueIn(Duration::hours(1)));
        assert_eq!(update_clock(at(2), at(2)), UpdateClock::Overdue(Duration::zero()));
        assert_eq!(update_clock(at(2), at(5)), UpdateClock::Overdue(Duration::hours(3)));
    }

    #[test]
    fn closing_waits_for_the_published_report_and_the_confirmation_or_48_quiet_working_hours() {
        let always = crate::calendar::Calendar::always();
        let facts = |report, confirmed| CloseFacts { report, quiet_until: quiet_until(at(0), &always), confirmed };
        for report in [ReportState::Draft, ReportState::InReview] {
            assert_eq!(may_close(facts(report, true), at(100)), Err(CloseRefused::ReportNotPublished(report)));
        }
        assert_eq!(may_close(facts(ReportState::Published, true), at(1)), Ok(()));
        let waiting = may_close(facts(ReportState::Published, false), at(47));
        assert_eq!(waiting, Err(CloseRefused::AwaitingConfirmation { until: at(48) }));
        assert!(waiting.expect_err("waiting").to_string().contains("2026-12-03 00:00 UTC"));
        assert_eq!(may_close(facts(ReportState::Published, false), at(48)), Ok(()));
        // On office hours (09:00-17:00 UTC, weekdays), resolved Tuesday 1 December at midnight:
        // six working days, so Tuesday the 8th at 17:00.
        let office = crate::calendar::CalendarSpec::office_hours("UTC").check().expect("valid");
        assert_eq!(quiet_until(at(0), &office), at(7 * 24 + 17));
    }

    #[test]
    fn declaring_makes_one_commander_and_the_support_stewards() {
        let roster = Roster::declared(7, &[3, 4], at(0));
        assert_eq!(roster.commander(), Some(7));
        assert_eq!(roster.current(Role::SupportSteward).collect::<Vec<_>>(), [3, 4]);
        assert_eq!(roster.current(Role::SubjectMatterExpert).count(), 0);
    }

    #[test]
    fn a_handover_ends_one_command_and_starts_the_next_at_the_same_instant() {
        let mut roster = Roster::declared(7, &[], at(0));
        let change = roster.hand_over(9, Phase::Investigating, at(2)).expect("handover");
        roster.apply(change, at(2));
        assert_eq!(roster.commander(), Some(9));
        assert_eq!(roster.commander_at(at(1)), Some(7));
        assert_eq!(roster.commander_at(at(2)), Some(9), "never none, never two, at the handover");
        let first = &roster.assignments[0];
        assert_eq!((first.person_id, first.ended_at), (7, Some(at(2))));
        assert_eq!(roster.hand_over(9, Phase::Identified, at(3)), Err(RoleRefused::AlreadyCommander));
        assert_eq!(roster.hand_over(7, Phase::Closed, at(3)), Err(RoleRefused::Closed));
    }

    #[test]
    fn experts_and_stewards_come_and_go_but_the_commander_only_hands_over() {
        let mut roster = Roster::declared(7, &[3], at(0));
        let joined = roster.join(5, Role::SubjectMatterExpert, Phase::Identified, at(1)).expect("join");
        roster.apply(joined, at(1));
        assert_eq!(
            roster.join(5, Role::SubjectMatterExpert, Phase::Identified, at(1)),
            Err(RoleRefused::AlreadyInRole(Role::SubjectMatterExpert))
        );
        // One person may play several roles (seed 002).
        let both = roster.join(7, Role::SubjectMatterExpert, Phase::Identified, at(1)).expect("commander and expert");
        roster.apply(both, at(1));
        let left = roster.leave(5, Role::SubjectMatterExpert, Phase::Monitoring).expect("leave");
        roster.apply(left, at(2));
        assert_eq!(roster.current(Role::SubjectMatterExpert).collect::<Vec<_>>(), [7]);
        assert_eq!(
            roster.leave(5, Role::SubjectMatterExpert, Phase::Monitoring),
            Err(RoleRefused::NotInRole(Role::SubjectMatterExpert))
        );
        assert_eq!(
            roster.leave(7, Role::Commander, Phase::Monitoring),
            Err(RoleRefused::CommanderLeavesOnlyByHandover)
        );
        // Joining as commander is a handover.
        let taken = roster.join(3, Role::Commander, Phase::Monitoring, at(3)).expect("take command");
        roster.apply(taken, at(3));
        assert_eq!(roster.commander(), Some(3));
    }

    /// Every sequence of up to four role changes among three people, from a declared incident:
    /// whatever the rules let through, there is exactly one commander after each change, and at
    /// every instant of the history.
    #[test]
    fn no_sequence_of_role_changes_leaves_zero_or_two_commanders() {
        #[derive(Clone, Copy, Debug)]
        enum Change {
            HandOver(i64),
            Join(i64, Role),
            Leave(i64, Role),
        }
        let mut changes = Vec::new();
        for person in 1..=3 {
            changes.push(Change::HandOver(person));
            for &role in Role::ALL {
                changes.push(Change::Join(person, role));
                changes.push(Change::Leave(person, role));
            }
        }
        let mut sequences: Vec<Vec<Change>> = vec![Vec::new()];
        for _ in 0..4 {
            sequences = sequences
                .into_iter()
                .flat_map(|seq| {
                    changes.iter().map(move |&c| {
                        let mut longer = seq.clone();
                        longer.push(c);
                        longer
                    })
                })
                .collect();
            for sequence in &sequences {
                let mut roster = Roster::declared(1, &[2], at(0));
                for (i, &change) in sequence.iter().enumerate() {
                    let when = at(i as i64 + 1);
                    let result = match change {
                        Change::HandOver(to) => roster.hand_over(to, Phase::Investigating, when),
                        Change::Join(person, role) => roster.join(person, role, Phase::Investigating, when),
                        Change::Leave(person, role) => roster.leave(person, role, Phase::Investigating),
                    };
                    if let Ok(change) = result {
                        roster.apply(change, when);
                    }
                    assert_eq!(roster.current(Role::Commander).count(), 1, "after {sequence:?}");
                    for hour in 0..=sequence.len() as i64 + 1 {
                        let commanders = roster
                            .assignments
                            .iter()
                            .filter(|a| {
                                a.role == Role::Commander
                                    && a.started_at <= at(hour)
                                    && a.ended_at.is_none_or(|end| end > at(hour))
                            })
                            .count();
                        assert_eq!(commanders, 1, "at hour {hour} after {sequence:?}");
                    }
                }
            }
        }
    }

    #[test]
    fn every_entry_is_stored_under_a_kind_the_log_accepts_and_reads_back_as_written() {
        let entries = [
            IncidentEvent::Declared {
                title: "Hub down".into(),
                severity: Priority::ProductionDown,
                commander_id: 7,
                escalated_ticket: Some(3),
            },
            IncidentEvent::Stepped { step: Step::Identify, from: Phase::Investigating, to: Phase::Identified },
            IncidentEvent::CommandHandedOver { from_person_id: 7, to_person_id: 9 },
            IncidentEvent::RoleChanged { person_id: 5, role: Role::SubjectMatterExpert, joined: true },
            IncidentEvent::TicketLinked { ticket_number: 4, community_id: 2 },
            IncidentEvent::CommunityAdded { community_id: 3 },
            IncidentEvent::UpdatePosted { body: "Back".into(), public: true, next_update_due: Some(at(1)) },
            IncidentEvent::ReportMoved { from: ReportState::InReview, to: ReportState::Published },
            IncidentEvent::ResolutionConfirmed { community_id: 2 },
            IncidentEvent::PublicitySet { public: true },
            IncidentEvent::EntryPinned { entry_id: 12, pinned: true },
            IncidentEvent::TaskAdded {
                task_id: 1,
                title: "Raise quota".into(),
                owner_id: Some(5),
                due_at: Some(at(2)),
            },
            IncidentEvent::TaskUpdated { task_id: 1, title: "Raise quota".into(), owner_id: None, done: true },
            IncidentEvent::Paged { page_id: 4, level: 1, people: vec![7] },
            IncidentEvent::PageAcknowledged { page_id: 4 },
            IncidentEvent::PageEnded { page_id: 4, because: crate::paging::Ended::IncidentResolved },
        ];
        let mut kinds = Vec::new();
        for entry in entries {
            let (kind, data) = entry.to_stored().expect("stored");
            assert_eq!(IncidentEvent::from_stored(&kind, &data).expect("read back"), entry);
            kinds.push(kind);
        }
        assert_eq!(kinds, IncidentEvent::KINDS);
        let internal = IncidentEvent::UpdatePosted { body: "x".into(), public: false, next_update_due: None };
        assert!(internal.is_internal());
    }

    #[test]
    fn the_report_goes_through_review_to_published_and_stays_there() {
        use ReportState::*;
        for &from in ReportState::ALL {
            for &to in ReportState::ALL {
                let allowed = matches!((from, to), (Draft, InReview) | (InReview, Draft) | (InReview, Published));
                assert_eq!(move_report(from, to).is_ok(), allowed, "{from:?} -> {to:?}");
            }
        }
        assert!(move_report(Published, Draft).expect_err("final").to_string().contains("stays as it was published"));
        assert!(move_report(Draft, Published).expect_err("review first").to_string().contains("review first"));
        assert!(report_editable(Draft) && report_editable(InReview) && !report_editable(Published));
        assert_eq!(report_due(at(5)), at(5 + 72));
    }

    #[test]
    fn the_report_timeline_is_drafted_from_what_happened_to_the_service() {
        let declared = IncidentEvent::Declared {
            title: "Hub down".into(),
            severity: Priority::Urgent,
            commander_id: 1,
            escalated_ticket: None,
        };
        assert_eq!(declared.report_line(at(1)).as_deref(), Some("- 2026-12-01 01:00 UTC: declared: Hub down"));
        let stepped =
            IncidentEvent::Stepped { step: Step::Identify, from: Phase::Investigating, to: Phase::Identified };
        assert_eq!(stepped.report_line(at(2)).as_deref(), Some("- 2026-12-01 02:00 UTC: identified"));
        let public = IncidentEvent::UpdatePosted { body: "Fixed.\nMore".into(), public: true, next_update_due: None };
        assert_eq!(public.report_line(at(3)).as_deref(), Some("- 2026-12-01 03:00 UTC: update: Fixed. More"));
        let long = IncidentEvent::UpdatePosted { body: "word ".repeat(100), public: true, next_update_due: None };
        let line = long.report_line(at(3)).expect("a line");
        assert!(line.ends_with('…') && line.chars().count() < GIST_CHARS + 40, "{line}");
        let internal = IncidentEvent::UpdatePosted { body: "x".into(), public: false, next_update_due: None };
        assert_eq!(internal.report_line(at(3)), None);
        assert_eq!(IncidentEvent::CommunityAdded { community_id: 1 }.report_line(at(3)), None);
    }

    #[test]
    fn a_pinned_internal_note_is_a_key_moment_and_bookkeeping_is_not() {
        let note =
            IncidentEvent::UpdatePosted { body: "Quota hit.\nDetails".into(), public: false, next_update_due: None };
        assert_eq!(note.key_moment_line(at(4)).as_deref(), Some("- 2026-12-01 04:00 UTC: note: Quota hit. Details"));
        let stepped = IncidentEvent::Stepped { step: Step::Resolve, from: Phase::Monitoring, to: Phase::Resolved };
        assert_eq!(stepped.key_moment_line(at(5)), stepped.report_line(at(5)));
        let pin = IncidentEvent::EntryPinned { entry_id: 3, pinned: true };
        assert_eq!(pin.key_moment_line(at(5)), None);
        let task = IncidentEvent::TaskAdded { task_id: 1, title: "Raise quota".into(), owner_id: None, due_at: None };
        assert!(task.is_internal() && pin.is_internal(), "the team's bookkeeping");
    }

    #[test]
    fn the_status_page_shows_public_incidents_while_they_run_and_a_week_after() {
        assert!(on_status_page(true, None, at(1000)));
        assert!(!on_status_page(false, None, at(0)), "only those a steward made public");
        assert!(on_status_page(true, Some(at(0)), at(7 * 24)));
        assert!(!on_status_page(true, Some(at(0)), at(7 * 24 + 1)));
    }

    #[test]
    fn an_admins_cadence_is_between_five_minutes_and_a_week() {
        let cadence = Cadence::from_minutes(30, 120, 1440).expect("valid");
        assert_eq!(cadence.every(Priority::ProductionDown), Duration::minutes(30));
        assert_eq!(cadence.every(Priority::Normal), Duration::days(1));
        assert_eq!(Cadence::from_minutes(4, 120, 10_081), Err(vec![Priority::ProductionDown, Priority::Normal]));
        assert!(Cadence::from_minutes(5, 5, 10_080).is_ok());
    }
}
