//! The PostgreSQL schema's migrations, embedded from `crates/proof-store/migrations/`, and the
//! version table that records which are applied.
//!
//! At connect, under a transaction-scoped advisory lock (so that workers starting together do
//! not race), missing migrations are applied in order, each in its own transaction together
//! with its `schema_version` row. A database at a newer version than this build knows is
//! refused ([`Error::SchemaTooNew`]): an older binary must not write a schema it does not
//! understand.

use tokio_postgres::Client;

use crate::error::{Error, Result};

/// Migrations in order: `(version, SQL)`. Never edit a released one; add the next.
pub const MIGRATIONS: &[(i32, &str)] = &[
    (1, include_str!("../../migrations/0001_jobs.sql")),
    (2, include_str!("../../migrations/0002_proof_versions.sql")),
];

/// The schema version this build reads and writes.
pub const SCHEMA_VERSION: i32 = 2;

/// Advisory lock key held while migrating ("wp-migr" as bytes).
const MIGRATION_LOCK: i64 = 0x0077_702d_6d69_6772;

/// Brings the database to [`SCHEMA_VERSION`]; returns the versions it applied.
pub(crate) async fn migrate(client: &mut Client) -> Result<Vec<i32>> {
    let pg = |operation| move |source| Error::Postgres { operation, source };
    client
        .batch_execute(
            "CREATE TABLE IF NOT EXISTS schema_version (
                 version    INTEGER PRIMARY KEY,
                 applied_at TIMESTAMPTZ NOT NULL DEFAULT now()
             )",
        )
        .await
        .map_err(pg("create schema_version"))?;
    let mut applied = Vec::new();
    for (version, sql) in MIGRATIONS {
        let transaction = client.transaction().await.map_err(pg("begin migration"))?;
        transaction
            .execute("SELECT pg_advisory_xact_lock($1)", &[&MIGRATION_LOCK])
            .await
            .map_err(pg("lock for migration"))?;
        let current: Option<i32> = transaction
            .query_one("SELECT max(version) FROM schema_version", &[])
            .await
            .map_err(pg("read schema version"))?
            .get(0);
        let current = current.unwrap_or(0);
        if current > SCHEMA_VERSION {
            return Err(Error::SchemaTooNew { found: current, supported: SCHEMA_VERSION });
        }
        if current >= *version {
            continue;
        }
        transaction.batch_execute(sql).await.map_err(pg("apply migration"))?;
        transaction
            .execute("INSERT INTO schema_version (version) VALUES ($1)", &[version])
            .await
            .map_err(pg("record migration"))?;
        transaction.commit().await.map_err(pg("commit migration"))?;
        applied.push(*version);
    }
    // Nothing to apply: still refuse a newer schema.
    let current: Option<i32> = client
        .query_one("SELECT max(version) FROM schema_version", &[])
        .await
        .map_err(pg("read schema version"))?
        .get(0);
    if let Some(current) = current
        && current > SCHEMA_VERSION
    {
        return Err(Error::SchemaTooNew { found: current, supported: SCHEMA_VERSION });
    }
    Ok(applied)
}
