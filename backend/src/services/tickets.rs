//! `steward.v1.TicketService`: filing, reading, listing, moving and discussing tickets. Reads
//! are answered here; every change is decoded here and made by [`crate::usecases::tickets`].

use std::collections::HashMap;

use diesel_async::AsyncPgConnection;
use steward_domain::authz;
use steward_domain::conversation::{self, Visibility};
use steward_domain::facts::Principal;
use steward_domain::fields::FieldsEdit;
use steward_domain::intake::{FieldError, RequestDraft};
use steward_proto::v1 as pb;
use steward_proto::v1::ticket_service_server::TicketService;
use tonic::{Request, Response, Status};

use super::encode_tickets;
use super::triage;
use crate::AppState;
use crate::auth::caller;
use crate::convert::{self, TicketContext};
use crate::db::models::attachments as attachment_rows;
use crate::db::models::tickets::{self, Filter, PageAfter, Sort, SortBy, Ticket};
use crate::db::models::{comments, events as event_rows, people, reads, surveys, triage as triage_rows, views};
use crate::error::{AppError, AppResult};
use crate::markdown;
use crate::usecases::tickets::{BulkChange, FieldsUpdate, NewMessage, NewRequest, Step, SurveyAnswer, visible_ticket};
use crate::usecases::{self, Actor};

const DEFAULT_PAGE_SIZE: i64 = 50;
const MAX_PAGE_SIZE: i64 = 200;

/// The ticket service.
pub struct TicketApi {
    pub state: AppState,
}

async fn encode_one(conn: &mut AsyncPgConnection, ticket: &Ticket) -> AppResult<pb::Ticket> {
    let mut encoded = encode_tickets(conn, std::slice::from_ref(ticket)).await?;
    encoded.pop().ok_or_else(|| AppError::internal(anyhow::anyhow!("encoding a ticket produced nothing")))
}

/// Each order's letter in a page token.
const SORT_LETTERS: &[(SortBy, char)] = &[
    (SortBy::Updated, 'u'),
    (SortBy::Number, 'n'),
    (SortBy::Title, 't'),
    (SortBy::Community, 'c'),
    (SortBy::RequestType, 'y'),
    (SortBy::Priority, 'p'),
    (SortBy::State, 's'),
    (SortBy::Assignee, 'a'),
];

fn sort_letters(sort: Sort) -> String {
    let letter = SORT_LETTERS.iter().find(|(by, _)| *by == sort.by).map_or('u', |(_, letter)| *letter);
    format!("{letter}{}", if sort.ascending { 'a' } else { 'd' })
}

/// The token of the page after `ticket` in `sort`'s order: the order, the ticket's number and
/// its value (text last, as it may hold anything).
fn page_token(sort: Sort, ticket: &Ticket) -> String {
    format!("{}.{}.{}", sort_letters(sort), ticket.number, sort.by.key_of(ticket).spelled())
}

/// Where the page `token` starts; refused unless it came from a list in `sort`'s order.
pub fn parse_page_token(sort: Sort, token: &str) -> AppResult<Option<PageAfter>> {
    if token.is_empty() {
        return Ok(None);
    }
    let invalid = || {
        AppError::invalid(
            "page_token",
            "This page token is not one Steward gave out for this order; start from the first page.",
        )
    };
    let mut parts = token.splitn(3, '.');
    let (Some(letters), Some(number), Some(value)) = (parts.next(), parts.next(), parts.next()) else {
        return Err(invalid());
    };
    if letters != sort_letters(sort) {
        return Err(invalid());
    }
    let number: i64 = number.parse().map_err(|_| invalid())?;
    let key = sort.by.parse_key(value).ok_or_else(invalid)?;
    Ok(Some(PageAfter { key, number }))
}

/// The order a ListTicketsRequest asks for.
pub fn decode_sort(request: &pb::ListTicketsRequest) -> AppResult<Sort> {
    let by = match pb::TicketSort::try_from(request.sort) {
        Ok(pb::TicketSort::Unspecified | pb::TicketSort::Updated) => SortBy::Updated,
        Ok(pb::TicketSort::Number) => SortBy::Number,
        Ok(pb::TicketSort::Title) => SortBy::Title,
        Ok(pb::TicketSort::Community) => SortBy::Community,
        Ok(pb::TicketSort::RequestType) => SortBy::RequestType,
        Ok(pb::TicketSort::Priority) => SortBy::Priority,
        Ok(pb::TicketSort::State) => SortBy::State,
        Ok(pb::TicketSort::Assignee) => SortBy::Assignee,
        Err(_) => return Err(AppError::invalid("sort", "Choose one of the orders the list offers.")),
    };
    Ok(Sort { by, ascending: request.ascending })
}

pub fn decode_filter(request: &pb::ListTicketsRequest) -> AppResult<Filter> {
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

/// The most lists one CountTickets may count.
const MOST_COUNTED_AT_ONCE: usize = 20;

fn encode_view(who: &Principal, view: views::SavedView, owner: String) -> pb::TicketView {
    pb::TicketView {
        id: view.id,
        name: view.name,
        query: view.query,
        shared: view.shared,
        owner: Some(pb::PersonRef { id: view.owner_id, display_name: owner }),
        mine: view.owner_id == who.person_id,
    }
}

/// The most tickets one ChangeTickets may change.
const MOST_CHANGED_AT_ONCE: usize = 100;

/// The tickets a ChangeTicketsRequest names (each once, in the order first named) and the change
/// it asks of them; every problem with it named at once.
pub fn decode_bulk_change(request: &pb::ChangeTicketsRequest) -> AppResult<(Vec<i64>, BulkChange)> {
    let mut problems = Vec::new();
    let mut numbers: Vec<i64> = Vec::with_capacity(request.numbers.len());
    for number in &request.numbers {
        if !numbers.contains(number) {
            numbers.push(*number);
        }
    }
    if numbers.is_empty() {
        problems.push(FieldError::new("numbers", "Choose at least one ticket."));
    } else if numbers.len() > MOST_CHANGED_AT_ONCE {
        problems.push(FieldError::new("numbers", format!("Change at most {MOST_CHANGED_AT_ONCE} tickets at once.")));
    }
    let change = match request.change {
        None => Err(AppError::invalid("change", "Choose what to change.")),
        Some(pb::change_tickets_request::Change::AssigneeId(id)) => {
            Ok(BulkChange::Fields(FieldsEdit { assignee_id: Some((id != 0).then_some(id)), ..Default::default() }))
        }
        Some(pb::change_tickets_request::Change::Priority(value)) => match convert::priority_from_pb(value, "priority")
        {
            Ok(Some(priority)) => Ok(BulkChange::Fields(FieldsEdit { priority: Some(priority), ..Default::default() })),
            Ok(None) => Err(AppError::invalid("priority", "Choose a priority.")),
            Err(error) => Err(error),
        },
        Some(pb::change_tickets_request::Change::RequestType(value)) => {
            match convert::request_type_from_pb(value, "request_type") {
                Ok(Some(request_type)) => {
                    Ok(BulkChange::Fields(FieldsEdit { request_type: Some(request_type), ..Default::default() }))
                }
                Ok(None) => Err(AppError::invalid("request_type", "Choose a type.")),
                Err(error) => Err(error),
            }
        }
        Some(pb::change_tickets_request::Change::Action(value)) => convert::action_from_pb(value).and_then(|action| {
            Ok(BulkChange::Step { action, reason: conversation::step_reason(action, &request.reason)? })
        }),
    };
    match change {
        Ok(change) if problems.is_empty() => Ok((numbers, change)),
        Ok(_) => Err(AppError::InvalidArgument(problems)),
        Err(AppError::InvalidArgument(more)) => {
            problems.extend(more);
            Err(AppError::InvalidArgument(problems))
        }
        Err(other) => Err(other),
    }
}

/// The edit an UpdateTicketRequest asks for; a field left out is left as it is.
pub fn decode_fields_edit(request: &pb::UpdateTicketRequest) -> AppResult<FieldsEdit> {
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
    let assignee_id = request.assignee_id.map(|id| (id != 0).then_some(id));
    Ok(FieldsEdit { assignee_id, priority, request_type, confidential: request.confidential, scheduled_for })
}

/// A new request as the use case takes it (the form is checked there, against the forms in force).
pub fn decode_new_request(request: pb::CreateTicketRequest) -> AppResult<NewRequest> {
    let draft = RequestDraft {
        request_type: convert::request_type_from_pb(request.request_type, "request_type")?,
        priority: convert::priority_from_pb(request.priority, "priority")?,
        title: request.title,
        description: request.description,
        confidential: request.confidential,
        answers: request.answers.into_iter().collect(),
    };
    Ok(NewRequest { community_id: request.community_id, draft, attachment_ids: request.attachment_ids })
}

/// The files of a ticket `who` may read: the request's own, and each message's by its id.
async fn files_of(
    conn: &AsyncPgConnection,
    who: &Principal,
    number: i64,
) -> AppResult<(Vec<pb::AttachedFile>, HashMap<i64, Vec<pb::AttachedFile>>)> {
    let mut request = Vec::new();
    let mut by_comment: HashMap<i64, Vec<pb::AttachedFile>> = HashMap::new();
    for file in attachment_rows::of_ticket(conn, number, authz::can_see_internal_notes(who)).await? {
        match file.comment_id {
            Some(comment) => by_comment.entry(comment).or_default().push(convert::attachment(&file)),
            None => request.push(convert::attachment(&file)),
        }
    }
    Ok((request, by_comment))
}

/// The conversation of a ticket `who` sees, after `after_id`, as they see it, each message
/// with its files.
async fn conversation(
    conn: &mut AsyncPgConnection,
    who: &Principal,
    number: i64,
    after_id: i64,
) -> AppResult<(Vec<pb::Comment>, Vec<pb::AttachedFile>)> {
    let conversation = comments::list_for_ticket(conn, number, authz::can_see_internal_notes(who), after_id).await?;
    let author_ids: Vec<i64> = conversation.iter().map(|c| c.author_id).collect();
    let (authors, (request_files, mut by_comment)) =
        futures_util::try_join!(people::by_ids(conn, &author_ids), files_of(conn, who, number))?;
    let no_communities = HashMap::new();
    let context = TicketContext { communities: &no_communities, people: &authors };
    let comments = conversation
        .iter()
        .map(|c| pb::Comment { attachments: by_comment.remove(&c.id).unwrap_or_default(), ..context.comment(c) })
        .collect();
    Ok((comments, request_files))
}

impl TicketApi {
    async fn create(&self, who: &Principal, request: pb::CreateTicketRequest) -> AppResult<pb::Ticket> {
        let new = decode_new_request(request)?;
        let ticket = usecases::tickets::file(&self.state.core, who, new).await?;
        let mut conn = self.state.core.pool.get().await?;
        encode_one(&mut conn, &ticket).await
    }

    /// The survey of a ticket `who` sees, if they see surveys and there is one.
    async fn survey(
        &self,
        conn: &mut AsyncPgConnection,
        who: &Principal,
        ticket: &Ticket,
    ) -> AppResult<Option<pb::Survey>> {
        let facts = ticket.facts();
        match surveys::find(conn, ticket.number).await? {
            Some(survey) if authz::can_see_survey(who, &facts) => {
                Ok(Some(self.encode_survey(conn, who, &facts, survey).await?))
            }
            _ => Ok(None),
        }
    }

    async fn get(&self, who: &Principal, number: i64) -> AppResult<pb::GetTicketResponse> {
        // Read the head before the ticket: every change after it reaches the page's watch, and
        // one already in what is read arrives with a version that is not higher.
        let position = self.state.core.live.head();
        let mut conn = self.state.core.pool.get().await?;
        let ticket = visible_ticket(&mut conn, Actor::Person(who), number).await?;
        let (comments, attachments) = conversation(&mut conn, who, number, 0).await?;
        let encoded = encode_one(&mut conn, &ticket).await?;
        let facts = ticket.facts();
        let released_in = ticket.released_in.as_deref();
        let available_actions = authz::available_actions(who, &facts, ticket.request_type, released_in)
            .into_iter()
            .map(|action| convert::action_to_pb(action) as i32)
            .collect();
        let close_held_back = authz::close_held_back(who, &facts, ticket.request_type, released_in)
            .map(|missing| missing.to_string())
            .unwrap_or_default();
        let links = triage_rows::links_of(&mut conn, ticket.number).await?;
        let linkers: Vec<i64> = links.iter().map(|l| l.added_by).collect();
        let linkers = people::by_ids(&conn, &linkers).await?;
        let triage = if authz::can_triage(who) {
            Some(triage::triage_of(&mut conn, &ticket, self.state.core.now().date_naive()).await?)
        } else {
            None
        };
        let survey = self.survey(&mut conn, who, &ticket).await?;
        Ok(pb::GetTicketResponse {
            description_html: markdown::to_html(&ticket.description),
            ticket: Some(encoded),
            comments,
            available_actions,
            can_manage: authz::can_manage_tickets(who),
            links: links.iter().map(|l| triage::encode_link(l, &linkers)).collect(),
            triage,
            close_held_back,
            survey,
            position: Some(convert::position(position)),
            attachments,
        })
    }

    async fn comments_after(&self, who: &Principal, number: i64, after_id: i64) -> AppResult<pb::ListCommentsResponse> {
        let mut conn = self.state.core.pool.get().await?;
        visible_ticket(&mut conn, Actor::Person(who), number).await?;
        Ok(pb::ListCommentsResponse { comments: conversation(&mut conn, who, number, after_id).await?.0 })
    }

    async fn survey_of(&self, who: &Principal, number: i64) -> AppResult<pb::GetSurveyResponse> {
        let mut conn = self.state.core.pool.get().await?;
        let ticket = visible_ticket(&mut conn, Actor::Person(who), number).await?;
        Ok(pb::GetSurveyResponse { survey: self.survey(&mut conn, who, &ticket).await? })
    }

    async fn list(&self, who: &Principal, request: pb::ListTicketsRequest) -> AppResult<pb::ListTicketsResponse> {
        let filter = decode_filter(&request)?;
        let page_size = match request.page_size {
            0 => DEFAULT_PAGE_SIZE,
            n if n < 0 => return Err(AppError::invalid("page_size", "Ask for a positive number of tickets.")),
            n => i64::from(n).min(MAX_PAGE_SIZE),
        };
        let sort = decode_sort(&request)?;
        let after = parse_page_token(sort, &request.page_token)?;
        let mut conn = self.state.core.pool.get().await?;
        let visibility = authz::ticket_visibility(who);
        let mut found = tickets::list(&mut conn, &visibility, &filter, sort, after, page_size + 1).await?;
        let next_page_token = if found.len() as i64 > page_size {
            found.truncate(page_size as usize);
            found.last().map(|last| page_token(sort, last)).unwrap_or_default()
        } else {
            String::new()
        };
        let numbers: Vec<i64> = found.iter().map(|t| t.number).collect();
        let unread = reads::unread_among(&conn, who.person_id, authz::can_see_internal_notes(who), &numbers).await?;
        Ok(pb::ListTicketsResponse { tickets: encode_tickets(&mut conn, &found).await?, next_page_token, unread })
    }

    async fn count(&self, who: &Principal, request: pb::CountTicketsRequest) -> AppResult<pb::CountTicketsResponse> {
        if request.lists.len() > MOST_COUNTED_AT_ONCE {
            return Err(AppError::invalid("lists", format!("Count at most {MOST_COUNTED_AT_ONCE} lists at once.")));
        }
        let filters = request.lists.iter().map(decode_filter).collect::<AppResult<Vec<_>>>()?;
        let visibility = authz::ticket_visibility(who);
        let mut conn = self.state.core.pool.get().await?;
        let mut counts = Vec::with_capacity(filters.len());
        for filter in &filters {
            counts.push(tickets::count(&mut conn, &visibility, filter).await?);
        }
        Ok(pb::CountTicketsResponse { counts })
    }

    async fn views(&self, who: &Principal) -> AppResult<pb::ListViewsResponse> {
        let mut conn = self.state.core.pool.get().await?;
        let views = views::usable_by(&mut conn, who.person_id, authz::can_share_views(who)).await?;
        Ok(pb::ListViewsResponse {
            views: views.into_iter().map(|(view, owner)| encode_view(who, view, owner)).collect(),
        })
    }

    async fn store_view(&self, who: &Principal, request: pb::SaveViewRequest) -> AppResult<pb::SaveViewResponse> {
        let name = request.name.trim();
        let mut problems = Vec::new();
        if name.is_empty() || name.chars().count() > 60 {
            problems.push(FieldError::new("name", "Name the view in 1 to 60 characters."));
        }
        if request.query.chars().count() > 1000 {
            problems.push(FieldError::new("query", "A view keeps at most 1000 characters of filters."));
        }
        if request.shared && !authz::can_share_views(who) {
            problems.push(FieldError::new("shared", "Only the support team shares views with the team."));
        }
        if !problems.is_empty() {
            return Err(AppError::InvalidArgument(problems));
        }
        let mut conn = self.state.core.pool.get().await?;
        let view =
            views::save(&mut conn, who.person_id, name, &request.query, request.shared, self.state.core.now()).await?;
        Ok(pb::SaveViewResponse { view: Some(encode_view(who, view, who.display_name.clone())) })
    }

    async fn remove_view(&self, who: &Principal, id: i64) -> AppResult<pb::DeleteViewResponse> {
        let mut conn = self.state.core.pool.get().await?;
        views::delete(&mut conn, who.person_id, id).await?;
        Ok(pb::DeleteViewResponse {})
    }

    async fn mark_read(&self, who: &Principal, number: i64) -> AppResult<pb::MarkTicketReadResponse> {
        let mut conn = self.state.core.pool.get().await?;
        visible_ticket(&mut conn, Actor::Person(who), number).await?;
        reads::mark_read(&conn, who.person_id, number).await?;
        Ok(pb::MarkTicketReadResponse {})
    }

    async fn approval_queue(&self, who: &Principal) -> AppResult<pb::ListApprovalQueueResponse> {
        let communities: Vec<i64> =
            who.representative_of.iter().copied().filter(|c| authz::can_approve_in(who, *c)).collect();
        let mut conn = self.state.core.pool.get().await?;
        let waiting = tickets::awaiting_approval(&mut conn, &communities).await?;
        Ok(pb::ListApprovalQueueResponse { tickets: encode_tickets(&mut conn, &waiting).await? })
    }

    async fn change_many(
        &self,
        who: &Principal,
        request: pb::ChangeTicketsRequest,
    ) -> AppResult<pb::ChangeTicketsResponse> {
        let (numbers, change) = decode_bulk_change(&request)?;
        let outcomes = usecases::tickets::bulk_change(&self.state.core, Actor::Person(who), &numbers, &change).await;
        let changed: Vec<Ticket> = outcomes.iter().filter_map(|(_, outcome)| outcome.as_ref().ok().cloned()).collect();
        let mut conn = self.state.core.pool.get().await?;
        let mut encoded = encode_tickets(&mut conn, &changed).await?.into_iter();
        let outcomes = outcomes
            .into_iter()
            .map(|(number, outcome)| match outcome {
                Ok(_) => pb::TicketChangeOutcome { number, ticket: encoded.next(), refusal: String::new() },
                Err(refused) => {
                    let refusal = Status::from(refused).message().to_owned();
                    pb::TicketChangeOutcome { number, ticket: None, refusal }
                }
            })
            .collect();
        Ok(pb::ChangeTicketsResponse { outcomes })
    }

    async fn transition(&self, who: &Principal, request: pb::TransitionTicketRequest) -> AppResult<pb::Ticket> {
        let action = convert::action_from_pb(request.action)?;
        let step = Step {
            number: request.number,
            expected_version: request.expected_version,
            action,
            reason: conversation::step_reason(action, &request.reason)?,
        };
        let ticket = usecases::tickets::transition(&self.state.core, Actor::Person(who), step).await?;
        let mut conn = self.state.core.pool.get().await?;
        encode_one(&mut conn, &ticket).await
    }

    async fn update(&self, who: &Principal, request: pb::UpdateTicketRequest) -> AppResult<pb::Ticket> {
        let update = FieldsUpdate {
            number: request.number,
            expected_version: request.expected_version,
            edit: decode_fields_edit(&request)?,
        };
        let ticket = usecases::tickets::update(&self.state.core, Actor::Person(who), update).await?;
        let mut conn = self.state.core.pool.get().await?;
        encode_one(&mut conn, &ticket).await
    }

    async fn comment(&self, who: &Principal, request: pb::AddCommentRequest) -> AppResult<pb::Comment> {
        let visibility = match pb::CommentVisibility::try_from(request.visibility) {
            Ok(pb::CommentVisibility::Unspecified | pb::CommentVisibility::PublicReply) => Visibility::Public,
            Ok(pb::CommentVisibility::InternalNote) => Visibility::Internal,
            Err(_) => return Err(AppError::invalid("visibility", "Choose a public reply or an internal note.")),
        };
        let message = NewMessage {
            number: request.number,
            body: conversation::message_body(&request.body)?,
            visibility,
            attachment_ids: request.attachment_ids,
        };
        let comment = usecases::tickets::reply(&self.state.core, who, message).await?;
        let conn = self.state.core.pool.get().await?;
        let author = [who.person_id];
        let (authors, (_, mut files)) =
            futures_util::try_join!(people::by_ids(&conn, &author), files_of(&conn, who, request.number))?;
        let no_communities = HashMap::new();
        let encoded = TicketContext { communities: &no_communities, people: &authors }.comment(&comment);
        Ok(pb::Comment { attachments: files.remove(&comment.id).unwrap_or_default(), ..encoded })
    }

    async fn encode_survey(
        &self,
        conn: &AsyncPgConnection,
        who: &Principal,
        facts: &steward_domain::facts::TicketFacts,
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
        let answer = SurveyAnswer { number: request.number, rating, comment };
        let (ticket, answered) = usecases::tickets::answer_survey(&self.state.core, who, answer).await?;
        let conn = self.state.core.pool.get().await?;
        self.encode_survey(&conn, who, &ticket.facts(), answered).await
    }

    async fn history(&self, who: &Principal, number: i64) -> AppResult<pb::ListTicketEventsResponse> {
        let mut conn = self.state.core.pool.get().await?;
        let ticket = visible_ticket(&mut conn, Actor::Person(who), number).await?;
        let found = event_rows::list_for_ticket(&mut conn, ticket.number, authz::can_see_internal_notes(who)).await?;
        let mut ids: Vec<i64> = found.iter().filter_map(|e| e.actor_id).collect();
        ids.extend(found.iter().flat_map(|event| event.change.people()));
        ids.sort_unstable();
        ids.dedup();
        let names = people::by_ids(&conn, &ids).await?;
        let events = found
            .iter()
            .map(|event| pb::TicketEvent {
                id: event.id,
                actor: event.actor_id.and_then(|id| names.get(&id)).map(convert::person_ref),
                at: Some(convert::timestamp(event.at)),
                what: Some(convert::happening(&event.change, &names)),
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

    async fn list_comments(
        &self,
        request: Request<pb::ListCommentsRequest>,
    ) -> Result<Response<pb::ListCommentsResponse>, Status> {
        let caller = caller(&request)?;
        let pb::ListCommentsRequest { number, after_id } = *request.get_ref();
        Ok(Response::new(self.comments_after(caller.signed_in()?, number, after_id).await?))
    }

    async fn get_survey(
        &self,
        request: Request<pb::GetSurveyRequest>,
    ) -> Result<Response<pb::GetSurveyResponse>, Status> {
        let caller = caller(&request)?;
        Ok(Response::new(self.survey_of(caller.signed_in()?, request.get_ref().number).await?))
    }

    async fn change_tickets(
        &self,
        request: Request<pb::ChangeTicketsRequest>,
    ) -> Result<Response<pb::ChangeTicketsResponse>, Status> {
        let caller = caller(&request)?;
        Ok(Response::new(self.change_many(caller.signed_in()?, request.into_inner()).await?))
    }

    async fn count_tickets(
        &self,
        request: Request<pb::CountTicketsRequest>,
    ) -> Result<Response<pb::CountTicketsResponse>, Status> {
        let caller = caller(&request)?;
        Ok(Response::new(self.count(caller.signed_in()?, request.into_inner()).await?))
    }

    async fn list_views(
        &self,
        request: Request<pb::ListViewsRequest>,
    ) -> Result<Response<pb::ListViewsResponse>, Status> {
        let caller = caller(&request)?;
        Ok(Response::new(self.views(caller.signed_in()?).await?))
    }

    async fn save_view(&self, request: Request<pb::SaveViewRequest>) -> Result<Response<pb::SaveViewResponse>, Status> {
        let caller = caller(&request)?;
        Ok(Response::new(self.store_view(caller.signed_in()?, request.into_inner()).await?))
    }

    async fn delete_view(
        &self,
        request: Request<pb::DeleteViewRequest>,
    ) -> Result<Response<pb::DeleteViewResponse>, Status> {
        let caller = caller(&request)?;
        Ok(Response::new(self.remove_view(caller.signed_in()?, request.get_ref().id).await?))
    }

    async fn mark_ticket_read(
        &self,
        request: Request<pb::MarkTicketReadRequest>,
    ) -> Result<Response<pb::MarkTicketReadResponse>, Status> {
        let caller = caller(&request)?;
        Ok(Response::new(self.mark_read(caller.signed_in()?, request.get_ref().number).await?))
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
    use crate::db::models::tickets::SortKey;
    use chrono::{DateTime, Utc};

    #[test]
    fn page_tokens_round_trip_in_their_order_and_bad_ones_name_the_field() {
        let at = DateTime::<Utc>::from_timestamp_micros(1_763_000_000_123_456).unwrap();
        let newest = Sort::default();
        let token = format!("ud.42.{}", at.timestamp_micros());
        assert_eq!(parse_page_token(newest, &token).unwrap(), Some(PageAfter { key: SortKey::At(at), number: 42 }));
        assert_eq!(parse_page_token(newest, "").unwrap(), None);
        let by_title = Sort { by: SortBy::Title, ascending: true };
        assert_eq!(
            parse_page_token(by_title, "ta.7.Hub down. Again.").unwrap(),
            Some(PageAfter { key: SortKey::Text("Hub down. Again.".into()), number: 7 }),
            "a title may hold dots"
        );
        let by_assignee = Sort { by: SortBy::Assignee, ascending: false };
        assert_eq!(
            parse_page_token(by_assignee, "ad.9.").unwrap(),
            Some(PageAfter { key: SortKey::MaybeInt(None), number: 9 }),
            "after an unassigned ticket"
        );
        for (sort, bad) in [
            (newest, "x"),
            (newest, "ud.1"),
            (newest, "ud..2"),
            (newest, "ud.a.b"),
            (newest, &token.replacen("ud", "ua", 1)),
            (by_title, &token),
            (by_assignee, "ad.9.x"),
        ] {
            match parse_page_token(sort, bad) {
                Err(AppError::InvalidArgument(fields)) => assert_eq!(fields[0].field, "page_token"),
                other => panic!("{bad}: {other:?}"),
            }
        }
    }
}
