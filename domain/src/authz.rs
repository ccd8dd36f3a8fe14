//! Every authorization decision, in one place, as pure decisions over plain facts (who is
//! calling, what the ticket is). Use cases and handlers ask here first and never decide
//! themselves; the browser asks the same functions to decide what to offer.
//!
//! The rules:
//! - Staff (stewards and admins) see and work every ticket of every community, including
//!   internal notes. Only admins manage communities and people.
//! - A representative sees every ticket of their communities, approves or declines members'
//!   requests there, and confirms or reopens resolved tickets.
//! - A member sees their community's public tickets and every ticket they filed. Their requests
//!   wait for a representative's approval; a request awaiting approval is seen only by its
//!   requester, the community's representatives and staff.
//! - The requester of a ticket always sees it and may confirm or reopen it.
//! - Nobody but staff ever sees an internal note, by any path.
//! - To someone who may not see a ticket, it does not exist: callers answer NotFound.
//! - Incidents: staff declare and run them and see all of every one. A representative or member
//!   sees an incident that affects one of their communities, and only its public entries; to
//!   anyone else it does not exist.
//! - Public knowledge (seed 000): a public ticket that is not awaiting approval, with its public
//!   replies, is readable by anyone on the known-issues pages, signed in or not; that view never
//!   carries confidential tickets, internal notes, form answers or e-mail addresses. Working on a
//!   ticket (replying, steps, the board, lists, live streams) stays within the rules above.

use crate::facts::{Principal, TicketFacts, TicketVisibility};
use crate::lifecycle::{self, Action, ReleaseMissing};
use crate::{MembershipRole, RequestType, TicketState};

/// Whether `who` may see the ticket at all.
pub fn can_view_ticket(who: &Principal, ticket: &TicketFacts) -> bool {
    if who.is_staff() || ticket.requester_id == who.person_id {
        return true;
    }
    match who.role_in(ticket.community_id) {
        Some(MembershipRole::Representative) => true,
        Some(MembershipRole::Member) => !ticket.confidential && ticket.state != TicketState::AwaitingApproval,
        None => false,
    }
}

/// Whether a ticket is public knowledge: shown to anyone on the known-issues pages and in
/// suggestions of similar tickets. `db::models::known_issues` applies this rule in SQL; the
/// integration tests hold the two together.
pub fn is_public_knowledge(ticket: &TicketFacts) -> bool {
    !ticket.confidential && ticket.state != TicketState::AwaitingApproval
}

/// Whether `who` sees internal notes (and internal events) on tickets they can see.
pub fn can_see_internal_notes(who: &Principal) -> bool {
    who.is_staff()
}

/// Whether `who` may receive, on a live stream, a change to a ticket with these facts (checked
/// when each change is sent): the same rules as reading the ticket and its notes.
pub fn can_receive_change(who: &Principal, ticket: &TicketFacts, internal: bool) -> bool {
    can_view_ticket(who, ticket) && (!internal || can_see_internal_notes(who))
}

/// Whether `who` may read a file attached to a ticket with these facts (on an internal note
/// when `internal`): exactly who may read what it is attached to. A file not attached yet is
/// its uploader's alone (decided where it is stored).
pub fn can_read_attachment(who: &Principal, ticket: &TicketFacts, internal: bool) -> bool {
    can_receive_change(who, ticket, internal)
}

/// Whether `who` may move cards on the board (change state and order by dragging).
pub fn can_arrange_board(who: &Principal) -> bool {
    who.is_staff()
}

/// Whether `who` may change a ticket's assignee, priority, type and confidentiality, and
/// write internal notes.
pub fn can_manage_tickets(who: &Principal) -> bool {
    who.is_staff()
}

/// Whether `who` may post a public reply on a ticket they can see.
pub fn can_reply(who: &Principal, ticket: &TicketFacts) -> bool {
    can_view_ticket(who, ticket)
}

/// Whether `who` speaks for the requester's side of this ticket: the requester or a
/// representative of its community (not merely a member, not staff).
pub fn is_requester_side(who: &Principal, ticket: &TicketFacts) -> bool {
    ticket.requester_id == who.person_id || who.role_in(ticket.community_id) == Some(MembershipRole::Representative)
}

/// Whether `who` sees a ticket's satisfaction survey: staff, and the requester's side.
pub fn can_see_survey(who: &Principal, ticket: &TicketFacts) -> bool {
    can_view_ticket(who, ticket) && (who.is_staff() || is_requester_side(who, ticket))
}

/// Whether `who` answers a ticket's satisfaction survey: the requester's side, not staff.
pub fn can_answer_survey(who: &Principal, ticket: &TicketFacts) -> bool {
    can_view_ticket(who, ticket) && !who.is_staff() && is_requester_side(who, ticket)
}

/// Whether `who` may take `action` on the ticket, if the lifecycle allows it.
pub fn can_take_action(who: &Principal, ticket: &TicketFacts, action: Action) -> bool {
    if !can_view_ticket(who, ticket) {
        return false;
    }
    let representative = who.role_in(ticket.community_id) == Some(MembershipRole::Representative);
    match action {
        Action::Approve | Action::Decline => representative,
        Action::Triage | Action::Start | Action::WaitOnRequester | Action::Resolve => who.is_staff(),
        Action::Close => who.is_staff() || (is_requester_side(who, ticket) && ticket.state == TicketState::Resolved),
        Action::Reopen => who.is_staff() || is_requester_side(who, ticket),
    }
}

/// The steps `who` may take on a ticket now, in the order they are offered: those the access
/// rules let them take, the lifecycle allows from its state, and the release rule does not hold
/// back (`released_in` is the release recorded on it).
pub fn available_actions(
    who: &Principal,
    ticket: &TicketFacts,
    request_type: RequestType,
    released_in: Option<&str>,
) -> Vec<Action> {
    Action::ALL
        .iter()
        .copied()
        .filter(|&action| {
            can_take_action(who, ticket, action)
                && lifecycle::next_state(ticket.state, action).is_ok()
                && lifecycle::check_release(action, request_type, released_in).is_ok()
        })
        .collect()
}

/// Why closing is held back for `who`, when they could otherwise close the ticket now: no
/// release is recorded on a change request or problem.
pub fn close_held_back(
    who: &Principal,
    ticket: &TicketFacts,
    request_type: RequestType,
    released_in: Option<&str>,
) -> Option<ReleaseMissing> {
    let could_close =
        can_take_action(who, ticket, Action::Close) && lifecycle::next_state(ticket.state, Action::Close).is_ok();
    could_close.then(|| lifecycle::check_release(Action::Close, request_type, released_in).err()).flatten()
}

/// How a request filed by `who` in `community_id` starts, or `None` if they may not file there.
pub enum Filing {
    /// Goes straight to support.
    Direct,
    /// Waits for a representative's approval.
    NeedsApproval,
}

/// Whether and how `who` may file a request for `community_id`.
pub fn filing(who: &Principal, community_id: i64) -> Option<Filing> {
    match who.role_in(community_id) {
        Some(MembershipRole::Representative) => Some(Filing::Direct),
        Some(MembershipRole::Member) => Some(Filing::NeedsApproval),
        None if who.is_staff() => Some(Filing::Direct),
        None => None,
    }
}

/// Whether `who` may see the approval queue of `community_id`.
pub fn can_approve_in(who: &Principal, community_id: i64) -> bool {
    who.role_in(community_id) == Some(MembershipRole::Representative)
}

/// Whether `who` may manage communities, people and memberships.
pub fn can_administer(who: &Principal) -> bool {
    who.is_admin()
}

/// Whether `who` may share a saved view of the ticket list with the team, and sees the views
/// the team shared: staff. A shared view is only filters and an order; whoever uses it sees only
/// what they may see.
pub fn can_share_views(who: &Principal) -> bool {
    who.is_staff()
}

/// Whether `who` may triage: see the triage queue, set priority flags, run the timebox, link
/// issues, record releases, log time and fill in response templates.
pub fn can_triage(who: &Principal) -> bool {
    who.is_staff()
}

/// Whether `who` may see how much of `community_id`'s support budget is used: staff and the
/// community's representatives (who speak for it and spend it), not its other members.
pub fn can_view_budget(who: &Principal, community_id: i64) -> bool {
    who.is_staff() || who.role_in(community_id) == Some(MembershipRole::Representative)
}

/// Whether `who` may change Steward's configuration: budgets, response templates.
pub fn can_configure(who: &Principal) -> bool {
    who.is_admin()
}

/// Whether `who` may see the list of staff (to assign tickets).
pub fn can_list_staff(who: &Principal) -> bool {
    who.is_staff()
}

/// The list filter for `who`.
pub fn ticket_visibility(who: &Principal) -> TicketVisibility {
    if who.is_staff() {
        TicketVisibility::All
    } else {
        TicketVisibility::Limited {
            person_id: who.person_id,
            all_of: who.representative_of.clone(),
            public_of: who.member_of.clone(),
        }
    }
}

/// Which communities `who` may see listed: `None` means all.
pub fn visible_communities(who: &Principal) -> Option<Vec<i64>> {
    if who.is_staff() {
        None
    } else {
        let mut ids: Vec<i64> = who.representative_of.iter().chain(&who.member_of).copied().collect();
        ids.sort_unstable();
        ids.dedup();
        Some(ids)
    }
}

/// Whether `who` may declare incidents, escalate tickets into them and run them.
pub fn can_run_incidents(who: &Principal) -> bool {
    who.is_staff()
}

/// Whether `who` may see an incident affecting `affected` communities (its public entries; the
/// internal ones only if [`can_see_internal_incident_entries`]).
pub fn can_view_incident(who: &Principal, affected: &[i64]) -> bool {
    who.is_staff() || affected.iter().any(|&community| who.role_in(community).is_some())
}

/// Whether `who` sees an incident's internal entries (roles, links, internal updates).
pub fn can_see_internal_incident_entries(who: &Principal) -> bool {
    who.is_staff()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::StaffRole;

    const A: i64 = 1;
    const B: i64 = 2;

    fn person(id: i64, staff_role: Option<StaffRole>, reps: &[i64], members: &[i64]) -> Principal {
        Principal {
            person_id: id,
            display_name: format!("person {id}"),
            email: format!("p{id}@example.org"),
            staff_role,
            representative_of: reps.to_vec(),
            member_of: members.to_vec(),
        }
    }

    fn rep_a() -> Principal {
        person(10, None, &[A], &[])
    }
    fn member_a() -> Principal {
        person(11, None, &[], &[A])
    }
    fn other_member_a() -> Principal {
        person(12, None, &[], &[A])
    }
    fn rep_b() -> Principal {
        person(20, None, &[B], &[])
    }
    fn steward() -> Principal {
        person(30, Some(StaffRole::Steward), &[], &[])
    }
    fn admin() -> Principal {
        person(31, Some(StaffRole::Admin), &[], &[])
    }
    fn outsider() -> Principal {
        person(40, None, &[], &[])
    }

    fn everyone() -> Vec<Principal> {
        vec![rep_a(), member_a(), other_member_a(), rep_b(), steward(), admin(), outsider()]
    }

    /// Every combination of community, requester, confidentiality and state.
    fn every_ticket() -> Vec<TicketFacts> {
        let mut tickets = Vec::new();
        for community_id in [A, B] {
            for requester_id in [10, 11, 20, 30] {
                for confidential in [false, true] {
                    for &state in TicketState::ALL {
                        tickets.push(TicketFacts { community_id, requester_id, confidential, state });
                    }
                }
            }
        }
        tickets
    }

    fn ticket(community_id: i64, requester_id: i64, confidential: bool, state: TicketState) -> TicketFacts {
        TicketFacts { community_id, requester_id, confidential, state }
    }

    #[test]
    fn a_file_is_read_by_exactly_who_reads_what_it_is_attached_to() {
        for who in everyone() {
            for facts in every_ticket() {
                assert_eq!(
                    can_read_attachment(&who, &facts, false),
                    can_view_ticket(&who, &facts),
                    "{who:?} {facts:?}"
                );
                assert_eq!(
                    can_read_attachment(&who, &facts, true),
                    who.is_staff(),
                    "a file on an internal note is the team's: {who:?} {facts:?}"
                );
            }
        }
        let confidential = ticket(A, 10, true, TicketState::Open);
        assert!(!can_read_attachment(&member_a(), &confidential, false), "a member never reads a confidential file");
        assert!(!can_read_attachment(&rep_b(), &ticket(A, 10, false, TicketState::Open), false));
    }

    #[test]
    fn the_list_filter_agrees_with_the_single_ticket_rule() {
        for who in everyone() {
            let visibility = ticket_visibility(&who);
            for t in every_ticket() {
                assert_eq!(visibility.admits(&t), can_view_ticket(&who, &t), "{who:?} {t:?}");
            }
        }
    }

    #[test]
    fn nobody_outside_a_community_sees_its_tickets_unless_staff_or_requester() {
        for t in every_ticket().into_iter().filter(|t| t.community_id == A && t.requester_id != 20) {
            assert!(!can_view_ticket(&rep_b(), &t), "{t:?}");
            assert!(!can_view_ticket(&outsider(), &t), "{t:?}");
            assert!(can_view_ticket(&steward(), &t));
            assert!(can_view_ticket(&admin(), &t));
            assert!(can_view_ticket(&rep_a(), &t));
        }
    }

    #[test]
    fn members_see_public_tickets_and_their_own() {
        let open = TicketState::Open;
        assert!(can_view_ticket(&member_a(), &ticket(A, 10, false, open)));
        assert!(!can_view_ticket(&member_a(), &ticket(A, 10, true, open)), "confidential, not theirs");
        assert!(can_view_ticket(&member_a(), &ticket(A, 11, true, open)), "confidential, theirs");
        assert!(can_view_ticket(&member_a(), &ticket(A, 11, false, TicketState::AwaitingApproval)));
        assert!(
            !can_view_ticket(&other_member_a(), &ticket(A, 11, false, TicketState::AwaitingApproval)),
            "another member's request awaiting approval"
        );
        assert!(!can_view_ticket(&member_a(), &ticket(B, 20, false, open)));
    }

    #[test]
    fn only_staff_see_internal_notes_and_manage_tickets() {
        for who in everyone() {
            assert_eq!(can_see_internal_notes(&who), who.is_staff());
            assert_eq!(can_manage_tickets(&who), who.is_staff());
        }
        assert!(can_see_internal_notes(&steward()));
        assert!(!can_see_internal_notes(&rep_a()));
    }

    #[test]
    fn live_changes_follow_the_reading_rules_for_everyone() {
        for who in everyone() {
            for ticket in every_ticket() {
                assert_eq!(
                    can_receive_change(&who, &ticket, false),
                    can_view_ticket(&who, &ticket),
                    "{who:?} {ticket:?}"
                );
                assert_eq!(
                    can_receive_change(&who, &ticket, true),
                    can_view_ticket(&who, &ticket) && who.is_staff(),
                    "internal change: {who:?} {ticket:?}"
                );
            }
        }
    }

    #[test]
    fn only_staff_arrange_the_board() {
        for who in everyone() {
            assert_eq!(can_arrange_board(&who), who.is_staff(), "{who:?}");
        }
        assert!(!can_arrange_board(&rep_a()));
    }

    #[test]
    fn every_action_for_every_person_on_every_ticket() {
        for who in everyone() {
            for t in every_ticket() {
                for &action in Action::ALL {
                    let allowed = can_take_action(&who, &t, action);
                    let visible = can_view_ticket(&who, &t);
                    let rep = who.representative_of.contains(&t.community_id);
                    let requester = t.requester_id == who.person_id;
                    let expected = visible
                        && match action {
                            Action::Approve | Action::Decline => rep,
                            Action::Triage | Action::Start | Action::WaitOnRequester | Action::Resolve => {
                                who.is_staff()
                            }
                            Action::Close => who.is_staff() || ((rep || requester) && t.state == TicketState::Resolved),
                            Action::Reopen => who.is_staff() || rep || requester,
                        };
                    assert_eq!(allowed, expected, "{} {action:?} {t:?}", who.person_id);
                }
            }
        }
    }

    #[test]
    fn staff_cannot_approve_on_behalf_of_a_community() {
        let waiting = ticket(A, 11, false, TicketState::AwaitingApproval);
        assert!(!can_take_action(&steward(), &waiting, Action::Approve));
        assert!(!can_take_action(&admin(), &waiting, Action::Decline));
        assert!(can_take_action(&rep_a(), &waiting, Action::Approve));
        assert!(!can_take_action(&rep_b(), &waiting, Action::Approve));
        assert!(!can_take_action(&member_a(), &waiting, Action::Approve), "the requester cannot approve their own");
    }

    #[test]
    fn filing_depends_on_the_role_in_that_community() {
        assert!(matches!(filing(&rep_a(), A), Some(Filing::Direct)));
        assert!(matches!(filing(&member_a(), A), Some(Filing::NeedsApproval)));
        assert!(filing(&rep_a(), B).is_none());
        assert!(filing(&outsider(), A).is_none());
        assert!(matches!(filing(&steward(), B), Some(Filing::Direct)));
        let both = person(50, None, &[A], &[B]);
        assert!(matches!(filing(&both, A), Some(Filing::Direct)));
        assert!(matches!(filing(&both, B), Some(Filing::NeedsApproval)));
    }

    #[test]
    fn administration_and_staff_lists() {
        for who in everyone() {
            assert_eq!(can_administer(&who), who.person_id == 31);
            assert_eq!(can_list_staff(&who), who.is_staff());
            assert_eq!(can_approve_in(&who, A), who.person_id == 10);
        }
    }

    #[test]
    fn visible_communities_are_ones_own() {
        assert_eq!(visible_communities(&steward()), None);
        assert_eq!(visible_communities(&person(50, None, &[B], &[A, B])), Some(vec![A, B]));
        assert_eq!(visible_communities(&outsider()), Some(vec![]));
    }

    #[test]
    fn triage_is_for_staff_budgets_for_staff_and_representatives_configuration_for_admins() {
        for who in everyone() {
            assert_eq!(can_triage(&who), who.staff_role.is_some(), "{}", who.display_name);
            assert_eq!(can_configure(&who), who.staff_role == Some(StaffRole::Admin), "{}", who.display_name);
            for community_id in [A, B] {
                let expected = who.staff_role.is_some() || who.representative_of.contains(&community_id);
                assert_eq!(can_view_budget(&who, community_id), expected, "{} in {community_id}", who.display_name);
            }
        }
        assert!(can_view_budget(&rep_a(), A) && !can_view_budget(&member_a(), A) && !can_view_budget(&rep_b(), A));
    }

    #[test]
    fn public_knowledge_is_every_public_ticket_not_awaiting_approval() {
        for ticket in every_ticket() {
            let expected = !ticket.confidential && ticket.state != TicketState::AwaitingApproval;
            assert_eq!(is_public_knowledge(&ticket), expected, "{ticket:?}");
            if is_public_knowledge(&ticket) {
                // Whoever may work on a public ticket's community may also read it there.
                let member = person(50, None, &[], &[ticket.community_id]);
                assert!(can_view_ticket(&member, &ticket), "{ticket:?}");
            }
        }
    }

    #[test]
    fn the_requesters_side_answers_the_survey_and_staff_read_it() {
        for who in everyone() {
            for ticket in every_ticket() {
                let requester_side =
                    ticket.requester_id == who.person_id || who.representative_of.contains(&ticket.community_id);
                let sees = can_view_ticket(&who, &ticket) && (who.staff_role.is_some() || requester_side);
                assert_eq!(can_see_survey(&who, &ticket), sees, "{} {ticket:?}", who.display_name);
                let answers = can_view_ticket(&who, &ticket) && who.staff_role.is_none() && requester_side;
                assert_eq!(can_answer_survey(&who, &ticket), answers, "{} {ticket:?}", who.display_name);
            }
        }
        assert!(!can_answer_survey(&member_a(), &ticket(A, 10, false, TicketState::Resolved)), "not a member's");
        assert!(can_answer_survey(&rep_a(), &ticket(A, 11, false, TicketState::Resolved)));
    }

    #[test]
    fn available_actions_are_exactly_the_allowed_lifecycle_steps_not_held_back() {
        for who in everyone() {
            for ticket in every_ticket() {
                for &request_type in RequestType::ALL {
                    for released_in in [None, Some("v2.4.0")] {
                        let offered = available_actions(&who, &ticket, request_type, released_in);
                        for &action in Action::ALL {
                            let expected = can_take_action(&who, &ticket, action)
                                && lifecycle::next_state(ticket.state, action).is_ok()
                                && lifecycle::check_release(action, request_type, released_in).is_ok();
                            assert_eq!(offered.contains(&action), expected, "{who:?} {ticket:?} {action:?}");
                        }
                        let held = close_held_back(&who, &ticket, request_type, released_in);
                        let closable =
                            can_take_action(&who, &ticket, Action::Close) && ticket.state != TicketState::Closed;
                        let needs_release = lifecycle::close_needs_release(request_type) && released_in.is_none();
                        let closable = closable && ticket.state != TicketState::AwaitingApproval;
                        assert_eq!(held.is_some(), closable && needs_release, "{who:?} {ticket:?} {request_type:?}");
                    }
                }
            }
        }
        let resolved_change = ticket(A, 10, false, TicketState::Resolved);
        assert_eq!(
            available_actions(&steward(), &resolved_change, RequestType::ChangeRequest, None),
            [Action::Reopen],
            "closing a change request waits for its release"
        );
    }

    #[test]
    fn an_incident_is_run_by_staff_and_seen_by_the_affected_communities_only() {
        let steward = person(1, Some(StaffRole::Steward), &[], &[]);
        let admin = person(2, Some(StaffRole::Admin), &[], &[]);
        let rep_a = person(3, None, &[10], &[]);
        let member_a = person(4, None, &[], &[10]);
        let rep_b = person(5, None, &[20], &[]);
        let outsider = person(6, None, &[], &[]);
        for who in [&steward, &admin] {
            assert!(can_run_incidents(who) && can_view_incident(who, &[]) && can_see_internal_incident_entries(who));
        }
        for who in [&rep_a, &member_a, &rep_b, &outsider] {
            assert!(!can_run_incidents(who) && !can_see_internal_incident_entries(who), "{}", who.display_name);
        }
        assert!(can_view_incident(&rep_a, &[10]) && can_view_incident(&member_a, &[20, 10]));
        assert!(!can_view_incident(&rep_b, &[10]) && !can_view_incident(&outsider, &[10, 20]));
        assert!(can_view_incident(&rep_b, &[10, 20]));
        assert!(!can_view_incident(&rep_a, &[]), "an incident with no community yet is the team's only");
    }
}
