//! Steward's server: the `steward.v1` gRPC API (native gRPC and gRPC-web), the PostgreSQL
//! schema, and the built frontend, all on one port. See `server` for the wiring; the rules (and
//! who may do what, `steward_domain::authz`) are in the `steward-domain` crate.

pub mod auth;
pub mod clock;
pub mod config;
pub mod convert;
pub mod credentials;
pub mod db;
pub mod demo;
pub mod email;
pub mod error;
pub mod files;
pub mod http_out;
pub mod limits;
pub mod live;
pub mod markdown;
pub mod server;
pub mod services;
pub mod session_cache;
pub mod telemetry;
pub mod usecases;
pub mod web;

use std::sync::Arc;

use tokio_util::sync::CancellationToken;

/// What every handler shares: the use cases' core (the database pool, the live-update hub,
/// the clock), the configuration, the limits, and the shutdown signal that streams watch so a shutdown
/// ends them cleanly.
#[derive(Clone)]
pub struct AppState {
    pub core: usecases::Core,
    pub config: Arc<config::Config>,
    /// The limits in force and what they count (`limits`).
    pub limiter: Arc<limits::Limiter>,
    pub shutdown: CancellationToken,
}
