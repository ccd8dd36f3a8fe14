//! Ticket use cases: file a request, reply or write an internal note, take a lifecycle step,
//! change the fields support sets, and answer the satisfaction survey.
//!
//! Every change checks the version the caller saw, applies the change and appends its event in
//! one transaction, so the audit trail never misses a change and two people never overwrite
//! each other. Support's first public message on a ticket, by whatever path it is posted (a
//! reply, or the reason given with a step), is its acknowledgement (seeds 001, 002).

use chrono::{DateTime, Utc};
use diesel_async::{AsyncConnection, AsyncPgConnection};
use steward_domain::TicketState;
use steward_domain::authz::{self, Filing};
use steward_domain::conversation::Visibility;
use steward_domain::facts::Principal;
use steward_domain::fields::FieldsEdit;
use steward_domain::intake::{self, FieldError, FormSpec, RequestDraft};
use steward_domain::lifecycle::{self, Action};

use super::events;
use super::notify as notify_cases;
use super::{Actor, Core, mail, service_levels};
use crate::db::models::comments::{self, Comment};
use crate::db::models::surveys::{self, Survey};
use crate::db::models::tickets::{self, Change, Ticket};
use crate::db::models::{About, notifications};
use crate::db::models::{communities, forms, people, rotation, triage as triage_rows};
use crate::error::{AppError, AppResult};
use steward_domain::events::TicketEvent;
use steward_domain::notify::{self, Mentionable, NewsKind};
use steward_domain::sla::{ClockView, Fact};

/// A new request: the community it is for, and what the requester wrote.
#[derive(Clone, Debug)]
pub struct NewRequest {
    pub community_id: i64,
    pub draft: RequestDraft,
    /// Files the requester uploaded for it.
    pub attachment_ids: Vec<i64>,
}

/// A message for a ticket's conversation.
#[derive(Clone, Debug)]
pub struct NewMessage {
    pub number: i64,
    /// Checked by [`steward_domain::conversation::message_body`].
    pub body: String,
    pub visibility: Visibility,
    /// Files the author uploaded for it.
    pub attachment_ids: Vec<i64>,
}

/// A lifecycle step on a ticket at the version the caller saw.
#[derive(Clone, Debug)]
pub struct Step {
    pub number: i64,
    pub expected_version: i64,
    pub action: Action,
    /// Checked by [`steward_domain::conversation::step_reason`]; kept on the ticket as a public
    /// reply.
    pub reason: Option<String>,
}

/// An edit of the fields support sets, on a ticket at the version the caller saw.
#[derive(Clone, Debug)]
pub struct FieldsUpdate {
    pub number: i64,
    pub expected_version: i64,
    pub edit: FieldsEdit,
}

/// An answer to a ticket's satisfaction survey.
#[derive(Clone, Debug)]
pub struct SurveyAnswer {
    pub number: i64,
    /// 1 (very poor) to 5 (excellent).
    pub rating: i16,
    pub comment: String,
}

/// Whether `actor` passes `rule`: a person by their roles; Steward itself always (its automatic
/// actions are the support team's).
pub(crate) fn may(actor: Actor<'_>, rule: impl FnOnce(&Principal) -> bool) -> bool {
    match actor {
        Actor::Person(who) => rule(who),
        Actor::Steward => true,
    }
}

/// The ticket, if `actor` may see it; NotFound whether it is missing or hidden.
pub(crate) async fn visible_ticket(conn: &mut AsyncPgConnection, actor: Actor<'_>, number: i64) -> AppResult<Ticket> {
    match tickets::find(conn, number).await? {
        Some(ticket) if may(actor, |who| authz::can_view_ticket(who, &ticket.facts())) => Ok(ticket),
        _ => Err(AppError::NotFound("ticket")),
    }
}

/// StaleVersion unless the ticket is still at the version the caller saw.
pub(crate) fn check_version(ticket: &Ticket, expected_version: i64) -> AppResult<()> {
    if ticket.version == expected_version { Ok(()) } else { Err(AppError::StaleVersion { current: ticket.version }) }
}

/// What a person who may not take `action` is told.
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

/// Files a request for `requester`: checked against the forms as they apply now, waiting for a
/// representative's approval when a member files it.
pub async fn file(core: &Core, requester: &Principal, request: NewRequest) -> AppResult<Ticket> {
    let now = core.now();
    let mut conn = core.pool.get().await?;
    let ticket = conn.transaction(async |conn| file_in(conn, requester, request, |form| form, now).await).await?;
    core.live.committed();
    tracing::info!(
        number = ticket.number,
        person_id = requester.person_id,
        state = ticket.state.as_str(),
        "ticket filed"
    );
    Ok(ticket)
}

/// Files a request in the caller's transaction, checked against the forms as they apply now
/// (as `channel_form` adapts them: an email answers no form questions).
pub(crate) async fn file_in(
    conn: &mut AsyncPgConnection,
    requester: &Principal,
    request: NewRequest,
    channel_form: fn(FormSpec) -> FormSpec,
    now: DateTime<Utc>,
) -> AppResult<Ticket> {
    // The forms as they apply now (an admin may have edited them); secret questions only while
    // the team has a key to seal their answers to.
    let current_forms = forms::all(conn).await?;
    let sealing = super::keys::team_can_receive(conn, now).await?;
    let checked = intake::check_with(request.draft, |request_type| {
        let form = channel_form(
            current_forms
                .iter()
                .find(|f| f.request_type == request_type)
                .cloned()
                .unwrap_or_else(|| intake::form_for(request_type).spec()),
        );
        if sealing { form } else { intake::without_secrets(form) }
    });
    // Sealed answers: taken only when support can read them, with who can.
    let checked = match checked {
        Ok(mut checked) => {
            let mut errors = Vec::new();
            for answer in checked.answers.iter_mut().filter(|answer| answer.is_sealed()) {
                let field = format!("answers.{}", answer.key);
                match super::keys::readers_of(conn, answer.value.as_bytes(), &field, now).await {
                    Ok(readers) => answer.sealed_for = readers,
                    Err(AppError::InvalidArgument(problems)) => errors.extend(problems),
                    Err(other) => return Err(other),
                }
            }
            if errors.is_empty() { Ok(checked) } else { Err(errors) }
        }
        Err(errors) => Err(errors),
    };
    // Every problem at once: the community first, as the form asks for it first.
    let (filing, checked) = match (authz::filing(requester, request.community_id), checked) {
        (Some(filing), Ok(checked)) => (filing, checked),
        (filing, checked) => {
            let mut errors = Vec::new();
            if filing.is_none() {
                errors.push(FieldError::new("community_id", "Choose one of your own communities."));
            }
            errors.extend(checked.err().unwrap_or_default());
            return Err(AppError::InvalidArgument(errors));
        }
    };
    let state = lifecycle::initial_state(matches!(filing, Filing::NeedsApproval));
    if communities::find(conn, request.community_id).await?.is_none() {
        return Err(AppError::invalid("community_id", "There is no such community."));
    }
    let requester_id = requester.person_id;
    let mut ticket = tickets::insert(conn, request.community_id, requester_id, state, &checked, now).await?;
    super::attachments::attach(conn, requester, &request.attachment_ids, ticket.number, None, false, now).await?;
    if matches!(filing, Filing::NeedsApproval) {
        let representatives = people::representatives_of(conn, ticket.community_id).await?;
        let news = format!(
            "{} asks you to approve #{} {}",
            requester.display_name,
            ticket.number,
            steward_domain::mail::one_line(&ticket.title)
        );
        notify_cases::tell(conn, NewsKind::ApprovalWaiting, &representatives, About::Ticket(ticket.number), &news, now)
            .await?;
    }
    let created = TicketEvent::Created {
        state: ticket.state,
        request_type: ticket.request_type,
        priority: ticket.priority,
        confidential: ticket.confidential,
    };
    if let Some(clocks) = events::record(conn, &ticket, Some(requester_id), created, now).await? {
        ticket.clocks = clocks;
    }
    if ticket.state != TicketState::AwaitingApproval {
        tell_new_request(conn, &ticket, now).await?;
    }
    Ok(ticket)
}

/// Tells the stewards on support duty (the whole team when nobody is) of a request that reached
/// the team: filed, or approved by a representative.
async fn tell_new_request(conn: &AsyncPgConnection, ticket: &Ticket, now: DateTime<Utc>) -> AppResult<()> {
    let mut stewards = rotation::on_duty(conn, now.date_naive()).await?;
    if stewards.is_empty() {
        stewards = people::list_staff(conn).await?.into_iter().map(|p| p.id).collect();
    }
    stewards.retain(|id| *id != ticket.requester_id);
    if stewards.is_empty() {
        return Ok(());
    }
    let requester = people::by_ids(conn, &[ticket.requester_id]).await?.remove(&ticket.requester_id);
    let news = format!(
        "New request #{} {} from {} ({})",
        ticket.number,
        steward_domain::mail::one_line(&ticket.title),
        requester.map_or_else(|| "someone".to_owned(), |p| p.display_name),
        ticket.priority.label()
    );
    notify_cases::tell(conn, NewsKind::NewTicket, &stewards, About::Ticket(ticket.number), &news, now).await
}

/// Adds `body` to the conversation of `ticket` by `author`, records it, and makes support's
/// first public message the acknowledgement. Every path that posts a message comes here.
/// Returns the comment and, if the message moved the ticket's clocks, what cards now show.
pub(crate) async fn post_message(
    conn: &AsyncPgConnection,
    author: &Principal,
    ticket: &Ticket,
    body: &str,
    visibility: Visibility,
    now: DateTime<Utc>,
) -> AppResult<(Comment, Option<Vec<ClockView>>)> {
    let internal = visibility == Visibility::Internal;
    // A sealed message is taken only when support can read it; who can is stored with it.
    let sealed_for = match steward_domain::openpgp::sealed_block(body) {
        Some(block) => super::keys::readers_of(conn, block.as_bytes(), "body", now).await?,
        None => Vec::new(),
    };
    let comment = comments::insert(conn, ticket.number, author.person_id, body, internal, &sealed_for, now).await?;
    let commented = TicketEvent::Commented { comment_id: comment.id, internal };
    events::record(conn, ticket, Some(author.person_id), commented, now).await?;
    let clocks = if !internal && author.is_staff() {
        triage_rows::mark_acknowledged(conn, ticket.number, now).await?;
        service_levels::observe(conn, ticket, Fact::SupportReplied, now).await?
    } else if !internal && authz::is_requester_side(author, &ticket.facts()) {
        service_levels::observe(conn, ticket, Fact::RequesterAnswered, now).await?
    } else {
        None
    };
    Ok((comment, clocks))
}

/// Posts a reply or an internal note by `author`. An answer from the requester's side moves a
/// ticket that was waiting on them back to Open.
pub async fn reply(core: &Core, author: &Principal, message: NewMessage) -> AppResult<Comment> {
    let now = core.now();
    let mut conn = core.pool.get().await?;
    let comment = conn.transaction(async |conn| reply_in(conn, author, message, now).await).await?;
    core.live.committed();
    Ok(comment)
}

/// Posts a reply or an internal note in the caller's transaction (the web and email both come
/// here). Support's public reply is emailed to the requester.
pub(crate) async fn reply_in(
    conn: &mut AsyncPgConnection,
    author: &Principal,
    message: NewMessage,
    now: DateTime<Utc>,
) -> AppResult<Comment> {
    let internal = message.visibility == Visibility::Internal;
    let ticket = visible_ticket(conn, Actor::Person(author), message.number).await?;
    if internal && !authz::can_manage_tickets(author) {
        return Err(AppError::PermissionDenied("Only the support team can write internal notes."));
    }
    if !authz::can_reply(author, &ticket.facts()) {
        return Err(AppError::NotFound("ticket"));
    }
    let (comment, _) = post_message(conn, author, &ticket, &message.body, message.visibility, now).await?;
    super::attachments::attach(conn, author, &message.attachment_ids, ticket.number, Some(comment.id), internal, now)
        .await?;
    tell_about_message(conn, author, &ticket, &message, now).await?;
    let answered_by_requester = !internal && !author.is_staff() && authz::is_requester_side(author, &ticket.facts());
    let after = lifecycle::after_requester_reply(ticket.state);
    if answered_by_requester && after != ticket.state {
        let change = Change { state: Some(after), ..Change::default() };
        let moved = tickets::apply(conn, ticket.number, ticket.version, &change, now).await?;
        let replied = TicketEvent::RequesterReplied { from: ticket.state, to: after };
        events::record(conn, &moved, Some(author.person_id), replied, now).await?;
    } else {
        tickets::touch(conn, ticket.number, now).await?;
    }
    Ok(comment)
}

/// Who hears of a message: staff `@mentioned` in a note; the requester of support's public
/// answer (the answer itself by email, as they chose); the assignee of an answer from the
/// requester's side.
async fn tell_about_message(
    conn: &mut AsyncPgConnection,
    author: &Principal,
    ticket: &Ticket,
    message: &NewMessage,
    now: DateTime<Utc>,
) -> AppResult<()> {
    let about = format!("#{} {}", ticket.number, steward_domain::mail::one_line(&ticket.title));
    if message.visibility == Visibility::Internal {
        // Only an `@` can mention anyone: a note without one reads nobody's names.
        if !message.body.contains('@') {
            return Ok(());
        }
        let staff = people::list_staff(conn).await?;
        let candidates: Vec<Mentionable<'_>> = staff
            .iter()
            .map(|p| Mentionable { person_id: p.id, display_name: &p.display_name, email: &p.email })
            .collect();
        let mentioned = notify::mentioned(&message.body, &candidates, author.person_id);
        let news = format!("{} mentioned you on {about}", author.display_name);
        return notify_cases::tell(conn, NewsKind::Mention, &mentioned, About::Ticket(ticket.number), &news, now).await;
    }
    if author.is_staff() {
        if author.person_id != ticket.requester_id {
            let delivery = notify_cases::delivery_for(conn, ticket.requester_id, NewsKind::Answer).await?;
            if delivery.email() {
                mail::queue_reply(conn, author, ticket, &message.body, now).await?;
            }
            if delivery.in_steward() {
                let news = format!("{} answered on {about}", author.display_name);
                notifications::notify(
                    conn,
                    &[ticket.requester_id],
                    NewsKind::Answer,
                    Some(About::Ticket(ticket.number)),
                    &news,
                    now,
                )
                .await?;
            }
        }
    } else if let Some(assignee) = ticket.assignee_id.filter(|a| *a != author.person_id) {
        let news = format!("{} answered on {about}", author.display_name);
        notify_cases::tell(conn, NewsKind::Answer, &[assignee], About::Ticket(ticket.number), &news, now).await?;
    }
    Ok(())
}

/// Takes a lifecycle step on `ticket` (read in this transaction at the version the caller saw)
/// if the rules allow it: the new state (at `rank` in its column, or at the bottom), its event,
/// and the reason as a public reply. Steps on the ticket page and moves on the board both come
/// here.
pub(crate) async fn take_step(
    conn: &AsyncPgConnection,
    actor: Actor<'_>,
    ticket: &Ticket,
    action: Action,
    reason: Option<&str>,
    rank: Option<f64>,
    now: DateTime<Utc>,
) -> AppResult<Ticket> {
    if !may(actor, |who| authz::can_take_action(who, &ticket.facts(), action)) {
        return Err(AppError::PermissionDenied(refusal_for(action)));
    }
    let to = lifecycle::next_state(ticket.state, action)?;
    lifecycle::check_release(action, ticket.request_type, ticket.released_in.as_deref())?;
    let change = Change { state: Some(to), rank, ..Change::default() };
    // The change and its event go out together (pipelined); if the change is refused, the
    // transaction rolls the event back with it.
    let transition = TicketEvent::Transitioned { action, from: ticket.state, to, reason: reason.map(str::to_owned) };
    let (mut moved, clocks) = futures_util::try_join!(
        tickets::apply(conn, ticket.number, ticket.version, &change, now),
        events::record(conn, ticket, actor.person_id(), transition, now),
    )?;
    if let Some(clocks) = clocks {
        moved.clocks = clocks;
    }
    if to == TicketState::Resolved {
        // Resolving asks the requester's side how it went (seed 001).
        surveys::request(conn, moved.number, now).await?;
    }
    if action == Action::Approve {
        tell_new_request(conn, &moved, now).await?;
    }
    // Resolved (please confirm) and waiting on them are emailed to the requester.
    mail::queue_step(conn, &moved, to, reason, now).await?;
    if let Some(reason) = reason {
        let author = actor.person().ok_or_else(|| {
            AppError::internal(anyhow::anyhow!("Steward itself gave a reason, which needs an author"))
        })?;
        if let (_, Some(clocks)) = post_message(conn, author, &moved, reason, Visibility::Public, now).await? {
            moved.clocks = clocks;
        }
    }
    Ok(moved)
}

/// Takes a lifecycle step on a ticket.
pub async fn transition(core: &Core, actor: Actor<'_>, step: Step) -> AppResult<Ticket> {
    let now = core.now();
    let mut conn = core.pool.get().await?;
    let ticket = conn
        .transaction(async |conn| {
            let ticket = visible_ticket(conn, actor, step.number).await?;
            check_version(&ticket, step.expected_version)?;
            take_step(conn, actor, &ticket, step.action, step.reason.as_deref(), None, now).await
        })
        .await?;
    core.live.committed();
    tracing::info!(
        number = ticket.number,
        person_id = actor.person_id(),
        state = ticket.state.as_str(),
        "ticket moved"
    );
    Ok(ticket)
}

/// Changes the fields support sets (the domain's rule decides what an edit leaves), recording
/// every changed field in one event. Only the support team may; that is checked before the
/// assignee is looked up, so nobody else learns who is on the team.
pub async fn update(core: &Core, actor: Actor<'_>, update: FieldsUpdate) -> AppResult<Ticket> {
    let now = core.now();
    let mut conn = core.pool.get().await?;
    let ticket = conn
        .transaction(async |conn| {
            let ticket = visible_ticket(conn, actor, update.number).await?;
            if !may(actor, authz::can_manage_tickets) {
                return Err(AppError::PermissionDenied(
                    "Only the support team can change a ticket's assignee, priority or type.",
                ));
            }
            check_version(&ticket, update.expected_version)?;
            if let Some(Some(id)) = update.edit.assignee_id.filter(|a| *a != ticket.assignee_id) {
                let staff = people::find(conn, id).await?.is_some_and(|person| person.staff_role.is_some());
                if !staff {
                    return Err(AppError::invalid("assignee_id", "Assign the ticket to someone on the support team."));
                }
            }
            let before = ticket.fields();
            let after = before.edited(&update.edit)?;
            let changed = before.changes_to(&after);
            if changed.is_empty() {
                return Ok::<_, AppError>(ticket);
            }
            let mut updated =
                tickets::apply(conn, ticket.number, ticket.version, &Change::to_fields(&after), now).await?;
            if let Some(assignee) =
                updated.assignee_id.filter(|a| Some(*a) != ticket.assignee_id && Some(*a) != actor.person_id())
            {
                let by = actor.person().map_or("Steward".to_owned(), |who| who.display_name.clone());
                let news = format!(
                    "{by} assigned #{} {} to you",
                    updated.number,
                    steward_domain::mail::one_line(&updated.title)
                );
                notify_cases::tell(conn, NewsKind::Assignment, &[assignee], About::Ticket(updated.number), &news, now)
                    .await?;
            }
            let event = TicketEvent::Updated { changes: changed };
            if let Some(clocks) = events::record(conn, &updated, actor.person_id(), event, now).await? {
                updated.clocks = clocks;
            }
            Ok(updated)
        })
        .await?;
    core.live.committed();
    Ok(ticket)
}

/// Records the requester's side's answer to the satisfaction survey, once.
pub async fn answer_survey(core: &Core, who: &Principal, answer: SurveyAnswer) -> AppResult<(Ticket, Survey)> {
    let now = core.now();
    let mut conn = core.pool.get().await?;
    let answered = conn
        .transaction(async |conn| {
            let ticket = visible_ticket(conn, Actor::Person(who), answer.number).await?;
            if !authz::can_answer_survey(who, &ticket.facts()) {
                return Err(AppError::PermissionDenied(
                    "Only the requester or a representative of the community answers the survey.",
                ));
            }
            let answered = surveys::answer(conn, ticket.number, who.person_id, answer.rating, &answer.comment, now)
                .await?
                .ok_or(AppError::NothingToAnswer(
                    "There is no open survey on this ticket: it was answered already, or the ticket was never resolved.",
                ))?;
            tickets::touch(conn, ticket.number, now).await?;
            let event = TicketEvent::SurveyAnswered { rating: answer.rating };
            events::record(conn, &ticket, Some(who.person_id), event, now).await?;
            Ok::<_, AppError>((ticket, answered))
        })
        .await?;
    core.live.committed();
    Ok(answered)
}

/// One change asked of several tickets at once.
#[derive(Clone, Debug)]
pub enum BulkChange {
    /// Fields support sets (assignee, priority, type).
    Fields(FieldsEdit),
    /// A lifecycle step, with its reason where the step needs one.
    Step { action: Action, reason: Option<String> },
}

/// Makes `change` to each ticket of `numbers` in turn, through exactly the rules that apply to
/// one ticket at a time ([`update`], [`transition`]), each in its own transaction: a ticket
/// refused leaves the others changed. The person chose the tickets from a list, so each is
/// changed as it is now; one changed by someone else meanwhile is read again once.
pub async fn bulk_change(
    core: &Core,
    actor: Actor<'_>,
    numbers: &[i64],
    change: &BulkChange,
) -> Vec<(i64, AppResult<Ticket>)> {
    let mut outcomes = Vec::with_capacity(numbers.len());
    for &number in numbers {
        let mut outcome = change_one(core, actor, number, change).await;
        if matches!(outcome, Err(AppError::StaleVersion { .. })) {
            outcome = change_one(core, actor, number, change).await;
        }
        outcomes.push((number, outcome));
    }
    outcomes
}

async fn change_one(core: &Core, actor: Actor<'_>, number: i64, change: &BulkChange) -> AppResult<Ticket> {
    let expected_version = {
        let mut conn = core.pool.get().await?;
        visible_ticket(&mut conn, actor, number).await?.version
    };
    match change {
        BulkChange::Fields(edit) => update(core, actor, FieldsUpdate { number, expected_version, edit: *edit }).await,
        BulkChange::Step { action, reason } => {
            transition(core, actor, Step { number, expected_version, action: *action, reason: reason.clone() }).await
        }
    }
}
