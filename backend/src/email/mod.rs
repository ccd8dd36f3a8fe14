//! The email channel: a message as it arrives (MIME, parsed by `mail-parser`; piped to
//! `steward mail receive` or fetched from IMAP, [`imap`]) becomes the input of
//! `usecases::mail::receive`, and a mail Steward composed goes out through SMTP (`lettre`).
//! Nothing here decides anything: the rules are `steward_domain::mail`'s and the use cases'.

pub mod imap;

use lettre::message::header::{HeaderName, HeaderValue};
use lettre::message::{Mailbox, MultiPart};
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};
use mail_parser::{MessageParser, MimeHeaders};
use sha2::{Digest, Sha256};

use crate::db::models::mail::AttachmentInfo;
use crate::error::{AppError, AppResult};
use crate::usecases::mail::{Incoming, Outgoing, SendFailure, Sender};

/// The longest Message-ID kept as it is (a header line's limit, RFC 5322).
const MESSAGE_ID_MAX_BYTES: usize = 900;

/// What a raw message says, for the use case: addresses, subject, text, threading and the
/// headers machines set. Refuses what is not a mail message at all, or one larger than
/// `max_bytes`.
pub fn parse(raw: &[u8], max_bytes: usize) -> AppResult<Incoming> {
    if raw.len() > max_bytes {
        return Err(AppError::invalid(
            "message",
            format!("The message is {} KiB; Steward takes messages up to {} KiB.", raw.len() / 1024, max_bytes / 1024),
        ));
    }
    let message = MessageParser::default()
        .parse(raw)
        .filter(|m| m.from().is_some() || m.subject().is_some())
        .ok_or_else(|| AppError::invalid("message", "This is not an email message (no From or Subject header)."))?;
    let from = message.from().and_then(|address| address.first());
    let from_address = from.and_then(|a| a.address()).unwrap_or_default().trim().to_lowercase();
    if from_address.is_empty() {
        return Err(AppError::invalid("message", "The message has no sender address (From)."));
    }
    let from_name = steward_domain::mail::one_line(from.and_then(|a| a.name()).unwrap_or_default());
    // PostgreSQL text holds no NUL: a message carrying one is still taken in, without it.
    let text_of = |text: &str| text.replace('\0', "");
    let to = message
        .to()
        .into_iter()
        .chain(message.cc())
        .flat_map(|address| address.iter())
        .filter_map(|a| a.address())
        .map(|a| a.trim().to_lowercase())
        .collect();
    let message_id = match message.message_id().map(|id| steward_domain::mail::one_line(&text_of(id))) {
        Some(id) if !id.is_empty() && id.len() <= MESSAGE_ID_MAX_BYTES => format!("<{id}>"),
        // Too long to be one: kept by what it says, so the same message is still recorded once.
        Some(id) if !id.is_empty() => format!("<sha256-{:x}@steward.invalid>", Sha256::digest(id.as_bytes())),
        // No Message-ID: one from the content, for the same reason.
        _ => format!("<sha256-{:x}@steward.invalid>", Sha256::digest(raw)),
    };
    // The text part, or the HTML part as text when there is no text part.
    let text = message.body_text(0).map(|text| text_of(&text)).unwrap_or_default();
    let mut replying_to: Vec<String> = Vec::new();
    for header in [message.in_reply_to(), message.references()] {
        let ids = header.as_text_list().map(|list| list.to_vec()).or_else(|| header.as_text().map(|t| vec![t.into()]));
        for id in ids.unwrap_or_default().iter().rev() {
            let id = format!("<{}>", id.trim().trim_start_matches('<').trim_end_matches('>'));
            if id.len() <= MESSAGE_ID_MAX_BYTES + 2 && !id.contains(['\0', '\r', '\n']) && !replying_to.contains(&id) {
                replying_to.push(id);
            }
        }
    }
    let raw_header = |name: &str| message.header_raw(name).map(|value| value.trim().to_owned());
    // (`X-Auto-Response-Suppress` asks the receiver not to answer automatically; Outlook sends
    // it on ordinary mail, so it says nothing about who wrote this one.)
    let autoreply_header = raw_header("X-Autoreply").is_some() || raw_header("X-Autorespond").is_some();
    let content_type = message.content_type().map(|t| match t.subtype() {
        Some(subtype) => format!("{}/{subtype}", t.ctype()),
        None => t.ctype().to_owned(),
    });
    let attachments = message
        .attachments()
        .map(|part| AttachmentInfo {
            name: part.attachment_name().map(steward_domain::mail::one_line).unwrap_or_else(|| "unnamed".to_owned()),
            content_type: part
                .content_type()
                .map(|t| format!("{}/{}", t.ctype(), t.subtype().unwrap_or("octet-stream")))
                .unwrap_or_else(|| "application/octet-stream".to_owned()),
            bytes: part.len(),
        })
        .collect();
    Ok(Incoming {
        message_id,
        from_address,
        from_name,
        to,
        subject: text_of(message.subject().unwrap_or_default()),
        text,
        replying_to,
        auto_submitted: raw_header("Auto-Submitted"),
        precedence: raw_header("Precedence"),
        x_loop: raw_header("X-Loop"),
        autoreply_header,
        return_path: raw_header("Return-Path"),
        content_type,
        attachments,
        authentication_results: message
            .headers_raw()
            .filter(|(name, _)| name.eq_ignore_ascii_case("Authentication-Results"))
            .map(|(_, value)| value.trim().to_owned())
            .collect(),
        raw: raw.to_vec(),
    })
}

/// Sends through an SMTP server (`STEWARD_SMTP_URL`).
#[derive(Clone)]
pub struct Smtp {
    transport: AsyncSmtpTransport<Tokio1Executor>,
}

impl Smtp {
    /// A sender for `url` (`smtp://host:port`, `smtps://user:pass@host`, with `?tls=required`
    /// for STARTTLS).
    pub fn new(url: &str) -> anyhow::Result<Smtp> {
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
            .map_err(|e| anyhow::anyhow!("STEWARD_SMTP_URL: {e}"))?
            .timeout(Some(std::time::Duration::from_secs(30)))
            .build();
        Ok(Smtp { transport })
    }
}

/// `mail` as a MIME message: text and HTML alternatives, threading headers, and the headers
/// that keep other systems from answering it automatically.
pub fn to_message(mail: &Outgoing) -> Result<lettre::Message, String> {
    let mailbox = |name: &str, address: &str| -> Result<Mailbox, String> {
        let address = address.parse().map_err(|e| format!("the address {address} is not valid: {e}"))?;
        Ok(Mailbox::new((!name.is_empty()).then(|| name.to_owned()), address))
    };
    let from = mailbox(&mail.from_name, &mail.from_address)?;
    let mut builder = lettre::Message::builder()
        .from(from.clone())
        .reply_to(from)
        .to(mailbox(&mail.to_name, &mail.to_address)?)
        .subject(mail.subject.clone())
        .message_id(Some(mail.message_id.clone()));
    if !mail.references.is_empty() {
        builder = builder.references(mail.references.join(" "));
    }
    if let Some(answering) = &mail.in_reply_to {
        builder = builder.in_reply_to(answering.clone());
    }
    let mut message = builder
        .multipart(MultiPart::alternative_plain_html(mail.text.clone(), mail.html.clone()))
        .map_err(|e| format!("the mail could not be composed: {e}"))?;
    let headers = message.headers_mut();
    if mail.automatic {
        // RFC 3834: nobody wrote it, so nobody's system should answer it.
        headers.insert_raw(HeaderValue::new(
            HeaderName::new_from_ascii_str("Auto-Submitted"),
            "auto-generated".to_owned(),
        ));
    }
    headers.insert_raw(HeaderValue::new(HeaderName::new_from_ascii_str("X-Loop"), mail.from_address.clone()));
    headers.insert_raw(HeaderValue::new(HeaderName::new_from_ascii_str("X-Auto-Response-Suppress"), "All".to_owned()));
    if let Some(preferences) = &mail.preferences {
        // Mail clients offer it as "unsubscribe": it opens where the person chooses what to hear.
        headers.insert_raw(HeaderValue::new(
            HeaderName::new_from_ascii_str("List-Unsubscribe"),
            format!("<{preferences}>"),
        ));
    }
    Ok(message)
}

impl Sender for Smtp {
    async fn send(&self, mail: &Outgoing) -> Result<(), SendFailure> {
        let message = to_message(mail).map_err(|message| SendFailure { message, permanent: true })?;
        self.transport.send(message).await.map(|_| ()).map_err(|e| SendFailure {
            permanent: e.is_permanent(),
            message: if e.is_permanent() {
                format!("the mail server refused it: {e}")
            } else {
                format!("the mail server refused for now or could not be reached: {e}")
            },
        })
    }
}
