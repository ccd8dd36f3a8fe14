//! Building and running the `steward` binary: its one-shot commands, and the server, which is
//! stopped with SIGTERM (a graceful shutdown) when we are done or interrupted.

use std::fs::File;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};

use crate::{root, run, say};

/// Builds `steward` and returns its path.
pub fn build() -> anyhow::Result<PathBuf> {
    say("building the steward binary");
    run(Command::new(env!("CARGO")).args(["build", "--package", "steward-backend", "--bin", "steward"]))?;
    Ok(steward_devdb::target_dir().join("debug/steward"))
}

/// Runs `steward <command>` against `database_url`.
pub fn run_command(binary: &Path, database_url: &str, command: &str) -> anyhow::Result<()> {
    run(Command::new(binary)
        .arg(command)
        .env("DATABASE_URL", database_url)
        .env("STEWARD_FILES", files_dir(database_url)))
}

/// Where the attached files of the database `database_url` names are kept: one directory per
/// database under target/steward-files (unless STEWARD_FILES says otherwise).
pub fn files_dir(database_url: &str) -> PathBuf {
    if let Ok(chosen) = std::env::var("STEWARD_FILES")
        && !chosen.trim().is_empty()
    {
        return PathBuf::from(chosen);
    }
    let parsed = url::Url::parse(database_url).ok();
    let database = parsed.as_ref().map_or("steward", |url| url.path().trim_start_matches('/'));
    steward_devdb::target_dir().join("steward-files").join(database)
}

/// A free address on the loopback interface.
pub fn free_local_addr() -> anyhow::Result<String> {
    let listener = TcpListener::bind("127.0.0.1:0")?;
    Ok(listener.local_addr()?.to_string())
}

/// Limits raised for a load generator or a test browser that is many people at one address
/// (`backend/src/limits.rs` keeps its defaults for everyone else).
pub const MANY_PEOPLE_AT_ONE_ADDRESS: &[(&str, &str)] = &[
    ("STEWARD_STREAMS_PER_SESSION", "100000"),
    ("STEWARD_STREAMS_PER_ADDRESS", "100000"),
    ("STEWARD_SIGN_INS_PER_MINUTE", "100000"),
    ("STEWARD_SEARCHES_PER_MINUTE", "100000"),
];

/// A running `steward serve`.
pub struct Server {
    child: Child,
}

impl Server {
    /// Starts the server on `addr` serving `dist/`, with `settings` added to its environment,
    /// and waits until it answers. Its output goes to `log` if given, else to this terminal.
    pub fn start(
        binary: &Path,
        database_url: &str,
        addr: &str,
        settings: &[(&str, &str)],
        log: Option<&Path>,
    ) -> anyhow::Result<Server> {
        let mut command = Command::new(binary);
        command
            .arg("serve")
            .envs(settings.iter().copied())
            .env("DATABASE_URL", database_url)
            .env("STEWARD_ADDR", addr)
            .env("STEWARD_STATIC_DIR", root().join("dist"))
            .env("STEWARD_FILES", files_dir(database_url))
            .stdin(Stdio::null());
        if let Some(log) = log {
            let file = File::create(log).with_context(|| format!("creating {}", log.display()))?;
            command.stdout(file.try_clone()?).stderr(file);
        }
        let mut server = Server { child: command.spawn().context("starting steward serve")? };
        let started = Instant::now();
        while !answers(addr) {
            if let Some(status) = server.child.try_wait()? {
                bail!("steward serve exited ({status}) before it answered on {addr}");
            }
            if started.elapsed() > Duration::from_secs(60) {
                server.stop();
                bail!("steward serve did not answer on {addr} within 60 s");
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        Ok(server)
    }

    /// The server's process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Waits until Ctrl-C or SIGTERM, then stops the server gracefully.
    pub fn wait_for_signal(mut self) -> anyhow::Result<()> {
        let (tx, rx) = mpsc::channel();
        ctrlc::set_handler(move || {
            let _ = tx.send(());
        })
        .context("installing the Ctrl-C handler")?;
        loop {
            if rx.recv_timeout(Duration::from_millis(200)).is_ok() {
                say("stopping Steward");
                self.stop();
                return Ok(());
            }
            if let Some(status) = self.child.try_wait()? {
                bail!("steward serve stopped on its own ({status})");
            }
        }
    }

    /// Sends SIGTERM and waits for a graceful exit (SIGKILL after 15 s).
    pub fn stop(mut self) {
        let pid = self.child.id().to_string();
        let _ = Command::new("kill").args(["-TERM", &pid]).status();
        let started = Instant::now();
        while started.elapsed() < Duration::from_secs(15) {
            if matches!(self.child.try_wait(), Ok(Some(_))) {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        say("steward serve did not stop within 15 s; killing it");
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Whether `GET /` on `addr` gets an HTTP answer (any status: a server without a built
/// frontend, as the soak runs it, answers 404 there and is serving all the same).
fn answers(addr: &str) -> bool {
    let Ok(mut stream) = TcpStream::connect(addr) else { return false };
    let _ = stream.set_read_timeout(Some(Duration::from_secs(2)));
    if stream.write_all(format!("GET / HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n").as_bytes()).is_err() {
        return false;
    }
    let mut head = [0u8; 12];
    stream.read_exact(&mut head).is_ok() && head.starts_with(b"HTTP/1.1 ")
}
