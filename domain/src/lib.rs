//! Steward's rules, with no I/O: what the values are, how a ticket moves through its lifecycle,
//! who may do what, what a request form asks, how its fields and messages are checked, the
//! triage order, board ranks, budgets, response templates, business calendars, SLA clocks and
//! the support rotation, the rules for email (threading, machine-sent mail, quoted history), who
//! hears of what, webhooks and paging (who is on call, escalation, when a page starts and ends).
//! Everything here is plain data and pure functions, tested exhaustively in place; the server's
//! use cases and the browser only apply these decisions. No I/O crate belongs here, and the
//! crate builds for `wasm32-unknown-unknown`.

pub mod assignment;
pub mod authz;
pub mod board;
pub mod budget;
pub mod calendar;
pub mod conversation;
pub mod events;
pub mod facts;
pub mod fields;
pub mod files;
pub mod incident;
pub mod intake;
pub mod lifecycle;
pub mod mail;
pub mod notify;
pub mod openpgp;
pub mod paging;
pub mod priority;
pub mod rotation;
pub mod similar;
pub mod sla;
pub mod templates;
mod values;
pub mod webhooks;

pub use intake::RequestType;
pub use values::{BudgetPeriod, MembershipRole, Priority, PriorityFlag, StaffRole, TicketState};
