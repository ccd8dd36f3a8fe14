//! Incidents through the API: declared from a ticket, a second community's ticket linked, the
//! phases stepped, command handed over, updates posted (public ones reaching every linked
//! ticket), each community seeing only what affects it and never the internal entries.

use steward_domain::incident::IncidentEvent;
use steward_domain::{MembershipRole, StaffRole};
use steward_proto::v1 as pb;
use steward_proto::v1::watch_response::Message;
use tonic::Code;
use tonic_types::StatusExt;

use crate::util::{Client, TestApp};

struct Desk {
    app: TestApp,
    sam: Client,
    ada: Client,
    rita: Client,
    rob: Client,
    ada_id: i64,
    rita_id: i64,
    aurora: i64,
    borealis: i64,
}

async fn desk() -> Desk {
    let app = TestApp::spawn().await;
    let aurora = app.community("aurora", "Aurora Hub").await;
    let borealis = app.community("borealis", "Borealis Lab").await;
    let rita_id = app.person("rita@example.org", "Rita Rep", None).await;
    let rob = app.person("rob@example.org", "Rob Rep", None).await;
    app.person("sam@example.org", "Sam Steward", Some(StaffRole::Steward)).await;
    let ada_id = app.person("ada@example.org", "Ada Admin", Some(StaffRole::Admin)).await;
    app.membership(rita_id, aurora, MembershipRole::Representative).await;
    app.membership(rob, borealis, MembershipRole::Representative).await;
    Desk {
        sam: app.sign_in("sam@example.org").await,
        ada: app.sign_in("ada@example.org").await,
        rita: app.sign_in("rita@example.org").await,
        rob: app.sign_in("rob@example.org").await,
        app,
        ada_id,
        rita_id,
        aurora,
        borealis,
    }
}

async fn file(client: &Client, community_id: i64, title: &str) -> pb::Ticket {
    let request = pb::CreateTicketRequest {
        community_id,
        request_type: pb::RequestType::Other as i32,
        priority: pb::Priority::Urgent as i32,
        title: title.into(),
        description: "Nobody can log in.".into(),
        ..Default::default()
    };
    client.tickets.clone().create_ticket(request).await.expect("file").into_inner().ticket.expect("ticket")
}

async fn get(client: &Client, number: i64) -> Result<pb::GetIncidentResponse, tonic::Status> {
    client.incidents.clone().get_incident(pb::GetIncidentRequest { number }).await.map(|r| r.into_inner())
}

fn field(status: &tonic::Status) -> String {
    status
        .get_details_bad_request()
        .and_then(|b| b.field_violations.first().map(|v| v.field.clone()))
        .unwrap_or_default()
}

fn entry_kinds(timeline: &[pb::IncidentEntry]) -> Vec<&'static str> {
    use pb::incident_entry::Entry;
    timeline
        .iter()
        .map(|e| match e.entry {
            Some(Entry::Declared(_)) => "declared",
            Some(Entry::Stepped(_)) => "stepped",
            Some(Entry::CommandHandedOver(_)) => "command_handed_over",
            Some(Entry::RoleChanged(_)) => "role_changed",
            Some(Entry::TicketLinked(_)) => "ticket_linked",
            Some(Entry::CommunityAdded(_)) => "community_added",
            Some(Entry::UpdatePosted(_)) => "update_posted",
            Some(Entry::ReportMoved(_)) => "report_moved",
            Some(Entry::ResolutionConfirmed(_)) => "resolution_confirmed",
            Some(Entry::PublicitySet(_)) => "publicity_set",
            Some(Entry::EntryPinned(_)) => "entry_pinned",
            Some(Entry::TaskAdded(_)) => "task_added",
            Some(Entry::TaskUpdated(_)) => "task_updated",
            Some(Entry::Paged(_)) => "paged",
            Some(Entry::PageAcknowledged(_)) => "page_acknowledged",
            Some(Entry::PageEnded(_)) => "page_ended",
            None => "none",
        })
        .collect()
}

async fn replies(client: &Client, number: i64) -> Vec<String> {
    let request = pb::ListCommentsRequest { number, after_id: 0 };
    let comments = client.tickets.clone().list_comments(request).await.expect("comments").into_inner().comments;
    comments.into_iter().map(|c| c.body).collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_steward_escalates_a_ticket_and_runs_the_incident_that_each_community_follows() {
    let desk = desk().await;
    let aurora_ticket = file(&desk.rita, desk.aurora, "Aurora hub is down").await;
    let borealis_ticket = file(&desk.rob, desk.borealis, "Borealis hub is down").await;
    let mut incidents = desk.sam.incidents.clone();

    // Only staff declare; a bad declaration names every field at once.
    let declare = |title: &str, severity: pb::Priority| pb::DeclareIncidentRequest {
        title: title.into(),
        severity: severity as i32,
        commander_id: 0,
        escalated_ticket_number: aurora_ticket.number,
    };
    let refused = desk.rita.incidents.clone().declare_incident(declare("Hub down", pb::Priority::ProductionDown)).await;
    assert_eq!(refused.expect_err("a representative").code(), Code::PermissionDenied);
    let bad = pb::DeclareIncidentRequest { commander_id: desk.rita_id, ..declare(" ", pb::Priority::ProductionDown) };
    let bad = incidents.declare_incident(bad).await.expect_err("no title, no staff commander");
    let fields: Vec<String> =
        bad.get_details_bad_request().expect("violations").field_violations.into_iter().map(|v| v.field).collect();
    assert_eq!(fields, ["title", "commander_id"]);

    let declared = incidents
        .declare_incident(declare("Hubs down", pb::Priority::ProductionDown))
        .await
        .expect("declare")
        .into_inner()
        .incident
        .expect("incident");
    assert_eq!(declared.phase, pb::IncidentPhase::Investigating as i32);
    assert_eq!(declared.commander.as_ref().expect("commander").display_name, "Sam Steward");
    let names = |i: &pb::Incident| i.affected_communities.iter().map(|c| c.name.clone()).collect::<Vec<_>>();
    assert_eq!(names(&declared), ["Aurora Hub"]);
    let due = declared.next_update_due.as_ref().expect("an update is due").seconds;
    assert_eq!(due - declared.declared_at.as_ref().expect("declared at").seconds, 3600, "production down: hourly");
    let steps = [pb::IncidentStep::Identify, pb::IncidentStep::Monitor, pb::IncidentStep::Resolve].map(|s| s as i32);
    assert_eq!(declared.available_steps, steps);
    let number = declared.number;

    // Aurora's representative sees it (public entries only); Borealis's does not, until its
    // ticket is linked.
    let as_rita = get(&desk.rita, number).await.expect("rita sees it");
    assert!(as_rita.roles.is_empty() && as_rita.tickets.is_empty(), "roles and links are the team's");
    assert_eq!(entry_kinds(&as_rita.timeline), ["declared"]);
    assert!(as_rita.incident.expect("incident").available_steps.is_empty());
    assert_eq!(get(&desk.rob, number).await.expect_err("rob").code(), Code::NotFound);
    let listed = desk.rob.incidents.clone().list_incidents(pb::ListIncidentsRequest::default()).await.expect("list");
    assert!(listed.into_inner().incidents.is_empty());

    let link = |ticket_number| pb::LinkIncidentTicketRequest { number, ticket_number };
    let linked = incidents.link_incident_ticket(link(borealis_ticket.number)).await.expect("link").into_inner();
    assert_eq!(names(&linked.incident.expect("incident")), ["Aurora Hub", "Borealis Lab"]);
    let again = incidents.link_incident_ticket(link(aurora_ticket.number)).await.expect_err("linked already");
    assert_eq!((again.code(), field(&again)), (Code::InvalidArgument, "ticket_number".to_owned()));
    assert!(again.message().contains("linked to this incident already"), "{}", again.message());
    get(&desk.rob, number).await.expect("rob sees it now");

    // A public update reaches both tickets as a public reply; an internal one stays with the team.
    let post = |body: &str, public| pb::PostIncidentUpdateRequest { number, body: body.into(), public };
    incidents.post_incident_update(post("We are on it; next update within the hour.", true)).await.expect("public");
    incidents.post_incident_update(post("The database replica is lagging.", false)).await.expect("internal");
    let empty = incidents.post_incident_update(post("  ", true)).await.expect_err("empty");
    assert_eq!(field(&empty), "body");
    for (client, ticket) in [(&desk.rita, &aurora_ticket), (&desk.rob, &borealis_ticket)] {
        assert_eq!(replies(client, ticket.number).await, ["We are on it; next update within the hour."]);
    }
    let as_rob = get(&desk.rob, number).await.expect("rob");
    assert_eq!(entry_kinds(&as_rob.timeline), ["declared", "update_posted"]);
    let as_sam = get(&desk.sam, number).await.expect("sam");
    assert_eq!(
        entry_kinds(&as_sam.timeline),
        ["declared", "paged", "ticket_linked", "ticket_linked", "update_posted", "update_posted"],
        "production down: the one on call was paged (the team sees it; the communities do not)"
    );
    assert_eq!(as_sam.tickets.len(), 2);

    // Steps at the version the caller saw, in the order the lifecycle allows.
    let version = as_sam.incident.expect("incident").version;
    let step = |expected_version, step: pb::IncidentStep| pb::StepIncidentRequest {
        number,
        expected_version,
        step: step as i32,
        resolve_linked_tickets: false,
    };
    let stale = incidents.step_incident(step(version - 1, pb::IncidentStep::Identify)).await.expect_err("stale");
    assert_eq!(stale.get_details_error_info().expect("reason").reason, "STALE_VERSION");
    let identified = incidents
        .step_incident(step(version, pb::IncidentStep::Identify))
        .await
        .expect("identify")
        .into_inner()
        .incident
        .expect("incident");
    assert_eq!(identified.phase, pb::IncidentPhase::Identified as i32);
    let close = incidents.step_incident(step(identified.version, pb::IncidentStep::Close)).await.expect_err("close");
    assert_eq!(close.get_details_error_info().expect("reason").reason, "TRANSITION_NOT_ALLOWED");
    let rep_step = desk.rita.incidents.clone().step_incident(step(identified.version, pb::IncidentStep::Resolve)).await;
    assert_eq!(rep_step.expect_err("a representative").code(), Code::PermissionDenied);

    // Handover: one action, recorded with both names; the old command ends as the new begins.
    let hand = |person_id| pb::HandOverCommandRequest { number, person_id };
    let handed = incidents.hand_over_command(hand(desk.ada_id)).await.expect("handover").into_inner();
    assert_eq!(handed.incident.expect("incident").commander.expect("commander").display_name, "Ada Admin");
    let twice = incidents.hand_over_command(hand(desk.ada_id)).await.expect_err("already");
    assert!(twice.message().contains("commander already"), "{}", twice.message());
    let to_rep = incidents.hand_over_command(hand(desk.rita_id)).await.expect_err("not staff");
    assert_eq!(field(&to_rep), "person_id");
    let listed =
        incidents.list_incidents(pb::ListIncidentsRequest::default()).await.expect("list").into_inner().incidents;
    assert_eq!(
        listed[0].commander.as_ref().expect("commander").display_name,
        "Ada Admin",
        "the list says who commands"
    );
    let roles = get(&desk.ada, number).await.expect("ada").roles;
    let commands: Vec<_> = roles.iter().filter(|r| r.role == pb::IncidentRole::Commander as i32).collect();
    assert_eq!(commands.len(), 2);
    assert_eq!(commands[0].ended_at, commands[1].started_at, "no gap and no overlap");
    assert!(commands[1].ended_at.is_none());
    let handover_entry = get(&desk.ada, number).await.expect("ada").timeline.pop().expect("an entry");
    match handover_entry.entry {
        Some(pb::incident_entry::Entry::CommandHandedOver(c)) => {
            assert_eq!(
                (c.from.expect("from").display_name, c.to.expect("to").display_name),
                ("Sam Steward".into(), "Ada Admin".into())
            );
        }
        other => panic!("the last entry is the handover, not {other:?}"),
    }

    // Resolving stops the update clock; closing waits for the report.
    let current = get(&desk.sam, number).await.expect("sam").incident.expect("incident").version;
    let resolved = incidents
        .step_incident(step(current, pb::IncidentStep::Resolve))
        .await
        .expect("resolve")
        .into_inner()
        .incident
        .expect("incident");
    assert!(resolved.resolved_at.is_some() && resolved.next_update_due.is_none());
    let early = incidents.step_incident(step(resolved.version, pb::IncidentStep::Close)).await.expect_err("no report");
    assert_eq!(early.code(), Code::FailedPrecondition);
    assert!(early.message().contains("Publish the incident report first"), "{}", early.message());
    let as_rita = get(&desk.rita, number).await.expect("rita");
    assert_eq!(entry_kinds(&as_rita.timeline), ["declared", "update_posted", "stepped", "stepped"]);
}

#[tokio::test(flavor = "multi_thread")]
async fn the_timeline_accepts_exactly_the_kinds_of_entry_steward_writes() {
    use diesel::sql_types::{BigInt, Text};
    use diesel_async::RunQueryDsl;

    let desk = desk().await;
    let declared = desk
        .sam
        .incidents
        .clone()
        .declare_incident(pb::DeclareIncidentRequest {
            title: "Hub down".into(),
            severity: pb::Priority::Normal as i32,
            ..Default::default()
        })
        .await
        .expect("declare")
        .into_inner()
        .incident
        .expect("incident");
    let mut conn = desk.app.state.core.pool.get().await.expect("conn");
    let insert = |kind: &str| {
        diesel::sql_query(
            "INSERT INTO incident_events (incident_number, kind, internal, data, at) VALUES ($1, $2, true, '{}', now())",
        )
        .bind::<BigInt, _>(declared.number)
        .bind::<Text, _>(kind.to_owned())
    };
    for kind in IncidentEvent::KINDS {
        insert(kind).execute(&mut conn).await.unwrap_or_else(|e| panic!("{kind} refused: {e}"));
    }
    let unknown = insert("teleported").execute(&mut conn).await.expect_err("an unknown kind");
    assert!(unknown.to_string().contains("incident_events_kind_check"), "{unknown}");
}

#[tokio::test(flavor = "multi_thread")]
async fn the_response_team_grows_and_shrinks_and_a_community_can_be_named_affected_by_hand() {
    let desk = desk().await;
    let mut incidents = desk.sam.incidents.clone();
    let declare = pb::DeclareIncidentRequest {
        title: "Slow logins".into(),
        severity: pb::Priority::Urgent as i32,
        commander_id: desk.ada_id,
        escalated_ticket_number: 0,
    };
    let declared = incidents.declare_incident(declare).await.expect("declare").into_inner().incident.expect("incident");
    assert_eq!(declared.commander.expect("commander").display_name, "Ada Admin", "the declarer named Ada");
    let due = declared.next_update_due.expect("due").seconds - declared.declared_at.expect("at").seconds;
    assert_eq!(due, 4 * 3600, "urgent: every 4 hours");
    let number = declared.number;

    let role = |person_id, role: pb::IncidentRole, joined| pb::SetIncidentRoleRequest {
        number,
        person_id,
        role: role as i32,
        joined,
    };
    let sam_id = desk.sam.clone_auth().get_current_user(pb::GetCurrentUserRequest {}).await.expect("sam");
    let sam_id = sam_id.into_inner().person.expect("person").id;
    incidents.set_incident_role(role(sam_id, pb::IncidentRole::SubjectMatterExpert, true)).await.expect("joins");
    let twice = incidents.set_incident_role(role(sam_id, pb::IncidentRole::SubjectMatterExpert, true)).await;
    assert!(twice.expect_err("twice").message().contains("already"));
    let rep = incidents.set_incident_role(role(desk.rita_id, pb::IncidentRole::SupportSteward, true)).await;
    assert_eq!(field(&rep.expect_err("not staff")), "person_id");
    let step_down = incidents.set_incident_role(role(desk.ada_id, pb::IncidentRole::Commander, false)).await;
    assert!(step_down.expect_err("the commander").message().contains("hand over"));
    incidents.set_incident_role(role(sam_id, pb::IncidentRole::SubjectMatterExpert, false)).await.expect("leaves");
    let roles = get(&desk.sam, number).await.expect("sam").roles;
    let expert = roles.iter().find(|r| r.role == pb::IncidentRole::SubjectMatterExpert as i32).expect("expert row");
    assert!(expert.ended_at.is_some(), "the row is kept with its end");

    // Nobody sees it but staff until a community is affected; named by hand, its people do.
    assert_eq!(get(&desk.rob, number).await.expect_err("rob").code(), Code::NotFound);
    let add = |community_id| pb::AddAffectedCommunityRequest { number, community_id };
    let added = incidents.add_affected_community(add(desk.borealis)).await.expect("add").into_inner();
    assert_eq!(added.incident.expect("incident").affected_communities.len(), 1);
    get(&desk.rob, number).await.expect("rob sees it now");
    assert_eq!(get(&desk.rita, number).await.expect_err("rita").code(), Code::NotFound);
    let again = incidents.add_affected_community(add(desk.borealis)).await.expect_err("again");
    assert_eq!(field(&again), "community_id");
    let timeline = get(&desk.sam, number).await.expect("sam").timeline;
    assert_eq!(entry_kinds(&timeline), ["declared", "role_changed", "role_changed", "community_added"]);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_resolved_incident_gets_its_report_and_closes_once_published_and_confirmed_or_quiet() {
    let desk = desk().await;
    let aurora_ticket = file(&desk.rita, desk.aurora, "Aurora hub is down").await;
    let borealis_ticket = file(&desk.rob, desk.borealis, "Borealis hub is down").await;
    let mut incidents = desk.sam.incidents.clone();
    let declare = pb::DeclareIncidentRequest {
        title: "Hubs down".into(),
        severity: pb::Priority::ProductionDown as i32,
        commander_id: 0,
        escalated_ticket_number: aurora_ticket.number,
    };
    let number = incidents.declare_incident(declare).await.expect("declare").into_inner().incident.expect("i").number;
    let link = pb::LinkIncidentTicketRequest { number, ticket_number: borealis_ticket.number };
    incidents.link_incident_ticket(link).await.expect("link");
    let report_of = |client: &Client| {
        let mut incidents = client.incidents.clone();
        async move { incidents.get_incident_report(pb::GetIncidentReportRequest { number }).await.map(|r| r.into_inner()) }
    };
    assert_eq!(report_of(&desk.sam).await.expect_err("none before resolution").code(), Code::NotFound);
    let update = pb::PostIncidentUpdateRequest { number, body: "A node was replaced.".into(), public: true };
    incidents.post_incident_update(update).await.expect("update");

    // A member's request still awaiting approval cannot be resolved: resolving the incident with
    // its tickets leaves that one, and says why.
    let mo = desk.app.person("mo@example.org", "Mo Member", None).await;
    desk.app.membership(mo, desk.aurora, MembershipRole::Member).await;
    let waiting = file(&desk.app.sign_in("mo@example.org").await, desk.aurora, "Mo cannot log in").await;
    assert_eq!(waiting.state, pb::TicketState::AwaitingApproval as i32);
    incidents
        .link_incident_ticket(pb::LinkIncidentTicketRequest { number, ticket_number: waiting.number })
        .await
        .expect("link");

    // Resolving starts the report: owned by the commander, due in three days, timeline drafted.
    let version = get(&desk.sam, number).await.expect("sam").incident.expect("i").version;
    let resolve = pb::StepIncidentRequest {
        number,
        expected_version: version,
        step: pb::IncidentStep::Resolve as i32,
        resolve_linked_tickets: true,
    };
    let resolved = incidents.step_incident(resolve).await.expect("resolve").into_inner();
    assert_eq!(resolved.tickets_resolved, [aurora_ticket.number, borealis_ticket.number]);
    assert_eq!(resolved.tickets_left.len(), 1);
    assert_eq!(resolved.tickets_left[0].number, waiting.number);
    assert!(resolved.tickets_left[0].reason.contains("must approve"), "{}", resolved.tickets_left[0].reason);
    let state_of = |client: &Client, number| {
        let mut tickets = client.tickets.clone();
        async move {
            tickets
                .get_ticket(pb::GetTicketRequest { number })
                .await
                .expect("ticket")
                .into_inner()
                .ticket
                .expect("t")
                .state
        }
    };
    assert_eq!(state_of(&desk.rob, borealis_ticket.number).await, pb::TicketState::Resolved as i32);
    assert_eq!(state_of(&desk.rita, waiting.number).await, pb::TicketState::AwaitingApproval as i32);
    let resolved = resolved.incident.expect("i");
    let report = report_of(&desk.sam).await.expect("report").report.expect("report");
    assert_eq!(report.state, pb::IncidentReportState::Draft as i32);
    assert_eq!(report.owner.as_ref().expect("owner").display_name, "Sam Steward");
    let resolved_at = resolved.resolved_at.expect("resolved at").seconds;
    assert_eq!(report.due_at.as_ref().expect("due").seconds - resolved_at, 3 * 24 * 3600);
    let timeline = &report.sections.as_ref().expect("sections").timeline;
    assert!(
        timeline.contains("declared: Hubs down") && timeline.contains("update: A node was replaced."),
        "{timeline}"
    );
    assert!(timeline.ends_with("resolved"), "{timeline}");
    assert_eq!(report_of(&desk.rita).await.expect_err("a draft").code(), Code::NotFound, "drafts are the team's");

    // Closing waits for the published report.
    let close = |expected_version| pb::StepIncidentRequest {
        number,
        expected_version,
        step: pb::IncidentStep::Close as i32,
        resolve_linked_tickets: false,
    };
    let early = incidents.step_incident(close(resolved.version)).await.expect_err("no report");
    assert!(early.message().contains("Publish the incident report first"), "{}", early.message());

    // Writing it: every bad field at once; then saved, with an action item.
    let sam_id = report.owner.as_ref().expect("owner").id;
    let at = |seconds| Some(prost_types::Timestamp { seconds, nanos: 0 });
    let save = |expected_version, owner_id, detected: i64, mitigated: i64| pb::SaveIncidentReportRequest {
        number,
        expected_version,
        owner_id,
        sections: Some(pb::IncidentReportSections {
            summary: "A **node** failed.<script>alert(1)</script>".into(),
            ..report.sections.clone().expect("sections")
        }),
        started_at: at(resolved_at - 7200),
        detected_at: at(resolved_at - detected),
        mitigated_at: at(resolved_at - mitigated),
    };
    let bad = incidents.save_incident_report(save(report.version, desk.rita_id, 9000, 9500)).await.expect_err("bad");
    let fields: Vec<String> =
        bad.get_details_bad_request().expect("violations").field_violations.into_iter().map(|v| v.field).collect();
    assert_eq!(fields, ["owner_id", "detected_at", "mitigated_at"]);
    let saved = incidents.save_incident_report(save(report.version, sam_id, 3600, 600)).await.expect("save");
    let saved = saved.into_inner().report.expect("report");
    assert_eq!(saved.duration_minutes, 120, "from the start to the resolution");
    let html = &saved.sections_html.as_ref().expect("html").summary;
    assert!(html.contains("<strong>node</strong>") && !html.contains("<script"), "{html}");
    let stale = incidents.save_incident_report(save(report.version, sam_id, 3600, 600)).await.expect_err("stale");
    assert_eq!(stale.get_details_error_info().expect("reason").reason, "STALE_VERSION");
    let item = pb::AddActionItemRequest {
        number,
        title: "Alert on node health".into(),
        owner_id: sam_id,
        due_on: "2027-01-15".into(),
        issue_url: "javascript:alert(1)".into(),
    };
    let bad = pb::AddActionItemRequest { title: " ".into(), due_on: "soon".into(), ..item.clone() };
    let bad = incidents.add_action_item(bad).await.expect_err("everything wrong");
    let fields: Vec<String> =
        bad.get_details_bad_request().expect("violations").field_violations.into_iter().map(|v| v.field).collect();
    assert_eq!(fields, ["title", "due_on", "issue_url"]);
    let item = pb::AddActionItemRequest { issue_url: "https://github.com/example/infra/issues/7".into(), ..item };
    let with_item = incidents.add_action_item(item).await.expect("item").into_inner().report.expect("report");
    assert_eq!(with_item.action_items.len(), 1);

    // Draft -> In review -> Published; a published report is final and readable by the communities.
    let to = |expected_version, state: pb::IncidentReportState| pb::MoveIncidentReportRequest {
        number,
        expected_version,
        state: state as i32,
    };
    let skip = incidents.move_incident_report(to(with_item.version, pb::IncidentReportState::Published)).await;
    assert!(skip.expect_err("review first").message().contains("review first"));
    let review = incidents.move_incident_report(to(with_item.version, pb::IncidentReportState::InReview)).await;
    let review = review.expect("review").into_inner().report.expect("report");
    let published = incidents.move_incident_report(to(review.version, pb::IncidentReportState::Published)).await;
    let published = published.expect("publish").into_inner().report.expect("report");
    assert!(published.published_at.is_some() && !published.overdue);
    let late_edit = incidents.save_incident_report(save(published.version, sam_id, 3600, 600)).await;
    assert!(late_edit.expect_err("final").message().contains("stays as it was published"));
    let read = report_of(&desk.rob).await.expect("rob reads the published report").report.expect("report");
    assert_eq!(read.action_items[0].title, "Alert on node health");

    // Aurora confirms; Borealis has not, so it may not close yet, until 48 quiet working hours pass.
    let confirm = |client: &Client| {
        let mut incidents = client.incidents.clone();
        async move { incidents.confirm_incident_resolution(pb::ConfirmIncidentResolutionRequest { number }).await }
    };
    assert_eq!(confirm(&desk.sam).await.expect_err("staff").code(), Code::PermissionDenied);
    confirm(&desk.rita).await.expect("rita confirms for Aurora");
    let version = get(&desk.sam, number).await.expect("sam").incident.expect("i").version;
    let waiting = incidents.step_incident(close(version)).await.expect_err("Borealis has not confirmed");
    assert!(waiting.message().contains("have not confirmed"), "{}", waiting.message());
    // 48 hours on the clock are not 48 working hours (the business calendar works 8 a day).
    desk.app.clock.advance(chrono::Duration::hours(48));
    // (Sam's session ended meanwhile.)
    let sam = desk.app.sign_in("sam@example.org").await;
    let still = sam.incidents.clone().step_incident(close(version)).await.expect_err("not 48 working hours yet");
    assert!(still.message().contains("have not confirmed"), "{}", still.message());
    desk.app.clock.advance(chrono::Duration::days(10));
    let sam = desk.app.sign_in("sam@example.org").await;
    let closed =
        sam.incidents.clone().step_incident(close(version)).await.expect("closes after 48 quiet working hours");
    assert_eq!(closed.into_inner().incident.expect("i").phase, pb::IncidentPhase::Closed as i32);
    let rob = desk.app.sign_in("rob@example.org").await;
    let kinds = entry_kinds(&get(&rob, number).await.expect("rob").timeline);
    assert_eq!(kinds, ["declared", "update_posted", "stepped", "report_moved", "resolution_confirmed", "stepped"]);
}

#[tokio::test(flavor = "multi_thread")]
async fn the_status_page_shows_what_a_steward_made_public_to_anyone_for_a_week_after_resolution() {
    let desk = desk().await;
    let ticket = file(&desk.rita, desk.aurora, "Rita's own words about the outage").await;
    let mut incidents = desk.sam.incidents.clone();
    let declare = pb::DeclareIncidentRequest {
        title: "Logins fail".into(),
        severity: pb::Priority::Urgent as i32,
        commander_id: 0,
        escalated_ticket_number: ticket.number,
    };
    let number = incidents.declare_incident(declare).await.expect("declare").into_inner().incident.expect("i").number;
    for (body, public) in
        [("We are looking into failing logins.", true), ("STATUS-INTERNAL: the IdP cert expired", false)]
    {
        incidents
            .post_incident_update(pb::PostIncidentUpdateRequest { number, body: body.into(), public })
            .await
            .expect("update");
    }
    let anyone = desk.app.anonymous().await;
    let status = || {
        let mut incidents = anyone.incidents.clone();
        async move { incidents.get_status(pb::GetStatusRequest {}).await.expect("status").into_inner().incidents }
    };
    assert!(status().await.is_empty(), "nothing is public until a steward says so");
    let mut rita_incidents = desk.rita.incidents.clone();
    let refused = rita_incidents.set_incident_public(pb::SetIncidentPublicRequest { number, public: true });
    assert_eq!(refused.await.expect_err("a representative").code(), Code::PermissionDenied);
    incidents.set_incident_public(pb::SetIncidentPublicRequest { number, public: true }).await.expect("public");

    let shown = status().await;
    assert_eq!(shown.len(), 1);
    assert_eq!(
        (shown[0].title.as_str(), shown[0].affected_communities.as_slice()),
        ("Logins fail", &["Aurora Hub".to_owned()][..])
    );
    assert_eq!(shown[0].updates.len(), 1);
    assert!(shown[0].updates[0].body_html.contains("We are looking into failing logins."));
    let text = format!("{shown:?}");
    for secret in ["STATUS-INTERNAL", "Rita", "Sam Steward", "outage"] {
        assert!(!text.contains(secret), "the status page shows {secret:?}: {text}");
    }

    // Resolved, it stays a week; then it is gone.
    let version = get(&desk.sam, number).await.expect("sam").incident.expect("i").version;
    let resolve = pb::StepIncidentRequest {
        number,
        expected_version: version,
        step: pb::IncidentStep::Resolve as i32,
        resolve_linked_tickets: false,
    };
    incidents.step_incident(resolve).await.expect("resolve");
    assert_eq!(status().await[0].phase, pb::IncidentPhase::Resolved as i32);
    desk.app.clock.advance(chrono::Duration::days(7) + chrono::Duration::minutes(1));
    assert!(status().await.is_empty(), "a week after resolution it is off the page");
}

#[tokio::test(flavor = "multi_thread")]
async fn admins_set_how_often_updates_are_owed_and_new_incidents_follow_it() {
    let desk = desk().await;
    let cadence = |production_down_minutes, urgent_minutes, normal_minutes| pb::SetIncidentCadenceRequest {
        cadence: Some(pb::IncidentCadence { production_down_minutes, urgent_minutes, normal_minutes }),
    };
    let steward = desk.sam.incidents.clone().set_incident_cadence(cadence(30, 120, 720)).await;
    assert_eq!(steward.expect_err("a steward").code(), Code::PermissionDenied);
    let bad = desk.ada.incidents.clone().set_incident_cadence(cadence(1, 120, 20_000)).await.expect_err("out of range");
    let fields: Vec<String> =
        bad.get_details_bad_request().expect("violations").field_violations.into_iter().map(|v| v.field).collect();
    assert_eq!(fields, ["production_down_minutes", "normal_minutes"]);
    desk.ada.incidents.clone().set_incident_cadence(cadence(30, 120, 720)).await.expect("admin sets it");
    let read = desk.sam.incidents.clone().get_incident_cadence(pb::GetIncidentCadenceRequest {}).await.expect("read");
    assert_eq!(read.into_inner().cadence.expect("cadence").production_down_minutes, 30);

    let declare = pb::DeclareIncidentRequest {
        title: "Hub down".into(),
        severity: pb::Priority::ProductionDown as i32,
        ..Default::default()
    };
    let declared = desk.sam.incidents.clone().declare_incident(declare).await.expect("declare").into_inner();
    let declared = declared.incident.expect("incident");
    let due = declared.next_update_due.expect("due").seconds - declared.declared_at.expect("at").seconds;
    assert_eq!(due, 30 * 60, "the admins' half hour, not the default hour");
}

/// A Watch stream on incidents, caught up.
async fn watch_incidents(client: &Client, numbers: &[i64], after: Option<pb::LivePosition>) -> Watching {
    let request = pb::WatchRequest {
        after,
        all_incidents: numbers.is_empty(),
        incident_numbers: numbers.to_vec(),
        ..Default::default()
    };
    let mut stream = client.live.clone().watch(request).await.expect("watch").into_inner();
    let mut replayed = Vec::new();
    loop {
        match next_message(&mut stream, ARRIVES).await.expect("the stream says Live in time") {
            Message::Live(live) => {
                let live_at = live.position.expect("position");
                return Watching { skip_through_entry: 0, stream, live_at, replayed };
            }
            Message::IncidentChange(change) => replayed.push(change),
            other => panic!("unexpected {other:?}"),
        }
    }
}

const ARRIVES: std::time::Duration = std::time::Duration::from_secs(10);
const STAYS_AWAY: std::time::Duration = std::time::Duration::from_millis(1500);

struct Watching {
    /// Entries up to this id (a position's event) are skipped: tests declare before they watch
    /// "from now", but "now" is the settled horizon of the whole PostgreSQL cluster, and another
    /// test's open transaction can make the declaration settle after the stream started.
    skip_through_entry: i64,
    stream: tonic::Streaming<pb::WatchResponse>,
    live_at: pb::LivePosition,
    replayed: Vec<pb::IncidentChange>,
}

impl Watching {
    /// The next incident change within `wait`, if one arrives.
    async fn next_within(&mut self, wait: std::time::Duration) -> Option<pb::IncidentChange> {
        loop {
            match next_message(&mut self.stream, wait).await? {
                Message::IncidentChange(change)
                    if change.position.as_ref().is_some_and(|p| p.event <= self.skip_through_entry) => {}
                Message::IncidentChange(change) => return Some(change),
                Message::Heartbeat(_) => {}
                other => panic!("unexpected {other:?}"),
            }
        }
    }

    async fn next(&mut self) -> pb::IncidentChange {
        self.next_within(ARRIVES).await.expect("an incident change arrives")
    }
}

async fn next_message(stream: &mut tonic::Streaming<pb::WatchResponse>, wait: std::time::Duration) -> Option<Message> {
    let message = tokio::time::timeout(wait, stream.message()).await.ok()?;
    message.expect("stream ok").expect("stream open").message
}

fn entry_kind(change: &pb::IncidentChange) -> &'static str {
    change.entry.as_ref().map_or("(withheld)", |e| entry_kinds(std::slice::from_ref(e))[0])
}

#[tokio::test(flavor = "multi_thread")]
async fn the_incident_board_is_live_for_the_team_and_the_affected_community_only_and_resumes_without_gaps() {
    let desk = desk().await;
    let aurora_ticket = file(&desk.rita, desk.aurora, "Aurora hub is down").await;
    let mut incidents = desk.sam.incidents.clone();
    let declare = pb::DeclareIncidentRequest {
        title: "Hub down".into(),
        severity: pb::Priority::Urgent as i32,
        commander_id: 0,
        escalated_ticket_number: aurora_ticket.number,
    };
    let declared = incidents.declare_incident(declare).await.expect("declare").into_inner().incident.expect("incident");
    let number = declared.number;

    let mut ada = watch_incidents(&desk.ada, &[number], None).await;
    let mut rita = watch_incidents(&desk.rita, &[], None).await;
    let mut rob = watch_incidents(&desk.rob, &[], None).await;
    let declaration = get(&desk.sam, number).await.expect("read").timeline;
    for watching in [&mut ada, &mut rita, &mut rob] {
        watching.skip_through_entry = declaration.last().expect("declared").id;
    }

    // An internal update: the team reads it; Aurora's representative learns only that the
    // incident changed; Borealis's learns nothing.
    let update = |body: &str, public: bool| pb::PostIncidentUpdateRequest { number, body: body.into(), public };
    incidents.post_incident_update(update("We suspect the **database**.", false)).await.expect("internal update");
    let seen = ada.next().await;
    assert_eq!(entry_kind(&seen), "update_posted");
    let actor = seen.entry.as_ref().and_then(|e| e.actor.as_ref()).expect("who posted it");
    assert_eq!(actor.display_name, "Sam Steward");
    let Some(pb::incident_entry::Entry::UpdatePosted(posted)) = seen.entry.as_ref().and_then(|e| e.entry.clone())
    else {
        panic!("an update")
    };
    assert_eq!(posted.body_html.trim(), "<p>We suspect the <strong>database</strong>.</p>");
    let header = rita.next().await;
    assert_eq!(entry_kind(&header), "(withheld)");
    assert!(header.incident.as_ref().expect("incident").version > declared.version);
    assert!(!format!("{header:?}").contains("database"), "an internal entry reached a representative");

    // A public update reaches both watchers with its text, and a handover the team only.
    incidents.post_incident_update(update("Service is degraded; we are on it.", true)).await.expect("public update");
    assert_eq!(entry_kind(&ada.next().await), "update_posted");
    let public = rita.next().await;
    assert_eq!(entry_kind(&public), "update_posted");
    assert!(format!("{public:?}").contains("Service is degraded"));
    let handover = pb::HandOverCommandRequest { number, person_id: desk.ada_id };
    incidents.hand_over_command(handover).await.expect("handover");
    let handed = ada.next().await;
    assert_eq!(entry_kind(&handed), "command_handed_over");
    assert_eq!(
        handed.incident.as_ref().and_then(|i| i.commander.as_ref()).expect("commander").display_name,
        "Ada Admin"
    );
    assert_eq!(entry_kind(&rita.next().await), "(withheld)");
    assert!(rob.next_within(STAYS_AWAY).await.is_none(), "Borealis is not affected");

    // Watching again from where the first stream caught up replays the same changes in order.
    let again = watch_incidents(&desk.ada, &[number], Some(ada.live_at)).await;
    let after_declaration =
        |c: &&pb::IncidentChange| c.position.as_ref().is_some_and(|p| p.event > ada.skip_through_entry);
    let kinds: Vec<&str> = again.replayed.iter().filter(after_declaration).map(entry_kind).collect();
    assert_eq!(kinds, ["update_posted", "update_posted", "command_handed_over"]);
    let positions: Vec<(u64, i64)> = again
        .replayed
        .iter()
        .map(|c| c.position.as_ref().map(|p| (p.transaction, p.event)).expect("position"))
        .collect();
    assert!(positions.is_sorted() && positions.windows(2).all(|w| w[0] != w[1]), "{positions:?}");

    // Once a Borealis ticket is linked, Borealis's representative follows the incident too.
    let borealis_ticket = file(&desk.rob, desk.borealis, "Borealis hub is down").await;
    let link = pb::LinkIncidentTicketRequest { number, ticket_number: borealis_ticket.number };
    incidents.link_incident_ticket(link).await.expect("link");
    let linked = rob.next().await;
    assert_eq!(entry_kind(&linked), "(withheld)");
    let names: Vec<&str> =
        linked.incident.as_ref().expect("incident").affected_communities.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["Aurora Hub", "Borealis Lab"]);
}

#[tokio::test(flavor = "multi_thread")]
async fn an_incident_template_fills_in_the_incident_for_every_affected_community() {
    let desk = desk().await;
    let aurora_ticket = file(&desk.rita, desk.aurora, "Aurora hub is down").await;
    let borealis_ticket = file(&desk.rob, desk.borealis, "Borealis hub is down").await;
    let mut incidents = desk.sam.incidents.clone();
    let declare = pb::DeclareIncidentRequest {
        title: "Hubs down".into(),
        severity: pb::Priority::Urgent as i32,
        commander_id: 0,
        escalated_ticket_number: aurora_ticket.number,
    };
    let number = incidents.declare_incident(declare).await.expect("declare").into_inner().incident.expect("i").number;
    let link = pb::LinkIncidentTicketRequest { number, ticket_number: borealis_ticket.number };
    incidents.link_incident_ticket(link).await.expect("link");

    let fill = |context: &str| pb::FillResponseTemplateRequest {
        incident_number: number,
        key: "incident-update".into(),
        context: context.into(),
        ..Default::default()
    };
    let text = desk.sam.triage.clone().fill_response_template(fill("capacity is back")).await.expect("fill");
    let text = text.into_inner().text;
    assert!(text.starts_with("Hello everyone,"), "{text}");
    assert!(text.contains("Aurora Hub, Borealis Lab"), "every affected community is named: {text}");
    assert!(text.contains(&format!("(Incident {number})")), "the incident, not a ticket: {text}");
    assert!(text.contains("capacity is back"), "{text}");
    let missing = desk.sam.triage.clone().fill_response_template(fill(" ")).await.expect_err("no context");
    assert_eq!((missing.code(), field(&missing)), (Code::InvalidArgument, "context".to_owned()));
    let outsider = desk.rita.triage.clone().fill_response_template(fill("x")).await.expect_err("not staff");
    assert_eq!(outsider.code(), Code::PermissionDenied);
}

#[tokio::test(flavor = "multi_thread")]
async fn key_moments_are_pinned_the_response_keeps_tasks_and_the_report_is_drafted_from_the_pins() {
    let desk = desk().await;
    let ticket = file(&desk.rita, desk.aurora, "Aurora hub is down").await;
    let mut incidents = desk.sam.incidents.clone();
    let declare = pb::DeclareIncidentRequest {
        title: "Hub down".into(),
        severity: pb::Priority::Urgent as i32,
        commander_id: 0,
        escalated_ticket_number: ticket.number,
    };
    let number = incidents.declare_incident(declare).await.expect("declare").into_inner().incident.expect("i").number;
    let update = |body: &str, public: bool| pb::PostIncidentUpdateRequest { number, body: body.into(), public };
    incidents.post_incident_update(update("Quota exhausted on the node pool.\nmore", false)).await.expect("note");
    incidents.post_incident_update(update("We are adding capacity.", true)).await.expect("update");
    incidents.post_incident_update(update("Still looking.", true)).await.expect("update");
    let timeline = get(&desk.sam, number).await.expect("read").timeline;
    let note = timeline.iter().rev().find(|e| e.internal && entry_kinds(std::slice::from_ref(e)) == ["update_posted"]);
    let note = note.expect("the note").id;

    // Pinning: staff only, an entry of this incident only, and pinning twice changes nothing.
    let pin = |entry_id: i64, pinned: bool| pb::PinIncidentEntryRequest { number, entry_id, pinned };
    let refused = desk.rita.incidents.clone().pin_incident_entry(pin(note, true)).await.expect_err("a representative");
    assert_eq!(refused.code(), Code::PermissionDenied);
    let elsewhere = incidents.pin_incident_entry(pin(note + 10_000, true)).await.expect_err("not on this timeline");
    assert_eq!((elsewhere.code(), field(&elsewhere)), (Code::InvalidArgument, "entry_id".to_owned()));
    let first = incidents.pin_incident_entry(pin(note, true)).await.expect("pin").into_inner().incident.expect("i");
    let again = incidents.pin_incident_entry(pin(note, true)).await.expect("again").into_inner().incident.expect("i");
    assert_eq!(again.version, first.version, "pinning a pinned entry changes nothing");
    let declared = timeline[0].id;
    incidents.pin_incident_entry(pin(declared, true)).await.expect("pin the declaration");
    let read = get(&desk.sam, number).await.expect("read");
    assert_eq!(read.pinned_entry_ids, [declared, note]);
    let as_rita = get(&desk.rita, number).await.expect("rita reads");
    assert!(as_rita.pinned_entry_ids.is_empty() && as_rita.tasks.is_empty(), "pins and tasks are the team's");
    assert!(!entry_kinds(&as_rita.timeline).contains(&"entry_pinned"));

    // Tasks: every bad field at once; then added, given to Ada and done.
    let task =
        |title: &str, owner_id: i64| pb::AddIncidentTaskRequest { number, title: title.into(), owner_id, due_at: None };
    let bad = incidents.add_incident_task(task(" ", desk.rita_id)).await.expect_err("no title, not staff");
    let fields: Vec<String> =
        bad.get_details_bad_request().expect("violations").field_violations.into_iter().map(|v| v.field).collect();
    assert_eq!(fields, ["title", "owner_id"]);
    let added = incidents.add_incident_task(task("Raise the node quota", 0)).await.expect("task").into_inner();
    let task_id = added.tasks[0].id;
    assert!(added.tasks[0].owner.is_none() && !added.tasks[0].done);
    let give = pb::SetIncidentTaskRequest { number, task_id, owner_id: desk.ada_id, done: false };
    incidents.set_incident_task(give).await.expect("given");
    let done = pb::SetIncidentTaskRequest { number, task_id, owner_id: desk.ada_id, done: true };
    let done = incidents.set_incident_task(done).await.expect("done").into_inner().tasks;
    assert_eq!(done[0].owner.as_ref().map(|p| p.display_name.as_str()), Some("Ada Admin"));
    assert!(done[0].done);
    let missing = pb::SetIncidentTaskRequest { number, task_id: task_id + 1_000, owner_id: 0, done: true };
    let missing = incidents.set_incident_task(missing).await.expect_err("no such task");
    assert_eq!(field(&missing), "task_id");
    let kinds = entry_kinds(&get(&desk.sam, number).await.expect("read").timeline);
    assert_eq!(kinds.iter().filter(|k| k.starts_with("task_")).count(), 3, "{kinds:?}");

    // Resolving drafts the report's timeline from the pinned entries only.
    let incident = get(&desk.sam, number).await.expect("read").incident.expect("incident");
    let resolve = pb::StepIncidentRequest {
        number,
        expected_version: incident.version,
        step: pb::IncidentStep::Resolve as i32,
        resolve_linked_tickets: false,
    };
    incidents.step_incident(resolve).await.expect("resolve");
    let report = incidents.get_incident_report(pb::GetIncidentReportRequest { number }).await.expect("report");
    let drafted = report.into_inner().report.expect("report").sections.expect("sections").timeline;
    assert!(drafted.contains("declared: Hub down"), "{drafted}");
    assert!(drafted.contains("note: Quota exhausted on the node pool. more"), "{drafted}");
    assert!(
        !drafted.contains("capacity") && !drafted.contains("Still looking"),
        "unpinned entries stay out: {drafted}"
    );
    assert!(drafted.ends_with("resolved"), "{drafted}");
}
