//! Steward's server: the `steward.v1` gRPC API (native gRPC and gRPC-web), the PostgreSQL
//! schema, and the built frontend, all on one port. See `server` for the wiring, `domain` for
//! the rules, `authz` for who may do what.

pub mod auth;
pub mod authz;
pub mod config;
pub mod db;
pub mod demo;
pub mod domain;
pub mod error;
pub mod events;
pub mod live;
pub mod server;
pub mod services;
pub mod telemetry;

use std::sync::Arc;

use tokio_util::sync::CancellationToken;

/// What every handler shares: the database pool, the configuration, the live-update hub (ring
/// it after a write commits), and the shutdown signal that streams watch so a shutdown ends
/// them cleanly.
#[derive(Clone)]
pub struct AppState {
    pub pool: db::DbPool,
    pub config: Arc<config::Config>,
    pub live: Arc<live::Hub>,
    pub shutdown: CancellationToken,
}
