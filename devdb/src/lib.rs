//! A private PostgreSQL cluster for `cargo xtask dev` and the tests, under `target/`.
//!
//! It uses the machine's `initdb` and `pg_ctl`, listens only on a Unix socket in its own
//! directory (so it can never collide with a PostgreSQL already running), trusts local
//! connections for the superuser `steward`, and trades durability for speed (it is
//! throwaway). PostgreSQL refuses to run as root, so as root it runs as the `postgres` user.
//! Starting is idempotent and safe from several processes at once (a lock file serializes it).

use std::fs::{self, File};
use std::io::Write;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};

/// The OS user that runs PostgreSQL when we are root.
const SERVICE_USER: &str = "postgres";
/// The cluster's superuser.
const SUPERUSER: &str = "steward";
/// The longest socket path a Unix socket accepts (sun_path), with room for the file name.
const MAX_SOCKET_DIR_LEN: usize = 100 - ".s.PGSQL.5432".len();

/// A running private cluster.
#[derive(Debug, Clone)]
pub struct Cluster {
    data_dir: PathBuf,
    socket_dir: PathBuf,
    bin_dir: PathBuf,
    /// Whether this handle started it (rather than finding it running, say for `cargo xtask
    /// dev` in another terminal).
    started_here: bool,
}

impl Cluster {
    /// Starts the private cluster whose data lives in `data_dir` (initdb on first use), or
    /// attaches to it if it is already running.
    pub fn start(data_dir: &Path) -> anyhow::Result<Cluster> {
        let bin_dir = find_bin_dir()?;
        let as_root = is_root();
        let data_dir = usable_data_dir(data_dir, as_root)?;
        fs::create_dir_all(&data_dir).with_context(|| format!("creating {}", data_dir.display()))?;
        let socket_dir = data_dir.join("socket");
        let mut cluster = Cluster { socket_dir, data_dir: data_dir.join("data"), bin_dir, started_here: false };

        let _lock = Lock::acquire(&data_dir.join("start.lock"))?;
        if as_root {
            chown_to_service_user(&data_dir)?;
        }
        if !cluster.data_dir.join("PG_VERSION").exists() {
            cluster.initdb(as_root)?;
        }
        if !cluster.is_running(as_root) {
            cluster.pg_ctl_start(as_root)?;
            cluster.started_here = true;
        }
        cluster.wait_until_accepting(Duration::from_secs(30))?;
        Ok(cluster)
    }

    /// A URL for `database` that tokio-postgres, diesel-async and psql accept.
    pub fn url(&self, database: &str) -> String {
        format!("postgresql://{SUPERUSER}@localhost/{database}?host={}", self.socket_dir.display())
    }

    /// The directory holding the cluster's Unix socket.
    pub fn socket_dir(&self) -> &Path {
        &self.socket_dir
    }

    /// Stops the cluster (fast shutdown: open sessions are ended).
    /// Whether this handle started the cluster (it was not running before).
    pub fn started_here(&self) -> bool {
        self.started_here
    }

    /// Stops the cluster.
    pub fn stop(&self) -> anyhow::Result<()> {
        let as_root = is_root();
        if !self.is_running(as_root) {
            return Ok(());
        }
        let output = self.run_pg(as_root, "pg_ctl", &["stop", "-m", "fast", "-w", "-D", &path_arg(&self.data_dir)])?;
        if !output.status.success() {
            bail!("pg_ctl stop failed: {}", String::from_utf8_lossy(&output.stderr).trim());
        }
        Ok(())
    }

    fn initdb(&self, as_root: bool) -> anyhow::Result<()> {
        eprintln!("devdb: creating a private PostgreSQL cluster in {}", self.data_dir.display());
        let data = path_arg(&self.data_dir);
        let output = self.run_pg(
            as_root,
            "initdb",
            &["-D", &data, "-U", SUPERUSER, "--auth=trust", "--encoding=UTF8", "--locale=C", "--no-sync"],
        )?;
        if !output.status.success() {
            bail!(
                "initdb failed: {}{}",
                String::from_utf8_lossy(&output.stdout),
                String::from_utf8_lossy(&output.stderr)
            );
        }
        let mut conf = fs::OpenOptions::new().append(true).open(self.data_dir.join("postgresql.conf"))?;
        writeln!(
            conf,
            "\n# Steward's private dev/test cluster: socket only, fast and not durable.\n\
             listen_addresses = ''\n\
             unix_socket_directories = '{}'\n\
             fsync = off\nsynchronous_commit = off\nfull_page_writes = off\n\
             max_connections = 300\nshared_buffers = 128MB\n",
            self.socket_dir.display()
        )?;
        Ok(())
    }

    fn pg_ctl_start(&self, as_root: bool) -> anyhow::Result<()> {
        fs::create_dir_all(&self.socket_dir)?;
        if as_root {
            chown_to_service_user(&self.socket_dir)?;
        }
        let log = self.data_dir.parent().unwrap_or(&self.data_dir).join("postgresql.log");
        if as_root && !log.exists() {
            File::create(&log)?;
            chown_to_service_user(&log)?;
        }
        // The socket directory is given on every start, so a checkout that moved (its cluster
        // with it) still starts: the path written into postgresql.conf may be stale.
        let socket_option = format!("-k '{}'", self.socket_dir.display());
        let output = self.run_pg(
            as_root,
            "pg_ctl",
            &["start", "-w", "-t", "60", "-D", &path_arg(&self.data_dir), "-l", &path_arg(&log), "-o", &socket_option],
        )?;
        if !output.status.success() {
            let tail = fs::read_to_string(&log).unwrap_or_default();
            let tail: Vec<&str> = tail.lines().rev().take(15).collect();
            bail!(
                "pg_ctl start failed: {}\nlast lines of {}:\n{}",
                String::from_utf8_lossy(&output.stderr).trim(),
                log.display(),
                tail.into_iter().rev().collect::<Vec<_>>().join("\n")
            );
        }
        Ok(())
    }

    fn is_running(&self, as_root: bool) -> bool {
        self.data_dir.join("PG_VERSION").exists()
            && self
                .run_pg(as_root, "pg_ctl", &["status", "-D", &path_arg(&self.data_dir)])
                .is_ok_and(|output| output.status.success())
    }

    fn wait_until_accepting(&self, timeout: Duration) -> anyhow::Result<()> {
        let started = Instant::now();
        let socket = self.socket_dir.join(".s.PGSQL.5432");
        while !socket.exists() {
            if started.elapsed() > timeout {
                bail!("the private PostgreSQL did not open its socket {} within {timeout:?}", socket.display());
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        Ok(())
    }

    /// Runs a PostgreSQL program, as the service user when we are root.
    fn run_pg(&self, as_root: bool, program: &str, args: &[&str]) -> anyhow::Result<Output> {
        let binary = self.bin_dir.join(program);
        let mut command = if as_root {
            let mut command = Command::new("runuser");
            command.args(["-u", SERVICE_USER, "--"]).arg(&binary);
            command
        } else {
            Command::new(&binary)
        };
        command.args(args).current_dir("/");
        command.output().with_context(|| format!("running {}", binary.display()))
    }
}

/// The workspace's target directory: `CARGO_TARGET_DIR`, or `<workspace root>/target`.
pub fn target_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("CARGO_TARGET_DIR") {
        return PathBuf::from(dir);
    }
    let start = std::env::var_os("CARGO_MANIFEST_DIR")
        .map(PathBuf::from)
        .or_else(|| std::env::current_dir().ok())
        .unwrap_or_else(|| PathBuf::from("."));
    let root = start
        .ancestors()
        .find(|dir| fs::read_to_string(dir.join("Cargo.toml")).is_ok_and(|text| text.contains("[workspace]")))
        .map(Path::to_path_buf)
        .unwrap_or(start);
    root.join("target")
}

/// Where the private cluster lives by default: `target/steward-pg`.
pub fn default_data_dir() -> PathBuf {
    target_dir().join("steward-pg")
}

fn is_root() -> bool {
    Command::new("id").arg("-u").output().is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

fn path_arg(path: &Path) -> String {
    path.display().to_string()
}

/// The directory with `initdb` and `pg_ctl`: on PATH, or Debian's newest under
/// /usr/lib/postgresql.
fn find_bin_dir() -> anyhow::Result<PathBuf> {
    let on_path = std::env::var_os("PATH")
        .map(|path| std::env::split_paths(&path).collect::<Vec<_>>())
        .unwrap_or_default()
        .into_iter()
        .find(|dir| dir.join("initdb").is_file() && dir.join("pg_ctl").is_file());
    if let Some(dir) = on_path {
        return Ok(dir);
    }
    let mut versions: Vec<(u32, PathBuf)> = fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|entry| {
            let version = entry.file_name().to_string_lossy().parse::<u32>().ok()?;
            let bin = entry.path().join("bin");
            bin.join("initdb").is_file().then_some((version, bin))
        })
        .collect();
    versions.sort();
    versions.pop().map(|(_, bin)| bin).ok_or_else(|| {
        anyhow::anyhow!(
            "PostgreSQL is not installed: run `apt-get install postgresql` (or set DATABASE_URL to an existing server)"
        )
    })
}

/// `wanted` if the service user can reach it (as root) and its socket path fits; otherwise a
/// short directory under /tmp named after it.
fn usable_data_dir(wanted: &Path, as_root: bool) -> anyhow::Result<PathBuf> {
    let wanted = if wanted.is_absolute() { wanted.to_path_buf() } else { std::env::current_dir()?.join(wanted) };
    let socket_fits = wanted.join("socket").as_os_str().len() <= MAX_SOCKET_DIR_LEN;
    let reachable = !as_root || service_user_can_traverse(&wanted);
    if socket_fits && reachable {
        return Ok(wanted);
    }
    let hash = wanted
        .to_string_lossy()
        .bytes()
        .fold(0xcbf2_9ce4_8422_2325_u64, |h, b| (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3));
    let fallback = PathBuf::from(format!("/tmp/steward-pg-{:012x}", hash & 0xffff_ffff_ffff));
    eprintln!(
        "devdb: using {} for the private PostgreSQL ({})",
        fallback.display(),
        if socket_fits {
            "the postgres user cannot reach the target directory"
        } else {
            "the target path is too long for a socket"
        }
    );
    Ok(fallback)
}

/// Whether every existing ancestor of `dir` lets others traverse it.
fn service_user_can_traverse(dir: &Path) -> bool {
    dir.ancestors()
        .skip(1)
        .filter_map(|ancestor| fs::metadata(ancestor).ok())
        .all(|meta| meta.permissions().mode() & 0o001 != 0)
}

fn chown_to_service_user(path: &Path) -> anyhow::Result<()> {
    let status = Command::new("chown")
        .args(["-R", &format!("{SERVICE_USER}:{SERVICE_USER}")])
        .arg(path)
        .status()
        .context("running chown")?;
    if !status.success() {
        bail!(
            "cannot hand {} to the `{SERVICE_USER}` user, which PostgreSQL needs when run as root (does the user exist? `apt-get install postgresql` creates it)",
            path.display()
        );
    }
    Ok(())
}

/// An exclusive lock on a file, released when dropped.
struct Lock(#[allow(dead_code)] File);

impl Lock {
    fn acquire(path: &Path) -> anyhow::Result<Lock> {
        let file = File::options()
            .create(true)
            .truncate(false)
            .write(true)
            .open(path)
            .with_context(|| format!("opening {}", path.display()))?;
        file.lock().with_context(|| format!("locking {}", path.display()))?;
        Ok(Lock(file))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cluster_starts_answers_and_is_shared_by_a_second_start() {
        let dir = target_dir().join("devdb-selftest");
        Cluster::start(&dir).expect("start").stop().expect("stop whatever an earlier run left");
        let cluster = Cluster::start(&dir).expect("start");
        assert!(cluster.started_here(), "it was stopped, so this start started it");
        let again = Cluster::start(&dir).expect("attach to the running cluster");
        assert_eq!(cluster.url("postgres"), again.url("postgres"));
        assert!(!again.started_here(), "the second start found it running, so it is not the second's to stop");
        assert!(cluster.socket_dir().join(".s.PGSQL.5432").exists());
        if let Ok(psql) = Command::new("psql").args([&cluster.url("postgres"), "-tAc", "select 40 + 2"]).output() {
            assert_eq!(String::from_utf8_lossy(&psql.stdout).trim(), "42", "{}", String::from_utf8_lossy(&psql.stderr));
        }
        cluster.stop().expect("stop");
        assert!(!cluster.socket_dir().join(".s.PGSQL.5432").exists(), "stopped");
    }

    #[test]
    fn the_target_dir_is_the_workspace_target() {
        if std::env::var_os("CARGO_TARGET_DIR").is_none() {
            assert!(target_dir().ends_with("target"));
            assert!(target_dir().parent().is_some_and(|root| root.join("Cargo.toml").exists()));
        }
    }
}
