//! Installs what the commands need, once: the wasm32 target, Trunk, wasm-bindgen-cli (the
//! version in Cargo.lock), wasm-opt 132 (npm `binaryen`, into `tools/`), diesel_cli (for the
//! schema check) with Debian's libpq-dev, cargo-fuzz, the browser tests' npm packages, Chromium,
//! PostgreSQL and Dovecot (the IMAP server the mail tests fetch from). Each check is cheap when the tool is already there.
//! System packages are installed with apt-get when running as root; otherwise the error gives
//! the exact command to run.

use std::path::PathBuf;
use std::process::Command;

use anyhow::{Context, bail};

use crate::{root, run, say};

pub const TRUNK_VERSION: &str = "0.21.14";
pub const BINARYEN_VERSION: &str = "132";
pub const CHROMIUM: &str = "/usr/bin/chromium";
pub const DIESEL_CLI_VERSION: &str = "2.3.14";
pub const CARGO_FUZZ_VERSION: &str = "0.13.2";

/// What `dev` and `test` both need.
pub fn ensure_build_tools() -> anyhow::Result<()> {
    ensure_wasm_target()?;
    ensure_trunk()?;
    ensure_wasm_bindgen()?;
    ensure_wasm_opt()?;
    Ok(())
}

/// The browser tests' npm packages (e2e/package.json): Playwright drives Chromium, axe-core checks
/// each page's accessibility.
const E2E_PACKAGES: &[&str] = &["playwright-core", "axe-core"];

/// What the browser tests need in addition.
pub fn ensure_browser_tools() -> anyhow::Result<()> {
    if !std::path::Path::new(CHROMIUM).exists() {
        apt_install("chromium", "the browser tests drive Chromium")?;
    }
    let e2e = root().join("e2e");
    if E2E_PACKAGES.iter().any(|package| !e2e.join("node_modules").join(package).join("package.json").exists()) {
        ensure_npm()?;
        say("installing the browser tests' npm packages (npm ci in e2e/)");
        run(Command::new("npm").args(["ci", "--no-audit", "--no-fund", "--prefix"]).arg(&e2e))?;
    }
    Ok(())
}

/// initdb and pg_ctl, for the private cluster.
pub fn ensure_postgresql() -> anyhow::Result<()> {
    let present = Command::new("sh")
        .args(["-c", "command -v initdb >/dev/null || ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1"])
        .status()
        .is_ok_and(|s| s.success());
    if !present {
        apt_install("postgresql", "Steward runs a private PostgreSQL when DATABASE_URL is unset")?;
    }
    Ok(())
}

/// Dovecot, the real IMAP server the mail tests start with a private configuration (the
/// package's own service is not used).
pub fn ensure_dovecot() -> anyhow::Result<()> {
    if !std::path::Path::new(DOVECOT).exists() {
        apt_install("dovecot-imapd", "the mail tests fetch from a real IMAP server")?;
    }
    Ok(())
}

/// GnuPG, which the OpenPGP tests use as the reference: what Steward seals, `gpg` opens, and
/// the other way round.
pub fn ensure_gnupg() -> anyhow::Result<()> {
    let present = Command::new("gpg").arg("--version").output().is_ok_and(|o| o.status.success());
    if !present {
        apt_install("gnupg", "the encryption tests check Steward against real GnuPG")?;
    }
    Ok(())
}

/// Where Debian's Dovecot is.
pub const DOVECOT: &str = "/usr/sbin/dovecot";

/// Builds the release frontend into `dist/` with Trunk (offline, wasm-opt from `tools/`).
pub fn build_frontend() -> anyhow::Result<()> {
    say("building the frontend (trunk build --release)");
    let path = format!("{}:{}", wasm_opt_bin_dir().display(), std::env::var("PATH").unwrap_or_default());
    run(Command::new("trunk").args(["build", "--release"]).env("PATH", path))
}

fn output_of(program: &str, args: &[&str]) -> Option<String> {
    let output = Command::new(program).args(args).output().ok()?;
    output.status.success().then(|| String::from_utf8_lossy(&output.stdout).into_owned())
}

fn is_root() -> bool {
    output_of("id", &["-u"]).is_some_and(|uid| uid.trim() == "0")
}

fn apt_install(package: &str, why: &str) -> anyhow::Result<()> {
    if !is_root() {
        bail!(
            "{why}, and the package `{package}` is missing: run `sudo apt-get install -y {package}`, then run this command again"
        );
    }
    say(format!("installing the Debian package {package} ({why})"));
    run(Command::new("apt-get").args(["update", "-qq"]))?;
    run(Command::new("apt-get").args(["install", "-y", "-qq", package]).env("DEBIAN_FRONTEND", "noninteractive"))
}

fn ensure_npm() -> anyhow::Result<()> {
    if output_of("npm", &["--version"]).is_none() {
        apt_install("npm", "npm installs wasm-opt and the browser-test packages")?;
    }
    Ok(())
}

pub fn ensure_wasm_target() -> anyhow::Result<()> {
    let installed = output_of("rustup", &["target", "list", "--installed"]).unwrap_or_default();
    if !installed.lines().any(|line| line.trim() == "wasm32-unknown-unknown") {
        say("installing the Rust target wasm32-unknown-unknown (rustup target add)");
        run(Command::new("rustup").args(["target", "add", "wasm32-unknown-unknown"]))?;
    }
    Ok(())
}

/// cargo-fuzz, for the fuzz targets' short runs.
pub fn ensure_cargo_fuzz() -> anyhow::Result<()> {
    let version = output_of(env!("CARGO"), &["fuzz", "--version"]).unwrap_or_default();
    if version.contains(CARGO_FUZZ_VERSION) {
        return Ok(());
    }
    say(format!(
        "installing cargo-fuzz {CARGO_FUZZ_VERSION} for the fuzz targets (cargo install; about 2 minutes, once)"
    ));
    run(Command::new(env!("CARGO")).args(["install", "cargo-fuzz", "--version", CARGO_FUZZ_VERSION, "--locked"]))
}

/// diesel_cli, for `diesel print-schema` (the schema check); it links libpq.
pub fn ensure_diesel_cli() -> anyhow::Result<()> {
    let version = output_of("diesel", &["--version"]).unwrap_or_default();
    if version.contains(DIESEL_CLI_VERSION) {
        return Ok(());
    }
    if output_of("pg_config", &["--includedir"]).is_none() {
        apt_install("libpq-dev", "diesel_cli links PostgreSQL's client library")?;
    }
    say(format!(
        "installing diesel_cli {DIESEL_CLI_VERSION} for the schema check (cargo install; about 3 minutes, once)"
    ));
    run(Command::new(env!("CARGO")).args([
        "install",
        "diesel_cli",
        "--version",
        DIESEL_CLI_VERSION,
        "--no-default-features",
        "--features",
        "postgres",
        "--locked",
    ]))
}

fn ensure_trunk() -> anyhow::Result<()> {
    let version = output_of("trunk", &["--version"]).unwrap_or_default();
    if version.trim() != format!("trunk {TRUNK_VERSION}") {
        say(format!("installing trunk {TRUNK_VERSION} (cargo install; about 8 minutes, once)"));
        run(Command::new(env!("CARGO")).args(["install", "trunk", "--version", TRUNK_VERSION, "--locked"]))?;
    }
    Ok(())
}

/// The wasm-bindgen version Cargo.lock pins; the CLI must match it exactly.
pub fn locked_wasm_bindgen_version() -> anyhow::Result<String> {
    let lock = std::fs::read_to_string(root().join("Cargo.lock")).context("reading Cargo.lock")?;
    let mut lines = lock.lines();
    while let Some(line) = lines.next() {
        if line.trim() == "name = \"wasm-bindgen\""
            && let Some(version) = lines.next().and_then(|l| l.trim().strip_prefix("version = \""))
        {
            return Ok(version.trim_end_matches('"').to_owned());
        }
    }
    bail!("Cargo.lock does not pin wasm-bindgen; build the frontend once with cargo to record it")
}

fn ensure_wasm_bindgen() -> anyhow::Result<()> {
    let wanted = locked_wasm_bindgen_version()?;
    let version = output_of("wasm-bindgen", &["--version"]).unwrap_or_default();
    if version.trim() != format!("wasm-bindgen {wanted}") {
        say(format!("installing wasm-bindgen-cli {wanted} to match Cargo.lock (cargo install; about 3 minutes, once)"));
        // Not --locked: its lock file pins a crate version the registry mirror may lack.
        run(Command::new(env!("CARGO")).args(["install", "wasm-bindgen-cli", "--version", &wanted]))?;
    }
    Ok(())
}

fn wasm_opt_bin_dir() -> PathBuf {
    root().join("tools/node_modules/.bin")
}

fn ensure_wasm_opt() -> anyhow::Result<()> {
    let binary = wasm_opt_bin_dir().join("wasm-opt");
    let version = output_of(&binary.to_string_lossy(), &["--version"]).unwrap_or_default();
    if !version.contains(&format!("version {BINARYEN_VERSION}")) {
        ensure_npm()?;
        say(format!("installing wasm-opt {BINARYEN_VERSION} (npm binaryen@{BINARYEN_VERSION} into tools/)"));
        let tools = root().join("tools");
        std::fs::create_dir_all(&tools)?;
        run(Command::new("npm")
            .args(["install", "--no-audit", "--no-fund", "--no-save", "--prefix"])
            .arg(&tools)
            .arg(format!("binaryen@{BINARYEN_VERSION}")))?;
    }
    Ok(())
}
