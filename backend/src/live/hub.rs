//! The process's hub: the broadcast ring the tailer publishes to and every stream reads from,
//! the head (the last position published), and the bells that wake the tailer and the bus.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use bytes::Bytes;
use diesel_async::AsyncPgConnection;
use prost::Message as _;
use steward_proto::v1 as pb;
use steward_proto::v1::watch_response;
use tokio::sync::{Notify, broadcast, watch};
use tokio_util::sync::CancellationToken;

use super::{Position, bus, tailer};
use crate::convert;
use crate::convert::incidents::{Names, entry_message, incident_message, named_in};
use crate::db::DbPool;
use crate::db::models::incidents;
use crate::db::models::live::{self as log, Logged};
use crate::error::AppResult;
use crate::session_cache::SessionCache;
use steward_domain::facts::TicketFacts;

/// How many messages the ring keeps for streams that read slower than the tailer writes.
pub const RING_CAPACITY: usize = 4096;

/// A `WatchResponse`, encoded: what a stream sends. A change is encoded once, when it is
/// published, and every stream that may see it sends the same bytes.
#[derive(Clone, Debug)]
pub struct Encoded(pub Bytes);

impl Encoded {
    pub fn of(message: watch_response::Message) -> Encoded {
        Encoded(Bytes::from(pb::WatchResponse { message: Some(message) }.encode_to_vec()))
    }
}

/// One ticket event, ready to send: encoded once, filtered per watcher.
#[derive(Debug)]
pub struct LiveChange {
    pub position: Position,
    pub number: i64,
    pub facts: TicketFacts,
    /// Staff-only (an internal note).
    pub internal: bool,
    pub encoded: Encoded,
}

/// One incident entry, ready to send: encoded once, filtered per watcher.
#[derive(Debug)]
pub struct LiveIncidentChange {
    pub position: Position,
    pub number: i64,
    /// The communities the incident affects now: who outside the team may see it.
    pub affected: Vec<i64>,
    /// The change with its entry.
    pub encoded: Encoded,
    /// For an entry that is the response team's only, the change without it: the incident's
    /// new header, for those who may see the incident but not the entry.
    pub encoded_without_entry: Option<Encoded>,
}

/// What the tailer publishes.
#[derive(Clone, Debug)]
pub enum Published {
    Ticket(Arc<LiveChange>),
    Incident(Arc<LiveIncidentChange>),
    /// What this person may see has changed: their streams reload their roles.
    AccessChanged {
        person_id: i64,
    },
}

impl Published {
    /// Where a ticket or incident change stands in the log; none for an access change.
    pub fn position(&self) -> Option<Position> {
        match self {
            Published::Ticket(change) => Some(change.position),
            Published::Incident(change) => Some(change.position),
            Published::AccessChanged { .. } => None,
        }
    }
}

/// Shared by the tailer, the bus and every stream of the process.
pub struct Hub {
    /// The signed-in sessions the API's layer read; access changes forget them.
    pub sessions: SessionCache,
    ring: broadcast::Sender<Published>,
    head: watch::Sender<Position>,
    /// Wakes the tailer: something was committed or notified.
    pub(super) tailer_bell: Notify,
    /// Wakes the bus: tell the other processes.
    pub(super) notify_bell: Notify,
    /// Counts the wake-ups of the outbox's delivery (a page was queued somewhere).
    outbox: watch::Sender<u64>,
}

impl Hub {
    fn new(head: Position) -> Hub {
        Hub {
            sessions: SessionCache::default(),
            ring: broadcast::channel(RING_CAPACITY).0,
            head: watch::Sender::new(head),
            tailer_bell: Notify::new(),
            notify_bell: Notify::new(),
            outbox: watch::Sender::new(0),
        }
    }

    /// Reads where the logs stand and starts the tailer and the bus, which stop on `shutdown`.
    pub async fn start(pool: DbPool, database_url: &str, shutdown: CancellationToken) -> anyhow::Result<Arc<Hub>> {
        let mut conn = pool.get().await?;
        let change_head = log::head(&mut conn).await?;
        let access_head = log::access_head(&mut conn).await?;
        drop(conn);
        let hub = Arc::new(Hub::new(change_head));
        tokio::spawn(tailer::run(hub.clone(), database_url.to_owned(), change_head, access_head, shutdown.clone()));
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

    /// Call after a write that changed what `person_id` may see (their memberships, their staff
    /// role, a session of theirs ended) commits: this process forgets their sessions at once;
    /// the others do when their tailers read the access-change log.
    pub fn access_changed(&self, person_id: i64) {
        self.sessions.forget_person(person_id);
        self.committed();
    }

    /// The last position published: everything at or below it is settled and in the ring or
    /// readable from the database.
    pub fn head(&self) -> Position {
        *self.head.borrow()
    }

    /// Changes whenever a process queued something urgent to deliver (a page): mail and webhook
    /// delivery wait on it besides their poll.
    pub fn outbox_bell(&self) -> watch::Receiver<u64> {
        self.outbox.subscribe()
    }

    pub(super) fn ring_outbox(&self) {
        self.outbox.send_modify(|count| *count = count.wrapping_add(1));
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
        self.sessions.forget_person(person_id);
        let _ = self.ring.send(Published::AccessChanged { person_id });
    }

    /// Publishes a ticket or incident change (never an access change: those have their own
    /// log and no position in this one).
    pub(super) fn publish(&self, change: Published) {
        let Some(position) = change.position() else { return };
        let _ = self.ring.send(change);
        self.head.send_replace(position);
    }
}

/// Encodes logged events for sending, loading at once the names of the people and communities
/// they mention and, for incidents, who commands them and which communities they affect now.
pub async fn encode(conn: &mut AsyncPgConnection, changes: Vec<Logged>) -> AppResult<Vec<Published>> {
    let mut people: HashSet<i64> = HashSet::new();
    let mut communities: Vec<i64> = Vec::new();
    let mut incident_numbers: Vec<i64> = Vec::new();
    for change in &changes {
        match change {
            Logged::Ticket(change) => {
                people.extend(change.event.actor_id);
                people.extend(change.card.assignee_id);
                people.extend(change.event.change.people());
            }
            Logged::Incident(change) => {
                let mut named = vec![change.incident.declared_by];
                named_in(&change.entry, &mut named, &mut communities);
                people.extend(named);
                incident_numbers.push(change.number);
            }
        }
    }
    let (mut affected, mut commanders) = (HashMap::<i64, Vec<i64>>::new(), HashMap::new());
    if !incident_numbers.is_empty() {
        incident_numbers.sort_unstable();
        incident_numbers.dedup();
        for (number, community) in incidents::affected_communities(conn, &incident_numbers).await? {
            affected.entry(number).or_default().push(community);
            communities.push(community);
        }
        commanders = incidents::commanders(conn, &incident_numbers).await?.into_iter().collect();
        people.extend(commanders.values().copied());
    }
    communities.sort_unstable();
    communities.dedup();
    let names = Names::load(conn, people.into_iter().collect(), communities).await?;
    Ok(changes
        .into_iter()
        .map(|change| match change {
            Logged::Ticket(change) => Published::Ticket(Arc::new(LiveChange {
                position: change.position,
                number: change.card.number,
                facts: change.card.facts(),
                internal: change.event.internal,
                encoded: Encoded::of(watch_response::Message::TicketChange(pb::TicketChange {
                    position: Some(convert::position(change.position)),
                    number: change.card.number,
                    actor: change.event.actor_id.map(|id| names.person(id)),
                    at: Some(convert::timestamp(change.event.at)),
                    what: Some(convert::happening(&change.event.change, &names.people)),
                    card: Some(convert::board_card(&change.card, &names.people)),
                })),
            })),
            Logged::Incident(change) => {
                let affected = affected.get(&change.number).cloned().unwrap_or_default();
                let commander = commanders.get(&change.number).copied();
                let mut message = pb::IncidentChange {
                    position: Some(convert::position(change.position)),
                    number: change.number,
                    entry: Some(entry_message(&change.entry, &names)),
                    incident: Some(incident_message(false, &change.incident, commander, &affected, &names)),
                };
                let encoded = Encoded::of(watch_response::Message::IncidentChange(message.clone()));
                let encoded_without_entry = change.entry.internal.then(|| {
                    message.entry = None;
                    Encoded::of(watch_response::Message::IncidentChange(message))
                });
                Published::Incident(Arc::new(LiveIncidentChange {
                    position: change.position,
                    number: change.number,
                    encoded,
                    encoded_without_entry,
                    affected,
                }))
            }
        })
        .collect())
}
