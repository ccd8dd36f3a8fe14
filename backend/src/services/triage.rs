//! `steward.v1.TriageService`: the priority-ordered triage queue and what stewards record while
//! they triage (flags, timebox, linked issues, release, time), support budgets, and response
//! templates. The order is [`steward_domain::priority`]'s, budgets [`steward_domain::budget`]'s,
//! placeholders [`steward_domain::templates`]'s; this module only reads, checks and writes.

use std::collections::HashMap;

use chrono::{Duration, NaiveDate};
use diesel_async::AsyncPgConnection;
use steward_proto::v1 as pb;
use steward_proto::v1::triage_service_server::TriageService;
use tonic::{Request, Response, Status};

use super::encode_tickets;
use crate::AppState;
use crate::auth::caller;
use crate::convert;
use crate::db::models::tickets::{self, Ticket};
use crate::db::models::triage::{self, Template};
use crate::db::models::{communities, duty, people, rotation};
use crate::error::{AppError, AppResult};
use crate::usecases::configuration::require_settings;
use crate::usecases::incidents::visible_incident;
use crate::usecases::tickets::visible_ticket;
use crate::usecases::triage::{TimeSpent, TriageEdit, require_triage};
use crate::usecases::{self, Actor};
use steward_domain::assignment;
use steward_domain::authz;
use steward_domain::facts::Principal;
use steward_domain::intake::FieldError;
use steward_domain::priority::{self, BudgetUse, PlacingRule, QueueEntry};
use steward_domain::sla;
use steward_domain::templates::{self, Placeholder, TemplateError};
use steward_domain::{TicketState, budget};

/// How long the first attempt to resolve a ticket may take (seed 001).
pub const TIMEBOX: Duration = Duration::minutes(30);
/// The states of tickets still to be worked.
const QUEUE_STATES: &[TicketState] =
    &[TicketState::New, TicketState::Open, TicketState::InProgress, TicketState::Pending];

const LINK_TITLE_MAX_CHARS: usize = 200;
const RELEASE_MAX_CHARS: usize = 200;
const NOTE_MAX_CHARS: usize = 500;
const TEMPLATE_BODY_MAX_CHARS: usize = 20_000;

pub struct TriageApi {
    pub state: AppState,
}

/// How much of their budget each of these communities has used in the period containing `today`.
async fn budget_uses(
    conn: &mut AsyncPgConnection,
    community_ids: &[i64],
    today: NaiveDate,
) -> AppResult<HashMap<i64, BudgetUse>> {
    let settings = triage::budget_settings(conn, community_ids).await?;
    let used = triage::time_used(conn, &settings, today).await?;
    Ok(settings
        .iter()
        .map(|s| {
            let minutes = used.get(&s.community_id).map_or(0, |u| u.budget_minutes);
            (s.community_id, budget::budget_use(s.hours, minutes))
        })
        .collect())
}

/// What the priority order needs to know about `ticket`.
fn queue_entry(ticket: &Ticket, budget: BudgetUse) -> QueueEntry {
    QueueEntry {
        number: ticket.number,
        request_type: ticket.request_type,
        priority: ticket.priority,
        flags: ticket.flags.clone(),
        budget,
        created_at: ticket.created_at,
    }
}

fn encode_triage(ticket: &Ticket, rule: PlacingRule, minutes_logged: i64) -> pb::TicketTriage {
    pb::TicketTriage {
        flags: ticket.flags.iter().map(|&f| convert::priority_flag_to_pb(f) as i32).collect(),
        placed_by: rule.explanation().to_owned(),
        timebox_started_at: ticket.timebox_started_at.map(convert::timestamp),
        timebox_ends_at: ticket.timebox_started_at.map(|at| convert::timestamp(at + TIMEBOX)),
        minutes_logged: i32::try_from(minutes_logged).unwrap_or(i32::MAX),
    }
}

/// What staff see of `ticket`'s triage (for TicketService.GetTicket).
pub(crate) async fn triage_of(
    conn: &mut AsyncPgConnection,
    ticket: &Ticket,
    today: NaiveDate,
) -> AppResult<pb::TicketTriage> {
    let uses = budget_uses(conn, &[ticket.community_id], today).await?;
    let budget = uses.get(&ticket.community_id).copied().unwrap_or(BudgetUse::NoBudget);
    let rule = priority::placing_rule(&queue_entry(ticket, budget));
    let minutes = triage::minutes_logged(conn, &[ticket.number]).await?.first().map_or(0, |(_, m)| *m);
    Ok(encode_triage(ticket, rule, minutes))
}

pub(crate) fn encode_link(link: &triage::Link, people: &HashMap<i64, people::Person>) -> pb::TicketLink {
    pb::TicketLink {
        id: link.id,
        url: link.url.clone(),
        title: link.title.clone(),
        added_by: Some(convert::person_ref_or_unknown(link.added_by, people)),
        created_at: Some(convert::timestamp(link.created_at)),
    }
}

/// The budget of `community_id` in the period containing `today`.
async fn budget_of(conn: &mut AsyncPgConnection, community_id: i64, today: NaiveDate) -> AppResult<pb::Budget> {
    let community = communities::find(conn, community_id).await?.ok_or(AppError::NotFound("community"))?;
    let setting = triage::budget_settings(conn, &[community_id]).await?.pop().ok_or(AppError::NotFound("community"))?;
    let (from, until) = budget::period_containing(today, setting.period);
    let used =
        triage::time_used(conn, std::slice::from_ref(&setting), today).await?.remove(&community_id).unwrap_or_default();
    Ok(pb::Budget {
        community: Some(convert::community(&community)),
        hours: setting.hours,
        period: convert::budget_period_to_pb(setting.period) as i32,
        period_start: from.to_string(),
        period_end: until.to_string(),
        used_minutes: used.budget_minutes,
        incident_minutes: used.incident_minutes,
    })
}

fn encode_template(template: &Template) -> pb::ResponseTemplate {
    pb::ResponseTemplate {
        key: template.key.clone(),
        name: template.name.clone(),
        body: template.body.clone(),
        position: template.position,
    }
}

/// The address of a ticket's page, for `{LINK}`: on the configured public origin, else on the
/// origin the caller's browser used.
/// The address of one of Steward's pages (`path` without the leading slash), for a message.
fn page_link(state: &AppState, request_origin: Option<&str>, path: &str) -> String {
    let origin = state
        .config
        .public_origin
        .clone()
        .or_else(|| request_origin.map(str::to_owned))
        .unwrap_or_else(|| format!("http://{}", state.config.addr));
    format!("{}/{path}", origin.trim_end_matches('/'))
}

impl TriageApi {
    async fn ticket_triage(&self, who: &Principal, number: i64) -> AppResult<pb::TicketTriage> {
        require_triage(who)?;
        let mut conn = self.state.core.pool.get().await?;
        let ticket = visible_ticket(&mut conn, Actor::Person(who), number).await?;
        triage_of(&mut conn, &ticket, self.state.core.now().date_naive()).await
    }

    /// Sets one triage field through the use case and encodes the ticket.
    async fn set(
        &self,
        who: &Principal,
        number: i64,
        expected_version: i64,
        edit: TriageEdit,
    ) -> AppResult<pb::Ticket> {
        let ticket = usecases::triage::set(&self.state.core, who, number, expected_version, edit).await?;
        let mut conn = self.state.core.pool.get().await?;
        Ok(encode_tickets(&mut conn, std::slice::from_ref(&ticket)).await?.remove(0))
    }

    async fn queue(
        &self,
        who: &Principal,
        request: &pb::GetTriageQueueRequest,
    ) -> AppResult<pb::GetTriageQueueResponse> {
        require_triage(who)?;
        let mut conn = self.state.core.pool.get().await?;
        // Pipelined: one round trip for both.
        let (open, minutes) = futures_util::try_join!(
            tickets::in_states(&conn, QUEUE_STATES),
            triage::minutes_logged_in_states(&conn, QUEUE_STATES)
        )?;
        let minutes: HashMap<i64, i64> = minutes.into_iter().collect();
        let mut community_ids: Vec<i64> = open.iter().map(|t| t.community_id).collect();
        community_ids.sort_unstable();
        community_ids.dedup();
        let uses = budget_uses(&mut conn, &community_ids, self.state.core.now().date_naive()).await?;
        let entries = open
            .iter()
            .map(|t| queue_entry(t, uses.get(&t.community_id).copied().unwrap_or(BudgetUse::NoBudget)))
            .collect();
        let mut by_number: HashMap<i64, Ticket> = open.into_iter().map(|t| (t.number, t)).collect();
        let mut ordered: Vec<(Ticket, PlacingRule)> = priority::order(entries)
            .into_iter()
            .filter_map(|(entry, rule)| Some((by_number.remove(&entry.number)?, rule)))
            .collect();
        let now = self.state.core.now();
        if request.breaching_soon_only {
            ordered.retain(|(t, _)| {
                sla::next_due(&t.clocks).is_some_and(|due| sla::breaching_soon((due - now).num_seconds()))
            });
        }
        if request.untriaged_only {
            ordered.retain(|(t, _)| t.state == TicketState::New);
        }
        if request.due_soonest_first {
            // Stable: within the same due time (or none), the seed's order stands.
            ordered.sort_by_cached_key(|(t, _)| {
                let due = sla::next_due(&t.clocks);
                (due.is_none(), due)
            });
        }
        let total = u32::try_from(ordered.len()).unwrap_or(u32::MAX);
        if request.limit > 0 {
            ordered.truncate(request.limit as usize);
        }
        let (in_order, rules): (Vec<Ticket>, Vec<PlacingRule>) = ordered.into_iter().unzip();
        let encoded = encode_tickets(&mut conn, &in_order).await?;
        let entries = in_order
            .iter()
            .zip(rules)
            .zip(encoded)
            .map(|((ticket, rule), encoded)| pb::QueueEntry {
                ticket: Some(pb::Ticket { description: String::new(), answers: Vec::new(), ..encoded }),
                triage: Some(encode_triage(ticket, rule, minutes.get(&ticket.number).copied().unwrap_or(0))),
                untriaged: ticket.state == TicketState::New,
                acknowledged: ticket.acknowledged_at.is_some(),
            })
            .collect();
        let rules = PlacingRule::ALL.iter().map(|r| r.explanation().to_owned()).collect();
        Ok(pb::GetTriageQueueResponse { entries, rules, total })
    }

    async fn set_flags(&self, who: &Principal, request: pb::SetPriorityFlagsRequest) -> AppResult<pb::Ticket> {
        let flags = request
            .flags
            .iter()
            .enumerate()
            .map(|(i, &value)| convert::priority_flag_from_pb(value, &format!("flags[{i}]")))
            .collect::<AppResult<Vec<_>>>()?;
        self.set(who, request.number, request.expected_version, TriageEdit::Flags(flags)).await
    }

    async fn set_timebox(&self, who: &Principal, request: pb::SetTimeboxRequest) -> AppResult<pb::Ticket> {
        let edit = TriageEdit::Timebox { running: request.running };
        self.set(who, request.number, request.expected_version, edit).await
    }

    async fn set_release(&self, who: &Principal, request: pb::SetReleaseRequest) -> AppResult<pb::Ticket> {
        let release = request.released_in.trim().to_owned();
        if release.chars().count() > RELEASE_MAX_CHARS {
            return Err(AppError::invalid(
                "released_in",
                format!("Keep the release under {RELEASE_MAX_CHARS} characters."),
            ));
        }
        let release = (!release.is_empty()).then_some(release);
        self.set(who, request.number, request.expected_version, TriageEdit::Release(release)).await
    }

    async fn add_link(&self, who: &Principal, request: pb::AddLinkRequest) -> AppResult<pb::TicketLink> {
        require_triage(who)?;
        let url = request.url.trim().to_owned();
        let title = request.title.trim().to_owned();
        let parsed = url::Url::parse(&url).ok().filter(|u| matches!(u.scheme(), "http" | "https") && u.has_host());
        if parsed.is_none() || url.len() > 2000 {
            return Err(AppError::invalid("url", "Give the issue's web address, starting with https://."));
        }
        if title.is_empty() || title.chars().count() > LINK_TITLE_MAX_CHARS {
            return Err(AppError::invalid(
                "title",
                format!("Give the issue a title (up to {LINK_TITLE_MAX_CHARS} characters)."),
            ));
        }
        let link = usecases::triage::add_link(&self.state.core, who, request.number, &url, &title).await?;
        let conn = self.state.core.pool.get().await?;
        let people = people::by_ids(&conn, &[who.person_id]).await?;
        Ok(encode_link(&link, &people))
    }

    async fn remove_link(&self, who: &Principal, request: pb::RemoveLinkRequest) -> AppResult<()> {
        usecases::triage::remove_link(&self.state.core, who, request.number, request.link_id).await
    }

    async fn log_time(&self, who: &Principal, request: pb::LogTimeRequest) -> AppResult<pb::Budget> {
        let worked_on = match request.worked_on.trim() {
            "" => None,
            text => Some(
                NaiveDate::parse_from_str(text, "%Y-%m-%d")
                    .map_err(|_| AppError::invalid("worked_on", "Give the day as YYYY-MM-DD."))?,
            ),
        };
        let note = request.note.trim().to_owned();
        if note.chars().count() > NOTE_MAX_CHARS {
            return Err(AppError::invalid("note", format!("Keep the note under {NOTE_MAX_CHARS} characters.")));
        }
        let spent = TimeSpent { number: request.number, minutes: request.minutes, worked_on, note };
        let ticket = usecases::triage::log_time(&self.state.core, who, spent).await?;
        let mut conn = self.state.core.pool.get().await?;
        budget_of(&mut conn, ticket.community_id, self.state.core.now().date_naive()).await
    }

    async fn budget(&self, who: &Principal, community_id: i64) -> AppResult<pb::Budget> {
        if !authz::can_view_budget(who, community_id) {
            return Err(AppError::NotFound("community"));
        }
        let mut conn = self.state.core.pool.get().await?;
        budget_of(&mut conn, community_id, self.state.core.now().date_naive()).await
    }

    async fn set_budget(&self, who: &Principal, request: pb::SetBudgetRequest) -> AppResult<pb::Budget> {
        require_settings(who)?;
        if let Some(hours) = request.hours.filter(|h| !(0..=100_000).contains(h)) {
            return Err(AppError::invalid("hours", format!("{hours} is not a number of hours between 0 and 100000.")));
        }
        let period = convert::budget_period_from_pb(request.period)?;
        usecases::configuration::set_budget(&self.state.core, who, request.community_id, request.hours, period).await?;
        let mut conn = self.state.core.pool.get().await?;
        budget_of(&mut conn, request.community_id, self.state.core.now().date_naive()).await
    }

    async fn suggest_assignee(&self, who: &Principal, number: i64) -> AppResult<Vec<pb::AssigneeSuggestion>> {
        require_triage(who)?;
        let mut conn = self.state.core.pool.get().await?;
        let ticket = visible_ticket(&mut conn, Actor::Person(who), number).await?;
        if ticket.request_type.is_scheduled_not_assigned() {
            return Ok(Vec::new());
        }
        let now = self.state.core.now();
        let today = now.date_naive();
        let on_duty: Vec<i64> = rotation::on_duty(&conn, today).await?;
        let load = duty::open_load(&mut conn).await?;
        let touched = duty::last_touched(&mut conn, ticket.community_id).await?;
        let community = communities::find(&mut conn, ticket.community_id).await?.map(|c| c.name).unwrap_or_default();
        let candidates = people::list_staff(&conn)
            .await?
            .into_iter()
            .map(|person| assignment::Candidate {
                person_id: person.id,
                on_duty: on_duty.contains(&person.id),
                open_tickets: load.get(&person.id).copied().unwrap_or(0),
                last_touched_community: touched.get(&person.id).copied(),
                name: person.display_name,
            })
            .collect();
        Ok(assignment::rank(candidates, now)
            .into_iter()
            .map(|candidate| pb::AssigneeSuggestion {
                reasons: assignment::reasons(&candidate, &community, now),
                person: Some(pb::PersonRef { id: candidate.person_id, display_name: candidate.name }),
            })
            .collect())
    }

    async fn templates(&self, who: &Principal) -> AppResult<pb::ListResponseTemplatesResponse> {
        require_triage(who)?;
        let mut conn = self.state.core.pool.get().await?;
        let templates = triage::templates(&mut conn).await?;
        Ok(pb::ListResponseTemplatesResponse {
            templates: templates.iter().map(encode_template).collect(),
            placeholders: Placeholder::ALL
                .iter()
                .map(|p| pb::Placeholder { name: p.name().to_owned(), description: p.description().to_owned() })
                .collect(),
        })
    }

    async fn save_template(
        &self,
        who: &Principal,
        request: pb::SaveResponseTemplateRequest,
    ) -> AppResult<pb::ResponseTemplate> {
        require_settings(who)?;
        let template = request.template.ok_or_else(|| AppError::invalid("template", "Send the template."))?;
        let mut errors = Vec::new();
        let key = template.key.trim().to_owned();
        let valid_key = !key.is_empty()
            && key.len() <= 63
            && key.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
            && key.starts_with(|c: char| c.is_ascii_lowercase() || c.is_ascii_digit());
        if !valid_key {
            errors.push(FieldError::new(
                "template.key",
                "Use lower-case letters, digits, - and _ (up to 63), starting with a letter or digit.",
            ));
        }
        let name = template.name.trim().to_owned();
        if name.is_empty() || name.chars().count() > 200 {
            errors.push(FieldError::new("template.name", "Give the template a name (up to 200 characters)."));
        }
        let body = template.body.trim_end().to_owned();
        if body.trim().is_empty() || body.chars().count() > TEMPLATE_BODY_MAX_CHARS {
            errors.push(FieldError::new(
                "template.body",
                format!("Write the template (up to {TEMPLATE_BODY_MAX_CHARS} characters)."),
            ));
        } else if let Err(error) = templates::check(&body) {
            errors.push(FieldError::new("template.body", error.to_string()));
        }
        if !errors.is_empty() {
            return Err(AppError::InvalidArgument(errors));
        }
        let template = Template { key, name, body, position: template.position };
        let saved = usecases::configuration::save_template(&self.state.core, who, &template).await?;
        Ok(encode_template(&saved))
    }

    async fn fill_template(
        &self,
        who: &Principal,
        origin: Option<&str>,
        request: pb::FillResponseTemplateRequest,
    ) -> AppResult<String> {
        require_triage(who)?;
        let mut conn = self.state.core.pool.get().await?;
        let template = triage::template(&mut conn, request.key.trim())
            .await?
            .ok_or_else(|| AppError::invalid("key", "There is no response template with that key."))?;
        let values = if request.incident_number != 0 {
            self.incident_values(&mut conn, who, origin, request.incident_number, request.context).await?
        } else {
            self.ticket_values(&mut conn, who, origin, request.number, request.context).await?
        };
        templates::fill(&template.body, &values).map_err(|error| match error {
            TemplateError::ContextMissing => AppError::invalid("context", error.to_string()),
            other => AppError::invalid(
                "key",
                format!("The template \"{}\" cannot be used until an admin fixes it: {other}", template.name),
            ),
        })
    }

    /// What a template says about an incident: its update goes to every affected community.
    async fn incident_values(
        &self,
        conn: &mut AsyncPgConnection,
        who: &Principal,
        origin: Option<&str>,
        number: i64,
        context: String,
    ) -> AppResult<templates::Values> {
        let (incident, affected) = visible_incident(conn, who, number, false).await?;
        let mut names: Vec<String> =
            communities::list_by_ids(conn, &affected).await?.into_iter().map(|c| c.name).collect();
        names.sort();
        Ok(templates::Values {
            name: "everyone".to_owned(),
            community: if names.is_empty() { "your community".to_owned() } else { names.join(", ") },
            ticket_number: 0,
            reference: Some(format!("Incident {}", incident.number)),
            title: incident.title,
            link: page_link(&self.state, origin, &format!("incidents/{number}")),
            steward: who.display_name.clone(),
            context,
        })
    }

    /// What a template says about a ticket.
    async fn ticket_values(
        &self,
        conn: &mut AsyncPgConnection,
        who: &Principal,
        origin: Option<&str>,
        number: i64,
        context: String,
    ) -> AppResult<templates::Values> {
        let ticket = visible_ticket(conn, Actor::Person(who), number).await?;
        let requester = people::by_ids(conn, &[ticket.requester_id]).await?;
        let community = communities::find(conn, ticket.community_id).await?;
        Ok(templates::Values {
            name: requester.get(&ticket.requester_id).map(|p| p.display_name.clone()).unwrap_or_default(),
            community: community.map(|c| c.name).unwrap_or_default(),
            ticket_number: ticket.number,
            reference: None,
            title: ticket.title.clone(),
            link: page_link(&self.state, origin, &format!("tickets/{}", ticket.number)),
            steward: who.display_name.clone(),
            context,
        })
    }
}

#[tonic::async_trait]
impl TriageService for TriageApi {
    async fn get_triage_queue(
        &self,
        request: Request<pb::GetTriageQueueRequest>,
    ) -> Result<Response<pb::GetTriageQueueResponse>, Status> {
        let caller = caller(&request)?;
        Ok(Response::new(self.queue(caller.signed_in()?, request.get_ref()).await?))
    }

    async fn set_priority_flags(
        &self,
        request: Request<pb::SetPriorityFlagsRequest>,
    ) -> Result<Response<pb::SetPriorityFlagsResponse>, Status> {
        let caller = caller(&request)?;
        let ticket = self.set_flags(caller.signed_in()?, request.into_inner()).await?;
        Ok(Response::new(pb::SetPriorityFlagsResponse { ticket: Some(ticket) }))
    }

    async fn set_timebox(
        &self,
        request: Request<pb::SetTimeboxRequest>,
    ) -> Result<Response<pb::SetTimeboxResponse>, Status> {
        let caller = caller(&request)?;
        let ticket = TriageApi::set_timebox(self, caller.signed_in()?, request.into_inner()).await?;
        Ok(Response::new(pb::SetTimeboxResponse { ticket: Some(ticket) }))
    }

    async fn set_release(
        &self,
        request: Request<pb::SetReleaseRequest>,
    ) -> Result<Response<pb::SetReleaseResponse>, Status> {
        let caller = caller(&request)?;
        let ticket = TriageApi::set_release(self, caller.signed_in()?, request.into_inner()).await?;
        Ok(Response::new(pb::SetReleaseResponse { ticket: Some(ticket) }))
    }

    async fn add_link(&self, request: Request<pb::AddLinkRequest>) -> Result<Response<pb::AddLinkResponse>, Status> {
        let caller = caller(&request)?;
        let link = TriageApi::add_link(self, caller.signed_in()?, request.into_inner()).await?;
        Ok(Response::new(pb::AddLinkResponse { link: Some(link) }))
    }

    async fn remove_link(
        &self,
        request: Request<pb::RemoveLinkRequest>,
    ) -> Result<Response<pb::RemoveLinkResponse>, Status> {
        let caller = caller(&request)?;
        TriageApi::remove_link(self, caller.signed_in()?, request.into_inner()).await?;
        Ok(Response::new(pb::RemoveLinkResponse {}))
    }

    async fn log_time(&self, request: Request<pb::LogTimeRequest>) -> Result<Response<pb::LogTimeResponse>, Status> {
        let caller = caller(&request)?;
        let budget = TriageApi::log_time(self, caller.signed_in()?, request.into_inner()).await?;
        Ok(Response::new(pb::LogTimeResponse { budget: Some(budget) }))
    }

    async fn get_budget(
        &self,
        request: Request<pb::GetBudgetRequest>,
    ) -> Result<Response<pb::GetBudgetResponse>, Status> {
        let caller = caller(&request)?;
        let budget = self.budget(caller.signed_in()?, request.get_ref().community_id).await?;
        Ok(Response::new(pb::GetBudgetResponse { budget: Some(budget) }))
    }

    async fn set_budget(
        &self,
        request: Request<pb::SetBudgetRequest>,
    ) -> Result<Response<pb::SetBudgetResponse>, Status> {
        let caller = caller(&request)?;
        let budget = TriageApi::set_budget(self, caller.signed_in()?, request.into_inner()).await?;
        Ok(Response::new(pb::SetBudgetResponse { budget: Some(budget) }))
    }

    async fn suggest_assignee(
        &self,
        request: Request<pb::SuggestAssigneeRequest>,
    ) -> Result<Response<pb::SuggestAssigneeResponse>, Status> {
        let caller = caller(&request)?;
        let suggestions = TriageApi::suggest_assignee(self, caller.signed_in()?, request.get_ref().number).await?;
        Ok(Response::new(pb::SuggestAssigneeResponse { suggestions }))
    }

    async fn list_response_templates(
        &self,
        request: Request<pb::ListResponseTemplatesRequest>,
    ) -> Result<Response<pb::ListResponseTemplatesResponse>, Status> {
        let caller = caller(&request)?;
        Ok(Response::new(self.templates(caller.signed_in()?).await?))
    }

    async fn save_response_template(
        &self,
        request: Request<pb::SaveResponseTemplateRequest>,
    ) -> Result<Response<pb::SaveResponseTemplateResponse>, Status> {
        let caller = caller(&request)?;
        let template = self.save_template(caller.signed_in()?, request.into_inner()).await?;
        Ok(Response::new(pb::SaveResponseTemplateResponse { template: Some(template) }))
    }

    async fn get_ticket_triage(
        &self,
        request: Request<pb::GetTicketTriageRequest>,
    ) -> Result<Response<pb::GetTicketTriageResponse>, Status> {
        let caller = caller(&request)?;
        let triage = self.ticket_triage(caller.signed_in()?, request.get_ref().number).await?;
        Ok(Response::new(pb::GetTicketTriageResponse { triage: Some(triage) }))
    }

    async fn fill_response_template(
        &self,
        request: Request<pb::FillResponseTemplateRequest>,
    ) -> Result<Response<pb::FillResponseTemplateResponse>, Status> {
        let caller = caller(&request)?;
        let origin = request.metadata().get("origin").and_then(|v| v.to_str().ok()).map(str::to_owned);
        let text = self.fill_template(caller.signed_in()?, origin.as_deref(), request.into_inner()).await?;
        Ok(Response::new(pb::FillResponseTemplateResponse { text }))
    }
}
