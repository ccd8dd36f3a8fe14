//! The one mapping between the API's enums and the domain's values, used by the server and the
//! browser alike. Encoding never fails; decoding a number tells apart "unset" (the enum's
//! `UNSPECIFIED`, `Ok(None)`) from a number that is no value at all (`Err`), so the server can
//! name the field that carried it.

use steward_domain::lifecycle::Action;
use steward_domain::{BudgetPeriod, MembershipRole, Priority, PriorityFlag, RequestType, TicketState};

use crate::v1 as pb;

/// A number on the wire that is none of an enum's values.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct UnknownValue(pub i32);

/// A domain value carried on the wire as a protobuf enum.
pub trait WireEnum: Sized + Copy {
    /// The protobuf enum.
    type Wire: Into<i32>;

    /// The protobuf value for this one.
    fn to_wire(self) -> Self::Wire;

    /// The value a number on the wire stands for: `Ok(None)` when it is unset.
    fn from_wire(value: i32) -> Result<Option<Self>, UnknownValue>;

    /// The value, or `None` when unset or unknown (for display, where there is no field to name).
    fn from_wire_lossy(value: i32) -> Option<Self> {
        Self::from_wire(value).ok().flatten()
    }
}

macro_rules! wire_enum {
    ($domain:ident <=> $wire:ident { $($variant:ident),+ $(,)? }) => {
        impl WireEnum for $domain {
            type Wire = pb::$wire;

            fn to_wire(self) -> pb::$wire {
                match self { $($domain::$variant => pb::$wire::$variant),+ }
            }

            fn from_wire(value: i32) -> Result<Option<Self>, UnknownValue> {
                match pb::$wire::try_from(value) {
                    Ok(pb::$wire::Unspecified) => Ok(None),
                    $(Ok(pb::$wire::$variant) => Ok(Some($domain::$variant)),)+
                    Err(_) => Err(UnknownValue(value)),
                }
            }
        }

        impl From<$domain> for pb::$wire {
            fn from(value: $domain) -> pb::$wire {
                value.to_wire()
            }
        }
    };
}

wire_enum!(RequestType <=> RequestType {
    Incident,
    ChangeRequest,
    GuidanceRequest,
    WorkshopRequest,
    AddRemoveUser,
    ProblemTroubleshooting,
    Other,
});

wire_enum!(Priority <=> Priority { ProductionDown, Urgent, Normal });

wire_enum!(TicketState <=> TicketState { AwaitingApproval, New, Open, InProgress, Pending, Resolved, Closed });

wire_enum!(Action <=> TicketAction { Approve, Decline, Triage, Start, WaitOnRequester, Resolve, Close, Reopen });

wire_enum!(PriorityFlag <=> PriorityFlag { DedicatedFunding, ManyCommunities, AlignedGoals, AlignedUpstream, HighImpact });

wire_enum!(BudgetPeriod <=> BudgetPeriod { Month, Quarter });

wire_enum!(MembershipRole <=> MembershipRole { Representative, Member });

#[cfg(test)]
mod tests {
    use super::*;

    fn round_trips<T: WireEnum + PartialEq + std::fmt::Debug>(all: &[T]) {
        for &value in all {
            let wire: i32 = value.to_wire().into();
            assert_eq!(T::from_wire(wire), Ok(Some(value)));
            assert_ne!(wire, 0, "{value:?} must not be the unset value");
        }
        assert_eq!(T::from_wire(0), Ok(None));
        assert_eq!(T::from_wire(9_999), Err(UnknownValue(9_999)));
    }

    #[test]
    fn every_domain_value_has_its_own_wire_value_and_back() {
        round_trips(RequestType::ALL);
        round_trips(Priority::ALL);
        round_trips(TicketState::ALL);
        round_trips(Action::ALL);
        round_trips(PriorityFlag::ALL);
        round_trips(BudgetPeriod::ALL);
        round_trips(MembershipRole::ALL);
    }
}
