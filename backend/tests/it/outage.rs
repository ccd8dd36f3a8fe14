//! PostgreSQL restarting while people write: every write that fails says UNAVAILABLE or ABORTED
//! with when to retry (nothing was committed), never INTERNAL; and writes go through again once
//! it is back, without restarting Steward. The test runs its own cluster, so restarting it
//! touches no other test.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use steward_devdb::Cluster;
use steward_domain::MembershipRole;
use steward_proto::v1 as pb;
use tokio_postgres::NoTls;
use tonic::Code;
use tonic_types::StatusExt;

use crate::util::TestApp;

const DATABASE: &str = "steward_outage";

async fn fresh_database(cluster: &Cluster) -> String {
    let (admin, connection) = tokio_postgres::connect(&cluster.url("postgres"), NoTls).await.expect("admin");
    tokio::spawn(connection);
    admin.batch_execute(&format!("DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")).await.expect("drop");
    admin.batch_execute(&format!("CREATE DATABASE {DATABASE}")).await.expect("create");
    let url = cluster.url(DATABASE);
    steward_backend::db::migrate(&url).await.expect("migrate");
    url
}

/// What the writers saw: successes before and after the restart, and every failure's code.
#[derive(Default)]
struct Seen {
    ok_after_restart: usize,
    failures: Vec<(Code, bool, String)>,
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn writes_while_postgresql_restarts_fail_as_unavailable_never_internal_and_resume() {
    let dir = steward_devdb::target_dir().join("steward-pg-outage");
    let start = {
        let dir = dir.clone();
        move || Cluster::start(&dir).expect("the outage test's own cluster")
    };
    let cluster = tokio::task::spawn_blocking(start.clone()).await.expect("start");
    let url = fresh_database(&cluster).await;
    let app = TestApp::spawn_on(url).await;
    let community = app.community("aurora", "Aurora Hub").await;
    let rep = app.person("rep@example.org", "Rita Rep", None).await;
    app.membership(rep, community, MembershipRole::Representative).await;
    let client = app.sign_in("rep@example.org").await;
    let filed = client
        .tickets
        .clone()
        .create_ticket(pb::CreateTicketRequest {
            community_id: community,
            request_type: pb::RequestType::Other as i32,
            priority: pb::Priority::Normal as i32,
            title: "Writes during a restart".into(),
            description: "Each reply is a write.".into(),
            confidential: false,
            answers: Default::default(),
            attachment_ids: Vec::new(),
        })
        .await
        .expect("file")
        .into_inner()
        .ticket
        .expect("ticket");

    let restarted = Arc::new(AtomicBool::new(false));
    let stop = Arc::new(AtomicBool::new(false));
    let seen = Arc::new(std::sync::Mutex::new(Seen::default()));
    let mut writers = Vec::new();
    for writer in 0..4 {
        let (mut tickets, restarted, stop, seen) =
            (client.tickets.clone(), restarted.clone(), stop.clone(), seen.clone());
        writers.push(tokio::spawn(async move {
            let mut n = 0;
            while !stop.load(Ordering::Relaxed) {
                n += 1;
                let request = pb::AddCommentRequest {
                    number: filed.number,
                    body: format!("writer {writer}, reply {n}"),
                    visibility: pb::CommentVisibility::PublicReply as i32,
                    attachment_ids: Vec::new(),
                };
                let result = tickets.add_comment(request).await;
                {
                    let mut seen = seen.lock().expect("seen");
                    match result {
                        Ok(_) if restarted.load(Ordering::Relaxed) => seen.ok_after_restart += 1,
                        Ok(_) => {}
                        Err(status) => {
                            let hint = status.get_details_retry_info().is_some();
                            seen.failures.push((status.code(), hint, status.message().to_owned()));
                        }
                    }
                }
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
        }));
    }

    tokio::time::sleep(Duration::from_millis(500)).await;
    // A fast shutdown ends every session (57P01, "terminating connection due to administrator
    // command"), then the cluster starts again, as `pg_ctl restart` does.
    let stopping = cluster.clone();
    tokio::task::spawn_blocking(move || stopping.stop().expect("stop")).await.expect("stop");
    tokio::time::sleep(Duration::from_millis(700)).await;
    tokio::task::spawn_blocking(start).await.expect("start again");
    restarted.store(true, Ordering::Relaxed);
    tokio::time::sleep(Duration::from_secs(3)).await;
    stop.store(true, Ordering::Relaxed);
    for writer in writers {
        writer.await.expect("writer");
    }

    let seen = std::mem::take(&mut *seen.lock().expect("seen"));
    let mut codes = std::collections::BTreeMap::<String, usize>::new();
    for (code, _, message) in &seen.failures {
        *codes.entry(format!("{code:?}: {message}")).or_default() += 1;
    }
    eprintln!("writes refused during the restart: {codes:?}; after it, {} went through", seen.ok_after_restart);
    assert!(!seen.failures.is_empty(), "the restart was felt by the writers");
    for (code, hint, message) in &seen.failures {
        assert!(matches!(code, Code::Unavailable | Code::Aborted), "{code:?} {message:?}: {:?}", seen.failures);
        assert!(hint, "a retry hint with {code:?} {message:?}");
    }
    assert!(seen.ok_after_restart > 0, "writes go through again once PostgreSQL is back");
    app.stop();
    tokio::task::spawn_blocking(move || cluster.stop().expect("stop")).await.expect("stop at the end");
}
