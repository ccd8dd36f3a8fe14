//! Incidents as the API carries them: the incident, its timeline entries, and the names they
//! mention, loaded once per message batch. Used by the incident service and the live streams.

use std::collections::HashMap;

use diesel_async::AsyncPgConnection;
use steward_domain::incident::{self, IncidentEvent};
use steward_proto::domain::WireEnum;
use steward_proto::v1 as pb;

use crate::db::models::communities::{self, Community};
use crate::db::models::incidents::{Entry, Incident, Task};
use crate::db::models::people::{self, Person};
use crate::error::AppResult;
use crate::markdown;

/// The people and communities incident messages name, loaded once.
pub struct Names {
    pub people: HashMap<i64, Person>,
    pub communities: HashMap<i64, Community>,
}

impl Names {
    pub async fn load(conn: &mut AsyncPgConnection, people: Vec<i64>, communities: Vec<i64>) -> AppResult<Names> {
        let (people, communities) =
            futures_util::try_join!(people::by_ids(conn, &people), communities::list_by_ids(conn, &communities))?;
        Ok(Names { people, communities: communities.into_iter().map(|c| (c.id, c)).collect() })
    }

    pub fn person(&self, id: i64) -> pb::PersonRef {
        super::person_ref_or_unknown(id, &self.people)
    }

    pub fn community(&self, id: i64) -> pb::Community {
        self.communities.get(&id).map(super::community).unwrap_or(pb::Community { id, ..Default::default() })
    }
}

pub fn incident_message(
    with_steps: bool,
    incident: &Incident,
    commander: Option<i64>,
    affected: &[i64],
    names: &Names,
) -> pb::Incident {
    let available_steps = if with_steps {
        incident::steps_from(incident.phase).into_iter().map(|step| step.to_wire() as i32).collect()
    } else {
        Vec::new()
    };
    pb::Incident {
        number: incident.number,
        title: incident.title.clone(),
        severity: incident.severity.to_wire() as i32,
        phase: incident.phase.to_wire() as i32,
        declared_by: Some(names.person(incident.declared_by)),
        declared_at: Some(super::timestamp(incident.declared_at)),
        next_update_due: incident.next_update_due.map(super::timestamp),
        resolved_at: incident.resolved_at.map(super::timestamp),
        closed_at: incident.closed_at.map(super::timestamp),
        version: incident.version,
        commander: commander.map(|id| names.person(id)),
        affected_communities: affected.iter().map(|&id| names.community(id)).collect(),
        available_steps,
        public: incident.public,
        report_overdue: false,
        overdue_action_items: 0,
    }
}

pub fn entry_message(entry: &Entry, names: &Names) -> pb::IncidentEntry {
    use pb::incident_entry::Entry as Kind;
    let kind = match &entry.event {
        IncidentEvent::Declared { title, severity, commander_id, escalated_ticket } => {
            Kind::Declared(pb::IncidentDeclared {
                title: title.clone(),
                severity: severity.to_wire() as i32,
                commander: Some(names.person(*commander_id)),
                escalated_ticket_number: escalated_ticket.unwrap_or(0),
            })
        }
        IncidentEvent::Stepped { step, from, to } => Kind::Stepped(pb::IncidentStepped {
            step: step.to_wire() as i32,
            from: from.to_wire() as i32,
            to: to.to_wire() as i32,
        }),
        IncidentEvent::CommandHandedOver { from_person_id, to_person_id } => {
            Kind::CommandHandedOver(pb::CommandHandedOver {
                from: Some(names.person(*from_person_id)),
                to: Some(names.person(*to_person_id)),
            })
        }
        IncidentEvent::RoleChanged { person_id, role, joined } => Kind::RoleChanged(pb::IncidentRoleChanged {
            person: Some(names.person(*person_id)),
            role: role.to_wire() as i32,
            joined: *joined,
        }),
        IncidentEvent::TicketLinked { ticket_number, community_id } => Kind::TicketLinked(pb::IncidentTicketLinked {
            ticket_number: *ticket_number,
            community: Some(names.community(*community_id)),
        }),
        IncidentEvent::CommunityAdded { community_id } => {
            Kind::CommunityAdded(pb::IncidentCommunityAdded { community: Some(names.community(*community_id)) })
        }
        IncidentEvent::UpdatePosted { body, public, next_update_due } => Kind::UpdatePosted(pb::IncidentUpdatePosted {
            body: body.clone(),
            body_html: markdown::to_html(body),
            public: *public,
            next_update_due: next_update_due.map(super::timestamp),
        }),
        IncidentEvent::ReportMoved { from, to } => {
            Kind::ReportMoved(pb::IncidentReportMoved { from: from.to_wire() as i32, to: to.to_wire() as i32 })
        }
        IncidentEvent::ResolutionConfirmed { community_id } => {
            Kind::ResolutionConfirmed(pb::IncidentResolutionConfirmed {
                community: Some(names.community(*community_id)),
            })
        }
        IncidentEvent::PublicitySet { public } => Kind::PublicitySet(pb::IncidentPublicitySet { public: *public }),
        IncidentEvent::EntryPinned { entry_id, pinned } => {
            Kind::EntryPinned(pb::IncidentEntryPinned { entry_id: *entry_id, pinned: *pinned })
        }
        IncidentEvent::TaskAdded { task_id, title, owner_id, due_at } => Kind::TaskAdded(pb::IncidentTaskAdded {
            task_id: *task_id,
            title: title.clone(),
            owner: owner_id.map(|id| names.person(id)),
            due_at: due_at.map(super::timestamp),
        }),
        IncidentEvent::TaskUpdated { task_id, title, owner_id, done } => Kind::TaskUpdated(pb::IncidentTaskUpdated {
            task_id: *task_id,
            title: title.clone(),
            owner: owner_id.map(|id| names.person(id)),
            done: *done,
        }),
        IncidentEvent::Paged { page_id, level, people } => {
            Kind::Paged(steward_proto::domain::paged(*page_id, *level, people, &|id| names.person(id)))
        }
        IncidentEvent::PageAcknowledged { page_id } => {
            Kind::PageAcknowledged(pb::PageAcknowledged { page_id: *page_id })
        }
        IncidentEvent::PageEnded { page_id, because } => {
            Kind::PageEnded(pb::PageEnded { page_id: *page_id, because: because.to_wire().into() })
        }
    };
    pb::IncidentEntry {
        id: entry.id,
        actor: entry.actor_id.map(|id| names.person(id)),
        at: Some(super::timestamp(entry.at)),
        internal: entry.internal,
        entry: Some(kind),
    }
}

/// The people and communities an entry names.
pub fn named_in(entry: &Entry, people: &mut Vec<i64>, communities: &mut Vec<i64>) {
    people.extend(entry.actor_id);
    match &entry.event {
        IncidentEvent::Declared { commander_id, .. } => people.push(*commander_id),
        IncidentEvent::CommandHandedOver { from_person_id, to_person_id } => {
            people.extend([*from_person_id, *to_person_id]);
        }
        IncidentEvent::RoleChanged { person_id, .. } => people.push(*person_id),
        IncidentEvent::TicketLinked { community_id, .. }
        | IncidentEvent::CommunityAdded { community_id }
        | IncidentEvent::ResolutionConfirmed { community_id } => communities.push(*community_id),
        IncidentEvent::Stepped { .. }
        | IncidentEvent::UpdatePosted { .. }
        | IncidentEvent::ReportMoved { .. }
        | IncidentEvent::PublicitySet { .. }
        | IncidentEvent::EntryPinned { .. } => {}
        IncidentEvent::TaskAdded { owner_id, .. } | IncidentEvent::TaskUpdated { owner_id, .. } => {
            people.extend(*owner_id);
        }
        IncidentEvent::Paged { people: paged, .. } => people.extend(paged),
        IncidentEvent::PageAcknowledged { .. } | IncidentEvent::PageEnded { .. } => {}
    }
}

/// A task as the API carries it.
pub fn task_message(task: &Task, names: &Names) -> pb::IncidentTask {
    pb::IncidentTask {
        id: task.id,
        title: task.title.clone(),
        owner: task.owner_id.map(|id| names.person(id)),
        due_at: task.due_at.map(super::timestamp),
        done: task.done,
    }
}
