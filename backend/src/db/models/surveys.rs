//! Satisfaction surveys: one per ticket, requested when it is resolved, answered once by the
//! requester's side (seed 001: resolving sends a satisfaction survey).

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use crate::db::schema::satisfaction_surveys;
use crate::error::AppResult;

#[derive(Clone, Debug, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = satisfaction_surveys)]
pub struct Survey {
    pub ticket_number: i64,
    pub requested_at: DateTime<Utc>,
    /// 1 to 5, once answered.
    pub rating: Option<i16>,
    pub comment: String,
    pub answered_by: Option<i64>,
    pub answered_at: Option<DateTime<Utc>>,
}

/// Asks for the survey of a ticket `at`, unless it was asked for already.
pub async fn request(conn: &AsyncPgConnection, ticket_number: i64, at: DateTime<Utc>) -> AppResult<()> {
    diesel::insert_into(satisfaction_surveys::table)
        .values((satisfaction_surveys::ticket_number.eq(ticket_number), satisfaction_surveys::requested_at.eq(at)))
        .on_conflict_do_nothing()
        .execute(&mut { conn })
        .await?;
    Ok(())
}

/// The survey of a ticket, if one was asked for.
pub async fn find(conn: &mut AsyncPgConnection, ticket_number: i64) -> AppResult<Option<Survey>> {
    Ok(satisfaction_surveys::table.find(ticket_number).select(Survey::as_select()).first(conn).await.optional()?)
}

/// Records the answer if the survey is still unanswered; `None` otherwise.
pub async fn answer(
    conn: &mut AsyncPgConnection,
    ticket_number: i64,
    person_id: i64,
    rating: i16,
    comment: &str,
    at: DateTime<Utc>,
) -> AppResult<Option<Survey>> {
    Ok(diesel::update(satisfaction_surveys::table.find(ticket_number).filter(satisfaction_surveys::rating.is_null()))
        .set((
            satisfaction_surveys::rating.eq(rating),
            satisfaction_surveys::comment.eq(comment),
            satisfaction_surveys::answered_by.eq(person_id),
            satisfaction_surveys::answered_at.eq(at),
        ))
        .returning(Survey::as_returning())
        .get_result(conn)
        .await
        .optional()?)
}
