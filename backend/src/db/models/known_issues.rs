//! Public knowledge: the tickets anyone may read (see [`steward_domain::authz::is_public_knowledge`]),
//! found by recency or by full-text search. Every query here applies [`PUBLIC`], and selects
//! only what the public page shows.

use chrono::{DateTime, Utc};
use diesel::sql_types::{BigInt, Nullable, Text, Timestamptz};
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use crate::error::AppResult;

/// The SQL condition for a public ticket; it must agree with `authz::is_public_knowledge`
/// (the integration tests hold the two together).
const PUBLIC: &str = "t.confidential = false AND t.state <> 'awaiting_approval'";

const COLUMNS: &str = "t.number, t.title, t.description, c.name AS community, t.request_type, t.priority, t.state,
       t.created_at, t.updated_at, t.resolved_at, t.released_in";

/// A public ticket as the public page shows it.
#[derive(Clone, Debug, PartialEq, diesel::QueryableByName)]
pub struct KnownIssue {
    #[diesel(sql_type = BigInt)]
    pub number: i64,
    #[diesel(sql_type = Text)]
    pub title: String,
    #[diesel(sql_type = Text)]
    pub description: String,
    #[diesel(sql_type = Text)]
    pub community: String,
    #[diesel(sql_type = Text)]
    pub request_type: String,
    #[diesel(sql_type = Text)]
    pub priority: String,
    #[diesel(sql_type = Text)]
    pub state: String,
    #[diesel(sql_type = Timestamptz)]
    pub created_at: DateTime<Utc>,
    #[diesel(sql_type = Timestamptz)]
    pub updated_at: DateTime<Utc>,
    #[diesel(sql_type = Nullable<Timestamptz>)]
    pub resolved_at: Option<DateTime<Utc>>,
    #[diesel(sql_type = Nullable<Text>)]
    pub released_in: Option<String>,
}

/// The most recently active public tickets.
pub async fn recent(conn: &mut AsyncPgConnection, limit: i64) -> AppResult<Vec<KnownIssue>> {
    Ok(diesel::sql_query(format!(
        "SELECT {COLUMNS} FROM tickets t JOIN communities c ON c.id = t.community_id
          WHERE {PUBLIC} ORDER BY t.updated_at DESC, t.number DESC LIMIT $1"
    ))
    .bind::<BigInt, _>(limit)
    .load(conn)
    .await?)
}

/// Public tickets matching `query` (a `websearch_to_tsquery` expression), best match first.
pub async fn search(conn: &mut AsyncPgConnection, query: &str, limit: i64) -> AppResult<Vec<KnownIssue>> {
    Ok(diesel::sql_query(format!(
        "SELECT {COLUMNS} FROM tickets t JOIN communities c ON c.id = t.community_id,
                websearch_to_tsquery('english', $1) q
          WHERE {PUBLIC} AND t.search @@ q
          ORDER BY ts_rank_cd(t.search, q) DESC, t.updated_at DESC, t.number DESC LIMIT $2"
    ))
    .bind::<Text, _>(query)
    .bind::<BigInt, _>(limit)
    .load(conn)
    .await?)
}

/// The public ticket with this number, if it is public.
pub async fn find(conn: &mut AsyncPgConnection, number: i64) -> AppResult<Option<KnownIssue>> {
    Ok(diesel::sql_query(format!(
        "SELECT {COLUMNS} FROM tickets t JOIN communities c ON c.id = t.community_id
          WHERE {PUBLIC} AND t.number = $1"
    ))
    .bind::<BigInt, _>(number)
    .load(conn)
    .await?
    .pop())
}

/// A public reply with what the public page shows of its author: the name of a support staff
/// member, nothing of anyone else ("Public means public" names the staff, never the requester).
#[derive(Clone, Debug, PartialEq, diesel::QueryableByName)]
pub struct PublicReply {
    /// Empty unless `from_support`.
    #[diesel(sql_type = Text)]
    pub author: String,
    #[diesel(sql_type = diesel::sql_types::Bool)]
    pub from_support: bool,
    #[diesel(sql_type = Text)]
    pub body: String,
    #[diesel(sql_type = Timestamptz)]
    pub created_at: DateTime<Utc>,
}

/// The public replies of a ticket, oldest first (never internal notes).
pub async fn replies(conn: &mut AsyncPgConnection, number: i64) -> AppResult<Vec<PublicReply>> {
    Ok(diesel::sql_query(
        "SELECT CASE WHEN p.staff_role IS NULL THEN '' ELSE p.display_name END AS author, p.staff_role IS NOT NULL AS from_support, m.body, m.created_at
           FROM comments m JOIN people p ON p.id = m.author_id
          WHERE m.ticket_number = $1 AND m.internal = false
          ORDER BY m.id",
    )
    .bind::<BigInt, _>(number)
    .load(conn)
    .await?)
}
