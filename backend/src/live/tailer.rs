//! The tailer: reads settled events after the last position published and publishes them, with
//! access changes first. One per process, on its own connection (so a busy pool never delays
//! delivery), reconnecting after any error.

use std::sync::Arc;
use std::time::Duration;

use diesel_async::{AsyncConnection, AsyncPgConnection};
use tokio_util::sync::CancellationToken;

use super::{COALESCE, POLL_INTERVAL, Position, hub};
use crate::db::models::live as log;
use crate::error::{AppError, AppResult};

/// Events read per query; a full batch is followed by another read at once.
const BATCH: i64 = 1000;

/// Runs until `shutdown`.
pub async fn run(
    hub: Arc<hub::Hub>,
    database_url: String,
    mut change_head: Position,
    mut access_head: Position,
    shutdown: CancellationToken,
) {
    let mut conn: Option<AsyncPgConnection> = None;
    let mut ticker = tokio::time::interval(POLL_INTERVAL);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            () = shutdown.cancelled() => return,
            () = hub.tailer_bell.notified() => {}
            _ = ticker.tick() => {}
        }
        loop {
            let connection = match &mut conn {
                Some(connection) => connection,
                None => match AsyncPgConnection::establish(&database_url).await {
                    Ok(connection) => conn.insert(connection),
                    Err(error) => {
                        tracing::warn!(%error, "live updates: cannot connect to the database; retrying");
                        tokio::time::sleep(Duration::from_secs(1)).await;
                        break;
                    }
                },
            };
            match poll(connection, &hub, &mut change_head, &mut access_head).await {
                Ok(true) => continue,
                Ok(false) => {
                    // Let commits that ring meanwhile gather into the next read.
                    tokio::time::sleep(COALESCE).await;
                    break;
                }
                Err(error) => {
                    tracing::warn!(%error, "live updates: reading the event log failed; reconnecting");
                    conn = None;
                    break;
                }
            }
        }
    }
}

/// Publishes what has settled since the heads; whether there may be more right away.
///
/// The logs are read in one snapshot, so an access change committed before a ticket change is
/// always published before it: a person removed from a community gets none of the events that
/// follow the removal.
async fn poll(
    conn: &mut AsyncPgConnection,
    hub: &hub::Hub,
    change_head: &mut Position,
    access_head: &mut Position,
) -> AppResult<bool> {
    let (after_changes, after_access) = (*change_head, *access_head);
    let (access, changes, full) = conn
        .build_transaction()
        .repeatable_read()
        .read_only()
        .run(async |conn| {
            let access = log::access_changes_after(conn, after_access, BATCH).await?;
            let page = log::changes_after(conn, after_changes, Position::MAX, BATCH).await?;
            let changes = hub::encode(conn, page.changes).await?;
            Ok::<_, AppError>((access, changes, page.full))
        })
        .await?;
    let more = access.len() as i64 == BATCH || full;
    for (position, person_id) in access {
        hub.publish_access_change(person_id);
        *access_head = position;
    }
    for change in changes {
        if let Some(position) = change.position() {
            *change_head = position;
        }
        hub.publish(change);
    }
    Ok(more)
}
