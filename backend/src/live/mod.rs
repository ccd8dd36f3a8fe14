//! Live updates: every change to a ticket reaches every screen watching it, once, in order,
//! across reconnects and across server processes. PostgreSQL is the only shared component.
//!
//! # Design
//!
//! - **Source.** The append-only `ticket_events` and `incident_events` logs, written in the same
//!   transaction as the change they record. They share one id sequence, so they read as one log.
//!   Nothing else is read to learn what changed.
//! - **Position.** An event's position is `(xact_id, id)`: the writing transaction's id (xid8)
//!   and the event's serial. Neither is commit-ordered (a transaction that takes its id first can
//!   commit last), so a reader only reads *settled* events: those whose transaction is below
//!   `pg_snapshot_xmin(pg_current_snapshot())`, the oldest transaction still running. Every
//!   transaction that could still add an event has an id at or above that horizon, so above
//!   every position already read: an event that commits late never lands behind a position a
//!   client holds. Clients resume "after position N". The price: a long write transaction holds
//!   back delivery until it ends (Steward's writes are short).
//! - **One tailer per process** ([`tailer`]) reads settled events after the last position it
//!   published and publishes them, with the ticket as it is now, on a broadcast ring of fixed
//!   size shared by all streams of the process ([`Hub`]). It wakes on a local bell rung after
//!   every commit made by this process, on a PostgreSQL `NOTIFY` from other processes, and every
//!   [`POLL_INTERVAL`] regardless, so delivery never depends on a notification arriving.
//! - **No NOTIFY in write transactions.** `NOTIFY` takes a global lock at commit, which would cap
//!   write throughput. After a write commits, the writer rings a bell ([`Hub::committed`]); one
//!   task per process turns any number of rings into one `NOTIFY steward_live` on its own
//!   connection, which also `LISTEN`s, reconnecting with backoff ([`bus`]).
//! - **A stream** ([`watch`]) subscribes to the ring first, then reads the published head, replays
//!   from the database every settled event after the client's position up to that head, sends
//!   `Live`, and then forwards ring events above the last position it handled. What the replay
//!   and the ring both hold is dropped by position; nothing is missed because the subscription
//!   came first. A stream that falls behind the ring (lagged) replays from the database again; a
//!   replay longer than [`watch::REPLAY_LIMIT`] events sends `Resync` (reload) and jumps to the
//!   head.
//! - **Encoded once.** The tailer encodes each change as the `WatchResponse` streams send
//!   ([`Encoded`]; an internal incident entry also without the entry); every stream that may
//!   see it sends those same bytes, so a change costs one encoding however many watch it.
//! - **Access per event.** Each event is checked against the watcher's roles when it is sent,
//!   by the same rules as unary calls ([`steward_domain::authz::can_receive_change`]; for an
//!   incident, `can_view_incident` over the communities it affects then, and its internal
//!   entries for the team only: others get the incident's new header without the entry). Membership changes
//!   and sign-outs append to `access_changes` in their own transaction; the tailer publishes them
//!   ahead of the events of the same poll, and the person's streams reload their roles, or end
//!   with Unauthenticated when the session is gone.
//! - **Bounded memory.** The ring is one fixed-size buffer for the process; each stream holds a
//!   small outgoing queue. A client that takes no message for [`watch::SEND_TIMEOUT`] has its
//!   stream ended; it resumes by position when it comes back.
//! - **Idle and shutdown.** A heartbeat goes out every [`watch::HEARTBEAT`] while a stream is
//!   idle; server shutdown ends every stream cleanly.

pub mod bus;
pub mod hub;
pub mod tailer;
pub mod watch;

use std::time::Duration;

pub use hub::{Encoded, Hub, LiveChange, LiveIncidentChange, Published};

pub use crate::db::models::live::Position;

/// How often the tailer reads the log even when no bell rang.
pub const POLL_INTERVAL: Duration = Duration::from_millis(500);

/// The least time between two reads of the log by the tailer, and between two NOTIFYs by the
/// bus: under a burst of writes, each read and each notification covers many commits. It adds
/// at most this much to delivery.
pub const COALESCE: Duration = Duration::from_millis(10);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_order_by_transaction_then_event() {
        let p = |transaction, event| Position { transaction, event };
        assert!(p(1, 9) < p(2, 1));
        assert!(p(2, 1) < p(2, 2));
        assert!(Position::ZERO < p(0, 1));
        assert!(p(u32::MAX as u64, i64::MAX - 1) < Position::MAX);
    }
}
