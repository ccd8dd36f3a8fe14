//! The browser's clients (`steward_proto::v1::browser`, generated from the same protos as
//! tonic's) against a real server: each reaches the RPC its proto names, answers and refusals
//! (with their field violations) read back whole, and a stream delivers as it does to tonic's.
//! (In Chromium they run over gRPC-web; the browser tests drive that path.)

use std::time::Duration;

use steward_domain::{MembershipRole, StaffRole};
use steward_proto::v1 as pb;
use steward_proto::v1::browser::{AuthServiceClient, LiveServiceClient, TicketServiceClient};
use tonic::Code;
use tonic::service::interceptor::InterceptedService;
use tonic::transport::Channel;
use tonic_types::StatusExt;

use crate::util::TestApp;

#[tokio::test(flavor = "multi_thread")]
async fn the_browsers_clients_reach_the_rpcs_their_protos_name() {
    let app = TestApp::spawn().await;
    let aurora = app.community("aurora", "Aurora Hub").await;
    let rita_id = app.person("rita@aurora.example", "Rita Rep", None).await;
    app.membership(rita_id, aurora, MembershipRole::Representative).await;
    app.person("sam@example.org", "Sam Steward", Some(StaffRole::Steward)).await;
    let channel = Channel::from_shared(app.url()).expect("url").connect().await.expect("connect");
    let as_rita = InterceptedService::new(channel.clone(), app.sign_in("rita@aurora.example").await.jar.clone());
    let as_sam = InterceptedService::new(channel, app.sign_in("sam@example.org").await.jar.clone());

    let me = AuthServiceClient::new(as_rita.clone()).get_current_user(pb::GetCurrentUserRequest {}).await;
    assert_eq!(me.expect("current user").into_inner().person.expect("person").display_name, "Rita Rep");

    // Sam watches everything; Rita's new request arrives on his stream.
    let watch = pb::WatchRequest { after: None, all_tickets: true, ticket_numbers: vec![], ..Default::default() };
    let mut stream = LiveServiceClient::new(as_sam).watch(watch).await.expect("watch").into_inner();
    let first = stream.message().await.expect("first message").expect("not ended");
    assert!(matches!(first.message, Some(pb::watch_response::Message::Live(_))), "{first:?}");

    let mut tickets = TicketServiceClient::new(as_rita);
    let empty = pb::CreateTicketRequest {
        community_id: aurora,
        request_type: pb::RequestType::Other as i32,
        priority: pb::Priority::Normal as i32,
        ..Default::default()
    };
    let refused = tickets.create_ticket(empty.clone()).await.expect_err("an empty request");
    assert_eq!(refused.code(), Code::InvalidArgument);
    let fields: Vec<String> = refused
        .get_details_bad_request()
        .map(|bad| bad.field_violations.into_iter().map(|v| v.field).collect())
        .unwrap_or_default();
    assert_eq!(fields, ["title", "description"]);

    let filed = pb::CreateTicketRequest { title: "Printer".into(), description: "It jams.".into(), ..empty };
    let ticket = tickets.create_ticket(filed).await.expect("filed").into_inner().ticket.expect("ticket");
    let arrived = tokio::time::timeout(Duration::from_secs(10), async {
        loop {
            let message = stream.message().await.expect("stream").expect("not ended");
            if let Some(pb::watch_response::Message::TicketChange(change)) = message.message {
                return change;
            }
        }
    })
    .await
    .expect("the change arrives");
    assert_eq!(arrived.number, ticket.number);
    let read = tickets.get_ticket(pb::GetTicketRequest { number: ticket.number }).await.expect("read").into_inner();
    assert_eq!(read.ticket.expect("ticket").title, "Printer");
}
