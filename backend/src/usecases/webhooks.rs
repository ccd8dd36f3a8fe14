//! Webhook use cases: admins register endpoints for kinds of events, remove them and send a
//! test; every change that is such an event queues a delivery to each endpoint that asked, in
//! the change's transaction; [`deliver_due`] posts them, signed, and keeps each answer. A
//! paging integration is an endpoint too: Steward's JSON for the page events, or PagerDuty's
//! Events API v2 ([`pagerduty_body`]: trigger, acknowledge and resolve for the endpoint's
//! routing key, deduplicated by the page).
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
use steward_domain::webhooks::{self, WebhookEvent, WebhookFormat};
use tokio_util::sync::CancellationToken;

use super::Core;
use crate::db::models::incidents::Incident;
use crate::db::models::tickets::Ticket;
use crate::db::models::webhooks::{self as rows, Delivery, NewWebhook, Webhook};
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

/// An endpoint an admin registers.
#[derive(Clone, Debug)]
pub struct Registration {
    pub url: String,
    pub events: Vec<String>,
    pub format: WebhookFormat,
    /// PagerDuty's routing key (that format only).
    pub routing_key: String,
}

/// Registers an endpoint; every problem is named at once.
pub async fn register(core: &Core, who: &Principal, registration: Registration) -> AppResult<Webhook> {
    admin_only(who)?;
    let Registration { url, events, format, routing_key } = registration;
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
    for event in &events {
        match WebhookEvent::parse(event) {
            Some(known) if !format.takes(known) => errors.push(FieldError::new(
                "events",
                format!("PagerDuty takes only page.triggered, page.acknowledged and page.ended, not {event}."),
            )),
            Some(known) if !chosen.iter().any(|c| c == known.as_str()) => chosen.push(known.as_str().to_owned()),
            Some(_) => {}
            None => errors.push(FieldError::new("events", format!("\"{event}\" is not an event Steward sends."))),
        }
    }
    if chosen.is_empty() && errors.iter().all(|e| e.field != "events") {
        errors.push(FieldError::new("events", "Choose at least one event to send."));
    }
    let routing_key = routing_key.trim();
    let routing_key = match format {
        WebhookFormat::PagerDuty => {
            if let Some(problem) = webhooks::routing_key_problem(routing_key) {
                errors.push(FieldError::new("routing_key", problem));
            }
            Some(routing_key)
        }
        WebhookFormat::Steward => None,
    };
    if !errors.is_empty() {
        return Err(AppError::InvalidArgument(errors));
    }
    let conn = core.pool.get().await?;
    let secret = crate::credentials::new_secret();
    let new = NewWebhook { url, secret: &secret, events: &chosen, format, routing_key, created_by: who.person_id };
    let webhook = rows::insert(&conn, new, core.now()).await?;
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
    let about = ticket_json(ticket);
    let what = match change {
        TicketEvent::Transitioned { from, to, .. } | TicketEvent::RequesterReplied { from, to } => {
            json!({ "from": from.as_str(), "to": to.as_str() })
        }
        TicketEvent::Created { state, .. } => json!({ "state": state.as_str() }),
        TicketEvent::Commented { comment_id, .. } => json!({ "comment_id": comment_id }),
        _ => json!({}),
    };
    let body = json!({ "event": event.as_str(), "occurred_at": at.to_rfc3339(), "ticket": about, "change": what });
    rows::enqueue(conn, event.as_str(), &body.to_string(), None, at).await?;
    Ok(())
}

/// What every event says of a ticket: never a confidential ticket's title.
pub(crate) fn ticket_json(ticket: &Ticket) -> serde_json::Value {
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
    about
}

/// What every event says of an incident.
pub(crate) fn incident_json(incident: &Incident) -> serde_json::Value {
    json!({
        "number": incident.number,
        "title": incident.title,
        "severity": incident.severity.as_str(),
        "phase": incident.phase.as_str(),
        "path": format!("/incidents/{}", incident.number),
    })
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
    let mut about = incident_json(incident);
    if let Some(update) = update {
        about["update"] = json!(update);
    }
    let body = json!({ "event": event.as_str(), "occurred_at": at.to_rfc3339(), "incident": about });
    rows::enqueue(conn, event.as_str(), &body.to_string(), None, at).await?;
    Ok(())
}

/// A signed request, ready to post.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Signed {
    pub url: String,
    pub headers: Vec<(&'static str, String)>,
    pub body: String,
}

/// The request of `delivery` to `webhook`, sent at `timestamp`: Steward's signed JSON, or
/// PagerDuty's event (its links made absolute with `origin`, Steward's public address).
pub fn sign(webhook: &Webhook, delivery: &Delivery, timestamp: i64, origin: &str) -> Signed {
    if let (WebhookFormat::PagerDuty, Some(key)) = (webhook.format(), webhook.routing_key.as_deref()) {
        return Signed {
            url: webhook.url.clone(),
            headers: vec![
                ("content-type", "application/json".to_owned()),
                ("x-steward-delivery", delivery.id.to_string()),
            ],
            body: pagerduty_body(&delivery.event, &delivery.body, key, delivery.id, origin).to_string(),
        };
    }
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

/// A delivery as PagerDuty's Events API v2 takes it, from the page event Steward describes
/// (`body`): a trigger with the page's summary, links and who was paged, or an acknowledge or
/// resolve of the same `dedup_key` (`steward-page-<id>`). The test an admin sends is a trigger
/// of its own key, at severity info.
pub fn pagerduty_body(event: &str, body: &str, routing_key: &str, delivery_id: i64, origin: &str) -> serde_json::Value {
    let described: serde_json::Value = serde_json::from_str(body).unwrap_or_default();
    let page = &described["page"];
    let action = WebhookEvent::parse(event).and_then(WebhookEvent::pagerduty_action);
    let dedup_key = match page["id"].as_i64() {
        Some(id) => format!("steward-page-{id}"),
        None => format!("steward-test-{delivery_id}"),
    };
    match action {
        Some(action @ ("acknowledge" | "resolve")) => {
            json!({ "routing_key": routing_key, "event_action": action, "dedup_key": dedup_key })
        }
        _ => {
            let test = action.is_none();
            let summary: String = if test {
                "Test event from Steward: nothing is down. Resolve it in PagerDuty.".to_owned()
            } else {
                page["summary"].as_str().unwrap_or("Production down").chars().take(1024).collect()
            };
            let url = page["path"].as_str().map(|path| format!("{origin}{path}")).unwrap_or_default();
            let source = url::Url::parse(origin).ok().and_then(|u| u.host_str().map(str::to_owned));
            let paged: Vec<&str> =
                page["paged"].as_array().into_iter().flatten().filter_map(|p| p["name"].as_str()).collect();
            let mut trigger = json!({
                "routing_key": routing_key,
                "event_action": "trigger",
                "dedup_key": dedup_key,
                "payload": {
                    "summary": summary,
                    "source": source.unwrap_or_else(|| "steward".to_owned()),
                    "severity": if test { "info" } else { "critical" },
                    "timestamp": described["occurred_at"],
                    "component": page["about"],
                    "custom_details": { "level": page["level"], "paged": paged },
                },
                "client": "Steward",
            });
            if !url.is_empty() {
                trigger["client_url"] = json!(url);
                trigger["links"] = json!([{ "href": url, "text": "Open in Steward" }]);
            }
            trigger
        }
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
            let signed = sign(&webhook, &delivery, core.now().timestamp(), &core.mail.link_origin);
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

/// Delivers due webhooks every `every`, and at once when something urgent is queued (the live
/// hub's outbox bell: a page), until `stop` is cancelled.
pub async fn run_delivery(core: Core, poster: impl Poster, every: Duration, stop: CancellationToken) {
    let mut bell = core.live.outbox_bell();
    loop {
        if let Err(error) = deliver_due(&core, &poster).await {
            tracing::warn!(%error, "webhook deliveries could not be read; delivery tries again");
        }
        tokio::select! {
            () = tokio::time::sleep(every) => {}
            _ = bell.changed() => {}
            () = stop.cancelled() => return,
        }
    }
}
