//! Test support: databases, the running app, signed-in clients and fixtures.

pub mod imap;
pub mod receiver;
pub mod smtp;
pub mod test_app;
pub mod test_db;
pub mod world;

pub use test_app::{Client, TestApp};

use std::time::Duration;

use steward_proto::v1 as pb;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// The sentence a client writes for an event ("moved it from New to Open").
pub fn sentence(what: &Option<pb::TicketHappening>) -> String {
    steward_proto::domain::sentence(what.as_ref().expect("every event says what happened"))
}

/// The kind of an event, as the log names it ("transitioned").
pub fn kind(what: &Option<pb::TicketHappening>) -> &'static str {
    steward_proto::domain::kind(what.as_ref().expect("every event says what happened"))
}

/// A request of type Other at Normal priority for `community_id`, with nothing else to say.
pub fn plain_request(community_id: i64, title: &str) -> pb::CreateTicketRequest {
    pb::CreateTicketRequest {
        community_id,
        request_type: pb::RequestType::Other as i32,
        priority: pb::Priority::Normal as i32,
        title: title.into(),
        description: "Nothing more to say.".into(),
        ..Default::default()
    }
}

/// Sends one raw HTTP/1.1 request and returns the status code and the whole response text.
pub async fn raw_http(app: &TestApp, request: String) -> (u16, String) {
    let mut stream = tokio::net::TcpStream::connect(app.addr).await.expect("connect");
    stream.write_all(request.as_bytes()).await.expect("write");
    let mut response = Vec::new();
    let _ = tokio::time::timeout(Duration::from_secs(5), stream.read_to_end(&mut response)).await;
    let text = String::from_utf8_lossy(&response).into_owned();
    let code = text.split_whitespace().nth(1).and_then(|c| c.parse().ok()).unwrap_or(0);
    (code, text)
}
