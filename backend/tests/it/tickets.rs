//! Tickets through the API: the server enforces the forms, the lifecycle and the versions, and
//! records every change.

use std::collections::HashMap;

use steward_domain::{MembershipRole, StaffRole};
use steward_proto::v1 as pb;
use tonic::Code;
use tonic_types::StatusExt;

use crate::util::{Client, TestApp, kind, sentence};

struct Desk {
    app: TestApp,
    community: i64,
    rep: Client,
    member: Client,
    steward: Client,
    steward_id: i64,
    member_id: i64,
}

async fn desk() -> Desk {
    let app = TestApp::spawn().await;
    let community = app.community("aurora", "Aurora Hub").await;
    let rep = app.person("rep@example.org", "Rita Rep", None).await;
    let member_id = app.person("member@example.org", "Milo Member", None).await;
    let steward_id = app.person("steward@example.org", "Sam Steward", Some(StaffRole::Steward)).await;
    app.membership(rep, community, MembershipRole::Representative).await;
    app.membership(member_id, community, MembershipRole::Member).await;
    Desk {
        rep: app.sign_in("rep@example.org").await,
        member: app.sign_in("member@example.org").await,
        steward: app.sign_in("steward@example.org").await,
        app,
        community,
        steward_id,
        member_id,
    }
}

fn change_request(community_id: i64, answers: &[(&str, &str)]) -> pb::CreateTicketRequest {
    pb::CreateTicketRequest {
        community_id,
        request_type: pb::RequestType::ChangeRequest as i32,
        priority: pb::Priority::Normal as i32,
        title: "Add numpy 2".into(),
        description: "Our course needs it.".into(),
        confidential: false,
        answers: answers.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect::<HashMap<_, _>>(),
        attachment_ids: Vec::new(),
    }
}

const COMPLETE: &[(&str, &str)] = &[("environment", "hub"), ("desired_change", "numpy 2"), ("reason", "course")];

async fn file(client: &Client, request: pb::CreateTicketRequest) -> Result<pb::Ticket, tonic::Status> {
    Ok(client.tickets.clone().create_ticket(request).await?.into_inner().ticket.expect("ticket"))
}

async fn get(client: &Client, number: i64) -> pb::GetTicketResponse {
    client.tickets.clone().get_ticket(pb::GetTicketRequest { number }).await.expect("get").into_inner()
}

async fn act(
    client: &Client,
    ticket: &pb::Ticket,
    action: pb::TicketAction,
    reason: &str,
) -> Result<pb::Ticket, tonic::Status> {
    let request = pb::TransitionTicketRequest {
        number: ticket.number,
        action: action as i32,
        expected_version: ticket.version,
        reason: reason.into(),
    };
    Ok(client.tickets.clone().transition_ticket(request).await?.into_inner().ticket.expect("ticket"))
}

fn violation(status: &tonic::Status) -> String {
    let fields = status.get_details_bad_request().map(|b| b.field_violations).unwrap_or_default();
    assert_eq!(status.code(), Code::InvalidArgument, "{status:?}");
    fields.first().map(|v| v.field.clone()).unwrap_or_default()
}

/// Every field an InvalidArgument names, in order.
fn violated_fields(status: &tonic::Status) -> Vec<String> {
    status.get_details_bad_request().expect("violations").field_violations.into_iter().map(|v| v.field).collect()
}

/// A second community, Borealis, with its representative Bea signed in.
async fn borealis(desk: &Desk) -> (i64, Client) {
    let community = desk.app.community("borealis", "Borealis").await;
    let bea = desk.app.person("bea@example.org", "Bea Rep", None).await;
    desk.app.membership(bea, community, MembershipRole::Representative).await;
    (community, desk.app.sign_in("bea@example.org").await)
}

async fn count(client: &Client) -> usize {
    client
        .tickets
        .clone()
        .list_tickets(pb::ListTicketsRequest::default())
        .await
        .expect("list")
        .into_inner()
        .tickets
        .len()
}

#[tokio::test(flavor = "multi_thread")]
async fn the_server_enforces_the_form_of_each_request_type_and_saves_nothing_refused() {
    let desk = desk().await;
    let cases: Vec<(pb::CreateTicketRequest, &str)> = vec![
        (change_request(desk.community, &[("environment", "hub"), ("reason", "course")]), "answers.desired_change"),
        (
            change_request(
                desk.community,
                &[("environment", "hub"), ("desired_change", "x"), ("reason", "y"), ("ssh_key", "z")],
            ),
            "answers.ssh_key",
        ),
        (
            pb::CreateTicketRequest {
                priority: pb::Priority::ProductionDown as i32,
                ..change_request(desk.community, COMPLETE)
            },
            "priority",
        ),
        (pb::CreateTicketRequest { title: "   ".into(), ..change_request(desk.community, COMPLETE) }, "title"),
        (pb::CreateTicketRequest { request_type: 0, ..change_request(desk.community, COMPLETE) }, "request_type"),
        (pb::CreateTicketRequest { request_type: 42, ..change_request(desk.community, COMPLETE) }, "request_type"),
        (change_request(desk.community + 1000, COMPLETE), "community_id"),
    ];
    for (request, field) in cases {
        let status = file(&desk.rep, request).await.unwrap_err();
        assert_eq!(violation(&status), field, "{status:?}");
    }
    assert_eq!(count(&desk.steward).await, 0, "nothing refused was saved");

    // Nothing filled: every problem is named at once, so one submit shows them all.
    let nothing = pb::CreateTicketRequest {
        community_id: 0,
        request_type: pb::RequestType::Incident as i32,
        priority: 0,
        title: String::new(),
        description: " ".into(),
        confidential: false,
        answers: HashMap::new(),
        attachment_ids: Vec::new(),
    };
    let status = file(&desk.rep, nothing).await.unwrap_err();
    let fields = violated_fields(&status);
    assert_eq!(
        fields,
        [
            "community_id",
            "priority",
            "title",
            "description",
            "answers.affected_service",
            "answers.started_at",
            "answers.impact"
        ],
        "{status:?}"
    );
    assert!(status.message().starts_with("7 fields need attention"), "{}", status.message());

    let ticket = file(&desk.rep, change_request(desk.community, COMPLETE)).await.expect("complete request");
    let keys: Vec<&str> = ticket.answers.iter().map(|a| a.key.as_str()).collect();
    assert_eq!(keys, ["environment", "desired_change", "reason"]);
    assert_eq!(ticket.answers[1].label, "What should change?");
}

#[tokio::test(flavor = "multi_thread")]
async fn representatives_file_directly_and_members_wait_for_approval() {
    let desk = desk().await;
    let direct = file(&desk.rep, change_request(desk.community, COMPLETE)).await.expect("rep files");
    assert_eq!(direct.state, pb::TicketState::New as i32);
    let waiting = file(&desk.member, change_request(desk.community, COMPLETE)).await.expect("member files");
    assert_eq!(waiting.state, pb::TicketState::AwaitingApproval as i32);
    assert_eq!(waiting.requester.as_ref().map(|p| p.id), Some(desk.member_id));

    let queue = desk
        .rep
        .tickets
        .clone()
        .list_approval_queue(pb::ListApprovalQueueRequest {})
        .await
        .expect("queue")
        .into_inner();
    assert_eq!(queue.tickets.iter().map(|t| t.number).collect::<Vec<_>>(), [waiting.number]);
    let actions = get(&desk.rep, waiting.number).await.available_actions;
    assert_eq!(actions, [pb::TicketAction::Approve as i32, pb::TicketAction::Decline as i32]);

    let no_reason = act(&desk.rep, &waiting, pb::TicketAction::Decline, " ").await.unwrap_err();
    assert_eq!(violation(&no_reason), "reason");
    let approved = act(&desk.rep, &waiting, pb::TicketAction::Approve, "").await.expect("approve");
    assert_eq!(approved.state, pb::TicketState::New as i32);
    let queue = desk
        .rep
        .tickets
        .clone()
        .list_approval_queue(pb::ListApprovalQueueRequest {})
        .await
        .expect("queue")
        .into_inner();
    assert!(queue.tickets.is_empty());

    let another = file(&desk.member, change_request(desk.community, COMPLETE)).await.expect("member files again");
    let declined =
        act(&desk.rep, &another, pb::TicketAction::Decline, "Please ask on the forum first").await.expect("decline");
    assert_eq!(declined.state, pb::TicketState::Closed as i32);
    let conversation = get(&desk.member, another.number).await.comments;
    assert_eq!(
        conversation.last().map(|c| c.body.as_str()),
        Some("Please ask on the forum first"),
        "the member sees why"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_ticket_goes_through_its_lifecycle_and_refusals_say_why() {
    let desk = desk().await;
    let ticket = file(&desk.rep, change_request(desk.community, COMPLETE)).await.expect("file");

    let refused = act(&desk.rep, &ticket, pb::TicketAction::Resolve, "").await.unwrap_err();
    assert_eq!(refused.code(), Code::PermissionDenied, "only support resolves");

    let open = act(&desk.steward, &ticket, pb::TicketAction::Triage, "").await.expect("triage");
    assert_eq!(open.state, pb::TicketState::Open as i32);
    assert_eq!(open.version, ticket.version + 1);
    let again = act(&desk.steward, &open, pb::TicketAction::Triage, "").await.unwrap_err();
    assert_eq!(again.code(), Code::FailedPrecondition);
    assert_eq!(again.get_details_error_info().expect("info").reason, "TRANSITION_NOT_ALLOWED");
    assert!(again.message().contains("only a new ticket can be marked as triaged"), "{}", again.message());

    let started = act(&desk.steward, &open, pb::TicketAction::Start, "").await.expect("start");
    let pending = act(&desk.steward, &started, pb::TicketAction::WaitOnRequester, "").await.expect("pending");
    assert_eq!(pending.state, pb::TicketState::Pending as i32);

    // The requester answers: the ticket is no longer waiting on them.
    let reply = pb::AddCommentRequest {
        number: ticket.number,
        body: "Here is the info".into(),
        visibility: pb::CommentVisibility::PublicReply as i32,
        attachment_ids: Vec::new(),
    };
    desk.rep.tickets.clone().add_comment(reply).await.expect("reply");
    let reopened = get(&desk.steward, ticket.number).await.ticket.expect("ticket");
    assert_eq!(reopened.state, pb::TicketState::Open as i32);

    let resolved = act(&desk.steward, &reopened, pb::TicketAction::Resolve, "").await.expect("resolve");
    assert!(resolved.resolved_at.is_some());
    // A change request is confirmed (closed) only once the release that carries it is recorded.
    let rep_view = get(&desk.rep, ticket.number).await;
    assert!(!rep_view.available_actions.contains(&(pb::TicketAction::Close as i32)), "no release recorded yet");
    assert!(rep_view.close_held_back.starts_with("Cannot close a change request before the release"));
    let release = pb::SetReleaseRequest {
        number: ticket.number,
        expected_version: resolved.version,
        released_in: "v2.4.0".into(),
    };
    let resolved =
        desk.steward.triage.clone().set_release(release).await.expect("release").into_inner().ticket.expect("ticket");
    let rep_view = get(&desk.rep, ticket.number).await;
    assert!(rep_view.available_actions.contains(&(pb::TicketAction::Close as i32)), "the representative can confirm");
    assert_eq!(rep_view.close_held_back, "");
    let closed = act(&desk.rep, &resolved, pb::TicketAction::Close, "").await.expect("confirm");
    assert_eq!(closed.state, pb::TicketState::Closed as i32);
    assert!(closed.closed_at.is_some());
    let start_closed = act(&desk.steward, &closed, pb::TicketAction::Start, "").await.unwrap_err();
    assert!(start_closed.message().contains("reopen it first"), "{}", start_closed.message());
    let reopened = act(&desk.rep, &closed, pb::TicketAction::Reopen, "Still failing on Firefox").await.expect("reopen");
    assert_eq!(reopened.state, pb::TicketState::Open as i32);
    assert!(reopened.closed_at.is_none() && reopened.resolved_at.is_none());

    let history = desk
        .rep
        .tickets
        .clone()
        .list_ticket_events(pb::ListTicketEventsRequest { number: ticket.number })
        .await
        .expect("events")
        .into_inner();
    let summaries: Vec<String> = history
        .events
        .iter()
        .map(|e| format!("{} {}", e.actor.as_ref().map(|a| a.display_name.as_str()).unwrap_or("?"), sentence(&e.what)))
        .collect();
    assert_eq!(
        summaries,
        [
            "Rita Rep filed the request as New",
            "Sam Steward moved it from New to Open",
            "Sam Steward moved it from Open to In progress",
            "Sam Steward moved it from In progress to Pending",
            "Rita Rep replied",
            "Rita Rep answered, which moved it from Pending to Open",
            "Sam Steward moved it from Open to Resolved",
            "Sam Steward recorded the release: v2.4.0",
            "Rita Rep moved it from Resolved to Closed",
            "Rita Rep moved it from Closed to Open: \"Still failing on Firefox\"",
            "Rita Rep replied",
        ]
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_stale_version_is_refused_and_changes_nothing() {
    let desk = desk().await;
    let ticket = file(&desk.rep, change_request(desk.community, COMPLETE)).await.expect("file");
    act(&desk.steward, &ticket, pb::TicketAction::Triage, "").await.expect("triage");
    let stale = act(&desk.steward, &ticket, pb::TicketAction::Resolve, "").await.unwrap_err();
    assert_eq!(stale.code(), Code::FailedPrecondition);
    let info = stale.get_details_error_info().expect("info");
    assert_eq!(info.reason, "STALE_VERSION");
    assert_eq!(info.metadata.get("current_version"), Some(&(ticket.version + 1).to_string()));
    assert_eq!(get(&desk.steward, ticket.number).await.ticket.expect("ticket").state, pb::TicketState::Open as i32);
}

#[tokio::test(flavor = "multi_thread")]
async fn of_sixteen_concurrent_moves_with_one_version_exactly_one_wins() {
    let desk = desk().await;
    let ticket = file(&desk.rep, change_request(desk.community, COMPLETE)).await.expect("file");
    let mut movers = Vec::new();
    for n in 0..16 {
        let client = desk.app.sign_in("steward@example.org").await;
        let action = if n % 2 == 0 { pb::TicketAction::Triage } else { pb::TicketAction::Start };
        let request = pb::TransitionTicketRequest {
            number: ticket.number,
            action: action as i32,
            expected_version: ticket.version,
            reason: String::new(),
        };
        movers.push(tokio::spawn(async move { client.tickets.clone().transition_ticket(request).await }));
    }
    let mut won = 0;
    for mover in movers {
        match mover.await.expect("task") {
            Ok(_) => won += 1,
            Err(status) => {
                assert_eq!(status.code(), Code::FailedPrecondition, "{status:?}");
                assert_eq!(status.get_details_error_info().expect("info").reason, "STALE_VERSION");
            }
        }
    }
    assert_eq!(won, 1);
    let after = get(&desk.steward, ticket.number).await.ticket.expect("ticket");
    assert_eq!(after.version, ticket.version + 1);
    let events = desk
        .steward
        .tickets
        .clone()
        .list_ticket_events(pb::ListTicketEventsRequest { number: ticket.number })
        .await
        .expect("events");
    assert_eq!(events.into_inner().events.iter().filter(|e| kind(&e.what) == "transitioned").count(), 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn internal_notes_are_for_staff_only() {
    let desk = desk().await;
    let ticket = file(&desk.rep, change_request(desk.community, COMPLETE)).await.expect("file");
    let note = |body: &str| pb::AddCommentRequest {
        number: ticket.number,
        body: body.into(),
        visibility: pb::CommentVisibility::InternalNote as i32,
        attachment_ids: Vec::new(),
    };
    let refused = desk.rep.tickets.clone().add_comment(note("sneaky")).await.unwrap_err();
    assert_eq!(refused.code(), Code::PermissionDenied);
    desk.steward.tickets.clone().add_comment(note("Needs an image rebuild")).await.expect("note");
    let empty = desk.steward.tickets.clone().add_comment(note("   ")).await.unwrap_err();
    assert_eq!(violation(&empty), "body");

    let staff_view = get(&desk.steward, ticket.number).await;
    assert_eq!(staff_view.comments.len(), 1);
    assert_eq!(staff_view.comments[0].visibility, pb::CommentVisibility::InternalNote as i32);
    assert!(get(&desk.rep, ticket.number).await.comments.is_empty());
}

#[tokio::test(flavor = "multi_thread")]
async fn staff_assign_to_staff_only_and_the_change_is_recorded() {
    let desk = desk().await;
    let ticket = file(&desk.rep, change_request(desk.community, COMPLETE)).await.expect("file");
    let update = |assignee_id: i64, version: i64| pb::UpdateTicketRequest {
        number: ticket.number,
        expected_version: version,
        assignee_id: Some(assignee_id),
        priority: Some(pb::Priority::Urgent as i32),
        ..Default::default()
    };
    let not_staff =
        desk.steward.tickets.clone().update_ticket(update(desk.member_id, ticket.version)).await.unwrap_err();
    assert_eq!(violation(&not_staff), "assignee_id");
    let updated = desk
        .steward
        .tickets
        .clone()
        .update_ticket(update(desk.steward_id, ticket.version))
        .await
        .expect("assign")
        .into_inner()
        .ticket
        .expect("ticket");
    assert_eq!(updated.assignee.as_ref().map(|p| p.display_name.as_str()), Some("Sam Steward"));
    assert_eq!(updated.priority, pb::Priority::Urgent as i32);
    let same = desk
        .steward
        .tickets
        .clone()
        .update_ticket(update(desk.steward_id, updated.version))
        .await
        .expect("no change")
        .into_inner()
        .ticket
        .expect("ticket");
    assert_eq!(same.version, updated.version, "a change to nothing changes nothing");
    let events = desk
        .rep
        .tickets
        .clone()
        .list_ticket_events(pb::ListTicketEventsRequest { number: ticket.number })
        .await
        .expect("events")
        .into_inner()
        .events;
    assert_eq!(
        events.last().map(|e| sentence(&e.what)).as_deref(),
        Some("changed the assignee to Sam Steward, the priority to Urgent")
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn lists_filter_search_and_page_through_every_ticket_once() {
    let desk = desk().await;
    let mut numbers = Vec::new();
    for n in 0..7 {
        let mut request = change_request(desk.community, COMPLETE);
        request.title = if n == 3 { "Dask gateway crashes".into() } else { format!("Request number {n}") };
        if n % 2 == 0 {
            request.priority = pb::Priority::Urgent as i32;
        }
        numbers.push(file(&desk.rep, request).await.expect("file").number);
    }
    let list = |request: pb::ListTicketsRequest| {
        let mut tickets = desk.steward.tickets.clone();
        async move { tickets.list_tickets(request).await.expect("list").into_inner() }
    };
    let found = list(pb::ListTicketsRequest { text: "dask crash".into(), ..Default::default() }).await;
    assert_eq!(
        found.tickets.iter().map(|t| t.number).collect::<Vec<_>>(),
        [numbers[3]],
        "full-text search with stemming"
    );
    let urgent =
        list(pb::ListTicketsRequest { priority: Some(pb::Priority::Urgent as i32), ..Default::default() }).await;
    assert_eq!(urgent.tickets.len(), 4);
    let unassigned = list(pb::ListTicketsRequest { unassigned: true, ..Default::default() }).await;
    assert_eq!(unassigned.tickets.len(), 7);
    let open = list(pb::ListTicketsRequest { states: vec![pb::TicketState::Open as i32], ..Default::default() }).await;
    assert!(open.tickets.is_empty());
    let bad = desk
        .steward
        .tickets
        .clone()
        .list_tickets(pb::ListTicketsRequest { page_token: "nonsense".into(), ..Default::default() })
        .await
        .unwrap_err();
    assert_eq!(violation(&bad), "page_token");

    let mut seen = Vec::new();
    let mut token = String::new();
    loop {
        let page = list(pb::ListTicketsRequest { page_size: 3, page_token: token.clone(), ..Default::default() }).await;
        assert!(page.tickets.len() <= 3);
        seen.extend(page.tickets.iter().map(|t| t.number));
        if page.next_page_token.is_empty() {
            break;
        }
        token = page.next_page_token;
    }
    let mut expected = numbers.clone();
    expected.reverse();
    assert_eq!(seen, expected, "newest first, each once");
}

#[tokio::test(flavor = "multi_thread")]
async fn who_is_on_the_support_team_is_not_revealed_to_a_caller_who_may_not_assign() {
    let desk = desk().await;
    let ticket = file(&desk.rep, change_request(desk.community, COMPLETE)).await.expect("file");
    // The representative sees the ticket; whichever person they name, the answer is the same
    // refusal, so it says nothing about who is staff.
    for assignee in [desk.member_id, desk.steward_id, 999_999] {
        let request = pb::UpdateTicketRequest {
            number: ticket.number,
            expected_version: ticket.version,
            assignee_id: Some(assignee),
            ..Default::default()
        };
        let refused = desk.rep.tickets.clone().update_ticket(request).await.unwrap_err();
        assert_eq!(refused.code(), Code::PermissionDenied, "assignee {assignee}: {refused:?}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn the_conversation_after_a_message_is_what_came_since_as_each_caller_may_see_it() {
    let desk = desk().await;
    let ticket = file(&desk.rep, change_request(desk.community, COMPLETE)).await.expect("file");
    let post = |body: &str, visibility: pb::CommentVisibility| pb::AddCommentRequest {
        number: ticket.number,
        body: body.into(),
        visibility: visibility as i32,
        attachment_ids: Vec::new(),
    };
    let mut steward = desk.steward.tickets.clone();
    let first = steward.add_comment(post("Which hub?", pb::CommentVisibility::PublicReply)).await.expect("reply");
    let first = first.into_inner().comment.expect("comment");
    steward.add_comment(post("Probably the GPU one", pb::CommentVisibility::InternalNote)).await.expect("note");
    desk.rep
        .tickets
        .clone()
        .add_comment(post("The GPU hub", pb::CommentVisibility::PublicReply))
        .await
        .expect("answer");

    let after = |client: &Client, after_id: i64| {
        let mut tickets = client.tickets.clone();
        async move {
            let request = pb::ListCommentsRequest { number: ticket.number, after_id };
            let comments = tickets.list_comments(request).await.expect("comments").into_inner().comments;
            comments.into_iter().map(|c| c.body).collect::<Vec<_>>()
        }
    };
    assert_eq!(after(&desk.steward, first.id).await, ["Probably the GPU one", "The GPU hub"]);
    assert_eq!(after(&desk.rep, first.id).await, ["The GPU hub"], "no internal note for the requester");
    assert_eq!(after(&desk.rep, 0).await, ["Which hub?", "The GPU hub"]);
    assert!(get(&desk.rep, ticket.number).await.position.is_some(), "the ticket comes with a position to watch after");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_ticket_is_unread_while_someone_else_did_something_its_reader_may_see() {
    let desk = desk().await;
    let (_, outsider) = borealis(&desk).await;
    let ticket = file(&desk.rep, change_request(desk.community, COMPLETE)).await.expect("file");
    let unread = |client: &Client| {
        let mut tickets = client.tickets.clone();
        async move { tickets.list_tickets(pb::ListTicketsRequest::default()).await.expect("list").into_inner().unread }
    };
    let mark = |client: &Client| {
        let mut tickets = client.tickets.clone();
        async move { tickets.mark_ticket_read(pb::MarkTicketReadRequest { number: ticket.number }).await }
    };
    let comment = |client: &Client, visibility: pb::CommentVisibility, body: &str| {
        let mut tickets = client.tickets.clone();
        let request = pb::AddCommentRequest {
            number: ticket.number,
            body: body.into(),
            visibility: visibility as i32,
            attachment_ids: Vec::new(),
        };
        async move { tickets.add_comment(request).await.expect("comment") }
    };

    // New to the team; not to the representative who filed it.
    assert_eq!(unread(&desk.steward).await, [ticket.number]);
    assert!(unread(&desk.rep).await.is_empty(), "what you did yourself is not news to you");
    mark(&desk.steward).await.expect("mark");
    assert!(unread(&desk.steward).await.is_empty(), "opened: read");

    // An internal note is news to the team only.
    desk.app.person("tess@example.org", "Tess Steward", Some(StaffRole::Steward)).await;
    let tess = desk.app.sign_in("tess@example.org").await;
    comment(&tess, pb::CommentVisibility::InternalNote, "Needs an image rebuild").await;
    assert_eq!(unread(&desk.steward).await, [ticket.number]);
    assert!(unread(&desk.rep).await.is_empty(), "a representative never learns of an internal note");

    // A reply is news to everyone else who sees the ticket, until each opens it again.
    comment(&desk.steward, pb::CommentVisibility::PublicReply, "We will rebuild the image tonight.").await;
    assert_eq!(unread(&desk.rep).await, [ticket.number]);
    assert_eq!(unread(&desk.member).await, [ticket.number]);
    mark(&desk.rep).await.expect("mark");
    assert!(unread(&desk.rep).await.is_empty());
    assert_eq!(unread(&desk.member).await, [ticket.number], "each person has their own mark");

    // Board order is not news.
    let reordered = desk
        .steward
        .board
        .clone()
        .move_card(pb::MoveCardRequest {
            number: ticket.number,
            expected_version: get(&desk.steward, ticket.number).await.ticket.expect("ticket").version,
            to_state: pb::TicketState::New as i32,
            before_number: None,
            reason: String::new(),
        })
        .await;
    reordered.expect("reorder within the column");
    assert!(unread(&desk.rep).await.is_empty(), "a card moved within its column is not news");

    // Nobody learns through marking that a ticket they may not see exists.
    let refused = mark(&outsider).await.expect_err("not visible");
    assert_eq!(refused.code(), Code::NotFound);
}

/// Every ticket `client` is shown in `sort`'s order, read two at a time.
async fn all_in_order(client: &Client, sort: pb::TicketSort, ascending: bool) -> Vec<pb::Ticket> {
    let mut seen = Vec::new();
    let mut page_token = String::new();
    loop {
        let request =
            pb::ListTicketsRequest { sort: sort as i32, ascending, page_size: 2, page_token, ..Default::default() };
        let page = client.tickets.clone().list_tickets(request).await.expect("list").into_inner();
        seen.extend(page.tickets);
        if page.next_page_token.is_empty() {
            return seen;
        }
        page_token = page.next_page_token;
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn lists_sort_by_each_column_either_way_page_through_each_ticket_once_and_stay_within_access() {
    let desk = desk().await;
    let (other, bea) = borealis(&desk).await;
    desk.app.person("tess@example.org", "Tess Steward", Some(StaffRole::Steward)).await;
    let titles = ["banana", "Apple", "cherry", "apple pie", "Date"];
    let mut numbers = Vec::new();
    for (n, title) in titles.iter().enumerate() {
        let mut request = change_request(desk.community, COMPLETE);
        request.title = (*title).into();
        request.priority = [pb::Priority::Normal, pb::Priority::Urgent][n % 2] as i32;
        numbers.push(file(&desk.rep, request).await.expect("file").number);
    }
    let mut theirs = change_request(other, COMPLETE);
    theirs.title = "Borealis only".into();
    let hidden = file(&bea, theirs).await.expect("file").number;
    // Two moved on, one assigned to each steward.
    let first = get(&desk.steward, numbers[0]).await.ticket.expect("ticket");
    act(&desk.steward, &first, pb::TicketAction::Triage, "").await.expect("triage");
    let third = get(&desk.steward, numbers[2]).await.ticket.expect("ticket");
    let third = act(&desk.steward, &third, pb::TicketAction::Triage, "").await.expect("triage");
    act(&desk.steward, &third, pb::TicketAction::Start, "").await.expect("start");
    for (number, assignee) in [(numbers[1], "Tess Steward"), (numbers[3], "Sam Steward")] {
        let ticket = get(&desk.steward, number).await.ticket.expect("ticket");
        let staff =
            desk.steward.directory.clone().list_staff(pb::ListStaffRequest {}).await.expect("staff").into_inner();
        let id = staff.staff.iter().find(|p| p.display_name == assignee).expect("a steward").id;
        let request = pb::UpdateTicketRequest {
            number,
            expected_version: ticket.version,
            assignee_id: Some(id),
            ..Default::default()
        };
        desk.steward.tickets.clone().update_ticket(request).await.expect("assign");
    }

    let rank_of_priority = |t: &pb::Ticket| match pb::Priority::try_from(t.priority).expect("priority") {
        pb::Priority::Normal => 0,
        pb::Priority::Urgent => 1,
        _ => 2,
    };
    let assignee = |t: &pb::Ticket| t.assignee.as_ref().map(|a| a.display_name.to_lowercase()).unwrap_or_default();
    for ascending in [true, false] {
        // The representative's list: her community's tickets only, in every order.
        for sort in [
            pb::TicketSort::Updated,
            pb::TicketSort::Number,
            pb::TicketSort::Title,
            pb::TicketSort::Community,
            pb::TicketSort::RequestType,
            pb::TicketSort::Priority,
            pb::TicketSort::State,
            pb::TicketSort::Assignee,
        ] {
            let listed = all_in_order(&desk.rep, sort, ascending).await;
            let mut seen: Vec<i64> = listed.iter().map(|t| t.number).collect();
            seen.sort();
            assert_eq!(seen, numbers, "{sort:?} ascending={ascending}: each of hers once, never Borealis's");
        }
        let check = |listed: &[pb::Ticket], key: &dyn Fn(&pb::Ticket) -> (String, i64), what: &str| {
            let keys: Vec<(String, i64)> = listed.iter().map(key).collect();
            let mut sorted = keys.clone();
            sorted.sort();
            if !ascending {
                sorted.reverse();
            }
            assert_eq!(keys, sorted, "{what}, ascending={ascending}");
        };
        let by_title = all_in_order(&desk.rep, pb::TicketSort::Title, ascending).await;
        check(&by_title, &|t| (t.title.to_lowercase(), t.number), "titles ignore case");
        let by_priority = all_in_order(&desk.rep, pb::TicketSort::Priority, ascending).await;
        check(&by_priority, &|t| (rank_of_priority(t).to_string(), t.number), "priority by rank");
        let by_state = all_in_order(&desk.steward, pb::TicketSort::State, ascending).await;
        check(&by_state, &|t| (format!("{:02}", t.state), t.number), "states in lifecycle order");
        let by_assignee = all_in_order(&desk.steward, pb::TicketSort::Assignee, ascending).await;
        check(&by_assignee, &|t| (assignee(t), t.number), "assignees by name, unassigned first");
        assert!(by_state.iter().any(|t| t.number == hidden), "staff see every community");
    }
    let highest = all_in_order(&desk.rep, pb::TicketSort::Priority, false).await;
    assert_eq!(highest[0].priority, pb::Priority::Urgent as i32, "highest first");

    // A token from one order does not continue another.
    let request = pb::ListTicketsRequest { sort: pb::TicketSort::Title as i32, page_size: 1, ..Default::default() };
    let page = desk.rep.tickets.clone().list_tickets(request).await.expect("list").into_inner();
    let request = pb::ListTicketsRequest { page_token: page.next_page_token, ..Default::default() };
    let refused = desk.rep.tickets.clone().list_tickets(request).await.unwrap_err();
    assert_eq!(violation(&refused), "page_token");
    let request = pb::ListTicketsRequest { sort: 99, ..Default::default() };
    let refused = desk.rep.tickets.clone().list_tickets(request).await.unwrap_err();
    assert_eq!(violation(&refused), "sort");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_bulk_change_goes_through_each_tickets_rules_and_says_which_were_refused_and_why() {
    let desk = desk().await;
    let mut numbers = Vec::new();
    for _ in 0..3 {
        numbers.push(file(&desk.rep, change_request(desk.community, COMPLETE)).await.expect("file").number);
    }
    let change = |client: &Client, numbers: Vec<i64>, change: pb::change_tickets_request::Change| {
        let mut tickets = client.tickets.clone();
        let request = pb::ChangeTicketsRequest { numbers, change: Some(change), reason: String::new() };
        async move { tickets.change_tickets(request).await.map(|r| r.into_inner().outcomes) }
    };
    use pb::change_tickets_request::Change;

    // Assigned in one step, each ticket recording its own change.
    let assigned = change(&desk.steward, numbers.clone(), Change::AssigneeId(desk.steward_id)).await.expect("assign");
    assert_eq!(assigned.iter().map(|o| o.number).collect::<Vec<_>>(), numbers);
    for outcome in &assigned {
        assert_eq!(outcome.refusal, "");
        assert_eq!(outcome.ticket.as_ref().and_then(|t| t.assignee.as_ref()).map(|a| a.id), Some(desk.steward_id));
    }

    // Triaged: only a new ticket may be; the one already being worked says why not, and stays
    // as it was.
    let first = get(&desk.steward, numbers[0]).await.ticket.expect("ticket");
    act(&desk.steward, &first, pb::TicketAction::Start, "").await.expect("start");
    let triaged = change(&desk.steward, numbers.clone(), Change::Action(pb::TicketAction::Triage as i32))
        .await
        .expect("an answer per ticket");
    assert!(triaged[0].ticket.is_none());
    assert!(!triaged[0].refusal.is_empty(), "a refusal says why");
    let still = get(&desk.steward, numbers[0]).await.ticket.expect("ticket");
    assert_eq!(still.state, pb::TicketState::InProgress as i32, "a refused ticket is left as it was");
    for done in &triaged[1..] {
        assert_eq!(done.refusal, "");
        assert_eq!(done.ticket.as_ref().map(|t| t.state), Some(pb::TicketState::Open as i32));
    }

    // A representative may not change support's fields; a ticket she may not see is simply not
    // found, as one that does not exist.
    let (other, bea) = borealis(&desk).await;
    let theirs = file(&bea, change_request(other, COMPLETE)).await.expect("file").number;
    let refused = change(&desk.rep, vec![numbers[1], theirs, 999_999], Change::Priority(pb::Priority::Urgent as i32))
        .await
        .expect("an answer per ticket");
    assert!(refused[0].refusal.contains("Only the support team"), "{}", refused[0].refusal);
    assert_eq!(refused[1].refusal, refused[2].refusal, "hidden and missing look the same");
    assert!(refused.iter().all(|o| o.ticket.is_none()));

    // Asking for nothing names every problem at once.
    let empty = pb::ChangeTicketsRequest { numbers: Vec::new(), change: None, reason: String::new() };
    let status = desk.steward.tickets.clone().change_tickets(empty).await.unwrap_err();
    let fields = violated_fields(&status);
    assert_eq!(fields, ["numbers", "change"]);
}

#[tokio::test(flavor = "multi_thread")]
async fn saved_views_are_each_persons_own_staff_share_them_and_counts_stay_within_access() {
    let desk = desk().await;
    let (other, bea) = borealis(&desk).await;
    desk.app.person("tess@example.org", "Tess Steward", Some(StaffRole::Steward)).await;
    let tess = desk.app.sign_in("tess@example.org").await;
    for _ in 0..2 {
        file(&desk.rep, change_request(desk.community, COMPLETE)).await.expect("file");
    }
    file(&bea, change_request(other, COMPLETE)).await.expect("file");
    let save = |client: &Client, name: &str, query: &str, shared: bool| {
        let mut tickets = client.tickets.clone();
        let request = pb::SaveViewRequest { name: name.into(), query: query.into(), shared };
        async move { tickets.save_view(request).await.map(|r| r.into_inner().view.expect("view")) }
    };
    let views = |client: &Client| {
        let mut tickets = client.tickets.clone();
        async move {
            let listed = tickets.list_views(pb::ListViewsRequest {}).await.expect("views").into_inner().views;
            listed.into_iter().map(|v| (v.name, v.mine)).collect::<Vec<_>>()
        }
    };

    // Each person's own; saving the same name again replaces it.
    save(&desk.rep, "New ones", "state=2", false).await.expect("save");
    let replaced = save(&desk.rep, "new ONES", "state=2&sort=title&dir=asc", false).await.expect("save");
    assert_eq!(replaced.query, "state=2&sort=title&dir=asc");
    assert_eq!(views(&desk.rep).await, [("new ONES".to_owned(), true)]);
    assert!(views(&bea).await.is_empty(), "another person's views are their own");

    // Staff share with the team; a representative may not, and never sees shared ones.
    save(&desk.steward, "Unassigned", "assignee=none", true).await.expect("share");
    save(&desk.steward, "Mine", "assignee=me", false).await.expect("save");
    assert_eq!(views(&tess).await, [("Unassigned".to_owned(), false)], "the team's shared view, not Sam's own");
    let refused = save(&desk.rep, "", &"x".repeat(1001), true).await.unwrap_err();
    let fields = violated_fields(&refused);
    assert_eq!(fields, ["name", "query", "shared"], "every problem at once");
    assert_eq!(views(&desk.rep).await.len(), 1, "nothing saved");

    // Only the owner removes a view.
    let shared_id = {
        let mut tickets = tess.tickets.clone();
        tickets.list_views(pb::ListViewsRequest {}).await.expect("views").into_inner().views[0].id
    };
    let not_hers = tess.tickets.clone().delete_view(pb::DeleteViewRequest { id: shared_id }).await.unwrap_err();
    assert_eq!(not_hers.code(), Code::NotFound);
    desk.steward.tickets.clone().delete_view(pb::DeleteViewRequest { id: shared_id }).await.expect("delete");
    assert!(views(&tess).await.is_empty());

    // Counts: each list as the caller may see it.
    let unassigned = pb::ListTicketsRequest { unassigned: true, ..Default::default() };
    let new_only = pb::ListTicketsRequest { states: vec![pb::TicketState::New as i32], ..Default::default() };
    let count = |client: &Client| {
        let mut tickets = client.tickets.clone();
        let request = pb::CountTicketsRequest { lists: vec![unassigned.clone(), new_only.clone()] };
        async move { tickets.count_tickets(request).await.expect("count").into_inner().counts }
    };
    assert_eq!(count(&desk.steward).await, [3, 3]);
    assert_eq!(count(&desk.rep).await, [2, 2], "her community's only");
    assert_eq!(count(&bea).await, [1, 1]);
}
