//! The use cases as any channel calls them: no protobuf message, no cookie, the time from the
//! test's clock. What they store is then what every other channel reads.

use chrono::{DateTime, Duration, TimeZone, Utc};
use steward_backend::db::models::{events, people, surveys, tickets};
use steward_backend::usecases::tickets::{NewMessage, NewRequest, Step, SurveyAnswer};
use steward_backend::usecases::{self, Actor};
use steward_domain::conversation::Visibility;
use steward_domain::facts::Principal;
use steward_domain::intake::RequestDraft;
use steward_domain::lifecycle::Action;
use steward_domain::{MembershipRole, Priority, RequestType, StaffRole, TicketState};

use crate::util::TestApp;

struct Desk {
    app: TestApp,
    community: i64,
    rep: Principal,
    steward: Principal,
}

async fn desk() -> Desk {
    let app = TestApp::spawn().await;
    let community = app.community("aurora", "Aurora Hub").await;
    let rep = app.person("rep@example.org", "Rita Rep", None).await;
    let steward = app.person("steward@example.org", "Sam Steward", Some(StaffRole::Steward)).await;
    app.membership(rep, community, MembershipRole::Representative).await;
    let mut conn = app.state.core.pool.get().await.expect("conn");
    let rep = people::principal(&mut conn, rep).await.expect("load").expect("rep");
    let steward = people::principal(&mut conn, steward).await.expect("load").expect("steward");
    drop(conn);
    Desk { app, community, rep, steward }
}

fn guidance(community_id: i64) -> NewRequest {
    NewRequest {
        community_id,
        draft: RequestDraft {
            request_type: Some(RequestType::GuidanceRequest),
            priority: Some(Priority::Normal),
            title: "How do we share notebooks?".into(),
            description: "Our students want to hand in notebooks.".into(),
            confidential: false,
            answers: [("topic".to_owned(), "sharing".to_owned())].into_iter().collect(),
        },
        attachment_ids: Vec::new(),
    }
}

fn monday_morning() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 12, 7, 9, 0, 0).unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_request_is_filed_answered_resolved_and_rated_through_the_use_cases_on_the_test_clock() {
    let desk = desk().await;
    let core = &desk.app.state.core;
    let filed_at = monday_morning();
    desk.app.clock.set(filed_at);

    let ticket = usecases::tickets::file(core, &desk.rep, guidance(desk.community)).await.expect("file");
    assert_eq!(ticket.state, TicketState::New, "a representative's request goes straight to support");
    assert_eq!(ticket.created_at, filed_at);

    desk.app.clock.advance(Duration::hours(2));
    let answer = NewMessage {
        number: ticket.number,
        body: "Hello Rita, nbgitpuller does that; here is how.".into(),
        visibility: Visibility::Public,
        attachment_ids: Vec::new(),
    };
    let reply = usecases::tickets::reply(core, &desk.steward, answer).await.expect("reply");
    assert_eq!(reply.created_at, filed_at + Duration::hours(2));

    desk.app.clock.advance(Duration::hours(1));
    let resolve =
        Step { number: ticket.number, expected_version: ticket.version, action: Action::Resolve, reason: None };
    let resolved = usecases::tickets::transition(core, Actor::Person(&desk.steward), resolve).await.expect("resolve");
    assert_eq!(resolved.state, TicketState::Resolved);
    assert_eq!(resolved.resolved_at, Some(filed_at + Duration::hours(3)));
    assert_eq!(resolved.acknowledged_at, Some(filed_at + Duration::hours(2)), "support's first reply acknowledged it");

    let rating = SurveyAnswer { number: ticket.number, rating: 5, comment: "Quick and clear.".into() };
    let (_, survey) = usecases::tickets::answer_survey(core, &desk.rep, rating).await.expect("survey");
    assert_eq!(survey.requested_at, filed_at + Duration::hours(3), "resolving asked for the survey");
    assert_eq!(survey.answered_at, Some(filed_at + Duration::hours(3)));

    let mut conn = core.pool.get().await.expect("conn");
    let history = events::list_for_ticket(&mut conn, ticket.number, true).await.expect("events");
    let kinds: Vec<(&str, DateTime<Utc>)> = history.iter().map(|e| (e.change.kind(), e.at)).collect();
    assert_eq!(
        kinds,
        [
            ("created", filed_at),
            ("commented", filed_at + Duration::hours(2)),
            ("transitioned", filed_at + Duration::hours(3)),
            ("survey_answered", filed_at + Duration::hours(3)),
        ]
    );
    assert!(surveys::find(&mut conn, ticket.number).await.expect("survey").is_some_and(|s| s.rating == Some(5)));
}

#[tokio::test(flavor = "multi_thread")]
async fn steward_itself_closes_a_resolved_ticket_once_the_clock_has_moved_on() {
    let desk = desk().await;
    let core = &desk.app.state.core;
    desk.app.clock.set(monday_morning());
    let ticket = usecases::tickets::file(core, &desk.rep, guidance(desk.community)).await.expect("file");
    let resolve =
        Step { number: ticket.number, expected_version: ticket.version, action: Action::Resolve, reason: None };
    let resolved = usecases::tickets::transition(core, Actor::Person(&desk.steward), resolve).await.expect("resolve");

    desk.app.clock.advance(Duration::hours(48));
    let close = Step { number: ticket.number, expected_version: resolved.version, action: Action::Close, reason: None };
    let closed = usecases::tickets::transition(core, Actor::Steward, close).await.expect("close");
    assert_eq!(closed.state, TicketState::Closed);
    assert_eq!(closed.closed_at, Some(monday_morning() + Duration::hours(48)));

    let mut conn = core.pool.get().await.expect("conn");
    let last = events::list_for_ticket(&mut conn, ticket.number, true).await.expect("events").pop().expect("event");
    assert_eq!((last.change.kind(), last.actor_id), ("transitioned", None), "Steward itself is recorded as no person");
    let stored = tickets::find(&conn, ticket.number).await.expect("find").expect("ticket");
    assert_eq!(stored.updated_at, monday_morning() + Duration::hours(48));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_reason_given_with_a_step_is_supports_acknowledgement_like_any_reply() {
    let desk = desk().await;
    let core = &desk.app.state.core;
    let ticket = usecases::tickets::file(core, &desk.rep, guidance(desk.community)).await.expect("file");
    assert_eq!(ticket.acknowledged_at, None);
    let wait = Step {
        number: ticket.number,
        expected_version: ticket.version,
        action: Action::WaitOnRequester,
        reason: Some("Which course is this for?".into()),
    };
    let waiting = usecases::tickets::transition(core, Actor::Person(&desk.steward), wait).await.expect("wait");
    assert_eq!(waiting.state, TicketState::Pending);
    let conn = core.pool.get().await.expect("conn");
    let stored = tickets::find(&conn, ticket.number).await.expect("find").expect("ticket");
    assert!(stored.acknowledged_at.is_some(), "the reason reached the requester publicly, so it acknowledges");
}

#[tokio::test(flavor = "multi_thread")]
async fn the_log_accepts_exactly_the_kinds_of_event_steward_writes() {
    use diesel::sql_types::{BigInt, Text};
    use diesel_async::RunQueryDsl;
    use steward_domain::events::TicketEvent;

    let desk = desk().await;
    let ticket =
        usecases::tickets::file(&desk.app.state.core, &desk.rep, guidance(desk.community)).await.expect("file");
    let mut conn = desk.app.state.core.pool.get().await.expect("conn");
    let insert = |kind: &str| {
        diesel::sql_query(
            "INSERT INTO ticket_events (ticket_number, community_id, kind, internal, data) VALUES ($1, $2, $3, false, '{}')",
        )
        .bind::<BigInt, _>(ticket.number)
        .bind::<BigInt, _>(desk.community)
        .bind::<Text, _>(kind.to_owned())
    };
    for kind in TicketEvent::KINDS {
        insert(kind).execute(&mut conn).await.unwrap_or_else(|e| panic!("{kind} refused: {e}"));
    }
    let unknown = insert("teleported").execute(&mut conn).await.expect_err("an unknown kind");
    assert!(unknown.to_string().contains("ticket_events_kind_known"), "{unknown}");
}
