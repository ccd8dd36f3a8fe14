//! Triage through the API: the queue follows the seed's priority order and says why, budgets
//! count non-incident time only, templates are filled from the ticket and refuse unknown
//! placeholders, a change request closes only with a release, and only staff triage.

use steward_domain::{MembershipRole, StaffRole};
use steward_proto::v1 as pb;
use tonic::Code;
use tonic_types::StatusExt;

use crate::util::{Client, TestApp, sentence};

struct Desk {
    app: TestApp,
    aurora: i64,
    borealis: i64,
    sam: Client,
    admin: Client,
    rita: Client,
    member: Client,
    rob: Client,
}

async fn desk() -> Desk {
    let app = TestApp::spawn().await;
    let aurora = app.community("aurora", "Aurora Hub").await;
    let borealis = app.community("borealis", "Borealis Lab").await;
    let rita = app.person("rita@example.org", "Rita Rep", None).await;
    let member = app.person("mo@example.org", "Mo Member", None).await;
    let rob = app.person("rob@example.org", "Rob Rep", None).await;
    app.person("sam@example.org", "Sam Steward", Some(StaffRole::Steward)).await;
    app.person("ada@example.org", "Ada Admin", Some(StaffRole::Admin)).await;
    app.membership(rita, aurora, MembershipRole::Representative).await;
    app.membership(member, aurora, MembershipRole::Member).await;
    app.membership(rob, borealis, MembershipRole::Representative).await;
    Desk {
        sam: app.sign_in("sam@example.org").await,
        admin: app.sign_in("ada@example.org").await,
        rita: app.sign_in("rita@example.org").await,
        member: app.sign_in("mo@example.org").await,
        rob: app.sign_in("rob@example.org").await,
        app,
        aurora,
        borealis,
    }
}

/// Files an "Other" request; the steward then sets its type, as triage does.
async fn file(client: &Client, community_id: i64, title: &str) -> pb::Ticket {
    let request = pb::CreateTicketRequest {
        community_id,
        request_type: pb::RequestType::Other as i32,
        priority: pb::Priority::Normal as i32,
        title: title.into(),
        description: format!("{title}, described"),
        confidential: false,
        answers: Default::default(),
        attachment_ids: Vec::new(),
    };
    client.tickets.clone().create_ticket(request).await.expect("file").into_inner().ticket.expect("ticket")
}

async fn set_type(client: &Client, number: i64, request_type: pb::RequestType) {
    let request = pb::UpdateTicketRequest {
        number,
        expected_version: version(client, number).await,
        request_type: Some(request_type as i32),
        ..Default::default()
    };
    client.tickets.clone().update_ticket(request).await.expect("set type");
}

async fn get(client: &Client, number: i64) -> pb::GetTicketResponse {
    client.tickets.clone().get_ticket(pb::GetTicketRequest { number }).await.expect("get").into_inner()
}

async fn version(client: &Client, number: i64) -> i64 {
    get(client, number).await.ticket.expect("ticket").version
}

async fn set_flags(client: &Client, number: i64, flags: &[pb::PriorityFlag]) -> Result<pb::Ticket, tonic::Status> {
    let request = pb::SetPriorityFlagsRequest {
        number,
        expected_version: version(client, number).await,
        flags: flags.iter().map(|f| *f as i32).collect(),
    };
    Ok(client.triage.clone().set_priority_flags(request).await?.into_inner().ticket.expect("ticket"))
}

async fn log_time(client: &Client, number: i64, minutes: i32) -> Result<pb::Budget, tonic::Status> {
    let request = pb::LogTimeRequest { number, minutes, worked_on: String::new(), note: "looked into it".into() };
    Ok(client.triage.clone().log_time(request).await?.into_inner().budget.expect("budget"))
}

async fn set_budget(desk: &Desk, community_id: i64, hours: Option<i32>) -> pb::Budget {
    let request = pb::SetBudgetRequest { community_id, hours, period: pb::BudgetPeriod::Month as i32 };
    desk.admin.triage.clone().set_budget(request).await.expect("set budget").into_inner().budget.expect("budget")
}

async fn queue(client: &Client) -> Vec<(String, String)> {
    let queue =
        client.triage.clone().get_triage_queue(pb::GetTriageQueueRequest::default()).await.expect("queue").into_inner();
    queue.entries.into_iter().map(|e| (e.ticket.expect("ticket").title, e.triage.expect("triage").placed_by)).collect()
}

async fn close(client: &Client, number: i64) -> Result<tonic::Response<pb::TransitionTicketResponse>, tonic::Status> {
    let expected_version = version(client, number).await;
    let request = pb::TransitionTicketRequest {
        number,
        action: pb::TicketAction::Close as i32,
        expected_version,
        reason: String::new(),
    };
    client.tickets.clone().transition_ticket(request).await
}

async fn record_release(
    client: &Client,
    number: i64,
    released_in: &str,
) -> Result<tonic::Response<pb::SetReleaseResponse>, tonic::Status> {
    let expected_version = version(client, number).await;
    let request = pb::SetReleaseRequest { number, expected_version, released_in: released_in.into() };
    client.triage.clone().set_release(request).await
}

async fn update(
    client: &Client,
    number: i64,
    assignee_id: Option<i64>,
    scheduled_for: Option<&str>,
) -> Result<tonic::Response<pb::UpdateTicketResponse>, tonic::Status> {
    let request = pb::UpdateTicketRequest {
        number,
        expected_version: version(client, number).await,
        assignee_id,
        scheduled_for: scheduled_for.map(str::to_owned),
        ..Default::default()
    };
    client.tickets.clone().update_ticket(request).await
}

fn field_of(status: &tonic::Status) -> String {
    status.get_details_bad_request().expect("field violation").field_violations[0].field.clone()
}

/// Every field a refusal names, in order.
fn fields_of(status: &tonic::Status) -> Vec<String> {
    status.get_details_bad_request().expect("field violations").field_violations.into_iter().map(|v| v.field).collect()
}

#[tokio::test]
async fn the_queue_follows_the_seed_order_and_says_which_rule_placed_each_request() {
    let desk = desk().await;
    set_budget(&desk, desk.aurora, Some(10)).await;
    set_budget(&desk, desk.borealis, Some(1)).await;
    // Filed oldest first, in the reverse of the order they must be worked.
    let spent = file(&desk.rob, desk.borealis, "Borealis: no budget left").await;
    file(&desk.sam, desk.borealis, "Borealis: other work").await;
    let impact = file(&desk.rob, desk.borealis, "Borealis: high impact").await;
    let little = file(&desk.rita, desk.aurora, "Aurora: little budget used").await;
    let upstream = file(&desk.rita, desk.aurora, "Aurora: upstream").await;
    let funded = file(&desk.rob, desk.borealis, "Borealis: funded").await;
    let incident = file(&desk.rob, desk.borealis, "Borealis: hub down").await;
    set_type(&desk.sam, incident.number, pb::RequestType::Incident).await;
    set_flags(&desk.sam, impact.number, &[pb::PriorityFlag::HighImpact]).await.expect("flags");
    set_flags(&desk.sam, upstream.number, &[pb::PriorityFlag::HighImpact, pb::PriorityFlag::AlignedUpstream])
        .await
        .expect("flags");
    set_flags(&desk.sam, funded.number, &[pb::PriorityFlag::DedicatedFunding]).await.expect("flags");

    // Before any time is logged, Borealis has used little of its budget too.
    let before = queue(&desk.sam).await;
    assert_eq!(before[0], ("Borealis: hub down".to_owned(), "Incident: always first".to_owned()));
    assert!(before.contains(&(
        "Borealis: other work".to_owned(),
        "5. Community has used little of its support budget".to_owned()
    )));

    // Two hours on a Borealis change request exhaust its one-hour budget; an hour on the
    // incident does not count.
    let budget = log_time(&desk.sam, incident.number, 60).await.expect("log incident time");
    assert_eq!((budget.used_minutes, budget.incident_minutes), (0, 60), "incident time never draws on the budget");
    let budget = log_time(&desk.sam, spent.number, 120).await.expect("log time");
    assert_eq!((budget.used_minutes, budget.incident_minutes, budget.hours), (120, 60, Some(1)));

    let expected = [
        ("Borealis: hub down", "Incident: always first"),
        ("Borealis: funded", "1. Comes with dedicated funding"),
        ("Aurora: upstream", "4. Aligned with upstream's goals"),
        ("Aurora: little budget used", "5. Community has used little of its support budget"),
        ("Borealis: high impact", "6. High impact on one community"),
        // Both Borealis requests without flags are last; the older first.
        ("Borealis: no budget left", "8. Community has no support budget left"),
        ("Borealis: other work", "8. Community has no support budget left"),
    ];
    let expected: Vec<(String, String)> = expected.iter().map(|(a, b)| (a.to_string(), b.to_string())).collect();
    assert_eq!(queue(&desk.sam).await, expected);

    // Without a budget, the budget rules do not apply: Borealis's plain requests are other work.
    set_budget(&desk, desk.borealis, None).await;
    let after = queue(&desk.sam).await;
    assert_eq!(after[5], ("Borealis: no budget left".to_owned(), "7. Other work".to_owned()));
    assert_eq!(after[4].0, "Borealis: high impact");

    // A triaged ticket is no longer untriaged but stays in the queue; a resolved one leaves it.
    let step = |number: i64, action: pb::TicketAction| {
        let mut tickets = desk.sam.tickets.clone();
        let client_version = version(&desk.sam, number);
        async move {
            let expected_version = client_version.await;
            let request =
                pb::TransitionTicketRequest { number, action: action as i32, expected_version, reason: String::new() };
            tickets.transition_ticket(request).await.expect("step")
        }
    };
    step(funded.number, pb::TicketAction::Triage).await;
    step(little.number, pb::TicketAction::Resolve).await;
    let entries = desk
        .sam
        .triage
        .clone()
        .get_triage_queue(pb::GetTriageQueueRequest::default())
        .await
        .expect("queue")
        .into_inner()
        .entries;
    let untriaged: Vec<(String, bool)> =
        entries.into_iter().map(|e| (e.ticket.expect("ticket").title, e.untriaged)).collect();
    assert_eq!(untriaged.len(), 6, "the resolved request left the queue: {untriaged:?}");
    assert_eq!(untriaged[1], ("Borealis: funded".to_owned(), false));
    assert!(untriaged.iter().filter(|(title, _)| title != "Borealis: funded").all(|(_, untriaged)| *untriaged));

    // A long queue comes a page at a time: the top of the same order, and how long it is.
    let page = |request: pb::GetTriageQueueRequest| {
        let mut triage = desk.sam.triage.clone();
        async move {
            let queue = triage.get_triage_queue(request).await.expect("queue").into_inner();
            let titles: Vec<String> = queue.entries.into_iter().map(|e| e.ticket.expect("ticket").title).collect();
            (titles, queue.total)
        }
    };
    let whole: Vec<String> = untriaged.iter().map(|(title, _)| title.clone()).collect();
    assert_eq!(page(pb::GetTriageQueueRequest { limit: 4, ..Default::default() }).await, (whole[..4].to_vec(), 6));
    assert_eq!(page(pb::GetTriageQueueRequest { limit: 40, ..Default::default() }).await, (whole.clone(), 6));
    // Untriaged only leaves the triaged request out, and counts without it.
    let (first, total) = page(pb::GetTriageQueueRequest { limit: 1, untriaged_only: true, ..Default::default() }).await;
    assert_eq!((first, total), (vec![whole[0].clone()], 5));
    let (rest, _) = page(pb::GetTriageQueueRequest { untriaged_only: true, ..Default::default() }).await;
    assert!(!rest.contains(&"Borealis: funded".to_owned()) && rest.len() == 5, "{rest:?}");
}

#[tokio::test]
async fn budgets_are_seen_by_staff_and_the_communitys_representatives_and_set_by_admins() {
    let desk = desk().await;
    let budget = set_budget(&desk, desk.aurora, Some(12)).await;
    assert_eq!(budget.hours, Some(12));
    assert_eq!(budget.community.expect("community").name, "Aurora Hub");
    assert!(budget.period_start.ends_with("-01") && budget.period_start < budget.period_end);
    let budget_of = |client: &Client, community_id| {
        let mut triage = client.triage.clone();
        async move { triage.get_budget(pb::GetBudgetRequest { community_id }).await }
    };
    assert_eq!(
        budget_of(&desk.rita, desk.aurora).await.expect("rep sees").into_inner().budget.expect("b").hours,
        Some(12)
    );
    assert_eq!(
        budget_of(&desk.sam, desk.aurora).await.expect("steward sees").into_inner().budget.expect("b").hours,
        Some(12)
    );
    assert_eq!(budget_of(&desk.member, desk.aurora).await.expect_err("member").code(), Code::NotFound);
    assert_eq!(budget_of(&desk.rob, desk.aurora).await.expect_err("other community").code(), Code::NotFound);

    let by_steward = desk
        .sam
        .triage
        .clone()
        .set_budget(pb::SetBudgetRequest { community_id: desk.aurora, hours: Some(1), period: 0 })
        .await
        .expect_err("steward");
    assert_eq!(by_steward.code(), Code::PermissionDenied);
    let negative = desk
        .admin
        .triage
        .clone()
        .set_budget(pb::SetBudgetRequest { community_id: desk.aurora, hours: Some(-3), period: 0 })
        .await
        .expect_err("negative");
    assert_eq!((negative.code(), field_of(&negative)), (Code::InvalidArgument, "hours".to_owned()));
    assert_eq!(budget_of(&desk.rita, desk.aurora).await.expect("kept").into_inner().budget.expect("b").hours, Some(12));

    let ticket = file(&desk.rita, desk.aurora, "Time").await;
    for (minutes, field) in [(0, "minutes"), (1441, "minutes")] {
        let refused = log_time(&desk.sam, ticket.number, minutes).await.expect_err("bad minutes");
        assert_eq!(field_of(&refused), field);
    }
    let future =
        pb::LogTimeRequest { number: ticket.number, minutes: 5, worked_on: "2999-01-01".into(), note: String::new() };
    let refused = desk.sam.triage.clone().log_time(future).await.expect_err("future");
    assert_eq!(field_of(&refused), "worked_on");
    assert_eq!(log_time(&desk.rita, ticket.number, 5).await.expect_err("rep").code(), Code::PermissionDenied);
    assert_eq!(log_time(&desk.sam, ticket.number, 90).await.expect("log").used_minutes, 90);
    let triage = get(&desk.sam, ticket.number).await.triage.expect("staff see triage");
    assert_eq!(triage.minutes_logged, 90);
    let queue = desk
        .sam
        .triage
        .clone()
        .get_triage_queue(pb::GetTriageQueueRequest::default())
        .await
        .expect("queue")
        .into_inner();
    let entry = queue.entries.iter().find(|e| e.ticket.as_ref().is_some_and(|t| t.number == ticket.number));
    assert_eq!(entry.and_then(|e| e.triage.as_ref()).map(|t| t.minutes_logged), Some(90), "the queue shows it too");
    assert!(get(&desk.rita, ticket.number).await.triage.is_none(), "the requester does not see triage details");
}

#[tokio::test]
async fn templates_are_filled_from_the_ticket_and_unknown_placeholders_are_refused() {
    let desk = desk().await;
    let ticket = file(&desk.rita, desk.aurora, "Notebook server will not start").await;
    let listed = desk
        .sam
        .triage
        .clone()
        .list_response_templates(pb::ListResponseTemplatesRequest {})
        .await
        .expect("list")
        .into_inner();
    let keys: Vec<&str> = listed.templates.iter().map(|t| t.key.as_str()).collect();
    assert_eq!(
        keys,
        ["acknowledgement", "not-an-incident-planned", "incident-acknowledgement", "incident-update", "resolution"]
    );
    assert!(listed.placeholders.iter().any(|p| p.name == "CONTEXT"));

    let fill = |key: &str, context: &str| {
        let request = pb::FillResponseTemplateRequest {
            number: ticket.number,
            key: key.into(),
            context: context.into(),
            ..Default::default()
        };
        let mut triage = desk.sam.triage.clone();
        async move { triage.fill_response_template(request).await.map(|r| r.into_inner().text) }
    };
    let text = fill("acknowledgement", "").await.expect("fill");
    assert!(text.starts_with("Hello Rita Rep,"), "{text}");
    assert!(text.contains(&format!("#{}", ticket.number)) && text.contains("Notebook server will not start"), "{text}");
    assert!(text.contains("Sam Steward") && text.contains(&format!("/tickets/{}", ticket.number)), "{text}");
    assert!(!text.contains('{'), "every placeholder is filled: {text}");

    let missing = fill("not-an-incident-planned", "  ").await.expect_err("context needed");
    assert_eq!((missing.code(), field_of(&missing)), (Code::InvalidArgument, "context".to_owned()));
    let planned = fill("not-an-incident-planned", "It needs a new node pool.").await.expect("fill");
    assert!(planned.contains("Aurora Hub") && planned.contains("It needs a new node pool."), "{planned}");
    assert_eq!(field_of(&fill("no-such-template", "").await.expect_err("unknown key")), "key");

    let save = |client: &Client, body: &str| {
        let template = pb::ResponseTemplate {
            key: "hub-update".into(),
            name: "Hub update".into(),
            body: body.into(),
            position: 9,
        };
        let mut triage = client.triage.clone();
        async move { triage.save_response_template(pb::SaveResponseTemplateRequest { template: Some(template) }).await }
    };
    let unknown = save(&desk.admin, "Hello {NAME}, your {HUB} is back.").await.expect_err("unknown placeholder");
    assert_eq!((unknown.code(), field_of(&unknown)), (Code::InvalidArgument, "template.body".to_owned()));
    assert!(unknown.message().contains("{HUB} is not a placeholder"), "{}", unknown.message());
    assert_eq!(save(&desk.sam, "Hello {NAME}").await.expect_err("steward").code(), Code::PermissionDenied);
    // A template with every field wrong names them all at once.
    let blank = pb::ResponseTemplate { key: "Not A Key".into(), name: " ".into(), body: "".into(), position: 1 };
    let mut triage = desk.admin.triage.clone();
    let all = triage.save_response_template(pb::SaveResponseTemplateRequest { template: Some(blank) }).await;
    assert_eq!(fields_of(&all.expect_err("all wrong")), ["template.key", "template.name", "template.body"]);
    save(&desk.admin, "Hello { NAME }, {COMMUNITY} is back.").await.expect("admin saves");
    assert_eq!(fill("hub-update", "").await.expect("fill saved"), "Hello Rita Rep, Aurora Hub is back.");
    assert_eq!(
        desk.rita
            .triage
            .clone()
            .list_response_templates(pb::ListResponseTemplatesRequest {})
            .await
            .expect_err("rep")
            .code(),
        Code::PermissionDenied
    );
}

#[tokio::test]
async fn a_change_request_is_closed_only_once_its_release_is_recorded() {
    let desk = desk().await;
    let change = file(&desk.rita, desk.aurora, "Newer Python").await;
    set_type(&desk.sam, change.number, pb::RequestType::ChangeRequest).await;
    let refused = close(&desk.sam, change.number).await.expect_err("no release");
    assert_eq!(refused.code(), Code::FailedPrecondition);
    assert_eq!(refused.get_details_error_info().expect("info").reason, "RELEASE_REQUIRED");
    assert!(refused.message().starts_with("Cannot close a change request before the release"), "{}", refused.message());

    // The board refuses the drop to Closed the same way.
    let drop = pb::MoveCardRequest {
        number: change.number,
        expected_version: version(&desk.sam, change.number).await,
        to_state: pb::TicketState::Closed as i32,
        before_number: None,
        reason: String::new(),
    };
    let dropped = desk.sam.board.clone().move_card(drop).await.expect_err("board refuses");
    assert_eq!(dropped.get_details_error_info().expect("info").reason, "RELEASE_REQUIRED");

    assert_eq!(record_release(&desk.rita, change.number, "v1").await.expect_err("rep").code(), Code::PermissionDenied);
    let recorded = record_release(&desk.sam, change.number, " v2.4.0 ")
        .await
        .expect("record")
        .into_inner()
        .ticket
        .expect("ticket");
    assert_eq!(recorded.released_in.as_deref(), Some("v2.4.0"));
    let closed =
        close(&desk.sam, change.number).await.expect("close with a release").into_inner().ticket.expect("ticket");
    assert_eq!(closed.state, pb::TicketState::Closed as i32);

    // Other types close without one.
    let question = file(&desk.rita, desk.aurora, "A question").await;
    let request = pb::TransitionTicketRequest {
        number: question.number,
        action: pb::TicketAction::Close as i32,
        expected_version: version(&desk.sam, question.number).await,
        reason: String::new(),
    };
    desk.sam.tickets.clone().transition_ticket(request).await.expect("close a question");
}

#[tokio::test]
async fn acknowledgement_links_and_the_timebox_are_kept_on_the_ticket() {
    let desk = desk().await;
    let ticket = file(&desk.rita, desk.aurora, "Slow hub").await;
    let comment = |client: &Client, visibility: pb::CommentVisibility| {
        let request = pb::AddCommentRequest {
            number: ticket.number,
            body: "On it.".into(),
            visibility: visibility as i32,
            attachment_ids: Vec::new(),
        };
        let mut tickets = client.tickets.clone();
        async move { tickets.add_comment(request).await.expect("comment") }
    };
    comment(&desk.rita, pb::CommentVisibility::PublicReply).await;
    comment(&desk.sam, pb::CommentVisibility::InternalNote).await;
    let seen = get(&desk.rita, ticket.number).await.ticket.expect("ticket");
    assert!(seen.acknowledged_at.is_none(), "the requester's own reply and an internal note are no acknowledgement");
    comment(&desk.sam, pb::CommentVisibility::PublicReply).await;
    let first = get(&desk.rita, ticket.number).await.ticket.expect("ticket").acknowledged_at.expect("acknowledged");
    comment(&desk.sam, pb::CommentVisibility::PublicReply).await;
    let still = get(&desk.rita, ticket.number).await.ticket.expect("ticket").acknowledged_at.expect("acknowledged");
    assert_eq!(first, still, "the first public answer is the acknowledgement");

    let link = |client: &Client, url: &str, title: &str| {
        let request = pb::AddLinkRequest { number: ticket.number, url: url.into(), title: title.into() };
        let mut triage = client.triage.clone();
        async move { triage.add_link(request).await }
    };
    let bad = link(&desk.sam, "infrastructure#42", "Tracker").await.expect_err("not a web address");
    assert_eq!(field_of(&bad), "url");
    assert_eq!(field_of(&link(&desk.sam, "https://example.org/i/1", " ").await.expect_err("no title")), "title");
    assert_eq!(
        link(&desk.rita, "https://example.org/i/1", "Mine").await.expect_err("rep").code(),
        Code::PermissionDenied
    );
    let added = link(&desk.sam, "https://github.com/example/infrastructure/issues/42", "Hub is slow")
        .await
        .expect("link")
        .into_inner()
        .link
        .expect("link");
    let again =
        link(&desk.sam, "https://github.com/example/infrastructure/issues/42", "Again").await.expect_err("twice");
    assert_eq!(again.code(), Code::AlreadyExists);
    let seen = get(&desk.rita, ticket.number).await;
    assert_eq!(seen.links.len(), 1, "the requester sees the linked issue");
    assert_eq!(
        (seen.links[0].title.as_str(), seen.links[0].added_by.as_ref().expect("by").display_name.as_str()),
        ("Hub is slow", "Sam Steward")
    );
    desk.sam
        .triage
        .clone()
        .remove_link(pb::RemoveLinkRequest { number: ticket.number, link_id: added.id })
        .await
        .expect("remove");
    assert!(get(&desk.rita, ticket.number).await.links.is_empty());

    let timebox = |running: bool| {
        let mut triage = desk.sam.triage.clone();
        let number = ticket.number;
        let client_version = version(&desk.sam, number);
        async move {
            let expected_version = client_version.await;
            triage.set_timebox(pb::SetTimeboxRequest { number, expected_version, running }).await
        }
    };
    timebox(true).await.expect("start");
    let triage = get(&desk.sam, ticket.number).await.triage.expect("triage");
    let (started, ends) = (triage.timebox_started_at.expect("started"), triage.timebox_ends_at.expect("ends"));
    assert_eq!(ends.seconds - started.seconds, 30 * 60, "the timebox is 30 minutes");
    timebox(false).await.expect("stop");
    assert!(get(&desk.sam, ticket.number).await.triage.expect("triage").timebox_started_at.is_none());

    // The history says what triage did; the requester does not see the staff-only entries.
    let history = |client: &Client| {
        let mut tickets = client.tickets.clone();
        let number = ticket.number;
        async move {
            tickets
                .list_ticket_events(pb::ListTicketEventsRequest { number })
                .await
                .expect("history")
                .into_inner()
                .events
        }
    };
    let staff: Vec<String> = history(&desk.sam).await.into_iter().map(|e| sentence(&e.what)).collect();
    assert!(staff.iter().any(|s| s == "started the 30-minute timebox"), "{staff:?}");
    assert!(staff.iter().any(|s| s.starts_with("linked the issue \"Hub is slow\"")), "{staff:?}");
    let requester: Vec<String> = history(&desk.rita).await.into_iter().map(|e| sentence(&e.what)).collect();
    assert!(requester.iter().any(|s| s.starts_with("linked the issue")), "{requester:?}");
    assert!(!requester.iter().any(|s| s.contains("timebox")), "{requester:?}");
}

#[tokio::test]
async fn only_staff_triage() {
    let desk = desk().await;
    let ticket = file(&desk.rita, desk.aurora, "Access check").await;
    let anonymous = desk.app.anonymous().await;
    for (client, code) in [
        (&anonymous, Code::Unauthenticated),
        (&desk.rita, Code::PermissionDenied),
        (&desk.member, Code::PermissionDenied),
        (&desk.rob, Code::PermissionDenied),
    ] {
        let queue =
            client.triage.clone().get_triage_queue(pb::GetTriageQueueRequest::default()).await.expect_err("queue");
        assert_eq!(queue.code(), code);
        let flags = pb::SetPriorityFlagsRequest { number: ticket.number, expected_version: 1, flags: vec![1] };
        assert_eq!(client.triage.clone().set_priority_flags(flags).await.expect_err("flags").code(), code);
        let fill = pb::FillResponseTemplateRequest {
            number: ticket.number,
            key: "acknowledgement".into(),
            context: String::new(),
            ..Default::default()
        };
        assert_eq!(client.triage.clone().fill_response_template(fill).await.expect_err("fill").code(), code);
    }
    let unknown_flag = pb::SetPriorityFlagsRequest { number: ticket.number, expected_version: 1, flags: vec![99] };
    let refused = desk.sam.triage.clone().set_priority_flags(unknown_flag).await.expect_err("unknown flag");
    assert_eq!(field_of(&refused), "flags[0]");
    let stale = pb::SetPriorityFlagsRequest { number: ticket.number, expected_version: 0, flags: vec![1] };
    let refused = desk.sam.triage.clone().set_priority_flags(stale).await.expect_err("stale");
    assert_eq!(refused.get_details_error_info().expect("info").reason, "STALE_VERSION");
}

#[tokio::test]
async fn resolving_asks_the_requesters_side_for_a_rating_once() {
    let desk = desk().await;
    let ticket = file(&desk.rita, desk.aurora, "Survey me").await;
    assert!(get(&desk.rita, ticket.number).await.survey.is_none(), "no survey before it is resolved");
    let resolve = pb::TransitionTicketRequest {
        number: ticket.number,
        action: pb::TicketAction::Resolve as i32,
        expected_version: version(&desk.sam, ticket.number).await,
        reason: String::new(),
    };
    desk.sam.tickets.clone().transition_ticket(resolve).await.expect("resolve");

    let survey = get(&desk.rita, ticket.number).await.survey.expect("the requester is asked");
    assert!(survey.can_answer && survey.rating.is_none());
    assert!(get(&desk.member, ticket.number).await.survey.is_none(), "another member of the community is not asked");
    assert!(!get(&desk.sam, ticket.number).await.survey.expect("staff see it").can_answer);

    let answer = |client: &Client, rating: i32| {
        let request = pb::AnswerSurveyRequest { number: ticket.number, rating, comment: "Quick and clear.".into() };
        let mut tickets = client.tickets.clone();
        async move { tickets.answer_survey(request).await }
    };
    for rating in [0, 6] {
        let refused = answer(&desk.rita, rating).await.expect_err("out of range");
        assert_eq!((refused.code(), field_of(&refused)), (Code::InvalidArgument, "rating".to_owned()));
    }
    assert_eq!(answer(&desk.sam, 5).await.expect_err("staff").code(), Code::PermissionDenied);
    assert_eq!(answer(&desk.rob, 5).await.expect_err("other community").code(), Code::NotFound);
    let answered = answer(&desk.rita, 4).await.expect("answer").into_inner().survey.expect("survey");
    assert_eq!((answered.rating, answered.can_answer), (Some(4), false));
    assert_eq!(answer(&desk.rita, 1).await.expect_err("twice").code(), Code::FailedPrecondition);

    let seen = get(&desk.sam, ticket.number).await.survey.expect("kept for staff");
    assert_eq!((seen.rating, seen.comment.as_str()), (Some(4), "Quick and clear."));
    assert_eq!(seen.answered_by.expect("by").display_name, "Rita Rep");
}

#[tokio::test]
async fn workshop_requests_are_scheduled_for_a_day_not_assigned() {
    let desk = desk().await;
    let ticket = file(&desk.rita, desk.aurora, "Workshop for new students").await;
    let not_yet = update(&desk.sam, ticket.number, None, Some("2026-12-01")).await.expect_err("not a workshop");
    assert_eq!(field_of(&not_yet), "scheduled_for");
    set_type(&desk.sam, ticket.number, pb::RequestType::WorkshopRequest).await;

    let staff = desk.sam.directory.clone().list_staff(pb::ListStaffRequest {}).await.expect("staff").into_inner().staff;
    let sam_id = staff.iter().find(|p| p.display_name == "Sam Steward").expect("sam").id;
    let assigned = update(&desk.sam, ticket.number, Some(sam_id), None).await.expect_err("workshops are not assigned");
    assert_eq!(field_of(&assigned), "assignee_id");
    assert!(assigned.message().contains("scheduled"), "{}", assigned.message());
    let bad_day = update(&desk.sam, ticket.number, None, Some("1 December")).await.expect_err("bad day");
    assert_eq!(field_of(&bad_day), "scheduled_for");

    let scheduled = update(&desk.sam, ticket.number, None, Some("2026-12-01")).await.expect("schedule");
    assert_eq!(scheduled.into_inner().ticket.expect("ticket").scheduled_for.as_deref(), Some("2026-12-01"));
    assert_eq!(
        get(&desk.rita, ticket.number).await.ticket.expect("ticket").scheduled_for.as_deref(),
        Some("2026-12-01")
    );
    let cleared = update(&desk.sam, ticket.number, None, Some("")).await.expect("unschedule");
    assert_eq!(cleared.into_inner().ticket.expect("ticket").scheduled_for, None);
}

#[tokio::test]
async fn the_assignee_suggestion_prefers_who_is_on_duty_then_who_knows_the_community() {
    let desk = desk().await;
    let ticket = file(&desk.rita, desk.aurora, "Who takes this?").await;
    // Sam works on an Aurora ticket (recategorizing it); Ada has not touched Aurora.
    set_type(&desk.sam, ticket.number, pb::RequestType::GuidanceRequest).await;
    let suggest = |client: &Client| {
        let mut triage = client.triage.clone();
        let number = ticket.number;
        async move { triage.suggest_assignee(pb::SuggestAssigneeRequest { number }).await }
    };
    let first = suggest(&desk.sam).await.expect("suggest").into_inner().suggestions;
    let names: Vec<&str> = first.iter().map(|s| s.person.as_ref().expect("person").display_name.as_str()).collect();
    assert_eq!(names, ["Sam Steward", "Ada Admin"]);
    assert_eq!(first[0].reasons, ["worked on Aurora Hub's tickets today", "no open tickets"]);
    assert_eq!(suggest(&desk.rita).await.expect_err("rep").code(), Code::PermissionDenied);

    let staff = desk.sam.directory.clone().list_staff(pb::ListStaffRequest {}).await.expect("staff").into_inner().staff;
    let ada = staff.iter().find(|p| p.display_name == "Ada Admin").expect("ada").id;
    let today = chrono::Utc::now().date_naive();
    let add = |client: &Client, starts_on: String, ends_on: String| {
        let mut levels = client.service_levels.clone();
        let cover =
            pb::AddRotationOverrideRequest { starts_on, ends_on, on_person_id: Some(ada), ..Default::default() };
        async move { levels.add_rotation_override(cover).await }
    };
    let (from, until) = (today.to_string(), (today + chrono::Days::new(14)).to_string());
    assert_eq!(add(&desk.sam, from.clone(), until.clone()).await.expect_err("steward").code(), Code::PermissionDenied);
    let backwards = add(&desk.admin, until.clone(), from.clone()).await.expect_err("ends first");
    assert_eq!(field_of(&backwards), "ends_on");
    assert_eq!(field_of(&add(&desk.admin, "soon".into(), until.clone()).await.expect_err("bad day")), "starts_on");
    let nothing =
        pb::AddRotationOverrideRequest { starts_on: "".into(), ends_on: "later".into(), ..Default::default() };
    let nothing = desk.admin.service_levels.clone().add_rotation_override(nothing).await.expect_err("nothing chosen");
    assert_eq!(fields_of(&nothing), ["starts_on", "ends_on", "off_person_id"]);
    add(&desk.admin, from, until).await.expect("admin puts Ada on duty");
    let rotation =
        desk.sam.service_levels.clone().get_rotation(pb::GetRotationRequest {}).await.expect("rotation").into_inner();
    let on_today: Vec<&str> = rotation.on_duty_today.iter().map(|p| p.display_name.as_str()).collect();
    assert_eq!(on_today, ["Ada Admin"]);

    let now = suggest(&desk.sam).await.expect("suggest").into_inner().suggestions;
    assert_eq!(now[0].person.as_ref().expect("person").display_name, "Ada Admin");
    assert_eq!(now[0].reasons, ["on support duty now", "no open tickets"]);

    set_type(&desk.sam, ticket.number, pb::RequestType::WorkshopRequest).await;
    assert!(suggest(&desk.sam).await.expect("suggest").into_inner().suggestions.is_empty(), "workshops are scheduled");

    let id = rotation.overrides[0].id;
    desk.admin
        .service_levels
        .clone()
        .remove_rotation_override(pb::RemoveRotationOverrideRequest { id })
        .await
        .expect("remove");
    let after = desk.sam.service_levels.clone().get_rotation(pb::GetRotationRequest {}).await.expect("rotation");
    assert!(after.into_inner().on_duty_today.is_empty(), "nobody is in the rotation yet");
}

#[tokio::test]
async fn an_admins_edit_of_a_form_is_what_the_server_enforces() {
    let desk = desk().await;
    let forms = desk.rita.intake.clone().get_intake_forms(pb::GetIntakeFormsRequest {}).await.expect("forms");
    let mut other =
        forms.into_inner().forms.into_iter().find(|f| f.request_type == pb::RequestType::Other as i32).expect("other");
    assert!(!other.customized);
    other.description = "Anything that fits no other type.".into();
    other.fields.push(pb::FormField {
        key: "hub".into(),
        label: "Which hub?".into(),
        help: "Its address.".into(),
        required: true,
        kind: pb::FieldKind::Url as i32,
    });
    let save = |client: &Client, form: pb::IntakeForm| {
        let mut intake = client.intake.clone();
        async move { intake.save_intake_form(pb::SaveIntakeFormRequest { form: Some(form) }).await }
    };
    assert_eq!(save(&desk.sam, other.clone()).await.expect_err("steward").code(), Code::PermissionDenied);
    let mut bad = other.clone();
    bad.fields.last_mut().expect("field").key = "Which hub".into();
    let refused = save(&desk.admin, bad).await.expect_err("bad key");
    assert_eq!(field_of(&refused), format!("form.fields[{}].key", other.fields.len() - 1));
    let saved = save(&desk.admin, other.clone()).await.expect("admin saves").into_inner().form.expect("form");
    assert!(saved.customized);

    // The server, not only the browser, asks the new question.
    let mut request = pb::CreateTicketRequest {
        community_id: desk.aurora,
        request_type: pb::RequestType::Other as i32,
        priority: pb::Priority::Normal as i32,
        title: "Needs the hub".into(),
        description: "Something else.".into(),
        confidential: false,
        answers: Default::default(),
        attachment_ids: Vec::new(),
    };
    let missing = desk.rita.tickets.clone().create_ticket(request.clone()).await.expect_err("question unanswered");
    assert_eq!((missing.code(), field_of(&missing)), (Code::InvalidArgument, "answers.hub".to_owned()));
    request.answers.insert("hub".into(), "not a web address".into());
    let wrong = desk.rita.tickets.clone().create_ticket(request.clone()).await.expect_err("kind is checked");
    assert_eq!(field_of(&wrong), "answers.hub");
    request.answers.insert("hub".into(), "https://hub.aurora.example".into());
    let filed = desk
        .rita
        .tickets
        .clone()
        .create_ticket(request.clone())
        .await
        .expect("filed")
        .into_inner()
        .ticket
        .expect("ticket");
    assert_eq!(filed.answers[0].label, "Which hub?");

    // Restoring the shipped form drops the question again.
    let reset = pb::ResetIntakeFormRequest { request_type: pb::RequestType::Other as i32 };
    let restored =
        desk.admin.intake.clone().reset_intake_form(reset).await.expect("reset").into_inner().form.expect("form");
    assert!(!restored.customized && restored.fields.iter().all(|f| f.key != "hub"));
    let stale = desk.rita.tickets.clone().create_ticket(request).await.expect_err("no such question any more");
    assert_eq!(field_of(&stale), "answers.hub");
}

#[tokio::test]
async fn turning_an_assigned_ticket_into_a_workshop_unassigns_it_and_says_so() {
    let desk = desk().await;
    let ticket = file(&desk.rita, desk.aurora, "Workshop for new students").await;
    let staff = desk.sam.directory.clone().list_staff(pb::ListStaffRequest {}).await.expect("staff").into_inner().staff;
    let sam_id = staff.iter().find(|p| p.display_name == "Sam Steward").expect("sam").id;
    let assigned = update(&desk.sam, ticket.number, Some(sam_id), None).await.expect("assign").into_inner();
    assert_eq!(assigned.ticket.expect("ticket").assignee.map(|a| a.id), Some(sam_id));

    set_type(&desk.sam, ticket.number, pb::RequestType::WorkshopRequest).await;
    let workshop = get(&desk.rita, ticket.number).await.ticket.expect("ticket");
    assert_eq!(workshop.request_type, pb::RequestType::WorkshopRequest as i32);
    assert_eq!(workshop.assignee, None, "a workshop is scheduled, not assigned, whatever the order of the edits");
    let events = desk
        .rita
        .tickets
        .clone()
        .list_ticket_events(pb::ListTicketEventsRequest { number: ticket.number })
        .await
        .expect("events")
        .into_inner()
        .events;
    assert_eq!(
        events.last().map(|e| sentence(&e.what)).as_deref(),
        Some("changed the assignee to nobody, the type to Workshop request")
    );
}
