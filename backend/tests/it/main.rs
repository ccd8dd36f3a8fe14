//! Steward's integration tests: one binary, each test with its own database cloned from a
//! migrated template, calling a real server through the generated gRPC clients.
//!
//! PostgreSQL: `STEWARD_TEST_DATABASE_URL` (set by `cargo xtask test`) names a server where the
//! tests may create databases; without it, the tests start the private cluster under `target/`.

mod access_matrix;
mod attachments;
mod auth;
mod board;
mod browser_clients;
mod demo;
mod directory;
mod incidents;
mod keys;
mod known_issues;
mod limits;
mod live;
mod mail;
mod notify;
mod outage;
mod paging;
mod server;
mod service_levels;
mod tickets;
mod triage;
mod usecases;
mod util;
mod webhooks;
