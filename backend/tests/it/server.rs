//! What a grpcurl-style tool sees: health and reflection over native gRPC (HTTP/2).

use tonic::transport::Channel;
use tonic_health::pb::HealthCheckRequest;
use tonic_health::pb::health_check_response::ServingStatus;
use tonic_health::pb::health_client::HealthClient;
use tonic_reflection::pb::v1::ServerReflectionRequest;
use tonic_reflection::pb::v1::server_reflection_client::ServerReflectionClient;
use tonic_reflection::pb::v1::server_reflection_request::MessageRequest;
use tonic_reflection::pb::v1::server_reflection_response::MessageResponse;

use crate::util::TestApp;

#[tokio::test(flavor = "multi_thread")]
async fn health_reports_serving_for_the_server_and_every_service() {
    let app = TestApp::spawn().await;
    let channel = Channel::from_shared(app.url()).expect("url").connect().await.expect("connect");
    let mut health = HealthClient::new(channel);
    for service in [
        "",
        "steward.v1.AuthService",
        "steward.v1.DirectoryService",
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
