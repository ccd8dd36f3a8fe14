//! What happened to a ticket: one typed event per change, the same type written to the event
//! log, read back from it, carried by the API (as a `oneof`), and turned into a sentence for
//! people only where it is shown ([`TicketEvent::sentence`], in the browser).
//!
//! Stored as `kind` (the variant in snake case) and `data` (its fields as JSON), the shape the
//! log has always had, so every row ever written reads as one of these.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::fields::FieldChanged;
use crate::lifecycle::Action;
use crate::paging::Ended;
use crate::sla::ClockKind;
use crate::{Priority, PriorityFlag, RequestType, TicketState};

/// One change to one ticket.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "data", rename_all = "snake_case")]
pub enum TicketEvent {
    /// The request was filed.
    Created { state: TicketState, request_type: RequestType, priority: Priority, confidential: bool },
    /// A lifecycle step, with the reason given for it.
    Transitioned { action: Action, from: TicketState, to: TicketState, reason: Option<String> },
    /// The requester's side answered while it was waiting on them.
    RequesterReplied { from: TicketState, to: TicketState },
    /// Support changed some of its fields.
    Updated { changes: Vec<FieldChanged> },
    /// A reply or an internal note.
    Commented { comment_id: i64, internal: bool },
    /// Moved within its board column.
    Reordered { state: TicketState, rank: f64 },
    /// The flags that place it in the triage order (staff only).
    FlagsSet { flags: Vec<PriorityFlag> },
    /// The 30-minute timebox started or stopped (staff only).
    Timebox { running: bool },
    /// The release that makes it available was recorded, or cleared.
    ReleaseRecorded { released_in: Option<String> },
    /// An engineering issue was linked. Links recorded before their id was kept read as 0.
    Linked {
        #[serde(default)]
        link_id: i64,
        url: String,
        title: String,
    },
    /// An engineering issue was unlinked.
    Unlinked { link_id: i64 },
    /// The requester's side answered the satisfaction survey.
    SurveyAnswered { rating: i16 },
    /// Time was logged on it (staff only).
    TimeLogged { minutes: i32 },
    /// A clock passed its warning share (staff only; see [`crate::sla`]).
    ClockWarned { clock: ClockKind, due_at: DateTime<Utc> },
    /// A clock passed its due time unmet (staff only).
    ClockBreached { clock: ClockKind, due_at: DateTime<Utc> },
    /// Steward reminded the requester's side that the resolved ticket closes by itself.
    Reminded { closes_at: DateTime<Utc> },
    /// Production down: Steward paged the person on call (level 1), or the next level because
    /// nobody had acknowledged (staff only; see [`crate::paging`]).
    Paged { page_id: i64, level: u32, people: Vec<i64> },
    /// The actor acknowledged the page (staff only).
    PageAcknowledged { page_id: i64 },
    /// The page ended, and why (staff only).
    PageEnded { page_id: i64, because: Ended },
}

impl TicketEvent {
    /// Every kind, as stored in the log's `kind` column (which accepts only these).
    pub const KINDS: &'static [&'static str] = &[
        "created",
        "transitioned",
        "requester_replied",
        "updated",
        "commented",
        "reordered",
        "flags_set",
        "timebox",
        "release_recorded",
        "linked",
        "unlinked",
        "survey_answered",
        "time_logged",
        "clock_warned",
        "clock_breached",
        "reminded",
        "paged",
        "page_acknowledged",
        "page_ended",
    ];

    /// The kinds that are news to a person who did not make them: what was said and what changed
    /// about the request. A ticket with such an event since a person last had it open is unread
    /// for them. Board order, triage bookkeeping, logged time, clocks and pages are not news
    /// (the clocks and pages tell people through notifications).
    pub const NEWS_KINDS: &'static [&'static str] = &[
        "created",
        "transitioned",
        "requester_replied",
        "updated",
        "commented",
        "release_recorded",
        "linked",
        "unlinked",
        "survey_answered",
    ];

    /// The kind, as stored.
    pub fn kind(&self) -> &'static str {
        match self {
            TicketEvent::Created { .. } => "created",
            TicketEvent::Transitioned { .. } => "transitioned",
            TicketEvent::RequesterReplied { .. } => "requester_replied",
            TicketEvent::Updated { .. } => "updated",
            TicketEvent::Commented { .. } => "commented",
            TicketEvent::Reordered { .. } => "reordered",
            TicketEvent::FlagsSet { .. } => "flags_set",
            TicketEvent::Timebox { .. } => "timebox",
            TicketEvent::ReleaseRecorded { .. } => "release_recorded",
            TicketEvent::Linked { .. } => "linked",
            TicketEvent::Unlinked { .. } => "unlinked",
            TicketEvent::SurveyAnswered { .. } => "survey_answered",
            TicketEvent::TimeLogged { .. } => "time_logged",
            TicketEvent::ClockWarned { .. } => "clock_warned",
            TicketEvent::ClockBreached { .. } => "clock_breached",
            TicketEvent::Reminded { .. } => "reminded",
            TicketEvent::Paged { .. } => "paged",
            TicketEvent::PageAcknowledged { .. } => "page_acknowledged",
            TicketEvent::PageEnded { .. } => "page_ended",
        }
    }

    /// Whether only the support team may see it (internal notes and triage bookkeeping).
    pub fn is_internal(&self) -> bool {
        match self {
            TicketEvent::Commented { internal, .. } => *internal,
            TicketEvent::FlagsSet { .. }
            | TicketEvent::Timebox { .. }
            | TicketEvent::TimeLogged { .. }
            | TicketEvent::ClockWarned { .. }
            | TicketEvent::ClockBreached { .. }
            | TicketEvent::Paged { .. }
            | TicketEvent::PageAcknowledged { .. }
            | TicketEvent::PageEnded { .. } => true,
            _ => false,
        }
    }

    /// The people it names besides its actor (to look up their names).
    pub fn people(&self) -> Vec<i64> {
        match self {
            TicketEvent::Updated { changes } => changes
                .iter()
                .filter_map(|change| match change {
                    FieldChanged::Assignee { to, .. } => *to,
                    _ => None,
                })
                .collect(),
            TicketEvent::Paged { people, .. } => people.clone(),
            _ => Vec::new(),
        }
    }

    /// The event as `(kind, data)`, the two columns of the log.
    pub fn to_stored(&self) -> Result<(&'static str, serde_json::Value), serde_json::Error> {
        let mut tagged = serde_json::to_value(self)?;
        let data = tagged.get_mut("data").map(serde_json::Value::take).unwrap_or(serde_json::Value::Null);
        Ok((self.kind(), data))
    }

    /// The event stored as `kind` and `data`.
    pub fn from_stored(kind: &str, data: &serde_json::Value) -> Result<TicketEvent, serde_json::Error> {
        serde_json::from_value(serde_json::json!({ "kind": kind, "data": data }))
    }

    /// One line for people, after the actor's name: "moved it from New to Open". `name_of`
    /// gives the names of the people it mentions.
    pub fn sentence(&self, name_of: impl Fn(i64) -> Option<String>) -> String {
        match self {
            TicketEvent::Created { state, .. } => format!("filed the request as {state}"),
            TicketEvent::Transitioned { from, to, reason, .. } => match reason.as_deref().filter(|r| !r.is_empty()) {
                Some(reason) => format!("moved it from {from} to {to}: \"{reason}\""),
                None => format!("moved it from {from} to {to}"),
            },
            TicketEvent::RequesterReplied { from, to } => format!("answered, which moved it from {from} to {to}"),
            TicketEvent::Updated { changes } => {
                let parts: Vec<String> = changes.iter().map(|change| field_sentence(change, &name_of)).collect();
                format!("changed {}", parts.join(", "))
            }
            TicketEvent::Commented { internal: true, .. } => "added an internal note".to_owned(),
            TicketEvent::Commented { internal: false, .. } => "replied".to_owned(),
            TicketEvent::Reordered { state, .. } => format!("moved it within {state}"),
            TicketEvent::FlagsSet { flags } if flags.is_empty() => "cleared the priority flags".to_owned(),
            TicketEvent::FlagsSet { flags } => {
                let labels: Vec<&str> = flags.iter().map(|f| f.label()).collect();
                format!("set the priority flags: {}", labels.join(", "))
            }
            TicketEvent::Timebox { running: true } => "started the 30-minute timebox".to_owned(),
            TicketEvent::Timebox { running: false } => "stopped the timebox".to_owned(),
            TicketEvent::ReleaseRecorded { released_in: Some(release) } => format!("recorded the release: {release}"),
            TicketEvent::ReleaseRecorded { released_in: None } => "cleared the release".to_owned(),
            TicketEvent::Linked { url, title, .. } => format!("linked the issue \"{title}\" ({url})"),
            TicketEvent::Unlinked { .. } => "removed a linked issue".to_owned(),
            TicketEvent::SurveyAnswered { rating } => format!("answered the satisfaction survey: {rating} out of 5"),
            TicketEvent::TimeLogged { minutes } => format!("logged {} h {:02} min", minutes / 60, minutes % 60),
            TicketEvent::ClockWarned { clock, .. } => {
                format!("warned that the {} target is nearly used up", clock_words(*clock))
            }
            TicketEvent::ClockBreached { clock, .. } => {
                format!("recorded that the {} target was missed", clock_words(*clock))
            }
            TicketEvent::Reminded { .. } => {
                "reminded the requester that it closes by itself unless they answer".to_owned()
            }
            TicketEvent::Paged { level, people, .. } => page_sentence(*level, people, &name_of),
            TicketEvent::PageAcknowledged { .. } => "acknowledged the page".to_owned(),
            TicketEvent::PageEnded { because, .. } => format!("ended the page: {}", because.label()),
        }
    }
}

/// "paged Sam Steward, on call" or "escalated the page to Tess Steward and Ada Admin: nobody
/// had acknowledged it".
pub fn page_sentence(level: u32, people: &[i64], name_of: &impl Fn(i64) -> Option<String>) -> String {
    let names: Vec<String> = people.iter().map(|id| name_of(*id).unwrap_or_else(|| "someone".to_owned())).collect();
    let named = match names.as_slice() {
        [] => "nobody".to_owned(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    };
    if level <= 1 {
        format!("paged {named}, on call")
    } else {
        format!("escalated the page to {named}: nobody had acknowledged it")
    }
}

fn clock_words(clock: ClockKind) -> String {
    clock.label().to_lowercase()
}

/// "the assignee to Sam Steward", "the priority to Urgent", "the scheduled day to nobody".
fn field_sentence(change: &FieldChanged, name_of: &impl Fn(i64) -> Option<String>) -> String {
    let nobody = || "nobody".to_owned();
    match change {
        FieldChanged::Assignee { to, .. } => {
            let to = to.map_or_else(nobody, |id| name_of(id).unwrap_or_else(|| "someone".to_owned()));
            format!("the assignee to {to}")
        }
        FieldChanged::ScheduledFor { to, .. } => {
            format!("the scheduled day to {}", to.map_or_else(nobody, |day| day.to_string()))
        }
        FieldChanged::Priority { to, .. } => format!("the priority to {to}"),
        FieldChanged::RequestType { to, .. } => format!("the type to {to}"),
        FieldChanged::Confidential { to, .. } => {
            format!("confidentiality to {}", if *to { "confidential" } else { "public" })
        }
    }
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;
    use serde_json::json;

    use super::*;

    #[test]
    fn news_is_what_was_said_or_changed_never_bookkeeping() {
        for kind in TicketEvent::NEWS_KINDS {
            assert!(TicketEvent::KINDS.contains(kind), "{kind} is a stored kind");
        }
        for kind in ["reordered", "flags_set", "timebox", "time_logged", "clock_warned", "clock_breached", "paged"] {
            assert!(!TicketEvent::NEWS_KINDS.contains(&kind), "{kind} is not news");
        }
        for kind in ["commented", "requester_replied", "transitioned", "updated"] {
            assert!(TicketEvent::NEWS_KINDS.contains(&kind), "{kind} is news");
        }
    }

    fn one_of_each() -> Vec<TicketEvent> {
        use TicketState::*;
        vec![
            TicketEvent::Created {
                state: New,
                request_type: RequestType::ChangeRequest,
                priority: Priority::Normal,
                confidential: false,
            },
            TicketEvent::Transitioned { action: Action::WaitOnRequester, from: Open, to: Pending, reason: None },
            TicketEvent::RequesterReplied { from: Pending, to: Open },
            TicketEvent::Updated {
                changes: vec![
                    FieldChanged::Assignee { from: None, to: Some(7) },
                    FieldChanged::ScheduledFor { from: NaiveDate::from_ymd_opt(2026, 12, 14), to: None },
                    FieldChanged::Priority { from: Priority::Normal, to: Priority::Urgent },
                    FieldChanged::RequestType { from: RequestType::Other, to: RequestType::Incident },
                    FieldChanged::Confidential { from: false, to: true },
                ],
            },
            TicketEvent::Commented { comment_id: 3, internal: true },
            TicketEvent::Reordered { state: Open, rank: 1.5 },
            TicketEvent::FlagsSet { flags: vec![PriorityFlag::DedicatedFunding] },
            TicketEvent::Timebox { running: true },
            TicketEvent::ReleaseRecorded { released_in: Some("v2.4.0".into()) },
            TicketEvent::Linked { link_id: 4, url: "https://example.org/issues/1".into(), title: "Quota".into() },
            TicketEvent::Unlinked { link_id: 2 },
            TicketEvent::SurveyAnswered { rating: 4 },
            TicketEvent::TimeLogged { minutes: 95 },
            TicketEvent::ClockWarned {
                clock: ClockKind::FirstResponse,
                due_at: DateTime::from_timestamp(1_796_000_000, 0).expect("in range"),
            },
            TicketEvent::ClockBreached {
                clock: ClockKind::Resolution,
                due_at: DateTime::from_timestamp(1_796_000_000, 0).expect("in range"),
            },
            TicketEvent::Reminded { closes_at: DateTime::from_timestamp(1_796_000_000, 0).expect("in range") },
            TicketEvent::Paged { page_id: 1, level: 2, people: vec![7, 8] },
            TicketEvent::PageAcknowledged { page_id: 1 },
            TicketEvent::PageEnded { page_id: 1, because: Ended::TicketResolved },
        ]
    }

    #[test]
    fn a_page_says_who_was_paged_and_whether_it_escalated() {
        let name = |id: i64| Some(["Sam", "Tess", "Ada"][(id - 1) as usize].to_owned());
        let paged = |level, people: Vec<i64>| TicketEvent::Paged { page_id: 1, level, people }.sentence(name);
        assert_eq!(paged(1, vec![1]), "paged Sam, on call");
        assert_eq!(paged(2, vec![2]), "escalated the page to Tess: nobody had acknowledged it");
        assert_eq!(paged(3, vec![1, 2, 3]), "escalated the page to Sam, Tess and Ada: nobody had acknowledged it");
        let ended = TicketEvent::PageEnded { page_id: 1, because: Ended::NoLongerProductionDown };
        assert_eq!(ended.sentence(name), "ended the page: it is no longer production down");
        assert!(ended.is_internal() && TicketEvent::PageAcknowledged { page_id: 1 }.is_internal());
    }

    #[test]
    fn every_kind_is_stored_under_its_name_and_reads_back_the_same() {
        let events = one_of_each();
        let kinds: Vec<&str> = events.iter().map(TicketEvent::kind).collect();
        assert_eq!(kinds, TicketEvent::KINDS, "one example of every kind, in the order of KINDS");
        for event in events {
            let (kind, data) = event.to_stored().unwrap();
            assert_eq!(kind, event.kind());
            assert_eq!(TicketEvent::from_stored(kind, &data).unwrap(), event);
        }
        assert!(TicketEvent::from_stored("teleported", &json!({})).is_err());
    }

    #[test]
    fn rows_written_before_the_type_existed_still_read() {
        let stored = [
            (
                "created",
                json!({"state": "awaiting_approval", "request_type": "incident", "priority": "urgent", "confidential": true}),
            ),
            ("transitioned", json!({"action": "wait_on_requester", "from": "open", "to": "pending", "reason": null})),
            (
                "updated",
                json!({"changes": [{"field": "assignee_id", "from": null, "to": "7"}, {"field": "priority", "from": "normal", "to": "urgent"}]}),
            ),
            (
                "updated",
                json!({"changes": [{"field": "scheduled_for", "from": "2026-12-14", "to": null}, {"field": "confidential", "from": "false", "to": "true"}]}),
            ),
            ("reordered", json!({"state": "in_progress", "rank": 2.0})),
            ("flags_set", json!({"flags": ["dedicated_funding", "high_impact"]})),
            ("release_recorded", json!({"released_in": null})),
        ];
        let sentences: Vec<String> = stored
            .iter()
            .map(|(kind, data)| {
                let event = TicketEvent::from_stored(kind, data).unwrap_or_else(|e| panic!("{kind} {data}: {e}"));
                assert_eq!(&event.to_stored().unwrap(), &(*kind, data.clone()), "written back the same");
                event.sentence(|id| (id == 7).then(|| "Sam Steward".to_owned()))
            })
            .collect();
        assert_eq!(
            sentences,
            [
                "filed the request as Awaiting approval",
                "moved it from Open to Pending",
                "changed the assignee to Sam Steward, the priority to Urgent",
                "changed the scheduled day to nobody, confidentiality to confidential",
                "moved it within In progress",
                "set the priority flags: Comes with dedicated funding, High impact on one community",
                "cleared the release",
            ]
        );
    }

    #[test]
    fn links_recorded_before_their_id_was_kept_read_with_id_zero() {
        let old = json!({"url": "https://example.org/issues/9", "title": "Quota"});
        assert_eq!(
            TicketEvent::from_stored("linked", &old).unwrap(),
            TicketEvent::Linked { link_id: 0, url: "https://example.org/issues/9".into(), title: "Quota".into() }
        );
    }

    #[test]
    fn sentences_say_what_happened() {
        let sentences: Vec<String> = one_of_each().iter().map(|e| e.sentence(|_| None)).collect();
        assert_eq!(
            sentences,
            [
                "filed the request as New",
                "moved it from Open to Pending",
                "answered, which moved it from Pending to Open",
                "changed the assignee to someone, the scheduled day to nobody, the priority to Urgent, the type to Incident, confidentiality to confidential",
                "added an internal note",
                "moved it within Open",
                "set the priority flags: Comes with dedicated funding",
                "started the 30-minute timebox",
                "recorded the release: v2.4.0",
                "linked the issue \"Quota\" (https://example.org/issues/1)",
                "removed a linked issue",
                "answered the satisfaction survey: 4 out of 5",
                "logged 1 h 35 min",
                "warned that the first response target is nearly used up",
                "recorded that the resolution target was missed",
                "reminded the requester that it closes by itself unless they answer",
                "escalated the page to someone and someone: nobody had acknowledged it",
                "acknowledged the page",
                "ended the page: the ticket was resolved or closed",
            ]
        );
        let with_reason = TicketEvent::Transitioned {
            action: Action::Reopen,
            from: TicketState::Closed,
            to: TicketState::Open,
            reason: Some("still broken".into()),
        };
        assert_eq!(with_reason.sentence(|_| None), "moved it from Closed to Open: \"still broken\"");
    }

    #[test]
    fn only_notes_triage_bookkeeping_clock_alarms_and_pages_are_internal() {
        let internal: Vec<&str> = one_of_each().iter().filter(|e| e.is_internal()).map(TicketEvent::kind).collect();
        assert_eq!(
            internal,
            [
                "commented",
                "flags_set",
                "timebox",
                "time_logged",
                "clock_warned",
                "clock_breached",
                "paged",
                "page_acknowledged",
                "page_ended"
            ]
        );
        assert!(!TicketEvent::Commented { comment_id: 1, internal: false }.is_internal());
    }
}
