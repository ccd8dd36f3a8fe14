//! Between protobuf messages and domain values. Decoding a request field that is unset or out
//! of range fails as InvalidArgument naming the field; encoding never fails.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use steward_proto::v1 as pb;

use crate::db::models::comments::Comment;
use crate::db::models::communities::Community;
use crate::db::models::live::Card;
use crate::db::models::people::{Membership, Person};
use crate::db::models::tickets::Ticket;
use crate::domain::lifecycle::Action;
use crate::domain::{BudgetPeriod, MembershipRole, Priority, PriorityFlag, RequestType, StaffRole, TicketState};
use crate::error::{AppError, AppResult};

pub fn timestamp(at: DateTime<Utc>) -> prost_types::Timestamp {
    prost_types::Timestamp { seconds: at.timestamp(), nanos: at.timestamp_subsec_nanos() as i32 }
}

pub fn request_type_to_pb(value: RequestType) -> pb::RequestType {
    match value {
        RequestType::Incident => pb::RequestType::Incident,
        RequestType::ChangeRequest => pb::RequestType::ChangeRequest,
        RequestType::GuidanceRequest => pb::RequestType::GuidanceRequest,
        RequestType::WorkshopRequest => pb::RequestType::WorkshopRequest,
        RequestType::AddRemoveUser => pb::RequestType::AddRemoveUser,
        RequestType::ProblemTroubleshooting => pb::RequestType::ProblemTroubleshooting,
        RequestType::Other => pb::RequestType::Other,
    }
}

/// `None` for unset; InvalidArgument naming `field` for a number that is no request type.
pub fn request_type_from_pb(value: i32, field: &str) -> AppResult<Option<RequestType>> {
    Ok(match pb::RequestType::try_from(value) {
        Ok(pb::RequestType::Unspecified) => None,
        Ok(pb::RequestType::Incident) => Some(RequestType::Incident),
        Ok(pb::RequestType::ChangeRequest) => Some(RequestType::ChangeRequest),
        Ok(pb::RequestType::GuidanceRequest) => Some(RequestType::GuidanceRequest),
        Ok(pb::RequestType::WorkshopRequest) => Some(RequestType::WorkshopRequest),
        Ok(pb::RequestType::AddRemoveUser) => Some(RequestType::AddRemoveUser),
        Ok(pb::RequestType::ProblemTroubleshooting) => Some(RequestType::ProblemTroubleshooting),
        Ok(pb::RequestType::Other) => Some(RequestType::Other),
        Err(_) => return Err(AppError::invalid(field, format!("{value} is not a request type."))),
    })
}

pub fn priority_to_pb(value: Priority) -> pb::Priority {
    match value {
        Priority::ProductionDown => pb::Priority::ProductionDown,
        Priority::Urgent => pb::Priority::Urgent,
        Priority::Normal => pb::Priority::Normal,
    }
}

pub fn priority_from_pb(value: i32, field: &str) -> AppResult<Option<Priority>> {
    Ok(match pb::Priority::try_from(value) {
        Ok(pb::Priority::Unspecified) => None,
        Ok(pb::Priority::ProductionDown) => Some(Priority::ProductionDown),
        Ok(pb::Priority::Urgent) => Some(Priority::Urgent),
        Ok(pb::Priority::Normal) => Some(Priority::Normal),
        Err(_) => return Err(AppError::invalid(field, format!("{value} is not a priority."))),
    })
}

pub fn state_to_pb(value: TicketState) -> pb::TicketState {
    match value {
        TicketState::AwaitingApproval => pb::TicketState::AwaitingApproval,
        TicketState::New => pb::TicketState::New,
        TicketState::Open => pb::TicketState::Open,
        TicketState::InProgress => pb::TicketState::InProgress,
        TicketState::Pending => pb::TicketState::Pending,
        TicketState::Resolved => pb::TicketState::Resolved,
        TicketState::Closed => pb::TicketState::Closed,
    }
}

pub fn state_from_pb(value: i32, field: &str) -> AppResult<TicketState> {
    match pb::TicketState::try_from(value) {
        Ok(pb::TicketState::AwaitingApproval) => Ok(TicketState::AwaitingApproval),
        Ok(pb::TicketState::New) => Ok(TicketState::New),
        Ok(pb::TicketState::Open) => Ok(TicketState::Open),
        Ok(pb::TicketState::InProgress) => Ok(TicketState::InProgress),
        Ok(pb::TicketState::Pending) => Ok(TicketState::Pending),
        Ok(pb::TicketState::Resolved) => Ok(TicketState::Resolved),
        Ok(pb::TicketState::Closed) => Ok(TicketState::Closed),
        Ok(pb::TicketState::Unspecified) | Err(_) => {
            Err(AppError::invalid(field, format!("{value} is not a ticket state.")))
        }
    }
}

pub fn action_to_pb(value: Action) -> pb::TicketAction {
    match value {
        Action::Approve => pb::TicketAction::Approve,
        Action::Decline => pb::TicketAction::Decline,
        Action::Triage => pb::TicketAction::Triage,
        Action::Start => pb::TicketAction::Start,
        Action::WaitOnRequester => pb::TicketAction::WaitOnRequester,
        Action::Resolve => pb::TicketAction::Resolve,
        Action::Close => pb::TicketAction::Close,
        Action::Reopen => pb::TicketAction::Reopen,
    }
}

pub fn action_from_pb(value: i32) -> AppResult<Action> {
    match pb::TicketAction::try_from(value) {
        Ok(pb::TicketAction::Approve) => Ok(Action::Approve),
        Ok(pb::TicketAction::Decline) => Ok(Action::Decline),
        Ok(pb::TicketAction::Triage) => Ok(Action::Triage),
        Ok(pb::TicketAction::Start) => Ok(Action::Start),
        Ok(pb::TicketAction::WaitOnRequester) => Ok(Action::WaitOnRequester),
        Ok(pb::TicketAction::Resolve) => Ok(Action::Resolve),
        Ok(pb::TicketAction::Close) => Ok(Action::Close),
        Ok(pb::TicketAction::Reopen) => Ok(Action::Reopen),
        Ok(pb::TicketAction::Unspecified) => Err(AppError::invalid("action", "Choose an action.")),
        Err(_) => Err(AppError::invalid("action", format!("{value} is not an action."))),
    }
}

pub fn priority_flag_to_pb(value: PriorityFlag) -> pb::PriorityFlag {
    match value {
        PriorityFlag::DedicatedFunding => pb::PriorityFlag::DedicatedFunding,
        PriorityFlag::ManyCommunities => pb::PriorityFlag::ManyCommunities,
        PriorityFlag::AlignedGoals => pb::PriorityFlag::AlignedGoals,
        PriorityFlag::AlignedUpstream => pb::PriorityFlag::AlignedUpstream,
        PriorityFlag::HighImpact => pb::PriorityFlag::HighImpact,
    }
}

pub fn priority_flag_from_pb(value: i32, field: &str) -> AppResult<PriorityFlag> {
    match pb::PriorityFlag::try_from(value) {
        Ok(pb::PriorityFlag::DedicatedFunding) => Ok(PriorityFlag::DedicatedFunding),
        Ok(pb::PriorityFlag::ManyCommunities) => Ok(PriorityFlag::ManyCommunities),
        Ok(pb::PriorityFlag::AlignedGoals) => Ok(PriorityFlag::AlignedGoals),
        Ok(pb::PriorityFlag::AlignedUpstream) => Ok(PriorityFlag::AlignedUpstream),
        Ok(pb::PriorityFlag::HighImpact) => Ok(PriorityFlag::HighImpact),
        Ok(pb::PriorityFlag::Unspecified) | Err(_) => {
            Err(AppError::invalid(field, "Choose one of the priority flags."))
        }
    }
}

pub fn budget_period_to_pb(value: BudgetPeriod) -> pb::BudgetPeriod {
    match value {
        BudgetPeriod::Month => pb::BudgetPeriod::Month,
        BudgetPeriod::Quarter => pb::BudgetPeriod::Quarter,
    }
}

/// The period, defaulting to a month when unspecified.
pub fn budget_period_from_pb(value: i32) -> AppResult<BudgetPeriod> {
    match pb::BudgetPeriod::try_from(value) {
        Ok(pb::BudgetPeriod::Unspecified | pb::BudgetPeriod::Month) => Ok(BudgetPeriod::Month),
        Ok(pb::BudgetPeriod::Quarter) => Ok(BudgetPeriod::Quarter),
        Err(_) => Err(AppError::invalid("period", "Choose a month or a quarter.")),
    }
}

pub fn membership_role_to_pb(value: MembershipRole) -> pb::MembershipRole {
    match value {
        MembershipRole::Representative => pb::MembershipRole::Representative,
        MembershipRole::Member => pb::MembershipRole::Member,
    }
}

pub fn membership_role_from_pb(value: i32) -> AppResult<MembershipRole> {
    match pb::MembershipRole::try_from(value) {
        Ok(pb::MembershipRole::Representative) => Ok(MembershipRole::Representative),
        Ok(pb::MembershipRole::Member) => Ok(MembershipRole::Member),
        _ => Err(AppError::invalid("role", "Choose representative or member.")),
    }
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
                .map(|a| pb::FormAnswer { key: a.key.clone(), label: a.label.clone(), value: a.value.clone() })
                .collect(),
            version: value.version,
            created_at: Some(timestamp(value.created_at)),
            updated_at: Some(timestamp(value.updated_at)),
            resolved_at: value.resolved_at.map(timestamp),
            closed_at: value.closed_at.map(timestamp),
            acknowledged_at: value.acknowledged_at.map(timestamp),
            released_in: value.released_in.clone(),
            scheduled_for: value.scheduled_for.map(|d| d.to_string()),
        }
    }

    pub fn comment(&self, value: &Comment) -> pb::Comment {
        let visibility =
            if value.internal { pb::CommentVisibility::InternalNote } else { pb::CommentVisibility::PublicReply };
        pb::Comment {
            id: value.id,
            author: Some(self.person_ref(value.author_id)),
            body: value.body.clone(),
            visibility: visibility as i32,
            created_at: Some(timestamp(value.created_at)),
        }
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
            Err(AppError::InvalidArgument(field)) => assert_eq!(field.field, "request_type"),
            other => panic!("{other:?}"),
        }
        assert_eq!(request_type_from_pb(0, "request_type").unwrap(), None);
    }
}
