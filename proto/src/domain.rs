//! The one mapping between the API's enums and events and the domain's values, used by the
//! server and the browser alike. Encoding never fails; decoding a number tells apart "unset" (the enum's
//! `UNSPECIFIED`, `Ok(None)`) from a number that is no value at all (`Err`), so the server can
//! name the field that carried it.

use chrono::{DateTime, NaiveDate, Utc};
use steward_domain::events::TicketEvent;
use steward_domain::facts::{Principal, TicketFacts};
use steward_domain::fields::FieldChanged;
use steward_domain::incident::{Phase, ReportState, Role, Step};
use steward_domain::lifecycle::Action;
use steward_domain::paging::Ended;
use steward_domain::sla::{ClockKind, ClockView, Target};
use steward_domain::{BudgetPeriod, MembershipRole, Priority, PriorityFlag, RequestType, StaffRole, TicketState};

use crate::v1 as pb;

/// A number on the wire that is none of an enum's values.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct UnknownValue(pub i32);

/// A domain value carried on the wire as a protobuf enum.
pub trait WireEnum: Sized + Copy {
    /// The protobuf enum.
    type Wire: Into<i32>;

    /// The protobuf value for this one.
    fn to_wire(self) -> Self::Wire;

    /// The value a number on the wire stands for: `Ok(None)` when it is unset.
    fn from_wire(value: i32) -> Result<Option<Self>, UnknownValue>;

    /// The value, or `None` when unset or unknown (for display, where there is no field to name).
    fn from_wire_lossy(value: i32) -> Option<Self> {
        Self::from_wire(value).ok().flatten()
    }
}

/// Each domain enum is declared in the order of its protobuf enum, so the wire value of the
/// value at index `i` of `ALL` is `i + 1` (0 is unset). A new value goes at the end of both;
/// the tests below check that every pair has the same name (`change_request` is
/// `REQUEST_TYPE_CHANGE_REQUEST`), so no mapping line is written per value.
macro_rules! wire_enum {
    ($domain:ty => $wire:ident) => {
        impl WireEnum for $domain {
            type Wire = pb::$wire;

            fn to_wire(self) -> pb::$wire {
                let place = <$domain>::ALL.iter().position(|value| *value == self);
                place.and_then(|i| pb::$wire::try_from(i as i32 + 1).ok()).unwrap_or_default()
            }

            fn from_wire(value: i32) -> Result<Option<Self>, UnknownValue> {
                match value {
                    0 => Ok(None),
                    _ => usize::try_from(value - 1)
                        .ok()
                        .and_then(|i| <$domain>::ALL.get(i))
                        .map(|domain| Some(*domain))
                        .ok_or(UnknownValue(value)),
                }
            }
        }

        impl From<$domain> for pb::$wire {
            fn from(value: $domain) -> pb::$wire {
                value.to_wire()
            }
        }
    };
}

wire_enum!(RequestType => RequestType);
wire_enum!(Priority => Priority);
wire_enum!(TicketState => TicketState);
wire_enum!(Action => TicketAction);
wire_enum!(PriorityFlag => PriorityFlag);
wire_enum!(BudgetPeriod => BudgetPeriod);
wire_enum!(MembershipRole => MembershipRole);
wire_enum!(Phase => IncidentPhase);
wire_enum!(Step => IncidentStep);
wire_enum!(Role => IncidentRole);
wire_enum!(ClockKind => ClockKind);
wire_enum!(Ended => PageEndReason);

/// An instant as the wire carries it.
pub fn stamp(at: DateTime<Utc>) -> prost_types::Timestamp {
    prost_types::Timestamp { seconds: at.timestamp(), nanos: at.timestamp_subsec_nanos() as i32 }
}

/// The instant a wire timestamp stands for, if it is a real one.
pub fn instant(at: &prost_types::Timestamp) -> Option<DateTime<Utc>> {
    u32::try_from(at.nanos).ok().and_then(|nanos| DateTime::from_timestamp(at.seconds, nanos))
}

/// A clock target as the wire carries it.
pub fn target(value: Target) -> pb::ClockTarget {
    use pb::clock_target::Target as Wire;
    pb::ClockTarget {
        target: Some(match value {
            Target::WorkingMinutes(minutes) => Wire::WorkingMinutes(minutes),
            Target::NextWorkingDayEnd => Wire::NextWorkingDayEnd(true),
        }),
    }
}

/// The target a wire value stands for; `None` when it is unset.
pub fn target_from_wire(value: &pb::ClockTarget) -> Option<Target> {
    use pb::clock_target::Target as Wire;
    match value.target? {
        Wire::WorkingMinutes(minutes) => Some(Target::WorkingMinutes(minutes)),
        Wire::NextWorkingDayEnd(_) => Some(Target::NextWorkingDayEnd),
    }
}

/// A running clock as cards and lists carry it.
pub fn clock(view: &ClockView) -> pb::TicketClock {
    pb::TicketClock {
        kind: view.kind.to_wire().into(),
        cycle: view.cycle,
        due_at: view.due_at.map(stamp),
        paused: view.paused,
        remaining_seconds: view.remaining_seconds,
        target: Some(target(view.target)),
        always: view.always,
        ..pb::TicketClock::default()
    }
}
wire_enum!(ReportState => IncidentReportState);
// STAFF_ROLE_NONE is 0: not on staff.
wire_enum!(StaffRole => StaffRole);

/// The facts the access rules decide over, from the API's account of the signed-in person (the
/// browser asks `steward_domain::authz` with these what to offer; the server decides again).
pub fn principal(person: &pb::Person) -> Principal {
    let communities = |role: MembershipRole| {
        person
            .memberships
            .iter()
            .filter(|m| MembershipRole::from_wire_lossy(m.role) == Some(role))
            .filter_map(|m| m.community.as_ref().map(|c| c.id))
            .collect()
    };
    Principal {
        person_id: person.id,
        display_name: person.display_name.clone(),
        email: person.email.clone(),
        staff_role: StaffRole::from_wire_lossy(person.staff_role),
        representative_of: communities(MembershipRole::Representative),
        member_of: communities(MembershipRole::Member),
    }
}

/// Whether an incident in the phase the API sent is still being worked on.
pub fn incident_active(phase: i32) -> bool {
    steward_domain::incident::Phase::from_wire_lossy(phase).is_some_and(|p| p.is_active())
}

/// What the access rules need to know about a ticket the API sent; `None` if its state is not
/// one this build knows.
pub fn ticket_facts(ticket: &pb::Ticket) -> Option<TicketFacts> {
    Some(TicketFacts {
        community_id: ticket.community.as_ref().map_or(0, |c| c.id),
        requester_id: ticket.requester.as_ref().map_or(0, |p| p.id),
        confidential: ticket.confidential,
        state: TicketState::from_wire_lossy(ticket.state)?,
    })
}

/// A ticket event as the API carries it; `person` names the people it mentions (assignees).
pub fn happening(event: &TicketEvent, person: impl Fn(i64) -> pb::PersonRef) -> pb::TicketHappening {
    use pb::ticket_happening::Kind;
    let kind = match event {
        TicketEvent::Created { state, request_type, priority, confidential } => Kind::Created(pb::Filed {
            state: state.to_wire().into(),
            request_type: request_type.to_wire().into(),
            priority: priority.to_wire().into(),
            confidential: *confidential,
        }),
        TicketEvent::Transitioned { action, from, to, reason } => Kind::Transitioned(pb::Transitioned {
            action: action.to_wire().into(),
            from: from.to_wire().into(),
            to: to.to_wire().into(),
            reason: reason.clone(),
        }),
        TicketEvent::RequesterReplied { from, to } => {
            Kind::RequesterReplied(pb::RequesterReplied { from: from.to_wire().into(), to: to.to_wire().into() })
        }
        TicketEvent::Updated { changes } => Kind::Updated(pb::FieldsUpdated {
            changes: changes.iter().map(|change| field_change(change, &person)).collect(),
        }),
        TicketEvent::Commented { comment_id, internal } => {
            Kind::Commented(pb::Commented { comment_id: *comment_id, internal: *internal })
        }
        TicketEvent::Reordered { state, rank } => {
            Kind::Reordered(pb::Reordered { state: state.to_wire().into(), rank: *rank })
        }
        TicketEvent::FlagsSet { flags } => {
            Kind::FlagsSet(pb::FlagsSet { flags: flags.iter().map(|flag| flag.to_wire().into()).collect() })
        }
        TicketEvent::Timebox { running } => Kind::Timebox(pb::TimeboxSet { running: *running }),
        TicketEvent::ReleaseRecorded { released_in } => {
            Kind::ReleaseRecorded(pb::ReleaseRecorded { released_in: released_in.clone() })
        }
        TicketEvent::Linked { link_id, url, title } => {
            Kind::Linked(pb::IssueLinked { url: url.clone(), title: title.clone(), link_id: *link_id })
        }
        TicketEvent::Unlinked { link_id } => Kind::Unlinked(pb::IssueUnlinked { link_id: *link_id }),
        TicketEvent::SurveyAnswered { rating } => {
            Kind::SurveyAnswered(pb::SurveyAnswered { rating: i32::from(*rating) })
        }
        TicketEvent::TimeLogged { minutes } => Kind::TimeLogged(pb::TimeLogged { minutes: *minutes }),
        TicketEvent::ClockWarned { clock, due_at } => {
            Kind::ClockWarned(pb::ClockWarned { clock: clock.to_wire().into(), due_at: Some(stamp(*due_at)) })
        }
        TicketEvent::ClockBreached { clock, due_at } => {
            Kind::ClockBreached(pb::ClockBreached { clock: clock.to_wire().into(), due_at: Some(stamp(*due_at)) })
        }
        TicketEvent::Reminded { closes_at } => Kind::Reminded(pb::Reminded { closes_at: Some(stamp(*closes_at)) }),
        TicketEvent::Paged { page_id, level, people } => Kind::Paged(paged(*page_id, *level, people, &person)),
        TicketEvent::PageAcknowledged { page_id } => Kind::PageAcknowledged(pb::PageAcknowledged { page_id: *page_id }),
        TicketEvent::PageEnded { page_id, because } => {
            Kind::PageEnded(pb::PageEnded { page_id: *page_id, because: because.to_wire().into() })
        }
    };
    pb::TicketHappening { kind: Some(kind) }
}

/// A page's entry as the API carries it (in a ticket's history and an incident's timeline).
pub fn paged(page_id: i64, level: u32, people: &[i64], person: &impl Fn(i64) -> pb::PersonRef) -> pb::Paged {
    pb::Paged { page_id, level, people: people.iter().map(|id| person(*id)).collect() }
}

fn field_change(change: &FieldChanged, person: &impl Fn(i64) -> pb::PersonRef) -> pb::FieldChange {
    use pb::field_change::Field;
    let field = match *change {
        FieldChanged::Assignee { from, to } => {
            Field::Assignee(pb::AssigneeChange { from: from.map(person), to: to.map(person) })
        }
        FieldChanged::Priority { from, to } => {
            Field::Priority(pb::PriorityChange { from: from.to_wire().into(), to: to.to_wire().into() })
        }
        FieldChanged::RequestType { from, to } => {
            Field::RequestType(pb::RequestTypeChange { from: from.to_wire().into(), to: to.to_wire().into() })
        }
        FieldChanged::Confidential { from, to } => Field::Confidential(pb::ConfidentialChange { from, to }),
        FieldChanged::ScheduledFor { from, to } => Field::ScheduledFor(pb::ScheduledForChange {
            from: from.map(|day| day.to_string()),
            to: to.map(|day| day.to_string()),
        }),
    };
    pb::FieldChange { field: Some(field) }
}

/// The domain event a payload carries, or `None` for one this client does not know (a newer
/// server) or that is incomplete.
pub fn ticket_event(what: &pb::TicketHappening) -> Option<TicketEvent> {
    use pb::ticket_happening::Kind;
    fn value<T: WireEnum>(wire: i32) -> Option<T> {
        T::from_wire_lossy(wire)
    }
    Some(match what.kind.as_ref()? {
        Kind::Created(filed) => TicketEvent::Created {
            state: value(filed.state)?,
            request_type: value(filed.request_type)?,
            priority: value(filed.priority)?,
            confidential: filed.confidential,
        },
        Kind::Transitioned(step) => TicketEvent::Transitioned {
            action: value(step.action)?,
            from: value(step.from)?,
            to: value(step.to)?,
            reason: step.reason.clone(),
        },
        Kind::RequesterReplied(replied) => {
            TicketEvent::RequesterReplied { from: value(replied.from)?, to: value(replied.to)? }
        }
        Kind::Updated(updated) => {
            TicketEvent::Updated { changes: updated.changes.iter().map(changed_field).collect::<Option<Vec<_>>>()? }
        }
        Kind::Commented(commented) => {
            TicketEvent::Commented { comment_id: commented.comment_id, internal: commented.internal }
        }
        Kind::Reordered(reordered) => TicketEvent::Reordered { state: value(reordered.state)?, rank: reordered.rank },
        Kind::FlagsSet(set) => {
            TicketEvent::FlagsSet { flags: set.flags.iter().map(|&f| value(f)).collect::<Option<_>>()? }
        }
        Kind::Timebox(timebox) => TicketEvent::Timebox { running: timebox.running },
        Kind::ReleaseRecorded(release) => TicketEvent::ReleaseRecorded { released_in: release.released_in.clone() },
        Kind::Linked(link) => {
            TicketEvent::Linked { link_id: link.link_id, url: link.url.clone(), title: link.title.clone() }
        }
        Kind::Unlinked(unlink) => TicketEvent::Unlinked { link_id: unlink.link_id },
        Kind::SurveyAnswered(survey) => TicketEvent::SurveyAnswered { rating: i16::try_from(survey.rating).ok()? },
        Kind::TimeLogged(logged) => TicketEvent::TimeLogged { minutes: logged.minutes },
        Kind::ClockWarned(warned) => {
            TicketEvent::ClockWarned { clock: value(warned.clock)?, due_at: instant(warned.due_at.as_ref()?)? }
        }
        Kind::ClockBreached(breached) => {
            TicketEvent::ClockBreached { clock: value(breached.clock)?, due_at: instant(breached.due_at.as_ref()?)? }
        }
        Kind::Reminded(reminded) => TicketEvent::Reminded { closes_at: instant(reminded.closes_at.as_ref()?)? },
        Kind::Paged(paged) => TicketEvent::Paged {
            page_id: paged.page_id,
            level: paged.level,
            people: paged.people.iter().map(|p| p.id).collect(),
        },
        Kind::PageAcknowledged(acknowledged) => TicketEvent::PageAcknowledged { page_id: acknowledged.page_id },
        Kind::PageEnded(ended) => TicketEvent::PageEnded { page_id: ended.page_id, because: value(ended.because)? },
    })
}

fn changed_field(change: &pb::FieldChange) -> Option<FieldChanged> {
    use pb::field_change::Field;
    let day = |text: &Option<String>| -> Option<Option<NaiveDate>> {
        text.as_deref().map(iso_day).map_or(Some(None), |d| d.map(Some))
    };
    Some(match change.field.as_ref()? {
        Field::Assignee(a) => {
            FieldChanged::Assignee { from: a.from.as_ref().map(|p| p.id), to: a.to.as_ref().map(|p| p.id) }
        }
        Field::Priority(p) => {
            FieldChanged::Priority { from: Priority::from_wire_lossy(p.from)?, to: Priority::from_wire_lossy(p.to)? }
        }
        Field::RequestType(t) => FieldChanged::RequestType {
            from: RequestType::from_wire_lossy(t.from)?,
            to: RequestType::from_wire_lossy(t.to)?,
        },
        Field::Confidential(c) => FieldChanged::Confidential { from: c.from, to: c.to },
        Field::ScheduledFor(s) => FieldChanged::ScheduledFor { from: day(&s.from)?, to: day(&s.to)? },
    })
}

/// A day written YYYY-MM-DD, read without chrono's format parser (which would add tens of
/// kilobytes to the web app for this one field).
pub fn iso_day(text: &str) -> Option<NaiveDate> {
    let mut parts = text.splitn(3, '-').map(str::parse::<u32>);
    let (year, month, day) = (parts.next()?.ok()?, parts.next()?.ok()?, parts.next()?.ok()?);
    NaiveDate::from_ymd_opt(i32::try_from(year).ok()?, month, day)
}

/// The sentence for people after the actor's name ("moved it from New to Open"), written from
/// the payload and the names it carries.
pub fn sentence(what: &pb::TicketHappening) -> String {
    let Some(event) = ticket_event(what) else { return "made a change".to_owned() };
    let names: Vec<&pb::PersonRef> = match &what.kind {
        Some(pb::ticket_happening::Kind::Updated(updated)) => updated
            .changes
            .iter()
            .filter_map(|change| match &change.field {
                Some(pb::field_change::Field::Assignee(a)) => a.to.as_ref(),
                _ => None,
            })
            .collect(),
        Some(pb::ticket_happening::Kind::Paged(paged)) => paged.people.iter().collect(),
        _ => Vec::new(),
    };
    event.sentence(|id| names.iter().find(|p| p.id == id).map(|p| p.display_name.clone()))
}

/// The kind of a payload, as the event log names it ("transitioned"); empty when unknown.
pub fn kind(what: &pb::TicketHappening) -> &'static str {
    ticket_event(what).map_or("", |event| event.kind())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round_trips<T: WireEnum + PartialEq + std::fmt::Debug>(all: &[T])
    where
        T::Wire: TryFrom<i32>,
    {
        for &value in all {
            let wire: i32 = value.to_wire().into();
            assert_eq!(T::from_wire(wire), Ok(Some(value)));
            assert_ne!(wire, 0, "{value:?} has no wire value of the same name");
        }
        for wire in 1..64 {
            if T::Wire::try_from(wire).is_ok() {
                assert!(matches!(T::from_wire(wire), Ok(Some(_))), "wire value {wire} has no domain value");
            }
        }
        assert_eq!(T::from_wire(0), Ok(None));
        assert_eq!(T::from_wire(9_999), Err(UnknownValue(9_999)));
    }

    /// The value at each place of the domain's `ALL` has the wire value of the same name, and
    /// the wire enum has no value more.
    fn aligned<T: WireEnum + std::fmt::Debug>(
        all: &[T],
        prefix: &str,
        spelling: fn(T) -> &'static str,
        name: fn(i32) -> Option<&'static str>,
    ) {
        for (i, &value) in all.iter().enumerate() {
            let wire: i32 = value.to_wire().into();
            assert_eq!(wire, i as i32 + 1);
            let expected = format!("{prefix}{}", spelling(value).to_ascii_uppercase());
            assert_eq!(name(wire), Some(expected.as_str()), "{value:?}: declare it in the wire enum's order");
        }
        assert_eq!(name(all.len() as i32 + 1), None, "the wire enum has a value the domain lacks");
    }

    #[test]
    fn each_domain_enum_is_declared_in_its_wire_enums_order() {
        aligned(RequestType::ALL, "REQUEST_TYPE_", RequestType::as_str, |n| {
            pb::RequestType::try_from(n).ok().map(|w| w.as_str_name())
        });
        aligned(Priority::ALL, "PRIORITY_", Priority::as_str, |n| {
            pb::Priority::try_from(n).ok().map(|w| w.as_str_name())
        });
        aligned(TicketState::ALL, "TICKET_STATE_", TicketState::as_str, |n| {
            pb::TicketState::try_from(n).ok().map(|w| w.as_str_name())
        });
        aligned(Action::ALL, "TICKET_ACTION_", Action::as_str, |n| {
            pb::TicketAction::try_from(n).ok().map(|w| w.as_str_name())
        });
        aligned(PriorityFlag::ALL, "PRIORITY_FLAG_", PriorityFlag::as_str, |n| {
            pb::PriorityFlag::try_from(n).ok().map(|w| w.as_str_name())
        });
        aligned(BudgetPeriod::ALL, "BUDGET_PERIOD_", BudgetPeriod::as_str, |n| {
            pb::BudgetPeriod::try_from(n).ok().map(|w| w.as_str_name())
        });
        aligned(StaffRole::ALL, "STAFF_ROLE_", StaffRole::as_str, |n| {
            pb::StaffRole::try_from(n).ok().map(|w| w.as_str_name())
        });
        aligned(MembershipRole::ALL, "MEMBERSHIP_ROLE_", MembershipRole::as_str, |n| {
            pb::MembershipRole::try_from(n).ok().map(|w| w.as_str_name())
        });
        aligned(Phase::ALL, "INCIDENT_PHASE_", Phase::as_str, |n| {
            pb::IncidentPhase::try_from(n).ok().map(|w| w.as_str_name())
        });
        aligned(Step::ALL, "INCIDENT_STEP_", Step::as_str, |n| {
            pb::IncidentStep::try_from(n).ok().map(|w| w.as_str_name())
        });
        aligned(Role::ALL, "INCIDENT_ROLE_", Role::as_str, |n| {
            pb::IncidentRole::try_from(n).ok().map(|w| w.as_str_name())
        });
        aligned(ReportState::ALL, "INCIDENT_REPORT_STATE_", ReportState::as_str, |n| {
            pb::IncidentReportState::try_from(n).ok().map(|w| w.as_str_name())
        });
        aligned(ClockKind::ALL, "CLOCK_KIND_", ClockKind::as_str, |n| {
            pb::ClockKind::try_from(n).ok().map(|w| w.as_str_name())
        });
        aligned(Ended::ALL, "PAGE_END_REASON_", Ended::as_str, |n| {
            pb::PageEndReason::try_from(n).ok().map(|w| w.as_str_name())
        });
    }

    #[test]
    fn every_domain_value_has_its_own_wire_value_and_back() {
        round_trips(RequestType::ALL);
        round_trips(Priority::ALL);
        round_trips(TicketState::ALL);
        round_trips(Action::ALL);
        round_trips(PriorityFlag::ALL);
        round_trips(BudgetPeriod::ALL);
        round_trips(MembershipRole::ALL);
        round_trips(StaffRole::ALL);
        round_trips(Phase::ALL);
        round_trips(Step::ALL);
        round_trips(Role::ALL);
        round_trips(ReportState::ALL);
        round_trips(ClockKind::ALL);
        round_trips(Ended::ALL);
    }

    #[test]
    fn the_browser_decides_over_the_same_facts_as_the_server() {
        let membership = |id, role: MembershipRole| pb::Membership {
            community: Some(pb::Community { id, ..Default::default() }),
            role: role.to_wire() as i32,
        };
        let person = pb::Person {
            id: 4,
            email: "rita@example.org".into(),
            display_name: "Rita Rep".into(),
            staff_role: pb::StaffRole::None as i32,
            memberships: vec![membership(1, MembershipRole::Representative), membership(2, MembershipRole::Member)],
            time_zone: None,
        };
        let who = principal(&person);
        assert_eq!((who.representative_of.as_slice(), who.member_of.as_slice()), (&[1][..], &[2][..]));
        assert!(!who.is_staff());
        let admin = principal(&pb::Person { staff_role: pb::StaffRole::Admin as i32, ..person });
        assert!(admin.is_admin());

        let ticket = pb::Ticket {
            community: Some(pb::Community { id: 2, ..Default::default() }),
            requester: Some(pb::PersonRef { id: 9, display_name: String::new() }),
            confidential: true,
            state: TicketState::Pending.to_wire() as i32,
            ..Default::default()
        };
        let facts = ticket_facts(&ticket).expect("a known state");
        assert_eq!((facts.community_id, facts.requester_id, facts.state), (2, 9, TicketState::Pending));
        assert!(facts.confidential);
        assert_eq!(ticket_facts(&pb::Ticket { state: 0, ..ticket }), None);
    }

    #[test]
    fn events_cross_the_wire_unchanged_and_read_as_the_domain_writes_them() {
        let events = [
            TicketEvent::Created {
                state: TicketState::AwaitingApproval,
                request_type: RequestType::WorkshopRequest,
                priority: Priority::Urgent,
                confidential: true,
            },
            TicketEvent::Transitioned {
                action: Action::Reopen,
                from: TicketState::Closed,
                to: TicketState::Open,
                reason: Some("still broken".into()),
            },
            TicketEvent::Updated {
                changes: vec![
                    FieldChanged::Assignee { from: Some(3), to: Some(7) },
                    FieldChanged::ScheduledFor { from: None, to: NaiveDate::from_ymd_opt(2026, 12, 14) },
                    FieldChanged::Confidential { from: true, to: false },
                ],
            },
            TicketEvent::FlagsSet { flags: vec![PriorityFlag::HighImpact] },
            TicketEvent::ReleaseRecorded { released_in: None },
            TicketEvent::SurveyAnswered { rating: 5 },
            TicketEvent::ClockWarned {
                clock: ClockKind::NextUpdate,
                due_at: DateTime::from_timestamp(1_796_000_000, 0).expect("in range"),
            },
            TicketEvent::ClockBreached {
                clock: ClockKind::FirstResponse,
                due_at: DateTime::from_timestamp(1_796_000_000, 0).expect("in range"),
            },
            TicketEvent::Reminded { closes_at: DateTime::from_timestamp(1_796_000_001, 0).expect("in range") },
            TicketEvent::Paged { page_id: 3, level: 2, people: vec![7, 8] },
            TicketEvent::PageAcknowledged { page_id: 3 },
            TicketEvent::PageEnded { page_id: 3, because: Ended::NoLongerProductionDown },
        ];
        let person = |id| pb::PersonRef { id, display_name: format!("Person {id}") };
        for event in events {
            let wire = happening(&event, person);
            assert_eq!(ticket_event(&wire).as_ref(), Some(&event));
            assert_eq!(kind(&wire), event.kind());
            assert_eq!(sentence(&wire), event.sentence(|id| Some(format!("Person {id}"))));
        }
        let moved =
            happening(&TicketEvent::RequesterReplied { from: TicketState::Pending, to: TicketState::Open }, person);
        assert_eq!(sentence(&moved), "answered, which moved it from Pending to Open");
        assert_eq!(sentence(&pb::TicketHappening { kind: None }), "made a change", "a kind this client does not know");
    }

    #[test]
    fn days_read_as_written_and_nothing_else() {
        assert_eq!(iso_day("2026-12-14"), NaiveDate::from_ymd_opt(2026, 12, 14));
        assert_eq!(iso_day("2026-02-30"), None);
        assert_eq!(iso_day("14 December"), None);
        assert_eq!(iso_day("2026-12"), None);
    }
}
