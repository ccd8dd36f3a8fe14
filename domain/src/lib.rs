//! Steward's rules, with no I/O: what the values are, how a ticket moves through its lifecycle,
//! and what a request form asks. Everything here is plain data and pure functions, tested
//! exhaustively in place; the services and the database layer only apply these decisions.

pub mod assignment;
pub mod authz;
pub mod board;
pub mod budget;
pub mod intake;
pub mod lifecycle;
pub mod priority;
pub mod similar;
pub mod templates;
mod values;

pub use values::{BudgetPeriod, MembershipRole, Priority, PriorityFlag, RequestType, StaffRole, TicketState};
