//! `cargo xtask dev` builds everything and serves Steward with demo data; `cargo xtask test`
//! runs every test (unit, integration on real PostgreSQL, browser). Each installs what it
//! needs first (see `tools`), says what it does, and stops with the exact command to run when
//! it cannot install something itself.

mod bench;
mod schema;
mod steward;
mod tools;

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::Instant;

use anyhow::{Context, bail};
use steward_devdb::Cluster;

const USAGE: &str = "usage: cargo xtask <command>

commands:
  dev                 build everything and serve Steward with demo data on http://127.0.0.1:8080
                      (STEWARD_ADDR changes the address; DATABASE_URL uses your own PostgreSQL)
  test                run every test: unit, integration (real PostgreSQL) and browser
  test --no-browser   skip the frontend build and the browser tests (quick local runs; the web
                      app is still linted and its unit tests run)
  browser [NAME...]   build the frontend and run the browser tests whose file names contain a
                      NAME (all of them without one), as `test` runs them
  schema              regenerate backend/src/db/schema.rs from the migrations (diesel print-schema)
  bench               measure live delivery, moves per second against pgbench, memory per stream
                      and the frontend's size (prints `name: value` lines)
  soak                30 minutes of mixed traffic with reconnecting streams (STEWARD_SOAK_MINUTES
                      changes it); prints memory growth, open sockets, p99 per call and errors";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let result = match args.as_slice() {
        ["dev"] => dev(),
        ["test"] => test(true),
        ["test", "--no-browser"] => test(false),
        ["browser", names @ ..] => browser_only(names),
        ["bench"] => bench::bench(),
        ["soak"] => bench::soak(),
        ["schema"] => schema::regenerate(),
        _ => {
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(code) => code,
        Err(error) => {
            eprintln!("xtask: error: {error:#}");
            ExitCode::FAILURE
        }
    }
}

/// Prints a step the way every step is printed.
pub fn say(message: impl AsRef<str>) {
    eprintln!("xtask: {}", message.as_ref());
}

/// The workspace root (where the root Cargo.toml is).
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().map(Path::to_path_buf).unwrap_or_else(|| PathBuf::from("."))
}

/// Runs a command in the workspace root, failing with its name if it fails.
pub fn run(command: &mut Command) -> anyhow::Result<()> {
    let shown = format!("{command:?}");
    let status = command.current_dir(root()).status().with_context(|| format!("running {shown}"))?;
    if !status.success() {
        bail!("{shown} failed ({status})");
    }
    Ok(())
}

/// The PostgreSQL server to use: `DATABASE_URL`'s, or the private cluster under `target/`.
pub(crate) enum Database {
    External(String),
    Private(Cluster),
}

impl Database {
    pub(crate) fn open() -> anyhow::Result<Database> {
        match std::env::var("DATABASE_URL") {
            Ok(url) if !url.trim().is_empty() => {
                say("using the PostgreSQL in DATABASE_URL");
                Ok(Database::External(url))
            }
            _ => {
                tools::ensure_postgresql()?;
                say("starting the private PostgreSQL cluster (target/steward-pg)");
                Ok(Database::Private(Cluster::start(&steward_devdb::default_data_dir())?))
            }
        }
    }

    /// A URL for `database` on this server (for an external server, the database in its URL
    /// is replaced).
    pub(crate) fn url(&self, database: &str) -> String {
        match self {
            Database::External(url) => with_database(url, database),
            Database::Private(cluster) => cluster.url(database),
        }
    }

    /// Creates `database` if it is missing (with `fresh`, drops it first).
    pub(crate) fn create(&self, database: &str, fresh: bool) -> anyhow::Result<()> {
        let admin = self.url("postgres");
        if fresh {
            psql(&admin, &format!("DROP DATABASE IF EXISTS {database} WITH (FORCE)"))?;
        }
        let exists = psql(&admin, &format!("SELECT 1 FROM pg_database WHERE datname = '{database}'"))?;
        if exists.trim() != "1" {
            psql(&admin, &format!("CREATE DATABASE {database}"))?;
        }
        Ok(())
    }

    /// Stops the private cluster if this command started it; one that was already running
    /// (for `cargo xtask dev`, say) is left running.
    pub(crate) fn stop(&self) {
        let Database::Private(cluster) = self else { return };
        if !cluster.started_here() {
            say("leaving the private PostgreSQL cluster running: it was running before this command started");
            return;
        }
        say("stopping the private PostgreSQL cluster");
        if let Err(error) = cluster.stop() {
            say(format!("could not stop the private cluster: {error:#}"));
        }
    }
}

/// `url` with its database name replaced (its query, such as `?host=/socket`, kept).
fn with_database(url: &str, database: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut parsed) => {
            parsed.set_path(database);
            parsed.into()
        }
        Err(_) => url.to_owned(),
    }
}

/// Runs one SQL statement with psql and returns what it printed.
fn psql(url: &str, sql: &str) -> anyhow::Result<String> {
    let output = Command::new("psql")
        .args([url, "-v", "ON_ERROR_STOP=1", "-tAqc", sql])
        .output()
        .context("running psql (install it with `apt-get install postgresql-client`)")?;
    if !output.status.success() {
        bail!("psql `{sql}` failed: {}", String::from_utf8_lossy(&output.stderr).trim());
    }
    Ok(String::from_utf8_lossy(&output.stdout).into_owned())
}

fn dev() -> anyhow::Result<ExitCode> {
    tools::ensure_build_tools()?;
    let database = Database::open()?;
    let result = (|| {
        let url = match &database {
            Database::External(url) => url.clone(),
            Database::Private(_) => {
                database.create("steward", false)?;
                database.url("steward")
            }
        };
        let binary = steward::build()?;
        steward::run_command(&binary, &url, "migrate")?;
        steward::run_command(&binary, &url, "demo")?;
        tools::build_frontend()?;
        let addr = std::env::var("STEWARD_ADDR").unwrap_or_else(|_| "127.0.0.1:8080".to_owned());
        let server = steward::Server::start(&binary, &url, &addr, &[], None)?;
        say(format!("Steward is running on http://{addr} (demo accounts are listed in the README); Ctrl-C stops it"));
        server.wait_for_signal()
    })();
    database.stop();
    result.map(|()| ExitCode::SUCCESS)
}

/// One step of the test run and how it went.
struct Step {
    name: &'static str,
    outcome: anyhow::Result<()>,
    seconds: f64,
}

fn timed(name: &'static str, step: impl FnOnce() -> anyhow::Result<()>) -> Step {
    say(format!("== {name}"));
    let started = Instant::now();
    let outcome = step();
    Step { name, outcome, seconds: started.elapsed().as_secs_f64() }
}

fn test(browser: bool) -> anyhow::Result<ExitCode> {
    tools::ensure_wasm_target()?;
    tools::ensure_diesel_cli()?;
    tools::ensure_dovecot()?;
    tools::ensure_gnupg()?;
    if browser {
        tools::ensure_build_tools()?;
        tools::ensure_browser_tools()?;
    }
    // The guards first: they are fast and say the most.
    let mut steps = vec![
        timed("formatting (cargo fmt --check)", || run(Command::new(env!("CARGO")).args(["fmt", "--all", "--check"]))),
        timed("lints (cargo clippy -D warnings)", || {
            run(Command::new(env!("CARGO")).args([
                "clippy",
                "--workspace",
                "--exclude",
                "steward-frontend",
                "--all-targets",
                "--",
                "-D",
                "warnings",
            ]))
        }),
        timed("lints of the web app and domain for wasm32 (clippy)", || {
            run(Command::new(env!("CARGO")).args([
                "clippy",
                "--package",
                "steward-frontend",
                "--package",
                "steward-domain",
                "--package",
                "steward-crypto-worker",
                "--package",
                "steward-openpgp",
                "--target",
                "wasm32-unknown-unknown",
                "--all-targets",
                "--",
                "-D",
                "warnings",
            ]))
        }),
    ];
    let database = Database::open()?;
    steps.push(timed("schema.rs is what the migrations make (diesel print-schema)", || schema::check(&database)));
    steps.push(timed("unit and integration tests (cargo test)", || {
        run(Command::new(env!("CARGO"))
            .args(["test", "--workspace", "--exclude", "steward-frontend"])
            .env("STEWARD_TEST_DATABASE_URL", database.url("postgres")))
    }));
    steps.push(timed("web app unit tests (cargo test -p steward-frontend)", || {
        run(Command::new(env!("CARGO")).args(["test", "--package", "steward-frontend"]))
    }));
    steps.push(timed("fuzz targets, 15 s each (cargo fuzz, fuzz/)", fuzz_briefly));
    if browser {
        steps.push(timed("frontend build (trunk build --release)", tools::build_frontend));
        if steps.last().is_some_and(|s| s.outcome.is_ok()) {
            steps.push(timed("browser tests (Playwright + Chromium)", || browser_tests(&database)));
        }
    }
    database.stop();
    eprintln!("\nxtask: summary");
    let mut failed = 0;
    for step in &steps {
        match &step.outcome {
            Ok(()) => eprintln!("  ok      {:<62} {:>6.1} s", step.name, step.seconds),
            Err(error) => {
                failed += 1;
                eprintln!("  FAILED  {:<62} {:>6.1} s  {error:#}", step.name, step.seconds);
            }
        }
    }
    Ok(if failed == 0 { ExitCode::SUCCESS } else { ExitCode::FAILURE })
}

/// The fuzz targets (fuzz/fuzz_targets/), each run briefly from its corpus. On the stable
/// toolchain: without a sanitizer (Rust's own checks and the targets' assertions find the bugs),
/// and with RUSTC_BOOTSTRAP for the coverage flags cargo-fuzz passes.
const FUZZ_TARGETS: &[&str] = &[
    "request_decoding",
    "grpc_web_framing",
    "template_filling",
    "intake_answers",
    "markdown",
    "calendars",
    "mail_messages",
];

fn fuzz_briefly() -> anyhow::Result<()> {
    tools::ensure_cargo_fuzz()?;
    for target in FUZZ_TARGETS {
        say(format!("fuzzing {target} for 15 s"));
        run(Command::new(env!("CARGO"))
            .args(["fuzz", "run", "--sanitizer", "none", "--dev", target, "--", "-max_total_time=15"])
            .current_dir(root().join("fuzz"))
            .env("RUSTC_BOOTSTRAP", "1"))?;
    }
    Ok(())
}

/// `cargo xtask browser [NAME...]`: the frontend build and the chosen browser tests alone.
fn browser_only(names: &[&str]) -> anyhow::Result<ExitCode> {
    tools::ensure_gnupg()?;
    tools::ensure_build_tools()?;
    tools::ensure_browser_tools()?;
    tools::build_frontend()?;
    let database = Database::open()?;
    let result = browser_tests_named(&database, names);
    database.stop();
    result.map(|()| ExitCode::SUCCESS)
}

fn browser_tests(database: &Database) -> anyhow::Result<()> {
    browser_tests_named(database, &[])
}

/// The browser tests whose file names contain one of `names` (every one when it is empty).
fn browser_tests_named(database: &Database, names: &[&str]) -> anyhow::Result<()> {
    database.create("steward_e2e", true)?;
    let url = database.url("steward_e2e");
    // A fresh database: its files start fresh too.
    let _ = std::fs::remove_dir_all(steward::files_dir(&url));
    let binary = steward::build()?;
    steward::run_command(&binary, &url, "migrate")?;
    steward::run_command(&binary, &url, "demo")?;
    let addr = steward::free_local_addr()?;
    let log = steward_devdb::target_dir().join("e2e-server.log");
    // Every browser test signs in from this machine: many people at one address.
    let server = steward::Server::start(&binary, &url, &addr, steward::MANY_PEOPLE_AT_ONE_ADDRESS, Some(&log))?;
    let mut files: Vec<PathBuf> = std::fs::read_dir(root().join("e2e"))?
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.to_string_lossy().ends_with(".test.mjs"))
        .filter(|p| {
            let name = p.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            names.is_empty() || names.iter().any(|wanted| name.contains(wanted))
        })
        .collect();
    files.sort();
    if files.is_empty() {
        bail!("no browser tests in e2e/*.test.mjs match {names:?}");
    }
    let result = run(Command::new("node")
        .args(["--test", "--test-concurrency=1"])
        .args(&files)
        .env("STEWARD_URL", format!("http://{addr}"))
        .env("CHROMIUM", tools::CHROMIUM)
        // For tests that run a server of their own (to stop and restart it) on the same data.
        .env("STEWARD_BIN", &binary)
        .env("STEWARD_DATABASE_URL", &url)
        .env("STEWARD_STATIC_DIR", root().join("dist"))
        .env("STEWARD_FILES", steward::files_dir(&url))
        // For tests that check what the server wrote down (no plaintext of an encrypted text).
        .env("STEWARD_SERVER_LOG", &log)
        // A test's own server (spawned with this environment) gets the same raised limits.
        .envs(steward::MANY_PEOPLE_AT_ONE_ADDRESS.iter().copied()));
    server.stop();
    if result.is_err() {
        say(format!("the server's log is in {}", log.display()));
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_database_of_a_url_is_replaced_and_the_rest_kept() {
        assert_eq!(
            with_database("postgresql://steward@localhost/steward", "e2e"),
            "postgresql://steward@localhost/e2e"
        );
        assert_eq!(
            with_database("postgresql://u:p@db.example:5433/app?sslmode=require", "e2e"),
            "postgresql://u:p@db.example:5433/e2e?sslmode=require"
        );
        assert_eq!(with_database("postgresql://steward@localhost", "e2e"), "postgresql://steward@localhost/e2e");
    }
}
