//! In-app notifications: what Steward tells one person (a clock about to break, one broken).

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use crate::db::schema::notifications;
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
}

/// Tells each of `people` `message` about a ticket.
pub async fn notify(
    conn: &AsyncPgConnection,
    people: &[i64],
    ticket_number: Option<i64>,
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
                notifications::ticket_number.eq(ticket_number),
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
