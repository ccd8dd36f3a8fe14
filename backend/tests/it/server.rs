//! What a grpcurl-style tool sees: health and reflection over native gRPC (HTTP/2), small calls
//! answered without waiting, answers compressed when the client accepts it; and what a browser
//! is sent: compression, caching by name, the security headers.

use std::time::{Duration, Instant};

use steward_domain::StaffRole;
use steward_proto::v1 as pb;
use tonic::codec::CompressionEncoding;
use tonic::transport::Channel;
use tonic_health::pb::HealthCheckRequest;
use tonic_health::pb::health_check_response::ServingStatus;
use tonic_health::pb::health_client::HealthClient;
use tonic_reflection::pb::v1::ServerReflectionRequest;
use tonic_reflection::pb::v1::server_reflection_client::ServerReflectionClient;
use tonic_reflection::pb::v1::server_reflection_request::MessageRequest;
use tonic_reflection::pb::v1::server_reflection_response::MessageResponse;

use crate::util::{TestApp, raw_http};

#[tokio::test(flavor = "multi_thread")]
async fn health_reports_serving_for_the_server_and_every_service() {
    let app = TestApp::spawn().await;
    let channel = Channel::from_shared(app.url()).expect("url").connect().await.expect("connect");
    let mut health = HealthClient::new(channel);
    for service in [
        "",
        "steward.v1.AuthService",
        "steward.v1.DirectoryService",
        "steward.v1.IncidentService",
        "steward.v1.IntakeService",
        "steward.v1.TicketService",
    ] {
        let status = health
            .check(HealthCheckRequest { service: service.into() })
            .await
            .unwrap_or_else(|e| panic!("health of {service:?}: {e}"))
            .into_inner()
            .status;
        assert_eq!(status, ServingStatus::Serving as i32, "{service:?}");
    }
    let unknown = health.check(HealthCheckRequest { service: "steward.v1.Nothing".into() }).await.unwrap_err();
    assert_eq!(unknown.code(), tonic::Code::NotFound);
}

#[tokio::test(flavor = "multi_thread")]
async fn reflection_lists_every_service_and_describes_them() {
    let app = TestApp::spawn().await;
    let channel = Channel::from_shared(app.url()).expect("url").connect().await.expect("connect");
    let mut reflection = ServerReflectionClient::new(channel);
    let requests = [
        ServerReflectionRequest {
            host: String::new(),
            message_request: Some(MessageRequest::ListServices(String::new())),
        },
        ServerReflectionRequest {
            host: String::new(),
            message_request: Some(MessageRequest::FileContainingSymbol("steward.v1.TicketService".into())),
        },
    ];
    let mut responses =
        reflection.server_reflection_info(tokio_stream::iter(requests)).await.expect("reflection stream").into_inner();

    let listed = responses.message().await.expect("first answer").expect("an answer");
    let Some(MessageResponse::ListServicesResponse(list)) = listed.message_response else {
        panic!("expected a service list, got {listed:?}");
    };
    let mut names: Vec<String> = list.service.into_iter().map(|s| s.name).collect();
    names.sort();
    for expected in [
        "grpc.health.v1.Health",
        "steward.v1.AuthService",
        "steward.v1.DirectoryService",
        "steward.v1.IncidentService",
        "steward.v1.IntakeService",
        "steward.v1.TicketService",
    ] {
        assert!(names.iter().any(|n| n == expected), "{expected} missing from {names:?}");
    }

    let described = responses.message().await.expect("second answer").expect("an answer");
    let Some(MessageResponse::FileDescriptorResponse(files)) = described.message_response else {
        panic!("expected descriptors, got {described:?}");
    };
    assert!(!files.file_descriptor_proto.is_empty());
}

#[tokio::test(flavor = "multi_thread")]
async fn every_service_reflection_lists_is_reported_serving_by_health() {
    let app = TestApp::spawn().await;
    let channel = Channel::from_shared(app.url()).expect("url").connect().await.expect("connect");
    let mut reflection = ServerReflectionClient::new(channel.clone());
    let request = ServerReflectionRequest {
        host: String::new(),
        message_request: Some(MessageRequest::ListServices(String::new())),
    };
    let mut responses =
        reflection.server_reflection_info(tokio_stream::iter([request])).await.expect("reflection").into_inner();
    let listed = responses.message().await.expect("answer").expect("an answer");
    let Some(MessageResponse::ListServicesResponse(list)) = listed.message_response else {
        panic!("expected a service list, got {listed:?}");
    };
    let steward: Vec<String> =
        list.service.into_iter().map(|s| s.name).filter(|name| name.starts_with("steward.")).collect();
    assert!(steward.len() >= 8, "reflection lists {steward:?}");
    let mut health = HealthClient::new(channel);
    for service in steward {
        let status = health
            .check(HealthCheckRequest { service: service.clone() })
            .await
            .unwrap_or_else(|e| panic!("health of {service}: {e}"))
            .into_inner()
            .status;
        assert_eq!(status, ServingStatus::Serving as i32, "{service}");
    }
}

/// The value of `name` in a raw HTTP response's head, lower-cased names.
fn header<'a>(response: &'a str, name: &str) -> Option<&'a str> {
    let head = response.split("\r\n\r\n").next()?;
    head.lines().find_map(|line| {
        let (key, value) = line.split_once(':')?;
        key.eq_ignore_ascii_case(name).then(|| value.trim())
    })
}

fn get(app: &TestApp, path: &str, encodings: &str) -> String {
    format!("GET {path} HTTP/1.1\r\nHost: {}\r\nAccept-Encoding: {encodings}\r\nConnection: close\r\n\r\n", app.addr)
}

#[tokio::test(flavor = "multi_thread")]
async fn the_web_app_is_sent_compressed_cached_by_name_and_with_its_security_headers() {
    let app = TestApp::spawn().await;
    // The bundle's hashed files: compressed as offered, cached for good.
    let (code, script) = raw_http(&app, get(&app, "/app-0123456789abcdef.js", "br, gzip")).await;
    assert_eq!(code, 200, "{script}");
    assert_eq!(header(&script, "content-encoding"), Some("br"));
    assert_eq!(header(&script, "cache-control"), Some("public, max-age=31536000, immutable"));
    let (_, gzipped) = raw_http(&app, get(&app, "/app-0123456789abcdef.js", "gzip")).await;
    assert_eq!(header(&gzipped, "content-encoding"), Some("gzip"));
    // The page (and every app route it stands in for) is checked each time.
    for path in ["/", "/tickets/42"] {
        let (code, page) = raw_http(&app, get(&app, path, "identity")).await;
        assert_eq!(code, 200, "{path}: {page}");
        assert_eq!(header(&page, "cache-control"), Some("no-cache"), "{path}");
    }

    // Every response carries the same protections, a refused API call included.
    let (_, page) = raw_http(&app, get(&app, "/", "identity")).await;
    let policy = header(&page, "content-security-policy").expect("a policy").to_owned();
    assert!(policy.contains("frame-ancestors 'none'") && policy.contains("'wasm-unsafe-eval'"), "{policy}");
    assert!(!policy.contains("unsafe-inline"), "{policy}");
    assert!(policy.contains("'sha256-"), "the page's own loader is allowed by its hash: {policy}");
    let refused = format!(
        "POST /steward.v1.AuthService/GetCurrentUser HTTP/1.1\r\nHost: {}\r\nContent-Type: application/grpc-web+proto\r\nContent-Length: 5\r\nConnection: close\r\n\r\n\0\0\0\0\0",
        app.addr
    );
    let (_, api_error) = raw_http(&app, refused).await;
    assert!(api_error.contains("grpc-status"), "{api_error}");
    for response in [&page, &script, &api_error] {
        assert_eq!(header(response, "content-security-policy"), Some(policy.as_str()));
        assert_eq!(header(response, "x-content-type-options"), Some("nosniff"));
        assert_eq!(header(response, "referrer-policy"), Some("same-origin"));
        assert_eq!(header(response, "strict-transport-security"), None, "no HSTS without https");
    }
}

/// The session cookie of `client` ("name=value").
fn cookie_of(client: &crate::util::Client) -> String {
    client.jar.0.lock().expect("jar").clone().expect("signed in")
}

#[tokio::test(flavor = "multi_thread")]
async fn a_small_call_is_answered_in_milliseconds_not_after_a_delayed_ack() {
    // Without TCP_NODELAY on the server's end, the last frames of an answer wait for the
    // client's delayed acknowledgement: every list call took 40 ms or more, however little it did.
    let app = TestApp::spawn().await;
    let aurora = app.community("aurora", "Aurora Hub").await;
    let rita = app.person("rita@aurora.example", "Rita Rep", None).await;
    app.membership(rita, aurora, steward_domain::MembershipRole::Representative).await;
    app.person("sam@steward.example", "Sam Steward", Some(StaffRole::Steward)).await;
    let rita = app.sign_in("rita@aurora.example").await;
    for n in 0..7 {
        let request = crate::util::plain_request(aurora, &format!("Card {n}"));
        rita.tickets.clone().create_ticket(request).await.expect("filed");
    }
    let mut tickets = app.sign_in("sam@steward.example").await.tickets;
    let mut took = Vec::new();
    for round in 0..24 {
        let started = Instant::now();
        let listed = tickets.list_tickets(pb::ListTicketsRequest::default()).await.expect("the list");
        assert_eq!(listed.into_inner().tickets.len(), 7);
        if round >= 3 {
            took.push(started.elapsed());
        }
    }
    took.sort();
    // The fastest call says whether the floor is there; the median allows for a busy machine.
    assert!(took[0] < Duration::from_millis(10), "fastest {:?}, median {:?}", took[0], took[10]);
}

#[tokio::test(flavor = "multi_thread")]
async fn answers_are_compressed_for_clients_that_accept_it_but_never_the_live_stream() {
    let app = TestApp::spawn().await;
    app.person("sam@steward.example", "Sam Steward", Some(StaffRole::Steward)).await;
    let sam = app.sign_in("sam@steward.example").await;

    // Native gRPC: compressed within gRPC when the client says it reads gzip, else not.
    let mut accepting = sam.auth.clone().accept_compressed(CompressionEncoding::Gzip);
    let answer = accepting.get_current_user(pb::GetCurrentUserRequest {}).await.expect("who am I");
    assert_eq!(answer.metadata().get("grpc-encoding").and_then(|v| v.to_str().ok()), Some("gzip"));
    assert_eq!(answer.into_inner().person.map(|p| p.display_name), Some("Sam Steward".to_owned()));
    let plain = sam.auth.clone().get_current_user(pb::GetCurrentUserRequest {}).await.expect("who am I");
    assert!(plain.metadata().get("grpc-encoding").is_none(), "not compressed for a client that cannot read it");

    // gRPC-web, as the browser calls: compressed over HTTP as its Accept-Encoding offers.
    let call = |path: &str| {
        format!(
            "POST {path} HTTP/1.1\r\nHost: {}\r\nContent-Type: application/grpc-web+proto\r\nAccept-Encoding: gzip\r\nCookie: {}\r\nContent-Length: 5\r\nConnection: close\r\n\r\n\0\0\0\0\0",
            app.addr,
            cookie_of(&sam)
        )
    };
    let (code, answer) = raw_http(&app, call("/steward.v1.AuthService/GetCurrentUser")).await;
    assert_eq!(code, 200, "{answer}");
    assert_eq!(header(&answer, "content-encoding"), Some("gzip"), "{answer}");
    // The live stream's messages must arrive as they are sent: never held in a compressor.
    let (code, stream) = raw_http(&app, call("/steward.v1.LiveService/Watch")).await;
    assert_eq!(code, 200, "{stream}");
    assert_eq!(header(&stream, "content-encoding"), None, "{stream}");
}
