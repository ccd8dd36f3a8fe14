//! One Watch stream: replay after the client's position, then live events, each checked against
//! the watcher's access when it is sent. A change goes out as the bytes the hub encoded once for
//! every stream ([`Encoded`]); only a stream's own messages (Live, heartbeats, Resync) are
//! encoded here. See the module docs of [`crate::live`] for the order
//! of subscribing, replaying and forwarding that makes it miss nothing and repeat nothing.

use std::collections::HashSet;
use std::sync::Arc;
use std::time::Duration;

use steward_proto::v1 as pb;
use steward_proto::v1::watch_response::Message;
use tokio::sync::{broadcast, mpsc};
use tokio_stream::wrappers::ReceiverStream;
use tokio_util::sync::CancellationToken;
use tonic::Status;

use super::{Encoded, Hub, LiveChange, LiveIncidentChange, Position, Published, hub};
use crate::clock::Clock;
use crate::convert;
use crate::db::DbPool;
use crate::db::models::{live as log, sessions};
use crate::error::{AppError, NOT_SIGNED_IN};
use steward_domain::authz;
use steward_domain::facts::Principal;

/// Every this long, a stream that sent nothing in the last half of it sends a heartbeat: a
/// stream is never silent for more than one and a half times this.
pub const HEARTBEAT: Duration = Duration::from_secs(10);
/// A client that takes no message for this long loses its stream (it resumes by position).
pub const SEND_TIMEOUT: Duration = Duration::from_secs(30);
/// A replay longer than this many events is replaced by a Resync: reloading is cheaper.
pub const REPLAY_LIMIT: usize = 10_000;
/// Messages queued for one client.
const OUTBOX: usize = 32;
/// Events read per replay query.
const REPLAY_PAGE: i64 = 500;

/// What a stream watches.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Subscription {
    pub all_tickets: bool,
    pub ticket_numbers: HashSet<i64>,
    pub all_incidents: bool,
    pub incident_numbers: HashSet<i64>,
}

impl Subscription {
    fn covers_ticket(&self, number: i64) -> bool {
        self.all_tickets || self.ticket_numbers.contains(&number)
    }

    fn covers_incident(&self, number: i64) -> bool {
        self.all_incidents || self.incident_numbers.contains(&number)
    }
}

/// What a stream runs with: the database, this process's hub, the clock, and the shutdown
/// signal that ends every stream.
#[derive(Clone)]
pub struct Context {
    pub pool: DbPool,
    pub hub: Arc<Hub>,
    pub clock: Arc<dyn Clock>,
    pub shutdown: CancellationToken,
}

/// The watcher and the session their stream was opened with.
pub struct Watcher {
    pub principal: Principal,
    pub session_hash: Vec<u8>,
    /// When that session expires: the stream ends then.
    pub expires_at: chrono::DateTime<chrono::Utc>,
}

/// Starts a stream for `watcher`; it runs until the client goes away, the session ends or the
/// server shuts down.
pub fn start(
    context: Context,
    watcher: Watcher,
    subscription: Subscription,
    after: Option<Position>,
) -> ReceiverStream<Result<Encoded, Status>> {
    let (outbox, receiver) = mpsc::channel(OUTBOX);
    // Subscribe before anything else: every event published from here on is in `ring`.
    let ring = context.hub.subscribe();
    tokio::spawn(async move {
        let mut stream = Stream {
            context,
            watcher,
            subscription,
            outbox,
            sent: Position::ZERO,
            last_sent: std::time::Instant::now(),
        };
        if let Err(Ended { status: Some(status) }) = stream.run(ring, after).await {
            let _ = stream.outbox.try_send(Err(status));
        }
    });
    ReceiverStream::new(receiver)
}

/// Why a stream ended early; `status` is sent to the client if there is one to send.
struct Ended {
    status: Option<Status>,
}

impl From<AppError> for Ended {
    fn from(error: AppError) -> Ended {
        Ended { status: Some(error.into()) }
    }
}

struct Stream {
    context: Context,
    watcher: Watcher,
    subscription: Subscription,
    outbox: mpsc::Sender<Result<Encoded, Status>>,
    /// Every event at or below this position has been sent or withheld.
    sent: Position,
    /// When this stream last sent something: a heartbeat goes only after a quiet while.
    last_sent: std::time::Instant,
}

impl Stream {
    async fn run(&mut self, mut ring: broadcast::Receiver<Published>, after: Option<Position>) -> Result<(), Ended> {
        // Everything settled now, whether or not this process's tailer has published it yet:
        // "from now" and "resume" both mean as of this call.
        let settled = {
            let mut conn = self.context.pool.get().await.map_err(AppError::from)?;
            log::head(&mut conn).await?
        };
        let head = self.context.hub.head().max(settled);
        match after {
            None => self.sent = head,
            Some(after) => {
                self.sent = after;
                self.replay_upto(head).await?;
            }
        }
        self.send(Message::Live(pb::Live { position: Some(convert::position(self.sent)) })).await?;
        let mut heartbeat = tokio::time::interval_at(tokio::time::Instant::now() + HEARTBEAT, HEARTBEAT);
        // The stream ends with its session: at the moment it expires (a timer), and in any case
        // before anything else is sent after that moment by the application's clock.
        let expiry = tokio::time::sleep(self.until_expiry());
        tokio::pin!(expiry);
        loop {
            tokio::select! {
                () = &mut expiry => {
                    self.check_session()?;
                    expiry.as_mut().reset(tokio::time::Instant::now() + self.until_expiry());
                }
                () = self.context.shutdown.cancelled() => return Ok(()),
                () = self.outbox.closed() => return Ok(()),
                received = ring.recv() => match received {
                    Ok(change @ (Published::Ticket(_) | Published::Incident(_))) => {
                        self.forward(&change).await?;
                    }
                    Ok(Published::AccessChanged { person_id }) if person_id == self.watcher.principal.person_id => {
                        self.reload_access().await?;
                    }
                    Ok(Published::AccessChanged { .. }) => {}
                    Err(broadcast::error::RecvError::Lagged(missed)) => {
                        tracing::debug!(missed, "live stream fell behind the ring; replaying from the database");
                        let head = self.context.hub.head();
                        self.replay_upto(head).await?;
                    }
                    Err(broadcast::error::RecvError::Closed) => return Ok(()),
                },
                _ = heartbeat.tick() => {
                    self.check_session()?;
                    // Only a stream that sent nothing for a while needs one (checked here, not
                    // by resetting the timer on every change: a change then costs no timer work).
                    if self.last_sent.elapsed() < HEARTBEAT / 2 {
                        continue;
                    }
                    let at = convert::timestamp(self.context.clock.now());
                    self.send(Message::Heartbeat(pb::Heartbeat { at: Some(at) })).await?;
                }
            }
        }
    }

    /// Sends `change` if it is new and the watcher may see it now.
    async fn forward(&mut self, change: &Published) -> Result<(), Ended> {
        self.check_session()?;
        let Some(position) = change.position() else { return Ok(()) };
        if position <= self.sent {
            return Ok(());
        }
        self.sent = position;
        let message = match change {
            Published::Ticket(change) => self.ticket_message(change),
            Published::Incident(change) => self.incident_message(change),
            Published::AccessChanged { .. } => None,
        };
        match message {
            Some(message) => self.send_encoded(message.clone()).await,
            None => Ok(()),
        }
    }

    /// What this watcher is sent of a ticket change, if anything.
    fn ticket_message<'a>(&self, change: &'a LiveChange) -> Option<&'a Encoded> {
        (self.subscription.covers_ticket(change.number)
            && authz::can_receive_change(&self.watcher.principal, &change.facts, change.internal))
        .then_some(&change.encoded)
    }

    /// What this watcher is sent of an incident change: all of it for the team; for the affected
    /// communities the incident as it is now, with the entry only if it is a public one.
    fn incident_message<'a>(&self, change: &'a LiveIncidentChange) -> Option<&'a Encoded> {
        let who = &self.watcher.principal;
        if !self.subscription.covers_incident(change.number) || !authz::can_view_incident(who, &change.affected) {
            return None;
        }
        match &change.encoded_without_entry {
            Some(without_entry) if !authz::can_see_internal_incident_entries(who) => Some(without_entry),
            _ => Some(&change.encoded),
        }
    }

    /// Sends, from the database, every settled event after `sent` up to `head`; a Resync instead
    /// when there are more than [`REPLAY_LIMIT`].
    async fn replay_upto(&mut self, head: Position) -> Result<(), Ended> {
        let mut replayed = 0;
        while self.sent < head {
            let page = {
                let mut conn = self.context.pool.get().await.map_err(AppError::from)?;
                let logged = log::changes_after(&mut conn, self.sent, head, REPLAY_PAGE).await?;
                (hub::encode(&mut conn, logged.changes).await?, logged.full)
            };
            let (page, full) = page;
            replayed += page.len();
            if replayed > REPLAY_LIMIT {
                self.sent = head;
                return self.send(Message::Resync(pb::Resync { position: Some(convert::position(head)) })).await;
            }
            for change in &page {
                self.forward(change).await?;
            }
            if !full {
                break;
            }
        }
        self.sent = self.sent.max(head);
        Ok(())
    }

    /// How long, by the application's clock, until the session expires.
    fn until_expiry(&self) -> std::time::Duration {
        (self.watcher.expires_at - self.context.clock.now()).to_std().unwrap_or_default()
    }

    /// Ends the stream with Unauthenticated once the session has expired.
    fn check_session(&self) -> Result<(), Ended> {
        if self.context.clock.now() >= self.watcher.expires_at {
            tracing::info!(person_id = self.watcher.principal.person_id, "live stream ended: the session expired");
            return Err(AppError::Unauthenticated(NOT_SIGNED_IN).into());
        }
        Ok(())
    }

    /// Reloads the watcher's roles after an access change; ends the stream if the session is gone.
    async fn reload_access(&mut self) -> Result<(), Ended> {
        let mut conn = self.context.pool.get().await.map_err(AppError::from)?;
        match sessions::principal_for(&mut conn, &self.watcher.session_hash, self.context.clock.now()).await? {
            Some(signed_in) => {
                self.watcher.principal = signed_in.principal;
                Ok(())
            }
            None => Err(AppError::Unauthenticated(NOT_SIGNED_IN).into()),
        }
    }

    /// Sends a message of this stream alone (Live, a heartbeat, Resync).
    async fn send(&mut self, message: Message) -> Result<(), Ended> {
        self.send_encoded(Encoded::of(message)).await
    }

    async fn send_encoded(&mut self, encoded: Encoded) -> Result<(), Ended> {
        self.last_sent = std::time::Instant::now();
        // Usually the client keeps up and there is room: no timer is needed to send.
        let encoded = match self.outbox.try_send(Ok(encoded)) {
            Ok(()) => return Ok(()),
            Err(mpsc::error::TrySendError::Closed(_)) => return Err(Ended { status: None }),
            Err(mpsc::error::TrySendError::Full(message)) => message,
        };
        match tokio::time::timeout(SEND_TIMEOUT, self.outbox.send(encoded)).await {
            Ok(Ok(())) => Ok(()),
            Ok(Err(_)) => Err(Ended { status: None }),
            Err(_) => {
                tracing::info!(
                    person_id = self.watcher.principal.person_id,
                    "live stream ended: the client took nothing for {SEND_TIMEOUT:?}"
                );
                Err(Ended { status: None })
            }
        }
    }
}
