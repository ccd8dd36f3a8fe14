//! `steward.v1.MailService`: the outbox (admins) and the mail that waits for staff.

use steward_proto::v1 as pb;
use steward_proto::v1::mail_service_server::MailService;
use tonic::{Request, Response, Status};

use crate::AppState;
use crate::auth::caller;
use crate::convert::timestamp;
use crate::db::models::mail::{self as mail_rows, MailKind};
use crate::error::AppError;
use crate::usecases::mail::Release;
use crate::{email, usecases};

/// The mail service.
pub struct MailApi {
    pub state: AppState,
}

/// Mails admins see in the outbox.
const OUTBOX_SHOWN: i64 = 100;
/// Held mails staff see at once.
const HELD_SHOWN: i64 = 100;

fn kind_words(kind: MailKind) -> &'static str {
    match kind {
        MailKind::Acknowledgement => "Acknowledgement",
        MailKind::Reply => "Reply",
        MailKind::Resolved => "Resolved",
        MailKind::Waiting => "Waiting on you",
        MailKind::News => "News",
        MailKind::Page => "Page",
    }
}

#[tonic::async_trait]
impl MailService for MailApi {
    async fn list_outbox(
        &self,
        request: Request<pb::ListOutboxRequest>,
    ) -> Result<Response<pb::ListOutboxResponse>, Status> {
        let caller = caller(&request)?;
        if !steward_domain::authz::can_configure(caller.signed_in()?) {
            return Err(AppError::PermissionDenied("Only an admin reads the outbox.").into());
        }
        let conn = self.state.core.pool.get().await.map_err(AppError::from)?;
        let mails = mail_rows::latest(&conn, OUTBOX_SHOWN).await?;
        Ok(Response::new(pb::ListOutboxResponse {
            mails: mails
                .into_iter()
                .map(|mail| (usecases::mail::compose(&self.state.core.mail, &mail).text, mail))
                .map(|(text, mail)| pb::OutboxMail {
                    id: mail.id,
                    kind: kind_words(mail.kind).to_owned(),
                    recipient: mail.recipient,
                    recipient_name: mail.recipient_name,
                    ticket_number: mail.about.ticket(),
                    incident_number: mail.about.incident(),
                    subject: mail.subject,
                    body: text,
                    attempts: mail.attempts,
                    last_error: mail.last_error,
                    created_at: Some(timestamp(mail.created_at)),
                    next_attempt_at: Some(timestamp(mail.next_attempt_at)),
                    sent_at: mail.sent_at.map(timestamp),
                })
                .collect(),
            sending: self.state.config.mail.smtp_url.is_some(),
        }))
    }

    async fn list_held_mail(
        &self,
        request: Request<pb::ListHeldMailRequest>,
    ) -> Result<Response<pb::ListHeldMailResponse>, Status> {
        let caller = caller(&request)?;
        if !steward_domain::authz::can_manage_tickets(caller.signed_in()?) {
            return Err(AppError::PermissionDenied("Only the support team sees held mail.").into());
        }
        let conn = self.state.core.pool.get().await.map_err(AppError::from)?;
        let held = mail_rows::held(&conn, HELD_SHOWN).await?;
        Ok(Response::new(pb::ListHeldMailResponse {
            mails: held
                .into_iter()
                .map(|mail| pb::HeldMail {
                    id: mail.id,
                    from_address: mail.from_address,
                    from_name: mail.from_name,
                    subject: mail.subject,
                    text: mail.text,
                    reason: mail.reason,
                    attachments: mail
                        .attachments
                        .into_iter()
                        .map(|a| pb::Attachment { name: a.name, content_type: a.content_type, bytes: a.bytes as u64 })
                        .collect(),
                    received_at: Some(timestamp(mail.received_at)),
                })
                .collect(),
        }))
    }

    async fn release_held_mail(
        &self,
        request: Request<pb::ReleaseHeldMailRequest>,
    ) -> Result<Response<pb::ReleaseHeldMailResponse>, Status> {
        let caller = caller(&request)?;
        let who = caller.signed_in()?;
        let message = request.get_ref();
        let release = match &message.release {
            Some(pb::release_held_mail_request::Release::TakeIn(take_in)) => {
                Release::TakeIn { email: take_in.email.trim().to_owned(), community_id: take_in.community_id }
            }
            Some(pb::release_held_mail_request::Release::Discard(true)) => Release::Discard,
            _ => {
                return Err(
                    AppError::invalid("release", "Choose a person to take the mail in as, or discard it.").into()
                );
            }
        };
        let max_bytes = self.state.config.mail.max_bytes;
        let receipt = usecases::mail::release_held(&self.state.core, who, message.id, release, |raw| {
            email::parse(raw, max_bytes)
        })
        .await?;
        Ok(Response::new(pb::ReleaseHeldMailResponse {
            outcome: receipt.outcome.as_str().to_owned(),
            ticket_number: receipt.ticket_number,
            reason: receipt.reason,
        }))
    }
}
