//! Files as people and attackers meet them (issue 14): uploaded through the file door with the
//! session's cookie, attached to a request, a reply or a note, and downloaded by exactly those
//! who may read what each is attached to (a hidden file looks missing); an HTML file is a
//! download, never a page; an oversized, cross-site or broken upload leaves nothing behind.

use std::time::Duration;

use steward_domain::{MembershipRole, StaffRole};
use steward_proto::v1 as pb;
use tonic::Code;
use tonic_types::StatusExt;

use crate::util::test_app::files_dir;
use crate::util::{Client, TestApp};

/// A one-pixel PNG, as a screenshot tool writes one.
const PNG: &[u8] = &[
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52, 0x00, 0x00, 0x00,
    0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1f, 0x15, 0xc4, 0x89, 0x00, 0x00, 0x00, 0x0d, 0x49,
    0x44, 0x41, 0x54, 0x78, 0x9c, 0x63, 0xf8, 0xcf, 0xc0, 0xf0, 0x1f, 0x00, 0x05, 0x00, 0x01, 0xff, 0x89, 0x99, 0x3d,
    0x1d, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82,
];

struct Desk {
    app: TestApp,
    aurora: i64,
    rita: Client,
    milo: Client,
    bea: Client,
    sam: Client,
}

async fn desk_with(settings: &[(&str, &str)]) -> Desk {
    let app = TestApp::spawn_with(settings).await;
    let aurora = app.community("aurora", "Aurora Hub").await;
    let borealis = app.community("borealis", "Borealis Lab").await;
    let rita = app.person("rita@aurora.example", "Rita Rep", None).await;
    app.membership(rita, aurora, MembershipRole::Representative).await;
    let milo = app.person("milo@aurora.example", "Milo Member", None).await;
    app.membership(milo, aurora, MembershipRole::Member).await;
    let bea = app.person("bea@borealis.example", "Bea Rep", None).await;
    app.membership(bea, borealis, MembershipRole::Representative).await;
    app.person("sam@steward.example", "Sam Steward", Some(StaffRole::Steward)).await;
    let rita = app.sign_in("rita@aurora.example").await;
    let milo = app.sign_in("milo@aurora.example").await;
    let bea = app.sign_in("bea@borealis.example").await;
    let sam = app.sign_in("sam@steward.example").await;
    Desk { app, aurora, rita, milo, bea, sam }
}

/// What the server answered: its status, headers and body.
struct Answer {
    status: u16,
    headers: reqwest::header::HeaderMap,
    body: Vec<u8>,
}

impl Answer {
    fn header(&self, name: &str) -> &str {
        self.headers.get(name).and_then(|v| v.to_str().ok()).unwrap_or_default()
    }

    fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|_| panic!("JSON: {}", String::from_utf8_lossy(&self.body)))
    }
}

impl Desk {
    async fn upload(&self, who: Option<&Client>, name: &str, kind: &str, bytes: Vec<u8>) -> Answer {
        let mut request = reqwest::Client::new()
            .post(format!("{}/files", self.app.url()))
            .header("origin", self.app.url())
            .header("content-type", kind)
            .header("x-file-name", name)
            .body(bytes);
        if let Some(cookie) = who.and_then(Client::cookie) {
            request = request.header("cookie", cookie);
        }
        let response = request.send().await.expect("upload sent");
        Answer {
            status: response.status().as_u16(),
            headers: response.headers().clone(),
            body: response.bytes().await.expect("body").to_vec(),
        }
    }

    async fn uploaded(&self, who: &Client, name: &str, kind: &str, bytes: Vec<u8>) -> i64 {
        let answer = self.upload(Some(who), name, kind, bytes).await;
        assert_eq!(answer.status, 201, "{}", String::from_utf8_lossy(&answer.body));
        answer.json()["id"].as_i64().expect("an id")
    }

    async fn download(&self, who: Option<&Client>, url: &str) -> Answer {
        let mut request = reqwest::Client::new().get(format!("{}{url}", self.app.url()));
        if let Some(cookie) = who.and_then(Client::cookie) {
            request = request.header("cookie", cookie);
        }
        let response = request.send().await.expect("download sent");
        Answer {
            status: response.status().as_u16(),
            headers: response.headers().clone(),
            body: response.bytes().await.expect("body").to_vec(),
        }
    }

    /// The files of the object store, however deep.
    fn stored_files(&self) -> usize {
        fn count(dir: &std::path::Path) -> usize {
            std::fs::read_dir(dir)
                .map(|entries| entries.flatten().map(|e| if e.path().is_dir() { count(&e.path()) } else { 1 }).sum())
                .unwrap_or(0)
        }
        count(std::path::Path::new(&files_dir(&self.app.database_url)))
    }
}

fn request(community_id: i64, attachment_ids: Vec<i64>) -> pb::CreateTicketRequest {
    pb::CreateTicketRequest {
        community_id,
        request_type: pb::RequestType::Other as i32,
        priority: pb::Priority::Normal as i32,
        title: "Spawn fails".into(),
        description: "See the screenshot.".into(),
        confidential: true,
        answers: Default::default(),
        attachment_ids,
    }
}

fn message(
    number: i64,
    body: &str,
    visibility: pb::CommentVisibility,
    attachment_ids: Vec<i64>,
) -> pb::AddCommentRequest {
    pb::AddCommentRequest { number, body: body.into(), visibility: visibility as i32, attachment_ids }
}

#[tokio::test(flavor = "multi_thread")]
async fn files_are_read_by_exactly_who_may_read_what_they_are_attached_to() {
    let desk = desk_with(&[]).await;
    // Rita uploads a screenshot: until she sends it, it is hers alone.
    let screenshot = desk.upload(Some(&desk.rita), "Screen%20shot%201.png", "image/png", PNG.to_vec()).await;
    assert_eq!(screenshot.status, 201);
    let stored = screenshot.json();
    assert_eq!((stored["name"].as_str(), stored["inline"].as_bool()), (Some("Screen shot 1.png"), Some(true)));
    let url = stored["url"].as_str().expect("url").to_owned();
    assert_eq!(desk.download(Some(&desk.rita), &url).await.status, 200);
    assert_eq!(desk.download(Some(&desk.sam), &url).await.status, 404, "not sent yet: hers alone");

    // She files a confidential request with it.
    let id = stored["id"].as_i64().expect("id");
    let ticket = desk.rita.tickets.clone().create_ticket(request(desk.aurora, vec![id])).await.expect("filed");
    let number = ticket.into_inner().ticket.expect("ticket").number;
    let read = desk.sam.tickets.clone().get_ticket(pb::GetTicketRequest { number }).await.expect("read");
    let files: Vec<String> = read.get_ref().attachments.iter().map(|f| f.name.clone()).collect();
    assert_eq!(files, ["Screen shot 1.png"]);

    // Sam answers with an HTML report, and notes a log for the team only.
    let report = desk.uploaded(&desk.sam, "report.html", "text/html", b"<script>alert(1)</script>".to_vec()).await;
    let log = desk.uploaded(&desk.sam, "node.log", "text/plain", b"OOMKilled".to_vec()).await;
    let mut sam = desk.sam.tickets.clone();
    let reply = sam
        .add_comment(message(number, "The report.", pb::CommentVisibility::PublicReply, vec![report]))
        .await
        .expect("reply")
        .into_inner()
        .comment
        .expect("comment");
    assert_eq!(reply.attachments.len(), 1, "the answer carries its file");
    sam.add_comment(message(number, "Logs.", pb::CommentVisibility::InternalNote, vec![log])).await.expect("note");
    let as_sam = sam.get_ticket(pb::GetTicketRequest { number }).await.expect("read").into_inner();
    let url_of = |name: &str| {
        as_sam.comments.iter().flat_map(|c| &c.attachments).find(|f| f.name == name).expect("a file").url.clone()
    };
    let (report_url, log_url) = (url_of("report.html"), url_of("node.log"));

    // Rita: her screenshot in place, the report as a download that never runs, no internal log.
    let shown = desk.download(Some(&desk.rita), &url).await;
    assert_eq!((shown.status, shown.header("content-type")), (200, "image/png"));
    assert!(shown.header("content-disposition").starts_with("inline"), "{}", shown.header("content-disposition"));
    assert_eq!(shown.body, PNG);
    let html = desk.download(Some(&desk.rita), &report_url).await;
    assert_eq!((html.status, html.header("content-type")), (200, "application/octet-stream"));
    assert!(html.header("content-disposition").starts_with("attachment; filename=\"report.html\""));
    assert_eq!(html.header("x-content-type-options"), "nosniff");
    assert!(html.header("content-security-policy").starts_with("sandbox"), "nothing in a file runs");
    let missing = desk.download(Some(&desk.rita), "/files/999999/nothing.txt").await;
    let hidden = desk.download(Some(&desk.rita), &log_url).await;
    assert_eq!((hidden.status, hidden.body.clone()), (404, missing.body.clone()), "a hidden file looks missing");
    let read = desk.rita.tickets.clone().get_ticket(pb::GetTicketRequest { number }).await.expect("read");
    let names: Vec<&str> =
        read.get_ref().comments.iter().flat_map(|c| &c.attachments).map(|f| f.name.as_str()).collect();
    assert_eq!(names, ["report.html"], "the note and its file are the team's");

    // A member does not read a confidential request's files; another community reads none.
    for (who, client) in [("Milo", &desk.milo), ("Bea", &desk.bea)] {
        for file in [&url, &report_url, &log_url] {
            let answer = desk.download(Some(client), file).await;
            assert_eq!((answer.status, answer.body.clone()), (404, missing.body.clone()), "{who} {file}");
        }
    }
    assert_eq!(desk.download(None, &url).await.status, 401, "signed out: sign in first");
    assert_eq!(desk.download(Some(&desk.sam), &log_url).await.body, b"OOMKilled");

    // Nobody attaches another's upload, nor one attached already; every bad field is named.
    let ritas = desk.uploaded(&desk.rita, "mine.txt", "text/plain", b"mine".to_vec()).await;
    for ids in [vec![ritas], vec![report]] {
        let refused = sam
            .add_comment(message(number, "Taking it.", pb::CommentVisibility::PublicReply, ids))
            .await
            .expect_err("refused");
        assert_eq!(refused.code(), Code::InvalidArgument);
        let fields = refused.get_details_bad_request().expect("fields").field_violations;
        assert_eq!(fields[0].field, "attachment_ids", "{fields:?}");
    }
    let comments = sam.get_ticket(pb::GetTicketRequest { number }).await.expect("read").into_inner().comments;
    assert_eq!(comments.len(), 2, "a refused message leaves nothing behind");
}

#[tokio::test(flavor = "multi_thread")]
async fn an_oversized_cross_site_or_broken_upload_leaves_nothing_behind() {
    let desk = desk_with(&[("STEWARD_MAX_UPLOAD_MB", "1")]).await;
    let big = vec![b'x'; 1_500_000];
    let refused = desk.upload(Some(&desk.rita), "dump.bin", "application/octet-stream", big.clone()).await;
    assert_eq!(refused.status, 413);
    assert_eq!(refused.json()["message"], "This file is 1.5 MB; files up to 1.0 MB are taken.");

    // Streamed without a length (as a chunked body): cut off as it passes the limit.
    let chunks: Vec<Result<Vec<u8>, std::io::Error>> = big.chunks(100_000).map(|c| Ok(c.to_vec())).collect();
    let streamed = reqwest::Client::new()
        .post(format!("{}/files", desk.app.url()))
        .header("origin", desk.app.url())
        .header("cookie", desk.rita.cookie().expect("cookie"))
        .header("x-file-name", "dump.bin")
        .body(reqwest::Body::wrap_stream(futures_util::stream::iter(chunks)))
        .send()
        .await
        .expect("sent");
    assert_eq!(streamed.status().as_u16(), 413);

    // Another site cannot upload in her name; nobody signed out can upload.
    let forged = reqwest::Client::new()
        .post(format!("{}/files", desk.app.url()))
        .header("origin", "https://evil.example")
        .header("cookie", desk.rita.cookie().expect("cookie"))
        .body(b"x".to_vec())
        .send()
        .await
        .expect("sent");
    assert_eq!(forged.status().as_u16(), 403);
    assert_eq!(desk.upload(None, "a.txt", "text/plain", b"x".to_vec()).await.status, 401);

    // A connection dropped halfway through.
    use tokio::io::AsyncWriteExt;
    let mut stream = tokio::net::TcpStream::connect(desk.app.addr).await.expect("connect");
    let head = format!(
        "POST /files HTTP/1.1\r\nHost: {}\r\nOrigin: {}\r\nCookie: {}\r\nContent-Type: text/plain\r\nX-File-Name: half.txt\r\nContent-Length: 500000\r\n\r\n",
        desk.app.addr,
        desk.app.url(),
        desk.rita.cookie().expect("cookie")
    );
    stream.write_all(head.as_bytes()).await.expect("head");
    stream.write_all(&[b'y'; 200_000]).await.expect("half");
    drop(stream);
    tokio::time::sleep(Duration::from_millis(500)).await;

    assert_eq!(desk.stored_files(), 0, "no bytes were kept");
    let conn = desk.app.state.core.pool.get().await.expect("conn");
    let kept = steward_backend::db::models::attachments::unattached_before(
        &conn,
        chrono::Utc::now() + chrono::Duration::days(1),
        10,
    )
    .await
    .expect("rows");
    assert!(kept.is_empty(), "no file was recorded: {kept:?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn an_upload_nobody_attached_is_removed_after_a_day() {
    let desk = desk_with(&[]).await;
    let kept = desk.uploaded(&desk.rita, "draft.png", "image/png", PNG.to_vec()).await;
    let sent = desk.uploaded(&desk.rita, "sent.png", "image/png", PNG.to_vec()).await;
    desk.rita.tickets.clone().create_ticket(request(desk.aurora, vec![sent])).await.expect("filed");
    let core = &desk.app.state.core;
    assert_eq!(steward_backend::usecases::attachments::remove_unattached(core).await.expect("tidied"), 0, "not yet");
    desk.app.clock.advance(chrono::Duration::hours(25));
    assert_eq!(steward_backend::usecases::attachments::remove_unattached(core).await.expect("tidied"), 1);
    assert_eq!(desk.stored_files(), 1, "the attached one stays");
    let conn = core.pool.get().await.expect("conn");
    assert!(steward_backend::db::models::attachments::find(&conn, kept).await.expect("read").is_none());
    assert!(steward_backend::db::models::attachments::find(&conn, sent).await.expect("read").is_some());
}
