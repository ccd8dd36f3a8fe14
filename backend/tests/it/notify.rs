//! Who hears about what, as each person notices it: a mention in a note, an assignment, a
//! request waiting for approval, support's answer; in Steward and by email, or as each chose.

use steward_backend::db::models::mail::{self as mail_rows, MailKind};
use steward_backend::db::models::{notifications, people, rotation};
use steward_backend::usecases::tickets::{FieldsUpdate, NewMessage, NewRequest};
use steward_backend::usecases::{self, Actor};
use steward_domain::conversation::Visibility;
use steward_domain::facts::Principal;
use steward_domain::fields::FieldsEdit;
use steward_domain::intake::RequestDraft;
use steward_domain::{MembershipRole, Priority, RequestType, StaffRole};
use steward_proto::v1 as pb;

use crate::util::TestApp;

struct Team {
    app: TestApp,
    aurora: i64,
    rita: Principal,
    max: Principal,
    sam: Principal,
    tess: Principal,
}

async fn team() -> Team {
    let app = TestApp::spawn().await;
    let aurora = app.community("aurora", "Aurora Hub").await;
    let rita = app.person("rita@aurora.example", "Rita Rep", None).await;
    app.membership(rita, aurora, MembershipRole::Representative).await;
    let max = app.person("max@aurora.example", "Max Member", None).await;
    app.membership(max, aurora, MembershipRole::Member).await;
    let sam = app.person("sam@steward.example", "Sam Steward", Some(StaffRole::Steward)).await;
    let tess = app.person("tess.t@steward.example", "Tess Steward", Some(StaffRole::Steward)).await;
    let mut conn = app.state.core.pool.get().await.expect("conn");
    // Sam is on support duty; Tess is not.
    let since = chrono::Utc::now().date_naive() - chrono::Duration::days(1);
    rotation::set(&conn, since, 1, &[sam]).await.expect("rotation");
    let mut load = async |id| people::principal(&mut conn, id).await.expect("load").expect("person");
    let (rita, max, sam, tess) = (load(rita).await, load(max).await, load(sam).await, load(tess).await);
    drop(conn);
    Team { app, aurora, rita, max, sam, tess }
}

impl Team {
    async fn file(&self, who: &Principal, title: &str) -> i64 {
        let draft = RequestDraft {
            request_type: Some(RequestType::Other),
            priority: Some(Priority::Normal),
            title: title.into(),
            description: "Please help.".into(),
            confidential: false,
            answers: Default::default(),
        };
        let request = NewRequest { community_id: self.aurora, draft, attachment_ids: Vec::new() };
        usecases::tickets::file(&self.app.state.core, who, request).await.expect("filed").number
    }

    /// What `who` was told in Steward, oldest first.
    async fn told(&self, who: &Principal) -> Vec<String> {
        let conn = self.app.state.core.pool.get().await.expect("conn");
        let (latest, _) = notifications::for_person(&conn, who.person_id, 50).await.expect("notifications");
        latest.into_iter().rev().map(|n| n.message).collect()
    }

    /// The mails queued to `who`, oldest first: (kind, subject).
    async fn mailed(&self, who: &Principal) -> Vec<(MailKind, String)> {
        let conn = self.app.state.core.pool.get().await.expect("conn");
        let mut mails: Vec<_> = mail_rows::latest(&conn, 100)
            .await
            .expect("outbox")
            .into_iter()
            .filter(|m| m.recipient == who.email)
            .map(|m| (m.kind, m.subject))
            .collect();
        mails.reverse();
        mails
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_mention_an_assignment_and_an_approval_request_reach_their_people_in_steward_and_by_email() {
    let team = team().await;
    let core = &team.app.state.core;
    let number = team.file(&team.rita, "Quota").await;
    let filed = format!("New request #{number} Quota from Rita Rep (Normal)");
    assert_eq!(team.told(&team.sam).await, std::slice::from_ref(&filed), "the steward on duty hears of it");
    assert_eq!(team.mailed(&team.sam).await, [(MailKind::News, format!("[Steward] {filed}"))]);
    let note = NewMessage {
        number,
        body: "@tess can you raise it? (cc @Sam)".into(),
        visibility: Visibility::Internal,
        attachment_ids: Vec::new(),
    };
    usecases::tickets::reply(core, &team.sam, note).await.expect("note");
    let mentioned = format!("Sam Steward mentioned you on #{number} Quota");
    assert_eq!(team.told(&team.tess).await, std::slice::from_ref(&mentioned), "off duty: only the mention");
    assert_eq!(team.mailed(&team.tess).await, [(MailKind::News, format!("[Steward] {mentioned}"))]);
    assert_eq!(team.told(&team.sam).await, [filed], "writing @Sam yourself tells you nothing");
    assert!(team.mailed(&team.rita).await.is_empty(), "an internal note reaches no requester");

    let version = team.ticket_version(number).await;
    let edit = FieldsEdit { assignee_id: Some(Some(team.tess.person_id)), ..FieldsEdit::default() };
    let update = FieldsUpdate { number, expected_version: version, edit };
    usecases::tickets::update(core, Actor::Person(&team.sam), update).await.expect("assigned");
    assert_eq!(
        team.told(&team.tess).await.last().map(String::as_str),
        Some(&*format!("Sam Steward assigned #{number} Quota to you"))
    );

    let waiting = team.file(&team.max, "New course").await;
    let asks = format!("Max Member asks you to approve #{waiting} New course");
    assert_eq!(team.told(&team.rita).await, std::slice::from_ref(&asks));
    assert_eq!(team.mailed(&team.rita).await, [(MailKind::News, format!("[Steward] {asks}"))]);
    assert_eq!(team.told(&team.sam).await.len(), 1, "a request waiting for approval has not reached the team");

    // Rita answers on Tess's ticket: Tess hears of it.
    let answer = NewMessage {
        number,
        body: "Thanks, 20 GB is fine.".into(),
        visibility: Visibility::Public,
        attachment_ids: Vec::new(),
    };
    usecases::tickets::reply(core, &team.rita, answer).await.expect("answer");
    assert_eq!(
        team.told(&team.tess).await.last().map(String::as_str),
        Some(&*format!("Rita Rep answered on #{number} Quota"))
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn each_person_chooses_how_to_hear_each_kind_and_support_s_answer_follows_the_requester_s_choice() {
    let team = team().await;
    let core = &team.app.state.core;
    let rita = team.app.sign_in("rita@aurora.example").await;
    let mut levels = rita.service_levels.clone();
    let shown =
        levels.get_notification_choices(pb::GetNotificationChoicesRequest {}).await.expect("choices").into_inner();
    let kinds: Vec<(&str, &str, bool)> =
        shown.choices.iter().map(|c| (c.kind.as_str(), c.delivery.as_str(), c.chosen)).collect();
    assert_eq!(
        kinds,
        [
            ("answer", "both", false),
            ("approval_waiting", "both", false),
            ("clock_warning", "in_steward", false),
            ("incident_update", "both", false)
        ],
        "a representative sees the kinds that reach her, with their defaults"
    );

    // Mentions never reach a representative: refused, named; a delivery that does not exist too.
    let choice = |kind: &str, delivery: &str| pb::NotificationChoice {
        kind: kind.into(),
        delivery: delivery.into(),
        ..Default::default()
    };
    let wrong =
        pb::SetNotificationChoicesRequest { choices: vec![choice("mention", "both"), choice("answer", "loudly")] };
    let refused = levels.set_notification_choices(wrong).await.expect_err("refused");
    assert_eq!(refused.code(), tonic::Code::InvalidArgument);
    use tonic_types::StatusExt;
    let fields: Vec<String> =
        refused.get_details_bad_request().expect("fields").field_violations.into_iter().map(|v| v.field).collect();
    assert_eq!(fields, ["choices.answer"], "the unknown delivery is named first, before the use case is asked");

    let in_steward_only = pb::SetNotificationChoicesRequest { choices: vec![choice("answer", "in_steward")] };
    let saved = levels.set_notification_choices(in_steward_only).await.expect("saved").into_inner();
    assert!(saved.choices.iter().any(|c| c.kind == "answer" && c.delivery == "in_steward" && c.chosen));

    let number = team.file(&team.rita, "Quota").await;
    let reply = NewMessage {
        number,
        body: "Raised to 20 GB.".into(),
        visibility: Visibility::Public,
        attachment_ids: Vec::new(),
    };
    usecases::tickets::reply(core, &team.sam, reply).await.expect("reply");
    assert_eq!(team.told(&team.rita).await, [format!("Sam Steward answered on #{number} Quota")]);
    assert!(team.mailed(&team.rita).await.is_empty(), "she chose not to get answers by email");

    let neither = pb::SetNotificationChoicesRequest { choices: vec![choice("answer", "neither")] };
    levels.set_notification_choices(neither).await.expect("saved");
    let again = NewMessage {
        number,
        body: "And 30 GB from Monday.".into(),
        visibility: Visibility::Public,
        attachment_ids: Vec::new(),
    };
    usecases::tickets::reply(core, &team.sam, again).await.expect("reply");
    assert_eq!(team.told(&team.rita).await.len(), 1, "nothing new");
    let both = pb::SetNotificationChoicesRequest { choices: vec![choice("answer", "both")] };
    levels.set_notification_choices(both).await.expect("saved");
    let third = NewMessage { number, body: "Done.".into(), visibility: Visibility::Public, attachment_ids: Vec::new() };
    usecases::tickets::reply(core, &team.sam, third).await.expect("reply");
    assert_eq!(team.mailed(&team.rita).await, [(MailKind::Reply, format!("[Steward #{number}] Quota"))]);

    // A page cannot be turned off.
    let sam = team.app.sign_in("sam@steward.example").await;
    let off = pb::SetNotificationChoicesRequest { choices: vec![choice("page", "neither")] };
    let refused = sam.service_levels.clone().set_notification_choices(off).await.expect_err("pages always reach");
    let violations = refused.get_details_bad_request().expect("fields").field_violations;
    assert_eq!(violations[0].field, "choices.page");
    assert!(violations[0].description.contains("always reaches you"), "{violations:?}");
}

impl Team {
    async fn ticket_version(&self, number: i64) -> i64 {
        let conn = self.app.state.core.pool.get().await.expect("conn");
        steward_backend::db::models::tickets::find(&conn, number).await.expect("read").expect("ticket").version
    }
}
