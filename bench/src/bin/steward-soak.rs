//! Steward's soak client, run by `cargo xtask soak` (not part of the tests): mixed traffic at a
//! steady rate for a long while, with live streams that end and reconnect, to see what a day of
//! use does to the server. Every second a representative files a request, people reply, a
//! steward moves cards, people read tickets, lists and suggestions; 40 streams watch every
//! ticket, each closing after 20-90 s and resuming after the last position it saw.
//!
//! Once a minute it samples the server's resident memory and open sockets and each call's p99;
//! at the end it prints that table as `# ` lines, then `name: value` figures: memory growth
//! after the warm-up, open connections, p99 per call, and every error (there should be none).

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use anyhow::Context;
use clap::Parser;
use steward_bench::{Authed, Session, connect, percentile, rss_kib, sign_in};
use steward_proto::v1 as pb;
use steward_proto::v1::board_service_client::BoardServiceClient;
use steward_proto::v1::directory_service_client::DirectoryServiceClient;
use steward_proto::v1::known_issues_service_client::KnownIssuesServiceClient;
use steward_proto::v1::live_service_client::LiveServiceClient;
use steward_proto::v1::ticket_service_client::TicketServiceClient;
use tokio::sync::Mutex;
use tonic::transport::Channel;

#[derive(Parser)]
struct Args {
    /// The server, e.g. http://127.0.0.1:8080.
    #[arg(long)]
    url: String,
    /// The server's process id, for its memory and sockets.
    #[arg(long)]
    server_pid: u32,
    #[arg(long, default_value_t = 30)]
    minutes: u64,
    /// Memory is compared from the end of the warm-up on.
    #[arg(long, default_value_t = 5)]
    warmup_minutes: u64,
    #[arg(long, default_value = "rita@aurora.example")]
    representative: String,
    #[arg(long, default_value = "sam@steward.example")]
    steward: String,
    #[arg(long, default_value = "demo-password-2026")]
    password: String,
}

const WATCHERS: usize = 40;
const MOVERS: usize = 4;
const REPLIES_PER_SECOND: usize = 4;
const READS_PER_SECOND: usize = 2;

/// Latencies (ms) and errors, per call, for the current minute.
#[derive(Default)]
struct Minute {
    latencies: BTreeMap<&'static str, Vec<f64>>,
    errors: Vec<String>,
}

#[derive(Clone, Default)]
struct Recorder(Arc<std::sync::Mutex<Minute>>);

impl Recorder {
    /// Times `call` under `name`, recording its latency or its error.
    async fn time<T>(&self, name: &'static str, call: impl Future<Output = Result<T, tonic::Status>>) -> Option<T> {
        let started = Instant::now();
        let result = call.await;
        let elapsed = started.elapsed().as_secs_f64() * 1000.0;
        let mut minute = self.0.lock().expect("minute");
        match result {
            Ok(value) => {
                minute.latencies.entry(name).or_default().push(elapsed);
                Some(value)
            }
            Err(status) => {
                minute.errors.push(format!("{name}: {:?} {}", status.code(), status.message()));
                None
            }
        }
    }

    fn error(&self, text: String) {
        self.0.lock().expect("minute").errors.push(text);
    }

    fn take(&self) -> Minute {
        std::mem::take(&mut *self.0.lock().expect("minute"))
    }
}

fn open_sockets(pid: u32) -> usize {
    std::fs::read_dir(format!("/proc/{pid}/fd"))
        .map(|entries| {
            entries
                .flatten()
                .filter(|e| std::fs::read_link(e.path()).is_ok_and(|t| t.to_string_lossy().starts_with("socket:")))
                .count()
        })
        .unwrap_or(0)
}

struct People {
    rep: TicketServiceClient<Authed>,
    steward: TicketServiceClient<Authed>,
    board: BoardServiceClient<Authed>,
    known: KnownIssuesServiceClient<Channel>,
    community: i64,
}

/// One minute's sample of the server.
struct Row {
    minute: u64,
    rss_kib: u64,
    sockets: usize,
}

/// A ticket a mover owns and the version it last saw.
struct Owned {
    number: i64,
    version: i64,
    in_progress: bool,
}

fn new_request(community: i64, n: u64) -> pb::CreateTicketRequest {
    pb::CreateTicketRequest {
        community_id: community,
        request_type: pb::RequestType::Other as i32,
        priority: pb::Priority::Normal as i32,
        title: format!("Soak request {n}: the hub is slow after login"),
        description: format!("Filed by the soak client ({n}).\n\n- step one\n- step two"),
        confidential: n.is_multiple_of(3),
        answers: Default::default(),
        attachment_ids: Vec::new(),
    }
}

/// A watcher that closes its stream after 20-90 s and resumes after the last position.
async fn watch_forever(mut live: LiveServiceClient<Authed>, seed: u64, stop: Arc<AtomicBool>, recorder: Recorder) {
    let mut after: Option<pb::LivePosition> = None;
    let mut round = seed;
    while !stop.load(Ordering::Relaxed) {
        round = round.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        let lifetime = Duration::from_secs(20 + (round >> 33) % 70);
        let request = pb::WatchRequest { after, all_tickets: true, ticket_numbers: vec![], ..Default::default() };
        let Some(response) = recorder.time("Watch (open)", live.watch(request)).await else {
            tokio::time::sleep(Duration::from_secs(1)).await;
            continue;
        };
        let mut stream = response.into_inner();
        let until = tokio::time::Instant::now() + lifetime;
        loop {
            match tokio::time::timeout_at(until, stream.message()).await {
                Err(_) => break, // its time is up: drop the stream and reconnect
                Ok(Ok(Some(message))) => {
                    if let Some(position) = match message.message {
                        Some(pb::watch_response::Message::TicketChange(change)) => change.position,
                        Some(pb::watch_response::Message::Live(live)) => live.position,
                        Some(pb::watch_response::Message::Resync(resync)) => resync.position,
                        _ => None,
                    } {
                        after = Some(position);
                    }
                }
                Ok(Ok(None)) => break,
                Ok(Err(status)) => {
                    recorder.error(format!("Watch (stream): {:?} {}", status.code(), status.message()));
                    break;
                }
            }
        }
    }
}

/// One second's traffic.
async fn second(people: &mut People, movers: &Mutex<Vec<Owned>>, recent: &mut Vec<i64>, n: u64, recorder: &Recorder) {
    if let Some(response) =
        recorder.time("CreateTicket", people.rep.create_ticket(new_request(people.community, n))).await
        && let Some(ticket) = response.into_inner().ticket
    {
        recent.push(ticket.number);
        if recent.len() > 50 {
            recent.remove(0);
        }
    }
    for i in 0..REPLIES_PER_SECOND {
        let Some(&number) = recent.get((n as usize * 7 + i * 13) % recent.len().max(1)) else { break };
        // The representative replies; the steward writes internal notes.
        let (client, visibility) = if i % 2 == 0 {
            (&mut people.rep, pb::CommentVisibility::PublicReply)
        } else {
            (&mut people.steward, pb::CommentVisibility::InternalNote)
        };
        let request = pb::AddCommentRequest {
            number,
            body: format!("Soak reply {n}.{i}"),
            visibility: visibility as i32,
            attachment_ids: Vec::new(),
        };
        recorder.time("AddComment", client.add_comment(request)).await;
    }
    for ticket in movers.lock().await.iter_mut() {
        let to = if ticket.in_progress { pb::TicketState::Pending } else { pb::TicketState::InProgress };
        let request = pb::MoveCardRequest {
            number: ticket.number,
            expected_version: ticket.version,
            to_state: to as i32,
            before_number: None,
            reason: String::new(),
        };
        if let Some(response) = recorder.time("MoveCard", people.board.move_card(request)).await
            && let Some(card) = response.into_inner().card
        {
            ticket.version = card.version;
            ticket.in_progress = !ticket.in_progress;
        }
    }
    for i in 0..READS_PER_SECOND {
        if let Some(&number) = recent.get((n as usize + i * 5) % recent.len().max(1)) {
            recorder.time("GetTicket", people.steward.get_ticket(pb::GetTicketRequest { number })).await;
        }
    }
    let list = pb::ListTicketsRequest { page_size: 50, ..Default::default() };
    recorder.time("ListTickets", people.steward.list_tickets(list)).await;
    let suggest = pb::SuggestSimilarRequest { title: "hub slow after login".into(), description: String::new() };
    recorder.time("SuggestSimilar", people.known.suggest_similar(suggest)).await;
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let channel = connect(&args.url).await?;
    let rep_session: Session = sign_in(channel.clone(), &args.representative, &args.password).await?;
    let steward_session: Session = sign_in(channel.clone(), &args.steward, &args.password).await?;
    let community = DirectoryServiceClient::with_interceptor(channel.clone(), rep_session.clone())
        .list_communities(pb::ListCommunitiesRequest {})
        .await?
        .into_inner()
        .communities
        .first()
        .context("no community: load the demo data first")?
        .id;
    let mut people = People {
        rep: TicketServiceClient::with_interceptor(channel.clone(), rep_session.clone()),
        steward: TicketServiceClient::with_interceptor(channel.clone(), steward_session.clone()),
        board: BoardServiceClient::with_interceptor(channel.clone(), steward_session.clone()),
        known: KnownIssuesServiceClient::new(channel.clone()),
        community,
    };
    // The movers' cards, moved between In progress and Pending (as the bench's are).
    let mut owned = Vec::new();
    for n in 0..MOVERS {
        let ticket = people.rep.create_ticket(new_request(community, 1_000_000 + n as u64)).await?.into_inner();
        let ticket = ticket.ticket.context("no ticket")?;
        owned.push(Owned { number: ticket.number, version: ticket.version, in_progress: false });
    }
    let movers = Mutex::new(owned);

    let recorder = Recorder::default();
    let stop = Arc::new(AtomicBool::new(false));
    let mut watchers = Vec::new();
    for i in 0..WATCHERS {
        // Two connections, as two browsers' worth of tabs.
        let channel = if i % 2 == 0 { channel.clone() } else { connect(&args.url).await? };
        let live = LiveServiceClient::with_interceptor(channel, steward_session.clone());
        watchers.push(tokio::spawn(watch_forever(live, i as u64 + 1, stop.clone(), recorder.clone())));
    }

    println!(
        "# soak: {} minutes; each second 1 request filed, {REPLIES_PER_SECOND} replies, {MOVERS} moves, \
         {READS_PER_SECOND} ticket reads, a list and a suggestion; {WATCHERS} streams reconnecting every 20-90 s",
        args.minutes
    );
    let started = Instant::now();
    let mut tick = tokio::time::interval(Duration::from_secs(1));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let seconds = AtomicU64::new(0);
    let mut recent = Vec::new();
    let mut table: Vec<Row> = Vec::new();
    let mut all_errors: BTreeMap<String, usize> = BTreeMap::new();
    let mut all_latencies: BTreeMap<&'static str, Vec<f64>> = BTreeMap::new();
    while started.elapsed() < Duration::from_secs(args.minutes * 60) {
        tick.tick().await;
        let n = seconds.fetch_add(1, Ordering::Relaxed);
        second(&mut people, &movers, &mut recent, n, &recorder).await;
        if (n + 1).is_multiple_of(60) {
            let minute = (n + 1) / 60;
            let taken = recorder.take();
            let mut p99s = BTreeMap::new();
            for (name, mut values) in taken.latencies {
                values.sort_by(f64::total_cmp);
                p99s.insert(name, percentile(&values, 0.99));
                all_latencies.entry(name).or_default().extend(values);
            }
            for error in &taken.errors {
                *all_errors.entry(error.clone()).or_default() += 1;
            }
            let rss = rss_kib(args.server_pid)?;
            let sockets = open_sockets(args.server_pid);
            let shown: Vec<String> = p99s.iter().map(|(name, p99)| format!("{name} {p99:.1}")).collect();
            println!(
                "# minute {minute:>3}: rss {rss} KiB, {sockets} sockets, {} errors; p99 ms: {}",
                taken.errors.len(),
                shown.join(", ")
            );
            table.push(Row { minute, rss_kib: rss, sockets });
        }
    }
    stop.store(true, Ordering::Relaxed);
    for watcher in watchers {
        watcher.abort();
    }

    let after_warmup = table.iter().find(|row| row.minute == args.warmup_minutes.max(1)).or(table.first());
    let last = table.last().context("the soak ran less than a minute")?;
    let start_rss = after_warmup.map_or(last.rss_kib, |row| row.rss_kib);
    let growth = last.rss_kib as i64 - start_rss as i64;
    let minutes_measured = last.minute.saturating_sub(after_warmup.map_or(0, |row| row.minute)).max(1);
    println!("soak_minutes: {}", last.minute);
    println!("soak_rss_after_warmup_kib: {start_rss}");
    println!("soak_rss_end_kib: {}", last.rss_kib);
    println!("soak_rss_growth_kib: {growth}");
    println!("soak_rss_growth_kib_per_hour: {:.0}", growth as f64 * 60.0 / minutes_measured as f64);
    println!("soak_open_sockets_end: {}", last.sockets);
    for (name, mut values) in all_latencies {
        values.sort_by(f64::total_cmp);
        let key = name.to_lowercase().replace([' ', '(', ')'], "");
        println!("soak_p99_ms_{key}: {:.1}", percentile(&values, 0.99));
    }
    let errors: usize = all_errors.values().sum();
    for (error, count) in &all_errors {
        println!("# error x{count}: {error}");
    }
    println!("soak_errors: {errors}");
    Ok(())
}
