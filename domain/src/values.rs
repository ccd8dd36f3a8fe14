//! The enumerations of the domain, each with its one database spelling and its words for people.

/// Declares a closed set of values stored as text: `as_str` is the database spelling,
/// `parse` its inverse, `label` the words shown to people.
macro_rules! text_enum {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident = ($db:literal, $label:literal)),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name { $($(#[$vmeta])* $variant),+ }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The spelling stored in the database.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $db),+ }
            }

            /// The value stored as `text`, if it is one.
            pub fn parse(text: &str) -> Option<Self> {
                match text { $($db => Some($name::$variant),)+ _ => None }
            }

            /// The words shown to people.
            pub fn label(self) -> &'static str {
                match self { $($name::$variant => $label),+ }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.label())
            }
        }

        /// Stored (in the event log) as its database spelling.
        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let text = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
                $name::parse(&text).ok_or_else(|| {
                    serde::de::Error::custom(format!("{text:?} is not a {}", stringify!($name)))
                })
            }
        }
    };
}

pub(crate) use text_enum;

text_enum! {
    /// The priority scale (seed 003), highest first.
    Priority {
        ProductionDown = ("production_down", "Production down"),
        Urgent = ("urgent", "Urgent"),
        Normal = ("normal", "Normal"),
    }
}

text_enum! {
    /// Where a ticket is in its lifecycle; see [`crate::lifecycle`].
    TicketState {
        AwaitingApproval = ("awaiting_approval", "Awaiting approval"),
        New = ("new", "New"),
        Open = ("open", "Open"),
        InProgress = ("in_progress", "In progress"),
        Pending = ("pending", "Pending"),
        Resolved = ("resolved", "Resolved"),
        Closed = ("closed", "Closed"),
    }
}

text_enum! {
    /// A person's role in one community.
    MembershipRole {
        /// Speaks for the community: files requests and approves members' requests.
        Representative = ("representative", "Representative"),
        /// May file requests, which wait for a representative's approval.
        Member = ("member", "Member"),
    }
}

text_enum! {
    /// A role on the support team.
    StaffRole {
        /// Works the tickets of every community.
        Steward = ("steward", "Steward"),
        /// A steward who also manages communities, people and configuration.
        Admin = ("admin", "Admin"),
    }
}

text_enum! {
    /// A fact about a request that a steward records, and that moves it up the triage order
    /// (see [`crate::priority`]).
    PriorityFlag {
        DedicatedFunding = ("dedicated_funding", "Comes with dedicated funding"),
        ManyCommunities = ("many_communities", "Affects many communities"),
        AlignedGoals = ("aligned_goals", "Aligned with our goals"),
        AlignedUpstream = ("aligned_upstream", "Aligned with upstream's goals"),
        HighImpact = ("high_impact", "High impact on one community"),
    }
}

text_enum! {
    /// The period a community's support budget renews over (calendar periods, UTC).
    BudgetPeriod {
        Month = ("month", "month"),
        Quarter = ("quarter", "quarter"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::RequestType;

    #[test]
    fn every_value_round_trips_through_its_database_spelling() {
        for value in RequestType::ALL {
            assert_eq!(RequestType::parse(value.as_str()), Some(*value));
        }
        for value in Priority::ALL {
            assert_eq!(Priority::parse(value.as_str()), Some(*value));
        }
        for value in TicketState::ALL {
            assert_eq!(TicketState::parse(value.as_str()), Some(*value));
        }
        for value in MembershipRole::ALL {
            assert_eq!(MembershipRole::parse(value.as_str()), Some(*value));
        }
        for value in StaffRole::ALL {
            assert_eq!(StaffRole::parse(value.as_str()), Some(*value));
        }
        for value in BudgetPeriod::ALL {
            assert_eq!(BudgetPeriod::parse(value.as_str()), Some(*value));
        }
        for value in PriorityFlag::ALL {
            assert_eq!(PriorityFlag::parse(value.as_str()), Some(*value));
        }
        assert_eq!(TicketState::parse("Open"), None);
        let scheduled: Vec<RequestType> =
            RequestType::ALL.iter().copied().filter(|t| t.is_scheduled_not_assigned()).collect();
        assert_eq!(scheduled, [RequestType::WorkshopRequest], "only workshops are scheduled rather than assigned");
    }
}
