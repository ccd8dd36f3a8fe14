//! What a grpcurl-style tool sees: health and reflection over native gRPC (HTTP/2); and what a
//! browser is sent: compression, caching by name, the security headers.

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
