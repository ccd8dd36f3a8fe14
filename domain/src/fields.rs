//! The fields support sets on a ticket (assignee, priority, type, confidentiality, the day a
//! workshop is planned for), and the one rule between them: workshop requests are scheduled
//! for a day, not assigned (seed 001), and only they are scheduled. The rule holds whatever
//! the order of the edits: assigning a workshop is refused, and turning an assigned ticket into
//! a workshop unassigns it; turning a workshop into another type clears its day.

use chrono::NaiveDate;

use crate::intake::FieldError;
use crate::{Priority, RequestType};

/// The fields as they are.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TicketFields {
    pub assignee_id: Option<i64>,
    pub priority: Priority,
    pub request_type: RequestType,
    pub confidential: bool,
    pub scheduled_for: Option<NaiveDate>,
}

/// What an edit asks for: `None` leaves a field as it is; `Some(None)` clears an optional one.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct FieldsEdit {
    pub assignee_id: Option<Option<i64>>,
    pub priority: Option<Priority>,
    pub request_type: Option<RequestType>,
    pub confidential: Option<bool>,
    pub scheduled_for: Option<Option<NaiveDate>>,
}

/// One field that an edit changed, from and to. Stored in the event log as
/// `{"field": "assignee_id", "from": "5", "to": null}` (values in their database spelling).
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(into = "StoredChange", try_from = "StoredChange")]
pub enum FieldChanged {
    Assignee { from: Option<i64>, to: Option<i64> },
    Priority { from: Priority, to: Priority },
    RequestType { from: RequestType, to: RequestType },
    Confidential { from: bool, to: bool },
    ScheduledFor { from: Option<NaiveDate>, to: Option<NaiveDate> },
}

/// A [`FieldChanged`] as the event log stores it.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
struct StoredChange {
    field: String,
    from: Option<String>,
    to: Option<String>,
}

impl From<FieldChanged> for StoredChange {
    fn from(changed: FieldChanged) -> StoredChange {
        let text = |value: &dyn ToString| Some(value.to_string());
        let (field, from, to) = match changed {
            FieldChanged::Assignee { from, to } => {
                ("assignee_id", from.and_then(|id| text(&id)), to.and_then(|id| text(&id)))
            }
            FieldChanged::ScheduledFor { from, to } => {
                ("scheduled_for", from.and_then(|day| text(&day)), to.and_then(|day| text(&day)))
            }
            FieldChanged::Priority { from, to } => ("priority", text(&from.as_str()), text(&to.as_str())),
            FieldChanged::RequestType { from, to } => ("request_type", text(&from.as_str()), text(&to.as_str())),
            FieldChanged::Confidential { from, to } => ("confidential", text(&from), text(&to)),
        };
        StoredChange { field: field.to_owned(), from, to }
    }
}

impl TryFrom<StoredChange> for FieldChanged {
    type Error = String;

    fn try_from(stored: StoredChange) -> Result<FieldChanged, String> {
        let bad = |value: &str| format!("{value:?} is not a value of {}", stored.field);
        fn optional<T>(value: &Option<String>, parse: impl Fn(&str) -> Option<T>) -> Result<Option<T>, String> {
            value.as_deref().map(|v| parse(v).ok_or_else(|| v.to_owned())).transpose()
        }
        fn required<T>(value: &Option<String>, parse: impl Fn(&str) -> Option<T>) -> Result<T, String> {
            optional(value, parse)?.ok_or_else(|| "nothing".to_owned())
        }
        let date = |v: &str| NaiveDate::parse_from_str(v, "%Y-%m-%d").ok();
        let flag = |v: &str| v.parse::<bool>().ok();
        let changed = match stored.field.as_str() {
            "assignee_id" => (|| {
                Ok(FieldChanged::Assignee {
                    from: optional(&stored.from, |v| v.parse().ok())?,
                    to: optional(&stored.to, |v| v.parse().ok())?,
                })
            })(),
            "scheduled_for" => (|| {
                Ok(FieldChanged::ScheduledFor { from: optional(&stored.from, date)?, to: optional(&stored.to, date)? })
            })(),
            "priority" => (|| {
                Ok(FieldChanged::Priority {
                    from: required(&stored.from, Priority::parse)?,
                    to: required(&stored.to, Priority::parse)?,
                })
            })(),
            "request_type" => (|| {
                Ok(FieldChanged::RequestType {
                    from: required(&stored.from, RequestType::parse)?,
                    to: required(&stored.to, RequestType::parse)?,
                })
            })(),
            "confidential" => (|| {
                Ok(FieldChanged::Confidential { from: required(&stored.from, flag)?, to: required(&stored.to, flag)? })
            })(),
            other => return Err(format!("{other:?} is not a field support sets")),
        };
        changed.map_err(|value: String| bad(&value))
    }
}

impl TicketFields {
    /// The fields after `edit`, or the field that cannot be set so (named as in the API).
    pub fn edited(&self, edit: &FieldsEdit) -> Result<TicketFields, FieldError> {
        let request_type = edit.request_type.unwrap_or(self.request_type);
        let scheduled = request_type.is_scheduled_not_assigned();
        // A field sent with the value it has is no edit (clients send the whole form).
        let assignee_id = match edit.assignee_id.filter(|assignee| *assignee != self.assignee_id) {
            Some(Some(_)) if scheduled => {
                return Err(FieldError::new(
                    "assignee_id",
                    "Workshop requests are scheduled for a day and planned, not assigned: set the day instead.",
                ));
            }
            Some(assignee) => assignee,
            None if scheduled => None,
            None => self.assignee_id,
        };
        let scheduled_for = match edit.scheduled_for.filter(|day| *day != self.scheduled_for) {
            Some(Some(_)) if !scheduled => {
                return Err(FieldError::new("scheduled_for", "Only workshop requests are scheduled for a day."));
            }
            Some(day) => day,
            None if scheduled => self.scheduled_for,
            None => None,
        };
        Ok(TicketFields {
            assignee_id,
            priority: edit.priority.unwrap_or(self.priority),
            request_type,
            confidential: edit.confidential.unwrap_or(self.confidential),
            scheduled_for,
        })
    }

    /// What differs from `self` in `after`, in the order people read a ticket's fields.
    pub fn changes_to(&self, after: &TicketFields) -> Vec<FieldChanged> {
        let mut changes = Vec::new();
        if self.assignee_id != after.assignee_id {
            changes.push(FieldChanged::Assignee { from: self.assignee_id, to: after.assignee_id });
        }
        if self.scheduled_for != after.scheduled_for {
            changes.push(FieldChanged::ScheduledFor { from: self.scheduled_for, to: after.scheduled_for });
        }
        if self.priority != after.priority {
            changes.push(FieldChanged::Priority { from: self.priority, to: after.priority });
        }
        if self.request_type != after.request_type {
            changes.push(FieldChanged::RequestType { from: self.request_type, to: after.request_type });
        }
        if self.confidential != after.confidential {
            changes.push(FieldChanged::Confidential { from: self.confidential, to: after.confidential });
        }
        changes
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const STEWARD: i64 = 7;

    fn day() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 12, 14).unwrap()
    }

    fn ticket(request_type: RequestType) -> TicketFields {
        TicketFields {
            assignee_id: None,
            priority: Priority::Normal,
            request_type,
            confidential: false,
            scheduled_for: None,
        }
    }

    #[test]
    fn an_empty_edit_changes_nothing() {
        for &request_type in RequestType::ALL {
            let fields = ticket(request_type);
            let after = fields.edited(&FieldsEdit::default()).unwrap();
            assert_eq!(after, fields);
            assert!(fields.changes_to(&after).is_empty());
        }
    }

    #[test]
    fn a_workshop_cannot_be_assigned() {
        let workshop = ticket(RequestType::WorkshopRequest);
        let edit = FieldsEdit { assignee_id: Some(Some(STEWARD)), ..FieldsEdit::default() };
        assert_eq!(workshop.edited(&edit).unwrap_err().field, "assignee_id");
        let into_workshop = FieldsEdit {
            assignee_id: Some(Some(STEWARD)),
            request_type: Some(RequestType::WorkshopRequest),
            ..FieldsEdit::default()
        };
        assert_eq!(ticket(RequestType::Other).edited(&into_workshop).unwrap_err().field, "assignee_id");
    }

    #[test]
    fn turning_an_assigned_ticket_into_a_workshop_unassigns_it() {
        let assigned = TicketFields { assignee_id: Some(STEWARD), ..ticket(RequestType::GuidanceRequest) };
        let edit = FieldsEdit { request_type: Some(RequestType::WorkshopRequest), ..FieldsEdit::default() };
        let after = assigned.edited(&edit).unwrap();
        assert_eq!(after.assignee_id, None);
        let resent = FieldsEdit { assignee_id: Some(Some(STEWARD)), ..edit };
        assert_eq!(assigned.edited(&resent).unwrap(), after, "the assignee it had is no edit");
        assert_eq!(
            assigned.changes_to(&after),
            [
                FieldChanged::Assignee { from: Some(STEWARD), to: None },
                FieldChanged::RequestType { from: RequestType::GuidanceRequest, to: RequestType::WorkshopRequest },
            ]
        );
    }

    #[test]
    fn only_workshops_are_scheduled_and_a_workshop_that_changes_type_loses_its_day() {
        let edit = FieldsEdit { scheduled_for: Some(Some(day())), ..FieldsEdit::default() };
        for &request_type in RequestType::ALL {
            let result = ticket(request_type).edited(&edit);
            if request_type.is_scheduled_not_assigned() {
                assert_eq!(result.unwrap().scheduled_for, Some(day()));
            } else {
                assert_eq!(result.unwrap_err().field, "scheduled_for", "{request_type:?}");
            }
        }
        let planned = TicketFields { scheduled_for: Some(day()), ..ticket(RequestType::WorkshopRequest) };
        let to_other = FieldsEdit { request_type: Some(RequestType::Other), ..FieldsEdit::default() };
        assert_eq!(planned.edited(&to_other).unwrap().scheduled_for, None);
        let same_day = FieldsEdit {
            request_type: Some(RequestType::Other),
            scheduled_for: Some(Some(day())),
            ..FieldsEdit::default()
        };
        assert_eq!(planned.edited(&same_day).unwrap().scheduled_for, None, "the day it had is no edit");
        let other_day = FieldsEdit {
            request_type: Some(RequestType::Other),
            scheduled_for: Some(day().succ_opt()),
            ..FieldsEdit::default()
        };
        assert_eq!(planned.edited(&other_day).unwrap_err().field, "scheduled_for");
    }

    #[test]
    fn every_changed_field_is_reported_once() {
        let before = TicketFields { assignee_id: Some(1), ..ticket(RequestType::Other) };
        let edit = FieldsEdit {
            assignee_id: Some(Some(2)),
            priority: Some(Priority::Urgent),
            request_type: Some(RequestType::Incident),
            confidential: Some(true),
            scheduled_for: None,
        };
        let after = before.edited(&edit).unwrap();
        assert_eq!(
            before.changes_to(&after),
            [
                FieldChanged::Assignee { from: Some(1), to: Some(2) },
                FieldChanged::Priority { from: Priority::Normal, to: Priority::Urgent },
                FieldChanged::RequestType { from: RequestType::Other, to: RequestType::Incident },
                FieldChanged::Confidential { from: false, to: true },
            ]
        );
        let same = FieldsEdit { priority: Some(Priority::Normal), ..FieldsEdit::default() };
        assert!(
            before.changes_to(&before.edited(&same).unwrap()).is_empty(),
            "setting a field to its value is no change"
        );
    }
}
