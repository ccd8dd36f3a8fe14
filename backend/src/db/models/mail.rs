//! Email as stored: what arrived (`inbound_mail`, kept whole with what Steward made of it) and
//! what Steward sends (`outbox`). An outbox row is written in the transaction of the change it
//! tells about; delivery claims due rows with `FOR UPDATE SKIP LOCKED`, so one mail is sent by
//! one process, and a failed attempt is kept with its error and tried again later.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use super::{About, unknown_value};
use crate::db::schema::{inbound_mail, outbox};
use crate::error::{AppError, AppResult};

/// What Steward made of a message that arrived.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// A new ticket.
    Filed,
    /// A message on a ticket's conversation.
    Replied,
    /// Waiting for staff to attach it to a person or discard it.
    Held,
    /// A machine's (auto-reply, bounce, bulk, loop): neither filed nor answered.
    Ignored,
    /// Staff kept it out of every ticket.
    Discarded,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Filed => "filed",
            Outcome::Replied => "replied",
            Outcome::Held => "held",
            Outcome::Ignored => "ignored",
            Outcome::Discarded => "discarded",
        }
    }

    fn parse(text: &str) -> Option<Outcome> {
        [Outcome::Filed, Outcome::Replied, Outcome::Held, Outcome::Ignored, Outcome::Discarded]
            .into_iter()
            .find(|o| o.as_str() == text)
    }
}

/// One file a message carried, as listed beside the kept original.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct AttachmentInfo {
    pub name: String,
    pub content_type: String,
    pub bytes: usize,
}

/// A message that arrived, as it is recorded.
pub struct NewInbound<'a> {
    pub message_id: &'a str,
    pub from_address: &'a str,
    pub from_name: &'a str,
    pub subject: &'a str,
    /// What the sender wrote, trimmed.
    pub text: &'a str,
    pub raw: &'a [u8],
    pub attachments: &'a [AttachmentInfo],
}

/// What a message came to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Settled {
    pub outcome: Outcome,
    /// Why it was held, ignored or discarded.
    pub reason: String,
    pub person_id: Option<i64>,
    pub ticket_number: Option<i64>,
    pub comment_id: Option<i64>,
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = inbound_mail)]
struct InboundRow {
    id: i64,
    message_id: String,
    from_address: String,
    from_name: String,
    subject: String,
    text: String,
    attachments: serde_json::Value,
    outcome: String,
    reason: String,
    ticket_number: Option<i64>,
    comment_id: Option<i64>,
    received_at: DateTime<Utc>,
}

/// A recorded message, without its original (read that on its own).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Inbound {
    pub id: i64,
    pub message_id: String,
    pub from_address: String,
    pub from_name: String,
    pub subject: String,
    pub text: String,
    pub attachments: Vec<AttachmentInfo>,
    pub outcome: Outcome,
    pub reason: String,
    pub ticket_number: Option<i64>,
    pub comment_id: Option<i64>,
    pub received_at: DateTime<Utc>,
}

impl TryFrom<InboundRow> for Inbound {
    type Error = AppError;
    fn try_from(row: InboundRow) -> AppResult<Inbound> {
        Ok(Inbound {
            id: row.id,
            message_id: row.message_id,
            from_address: row.from_address,
            from_name: row.from_name,
            subject: row.subject,
            text: row.text,
            attachments: serde_json::from_value(row.attachments)
                .map_err(|e| AppError::internal(anyhow::anyhow!("inbound_mail.attachments: {e}")))?,
            outcome: Outcome::parse(&row.outcome).ok_or_else(|| unknown_value("inbound_mail.outcome", &row.outcome))?,
            reason: row.reason,
            ticket_number: row.ticket_number,
            comment_id: row.comment_id,
            received_at: row.received_at,
        })
    }
}

/// Records a message that arrived `at`, with what it came to.
pub async fn record(
    conn: &AsyncPgConnection,
    new: NewInbound<'_>,
    settled: &Settled,
    at: DateTime<Utc>,
) -> AppResult<Inbound> {
    let attachments = serde_json::to_value(new.attachments)
        .map_err(|e| AppError::internal(anyhow::anyhow!("attachments as JSON: {e}")))?;
    let row: InboundRow = diesel::insert_into(inbound_mail::table)
        .values((
            inbound_mail::message_id.eq(new.message_id),
            inbound_mail::from_address.eq(new.from_address),
            inbound_mail::from_name.eq(new.from_name),
            inbound_mail::subject.eq(new.subject),
            inbound_mail::text.eq(new.text),
            inbound_mail::raw.eq(new.raw),
            inbound_mail::attachments.eq(attachments),
            inbound_mail::outcome.eq(settled.outcome.as_str()),
            inbound_mail::reason.eq(&settled.reason),
            inbound_mail::person_id.eq(settled.person_id),
            inbound_mail::ticket_number.eq(settled.ticket_number),
            inbound_mail::comment_id.eq(settled.comment_id),
            inbound_mail::received_at.eq(at),
        ))
        .returning(InboundRow::as_returning())
        .get_result(&mut { conn })
        .await?;
    row.try_into()
}

/// The message recorded under `message_id`, if one is.
pub async fn find_inbound(conn: &AsyncPgConnection, message_id: &str) -> AppResult<Option<Inbound>> {
    let row: Option<InboundRow> = inbound_mail::table
        .filter(inbound_mail::message_id.eq(message_id))
        .select(InboundRow::as_select())
        .first(&mut { conn })
        .await
        .optional()?;
    row.map(Inbound::try_from).transpose()
}

/// The original of a recorded message.
pub async fn raw(conn: &AsyncPgConnection, id: i64) -> AppResult<Option<Vec<u8>>> {
    Ok(inbound_mail::table.find(id).select(inbound_mail::raw).first(&mut { conn }).await.optional()?)
}

/// The original of held mail `id`, locked for this transaction; none if it is not held (any
/// more).
pub async fn held_for_update(conn: &AsyncPgConnection, id: i64) -> AppResult<Option<Vec<u8>>> {
    Ok(inbound_mail::table
        .find(id)
        .filter(inbound_mail::outcome.eq(Outcome::Held.as_str()))
        .select(inbound_mail::raw)
        .for_update()
        .first(&mut { conn })
        .await
        .optional()?)
}

/// Records what held mail `id` came to, released by `handled_by` `at`.
pub async fn settle(
    conn: &AsyncPgConnection,
    id: i64,
    settled: &Settled,
    handled_by: i64,
    at: DateTime<Utc>,
) -> AppResult<()> {
    diesel::update(inbound_mail::table.find(id))
        .set((
            inbound_mail::outcome.eq(settled.outcome.as_str()),
            inbound_mail::reason.eq(&settled.reason),
            inbound_mail::person_id.eq(settled.person_id),
            inbound_mail::ticket_number.eq(settled.ticket_number),
            inbound_mail::comment_id.eq(settled.comment_id),
            inbound_mail::handled_by.eq(handled_by),
            inbound_mail::handled_at.eq(at),
        ))
        .execute(&mut { conn })
        .await?;
    Ok(())
}

/// Messages waiting for staff, oldest first.
pub async fn held(conn: &AsyncPgConnection, limit: i64) -> AppResult<Vec<Inbound>> {
    let rows: Vec<InboundRow> = inbound_mail::table
        .filter(inbound_mail::outcome.eq(Outcome::Held.as_str()))
        .order(inbound_mail::received_at)
        .limit(limit)
        .select(InboundRow::as_select())
        .load(&mut { conn })
        .await?;
    rows.into_iter().map(Inbound::try_from).collect()
}

/// The ticket a message that arrived with one of `message_ids` belongs to: the newest such
/// message that reached a ticket.
pub async fn ticket_of_inbound(conn: &AsyncPgConnection, message_ids: &[String]) -> AppResult<Option<i64>> {
    if message_ids.is_empty() {
        return Ok(None);
    }
    Ok(inbound_mail::table
        .filter(inbound_mail::message_id.eq_any(message_ids))
        .filter(inbound_mail::ticket_number.is_not_null())
        .order(inbound_mail::id.desc())
        .select(inbound_mail::ticket_number)
        .first::<Option<i64>>(&mut { conn })
        .await
        .optional()?
        .flatten())
}

/// The Message-ID of the newest message from the requester's side that reached ticket
/// `number`, which Steward's next mail about it answers.
pub async fn latest_on_ticket(conn: &AsyncPgConnection, number: i64) -> AppResult<Option<String>> {
    Ok(inbound_mail::table
        .filter(inbound_mail::ticket_number.eq(number))
        .order(inbound_mail::id.desc())
        .select(inbound_mail::message_id)
        .first(&mut { conn })
        .await
        .optional()?)
}

/// What a queued mail is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MailKind {
    /// "We have your request" (the acknowledgement template), to a request that came by email.
    Acknowledgement,
    /// Support's public reply.
    Reply,
    /// Resolved: please confirm, or reopen.
    Resolved,
    /// Waiting on the requester's answer.
    Waiting,
    /// News a person chose to hear by email (a mention, an assignment...): never threaded into
    /// the ticket, so an answer to it is not a reply on the ticket.
    News,
    /// A page: production is down and the recipient is on call; it carries the one-click
    /// acknowledgement link. Never threaded either.
    Page,
}

impl MailKind {
    pub fn as_str(self) -> &'static str {
        match self {
            MailKind::Acknowledgement => "acknowledgement",
            MailKind::Reply => "reply",
            MailKind::Resolved => "resolved",
            MailKind::Waiting => "waiting",
            MailKind::News => "news",
            MailKind::Page => "page",
        }
    }

    fn parse(text: &str) -> Option<MailKind> {
        [
            MailKind::Acknowledgement,
            MailKind::Reply,
            MailKind::Resolved,
            MailKind::Waiting,
            MailKind::News,
            MailKind::Page,
        ]
        .into_iter()
        .find(|k| k.as_str() == text)
    }
}

/// A mail to queue.
pub struct NewMail<'a> {
    pub kind: MailKind,
    pub recipient: &'a str,
    pub recipient_name: &'a str,
    pub person_id: Option<i64>,
    pub about: About,
    pub subject: &'a str,
    pub body: &'a str,
    pub in_reply_to: Option<&'a str>,
    /// The page this mail pages someone for.
    pub page_id: Option<i64>,
    /// A path on Steward the mail's one action links to (a page's acknowledgement), made
    /// absolute when the mail is composed.
    pub action_path: Option<&'a str>,
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = outbox)]
struct MailRow {
    id: i64,
    kind: String,
    recipient: String,
    recipient_name: String,
    ticket_number: Option<i64>,
    incident_number: Option<i64>,
    subject: String,
    body: String,
    in_reply_to: Option<String>,
    attempts: i32,
    next_attempt_at: DateTime<Utc>,
    last_error: Option<String>,
    sent_at: Option<DateTime<Utc>>,
    created_at: DateTime<Utc>,
    action_path: Option<String>,
}

/// A queued mail, sent or not.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mail {
    pub id: i64,
    pub kind: MailKind,
    pub recipient: String,
    pub recipient_name: String,
    pub about: About,
    pub subject: String,
    pub body: String,
    pub in_reply_to: Option<String>,
    pub attempts: i32,
    pub next_attempt_at: DateTime<Utc>,
    pub last_error: Option<String>,
    pub sent_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    /// A path on Steward the mail's one action links to.
    pub action_path: Option<String>,
}

impl TryFrom<MailRow> for Mail {
    type Error = AppError;
    fn try_from(row: MailRow) -> AppResult<Mail> {
        Ok(Mail {
            id: row.id,
            kind: MailKind::parse(&row.kind).ok_or_else(|| unknown_value("outbox.kind", &row.kind))?,
            recipient: row.recipient,
            recipient_name: row.recipient_name,
            about: About::from_columns(row.ticket_number, row.incident_number)
                .ok_or_else(|| unknown_value("outbox.ticket_number", "none"))?,
            subject: row.subject,
            body: row.body,
            in_reply_to: row.in_reply_to,
            attempts: row.attempts,
            next_attempt_at: row.next_attempt_at,
            last_error: row.last_error,
            sent_at: row.sent_at,
            created_at: row.created_at,
            action_path: row.action_path,
        })
    }
}

/// Queues a mail written `at`, due at once.
pub async fn queue(conn: &AsyncPgConnection, mail: NewMail<'_>, at: DateTime<Utc>) -> AppResult<i64> {
    Ok(diesel::insert_into(outbox::table)
        .values((
            outbox::kind.eq(mail.kind.as_str()),
            outbox::recipient.eq(mail.recipient),
            outbox::recipient_name.eq(mail.recipient_name),
            outbox::person_id.eq(mail.person_id),
            outbox::ticket_number.eq(mail.about.ticket()),
            outbox::incident_number.eq(mail.about.incident()),
            outbox::page_id.eq(mail.page_id),
            outbox::action_path.eq(mail.action_path),
            outbox::subject.eq(mail.subject),
            outbox::body.eq(mail.body),
            outbox::in_reply_to.eq(mail.in_reply_to),
            outbox::next_attempt_at.eq(at),
            outbox::created_at.eq(at),
        ))
        .returning(outbox::id)
        .get_result(&mut { conn })
        .await?)
}

/// Whether a mail with `id` about ticket `number` is Steward's (a Message-ID it gave).
pub async fn is_ours(conn: &AsyncPgConnection, id: i64, number: i64) -> AppResult<bool> {
    let found: Option<i64> = outbox::table
        .find(id)
        .filter(outbox::ticket_number.eq(number))
        .select(outbox::id)
        .first(&mut { conn })
        .await
        .optional()?;
    Ok(found.is_some())
}

/// The notification channel that wakes every serving process's delivery of mail and webhooks.
pub const OUTBOX_CHANNEL: &str = "steward_outbox";

/// Wakes every serving process's delivery of mail and webhooks when this transaction commits,
/// so what it queued goes out at once rather than at the next poll (pages: a NOTIFY inside a
/// transaction orders commits, so only what is urgent and rare rings).
pub async fn wake_delivery(conn: &AsyncPgConnection) -> AppResult<()> {
    diesel::sql_query(format!("SELECT pg_notify('{OUTBOX_CHANNEL}', '')")).execute(&mut { conn }).await?;
    Ok(())
}

/// The next unsent mail due at `now` that no other transaction holds, locked for this one.
pub async fn claim(conn: &AsyncPgConnection, now: DateTime<Utc>) -> AppResult<Option<Mail>> {
    let row: Option<MailRow> = outbox::table
        .filter(outbox::sent_at.is_null())
        .filter(outbox::next_attempt_at.le(now))
        .order((outbox::next_attempt_at, outbox::id))
        .select(MailRow::as_select())
        .for_update()
        .skip_locked()
        .first(&mut { conn })
        .await
        .optional()?;
    row.map(Mail::try_from).transpose()
}

/// Marks a mail sent.
pub async fn sent(conn: &AsyncPgConnection, id: i64, at: DateTime<Utc>) -> AppResult<()> {
    diesel::update(outbox::table.find(id))
        .set((outbox::sent_at.eq(at), outbox::attempts.eq(outbox::attempts + 1), outbox::last_error.eq(None::<String>)))
        .execute(&mut { conn })
        .await?;
    Ok(())
}

/// Records a failed attempt and when to try again.
pub async fn failed(conn: &AsyncPgConnection, id: i64, error: &str, retry_at: DateTime<Utc>) -> AppResult<()> {
    diesel::update(outbox::table.find(id))
        .set((
            outbox::attempts.eq(outbox::attempts + 1),
            outbox::last_error.eq(error),
            outbox::next_attempt_at.eq(retry_at),
        ))
        .execute(&mut { conn })
        .await?;
    Ok(())
}

/// The outbox as admins read it: the newest `limit` mails, unsent and sent.
pub async fn latest(conn: &AsyncPgConnection, limit: i64) -> AppResult<Vec<Mail>> {
    let rows: Vec<MailRow> =
        outbox::table.order(outbox::id.desc()).limit(limit).select(MailRow::as_select()).load(&mut { conn }).await?;
    rows.into_iter().map(Mail::try_from).collect()
}

/// The mails about ticket `number`, oldest first.
pub async fn for_ticket(conn: &AsyncPgConnection, number: i64) -> AppResult<Vec<Mail>> {
    let rows: Vec<MailRow> = outbox::table
        .filter(outbox::ticket_number.eq(number))
        .order(outbox::id)
        .select(MailRow::as_select())
        .load(&mut { conn })
        .await?;
    rows.into_iter().map(Mail::try_from).collect()
}
