//! Attachments as stored: what each file is (its name, the type it is served as, its size and
//! hash, where its bytes are in the object store) and what it belongs to. A file is recorded
//! once its bytes are stored, unattached (its uploader's alone), and attached in the
//! transaction that files the request or posts the message it was chosen for.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use crate::db::schema::attachments;
use crate::error::AppResult;

/// A file as stored.
#[derive(Clone, Debug, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = attachments)]
pub struct Attachment {
    pub id: i64,
    pub store_key: String,
    pub name: String,
    pub declared_type: String,
    pub served_type: String,
    pub inline: bool,
    pub bytes: i64,
    pub sha256: String,
    pub encrypted: bool,
    pub uploaded_by: i64,
    pub uploaded_at: DateTime<Utc>,
    pub ticket_number: Option<i64>,
    pub comment_id: Option<i64>,
    pub internal: bool,
    pub attached_at: Option<DateTime<Utc>>,
}

/// A file whose bytes are stored, to record.
pub struct NewAttachment<'a> {
    pub store_key: &'a str,
    pub name: &'a str,
    pub declared_type: &'a str,
    pub served_type: &'a str,
    pub inline: bool,
    pub bytes: i64,
    pub sha256: &'a str,
    pub encrypted: bool,
    pub uploaded_by: i64,
}

pub async fn insert(conn: &AsyncPgConnection, new: NewAttachment<'_>, at: DateTime<Utc>) -> AppResult<Attachment> {
    Ok(diesel::insert_into(attachments::table)
        .values((
            attachments::store_key.eq(new.store_key),
            attachments::name.eq(new.name),
            attachments::declared_type.eq(new.declared_type),
            attachments::served_type.eq(new.served_type),
            attachments::inline.eq(new.inline),
            attachments::bytes.eq(new.bytes),
            attachments::sha256.eq(new.sha256),
            attachments::encrypted.eq(new.encrypted),
            attachments::uploaded_by.eq(new.uploaded_by),
            attachments::uploaded_at.eq(at),
        ))
        .returning(Attachment::as_returning())
        .get_result(&mut { conn })
        .await?)
}

pub async fn find(conn: &AsyncPgConnection, id: i64) -> AppResult<Option<Attachment>> {
    Ok(attachments::table.find(id).select(Attachment::as_select()).first(&mut { conn }).await.optional()?)
}

/// Attaches those of `ids` that `uploader` uploaded and nobody attached yet to ticket
/// `number` (and message `comment_id`, internal or not); returns the ones attached, locked
/// against a second attach by the same statement.
pub async fn attach(
    conn: &AsyncPgConnection,
    ids: &[i64],
    uploader: i64,
    number: i64,
    comment_id: Option<i64>,
    internal: bool,
    at: DateTime<Utc>,
) -> AppResult<Vec<Attachment>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    Ok(diesel::update(
        attachments::table
            .filter(attachments::id.eq_any(ids))
            .filter(attachments::uploaded_by.eq(uploader))
            .filter(attachments::ticket_number.is_null()),
    )
    .set((
        attachments::ticket_number.eq(number),
        attachments::comment_id.eq(comment_id),
        attachments::internal.eq(internal),
        attachments::attached_at.eq(at),
    ))
    .returning(Attachment::as_returning())
    .get_results(&mut { conn })
    .await?)
}

/// The files of ticket `number`, in the order they were uploaded; those on internal notes only
/// with `include_internal`.
pub async fn of_ticket(conn: &AsyncPgConnection, number: i64, include_internal: bool) -> AppResult<Vec<Attachment>> {
    let mut query = attachments::table
        .filter(attachments::ticket_number.eq(number))
        .order(attachments::id)
        .select(Attachment::as_select())
        .into_boxed();
    if !include_internal {
        query = query.filter(attachments::internal.eq(false));
    }
    Ok(query.load(&mut { conn }).await?)
}

/// Files nobody attached that were uploaded before `before` (a request never sent).
pub async fn unattached_before(
    conn: &AsyncPgConnection,
    before: DateTime<Utc>,
    limit: i64,
) -> AppResult<Vec<Attachment>> {
    Ok(attachments::table
        .filter(attachments::ticket_number.is_null())
        .filter(attachments::uploaded_at.lt(before))
        .order(attachments::id)
        .limit(limit)
        .select(Attachment::as_select())
        .load(&mut { conn })
        .await?)
}

/// Removes the rows of files whose bytes are gone; only while still unattached.
pub async fn delete_unattached(conn: &AsyncPgConnection, ids: &[i64]) -> AppResult<usize> {
    Ok(diesel::delete(
        attachments::table.filter(attachments::id.eq_any(ids)).filter(attachments::ticket_number.is_null()),
    )
    .execute(&mut { conn })
    .await?)
}
