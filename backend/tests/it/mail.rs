//! Email in and out, as a representative and a steward would notice it: a mail to support@
//! becomes a ticket in her community with the acknowledgement sent back, her answers land in
//! the ticket's conversation, machines' mail is left alone, strangers' mail waits for staff,
//! and what Steward sends reaches a real SMTP server once, even across an outage.

use chrono::Duration;
use steward_backend::db::models::mail::{self as mail_rows, MailKind, Outcome};
use steward_backend::db::models::{comments, people, tickets};
use steward_backend::email;
use steward_backend::usecases::mail::{self as mail_cases, Receipt};
use steward_backend::usecases::tickets::{NewMessage, Step};
use steward_backend::usecases::{self, Actor};
use steward_domain::conversation::Visibility;
use steward_domain::facts::Principal;
use steward_domain::lifecycle::Action;
use steward_domain::{MembershipRole, RequestType, StaffRole, TicketState};
use steward_proto::v1 as pb;

use crate::util::TestApp;
use crate::util::imap::ImapServer;
use crate::util::smtp::SmtpServer;

const SUPPORT: &str = "support@steward.test";

struct Desk {
    app: TestApp,
    aurora: i64,
    borealis: i64,
    steward: Principal,
}

async fn desk_with(settings: &[(&str, &str)]) -> Desk {
    let mut all = vec![("STEWARD_MAIL_ADDRESS", SUPPORT), ("STEWARD_PUBLIC_ORIGIN", "https://desk.example.org")];
    all.extend_from_slice(settings);
    let app = TestApp::spawn_with(&all).await;
    let aurora = app.community("aurora", "Aurora Hub").await;
    let borealis = app.community("borealis", "Borealis Lab").await;
    let rita = app.person("rita@aurora.example", "Rita Rep", None).await;
    app.membership(rita, aurora, MembershipRole::Representative).await;
    let max = app.person("max@aurora.example", "Max Member", None).await;
    app.membership(max, aurora, MembershipRole::Member).await;
    let both = app.person("bo@both.example", "Bo Both", None).await;
    app.membership(both, aurora, MembershipRole::Representative).await;
    app.membership(both, borealis, MembershipRole::Representative).await;
    let steward = app.person("sam@steward.test", "Sam Steward", Some(StaffRole::Steward)).await;
    let mut conn = app.state.core.pool.get().await.expect("conn");
    let steward = people::principal(&mut conn, steward).await.expect("load").expect("steward");
    drop(conn);
    Desk { app, aurora, borealis, steward }
}

async fn desk() -> Desk {
    desk_with(&[]).await
}

/// A plain-text message as a mail client writes it.
fn eml(from: &str, to: &str, subject: &str, headers: &[(&str, &str)], body: &str) -> Vec<u8> {
    let mut text = format!(
        "From: {from}\r\nTo: {to}\r\nSubject: {subject}\r\nDate: Mon, 7 Dec 2026 09:00:00 +0000\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n"
    );
    for (name, value) in headers {
        text.push_str(&format!("{name}: {value}\r\n"));
    }
    text.push_str("\r\n");
    text.push_str(&body.replace('\n', "\r\n"));
    text.into_bytes()
}

impl Desk {
    async fn receive(&self, raw: &[u8]) -> Receipt {
        let incoming = email::parse(raw, self.app.state.core.mail.max_bytes).expect("a mail message");
        mail_cases::receive(&self.app.state.core, incoming).await.expect("received")
    }

    async fn ticket(&self, number: i64) -> tickets::Ticket {
        let conn = self.app.state.core.pool.get().await.expect("conn");
        tickets::find(&conn, number).await.expect("read").expect("ticket")
    }

    async fn conversation(&self, number: i64) -> Vec<String> {
        let mut conn = self.app.state.core.pool.get().await.expect("conn");
        comments::list_for_ticket(&mut conn, number, true, 0).await.expect("read").into_iter().map(|c| c.body).collect()
    }

    /// The mails about ticket `number` to its requester's side (news to the team aside).
    async fn outbox(&self, number: i64) -> Vec<mail_rows::Mail> {
        let conn = self.app.state.core.pool.get().await.expect("conn");
        let mails = mail_rows::for_ticket(&conn, number).await.expect("outbox");
        mails.into_iter().filter(|m| m.kind != MailKind::News).collect()
    }

    async fn ticket_count(&self) -> usize {
        let conn = self.app.state.core.pool.get().await.expect("conn");
        tickets::in_states(&conn, TicketState::ALL).await.expect("tickets").len()
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_representative_s_mail_becomes_a_confidential_ticket_in_her_community_and_is_acknowledged_once() {
    let desk = desk().await;
    let raw = eml(
        "Rita Rep <Rita@Aurora.example>",
        SUPPORT,
        "Hub is slow since this morning",
        &[("Message-ID", "<first@aurora.example>")],
        "Notebooks take a minute to start.\n\nRita\n-- \nRita Rep, Aurora Hub\n+1 555 0100\n",
    );
    let receipt = desk.receive(&raw).await;
    assert_eq!(receipt.outcome, Outcome::Filed, "{receipt:?}");
    let number = receipt.ticket_number.expect("a ticket");
    let ticket = desk.ticket(number).await;
    assert_eq!(ticket.community_id, desk.aurora);
    assert_eq!(ticket.title, "Hub is slow since this morning");
    assert_eq!(ticket.description, "Notebooks take a minute to start.\n\nRita", "the signature is trimmed");
    assert_eq!(ticket.request_type, RequestType::Other);
    assert!(ticket.confidential, "an email may say anything: confidential until staff open it up");
    assert_ne!(ticket.state, TicketState::AwaitingApproval, "a representative files directly");

    let outbox = desk.outbox(number).await;
    assert_eq!(outbox.len(), 1, "{outbox:?}");
    let ack = &outbox[0];
    assert_eq!(ack.kind, MailKind::Acknowledgement);
    assert_eq!(ack.recipient, "rita@aurora.example");
    assert_eq!(ack.subject, format!("[Steward #{number}] Hub is slow since this morning"));
    assert!(ack.body.starts_with("Hello Rita Rep,"), "the acknowledgement template, filled: {}", ack.body);
    assert!(ack.body.contains(&format!("https://desk.example.org/tickets/{number}")), "{}", ack.body);
    assert_eq!(ack.in_reply_to.as_deref(), Some("<first@aurora.example>"), "it answers her mail");

    // Fetched or piped again: recorded once, filed once, acknowledged once.
    let again = desk.receive(&raw).await;
    assert!(again.duplicate);
    assert_eq!(again.ticket_number, Some(number));
    assert_eq!(desk.ticket_count().await, 1);
    assert_eq!(desk.outbox(number).await.len(), 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn her_answers_thread_into_the_ticket_by_subject_then_by_message_ids_with_the_quote_trimmed() {
    let desk = desk().await;
    let first =
        eml("rita@aurora.example", SUPPORT, "Quota", &[("Message-ID", "<q1@aurora.example>")], "We need more disk.");
    let number = desk.receive(&first).await.ticket_number.expect("filed");
    let ack = &desk.outbox(number).await[0];
    let steward_id = format!("<steward-{number}-{}@steward.test>", ack.id);

    // By the subject's reference, quoted history below "On … wrote:" trimmed.
    let by_subject = eml(
        "rita@aurora.example",
        SUPPORT,
        &format!("Re: [Steward #{number}] Quota"),
        &[("Message-ID", "<q2@aurora.example>")],
        "20 GB would do.\n\nOn Mon, 7 Dec 2026 at 09:01, Steward support <support@steward.test> wrote:\n> Hello Rita Rep,\n> Thank you\n",
    );
    let receipt = desk.receive(&by_subject).await;
    assert_eq!((receipt.outcome, receipt.ticket_number), (Outcome::Replied, Some(number)), "{receipt:?}");
    // By In-Reply-To to Steward's own mail, the subject rewritten by her client.
    let by_reply_to = eml(
        "rita@aurora.example",
        SUPPORT,
        "AW: quota",
        &[("Message-ID", "<q3@aurora.example>"), ("In-Reply-To", &steward_id)],
        "Or 30 GB.",
    );
    assert_eq!(desk.receive(&by_reply_to).await.ticket_number, Some(number));
    // By References to one of her own earlier messages.
    let by_references = eml(
        "rita@aurora.example",
        SUPPORT,
        "one more thing",
        &[("Message-ID", "<q4@aurora.example>"), ("References", "<q1@aurora.example> <unrelated@x.example>")],
        "Thanks!",
    );
    assert_eq!(desk.receive(&by_references).await.ticket_number, Some(number));

    assert_eq!(desk.conversation(number).await, ["20 GB would do.", "Or 30 GB.", "Thanks!"]);
    assert_eq!(desk.ticket_count().await, 1, "no answer became a new ticket");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_member_s_mail_waits_for_approval_and_a_plus_address_picks_the_community() {
    let desk = desk().await;
    let member = desk.receive(&eml("max@aurora.example", SUPPORT, "New course", &[], "Can we get a hub?")).await;
    let ticket = desk.ticket(member.ticket_number.expect("filed")).await;
    assert_eq!(ticket.state, TicketState::AwaitingApproval, "exactly as a member's web request");

    // Bo represents two communities: the general address cannot tell which one.
    let unclear = desk.receive(&eml("bo@both.example", SUPPORT, "Outage?", &[], "Is it down?")).await;
    assert_eq!(unclear.outcome, Outcome::Held);
    assert!(unclear.reason.contains("several communities"), "{}", unclear.reason);
    let tagged =
        desk.receive(&eml("bo@both.example", "support+borealis@steward.test", "Outage?", &[], "Is it down?")).await;
    assert_eq!(desk.ticket(tagged.ticket_number.expect("filed")).await.community_id, desk.borealis);
}

#[tokio::test(flavor = "multi_thread")]
async fn machines_mail_is_left_alone_and_a_stranger_s_waits_for_staff() {
    let desk = desk().await;
    let cases: [(&str, Vec<u8>, &str); 3] = [
        (
            "out of office",
            eml("rita@aurora.example", SUPPORT, "Out of office", &[("Auto-Submitted", "auto-replied")], "Back Monday."),
            "automatic answer",
        ),
        ("bounce", eml("MAILER-DAEMON@aurora.example", SUPPORT, "Undelivered Mail", &[], "Delivery failed."), "bounce"),
        ("loop", eml("rita@aurora.example", SUPPORT, "Re: [Steward #1] x", &[("X-Loop", SUPPORT)], "Loop."), "loop"),
    ];
    for (what, raw, reason) in cases {
        let receipt = desk.receive(&raw).await;
        assert_eq!(receipt.outcome, Outcome::Ignored, "{what}: {receipt:?}");
        assert!(receipt.reason.contains(reason), "{what}: {}", receipt.reason);
    }
    assert_eq!(desk.ticket_count().await, 0, "no machine's mail became a ticket");

    // List mail may be a person's (support@ run as a group, another system's loop guard, Outlook's
    // "do not answer automatically"): taken in, never answered automatically.
    let headers =
        [("Precedence", "list"), ("X-Loop", "aurora-list@aurora.example"), ("X-Auto-Response-Suppress", "All")];
    let listed = desk.receive(&eml("rita@aurora.example", SUPPORT, "Via the group", &headers, "Hub down?")).await;
    assert_eq!(listed.outcome, Outcome::Filed, "{listed:?}");
    assert!(desk.outbox(listed.ticket_number.expect("filed")).await.is_empty(), "no acknowledgement to a list");

    // Anyone can write a staff address in From: such mail is never taken as support's word.
    let forged = desk.receive(&eml("sam@steward.test", SUPPORT, "Re: [Steward #1] Via the group", &[], "Fixed.")).await;
    assert_eq!(forged.outcome, Outcome::Held);
    assert!(forged.reason.contains("staff answer on the web"), "{}", forged.reason);
    assert_eq!(desk.conversation(listed.ticket_number.expect("filed")).await.len(), 0);

    // A NUL byte and a monstrous Message-ID do not stop the message being taken in.
    let odd_id = format!("<{}@x.example>", "a".repeat(2000));
    let odd = desk
        .receive(&eml("rita@aurora.example", SUPPORT, "Odd\0 subject", &[("Message-ID", &odd_id)], "Text\0 here"))
        .await;
    assert_eq!(odd.outcome, Outcome::Filed, "{odd:?}");
    assert_eq!(desk.ticket(odd.ticket_number.expect("filed")).await.title, "Odd subject");

    let stranger = desk.receive(&eml("eve@unknown.example", SUPPORT, "Hello", &[], "Who are you?")).await;
    assert_eq!(stranger.outcome, Outcome::Held);
    assert!(stranger.reason.contains("nobody in Steward has the address eve@unknown.example"), "{}", stranger.reason);
    let conn = desk.app.state.core.pool.get().await.expect("conn");
    let held = mail_rows::held(&conn, 10).await.expect("held");
    assert_eq!(
        held.iter().map(|m| m.from_address.as_str()).collect::<Vec<_>>(),
        ["sam@steward.test", "eve@unknown.example"]
    );
    let raw = mail_rows::raw(&conn, held[1].id).await.expect("raw").expect("kept");
    assert!(String::from_utf8_lossy(&raw).contains("Who are you?"), "the original is kept whole");
}

#[tokio::test(flavor = "multi_thread")]
async fn an_answer_to_a_closed_ticket_starts_a_new_one_that_points_back() {
    let desk = desk().await;
    let core = &desk.app.state.core;
    let number = desk
        .receive(&eml("rita@aurora.example", SUPPORT, "Quota", &[], "More disk."))
        .await
        .ticket_number
        .expect("filed");
    for action in [Action::Start, Action::Resolve, Action::Close] {
        let version = desk.ticket(number).await.version;
        let step = Step { number, expected_version: version, action, reason: None };
        usecases::tickets::transition(core, Actor::Steward, step).await.unwrap_or_else(|e| panic!("{action:?}: {e:?}"));
    }
    assert_eq!(desk.ticket(number).await.state, TicketState::Closed);
    let late = desk
        .receive(&eml(
            "rita@aurora.example",
            SUPPORT,
            &format!("Re: [Steward #{number}] Quota"),
            &[],
            "It is full again.",
        ))
        .await;
    assert_eq!(late.outcome, Outcome::Filed, "{late:?}");
    let follow_up = desk.ticket(late.ticket_number.expect("filed")).await;
    assert_ne!(follow_up.number, number);
    assert!(follow_up.description.starts_with(&format!("Follows up on #{number}")), "{}", follow_up.description);
    assert!(desk.conversation(number).await.is_empty(), "the closed ticket is left as it was");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_message_piped_to_steward_mail_receive_is_filed() {
    let desk = desk().await;
    let raw = eml(
        "rita@aurora.example",
        SUPPORT,
        "Piped in",
        &[("Message-ID", "<pipe@aurora.example>")],
        "Through the mail server.",
    );
    let pipe = |url: String, raw: Vec<u8>| {
        tokio::task::spawn_blocking(move || {
            use std::io::Write;
            let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_steward"))
                .args(["mail", "receive"])
                .env("DATABASE_URL", url)
                .env("STEWARD_MAIL_ADDRESS", SUPPORT)
                .env("RUST_LOG", "warn")
                .stdin(std::process::Stdio::piped())
                .stdout(std::process::Stdio::piped())
                .spawn()
                .expect("steward");
            child.stdin.take().expect("stdin").write_all(&raw).expect("pipe");
            let output = child.wait_with_output().expect("ran");
            assert!(output.status.success(), "{output:?}");
            String::from_utf8_lossy(&output.stdout).into_owned()
        })
    };
    let said = pipe(desk.app.database_url.clone(), raw.clone()).await.expect("ran");
    assert!(said.contains("filed as ticket #"), "{said}");
    let again = pipe(desk.app.database_url.clone(), raw).await.expect("ran");
    assert!(again.contains("received before"), "{again}");
    assert_eq!(desk.ticket_count().await, 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn support_s_reply_and_the_resolution_reach_her_over_smtp_threaded_and_internal_notes_do_not() {
    let smtp = SmtpServer::start();
    let desk = desk_with(&[("STEWARD_SMTP_URL", &smtp.url())]).await;
    let core = &desk.app.state.core;
    let number = desk
        .receive(&eml("rita@aurora.example", SUPPORT, "Quota", &[("Message-ID", "<q1@aurora.example>")], "More disk."))
        .await
        .ticket_number
        .expect("filed");
    let steward = &desk.steward;
    let reply = NewMessage {
        number,
        body: "Done: quotas are **20 GB** now.".into(),
        visibility: Visibility::Public,
        attachment_ids: Vec::new(),
    };
    usecases::tickets::reply(core, steward, reply).await.expect("reply");
    let note = NewMessage {
        number,
        body: "Raised by hand; watch the node.".into(),
        visibility: Visibility::Internal,
        attachment_ids: Vec::new(),
    };
    usecases::tickets::reply(core, steward, note).await.expect("note");
    for action in [Action::Start, Action::Resolve] {
        let version = desk.ticket(number).await.version;
        let reason = (action == Action::Resolve).then(|| "Quota raised.".to_owned());
        let step = Step { number, expected_version: version, action, reason };
        usecases::tickets::transition(core, Actor::Person(steward), step)
            .await
            .unwrap_or_else(|e| panic!("{action:?}: {e:?}"));
    }

    let delivered = smtp.wait_for_to("rita@aurora.example", 3).await;
    assert!(delivered.iter().all(|m| m.from.contains(SUPPORT)), "{delivered:?}");
    let texts: Vec<String> = delivered.iter().map(|m| m.text()).collect();
    let [ack, reply, resolved] = &texts[..] else { panic!("three mails: {texts:?}") };
    assert!(ack.contains("Auto-Submitted: auto-generated"), "{ack}");
    assert!(reply.contains("Sam Steward wrote:") && reply.contains("Done: quotas are **20 GB** now."), "{reply}");
    assert!(reply.contains("<strong>20 GB</strong>"), "an HTML alternative from the same text: {reply}");
    assert!(!reply.contains("Auto-Submitted"), "a person wrote it");
    assert!(resolved.contains("please confirm") && resolved.contains("Quota raised."), "{resolved}");
    for text in &texts {
        assert!(text.contains(&format!("Subject: [Steward #{number}] Quota")), "{text}");
        assert!(text.contains("In-Reply-To: <q1@aurora.example>"), "threaded under her mail: {text}");
        assert!(text.contains(&format!("<steward-{number}@steward.test>")), "the ticket's thread: {text}");
        assert!(text.contains("X-Loop: support@steward.test"), "{text}");
        assert!(!text.contains("watch the node"), "internal notes never leave Steward");
    }
    // Marked sent once the server accepted each (the commit follows the server's answer).
    let mut outbox = desk.outbox(number).await;
    for _ in 0..100 {
        if outbox.iter().all(|m| m.sent_at.is_some()) {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        outbox = desk.outbox(number).await;
    }
    assert!(outbox.iter().all(|m| m.sent_at.is_some() && m.attempts == 1), "{outbox:?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn during_an_smtp_outage_mail_waits_with_its_error_and_goes_once_when_the_server_is_back() {
    // A port with nothing listening: the server is down.
    let reserved = std::net::TcpListener::bind("127.0.0.1:0").expect("reserve");
    let addr = reserved.local_addr().expect("addr");
    drop(reserved);
    let desk = desk_with(&[("STEWARD_SMTP_URL", &format!("smtp://{addr}"))]).await;
    desk.app.clock.set(chrono::Utc::now());
    let number = desk
        .receive(&eml("rita@aurora.example", SUPPORT, "Quota", &[], "More disk."))
        .await
        .ticket_number
        .expect("filed");
    let failed = loop {
        let mail = desk.outbox(number).await.remove(0);
        if mail.attempts > 0 {
            break mail;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    };
    assert_eq!(failed.sent_at, None);
    assert!(failed.last_error.as_deref().is_some_and(|e| e.contains("could not be reached")), "{failed:?}");
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert_eq!(desk.outbox(number).await[0].attempts, 1, "it waits for its retry, not hammering the server");

    let smtp = SmtpServer::start_on(std::net::TcpListener::bind(addr).expect("the server is back"));
    desk.app.clock.advance(Duration::minutes(2));
    let delivered = smtp.wait_for_to("rita@aurora.example", 1).await;
    assert!(delivered[0].text().contains("Hello Rita Rep,"));
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    let to_rita = smtp.delivered().into_iter().filter(|m| m.to == ["rita@aurora.example"]).count();
    assert_eq!(to_rita, 1, "sent once");
    let mail = desk.outbox(number).await.remove(0);
    assert!(mail.sent_at.is_some() && mail.attempts == 2 && mail.last_error.is_none(), "{mail:?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn staff_read_held_mail_take_it_in_as_a_person_s_or_discard_it_and_admins_read_the_outbox() {
    let desk = desk().await;
    let stranger = eml(
        "Rita Private <rita.home@private.example>",
        SUPPORT,
        "Hub down?",
        &[],
        "Writing from home: is the hub down?\n\n> old quote\n",
    );
    assert_eq!(desk.receive(&stranger).await.outcome, Outcome::Held);
    assert_eq!(desk.receive(&eml("spam@x.example", SUPPORT, "Offer", &[], "Buy now.")).await.outcome, Outcome::Held);
    let steward = desk.app.sign_in("sam@steward.test").await;
    let mut mail = steward.mail.clone();
    let held = mail.list_held_mail(pb::ListHeldMailRequest {}).await.expect("held").into_inner().mails;
    assert_eq!(held.len(), 2);
    let (rita_home, spam) = (&held[0], &held[1]);
    assert_eq!(rita_home.from_name, "Rita Private");
    assert_eq!(rita_home.text, "Writing from home: is the hub down?", "what she wrote, the quote trimmed");
    assert!(rita_home.reason.contains("nobody in Steward has the address"), "{}", rita_home.reason);

    // Taken in as Rita's (her work address is the one Steward knows): filed in her community.
    let take_in_as = |email: &str| pb::ReleaseHeldMailRequest {
        id: rita_home.id,
        release: Some(pb::release_held_mail_request::Release::TakeIn(pb::TakeIn {
            email: email.to_owned(),
            community_id: None,
        })),
    };
    let unknown = mail.release_held_mail(take_in_as("rita@typo.example")).await.expect_err("nobody");
    assert_eq!(unknown.code(), tonic::Code::InvalidArgument);
    assert!(unknown.message().contains("Nobody in Steward has the address rita@typo.example"), "{unknown:?}");
    let take_in = take_in_as("Rita@Aurora.example");
    let mut conn = desk.app.state.core.pool.get().await.expect("conn");
    let (rita, _) = people::find_by_email(&mut conn, "rita@aurora.example").await.expect("read").expect("rita");
    drop(conn);
    let released = mail.release_held_mail(take_in.clone()).await.expect("taken in").into_inner();
    assert_eq!(released.outcome, "filed");
    let ticket = desk.ticket(released.ticket_number.expect("a ticket")).await;
    assert_eq!((ticket.community_id, ticket.requester_id), (desk.aurora, rita.id));
    let again = mail.release_held_mail(take_in).await.expect_err("released already");
    assert_eq!(again.code(), tonic::Code::NotFound);

    // Discarded: out of the list, no ticket, the original kept.
    let discard = pb::ReleaseHeldMailRequest {
        id: spam.id,
        release: Some(pb::release_held_mail_request::Release::Discard(true)),
    };
    assert_eq!(mail.release_held_mail(discard).await.expect("discarded").into_inner().outcome, "discarded");
    assert!(mail.list_held_mail(pb::ListHeldMailRequest {}).await.expect("held").into_inner().mails.is_empty());
    assert_eq!(desk.ticket_count().await, 1);

    // The acknowledgement to Rita waits in the outbox (no SMTP server here), where an admin reads it.
    desk.app.person("ada@steward.test", "Ada Admin", Some(StaffRole::Admin)).await;
    let admin = desk.app.sign_in("ada@steward.test").await;
    let outbox = admin.mail.clone().list_outbox(pb::ListOutboxRequest {}).await.expect("outbox").into_inner();
    assert!(!outbox.sending, "no SMTP server is configured");
    let to_rita: Vec<_> = outbox.mails.iter().filter(|m| m.recipient == "rita@aurora.example").collect();
    let [ack] = &to_rita[..] else { panic!("one mail to her: {:?}", outbox.mails) };
    assert!(
        outbox.mails.iter().any(|m| m.kind == "News" && m.subject.contains("New request")),
        "the team heard of the request: {:?}",
        outbox.mails
    );
    assert_eq!((ack.kind.as_str(), ack.recipient.as_str()), ("Acknowledgement", "rita@aurora.example"));
    assert_eq!(ack.sent_at, None);
}

#[tokio::test(flavor = "multi_thread")]
async fn mail_in_the_support_mailbox_is_fetched_over_imap_taken_in_once_and_marked_seen() {
    let mut mailbox = ImapServer::start();
    let desk = desk().await;
    let core = &desk.app.state.core;
    let settings = steward_backend::config::Config::from_lookup(|name| match name {
        "DATABASE_URL" => Some(desk.app.database_url.clone()),
        "STEWARD_IMAP_URL" => Some(mailbox.url()),
        _ => None,
    })
    .expect("config")
    .mail
    .imap
    .expect("a mailbox");
    mailbox.deliver(&eml(
        "rita@aurora.example",
        SUPPORT,
        "From the mailbox",
        &[("Message-ID", "<imap-1@aurora.example>")],
        "Hello over IMAP.",
    ));
    mailbox.deliver(b"not a mail message at all");
    let fetched = email::imap::fetch_once(core, &settings).await.expect("fetched");
    assert_eq!((fetched.taken, fetched.refused), (1, 1));
    assert_eq!(mailbox.flags(), ["S", "FS"], "taken: seen; unreadable: seen and flagged for a person");
    let filed = desk.outbox(1).await;
    assert_eq!(filed.len(), 1, "filed and acknowledged: {filed:?}");
    assert_eq!(desk.ticket(1).await.title, "From the mailbox");

    // Looked at again: nothing unseen, nothing new. The same message delivered twice (a
    // forwarding rule, a restore) is still taken in once.
    assert_eq!(email::imap::fetch_once(core, &settings).await.expect("fetched"), Default::default());
    mailbox.deliver(&eml(
        "rita@aurora.example",
        SUPPORT,
        "From the mailbox",
        &[("Message-ID", "<imap-1@aurora.example>")],
        "Hello over IMAP.",
    ));
    assert_eq!(email::imap::fetch_once(core, &settings).await.expect("fetched").taken, 1);
    assert_eq!(desk.ticket_count().await, 1);

    // A wrong password is said plainly.
    let wrong = steward_backend::config::ImapSettings { password: "wrong".into(), ..settings };
    let error = email::imap::fetch_once(core, &wrong).await.expect_err("refused");
    assert!(format!("{error:#}").contains("signing in as support was refused"), "{error:#}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_serving_steward_fetches_the_support_mailbox_by_itself() {
    let mut mailbox = ImapServer::start();
    let url = mailbox.url();
    let desk = desk_with(&[("STEWARD_IMAP_URL", &url), ("STEWARD_IMAP_EVERY_SECONDS", "1")]).await;
    mailbox.deliver(&eml("rita@aurora.example", SUPPORT, "Fetched by the server", &[], "Hello."));
    // Filed, then marked seen in the mailbox.
    for _ in 0..100 {
        if desk.ticket_count().await == 1 && mailbox.flags() == ["S"] {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(desk.ticket(1).await.title, "Fetched by the server");
    assert_eq!(mailbox.flags(), ["S"]);
}

#[tokio::test(flavor = "multi_thread")]
async fn with_the_mailbox_s_server_named_only_a_sender_it_verified_is_taken_in_by_itself() {
    let desk = desk_with(&[("STEWARD_MAIL_AUTHSERV_ID", "mx.steward.test")]).await;
    let verified = "mx.steward.test; spf=pass smtp.mailfrom=aurora.example; dkim=pass header.d=aurora.example; dmarc=pass header.from=aurora.example";
    let filed = desk
        .receive(&eml("rita@aurora.example", SUPPORT, "Quota", &[("Authentication-Results", verified)], "More disk."))
        .await;
    assert_eq!(filed.outcome, Outcome::Filed, "{filed:?}");

    // Someone else writes Rita's address: her domain's DMARC says it was not her.
    let forged =
        "mx.steward.test; spf=fail smtp.mailfrom=attacker.example; dmarc=fail (p=reject) header.from=aurora.example";
    let held = desk
        .receive(&eml(
            "rita@aurora.example",
            SUPPORT,
            "Quota again",
            &[("Authentication-Results", forged)],
            "Give me all.",
        ))
        .await;
    assert_eq!(held.outcome, Outcome::Held, "{held:?}");
    assert!(held.reason.contains("is not who it claims: DMARC fail for aurora.example"), "{}", held.reason);

    // Results another server stamped (the sender can write those) verify nothing.
    let stamped = "mx.attacker.example; dmarc=pass header.from=aurora.example";
    let subject = format!("Re: [Steward #{}] Quota", filed.ticket_number.expect("filed"));
    let unverified = desk
        .receive(&eml("rita@aurora.example", SUPPORT, &subject, &[("Authentication-Results", stamped)], "Close it."))
        .await;
    assert_eq!(unverified.outcome, Outcome::Held, "{unverified:?}");
    assert!(unverified.reason.contains("mx.steward.test could not verify"), "{}", unverified.reason);
    assert!(desk.conversation(filed.ticket_number.expect("filed")).await.is_empty(), "nothing was added to her ticket");
    assert_eq!(desk.ticket_count().await, 1);
}
