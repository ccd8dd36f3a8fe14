//! Webhook use cases: admins register endpoints for kinds of events, remove them and send a
//! test; every change that is such an event queues a delivery to each endpoint that asked, in
//! the change's transaction; [`deliver_due`] posts them, signed, and keeps each answer.
//!
//! A delivery is a JSON body with the headers `X-Steward-Event`, `X-Steward-Delivery` (its
//! id, the same on every retry: receivers drop repeats by it), `X-Steward-Timestamp` (Unix
//! seconds) and `X-Steward-Signature: sha256=<hex>`, the HMAC-SHA256 of
//! `"{timestamp}.{body}"` with the endpoint's secret. A 2xx answer delivers it; anything else is
//! tried again after 1, 2, 4... minutes (at most an hour) until [`MAX_ATTEMPTS`]. A body says
//! only what its event promises: a confidential ticket's title is left out, an internal note
//! is never an event.

use std::future::Future;
use std::time::Duration;

use chrono::{DateTime, Utc};
use diesel_async::AsyncPgConnection;
use hmac::{Hmac, Mac};
use serde_json::json;
use sha2::Sha256;
use steward_domain::events::TicketEvent;
use steward_domain::facts::Principal;
use steward_domain::intake::FieldError;
use steward_domain::webhooks::{self, WebhookEvent};
use tokio_util::sync::CancellationToken;

use super::Core;
use crate::db::models::incidents::Incident;
use crate::db::models::tickets::Ticket;
use crate::db::models::webhooks::{self as rows, Delivery, Webhook};
use crate::error::{AppError, AppResult};

/// How many times a delivery is tried before Steward gives up on it.
pub const MAX_ATTEMPTS: i32 = 15;
/// Deliveries of one endpoint an admin sees.
pub const LOG_SHOWN: i64 = 20;

fn admin_only(who: &Principal) -> AppResult<()> {
    if steward_domain::authz::can_configure(who) {
        Ok(())
    } else {
        Err(AppError::PermissionDenied("Only an admin manages webhooks."))
    }
}

/// Registers an endpoint for `events`; every problem is named at once.
pub async fn register(core: &Core, who: &Principal, url: &str, events: &[String]) -> AppResult<Webhook> {
    admin_only(who)?;
    let mut errors = Vec::new();
    let url = url.trim();
    match url::Url::parse(url) {
        Ok(parsed) => {
            let credentials = !parsed.username().is_empty() || parsed.password().is_some();
            let host = parsed.host_str().unwrap_or_default();
            if let Some(problem) = webhooks::endpoint_problem(parsed.scheme(), host, credentials) {
                errors.push(FieldError::new("url", problem));
            }
        }
        Err(_) => errors.push(FieldError::new(
            "url",
            "Give the endpoint's full address, such as https://hooks.example.org/steward.",
        )),
    }
    let mut chosen: Vec<String> = Vec::new();
    for event in events {
        match WebhookEvent::parse(event) {
            Some(known) if !chosen.iter().any(|c| c == known.as_str()) => chosen.push(known.as_str().to_owned()),
            Some(_) => {}
            None => errors.push(FieldError::new("events", format!("\"{event}\" is not an event Steward sends."))),
        }
    }
    if chosen.is_empty() && errors.iter().all(|e| e.field != "events") {
        errors.push(FieldError::new("events", "Choose at least one event to send."));
    }
    if !errors.is_empty() {
        return Err(AppError::InvalidArgument(errors));
    }
    let conn = core.pool.get().await?;
    let secret = crate::credentials::new_secret();
    let webhook = rows::insert(&conn, url, &secret, &chosen, who.person_id, core.now()).await?;
    tracing::info!(id = webhook.id, url, "webhook registered");
    Ok(webhook)
}

/// Removes an endpoint (and what it had not been sent).
pub async fn remove(core: &Core, who: &Principal, id: i64) -> AppResult<()> {
    admin_only(who)?;
    let conn = core.pool.get().await?;
    if rows::delete(&conn, id).await? { Ok(()) } else { Err(AppError::NotFound("webhook")) }
}

/// Queues a `ping` to one endpoint, delivered like every other.
pub async fn send_test(core: &Core, who: &Principal, id: i64) -> AppResult<Delivery> {
    admin_only(who)?;
    let conn = core.pool.get().await?;
    let now = core.now();
    rows::find(&conn, id).await?.ok_or(AppError::NotFound("webhook"))?;
    let body =
        json!({ "event": "ping", "webhook_id": id, "occurred_at": now.to_rfc3339(), "sent_by": who.display_name });
    rows::enqueue_for(&conn, id, "ping", &body.to_string(), now).await
}

/// Queues the webhook event a ticket change is, if it is one, for every endpoint that asked.
pub(crate) async fn ticket_changed(
    conn: &AsyncPgConnection,
    ticket: &Ticket,
    change: &TicketEvent,
    at: DateTime<Utc>,
) -> AppResult<()> {
    let Some(event) = WebhookEvent::of_ticket_event(change) else { return Ok(()) };
    let mut about = json!({
        "number": ticket.number,
        "community_id": ticket.community_id,
        "request_type": ticket.request_type.as_str(),
        "priority": ticket.priority.as_str(),
        "confidential": ticket.confidential,
        "path": format!("/tickets/{}", ticket.number),
    });
    if !ticket.confidential {
        about["title"] = json!(ticket.title);
    }
    let what = match change {
        TicketEvent::Transitioned { from, to, .. } | TicketEvent::RequesterReplied { from, to } => {
            json!({ "from": from.as_str(), "to": to.as_str() })
        }
        TicketEvent::Created { state, .. } => json!({ "state": state.as_str() }),
        TicketEvent::Commented { comment_id, .. } => json!({ "comment_id": comment_id }),
        _ => json!({}),
    };
    let body = json!({ "event": event.as_str(), "occurred_at": at.to_rfc3339(), "ticket": about, "change": what });
    rows::enqueue(conn, event.as_str(), &body.to_string(), at).await?;
    Ok(())
}

/// Queues an incident event (declared, a public update, resolved) for every endpoint that
/// asked.
pub(crate) async fn incident_changed(
    conn: &AsyncPgConnection,
    incident: &Incident,
    event: WebhookEvent,
    update: Option<&str>,
    at: DateTime<Utc>,
) -> AppResult<()> {
    let mut about = json!({
        "number": incident.number,
        "title": incident.title,
        "severity": incident.severity.as_str(),
        "phase": incident.phase.as_str(),
        "path": format!("/incidents/{}", incident.number),
    });
    if let Some(update) = update {
        about["update"] = json!(update);
    }
    let body = json!({ "event": event.as_str(), "occurred_at": at.to_rfc3339(), "incident": about });
    rows::enqueue(conn, event.as_str(), &body.to_string(), at).await?;
    Ok(())
}

/// A signed request, ready to post.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Signed {
    pub url: String,
    pub headers: Vec<(&'static str, String)>,
    pub body: String,
}

/// The headers of `delivery` to `webhook`, sent at `timestamp`.
pub fn sign(webhook: &Webhook, delivery: &Delivery, timestamp: i64) -> Signed {
    let content = webhooks::signed_content(timestamp, &delivery.body);
    let signature = match Hmac::<Sha256>::new_from_slice(webhook.secret.as_bytes()) {
        Ok(mut mac) => {
            mac.update(content.as_bytes());
            mac.finalize().into_bytes().iter().map(|b| format!("{b:02x}")).collect::<String>()
        }
        // HMAC takes a key of any length; this cannot happen.
        Err(_) => String::new(),
    };
    Signed {
        url: webhook.url.clone(),
        headers: vec![
            ("content-type", "application/json".to_owned()),
            ("x-steward-event", delivery.event.clone()),
            ("x-steward-delivery", delivery.id.to_string()),
            ("x-steward-timestamp", timestamp.to_string()),
            ("x-steward-signature", format!("sha256={signature}")),
        ],
        body: delivery.body.clone(),
    }
}

/// Posts a signed request.
pub trait Poster: Sync {
    /// The answer's HTTP status, or why there was none.
    fn post(&self, request: &Signed) -> impl Future<Output = Result<u16, String>> + Send;
}

/// Posts every delivery due now, one transaction each; returns how many were delivered.
pub async fn deliver_due(core: &Core, poster: &impl Poster) -> AppResult<usize> {
    let cutoff = core.now();
    let mut delivered = 0;
    loop {
        let mut conn = core.pool.get().await?;
        let outcome = diesel_async::AsyncConnection::transaction(&mut conn, async |conn| {
            let Some((delivery, webhook)) = rows::claim(conn, cutoff).await? else { return Ok::<_, AppError>(None) };
            let signed = sign(&webhook, &delivery, core.now().timestamp());
            let answer = poster.post(&signed).await;
            let now = core.now();
            let attempts = delivery.attempts + 1;
            let retry_at = if attempts >= MAX_ATTEMPTS {
                now + chrono::Duration::days(36_500)
            } else {
                now + super::mail::retry_after(delivery.attempts)
            };
            let ok = match &answer {
                Ok(status) if (200..300).contains(status) => {
                    rows::attempted(conn, delivery.id, Some(i32::from(*status)), None, Some(now), now).await?;
                    true
                }
                Ok(status) => {
                    let error = format!("the endpoint answered {status}");
                    rows::attempted(conn, delivery.id, Some(i32::from(*status)), Some(&error), None, retry_at).await?;
                    false
                }
                Err(error) => {
                    rows::attempted(conn, delivery.id, None, Some(error), None, retry_at).await?;
                    false
                }
            };
            if !ok {
                tracing::warn!(id = delivery.id, url = webhook.url.as_str(), ?answer, "a webhook delivery failed");
            }
            Ok(Some(ok))
        })
        .await?;
        match outcome {
            None => return Ok(delivered),
            Some(true) => delivered += 1,
            Some(false) => {}
        }
    }
}

/// Delivers due webhooks every `every` until `stop` is cancelled.
pub async fn run_delivery(core: Core, poster: impl Poster, every: Duration, stop: CancellationToken) {
    loop {
        if let Err(error) = deliver_due(&core, &poster).await {
            tracing::warn!(%error, "webhook deliveries could not be read; delivery tries again");
        }
        tokio::select! {
            () = tokio::time::sleep(every) => {}
            () = stop.cancelled() => return,
        }
    }
}
