//! The conversation on a ticket: public replies and internal notes.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use crate::db::schema::comments;
use crate::error::AppResult;

/// One entry of a conversation.
#[derive(Clone, Debug, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = comments)]
pub struct Comment {
    pub id: i64,
    pub ticket_number: i64,
    pub author_id: i64,
    pub body: String,
    /// An internal note, seen by staff only.
    pub internal: bool,
    pub created_at: DateTime<Utc>,
    sealed_for: Vec<Option<String>>,
}

impl Comment {
    /// For a sealed message, the fingerprints of the keys that can read it; empty otherwise.
    pub fn sealed_for(&self) -> Vec<String> {
        self.sealed_for.iter().flatten().cloned().collect()
    }
}

/// Adds an entry written `at`; `sealed_for` names the keys that can read a sealed body.
pub async fn insert(
    conn: &AsyncPgConnection,
    ticket_number: i64,
    author_id: i64,
    body: &str,
    internal: bool,
    sealed_for: &[String],
    at: DateTime<Utc>,
) -> AppResult<Comment> {
    Ok(diesel::insert_into(comments::table)
        .values((
            comments::ticket_number.eq(ticket_number),
            comments::author_id.eq(author_id),
            comments::body.eq(body),
            comments::internal.eq(internal),
            comments::created_at.eq(at),
            comments::sealed_for.eq(sealed_for.iter().cloned().map(Some).collect::<Vec<_>>()),
        ))
        .returning(Comment::as_returning())
        .get_result(&mut { conn })
        .await?)
}

/// The conversation of a ticket, oldest first; internal notes only if `include_internal`.
pub async fn list_for_ticket(
    conn: &mut AsyncPgConnection,
    ticket_number: i64,
    include_internal: bool,
    after_id: i64,
) -> AppResult<Vec<Comment>> {
    let mut query = comments::table
        .filter(comments::ticket_number.eq(ticket_number))
        .filter(comments::id.gt(after_id))
        .select(Comment::as_select())
        .into_boxed();
    if !include_internal {
        query = query.filter(comments::internal.eq(false));
    }
    Ok(query.order(comments::id).load(conn).await?)
}
