//! The event log: every change to a ticket is recorded, in the transaction that makes it, as
//! one event saying who did what and when. It is the audit trail now; live updates will be
//! read from it too.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use serde_json::json;

use crate::db::models::events::{self, Event, NewEvent};
use crate::db::models::people::Person;
use crate::db::models::tickets::Ticket;
use crate::error::AppResult;
use diesel_async::AsyncPgConnection;
use steward_domain::fields::FieldChanged;
use steward_domain::lifecycle::Action;
use steward_domain::{Priority, PriorityFlag, RequestType, TicketState};

/// What happened to a ticket.
pub enum TicketChange<'a> {
    Created,
    Transitioned {
        action: Action,
        from: TicketState,
        reason: Option<&'a str>,
    },
    /// The requester's side answered while the ticket was waiting on them.
    RequesterReplied {
        from: TicketState,
    },
    Updated {
        fields: Vec<FieldChange>,
    },
    Commented {
        comment_id: i64,
        internal: bool,
    },
    /// Moved within its board column.
    Reordered,
    /// Staff set the flags that place it in the triage order (staff only).
    FlagsSet,
    /// The 30-minute timebox started or stopped (staff only).
    Timebox {
        running: bool,
    },
    /// The release that makes it available was recorded (or cleared).
    ReleaseRecorded,
    /// An engineering issue was linked.
    Linked {
        url: &'a str,
        title: &'a str,
    },
    /// An engineering issue was unlinked.
    Unlinked {
        link_id: i64,
    },
    /// The requester's side answered the satisfaction survey.
    SurveyAnswered {
        rating: i16,
    },
    /// Time was logged on it (staff only).
    TimeLogged {
        minutes: i32,
    },
}

/// One field changed by an update, as database spellings (ids for people).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct FieldChange {
    pub field: &'static str,
    pub from: Option<String>,
    pub to: Option<String>,
}

impl From<FieldChanged> for FieldChange {
    fn from(changed: FieldChanged) -> FieldChange {
        let (field, from, to) = match changed {
            FieldChanged::Assignee { from, to } => {
                ("assignee_id", from.map(|id| id.to_string()), to.map(|id| id.to_string()))
            }
            FieldChanged::ScheduledFor { from, to } => {
                ("scheduled_for", from.map(|d| d.to_string()), to.map(|d| d.to_string()))
            }
            FieldChanged::Priority { from, to } => {
                ("priority", Some(from.as_str().to_owned()), Some(to.as_str().to_owned()))
            }
            FieldChanged::RequestType { from, to } => {
                ("request_type", Some(from.as_str().to_owned()), Some(to.as_str().to_owned()))
            }
            FieldChanged::Confidential { from, to } => ("confidential", Some(from.to_string()), Some(to.to_string())),
        };
        FieldChange { field, from, to }
    }
}

/// The database spelling of an action in events.
pub fn action_name(action: Action) -> &'static str {
    match action {
        Action::Approve => "approve",
        Action::Decline => "decline",
        Action::Triage => "triage",
        Action::Start => "start",
        Action::WaitOnRequester => "wait_on_requester",
        Action::Resolve => "resolve",
        Action::Close => "close",
        Action::Reopen => "reopen",
    }
}

/// Records `change` to `ticket` (already in its new state) by `actor`, made `at`.
pub async fn record(
    conn: &AsyncPgConnection,
    ticket: &Ticket,
    actor: Option<i64>,
    change: TicketChange<'_>,
    at: DateTime<Utc>,
) -> AppResult<Event> {
    let (kind, internal, data) = match change {
        TicketChange::Created => (
            "created",
            false,
            json!({
                "state": ticket.state.as_str(),
                "request_type": ticket.request_type.as_str(),
                "priority": ticket.priority.as_str(),
                "confidential": ticket.confidential,
            }),
        ),
        TicketChange::Transitioned { action, from, reason } => (
            "transitioned",
            false,
            json!({ "action": action_name(action), "from": from.as_str(), "to": ticket.state.as_str(), "reason": reason }),
        ),
        TicketChange::RequesterReplied { from } => {
            ("requester_replied", false, json!({ "from": from.as_str(), "to": ticket.state.as_str() }))
        }
        TicketChange::Updated { fields } => ("updated", false, json!({ "changes": fields })),
        TicketChange::Commented { comment_id, internal } => {
            ("commented", internal, json!({ "comment_id": comment_id, "internal": internal }))
        }
        TicketChange::Reordered => ("reordered", false, json!({ "state": ticket.state.as_str(), "rank": ticket.rank })),
        TicketChange::FlagsSet => {
            let flags: Vec<&str> = ticket.flags.iter().map(|f| f.as_str()).collect();
            ("flags_set", true, json!({ "flags": flags }))
        }
        TicketChange::Timebox { running } => ("timebox", true, json!({ "running": running })),
        TicketChange::ReleaseRecorded => ("release_recorded", false, json!({ "released_in": ticket.released_in })),
        TicketChange::Linked { url, title } => ("linked", false, json!({ "url": url, "title": title })),
        TicketChange::Unlinked { link_id } => ("unlinked", false, json!({ "link_id": link_id })),
        TicketChange::TimeLogged { minutes } => ("time_logged", true, json!({ "minutes": minutes })),
        TicketChange::SurveyAnswered { rating } => ("survey_answered", false, json!({ "rating": rating })),
    };
    events::append(
        conn,
        NewEvent {
            ticket_number: ticket.number,
            community_id: ticket.community_id,
            actor_id: actor,
            kind,
            internal,
            data,
            at,
        },
    )
    .await
}

/// A one-line description of an event for people, e.g. "moved from New to Open".
pub fn summary(event: &Event, people: &HashMap<i64, Person>) -> String {
    let text = |key: &str| event.data.get(key).and_then(|v| v.as_str()).unwrap_or_default().to_owned();
    let state = |key: &str| TicketState::parse(&text(key)).map(|s| s.label().to_owned()).unwrap_or_else(|| text(key));
    match event.kind.as_str() {
        "created" => format!("filed the request as {}", state("state")),
        "transitioned" => {
            let mut line = format!("moved it from {} to {}", state("from"), state("to"));
            let reason = text("reason");
            if !reason.is_empty() {
                line.push_str(&format!(": \"{reason}\""));
            }
            line
        }
        "reordered" => format!("moved it within {}", state("state")),
        "flags_set" => {
            let flags: Vec<&str> = event
                .data
                .get("flags")
                .and_then(|v| v.as_array())
                .map(|flags| {
                    flags.iter().filter_map(|f| f.as_str()).filter_map(PriorityFlag::parse).map(|f| f.label()).collect()
                })
                .unwrap_or_default();
            if flags.is_empty() {
                "cleared the priority flags".to_owned()
            } else {
                format!("set the priority flags: {}", flags.join(", "))
            }
        }
        "timebox" => {
            if event.data.get("running").and_then(|v| v.as_bool()) == Some(true) {
                "started the 30-minute timebox".to_owned()
            } else {
                "stopped the timebox".to_owned()
            }
        }
        "release_recorded" => match event.data.get("released_in").and_then(|v| v.as_str()) {
            Some(release) => format!("recorded the release: {release}"),
            None => "cleared the release".to_owned(),
        },
        "linked" => format!("linked the issue \"{}\" ({})", text("title"), text("url")),
        "unlinked" => "removed a linked issue".to_owned(),
        "survey_answered" => {
            let rating = event.data.get("rating").and_then(|v| v.as_i64()).unwrap_or(0);
            format!("answered the satisfaction survey: {rating} out of 5")
        }
        "time_logged" => {
            let minutes = event.data.get("minutes").and_then(|v| v.as_i64()).unwrap_or(0);
            format!("logged {} h {:02} min", minutes / 60, minutes % 60)
        }
        "requester_replied" => format!("answered, which moved it from {} to {}", state("from"), state("to")),
        "commented" => {
            if event.internal {
                "added an internal note".to_owned()
            } else {
                "replied".to_owned()
            }
        }
        "updated" => {
            let changes = event.data.get("changes").and_then(|v| v.as_array()).cloned().unwrap_or_default();
            let parts: Vec<String> = changes
                .iter()
                .map(|change| {
                    let field = change.get("field").and_then(|v| v.as_str()).unwrap_or("field");
                    let to = change.get("to").and_then(|v| v.as_str());
                    format!("{} to {}", field_label(field), value_label(field, to, people))
                })
                .collect();
            format!("changed {}", parts.join(", "))
        }
        other => other.replace('_', " "),
    }
}

fn field_label(field: &str) -> &str {
    match field {
        "assignee_id" => "the assignee",
        "priority" => "the priority",
        "request_type" => "the type",
        "confidential" => "confidentiality",
        "scheduled_for" => "the scheduled day",
        other => other,
    }
}

fn value_label(field: &str, value: Option<&str>, people: &HashMap<i64, Person>) -> String {
    let Some(value) = value else {
        return "nobody".to_owned();
    };
    match field {
        "assignee_id" => value
            .parse::<i64>()
            .ok()
            .and_then(|id| people.get(&id))
            .map(|p| p.display_name.clone())
            .unwrap_or_else(|| "someone".to_owned()),
        "priority" => Priority::parse(value).map(|p| p.label().to_owned()).unwrap_or_else(|| value.to_owned()),
        "request_type" => RequestType::parse(value).map(|t| t.label().to_owned()).unwrap_or_else(|| value.to_owned()),
        "confidential" => if value == "true" { "confidential" } else { "public" }.to_owned(),
        _ => value.to_owned(),
    }
}

/// The ids of people an event mentions besides its actor (for loading their names).
pub fn mentioned_people(event: &Event) -> Vec<i64> {
    event
        .data
        .get("changes")
        .and_then(|v| v.as_array())
        .map(|changes| {
            changes
                .iter()
                .filter(|c| c.get("field").and_then(|f| f.as_str()) == Some("assignee_id"))
                .filter_map(|c| c.get("to").and_then(|v| v.as_str()).and_then(|v| v.parse().ok()))
                .collect()
        })
        .unwrap_or_default()
}
