//! `cargo xtask bench`: the figures issue 3 asks for, measured side by side in one run on this
//! machine. Starts PostgreSQL (the private cluster, or `DATABASE_URL`'s server) with a fresh
//! `steward_bench` database, builds `steward` and `steward-bench` in release, serves the demo
//! data, runs the benchmark client (see `bench/src/main.rs`), and measures the release
//! frontend's wasm. Prints one `name: value` per line; `# ` lines say how.

use std::path::PathBuf;
use std::process::{Command, ExitCode};

use anyhow::Context;

use crate::{Database, root, run, say, steward, tools};

pub fn bench() -> anyhow::Result<ExitCode> {
    tools::ensure_build_tools()?;
    tools::ensure_browser_tools()?;
    tools::ensure_gnupg()?;
    let database = Database::open()?;
    let result = (|| {
        let LoadTarget { release, url, addr, server, log } =
            serve_demo_in_release(&database, "steward_bench", "steward-bench", true)?;
        say(format!("benchmarking (about 3 minutes); the server's log is in {}", log.display()));
        let measured = run(Command::new(release.join("steward-bench"))
            .arg("--url")
            .arg(format!("http://{addr}"))
            .arg("--server-pid")
            .arg(server.pid().to_string())
            .arg("--database-url")
            .arg(&url)
            .arg("--pgbench-dir")
            .arg(root().join("bench/pgbench")));
        let first_visit = first_visit_bytes(&addr);
        // The incident board in Chromium, on the incident the client left with a long timeline.
        // Then a 1 MiB file encrypted by the pages' crypto worker, and the board with 5,000
        // more tickets (the script writes them into the database and removes them).
        let browser = if measured.is_ok() {
            ["timeline.mjs", "encrypt.mjs", "large.mjs"].iter().try_for_each(|script| {
                run(Command::new("node")
                    .arg(root().join("e2e/bench").join(script))
                    .env("STEWARD_URL", format!("http://{addr}"))
                    .env("STEWARD_DATABASE_URL", &url)
                    .env("CHROMIUM", tools::CHROMIUM))
            })
        } else {
            Ok(())
        };
        server.stop();
        println!("first_visit_kib: {:.1}", first_visit? as f64 / 1024.0);
        measured?;
        browser?;
        println!("wasm_gzip_kib: {:.1}", wasm_gzip_bytes()? as f64 / 1024.0);
        println!("crypto_wasm_gzip_kib: {:.1}", crypto_wasm_gzip_bytes()? as f64 / 1024.0);
        Ok(ExitCode::SUCCESS)
    })();
    database.stop();
    result
}

/// `cargo xtask soak`: the soak client (`bench/src/bin/steward-soak.rs`) against a release
/// server with the demo data, for `STEWARD_SOAK_MINUTES` (default 30) minutes. Not part of the
/// tests. Prints the minute-by-minute table and `name: value` figures.
pub fn soak() -> anyhow::Result<ExitCode> {
    tools::ensure_build_tools()?;
    let minutes = std::env::var("STEWARD_SOAK_MINUTES").unwrap_or_else(|_| "30".to_owned());
    let database = Database::open()?;
    let result = (|| {
        let LoadTarget { release, addr, server, log, .. } =
            serve_demo_in_release(&database, "steward_soak", "steward-soak", false)?;
        say(format!("soaking for {minutes} minutes; the server's log is in {}", log.display()));
        let soaked = run(Command::new(release.join("steward-soak"))
            .arg("--url")
            .arg(format!("http://{addr}"))
            .arg("--server-pid")
            .arg(server.pid().to_string())
            .arg("--minutes")
            .arg(&minutes));
        server.stop();
        soaked?;
        Ok(ExitCode::SUCCESS)
    })();
    database.stop();
    result
}

/// A release `steward` serving the demo data on a fresh database, for a load client.
struct LoadTarget {
    release: PathBuf,
    url: String,
    addr: String,
    server: steward::Server,
    log: PathBuf,
}

/// Builds `steward` and the load client `client` in release, loads the demo data into a fresh
/// `database_name`, builds the frontend if `with_frontend`, and serves it all (with the limits a
/// load generator needs: many people at one address); the server's log is target/<name>-server.log.
fn serve_demo_in_release(
    database: &Database,
    database_name: &str,
    client: &str,
    with_frontend: bool,
) -> anyhow::Result<LoadTarget> {
    database.create(database_name, true)?;
    let url = database.url(database_name);
    // A fresh database: its files start fresh too.
    let _ = std::fs::remove_dir_all(steward::files_dir(&url));
    say(format!("building steward and {client} (release)"));
    run(Command::new(env!("CARGO")).args([
        "build",
        "--release",
        "--package",
        "steward-backend",
        "--package",
        "steward-bench",
        "--bin",
        "steward",
        "--bin",
        client,
    ]))?;
    let release = steward_devdb::target_dir().join("release");
    let binary = release.join("steward");
    steward::run_command(&binary, &url, "migrate")?;
    steward::run_command(&binary, &url, "demo")?;
    if with_frontend {
        tools::build_frontend()?;
    }
    let addr = steward::free_local_addr()?;
    let log = steward_devdb::target_dir().join(format!("{}-server.log", client.trim_start_matches("steward-")));
    let server = steward::Server::start(&binary, &url, &addr, steward::MANY_PEOPLE_AT_ONE_ADDRESS, Some(&log))?;
    Ok(LoadTarget { release, url, addr, server, log })
}

/// What a browser's first visit transfers (headers and bodies, as a browser offering brotli and
/// gzip gets them): the page and every file it names (`/...` in `href`, `src`, `import`).
fn first_visit_bytes(addr: &str) -> anyhow::Result<usize> {
    let (page, _) = fetch(addr, "/", "identity")?;
    let (_, mut total) = fetch(addr, "/", "br, gzip")?;
    let mut files: Vec<&str> = page
        .split(['"', '\''])
        .filter(|part| part.starts_with('/') && part.len() > 1 && part.contains('.') && !part.contains(' '))
        .collect();
    files.sort_unstable();
    files.dedup();
    for file in &files {
        let (_, bytes) = fetch(addr, file, "br, gzip")?;
        total += bytes;
    }
    println!("# first visit: / and {} ({} files), brotli or gzip as offered", files.join(" "), files.len());
    Ok(total)
}

/// GETs `path` over HTTP/1.1 accepting `encodings`: the response as text, and the bytes received.
fn fetch(addr: &str, path: &str, encodings: &str) -> anyhow::Result<(String, usize)> {
    use std::io::{Read, Write};
    let mut stream = std::net::TcpStream::connect(addr)?;
    write!(stream, "GET {path} HTTP/1.1\r\nHost: {addr}\r\nAccept-Encoding: {encodings}\r\nConnection: close\r\n\r\n")?;
    let mut response = Vec::new();
    stream.read_to_end(&mut response)?;
    let text = String::from_utf8_lossy(&response).into_owned();
    anyhow::ensure!(text.starts_with("HTTP/1.1 200"), "GET {path}: {}", text.lines().next().unwrap_or(""));
    Ok((text, response.len()))
}

/// The size of the release frontend's main wasm (dist/steward-frontend-*.wasm; not the crypto
/// worker's, which a page loads only when it needs it), compressed with gzip -9.
fn wasm_gzip_bytes() -> anyhow::Result<usize> {
    let wasm = std::fs::read_dir(root().join("dist"))?
        .flatten()
        .map(|e| e.path())
        .find(|p| {
            p.extension().is_some_and(|e| e == "wasm")
                && p.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.starts_with("steward-frontend"))
        })
        .context("no steward-frontend-*.wasm in dist/: the frontend build failed")?;
    gzip_bytes(&wasm)
}

/// The size of the crypto worker's wasm (dist/crypto-worker_bg.wasm), compressed with gzip -9.
fn crypto_wasm_gzip_bytes() -> anyhow::Result<usize> {
    let wasm = root().join("dist/crypto-worker_bg.wasm");
    anyhow::ensure!(wasm.exists(), "no crypto-worker_bg.wasm in dist/: the frontend build failed");
    gzip_bytes(&wasm)
}

/// `wasm` compressed with gzip -9, in bytes.
fn gzip_bytes(wasm: &std::path::Path) -> anyhow::Result<usize> {
    let output = Command::new("gzip").args(["-9", "-c"]).arg(wasm).output().context("running gzip")?;
    anyhow::ensure!(output.status.success(), "gzip failed");
    println!("# wasm: {} ({} bytes before gzip)", wasm.display(), std::fs::metadata(wasm)?.len());
    Ok(output.stdout.len())
}
