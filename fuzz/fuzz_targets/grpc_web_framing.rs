//! The gRPC-web framing path as Steward serves it: the tonic-web layer in front of a tonic
//! service (the health service: the same codec and framing as Steward's own), fed any body, as
//! binary or base64 text. Nothing may panic; every answer is an HTTP response.
#![no_main]

use std::sync::LazyLock;

use http_body_util::BodyExt;
use libfuzzer_sys::fuzz_target;
use tower::{Layer, ServiceExt};

static RUNTIME: LazyLock<tokio::runtime::Runtime> =
    LazyLock::new(|| tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime"));

fuzz_target!(|data: &[u8]| {
    let Some((&kind, body)) = data.split_first() else { return };
    let content_type = match kind % 3 {
        0 => "application/grpc-web",
        1 => "application/grpc-web+proto",
        _ => "application/grpc-web-text",
    };
    let path = if kind & 0x80 == 0 { "/grpc.health.v1.Health/Check" } else { "/grpc.health.v1.Health/Watch" };
    RUNTIME.block_on(async {
        let (_, health) = tonic_health::server::health_reporter();
        let routes = tonic::service::Routes::new(health).prepare();
        let service = tonic_web::GrpcWebLayer::new().layer(routes);
        let request = http::Request::post(path)
            .header("content-type", content_type)
            .header("x-grpc-web", "1")
            .body(tonic::body::Body::new(http_body_util::Full::new(bytes(body))))
            .expect("request");
        let Ok(response) = service.oneshot(request).await;
        // Read the answer to its end (a Watch stream is cut short: it would not end).
        let mut body = response.into_body();
        for _ in 0..4 {
            match tokio::time::timeout(std::time::Duration::from_millis(5), body.frame()).await {
                Ok(Some(Ok(_))) => {}
                _ => break,
            }
        }
    });
});

fn bytes(data: &[u8]) -> tonic::codegen::Bytes {
    tonic::codegen::Bytes::copy_from_slice(data)
}
