//! `steward.v1.IncidentService`: declaring and running incidents (through
//! [`crate::usecases::incidents`]), and reading them within the access rules.

use std::collections::HashMap;

use steward_domain::facts::Principal;
use steward_domain::incident::{self, IncidentEvent, ReportState, Role, Step};
use steward_domain::intake::FieldError;
use steward_domain::{Priority, authz};
use steward_proto::domain::WireEnum;
use steward_proto::v1 as pb;
use steward_proto::v1::incident_service_server::IncidentService;
use tonic::{Request, Response, Status};

use crate::AppState;
use crate::auth::caller;
use crate::convert;
use crate::convert::incidents::{Names, entry_message, incident_message, named_in, task_message};
use crate::db::models::incident_reports::{self, Moments, Sections};
use crate::db::models::incidents::{self, Incident, Task};
use crate::error::{AppError, AppResult};
use crate::markdown;
use crate::usecases::Actor;
use crate::usecases::incidents::{self as run, Declaration, NewItem, NewTask, ReportEdit, visible_incident};
use crate::usecases::tickets::visible_ticket;

/// How many incidents a list carries.
const LIST_LIMIT: i64 = 200;

/// How many incidents the status page shows.
const STATUS_LIMIT: i64 = 50;

/// The incident service.
pub struct IncidentApi {
    pub state: AppState,
}

impl IncidentApi {
    /// The incident and its tasks after a change to them.
    async fn with_tasks(
        &self,
        who: &Principal,
        number: i64,
        tasks: &[Task],
    ) -> AppResult<(pb::Incident, Vec<pb::IncidentTask>)> {
        let incident = self.incident(who, number).await?;
        let mut conn = self.state.core.pool.get().await?;
        let names = Names::load(&mut conn, tasks.iter().filter_map(|t| t.owner_id).collect(), Vec::new()).await?;
        Ok((incident, tasks.iter().map(|task| task_message(task, &names)).collect()))
    }

    /// The incident as `who` may see it, after a change or on a read.
    async fn read(&self, who: &Principal, number: i64) -> AppResult<pb::GetIncidentResponse> {
        // Taken before the read: a change after it is either in the read or after the position.
        let position = self.state.core.live.head();
        let mut conn = self.state.core.pool.get().await?;
        let (incident, affected) = visible_incident(&mut conn, who, number, false).await?;
        let staff = authz::can_see_internal_incident_entries(who);
        let (roster, _) = incidents::roster(&mut conn, number).await?;
        let timeline = incidents::timeline(&mut conn, number, staff).await?;
        let linked = if staff { incidents::linked_tickets(&mut conn, number).await? } else { Vec::new() };
        let (pinned, tasks) = if staff {
            (incidents::pinned(&mut conn, number).await?, incidents::tasks(&mut conn, number).await?)
        } else {
            Default::default()
        };
        let mut person_ids = vec![incident.declared_by];
        person_ids.extend(tasks.iter().filter_map(|t| t.owner_id));
        person_ids.extend(roster.assignments.iter().map(|a| a.person_id));
        let mut community_ids = affected.clone();
        community_ids.extend(linked.iter().map(|(_, community, _)| *community));
        for entry in &timeline {
            named_in(entry, &mut person_ids, &mut community_ids);
        }
        let names = Names::load(&mut conn, person_ids, community_ids).await?;
        let roles = if staff {
            roster
                .assignments
                .iter()
                .map(|a| pb::IncidentRoleAssignment {
                    person: Some(names.person(a.person_id)),
                    role: a.role.to_wire() as i32,
                    started_at: Some(convert::timestamp(a.started_at)),
                    ended_at: a.ended_at.map(convert::timestamp),
                })
                .collect()
        } else {
            Vec::new()
        };
        Ok(pb::GetIncidentResponse {
            incident: Some(incident_message(
                authz::can_run_incidents(who),
                &incident,
                roster.commander(),
                &affected,
                &names,
            )),
            roles,
            tickets: linked
                .iter()
                .map(|(number, community, title)| pb::IncidentTicket {
                    number: *number,
                    title: title.clone(),
                    community: Some(names.community(*community)),
                })
                .collect(),
            timeline: timeline.iter().map(|entry| entry_message(entry, &names)).collect(),
            position: Some(convert::position(position)),
            pinned_entry_ids: pinned,
            tasks: tasks.iter().map(|task| task_message(task, &names)).collect(),
        })
    }

    /// The report as `who` may read it.
    async fn report(&self, who: &Principal, number: i64) -> AppResult<pb::IncidentReport> {
        let (incident, report, items) = run::report(&self.state.core, who, number).await?;
        let mut conn = self.state.core.pool.get().await?;
        let people = std::iter::once(report.owner_id).chain(items.iter().filter_map(|i| i.owner_id)).collect();
        let names = Names::load(&mut conn, people, Vec::new()).await?;
        let sections = sections_message(&report.sections, str::to_owned);
        let sections_html = sections_message(&report.sections, markdown::to_html);
        let started = report.moments.started_at.unwrap_or(incident.declared_at);
        let duration_minutes = incident.resolved_at.map_or(0, |resolved| (resolved - started).num_minutes().max(0));
        let overdue = report.state != ReportState::Published && self.state.core.now() > report.due_at;
        Ok(pb::IncidentReport {
            incident_number: number,
            owner: Some(names.person(report.owner_id)),
            due_at: Some(convert::timestamp(report.due_at)),
            state: report.state.to_wire() as i32,
            sections: Some(sections),
            sections_html: Some(sections_html),
            started_at: report.moments.started_at.map(convert::timestamp),
            detected_at: report.moments.detected_at.map(convert::timestamp),
            mitigated_at: report.moments.mitigated_at.map(convert::timestamp),
            resolved_at: incident.resolved_at.map(convert::timestamp),
            duration_minutes,
            published_at: report.published_at.map(convert::timestamp),
            version: report.version,
            action_items: items
                .iter()
                .map(|item| pb::IncidentActionItem {
                    id: item.id,
                    title: item.title.clone(),
                    owner: item.owner_id.map(|id| names.person(id)),
                    due_on: item.due_on.map(|d| d.to_string()).unwrap_or_default(),
                    issue_url: item.issue_url.clone().unwrap_or_default(),
                    done: item.done,
                })
                .collect(),
            overdue,
        })
    }

    /// The status page: what anyone may read.
    async fn status(&self) -> AppResult<pb::GetStatusResponse> {
        let now = self.state.core.now();
        let mut conn = self.state.core.pool.get().await?;
        let mut shown = incidents::public_since(&mut conn, now - incident::RECENT_ON_STATUS, STATUS_LIMIT).await?;
        shown.retain(|i| incident::on_status_page(i.public, i.resolved_at, now));
        shown.sort_by_key(|i| (!i.phase.is_active(), std::cmp::Reverse(i.number)));
        let numbers: Vec<i64> = shown.iter().map(|i| i.number).collect();
        let affected = incidents::affected_communities(&mut conn, &numbers).await?;
        let names = Names::load(&mut conn, Vec::new(), affected.iter().map(|(_, c)| *c).collect()).await?;
        let public_updates = incidents::public_updates(&mut conn, &numbers).await?;
        let mut result = Vec::with_capacity(shown.len());
        for shown in &shown {
            let updates = public_updates
                .iter()
                .filter(|(number, _)| *number == shown.number)
                .filter_map(|(_, entry)| match &entry.event {
                    IncidentEvent::UpdatePosted { body, public: true, .. } => Some(pb::StatusUpdate {
                        at: Some(convert::timestamp(entry.at)),
                        body_html: markdown::to_html(body),
                    }),
                    _ => None,
                })
                .collect();
            result.push(pb::StatusIncident {
                number: shown.number,
                title: shown.title.clone(),
                severity: shown.severity.to_wire() as i32,
                phase: shown.phase.to_wire() as i32,
                declared_at: Some(convert::timestamp(shown.declared_at)),
                resolved_at: shown.resolved_at.map(convert::timestamp),
                next_update_due: shown.next_update_due.map(convert::timestamp),
                affected_communities: affected
                    .iter()
                    .filter(|(number, _)| *number == shown.number)
                    .map(|(_, community)| names.community(*community).name)
                    .collect(),
                updates,
            });
        }
        Ok(pb::GetStatusResponse { incidents: result })
    }

    /// The incident's header as `who` may see it, after a change: without its timeline, which
    /// the page has (and follows live) already.
    async fn incident(&self, who: &Principal, number: i64) -> AppResult<pb::Incident> {
        let mut conn = self.state.core.pool.get().await?;
        let (incident, affected) = visible_incident(&mut conn, who, number, false).await?;
        let commander = incidents::commanders(&mut conn, &[number]).await?.first().map(|(_, person)| *person);
        let people = std::iter::once(incident.declared_by).chain(commander).collect();
        let names = Names::load(&mut conn, people, affected.clone()).await?;
        Ok(incident_message(authz::can_run_incidents(who), &incident, commander, &affected, &names))
    }

    /// The incidents `who` may see: all of them, or only the one `ticket_number` is linked to.
    async fn list(&self, who: &Principal, ticket_number: Option<i64>) -> AppResult<Vec<pb::Incident>> {
        let mut conn = self.state.core.pool.get().await?;
        let all = match ticket_number {
            None => incidents::list(&mut conn, LIST_LIMIT).await?,
            Some(ticket_number) => {
                visible_ticket(&mut conn, Actor::Person(who), ticket_number).await?;
                match incidents::incident_of_ticket(&mut conn, ticket_number).await? {
                    Some(number) => incidents::find(&conn, number, false).await?.into_iter().collect(),
                    None => Vec::new(),
                }
            }
        };
        let numbers: Vec<i64> = all.iter().map(|i| i.number).collect();
        let mut affected: HashMap<i64, Vec<i64>> = HashMap::new();
        for (number, community) in incidents::affected_communities(&mut conn, &numbers).await? {
            affected.entry(number).or_default().push(community);
        }
        let visible: Vec<&Incident> = all
            .iter()
            .filter(|i| authz::can_view_incident(who, affected.get(&i.number).map_or(&[][..], Vec::as_slice)))
            .collect();
        let shown: Vec<i64> = visible.iter().map(|i| i.number).collect();
        let commanders: HashMap<i64, i64> = incidents::commanders(&mut conn, &shown).await?.into_iter().collect();
        let person_ids = visible.iter().map(|i| i.declared_by).chain(commanders.values().copied()).collect();
        let community_ids = affected.values().flatten().copied().collect();
        let names = Names::load(&mut conn, person_ids, community_ids).await?;
        let staff = authz::can_run_incidents(who);
        let (late_reports, late_items) = if staff {
            incident_reports::overdue(&mut conn, &shown, self.state.core.now()).await?
        } else {
            Default::default()
        };
        Ok(visible
            .iter()
            .map(|incident| {
                let communities = affected.get(&incident.number).map_or(&[][..], Vec::as_slice);
                let commander = commanders.get(&incident.number).copied();
                let mut message = incident_message(staff, incident, commander, communities, &names);
                message.report_overdue = late_reports.contains(&incident.number);
                message.overdue_action_items = late_items
                    .iter()
                    .find(|(number, _)| *number == incident.number)
                    .map_or(0, |(_, count)| i32::try_from(*count).unwrap_or(i32::MAX));
                message
            })
            .collect())
    }
}

/// The report's sections, each as `write` makes it (as typed, or as safe HTML).
fn sections_message(sections: &Sections, write: impl Fn(&str) -> String) -> pb::IncidentReportSections {
    pb::IncidentReportSections {
        summary: write(&sections.summary),
        impact: write(&sections.impact),
        timeline: write(&sections.timeline),
        contributing_factors: write(&sections.contributing_factors),
        went_well: write(&sections.went_well),
        went_poorly: write(&sections.went_poorly),
    }
}

fn cadence_message(cadence: &incident::Cadence) -> pb::IncidentCadence {
    let minutes = |severity| i32::try_from(cadence.every(severity).num_minutes()).unwrap_or(i32::MAX);
    pb::IncidentCadence {
        production_down_minutes: minutes(Priority::ProductionDown),
        urgent_minutes: minutes(Priority::Urgent),
        normal_minutes: minutes(Priority::Normal),
    }
}

/// `value` as an incident step, or InvalidArgument naming `step`.
fn step_from_pb(value: i32) -> AppResult<Step> {
    match Step::from_wire(value) {
        Ok(Some(step)) => Ok(step),
        _ => Err(AppError::invalid("step", "Choose a step.")),
    }
}

#[tonic::async_trait]
impl IncidentService for IncidentApi {
    async fn declare_incident(
        &self,
        request: Request<pb::DeclareIncidentRequest>,
    ) -> Result<Response<pb::DeclareIncidentResponse>, Status> {
        let caller = caller(&request)?;
        let who = caller.signed_in()?;
        let request = request.into_inner();
        let severity = match Priority::from_wire(request.severity) {
            Ok(Some(severity)) => severity,
            _ => return Err(AppError::invalid("severity", "Choose how severe it is.").into()),
        };
        let declaration = Declaration {
            title: request.title,
            severity,
            commander_id: (request.commander_id != 0).then_some(request.commander_id),
            escalated_ticket: (request.escalated_ticket_number != 0).then_some(request.escalated_ticket_number),
        };
        let declared = run::declare(&self.state.core, Actor::Person(who), declaration).await?;
        Ok(Response::new(pb::DeclareIncidentResponse { incident: Some(self.incident(who, declared.number).await?) }))
    }

    async fn get_incident(
        &self,
        request: Request<pb::GetIncidentRequest>,
    ) -> Result<Response<pb::GetIncidentResponse>, Status> {
        let caller = caller(&request)?;
        let who = caller.signed_in()?;
        Ok(Response::new(self.read(who, request.get_ref().number).await?))
    }

    async fn list_incidents(
        &self,
        request: Request<pb::ListIncidentsRequest>,
    ) -> Result<Response<pb::ListIncidentsResponse>, Status> {
        let caller = caller(&request)?;
        let who = caller.signed_in()?;
        let ticket_number = request.get_ref().ticket_number;
        let incidents = self.list(who, (ticket_number != 0).then_some(ticket_number)).await?;
        Ok(Response::new(pb::ListIncidentsResponse { incidents }))
    }

    async fn step_incident(
        &self,
        request: Request<pb::StepIncidentRequest>,
    ) -> Result<Response<pb::StepIncidentResponse>, Status> {
        let caller = caller(&request)?;
        let who = caller.signed_in()?;
        let request = request.into_inner();
        let step = step_from_pb(request.step)?;
        let stepped = run::step(
            &self.state.core,
            Actor::Person(who),
            request.number,
            request.expected_version,
            step,
            request.resolve_linked_tickets,
        )
        .await?;
        Ok(Response::new(pb::StepIncidentResponse {
            incident: Some(self.incident(who, stepped.incident.number).await?),
            tickets_resolved: stepped.tickets_resolved,
            tickets_left: stepped
                .tickets_left
                .into_iter()
                .map(|(number, reason)| pb::TicketLeft { number, reason })
                .collect(),
        }))
    }

    async fn hand_over_command(
        &self,
        request: Request<pb::HandOverCommandRequest>,
    ) -> Result<Response<pb::HandOverCommandResponse>, Status> {
        let caller = caller(&request)?;
        let who = caller.signed_in()?;
        let request = request.into_inner();
        let handed = run::hand_over(&self.state.core, Actor::Person(who), request.number, request.person_id).await?;
        Ok(Response::new(pb::HandOverCommandResponse { incident: Some(self.incident(who, handed.number).await?) }))
    }

    async fn link_incident_ticket(
        &self,
        request: Request<pb::LinkIncidentTicketRequest>,
    ) -> Result<Response<pb::LinkIncidentTicketResponse>, Status> {
        let caller = caller(&request)?;
        let who = caller.signed_in()?;
        let request = request.into_inner();
        let linked =
            run::link_ticket(&self.state.core, Actor::Person(who), request.number, request.ticket_number).await?;
        Ok(Response::new(pb::LinkIncidentTicketResponse { incident: Some(self.incident(who, linked.number).await?) }))
    }

    async fn set_incident_role(
        &self,
        request: Request<pb::SetIncidentRoleRequest>,
    ) -> Result<Response<pb::SetIncidentRoleResponse>, Status> {
        let caller = caller(&request)?;
        let who = caller.signed_in()?;
        let request = request.into_inner();
        let role = match Role::from_wire(request.role) {
            Ok(Some(role)) => role,
            _ => return Err(AppError::invalid("role", "Choose a role.").into()),
        };
        let set = run::set_role(
            &self.state.core,
            Actor::Person(who),
            request.number,
            request.person_id,
            role,
            request.joined,
        )
        .await?;
        Ok(Response::new(pb::SetIncidentRoleResponse { incident: Some(self.incident(who, set.number).await?) }))
    }

    async fn add_affected_community(
        &self,
        request: Request<pb::AddAffectedCommunityRequest>,
    ) -> Result<Response<pb::AddAffectedCommunityResponse>, Status> {
        let caller = caller(&request)?;
        let who = caller.signed_in()?;
        let request = request.into_inner();
        let added =
            run::add_community(&self.state.core, Actor::Person(who), request.number, request.community_id).await?;
        Ok(Response::new(pb::AddAffectedCommunityResponse { incident: Some(self.incident(who, added.number).await?) }))
    }

    async fn get_incident_report(
        &self,
        request: Request<pb::GetIncidentReportRequest>,
    ) -> Result<Response<pb::GetIncidentReportResponse>, Status> {
        let caller = caller(&request)?;
        let who = caller.signed_in()?;
        Ok(Response::new(pb::GetIncidentReportResponse {
            report: Some(self.report(who, request.get_ref().number).await?),
        }))
    }

    async fn save_incident_report(
        &self,
        request: Request<pb::SaveIncidentReportRequest>,
    ) -> Result<Response<pb::SaveIncidentReportResponse>, Status> {
        let caller = caller(&request)?;
        let who = caller.signed_in()?;
        let request = request.into_inner();
        let sections = request.sections.unwrap_or_default();
        let mut errors = Vec::new();
        let mut moment = |field: &'static str, value: Option<prost_types::Timestamp>| match value {
            None => None,
            Some(at) => convert::timestamp_from_pb(&at).or_else(|| {
                errors.push(FieldError::new(field, "Give a real date and time."));
                None
            }),
        };
        let moments = Moments {
            started_at: moment("started_at", request.started_at),
            detected_at: moment("detected_at", request.detected_at),
            mitigated_at: moment("mitigated_at", request.mitigated_at),
        };
        if !errors.is_empty() {
            return Err(AppError::InvalidArgument(errors).into());
        }
        let edit = ReportEdit {
            expected_version: request.expected_version,
            owner_id: request.owner_id,
            sections: Sections {
                summary: sections.summary,
                impact: sections.impact,
                timeline: sections.timeline,
                contributing_factors: sections.contributing_factors,
                went_well: sections.went_well,
                went_poorly: sections.went_poorly,
            },
            moments,
        };
        run::save_report(&self.state.core, Actor::Person(who), request.number, edit).await?;
        Ok(Response::new(pb::SaveIncidentReportResponse { report: Some(self.report(who, request.number).await?) }))
    }

    async fn move_incident_report(
        &self,
        request: Request<pb::MoveIncidentReportRequest>,
    ) -> Result<Response<pb::MoveIncidentReportResponse>, Status> {
        let caller = caller(&request)?;
        let who = caller.signed_in()?;
        let request = request.into_inner();
        let state = match ReportState::from_wire(request.state) {
            Ok(Some(state)) => state,
            _ => return Err(AppError::invalid("state", "Choose where the report goes.").into()),
        };
        run::move_report(&self.state.core, Actor::Person(who), request.number, request.expected_version, state).await?;
        Ok(Response::new(pb::MoveIncidentReportResponse { report: Some(self.report(who, request.number).await?) }))
    }

    async fn add_action_item(
        &self,
        request: Request<pb::AddActionItemRequest>,
    ) -> Result<Response<pb::AddActionItemResponse>, Status> {
        let caller = caller(&request)?;
        let who = caller.signed_in()?;
        let request = request.into_inner();
        let item = NewItem {
            title: request.title,
            owner_id: (request.owner_id != 0).then_some(request.owner_id),
            due_on: request.due_on,
            issue_url: request.issue_url,
        };
        run::add_action_item(&self.state.core, Actor::Person(who), request.number, item).await?;
        Ok(Response::new(pb::AddActionItemResponse { report: Some(self.report(who, request.number).await?) }))
    }

    async fn set_action_item_done(
        &self,
        request: Request<pb::SetActionItemDoneRequest>,
    ) -> Result<Response<pb::SetActionItemDoneResponse>, Status> {
        let caller = caller(&request)?;
        let who = caller.signed_in()?;
        let request = request.into_inner();
        run::set_action_item_done(
            &self.state.core,
            Actor::Person(who),
            request.number,
            request.action_item_id,
            request.done,
        )
        .await?;
        Ok(Response::new(pb::SetActionItemDoneResponse { report: Some(self.report(who, request.number).await?) }))
    }

    async fn confirm_incident_resolution(
        &self,
        request: Request<pb::ConfirmIncidentResolutionRequest>,
    ) -> Result<Response<pb::ConfirmIncidentResolutionResponse>, Status> {
        let caller = caller(&request)?;
        let who = caller.signed_in()?;
        let number = request.get_ref().number;
        run::confirm_resolution(&self.state.core, who, number).await?;
        Ok(Response::new(pb::ConfirmIncidentResolutionResponse { incident: Some(self.incident(who, number).await?) }))
    }

    async fn set_incident_public(
        &self,
        request: Request<pb::SetIncidentPublicRequest>,
    ) -> Result<Response<pb::SetIncidentPublicResponse>, Status> {
        let caller = caller(&request)?;
        let who = caller.signed_in()?;
        let request = request.into_inner();
        let set = run::set_public(&self.state.core, Actor::Person(who), request.number, request.public).await?;
        Ok(Response::new(pb::SetIncidentPublicResponse { incident: Some(self.incident(who, set.number).await?) }))
    }

    async fn get_status(
        &self,
        _request: Request<pb::GetStatusRequest>,
    ) -> Result<Response<pb::GetStatusResponse>, Status> {
        Ok(Response::new(self.status().await?))
    }

    async fn get_incident_cadence(
        &self,
        request: Request<pb::GetIncidentCadenceRequest>,
    ) -> Result<Response<pb::GetIncidentCadenceResponse>, Status> {
        let caller = caller(&request)?;
        let cadence = run::cadence(&self.state.core, caller.signed_in()?).await?;
        Ok(Response::new(pb::GetIncidentCadenceResponse { cadence: Some(cadence_message(&cadence)) }))
    }

    async fn set_incident_cadence(
        &self,
        request: Request<pb::SetIncidentCadenceRequest>,
    ) -> Result<Response<pb::SetIncidentCadenceResponse>, Status> {
        let caller = caller(&request)?;
        let who = caller.signed_in()?;
        let wanted = request.into_inner().cadence.unwrap_or_default();
        let cadence = run::set_cadence(
            &self.state.core,
            Actor::Person(who),
            wanted.production_down_minutes,
            wanted.urgent_minutes,
            wanted.normal_minutes,
        )
        .await?;
        Ok(Response::new(pb::SetIncidentCadenceResponse { cadence: Some(cadence_message(&cadence)) }))
    }

    async fn post_incident_update(
        &self,
        request: Request<pb::PostIncidentUpdateRequest>,
    ) -> Result<Response<pb::PostIncidentUpdateResponse>, Status> {
        let caller = caller(&request)?;
        let who = caller.signed_in()?;
        let request = request.into_inner();
        let posted =
            run::post_update(&self.state.core, Actor::Person(who), request.number, &request.body, request.public)
                .await?;
        Ok(Response::new(pb::PostIncidentUpdateResponse { incident: Some(self.incident(who, posted.number).await?) }))
    }

    async fn pin_incident_entry(
        &self,
        request: Request<pb::PinIncidentEntryRequest>,
    ) -> Result<Response<pb::PinIncidentEntryResponse>, Status> {
        let caller = caller(&request)?;
        let who = caller.signed_in()?;
        let request = request.into_inner();
        let pinned =
            run::pin_entry(&self.state.core, Actor::Person(who), request.number, request.entry_id, request.pinned)
                .await?;
        Ok(Response::new(pb::PinIncidentEntryResponse { incident: Some(self.incident(who, pinned.number).await?) }))
    }

    async fn add_incident_task(
        &self,
        request: Request<pb::AddIncidentTaskRequest>,
    ) -> Result<Response<pb::AddIncidentTaskResponse>, Status> {
        let caller = caller(&request)?;
        let who = caller.signed_in()?;
        let request = request.into_inner();
        let due_at = match request.due_at.as_ref() {
            None => None,
            Some(at) => {
                Some(convert::timestamp_from_pb(at).ok_or_else(|| AppError::invalid("due_at", "That is not a time."))?)
            }
        };
        let task =
            NewTask { title: request.title, owner_id: (request.owner_id != 0).then_some(request.owner_id), due_at };
        let (incident, tasks) = run::add_task(&self.state.core, Actor::Person(who), request.number, task).await?;
        let (incident, tasks) = self.with_tasks(who, incident.number, &tasks).await?;
        Ok(Response::new(pb::AddIncidentTaskResponse { incident: Some(incident), tasks }))
    }

    async fn set_incident_task(
        &self,
        request: Request<pb::SetIncidentTaskRequest>,
    ) -> Result<Response<pb::SetIncidentTaskResponse>, Status> {
        let caller = caller(&request)?;
        let who = caller.signed_in()?;
        let request = request.into_inner();
        let owner = (request.owner_id != 0).then_some(request.owner_id);
        let (incident, tasks) =
            run::set_task(&self.state.core, Actor::Person(who), request.number, request.task_id, owner, request.done)
                .await?;
        let (incident, tasks) = self.with_tasks(who, incident.number, &tasks).await?;
        Ok(Response::new(pb::SetIncidentTaskResponse { incident: Some(incident), tasks }))
    }
}
