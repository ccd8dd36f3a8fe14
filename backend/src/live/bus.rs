//! The bus between processes: one PostgreSQL connection per process that `LISTEN`s on
//! `steward_live` (a notification wakes the tailer) and sends one `NOTIFY steward_live` for any
//! number of commits made here since the last one. It also listens on the outbox's channel
//! (`db::models::mail::OUTBOX_CHANNEL`), whose notification wakes mail and webhook delivery. Never inside a write transaction. When the
//! connection drops it reconnects with backoff and wakes the tailer, which catches up by
//! position; meanwhile the tailer's own polling keeps delivering.

use std::sync::Arc;
use std::time::Duration;

use futures_util::StreamExt;
use tokio_postgres::{AsyncMessage, NoTls};
use tokio_util::sync::CancellationToken;

use super::COALESCE;
use super::hub::Hub;
use crate::db::models::mail::OUTBOX_CHANNEL;

/// The notification channel.
pub const CHANNEL: &str = "steward_live";

/// Runs until `shutdown`.
pub async fn run(hub: Arc<Hub>, database_url: String, shutdown: CancellationToken) {
    let mut backoff = Duration::from_millis(100);
    loop {
        if let Err(error) = listen_and_notify(&hub, &database_url, &shutdown).await {
            tracing::warn!(%error, "live updates: the notification connection failed; reconnecting");
        }
        if shutdown.is_cancelled() {
            return;
        }
        tokio::select! {
            () = shutdown.cancelled() => return,
            () = tokio::time::sleep(backoff) => {}
        }
        backoff = (backoff * 2).min(Duration::from_secs(5));
    }
}

async fn listen_and_notify(hub: &Arc<Hub>, database_url: &str, shutdown: &CancellationToken) -> anyhow::Result<()> {
    let (client, mut connection) = tokio_postgres::connect(database_url, NoTls).await?;
    let listener_hub = hub.clone();
    let mut driver = tokio::spawn(async move {
        let mut messages = futures_util::stream::poll_fn(move |cx| connection.poll_message(cx));
        while let Some(message) = messages.next().await {
            match message {
                Ok(AsyncMessage::Notification(note)) if note.channel() == OUTBOX_CHANNEL => listener_hub.ring_outbox(),
                Ok(AsyncMessage::Notification(_)) => listener_hub.tailer_bell.notify_one(),
                Ok(_) => {}
                Err(error) => return Err(error),
            }
        }
        Ok(())
    });
    client.batch_execute(&format!("LISTEN {CHANNEL}; LISTEN {OUTBOX_CHANNEL}")).await?;
    // Anything committed while this process was not listening is read now.
    hub.tailer_bell.notify_one();
    loop {
        tokio::select! {
            () = shutdown.cancelled() => return Ok(()),
            () = hub.notify_bell.notified() => {
                client.batch_execute(&format!("NOTIFY {CHANNEL}")).await?;
                // Commits that ring meanwhile share the next notification.
                tokio::time::sleep(COALESCE).await;
            }
            ended = &mut driver => {
                return match ended {
                    Ok(Ok(())) => Err(anyhow::anyhow!("the connection closed")),
                    Ok(Err(error)) => Err(error.into()),
                    Err(error) => Err(error.into()),
                };
            }
        }
    }
}
