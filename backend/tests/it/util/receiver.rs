//! A real HTTP endpoint for webhooks and paging integrations: it keeps every request it
//! receives and answers with the status it is told to (200 when none is left).

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::http::{HeaderMap, StatusCode};

/// A real HTTP endpoint on a free port: it keeps what it receives and answers with the next
/// status it was given (200 when none is left).
#[derive(Clone, Default)]
pub struct Receiver {
    pub received: Arc<Mutex<Vec<(HeaderMap, String)>>>,
    pub answers: Arc<Mutex<VecDeque<u16>>>,
}

impl Receiver {
    pub async fn start() -> (Receiver, String) {
        let receiver = Receiver::default();
        let kept = receiver.clone();
        let app = axum::Router::new().route(
            "/hook",
            axum::routing::post(move |headers: HeaderMap, body: String| {
                let kept = kept.clone();
                async move {
                    kept.received.lock().expect("received").push((headers, body));
                    let status = kept.answers.lock().expect("answers").pop_front().unwrap_or(200);
                    StatusCode::from_u16(status).unwrap_or(StatusCode::OK)
                }
            }),
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let url = format!("http://{}/hook", listener.local_addr().expect("addr"));
        tokio::spawn(async move { axum::serve(listener, app).await });
        (receiver, url)
    }

    pub async fn wait_for(&self, count: usize) -> Vec<(HeaderMap, String)> {
        for _ in 0..200 {
            let received = self.received.lock().expect("received").clone();
            if received.len() >= count {
                return received;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("expected {count} deliveries, got {}", self.received.lock().expect("received").len());
    }

    /// What arrived so far.
    pub fn bodies(&self) -> Vec<serde_json::Value> {
        let received = self.received.lock().expect("received").clone();
        received.iter().map(|(_, body)| serde_json::from_str(body).expect("a JSON body")).collect()
    }
}
