//! The ticket lifecycle: the one place that decides which state a ticket moves to.
//!
//! ```text
//!                    approve                triage          start
//! Awaiting approval ────────► New ───────────────► Open ─────────► In progress
//!        │ decline             │ ▲                  │ ▲               │
//!        ▼                     │ └── requester ─────┘ │               │
//!      Closed ◄── close ── Resolved ◄── resolve ── (New, Open, In progress, Pending)
//!        │                     │                  wait on requester: New, Open, In progress -> Pending
//!        └──── reopen ─────────┴──► Open
//! ```
//!
//! A member's request waits in Awaiting approval until a representative approves (New) or
//! declines (Closed) it (seed 001). Support triages (Open), works (In progress), waits on the
//! requester (Pending) and resolves (Resolved); the requester confirms (Closed) or reopens
//! (Open). Support may close a ticket outright when asking for confirmation does not apply
//! (seed 001). When the requester answers a ticket that is Pending, it goes back to Open.
//!
//! Who may take an action is not decided here but in [`crate::authz`].

use super::{RequestType, TicketState};

/// A step a person asks for (stored in the event log in snake case: `wait_on_requester`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    Approve,
    Decline,
    Triage,
    Start,
    WaitOnRequester,
    Resolve,
    Close,
    Reopen,
}

impl Action {
    /// Every action, in the order they are offered.
    pub const ALL: &'static [Action] = &[
        Action::Approve,
        Action::Decline,
        Action::Triage,
        Action::Start,
        Action::WaitOnRequester,
        Action::Resolve,
        Action::Close,
        Action::Reopen,
    ];

    /// The action's name where it is stored (the event log) and carried (the API's
    /// `TICKET_ACTION_WAIT_ON_REQUESTER`).
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Approve => "approve",
            Action::Decline => "decline",
            Action::Triage => "triage",
            Action::Start => "start",
            Action::WaitOnRequester => "wait_on_requester",
            Action::Resolve => "resolve",
            Action::Close => "close",
            Action::Reopen => "reopen",
        }
    }

    /// The words for the action, as a verb phrase.
    pub fn label(self) -> &'static str {
        match self {
            Action::Approve => "approve",
            Action::Decline => "decline",
            Action::Triage => "mark as triaged",
            Action::Start => "start work on",
            Action::WaitOnRequester => "wait on the requester for",
            Action::Resolve => "resolve",
            Action::Close => "close",
            Action::Reopen => "reopen",
        }
    }

    /// The words on the button that takes the action; `confirming` when the requester's side
    /// closes a resolved ticket (it confirms the resolution).
    pub fn button_label(self, confirming: bool) -> &'static str {
        match self {
            Action::Approve => "Approve",
            Action::Decline => "Decline",
            Action::Triage => "Mark triaged",
            Action::Start => "Start work",
            Action::WaitOnRequester => "Wait on requester",
            Action::Resolve => "Resolve",
            Action::Close if confirming => "Confirm resolved",
            Action::Close => "Close",
            Action::Reopen => "Reopen",
        }
    }

    /// Whether the person must say why (kept on the ticket's history).
    pub fn needs_reason(self) -> bool {
        matches!(self, Action::Decline | Action::Reopen)
    }
}

/// The lifecycle refused an action; `Display` says why in words a person can act on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TransitionRefused {
    pub from: TicketState,
    pub action: Action,
}

impl std::fmt::Display for TransitionRefused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        use Action::*;
        use TicketState::*;
        let Self { from, action } = *self;
        let hint = match (action, from) {
            (_, AwaitingApproval) => "a representative of the community must approve or decline it first",
            (Approve | Decline, _) => "only a request that is awaiting approval can be approved or declined",
            (Reopen, _) => "only a resolved or closed ticket can be reopened",
            (_, Closed) => "it is closed; reopen it first",
            (Close, _) => "it is already closed",
            (Triage, _) => "only a new ticket can be marked as triaged",
            (Resolve, Resolved) => "it is already resolved",
            (_, Resolved) => "it is resolved; reopen it or close it",
            (Start, InProgress) => "work on it has already started",
            (WaitOnRequester, Pending) => "it is already waiting on the requester",
            _ => "that step does not apply here",
        };
        write!(f, "Cannot {} a ticket that is {}: {}.", action.label(), from, hint)
    }
}

impl std::error::Error for TransitionRefused {}

/// The state a new request starts in: a member's request waits for a representative.
pub fn initial_state(needs_approval: bool) -> TicketState {
    if needs_approval { TicketState::AwaitingApproval } else { TicketState::New }
}

/// The state `action` moves a ticket in state `from` to, or why it cannot.
pub fn next_state(from: TicketState, action: Action) -> Result<TicketState, TransitionRefused> {
    use Action::*;
    use TicketState::*;
    let to = match (action, from) {
        (Approve, AwaitingApproval) => New,
        (Decline, AwaitingApproval) => Closed,
        (Triage, New) => Open,
        (Start, New | Open | Pending) => InProgress,
        (WaitOnRequester, New | Open | InProgress) => Pending,
        (Resolve, New | Open | InProgress | Pending) => Resolved,
        (Close, New | Open | InProgress | Pending | Resolved) => Closed,
        (Reopen, Resolved | Closed) => Open,
        _ => return Err(TransitionRefused { from, action }),
    };
    Ok(to)
}

/// A move between two columns of the board that no single step makes; `Display` says why.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NoStepBetween {
    pub from: TicketState,
    pub to: TicketState,
}

impl std::fmt::Display for NoStepBetween {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        use TicketState::*;
        let Self { from, to } = *self;
        let hint = match (from, to) {
            (_, AwaitingApproval) => "only a member's new request waits for approval",
            (AwaitingApproval, _) => "a representative of the community must approve or decline it first",
            (_, New) => "a ticket never goes back to New",
            (Pending, Open) => {
                "it goes back to Open by itself when the requester answers; move it to In progress to work on it"
            }
            (Closed | Resolved, _) => "reopen it first by moving it to Open",
            _ => "no step of the lifecycle does that",
        };
        write!(f, "Cannot move a ticket from {from} to {to}: {hint}.")
    }
}

impl std::error::Error for NoStepBetween {}

/// The one action that moves a ticket from `from` to `to` (how a drag on the board becomes a
/// step), or why there is none.
pub fn step_between(from: TicketState, to: TicketState) -> Result<Action, NoStepBetween> {
    Action::ALL.iter().copied().find(|&action| next_state(from, action) == Ok(to)).ok_or(NoStepBetween { from, to })
}

/// Whether a ticket of this type may be closed only once the release or change that makes it
/// available to users is recorded on it (seed 000: a feature request or bug is not closed before
/// the change reaches users): change requests and problems.
pub fn close_needs_release(request_type: RequestType) -> bool {
    matches!(request_type, RequestType::ChangeRequest | RequestType::ProblemTroubleshooting)
}

/// A ticket that must not be closed yet because no release is recorded on it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ReleaseMissing {
    pub request_type: RequestType,
}

impl std::fmt::Display for ReleaseMissing {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "Cannot close a {} before the release or change that makes it available to users is recorded \
             on it: record the release on the ticket, then close it.",
            self.request_type.label().to_lowercase()
        )
    }
}

impl std::error::Error for ReleaseMissing {}

/// Whether `action` may be taken on a ticket of `request_type` with `released_in` recorded, as
/// far as the release rule goes (the state rules are [`next_state`]'s). Declining a request
/// that never started is not closing it as done, so only [`Action::Close`] is held back.
pub fn check_release(
    action: Action,
    request_type: RequestType,
    released_in: Option<&str>,
) -> Result<(), ReleaseMissing> {
    let recorded = released_in.is_some_and(|release| !release.trim().is_empty());
    if action == Action::Close && close_needs_release(request_type) && !recorded {
        Err(ReleaseMissing { request_type })
    } else {
        Ok(())
    }
}

/// The state after the requester's side answers in the conversation: a ticket that was
/// waiting on them (Pending) goes back to Open; any other state stays.
pub fn after_requester_reply(state: TicketState) -> TicketState {
    match state {
        TicketState::Pending => TicketState::Open,
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::Action::*;
    use super::*;
    use TicketState::*;

    /// The whole table, written out: every state x every action.
    fn expected(from: TicketState, action: Action) -> Option<TicketState> {
        let table: &[(TicketState, &[(Action, TicketState)])] = &[
            (AwaitingApproval, &[(Approve, New), (Decline, Closed)]),
            (
                New,
                &[
                    (Triage, Open),
                    (Start, InProgress),
                    (WaitOnRequester, Pending),
                    (Resolve, Resolved),
                    (Close, Closed),
                ],
            ),
            (Open, &[(Start, InProgress), (WaitOnRequester, Pending), (Resolve, Resolved), (Close, Closed)]),
            (InProgress, &[(WaitOnRequester, Pending), (Resolve, Resolved), (Close, Closed)]),
            (Pending, &[(Start, InProgress), (Resolve, Resolved), (Close, Closed)]),
            (Resolved, &[(Close, Closed), (Reopen, Open)]),
            (Closed, &[(Reopen, Open)]),
        ];
        let (_, allowed) = table.iter().find(|(state, _)| *state == from)?;
        allowed.iter().find(|(a, _)| *a == action).map(|(_, to)| *to)
    }

    #[test]
    fn every_state_and_action_follows_the_table() {
        for &from in TicketState::ALL {
            for &action in Action::ALL {
                let got = next_state(from, action);
                match expected(from, action) {
                    Some(to) => assert_eq!(got, Ok(to), "{from:?} --{action:?}-->"),
                    None => assert_eq!(got, Err(TransitionRefused { from, action }), "{from:?} --{action:?}-->"),
                }
            }
        }
    }

    #[test]
    fn every_refusal_explains_itself_in_words() {
        for &from in TicketState::ALL {
            for &action in Action::ALL {
                if let Err(refused) = next_state(from, action) {
                    let text = refused.to_string();
                    assert!(text.starts_with("Cannot "), "{text}");
                    assert!(text.contains(from.label()), "{text}");
                }
            }
        }
        assert_eq!(
            next_state(Closed, Start).unwrap_err().to_string(),
            "Cannot start work on a ticket that is Closed: it is closed; reopen it first."
        );
        assert_eq!(
            next_state(AwaitingApproval, Triage).unwrap_err().to_string(),
            "Cannot mark as triaged a ticket that is Awaiting approval: a representative of the community must approve or decline it first."
        );
    }

    #[test]
    fn members_requests_wait_for_approval() {
        assert_eq!(initial_state(true), AwaitingApproval);
        assert_eq!(initial_state(false), New);
    }

    #[test]
    fn a_requester_reply_reopens_only_a_pending_ticket() {
        for &state in TicketState::ALL {
            let after = after_requester_reply(state);
            if state == Pending {
                assert_eq!(after, Open);
            } else {
                assert_eq!(after, state);
            }
        }
    }

    #[test]
    fn closed_is_left_only_by_reopening() {
        for &action in Action::ALL {
            assert_eq!(next_state(Closed, action).is_ok(), action == Reopen, "{action:?}");
        }
    }

    #[test]
    fn every_pair_of_columns_has_at_most_one_step_and_it_is_the_table_s() {
        for &from in TicketState::ALL {
            for &to in TicketState::ALL {
                let steps: Vec<Action> =
                    Action::ALL.iter().copied().filter(|&a| expected(from, a) == Some(to)).collect();
                assert!(steps.len() <= 1, "{from:?} -> {to:?} has several steps: {steps:?}");
                match (step_between(from, to), steps.first()) {
                    (Ok(action), Some(&step)) => assert_eq!(action, step, "{from:?} -> {to:?}"),
                    (Err(refused), None) => {
                        assert_eq!(refused, NoStepBetween { from, to });
                        let text = refused.to_string();
                        assert!(text.starts_with(&format!("Cannot move a ticket from {from} to {to}: ")), "{text}");
                    }
                    (got, want) => panic!("{from:?} -> {to:?}: got {got:?}, the table says {want:?}"),
                }
            }
        }
        assert_eq!(step_between(New, InProgress), Ok(Start));
        assert_eq!(step_between(Closed, Open), Ok(Reopen));
        assert_eq!(
            step_between(Pending, Open).unwrap_err().to_string(),
            "Cannot move a ticket from Pending to Open: it goes back to Open by itself when the requester answers; \
             move it to In progress to work on it."
        );
    }

    #[test]
    fn only_decline_and_reopen_need_a_reason() {
        let needing: Vec<_> = Action::ALL.iter().filter(|a| a.needs_reason()).collect();
        assert_eq!(needing, [&Decline, &Reopen]);
    }

    #[test]
    fn change_requests_and_problems_close_only_with_a_release() {
        for &request_type in RequestType::ALL {
            let needs = matches!(request_type, RequestType::ChangeRequest | RequestType::ProblemTroubleshooting);
            assert_eq!(close_needs_release(request_type), needs, "{request_type:?}");
            for &action in Action::ALL {
                let without = check_release(action, request_type, None);
                let blank = check_release(action, request_type, Some("  "));
                let with = check_release(action, request_type, Some("v2.4.0"));
                assert_eq!(with, Ok(()), "{request_type:?} {action:?} with a release");
                if needs && action == Close {
                    assert_eq!(without, Err(ReleaseMissing { request_type }));
                    assert_eq!(blank, Err(ReleaseMissing { request_type }), "a blank release is none");
                } else {
                    assert_eq!(without, Ok(()), "{request_type:?} {action:?}");
                }
            }
        }
        let message = ReleaseMissing { request_type: RequestType::ChangeRequest }.to_string();
        assert!(message.starts_with("Cannot close a change request before the release"), "{message}");
    }
}
