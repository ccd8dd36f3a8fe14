//! Public knowledge through the API: anyone, signed in or not, reads public tickets and their
//! public replies; suggestions of similar tickets are public tickets only, whoever asks; nothing
//! confidential, no internal note and no e-mail address is ever in any answer. How to get
//! support (channels, the security route, forms and priorities) is public too.

use steward_proto::v1 as pb;
use tonic::Code;

use crate::util::world::{Who, World};

/// Whether a world ticket is public knowledge, restated independently of the code.
fn is_public(ticket: &crate::util::world::WorldTicket) -> bool {
    !ticket.confidential && !ticket.awaiting_approval
}

/// Text that must never appear in a public answer.
fn private_markers(world: &World) -> Vec<String> {
    let mut markers: Vec<String> = world.tickets.iter().map(|t| t.internal_note.clone()).collect();
    markers.extend(world.tickets.iter().filter(|t| !is_public(t)).map(|t| t.title.clone()));
    markers.push("@example.org".to_owned());
    markers
}

fn assert_nothing_private(world: &World, who: Who, answer: &impl std::fmt::Debug) {
    let text = format!("{answer:?}");
    for marker in private_markers(world) {
        assert!(!text.contains(&marker), "{who:?} got {marker:?} in {text}");
    }
}

#[tokio::test]
async fn the_public_pages_show_public_tickets_and_public_replies_only() {
    let world = World::build().await;
    let expected: Vec<&str> = {
        let mut titles: Vec<&str> = world.tickets.iter().filter(|t| is_public(t)).map(|t| t.title.as_str()).collect();
        titles.sort_unstable();
        titles
    };
    assert_eq!(
        expected,
        ["A-MEMBER-APPROVED-TITLE", "A-PUBLIC-TITLE", "B-PUBLIC-TITLE"],
        "the world has public tickets"
    );
    for who in Who::ALL {
        let mut client = world.client(who).known_issues.clone();
        let listed = client.list_known_issues(pb::ListKnownIssuesRequest { text: String::new() }).await.expect("list");
        let listed = listed.into_inner();
        assert_nothing_private(&world, who, &listed);
        let mut titles: Vec<&str> = listed.issues.iter().map(|i| i.title.as_str()).collect();
        titles.sort_unstable();
        assert_eq!(titles, expected, "{who:?} lists every public ticket");

        for ticket in &world.tickets {
            let got = client.get_known_issue(pb::GetKnownIssueRequest { number: ticket.number }).await;
            match got {
                Ok(response) => {
                    let response = response.into_inner();
                    assert!(is_public(ticket), "{who:?} read {} publicly", ticket.title);
                    assert_nothing_private(&world, who, &response);
                    let marker = ticket.title.trim_end_matches("-TITLE");
                    let replies: Vec<&str> = response.replies.iter().map(|r| r.body.as_str()).collect();
                    assert_eq!(replies, [format!("{marker}-PUBLIC-REPLY")], "the public reply, never the note");
                    assert!(response.replies[0].from_support);
                }
                Err(status) => {
                    assert!(!is_public(ticket), "{who:?} could not read public {}", ticket.title);
                    assert_eq!(status.code(), Code::NotFound, "a private ticket does not exist here");
                }
            }
        }
        let missing = client.get_known_issue(pb::GetKnownIssueRequest { number: 999_999 }).await.expect_err("missing");
        assert_eq!(missing.code(), Code::NotFound);
    }
}

#[tokio::test]
async fn suggestions_are_public_tickets_only_whoever_asks() {
    let world = World::build().await;
    for who in Who::ALL {
        let mut client = world.client(who).known_issues.clone();
        let suggest = |title: &str, description: &str| pb::SuggestSimilarRequest {
            title: title.to_owned(),
            description: description.to_owned(),
        };
        // Every world ticket says "title" and "description": all public ones match, and only they.
        let found = client.suggest_similar(suggest("Title", "description")).await.expect("suggest").into_inner();
        assert_nothing_private(&world, who, &found);
        let mut titles: Vec<String> = found.suggestions.iter().map(|s| s.title.clone()).collect();
        titles.sort_unstable();
        assert_eq!(titles, ["A-MEMBER-APPROVED-TITLE", "A-PUBLIC-TITLE", "B-PUBLIC-TITLE"], "{who:?}");

        // Words found only in confidential or waiting tickets suggest nothing, even to staff.
        for words in ["confidential", "waiting", "internal note"] {
            let found = client.suggest_similar(suggest(words, "")).await.expect("suggest").into_inner();
            assert!(found.suggestions.is_empty(), "{who:?} searching {words:?} got {:?}", found.suggestions);
        }
        // The best match comes first: two words match the approved member's request, one the others.
        let found = client.suggest_similar(suggest("Member approved", "public")).await.expect("suggest").into_inner();
        let titles: Vec<&str> = found.suggestions.iter().map(|s| s.title.as_str()).collect();
        assert_eq!(titles.first(), Some(&"A-MEMBER-APPROVED-TITLE"), "{who:?}: {titles:?}");
        assert_eq!(titles.len(), 3, "{who:?}: {titles:?}");
        let empty = client.suggest_similar(suggest("", "a ?")).await.expect("nothing typed").into_inner();
        assert!(empty.suggestions.is_empty());
    }
}

#[tokio::test]
async fn anyone_reads_how_to_get_support_and_only_admins_change_it() {
    let world = World::build().await;
    let policy = pb::SupportPolicy {
        channels: "support@aurora.example\nEscalation phone: +32 000 00 00".into(),
        security_contact: "security@steward.example".into(),
        security_instructions: "Encrypt your report to our OpenPGP key.".into(),
    };
    let set = |who: Who, policy: pb::SupportPolicy| {
        let mut intake = world.client(who).intake.clone();
        async move { intake.set_support_policy(pb::SetSupportPolicyRequest { policy: Some(policy) }).await }
    };
    assert_eq!(set(Who::Steward, policy.clone()).await.expect_err("steward").code(), Code::PermissionDenied);
    let saved = set(Who::Admin, policy.clone()).await.expect("admin").into_inner().policy.expect("policy");
    assert_eq!(saved, policy);
    let too_long = pb::SupportPolicy { security_contact: "x".repeat(501), ..policy.clone() };
    let refused = set(Who::Admin, too_long).await.expect_err("too long");
    let field =
        tonic_types::StatusExt::get_details_bad_request(&refused).expect("field").field_violations[0].field.clone();
    assert_eq!((refused.code(), field.as_str()), (Code::InvalidArgument, "policy.security_contact"));

    let anonymous = world.client(Who::Anonymous);
    let read = anonymous.intake.clone().get_support_policy(pb::GetSupportPolicyRequest {}).await.expect("anyone reads");
    assert_eq!(read.into_inner().policy, Some(policy), "what the admin saved, unchanged by the refused change");
    let forms =
        anonymous.intake.clone().get_intake_forms(pb::GetIntakeFormsRequest {}).await.expect("forms are public");
    assert_eq!(forms.into_inner().priorities.len(), 3);
}

#[tokio::test]
async fn a_public_page_names_the_support_staff_and_the_community_never_the_requester() {
    let world = World::build().await;
    let public = world.tickets.iter().find(|t| t.title == "A-PUBLIC-TITLE").expect("public ticket").number;
    let reply = pb::AddCommentRequest {
        number: public,
        body: "Still broken for **us**: see https://status.aurora.example <img src=x onerror=alert(1)>".into(),
        visibility: pb::CommentVisibility::PublicReply as i32,
        attachment_ids: Vec::new(),
    };
    world.client(Who::RepA).tickets.clone().add_comment(reply).await.expect("the requester replies");

    let anonymous = world.client(Who::Anonymous).known_issues.clone();
    let page = anonymous.clone().get_known_issue(pb::GetKnownIssueRequest { number: public }).await.expect("read");
    let page = page.into_inner();
    let text = format!("{page:?}");
    assert!(!text.contains("Rep A"), "the requester is never named on a public page: {text}");
    let authors: Vec<(&str, bool)> = page.replies.iter().map(|r| (r.author.as_str(), r.from_support)).collect();
    assert_eq!(authors, [("Steward", true), ("", false)], "the staff by name, the community's side by nothing");
    assert_eq!(page.issue.expect("issue").community, "Aurora Hub", "the community is named");

    let rendered = &page.replies[1].body_html;
    assert!(rendered.contains("<strong>us</strong>"), "Markdown is rendered: {rendered}");
    assert!(
        rendered.contains(r#"<a href="https://status.aurora.example" rel="noopener noreferrer nofollow">"#),
        "{rendered}"
    );
    assert!(!rendered.contains("<img"), "typed HTML is never markup: {rendered}");
    assert!(rendered.contains("&lt;img"), "it is shown as text: {rendered}");
    assert_eq!(page.description_html, "<p>A-PUBLIC-DESCRIPTION</p>\n");
}
