//! Words for the API's enum values.

use steward_proto::v1::{CommentVisibility, Priority, PriorityFlag, RequestType, TicketAction, TicketState};

pub fn request_type(value: i32) -> &'static str {
    match RequestType::try_from(value) {
        Ok(RequestType::Incident) => "Incident",
        Ok(RequestType::ChangeRequest) => "Change request",
        Ok(RequestType::GuidanceRequest) => "Guidance request",
        Ok(RequestType::WorkshopRequest) => "Workshop request",
        Ok(RequestType::AddRemoveUser) => "Add or remove a user",
        Ok(RequestType::ProblemTroubleshooting) => "Problem or troubleshooting",
        Ok(RequestType::Other) => "Other",
        _ => "Unknown type",
    }
}

pub const REQUEST_TYPES: &[RequestType] = &[
    RequestType::Incident,
    RequestType::ProblemTroubleshooting,
    RequestType::ChangeRequest,
    RequestType::GuidanceRequest,
    RequestType::WorkshopRequest,
    RequestType::AddRemoveUser,
    RequestType::Other,
];

pub fn priority(value: i32) -> &'static str {
    match Priority::try_from(value) {
        Ok(Priority::ProductionDown) => "Production down",
        Ok(Priority::Urgent) => "Urgent",
        Ok(Priority::Normal) => "Normal",
        _ => "Unknown priority",
    }
}

pub const PRIORITIES: &[Priority] = &[Priority::ProductionDown, Priority::Urgent, Priority::Normal];

pub fn state(value: i32) -> &'static str {
    match TicketState::try_from(value) {
        Ok(TicketState::AwaitingApproval) => "Awaiting approval",
        Ok(TicketState::New) => "New",
        Ok(TicketState::Open) => "Open",
        Ok(TicketState::InProgress) => "In progress",
        Ok(TicketState::Pending) => "Pending",
        Ok(TicketState::Resolved) => "Resolved",
        Ok(TicketState::Closed) => "Closed",
        _ => "Unknown state",
    }
}

pub const STATES: &[TicketState] = &[
    TicketState::AwaitingApproval,
    TicketState::New,
    TicketState::Open,
    TicketState::InProgress,
    TicketState::Pending,
    TicketState::Resolved,
    TicketState::Closed,
];

/// The button label for an action; `confirming` when the requester's side confirms a resolution.
pub fn action(value: i32, confirming: bool) -> &'static str {
    match TicketAction::try_from(value) {
        Ok(TicketAction::Approve) => "Approve",
        Ok(TicketAction::Decline) => "Decline",
        Ok(TicketAction::Triage) => "Mark triaged",
        Ok(TicketAction::Start) => "Start work",
        Ok(TicketAction::WaitOnRequester) => "Wait on requester",
        Ok(TicketAction::Resolve) => "Resolve",
        Ok(TicketAction::Close) if confirming => "Confirm resolved",
        Ok(TicketAction::Close) => "Close",
        Ok(TicketAction::Reopen) => "Reopen",
        _ => "Unknown action",
    }
}

/// Whether the action asks for a reason first.
pub fn action_needs_reason(value: i32) -> bool {
    matches!(TicketAction::try_from(value), Ok(TicketAction::Decline | TicketAction::Reopen))
}

pub fn is_internal(visibility: i32) -> bool {
    visibility == CommentVisibility::InternalNote as i32
}

/// The priority flags, in the seed's order.
pub const PRIORITY_FLAGS: &[PriorityFlag] = &[
    PriorityFlag::DedicatedFunding,
    PriorityFlag::ManyCommunities,
    PriorityFlag::AlignedGoals,
    PriorityFlag::AlignedUpstream,
    PriorityFlag::HighImpact,
];

pub fn priority_flag(value: i32) -> &'static str {
    match PriorityFlag::try_from(value) {
        Ok(PriorityFlag::DedicatedFunding) => "Dedicated funding",
        Ok(PriorityFlag::ManyCommunities) => "Affects many communities",
        Ok(PriorityFlag::AlignedGoals) => "Aligned with our goals",
        Ok(PriorityFlag::AlignedUpstream) => "Aligned with upstream",
        Ok(PriorityFlag::HighImpact) => "High impact on one community",
        _ => "Unknown flag",
    }
}

/// Minutes as "2 h 05 min".
pub fn duration(minutes: i64) -> String {
    if minutes < 60 { format!("{minutes} min") } else { format!("{} h {:02} min", minutes / 60, minutes % 60) }
}

/// "Aurora Hub: 3 h 30 min of 20 h used this month (incidents: 1 h 00 min, not counted)".
pub fn budget_line(budget: &steward_proto::v1::Budget) -> String {
    let community = budget.community.as_ref().map(|c| c.name.clone()).unwrap_or_default();
    let period = if budget.period == steward_proto::v1::BudgetPeriod::Quarter as i32 { "quarter" } else { "month" };
    let used = duration(budget.used_minutes);
    let incidents = if budget.incident_minutes > 0 {
        format!(" (incidents: {}, not counted)", duration(budget.incident_minutes))
    } else {
        String::new()
    };
    match budget.hours {
        Some(hours) => format!("{community}: {used} of {hours} h support budget used this {period}{incidents}"),
        None => format!("{community}: no support budget set; {used} logged this {period}{incidents}"),
    }
}
