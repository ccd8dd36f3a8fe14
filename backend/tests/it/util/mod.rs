//! Test support: databases, the running app, signed-in clients and fixtures.

pub mod test_app;
pub mod test_db;
pub mod world;

pub use test_app::{Client, TestApp};

use steward_proto::v1 as pb;

/// The sentence a client writes for an event ("moved it from New to Open").
pub fn sentence(what: &Option<pb::TicketHappening>) -> String {
    steward_proto::domain::sentence(what.as_ref().expect("every event says what happened"))
}

/// The kind of an event, as the log names it ("transitioned").
pub fn kind(what: &Option<pb::TicketHappening>) -> &'static str {
    steward_proto::domain::kind(what.as_ref().expect("every event says what happened"))
}
