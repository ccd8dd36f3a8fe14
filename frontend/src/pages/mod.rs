//! One module per screen.

pub mod acknowledge;
pub mod approvals;
pub mod board;
pub mod incidents;
pub mod known_issues;
pub mod mail;
pub mod new_request;
pub mod not_found;
pub mod notifications;
pub mod profile;
pub mod settings;
pub mod signin;
pub mod status;
pub mod support;
pub mod ticket;
pub mod tickets;
pub mod triage;
