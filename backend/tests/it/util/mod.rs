//! Test support: databases, the running app, signed-in clients and fixtures.

pub mod test_app;
pub mod test_db;
pub mod world;

pub use test_app::{Client, TestApp};
