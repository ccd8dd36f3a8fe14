//! Confidential details (issue 14) as people meet them through the API: admins add the support
//! team's OpenPGP key and are told why a key is refused; a secret answer or an encrypted reply
//! is taken only as an OpenPGP message support can read, and stored exactly as it came with
//! the fingerprints of those who can read it; what the browser's code seals opens with the
//! team's private key. (`openpgp/tests/gnupg.rs` checks the same messages against GnuPG.)

use chrono::Utc;
use steward_domain::{MembershipRole, StaffRole};
use steward_openpgp::{Form, PrivateKey, seal};
use steward_proto::v1 as pb;
use tonic::Code;
use tonic_types::StatusExt;

use crate::util::{Client, TestApp};

const TEAM: &str = include_str!("keys/team.asc");
const TEAM_PRIVATE: &str = include_str!("keys/team-private.asc");
const RITA: &str = include_str!("keys/rita.asc");
const STRANGER: &str = include_str!("keys/stranger.asc");
const SIGN_ONLY: &str = include_str!("keys/sign-only.asc");

struct Desk {
    _app: TestApp,
    aurora: i64,
    rita: Client,
    ada: Client,
    sam: Client,
}

async fn desk() -> Desk {
    let app = TestApp::spawn().await;
    let aurora = app.community("aurora", "Aurora Hub").await;
    let rita = app.person("rita@aurora.example", "Rita Rep", None).await;
    app.membership(rita, aurora, MembershipRole::Representative).await;
    app.person("ada@steward.example", "Ada Admin", Some(StaffRole::Admin)).await;
    app.person("sam@steward.example", "Sam Steward", Some(StaffRole::Steward)).await;
    let rita = app.sign_in("rita@aurora.example").await;
    let ada = app.sign_in("ada@steward.example").await;
    let sam = app.sign_in("sam@steward.example").await;
    Desk { _app: app, aurora, rita, ada, sam }
}

/// The field violations of a refusal, as (field, message).
fn violations(status: &tonic::Status) -> Vec<(String, String)> {
    assert_eq!(status.code(), Code::InvalidArgument, "{status:?}");
    let details = status.get_details_bad_request().expect("field violations");
    details.field_violations.into_iter().map(|v| (v.field, v.description)).collect()
}

async fn add_team_key(who: &Client, armored: &str) -> Result<pb::OpenPgpKey, tonic::Status> {
    let added = who.keys.clone().add_team_key(pb::AddTeamKeyRequest { armored: armored.into() }).await?;
    Ok(added.into_inner().key.expect("the key"))
}

async fn sealing_keys(who: &Client, ticket_number: Option<i64>, internal: bool) -> Vec<pb::OpenPgpKey> {
    let request = pb::GetSealingKeysRequest { ticket_number, internal };
    let keys = who.keys.clone().get_sealing_keys(request).await.expect("keys");
    keys.into_inner().keys
}

/// `text` sealed as the browser's worker seals it, to `keys`.
fn sealed(keys: &[&str], text: &str) -> String {
    String::from_utf8(seal(keys, Utc::now(), text.as_bytes(), Form::Armored).expect("sealed")).expect("armored")
}

fn access_request(community_id: i64, secrets: Option<String>) -> pb::CreateTicketRequest {
    let mut answers: std::collections::HashMap<String, String> = [
        ("access_change", "Add as hub admin"),
        ("people", "Nora New <nora@aurora.example>"),
        ("environment", "aurora-prod"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.to_owned()))
    .collect();
    if let Some(secrets) = secrets {
        answers.insert("secrets".into(), secrets);
    }
    pb::CreateTicketRequest {
        community_id,
        request_type: pb::RequestType::AddRemoveUser as i32,
        priority: pb::Priority::Normal as i32,
        title: "Access for Nora".into(),
        description: "Nora joins the team.".into(),
        confidential: true,
        answers,
        attachment_ids: Vec::new(),
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn admins_add_the_team_key_and_are_told_why_a_key_is_refused() {
    let desk = desk().await;
    let refused = add_team_key(&desk.sam, TEAM).await.expect_err("a steward may not");
    assert_eq!(refused.code(), Code::PermissionDenied);

    for (block, says) in [
        (SIGN_ONLY, "can only sign"),
        (TEAM_PRIVATE, "private key"),
        ("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI ada@steward.example", "not an OpenPGP public key"),
        (&TEAM[..TEAM.len() / 2], "not an OpenPGP public key"),
        ("   ", "Paste the public key"),
    ] {
        let refusal = add_team_key(&desk.ada, block).await.expect_err("refused");
        let found = violations(&refusal);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].0, "armored");
        assert!(found[0].1.contains(says), "{says:?} in {:?}", found[0].1);
    }
    assert!(
        desk.rita
            .keys
            .clone()
            .list_team_keys(pb::ListTeamKeysRequest {})
            .await
            .expect("list")
            .into_inner()
            .keys
            .is_empty(),
        "nothing refused was kept"
    );

    let added = add_team_key(&desk.ada, TEAM).await.expect("a usable key");
    assert_eq!(added.fingerprint.len(), 40);
    assert_eq!(added.user_id, "Steward Support <support@steward.example>");
    // Added again (say, refreshed with a new expiry): still one active key.
    add_team_key(&desk.ada, TEAM).await.expect("refreshed");
    let listed = desk.rita.keys.clone().list_team_keys(pb::ListTeamKeysRequest {}).await.expect("list").into_inner();
    assert_eq!(listed.keys.iter().map(|k| k.fingerprint.as_str()).collect::<Vec<_>>(), [added.fingerprint.as_str()]);
    assert!(listed.keys[0].armored.starts_with("-----BEGIN PGP PUBLIC KEY BLOCK-----"), "to download and verify");

    let retire = |fingerprint: &str| pb::RetireTeamKeyRequest { fingerprint: fingerprint.into() };
    let refused = desk.sam.keys.clone().retire_team_key(retire(&added.fingerprint)).await.expect_err("admins only");
    assert_eq!(refused.code(), Code::PermissionDenied);
    desk.ada.keys.clone().retire_team_key(retire(&added.fingerprint)).await.expect("retired");
    assert!(sealing_keys(&desk.rita, None, false).await.is_empty(), "nothing can be sealed without a team key");
    let again = desk.ada.keys.clone().retire_team_key(retire(&added.fingerprint)).await.expect_err("no longer active");
    assert_eq!(again.code(), Code::NotFound);
}

#[tokio::test(flavor = "multi_thread")]
async fn the_same_key_saved_twice_at_once_is_kept_once() {
    let desk = desk().await;
    // Two admins (or two tabs) pressing "Add key" together: both are told it was saved, and the
    // team ends up with one active key, not an error and not two.
    let saves = (0..6).map(|_| add_team_key(&desk.ada, TEAM));
    for saved in futures_util::future::join_all(saves).await {
        saved.expect("saved");
    }
    let listed = desk.rita.keys.clone().list_team_keys(pb::ListTeamKeysRequest {}).await.expect("list").into_inner();
    assert_eq!(listed.keys.len(), 1, "{:?}", listed.keys.iter().map(|k| &k.fingerprint).collect::<Vec<_>>());

    let own = (0..6).map(|_| {
        let mut keys = desk.rita.keys.clone();
        async move { keys.set_my_key(pb::SetMyKeyRequest { armored: RITA.into() }).await }
    });
    for saved in futures_util::future::join_all(own).await {
        saved.expect("saved");
    }
    let mine = desk.rita.keys.clone().get_my_key(pb::GetMyKeyRequest {}).await.expect("own key").into_inner();
    assert!(mine.key.is_some_and(|key| key.user_id.contains("Rita")), "one own key, Rita's");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_secret_answer_is_taken_only_encrypted_for_support_and_stored_as_it_came() {
    let desk = desk().await;
    let mut tickets = desk.rita.tickets.clone();
    let unasked = tickets.create_ticket(access_request(desk.aurora, Some(sealed(&[TEAM], "pw"))));
    let refusal = unasked.await.expect_err("without a team key, no secret question is asked");
    assert!(violations(&refusal).iter().any(|(field, _)| field == "answers.secrets"));

    let team = add_team_key(&desk.ada, TEAM).await.expect("team key");
    let mine = desk.rita.keys.clone().set_my_key(pb::SetMyKeyRequest { armored: RITA.into() }).await.expect("own key");
    let rita_key = mine.into_inner().key.expect("key");
    assert_eq!(rita_key.owner.as_ref().map(|o| o.display_name.as_str()), Some("Rita Rep"));

    // Readable text for a secret question never gets stored.
    let refusal = desk
        .rita
        .tickets
        .clone()
        .create_ticket(access_request(desk.aurora, Some("temporary password: hunter2".into())))
        .await
        .expect_err("a readable secret");
    let found = violations(&refusal);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].0, "answers.secrets");
    assert!(found[0].1.contains("nothing was saved"), "{}", found[0].1);

    // Encrypted for somebody support is not: nobody in support could read it.
    let refusal = desk
        .rita
        .tickets
        .clone()
        .create_ticket(access_request(desk.aurora, Some(sealed(&[STRANGER], "hunter2"))))
        .await
        .expect_err("not for support");
    let found = violations(&refusal);
    assert!(found[0].1.contains("keys support does not hold"), "{}", found[0].1);

    // As the page seals it: to the keys the server names.
    let keys = sealing_keys(&desk.rita, None, false).await;
    let fingerprints: Vec<&str> = keys.iter().map(|k| k.fingerprint.as_str()).collect();
    assert_eq!(fingerprints, [team.fingerprint.as_str(), rita_key.fingerprint.as_str()], "support first, then hers");
    let armored: Vec<&str> = keys.iter().map(|k| k.armored.as_str()).collect();
    let block = sealed(&armored, "temporary password: hunter2");
    let filed = desk
        .rita
        .tickets
        .clone()
        .create_ticket(access_request(desk.aurora, Some(block.clone())))
        .await
        .expect("filed")
        .into_inner()
        .ticket
        .expect("ticket");
    let secret = filed.answers.iter().find(|a| a.key == "secrets").expect("the secret answer");
    assert_eq!(secret.value, block.trim(), "stored as it came (trimmed like every answer)");
    assert_eq!(secret.sealed_for, [team.fingerprint.clone(), rita_key.fingerprint.clone()]);
    let plain = filed.answers.iter().find(|a| a.key == "environment").expect("a plain answer");
    assert!(plain.sealed_for.is_empty());

    // A reply reaches Rita's key too; an internal note never does.
    let reply_keys = sealing_keys(&desk.sam, Some(filed.number), false).await;
    assert_eq!(reply_keys.len(), 2);
    let note_keys = sealing_keys(&desk.sam, Some(filed.number), true).await;
    assert_eq!(note_keys.iter().map(|k| k.fingerprint.as_str()).collect::<Vec<_>>(), [team.fingerprint.as_str()]);

    let team_private = PrivateKey::unlock(TEAM_PRIVATE.as_bytes(), "").expect("the team's private key");
    let seen = desk.sam.tickets.clone().get_ticket(pb::GetTicketRequest { number: filed.number }).await.expect("get");
    let seen = seen.into_inner().ticket.expect("ticket");
    let value = &seen.answers.iter().find(|a| a.key == "secrets").expect("secret").value;
    assert_eq!(team_private.open(value.as_bytes()).expect("support reads it"), b"temporary password: hunter2");
}

#[tokio::test(flavor = "multi_thread")]
async fn an_encrypted_reply_names_its_readers_and_is_never_rendered() {
    let desk = desk().await;
    let team = add_team_key(&desk.ada, TEAM).await.expect("team key");
    let filed = desk
        .rita
        .tickets
        .clone()
        .create_ticket(access_request(desk.aurora, None))
        .await
        .expect("filed")
        .into_inner()
        .ticket
        .expect("ticket");
    let reply = |body: String| pb::AddCommentRequest {
        number: filed.number,
        body,
        visibility: pb::CommentVisibility::PublicReply as i32,
        attachment_ids: Vec::new(),
    };
    let refusal =
        desk.rita.tickets.clone().add_comment(reply(sealed(&[STRANGER], "**x**"))).await.expect_err("not for support");
    assert_eq!(violations(&refusal)[0].0, "body");

    let keys = sealing_keys(&desk.sam, Some(filed.number), false).await;
    assert_eq!(keys.len(), 1, "the team's key; neither Rita nor Sam added one");
    let block = sealed(&[keys[0].armored.as_str()], "**The new password is** `hunter2`");
    let comment = desk
        .sam
        .tickets
        .clone()
        .add_comment(reply(block.clone()))
        .await
        .expect("posted")
        .into_inner()
        .comment
        .expect("c");
    assert_eq!(comment.body, block.trim());
    assert_eq!(comment.sealed_for, [team.fingerprint.as_str()]);
    assert!(comment.body_html.is_empty(), "an encrypted message is shown as what it is, never rendered");

    let listed = desk
        .rita
        .tickets
        .clone()
        .list_comments(pb::ListCommentsRequest { number: filed.number, after_id: 0 })
        .await
        .expect("listed")
        .into_inner();
    let seen = listed.comments.iter().find(|c| c.id == comment.id).expect("Rita sees the reply");
    assert_eq!(seen.sealed_for, [team.fingerprint]);
}
