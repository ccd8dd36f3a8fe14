//! Live updates through the real server: resuming after a disconnect, gap-safe positions under
//! concurrent writers (including a transaction that commits late), two server processes on one
//! database, and access checked on every event.

use std::collections::HashSet;
use std::time::Duration;

use steward_domain::{MembershipRole, StaffRole};
use steward_proto::v1 as pb;
use steward_proto::v1::watch_response::Message;
use tonic::{Code, Streaming};

use crate::util::{Client, TestApp, kind};

/// How long a test waits for something that should arrive.
const ARRIVES: Duration = Duration::from_secs(10);
/// How long a test waits to be sure something does not arrive (longer than the tailer's poll).
const STAYS_AWAY: Duration = Duration::from_millis(1500);

type Position = (u64, i64);

fn position(p: Option<&pb::LivePosition>) -> Position {
    let p = p.expect("a position");
    (p.transaction, p.event)
}

/// An open Watch stream.
struct Watching {
    stream: Streaming<pb::WatchResponse>,
    /// Where `Live` said the stream caught up.
    live_at: Position,
    /// Changes received before `Live` (the replay).
    replayed: Vec<pb::TicketChange>,
}

impl Watching {
    async fn open(client: &Client, after: Option<Position>, numbers: &[i64]) -> Watching {
        let request = pb::WatchRequest {
            after: after.map(|(transaction, event)| pb::LivePosition { transaction, event }),
            all_tickets: numbers.is_empty(),
            ticket_numbers: numbers.to_vec(),
            ..Default::default()
        };
        let mut stream = client.live.clone().watch(request).await.expect("watch").into_inner();
        let mut replayed = Vec::new();
        loop {
            let message = tokio::time::timeout(ARRIVES, stream.message())
                .await
                .expect("the stream says Live in time")
                .expect("stream ok")
                .expect("stream open");
            match message.message.expect("a message") {
                Message::Live(live) => {
                    return Watching { stream, live_at: position(live.position.as_ref()), replayed };
                }
                Message::TicketChange(change) => replayed.push(change),
                Message::Heartbeat(_) => {}
                Message::Resync(_) => panic!("unexpected resync"),
                Message::IncidentChange(change) => panic!("unexpected incident change {change:?}"),
            }
        }
    }

    /// The next change within `wait`, skipping heartbeats and the filing of tickets; `None` if
    /// none arrives. Tests file their tickets before they start watching "from now", but "now"
    /// is the settled horizon of the whole PostgreSQL cluster: another test holding a write
    /// transaction open can make a filing settle, and so arrive, after the stream started.
    async fn next_within(&mut self, wait: Duration) -> Option<pb::TicketChange> {
        let deadline = tokio::time::Instant::now() + wait;
        loop {
            let message = tokio::time::timeout_at(deadline, self.stream.message()).await.ok()?;
            match message.expect("stream ok").expect("stream open").message.expect("a message") {
                Message::TicketChange(change) if kind(&change.what) == "created" => {}
                Message::TicketChange(change) => return Some(change),
                Message::Heartbeat(_) => {}
                other => panic!("unexpected {other:?}"),
            }
        }
    }

    async fn next(&mut self) -> pb::TicketChange {
        self.next_within(ARRIVES).await.expect("a change arrives")
    }

    /// Changes until one about ticket `number` arrives (that one included).
    async fn until(&mut self, number: i64) -> Vec<pb::TicketChange> {
        let mut seen = Vec::new();
        loop {
            let change = self.next().await;
            let done = change.number == number;
            seen.push(change);
            if done {
                return seen;
            }
        }
    }
}

struct Desk {
    app: TestApp,
    aurora: i64,
    borealis: i64,
    steward: Client,
    admin: Client,
    rep_a: Client,
    rep_a_id: i64,
    rep_b: Client,
}

async fn desk() -> Desk {
    let app = TestApp::spawn().await;
    let aurora = app.community("aurora", "Aurora Hub").await;
    let borealis = app.community("borealis", "Borealis Lab").await;
    let rep_a_id = app.person("rep.a@example.org", "Rita Rep", None).await;
    let rep_b = app.person("rep.b@example.org", "Bea Rep", None).await;
    app.person("steward@example.org", "Sam Steward", Some(StaffRole::Steward)).await;
    app.person("admin@example.org", "Ada Admin", Some(StaffRole::Admin)).await;
    app.membership(rep_a_id, aurora, MembershipRole::Representative).await;
    app.membership(rep_b, borealis, MembershipRole::Representative).await;
    Desk {
        steward: app.sign_in("steward@example.org").await,
        admin: app.sign_in("admin@example.org").await,
        rep_a: app.sign_in("rep.a@example.org").await,
        rep_b: app.sign_in("rep.b@example.org").await,
        app,
        aurora,
        borealis,
        rep_a_id,
    }
}

async fn file(client: &Client, community_id: i64, title: &str) -> pb::Ticket {
    let request = pb::CreateTicketRequest {
        community_id,
        request_type: pb::RequestType::Other as i32,
        priority: pb::Priority::Normal as i32,
        title: title.into(),
        description: "Live test.".into(),
        confidential: false,
        answers: Default::default(),
        attachment_ids: Vec::new(),
    };
    client.tickets.clone().create_ticket(request).await.expect("file").into_inner().ticket.expect("ticket")
}

async fn move_card(
    client: &Client,
    number: i64,
    version: i64,
    to: pb::TicketState,
) -> Result<pb::BoardCard, tonic::Status> {
    let request = pb::MoveCardRequest {
        number,
        expected_version: version,
        to_state: to as i32,
        before_number: None,
        reason: String::new(),
    };
    Ok(client.board.clone().move_card(request).await?.into_inner().card.expect("card"))
}

#[tokio::test]
async fn resuming_after_a_disconnect_returns_exactly_the_missed_changes_in_order() {
    let desk = desk().await;
    let first = file(&desk.rep_a, desk.aurora, "First").await;
    let second = file(&desk.rep_a, desk.aurora, "Second").await;

    let mut watching = Watching::open(&desk.steward, None, &[]).await;
    let moved = move_card(&desk.steward, first.number, first.version, pb::TicketState::InProgress).await.expect("move");
    let seen = watching.next().await;
    assert_eq!((seen.number, kind(&seen.what)), (first.number, "transitioned"));
    assert_eq!(seen.card.as_ref().expect("card").version, moved.version);
    assert_eq!(seen.actor.as_ref().expect("actor").display_name, "Sam Steward");
    let last_seen = position(seen.position.as_ref());
    drop(watching);

    // While disconnected: three changes on two tickets.
    let a = move_card(&desk.steward, second.number, second.version, pb::TicketState::Open).await.expect("move");
    let b = move_card(&desk.steward, first.number, moved.version, pb::TicketState::Pending).await.expect("move");
    let c = move_card(&desk.steward, second.number, a.version, pb::TicketState::InProgress).await.expect("move");

    // The missed changes come first (replayed, or live if they settle a moment later because
    // another test holds the cluster's horizon back), then nothing else.
    let mut resumed = Watching::open(&desk.steward, Some(last_seen), &[]).await;
    let mut caught_up: Vec<pb::TicketChange> = std::mem::take(&mut resumed.replayed);
    while caught_up.len() < 3 {
        caught_up.push(resumed.next().await);
    }
    let missed: Vec<(i64, i64)> =
        caught_up.iter().map(|ch| (ch.number, ch.card.as_ref().expect("card").version)).collect();
    assert_eq!(missed.len(), 3, "exactly the missed changes: {missed:?}");
    assert_eq!(missed.iter().map(|m| m.0).collect::<Vec<_>>(), [second.number, first.number, second.number]);
    let positions: Vec<Position> = caught_up.iter().map(|ch| position(ch.position.as_ref())).collect();
    assert!(positions.windows(2).all(|w| w[0] < w[1]), "in order: {positions:?}");
    assert!(positions[0] > last_seen);
    // Cards carry the ticket as it is now, so the newest version of each shows.
    assert_eq!(missed[1].1, b.version);
    assert_eq!(missed[2].1, c.version);

    // And then live, with nothing repeated.
    let d = move_card(&desk.steward, first.number, b.version, pb::TicketState::InProgress).await.expect("move");
    let live = resumed.next().await;
    assert_eq!((live.number, live.card.expect("card").version), (first.number, d.version));
    assert!(resumed.next_within(STAYS_AWAY).await.is_none(), "nothing more, nothing twice");
}

#[tokio::test]
async fn a_transaction_that_commits_late_is_never_skipped_by_a_reader_ahead_of_it() {
    let desk = desk().await;
    let early = file(&desk.rep_a, desk.aurora, "Early writer").await;
    let late = file(&desk.rep_a, desk.aurora, "Late writer").await;
    let mut watching = Watching::open(&desk.steward, None, &[]).await;

    // A writer takes its transaction id first and holds it open, as a slow request would.
    let (slow, connection) =
        tokio_postgres::connect(&desk.app.database_url, tokio_postgres::NoTls).await.expect("connect");
    tokio::spawn(connection);
    slow.batch_execute("BEGIN").await.expect("begin");
    slow.execute(
        "INSERT INTO ticket_events (ticket_number, community_id, kind, data) \
         VALUES ($1, $2, 'commented', '{\"comment_id\": 0, \"internal\": false}')",
        &[&early.number, &desk.aurora],
    )
    .await
    .expect("insert");

    // A later transaction commits first.
    move_card(&desk.steward, late.number, late.version, pb::TicketState::Open).await.expect("move");
    assert!(
        watching.next_within(STAYS_AWAY).await.is_none(),
        "a change above an unsettled transaction must wait for it"
    );

    slow.batch_execute("COMMIT").await.expect("commit");
    let first = watching.next().await;
    let second = watching.next().await;
    assert_eq!(first.number, early.number, "the earlier transaction's change comes first");
    assert_eq!(second.number, late.number);
    assert!(position(first.position.as_ref()) < position(second.position.as_ref()));

    // A reader resuming after the later change misses nothing and gets nothing twice.
    let resumed = Watching::open(&desk.steward, Some(position(second.position.as_ref())), &[]).await;
    assert!(resumed.replayed.is_empty());
}

#[tokio::test]
async fn concurrent_writers_never_leave_a_gap_for_a_reader_that_keeps_resuming() {
    let desk = desk().await;
    let mut numbers = Vec::new();
    for i in 0..8 {
        numbers.push(file(&desk.rep_a, desk.aurora, &format!("Writer {i}")).await.number);
    }
    let start = Watching::open(&desk.steward, None, &[]).await.live_at;

    // Eight writers, each moving its own ticket 15 times, while a reader drops and resumes.
    let writers: Vec<_> = numbers
        .iter()
        .map(|&number| {
            let client = desk.steward.board.clone();
            tokio::spawn(async move {
                let mut version = 1;
                for round in 0..15 {
                    let to = if round % 2 == 0 { pb::TicketState::InProgress } else { pb::TicketState::Pending };
                    let request = pb::MoveCardRequest {
                        number,
                        expected_version: version,
                        to_state: to as i32,
                        before_number: None,
                        reason: String::new(),
                    };
                    version =
                        client.clone().move_card(request).await.expect("move").into_inner().card.expect("card").version;
                    tokio::time::sleep(Duration::from_millis(10)).await;
                }
            })
        })
        .collect();

    let mut received: Vec<pb::TicketChange> = Vec::new();
    let mut at = start;
    let reader = async {
        for _ in 0..40 {
            let mut watching = Watching::open(&desk.steward, Some(at), &[]).await;
            received.append(&mut watching.replayed);
            while let Some(change) = watching.next_within(Duration::from_millis(30)).await {
                received.push(change);
            }
            at = received.last().map(|c| position(c.position.as_ref())).unwrap_or(at);
        }
    };
    let (_, finished) = tokio::join!(reader, futures_util::future::join_all(writers));
    for finished in finished {
        finished.expect("writer");
    }
    // Catch up on whatever came after the reader's last visit (waiting for changes that settle
    // late: another test may hold the cluster's horizon back for a moment).
    let mut watching = Watching::open(&desk.steward, Some(at), &[]).await;
    received.append(&mut watching.replayed);
    let moves = |received: &[pb::TicketChange]| received.iter().filter(|c| kind(&c.what) == "transitioned").count();
    while moves(&received) < 8 * 15 {
        match watching.next_within(ARRIVES).await {
            Some(change) => received.push(change),
            None => break,
        }
    }

    let positions: Vec<Position> = received.iter().map(|c| position(c.position.as_ref())).collect();
    assert!(positions.windows(2).all(|w| w[0] < w[1]), "strictly increasing, so nothing twice");
    let got: HashSet<i64> = positions.iter().map(|p| p.1).collect();
    let mut conn = desk.app.state.core.pool.get().await.expect("conn");
    use diesel::prelude::*;
    use diesel_async::RunQueryDsl;
    use steward_backend::db::schema::ticket_events;
    let logged: Vec<i64> = ticket_events::table
        .filter(ticket_events::kind.eq("transitioned"))
        .filter(ticket_events::ticket_number.eq_any(&numbers))
        .select(ticket_events::id)
        .load(&mut conn)
        .await
        .expect("events");
    assert_eq!(logged.len(), 8 * 15);
    let missing: Vec<&i64> = logged.iter().filter(|id| !got.contains(id)).collect();
    assert!(missing.is_empty(), "the reader missed events {missing:?}");
}

#[tokio::test]
async fn two_server_processes_on_one_database_deliver_each_others_moves() {
    let desk = desk().await;
    let other = desk.app.spawn_beside().await;
    let steward_on_other = other.sign_in("steward@example.org").await;
    let ticket = file(&desk.rep_a, desk.aurora, "Across processes").await;

    let mut here = Watching::open(&desk.steward, None, &[]).await;
    let mut there = Watching::open(&steward_on_other, None, &[]).await;

    let moved = move_card(&desk.steward, ticket.number, ticket.version, pb::TicketState::Open).await.expect("move");
    for watching in [&mut here, &mut there] {
        let change = watching.next().await;
        assert_eq!((change.number, change.card.expect("card").version), (ticket.number, moved.version));
    }
    let back =
        move_card(&steward_on_other, ticket.number, moved.version, pb::TicketState::InProgress).await.expect("move");
    for watching in [&mut here, &mut there] {
        let change = watching.next().await;
        assert_eq!((change.number, change.card.expect("card").version), (ticket.number, back.version));
    }
    // Both processes number changes the same way.
    other.stop();
}

#[tokio::test]
async fn one_version_one_winner_among_sixteen_movers_and_every_win_is_delivered() {
    let desk = desk().await;
    let ticket = file(&desk.rep_a, desk.aurora, "Contended").await;
    let mut movers = Vec::new();
    for _ in 0..16 {
        movers.push(desk.app.sign_in("steward@example.org").await);
    }
    let mut watching = Watching::open(&desk.steward, None, &[ticket.number]).await;
    let mut version = ticket.version;
    let mut state = pb::TicketState::New;
    for round in 0..5 {
        let targets = [pb::TicketState::Open, pb::TicketState::InProgress, pb::TicketState::Pending];
        let attempts = movers.iter().enumerate().map(|(i, mover)| {
            let mut to = targets[(i + round) % targets.len()];
            if to == state {
                to = pb::TicketState::Resolved;
            }
            move_card(mover, ticket.number, version, to)
        });
        let results = futures_util::future::join_all(attempts).await;
        let wins: Vec<&pb::BoardCard> = results.iter().filter_map(|r| r.as_ref().ok()).collect();
        assert_eq!(wins.len(), 1, "round {round}: exactly one move wins");
        for refused in results.iter().filter_map(|r| r.as_ref().err()) {
            assert_eq!(refused.code(), Code::FailedPrecondition, "{refused:?}");
        }
        let winner = wins[0].clone();
        assert_eq!(winner.version, version + 1);
        let delivered = watching.next().await;
        assert_eq!(delivered.card.expect("card").version, winner.version, "the win reaches watchers");
        version = winner.version;
        state = pb::TicketState::try_from(winner.state).expect("state");
        if state == pb::TicketState::Resolved {
            let reopened = pb::MoveCardRequest {
                number: ticket.number,
                expected_version: version,
                to_state: pb::TicketState::Open as i32,
                before_number: None,
                reason: "Not done yet".into(),
            };
            let card =
                desk.steward.board.clone().move_card(reopened).await.expect("reopen").into_inner().card.expect("card");
            version = card.version;
            state = pb::TicketState::Open;
            watching.until(ticket.number).await;
            // The reason is posted as a reply: a second change.
            watching.until(ticket.number).await;
        }
    }
    assert!(watching.next_within(STAYS_AWAY).await.is_none(), "no lost or extra changes");
}

#[tokio::test]
async fn each_change_is_checked_against_the_watchers_access_when_it_is_sent() {
    let desk = desk().await;
    // Filed by staff: Rita sees it only as Aurora's representative, not as its requester.
    let a_ticket = file(&desk.steward, desk.aurora, "Aurora's").await;
    let b_ticket = file(&desk.rep_b, desk.borealis, "Borealis'").await;
    // Rita also speaks for a third community, so she keeps receiving something to compare with.
    let third = desk.app.community("cassiopeia", "Cassiopeia").await;
    desk.app.membership(desk.rep_a_id, third, MembershipRole::Representative).await;
    let c_ticket = file(&desk.rep_a, third, "Cassiopeia's").await;

    let mut rita = Watching::open(&desk.rep_a, None, &[]).await;
    let mut bea = Watching::open(&desk.rep_b, None, &[]).await;

    // Another community's changes never arrive: Bea gets her own, and nothing of Aurora's before it.
    let a1 = move_card(&desk.steward, a_ticket.number, a_ticket.version, pb::TicketState::Open).await.expect("move");
    let internal = pb::AddCommentRequest {
        number: a_ticket.number,
        body: "Internal only".into(),
        visibility: pb::CommentVisibility::InternalNote as i32,
        attachment_ids: Vec::new(),
    };
    desk.steward.tickets.clone().add_comment(internal).await.expect("note");
    move_card(&desk.steward, b_ticket.number, b_ticket.version, pb::TicketState::Open).await.expect("move");
    let seen_by_bea = bea.until(b_ticket.number).await;
    assert_eq!(seen_by_bea.len(), 1, "Bea saw only her community's change: {seen_by_bea:?}");

    // Rita sees Aurora's move but not the internal note.
    let seen_by_rita = rita.until(a_ticket.number).await;
    assert_eq!(seen_by_rita.len(), 1);
    assert_eq!(kind(&seen_by_rita[0].what), "transitioned");

    // Removed from Aurora, Rita stops receiving its changes at once.
    let removal = pb::RemoveMembershipRequest { person_id: desk.rep_a_id, community_id: desk.aurora };
    desk.admin.directory.clone().remove_membership(removal).await.expect("remove");
    move_card(&desk.steward, a_ticket.number, a1.version, pb::TicketState::InProgress).await.expect("move");
    move_card(&desk.steward, c_ticket.number, c_ticket.version, pb::TicketState::Open).await.expect("move");
    let after_removal = rita.until(c_ticket.number).await;
    assert!(
        after_removal.iter().all(|change| change.number != a_ticket.number),
        "a change of Aurora reached Rita after her removal: {after_removal:?}"
    );

    // Signing out ends the stream.
    desk.rep_a.auth.clone().sign_out(pb::SignOutRequest {}).await.expect("sign out");
    let ended = tokio::time::timeout(ARRIVES, async {
        loop {
            match rita.stream.message().await {
                Ok(Some(_)) => continue,
                Ok(None) => return None,
                Err(status) => return Some(status.code()),
            }
        }
    })
    .await
    .expect("the stream ends");
    assert_eq!(ended, Some(Code::Unauthenticated));
}

#[tokio::test]
async fn watching_needs_a_session_and_something_to_watch() {
    let desk = desk().await;
    let anonymous = desk.app.anonymous().await;
    let request = pb::WatchRequest { after: None, all_tickets: true, ticket_numbers: vec![], ..Default::default() };
    let refused = anonymous.live.clone().watch(request).await.expect_err("anonymous");
    assert_eq!(refused.code(), Code::Unauthenticated);
    let nothing = pb::WatchRequest { after: None, all_tickets: false, ticket_numbers: vec![], ..Default::default() };
    let refused = desk.steward.live.clone().watch(nothing).await.expect_err("nothing to watch");
    assert_eq!(refused.code(), Code::InvalidArgument);
}

#[tokio::test]
async fn a_server_shutdown_ends_open_streams_cleanly() {
    let desk = desk().await;
    let mut watching = Watching::open(&desk.steward, None, &[]).await;
    desk.app.stop();
    let ended = tokio::time::timeout(ARRIVES, async {
        loop {
            match watching.stream.message().await {
                Ok(Some(_)) => continue,
                other => return other.map(|_| ()),
            }
        }
    })
    .await
    .expect("the stream ends when the server stops");
    assert!(ended.is_ok(), "a clean end, not an error: {ended:?}");
}

/// What a ticket page does: read the ticket once, watch after the position it came with, and
/// keep itself current from each change (the card, the typed payload) and, for a message, the
/// conversation after the last one it has.
#[tokio::test]
async fn a_ticket_page_stays_current_from_the_stream_without_reading_the_ticket_again() {
    let desk = desk().await;
    let ticket = file(&desk.rep_a, desk.aurora, "Page that follows").await;
    let page = desk
        .rep_a
        .tickets
        .clone()
        .get_ticket(pb::GetTicketRequest { number: ticket.number })
        .await
        .expect("get")
        .into_inner();
    assert!(page.ticket.as_ref().expect("ticket").acknowledged_at.is_none());
    let mut watching = Watching::open(&desk.rep_a, Some(position(page.position.as_ref())), &[ticket.number]).await;
    // A change the read already showed may still be replayed (the head is the settled one), but
    // never as news: its card is no newer than the page.
    let shown = page.ticket.as_ref().expect("ticket").version;
    for change in &watching.replayed {
        assert!(change.card.as_ref().expect("card").version <= shown, "news from before the read: {change:?}");
    }

    // Support answers: the card says it is acknowledged, the change names the message, and the
    // conversation after the page's last message is exactly that reply.
    let reply = pb::AddCommentRequest {
        number: ticket.number,
        body: "Looking into it.".into(),
        visibility: pb::CommentVisibility::PublicReply as i32,
        attachment_ids: Vec::new(),
    };
    desk.steward.tickets.clone().add_comment(reply).await.expect("reply");
    let change = watching.next().await;
    let card = change.card.as_ref().expect("card");
    assert!(card.acknowledged_at.is_some(), "the first support reply acknowledges: {card:?}");
    let Some(pb::ticket_happening::Kind::Commented(commented)) = change.what.and_then(|w| w.kind) else {
        panic!("a comment");
    };
    let after = page.comments.last().map_or(0, |c| c.id);
    let newer = desk
        .rep_a
        .tickets
        .clone()
        .list_comments(pb::ListCommentsRequest { number: ticket.number, after_id: after })
        .await
        .expect("comments")
        .into_inner()
        .comments;
    assert_eq!(
        newer.iter().map(|c| (c.id, c.body.as_str())).collect::<Vec<_>>(),
        [(commented.comment_id, "Looking into it.")]
    );

    // A linked issue arrives with its id, so the page can show it and later remove it.
    let added = desk
        .steward
        .triage
        .clone()
        .add_link(pb::AddLinkRequest {
            number: ticket.number,
            url: "https://git.example.org/hub/issues/7".into(),
            title: "Quota".into(),
        })
        .await
        .expect("link")
        .into_inner()
        .link
        .expect("link");
    let change = watching.next().await;
    let Some(pb::ticket_happening::Kind::Linked(linked)) = change.what.and_then(|w| w.kind) else {
        panic!("a link");
    };
    assert_eq!((linked.link_id, linked.title.as_str()), (added.id, "Quota"));
}

/// A stream opened before its session expires does not outlive it: the first thing it would
/// send after the expiry (by the application's clock) is Unauthenticated instead.
#[tokio::test]
async fn a_stream_ends_with_its_session() {
    let desk = desk().await;
    let ticket = file(&desk.rep_a, desk.aurora, "Watched past expiry").await;
    let mut watching = Watching::open(&desk.rep_a, None, &[ticket.number]).await;
    // Still signed in: a change arrives.
    let steward = desk.app.sign_in("steward@example.org").await;
    move_card(&steward, ticket.number, ticket.version, pb::TicketState::Open).await.expect("move");
    assert_eq!(watching.next().await.number, ticket.number);

    // The session's lifetime passes; the steward signs in again and changes the ticket.
    desk.app.clock.advance(chrono::Duration::days(31));
    let steward = desk.app.sign_in("steward@example.org").await;
    let version = steward
        .tickets
        .clone()
        .get_ticket(pb::GetTicketRequest { number: ticket.number })
        .await
        .expect("get")
        .into_inner()
        .ticket
        .expect("ticket")
        .version;
    move_card(&steward, ticket.number, version, pb::TicketState::InProgress).await.expect("move");
    let ended = tokio::time::timeout(ARRIVES, async {
        loop {
            match watching.stream.message().await {
                Ok(Some(message)) => match message.message {
                    Some(Message::TicketChange(change)) => panic!("a change after the session expired: {change:?}"),
                    _ => continue,
                },
                Ok(None) => return None,
                Err(status) => return Some(status.code()),
            }
        }
    })
    .await
    .expect("the stream ends");
    assert_eq!(ended, Some(Code::Unauthenticated));
}
