//! The limits, on a real server with small settings: each refusal is RESOURCE_EXHAUSTED in
//! words for the person, with when to retry where waiting helps; a slow client is cut off; and
//! a sign-in ends the session the browser presented.

use std::time::{Duration, Instant};

use steward_domain::MembershipRole;
use steward_proto::v1 as pb;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tonic::Code;
use tonic_types::StatusExt;

use crate::util::test_app::PASSWORD;
use crate::util::{Client, TestApp};

fn assert_exhausted(status: &tonic::Status, words: &str, retry_hint: bool) {
    assert_eq!(status.code(), Code::ResourceExhausted, "{status:?}");
    assert!(status.message().contains(words), "{:?} should say {words:?}", status.message());
    assert_eq!(status.get_details_retry_info().is_some(), retry_hint, "retry hint in {status:?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_request_over_its_calls_size_is_refused_in_words_and_nothing_is_saved() {
    let app = TestApp::spawn_with(&[("STEWARD_MAX_REQUEST_KIB", "64"), ("STEWARD_MAX_SMALL_REQUEST_KIB", "4")]).await;
    let community = app.community("aurora", "Aurora Hub").await;
    let rep = app.person("rep@example.org", "Rita Rep", None).await;
    app.membership(rep, community, MembershipRole::Representative).await;
    let client = app.sign_in("rep@example.org").await;

    let huge = pb::CreateTicketRequest {
        community_id: community,
        request_type: pb::RequestType::Other as i32,
        priority: pb::Priority::Normal as i32,
        title: "Too long".into(),
        description: "x".repeat(70 * 1024),
        confidential: false,
        answers: Default::default(),
        attachment_ids: Vec::new(),
    };
    let refused = client.tickets.clone().create_ticket(huge).await.expect_err("over 64 KiB");
    assert_exhausted(&refused, "at most 64 KiB", false);
    let listed = client.tickets.clone().list_tickets(pb::ListTicketsRequest::default()).await.expect("list");
    assert!(listed.into_inner().tickets.is_empty(), "nothing was saved");

    // A sign-in is a small call: a 5 KiB password is refused before it is hashed.
    let mut anonymous = app.anonymous().await;
    let refused = anonymous.sign_in("rep@example.org", &"p".repeat(5 * 1024)).await.expect_err("over 4 KiB");
    assert_exhausted(&refused, "at most 4 KiB", false);
    anonymous.sign_in("rep@example.org", PASSWORD).await.expect("a normal sign-in still works");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_client_that_never_finishes_its_headers_is_cut_off() {
    let app = TestApp::spawn_with(&[("STEWARD_HEADER_READ_SECONDS", "1")]).await;
    let mut slow = tokio::net::TcpStream::connect(app.addr).await.expect("connect");
    slow.write_all(b"GET /tickets HTTP/1.1\r\nHost: steward\r\nX-Slow: ").await.expect("write");
    let started = Instant::now();
    let mut rest = Vec::new();
    let read = tokio::time::timeout(Duration::from_secs(10), slow.read_to_end(&mut rest)).await;
    assert!(read.is_ok(), "the server closed the connection");
    let waited = started.elapsed();
    assert!(waited >= Duration::from_millis(900) && waited < Duration::from_secs(5), "cut off after {waited:?}");

    // A client that sends its request at once is served as ever.
    let (code, _) =
        crate::util::raw_http(&app, "GET /tickets HTTP/1.1\r\nHost: steward\r\nConnection: close\r\n\r\n".into()).await;
    assert_eq!(code, 200);
}

async fn open_watch(client: &Client) -> Result<tonic::Streaming<pb::WatchResponse>, tonic::Status> {
    let request = pb::WatchRequest { after: None, all_tickets: true, ticket_numbers: vec![], ..Default::default() };
    let mut stream = client.live.clone().watch(request).await?.into_inner();
    // The stream's first message (or its refusal) arrives once it is set up.
    match stream.message().await {
        Ok(Some(_)) => Ok(stream),
        Ok(None) => panic!("the stream ended at once"),
        Err(status) => Err(status),
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn live_streams_are_capped_per_session_and_a_closed_one_frees_its_place() {
    let app = TestApp::spawn_with(&[("STEWARD_STREAMS_PER_SESSION", "2")]).await;
    app.person("steward@example.org", "Sam Steward", Some(steward_domain::StaffRole::Steward)).await;
    let sam = app.sign_in("steward@example.org").await;
    let first = open_watch(&sam).await.expect("1st");
    let _second = open_watch(&sam).await.expect("2nd");
    let refused = open_watch(&sam).await.expect_err("3rd");
    assert_exhausted(&refused, "Close a tab", true);
    // Another session of the same person has its own allowance.
    let sam_elsewhere = app.sign_in("steward@example.org").await;
    open_watch(&sam_elsewhere).await.expect("another session");

    drop(first);
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        match open_watch(&sam).await {
            Ok(_) => break,
            Err(status) if Instant::now() < deadline => {
                assert_eq!(status.code(), Code::ResourceExhausted);
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
            Err(status) => panic!("the closed stream's place was not freed: {status:?}"),
        }
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn sign_ins_and_searches_are_rate_limited_per_address_with_when_to_retry() {
    let app = TestApp::spawn_with(&[("STEWARD_SIGN_INS_PER_MINUTE", "3"), ("STEWARD_SEARCHES_PER_MINUTE", "2")]).await;
    app.person("rep@example.org", "Rita Rep", None).await;
    for _ in 0..3 {
        app.sign_in("rep@example.org").await;
    }
    let mut fourth = app.anonymous().await;
    let refused = fourth.sign_in("rep@example.org", PASSWORD).await.expect_err("4th in a minute");
    assert_exhausted(&refused, "Too many sign-in attempts", true);

    let known = app.anonymous().await.known_issues;
    let suggest = || pb::SuggestSimilarRequest { title: "hub is slow".into(), description: String::new() };
    known.clone().suggest_similar(suggest()).await.expect("1st");
    known.clone().list_known_issues(pb::ListKnownIssuesRequest { text: "slow".into() }).await.expect("2nd");
    let refused = known.clone().suggest_similar(suggest()).await.expect_err("3rd");
    assert_exhausted(&refused, "Too many searches", true);
    // The plain list (no search) is not limited.
    known.clone().list_known_issues(pb::ListKnownIssuesRequest { text: String::new() }).await.expect("the list");
}

#[tokio::test(flavor = "multi_thread")]
async fn signing_in_ends_the_session_the_browser_still_presented() {
    let app = TestApp::spawn().await;
    app.person("rep@example.org", "Rita Rep", None).await;
    let mut client = app.sign_in("rep@example.org").await;
    let before = client.cookie().expect("a session");
    client.sign_in("rep@example.org", PASSWORD).await.expect("signs in again, presenting the old cookie");
    assert_ne!(client.cookie().expect("a session"), before, "a new token");
    client.auth.get_current_user(pb::GetCurrentUserRequest {}).await.expect("the new session works");
    let old = Client::connect(&app.url(), Some(before)).await;
    let refused = old.auth.clone().get_current_user(pb::GetCurrentUserRequest {}).await.expect_err("the old one");
    assert_eq!(refused.code(), Code::Unauthenticated);
}
