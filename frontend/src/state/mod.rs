//! State shared by the app shell and the pages, kept apart from both so that pages never import
//! the shell.

pub mod approvals;
pub mod draft;
pub mod notifications;
pub mod now;
pub mod theme;
pub mod user;
