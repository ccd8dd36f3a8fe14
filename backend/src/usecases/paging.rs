//! Paging use cases (issue 13; seed 003: production down reaches the on-call engineer 24/7).
//!
//! When a ticket or an incident starts to page (`steward_domain::paging`: production down and
//! being worked), the person on call is paged in the transaction of that change: a mail with a
//! one-click acknowledgement link, a notification in Steward, and every paging integration (a
//! webhook endpoint that asked for page events, or PagerDuty). Unacknowledged after the
//! escalation delay, [`escalate_due`] (every serving process's scheduler; each page claimed
//! once) pages the next level. The first acknowledgement (in Steward, or by the mail's link)
//! stops the escalation; the page ends when the ticket or incident no longer pages. Every step
//! is an entry in the ticket's history or the incident's timeline, and what a page queued is
//! delivered at once (the outbox's NOTIFY wakes every process's delivery).

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use diesel_async::{AsyncConnection, AsyncPgConnection};
use serde_json::json;
use steward_domain::events::TicketEvent;
use steward_domain::facts::Principal;
use steward_domain::incident::IncidentEvent;
use steward_domain::intake::FieldError;
use steward_domain::notify::NewsKind;
use steward_domain::paging::{self, Acknowledgement, Call, Cover, Ended, Levels, OnCall, OnCallSettings, Shift};
use steward_domain::webhooks::WebhookEvent;
use steward_domain::{Priority, authz};

use super::Core;
use crate::db::models::events::{self as event_rows, NewEvent};
use crate::db::models::incidents::{self, Incident};
use crate::db::models::mail::{self as mail_rows, MailKind, NewMail};
use crate::db::models::paging::{self as rows, NewPage, Page, PageMail, Recipient, StoredCover};
use crate::db::models::people::{self, Person};
use crate::db::models::tickets::{self, Ticket};
use crate::db::models::webhooks::{self as webhook_rows, Delivery, Webhook};
use crate::db::models::{About, communities, notifications, rotation};
use crate::error::{AppError, AppResult};

/// How many pages a list shows.
const PAGES_SHOWN: i64 = 50;
/// How many shifts of the on-call rotation the settings show.
const SHIFTS_SHOWN: usize = 8;

/// What pages: a ticket or an incident, as it is after the change.
#[derive(Clone, Copy)]
pub(crate) enum Paging<'a> {
    Ticket(&'a Ticket),
    Incident(&'a Incident),
}

impl Paging<'_> {
    fn about(self) -> About {
        match self {
            Paging::Ticket(ticket) => About::Ticket(ticket.number),
            Paging::Incident(incident) => About::Incident(incident.number),
        }
    }
}

/// Pages or ends the page of `ticket` if `change` (to a ticket at `state` and `priority` apart
/// from the change) makes it start or stop paging; in the change's transaction.
pub(crate) async fn ticket_changed(
    conn: &AsyncPgConnection,
    ticket: &Ticket,
    change: &TicketEvent,
    at: DateTime<Utc>,
) -> AppResult<()> {
    match paging::ticket_event_call(change, ticket.state, ticket.priority) {
        Some(call) => answer(conn, Paging::Ticket(ticket), call, at).await,
        None => Ok(()),
    }
}

/// Pages or ends the page of `incident` (as it is now) if its change from `before` (severity and
/// phase; none: just declared) makes it start or stop paging.
pub(crate) async fn incident_changed(
    conn: &AsyncPgConnection,
    incident: &Incident,
    before: Option<(Priority, steward_domain::incident::Phase)>,
    at: DateTime<Utc>,
) -> AppResult<()> {
    match paging::incident_call(before, (incident.severity, incident.phase)) {
        Some(call) => answer(conn, Paging::Incident(incident), call, at).await,
        None => Ok(()),
    }
}

async fn answer(conn: &AsyncPgConnection, subject: Paging<'_>, call: Call, at: DateTime<Utc>) -> AppResult<()> {
    match call {
        Call::Page => page(conn, subject, at).await,
        Call::End(because) => end(conn, subject, because, at).await,
    }
}

/// Who a page reaches at `at`, level by level.
async fn levels_at(conn: &AsyncPgConnection, settings: &OnCallSettings, at: DateTime<Utc>) -> AppResult<Levels> {
    let (covers, admins) = futures_util::try_join!(rows::covers(conn, at), people::admins(conn))?;
    let covers: Vec<Cover> = covers.into_iter().map(|c| c.cover).collect();
    let on_duty = match settings.on_call {
        OnCall::SupportDuty => rotation::on_duty(conn, at.date_naive()).await?,
        OnCall::Own(_) => Vec::new(),
    };
    Ok(settings.on_call.levels(&covers, &on_duty, &admins, at))
}

/// The line a page is known by, and what paging integrations are told of what pages.
async fn describe(conn: &AsyncPgConnection, subject: Paging<'_>) -> AppResult<(String, serde_json::Value)> {
    Ok(match subject {
        Paging::Ticket(ticket) => {
            let community = communities::list_by_ids(conn, &[ticket.community_id]).await?.into_iter().next();
            let name = community.map_or_else(|| "its community".to_owned(), |c| c.name);
            let summary = paging::ticket_summary(ticket.number, &ticket.title, ticket.confidential, &name);
            (summary, json!({ "ticket": super::webhooks::ticket_json(ticket) }))
        }
        Paging::Incident(incident) => (
            paging::incident_summary(incident.number, &incident.title),
            json!({ "incident": super::webhooks::incident_json(incident) }),
        ),
    })
}

/// Pages the person on call for `subject`, unless it has a page that has not ended.
async fn page(conn: &AsyncPgConnection, subject: Paging<'_>, at: DateTime<Utc>) -> AppResult<()> {
    let about = subject.about();
    if rows::open_for_update(conn, about).await?.is_some() {
        return Ok(());
    }
    let settings = rows::settings(conn).await?;
    let levels = levels_at(conn, &settings, at).await?;
    let (summary, described) = describe(conn, subject).await?;
    let first = levels.next(0, &[]);
    let (level, people) = first.clone().unwrap_or((0, Vec::new()));
    let escalates_at = levels.next(level, &people).map(|_| at + settings.escalate_after());
    let new = NewPage { about, summary: &summary, level: level as u32, escalates_at };
    let page = rows::insert(conn, new, at).await?;
    tracing::info!(page = page.id, about = about.words(), level, people = ?people, "production down: paging");
    reach(conn, &page, level as u32, &people, WebhookEvent::PageTriggered, &described, at).await
}

/// Pages `people` at `level` for `page`: records them with their links' tokens, tells them in
/// Steward and by mail, writes the entry, and queues the paging integrations' event.
async fn reach(
    conn: &AsyncPgConnection,
    page: &Page,
    level: u32,
    people_paged: &[i64],
    event: WebhookEvent,
    described: &serde_json::Value,
    at: DateTime<Utc>,
) -> AppResult<()> {
    let found = people::by_ids(conn, people_paged).await?;
    let mut tokens: Vec<(i64, String)> = Vec::new();
    let mut paged = Vec::new();
    for person in people_paged.iter().filter_map(|id| found.get(id)) {
        let token = crate::credentials::new_secret();
        tokens.push((person.id, hash(&token)));
        let acknowledge_path = format!("/pages/{token}");
        queue_page_mail(conn, page, level, person, &acknowledge_path, at).await?;
        paged.push(json!({ "name": person.display_name, "email": person.email, "acknowledge_path": acknowledge_path }));
    }
    rows::add_recipients(conn, page.id, level, &tokens, at).await?;
    let news = format!("You are paged: {}. Acknowledge it on its page.", page.summary);
    notifications::notify(conn, people_paged, NewsKind::Page, Some(page.about), &news, at).await?;
    let entry = Entry::Paged { level, people: people_paged.to_vec() };
    write_entry(conn, page, None, entry, at).await?;
    let body = page_body(page, event, level, json!(paged), described, at);
    webhook_rows::enqueue(conn, event.as_str(), &body.to_string(), Some(page.id), at).await?;
    mail_rows::wake_delivery(conn).await
}

/// The stored form of a link's token.
fn hash(token: &str) -> String {
    crate::credentials::token_hash(token).iter().map(|b| format!("{b:02x}")).collect()
}

/// Queues the page's mail to `person`: what is down, and the one-click link (a path, made a
/// link when the mail is composed).
async fn queue_page_mail(
    conn: &AsyncPgConnection,
    page: &Page,
    level: u32,
    person: &Person,
    acknowledge_path: &str,
    at: DateTime<Utc>,
) -> AppResult<()> {
    let why =
        if level <= 1 { "You are on call." } else { "Nobody has acknowledged this page yet, so it reaches you now." };
    let body = format!(
        "**{}**\n\n{why} Acknowledge it, so the escalation stops and the team knows you are on it:",
        page.summary
    );
    let subject = steward_domain::mail::one_line(&format!("[Steward page] {}", page.summary));
    let subject: String = subject.chars().take(steward_domain::mail::SUBJECT_MAX_CHARS).collect();
    let new = NewMail {
        kind: MailKind::Page,
        recipient: &person.email,
        recipient_name: &person.display_name,
        person_id: Some(person.id),
        about: page.about,
        subject: &subject,
        body: &body,
        in_reply_to: None,
        page_id: Some(page.id),
        action_path: Some(acknowledge_path),
    };
    mail_rows::queue(conn, new, at).await?;
    Ok(())
}

/// What paging integrations are told of a page event (`paged`: the people it reached now).
fn page_body(
    page: &Page,
    event: WebhookEvent,
    level: u32,
    paged: serde_json::Value,
    described: &serde_json::Value,
    at: DateTime<Utc>,
) -> serde_json::Value {
    let mut body = json!({
        "event": event.as_str(),
        "occurred_at": at.to_rfc3339(),
        "page": {
            "id": page.id,
            "summary": page.summary,
            "about": page.about.words(),
            "level": level,
            "triggered_at": page.triggered_at.to_rfc3339(),
            "path": page.about.path(),
            "paged": paged,
        },
    });
    if let (Some(body), Some(described)) = (body.as_object_mut(), described.as_object()) {
        body.extend(described.clone());
    }
    body
}

/// A page's entry, in its ticket's history or its incident's timeline.
enum Entry {
    Paged { level: u32, people: Vec<i64> },
    Acknowledged,
    Ended(Ended),
}

async fn write_entry(
    conn: &AsyncPgConnection,
    page: &Page,
    actor: Option<i64>,
    entry: Entry,
    at: DateTime<Utc>,
) -> AppResult<()> {
    let page_id = page.id;
    match page.about {
        About::Ticket(number) => {
            let ticket = tickets::find(conn, number).await?.ok_or(AppError::NotFound("ticket"))?;
            let change = match entry {
                Entry::Paged { level, people } => TicketEvent::Paged { page_id, level, people },
                Entry::Acknowledged => TicketEvent::PageAcknowledged { page_id },
                Entry::Ended(because) => TicketEvent::PageEnded { page_id, because },
            };
            let new = NewEvent {
                ticket_number: number,
                community_id: ticket.community_id,
                actor_id: actor,
                change: &change,
                at,
            };
            event_rows::append(conn, new).await?;
        }
        About::Incident(number) => {
            let event = match entry {
                Entry::Paged { level, people } => IncidentEvent::Paged { page_id, level, people },
                Entry::Acknowledged => IncidentEvent::PageAcknowledged { page_id },
                Entry::Ended(because) => IncidentEvent::PageEnded { page_id, because },
            };
            incidents::record(conn, number, actor, &event, at).await?;
        }
    }
    Ok(())
}

/// Ends the open page of `subject`, if it has one.
async fn end(conn: &AsyncPgConnection, subject: Paging<'_>, because: Ended, at: DateTime<Utc>) -> AppResult<()> {
    let Some(page) = rows::open_for_update(conn, subject.about()).await? else { return Ok(()) };
    rows::ended(conn, page.id, because, at).await?;
    write_entry(conn, &page, None, Entry::Ended(because), at).await?;
    let (_, described) = describe(conn, subject).await?;
    let mut body = page_body(&page, WebhookEvent::PageEnded, page.level, json!([]), &described, at);
    body["page"]["ended_because"] = json!(because.as_str());
    webhook_rows::enqueue(conn, WebhookEvent::PageEnded.as_str(), &body.to_string(), Some(page.id), at).await?;
    tracing::info!(page = page.id, because = because.as_str(), "page ended");
    mail_rows::wake_delivery(conn).await
}

/// What it is about, as the paging integrations are told.
async fn described_now(conn: &AsyncPgConnection, about: About) -> AppResult<serde_json::Value> {
    match about {
        About::Ticket(number) => match tickets::find(conn, number).await? {
            Some(ticket) => Ok(describe(conn, Paging::Ticket(&ticket)).await?.1),
            None => Ok(json!({})),
        },
        About::Incident(number) => match incidents::find(conn, number, false).await? {
            Some(incident) => Ok(describe(conn, Paging::Incident(&incident)).await?.1),
            None => Ok(json!({})),
        },
    }
}

/// Escalates every page due now that nobody has acknowledged, one transaction each; returns
/// how many reached another level.
pub async fn escalate_due(core: &Core) -> AppResult<usize> {
    let mut escalated = 0;
    loop {
        let now = core.now();
        let mut conn = core.pool.get().await?;
        let outcome = conn
            .transaction(async |conn| {
                let Some(page) = rows::claim_escalation(conn, now).await? else { return Ok::<_, AppError>(None) };
                let settings = rows::settings(conn).await?;
                let levels = levels_at(conn, &settings, now).await?;
                let paged: Vec<i64> =
                    rows::recipients(conn, &[page.id]).await?.into_iter().map(|r| r.person_id).collect();
                let Some((level, people)) = levels.next(page.level as usize, &paged) else {
                    // Nobody is left to page: the page waits for someone to acknowledge it.
                    rows::escalated(conn, page.id, page.level, None).await?;
                    return Ok(Some(false));
                };
                let reached: Vec<i64> = paged.iter().chain(&people).copied().collect();
                let escalates_at = levels.next(level, &reached).map(|_| now + settings.escalate_after());
                rows::escalated(conn, page.id, level as u32, escalates_at).await?;
                let described = described_now(conn, page.about).await?;
                reach(conn, &page, level as u32, &people, WebhookEvent::PageEscalated, &described, now).await?;
                tracing::warn!(page = page.id, level, people = ?people, "a page nobody acknowledged escalated");
                Ok(Some(true))
            })
            .await?;
        match outcome {
            None => return Ok(escalated),
            Some(true) => {
                core.live.committed();
                escalated += 1;
            }
            Some(false) => {}
        }
    }
}

/// Who acknowledges a page.
#[derive(Clone, Copy, Debug)]
pub enum Acknowledger<'a> {
    /// Someone signed in on the support team, by the page's id.
    Staff(&'a Principal, i64),
    /// Whoever holds the link a page's mail carried (the person it was sent to).
    Link(&'a str),
}

/// Acknowledges a page: the escalation stops, the entry is written, the paging integrations
/// are told, and the others it reached learn who is on it. Returns the page and whether
/// someone had acknowledged it before (then nothing changes).
pub async fn acknowledge(core: &Core, by: Acknowledger<'_>) -> AppResult<(PageView, bool)> {
    if let Acknowledger::Staff(who, _) = by
        && !authz::can_manage_tickets(who)
    {
        return Err(AppError::PermissionDenied("Only the support team acknowledges pages."));
    }
    let now = core.now();
    let mut conn = core.pool.get().await?;
    let (page, already) = conn
        .transaction(async |conn| {
            let (page, person_id) = match by {
                Acknowledger::Staff(who, id) => (rows::find_for_update(conn, id).await?, who.person_id),
                Acknowledger::Link(token) => match rows::by_token_for_update(conn, &hash(token)).await? {
                    Some((page, person_id)) => (Some(page), person_id),
                    None => (None, 0),
                },
            };
            let page = page.ok_or(AppError::NotFound("page"))?;
            match page.state().acknowledge() {
                Err(ended) => {
                    let why = page.ended_because.map_or(String::new(), |b| format!(": {}", b.label()));
                    Err(AppError::PageEnded(format!("{}{why}.", ended.to_string().trim_end_matches('.'))))
                }
                Ok(Acknowledgement::Already) => Ok((page, true)),
                Ok(Acknowledgement::Now) => {
                    rows::acknowledged(conn, page.id, person_id, now).await?;
                    write_entry(conn, &page, Some(person_id), Entry::Acknowledged, now).await?;
                    let who = people::by_ids(conn, &[person_id]).await?.remove(&person_id);
                    let name = who.map_or_else(|| "Someone".to_owned(), |p| p.display_name);
                    let described = described_now(conn, page.about).await?;
                    let mut body =
                        page_body(&page, WebhookEvent::PageAcknowledged, page.level, json!([]), &described, now);
                    body["page"]["acknowledged_by"] = json!(name);
                    let event = WebhookEvent::PageAcknowledged.as_str();
                    webhook_rows::enqueue(conn, event, &body.to_string(), Some(page.id), now).await?;
                    let others: Vec<i64> = rows::recipients(conn, &[page.id])
                        .await?
                        .into_iter()
                        .map(|r| r.person_id)
                        .filter(|id| *id != person_id)
                        .collect();
                    let news = format!("{name} acknowledged the page: {}.", page.summary);
                    notifications::notify(conn, &others, NewsKind::Page, Some(page.about), &news, now).await?;
                    mail_rows::wake_delivery(conn).await?;
                    tracing::info!(page = page.id, person_id, "page acknowledged");
                    let page = Page {
                        acknowledged_at: Some(now),
                        acknowledged_by: Some(person_id),
                        escalates_at: None,
                        ..page
                    };
                    Ok((page, false))
                }
            }
        })
        .await?;
    if !already {
        core.live.committed();
    }
    // The link's holder reads the page, not where Steward posts it.
    let with_deliveries = matches!(by, Acknowledger::Staff(..));
    let view = views(&conn, vec![page], with_deliveries).await?.into_iter().next().ok_or(AppError::NotFound("page"))?;
    Ok((view, already))
}

/// A page as people read it: who it reached, its mail to each and its integrations' deliveries.
#[derive(Clone, Debug)]
pub struct PageView {
    pub page: Page,
    pub acknowledged_by: Option<Person>,
    pub recipients: Vec<(Recipient, Person, Option<PageMail>)>,
    pub deliveries: Vec<(Delivery, Webhook)>,
}

async fn views(conn: &AsyncPgConnection, pages: Vec<Page>, with_deliveries: bool) -> AppResult<Vec<PageView>> {
    let ids: Vec<i64> = pages.iter().map(|p| p.id).collect();
    let (recipients, mails) = futures_util::try_join!(rows::recipients(conn, &ids), rows::mails(conn, &ids))?;
    let mut named: Vec<i64> = recipients.iter().map(|r| r.person_id).collect();
    named.extend(pages.iter().filter_map(|p| p.acknowledged_by));
    let found: HashMap<i64, Person> = people::by_ids(conn, &named).await?;
    let mut views = Vec::with_capacity(pages.len());
    for page in pages {
        let deliveries = if with_deliveries { webhook_rows::of_page(conn, page.id).await? } else { Vec::new() };
        let recipients = recipients
            .iter()
            .filter(|r| r.page_id == page.id)
            .filter_map(|r| {
                let person = found.get(&r.person_id)?.clone();
                let mail = mails.iter().rev().find(|m| m.page_id == page.id && m.person_id == r.person_id).cloned();
                Some((r.clone(), person, mail))
            })
            .collect();
        let acknowledged_by = page.acknowledged_by.and_then(|id| found.get(&id).cloned());
        views.push(PageView { page, acknowledged_by, recipients, deliveries });
    }
    Ok(views)
}

/// The pages of a ticket or an incident (newest first), or with none every open page: the
/// support team's.
pub async fn list(core: &Core, who: &Principal, about: Option<About>) -> AppResult<Vec<PageView>> {
    if !authz::can_manage_tickets(who) {
        return Err(AppError::PermissionDenied("Only the support team sees pages."));
    }
    let conn = core.pool.get().await?;
    let pages = rows::list(&conn, about, PAGES_SHOWN).await?;
    views(&conn, pages, true).await
}

/// The page a link's token is for, and whom the link was sent to (no sign-in: the link is the
/// proof).
pub async fn by_link(core: &Core, token: &str) -> AppResult<(PageView, Person)> {
    let mut conn = core.pool.get().await?;
    let (page, person_id) = conn
        .transaction(async |conn| rows::by_token_for_update(conn, &hash(token)).await)
        .await?
        .ok_or(AppError::NotFound("page"))?;
    let view = views(&conn, vec![page], false).await?.into_iter().next().ok_or(AppError::NotFound("page"))?;
    let person = people::by_ids(&conn, &[person_id]).await?.remove(&person_id).ok_or(AppError::NotFound("page"))?;
    Ok((view, person))
}

/// The on-call settings as admins read them, with who a page reaches now.
#[derive(Clone, Debug)]
pub struct OnCallView {
    pub settings: OnCallSettings,
    /// The rotation as stored (kept while on call follows support duty).
    pub rotation: paging::OnCallRotation,
    pub levels: Levels,
    pub shifts: Vec<Shift>,
    pub covers: Vec<StoredCover>,
    pub people: HashMap<i64, Person>,
}

/// Who is on call: the support team's.
pub async fn on_call(core: &Core, who: &Principal) -> AppResult<OnCallView> {
    if !authz::can_manage_tickets(who) {
        return Err(AppError::PermissionDenied("Only the support team sees who is on call."));
    }
    let now = core.now();
    let conn = core.pool.get().await?;
    let (settings, rotation, covers) =
        futures_util::try_join!(rows::settings(&conn), rows::stored_rotation(&conn), rows::covers(&conn, now))?;
    let levels = levels_at(&conn, &settings, now).await?;
    let shifts = match &settings.on_call {
        OnCall::Own(own) => own.schedule(now, SHIFTS_SHOWN),
        OnCall::SupportDuty => Vec::new(),
    };
    let mut named: Vec<i64> = rotation.members.clone();
    named.extend(levels.0.iter().flatten());
    named.extend(shifts.iter().map(|s| s.person_id));
    named.extend(covers.iter().map(|c| c.cover.person_id));
    let people = people::by_ids(&conn, &named).await?;
    Ok(OnCallView { settings, rotation, levels, shifts, covers, people })
}

fn admin_only(who: &Principal) -> AppResult<()> {
    if authz::can_configure(who) {
        Ok(())
    } else {
        Err(AppError::PermissionDenied("Only an admin decides who is on call."))
    }
}

/// Problems with `person_id` for `field`: they must be on the support team.
async fn not_on_team(conn: &AsyncPgConnection, field: &str, ids: &[i64]) -> AppResult<Option<FieldError>> {
    let found = people::by_ids(conn, ids).await?;
    let missing = ids.iter().any(|id| found.get(id).is_none_or(|p| p.staff_role.is_none()));
    let words =
        if ids.len() == 1 { "Choose someone on the support team." } else { "Choose people on the support team." };
    Ok(missing.then(|| FieldError::new(field, words)))
}

/// Replaces the on-call settings (admins); every bad field is named at once. The rotation is
/// kept even while on call follows support duty.
pub async fn set_on_call(
    core: &Core,
    who: &Principal,
    own: bool,
    rotation: paging::OnCallRotation,
    escalate_after_minutes: u16,
    mut problems: Vec<FieldError>,
) -> AppResult<()> {
    admin_only(who)?;
    let on_call = if own { OnCall::Own(rotation.clone()) } else { OnCall::SupportDuty };
    let settings = OnCallSettings { on_call, escalate_after_minutes };
    problems.extend(settings.problems());
    let conn = core.pool.get().await?;
    if problems.iter().all(|p| p.field != "member_ids")
        && let Some(problem) = not_on_team(&conn, "member_ids", &rotation.members).await?
    {
        problems.push(problem);
    }
    if !problems.is_empty() {
        return Err(AppError::InvalidArgument(problems));
    }
    rows::set_settings(&conn, own, &rotation, escalate_after_minutes, core.now()).await?;
    tracing::info!(own, members = ?rotation.members, escalate_after_minutes, "on-call settings changed");
    Ok(())
}

/// Puts someone on the team on call from `starts_at` until `ends_at` (admins); every problem is
/// named at once.
pub async fn add_cover(
    core: &Core,
    who: &Principal,
    person_id: i64,
    starts_at: Option<DateTime<Utc>>,
    ends_at: Option<DateTime<Utc>>,
    note: &str,
) -> AppResult<StoredCover> {
    admin_only(who)?;
    let conn = core.pool.get().await?;
    let mut problems: Vec<FieldError> = not_on_team(&conn, "person_id", &[person_id]).await?.into_iter().collect();
    if starts_at.is_none() {
        problems.push(FieldError::new("starts_at", "Say when the cover starts."));
    }
    if ends_at.is_none() {
        problems.push(FieldError::new("ends_at", "Say when the cover ends."));
    }
    let cover = match (starts_at, ends_at) {
        (Some(starts_at), Some(ends_at)) => {
            let cover = Cover { starts_at, ends_at, person_id };
            problems.extend(cover.problems());
            Some(cover)
        }
        _ => None,
    };
    if note.chars().count() > 200 {
        problems.push(FieldError::new("note", "Keep the note under 200 characters."));
    }
    match cover {
        Some(cover) if problems.is_empty() => rows::add_cover(&conn, &cover, note.trim(), core.now()).await,
        _ => Err(AppError::InvalidArgument(problems)),
    }
}

/// Removes a cover (admins).
pub async fn remove_cover(core: &Core, who: &Principal, id: i64) -> AppResult<()> {
    admin_only(who)?;
    let conn = core.pool.get().await?;
    if rows::remove_cover(&conn, id).await? { Ok(()) } else { Err(AppError::NotFound("cover")) }
}

/// Whether `about` has a page that has not ended (locked for this transaction).
pub(crate) async fn is_paging(conn: &AsyncPgConnection, about: About) -> AppResult<bool> {
    Ok(rows::open_for_update(conn, about).await?.is_some())
}
