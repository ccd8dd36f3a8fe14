//! The board through the API: columns and order are the same for everyone, moves follow the
//! lifecycle, and refusals say why.

use steward_domain::{MembershipRole, StaffRole};
use steward_proto::v1 as pb;
use tonic::Code;
use tonic_types::StatusExt;

use crate::util::{Client, TestApp};

struct Desk {
    _app: TestApp,
    aurora: i64,
    steward: Client,
    tess: Client,
    rep: Client,
}

async fn desk() -> Desk {
    let app = TestApp::spawn().await;
    let aurora = app.community("aurora", "Aurora Hub").await;
    let rep = app.person("rep@example.org", "Rita Rep", None).await;
    app.person("sam@example.org", "Sam Steward", Some(StaffRole::Steward)).await;
    app.person("tess@example.org", "Tess Steward", Some(StaffRole::Steward)).await;
    app.membership(rep, aurora, MembershipRole::Representative).await;
    Desk {
        steward: app.sign_in("sam@example.org").await,
        tess: app.sign_in("tess@example.org").await,
        rep: app.sign_in("rep@example.org").await,
        _app: app,
        aurora,
    }
}

async fn file(desk: &Desk, title: &str) -> pb::Ticket {
    let request = pb::CreateTicketRequest {
        community_id: desk.aurora,
        request_type: pb::RequestType::Other as i32,
        priority: pb::Priority::Normal as i32,
        title: title.into(),
        description: "Board test.".into(),
        confidential: false,
        answers: Default::default(),
        attachment_ids: Vec::new(),
    };
    desk.rep.tickets.clone().create_ticket(request).await.expect("file").into_inner().ticket.expect("ticket")
}

async fn board(client: &Client) -> pb::GetBoardResponse {
    client.board.clone().get_board(pb::GetBoardRequest {}).await.expect("board").into_inner()
}

/// The titles in a column, top to bottom.
async fn column(client: &Client, state: pb::TicketState) -> Vec<String> {
    let mut cards: Vec<pb::BoardCard> =
        board(client).await.cards.into_iter().filter(|c| c.state == state as i32).collect();
    cards.sort_by(|a, b| a.rank.total_cmp(&b.rank).then(a.number.cmp(&b.number)));
    cards.into_iter().map(|c| c.title).collect()
}

async fn version(client: &Client, number: i64) -> i64 {
    board(client).await.cards.iter().find(|c| c.number == number).expect("on the board").version
}

async fn move_to(
    client: &Client,
    number: i64,
    to: pb::TicketState,
    before: Option<i64>,
    reason: &str,
) -> Result<pb::BoardCard, tonic::Status> {
    let request = pb::MoveCardRequest {
        number,
        expected_version: version(client, number).await,
        to_state: to as i32,
        before_number: before,
        reason: reason.into(),
    };
    Ok(client.board.clone().move_card(request).await?.into_inner().card.expect("card"))
}

#[tokio::test]
async fn new_requests_join_the_bottom_and_a_drop_sets_the_order_for_everyone() {
    let desk = desk().await;
    let one = file(&desk, "One").await;
    let two = file(&desk, "Two").await;
    let three = file(&desk, "Three").await;
    assert_eq!(column(&desk.steward, pb::TicketState::New).await, ["One", "Two", "Three"]);

    // Three above One, within the column.
    let card = move_to(&desk.steward, three.number, pb::TicketState::New, Some(one.number), "").await.expect("reorder");
    assert_eq!(card.state, pb::TicketState::New as i32);
    for viewer in [&desk.steward, &desk.tess, &desk.rep] {
        assert_eq!(column(viewer, pb::TicketState::New).await, ["Three", "One", "Two"]);
    }

    // Across columns: Two to Open (triage), then One above it, then One to the bottom of Open.
    move_to(&desk.steward, two.number, pb::TicketState::Open, None, "").await.expect("triage");
    move_to(&desk.steward, one.number, pb::TicketState::Open, Some(two.number), "").await.expect("triage above");
    assert_eq!(column(&desk.tess, pb::TicketState::Open).await, ["One", "Two"]);
    assert_eq!(column(&desk.tess, pb::TicketState::New).await, ["Three"]);
    move_to(&desk.steward, one.number, pb::TicketState::Open, None, "").await.expect("to the bottom");
    assert_eq!(column(&desk.rep, pb::TicketState::Open).await, ["Two", "One"]);
}

#[tokio::test]
async fn dropping_again_and_again_into_one_gap_keeps_the_order() {
    let desk = desk().await;
    let top = file(&desk, "Top").await;
    let mut titles = vec!["Top".to_owned()];
    let mut above = top.number;
    // Each new card goes just below Top, above the previous one: the gap under Top halves
    // every time until the column is renumbered.
    for i in 0..60 {
        let title = format!("Card {i:02}");
        let ticket = file(&desk, &title).await;
        let second = if i == 0 { None } else { Some(above) };
        move_to(&desk.steward, ticket.number, pb::TicketState::New, second, "").await.expect("drop");
        if i == 0 {
            titles.push(title);
        } else {
            let at = titles.iter().position(|t| *t == format!("Card {:02}", i - 1)).expect("previous");
            titles.insert(at, title);
        }
        above = ticket.number;
    }
    assert_eq!(column(&desk.tess, pb::TicketState::New).await, titles);
}

#[tokio::test]
async fn a_drop_the_lifecycle_does_not_allow_is_refused_with_the_reason() {
    let desk = desk().await;
    let ticket = file(&desk, "Waiting").await;
    move_to(&desk.steward, ticket.number, pb::TicketState::Pending, None, "").await.expect("wait on requester");

    let refused = move_to(&desk.steward, ticket.number, pb::TicketState::Open, None, "").await.expect_err("refused");
    assert_eq!(refused.code(), Code::FailedPrecondition);
    assert_eq!(refused.get_details_error_info().expect("info").reason, "TRANSITION_NOT_ALLOWED");
    assert!(refused.message().starts_with("Cannot move a ticket from Pending to Open"), "{}", refused.message());
    assert_eq!(column(&desk.steward, pb::TicketState::Pending).await, ["Waiting"], "nothing changed");

    // Reopening by dragging needs a reason, like reopening anywhere else.
    move_to(&desk.steward, ticket.number, pb::TicketState::Resolved, None, "").await.expect("resolve");
    let refused = move_to(&desk.steward, ticket.number, pb::TicketState::Open, None, "").await.expect_err("no reason");
    assert_eq!(refused.code(), Code::InvalidArgument);
    assert_eq!(refused.get_details_bad_request().expect("field").field_violations[0].field, "reason");
    move_to(&desk.steward, ticket.number, pb::TicketState::Open, None, "Still broken").await.expect("reopen");

    // A stale drop target and a card above itself are named.
    let other = file(&desk, "Elsewhere").await;
    let refused =
        move_to(&desk.steward, ticket.number, pb::TicketState::Open, Some(other.number), "").await.expect_err("stale");
    assert_eq!(refused.get_details_bad_request().expect("field").field_violations[0].field, "before_number");
    let refused =
        move_to(&desk.steward, ticket.number, pb::TicketState::Open, Some(ticket.number), "").await.expect_err("self");
    assert_eq!(refused.get_details_bad_request().expect("field").field_violations[0].field, "before_number");
}

#[tokio::test]
async fn representatives_see_their_board_read_only() {
    let desk = desk().await;
    let ticket = file(&desk, "Read only").await;
    let seen = board(&desk.rep).await;
    assert!(!seen.can_move);
    assert_eq!(seen.cards.len(), 1);
    assert_eq!(seen.communities.iter().map(|c| c.slug.as_str()).collect::<Vec<_>>(), ["aurora"]);
    let refused = move_to(&desk.rep, ticket.number, pb::TicketState::Open, None, "").await.expect_err("read only");
    assert_eq!(refused.code(), Code::PermissionDenied);
    assert!(board(&desk.steward).await.can_move);
}

#[tokio::test]
async fn a_stale_move_is_refused_and_says_the_version_to_reload() {
    let desk = desk().await;
    let ticket = file(&desk, "Contested").await;
    let first = pb::MoveCardRequest {
        number: ticket.number,
        expected_version: ticket.version,
        to_state: pb::TicketState::InProgress as i32,
        before_number: None,
        reason: String::new(),
    };
    let won = desk.tess.board.clone().move_card(first.clone()).await.expect("first wins").into_inner();
    let second = pb::MoveCardRequest { to_state: pb::TicketState::Pending as i32, ..first };
    let lost = desk.steward.board.clone().move_card(second).await.expect_err("second is stale");
    assert_eq!(lost.code(), Code::FailedPrecondition);
    let info = lost.get_details_error_info().expect("info");
    assert_eq!(info.reason, "STALE_VERSION");
    let current = won.card.expect("card").version.to_string();
    assert_eq!(info.metadata.get("current_version"), Some(&current));
}
