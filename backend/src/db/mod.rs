//! The database: a pool of async connections, the embedded migrations, and one module of
//! queries per entity under `models/`. Rows convert into domain values there; nothing above
//! this module writes SQL.

pub mod models;
pub mod schema;

use diesel_async::pooled_connection::deadpool::{Object, Pool};
use diesel_async::pooled_connection::{AsyncDieselConnectionManager, ManagerConfig, RecyclingMethod};
use diesel_async::{AsyncConnection, AsyncMigrationHarness, AsyncPgConnection, RunQueryDsl};
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};

/// Every migration under `migrations/`, compiled in.
pub const MIGRATIONS: EmbeddedMigrations = embed_migrations!("../migrations");

/// Key of the advisory lock held while migrating, so two replicas never migrate at once.
const MIGRATION_LOCK: i64 = 0x0053_5445_5741_5244; // "STEWARD" in ASCII

/// A pool of connections.
pub type DbPool = Pool<AsyncPgConnection>;
/// A connection checked out of the pool.
pub type DbConn = Object<AsyncPgConnection>;

/// Builds a pool of at most `max_size` connections (connections open lazily).
///
/// A connection going back into use is not pinged first (that would be one more round trip on
/// every call); a connection that broke (the database restarted) fails its next query, is
/// dropped by the pool, and the caller gets Unavailable once.
pub fn pool(database_url: &str, max_size: usize) -> anyhow::Result<DbPool> {
    let mut config = ManagerConfig::default();
    config.recycling_method = RecyclingMethod::Fast;
    let manager = AsyncDieselConnectionManager::<AsyncPgConnection>::new_with_config(database_url, config);
    Ok(Pool::builder(manager).max_size(max_size).build()?)
}

/// Applies every pending migration, holding an advisory lock; returns how many ran.
pub async fn migrate(database_url: &str) -> anyhow::Result<usize> {
    let mut conn = AsyncPgConnection::establish(database_url)
        .await
        .map_err(|e| anyhow::anyhow!("cannot connect to DATABASE_URL: {e}"))?;
    diesel::sql_query(format!("SELECT pg_advisory_lock({MIGRATION_LOCK})")).execute(&mut conn).await?;
    let applied = tokio::task::spawn_blocking(move || {
        let mut harness = AsyncMigrationHarness::new(conn);
        let applied = harness
            .run_pending_migrations(MIGRATIONS)
            .map(|versions| versions.len())
            .map_err(|e| anyhow::anyhow!("migration failed: {e}"));
        (applied, harness.into_inner())
    })
    .await?;
    let (applied, mut conn) = applied;
    diesel::sql_query(format!("SELECT pg_advisory_unlock({MIGRATION_LOCK})")).execute(&mut conn).await?;
    applied
}
