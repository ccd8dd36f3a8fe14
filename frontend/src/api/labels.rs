//! Words for the API's values: the domain's own words (`steward_domain`), looked up from the
//! numbers the API carries, plus the few phrasings only the web app needs.

use steward_domain::incident::{Phase, ReportState, Role};
use steward_domain::{Priority, PriorityFlag, RequestType, TicketState};
use steward_proto::domain::WireEnum;
use steward_proto::v1::{self as pb, CommentVisibility};

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

pub fn phase(value: i32) -> &'static str {
    Phase::from_wire_lossy(value).map_or("Unknown phase", Phase::label)
}

pub fn incident_role(value: i32) -> &'static str {
    Role::from_wire_lossy(value).map_or("Unknown role", Role::label)
}

pub fn report_state(value: i32) -> &'static str {
    ReportState::from_wire_lossy(value).map_or("Unknown state", ReportState::label)
}

/// What one entry of an incident's timeline says ("Sam Steward handed command to Ada Admin").
/// An update's text is shown beside it, rendered.
pub fn incident_entry(entry: &pb::IncidentEntry) -> String {
    use pb::incident_entry::Entry;
    let name = |p: &Option<pb::PersonRef>| p.as_ref().map_or("Someone".to_owned(), |p| p.display_name.clone());
    let who = entry.actor.as_ref().map_or("Steward".to_owned(), |p| p.display_name.clone());
    let community = |c: &Option<pb::Community>| c.as_ref().map_or("a community".to_owned(), |c| c.name.clone());
    match &entry.entry {
        Some(Entry::Declared(d)) => {
            let from = if d.escalated_ticket_number > 0 {
                format!(" from ticket #{}", d.escalated_ticket_number)
            } else {
                String::new()
            };
            format!("{who} declared the incident{from} ({}), commanded by {}", priority(d.severity), name(&d.commander))
        }
        Some(Entry::Stepped(s)) => format!("{who}: {} → {}", phase(s.from), phase(s.to)),
        Some(Entry::CommandHandedOver(h)) => format!("{} handed command to {}", name(&h.from), name(&h.to)),
        Some(Entry::RoleChanged(r)) if r.joined => {
            format!("{} joined as {}", name(&r.person), incident_role(r.role).to_lowercase())
        }
        Some(Entry::RoleChanged(r)) => {
            format!("{} left the role {}", name(&r.person), incident_role(r.role).to_lowercase())
        }
        Some(Entry::TicketLinked(t)) => {
            format!("{who} linked ticket #{} ({})", t.ticket_number, community(&t.community))
        }
        Some(Entry::CommunityAdded(c)) => format!("{who} named {} affected", community(&c.community)),
        Some(Entry::UpdatePosted(u)) if u.public => format!("{who} posted a public update"),
        Some(Entry::UpdatePosted(_)) => format!("{who} wrote an internal note"),
        Some(Entry::ReportMoved(m)) => {
            format!("{who} moved the report from {} to {}", report_state(m.from), report_state(m.to))
        }
        Some(Entry::ResolutionConfirmed(c)) => {
            format!("{who} confirmed the resolution for {}", community(&c.community))
        }
        Some(Entry::PublicitySet(p)) if p.public => format!("{who} put the incident on the public status page"),
        Some(Entry::PublicitySet(_)) => format!("{who} took the incident off the public status page"),
        Some(Entry::EntryPinned(p)) if p.pinned => format!("{who} pinned a key moment"),
        Some(Entry::EntryPinned(_)) => format!("{who} unpinned a moment"),
        Some(Entry::TaskAdded(t)) => match &t.owner {
            Some(owner) => format!("{who} added the task \"{}\" for {}", t.title, owner.display_name),
            None => format!("{who} added the task \"{}\"", t.title),
        },
        Some(Entry::Paged(p)) => {
            let ids: Vec<i64> = p.people.iter().map(|person| person.id).collect();
            let name_of =
                |id: i64| p.people.iter().find(|person| person.id == id).map(|person| person.display_name.clone());
            format!("{who} {}", steward_domain::events::page_sentence(p.level, &ids, &name_of))
        }
        Some(Entry::PageAcknowledged(_)) => format!("{who} acknowledged the page"),
        Some(Entry::PageEnded(e)) => {
            format!("{who} ended the page: {}", crate::components::paging::ended_words(e.because))
        }
        Some(Entry::TaskUpdated(t)) if t.done => format!("{who} marked the task \"{}\" done", t.title),
        Some(Entry::TaskUpdated(t)) => match &t.owner {
            Some(owner) => format!("{who} gave the task \"{}\" to {}", t.title, owner.display_name),
            None => format!("{who} reopened the task \"{}\"", t.title),
        },
        None => "Something happened".to_owned(),
    }
}

/// "in 42 min", "overdue by 1 h 05 min": the countdown to the next update.
pub fn countdown(due_seconds: i64, now_seconds: i64) -> (bool, String) {
    let left = due_seconds - now_seconds;
    if left > 0 {
        (false, format!("in {}", duration((left + 59) / 60)))
    } else {
        (true, format!("overdue by {}", duration(-left / 60)))
    }
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
    fn the_next_update_counts_down_then_says_how_late_it_is() {
        assert_eq!(countdown(3_600, 0), (false, "in 1 h 00 min".to_owned()));
        assert_eq!(countdown(3_600, 3_599), (false, "in 1 min".to_owned()));
        assert_eq!(countdown(3_600, 3_600), (true, "overdue by 0 min".to_owned()));
        assert_eq!(countdown(0, 3_900), (true, "overdue by 1 h 05 min".to_owned()));
    }

    #[test]
    fn durations_read_as_hours_and_minutes() {
        assert_eq!(duration(5), "5 min");
        assert_eq!(duration(125), "2 h 05 min");
    }
}
