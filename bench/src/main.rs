//! Steward's benchmark client. `cargo xtask bench` starts PostgreSQL and a release `steward
//! serve` with demo data, then runs this against it; every figure is printed as `name: value`,
//! context as `# ` lines.
//!
//! - Live delivery: 1,000, then 10,000 watching streams (native gRPC, staff sessions, all tickets) while
//!   movers move cards at a fixed rate. Latency runs from the moment a mover sends MoveCard (so it
//!   includes the move itself: an upper bound on commit-to-client) to the moment a watcher reads
//!   the change with that ticket's new version.
//! - Throughput: the rate steps up until p99 passes 100 ms; the best delivered rate is reported.
//! - Writes: 32 movers as fast as the API allows, against pgbench running the same statements.
//! - Memory: the server's resident memory before and after opening 10,000 idle streams.
//! - Incidents: a public update on an incident with 20 linked tickets (each update is a public
//!   reply on all 20) to 1,000 streams watching the incident board; and an incident with 10,000
//!   timeline entries for the browser's render figure (`e2e/bench/timeline.mjs`).
//! - Paging: production-down tickets filed one after another, from sending CreateTicket to a
//!   paging webhook (an HTTP receiver in this process) receiving the page.
//! - Files: uploads of 5 MB files through the file door into the server's local store.

use std::collections::HashMap;
use std::process::Command;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use clap::Parser;
use steward_proto::v1 as pb;
use steward_proto::v1::board_service_client::BoardServiceClient;
use steward_proto::v1::directory_service_client::DirectoryServiceClient;
use steward_proto::v1::incident_service_client::IncidentServiceClient;
use steward_proto::v1::live_service_client::LiveServiceClient;
use steward_proto::v1::ticket_service_client::TicketServiceClient;
use steward_proto::v1::triage_service_client::TriageServiceClient;

use steward_bench::{Authed, Session, connect, percentile, rss_kib, sign_in};
use tonic::codegen::InterceptedService;

#[derive(Parser)]
struct Args {
    /// The server, e.g. http://127.0.0.1:8080.
    #[arg(long)]
    url: String,
    /// The server's process id, for its memory.
    #[arg(long)]
    server_pid: u32,
    /// The database the server uses (for pgbench).
    #[arg(long)]
    database_url: String,
    /// The pgbench scripts.
    #[arg(long)]
    pgbench_dir: String,
    /// A steward's email and password (the demo data's).
    #[arg(long, default_value = "sam@steward.example")]
    email: String,
    #[arg(long, default_value = "demo-password-2026")]
    password: String,
}

const WATCHERS: usize = 1_000;
/// The large team: as many watchers in one process (issue 15).
const MANY_WATCHERS: usize = 10_000;
const STREAMS_PER_CONNECTION: usize = 100;
const MOVERS: usize = 32;
const IDLE_STREAMS: usize = 10_000;
const TARGET_P99_MS: f64 = 100.0;
/// Tickets linked to the incident whose updates are measured.
const INCIDENT_TICKETS: usize = 20;
/// Public updates posted, one after the other.
const INCIDENT_UPDATES: usize = 20;
/// Entries of the incident whose timeline the browser opens.
const TIMELINE_ENTRIES: usize = 10_000;
/// The title the browser benchmark finds that incident by.
const TIMELINE_TITLE: &str = "Benchmark timeline";
/// Open tickets in the triage queue measurement.
const QUEUE_TICKETS: usize = 10_000;
const QUEUE_TITLE: &str = "Benchmark queue ticket";

/// A ticket a mover owns, with the version it last saw.
struct Owned {
    number: i64,
    version: i64,
    in_progress: bool,
}

/// A mover: its client and its ticket.
type Mover = (BoardServiceClient<Authed>, Owned);

/// When each move was sent, by (ticket, version it creates).
type Sent = Arc<Mutex<HashMap<(i64, i64), Instant>>>;

/// Moves `ticket` to the other of In progress and Pending; records when it was sent.
async fn move_once(
    board: &mut BoardServiceClient<Authed>,
    ticket: &mut Owned,
    sent: Option<&Sent>,
) -> anyhow::Result<()> {
    let to = if ticket.in_progress { pb::TicketState::Pending } else { pb::TicketState::InProgress };
    if let Some(sent) = sent {
        sent.lock().expect("sent").insert((ticket.number, ticket.version + 1), Instant::now());
    }
    let request = pb::MoveCardRequest {
        number: ticket.number,
        expected_version: ticket.version,
        to_state: to as i32,
        before_number: None,
        reason: String::new(),
    };
    let card = board.move_card(request).await?.into_inner().card.context("no card")?;
    ticket.version = card.version;
    ticket.in_progress = !ticket.in_progress;
    Ok(())
}

/// What one watcher received: (ticket, version, when).
type Received = Arc<Mutex<Vec<(i64, i64, Instant)>>>;

/// An open watcher: its task (abort it to close the stream) and what it received.
struct Watcher {
    task: tokio::task::JoinHandle<()>,
    received: Received,
}

/// What a benchmark watcher reads of each `WatchResponse` (`live.proto`): whether it is `Live`,
/// and a ticket change's card number and version; prost skips the rest unread. The watchers
/// stand for browsers on other machines: decoding every card in full here would spend this
/// machine's cores, shared with the server, on strings the benchmark never looks at.
mod glimpse {
    use tonic::codegen::http::uri::PathAndQuery;

    #[derive(Clone, PartialEq, prost::Message)]
    pub struct WatchResponse {
        #[prost(oneof = "Message", tags = "1, 2")]
        pub message: Option<Message>,
    }

    #[derive(Clone, PartialEq, prost::Oneof)]
    pub enum Message {
        #[prost(message, tag = "1")]
        Live(Live),
        #[prost(message, tag = "2")]
        TicketChange(TicketChange),
    }

    #[derive(Clone, Copy, PartialEq, prost::Message)]
    pub struct Live {}

    #[derive(Clone, Copy, PartialEq, prost::Message)]
    pub struct TicketChange {
        #[prost(message, optional, tag = "7")]
        pub card: Option<Card>,
    }

    #[derive(Clone, Copy, PartialEq, prost::Message)]
    pub struct Card {
        #[prost(int64, tag = "1")]
        pub number: i64,
        #[prost(int64, tag = "10")]
        pub version: i64,
    }

    /// `LiveService.Watch`, read as glimpses.
    pub async fn watch(
        grpc: &mut tonic::client::Grpc<super::Authed>,
        request: super::pb::WatchRequest,
    ) -> Result<tonic::Response<tonic::Streaming<WatchResponse>>, tonic::Status> {
        grpc.ready().await.map_err(|error| tonic::Status::unavailable(error.to_string()))?;
        let codec = tonic_prost::ProstCodec::<super::pb::WatchRequest, WatchResponse>::default();
        let path = PathAndQuery::from_static("/steward.v1.LiveService/Watch");
        grpc.server_streaming(tonic::Request::new(request), path, codec).await
    }
}

/// Opens `count` Watch streams, `STREAMS_PER_CONNECTION` per connection, and waits until each
/// says Live. Each stream records what it receives while `recording` is set.
async fn open_watchers(
    url: &str,
    session: &Session,
    count: usize,
    recording: Arc<std::sync::atomic::AtomicBool>,
) -> anyhow::Result<Vec<Watcher>> {
    let mut watchers = Vec::with_capacity(count);
    let mut ready = Vec::with_capacity(count);
    let mut channel = connect(url).await?;
    for i in 0..count {
        if i > 0 && i % STREAMS_PER_CONNECTION == 0 {
            channel = connect(url).await?;
        }
        let mut live = tonic::client::Grpc::new(InterceptedService::new(channel.clone(), session.clone()));
        let (ready_tx, ready_rx) = tokio::sync::oneshot::channel::<()>();
        ready.push(ready_rx);
        let recording = recording.clone();
        let received = Received::default();
        let sink = received.clone();
        let task = tokio::spawn(async move {
            let request =
                pb::WatchRequest { after: None, all_tickets: true, ticket_numbers: vec![], ..Default::default() };
            let Ok(response) = glimpse::watch(&mut live, request).await else { return };
            let mut stream = response.into_inner();
            let mut ready_tx = Some(ready_tx);
            while let Ok(Some(message)) = stream.message().await {
                match message.message {
                    Some(glimpse::Message::Live(_)) => {
                        if let Some(tx) = ready_tx.take() {
                            let _ = tx.send(());
                        }
                    }
                    Some(glimpse::Message::TicketChange(change)) => {
                        if recording.load(std::sync::atomic::Ordering::Relaxed)
                            && let Some(card) = change.card
                        {
                            let at = Instant::now();
                            sink.lock().expect("received").push((card.number, card.version, at));
                        }
                    }
                    _ => {}
                }
            }
        });
        watchers.push(Watcher { task, received });
    }
    for ready in ready {
        ready.await.context("a watcher failed to open")?;
    }
    Ok(watchers)
}

/// One step of the delivery benchmark: `rate` moves per second for `duration`.
struct Step {
    rate: f64,
    delivered_per_s: f64,
    p50_ms: f64,
    p99_ms: f64,
    missing: usize,
}

async fn delivery_step(
    url: &str,
    session: &Session,
    movers: &mut [Mover],
    (watcher_count, rate): (usize, f64),
    duration: Duration,
) -> anyhow::Result<Step> {
    let recording = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let watchers = open_watchers(url, session, watcher_count, recording.clone()).await?;
    recording.store(true, std::sync::atomic::Ordering::Relaxed);
    let sent: Sent = Arc::new(Mutex::new(HashMap::new()));
    let started = Instant::now();
    let interval = Duration::from_secs_f64(1.0 / rate);
    let mut next = tokio::time::Instant::now();
    let mut turn = 0;
    // Take the movers out so each move can run on its own task; put them back afterwards.
    let mut slots: Vec<Option<Mover>> = movers
        .iter_mut()
        .map(|m| Some((m.0.clone(), Owned { number: m.1.number, version: m.1.version, in_progress: m.1.in_progress })))
        .collect();
    let mut busy: Vec<Option<tokio::task::JoinHandle<anyhow::Result<Mover>>>> =
        (0..slots.len()).map(|_| None).collect();
    while started.elapsed() < duration {
        tokio::time::sleep_until(next).await;
        next += interval;
        let slot = turn % slots.len();
        turn += 1;
        if let Some(handle) = busy[slot].take() {
            // This ticket's previous move must finish first (same version chain).
            slots[slot] = Some(handle.await??);
        }
        let (mut board, mut ticket) = slots[slot].take().context("mover missing")?;
        let sent = sent.clone();
        busy[slot] = Some(tokio::spawn(async move {
            move_once(&mut board, &mut ticket, Some(&sent)).await?;
            Ok((board, ticket))
        }));
    }
    for (slot, handle) in busy.iter_mut().enumerate() {
        if let Some(handle) = handle.take() {
            slots[slot] = Some(handle.await??);
        }
    }
    // Let the last deliveries arrive, then stop the watchers.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let elapsed = started.elapsed().as_secs_f64();
    recording.store(false, std::sync::atomic::Ordering::Relaxed);
    for (mover, slot) in movers.iter_mut().zip(slots) {
        let (_, ticket) = slot.context("mover missing")?;
        mover.1 = ticket;
    }
    let sent = sent.lock().expect("sent").clone();
    let mut latencies = Vec::with_capacity(sent.len() * watcher_count);
    let mut missing = 0;
    for watcher in watchers {
        watcher.task.abort();
        let received = std::mem::take(&mut *watcher.received.lock().expect("received"));
        let mut seen = 0;
        for (number, version, at) in received {
            if let Some(sent_at) = sent.get(&(number, version)) {
                latencies.push(at.saturating_duration_since(*sent_at).as_secs_f64() * 1000.0);
                seen += 1;
            }
        }
        missing += sent.len().saturating_sub(seen);
    }
    latencies.sort_by(f64::total_cmp);
    Ok(Step {
        rate,
        delivered_per_s: latencies.len() as f64 / elapsed,
        p50_ms: percentile(&latencies, 0.50),
        p99_ms: percentile(&latencies, 0.99),
        missing,
    })
}

/// CPU time (user + system) used so far, in clock ticks: by the server, by this client, and by
/// every PostgreSQL process, to say where a phase's time went.
#[derive(Clone, Copy, Default)]
struct CpuTicks {
    server: u64,
    client: u64,
    postgres: u64,
}

fn ticks_of(stat: &str) -> Option<(String, u64)> {
    let open = stat.find('(')?;
    let close = stat.rfind(')')?;
    let name = stat[open + 1..close].to_owned();
    let fields: Vec<&str> = stat[close + 2..].split_whitespace().collect();
    let utime: u64 = fields.get(11)?.parse().ok()?;
    let stime: u64 = fields.get(12)?.parse().ok()?;
    Some((name, utime + stime))
}

fn cpu_ticks(server_pid: u32) -> CpuTicks {
    let read = |pid: &str| std::fs::read_to_string(format!("/proc/{pid}/stat")).ok().and_then(|s| ticks_of(&s));
    let mut ticks = CpuTicks {
        server: read(&server_pid.to_string()).map(|t| t.1).unwrap_or(0),
        client: read("self").map(|t| t.1).unwrap_or(0),
        postgres: 0,
    };
    if let Ok(entries) = std::fs::read_dir("/proc") {
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            if name.chars().all(|c| c.is_ascii_digit())
                && let Some((command, used)) = read(&name)
                && command == "postgres"
            {
                ticks.postgres += used;
            }
        }
    }
    ticks
}

/// Prints where the CPU went between `before` and now, per operation.
fn print_cpu_split(label: &str, server_pid: u32, before: CpuTicks, operations: f64) {
    let after = cpu_ticks(server_pid);
    // Linux reports 100 ticks per second.
    let per_op_us = |a: u64, b: u64| (a.saturating_sub(b)) as f64 * 10_000.0 / operations.max(1.0);
    println!(
        "# cpu per {label}: postgres {:.0} us, steward {:.0} us, benchmark client {:.0} us",
        per_op_us(after.postgres, before.postgres),
        per_op_us(after.server, before.server),
        per_op_us(after.client, before.client),
    );
}

fn pgbench(args: &Args, script: &str, defines: &[(&str, String)]) -> anyhow::Result<f64> {
    let mut command = Command::new(pgbench_path()?);
    command.args(["-n", "-M", "prepared", "-c", &MOVERS.to_string(), "-j", "2", "-T", "10", "-f", script]);
    for (name, value) in defines {
        command.args(["-D", &format!("{name}={value}")]);
    }
    command.arg(&args.database_url);
    let output = command.output().context("running pgbench")?;
    let text = String::from_utf8_lossy(&output.stdout);
    if !output.status.success() {
        bail!("pgbench failed: {}{}", text, String::from_utf8_lossy(&output.stderr));
    }
    let line = text.lines().find(|l| l.starts_with("tps =")).context("pgbench printed no tps")?;
    Ok(line.split_whitespace().nth(2).context("tps value")?.parse()?)
}

fn pgbench_path() -> anyhow::Result<String> {
    if let Ok(output) = Command::new("pg_config").arg("--bindir").output()
        && output.status.success()
    {
        let candidate = format!("{}/pgbench", String::from_utf8_lossy(&output.stdout).trim());
        if std::path::Path::new(&candidate).exists() {
            return Ok(candidate);
        }
    }
    let mut found: Vec<_> = std::fs::read_dir("/usr/lib/postgresql")?
        .flatten()
        .map(|e| e.path().join("bin/pgbench"))
        .filter(|p| p.exists())
        .collect();
    found.sort();
    found.pop().map(|p| p.display().to_string()).context("pgbench not found (it comes with PostgreSQL)")
}

/// The hex of the token hash of the newest session, for pgbench's session lookup.
fn newest_session_hash(database_url: &str) -> anyhow::Result<String> {
    let output = Command::new("psql")
        .args([
            database_url,
            "-tAqc",
            "SELECT encode(token_hash, 'hex') FROM sessions ORDER BY created_at DESC LIMIT 1",
        ])
        .output()
        .context("running psql")?;
    Ok(String::from_utf8_lossy(&output.stdout).trim().to_owned())
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let rss_at_start = rss_kib(args.server_pid)?;
    let channel = connect(&args.url).await?;
    let session = sign_in(channel.clone(), &args.email, &args.password).await?;
    // A burst of sign-ins (16 people arriving at nine, within the attempts one address may have
    // under way): each checks a password with Argon2, 19 MiB for its moment; they take turns, so
    // the burst must not grow the server's memory.
    let admin = sign_in(channel.clone(), "admin@steward.example", &args.password).await?;
    let mut directory = DirectoryServiceClient::with_interceptor(channel.clone(), admin);
    let arriving: Vec<String> = (0..16).map(|i| format!("arriving-{i}@bench.example")).collect();
    for email in &arriving {
        let person = pb::CreatePersonRequest {
            email: email.clone(),
            display_name: format!("Arriving {email}"),
            password: args.password.clone(),
            staff_role: pb::StaffRole::None as i32,
        };
        match directory.create_person(person).await {
            Ok(_) => {}
            Err(status) if status.code() == tonic::Code::AlreadyExists => {}
            Err(status) => return Err(status).context("adding the people who arrive"),
        }
    }
    let before_burst = rss_kib(args.server_pid)?;
    let burst: Vec<_> = arriving.iter().map(|email| sign_in(channel.clone(), email, &args.password)).collect();
    for signed_in in futures_util::future::join_all(burst).await {
        signed_in?;
    }
    let after_burst = rss_kib(args.server_pid)?;
    println!("# server RSS: {before_burst} KiB before 16 people sign in at once, {after_burst} KiB after");
    println!("sign_in_burst_rss_growth_mib: {:.1}", after_burst.saturating_sub(before_burst) as f64 / 1024.0);

    // A small unary call, one after another on one connection: what a page waits for a short
    // answer (no Nagle delay, no per-call database work beyond its own).
    let mut directory = DirectoryServiceClient::with_interceptor(channel.clone(), session.clone());
    let mut calls = Vec::with_capacity(201);
    for _ in 0..201 {
        let started = Instant::now();
        directory.list_communities(pb::ListCommunitiesRequest {}).await?;
        calls.push(started.elapsed().as_secs_f64() * 1000.0);
    }
    calls.remove(0);
    calls.sort_by(f64::total_cmp);
    println!("# ListCommunities, 200 calls in a row on one connection: p99 {:.2} ms", percentile(&calls, 0.99));
    println!("unary_call_p50_ms: {:.2}", percentile(&calls, 0.5));

    // The movers' tickets, filed by the steward in the first demo community.
    let community = DirectoryServiceClient::with_interceptor(channel.clone(), session.clone())
        .list_communities(pb::ListCommunitiesRequest {})
        .await?
        .into_inner()
        .communities
        .first()
        .context("no community: load the demo data first")?
        .id;
    let mut tickets = TicketServiceClient::with_interceptor(channel, session.clone());
    let mut movers = Vec::with_capacity(MOVERS);
    let mut first_number = None;
    for i in 0..MOVERS {
        let request = pb::CreateTicketRequest {
            community_id: community,
            request_type: pb::RequestType::Other as i32,
            priority: pb::Priority::Normal as i32,
            title: format!("Benchmark card {i}"),
            description: "Moved back and forth by the benchmark.".into(),
            confidential: false,
            answers: Default::default(),
            attachment_ids: Vec::new(),
        };
        let ticket = tickets.create_ticket(request).await?.into_inner().ticket.context("no ticket")?;
        first_number.get_or_insert(ticket.number);
        // Each mover has its own connection and its own session, like separate people.
        let channel = connect(&args.url).await?;
        let own = sign_in(channel.clone(), &args.email, &args.password).await?;
        movers.push((
            BoardServiceClient::with_interceptor(channel, own),
            Owned { number: ticket.number, version: ticket.version, in_progress: false },
        ));
    }
    let first_number = first_number.context("no tickets")?;
    println!("# machine: {} cores", std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1));
    println!(
        "# client and server share the machine; latency runs from sending MoveCard to a watcher reading the change (includes the move)"
    );

    // Live delivery at 20 moves/s to 1,000 watchers, then stepping up.
    let mut best: Option<Step> = None;
    let mut first_step = None;
    for rate in [20.0, 50.0, 100.0, 150.0, 200.0, 300.0] {
        let step = delivery_step(&args.url, &session, &mut movers, (WATCHERS, rate), Duration::from_secs(8)).await?;
        println!(
            "# step: {:.0} moves/s x {} watchers: delivered {:.0}/s, p50 {:.1} ms, p99 {:.1} ms, missing {}",
            step.rate, WATCHERS, step.delivered_per_s, step.p50_ms, step.p99_ms, step.missing
        );
        let within = step.p99_ms <= TARGET_P99_MS && step.missing == 0;
        if first_step.is_none() {
            first_step = Some((step.p50_ms, step.p99_ms));
        }
        if within {
            best = Some(step);
        } else {
            break;
        }
    }
    let (p50, p99) = first_step.context("no step ran")?;
    println!("commit_to_client_p50_ms: {p50:.1}");
    println!("commit_to_client_p99_ms: {p99:.1}");
    println!("deliveries_per_s: {:.0}", best.as_ref().map(|s| s.delivered_per_s).unwrap_or(0.0));

    // The same at 10,000 watchers, at 20 and at 100 moves/s; where the CPU went, per delivery.
    for rate in [20.0, 100.0] {
        let cpu_before = cpu_ticks(args.server_pid);
        let step =
            delivery_step(&args.url, &session, &mut movers, (MANY_WATCHERS, rate), Duration::from_secs(8)).await?;
        let deliveries = step.delivered_per_s * 8.0;
        print_cpu_split(
            &format!("delivery at {rate:.0} moves/s (opening the streams included)"),
            args.server_pid,
            cpu_before,
            deliveries,
        );
        println!(
            "# step: {:.0} moves/s x {MANY_WATCHERS} watchers: delivered {:.0}/s, p50 {:.1} ms, p99 {:.1} ms, missing {}",
            step.rate, step.delivered_per_s, step.p50_ms, step.p99_ms, step.missing
        );
        println!("commit_to_client_10k_watchers_{rate:.0}_moves_p99_ms: {:.1}", step.p99_ms);
        println!("commit_to_client_10k_watchers_{rate:.0}_moves_missing: {}", step.missing);
    }

    // Moves per second: 32 movers as fast as they go, 10 s.
    let cpu_before = cpu_ticks(args.server_pid);
    let started = Instant::now();
    let duration = Duration::from_secs(10);
    let tasks: Vec<_> = movers
        .into_iter()
        .map(|(mut board, mut ticket)| {
            tokio::spawn(async move {
                let mut done = 0u64;
                while started.elapsed() < duration {
                    move_once(&mut board, &mut ticket, None).await?;
                    done += 1;
                }
                anyhow::Ok(done)
            })
        })
        .collect();
    let mut moves = 0;
    for task in tasks {
        moves += task.await??;
    }
    let moves_per_s = moves as f64 / started.elapsed().as_secs_f64();
    print_cpu_split("move through the API", args.server_pid, cpu_before, moves as f64);
    println!("moves_per_s: {moves_per_s:.0}");

    // The same statements through pgbench, and a one-row update for reference.
    let token = newest_session_hash(&args.database_url)?;
    let defines = [("first", first_number.to_string()), ("token", token)];
    let move_script = format!("{}/move.sql", args.pgbench_dir);
    let pgbench_tps = pgbench(&args, &move_script, &defines)?;
    println!("pgbench_tps: {pgbench_tps:.0}");
    println!("moves_to_pgbench_ratio: {:.2}", moves_per_s / pgbench_tps);
    let single = pgbench(&args, &format!("{}/single_update.sql", args.pgbench_dir), &defines[..1])?;
    println!("pgbench_single_update_tps: {single:.0}");

    incident_update_latency(&args, &session, community).await?;
    incident_with_long_timeline(&args, &session).await?;
    sla_due_per_second();
    triage_queue_with_many_tickets(&args, &session, community).await?;
    ticket_search_over_many(&args, &session).await?;
    inbound_mail_per_second(&args)?;
    page_latency(&args, &session, community).await?;
    upload_throughput(&args, &session).await?;

    // Memory after every load step, against the start (streams closed, the allocator given a
    // moment to return what it freed).
    tokio::time::sleep(Duration::from_secs(2)).await;
    let before = rss_kib(args.server_pid)?;
    println!("# server RSS: {rss_at_start} KiB at the start, {before} KiB after the load steps");
    println!("server_rss_start_mib: {:.1}", rss_at_start as f64 / 1024.0);
    println!("server_rss_growth_after_load_mib: {:.1}", before.saturating_sub(rss_at_start) as f64 / 1024.0);

    // Memory per idle stream.
    let recording = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let idle = open_watchers(&args.url, &session, IDLE_STREAMS, recording).await?;
    tokio::time::sleep(Duration::from_secs(2)).await;
    let after = rss_kib(args.server_pid)?;
    println!("# server RSS: {before} KiB before, {after} KiB with {IDLE_STREAMS} idle streams");
    println!("stream_rss_kib: {:.1}", after.saturating_sub(before) as f64 / IDLE_STREAMS as f64);
    for stream in idle {
        stream.task.abort();
    }
    Ok(())
}

/// Due-time computations per second of the pure function (one core): a business calendar in
/// Europe/Brussels, 09:00-12:00 and 13:00-17:30 on weekdays, with a year of holidays, and the
/// shipped targets (1 and 4 working hours, 24 working hours, the end of the next working day),
/// from start instants spread over a year. Prints `sla_due_per_s`.
fn sla_due_per_second() {
    use chrono::{DateTime, NaiveDate};
    use steward_domain::calendar::{CalendarSpec, Holiday, Interval};
    use steward_domain::sla::Target;
    let day = || vec![Interval::new(9 * 60, 12 * 60), Interval::new(13 * 60, 17 * 60 + 30)];
    let holidays = [
        (1, 1, true),
        (4, 6, false),
        (5, 1, true),
        (5, 14, false),
        (5, 25, false),
        (7, 21, true),
        (8, 15, true),
        (11, 1, true),
        (11, 11, true),
        (12, 25, true),
        (12, 26, true),
    ]
    .into_iter()
    .filter_map(|(m, d, every_year)| {
        Some(Holiday { date: NaiveDate::from_ymd_opt(2026, m, d)?, every_year, name: "Holiday".into() })
    })
    .collect();
    let spec = CalendarSpec {
        zone: "Europe/Brussels".into(),
        week: [day(), day(), day(), day(), day(), vec![], vec![]],
        holidays,
    };
    let Ok(calendar) = spec.check() else {
        println!("# the benchmark calendar does not check");
        return;
    };
    let targets = [
        Target::WorkingMinutes(60),
        Target::WorkingMinutes(240),
        Target::WorkingMinutes(24 * 60),
        Target::NextWorkingDayEnd,
    ];
    let year_start = 1_767_225_600i64; // 2026-01-01
    let mut seed = 0x2545_f491_4f6c_dd1du64;
    let mut done = 0u64;
    let mut checksum = 0i64;
    let started = Instant::now();
    while started.elapsed() < Duration::from_secs(2) {
        for _ in 0..1_000 {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            let at = DateTime::from_timestamp(year_start + (seed % (365 * 86_400)) as i64, 0).unwrap_or_default();
            let target = targets[(seed >> 40) as usize % targets.len()];
            let due = calendar.add_working(at, target.seconds(&calendar, at), &[]);
            checksum = checksum.wrapping_add(due.map_or(0, |d| d.timestamp()));
            done += 1;
        }
    }
    let per_s = done as f64 / started.elapsed().as_secs_f64();
    println!("# {done} due times computed (checksum {checksum})");
    println!("sla_due_per_s: {per_s:.0}");
}

/// Messages a mail server pipes to `steward mail receive` per second, one process per message
/// as a pipe runs it: each a representative's new request (filed, recorded, acknowledged in the
/// outbox), then the same messages again (each recognised and left, as a re-fetch is). Prints
/// `inbound_mail_per_s` and, on a `#` line, the repeat rate.
fn inbound_mail_per_second(args: &Args) -> anyhow::Result<()> {
    use std::io::Write;
    const MESSAGES: usize = 100;
    let steward = std::env::current_exe()?.with_file_name("steward");
    let message = |i: usize| {
        format!(
            "From: Rita Representative <rita@aurora.example>\r\nTo: support@steward.localhost\r\n\
             Subject: Bench mail {i}: notebooks are slow\r\nMessage-ID: <bench-{i}-{}@aurora.example>\r\n\
             Content-Type: text/plain; charset=utf-8\r\n\r\nNotebooks take a minute to start.\r\n\r\n\
             On Mon, 7 Dec 2026, Steward wrote:\r\n> earlier\r\n",
            std::process::id()
        )
    };
    let pipe = |raw: &str| -> anyhow::Result<String> {
        let mut child = Command::new(&steward)
            .args(["mail", "receive"])
            .env("DATABASE_URL", &args.database_url)
            .env("RUST_LOG", "warn")
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .spawn()
            .with_context(|| format!("running {}", steward.display()))?;
        child.stdin.take().context("stdin")?.write_all(raw.as_bytes())?;
        let output = child.wait_with_output()?;
        anyhow::ensure!(output.status.success(), "steward mail receive failed: {output:?}");
        Ok(String::from_utf8_lossy(&output.stdout).into_owned())
    };
    let messages: Vec<String> = (0..MESSAGES).map(message).collect();
    let started = Instant::now();
    for raw in &messages {
        let said = pipe(raw)?;
        anyhow::ensure!(said.contains("filed as ticket"), "not filed: {said}");
    }
    let filed_per_s = MESSAGES as f64 / started.elapsed().as_secs_f64();
    let started = Instant::now();
    for raw in &messages {
        let said = pipe(raw)?;
        anyhow::ensure!(said.contains("received before"), "taken in twice: {said}");
    }
    let repeat_per_s = MESSAGES as f64 / started.elapsed().as_secs_f64();
    println!("# {MESSAGES} messages piped one process each; the same again: {repeat_per_s:.0}/s, none filed twice");
    println!("inbound_mail_per_s: {filed_per_s:.1}");
    Ok(())
}

/// 5 MB files uploaded one after another through the file door (`POST /files`) to the server's
/// local store: megabytes a second over the whole run. Prints `upload_mb_per_s`.
async fn upload_throughput(args: &Args, session: &Session) -> anyhow::Result<()> {
    const FILES: usize = 20;
    const SIZE: usize = 5_000_000;
    let body = bytes_of(SIZE);
    let client = reqwest::Client::new();
    let started = Instant::now();
    for i in 0..FILES {
        let answer = client
            .post(format!("{}/files", args.url))
            .header("origin", &args.url)
            .header("cookie", session.cookie())
            .header("content-type", "application/octet-stream")
            .header("x-file-name", format!("bench-{i}.bin"))
            .body(body.clone())
            .send()
            .await?;
        anyhow::ensure!(answer.status().as_u16() == 201, "upload {i}: {}", answer.text().await?);
    }
    let seconds = started.elapsed().as_secs_f64();
    println!("# {FILES} files of {} MB each, one after another, in {seconds:.2} s", SIZE / 1_000_000);
    println!("upload_mb_per_s: {:.1}", (FILES * SIZE) as f64 / 1_000_000.0 / seconds);
    Ok(())
}

/// `size` bytes that do not compress to nothing.
fn bytes_of(size: usize) -> Vec<u8> {
    (0..size).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8).collect()
}

/// Production-down tickets filed by the steward, one every 200 ms, to a paging webhook an admin
/// registered for `page.triggered` (an HTTP receiver in this process): from sending CreateTicket
/// to the receiver reading the page. The tickets and the endpoint are removed afterwards. Prints
/// `page_latency_p99_ms`.
async fn page_latency(args: &Args, session: &Session, community: i64) -> anyhow::Result<()> {
    use steward_proto::v1::webhook_service_client::WebhookServiceClient;
    const PAGES: usize = 60;
    const TITLE: &str = "Benchmark page";
    let received: Arc<Mutex<HashMap<i64, Instant>>> = Arc::default();
    let kept = received.clone();
    let app = axum::Router::new().route(
        "/page",
        axum::routing::post(move |body: String| {
            let kept = kept.clone();
            async move {
                let at = Instant::now();
                let page: serde_json::Value = serde_json::from_str(&body).unwrap_or_default();
                if let Some(number) = page["ticket"]["number"].as_i64() {
                    kept.lock().expect("received").entry(number).or_insert(at);
                }
                "ok"
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let url = format!("http://{}/page", listener.local_addr()?);
    let receiver = tokio::spawn(async move { axum::serve(listener, app).await });

    let channel = connect(&args.url).await?;
    let admin = sign_in(channel.clone(), "admin@steward.example", &args.password).await?;
    let mut hooks = WebhookServiceClient::with_interceptor(channel.clone(), admin);
    let endpoint = pb::CreateWebhookRequest { url, events: vec!["page.triggered".into()], ..Default::default() };
    let webhook = hooks.create_webhook(endpoint).await?.into_inner().webhook.context("no webhook")?.id;

    let mut tickets = TicketServiceClient::with_interceptor(channel, session.clone());
    let answers: HashMap<String, String> =
        [("affected_service", "hub.bench.example"), ("started_at", "just now"), ("impact", "Everyone.")]
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect();
    let mut sent: Vec<(i64, Instant)> = Vec::with_capacity(PAGES);
    for i in 0..PAGES {
        let request = pb::CreateTicketRequest {
            community_id: community,
            request_type: pb::RequestType::Incident as i32,
            priority: pb::Priority::ProductionDown as i32,
            title: format!("{TITLE} {i}"),
            description: "Filed by the benchmark.".into(),
            confidential: false,
            answers: answers.clone(),
            attachment_ids: Vec::new(),
        };
        let started = Instant::now();
        let ticket = tickets.create_ticket(request).await?.into_inner().ticket.context("no ticket")?;
        sent.push((ticket.number, started));
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let deadline = Instant::now() + Duration::from_secs(10);
    while received.lock().expect("received").len() < PAGES && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let arrived = received.lock().expect("received").clone();
    let mut latencies: Vec<f64> = sent
        .iter()
        .filter_map(|(number, started)| arrived.get(number).map(|at| (*at - *started).as_secs_f64() * 1000.0))
        .collect();
    latencies.sort_by(f64::total_cmp);
    hooks.delete_webhook(pb::DeleteWebhookRequest { id: webhook }).await?;
    receiver.abort();
    let output = Command::new("psql")
        .args([&args.database_url, "-qc", &format!("DELETE FROM tickets WHERE title LIKE '{TITLE} %'")])
        .output()
        .context("running psql")?;
    anyhow::ensure!(output.status.success(), "psql failed: {}", String::from_utf8_lossy(&output.stderr));
    println!(
        "# {} of {PAGES} pages received; from sending CreateTicket to the webhook reading the page: p50 {:.1} ms",
        latencies.len(),
        percentile(&latencies, 0.5)
    );
    anyhow::ensure!(latencies.len() == PAGES, "{} pages never arrived", PAGES - latencies.len());
    println!("page_latency_p99_ms: {:.1}", percentile(&latencies, 0.99));
    Ok(())
}

/// The triage queue ordered by due time with [`QUEUE_TICKETS`] open tickets, each with a
/// running clock: the server's time to answer (its Server-Timing header), p99 over 20 reads,
/// and on a `#` line the time from asking to the whole answer read. The tickets are removed
/// again afterwards. Prints `triage_queue_10k_ms`.
async fn triage_queue_with_many_tickets(args: &Args, session: &Session, community: i64) -> anyhow::Result<()> {
    let psql = |sql: &str| -> anyhow::Result<()> {
        let output = Command::new("psql").args([&args.database_url, "-qc", sql]).output().context("running psql")?;
        if !output.status.success() {
            bail!("psql failed: {}", String::from_utf8_lossy(&output.stderr));
        }
        Ok(())
    };
    psql(&format!(
        "INSERT INTO tickets (community_id, requester_id, request_type, priority, state, title, description,                               confidential, form_answers, version, created_at, updated_at, board_rank, clocks, next_due_at)          SELECT {community}, p.id, 'other', 'normal', 'open', '{QUEUE_TITLE} ' || n, 'Filed by the benchmark.',                 false, '[]', 1, now() - n * interval '1 minute', now(), n,                 jsonb_build_array(jsonb_build_object('kind', 'first_response', 'cycle', 1,                     'due_at', to_jsonb(now() + (n % 500) * interval '7 minutes'), 'paused', false,                     'remaining_seconds', 3600, 'target', jsonb_build_object('working_minutes', 60), 'always', false)),                 now() + (n % 500) * interval '7 minutes'          FROM generate_series(1, {QUEUE_TICKETS}) AS n, (SELECT id FROM people WHERE staff_role IS NOT NULL ORDER BY id LIMIT 1) AS p"
    ))?;
    let channel = connect(&args.url).await?;
    let mut triage =
        TriageServiceClient::with_interceptor(channel, session.clone()).max_decoding_message_size(64 << 20);
    let request = pb::GetTriageQueueRequest { due_soonest_first: true, ..Default::default() };
    let (mut times, mut server) = (Vec::new(), Vec::new());
    let mut entries = 0;
    for _ in 0..21 {
        let started = Instant::now();
        let response = triage.get_triage_queue(request).await?;
        // The server's own time, from its Server-Timing header (`app;dur=12.3`).
        let took = response
            .metadata()
            .get("server-timing")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split("dur=").nth(1).and_then(|ms| ms.parse::<f64>().ok()));
        entries = response.into_inner().entries.len();
        times.push(started.elapsed().as_secs_f64() * 1000.0);
        server.push(took.context("no Server-Timing on the answer")?);
    }
    times.remove(0);
    server.remove(0);
    times.sort_by(f64::total_cmp);
    server.sort_by(f64::total_cmp);
    psql(&format!("DELETE FROM tickets WHERE title LIKE '{QUEUE_TITLE} %'"))?;
    println!(
        "# triage queue of {entries} entries by due time: server p50 {:.1} ms; asking to the whole answer read p50 {:.1} ms, p99 {:.1} ms",
        percentile(&server, 0.5),
        percentile(&times, 0.5),
        percentile(&times, 0.99)
    );
    println!("triage_queue_10k_ms: {:.1}", percentile(&server, 0.99));
    Ok(())
}

/// Tickets written for the search measurement.
const SEARCH_TICKETS: usize = 100_000;
const SEARCH_TITLE: &str = "Search bench";

/// Full-text search of the ticket list over [`SEARCH_TICKETS`] tickets spread over every
/// community (words drawn from a small vocabulary, so each search matches hundreds to thousands),
/// as a representative (her communities' tickets only) and as staff (all): the server's time
/// (Server-Timing), p99 over 60 searches each. The tickets are removed again afterwards. Prints
/// `ticket_search_p99_ms` (the slower of the two) and a `#` line for each.
async fn ticket_search_over_many(args: &Args, staff: &Session) -> anyhow::Result<()> {
    let psql = |sql: &str| -> anyhow::Result<()> {
        let output = Command::new("psql").args([&args.database_url, "-qc", sql]).output().context("running psql")?;
        if !output.status.success() {
            bail!("psql failed: {}", String::from_utf8_lossy(&output.stderr));
        }
        Ok(())
    };
    const WORDS: &[&str] = &[
        "kernel",
        "notebook",
        "login",
        "quota",
        "gpu",
        "timeout",
        "dask",
        "image",
        "volume",
        "proxy",
        "certificate",
        "dashboard",
        "storage",
        "python",
        "package",
        "scheduler",
        "memory",
        "network",
    ];
    let words = WORDS.iter().map(|w| format!("'{w}'")).collect::<Vec<_>>().join(",");
    psql(&format!(
        "INSERT INTO tickets (community_id, requester_id, request_type, priority, state, title, description,
                              confidential, form_answers, version, created_at, updated_at, board_rank, clocks)
         SELECT c.id, p.id, 'other', 'normal', (ARRAY['new','open','in_progress','pending','resolved','closed'])[1 + n % 6],
                '{SEARCH_TITLE} ' || w.words[1 + n % 18] || ' ' || w.words[1 + (n / 18) % 18] || ' ' || n,
                'The ' || w.words[1 + (n / 7) % 18] || ' fails after the ' || w.words[1 + (n / 11) % 18] || ' changed.',
                n % 10 = 0, '[]', 1, now() - n * interval '1 minute', now() - n * interval '1 minute', 1e9 + n, '[]'
         FROM generate_series(1, {SEARCH_TICKETS}) AS n,
              (SELECT ARRAY[{words}] AS words) AS w,
              LATERAL (SELECT id FROM communities ORDER BY id OFFSET n % (SELECT count(*) FROM communities) LIMIT 1) AS c,
              (SELECT id FROM people WHERE staff_role IS NULL ORDER BY id LIMIT 1) AS p"
    ))?;
    psql("ANALYZE tickets")?;
    let channel = connect(&args.url).await?;
    let representative = sign_in(channel.clone(), "rita@aurora.example", &args.password).await?;
    let searches = ["kernel", "login quota", "gpu timeout", "dask image", "certificate proxy", "memory"];
    let mut worst: f64 = 0.0;
    for (who, session) in [("a representative", &representative), ("staff", staff)] {
        let mut tickets = TicketServiceClient::with_interceptor(channel.clone(), session.clone());
        let mut server = Vec::new();
        let mut found = 0;
        for round in 0..61 {
            let text = searches[round % searches.len()].to_owned();
            let request = pb::ListTicketsRequest { text, ..Default::default() };
            let response = tickets.list_tickets(request).await?;
            let took = response
                .metadata()
                .get("server-timing")
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.split("dur=").nth(1).and_then(|ms| ms.parse::<f64>().ok()));
            found += response.into_inner().tickets.len();
            server.push(took.context("no Server-Timing on the answer")?);
        }
        server.remove(0);
        server.sort_by(f64::total_cmp);
        let p99 = percentile(&server, 0.99);
        worst = worst.max(p99);
        println!(
            "# ticket search over {SEARCH_TICKETS} tickets as {who}: server p50 {:.1} ms, p99 {p99:.1} ms ({found} tickets listed in 61 searches)",
            percentile(&server, 0.5)
        );
    }
    psql(&format!("DELETE FROM tickets WHERE title LIKE '{SEARCH_TITLE} %'"))?;
    println!("ticket_search_p99_ms: {worst:.1}");
    Ok(())
}

/// A public update on an incident with [`INCIDENT_TICKETS`] linked tickets, to [`WATCHERS`]
/// streams watching that incident: from sending PostIncidentUpdate to a watcher reading the
/// entry. Prints `incident_update_to_client_p99_ms`.
async fn incident_update_latency(args: &Args, session: &Session, community: i64) -> anyhow::Result<()> {
    let channel = connect(&args.url).await?;
    let mut tickets = TicketServiceClient::with_interceptor(channel.clone(), session.clone());
    let mut incidents = IncidentServiceClient::with_interceptor(channel, session.clone());
    let mut linked = Vec::with_capacity(INCIDENT_TICKETS);
    for i in 0..INCIDENT_TICKETS {
        let request = pb::CreateTicketRequest {
            community_id: community,
            // "Other": an Incident request asks questions the benchmark need not answer.
            request_type: pb::RequestType::Other as i32,
            priority: pb::Priority::Urgent as i32,
            title: format!("Benchmark incident ticket {i}"),
            description: "Linked to the benchmark incident.".into(),
            confidential: false,
            answers: Default::default(),
            attachment_ids: Vec::new(),
        };
        linked.push(tickets.create_ticket(request).await?.into_inner().ticket.context("no ticket")?.number);
    }
    let declare = pb::DeclareIncidentRequest {
        title: "Benchmark incident".into(),
        severity: pb::Priority::ProductionDown as i32,
        commander_id: 0,
        escalated_ticket_number: linked[0],
    };
    let number = incidents.declare_incident(declare).await?.into_inner().incident.context("no incident")?.number;
    for &ticket_number in &linked[1..] {
        incidents.link_incident_ticket(pb::LinkIncidentTicketRequest { number, ticket_number }).await?;
    }

    // The watchers: each records when it read update `i` (its body ends with the marker).
    let received: Arc<Mutex<Vec<(usize, Instant)>>> = Arc::default();
    let mut tasks = Vec::with_capacity(WATCHERS);
    let mut ready = Vec::with_capacity(WATCHERS);
    let mut channel = connect(&args.url).await?;
    for i in 0..WATCHERS {
        if i > 0 && i % STREAMS_PER_CONNECTION == 0 {
            channel = connect(&args.url).await?;
        }
        let mut live = LiveServiceClient::with_interceptor(channel.clone(), session.clone());
        let (ready_tx, ready_rx) = tokio::sync::oneshot::channel::<()>();
        ready.push(ready_rx);
        let sink = received.clone();
        tasks.push(tokio::spawn(async move {
            let request = pb::WatchRequest { incident_numbers: vec![number], ..Default::default() };
            let Ok(response) = live.watch(request).await else { return };
            let mut stream = response.into_inner();
            let mut ready_tx = Some(ready_tx);
            while let Ok(Some(message)) = stream.message().await {
                match message.message {
                    Some(pb::watch_response::Message::Live(_)) => {
                        if let Some(tx) = ready_tx.take() {
                            let _ = tx.send(());
                        }
                    }
                    Some(pb::watch_response::Message::IncidentChange(change)) => {
                        let at = Instant::now();
                        if let Some(pb::incident_entry::Entry::UpdatePosted(update)) =
                            change.entry.and_then(|e| e.entry)
                            && let Some(marker) = update.body.rsplit('#').next().and_then(|m| m.parse().ok())
                        {
                            sink.lock().expect("received").push((marker, at));
                        }
                    }
                    _ => {}
                }
            }
        }));
    }
    for ready in ready {
        ready.await.context("an incident watcher failed to open")?;
    }
    let mut sent = Vec::with_capacity(INCIDENT_UPDATES);
    for i in 0..INCIDENT_UPDATES {
        let body = format!("Benchmark update #{i}");
        sent.push(Instant::now());
        incidents.post_incident_update(pb::PostIncidentUpdateRequest { number, body, public: true }).await?;
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    for task in tasks {
        task.abort();
    }
    let received = std::mem::take(&mut *received.lock().expect("received"));
    let missing = (INCIDENT_UPDATES * WATCHERS).saturating_sub(received.len());
    let mut latencies: Vec<f64> = received
        .iter()
        .filter_map(|(marker, at)| sent.get(*marker).map(|s| at.saturating_duration_since(*s).as_secs_f64() * 1000.0))
        .collect();
    latencies.sort_by(f64::total_cmp);
    println!(
        "# incident updates: {INCIDENT_UPDATES} public updates on an incident with {INCIDENT_TICKETS} linked tickets x \
         {WATCHERS} watchers: p50 {:.1} ms, missing {missing} (latency includes the update's own write: 20 replies)",
        percentile(&latencies, 0.50)
    );
    println!("incident_update_to_client_p99_ms: {:.1}", percentile(&latencies, 0.99));
    Ok(())
}

/// An incident with [`TIMELINE_ENTRIES`] internal notes on its timeline, for the browser's
/// render figure. The notes are written by SQL in one statement (the API would take minutes);
/// they are what PostIncidentUpdate writes.
async fn incident_with_long_timeline(args: &Args, session: &Session) -> anyhow::Result<()> {
    let channel = connect(&args.url).await?;
    let mut incidents = IncidentServiceClient::with_interceptor(channel, session.clone());
    let declare = pb::DeclareIncidentRequest {
        title: TIMELINE_TITLE.into(),
        severity: pb::Priority::Normal as i32,
        commander_id: 0,
        escalated_ticket_number: 0,
    };
    let number = incidents.declare_incident(declare).await?.into_inner().incident.context("no incident")?.number;
    let sql = format!(
        "INSERT INTO incident_events (incident_number, actor_id, kind, internal, data, at) \
         SELECT {number}, declared_by, 'update_posted', true, \
                jsonb_build_object('body', 'Benchmark note ' || n || ': *checked* the logs', 'public', false, \
                                   'next_update_due', null), \
                declared_at + n * interval '1 second' \
         FROM incidents, generate_series(1, {TIMELINE_ENTRIES}) AS n WHERE number = {number}"
    );
    let output = Command::new("psql").args([&args.database_url, "-qc", &sql]).output().context("running psql")?;
    if !output.status.success() {
        bail!("writing the long timeline failed: {}", String::from_utf8_lossy(&output.stderr));
    }
    println!("# incident {number} (\"{TIMELINE_TITLE}\") has {TIMELINE_ENTRIES} timeline entries");
    Ok(())
}
