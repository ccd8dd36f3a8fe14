//! Use cases: every change Steward makes, as one operation any channel can call (gRPC today;
//! email intake and the service-level scheduler).
//!
//! The rule of this module: a use case takes an [`Actor`], input the channel has already
//! decoded and checked, and the [`Core`]; it reads the time once from the core's clock, runs in
//! one transaction, asks `steward_domain` for every decision (who may, which state, which
//! field), writes the change and its typed events together, rings the live hub after the
//! commit, and returns the result or a typed refusal ([`AppError`]). Channels never write to
//! the database themselves, and nothing here knows about protobuf, cookies or HTTP.

pub mod attachments;
pub mod board;
pub mod configuration;
pub mod directory;
pub(crate) mod events;
pub mod incidents;
pub mod keys;
pub mod mail;
pub mod notify;
pub mod paging;
pub mod people;
pub mod scheduler;
pub mod service_levels;
pub mod tickets;
pub mod triage;
pub mod webhooks;

use std::sync::Arc;

use chrono::{DateTime, Utc};
use steward_domain::facts::Principal;

use crate::clock::Clock;
use crate::config::MailSettings;
use crate::db::DbPool;
use crate::files::Files;
use crate::live::Hub;

/// What every use case runs with: the database, the live hub to ring after a commit, the
/// clock, how mail is addressed, and where attached files are kept.
#[derive(Clone)]
pub struct Core {
    pub pool: DbPool,
    pub live: Arc<Hub>,
    pub clock: Arc<dyn Clock>,
    pub mail: Arc<MailSettings>,
    pub files: Arc<Files>,
}

impl Core {
    /// A core for a command that writes but serves nothing (`steward admin`, `steward demo`):
    /// its live hub has no tailer, and serving processes see its writes within one poll.
    pub fn for_command(pool: DbPool, mail: MailSettings, files: Files) -> Core {
        Core { pool, live: Hub::idle(), clock: crate::clock::system(), mail: Arc::new(mail), files: Arc::new(files) }
    }

    /// The time for one use case: read once, used for everything it stores and decides.
    pub fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }
}

/// Who takes an action: a signed-in person, or Steward itself (automatic actions such as
/// closing a ticket after 48 working hours without an answer, or the demo data).
#[derive(Clone, Copy, Debug)]
pub enum Actor<'a> {
    Person(&'a Principal),
    Steward,
}

impl<'a> Actor<'a> {
    /// The person, for decisions that only a person's roles can answer.
    pub fn person(self) -> Option<&'a Principal> {
        match self {
            Actor::Person(principal) => Some(principal),
            Actor::Steward => None,
        }
    }

    /// The id recorded as the actor of an event (none for Steward itself).
    pub fn person_id(self) -> Option<i64> {
        self.person().map(|p| p.person_id)
    }
}
