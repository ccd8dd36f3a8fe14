//! The access matrix: every RPC x {anonymous, representative A, member A, representative B,
//! steward, admin} over tickets of both communities, public and confidential, with internal
//! notes. Besides the expected status of each call, every answer a caller gets is searched for
//! the markers of tickets and notes they may not see: nothing leaks by any RPC.

use steward_proto::v1 as pb;
use tonic::Code;

use crate::util::sentence;
use crate::util::world::{Who, World};

/// Everything a caller must never find in any answer.
fn forbidden_markers(world: &World, who: Who) -> Vec<String> {
    let mut markers = Vec::new();
    for ticket in &world.tickets {
        if !who.is_staff() {
            markers.push(ticket.internal_note.clone());
        }
        if !world.may_see(who, ticket) {
            markers.push(ticket.title.clone());
            markers.push(ticket.title.replace("-TITLE", "-DESCRIPTION"));
            markers.push(ticket.title.replace("-TITLE", "-PUBLIC-REPLY"));
        }
    }
    markers
}

/// Checks one answer: its code, and that its text carries no forbidden marker.
fn check<T: std::fmt::Debug>(
    world: &World,
    who: Who,
    rpc: &str,
    result: &Result<tonic::Response<T>, tonic::Status>,
    expected: Code,
) {
    let (code, text) = match result {
        Ok(response) => (Code::Ok, format!("{:?}", response.get_ref())),
        Err(status) => (status.code(), format!("{status:?}")),
    };
    assert_eq!(code, expected, "{who:?} calling {rpc}: expected {expected:?}, got {code:?}: {text}");
    for marker in forbidden_markers(world, who) {
        assert!(!text.contains(&marker), "{who:?} calling {rpc} received {marker}: {text}");
    }
}

fn signed_in(who: Who, ok: Code) -> Code {
    if who == Who::Anonymous { Code::Unauthenticated } else { ok }
}

#[tokio::test(flavor = "multi_thread")]
async fn no_caller_gets_anything_it_should_not_by_any_rpc() {
    let world = World::build().await;
    let missing = 999_999;
    let incident = declare_incident_on_a(&world).await;

    for who in Who::ALL {
        let client = world.client(who);
        let mut tickets = client.tickets.clone();
        let mut directory = client.directory.clone();

        // Reading tickets one by one: hidden ones look exactly like missing ones.
        let missing_answer = tickets.get_ticket(pb::GetTicketRequest { number: missing }).await.unwrap_err();
        for ticket in &world.tickets {
            let rpc = format!("GetTicket #{} {}", ticket.number, ticket.title);
            let result = tickets.get_ticket(pb::GetTicketRequest { number: ticket.number }).await;
            let visible = world.may_see(who, ticket);
            check(&world, who, &rpc, &result, signed_in(who, if visible { Code::Ok } else { Code::NotFound }));
            match &result {
                Ok(response) => {
                    let comments = &response.get_ref().comments;
                    let internal =
                        comments.iter().filter(|c| c.visibility == pb::CommentVisibility::InternalNote as i32).count();
                    assert_eq!(internal, usize::from(who.is_staff()), "{who:?} {rpc}: internal notes shown");
                    assert_eq!(response.get_ref().can_manage, who.is_staff());
                }
                Err(status) if who != Who::Anonymous => {
                    assert_eq!(
                        status.message(),
                        missing_answer.message(),
                        "{who:?} {rpc}: hidden differs from missing"
                    );
                }
                Err(_) => {}
            }

            let comments = tickets.list_comments(pb::ListCommentsRequest { number: ticket.number, after_id: 0 }).await;
            check(
                &world,
                who,
                &format!("ListComments #{}", ticket.number),
                &comments,
                signed_in(who, if visible { Code::Ok } else { Code::NotFound }),
            );
            if let (Ok(comments), Ok(full)) = (&comments, &result) {
                assert_eq!(comments.get_ref().comments, full.get_ref().comments, "{who:?}: ListComments = GetTicket's");
            }
            let survey = tickets.get_survey(pb::GetSurveyRequest { number: ticket.number }).await;
            check(
                &world,
                who,
                &format!("GetSurvey #{}", ticket.number),
                &survey,
                signed_in(who, if visible { Code::Ok } else { Code::NotFound }),
            );
            let triage_of =
                client.triage.clone().get_ticket_triage(pb::GetTicketTriageRequest { number: ticket.number }).await;
            let expected = match who {
                Who::Anonymous => Code::Unauthenticated,
                _ if who.is_staff() => Code::Ok,
                _ => Code::PermissionDenied,
            };
            check(&world, who, &format!("GetTicketTriage #{}", ticket.number), &triage_of, expected);

            let events = tickets.list_ticket_events(pb::ListTicketEventsRequest { number: ticket.number }).await;
            check(
                &world,
                who,
                &format!("ListTicketEvents #{}", ticket.number),
                &events,
                signed_in(who, if visible { Code::Ok } else { Code::NotFound }),
            );
            if let Ok(events) = &events {
                let notes =
                    events.get_ref().events.iter().filter(|e| sentence(&e.what).contains("internal note")).count();
                assert_eq!(
                    notes,
                    usize::from(who.is_staff()),
                    "{who:?} sees internal-note events on #{}",
                    ticket.number
                );
            }
        }

        // Lists: exactly the visible tickets.
        let listed = tickets.list_tickets(pb::ListTicketsRequest { page_size: 200, ..Default::default() }).await;
        check(&world, who, "ListTickets", &listed, signed_in(who, Code::Ok));
        if let Ok(listed) = &listed {
            let mut got: Vec<i64> = listed.get_ref().tickets.iter().map(|t| t.number).collect();
            let mut expected: Vec<i64> =
                world.tickets.iter().filter(|t| world.may_see(who, t)).map(|t| t.number).collect();
            got.sort_unstable();
            expected.sort_unstable();
            assert_eq!(got, expected, "{who:?}: ListTickets");
        }
        for community in ['A', 'B'] {
            let request = pb::ListTicketsRequest {
                community_id: Some(world.community_id(community)),
                text: "TITLE".into(),
                ..Default::default()
            };
            let filtered = tickets.list_tickets(request).await;
            check(
                &world,
                who,
                &format!("ListTickets community {community} with text"),
                &filtered,
                signed_in(who, Code::Ok),
            );
        }

        let queue = tickets.list_approval_queue(pb::ListApprovalQueueRequest {}).await;
        check(&world, who, "ListApprovalQueue", &queue, signed_in(who, Code::Ok));
        if let Ok(queue) = &queue {
            let titles: Vec<&str> = queue.get_ref().tickets.iter().map(|t| t.title.as_str()).collect();
            let expected: Vec<&str> = if who == Who::RepA { vec!["A-MEMBER-WAITING-TITLE"] } else { vec![] };
            assert_eq!(titles, expected, "{who:?}: ListApprovalQueue");
        }

        // The board: exactly the visible tickets; only staff may move cards.
        let board = client.board.clone().get_board(pb::GetBoardRequest {}).await;
        check(&world, who, "GetBoard", &board, signed_in(who, Code::Ok));
        if let Ok(board) = &board {
            let mut got: Vec<i64> = board.get_ref().cards.iter().map(|c| c.number).collect();
            let mut expected: Vec<i64> =
                world.tickets.iter().filter(|t| world.may_see(who, t)).map(|t| t.number).collect();
            got.sort_unstable();
            expected.sort_unstable();
            assert_eq!(got, expected, "{who:?}: GetBoard");
            assert_eq!(board.get_ref().can_move, who.is_staff(), "{who:?}: can_move");
        }

        // The live stream, replayed from the very beginning: every change the caller receives
        // is about a ticket they may see, and internal notes reach staff only.
        let everything = pb::WatchRequest {
            after: Some(pb::LivePosition { transaction: 0, event: 0 }),
            all_tickets: true,
            ticket_numbers: world.tickets.iter().map(|t| t.number).collect(),
            ..Default::default()
        };
        match client.live.clone().watch(everything).await {
            Err(status) => assert_eq!((who, status.code()), (Who::Anonymous, Code::Unauthenticated)),
            Ok(response) => {
                let mut stream = response.into_inner();
                let mut received = Vec::new();
                while let Some(message) = stream.message().await.expect("stream") {
                    match message.message.expect("message") {
                        pb::watch_response::Message::Live(_) => break,
                        pb::watch_response::Message::TicketChange(change) => received.push(change),
                        other => panic!("{who:?}: unexpected {other:?}"),
                    }
                }
                let text = format!("{received:?}");
                for marker in forbidden_markers(&world, who) {
                    assert!(!text.contains(&marker), "{who:?} received {marker} on the live stream");
                }
                let mut numbers: Vec<i64> = received.iter().map(|c| c.number).collect();
                numbers.sort_unstable();
                numbers.dedup();
                let mut expected: Vec<i64> =
                    world.tickets.iter().filter(|t| world.may_see(who, t)).map(|t| t.number).collect();
                expected.sort_unstable();
                assert_eq!(numbers, expected, "{who:?}: tickets on the live stream");
                let notes = received.iter().filter(|c| sentence(&c.what).contains("internal note")).count();
                let expected_notes = if who.is_staff() { world.tickets.len() } else { 0 };
                assert_eq!(notes, expected_notes, "{who:?}: internal notes on the live stream");
            }
        }

        // Directory and intake.
        let communities = directory.list_communities(pb::ListCommunitiesRequest {}).await;
        check(&world, who, "ListCommunities", &communities, signed_in(who, Code::Ok));
        if let Ok(communities) = &communities {
            let mut slugs: Vec<&str> = communities.get_ref().communities.iter().map(|c| c.slug.as_str()).collect();
            slugs.sort_unstable();
            let expected: &[&str] = match who {
                Who::RepA | Who::MemberA => &["aurora"],
                Who::RepB => &["borealis"],
                _ => &["aurora", "borealis"],
            };
            assert_eq!(slugs, expected, "{who:?}: ListCommunities");
        }
        let staff_only = signed_in(who, if who.is_staff() { Code::Ok } else { Code::PermissionDenied });
        let admin_only = signed_in(who, if who == Who::Admin { Code::Ok } else { Code::PermissionDenied });
        check(&world, who, "ListStaff", &directory.list_staff(pb::ListStaffRequest {}).await, staff_only);
        check(&world, who, "ListPeople", &directory.list_people(pb::ListPeopleRequest {}).await, admin_only);
        check(
            &world,
            who,
            "GetIntakeForms",
            &client.intake.clone().get_intake_forms(pb::GetIntakeFormsRequest {}).await,
            Code::Ok,
        );
        let policy = client.intake.clone().get_support_policy(pb::GetSupportPolicyRequest {}).await;
        check(&world, who, "GetSupportPolicy", &policy, Code::Ok);
        let change = pb::SetSupportPolicyRequest { policy: Some(pb::SupportPolicy::default()) };
        check(&world, who, "SetSupportPolicy", &client.intake.clone().set_support_policy(change).await, admin_only);
        // Triage: staff only; a community's budget also to its representatives.
        let mut triage = client.triage.clone();
        check(
            &world,
            who,
            "GetTriageQueue",
            &triage.get_triage_queue(pb::GetTriageQueueRequest::default()).await,
            staff_only,
        );
        let templates = triage.list_response_templates(pb::ListResponseTemplatesRequest {}).await;
        check(&world, who, "ListResponseTemplates", &templates, staff_only);
        let mut levels = client.service_levels.clone();
        check(&world, who, "GetRotation", &levels.get_rotation(pb::GetRotationRequest {}).await, staff_only);
        check(&world, who, "ListJobs", &levels.list_jobs(pb::ListJobsRequest {}).await, admin_only);
        // Mail: the outbox to admins, held mail to the support team (a held mail that is not
        // there is NotFound to them, refused to everyone else before it is looked up).
        let mut mail = client.mail.clone();
        check(&world, who, "ListOutbox", &mail.list_outbox(pb::ListOutboxRequest {}).await, admin_only);
        check(&world, who, "ListHeldMail", &mail.list_held_mail(pb::ListHeldMailRequest {}).await, staff_only);
        let release =
            pb::ReleaseHeldMailRequest { id: 0, release: Some(pb::release_held_mail_request::Release::Discard(true)) };
        let released = mail.release_held_mail(release).await;
        let release_code = if who.is_staff() { Code::NotFound } else { Code::PermissionDenied };
        check(&world, who, "ReleaseHeldMail", &released, signed_in(who, release_code));
        // Webhooks: admins only; to an admin a missing endpoint is NotFound, a bad one named.
        let mut hooks = client.webhooks.clone();
        check(&world, who, "ListWebhooks", &hooks.list_webhooks(pb::ListWebhooksRequest {}).await, admin_only);
        let admin_or = |admin: Code| signed_in(who, if who == Who::Admin { admin } else { Code::PermissionDenied });
        let create = hooks.create_webhook(pb::CreateWebhookRequest::default()).await;
        check(&world, who, "CreateWebhook", &create, admin_or(Code::InvalidArgument));
        let delete = hooks.delete_webhook(pb::DeleteWebhookRequest { id: 0 }).await;
        check(&world, who, "DeleteWebhook", &delete, admin_or(Code::NotFound));
        let ping = hooks.send_test_webhook(pb::SendTestWebhookRequest { id: 0 }).await;
        check(&world, who, "SendTestWebhook", &ping, admin_or(Code::NotFound));
        // Paging: who is on call and the pages to the support team, changes to admins; a page's
        // link works without signing in, and a token that is no link is NotFound to anyone.
        let mut paging = client.paging.clone();
        check(&world, who, "GetOnCall", &paging.get_on_call(pb::GetOnCallRequest {}).await, staff_only);
        let set = paging.set_on_call(pb::SetOnCallRequest { settings: Some(pb::OnCallSettings::default()) }).await;
        check(&world, who, "SetOnCall", &set, admin_or(Code::InvalidArgument));
        let cover = paging.add_on_call_cover(pb::AddOnCallCoverRequest::default()).await;
        check(&world, who, "AddOnCallCover", &cover, admin_or(Code::InvalidArgument));
        let uncover = paging.remove_on_call_cover(pb::RemoveOnCallCoverRequest { id: 0 }).await;
        check(&world, who, "RemoveOnCallCover", &uncover, admin_or(Code::NotFound));
        let open = pb::ListPagesRequest { about: Some(pb::list_pages_request::About::Open(true)) };
        check(&world, who, "ListPages", &paging.list_pages(open).await, staff_only);
        let by_id = pb::AcknowledgePageRequest { page: Some(pb::acknowledge_page_request::Page::PageId(0)) };
        let acknowledged = paging.acknowledge_page(by_id).await;
        let by_id_code = if who.is_staff() { Code::NotFound } else { Code::PermissionDenied };
        check(&world, who, "AcknowledgePage by id", &acknowledged, signed_in(who, by_id_code));
        let by_token = pb::AcknowledgePageRequest { page: Some(pb::acknowledge_page_request::Page::Token("x".into())) };
        check(&world, who, "AcknowledgePage by link", &paging.acknowledge_page(by_token).await, Code::NotFound);
        let link = paging.get_page_by_token(pb::GetPageByTokenRequest { token: "x".into() }).await;
        check(&world, who, "GetPageByToken", &link, Code::NotFound);
        let configured = levels.get_service_levels(pb::GetServiceLevelsRequest {}).await;
        check(&world, who, "GetServiceLevels", &configured, signed_in(who, Code::Ok));
        let choices = levels.get_notification_choices(pb::GetNotificationChoicesRequest {}).await;
        check(&world, who, "GetNotificationChoices", &choices, signed_in(who, Code::Ok));
        let unchanged =
            levels.set_notification_choices(pb::SetNotificationChoicesRequest { choices: Vec::new() }).await;
        check(&world, who, "SetNotificationChoices", &unchanged, signed_in(who, Code::Ok));
        let notes = levels.list_notifications(pb::ListNotificationsRequest {}).await;
        check(&world, who, "ListNotifications", &notes, signed_in(who, Code::Ok));
        let budget = triage.get_budget(pb::GetBudgetRequest { community_id: world.a }).await;
        let sees_budget = if who.is_staff() || who == Who::RepA { Code::Ok } else { Code::NotFound };
        check(&world, who, "GetBudget", &budget, signed_in(who, sees_budget));
        let me = client.auth.clone().get_current_user(pb::GetCurrentUserRequest {}).await;
        check(&world, who, "GetCurrentUser", &me, signed_in(who, Code::Ok));

        // Incidents: staff see all; A's people see A's incident without its internal entries; to
        // everyone else it does not exist, exactly like a missing one.
        let mut incidents = client.incidents.clone();
        let sees_a = matches!(who, Who::RepA | Who::MemberA | Who::Steward | Who::Admin);
        let got = incidents.get_incident(pb::GetIncidentRequest { number: incident }).await;
        check(&world, who, "GetIncident", &got, signed_in(who, if sees_a { Code::Ok } else { Code::NotFound }));
        let absent = incidents.get_incident(pb::GetIncidentRequest { number: missing }).await;
        check(&world, who, "GetIncident missing", &absent, signed_in(who, Code::NotFound));
        if let (Err(hidden), Err(missing)) = (&got, &absent) {
            assert_eq!(hidden.message(), missing.message(), "{who:?}: a hidden incident looks missing");
        }
        let listed = incidents.list_incidents(pb::ListIncidentsRequest::default()).await;
        check(&world, who, "ListIncidents", &listed, signed_in(who, Code::Ok));
        let status = incidents.get_status(pb::GetStatusRequest {}).await;
        check(&world, who, "GetStatus", &status, Code::Ok);
        let report = incidents.get_incident_report(pb::GetIncidentReportRequest { number: incident }).await;
        check(&world, who, "GetIncidentReport (none before resolution)", &report, signed_in(who, Code::NotFound));
        let confirm = incidents.confirm_incident_resolution(pb::ConfirmIncidentResolutionRequest { number: incident });
        let expected = match who {
            Who::RepA => Code::FailedPrecondition,
            Who::RepB => Code::NotFound,
            _ => signed_in(who, Code::PermissionDenied),
        };
        check(&world, who, "ConfirmIncidentResolution (not resolved)", &confirm.await, expected);
        let of_ticket = world.tickets.iter().find(|t| t.title == "A-PUBLIC-TITLE").map(|t| t.number);
        let by_ticket = pb::ListIncidentsRequest { ticket_number: of_ticket.expect("A's public ticket") };
        let by_ticket = incidents.list_incidents(by_ticket).await;
        let sees_a_ticket = if sees_a { Code::Ok } else { Code::NotFound };
        check(&world, who, "ListIncidents of a ticket", &by_ticket, signed_in(who, sees_a_ticket));
        if let Ok(by_ticket) = &by_ticket {
            let numbers: Vec<i64> = by_ticket.get_ref().incidents.iter().map(|i| i.number).collect();
            assert_eq!(numbers, [incident], "{who:?}: the incident of A's public ticket");
        }
        // The live stream of incidents, replayed from the very beginning: A's people get A's
        // incident without its internal entries; everyone else gets nothing of it.
        let incidents_stream = pb::WatchRequest {
            after: Some(pb::LivePosition { transaction: 0, event: 0 }),
            all_incidents: true,
            incident_numbers: vec![incident],
            ..Default::default()
        };
        let mut streamed = Vec::new();
        match client.live.clone().watch(incidents_stream).await {
            Err(status) => assert_eq!((who, status.code()), (Who::Anonymous, Code::Unauthenticated)),
            Ok(response) => {
                let mut stream = response.into_inner();
                while let Some(message) = stream.message().await.expect("stream") {
                    match message.message.expect("message") {
                        pb::watch_response::Message::Live(_) => break,
                        pb::watch_response::Message::IncidentChange(change) => streamed.push(change),
                        other => panic!("{who:?}: unexpected {other:?}"),
                    }
                }
                assert_eq!(!streamed.is_empty(), sees_a, "{who:?}: incident changes on the live stream");
                let entries = streamed.iter().filter(|c| c.entry.is_some()).count();
                let withheld = streamed.len() - entries;
                if sees_a {
                    // The incident has internal entries (its internal update, its link): staff get
                    // them, A's people get the incident's new header without them.
                    assert_eq!(withheld == 0, who.is_staff(), "{who:?}: internal entries withheld");
                }
            }
        }
        let streamed = format!("{streamed:?}");
        for (result, rpc) in [
            (format!("{got:?}"), "GetIncident"),
            (format!("{listed:?}"), "ListIncidents"),
            (streamed, "Watch (incidents)"),
        ] {
            if !who.is_staff() {
                assert!(!result.contains(INCIDENT_INTERNAL), "{who:?} {rpc} shows an internal entry: {result}");
                assert!(!result.contains("A-PUBLIC-TITLE"), "{who:?} {rpc} names linked tickets: {result}");
            }
            if !sees_a {
                assert!(!result.contains(INCIDENT_TITLE), "{who:?} {rpc} shows another community's incident");
            }
        }
    }
}

/// Marks an incident's title and its internal update, so a leak shows in any answer.
const INCIDENT_TITLE: &str = "INCIDENT-A-TITLE";
const INCIDENT_INTERNAL: &str = "INCIDENT-A-INTERNAL-UPDATE";

/// The steward escalates A's public ticket into an incident with a public and an internal
/// update; its number.
async fn declare_incident_on_a(world: &World) -> i64 {
    let a_public = world.tickets.iter().find(|t| t.title == "A-PUBLIC-TITLE").expect("ticket").number;
    let mut incidents = world.client(Who::Steward).incidents.clone();
    let declare = pb::DeclareIncidentRequest {
        title: INCIDENT_TITLE.into(),
        severity: pb::Priority::Urgent as i32,
        commander_id: 0,
        escalated_ticket_number: a_public,
    };
    let declared = incidents.declare_incident(declare).await.expect("declare").into_inner();
    let number = declared.incident.expect("incident").number;
    for (body, public) in [("INCIDENT-A-PUBLIC-UPDATE", true), (INCIDENT_INTERNAL, false)] {
        let update = pb::PostIncidentUpdateRequest { number, body: body.into(), public };
        incidents.post_incident_update(update).await.expect("update");
    }
    number
}

#[tokio::test(flavor = "multi_thread")]
async fn no_caller_changes_what_it_should_not_by_any_rpc() {
    let world = World::build().await;
    let a_public = world.tickets.iter().find(|t| t.title == "A-PUBLIC-TITLE").expect("ticket").number;
    let b_public = world.tickets.iter().find(|t| t.title == "B-PUBLIC-TITLE").expect("ticket").number;
    let waiting = world.tickets.iter().find(|t| t.title == "A-MEMBER-WAITING-TITLE").expect("ticket").number;
    let admin = world.client(Who::Admin).auth.clone().get_current_user(pb::GetCurrentUserRequest {}).await;
    let admin_id = admin.expect("admin").into_inner().person.expect("person").id;

    for who in Who::ALL {
        let client = world.client(who);
        let mut tickets = client.tickets.clone();
        let mut directory = client.directory.clone();
        let sees_a = matches!(who, Who::RepA | Who::MemberA | Who::Steward | Who::Admin);
        let sees_b = matches!(who, Who::RepB | Who::Steward | Who::Admin);
        let hidden_or = |visible: bool, code: Code| signed_in(who, if visible { code } else { Code::NotFound });

        // Internal notes: staff only; on hidden tickets, not found.
        for (number, visible) in [(a_public, sees_a), (b_public, sees_b)] {
            let note = pb::AddCommentRequest {
                number,
                body: "note".into(),
                visibility: pb::CommentVisibility::InternalNote as i32,
                attachment_ids: Vec::new(),
            };
            let expected = hidden_or(visible, if who.is_staff() { Code::Ok } else { Code::PermissionDenied });
            check(&world, who, &format!("AddComment internal #{number}"), &tickets.add_comment(note).await, expected);

            let version = world.version(number).await;
            let update = pb::UpdateTicketRequest {
                number,
                expected_version: version,
                priority: Some(pb::Priority::Urgent as i32),
                ..Default::default()
            };
            let expected = hidden_or(visible, if who.is_staff() { Code::Ok } else { Code::PermissionDenied });
            check(&world, who, &format!("UpdateTicket #{number}"), &tickets.update_ticket(update).await, expected);

            let version = world.version(number).await;
            let resolve = pb::TransitionTicketRequest {
                number,
                action: pb::TicketAction::Resolve as i32,
                expected_version: version,
                reason: String::new(),
            };
            let expected = hidden_or(visible, if who.is_staff() { Code::Ok } else { Code::PermissionDenied });
            check(
                &world,
                who,
                &format!("TransitionTicket resolve #{number}"),
                &tickets.transition_ticket(resolve).await,
                expected,
            );
            if who.is_staff() {
                world.transition(Who::Steward, number, pb::TicketAction::Reopen, "back to work").await.expect("reopen");
            }

            let reply = pb::AddCommentRequest {
                number,
                body: "a reply".into(),
                visibility: pb::CommentVisibility::PublicReply as i32,
                attachment_ids: Vec::new(),
            };
            check(
                &world,
                who,
                &format!("AddComment public #{number}"),
                &tickets.add_comment(reply).await,
                hidden_or(visible, Code::Ok),
            );
        }

        // Moving cards on the board: staff only (to the others, hidden or not, it is refused alike).
        for (number, visible) in [(a_public, sees_a), (b_public, sees_b)] {
            let version = world.version(number).await;
            let start = pb::MoveCardRequest {
                number,
                expected_version: version,
                to_state: pb::TicketState::InProgress as i32,
                before_number: None,
                reason: String::new(),
            };
            let expected = signed_in(
                who,
                match (who.is_staff(), visible) {
                    (true, true) => Code::Ok,
                    (true, false) => Code::NotFound,
                    (false, _) => Code::PermissionDenied,
                },
            );
            let moved = client.board.clone().move_card(start).await;
            check(&world, who, &format!("MoveCard #{number}"), &moved, expected);
            if let Ok(moved) = moved {
                let card = moved.into_inner().card.expect("card");
                let back = pb::MoveCardRequest {
                    number,
                    expected_version: card.version,
                    to_state: pb::TicketState::Pending as i32,
                    before_number: None,
                    reason: String::new(),
                };
                client.board.clone().move_card(back).await.expect("move on");
            }
        }

        // Approving a member's request: only A's representative (the member sees it, being its requester).
        let version = world.version(waiting).await;
        let decline = pb::TransitionTicketRequest {
            number: waiting,
            action: pb::TicketAction::Decline as i32,
            expected_version: version,
            reason: "no".into(),
        };
        let expected = match who {
            Who::Anonymous => Code::Unauthenticated,
            Who::RepB => Code::NotFound,
            Who::RepA => Code::Ok,
            _ => Code::PermissionDenied,
        };
        let declined = tickets.transition_ticket(decline).await;
        check(&world, who, "TransitionTicket decline", &declined, expected);
        if declined.is_ok() {
            world
                .transition(Who::RepA, waiting, pb::TicketAction::Reopen, "undo for the next caller")
                .await
                .expect("reopen");
        }

        // Filing: only in one's own communities.
        for community in ['A', 'B'] {
            let request = pb::CreateTicketRequest {
                community_id: world.community_id(community),
                request_type: pb::RequestType::Other as i32,
                priority: pb::Priority::Normal as i32,
                title: "New one".into(),
                description: "x".into(),
                ..Default::default()
            };
            let member_of =
                matches!((who, community), (Who::RepA | Who::MemberA, 'A') | (Who::RepB, 'B')) || who.is_staff();
            let expected = signed_in(who, if member_of { Code::Ok } else { Code::InvalidArgument });
            check(
                &world,
                who,
                &format!("CreateTicket in {community}"),
                &tickets.create_ticket(request).await,
                expected,
            );
        }

        // Administration: admins only.
        let admin_only = signed_in(who, if who == Who::Admin { Code::Ok } else { Code::PermissionDenied });
        let slug = format!("c-{}", format!("{who:?}").to_lowercase());
        let created = directory.create_community(pb::CreateCommunityRequest { slug, name: "New".into() }).await;
        check(&world, who, "CreateCommunity", &created, admin_only);
        let email = format!("new.{}@example.org", format!("{who:?}").to_lowercase());
        let person = directory
            .create_person(pb::CreatePersonRequest {
                email,
                display_name: "New".into(),
                password: "long enough password".into(),
                staff_role: 0,
            })
            .await;
        check(&world, who, "CreatePerson", &person, admin_only);
        let person_id = person.as_ref().map(|p| p.get_ref().person.as_ref().map(|p| p.id).unwrap_or(1)).unwrap_or(1);
        let set =
            pb::SetMembershipRequest { person_id, community_id: world.b, role: pb::MembershipRole::Member as i32 };
        check(&world, who, "SetMembership", &directory.set_membership(set).await, admin_only);
        let remove = pb::RemoveMembershipRequest { person_id, community_id: world.b };
        check(&world, who, "RemoveMembership", &directory.remove_membership(remove).await, admin_only);
        let role = pb::SetStaffRoleRequest { person_id, staff_role: pb::StaffRole::Steward as i32 };
        check(&world, who, "SetStaffRole", &directory.set_staff_role(role).await, admin_only);
        // Service levels: admins only change them.
        let mut levels = client.service_levels.clone();
        let calendar = pb::SaveCalendarRequest {
            id: None,
            name: format!("Hours of {who:?}"),
            zone: "Europe/Brussels".into(),
            week: (0..7)
                .map(|_| pb::WorkingDay { intervals: vec![pb::WorkingInterval { start: 540, end: 1020 }] })
                .collect(),
            holidays: vec![],
        };
        check(&world, who, "SaveCalendar", &levels.save_calendar(calendar).await, admin_only);
        let settings = pb::ServiceLevelSettings { business_calendar_id: 2, warn_percent: 75, auto_close_minutes: 2880 };
        let set = pb::SetServiceLevelSettingsRequest { settings: Some(settings) };
        check(&world, who, "SetServiceLevelSettings", &levels.set_service_level_settings(set).await, admin_only);
        let rotation = pb::SetRotationRequest { member_ids: vec![], starts_on: "2026-11-30".into(), on_duty_count: 2 };
        check(&world, who, "SetRotation", &levels.set_rotation(rotation).await, admin_only);
        let me = directory.set_my_time_zone(pb::SetMyTimeZoneRequest { time_zone: "Europe/Brussels".into() }).await;
        check(&world, who, "SetMyTimeZone", &me, signed_in(who, Code::Ok));

        // Incidents: run by staff only.
        let staff_only = signed_in(who, if who.is_staff() { Code::Ok } else { Code::PermissionDenied });
        let mut incidents = client.incidents.clone();
        let declare = pb::DeclareIncidentRequest {
            title: format!("Incident by {who:?}"),
            severity: pb::Priority::Normal as i32,
            ..Default::default()
        };
        let declared = incidents.declare_incident(declare).await;
        check(&world, who, "DeclareIncident", &declared, staff_only);
        let (number, version) = declared
            .as_ref()
            .ok()
            .and_then(|r| r.get_ref().incident.as_ref())
            .map_or((999_999, 1), |i| (i.number, i.version));
        let step = pb::StepIncidentRequest {
            number,
            expected_version: version,
            step: pb::IncidentStep::Identify as i32,
            resolve_linked_tickets: false,
        };
        check(&world, who, "StepIncident", &incidents.step_incident(step).await, staff_only);
        let update = pb::PostIncidentUpdateRequest { number, body: "Update".into(), public: false };
        check(&world, who, "PostIncidentUpdate", &incidents.post_incident_update(update).await, staff_only);
        let ticket = if who == Who::Admin { b_public } else { a_public };
        let link = pb::LinkIncidentTicketRequest { number, ticket_number: ticket };
        check(&world, who, "LinkIncidentTicket", &incidents.link_incident_ticket(link).await, staff_only);
        let expert = pb::SetIncidentRoleRequest {
            number,
            person_id: admin_id,
            role: pb::IncidentRole::SubjectMatterExpert as i32,
            joined: true,
        };
        check(&world, who, "SetIncidentRole", &incidents.set_incident_role(expert).await, staff_only);
        let community = if who == Who::Admin { world.a } else { world.b };
        let affected = pb::AddAffectedCommunityRequest { number, community_id: community };
        check(&world, who, "AddAffectedCommunity", &incidents.add_affected_community(affected).await, staff_only);
        let cadence = incidents.get_incident_cadence(pb::GetIncidentCadenceRequest {}).await;
        check(&world, who, "GetIncidentCadence", &cadence, staff_only);
        let every = pb::IncidentCadence { production_down_minutes: 60, urgent_minutes: 240, normal_minutes: 1440 };
        let set = incidents.set_incident_cadence(pb::SetIncidentCadenceRequest { cadence: Some(every) }).await;
        check(
            &world,
            who,
            "SetIncidentCadence",
            &set,
            signed_in(who, if who == Who::Admin { Code::Ok } else { Code::PermissionDenied }),
        );
        let public = pb::SetIncidentPublicRequest { number, public: true };
        check(&world, who, "SetIncidentPublic", &incidents.set_incident_public(public).await, staff_only);
        let entry_id = match incidents.get_incident(pb::GetIncidentRequest { number }).await {
            Ok(read) => read.into_inner().timeline.first().map_or(0, |e| e.id),
            Err(_) => 1,
        };
        let pin = pb::PinIncidentEntryRequest { number, entry_id, pinned: true };
        check(&world, who, "PinIncidentEntry", &incidents.pin_incident_entry(pin).await, staff_only);
        let task = pb::AddIncidentTaskRequest { number, title: "Raise the quota".into(), ..Default::default() };
        let added = incidents.add_incident_task(task).await;
        check(&world, who, "AddIncidentTask", &added, staff_only);
        let task_id = added.as_ref().ok().and_then(|r| r.get_ref().tasks.first().map(|t| t.id)).unwrap_or(1);
        let set_task = pb::SetIncidentTaskRequest { number, task_id, owner_id: 0, done: true };
        check(&world, who, "SetIncidentTask", &incidents.set_incident_task(set_task).await, staff_only);
        // Reports: staff only (an unresolved incident has none yet).
        let no_report = signed_in(who, if who.is_staff() { Code::NotFound } else { Code::PermissionDenied });
        let save =
            pb::SaveIncidentReportRequest { number, expected_version: 1, owner_id: admin_id, ..Default::default() };
        check(&world, who, "SaveIncidentReport", &incidents.save_incident_report(save).await, no_report);
        let publish = pb::MoveIncidentReportRequest {
            number,
            expected_version: 1,
            state: pb::IncidentReportState::InReview as i32,
        };
        check(&world, who, "MoveIncidentReport", &incidents.move_incident_report(publish).await, no_report);
        let item = pb::AddActionItemRequest { number, title: "Alert".into(), ..Default::default() };
        check(&world, who, "AddActionItem", &incidents.add_action_item(item).await, no_report);
        let done = pb::SetActionItemDoneRequest { number, action_item_id: 1, done: true };
        check(&world, who, "SetActionItemDone", &incidents.set_action_item_done(done).await, no_report);
        let hand = pb::HandOverCommandRequest { number, person_id: admin_id };
        let expected = if who == Who::Admin { Code::InvalidArgument } else { staff_only };
        check(&world, who, "HandOverCommand", &incidents.hand_over_command(hand).await, expected);
    }

    // Signing out always works and ends that caller's session (last: the loop above needs them).
    for who in Who::ALL {
        let mut auth = world.client(who).auth.clone();
        check(&world, who, "SignOut", &auth.sign_out(pb::SignOutRequest {}).await, Code::Ok);
        let after = auth.get_current_user(pb::GetCurrentUserRequest {}).await;
        check(&world, who, "GetCurrentUser after SignOut", &after, Code::Unauthenticated);
    }
}
