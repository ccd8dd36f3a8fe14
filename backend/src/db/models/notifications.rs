//! In-app notifications (what Steward tells one person: a mention, an assignment, an answer, a
//! request to approve, a clock about to break) and each person's choice of how to hear each
//! kind (`notification_choices`; no row: the kind's default).

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use std::collections::HashMap;

use steward_domain::notify::{Delivery, NewsKind};

use super::About;
use crate::db::schema::{notification_choices, notifications};
use crate::error::AppResult;

#[derive(Clone, Debug, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = notifications)]
pub struct Notification {
    pub id: i64,
    pub person_id: i64,
    pub ticket_number: Option<i64>,
    pub message: String,
    pub created_at: DateTime<Utc>,
    pub read_at: Option<DateTime<Utc>>,
    pub incident_number: Option<i64>,
    pub kind: String,
}

/// Tells each of `people` `message`, news of `kind`, about a ticket or an incident.
pub async fn notify(
    conn: &AsyncPgConnection,
    people: &[i64],
    kind: NewsKind,
    about: Option<About>,
    message: &str,
    at: DateTime<Utc>,
) -> AppResult<()> {
    if people.is_empty() {
        return Ok(());
    }
    let rows: Vec<_> = people
        .iter()
        .map(|person| {
            (
                notifications::person_id.eq(person),
                notifications::ticket_number.eq(about.and_then(About::ticket)),
                notifications::incident_number.eq(about.and_then(About::incident)),
                notifications::kind.eq(kind.as_str()),
                notifications::message.eq(message),
                notifications::created_at.eq(at),
            )
        })
        .collect();
    diesel::insert_into(notifications::table).values(rows).execute(&mut { conn }).await?;
    Ok(())
}

/// A person's latest notifications, newest first, and how many are unread.
pub async fn for_person(conn: &AsyncPgConnection, person_id: i64, limit: i64) -> AppResult<(Vec<Notification>, i64)> {
    let latest = notifications::table
        .filter(notifications::person_id.eq(person_id))
        .order(notifications::id.desc())
        .limit(limit)
        .select(Notification::as_select())
        .load(&mut { conn })
        .await?;
    let unread = notifications::table
        .filter(notifications::person_id.eq(person_id))
        .filter(notifications::read_at.is_null())
        .count()
        .get_result(&mut { conn })
        .await?;
    Ok((latest, unread))
}

/// Marks a person's notifications up to `up_to` read.
pub async fn mark_read(conn: &AsyncPgConnection, person_id: i64, up_to: i64, at: DateTime<Utc>) -> AppResult<()> {
    diesel::update(
        notifications::table
            .filter(notifications::person_id.eq(person_id))
            .filter(notifications::id.le(up_to))
            .filter(notifications::read_at.is_null()),
    )
    .set(notifications::read_at.eq(at))
    .execute(&mut { conn })
    .await?;
    Ok(())
}

/// What each of `people` chose for news of `kind` (those who chose).
pub async fn choices_for(
    conn: &AsyncPgConnection,
    people: &[i64],
    kind: NewsKind,
) -> AppResult<HashMap<i64, Delivery>> {
    let rows: Vec<(i64, String)> = notification_choices::table
        .filter(notification_choices::person_id.eq_any(people))
        .filter(notification_choices::kind.eq(kind.as_str()))
        .select((notification_choices::person_id, notification_choices::delivery))
        .load(&mut { conn })
        .await?;
    Ok(rows.into_iter().filter_map(|(person, delivery)| Some((person, Delivery::parse(&delivery)?))).collect())
}

/// What one person chose, kind by kind (those they chose).
pub async fn choices_of(conn: &AsyncPgConnection, person_id: i64) -> AppResult<HashMap<NewsKind, Delivery>> {
    let rows: Vec<(String, String)> = notification_choices::table
        .filter(notification_choices::person_id.eq(person_id))
        .select((notification_choices::kind, notification_choices::delivery))
        .load(&mut { conn })
        .await?;
    Ok(rows
        .into_iter()
        .filter_map(|(kind, delivery)| Some((NewsKind::parse(&kind)?, Delivery::parse(&delivery)?)))
        .collect())
}

/// Records how a person wants to hear news of `kind`.
pub async fn choose(
    conn: &AsyncPgConnection,
    person_id: i64,
    kind: NewsKind,
    delivery: Delivery,
    at: DateTime<Utc>,
) -> AppResult<()> {
    diesel::insert_into(notification_choices::table)
        .values((
            notification_choices::person_id.eq(person_id),
            notification_choices::kind.eq(kind.as_str()),
            notification_choices::delivery.eq(delivery.as_str()),
            notification_choices::updated_at.eq(at),
        ))
        .on_conflict((notification_choices::person_id, notification_choices::kind))
        .do_update()
        .set((notification_choices::delivery.eq(delivery.as_str()), notification_choices::updated_at.eq(at)))
        .execute(&mut { conn })
        .await?;
    Ok(())
}
