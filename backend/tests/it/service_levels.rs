//! Service levels through the API, on the controllable clock: a ticket waiting on its
//! requester stands still; a warning is raised once at 75 % and once at the breach however
//! many servers run; a resolved ticket closes by itself after 48 working hours and not before,
//! and an answer in between keeps it open; calendars are refused naming what is wrong.

use chrono::{DateTime, Duration, TimeZone, Utc};
use steward_domain::{MembershipRole, StaffRole};
use steward_proto::v1 as pb;
use tonic::Code;
use tonic_types::StatusExt;

use crate::util::{Client, TestApp, kind};

/// Monday 4 January 2027, 09:00 UTC: the start of a working day on the shipped business
/// calendar (Monday to Friday, 09:00-17:00 UTC).
fn monday_nine() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2027, 1, 4, 9, 0, 0).single().expect("valid")
}

struct Desk {
    app: TestApp,
    aurora: i64,
    sam: Client,
    admin: Client,
    rita: Client,
}

/// A desk whose clock stands at `at` before anyone signs in (sessions last 90 days here, so
/// weeks can pass).
async fn desk_at(at: DateTime<Utc>) -> Desk {
    let app = TestApp::spawn_with(&[("STEWARD_SESSION_HOURS", "2160")]).await;
    app.clock.set(at);
    let aurora = app.community("aurora", "Aurora Hub").await;
    let rita = app.person("rita@example.org", "Rita Rep", None).await;
    app.person("sam@example.org", "Sam Steward", Some(StaffRole::Steward)).await;
    app.person("ada@example.org", "Ada Admin", Some(StaffRole::Admin)).await;
    app.membership(rita, aurora, MembershipRole::Representative).await;
    Desk {
        sam: app.sign_in("sam@example.org").await,
        admin: app.sign_in("ada@example.org").await,
        rita: app.sign_in("rita@example.org").await,
        app,
        aurora,
    }
}

async fn file(desk: &Desk, priority: pb::Priority, title: &str) -> pb::Ticket {
    let request_type =
        if priority == pb::Priority::ProductionDown { pb::RequestType::Incident } else { pb::RequestType::Other };
    let request = pb::CreateTicketRequest {
        community_id: desk.aurora,
        request_type: request_type as i32,
        priority: priority as i32,
        title: title.into(),
        description: format!("{title}, described"),
        confidential: false,
        answers: if request_type == pb::RequestType::Incident {
            [("affected_service", "hub.aurora.example"), ("started_at", "2027-01-04"), ("impact", "Nobody can log in.")]
                .into_iter()
                .map(|(k, v)| (k.to_owned(), v.to_owned()))
                .collect()
        } else {
            Default::default()
        },
        attachment_ids: Vec::new(),
    };
    desk.rita.tickets.clone().create_ticket(request).await.expect("file").into_inner().ticket.expect("ticket")
}

async fn ticket(client: &Client, number: i64) -> pb::Ticket {
    let got = client.tickets.clone().get_ticket(pb::GetTicketRequest { number }).await.expect("get");
    got.into_inner().ticket.expect("ticket")
}

async fn step(client: &Client, number: i64, action: pb::TicketAction) -> pb::Ticket {
    let expected_version = ticket(client, number).await.version;
    let request =
        pb::TransitionTicketRequest { number, expected_version, action: action as i32, reason: String::new() };
    client.tickets.clone().transition_ticket(request).await.expect("step").into_inner().ticket.expect("ticket")
}

async fn reply(client: &Client, number: i64, body: &str) {
    let request = pb::AddCommentRequest {
        number,
        body: body.into(),
        visibility: pb::CommentVisibility::PublicReply as i32,
        attachment_ids: Vec::new(),
    };
    client.tickets.clone().add_comment(request).await.expect("reply");
}

async fn clocks(client: &Client, number: i64) -> Vec<pb::TicketClock> {
    let request = pb::GetTicketClocksRequest { number };
    client.service_levels.clone().get_ticket_clocks(request).await.expect("clocks").into_inner().clocks
}

fn clock(all: &[pb::TicketClock], kind: pb::ClockKind) -> pb::TicketClock {
    all.iter().rev().find(|c| c.kind == kind as i32).cloned().unwrap_or_else(|| panic!("no {kind:?} clock in {all:?}"))
}

fn at(value: &Option<prost_types::Timestamp>) -> Option<DateTime<Utc>> {
    value.as_ref().and_then(|t| DateTime::from_timestamp(t.seconds, 0))
}

async fn kinds(client: &Client, number: i64) -> Vec<&'static str> {
    let events = client.tickets.clone().list_ticket_events(pb::ListTicketEventsRequest { number }).await;
    events.expect("events").into_inner().events.iter().map(|e| kind(&e.what)).collect()
}

/// Waits (a few seconds at most) until the ticket's log has `count` events of kind `what`.
async fn wait_for(client: &Client, number: i64, what: &str, count: usize) -> Vec<&'static str> {
    for _ in 0..100 {
        let seen = kinds(client, number).await;
        if seen.iter().filter(|k| **k == what).count() >= count {
            return seen;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("no {count} {what} event(s) on #{number}: {:?}", kinds(client, number).await);
}

/// Lets the scheduler look at least a few times.
async fn let_the_scheduler_run() {
    tokio::time::sleep(std::time::Duration::from_millis(400)).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_ticket_that_waits_on_its_requester_again_and_again_keeps_a_short_record_and_the_same_due_time() {
    let start = monday_nine();
    let desk = desk_at(start).await;
    let filed = file(&desk, pb::Priority::Normal, "Back and forth").await;
    step(&desk.sam, filed.number, pb::TicketAction::Triage).await;
    step(&desk.sam, filed.number, pb::TicketAction::Start).await;
    // Thirty-six waits of five minutes, five minutes apart, all within Monday's working hours.
    for i in 0..36 {
        desk.app.clock.set(start + Duration::minutes(5 + 10 * i));
        step(&desk.sam, filed.number, pb::TicketAction::WaitOnRequester).await;
        desk.app.clock.set(start + Duration::minutes(10 + 10 * i));
        reply(&desk.rita, filed.number, "Still broken.").await;
    }
    let resolution = clock(&ticket(&desk.sam, filed.number).await.clocks, pb::ClockKind::Resolution);
    // 80 working hours (ten days of eight), of which 36 waits of 5 minutes did not count: due
    // three hours into the eleventh working day.
    let due = at(&resolution.due_at).expect("due");
    assert_eq!(due, start + Duration::days(14) + Duration::minutes(180), "{due}");
    let conn = desk.app.state.core.pool.get().await.expect("conn");
    let stored = steward_backend::db::models::clocks::for_ticket(&conn, filed.number).await.expect("clocks");
    let kept = stored.iter().find(|c| c.clock.kind == steward_domain::sla::ClockKind::Resolution).expect("resolution");
    assert!(kept.clock.pauses.len() < 2 * steward_domain::sla::PAUSES_KEPT, "{} pauses kept", kept.clock.pauses.len());
    assert!(kept.clock.counted.is_some(), "the older ones are counted");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_ticket_waiting_on_its_requester_stands_still_and_resumes_where_it_was() {
    let start = monday_nine();
    let desk = desk_at(start).await;
    let filed = file(&desk, pb::Priority::Urgent, "Quota on the hub").await;
    // Urgent: first response within one business hour, resolution within 16 working hours.
    let badges = &filed.clocks;
    assert_eq!(badges.len(), 2, "first response and resolution run: {badges:?}");
    let first = clock(badges, pb::ClockKind::FirstResponse);
    assert_eq!(at(&first.due_at), Some(start + Duration::hours(1)));
    let resolution = clock(badges, pb::ClockKind::Resolution);
    // 16 working hours of 8-hour days: the end of Tuesday.
    assert_eq!(at(&resolution.due_at), Some(start + Duration::hours(24 + 8)));

    desk.app.clock.set(start + Duration::minutes(30));
    reply(&desk.sam, filed.number, "Looking at it.").await;
    step(&desk.sam, filed.number, pb::TicketAction::Triage).await;
    step(&desk.sam, filed.number, pb::TicketAction::WaitOnRequester).await;
    // Three days pass while support waits on the requester.
    desk.app.clock.set(start + Duration::days(3));
    let waiting = clocks(&desk.sam, filed.number).await;
    assert_eq!(at(&clock(&waiting, pb::ClockKind::FirstResponse).met_at), Some(start + Duration::minutes(30)));
    let resolution = clock(&waiting, pb::ClockKind::Resolution);
    assert!(resolution.paused, "{resolution:?}");
    assert_eq!(resolution.due_at, None, "a clock standing still has no due time");
    assert_eq!(resolution.remaining_seconds, (16 * 60 - 30) * 60, "half an hour was spent");
    let update = clock(&waiting, pb::ClockKind::NextUpdate);
    assert!(update.paused, "no update is owed while waiting on the requester");

    // Thursday 09:00: the requester answers; the clocks go on from where they stood.
    let thursday = start + Duration::days(3);
    reply(&desk.rita, filed.number, "Here are the logs.").await;
    let resumed = ticket(&desk.sam, filed.number).await;
    assert_eq!(resumed.state, pb::TicketState::Open as i32);
    let resolution = clock(&resumed.clocks, pb::ClockKind::Resolution);
    assert!(!resolution.paused);
    assert_eq!(at(&resolution.due_at), Some(thursday + Duration::hours(24) + Duration::minutes(7 * 60 + 30)));
    // The representative sees what was promised too.
    let seen = ticket(&desk.rita, filed.number).await;
    assert_eq!(seen.clocks.len(), resumed.clocks.len());
}

#[tokio::test(flavor = "multi_thread")]
async fn a_warning_is_raised_once_at_75_percent_and_once_at_the_breach_with_two_servers_running() {
    let start = monday_nine();
    let desk = desk_at(start).await;
    let second = desk.app.spawn_beside().await;
    second.clock.set(start);
    // Sam is on support duty: he is told.
    let staff = desk.sam.directory.clone().list_staff(pb::ListStaffRequest {}).await.expect("staff").into_inner();
    let sam = staff.staff.iter().find(|p| p.display_name == "Sam Steward").expect("sam").id;
    let rotation = pb::SetRotationRequest { member_ids: vec![sam], starts_on: "2027-01-04".into(), on_duty_count: 2 };
    desk.admin.service_levels.clone().set_rotation(rotation).await.expect("rotation");

    // Production down: first response within 30 minutes, 24/7.
    let filed = file(&desk, pb::Priority::ProductionDown, "Hub is down").await;
    let first = clock(&filed.clocks, pb::ClockKind::FirstResponse);
    assert!(first.always);
    assert_eq!(at(&first.due_at), Some(start + Duration::minutes(30)));

    for app in [&desk.app, &second] {
        app.clock.set(start + Duration::minutes(20));
    }
    let_the_scheduler_run().await;
    assert!(!kinds(&desk.sam, filed.number).await.contains(&"clock_warned"), "not yet: 20 of 30 minutes");
    for app in [&desk.app, &second] {
        app.clock.set(start + Duration::minutes(23));
    }
    wait_for(&desk.sam, filed.number, "clock_warned", 1).await;
    let_the_scheduler_run().await;
    for app in [&desk.app, &second] {
        app.clock.set(start + Duration::minutes(31));
    }
    let seen = wait_for(&desk.sam, filed.number, "clock_breached", 1).await;
    let_the_scheduler_run().await;
    let seen_after = kinds(&desk.sam, filed.number).await;
    assert_eq!(seen_after, seen, "nothing more happens");
    assert_eq!(seen.iter().filter(|k| **k == "clock_warned").count(), 1, "{seen:?}");
    assert_eq!(seen.iter().filter(|k| **k == "clock_breached").count(), 1, "{seen:?}");
    // The representative sees neither (they are the team's own alarms).
    let rep = kinds(&desk.rita, filed.number).await;
    assert!(!rep.contains(&"clock_warned") && !rep.contains(&"clock_breached"), "{rep:?}");

    let told = desk.sam.service_levels.clone().list_notifications(pb::ListNotificationsRequest {}).await;
    let told = told.expect("notifications").into_inner();
    let warnings: Vec<&str> =
        told.notifications.iter().filter(|n| n.kind == "clock_warning").map(|n| n.message.as_str()).collect();
    assert_eq!(warnings.len(), 2, "{:?}", told.notifications);
    assert!(warnings[1].contains("first response due in 7 minutes"), "{warnings:?}");
    assert!(warnings[0].contains("target was missed"), "{warnings:?}");
    let breached = clock(&clocks(&desk.sam, filed.number).await, pb::ClockKind::FirstResponse);
    assert_eq!(at(&breached.breached_at), Some(start + Duration::minutes(30)), "stored when it happened");
    let jobs = desk.admin.service_levels.clone().list_jobs(pb::ListJobsRequest {}).await.expect("jobs").into_inner();
    let done: Vec<&str> = jobs.done.iter().filter_map(|j| j.outcome.as_deref()).collect();
    assert!(done.contains(&"told Sam Steward"), "{done:?}");
    second.stop();
}

#[tokio::test(flavor = "multi_thread")]
async fn a_resolved_ticket_closes_after_48_working_hours_and_an_answer_at_47_keeps_it_open() {
    let start = monday_nine();
    let desk = desk_at(start).await;
    let filed = file(&desk, pb::Priority::Normal, "Add a user").await;
    reply(&desk.sam, filed.number, "Done: the user is added.").await;
    step(&desk.sam, filed.number, pb::TicketAction::Triage).await;
    step(&desk.sam, filed.number, pb::TicketAction::Resolve).await;
    let waiting = clock(&ticket(&desk.sam, filed.number).await.clocks, pb::ClockKind::Confirmation);
    // 48 working hours of 8-hour days from Monday 09:00: six working days, to Monday next week
    // at 17:00.
    assert_eq!(at(&waiting.due_at), Some(start + Duration::days(7) + Duration::hours(8)));

    // Half way (24 working hours: Thursday 09:00), the requester is reminded.
    desk.app.clock.set(start + Duration::days(3) + Duration::minutes(1));
    wait_for(&desk.sam, filed.number, "reminded", 1).await;
    // 47 working hours: Monday next week, 16:00. Still resolved; the requester answers.
    let forty_seven = start + Duration::days(7) + Duration::hours(7);
    desk.app.clock.set(forty_seven);
    let_the_scheduler_run().await;
    assert_eq!(ticket(&desk.sam, filed.number).await.state, pb::TicketState::Resolved as i32);
    reply(&desk.rita, filed.number, "One more thing: can they also see the shared folder?").await;
    // Past the first 48 hours: still open, the wait started again from the answer.
    desk.app.clock.set(start + Duration::days(8) + Duration::hours(1));
    let_the_scheduler_run().await;
    let kept = ticket(&desk.sam, filed.number).await;
    assert_eq!(kept.state, pb::TicketState::Resolved as i32, "the answer keeps it open");
    let again = clock(&kept.clocks, pb::ClockKind::Confirmation);
    assert_eq!(again.cycle, 2);
    assert_eq!(at(&again.due_at), Some(forty_seven + Duration::days(8)));
    // 48 working hours after the answer, Steward closes it.
    desk.app.clock.set(forty_seven + Duration::days(8));
    wait_for(&desk.sam, filed.number, "transitioned", 3).await;
    let closed = ticket(&desk.sam, filed.number).await;
    assert_eq!(closed.state, pb::TicketState::Closed as i32);
    let mut tickets = desk.sam.tickets.clone();
    let events = tickets.list_ticket_events(pb::ListTicketEventsRequest { number: filed.number }).await;
    let last = events.expect("events").into_inner().events.pop().expect("an event");
    assert!(last.actor.is_none(), "closed by Steward itself");
}

#[tokio::test(flavor = "multi_thread")]
async fn calendars_are_refused_naming_every_bad_field_and_an_edit_moves_due_times() {
    let start = monday_nine();
    let desk = desk_at(start).await;
    let mut levels = desk.admin.service_levels.clone();
    let day = |intervals: &[(u32, u32)]| pb::WorkingDay {
        intervals: intervals.iter().map(|&(start, end)| pb::WorkingInterval { start, end }).collect(),
    };
    let bad = pb::SaveCalendarRequest {
        id: None,
        name: " ".into(),
        zone: "Mars/Olympus".into(),
        week: vec![
            day(&[(540, 720), (700, 800)]),
            day(&[(900, 800)]),
            day(&[]),
            day(&[]),
            day(&[]),
            day(&[]),
            day(&[]),
        ],
        holidays: vec![pb::Holiday { date: "Christmas".into(), every_year: true, name: "Christmas".into() }],
    };
    let refused = levels.save_calendar(bad).await.expect_err("refused");
    assert_eq!(refused.code(), Code::InvalidArgument);
    let fields: Vec<String> = refused
        .get_details_bad_request()
        .expect("field violations")
        .field_violations
        .into_iter()
        .map(|v| v.field)
        .collect();
    assert_eq!(fields, ["holidays.0", "name", "zone", "week.monday.1", "week.tuesday.0"]);

    // A normal ticket filed on Monday is due at the end of Tuesday...
    let filed = file(&desk, pb::Priority::Normal, "Guidance, please").await;
    let first = clock(&filed.clocks, pb::ClockKind::FirstResponse);
    assert_eq!(at(&first.due_at), Some(start + Duration::days(1) + Duration::hours(8)));
    // ...until the admin makes Tuesday a holiday in the business calendar: then Wednesday.
    let configured = levels.get_service_levels(pb::GetServiceLevelsRequest {}).await.expect("levels").into_inner();
    let business = configured.settings.expect("settings").business_calendar_id;
    let mut calendar = configured.calendars.into_iter().find(|c| c.id == business).expect("business hours");
    calendar.holidays.push(pb::Holiday { date: "2027-01-05".into(), every_year: false, name: "Closed".into() });
    let edit = pb::SaveCalendarRequest {
        id: Some(calendar.id),
        name: calendar.name,
        zone: calendar.zone,
        week: calendar.week,
        holidays: calendar.holidays,
    };
    levels.save_calendar(edit).await.expect("saved");
    let moved = clock(&ticket(&desk.sam, filed.number).await.clocks, pb::ClockKind::FirstResponse);
    assert_eq!(at(&moved.due_at), Some(start + Duration::days(2) + Duration::hours(8)));

    // A steward may not change calendars; a calendar in use cannot go.
    let steward = desk.sam.service_levels.clone().delete_calendar(pb::DeleteCalendarRequest { id: business }).await;
    assert_eq!(steward.expect_err("steward").code(), Code::PermissionDenied);
    let in_use = levels.delete_calendar(pb::DeleteCalendarRequest { id: business }).await.expect_err("in use");
    assert_eq!(in_use.code(), Code::FailedPrecondition);
    assert!(in_use.message().contains("business hours"), "{}", in_use.message());

    // Holidays come from an iCalendar file; one that does not read names its line.
    let ics = "BEGIN:VCALENDAR\nVERSION:2.0\nBEGIN:VEVENT\nUID:1\nDTSTART;VALUE=DATE:20271225\nSUMMARY:Christmas\nRRULE:FREQ=YEARLY\nEND:VEVENT\nEND:VCALENDAR\n";
    let parsed =
        levels.parse_holidays(pb::ParseHolidaysRequest { ics: ics.into() }).await.expect("parsed").into_inner();
    assert_eq!(parsed.holidays.len(), 1);
    assert!(parsed.holidays[0].every_year);
    let broken = levels.parse_holidays(pb::ParseHolidaysRequest { ics: "BEGIN:VCALENDAR\nnonsense\n".into() }).await;
    let broken = broken.expect_err("broken");
    assert_eq!(broken.code(), Code::InvalidArgument);
    assert!(broken.message().contains("Line 2"), "{}", broken.message());
}

#[tokio::test(flavor = "multi_thread")]
async fn a_representative_sees_the_promise_in_her_own_time_zone_setting() {
    let desk = desk_at(monday_nine()).await;
    let mut directory = desk.rita.directory.clone();
    let set = directory.set_my_time_zone(pb::SetMyTimeZoneRequest { time_zone: "America/New_York".into() }).await;
    assert_eq!(set.expect("set").into_inner().person.expect("person").time_zone.as_deref(), Some("America/New_York"));
    let wrong = directory.set_my_time_zone(pb::SetMyTimeZoneRequest { time_zone: "Moon/Base".into() }).await;
    let wrong = wrong.expect_err("refused");
    assert_eq!(wrong.code(), Code::InvalidArgument);
    let me = desk.rita.auth.clone().get_current_user(pb::GetCurrentUserRequest {}).await.expect("me").into_inner();
    assert_eq!(me.person.expect("person").time_zone.as_deref(), Some("America/New_York"));
}

#[tokio::test(flavor = "multi_thread")]
async fn the_triage_queue_orders_by_the_soonest_due_time_and_shows_what_breaches_soon() {
    let start = monday_nine();
    let desk = desk_at(start).await;
    let normal = file(&desk, pb::Priority::Normal, "Whenever").await;
    let urgent = file(&desk, pb::Priority::Urgent, "Soon").await;
    let down = file(&desk, pb::Priority::ProductionDown, "Now").await;
    let queue = |request: pb::GetTriageQueueRequest| {
        let mut triage = desk.sam.triage.clone();
        async move {
            let entries = triage.get_triage_queue(request).await.expect("queue").into_inner().entries;
            entries.into_iter().map(|e| e.ticket.expect("ticket").number).collect::<Vec<i64>>()
        }
    };
    let full = desk.sam.triage.clone().get_triage_queue(pb::GetTriageQueueRequest::default()).await.expect("queue");
    let entry = full.into_inner().entries.into_iter().next().expect("an entry").ticket.expect("ticket");
    assert!(entry.description.is_empty() && !entry.title.is_empty(), "a queue entry leaves the description out");
    let by_due = queue(pb::GetTriageQueueRequest { due_soonest_first: true, ..Default::default() }).await;
    assert_eq!(by_due, [down.number, urgent.number, normal.number]);
    // Within the hour: production down (30 minutes); urgent is due in exactly an hour, not yet.
    let soon =
        queue(pb::GetTriageQueueRequest { due_soonest_first: true, breaching_soon_only: true, ..Default::default() })
            .await;
    assert_eq!(soon, [down.number]);
    desk.app.clock.set(start + Duration::minutes(5));
    let soon =
        queue(pb::GetTriageQueueRequest { due_soonest_first: true, breaching_soon_only: true, ..Default::default() })
            .await;
    assert_eq!(soon, [down.number, urgent.number]);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_community_agreement_replaces_the_teams_targets_and_dropping_it_restores_them() {
    let start = monday_nine();
    let desk = desk_at(start).await;
    let mut levels = desk.admin.service_levels.clone();
    let agreed = pb::Target {
        priority: pb::Priority::Normal as i32,
        kind: pb::ClockKind::FirstResponse as i32,
        target: Some(steward_proto::domain::target(steward_domain::sla::Target::WorkingMinutes(120))),
        calendar_id: None,
    };
    let request = pb::SetTargetsRequest { community_id: Some(desk.aurora), targets: vec![agreed, agreed] };
    let twice = levels.set_targets(request).await.expect_err("the same clock twice");
    let fields: Vec<String> =
        twice.get_details_bad_request().expect("fields").field_violations.into_iter().map(|v| v.field).collect();
    assert_eq!(fields, ["targets.1"]);
    levels
        .set_targets(pb::SetTargetsRequest { community_id: Some(desk.aurora), targets: vec![agreed] })
        .await
        .expect("agreed");
    let filed = file(&desk, pb::Priority::Normal, "Agreed otherwise").await;
    assert_eq!(at(&clock(&filed.clocks, pb::ClockKind::FirstResponse).due_at), Some(start + Duration::hours(2)));
    // The rest of the team's targets still apply to the community.
    assert_eq!(
        at(&clock(&filed.clocks, pb::ClockKind::Resolution).due_at),
        Some(start + Duration::days(11) + Duration::hours(8)),
        "80 working hours: ten working days"
    );
    levels
        .set_targets(pb::SetTargetsRequest { community_id: Some(desk.aurora), targets: vec![] })
        .await
        .expect("dropped");
    let back = ticket(&desk.sam, filed.number).await;
    assert_eq!(
        at(&clock(&back.clocks, pb::ClockKind::FirstResponse).due_at),
        Some(start + Duration::days(1) + Duration::hours(8)),
        "the end of the next working day again"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_job_whose_work_fails_is_kept_with_its_error_and_tried_again_until_it_succeeds() {
    let start = monday_nine();
    let desk = desk_at(start).await;
    let filed = file(&desk, pb::Priority::Normal, "Enable the GPU profile").await;
    reply(&desk.sam, filed.number, "Done in the new image.").await;
    step(&desk.sam, filed.number, pb::TicketAction::Triage).await;
    let expected_version = ticket(&desk.sam, filed.number).await.version;
    let retype = pb::UpdateTicketRequest {
        number: filed.number,
        expected_version,
        request_type: Some(pb::RequestType::ChangeRequest as i32),
        ..Default::default()
    };
    desk.sam.tickets.clone().update_ticket(retype).await.expect("a change request");
    step(&desk.sam, filed.number, pb::TicketAction::Resolve).await;
    // 48 working hours later Steward tries to close it, but a change request closes only with
    // the release that carries it (seed 000): the job fails, is kept with why, and waits.
    desk.app.clock.set(start + Duration::days(7) + Duration::hours(9));
    let mut failed = None;
    for _ in 0..100 {
        let jobs = desk.admin.service_levels.clone().list_jobs(pb::ListJobsRequest {}).await.expect("jobs");
        failed =
            jobs.into_inner().waiting.into_iter().find(|j| j.ticket_number == filed.number && j.last_error.is_some());
        if failed.is_some() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let failed = failed.expect("the closing job failed and waits");
    assert_eq!(failed.what, "Close");
    assert!(failed.last_error.as_deref().unwrap_or("").contains("release"), "{failed:?}");
    assert!(failed.attempts >= 1);
    assert_eq!(ticket(&desk.sam, filed.number).await.state, pb::TicketState::Resolved as i32, "nothing half done");
    // The release is recorded; at the next try the ticket closes.
    let expected_version = ticket(&desk.sam, filed.number).await.version;
    let release = pb::SetReleaseRequest { number: filed.number, expected_version, released_in: "image 2027.01".into() };
    desk.sam.triage.clone().set_release(release).await.expect("release");
    desk.app.clock.set(start + Duration::days(7) + Duration::hours(11));
    for _ in 0..100 {
        if ticket(&desk.sam, filed.number).await.state == pb::TicketState::Closed as i32 {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("the retried job did not close the ticket");
}
