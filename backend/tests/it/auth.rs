//! Sign-in, sessions, sign-in limits, and the browser guard.

use std::time::Duration;

use steward_proto::v1 as pb;
use tonic::Code;

use crate::util::test_app::PASSWORD;
use crate::util::{Client, TestApp, raw_http};

async fn app_with_person() -> TestApp {
    let app = TestApp::spawn().await;
    app.person("rita@aurora.example", "Rita", None).await;
    app
}

#[tokio::test(flavor = "multi_thread")]
async fn signing_in_sets_a_strict_http_only_cookie_that_identifies_the_person() {
    let app = app_with_person().await;
    let mut client = app.anonymous().await;
    let response = client
        .auth
        .sign_in(pb::SignInRequest { email: " Rita@Aurora.example ".into(), password: PASSWORD.into() })
        .await
        .expect("sign in");
    let cookie = response.metadata().get("set-cookie").expect("cookie").to_str().expect("ascii").to_owned();
    assert!(cookie.starts_with("steward_session="), "{cookie}");
    assert!(cookie.contains("HttpOnly"), "{cookie}");
    assert!(cookie.contains("SameSite=Strict"), "{cookie}");
    assert!(!cookie.contains("Secure"), "plain http has no Secure cookie: {cookie}");

    let signed_in = app.sign_in("rita@aurora.example").await;
    let me = signed_in.clone_auth().get_current_user(pb::GetCurrentUserRequest {}).await.expect("me").into_inner();
    assert_eq!(me.person.expect("person").email, "rita@aurora.example");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_wrong_password_and_an_unknown_email_get_the_same_answer() {
    let app = app_with_person().await;
    let mut client = app.anonymous().await;
    let wrong = client.sign_in("rita@aurora.example", "not-the-password").await.unwrap_err();
    let unknown = client.sign_in("nobody@aurora.example", "not-the-password").await.unwrap_err();
    assert_eq!(wrong.code(), Code::Unauthenticated);
    assert_eq!(unknown.code(), Code::Unauthenticated);
    assert_eq!(wrong.message(), unknown.message());
    let empty = client.sign_in("", "x").await.unwrap_err();
    assert_eq!(empty.code(), Code::InvalidArgument);
    assert!(empty.message().starts_with("email:"), "{}", empty.message());
}

#[tokio::test(flavor = "multi_thread")]
async fn anonymous_callers_are_asked_to_sign_in() {
    let app = app_with_person().await;
    let mut client = app.anonymous().await;
    let status = client.auth.get_current_user(pb::GetCurrentUserRequest {}).await.unwrap_err();
    assert_eq!(status.code(), Code::Unauthenticated);
    let forged = Client::connect(&app.url(), Some("steward_session=forged-token".into())).await;
    let status = forged.clone_auth().get_current_user(pb::GetCurrentUserRequest {}).await.unwrap_err();
    assert_eq!(status.code(), Code::Unauthenticated);
}

#[tokio::test(flavor = "multi_thread")]
async fn five_failures_lock_the_account_even_for_the_right_password() {
    let app = app_with_person().await;
    app.person("bea@borealis.example", "Bea", None).await;
    let mut client = app.anonymous().await;
    for _ in 0..5 {
        let status = client.sign_in("rita@aurora.example", "wrong-password").await.unwrap_err();
        assert_eq!(status.code(), Code::Unauthenticated);
    }
    let locked = client.sign_in("rita@aurora.example", PASSWORD).await.unwrap_err();
    assert_eq!(locked.code(), Code::ResourceExhausted);
    assert!(locked.message().contains("Wait 15 minutes"), "{}", locked.message());
    client.sign_in("bea@borealis.example", PASSWORD).await.expect("another account is not locked");
}

#[tokio::test(flavor = "multi_thread")]
async fn twenty_failures_from_one_address_block_that_address() {
    let app = app_with_person().await;
    let mut client = app.anonymous().await;
    for n in 0..20 {
        let status = client.sign_in(&format!("guess{n}@aurora.example"), "wrong-password").await.unwrap_err();
        assert_eq!(status.code(), Code::Unauthenticated, "attempt {n}");
    }
    let blocked = client.sign_in("rita@aurora.example", PASSWORD).await.unwrap_err();
    assert_eq!(blocked.code(), Code::ResourceExhausted);
    assert!(blocked.message().contains("your network"), "{}", blocked.message());
}

#[tokio::test(flavor = "multi_thread")]
async fn signing_out_ends_the_session_for_good() {
    let app = app_with_person().await;
    let client = app.sign_in("rita@aurora.example").await;
    let cookie = client.cookie();
    let response = client.clone_auth().sign_out(pb::SignOutRequest {}).await.expect("sign out");
    let cleared = response.metadata().get("set-cookie").expect("cookie").to_str().expect("ascii");
    assert!(cleared.contains("Max-Age=0"), "{cleared}");
    let replay = Client::connect(&app.url(), cookie).await;
    let status = replay.clone_auth().get_current_user(pb::GetCurrentUserRequest {}).await.unwrap_err();
    assert_eq!(status.code(), Code::Unauthenticated);
}

#[tokio::test(flavor = "multi_thread")]
async fn an_expired_session_is_refused() {
    let app = app_with_person().await;
    let client = app.sign_in("rita@aurora.example").await;
    let mut conn = app.state.core.pool.get().await.expect("conn");
    diesel_async::RunQueryDsl::execute(
        diesel::sql_query("UPDATE sessions SET expires_at = now() - interval '1 second'"),
        &mut conn,
    )
    .await
    .expect("expire");
    let status = client.clone_auth().get_current_user(pb::GetCurrentUserRequest {}).await.unwrap_err();
    assert_eq!(status.code(), Code::Unauthenticated);
}

/// A gRPC-web GetCurrentUser call (empty message) with the given extra headers.
fn grpc_web_call(app: &TestApp, content_type: &str, extra_headers: &str) -> String {
    format!(
        "POST /steward.v1.AuthService/GetCurrentUser HTTP/1.1\r\nHost: {}\r\nContent-Type: {content_type}\r\nContent-Length: 5\r\n{extra_headers}Connection: close\r\n\r\n\0\0\0\0\0",
        app.addr
    )
}

#[tokio::test(flavor = "multi_thread")]
async fn cross_origin_and_non_grpc_requests_never_run_with_the_session() {
    let app = app_with_person().await;
    let client = app.sign_in("rita@aurora.example").await;
    let cookie = client.cookie().expect("cookie");

    let same_origin = format!("Origin: http://{}\r\nCookie: {cookie}\r\n", app.addr);
    let (code, text) = raw_http(&app, grpc_web_call(&app, "application/grpc-web+proto", &same_origin)).await;
    assert_eq!(code, 200, "{text}");
    assert!(text.contains("rita@aurora.example"), "a same-origin gRPC-web call runs: {text}");

    let evil = format!("Origin: http://evil.example\r\nCookie: {cookie}\r\n");
    let (code, text) = raw_http(&app, grpc_web_call(&app, "application/grpc-web+proto", &evil)).await;
    assert_eq!(code, 403, "{text}");
    assert!(!text.contains("rita@aurora.example"));

    let cross_site = format!("Origin: http://{}\r\nSec-Fetch-Site: cross-site\r\nCookie: {cookie}\r\n", app.addr);
    let (code, _) = raw_http(&app, grpc_web_call(&app, "application/grpc-web+proto", &cross_site)).await;
    assert_eq!(code, 403);

    for content_type in ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x"] {
        let (code, text) = raw_http(&app, grpc_web_call(&app, content_type, &same_origin)).await;
        assert_eq!(code, 415, "{content_type}: {text}");
        assert!(!text.contains("rita@aurora.example"));
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn deep_links_load_the_app() {
    let app = app_with_person().await;
    for path in ["/", "/tickets/42", "/signin?next=%2Ftickets"] {
        let request = format!("GET {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n", app.addr);
        let (code, text) = raw_http(&app, request).await;
        assert_eq!(code, 200, "{path}: {text}");
        assert!(text.contains("Steward test page"), "{path}: {text}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn graceful_shutdown_stops_the_server() {
    let mut app = app_with_person().await;
    app.stop();
    let finished = tokio::time::timeout(Duration::from_secs(10), &mut app.server).await;
    assert!(matches!(finished, Ok(Ok(Ok(())))), "the server stops within 10 s: {finished:?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn concurrent_wrong_passwords_get_no_more_tries_than_the_limit_and_the_window_moves_on() {
    let app = app_with_person().await;
    let mut attempts = tokio::task::JoinSet::new();
    for _ in 0..12 {
        let mut client = app.anonymous().await;
        attempts
            .spawn(async move { client.sign_in("rita@aurora.example", "wrong-password").await.unwrap_err().code() });
    }
    let mut codes = Vec::new();
    while let Some(code) = attempts.join_next().await {
        codes.push(code.expect("attempt"));
    }
    let checked = codes.iter().filter(|c| **c == Code::Unauthenticated).count();
    let refused = codes.iter().filter(|c| **c == Code::ResourceExhausted).count();
    assert_eq!((checked, refused), (5, 7), "only five attempts may check a password: {codes:?}");

    let mut client = app.anonymous().await;
    let locked = client.sign_in("rita@aurora.example", PASSWORD).await.unwrap_err();
    assert_eq!(locked.code(), Code::ResourceExhausted);
    app.clock.advance(chrono::Duration::minutes(16));
    client.sign_in("rita@aurora.example", PASSWORD).await.expect("the window has moved on");
}
