//! Words for the API's values: the domain's own words (`steward_domain`), looked up from the
//! numbers the API carries, plus the few phrasings only the web app needs.

use steward_domain::{Priority, PriorityFlag, RequestType, TicketState};
use steward_proto::domain::WireEnum;
use steward_proto::v1::CommentVisibility;

/// The wire value and label of every value of `T`, in the domain's order (for a `<select>`).
fn options<T: WireEnum>(all: &'static [T], label: fn(T) -> &'static str) -> impl Iterator<Item = (i32, &'static str)>
where
    T::Wire: Into<i32>,
{
    all.iter().map(move |&value| (value.to_wire().into(), label(value)))
}

pub fn request_type(value: i32) -> &'static str {
    RequestType::from_wire_lossy(value).map_or("Unknown type", RequestType::label)
}

pub fn request_types() -> impl Iterator<Item = (i32, &'static str)> {
    options(RequestType::ALL, RequestType::label)
}

pub fn priority(value: i32) -> &'static str {
    Priority::from_wire_lossy(value).map_or("Unknown priority", Priority::label)
}

pub fn priorities() -> impl Iterator<Item = (i32, &'static str)> {
    options(Priority::ALL, Priority::label)
}

pub fn state(value: i32) -> &'static str {
    TicketState::from_wire_lossy(value).map_or("Unknown state", TicketState::label)
}

pub fn states() -> impl Iterator<Item = (i32, &'static str)> {
    options(TicketState::ALL, TicketState::label)
}

pub fn is_internal(visibility: i32) -> bool {
    visibility == CommentVisibility::InternalNote as i32
}

pub fn priority_flag(value: i32) -> &'static str {
    PriorityFlag::from_wire_lossy(value).map_or("Unknown flag", PriorityFlag::label)
}

/// The priority flags, in the seed's order.
pub fn priority_flags() -> impl Iterator<Item = (i32, &'static str)> {
    options(PriorityFlag::ALL, PriorityFlag::label)
}

/// Minutes as "2 h 05 min".
pub fn duration(minutes: i64) -> String {
    if minutes < 60 { format!("{minutes} min") } else { format!("{} h {:02} min", minutes / 60, minutes % 60) }
}

/// "Aurora Hub: 3 h 30 min of 20 h used this month (incidents: 1 h 00 min, not counted)".
pub fn budget_line(budget: &steward_proto::v1::Budget) -> String {
    let community = budget.community.as_ref().map(|c| c.name.clone()).unwrap_or_default();
    let period = steward_domain::BudgetPeriod::from_wire_lossy(budget.period)
        .unwrap_or(steward_domain::BudgetPeriod::Month)
        .label();
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

/// What choosing public means, said exactly as it works ("Public means public", PRODUCT.md).
pub const PUBLIC_MEANS: &str = "Public: anyone can read this request and its public replies on the known-issues \
    pages, without signing in. Those pages name the community and the support team, never the person who filed it \
    or other people of the community.";

/// What choosing confidential means, said exactly as it works (`domain::authz`).
pub const CONFIDENTIAL_MEANS: &str = "Confidential: only the person who filed it, their community's representatives and the support team can see \
    this request.";

/// The sentence for a ticket's confidentiality.
pub fn confidentiality_means(confidential: bool) -> &'static str {
    if confidential { CONFIDENTIAL_MEANS } else { PUBLIC_MEANS }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_read_in_the_domain_s_words_and_unknown_numbers_say_so() {
        assert_eq!(state(TicketState::InProgress.to_wire() as i32), "In progress");
        assert_eq!(request_type(RequestType::WorkshopRequest.to_wire() as i32), "Workshop request");
        assert_eq!(priority(0), "Unknown priority");
        assert_eq!(state(999), "Unknown state");
        assert_eq!(states().count(), TicketState::ALL.len());
    }

    #[test]
    fn durations_read_as_hours_and_minutes() {
        assert_eq!(duration(5), "5 min");
        assert_eq!(duration(125), "2 h 05 min");
    }
}
