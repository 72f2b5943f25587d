//! [`PgJobQueue`]: the cluster's job queue in PostgreSQL (`--database-url postgres://...`).
//!
//! * Leasing is one statement: the lowest ready row `FOR UPDATE SKIP LOCKED`, updated to
//!   `leased` with a random token, so concurrent workers never take the same job and never
//!   wait on each other.
//! * All times are the database's (`now()`): workers' clocks do not matter.
//! * Connections come from a pool that drops broken ones and reconnects (deadpool's
//!   recycling checks each connection before reuse), so a restarted server costs the callers
//!   one failed call each ([`Error::is_transient`] is true for it), not a restart.
//! * The schema is migrated at connect ([`super::migrations`]).
//! * [`PgJobQueue::try_lead`]: a session advisory lock on a dedicated connection, held by the
//!   one active coordinator.

use std::fmt;
use std::time::Duration;

use async_trait::async_trait;
use deadpool_postgres::{Manager, ManagerConfig, Pool, RecyclingMethod, Runtime};
use tokio::sync::watch;
use tokio_postgres::{NoTls, Row};

use crate::error::{Error, Result};
use crate::job_status::{JobStatus, JobStatusKind};
use crate::jobs::{Checkpoint, JobRecord};
use crate::key::Felt32;
use crate::metadata::ProofMetadata;
use crate::queue::migrations::migrate;
use crate::queue::{FailOutcome, JobQueue, JobReader, Lease, NewJob, QueueDepth, QueuePolicy};
use crate::witness::WitnessKey;

/// Advisory lock key of the coordinator ("wp-coord" as bytes).
const COORDINATOR_LOCK: i64 = 0x7770_2d63_6f6f_7264;

/// Columns read into a [`JobRecord`], in [`record_from_row`]'s order.
const RECORD_COLUMNS: &str = "block_number, block_hash, parent_hash, state_root, status, \
     attempts, last_error, (extract(epoch from updated_at) * 1000)::bigint";

/// Clears a lease (every statement that ends one).
const CLEAR_LEASE: &str =
    "lease_token = NULL, lease_owner = NULL, leased_at = NULL, lease_expires_at = NULL";

/// The PostgreSQL job queue. Cloning shares the pool.
#[derive(Clone)]
pub struct PgJobQueue {
    pool: Pool,
    config: tokio_postgres::Config,
    policy: QueuePolicy,
}

impl fmt::Debug for PgJobQueue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Never the password.
        f.debug_struct("PgJobQueue").field("location", &self.location()).finish()
    }
}

fn pg(operation: &'static str) -> impl Fn(tokio_postgres::Error) -> Error {
    move |source| Error::Postgres { operation, source }
}

impl PgJobQueue {
    /// Connects to `url` (`postgres://user:password@host:port/database`), with a pool of
    /// `max_connections`, and migrates the schema. Fails if the server is unreachable, or if
    /// its schema is newer than this build ([`Error::SchemaTooNew`]).
    pub async fn connect(url: &str, policy: QueuePolicy, max_connections: usize) -> Result<Self> {
        let config: tokio_postgres::Config =
            url.parse().map_err(|error: tokio_postgres::Error| Error::InvalidDatabaseUrl {
                reason: error.to_string(),
            })?;
        let manager = Manager::from_config(
            config.clone(),
            NoTls,
            ManagerConfig { recycling_method: RecyclingMethod::Fast },
        );
        let pool = Pool::builder(manager)
            .max_size(max_connections.max(1))
            .runtime(Runtime::Tokio1)
            .wait_timeout(Some(Duration::from_secs(30)))
            .create_timeout(Some(Duration::from_secs(5)))
            .recycle_timeout(Some(Duration::from_secs(5)))
            .build()
            .map_err(|error| Error::InvalidDatabaseUrl { reason: error.to_string() })?;
        let queue = PgJobQueue { pool, config, policy };
        let mut client = queue.client().await?;
        let applied = migrate(&mut client).await?;
        if !applied.is_empty() {
            tracing::info!(versions = ?applied, "job database migrated");
        }
        Ok(queue)
    }

    /// `host:port/database`, for logs.
    pub fn location(&self) -> String {
        let hosts: Vec<String> = self
            .config
            .get_hosts()
            .iter()
            .map(|host| match host {
                tokio_postgres::config::Host::Tcp(name) => name.clone(),
                #[cfg(unix)]
                tokio_postgres::config::Host::Unix(path) => path.display().to_string(),
            })
            .collect();
        let port = self.config.get_ports().first().copied().unwrap_or(5432);
        format!(
            "postgres://{}:{port}/{}",
            hosts.join(","),
            self.config.get_dbname().unwrap_or_default()
        )
    }

    /// The retry rules this queue applies.
    pub fn policy(&self) -> QueuePolicy {
        self.policy
    }

    async fn client(&self) -> Result<deadpool_postgres::Object> {
        self.pool.get().await.map_err(|source| Error::Pool { message: source.to_string() })
    }

    /// Takes the coordinator's lock if no one holds it: `None` if another coordinator is
    /// active. The lock lives as long as the guard's own connection: a coordinator that dies
    /// or loses the database loses it, and a standby takes over.
    pub async fn try_lead(&self) -> Result<Option<LeaderGuard>> {
        let (client, connection) =
            self.config.connect(NoTls).await.map_err(pg("connect for the coordinator lock"))?;
        let (lost_sender, lost) = watch::channel(false);
        let connection = tokio::spawn(async move {
            if let Err(error) = connection.await {
                tracing::warn!(%error, "the coordinator lock's connection ended");
            }
            let _ = lost_sender.send(true);
        });
        let locked: bool = client
            .query_one("SELECT pg_try_advisory_lock($1)", &[&COORDINATOR_LOCK])
            .await
            .map_err(pg("take the coordinator lock"))?
            .get(0);
        if !locked {
            connection.abort();
            return Ok(None);
        }
        Ok(Some(LeaderGuard { _client: client, connection, lost }))
    }

    /// Deletes every job and the checkpoint (tests; operators use SQL).
    pub async fn reset_for_tests(&self) -> Result<()> {
        let client = self.client().await?;
        client
            .batch_execute(
                "DELETE FROM jobs; UPDATE checkpoint SET start_block = NULL, last_seen_head = NULL",
            )
            .await
            .map_err(pg("reset"))
    }

    async fn records(
        &self,
        filter: &str,
        params: &[&(dyn tokio_postgres::types::ToSql + Sync)],
    ) -> Result<Vec<JobRecord>> {
        let client = self.client().await?;
        let sql = format!("SELECT {RECORD_COLUMNS} FROM jobs {filter}");
        let rows = client.query(&sql, params).await.map_err(pg("read jobs"))?;
        rows.iter().map(record_from_row).collect()
    }
}

/// The coordinator's lock (see [`PgJobQueue::try_lead`]); released when dropped.
#[derive(Debug)]
pub struct LeaderGuard {
    _client: tokio_postgres::Client,
    connection: tokio::task::JoinHandle<()>,
    lost: watch::Receiver<bool>,
}

impl LeaderGuard {
    /// Completes when the lock's connection ends (the lock is then free for others).
    pub async fn lost(&self) {
        let mut lost = self.lost.clone();
        let _ = lost.wait_for(|lost| *lost).await;
    }
}

impl Drop for LeaderGuard {
    fn drop(&mut self) {
        self.connection.abort();
    }
}

fn felt(block_number: u64, column: &str, text: &str) -> Result<Felt32> {
    text.parse().map_err(|error: Error| Error::QueueRow {
        block_number,
        reason: format!("{column}: {error}"),
    })
}

fn record_from_row(row: &Row) -> Result<JobRecord> {
    let block_number = row.get::<_, i64>(0) as u64;
    let status: String = row.get(4);
    let last_error: Option<String> = row.get(6);
    let status = match status.as_str() {
        "queued" => JobStatus::Replayed,
        "leased" => JobStatus::Proving,
        "stored" => JobStatus::Stored,
        "dead" => JobStatus::Failed { reason: last_error.clone().unwrap_or_default() },
        other => {
            return Err(Error::QueueRow { block_number, reason: format!("status {other:?}") });
        }
    };
    let state_root: Option<String> = row.get(3);
    Ok(JobRecord {
        block_number,
        block_hash: felt(block_number, "block_hash", &row.get::<_, String>(1))?,
        parent_hash: felt(block_number, "parent_hash", &row.get::<_, String>(2))?,
        status,
        attempts: row.get::<_, i32>(5).max(0) as u32,
        last_error,
        state_root: state_root.map(|root| felt(block_number, "state_root", &root)).transpose()?,
        updated_at_unix_ms: row.get::<_, Option<i64>>(7).unwrap_or(0).max(0) as u64,
    })
}

/// The SQL status of a [`JobStatusKind`] (`None`: no row of the queue is ever in it).
fn sql_status(kind: JobStatusKind) -> Option<&'static str> {
    match kind {
        JobStatusKind::Replayed => Some("queued"),
        JobStatusKind::Proving => Some("leased"),
        JobStatusKind::Stored => Some("stored"),
        JobStatusKind::Failed => Some("dead"),
        JobStatusKind::Pending | JobStatusKind::Proven | JobStatusKind::Divergent => None,
    }
}

fn block(number: u64) -> i64 {
    i64::try_from(number).unwrap_or(i64::MAX)
}

#[async_trait]
impl JobReader for PgJobQueue {
    async fn job(&self, block_number: u64) -> Result<Option<JobRecord>> {
        Ok(self.records("WHERE block_number = $1", &[&block(block_number)]).await?.pop())
    }

    async fn jobs_between(&self, first: u64, last: u64) -> Result<Vec<JobRecord>> {
        if first > last {
            return Ok(Vec::new());
        }
        self.records(
            "WHERE block_number BETWEEN $1 AND $2 ORDER BY block_number",
            &[&block(first), &block(last)],
        )
        .await
    }

    async fn jobs_with_status(&self, kind: JobStatusKind) -> Result<Vec<JobRecord>> {
        let Some(status) = sql_status(kind) else { return Ok(Vec::new()) };
        self.records("WHERE status = $1 ORDER BY block_number", &[&status]).await
    }

    async fn checkpoint(&self) -> Result<Checkpoint> {
        let client = self.client().await?;
        let row = client
            .query_one("SELECT start_block, last_seen_head FROM checkpoint WHERE id = 1", &[])
            .await
            .map_err(pg("read checkpoint"))?;
        let start: Option<i64> = row.get(0);
        let head: Option<i64> = row.get(1);
        let mut stored_through = None;
        if let Some(start) = start {
            // The end of the run of stored blocks that begins at `start`, if `start` is stored.
            let row = client
                .query_one(
                    "SELECT CASE WHEN EXISTS (SELECT 1 FROM jobs WHERE block_number = $1
                                                 AND status = 'stored')
                        THEN (SELECT min(j.block_number) FROM jobs j
                              WHERE j.block_number >= $1 AND j.status = 'stored'
                                AND NOT EXISTS (SELECT 1 FROM jobs k
                                                WHERE k.block_number = j.block_number + 1
                                                  AND k.status = 'stored'))
                        END",
                    &[&start],
                )
                .await
                .map_err(pg("read checkpoint"))?;
            stored_through = row.get::<_, Option<i64>>(0).map(|n| n as u64);
        }
        Ok(Checkpoint {
            start_block: start.map(|n| n as u64),
            stored_through,
            last_seen_head: head.map(|n| n as u64),
        })
    }

    async fn latest_proven(&self) -> Result<Option<JobRecord>> {
        Ok(self
            .records("WHERE status = 'stored' ORDER BY block_number DESC LIMIT 1", &[])
            .await?
            .pop())
    }
}

#[async_trait]
impl JobQueue for PgJobQueue {
    async fn enqueue(&self, job: &NewJob) -> Result<JobRecord> {
        let mut client = self.client().await?;
        let transaction = client.transaction().await.map_err(pg("begin enqueue"))?;
        let number = block(job.block_number);
        let (hash, parent, root) =
            (job.block_hash.to_string(), job.parent_hash.to_string(), job.state_root.to_string());
        let witness = job.witness.object_name();
        let existing = transaction
            .query_opt(
                "SELECT block_hash, status FROM jobs WHERE block_number = $1 FOR UPDATE",
                &[&number],
            )
            .await
            .map_err(pg("enqueue"))?;
        match existing {
            Some(row) if row.get::<_, String>(0) == hash => {}
            Some(row) => {
                let status: String = row.get(1);
                if status != "queued" && status != "dead" {
                    return Err(Error::StaleJob {
                        block_number: job.block_number,
                        indexed: row.get(0),
                        given: hash,
                    });
                }
                transaction
                    .execute(
                        "UPDATE jobs SET block_hash = $2, parent_hash = $3, state_root = $4,
                             witness_key = $5, witness_sha256 = $6, status = 'queued',
                             attempts = 0, not_before = now(), last_error = NULL,
                             updated_at = now()
                         WHERE block_number = $1",
                        &[&number, &hash, &parent, &root, &witness, &job.witness_sha256],
                    )
                    .await
                    .map_err(pg("enqueue"))?;
            }
            None => {
                transaction
                    .execute(
                        "INSERT INTO jobs (block_number, block_hash, parent_hash, state_root,
                                           witness_key, witness_sha256, status)
                         VALUES ($1, $2, $3, $4, $5, $6, 'queued')",
                        &[&number, &hash, &parent, &root, &witness, &job.witness_sha256],
                    )
                    .await
                    .map_err(pg("enqueue"))?;
            }
        }
        transaction
            .execute(
                "UPDATE checkpoint SET start_block = LEAST(coalesce(start_block, $1), $1)
                 WHERE id = 1",
                &[&number],
            )
            .await
            .map_err(pg("enqueue"))?;
        transaction.commit().await.map_err(pg("commit enqueue"))?;
        drop(client);
        self.job(job.block_number)
            .await?
            .ok_or(Error::JobNotFound { block_number: job.block_number })
    }

    async fn set_last_seen_head(&self, head: u64) -> Result<()> {
        let client = self.client().await?;
        client
            .execute(
                "UPDATE checkpoint SET last_seen_head = GREATEST(coalesce(last_seen_head, $1), $1)
                 WHERE id = 1",
                &[&block(head)],
            )
            .await
            .map_err(pg("set last seen head"))?;
        Ok(())
    }

    async fn lease(&self, owner: &str, lease_for: Duration) -> Result<Option<Lease>> {
        self.requeue_expired().await?;
        let client = self.client().await?;
        let token = fastrand::i64(..);
        let row = client
            .query_opt(
                "WITH next AS (
                     SELECT block_number FROM jobs
                     WHERE status = 'queued' AND not_before <= now()
                     ORDER BY block_number LIMIT 1
                     FOR UPDATE SKIP LOCKED)
                 UPDATE jobs j SET status = 'leased', lease_token = $1, lease_owner = $2,
                     leased_at = now(), lease_expires_at = now() + make_interval(secs => $3),
                     attempts = j.attempts + 1, updated_at = now()
                 FROM next WHERE j.block_number = next.block_number
                 RETURNING j.block_number, j.block_hash, j.witness_key, j.witness_sha256,
                           j.attempts",
                &[&token, &owner, &lease_for.as_secs_f64()],
            )
            .await
            .map_err(pg("lease"))?;
        let Some(row) = row else { return Ok(None) };
        let block_number = row.get::<_, i64>(0) as u64;
        let witness_name: String = row.get(2);
        let witness = WitnessKey::from_object_name(&witness_name).ok_or_else(|| {
            Error::QueueRow { block_number, reason: format!("witness key {witness_name:?}") }
        })?;
        Ok(Some(Lease {
            block_number,
            block_hash: felt(block_number, "block_hash", &row.get::<_, String>(1))?,
            witness,
            witness_sha256: row.get(3),
            token,
            attempt: row.get::<_, i32>(4).max(0) as u32,
            owner: owner.to_owned(),
        }))
    }

    async fn heartbeat(&self, lease: &Lease, lease_for: Duration) -> Result<()> {
        let client = self.client().await?;
        let updated = client
            .execute(
                "UPDATE jobs SET lease_expires_at = now() + make_interval(secs => $3),
                     updated_at = now()
                 WHERE block_number = $1 AND lease_token = $2 AND status = 'leased'",
                &[&block(lease.block_number), &lease.token, &lease_for.as_secs_f64()],
            )
            .await
            .map_err(pg("heartbeat"))?;
        lease_held(lease, updated)
    }

    async fn complete(&self, lease: &Lease, proof: &ProofMetadata) -> Result<()> {
        if proof.block_number != lease.block_number || proof.block_hash != lease.block_hash {
            return Err(Error::StaleJob {
                block_number: lease.block_number,
                indexed: lease.block_hash.to_string(),
                given: format!("a proof of block {} {}", proof.block_number, proof.block_hash),
            });
        }
        let key = proof.key()?.object_name();
        let format_version = proof.proof_format_version.map(i32::from);
        let program = proof.os_program_hash.to_string();
        let client = self.client().await?;
        let sql = format!(
            "UPDATE jobs SET status = 'stored', proof_key = $3, proof_format_version = $4,
                 os_program_hash = $5, stored_by = lease_owner, {CLEAR_LEASE}, updated_at = now()
             WHERE block_number = $1 AND lease_token = $2 AND status = 'leased'"
        );
        let updated = client
            .execute(
                &sql,
                &[&block(lease.block_number), &lease.token, &key, &format_version, &program],
            )
            .await
            .map_err(pg("complete"))?;
        lease_held(lease, updated)
    }

    async fn fail(&self, lease: &Lease, reason: &str, retryable: bool) -> Result<FailOutcome> {
        let client = self.client().await?;
        let backoff = self.policy.backoff_after(lease.attempt);
        let max_attempts = i32::try_from(self.policy.max_attempts).unwrap_or(i32::MAX);
        let sql = format!(
            "UPDATE jobs SET
                 status = CASE WHEN $3 AND attempts < $4 THEN 'queued' ELSE 'dead' END,
                 not_before = now() + make_interval(secs => $5), last_error = $6,
                 {CLEAR_LEASE}, updated_at = now()
             WHERE block_number = $1 AND lease_token = $2 AND status = 'leased'
             RETURNING status"
        );
        let row = client
            .query_opt(
                &sql,
                &[
                    &block(lease.block_number),
                    &lease.token,
                    &retryable,
                    &max_attempts,
                    &backoff.as_secs_f64(),
                    &reason,
                ],
            )
            .await
            .map_err(pg("fail"))?;
        match row {
            None => Err(Error::LeaseLost { block_number: lease.block_number, token: lease.token }),
            Some(row) if row.get::<_, String>(0) == "queued" => {
                Ok(FailOutcome::Retrying { after: backoff })
            }
            Some(_) => Ok(FailOutcome::DeadLettered),
        }
    }

    async fn requeue_expired(&self) -> Result<Vec<u64>> {
        let client = self.client().await?;
        let max_attempts = i32::try_from(self.policy.max_attempts).unwrap_or(i32::MAX);
        let sql = format!(
            "UPDATE jobs SET
                 status = CASE WHEN attempts >= $1 THEN 'dead' ELSE 'queued' END,
                 last_error = 'lease of ' || coalesce(lease_owner, '?') || ' expired (attempt '
                              || attempts || ')',
                 {CLEAR_LEASE}, not_before = now(), updated_at = now()
             WHERE status = 'leased' AND lease_expires_at < now()
             RETURNING block_number, lease_owner"
        );
        let rows = client.query(&sql, &[&max_attempts]).await.map_err(pg("requeue expired"))?;
        let blocks: Vec<u64> = rows.iter().map(|row| row.get::<_, i64>(0) as u64).collect();
        if !blocks.is_empty() {
            tracing::warn!(blocks = ?blocks, "leases expired: jobs back in the queue");
        }
        Ok(blocks)
    }

    async fn invalidate_from(&self, from_block: u64) -> Result<Vec<WitnessKey>> {
        let client = self.client().await?;
        let rows = client
            .query(
                "DELETE FROM jobs WHERE block_number >= $1
                 RETURNING block_number, witness_key, status",
                &[&block(from_block)],
            )
            .await
            .map_err(pg("invalidate"))?;
        let mut removed = Vec::with_capacity(rows.len());
        for row in rows {
            let block_number = row.get::<_, i64>(0) as u64;
            let name: String = row.get(1);
            let status: String = row.get(2);
            tracing::warn!(block = block_number, %status, "job removed: a reorg replaced its block");
            let key = WitnessKey::from_object_name(&name).ok_or_else(|| Error::QueueRow {
                block_number,
                reason: format!("witness key {name:?}"),
            })?;
            removed.push(key);
        }
        removed.sort_by_key(WitnessKey::block_number);
        Ok(removed)
    }

    async fn retry_dead(&self, from_block: u64) -> Result<Vec<u64>> {
        let client = self.client().await?;
        let rows = client
            .query(
                "UPDATE jobs SET status = 'queued', attempts = 0, not_before = now(),
                     updated_at = now()
                 WHERE status = 'dead' AND block_number >= $1 RETURNING block_number",
                &[&block(from_block)],
            )
            .await
            .map_err(pg("retry dead"))?;
        Ok(rows.iter().map(|row| row.get::<_, i64>(0) as u64).collect())
    }

    async fn depth(&self) -> Result<QueueDepth> {
        let client = self.client().await?;
        let mut depth = QueueDepth::default();
        let rows = client
            .query("SELECT status, count(*) FROM jobs GROUP BY status", &[])
            .await
            .map_err(pg("queue depth"))?;
        for row in rows {
            let count = row.get::<_, i64>(1).max(0) as u64;
            match row.get::<_, String>(0).as_str() {
                "queued" => depth.queued = count,
                "leased" => depth.leased = count,
                "stored" => depth.stored = count,
                _ => depth.dead = count,
            }
        }
        let oldest: Option<f64> = client
            .query_one(
                "SELECT extract(epoch from now() - min(leased_at))::float8 FROM jobs
                 WHERE status = 'leased'",
                &[],
            )
            .await
            .map_err(pg("queue depth"))?
            .get(0);
        depth.oldest_lease_age = oldest.map(|seconds| Duration::from_secs_f64(seconds.max(0.0)));
        Ok(depth)
    }
}

fn lease_held(lease: &Lease, updated: u64) -> Result<()> {
    if updated == 1 {
        Ok(())
    } else {
        Err(Error::LeaseLost { block_number: lease.block_number, token: lease.token })
    }
}
