//! The plain facts the access rules ([`crate::authz`]) decide over: who is calling, what a
//! ticket is, and the filter a list of tickets applies. The database layer reads and applies
//! these; only `authz` decides with them.

use crate::{MembershipRole, StaffRole, TicketState};

/// A signed-in person and their roles, as loaded for this request: the facts about a caller
/// that every access decision is made over.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Principal {
    pub person_id: i64,
    pub display_name: String,
    pub email: String,
    pub staff_role: Option<StaffRole>,
    /// Communities where they are a representative.
    pub representative_of: Vec<i64>,
    /// Communities where they are a member (not a representative).
    pub member_of: Vec<i64>,
}

/// What the rules need to know about one ticket.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TicketFacts {
    pub community_id: i64,
    pub requester_id: i64,
    pub confidential: bool,
    pub state: TicketState,
}

impl Principal {
    /// A steward or an admin.
    pub fn is_staff(&self) -> bool {
        self.staff_role.is_some()
    }

    /// An admin.
    pub fn is_admin(&self) -> bool {
        self.staff_role == Some(StaffRole::Admin)
    }

    /// The person's role in `community_id`, if they belong to it.
    pub fn role_in(&self, community_id: i64) -> Option<MembershipRole> {
        if self.representative_of.contains(&community_id) {
            Some(MembershipRole::Representative)
        } else if self.member_of.contains(&community_id) {
            Some(MembershipRole::Member)
        } else {
            None
        }
    }
}

/// The tickets `who` may see, as a filter the database applies to lists. It must agree with
/// [`crate::authz::can_view_ticket`]; the tests there hold the two together.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TicketVisibility {
    All,
    Limited {
        person_id: i64,
        /// Every ticket of these communities.
        all_of: Vec<i64>,
        /// Public tickets not awaiting approval of these communities.
        public_of: Vec<i64>,
    },
}

impl TicketVisibility {
    /// Whether the filter lets this ticket through (the same rule the SQL applies).
    pub fn admits(&self, ticket: &TicketFacts) -> bool {
        match self {
            TicketVisibility::All => true,
            TicketVisibility::Limited { person_id, all_of, public_of } => {
                ticket.requester_id == *person_id
                    || all_of.contains(&ticket.community_id)
                    || (public_of.contains(&ticket.community_id)
                        && !ticket.confidential
                        && ticket.state != TicketState::AwaitingApproval)
            }
        }
    }
}
