//! Email use cases (seeds 001, 002: representatives write to support@): take in a message that
//! arrived, and deliver what Steward queued.
//!
//! Receiving a message decides, by the domain's rules (`steward_domain::mail`), what it is:
//! a machine's (never filed, never answered), an answer on a ticket (threaded by the
//! `[Steward #42]` in its subject, then by `In-Reply-To` / `References`), a new request in the
//! sender's community (waiting for approval when a member sends it, exactly as on the web), or
//! something staff must sort (an unknown sender, no clear community, a ticket the sender may
//! not write on). The message is kept whole with that outcome in the transaction that files or
//! answers, so a message received twice is recorded, filed and acknowledged once.
//!
//! Mail out is queued in the transaction of the change it tells about (`queue_*`) and
//! delivered by [`deliver_due`]: claimed with `FOR UPDATE SKIP LOCKED` (one process sends each),
//! sent, and marked sent before the claim is released. That is at least once: a crash between
//! the server's acceptance and the commit sends it again, with the same Message-ID. A failure
//! is kept with its error and tried again after 1, 2, 4... minutes (at most an hour), until
//! [`MAX_ATTEMPTS`] or a permanent refusal. With no SMTP server the mail stays queued, readable
//! by admins.

use std::future::Future;
use std::time::Duration;

use chrono::{DateTime, Utc};
use diesel_async::{AsyncConnection, AsyncPgConnection};
use steward_domain::conversation::{MESSAGE_MAX_CHARS, Visibility};
use steward_domain::facts::Principal;
use steward_domain::intake::{self, RequestDraft};
use steward_domain::mail::{self, MachineSent, SenderCheck};
use steward_domain::{Priority, RequestType, TicketState, templates};
use tokio_util::sync::CancellationToken;

use super::Core;
use super::tickets::{self as ticket_cases, NewMessage, NewRequest};
use crate::config::MailSettings;
use crate::db::models::mail::{
    self as mail_rows, AttachmentInfo, Inbound, MailKind, NewInbound, NewMail, Outcome, Settled,
};
use crate::db::models::tickets::Ticket;
use crate::db::models::{About, communities, people, rotation, tickets};
use crate::error::{AppError, AppResult};

/// A message as the email channel decoded it.
#[derive(Clone, Debug, Default)]
pub struct Incoming {
    /// Its Message-ID (one is made from its content when it has none).
    pub message_id: String,
    pub from_address: String,
    pub from_name: String,
    /// Every address it was sent to (To and Cc), lower-cased.
    pub to: Vec<String>,
    pub subject: String,
    /// The plain-text body (from the HTML part when there is no text part).
    pub text: String,
    /// `In-Reply-To` and `References`, newest first.
    pub replying_to: Vec<String>,
    pub auto_submitted: Option<String>,
    pub precedence: Option<String>,
    pub x_loop: Option<String>,
    pub autoreply_header: bool,
    pub return_path: Option<String>,
    pub content_type: Option<String>,
    pub attachments: Vec<AttachmentInfo>,
    /// Every `Authentication-Results` header, as written.
    pub authentication_results: Vec<String>,
    /// The original, kept whole.
    pub raw: Vec<u8>,
}

/// What receiving a message came to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Receipt {
    pub outcome: Outcome,
    pub ticket_number: Option<i64>,
    /// Why it was held or ignored.
    pub reason: String,
    /// It had been received before; nothing was done again.
    pub duplicate: bool,
}

impl From<Inbound> for Receipt {
    fn from(inbound: Inbound) -> Receipt {
        Receipt {
            outcome: inbound.outcome,
            ticket_number: inbound.ticket_number,
            reason: inbound.reason,
            duplicate: true,
        }
    }
}

/// What Steward decided to do with a message, before doing it.
enum Decision {
    Ignore(String),
    Hold {
        person_id: Option<i64>,
        reason: String,
    },
    Answer {
        author: Principal,
        number: i64,
    },
    /// A new request; `acknowledge`: whether Steward answers it automatically (never for bulk
    /// or list mail).
    File {
        requester: Principal,
        community_id: i64,
        follows_up: Option<i64>,
        acknowledge: bool,
    },
}

impl Decision {
    /// The person the message is taken as from, if Steward knows one.
    fn person_id(&self) -> Option<i64> {
        match self {
            Decision::Ignore(_) => None,
            Decision::Hold { person_id, .. } => *person_id,
            Decision::Answer { author, .. } => Some(author.person_id),
            Decision::File { requester, .. } => Some(requester.person_id),
        }
    }
}

/// Takes in one message: files it, adds it to a ticket's conversation, holds it for staff, or
/// leaves it (a machine's), and records it with that outcome.
pub async fn receive(core: &Core, incoming: Incoming) -> AppResult<Receipt> {
    let now = core.now();
    let settings = &core.mail;
    let mut conn = core.pool.get().await?;
    let receipt = conn
        .transaction(async |conn| {
            if let Some(before) = mail_rows::find_inbound(conn, &incoming.message_id).await? {
                return Ok::<_, AppError>(Receipt::from(before));
            }
            let decision = decide(conn, settings, &incoming).await?;
            let person_id = decision.person_id();
            // In a savepoint: a request refused as it is leaves nothing half written behind.
            let carried =
                conn.transaction(async |conn| carry_out(conn, settings, &incoming, decision, now).await).await;
            let settled = match carried {
                // Steward cannot file it as it is: staff can, by hand.
                Err(AppError::InvalidArgument(errors)) => Settled {
                    outcome: Outcome::Held,
                    reason: could_not_file(&errors),
                    person_id,
                    ticket_number: None,
                    comment_id: None,
                },
                other => other?,
            };
            let new = NewInbound {
                message_id: &incoming.message_id,
                from_address: &incoming.from_address,
                from_name: &incoming.from_name,
                subject: &incoming.subject,
                text: &mail::written_part(&incoming.text),
                raw: &incoming.raw,
                attachments: &incoming.attachments,
            };
            mail_rows::record(conn, new, &settled, now).await?;
            Ok(Receipt::fresh(settled))
        })
        .await?;
    if !receipt.duplicate {
        core.live.committed();
        tracing::info!(
            outcome = receipt.outcome.as_str(),
            number = receipt.ticket_number,
            reason = receipt.reason.as_str(),
            "mail received"
        );
    }
    Ok(receipt)
}

impl Receipt {
    fn fresh(settled: Settled) -> Receipt {
        Receipt {
            outcome: settled.outcome,
            ticket_number: settled.ticket_number,
            reason: settled.reason,
            duplicate: false,
        }
    }
}

fn could_not_file(errors: &[intake::FieldError]) -> String {
    let problems: Vec<&str> = errors.iter().map(|e| e.message.as_str()).collect();
    format!("it could not be filed as it is: {}", problems.join(" "))
}

/// Does what was decided: files the request (and queues the acknowledgement) or adds the
/// message to its ticket. A request that cannot be filed as it is comes back as
/// InvalidArgument, naming every problem.
async fn carry_out(
    conn: &mut AsyncPgConnection,
    settings: &MailSettings,
    incoming: &Incoming,
    decision: Decision,
    now: DateTime<Utc>,
) -> AppResult<Settled> {
    let settled = |outcome, reason: String, person_id, ticket_number, comment_id| Settled {
        outcome,
        reason,
        person_id,
        ticket_number,
        comment_id,
    };
    Ok(match decision {
        Decision::Ignore(reason) => settled(Outcome::Ignored, reason, None, None, None),
        Decision::Hold { person_id, reason } => settled(Outcome::Held, reason, person_id, None, None),
        Decision::Answer { author, number } => {
            let message = NewMessage {
                number,
                body: written(incoming),
                visibility: Visibility::Public,
                attachment_ids: Vec::new(),
            };
            let comment = ticket_cases::reply_in(conn, &author, message, now).await?;
            settled(Outcome::Replied, String::new(), Some(author.person_id), Some(number), Some(comment.id))
        }
        Decision::File { requester, community_id, follows_up, acknowledge } => {
            let mut description = written(incoming);
            if let Some(earlier) = follows_up {
                description = format!("Follows up on #{earlier}, which was closed.\n\n{description}");
            }
            let draft = emailed_request(&incoming.subject, &description);
            let request = NewRequest { community_id, draft, attachment_ids: Vec::new() };
            let ticket = ticket_cases::file_in(conn, &requester, request, emailed_form, now).await?;
            if acknowledge {
                queue_acknowledgement(conn, settings, &requester, &ticket, &incoming.message_id, now).await?;
            }
            settled(Outcome::Filed, String::new(), Some(requester.person_id), Some(ticket.number), None)
        }
    })
}

/// What staff do with held mail.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Release {
    /// Take it in as the person's whose address is `email`: a reply on the ticket it
    /// answers, or a request in `community_id` (or the person's only community).
    TakeIn { email: String, community_id: Option<i64> },
    /// Keep it out of every ticket (the original stays kept).
    Discard,
}

/// Releases held mail as `who` (the support team) decides: taken in as a person's, or
/// discarded. `decode` reads the kept original again (the email channel's parser).
pub async fn release_held(
    core: &Core,
    who: &Principal,
    id: i64,
    release: Release,
    decode: impl Fn(&[u8]) -> AppResult<Incoming> + Send + Sync,
) -> AppResult<Receipt> {
    if !steward_domain::authz::can_manage_tickets(who) {
        return Err(AppError::PermissionDenied("Only the support team sorts held mail."));
    }
    let now = core.now();
    let settings = &core.mail;
    let mut conn = core.pool.get().await?;
    let receipt = conn
        .transaction(async |conn| {
            let raw = mail_rows::held_for_update(conn, id).await?.ok_or(AppError::NotFound("held mail"))?;
            let settled = match release.clone() {
                Release::Discard => Settled {
                    outcome: Outcome::Discarded,
                    reason: format!("discarded by {}", who.display_name),
                    person_id: None,
                    ticket_number: None,
                    comment_id: None,
                },
                Release::TakeIn { email, community_id } => {
                    let nobody = || AppError::invalid("email", format!("Nobody in Steward has the address {email}."));
                    let (person, _) = people::find_by_email(conn, &email).await?.ok_or_else(nobody)?;
                    let person = people::principal(conn, person.id).await?.ok_or_else(nobody)?;
                    let incoming = decode(&raw)?;
                    let decision = decide_as(conn, settings, &incoming, person, community_id).await?;
                    carry_out(conn, settings, &incoming, decision, now).await?
                }
            };
            mail_rows::settle(conn, id, &settled, who.person_id, now).await?;
            Ok::<_, AppError>(Receipt::fresh(settled))
        })
        .await?;
    core.live.committed();
    tracing::info!(id, outcome = receipt.outcome.as_str(), number = receipt.ticket_number, "held mail released");
    Ok(receipt)
}

/// What the message is, by the domain's rules and who sent it.
async fn decide(conn: &mut AsyncPgConnection, settings: &MailSettings, incoming: &Incoming) -> AppResult<Decision> {
    let signals = mail::Signals {
        from: &incoming.from_address,
        auto_submitted: incoming.auto_submitted.as_deref(),
        precedence: incoming.precedence.as_deref(),
        x_loop: incoming.x_loop.as_deref(),
        autoreply_header: incoming.autoreply_header,
        return_path: incoming.return_path.as_deref(),
        content_type: incoming.content_type.as_deref(),
    };
    let machine = mail::machine_sent(&signals, &settings.address);
    if let Some(machine) = machine.filter(|m| *m != MachineSent::Bulk) {
        return Ok(Decision::Ignore(machine_reason(machine)));
    }
    // With the mailbox's server named, a sender it did not verify is anyone's guess.
    if let Some(authserv_id) = &settings.authserv_id {
        let results: Vec<&str> = incoming.authentication_results.iter().map(String::as_str).collect();
        let domain = incoming.from_address.rsplit_once('@').map_or("", |(_, domain)| domain);
        let person_id = people::find_by_email(conn, &incoming.from_address).await?.map(|(person, _)| person.id);
        match mail::sender_check(&results, authserv_id, domain) {
            SenderCheck::Verified => {}
            SenderCheck::Failed(why) => {
                return Ok(Decision::Hold { person_id, reason: format!("its sender is not who it claims: {why}") });
            }
            SenderCheck::Unverified => {
                let reason = format!(
                    "{authserv_id} could not verify that {} sent it (no DMARC or DKIM result for {domain})",
                    incoming.from_address
                );
                return Ok(Decision::Hold { person_id, reason });
            }
        }
    }
    let Some((person, _)) = people::find_by_email(conn, &incoming.from_address).await? else {
        return Ok(Decision::Hold {
            person_id: None,
            reason: format!("nobody in Steward has the address {}", incoming.from_address),
        });
    };
    let principal = people::principal(conn, person.id)
        .await?
        .ok_or_else(|| AppError::internal(anyhow::anyhow!("person {} has no principal", person.id)))?;
    if principal.is_staff() {
        // Anyone can write a staff address in From; a staff answer posted from it would reach
        // requesters as support's word. Staff answer on the web.
        return Ok(Decision::Hold {
            person_id: Some(person.id),
            reason: format!(
                "it comes from the support team's address {}, which anyone can put in From; staff answer on the web",
                incoming.from_address
            ),
        });
    }
    let decision = decide_as(conn, settings, incoming, principal, None).await?;
    Ok(match decision {
        Decision::File { requester, community_id, follows_up, .. } if machine.is_some() => {
            Decision::File { requester, community_id, follows_up, acknowledge: false }
        }
        other => other,
    })
}

/// What a message from `principal` is: an answer on the ticket it threads into, or a new
/// request in `chosen` (staff's choice) or the community its address and sender name.
async fn decide_as(
    conn: &mut AsyncPgConnection,
    settings: &MailSettings,
    incoming: &Incoming,
    principal: Principal,
    chosen: Option<i64>,
) -> AppResult<Decision> {
    let person_id = principal.person_id;
    let mut follows_up = None;
    if let Some(number) = thread(conn, settings, incoming).await? {
        let ticket = tickets::find(conn, number).await?;
        let writable = ticket.filter(|t| {
            steward_domain::authz::can_view_ticket(&principal, &t.facts())
                && steward_domain::authz::can_reply(&principal, &t.facts())
        });
        match writable {
            Some(ticket) if ticket.state != TicketState::Closed => {
                return Ok(Decision::Answer { author: principal, number: ticket.number });
            }
            Some(ticket) => follows_up = Some(ticket.number),
            None => {
                return Ok(Decision::Hold {
                    person_id: Some(person_id),
                    reason: format!("it answers ticket #{number}, which {} may not write on", principal.display_name),
                });
            }
        }
    }
    if let Some(community_id) = chosen {
        return Ok(Decision::File { requester: principal, community_id, follows_up, acknowledge: true });
    }
    if principal.is_staff() && principal.representative_of.is_empty() && principal.member_of.is_empty() {
        return Ok(Decision::Hold {
            person_id: Some(person_id),
            reason: "it is a new request from the support team's own address; file it on the web for the community it is about".to_owned(),
        });
    }
    let mut tagged = None;
    for tag in incoming.to.iter().filter(|to| same_mailbox(to, &settings.address)).filter_map(|to| mail::plus_tag(to)) {
        if let Some(community) = communities::find_by_slug(conn, &tag).await? {
            tagged = Some(community.id);
            break;
        }
    }
    let theirs: Vec<i64> = principal.representative_of.iter().chain(&principal.member_of).copied().collect();
    // A follow-up on a closed ticket belongs where that ticket did, unless the address says.
    if tagged.is_none()
        && let Some(earlier) = follows_up
        && let Some(closed) = tickets::find(conn, earlier).await?
    {
        tagged = Some(closed.community_id);
    }
    match mail::community_for(tagged, &theirs) {
        Ok(community_id) => Ok(Decision::File { requester: principal, community_id, follows_up, acknowledge: true }),
        Err(none) => Ok(Decision::Hold { person_id: Some(person_id), reason: none.reason().to_owned() }),
    }
}

fn machine_reason(machine: MachineSent) -> String {
    format!("{}; nothing was filed or answered", machine.reason())
}

/// Whether `address` is the support mailbox, plus-tagged or not (`support+aurora@example.org`
/// is `support@example.org`).
fn same_mailbox(address: &str, support: &str) -> bool {
    let base = |a: &str| {
        let a = a.trim().to_lowercase();
        match a.rsplit_once('@') {
            Some((local, domain)) => format!("{}@{domain}", local.split('+').next().unwrap_or(local)),
            None => a,
        }
    };
    base(address) == base(support)
}

/// The ticket a message answers: the one its subject names, else one Steward's Message-IDs
/// or a message already received name.
async fn thread(conn: &AsyncPgConnection, settings: &MailSettings, incoming: &Incoming) -> AppResult<Option<i64>> {
    // An answer to news mail (a mention, an approval request) is no answer on a ticket, whatever
    // its subject says (a ticket's title may hold "[Steward #7]").
    if incoming.replying_to.iter().any(|id| mail::is_news_message_id(id, settings.domain())) {
        return Ok(None);
    }
    if let Some(number) = mail::ticket_reference(&incoming.subject) {
        return Ok(Some(number));
    }
    for id in &incoming.replying_to {
        if let Some(number) = mail::ticket_in_message_id(id, settings.domain()) {
            return Ok(Some(number));
        }
    }
    mail_rows::ticket_of_inbound(conn, &incoming.replying_to).await
}

/// What the person wrote, as a conversation message: quoted history and signature trimmed
/// (the original is kept), within the message limit.
fn written(incoming: &Incoming) -> String {
    let mut text = mail::written_part(&incoming.text);
    if text.trim().is_empty() {
        text = if incoming.attachments.is_empty() {
            "(The email had no text.)".to_owned()
        } else {
            let names: Vec<&str> = incoming.attachments.iter().map(|a| a.name.as_str()).collect();
            format!("(The email had no text; it carried {}.)", names.join(", "))
        };
    }
    let note = "\n\n(The email was longer; its original is kept with the ticket.)";
    if text.chars().count() > MESSAGE_MAX_CHARS {
        let cut: String = text.chars().take(MESSAGE_MAX_CHARS - note.chars().count()).collect();
        text = format!("{}{note}", cut.trim_end());
    }
    text
}

/// A request as it comes by email: the Other form, Normal priority, confidential (an email may
/// say anything; staff can open it up), titled by its subject.
fn emailed_request(subject: &str, description: &str) -> RequestDraft {
    let title = mail::one_line(subject);
    let title = if title.is_empty() { "(no subject)".to_owned() } else { title };
    let title: String = title.chars().take(intake::TITLE_MAX_CHARS).collect();
    RequestDraft {
        request_type: Some(RequestType::Other),
        priority: Some(Priority::Normal),
        title,
        description: description.chars().take(intake::DESCRIPTION_MAX_CHARS).collect(),
        confidential: true,
        answers: Default::default(),
    }
}

/// The form an emailed request is checked against: the request type's, without its questions
/// (an email answers none; staff ask what is missing).
fn emailed_form(form: intake::FormSpec) -> intake::FormSpec {
    intake::FormSpec { fields: Vec::new(), ..form }
}

/// Queues the acknowledgement template, filled for this ticket, to the person who emailed it.
async fn queue_acknowledgement(
    conn: &mut AsyncPgConnection,
    settings: &MailSettings,
    requester: &Principal,
    ticket: &Ticket,
    answering: &str,
    now: DateTime<Utc>,
) -> AppResult<()> {
    let template = crate::db::models::triage::template(conn, "acknowledgement").await?;
    let on_duty = rotation::on_duty(conn, now.date_naive()).await?;
    let steward = match on_duty.first() {
        Some(id) => people::by_ids(conn, &[*id]).await?.remove(id).map(|p| p.display_name),
        None => None,
    };
    let community = communities::list_by_ids(conn, &[ticket.community_id]).await?.into_iter().next();
    let values = templates::Values {
        name: requester.display_name.clone(),
        community: community.map(|c| c.name).unwrap_or_default(),
        ticket_number: ticket.number,
        reference: None,
        title: ticket.title.clone(),
        link: ticket_link(settings, ticket.number),
        steward: steward.unwrap_or_else(|| "the support team".to_owned()),
        context: String::new(),
    };
    let body = match template.map(|t| templates::fill(&t.body, &values)) {
        Some(Ok(body)) => body,
        // An admin's template that cannot be filled without context: say the essentials.
        _ => format!(
            "Hello {},\n\nThank you for your request \"{}\" (#{}). It has reached the support team.\n\nYou can follow it at {}.",
            values.name, values.title, values.ticket_number, values.link
        ),
    };
    let subject = mail::subject_for(ticket.number, &ticket.title);
    let new = NewMail {
        kind: MailKind::Acknowledgement,
        recipient: &requester.email,
        recipient_name: &requester.display_name,
        person_id: Some(requester.person_id),
        about: About::Ticket(ticket.number),
        subject: &subject,
        body: &body,
        in_reply_to: Some(answering),
        page_id: None,
        action_path: None,
    };
    mail_rows::queue(conn, new, now).await?;
    Ok(())
}

/// The page of ticket `number`.
fn ticket_link(settings: &MailSettings, number: i64) -> String {
    link(settings, About::Ticket(number))
}

/// The page of what a mail is about.
pub(crate) fn link(settings: &MailSettings, about: About) -> String {
    format!("{}{}", settings.link_origin, about.path())
}

/// Queues support's public reply `body` by `author` on `ticket` to its requester (unless the
/// requester wrote it).
pub(crate) async fn queue_reply(
    conn: &AsyncPgConnection,
    author: &Principal,
    ticket: &Ticket,
    body: &str,
    now: DateTime<Utc>,
) -> AppResult<()> {
    if author.person_id == ticket.requester_id {
        return Ok(());
    }
    let text = format!("{} wrote:\n\n{body}", author.display_name);
    queue_to_requester(conn, ticket, MailKind::Reply, &text, now).await
}

/// Queues the news of a step the requester's side must act on: resolved (please confirm) or
/// waiting on them, with the reason given.
pub(crate) async fn queue_step(
    conn: &AsyncPgConnection,
    ticket: &Ticket,
    to: TicketState,
    reason: Option<&str>,
    now: DateTime<Utc>,
) -> AppResult<()> {
    let (kind, news) = match to {
        TicketState::Resolved => (
            MailKind::Resolved,
            "We have resolved this request. If it works for you now, please confirm on the ticket's page; if not, answer this email or reopen it there.\n\nHow did we do? One question on the ticket's page tells us (the satisfaction survey).",
        ),
        TicketState::Pending => (
            MailKind::Waiting,
            "We need an answer from you to go on with this request: please answer this email or on the ticket's page.",
        ),
        _ => return Ok(()),
    };
    let text = match reason.map(str::trim).filter(|r| !r.is_empty()) {
        Some(reason) => format!("{news}\n\n{reason}"),
        None => news.to_owned(),
    };
    queue_to_requester(conn, ticket, kind, &text, now).await
}

async fn queue_to_requester(
    conn: &AsyncPgConnection,
    ticket: &Ticket,
    kind: MailKind,
    body: &str,
    now: DateTime<Utc>,
) -> AppResult<()> {
    let Some(requester) = people::by_ids(conn, &[ticket.requester_id]).await?.remove(&ticket.requester_id) else {
        return Ok(());
    };
    let answering = mail_rows::latest_on_ticket(conn, ticket.number).await?;
    let subject = mail::subject_for(ticket.number, &ticket.title);
    let new = NewMail {
        kind,
        recipient: &requester.email,
        recipient_name: &requester.display_name,
        person_id: Some(requester.id),
        about: About::Ticket(ticket.number),
        subject: &subject,
        body,
        in_reply_to: answering.as_deref(),
        page_id: None,
        action_path: None,
    };
    mail_rows::queue(conn, new, now).await?;
    Ok(())
}

/// A mail ready to hand to an SMTP server: every word and header decided.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Outgoing {
    pub from_address: String,
    pub from_name: String,
    pub to_address: String,
    pub to_name: String,
    pub subject: String,
    pub message_id: String,
    pub in_reply_to: Option<String>,
    /// The thread, oldest first: the ticket's root, then the mail this one answers.
    pub references: Vec<String>,
    pub text: String,
    pub html: String,
    /// Steward wrote it (an acknowledgement, a step's news), not a person.
    pub automatic: bool,
    /// Where the recipient chooses what they hear by email (news they may turn off), for
    /// `List-Unsubscribe`.
    pub preferences: Option<String>,
}

/// Why a mail server did not take a mail.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SendFailure {
    /// In words for the admins' outbox view.
    pub message: String,
    /// Trying again cannot help (an address the server refuses, a mail that cannot be built).
    pub permanent: bool,
}

/// Hands a mail to a mail server.
pub trait Sender: Sync {
    /// Sends `mail`.
    fn send(&self, mail: &Outgoing) -> impl Future<Output = Result<(), SendFailure>> + Send;
}

/// How many times a mail is tried before Steward gives up on it (about a day of retries).
pub const MAX_ATTEMPTS: i32 = 30;

/// The mail `queued` is, composed: its text with the link to the ticket and how to answer,
/// and the same as HTML.
pub fn compose(settings: &MailSettings, queued: &mail_rows::Mail) -> Outgoing {
    let number = match (queued.kind, queued.about) {
        (MailKind::News | MailKind::Page, _) | (_, About::Incident(_)) => return compose_news(settings, queued),
        (_, About::Ticket(number)) => number,
    };
    let link = ticket_link(settings, number);
    let footer = format!(
        "Ticket #{number}: {link}\nAnswer this email to add to the ticket; keep [Steward #{number}] in the subject."
    );
    let (text, html) = text_and_html(&queued.body, &footer);
    let root = mail::message_id(number, None, settings.domain());
    let mut references = vec![root.clone()];
    references.extend(queued.in_reply_to.clone());
    Outgoing {
        from_address: settings.address.clone(),
        from_name: settings.name.clone(),
        to_address: queued.recipient.clone(),
        to_name: mail::one_line(&queued.recipient_name),
        subject: queued.subject.clone(),
        message_id: mail::message_id(number, Some(queued.id), settings.domain()),
        in_reply_to: Some(queued.in_reply_to.clone().unwrap_or(root)),
        references,
        text,
        html,
        automatic: queued.kind != MailKind::Reply,
        preferences: None,
    }
}

/// A mail's text with its footer below the signature separator, and the same as HTML (the
/// Markdown people wrote, rendered by the one renderer every view uses).
fn text_and_html(body: &str, footer: &str) -> (String, String) {
    let body = body.trim_end();
    let text = format!("{body}\n\n-- \n{footer}\n");
    let html = format!(
        "<!DOCTYPE html><html><body>{}<hr><p style=\"color:#555;font-size:90%\">{}</p></body></html>",
        crate::markdown::to_html(body),
        crate::markdown::to_html(footer)
    );
    (text, html)
}

/// News by email: the news, the link to what it is about, and where to choose what to hear (a
/// page: why it cannot be turned off); outside the ticket's thread.
fn compose_news(settings: &MailSettings, queued: &mail_rows::Mail) -> Outgoing {
    let why = if queued.kind == MailKind::Page {
        format!(
            "You get this because you are on call; pages always reach you. Who is on call: {}/settings",
            settings.link_origin
        )
    } else {
        format!(
            "You get this because of what you chose to hear by email; change it on your profile: {}/profile",
            settings.link_origin
        )
    };
    let footer = format!("{}: {}\n{why}", queued.about.words(), link(settings, queued.about));
    let body = match &queued.action_path {
        Some(path) => format!("{}\n\n{}{path}", queued.body.trim_end(), settings.link_origin),
        None => queued.body.clone(),
    };
    let (text, html) = text_and_html(&body, &footer);
    Outgoing {
        from_address: settings.address.clone(),
        from_name: settings.name.clone(),
        to_address: queued.recipient.clone(),
        to_name: mail::one_line(&queued.recipient_name),
        subject: queued.subject.clone(),
        message_id: mail::news_message_id(queued.id, settings.domain()),
        in_reply_to: None,
        references: Vec::new(),
        text,
        html,
        automatic: true,
        preferences: (queued.kind == MailKind::News).then(|| format!("{}/profile", settings.link_origin)),
    }
}

/// How long after its `attempts`-th failure a mail is tried again: 1 min, 2, 4... at most an
/// hour.
pub(crate) fn retry_after(attempts: i32) -> chrono::Duration {
    let minutes = 1i64 << attempts.clamp(0, 6);
    chrono::Duration::minutes(minutes.min(60))
}

/// Sends every mail due now through `sender`, one transaction each; returns how many were
/// sent. A mail whose sending fails is kept with its error and tried again later.
pub async fn deliver_due(core: &Core, sender: &impl Sender) -> AppResult<usize> {
    let mut sent = 0;
    // The mails due when the pass began: one that fails waits for its retry after the cut-off,
    // so the pass ends however long each attempt takes.
    let cutoff = core.now();
    loop {
        let mut conn = core.pool.get().await?;
        let delivered = conn
            .transaction(async |conn| {
                let Some(queued) = mail_rows::claim(conn, cutoff).await? else { return Ok::<_, AppError>(None) };
                let outgoing = compose(&core.mail, &queued);
                match sender.send(&outgoing).await {
                    Ok(()) => {
                        mail_rows::sent(conn, queued.id, core.now()).await?;
                        Ok(Some(true))
                    }
                    Err(failure) => {
                        let now = core.now();
                        let attempts = queued.attempts + 1;
                        let (error, retry_at) = if failure.permanent || attempts >= MAX_ATTEMPTS {
                            // Not tried again: kept with why, for an admin.
                            (format!("gave up after {attempts} attempt(s): {}", failure.message), now + chrono::Duration::days(36_500))
                        } else {
                            (failure.message.clone(), now + retry_after(queued.attempts))
                        };
                        tracing::warn!(id = queued.id, to = %queued.recipient, error = error.as_str(), "a mail could not be sent");
                        mail_rows::failed(conn, queued.id, &error, retry_at).await?;
                        Ok(Some(false))
                    }
                }
            })
            .await?;
        match delivered {
            None => break,
            Some(true) => sent += 1,
            Some(false) => {}
        }
    }
    Ok(sent)
}

/// Delivers due mail every `every`, and at once when something urgent is queued (the live
/// hub's outbox bell), until `stop` is cancelled.
pub async fn run_delivery(core: Core, sender: impl Sender, every: Duration, stop: CancellationToken) {
    let mut bell = core.live.outbox_bell();
    loop {
        match deliver_due(&core, &sender).await {
            Ok(0) => {}
            Ok(sent) => tracing::info!(sent, "mail sent"),
            Err(error) => tracing::warn!(%error, "the outbox could not be read; delivery tries again"),
        }
        tokio::select! {
            () = tokio::time::sleep(every) => {}
            _ = bell.changed() => {}
            () = stop.cancelled() => return,
        }
    }
}
