//! A database per test, cloned from a template that has every migration applied. The template
//! is named by a hash of `migrations/`, created once under an advisory lock (tests may run in
//! several processes), and never connected to afterwards, so cloning it always works.

use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};

use sha2::{Digest, Sha256};
use tokio::sync::OnceCell;
use tokio_postgres::NoTls;

static SERVER_URL: OnceCell<String> = OnceCell::const_new();
static TEMPLATE: OnceCell<String> = OnceCell::const_new();
static COUNTER: AtomicU64 = AtomicU64::new(0);

/// `url` with its database name replaced by `database`.
pub fn with_database(url: &str, database: &str) -> String {
    let (scheme, rest) = url.split_once("://").expect("a database URL has a scheme");
    let (authority, path_and_query) = rest.split_once('/').unwrap_or((rest, ""));
    let query = path_and_query.split_once('?').map(|(_, q)| format!("?{q}")).unwrap_or_default();
    format!("{scheme}://{authority}/{database}{query}")
}

/// The server the tests use: `STEWARD_TEST_DATABASE_URL`, or the private cluster.
async fn server_url() -> &'static str {
    SERVER_URL
        .get_or_init(|| async {
            match std::env::var("STEWARD_TEST_DATABASE_URL") {
                Ok(url) if !url.is_empty() => url,
                _ => {
                    let cluster = tokio::task::spawn_blocking(|| {
                        steward_devdb::Cluster::start(&steward_devdb::default_data_dir())
                            .expect("the tests need PostgreSQL: set STEWARD_TEST_DATABASE_URL or install PostgreSQL so the private cluster can start")
                    })
                    .await
                    .expect("starting the private cluster");
                    cluster.url("postgres")
                }
            }
        })
        .await
}

async fn admin_connection() -> tokio_postgres::Client {
    let url = server_url().await;
    let (client, connection) = tokio_postgres::connect(url, NoTls)
        .await
        .unwrap_or_else(|e| panic!("cannot connect to the test PostgreSQL at {url}: {e}"));
    tokio::spawn(connection);
    client
}

fn migrations_hash() -> String {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../migrations");
    let mut files: Vec<_> = walk(&dir);
    files.sort();
    let mut hasher = Sha256::new();
    for file in files {
        hasher.update(file.strip_prefix(&dir).expect("inside").to_string_lossy().as_bytes());
        hasher.update(std::fs::read(&file).expect("readable migration"));
    }
    hasher.finalize().iter().take(6).map(|b| format!("{b:02x}")).collect()
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).expect("migrations directory").flatten() {
        let path = entry.path();
        if path.is_dir() {
            found.extend(walk(&path));
        } else {
            found.push(path);
        }
    }
    found
}

async fn template() -> &'static str {
    TEMPLATE
        .get_or_init(|| async {
            let name = format!("steward_template_{}", migrations_hash());
            let admin = admin_connection().await;
            admin.execute("SELECT pg_advisory_lock(7468)", &[]).await.expect("lock");
            let exists = admin
                .query_opt("SELECT 1 FROM pg_database WHERE datname = $1", &[&name])
                .await
                .expect("query pg_database")
                .is_some();
            if !exists {
                let building = format!("{name}_building");
                admin.execute(&format!("DROP DATABASE IF EXISTS {building} WITH (FORCE)"), &[]).await.expect("drop");
                admin.execute(&format!("CREATE DATABASE {building}"), &[]).await.expect("create template");
                steward_backend::db::migrate(&with_database(server_url().await, &building))
                    .await
                    .expect("migrate template");
                admin.execute(&format!("ALTER DATABASE {building} RENAME TO {name}"), &[]).await.expect("rename");
            }
            admin.execute("SELECT pg_advisory_unlock(7468)", &[]).await.expect("unlock");
            name
        })
        .await
}

/// A fresh, migrated database, dropped when this value is.
pub struct TestDatabase {
    pub name: String,
    pub url: String,
}

impl TestDatabase {
    pub async fn new() -> TestDatabase {
        let template = template().await;
        let name = format!("steward_test_{}_{}", std::process::id(), COUNTER.fetch_add(1, Ordering::Relaxed));
        let admin = admin_connection().await;
        admin
            .execute(&format!("CREATE DATABASE {name} TEMPLATE {template}"), &[])
            .await
            .unwrap_or_else(|e| panic!("cannot create test database from {template}: {e}"));
        TestDatabase { url: with_database(server_url().await, &name), name }
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        let name = self.name.clone();
        let Some(url) = SERVER_URL.get().cloned() else { return };
        // Drop runs outside async code: use a small runtime of its own.
        let _ = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
            runtime.block_on(async move {
                if let Ok((client, connection)) = tokio_postgres::connect(&url, NoTls).await {
                    tokio::spawn(connection);
                    let _ = client.execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"), &[]).await;
                }
            });
        })
        .join();
    }
}

#[test]
fn database_names_are_swapped_in_urls() {
    assert_eq!(
        with_database("postgresql://steward@localhost/postgres?host=/tmp/x", "t1"),
        "postgresql://steward@localhost/t1?host=/tmp/x"
    );
    assert_eq!(with_database("postgres://u@127.0.0.1:5432/db", "t2"), "postgres://u@127.0.0.1:5432/t2");
    assert_eq!(with_database("postgres://u@127.0.0.1:5432", "t3"), "postgres://u@127.0.0.1:5432/t3");
}
