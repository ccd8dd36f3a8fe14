//! Between protobuf messages and domain values or stored rows, for the services and the live
//! streams alike. Decoding a request field that is unset or out
//! of range fails as InvalidArgument naming the field; encoding never fails.

pub mod incidents;

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use steward_domain::events::TicketEvent;
use steward_proto::domain::WireEnum;
use steward_proto::v1 as pb;

use crate::db::models::comments::Comment;
use crate::db::models::communities::Community;
use crate::db::models::live::{Card, Position};
use crate::db::models::people::{Membership, Person};
use crate::db::models::tickets::Ticket;
use crate::error::{AppError, AppResult};
use steward_domain::lifecycle::Action;
use steward_domain::{BudgetPeriod, MembershipRole, Priority, PriorityFlag, RequestType, StaffRole, TicketState};

/// What happened to a ticket, as the API carries it, with the names of the people it mentions.
pub fn happening(event: &TicketEvent, people: &HashMap<i64, Person>) -> pb::TicketHappening {
    steward_proto::domain::happening(event, |id| person_ref_or_unknown(id, people))
}

/// A place in the live log, as the API carries it.
pub fn position(at: Position) -> pb::LivePosition {
    pb::LivePosition { transaction: at.transaction, event: at.event }
}

/// A place in the live log a client sent back.
pub fn position_from_pb(value: &pb::LivePosition) -> Position {
    Position { transaction: value.transaction, event: value.event }
}

pub fn timestamp(at: DateTime<Utc>) -> prost_types::Timestamp {
    prost_types::Timestamp { seconds: at.timestamp(), nanos: at.timestamp_subsec_nanos() as i32 }
}

/// The moment a protobuf timestamp stands for, if it is a real one.
pub fn timestamp_from_pb(at: &prost_types::Timestamp) -> Option<DateTime<Utc>> {
    u32::try_from(at.nanos).ok().and_then(|nanos| DateTime::from_timestamp(at.seconds, nanos))
}

pub fn request_type_to_pb(value: RequestType) -> pb::RequestType {
    value.to_wire()
}

/// `None` for unset; InvalidArgument naming `field` for a number that is no request type.
pub fn request_type_from_pb(value: i32, field: &str) -> AppResult<Option<RequestType>> {
    RequestType::from_wire(value).map_err(|_| AppError::invalid(field, format!("{value} is not a request type.")))
}

pub fn priority_to_pb(value: Priority) -> pb::Priority {
    value.to_wire()
}

pub fn priority_from_pb(value: i32, field: &str) -> AppResult<Option<Priority>> {
    Priority::from_wire(value).map_err(|_| AppError::invalid(field, format!("{value} is not a priority.")))
}

pub fn state_to_pb(value: TicketState) -> pb::TicketState {
    value.to_wire()
}

pub fn state_from_pb(value: i32, field: &str) -> AppResult<TicketState> {
    TicketState::from_wire(value)
        .ok()
        .flatten()
        .ok_or_else(|| AppError::invalid(field, format!("{value} is not a ticket state.")))
}

pub fn action_to_pb(value: Action) -> pb::TicketAction {
    value.to_wire()
}

pub fn action_from_pb(value: i32) -> AppResult<Action> {
    match Action::from_wire(value) {
        Ok(Some(action)) => Ok(action),
        Ok(None) => Err(AppError::invalid("action", "Choose an action.")),
        Err(_) => Err(AppError::invalid("action", format!("{value} is not an action."))),
    }
}

pub fn priority_flag_to_pb(value: PriorityFlag) -> pb::PriorityFlag {
    value.to_wire()
}

pub fn priority_flag_from_pb(value: i32, field: &str) -> AppResult<PriorityFlag> {
    PriorityFlag::from_wire(value)
        .ok()
        .flatten()
        .ok_or_else(|| AppError::invalid(field, "Choose one of the priority flags."))
}

pub fn budget_period_to_pb(value: BudgetPeriod) -> pb::BudgetPeriod {
    value.to_wire()
}

/// The period, defaulting to a month when unspecified.
pub fn budget_period_from_pb(value: i32) -> AppResult<BudgetPeriod> {
    match BudgetPeriod::from_wire(value) {
        Ok(period) => Ok(period.unwrap_or(BudgetPeriod::Month)),
        Err(_) => Err(AppError::invalid("period", "Choose a month or a quarter.")),
    }
}

pub fn membership_role_to_pb(value: MembershipRole) -> pb::MembershipRole {
    value.to_wire()
}

pub fn membership_role_from_pb(value: i32) -> AppResult<MembershipRole> {
    MembershipRole::from_wire_lossy(value).ok_or_else(|| AppError::invalid("role", "Choose representative or member."))
}

pub fn staff_role_to_pb(value: Option<StaffRole>) -> pb::StaffRole {
    match value {
        None => pb::StaffRole::None,
        Some(StaffRole::Steward) => pb::StaffRole::Steward,
        Some(StaffRole::Admin) => pb::StaffRole::Admin,
    }
}

pub fn staff_role_from_pb(value: i32) -> AppResult<Option<StaffRole>> {
    match pb::StaffRole::try_from(value) {
        Ok(pb::StaffRole::None) => Ok(None),
        Ok(pb::StaffRole::Steward) => Ok(Some(StaffRole::Steward)),
        Ok(pb::StaffRole::Admin) => Ok(Some(StaffRole::Admin)),
        Err(_) => Err(AppError::invalid("staff_role", format!("{value} is not a staff role."))),
    }
}

pub fn community(value: &Community) -> pb::Community {
    pb::Community { id: value.id, slug: value.slug.clone(), name: value.name.clone() }
}

pub fn person_ref(value: &Person) -> pb::PersonRef {
    pb::PersonRef { id: value.id, display_name: value.display_name.clone() }
}

/// A person with their memberships (those in `memberships` that are theirs).
pub fn person(value: &Person, memberships: &[Membership]) -> pb::Person {
    pb::Person {
        id: value.id,
        email: value.email.clone(),
        display_name: value.display_name.clone(),
        staff_role: staff_role_to_pb(value.staff_role) as i32,
        memberships: memberships
            .iter()
            .filter(|m| m.person_id == value.id)
            .map(|m| pb::Membership {
                community: Some(community(&m.community)),
                role: membership_role_to_pb(m.role) as i32,
            })
            .collect(),
        time_zone: value.time_zone.clone(),
    }
}

/// What encoding tickets needs: the communities and people they refer to.
/// The person with this id as others see them, or "Unknown person" if they are not in `people`.
pub fn person_ref_or_unknown(id: i64, people: &HashMap<i64, Person>) -> pb::PersonRef {
    people.get(&id).map(person_ref).unwrap_or_else(|| pb::PersonRef { id, display_name: "Unknown person".to_owned() })
}

/// A ticket as the board shows it; `people` names the assignee.
pub fn board_card(value: &Card, people: &HashMap<i64, Person>) -> pb::BoardCard {
    pb::BoardCard {
        number: value.number,
        title: value.title.clone(),
        community: Some(community(&value.community)),
        request_type: request_type_to_pb(value.request_type) as i32,
        priority: priority_to_pb(value.priority) as i32,
        state: state_to_pb(value.state) as i32,
        assignee: value.assignee_id.map(|id| person_ref_or_unknown(id, people)),
        confidential: value.confidential,
        rank: value.rank,
        version: value.version,
        created_at: Some(timestamp(value.created_at)),
        updated_at: Some(timestamp(value.updated_at)),
        acknowledged_at: value.acknowledged_at.map(timestamp),
        clocks: value.clocks.iter().map(steward_proto::domain::clock).collect(),
    }
}

pub struct TicketContext<'a> {
    pub communities: &'a HashMap<i64, Community>,
    pub people: &'a HashMap<i64, Person>,
}

impl TicketContext<'_> {
    fn person_ref(&self, id: i64) -> pb::PersonRef {
        person_ref_or_unknown(id, self.people)
    }

    pub fn ticket(&self, value: &Ticket) -> pb::Ticket {
        pb::Ticket {
            number: value.number,
            community: self.communities.get(&value.community_id).map(community),
            requester: Some(self.person_ref(value.requester_id)),
            request_type: request_type_to_pb(value.request_type) as i32,
            priority: priority_to_pb(value.priority) as i32,
            state: state_to_pb(value.state) as i32,
            title: value.title.clone(),
            description: value.description.clone(),
            confidential: value.confidential,
            assignee: value.assignee_id.map(|id| self.person_ref(id)),
            answers: value
                .answers
                .iter()
                .map(|a| pb::FormAnswer {
                    key: a.key.clone(),
                    label: a.label.clone(),
                    value: a.value.clone(),
                    sealed_for: a.sealed_for.clone(),
                })
                .collect(),
            version: value.version,
            created_at: Some(timestamp(value.created_at)),
            updated_at: Some(timestamp(value.updated_at)),
            resolved_at: value.resolved_at.map(timestamp),
            closed_at: value.closed_at.map(timestamp),
            acknowledged_at: value.acknowledged_at.map(timestamp),
            released_in: value.released_in.clone(),
            scheduled_for: value.scheduled_for.map(|d| d.to_string()),
            clocks: value.clocks.iter().map(steward_proto::domain::clock).collect(),
        }
    }

    pub fn comment(&self, value: &Comment) -> pb::Comment {
        let visibility =
            if value.internal { pb::CommentVisibility::InternalNote } else { pb::CommentVisibility::PublicReply };
        let sealed_for = value.sealed_for();
        pb::Comment {
            id: value.id,
            author: Some(self.person_ref(value.author_id)),
            body: value.body.clone(),
            // A sealed message is shown as what it is, never rendered.
            body_html: if sealed_for.is_empty() { crate::markdown::to_html(&value.body) } else { String::new() },
            sealed_for,
            visibility: visibility as i32,
            created_at: Some(timestamp(value.created_at)),
            attachments: Vec::new(),
        }
    }
}

/// A stored file as the API carries it.
pub fn attachment(file: &crate::db::models::attachments::Attachment) -> pb::AttachedFile {
    pb::AttachedFile {
        id: file.id,
        name: file.name.clone(),
        bytes: file.bytes,
        content_type: file.served_type.clone(),
        inline: file.inline,
        encrypted: file.encrypted,
        url: crate::files::path_of(file.id, &file.name),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn enums_round_trip_and_unknown_numbers_name_their_field() {
        for &value in RequestType::ALL {
            assert_eq!(request_type_from_pb(request_type_to_pb(value) as i32, "request_type").unwrap(), Some(value));
        }
        for &value in Priority::ALL {
            assert_eq!(priority_from_pb(priority_to_pb(value) as i32, "priority").unwrap(), Some(value));
        }
        for &value in TicketState::ALL {
            assert_eq!(state_from_pb(state_to_pb(value) as i32, "states").unwrap(), value);
        }
        for &value in Action::ALL {
            assert_eq!(action_from_pb(action_to_pb(value) as i32).unwrap(), value);
        }
        match request_type_from_pb(99, "request_type") {
            Err(AppError::InvalidArgument(fields)) => assert_eq!(fields[0].field, "request_type"),
            other => panic!("{other:?}"),
        }
        assert_eq!(request_type_from_pb(0, "request_type").unwrap(), None);
    }
}
