//! The process's hub: the broadcast ring the tailer publishes to and every stream reads from,
//! the head (the last position published), and the bells that wake the tailer and the bus.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use diesel_async::AsyncPgConnection;
use steward_proto::v1 as pb;
use tokio::sync::{Notify, broadcast, watch};
use tokio_util::sync::CancellationToken;

use super::{Position, bus, tailer};
use crate::convert;
use crate::db::DbPool;
use crate::db::models::live::{self as log, LoggedChange};
use crate::db::models::people::{self, Person};
use crate::error::AppResult;
use steward_domain::facts::TicketFacts;

/// How many messages the ring keeps for streams that read slower than the tailer writes.
pub const RING_CAPACITY: usize = 4096;

/// One ticket event, ready to send: encoded once, filtered per watcher.
#[derive(Debug)]
pub struct LiveChange {
    pub position: Position,
    pub number: i64,
    pub facts: TicketFacts,
    /// Staff-only (an internal note).
    pub internal: bool,
    pub message: pb::TicketChange,
}

/// What the tailer publishes.
#[derive(Clone, Debug)]
pub enum Published {
    Ticket(Arc<LiveChange>),
    /// What this person may see has changed: their streams reload their roles.
    AccessChanged {
        person_id: i64,
    },
}

/// Shared by the tailer, the bus and every stream of the process.
pub struct Hub {
    ring: broadcast::Sender<Published>,
    head: watch::Sender<Position>,
    /// Wakes the tailer: something was committed or notified.
    pub(super) tailer_bell: Notify,
    /// Wakes the bus: tell the other processes.
    pub(super) notify_bell: Notify,
}

impl Hub {
    fn new(head: Position) -> Hub {
        Hub {
            ring: broadcast::channel(RING_CAPACITY).0,
            head: watch::Sender::new(head),
            tailer_bell: Notify::new(),
            notify_bell: Notify::new(),
        }
    }

    /// Reads where the logs stand and starts the tailer and the bus, which stop on `shutdown`.
    pub async fn start(pool: DbPool, database_url: &str, shutdown: CancellationToken) -> anyhow::Result<Arc<Hub>> {
        let mut conn = pool.get().await?;
        let ticket_head = log::head(&mut conn).await?;
        let access_head = log::access_head(&mut conn).await?;
        drop(conn);
        let hub = Arc::new(Hub::new(ticket_head));
        tokio::spawn(tailer::run(hub.clone(), database_url.to_owned(), ticket_head, access_head, shutdown.clone()));
        tokio::spawn(bus::run(hub.clone(), database_url.to_owned(), shutdown));
        Ok(hub)
    }

    /// A hub with no tailer, for commands that write but serve nothing (`steward admin`):
    /// serving processes see their writes by polling within [`super::POLL_INTERVAL`].
    pub fn idle() -> Arc<Hub> {
        Arc::new(Hub::new(Position::ZERO))
    }

    /// Call after a write transaction commits: wakes this process's tailer now and, through one
    /// coalesced NOTIFY, the other processes'.
    pub fn committed(&self) {
        self.tailer_bell.notify_one();
        self.notify_bell.notify_one();
    }

    /// The last position published: everything at or below it is settled and in the ring or
    /// readable from the database.
    pub fn head(&self) -> Position {
        *self.head.borrow()
    }

    /// A receiver of everything published from now on.
    pub fn subscribe(&self) -> broadcast::Receiver<Published> {
        self.ring.subscribe()
    }

    /// How many streams are subscribed.
    pub fn watchers(&self) -> usize {
        self.ring.receiver_count()
    }

    pub(super) fn publish_access_change(&self, person_id: i64) {
        let _ = self.ring.send(Published::AccessChanged { person_id });
    }

    pub(super) fn publish(&self, change: LiveChange) {
        let position = change.position;
        let _ = self.ring.send(Published::Ticket(Arc::new(change)));
        self.head.send_replace(position);
    }
}

/// Encodes logged events for sending, loading the names of the people they mention at once.
pub async fn encode(conn: &mut AsyncPgConnection, changes: Vec<LoggedChange>) -> AppResult<Vec<LiveChange>> {
    let mut ids: HashSet<i64> = HashSet::new();
    for change in &changes {
        ids.extend(change.event.actor_id);
        ids.extend(change.card.assignee_id);
        ids.extend(change.event.change.people());
    }
    let ids: Vec<i64> = ids.into_iter().collect();
    let names: HashMap<i64, Person> = people::by_ids(conn, &ids).await?;
    Ok(changes
        .into_iter()
        .map(|change| LiveChange {
            position: change.position,
            number: change.card.number,
            facts: change.card.facts(),
            internal: change.event.internal,
            message: pb::TicketChange {
                position: Some(convert::position(change.position)),
                number: change.card.number,
                actor: change.event.actor_id.map(|id| convert::person_ref_or_unknown(id, &names)),
                at: Some(convert::timestamp(change.event.at)),
                what: Some(convert::happening(&change.event.change, &names)),
                card: Some(convert::board_card(&change.card, &names)),
            },
        })
        .collect())
}
