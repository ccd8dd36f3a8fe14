//! Webhooks as an admin and the receiving system notice them: an endpoint is registered for
//! some events, receives exactly those as signed JSON (never an internal note), a failed
//! delivery is tried again and the log shows every answer, and "send a test" pings it.

use axum::http::HeaderMap;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use steward_proto::v1 as pb;
use tonic::Code;
use tonic_types::StatusExt;

use crate::util::TestApp;
use crate::util::receiver::Receiver;

fn header<'a>(headers: &'a HeaderMap, name: &str) -> &'a str {
    headers.get(name).and_then(|v| v.to_str().ok()).unwrap_or_default()
}

/// What a receiver checks: the signature over "{timestamp}.{body}" with the secret.
fn verified(secret: &str, headers: &HeaderMap, body: &str) -> bool {
    let content = format!("{}.{body}", header(headers, "x-steward-timestamp"));
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("key");
    mac.update(content.as_bytes());
    let expected: String = mac.finalize().into_bytes().iter().map(|b| format!("{b:02x}")).collect();
    header(headers, "x-steward-signature") == format!("sha256={expected}")
}

#[tokio::test(flavor = "multi_thread")]
async fn an_endpoint_receives_the_events_it_asked_for_signed_retried_and_logged() {
    let app = TestApp::spawn().await;
    let aurora = app.community("aurora", "Aurora Hub").await;
    let rita = app.person("rita@aurora.example", "Rita Rep", None).await;
    app.membership(rita, aurora, steward_domain::MembershipRole::Representative).await;
    app.person("ada@steward.example", "Ada Admin", Some(steward_domain::StaffRole::Admin)).await;
    app.person("sam@steward.example", "Sam Steward", Some(steward_domain::StaffRole::Steward)).await;
    let admin = app.sign_in("ada@steward.example").await;
    let mut hooks = admin.webhooks.clone();
    let (receiver, url) = Receiver::start().await;

    // Every bad field at once.
    let bad = pb::CreateWebhookRequest {
        url: "http://hooks.example.org/x".into(),
        events: vec!["ticket.exploded".into()],
        ..Default::default()
    };
    let refused = hooks.create_webhook(bad).await.expect_err("refused");
    assert_eq!(refused.code(), Code::InvalidArgument);
    let fields: Vec<String> =
        refused.get_details_bad_request().expect("fields").field_violations.into_iter().map(|v| v.field).collect();
    assert_eq!(fields, ["url", "events"]);
    let steward = app.sign_in("sam@steward.example").await;
    let denied = steward.webhooks.clone().list_webhooks(pb::ListWebhooksRequest {}).await.expect_err("admins only");
    assert_eq!(denied.code(), Code::PermissionDenied);

    let create = pb::CreateWebhookRequest {
        url: url.clone(),
        events: vec!["ticket.filed".into(), "ticket.replied".into()],
        ..Default::default()
    };
    let created = hooks.create_webhook(create).await.expect("created").into_inner();
    let (id, secret) = (created.webhook.expect("webhook").id, created.secret);
    assert!(secret.len() >= 40, "a long random secret, shown once");

    // The receiver answers 500 to the first delivery: it is tried again a minute later.
    receiver.answers.lock().expect("answers").push_back(500);
    let rita_client = app.sign_in("rita@aurora.example").await;
    let filed = rita_client
        .tickets
        .clone()
        .create_ticket(pb::CreateTicketRequest {
            community_id: aurora,
            request_type: pb::RequestType::Other as i32,
            priority: pb::Priority::Normal as i32,
            title: "Secret project".into(),
            description: "Details.".into(),
            confidential: true,
            answers: Default::default(),
            attachment_ids: Vec::new(),
        })
        .await
        .expect("filed")
        .into_inner()
        .ticket
        .expect("ticket");
    let first = receiver.wait_for(1).await;
    assert_eq!(header(&first[0].0, "x-steward-event"), "ticket.filed");
    app.clock.advance(chrono::Duration::minutes(2));
    let again = receiver.wait_for(2).await;
    let (headers, body) = &again[1];
    assert_eq!(
        header(headers, "x-steward-delivery"),
        header(&again[0].0, "x-steward-delivery"),
        "the same delivery id"
    );
    assert!(verified(&secret, headers, body), "the receiver verifies the signature");
    assert!(!verified("another secret", headers, body));
    let json: serde_json::Value = serde_json::from_str(body).expect("JSON");
    assert_eq!(json["event"], "ticket.filed");
    assert_eq!(json["ticket"]["number"], filed.number);
    assert!(json["ticket"].get("title").is_none(), "a confidential ticket's title is not sent: {json}");

    // A note is no event; a public reply is; a move was not asked for.
    let sam = steward.tickets.clone();
    let note = pb::AddCommentRequest {
        number: filed.number,
        body: "internal only".into(),
        visibility: pb::CommentVisibility::InternalNote as i32,
        attachment_ids: Vec::new(),
    };
    sam.clone().add_comment(note).await.expect("note");
    let reply = pb::AddCommentRequest {
        number: filed.number,
        body: "On it.".into(),
        visibility: pb::CommentVisibility::PublicReply as i32,
        attachment_ids: Vec::new(),
    };
    sam.clone().add_comment(reply).await.expect("reply");
    let all = receiver.wait_for(3).await;
    assert_eq!(header(&all[2].0, "x-steward-event"), "ticket.replied");
    assert!(all.iter().all(|(_, body)| !body.contains("internal only")));

    let test = hooks.send_test_webhook(pb::SendTestWebhookRequest { id }).await.expect("test").into_inner();
    let pinged = receiver.wait_for(4).await;
    assert_eq!(header(&pinged[3].0, "x-steward-event"), "ping");
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert_eq!(receiver.received.lock().expect("received").len(), 4, "nothing else was sent");

    let listed = hooks.list_webhooks(pb::ListWebhooksRequest {}).await.expect("list").into_inner();
    let log = &listed.webhooks[0].deliveries;
    let statuses: Vec<(String, i32, Option<i32>, bool)> =
        log.iter().map(|d| (d.event.clone(), d.attempts, d.last_status, d.delivered_at.is_some())).collect();
    assert_eq!(
        statuses,
        [
            ("ping".to_owned(), 1, Some(200), true),
            ("ticket.replied".to_owned(), 1, Some(200), true),
            ("ticket.filed".to_owned(), 2, Some(200), true),
        ],
        "newest first, each with its last answer"
    );
    assert_eq!(log[0].id, test.delivery.expect("delivery").id);
    hooks.delete_webhook(pb::DeleteWebhookRequest { id }).await.expect("deleted");
    assert!(hooks.list_webhooks(pb::ListWebhooksRequest {}).await.expect("list").into_inner().webhooks.is_empty());
}
