//! Attachment use cases (issue 14): store an upload, attach uploads to the request or message
//! they were chosen for, open a file for someone who may read it, and remove uploads nobody
//! attached.
//!
//! - An upload streams into the object store, sized and hashed as it goes; its type is checked
//!   against its first bytes (`steward_domain::files::served_as`). Over the limit, broken off,
//!   or refused by the store, nothing is kept: the store's object is aborted or removed, and no
//!   row is written. A stored upload is its uploader's alone until attached.
//! - Attaching happens in the transaction that files the request or posts the message, and takes
//!   only the person's own uploads that nobody attached yet; a file on an internal note is the
//!   team's only.
//! - Every download asks `steward_domain::authz::can_read_attachment` over what the file is
//!   attached to now; a file the caller may not read is NotFound, exactly like a missing one.
//! - A file encrypted in the browser (an OpenPGP message, binary) is taken only when an active
//!   team key can read it, as its first packets say (`usecases::keys::readers_of`).
//! - Uploads never attached are removed after [`UNATTACHED_KEPT_HOURS`] by the scheduler.

use bytes::Bytes;
use chrono::{DateTime, Utc};
use diesel_async::AsyncPgConnection;
use futures_util::{Stream, StreamExt};
use object_store::ObjectStoreExt;
use object_store::buffered::BufWriter;
use object_store::path::Path;
use sha2::{Digest, Sha256};
use steward_domain::facts::Principal;
use steward_domain::files;
use steward_domain::intake::FieldError;
use tokio::io::AsyncWriteExt;

use super::Core;
use crate::db::models::attachments::{self as rows, Attachment, NewAttachment};
use crate::db::models::tickets;
use crate::error::{AppError, AppResult};

/// How long an upload nobody attached is kept.
pub const UNATTACHED_KEPT_HOURS: i64 = 24;
/// How much of a file's start is kept to tell what it is.
const HEAD_BYTES: usize = 8192;
/// Uploads up to this size are held in memory and stored in one write at the end, so an upload
/// whose connection drops (its future is dropped, no clean-up runs) leaves nothing behind;
/// bigger ones (an admin's raised limit) stream to the store in parts.
const WRITTEN_AT_ONCE: u64 = 32 * 1024 * 1024;

/// An upload as the door decoded it.
pub struct Upload<'a, S> {
    pub name: &'a str,
    pub declared_type: &'a str,
    pub encrypted: bool,
    pub body: S,
}

fn broke_off() -> AppError {
    AppError::invalid("file", "The upload broke off before the end; nothing was kept. Try again.")
}

/// Stores an upload for `who`: sized, hashed and checked as it streams, kept whole or not at all.
pub async fn upload<S>(core: &Core, who: &Principal, upload: Upload<'_, S>) -> AppResult<Attachment>
where
    S: Stream<Item = Result<Bytes, std::io::Error>> + Send + Unpin,
{
    let now = core.now();
    let limit = core.files.max_bytes;
    let key = format!("{}/{}", now.format("%Y/%m"), crate::credentials::new_secret());
    let path = Path::from(key.as_str());
    let capacity = usize::try_from(limit.saturating_add(1).min(WRITTEN_AT_ONCE)).unwrap_or(usize::MAX);
    let mut writer = BufWriter::with_capacity(core.files.store.clone(), path.clone(), capacity);
    let mut hasher = Sha256::new();
    let mut head: Vec<u8> = Vec::with_capacity(HEAD_BYTES);
    let mut size: u64 = 0;
    let mut body = upload.body;
    let streamed: AppResult<()> = async {
        while let Some(chunk) = body.next().await {
            let chunk = chunk.map_err(|_| broke_off())?;
            size += chunk.len() as u64;
            if let Some(problem) = files::too_big(size, limit) {
                return Err(AppError::TooLarge(problem));
            }
            hasher.update(&chunk);
            let room = HEAD_BYTES.saturating_sub(head.len());
            head.extend_from_slice(&chunk[..room.min(chunk.len())]);
            writer.write_all(&chunk).await.map_err(AppError::internal)?;
        }
        writer.shutdown().await.map_err(AppError::internal)
    }
    .await;
    if let Err(error) = streamed {
        // Nothing half-written stays behind.
        if let Err(abort) = writer.abort().await {
            tracing::warn!(%abort, key, "an upload's partial object could not be aborted");
        }
        let _ = core.files.store.delete(&path).await;
        return Err(error);
    }
    let sniffed = infer::get(&head).map(|kind| kind.mime_type());
    let served = files::served_as(upload.declared_type, sniffed, upload.encrypted);
    let name = files::safe_name(upload.name);
    let sha256: String = hasher.finalize().iter().map(|b| format!("{b:02x}")).collect();
    let declared: String = upload.declared_type.chars().take(200).collect();
    let new = NewAttachment {
        store_key: &key,
        name: &name,
        declared_type: &declared,
        served_type: served.content_type,
        inline: served.inline,
        bytes: i64::try_from(size).unwrap_or(i64::MAX),
        sha256: &sha256,
        encrypted: upload.encrypted,
        uploaded_by: who.person_id,
    };
    let recorded = async {
        let conn = core.pool.get().await?;
        if upload.encrypted {
            // An encrypted file is taken only when support can read it (named by its first
            // packets; the server never opens it).
            super::keys::readers_of(&conn, &head, "file", now).await?;
        }
        rows::insert(&conn, new, now).await
    }
    .await;
    match recorded {
        Ok(stored) => {
            tracing::info!(id = stored.id, bytes = size, person_id = who.person_id, "file uploaded");
            Ok(stored)
        }
        Err(error) => {
            let _ = core.files.store.delete(&path).await;
            Err(error)
        }
    }
}

/// Attaches `ids` (uploads of `who`'s that nobody attached) to ticket `number` and, for a
/// message, to it (`internal`: an internal note's, the team's only), in the caller's transaction.
pub(crate) async fn attach(
    conn: &AsyncPgConnection,
    who: &Principal,
    ids: &[i64],
    number: i64,
    comment_id: Option<i64>,
    internal: bool,
    now: DateTime<Utc>,
) -> AppResult<Vec<Attachment>> {
    let mut wanted: Vec<i64> = ids.to_vec();
    wanted.sort_unstable();
    wanted.dedup();
    let attached = rows::attach(conn, &wanted, who.person_id, number, comment_id, internal, now).await?;
    if attached.len() != wanted.len() {
        return Err(FieldError::new(
            "attachment_ids",
            "A file is no longer there to attach (it was attached already, or removed after a day unused): attach it again.",
        )
        .into());
    }
    Ok(attached)
}

/// A file `who` may read, and its bytes.
pub async fn open(
    core: &Core,
    who: &Principal,
    id: i64,
) -> AppResult<(Attachment, impl Stream<Item = Result<Bytes, object_store::Error>> + Send + use<>)> {
    let conn = core.pool.get().await?;
    let file = rows::find(&conn, id).await?.ok_or(AppError::NotFound("file"))?;
    let readable = match file.ticket_number {
        None => file.uploaded_by == who.person_id,
        Some(number) => tickets::find(&conn, number)
            .await?
            .is_some_and(|ticket| steward_domain::authz::can_read_attachment(who, &ticket.facts(), file.internal)),
    };
    if !readable {
        return Err(AppError::NotFound("file"));
    }
    drop(conn);
    let found = core.files.store.get(&Path::from(file.store_key.as_str())).await.map_err(|error| {
        tracing::error!(id, key = file.store_key.as_str(), %error, "a file's bytes are missing from the store");
        AppError::NotFound("file")
    })?;
    Ok((file, found.into_stream()))
}

/// Removes uploads nobody attached within [`UNATTACHED_KEPT_HOURS`]: their bytes, then their
/// rows. Returns how many.
pub async fn remove_unattached(core: &Core) -> AppResult<usize> {
    let before = core.now() - chrono::Duration::hours(UNATTACHED_KEPT_HOURS);
    let conn = core.pool.get().await?;
    let stale = rows::unattached_before(&conn, before, 100).await?;
    let mut removed = Vec::with_capacity(stale.len());
    for file in &stale {
        match core.files.store.delete(&Path::from(file.store_key.as_str())).await {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => removed.push(file.id),
            Err(error) => {
                tracing::warn!(id = file.id, %error, "an unattached upload could not be removed; tried again later")
            }
        }
    }
    rows::delete_unattached(&conn, &removed).await
}
