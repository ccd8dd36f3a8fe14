//! Paging as the people on call and the systems that page them notice it (issue 13; seed 003):
//! a production-down ticket pages the person on call at once, by mail with a one-click link and
//! through PagerDuty's Events API and a signed webhook; nobody acknowledging, it escalates on the
//! controllable clock, then to the admins; the first acknowledgement stops it; resolving ends it.
//! Everything a page did is on the ticket, for the team only. Real SMTP and HTTP servers.

use std::time::Duration;

use chrono::Utc;
use steward_domain::{MembershipRole, StaffRole};
use steward_proto::v1 as pb;
use tonic::Code;
use tonic_types::StatusExt;

use crate::util::receiver::Receiver;
use crate::util::smtp::{Delivered, SmtpServer};
use crate::util::{Client, TestApp, sentence};

const ROUTING_KEY: &str = "R0123456789abcdefghijklmnopqrstu";

/// A team: Aurora with Rita (representative) and Milo (member), Ada (admin), Sam and Tess.
struct Team {
    app: TestApp,
    aurora: i64,
    sam: i64,
    tess: i64,
    rita: Client,
    admin: Client,
    steward: Client,
}

async fn team(smtp: &SmtpServer) -> Team {
    let app = TestApp::spawn_with(&[("STEWARD_SMTP_URL", &smtp.url())]).await;
    let aurora = app.community("aurora", "Aurora Hub").await;
    let rita = app.person("rita@aurora.example", "Rita Rep", None).await;
    app.membership(rita, aurora, MembershipRole::Representative).await;
    let milo = app.person("milo@aurora.example", "Milo Member", None).await;
    app.membership(milo, aurora, MembershipRole::Member).await;
    app.person("ada@steward.example", "Ada Admin", Some(StaffRole::Admin)).await;
    let sam = app.person("sam@steward.example", "Sam Steward", Some(StaffRole::Steward)).await;
    let tess = app.person("tess@steward.example", "Tess Steward", Some(StaffRole::Steward)).await;
    let rita = app.sign_in("rita@aurora.example").await;
    let admin = app.sign_in("ada@steward.example").await;
    let steward = app.sign_in("sam@steward.example").await;
    Team { app, aurora, sam, tess, rita, admin, steward }
}

async fn file(client: &Client, community_id: i64, title: &str, priority: pb::Priority) -> pb::Ticket {
    let answers = [("affected_service", "hub.aurora.example"), ("started_at", "this morning"), ("impact", "Everyone.")];
    client
        .tickets
        .clone()
        .create_ticket(pb::CreateTicketRequest {
            community_id,
            request_type: pb::RequestType::Incident as i32,
            priority: priority as i32,
            title: title.into(),
            description: "Nobody can log in.".into(),
            confidential: false,
            answers: answers.into_iter().map(|(k, v)| (k.to_owned(), v.to_owned())).collect(),
            attachment_ids: Vec::new(),
        })
        .await
        .expect("filed")
        .into_inner()
        .ticket
        .expect("ticket")
}

async fn pages_of_ticket(client: &Client, number: i64) -> Vec<pb::Page> {
    let request = pb::ListPagesRequest { about: Some(pb::list_pages_request::About::TicketNumber(number)) };
    client.paging.clone().list_pages(request).await.expect("pages").into_inner().pages
}

async fn history(client: &Client, number: i64) -> Vec<String> {
    let events = client
        .tickets
        .clone()
        .list_ticket_events(pb::ListTicketEventsRequest { number })
        .await
        .expect("history")
        .into_inner()
        .events;
    events
        .iter()
        .map(|e| {
            let who = e.actor.as_ref().map_or("Steward".to_owned(), |p| p.display_name.clone());
            format!("{who} {}", sentence(&e.what))
        })
        .collect()
}

/// The page mails that reached `address`.
fn pages_to(smtp: &SmtpServer, address: &str) -> Vec<Delivered> {
    smtp.delivered().into_iter().filter(|m| m.to == [address] && m.text().contains("Subject: [Steward page]")).collect()
}

async fn wait_for_pages_to(smtp: &SmtpServer, address: &str, count: usize) -> Vec<Delivered> {
    for _ in 0..200 {
        let found = pages_to(smtp, address);
        if found.len() >= count {
            return found;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("expected {count} page mail(s) to {address}, got {}", pages_to(smtp, address).len());
}

/// The one-click link's token in a page mail.
fn token_in(mail: &Delivered) -> String {
    let text = mail.text();
    let at = text.find("/pages/").expect("a page mail carries its link") + "/pages/".len();
    text[at..].chars().take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_')).collect()
}

/// Waits until `receiver` got a body whose `key` is `value`, and returns it.
async fn wait_for_body(receiver: &Receiver, pointer: &str, value: &str) -> serde_json::Value {
    for _ in 0..200 {
        if let Some(found) =
            receiver.bodies().into_iter().find(|b| b.pointer(pointer).and_then(|v| v.as_str()) == Some(value))
        {
            return found;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("no body with {pointer} = {value}: {:?}", receiver.bodies());
}

/// Lets the scheduler and the delivery loops run (they poll every 50 ms in the tests).
async fn settle() {
    tokio::time::sleep(Duration::from_millis(600)).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_production_down_ticket_pages_the_one_on_call_escalates_unacknowledged_and_stops_when_acknowledged() {
    let smtp = SmtpServer::start();
    let team = team(&smtp).await;
    let mut admin = team.admin.paging.clone();
    // An on-call rotation of its own: Sam this week, then Tess.
    let yesterday = (Utc::now() - chrono::Duration::days(1)).date_naive().to_string();
    let settings = pb::OnCallSettings {
        own_rotation: true,
        member_ids: vec![team.sam, team.tess],
        starts_on: yesterday,
        handoff: "09:00".into(),
        zone: "UTC".into(),
        shift_days: 7,
        escalate_after_minutes: 10,
    };
    admin.set_on_call(pb::SetOnCallRequest { settings: Some(settings) }).await.expect("on call set");
    let on_call = admin.get_on_call(pb::GetOnCallRequest {}).await.expect("on call").into_inner();
    let levels: Vec<Vec<String>> =
        on_call.levels.iter().map(|l| l.people.iter().map(|p| p.display_name.clone()).collect()).collect();
    assert_eq!(levels, [vec!["Sam Steward"], vec!["Tess Steward"], vec!["Ada Admin"]]);
    assert_eq!(on_call.shifts.first().and_then(|s| s.person.as_ref()).map(|p| p.id), Some(team.sam));

    // PagerDuty and a paging webhook (Steward's signed JSON) are told.
    let (pagerduty, pagerduty_url) = Receiver::start().await;
    let (hook, hook_url) = Receiver::start().await;
    let mut hooks = team.admin.webhooks.clone();
    let pd = pb::CreateWebhookRequest {
        url: pagerduty_url,
        events: vec!["page.triggered".into(), "page.acknowledged".into(), "page.ended".into()],
        format: pb::WebhookFormat::Pagerduty as i32,
        routing_key: ROUTING_KEY.into(),
    };
    let created = hooks.create_webhook(pd).await.expect("PagerDuty endpoint").into_inner();
    assert!(created.secret.is_empty(), "PagerDuty's events are not signed with a secret of Steward's");
    let steward_format = pb::CreateWebhookRequest {
        url: hook_url,
        events: vec!["page.triggered".into(), "page.escalated".into()],
        ..Default::default()
    };
    hooks.create_webhook(steward_format).await.expect("paging webhook");

    // Rita files production down: Sam is paged at once.
    let ticket = file(&team.rita, team.aurora, "Hub unreachable", pb::Priority::ProductionDown).await;
    let to_sam = wait_for_pages_to(&smtp, "sam@steward.example", 1).await;
    let sam_mail = to_sam[0].text();
    assert!(
        sam_mail.contains(&format!("Production down: #{} Hub unreachable (Aurora Hub)", ticket.number)),
        "{sam_mail}"
    );
    assert!(sam_mail.contains("http://127.0.0.1:8080/pages/"), "the one-click link: {sam_mail}");
    assert!(!sam_mail.contains("List-Unsubscribe"), "a page cannot be turned off");
    let news = smtp.wait_for_to("sam@steward.example", 2).await;
    let news = news.iter().map(Delivered::text).find(|t| t.contains("New request")).expect("news of the request");
    assert!(news.contains("List-Unsubscribe: <http://127.0.0.1:8080/profile>"), "news can be turned off: {news}");
    let trigger = wait_for_body(&pagerduty, "/event_action", "trigger").await;
    assert_eq!(trigger["routing_key"], ROUTING_KEY);
    let dedup_key = trigger["dedup_key"].as_str().expect("a dedup key").to_owned();
    assert!(dedup_key.starts_with("steward-page-"), "{trigger}");
    assert_eq!(trigger["payload"]["severity"], "critical");
    assert!(trigger["payload"]["summary"].as_str().is_some_and(|s| s.contains("Hub unreachable")), "{trigger}");
    assert_eq!(trigger["links"][0]["href"], format!("http://127.0.0.1:8080/tickets/{}", ticket.number));
    let triggered = wait_for_body(&hook, "/event", "page.triggered").await;
    assert_eq!(triggered["page"]["paged"][0]["name"], "Sam Steward");
    assert_eq!(triggered["ticket"]["number"], ticket.number);
    assert!(tess_has_no_page_yet(&smtp), "only the one on call is paged first");

    let pages = pages_of_ticket(&team.steward, ticket.number).await;
    let [page] = &pages[..] else { panic!("one page: {pages:?}") };
    assert_eq!(page.level, 1);
    assert!(page.escalates_at.is_some() && page.acknowledged_at.is_none());
    let reached: Vec<&str> =
        page.recipients.iter().filter_map(|r| r.person.as_ref()).map(|p| p.display_name.as_str()).collect();
    assert_eq!(reached, ["Sam Steward"]);
    assert!(page.deliveries.iter().any(|d| d.pagerduty && d.event == "page.triggered"), "{page:?}");
    assert!(history(&team.steward, ticket.number).await.contains(&"Steward paged Sam Steward, on call".to_owned()));
    assert!(
        history(&team.rita, ticket.number).await.iter().all(|line| !line.contains("page")),
        "the requester's side does not see the paging"
    );

    // Ten minutes without an acknowledgement: Tess is paged; PagerDuty, which escalates by
    // itself, is told nothing new.
    team.app.clock.advance(chrono::Duration::minutes(11));
    let to_tess = wait_for_pages_to(&smtp, "tess@steward.example", 1).await;
    assert!(to_tess[0].text().contains("Nobody has acknowledged this page yet"), "{}", to_tess[0].text());
    let escalated = wait_for_body(&hook, "/event", "page.escalated").await;
    assert_eq!(escalated["page"]["paged"][0]["name"], "Tess Steward");
    assert!(
        history(&team.steward, ticket.number).await.iter().any(|l| l.contains("escalated the page to Tess Steward")),
        "the escalation is on the ticket"
    );

    // Tess opens her link (not signed in) and acknowledges with one click.
    let anonymous = team.app.anonymous().await;
    let mut by_link = anonymous.paging.clone();
    let token = token_in(&to_tess[0]);
    let found = by_link.get_page_by_token(pb::GetPageByTokenRequest { token: token.clone() }).await.expect("link");
    assert_eq!(found.get_ref().you.as_ref().map(|p| p.id), Some(team.tess));
    let ack = pb::AcknowledgePageRequest { page: Some(pb::acknowledge_page_request::Page::Token(token.clone())) };
    let acknowledged = by_link.acknowledge_page(ack.clone()).await.expect("acknowledged").into_inner();
    assert!(!acknowledged.already);
    let page = acknowledged.page.expect("page");
    assert_eq!(page.acknowledged_by.map(|p| p.id), Some(team.tess));
    assert!(page.escalates_at.is_none(), "the escalation stopped");
    assert!(page.deliveries.is_empty(), "the link's holder reads the page, not where Steward posts it");
    let again = by_link.acknowledge_page(ack).await.expect("a second click").into_inner();
    assert!(again.already, "a second click changes nothing");
    let acknowledge = wait_for_body(&pagerduty, "/event_action", "acknowledge").await;
    assert_eq!(acknowledge["dedup_key"], dedup_key.as_str());

    // Twenty minutes more: nobody else is paged.
    team.app.clock.advance(chrono::Duration::minutes(20));
    settle().await;
    assert!(pages_to(&smtp, "ada@steward.example").is_empty(), "an acknowledged page does not reach the admins");
    assert_eq!(pages_to(&smtp, "sam@steward.example").len(), 1);
    let lines = history(&team.steward, ticket.number).await;
    assert!(lines.contains(&"Tess Steward acknowledged the page".to_owned()), "{lines:?}");

    // Resolving the ticket ends the page, and PagerDuty resolves it.
    let mut tickets = team.steward.tickets.clone();
    for action in [pb::TicketAction::Triage, pb::TicketAction::Start, pb::TicketAction::Resolve] {
        let version = tickets.get_ticket(pb::GetTicketRequest { number: ticket.number }).await.expect("ticket");
        let version = version.into_inner().ticket.expect("ticket").version;
        let step = pb::TransitionTicketRequest {
            number: ticket.number,
            action: action as i32,
            expected_version: version,
            reason: String::new(),
        };
        tickets.transition_ticket(step).await.unwrap_or_else(|e| panic!("{action:?}: {e:?}"));
    }
    let resolve = wait_for_body(&pagerduty, "/event_action", "resolve").await;
    assert_eq!(resolve["dedup_key"], dedup_key.as_str());
    let pages = pages_of_ticket(&team.steward, ticket.number).await;
    assert_eq!(pages[0].ended_because, pb::PageEndReason::TicketResolved as i32);
    // Sam was told in Steward too, and that Tess took it.
    let notes = team.steward.service_levels.clone().list_notifications(pb::ListNotificationsRequest {}).await;
    let notes = notes.expect("notifications").into_inner().notifications;
    assert!(notes.iter().any(|n| n.kind == "page" && n.message.starts_with("You are paged")), "{notes:?}");
    assert!(notes.iter().any(|n| n.message.starts_with("Tess Steward acknowledged the page")), "{notes:?}");
}

fn tess_has_no_page_yet(smtp: &SmtpServer) -> bool {
    pages_to(smtp, "tess@steward.example").is_empty()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_production_down_incident_pages_support_duty_then_every_admin_and_its_resolution_ends_the_page() {
    let smtp = SmtpServer::start();
    let team = team(&smtp).await;
    // On call follows support duty (the default): Sam and Tess are on duty, Sam the senior.
    let starts = (Utc::now() - chrono::Duration::days(20)).date_naive().to_string();
    let rotation =
        pb::SetRotationRequest { member_ids: vec![team.sam, team.tess], starts_on: starts, on_duty_count: 2 };
    team.admin.service_levels.clone().set_rotation(rotation).await.expect("rotation");
    let on_call = team.steward.paging.clone().get_on_call(pb::GetOnCallRequest {}).await.expect("on call");
    let first: Vec<i64> = on_call.get_ref().levels[0].people.iter().map(|p| p.id).collect();
    let second: Vec<i64> = on_call.get_ref().levels[1].people.iter().map(|p| p.id).collect();
    assert_eq!(on_call.get_ref().levels.len(), 3, "the one on duty, the other, the admins");
    let (first_mail, second_mail) = if first == [team.sam] {
        ("sam@steward.example", "tess@steward.example")
    } else {
        assert_eq!((first.as_slice(), second.as_slice()), (&[team.tess][..], &[team.sam][..]));
        ("tess@steward.example", "sam@steward.example")
    };

    let declared = team
        .admin
        .incidents
        .clone()
        .declare_incident(pb::DeclareIncidentRequest {
            title: "Every hub is down".into(),
            severity: pb::Priority::ProductionDown as i32,
            commander_id: 0,
            escalated_ticket_number: 0,
        })
        .await
        .expect("declared")
        .into_inner()
        .incident
        .expect("incident");
    let mail = &wait_for_pages_to(&smtp, first_mail, 1).await[0];
    assert!(mail.text().contains(&format!("Production-down incident #{}: Every hub is down", declared.number)));
    team.app.clock.advance(chrono::Duration::minutes(11));
    wait_for_pages_to(&smtp, second_mail, 1).await;
    team.app.clock.advance(chrono::Duration::minutes(11));
    wait_for_pages_to(&smtp, "ada@steward.example", 1).await;
    team.app.clock.advance(chrono::Duration::minutes(11));
    settle().await;
    let about = pb::ListPagesRequest { about: Some(pb::list_pages_request::About::IncidentNumber(declared.number)) };
    let pages = team.steward.paging.clone().list_pages(about).await.expect("pages").into_inner().pages;
    let [page] = &pages[..] else { panic!("one page: {pages:?}") };
    assert_eq!(page.level, 3);
    assert!(page.escalates_at.is_none(), "after the admins nobody is left: it waits for an acknowledgement");
    assert_eq!(pages_to(&smtp, first_mail).len(), 1, "nobody is paged twice");

    // Sam, signed in, acknowledges from the incident board.
    let ack = pb::AcknowledgePageRequest { page: Some(pb::acknowledge_page_request::Page::PageId(page.id)) };
    let acknowledged = team.steward.paging.clone().acknowledge_page(ack).await.expect("acknowledged").into_inner();
    assert_eq!(acknowledged.page.and_then(|p| p.acknowledged_by).map(|p| p.id), Some(team.sam));
    let ack = pb::AcknowledgePageRequest { page: Some(pb::acknowledge_page_request::Page::PageId(page.id)) };
    let denied = team.rita.paging.clone().acknowledge_page(ack).await.expect_err("not the team");
    assert_eq!(denied.code(), Code::PermissionDenied);

    // Resolving the incident ends its page; the timeline says what the page did.
    let step = pb::StepIncidentRequest {
        number: declared.number,
        expected_version: team
            .admin
            .incidents
            .clone()
            .get_incident(pb::GetIncidentRequest { number: declared.number })
            .await
            .expect("incident")
            .into_inner()
            .incident
            .expect("incident")
            .version,
        step: pb::IncidentStep::Resolve as i32,
        resolve_linked_tickets: false,
    };
    team.admin.incidents.clone().step_incident(step).await.expect("resolved");
    let pages = team.steward.paging.clone().list_pages(about).await.expect("pages").into_inner().pages;
    assert_eq!(pages[0].ended_because, pb::PageEndReason::IncidentResolved as i32);
    let timeline = team
        .admin
        .incidents
        .clone()
        .get_incident(pb::GetIncidentRequest { number: declared.number })
        .await
        .expect("incident")
        .into_inner()
        .timeline;
    let kinds: Vec<&str> = timeline
        .iter()
        .filter_map(|e| match &e.entry {
            Some(pb::incident_entry::Entry::Paged(p)) => Some(if p.level == 1 { "paged" } else { "escalated" }),
            Some(pb::incident_entry::Entry::PageAcknowledged(_)) => Some("acknowledged"),
            Some(pb::incident_entry::Entry::PageEnded(_)) => Some("ended"),
            _ => None,
        })
        .collect();
    assert_eq!(kinds, ["paged", "escalated", "escalated", "acknowledged", "ended"]);
    assert!(
        timeline.iter().filter(|e| matches!(e.entry, Some(pb::incident_entry::Entry::Paged(_)))).all(|e| e.internal)
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn raising_a_ticket_to_production_down_pages_and_lowering_it_ends_the_page() {
    let smtp = SmtpServer::start();
    let team = team(&smtp).await;
    // Nobody is on support duty: a page reaches the admins.
    let ticket = file(&team.rita, team.aurora, "Slow notebooks", pb::Priority::Urgent).await;
    assert!(pages_of_ticket(&team.steward, ticket.number).await.is_empty(), "a normal ticket pages nobody");
    let mut tickets = team.steward.tickets.clone();
    let raise = pb::UpdateTicketRequest {
        number: ticket.number,
        expected_version: ticket.version,
        priority: Some(pb::Priority::ProductionDown as i32),
        ..Default::default()
    };
    let raised = tickets.update_ticket(raise).await.expect("raised").into_inner().ticket.expect("ticket");
    wait_for_pages_to(&smtp, "ada@steward.example", 1).await;
    let lower = pb::UpdateTicketRequest {
        number: ticket.number,
        expected_version: raised.version,
        priority: Some(pb::Priority::Urgent as i32),
        ..Default::default()
    };
    tickets.update_ticket(lower).await.expect("lowered");
    let pages = pages_of_ticket(&team.steward, ticket.number).await;
    assert_eq!(pages[0].ended_because, pb::PageEndReason::NoLongerProductionDown as i32);
    let ack = pb::AcknowledgePageRequest { page: Some(pb::acknowledge_page_request::Page::PageId(pages[0].id)) };
    let refused = team.steward.paging.clone().acknowledge_page(ack).await.expect_err("ended");
    assert_eq!(refused.code(), Code::FailedPrecondition);
    assert!(refused.message().contains("no longer production down"), "{}", refused.message());

    // A member's production-down request waits for Rita's approval before it pages.
    let milo = team.app.sign_in("milo@aurora.example").await;
    let waiting = file(&milo, team.aurora, "Cannot start servers", pb::Priority::ProductionDown).await;
    settle().await;
    assert!(pages_of_ticket(&team.steward, waiting.number).await.is_empty(), "no page before approval");
    let approve = pb::TransitionTicketRequest {
        number: waiting.number,
        action: pb::TicketAction::Approve as i32,
        expected_version: waiting.version,
        reason: String::new(),
    };
    team.rita.tickets.clone().transition_ticket(approve).await.expect("approved");
    assert_eq!(pages_of_ticket(&team.steward, waiting.number).await.len(), 1, "approved: it pages");
}

#[tokio::test(flavor = "multi_thread")]
async fn bad_on_call_settings_covers_and_paging_integrations_are_refused_naming_every_field() {
    let smtp = SmtpServer::start();
    let team = team(&smtp).await;
    let mut paging = team.admin.paging.clone();
    let bad = pb::OnCallSettings {
        own_rotation: true,
        member_ids: vec![],
        starts_on: "next monday".into(),
        handoff: "9 o'clock".into(),
        zone: "Mars/Olympus".into(),
        shift_days: 0,
        escalate_after_minutes: 0,
    };
    let refused = paging.set_on_call(pb::SetOnCallRequest { settings: Some(bad) }).await.expect_err("refused");
    assert_eq!(refused.code(), Code::InvalidArgument);
    let mut fields: Vec<String> =
        refused.get_details_bad_request().expect("fields").field_violations.into_iter().map(|v| v.field).collect();
    fields.sort();
    assert_eq!(fields, ["escalate_after_minutes", "handoff", "member_ids", "shift_days", "starts_on", "zone"]);
    let rita_id = team.rita.auth.clone().get_current_user(pb::GetCurrentUserRequest {}).await.expect("me");
    let rita_id = rita_id.into_inner().person.expect("person").id;
    let outsider = pb::OnCallSettings {
        own_rotation: true,
        member_ids: vec![rita_id],
        starts_on: "2026-12-07".into(),
        handoff: "09:00".into(),
        zone: "Europe/Berlin".into(),
        shift_days: 7,
        escalate_after_minutes: 10,
    };
    let refused = paging.set_on_call(pb::SetOnCallRequest { settings: Some(outsider) }).await.expect_err("refused");
    let fields: Vec<String> =
        refused.get_details_bad_request().expect("fields").field_violations.into_iter().map(|v| v.field).collect();
    assert_eq!(fields, ["member_ids"], "only the support team is on call");

    let now = Utc::now();
    let stamp = |at: chrono::DateTime<Utc>| prost_types::Timestamp { seconds: at.timestamp(), nanos: 0 };
    let backwards = pb::AddOnCallCoverRequest {
        person_id: team.tess,
        starts_at: Some(stamp(now)),
        ends_at: Some(stamp(now - chrono::Duration::hours(1))),
        note: String::new(),
    };
    let refused = paging.add_on_call_cover(backwards).await.expect_err("refused");
    let fields: Vec<String> =
        refused.get_details_bad_request().expect("fields").field_violations.into_iter().map(|v| v.field).collect();
    assert_eq!(fields, ["ends_at"]);
    let cover = pb::AddOnCallCoverRequest {
        person_id: team.tess,
        starts_at: Some(stamp(now - chrono::Duration::minutes(5))),
        ends_at: Some(stamp(now + chrono::Duration::hours(2))),
        note: "Sam is at the dentist".into(),
    };
    paging.add_on_call_cover(cover).await.expect("a cover");
    let on_call = paging.get_on_call(pb::GetOnCallRequest {}).await.expect("on call").into_inner();
    assert_eq!(on_call.levels[0].people[0].id, team.tess, "a cover puts Tess on call now");

    let pagerduty = pb::CreateWebhookRequest {
        url: "https://events.pagerduty.com/v2/enqueue".into(),
        events: vec!["ticket.filed".into(), "page.escalated".into()],
        format: pb::WebhookFormat::Pagerduty as i32,
        routing_key: "not-a-key".into(),
    };
    let refused = team.admin.webhooks.clone().create_webhook(pagerduty).await.expect_err("refused");
    let fields: Vec<String> =
        refused.get_details_bad_request().expect("fields").field_violations.into_iter().map(|v| v.field).collect();
    assert_eq!(fields, ["events", "events", "routing_key"]);
}
