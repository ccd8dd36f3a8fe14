//! `steward.v1.TicketService`: filing, reading, listing, moving and discussing tickets.
//!
//! Every change runs in one transaction that checks the caller's version, applies the change
//! and appends its event, so the audit trail never misses a change and two people never
//! overwrite each other.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use diesel_async::{AsyncConnection, AsyncPgConnection};
use steward_proto::v1 as pb;
use steward_proto::v1::ticket_service_server::TicketService;
use tonic::{Request, Response, Status};

use super::convert::{self, TicketContext};
use super::encode_tickets;
use super::triage;
use crate::AppState;
use crate::auth::caller;
use crate::db::models::tickets::{self, Change, Filter, PageAfter, Ticket};
use crate::db::models::{comments, communities, events as event_rows, forms, people, surveys, triage as triage_rows};
use crate::error::{AppError, AppResult};
use crate::events::{self, FieldChange, TicketChange};
use steward_domain::TicketState;
use steward_domain::authz::Principal;
use steward_domain::authz::{self, Filing};
use steward_domain::intake::{self, RequestDraft};
use steward_domain::lifecycle::{self, Action};

const DEFAULT_PAGE_SIZE: i64 = 50;
const MAX_PAGE_SIZE: i64 = 200;
const COMMENT_MAX_CHARS: usize = 20_000;
const REASON_MAX_CHARS: usize = 2_000;

/// The ticket service.
pub struct TicketApi {
    pub state: AppState,
}

/// The ticket, if `who` may see it; NotFound whether it is missing or hidden.
pub(crate) async fn visible_ticket(conn: &mut AsyncPgConnection, who: &Principal, number: i64) -> AppResult<Ticket> {
    match tickets::find(conn, number).await? {
        Some(ticket) if authz::can_view_ticket(who, &ticket.facts()) => Ok(ticket),
        _ => Err(AppError::NotFound("ticket")),
    }
}

/// Takes a lifecycle step on `ticket` (read in this transaction at the version the caller saw)
/// if the rules allow it: the new state (at `rank` in its column, or at the bottom), its event,
/// and the reason as a public reply. TicketService and the board both move tickets through here.
pub(crate) async fn take_step(
    conn: &AsyncPgConnection,
    who: &Principal,
    ticket: &Ticket,
    action: Action,
    reason: Option<&str>,
    rank: Option<f64>,
) -> AppResult<Ticket> {
    if !authz::can_take_action(who, &ticket.facts(), action) {
        return Err(AppError::PermissionDenied(refusal_for(action)));
    }
    let to = lifecycle::next_state(ticket.state, action)?;
    lifecycle::check_release(action, ticket.request_type, ticket.released_in.as_deref())?;
    let change = Change { state: Some(to), rank, ..Change::default() };
    // The change and its event go out together (pipelined); if the change is refused, the
    // transaction rolls the event back with it.
    let after = Ticket { state: to, ..ticket.clone() };
    let transition = TicketChange::Transitioned { action, from: ticket.state, reason };
    let (moved, _) = futures_util::try_join!(
        tickets::apply(conn, ticket.number, ticket.version, &change),
        events::record(conn, &after, Some(who.person_id), transition),
    )?;
    if to == TicketState::Resolved {
        // Resolving asks the requester's side how it went (seed 001).
        surveys::request(conn, moved.number).await?;
    }
    if let Some(reason) = reason {
        let comment = comments::insert(conn, moved.number, who.person_id, reason, false).await?;
        let commented = TicketChange::Commented { comment_id: comment.id, internal: false };
        events::record(conn, &moved, Some(who.person_id), commented).await?;
    }
    Ok(moved)
}

pub(crate) fn check_version(ticket: &Ticket, expected_version: i64) -> AppResult<()> {
    if ticket.version == expected_version { Ok(()) } else { Err(AppError::StaleVersion { current: ticket.version }) }
}

async fn encode_one(conn: &mut AsyncPgConnection, ticket: &Ticket) -> AppResult<pb::Ticket> {
    let mut encoded = encode_tickets(conn, std::slice::from_ref(ticket)).await?;
    encoded.pop().ok_or_else(|| AppError::internal(anyhow::anyhow!("encoding a ticket produced nothing")))
}

fn page_token(ticket: &Ticket) -> String {
    format!("{}.{}", ticket.updated_at.timestamp_micros(), ticket.number)
}

fn parse_page_token(token: &str) -> AppResult<Option<PageAfter>> {
    if token.is_empty() {
        return Ok(None);
    }
    let invalid =
        || AppError::invalid("page_token", "This page token is not one Steward gave out; start from the first page.");
    let (micros, number) = token.split_once('.').ok_or_else(invalid)?;
    let micros: i64 = micros.parse().map_err(|_| invalid())?;
    let number: i64 = number.parse().map_err(|_| invalid())?;
    let updated_at = DateTime::<Utc>::from_timestamp_micros(micros).ok_or_else(invalid)?;
    Ok(Some(PageAfter { updated_at, number }))
}

fn decode_filter(request: &pb::ListTicketsRequest) -> AppResult<Filter> {
    let states = request.states.iter().map(|s| convert::state_from_pb(*s, "states")).collect::<AppResult<Vec<_>>>()?;
    let request_type = match request.request_type {
        Some(value) => convert::request_type_from_pb(value, "request_type")?,
        None => None,
    };
    let priority = match request.priority {
        Some(value) => convert::priority_from_pb(value, "priority")?,
        None => None,
    };
    let text = request.text.trim();
    if text.chars().count() > 200 {
        return Err(AppError::invalid("text", "Search for at most 200 characters."));
    }
    Ok(Filter {
        community_id: request.community_id,
        states,
        request_type,
        priority,
        assignee_id: request.assignee_id,
        unassigned: request.unassigned,
        text: (!text.is_empty()).then(|| text.to_owned()),
    })
}

/// A trimmed reason, required for actions that need one.
pub(crate) fn decode_reason(action: Action, reason: &str) -> AppResult<Option<String>> {
    let reason = reason.trim();
    if reason.chars().count() > REASON_MAX_CHARS {
        return Err(AppError::invalid("reason", format!("Keep the reason under {REASON_MAX_CHARS} characters.")));
    }
    if reason.is_empty() {
        if action.needs_reason() {
            return Err(AppError::invalid("reason", format!("Say why you {} it.", action.label())));
        }
        return Ok(None);
    }
    Ok(Some(reason.to_owned()))
}

fn refusal_for(action: Action) -> &'static str {
    match action {
        Action::Approve | Action::Decline => {
            "Only a representative of the ticket's community can approve or decline its requests."
        }
        Action::Triage | Action::Start | Action::WaitOnRequester | Action::Resolve => {
            "Only the support team can do that."
        }
        Action::Close => {
            "Only the requester or a representative can confirm a resolved ticket; only the support team can close it otherwise."
        }
        Action::Reopen => {
            "Only the requester, a representative of the community or the support team can reopen a ticket."
        }
    }
}

impl TicketApi {
    async fn create(&self, who: &Principal, request: pb::CreateTicketRequest) -> AppResult<pb::Ticket> {
        let filing = authz::filing(who, request.community_id)
            .ok_or_else(|| AppError::invalid("community_id", "Choose one of your own communities."))?;
        let draft = RequestDraft {
            request_type: convert::request_type_from_pb(request.request_type, "request_type")?,
            priority: convert::priority_from_pb(request.priority, "priority")?,
            title: request.title,
            description: request.description,
            confidential: request.confidential,
            answers: request.answers.into_iter().collect(),
        };
        let state = lifecycle::initial_state(matches!(filing, Filing::NeedsApproval));
        let mut conn = self.state.pool.get().await?;
        // The forms as they apply now (an admin may have edited them).
        let current_forms = forms::all(&mut conn).await?;
        let checked = intake::check_with(draft, |request_type| {
            current_forms
                .iter()
                .find(|f| f.request_type == request_type)
                .cloned()
                .unwrap_or_else(|| intake::form_for(request_type).spec())
        })?;
        if communities::find(&mut conn, request.community_id).await?.is_none() {
            return Err(AppError::invalid("community_id", "There is no such community."));
        }
        let requester = who.person_id;
        let ticket = conn
            .transaction(async |conn| {
                let ticket = tickets::insert(conn, request.community_id, requester, state, &checked).await?;
                events::record(conn, &ticket, Some(requester), TicketChange::Created).await?;
                Ok::<_, AppError>(ticket)
            })
            .await?;
        self.state.live.committed();
        tracing::info!(number = ticket.number, person_id = requester, state = ticket.state.as_str(), "ticket filed");
        encode_one(&mut conn, &ticket).await
    }

    async fn get(&self, who: &Principal, number: i64) -> AppResult<pb::GetTicketResponse> {
        let mut conn = self.state.pool.get().await?;
        let ticket = visible_ticket(&mut conn, who, number).await?;
        let conversation = comments::list_for_ticket(&mut conn, number, authz::can_see_internal_notes(who)).await?;
        let encoded = encode_one(&mut conn, &ticket).await?;
        let author_ids: Vec<i64> = conversation.iter().map(|c| c.author_id).collect();
        let authors = people::by_ids(&conn, &author_ids).await?;
        let no_communities = HashMap::new();
        let context = TicketContext { communities: &no_communities, people: &authors };
        let facts = ticket.facts();
        let available_actions = Action::ALL
            .iter()
            .filter(|&&action| {
                authz::can_take_action(who, &facts, action)
                    && lifecycle::next_state(ticket.state, action).is_ok()
                    && lifecycle::check_release(action, ticket.request_type, ticket.released_in.as_deref()).is_ok()
            })
            .map(|&action| convert::action_to_pb(action) as i32)
            .collect();
        let close_held_back = if authz::can_take_action(who, &facts, Action::Close)
            && lifecycle::next_state(ticket.state, Action::Close).is_ok()
        {
            lifecycle::check_release(Action::Close, ticket.request_type, ticket.released_in.as_deref())
                .err()
                .map(|missing| missing.to_string())
                .unwrap_or_default()
        } else {
            String::new()
        };
        let links = triage_rows::links_of(&mut conn, ticket.number).await?;
        let linkers: Vec<i64> = links.iter().map(|l| l.added_by).collect();
        let linkers = people::by_ids(&conn, &linkers).await?;
        let triage = if authz::can_triage(who) { Some(triage::triage_of(&mut conn, &ticket).await?) } else { None };
        let survey = match surveys::find(&mut conn, ticket.number).await? {
            Some(survey) if authz::can_see_survey(who, &facts) => {
                Some(self.encode_survey(&conn, who, &facts, survey).await?)
            }
            _ => None,
        };
        Ok(pb::GetTicketResponse {
            ticket: Some(encoded),
            comments: conversation.iter().map(|c| context.comment(c)).collect(),
            available_actions,
            can_manage: authz::can_manage_tickets(who),
            links: links.iter().map(|l| triage::encode_link(l, &linkers)).collect(),
            triage,
            close_held_back,
            survey,
        })
    }

    async fn list(&self, who: &Principal, request: pb::ListTicketsRequest) -> AppResult<pb::ListTicketsResponse> {
        let filter = decode_filter(&request)?;
        let page_size = match request.page_size {
            0 => DEFAULT_PAGE_SIZE,
            n if n < 0 => return Err(AppError::invalid("page_size", "Ask for a positive number of tickets.")),
            n => i64::from(n).min(MAX_PAGE_SIZE),
        };
        let after = parse_page_token(&request.page_token)?;
        let mut conn = self.state.pool.get().await?;
        let mut found = tickets::list(&mut conn, &authz::ticket_visibility(who), &filter, after, page_size + 1).await?;
        let next_page_token = if found.len() as i64 > page_size {
            found.truncate(page_size as usize);
            found.last().map(page_token).unwrap_or_default()
        } else {
            String::new()
        };
        Ok(pb::ListTicketsResponse { tickets: encode_tickets(&mut conn, &found).await?, next_page_token })
    }

    async fn approval_queue(&self, who: &Principal) -> AppResult<pb::ListApprovalQueueResponse> {
        let communities: Vec<i64> =
            who.representative_of.iter().copied().filter(|c| authz::can_approve_in(who, *c)).collect();
        let mut conn = self.state.pool.get().await?;
        let waiting = tickets::awaiting_approval(&mut conn, &communities).await?;
        Ok(pb::ListApprovalQueueResponse { tickets: encode_tickets(&mut conn, &waiting).await? })
    }

    async fn transition(&self, who: &Principal, request: pb::TransitionTicketRequest) -> AppResult<pb::Ticket> {
        let action = convert::action_from_pb(request.action)?;
        let reason = decode_reason(action, &request.reason)?;
        let mut conn = self.state.pool.get().await?;
        let ticket = conn
            .transaction(async |conn| {
                let ticket = visible_ticket(conn, who, request.number).await?;
                check_version(&ticket, request.expected_version)?;
                take_step(conn, who, &ticket, action, reason.as_deref(), None).await
            })
            .await?;
        self.state.live.committed();
        tracing::info!(
            number = ticket.number,
            person_id = who.person_id,
            state = ticket.state.as_str(),
            "ticket moved"
        );
        encode_one(&mut conn, &ticket).await
    }

    async fn update(&self, who: &Principal, request: pb::UpdateTicketRequest) -> AppResult<pb::Ticket> {
        let priority = match request.priority {
            Some(value) => convert::priority_from_pb(value, "priority")?,
            None => None,
        };
        let request_type = match request.request_type {
            Some(value) => convert::request_type_from_pb(value, "request_type")?,
            None => None,
        };
        let scheduled_for = match request.scheduled_for.as_deref().map(str::trim) {
            None => None,
            Some("") => Some(None),
            Some(day) => Some(Some(
                chrono::NaiveDate::parse_from_str(day, "%Y-%m-%d")
                    .map_err(|_| AppError::invalid("scheduled_for", "Give the day as YYYY-MM-DD."))?,
            )),
        };
        let mut conn = self.state.pool.get().await?;
        let assignee = match request.assignee_id {
            None => None,
            Some(0) => Some(None),
            Some(id) => match people::find(&mut conn, id).await? {
                Some(person) if person.staff_role.is_some() => Some(Some(id)),
                _ => return Err(AppError::invalid("assignee_id", "Assign the ticket to someone on the support team.")),
            },
        };
        let ticket = conn
            .transaction(async |conn| {
                let ticket = visible_ticket(conn, who, request.number).await?;
                if !authz::can_manage_tickets(who) {
                    return Err(AppError::PermissionDenied(
                        "Only the support team can change a ticket's assignee, priority or type.",
                    ));
                }
                check_version(&ticket, request.expected_version)?;
                let mut change = Change::default();
                let mut fields = Vec::new();
                if let Some(assignee) = assignee.filter(|a| *a != ticket.assignee_id) {
                    fields.push(FieldChange {
                        field: "assignee_id",
                        from: ticket.assignee_id.map(|id| id.to_string()),
                        to: assignee.map(|id| id.to_string()),
                    });
                    change.assignee_id = Some(assignee);
                }
                let request_type_after = request_type.unwrap_or(ticket.request_type);
                if request_type_after.is_scheduled_not_assigned() && matches!(change.assignee_id, Some(Some(_))) {
                    return Err(AppError::invalid(
                        "assignee_id",
                        "Workshop requests are scheduled for a day and planned, not assigned: set the day instead.",
                    ));
                }
                if let Some(day) = scheduled_for.filter(|d| *d != ticket.scheduled_for) {
                    if !request_type_after.is_scheduled_not_assigned() {
                        return Err(AppError::invalid(
                            "scheduled_for",
                            "Only workshop requests are scheduled for a day.",
                        ));
                    }
                    fields.push(FieldChange {
                        field: "scheduled_for",
                        from: ticket.scheduled_for.map(|d| d.to_string()),
                        to: day.map(|d| d.to_string()),
                    });
                    change.scheduled_for = Some(day);
                }
                if let Some(priority) = priority.filter(|p| *p != ticket.priority) {
                    fields.push(FieldChange {
                        field: "priority",
                        from: Some(ticket.priority.as_str().to_owned()),
                        to: Some(priority.as_str().to_owned()),
                    });
                    change.priority = Some(priority);
                }
                if let Some(request_type) = request_type.filter(|t| *t != ticket.request_type) {
                    fields.push(FieldChange {
                        field: "request_type",
                        from: Some(ticket.request_type.as_str().to_owned()),
                        to: Some(request_type.as_str().to_owned()),
                    });
                    change.request_type = Some(request_type);
                }
                if let Some(confidential) = request.confidential.filter(|c| *c != ticket.confidential) {
                    fields.push(FieldChange {
                        field: "confidential",
                        from: Some(ticket.confidential.to_string()),
                        to: Some(confidential.to_string()),
                    });
                    change.confidential = Some(confidential);
                }
                if fields.is_empty() {
                    return Ok::<_, AppError>(ticket);
                }
                let updated = tickets::apply(conn, ticket.number, request.expected_version, &change).await?;
                events::record(conn, &updated, Some(who.person_id), TicketChange::Updated { fields }).await?;
                Ok(updated)
            })
            .await?;
        self.state.live.committed();
        encode_one(&mut conn, &ticket).await
    }

    async fn comment(&self, who: &Principal, request: pb::AddCommentRequest) -> AppResult<pb::Comment> {
        let body = request.body.trim().to_owned();
        if body.is_empty() {
            return Err(AppError::invalid("body", "Write a message first."));
        }
        if body.chars().count() > COMMENT_MAX_CHARS {
            return Err(AppError::invalid("body", format!("Keep the message under {COMMENT_MAX_CHARS} characters.")));
        }
        let internal = match pb::CommentVisibility::try_from(request.visibility) {
            Ok(pb::CommentVisibility::Unspecified | pb::CommentVisibility::PublicReply) => false,
            Ok(pb::CommentVisibility::InternalNote) => true,
            Err(_) => return Err(AppError::invalid("visibility", "Choose a public reply or an internal note.")),
        };
        let mut conn = self.state.pool.get().await?;
        let comment = conn
            .transaction(async |conn| {
                let ticket = visible_ticket(conn, who, request.number).await?;
                if internal && !authz::can_manage_tickets(who) {
                    return Err(AppError::PermissionDenied("Only the support team can write internal notes."));
                }
                if !authz::can_reply(who, &ticket.facts()) {
                    return Err(AppError::NotFound("ticket"));
                }
                let comment = comments::insert(conn, ticket.number, who.person_id, &body, internal).await?;
                events::record(
                    conn,
                    &ticket,
                    Some(who.person_id),
                    TicketChange::Commented { comment_id: comment.id, internal },
                )
                .await?;
                let answered_by_requester =
                    !internal && !who.is_staff() && authz::is_requester_side(who, &ticket.facts());
                let after = lifecycle::after_requester_reply(ticket.state);
                if answered_by_requester && after != ticket.state {
                    let change = Change { state: Some(after), ..Change::default() };
                    let moved = tickets::apply(conn, ticket.number, ticket.version, &change).await?;
                    events::record(
                        conn,
                        &moved,
                        Some(who.person_id),
                        TicketChange::RequesterReplied { from: ticket.state },
                    )
                    .await?;
                } else {
                    tickets::touch(conn, ticket.number).await?;
                }
                if !internal && who.is_staff() {
                    // Support's first public answer is the acknowledgement (seeds 001, 002).
                    triage_rows::mark_acknowledged(conn, ticket.number).await?;
                }
                Ok::<_, AppError>(comment)
            })
            .await?;
        self.state.live.committed();
        let authors = people::by_ids(&conn, &[who.person_id]).await?;
        let no_communities = HashMap::new();
        Ok(TicketContext { communities: &no_communities, people: &authors }.comment(&comment))
    }

    async fn encode_survey(
        &self,
        conn: &AsyncPgConnection,
        who: &Principal,
        facts: &authz::TicketFacts,
        survey: surveys::Survey,
    ) -> AppResult<pb::Survey> {
        let answerers: Vec<i64> = survey.answered_by.into_iter().collect();
        let names = people::by_ids(conn, &answerers).await?;
        Ok(pb::Survey {
            requested_at: Some(convert::timestamp(survey.requested_at)),
            rating: survey.rating.map(i32::from),
            comment: survey.comment,
            answered_by: survey.answered_by.map(|id| convert::person_ref_or_unknown(id, &names)),
            answered_at: survey.answered_at.map(convert::timestamp),
            can_answer: survey.rating.is_none() && authz::can_answer_survey(who, facts),
        })
    }

    async fn answer_survey(&self, who: &Principal, request: pb::AnswerSurveyRequest) -> AppResult<pb::Survey> {
        let rating = i16::try_from(request.rating)
            .ok()
            .filter(|r| (1..=5).contains(r))
            .ok_or_else(|| AppError::invalid("rating", "Choose a rating from 1 (very poor) to 5 (excellent)."))?;
        let comment = request.comment.trim().to_owned();
        if comment.chars().count() > 2_000 {
            return Err(AppError::invalid("comment", "Keep the comment under 2000 characters."));
        }
        let mut conn = self.state.pool.get().await?;
        let (ticket, answered) = conn
            .transaction(async |conn| {
                let ticket = visible_ticket(conn, who, request.number).await?;
                if !authz::can_answer_survey(who, &ticket.facts()) {
                    return Err(AppError::PermissionDenied(
                        "Only the requester or a representative of the community answers the survey.",
                    ));
                }
                let answered = surveys::answer(conn, ticket.number, who.person_id, rating, &comment)
                    .await?
                    .ok_or(AppError::NothingToAnswer("There is no open survey on this ticket: it was answered already, or the ticket was never resolved."))?;
                tickets::touch(conn, ticket.number).await?;
                events::record(conn, &ticket, Some(who.person_id), TicketChange::SurveyAnswered { rating }).await?;
                Ok::<_, AppError>((ticket, answered))
            })
            .await?;
        self.state.live.committed();
        self.encode_survey(&conn, who, &ticket.facts(), answered).await
    }

    async fn history(&self, who: &Principal, number: i64) -> AppResult<pb::ListTicketEventsResponse> {
        let mut conn = self.state.pool.get().await?;
        let ticket = visible_ticket(&mut conn, who, number).await?;
        let found = event_rows::list_for_ticket(&mut conn, ticket.number, authz::can_see_internal_notes(who)).await?;
        let mut ids: Vec<i64> = found.iter().filter_map(|e| e.actor_id).collect();
        ids.extend(found.iter().flat_map(events::mentioned_people));
        ids.sort_unstable();
        ids.dedup();
        let names = people::by_ids(&conn, &ids).await?;
        let events = found
            .iter()
            .map(|event| pb::TicketEvent {
                id: event.id,
                actor: event.actor_id.and_then(|id| names.get(&id)).map(convert::person_ref),
                kind: event.kind.clone(),
                summary: events::summary(event, &names),
                at: Some(convert::timestamp(event.at)),
            })
            .collect();
        Ok(pb::ListTicketEventsResponse { events })
    }
}

#[tonic::async_trait]
impl TicketService for TicketApi {
    async fn create_ticket(
        &self,
        request: Request<pb::CreateTicketRequest>,
    ) -> Result<Response<pb::CreateTicketResponse>, Status> {
        let caller = caller(&request)?;
        let ticket = self.create(caller.signed_in()?, request.into_inner()).await?;
        Ok(Response::new(pb::CreateTicketResponse { ticket: Some(ticket) }))
    }

    async fn get_ticket(
        &self,
        request: Request<pb::GetTicketRequest>,
    ) -> Result<Response<pb::GetTicketResponse>, Status> {
        let caller = caller(&request)?;
        Ok(Response::new(self.get(caller.signed_in()?, request.get_ref().number).await?))
    }

    async fn list_tickets(
        &self,
        request: Request<pb::ListTicketsRequest>,
    ) -> Result<Response<pb::ListTicketsResponse>, Status> {
        let caller = caller(&request)?;
        Ok(Response::new(self.list(caller.signed_in()?, request.into_inner()).await?))
    }

    async fn list_approval_queue(
        &self,
        request: Request<pb::ListApprovalQueueRequest>,
    ) -> Result<Response<pb::ListApprovalQueueResponse>, Status> {
        let caller = caller(&request)?;
        Ok(Response::new(self.approval_queue(caller.signed_in()?).await?))
    }

    async fn transition_ticket(
        &self,
        request: Request<pb::TransitionTicketRequest>,
    ) -> Result<Response<pb::TransitionTicketResponse>, Status> {
        let caller = caller(&request)?;
        let ticket = self.transition(caller.signed_in()?, request.into_inner()).await?;
        Ok(Response::new(pb::TransitionTicketResponse { ticket: Some(ticket) }))
    }

    async fn update_ticket(
        &self,
        request: Request<pb::UpdateTicketRequest>,
    ) -> Result<Response<pb::UpdateTicketResponse>, Status> {
        let caller = caller(&request)?;
        let ticket = self.update(caller.signed_in()?, request.into_inner()).await?;
        Ok(Response::new(pb::UpdateTicketResponse { ticket: Some(ticket) }))
    }

    async fn add_comment(
        &self,
        request: Request<pb::AddCommentRequest>,
    ) -> Result<Response<pb::AddCommentResponse>, Status> {
        let caller = caller(&request)?;
        let comment = self.comment(caller.signed_in()?, request.into_inner()).await?;
        Ok(Response::new(pb::AddCommentResponse { comment: Some(comment) }))
    }

    async fn answer_survey(
        &self,
        request: Request<pb::AnswerSurveyRequest>,
    ) -> Result<Response<pb::AnswerSurveyResponse>, Status> {
        let caller = caller(&request)?;
        let survey = TicketApi::answer_survey(self, caller.signed_in()?, request.into_inner()).await?;
        Ok(Response::new(pb::AnswerSurveyResponse { survey: Some(survey) }))
    }

    async fn list_ticket_events(
        &self,
        request: Request<pb::ListTicketEventsRequest>,
    ) -> Result<Response<pb::ListTicketEventsResponse>, Status> {
        let caller = caller(&request)?;
        Ok(Response::new(self.history(caller.signed_in()?, request.get_ref().number).await?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_tokens_round_trip_and_bad_ones_name_the_field() {
        let at = DateTime::<Utc>::from_timestamp_micros(1_763_000_000_123_456).unwrap();
        let token = format!("{}.{}", at.timestamp_micros(), 42);
        assert_eq!(parse_page_token(&token).unwrap(), Some(PageAfter { updated_at: at, number: 42 }));
        assert_eq!(parse_page_token("").unwrap(), None);
        for bad in ["x", "1.", ".2", "a.b"] {
            match parse_page_token(bad) {
                Err(AppError::InvalidArgument(field)) => assert_eq!(field.field, "page_token"),
                other => panic!("{bad}: {other:?}"),
            }
        }
    }

    #[test]
    fn decline_and_reopen_need_a_reason() {
        assert!(decode_reason(Action::Decline, "  ").is_err());
        assert_eq!(decode_reason(Action::Reopen, " still broken ").unwrap().as_deref(), Some("still broken"));
        assert_eq!(decode_reason(Action::Resolve, "").unwrap(), None);
    }
}
