//! Webhook endpoints and their deliveries: a delivery is written, for every endpoint that asked
//! for its event, in the transaction of the change (one statement, pipelined with the event);
//! delivery claims due rows with `FOR UPDATE SKIP LOCKED` and keeps each attempt's answer.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Nullable, Text, Timestamptz};
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use steward_domain::webhooks::WebhookFormat;

use crate::db::schema::{webhook_deliveries, webhooks};
use crate::error::AppResult;

/// An endpoint as stored.
#[derive(Clone, Debug, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = webhooks)]
pub struct Webhook {
    pub id: i64,
    pub url: String,
    pub secret: String,
    /// The events it asked for (a PostgreSQL array, whose elements may be NULL to the type
    /// system: never here).
    pub events: Vec<Option<String>>,
    pub created_by: Option<i64>,
    pub created_at: DateTime<Utc>,
    /// "steward" or "pagerduty" (`steward_domain::webhooks::WebhookFormat`).
    pub format: String,
    /// PagerDuty's routing key, for that format.
    pub routing_key: Option<String>,
}

impl Webhook {
    /// The events it asked for.
    pub fn event_names(&self) -> Vec<&str> {
        self.events.iter().flatten().map(String::as_str).collect()
    }

    /// What it is sent (Steward's JSON for a value this build does not know).
    pub fn format(&self) -> WebhookFormat {
        WebhookFormat::parse(&self.format).unwrap_or(WebhookFormat::Steward)
    }
}

/// An endpoint to register.
pub struct NewWebhook<'a> {
    pub url: &'a str,
    pub secret: &'a str,
    pub events: &'a [String],
    pub format: WebhookFormat,
    pub routing_key: Option<&'a str>,
    pub created_by: i64,
}

/// A delivery as stored, with its endpoint's address and key.
#[derive(Clone, Debug, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = webhook_deliveries)]
pub struct Delivery {
    pub id: i64,
    pub webhook_id: i64,
    pub event: String,
    pub body: String,
    pub attempts: i32,
    pub next_attempt_at: DateTime<Utc>,
    pub last_status: Option<i32>,
    pub last_error: Option<String>,
    pub delivered_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    /// The page it tells of, if it does.
    pub page_id: Option<i64>,
}

pub async fn list(conn: &AsyncPgConnection) -> AppResult<Vec<Webhook>> {
    Ok(webhooks::table.order(webhooks::id).select(Webhook::as_select()).load(&mut { conn }).await?)
}

pub async fn find(conn: &AsyncPgConnection, id: i64) -> AppResult<Option<Webhook>> {
    Ok(webhooks::table.find(id).select(Webhook::as_select()).first(&mut { conn }).await.optional()?)
}

pub async fn insert(conn: &AsyncPgConnection, new: NewWebhook<'_>, at: DateTime<Utc>) -> AppResult<Webhook> {
    Ok(diesel::insert_into(webhooks::table)
        .values((
            webhooks::url.eq(new.url),
            webhooks::secret.eq(new.secret),
            webhooks::events.eq(new.events.iter().map(|e| Some(e.as_str())).collect::<Vec<_>>()),
            webhooks::created_by.eq(new.created_by),
            webhooks::created_at.eq(at),
            webhooks::format.eq(new.format.as_str()),
            webhooks::routing_key.eq(new.routing_key),
        ))
        .returning(Webhook::as_returning())
        .get_result(&mut { conn })
        .await?)
}

/// Removes an endpoint and its deliveries; whether there was one.
pub async fn delete(conn: &AsyncPgConnection, id: i64) -> AppResult<bool> {
    Ok(diesel::delete(webhooks::table.find(id)).execute(&mut { conn }).await? > 0)
}

/// Queues `body` for every endpoint that asked for `event` (about page `page_id`, if any), due
/// at once; how many.
pub async fn enqueue(
    conn: &AsyncPgConnection,
    event: &str,
    body: &str,
    page_id: Option<i64>,
    at: DateTime<Utc>,
) -> AppResult<usize> {
    Ok(diesel::sql_query(
        "INSERT INTO webhook_deliveries (webhook_id, event, body, page_id, next_attempt_at, created_at) \
         SELECT id, $1, $2, $3, $4, $4 FROM webhooks WHERE $1 = ANY (events)",
    )
    .bind::<Text, _>(event)
    .bind::<Text, _>(body)
    .bind::<Nullable<BigInt>, _>(page_id)
    .bind::<Timestamptz, _>(at)
    .execute(&mut { conn })
    .await?)
}

/// The deliveries of the page `page_id`, oldest first, each with its endpoint.
pub async fn of_page(conn: &AsyncPgConnection, page_id: i64) -> AppResult<Vec<(Delivery, Webhook)>> {
    Ok(webhook_deliveries::table
        .inner_join(webhooks::table)
        .filter(webhook_deliveries::page_id.eq(page_id))
        .order(webhook_deliveries::id)
        .select((Delivery::as_select(), Webhook::as_select()))
        .load(&mut { conn })
        .await?)
}

/// Queues `body` for one endpoint (the test an admin sends).
pub async fn enqueue_for(
    conn: &AsyncPgConnection,
    webhook_id: i64,
    event: &str,
    body: &str,
    at: DateTime<Utc>,
) -> AppResult<Delivery> {
    Ok(diesel::insert_into(webhook_deliveries::table)
        .values((
            webhook_deliveries::webhook_id.eq(webhook_id),
            webhook_deliveries::event.eq(event),
            webhook_deliveries::body.eq(body),
            webhook_deliveries::next_attempt_at.eq(at),
            webhook_deliveries::created_at.eq(at),
        ))
        .returning(Delivery::as_returning())
        .get_result(&mut { conn })
        .await?)
}

/// The next delivery due at `cutoff` that no other transaction holds, with its endpoint.
pub async fn claim(conn: &AsyncPgConnection, cutoff: DateTime<Utc>) -> AppResult<Option<(Delivery, Webhook)>> {
    let delivery: Option<Delivery> = webhook_deliveries::table
        .filter(webhook_deliveries::delivered_at.is_null())
        .filter(webhook_deliveries::next_attempt_at.le(cutoff))
        .order((webhook_deliveries::next_attempt_at, webhook_deliveries::id))
        .select(Delivery::as_select())
        .for_update()
        .skip_locked()
        .first(&mut { conn })
        .await
        .optional()?;
    let Some(delivery) = delivery else { return Ok(None) };
    Ok(find(conn, delivery.webhook_id).await?.map(|webhook| (delivery, webhook)))
}

/// Records an attempt: its HTTP status (none: no answer), its error, and whether it was
/// delivered; when not, when to try again.
pub async fn attempted(
    conn: &AsyncPgConnection,
    id: i64,
    status: Option<i32>,
    error: Option<&str>,
    delivered_at: Option<DateTime<Utc>>,
    retry_at: DateTime<Utc>,
) -> AppResult<()> {
    diesel::update(webhook_deliveries::table.find(id))
        .set((
            webhook_deliveries::attempts.eq(webhook_deliveries::attempts + 1),
            webhook_deliveries::last_status.eq(status),
            webhook_deliveries::last_error.eq(error),
            webhook_deliveries::delivered_at.eq(delivered_at),
            webhook_deliveries::next_attempt_at.eq(retry_at),
        ))
        .execute(&mut { conn })
        .await?;
    Ok(())
}

/// An endpoint's latest deliveries, newest first.
pub async fn log(conn: &AsyncPgConnection, webhook_id: i64, limit: i64) -> AppResult<Vec<Delivery>> {
    Ok(webhook_deliveries::table
        .filter(webhook_deliveries::webhook_id.eq(webhook_id))
        .order(webhook_deliveries::id.desc())
        .limit(limit)
        .select(Delivery::as_select())
        .load(&mut { conn })
        .await?)
}
