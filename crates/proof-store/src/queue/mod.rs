//! The job queue of a prover cluster: a coordinator enqueues replayed blocks whose witness is
//! stored; stateless workers lease them, prove, store the proof and acknowledge.
//!
//! # Semantics (what every implementation guarantees)
//!
//! * **Leases.** [`JobQueue::lease`] hands a ready job (lowest block first) to one worker with
//!   a fresh random token and an expiry; no two live leases of one job ever exist. The worker
//!   extends it with [`JobQueue::heartbeat`] while it proves.
//! * **Expiry.** A lease not extended in time (the worker died, or lost the database) goes
//!   back to the queue on the next [`JobQueue::lease`] or [`JobQueue::requeue_expired`], as
//!   one failed attempt.
//! * **Acknowledgement checks the lease.** [`JobQueue::complete`], [`JobQueue::fail`] and
//!   [`JobQueue::heartbeat`] name the lease token; a worker whose lease expired and was given
//!   to another gets [`Error::LeaseLost`] and must drop the job. With the idempotent,
//!   content-checked proof write ([`crate::ProofStore::put`]) this gives exactly one stored
//!   proof per block: the late worker's identical proof meets `AlreadyStored`.
//! * **Reorgs.** [`JobQueue::enqueue`] replaces a queued or dead job of another hash; jobs
//!   already leased or stored are first removed by [`JobQueue::invalidate_from`] (the
//!   coordinator's reorg), which makes their holders' acknowledgements fail.
//! * **Attempts, backoff, dead letters.** A failed attempt goes back to the queue after a
//!   capped exponential backoff ([`QueuePolicy`]); after `max_attempts`, or at once for a
//!   permanent failure, the job is dead-lettered (`failed` with the reason). One dead job
//!   never blocks the others.
//!
//! Job statuses are read as the pipeline's [`JobStatus`](crate::JobStatus): queued is
//! `replayed` (replayed, waiting for a prover), leased is `proving`, stored is `stored`,
//! dead is `failed { reason }`. [`JobReader`] is what the query API needs, implemented by the
//! sled [`JobIndex`](crate::JobIndex) of the embedded service too.
//!
//! Implementations: [`PgJobQueue`] (PostgreSQL: `FOR UPDATE SKIP LOCKED`, database time,
//! migrations in `crates/proof-store/migrations/`).

mod migrations;
mod postgres;
mod reader;

use std::time::Duration;

use async_trait::async_trait;

use crate::error::Result;
use crate::job_status::JobStatusKind;
use crate::jobs::{Checkpoint, JobRecord};
use crate::key::Felt32;
use crate::metadata::ProofMetadata;
use crate::witness::WitnessKey;

pub use migrations::{MIGRATIONS, SCHEMA_VERSION};
pub use postgres::{LeaderGuard, PgJobQueue};

/// A block ready to be proven: its witness is in the object store.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewJob {
    pub block_number: u64,
    pub block_hash: Felt32,
    pub parent_hash: Felt32,
    /// The root replay computed (served before the proof exists).
    pub state_root: Felt32,
    pub witness: WitnessKey,
    /// SHA-256 (hex) of the witness bytes; the worker checks what it reads against it.
    pub witness_sha256: String,
}

/// A worker's hold on one job.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Lease {
    pub block_number: u64,
    pub block_hash: Felt32,
    pub witness: WitnessKey,
    pub witness_sha256: String,
    /// Proves that this worker holds the job now; every later call names it.
    pub token: i64,
    /// This attempt's number (1 for the first).
    pub attempt: u32,
    /// The worker that holds it (for logs and operators).
    pub owner: String,
}

/// What [`JobQueue::fail`] did with the job.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FailOutcome {
    /// Back in the queue, ready again after `after`.
    Retrying { after: Duration },
    /// Given up: `failed` with the reason, until an operator requeues it.
    DeadLettered,
}

/// Retry rules of a queue.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct QueuePolicy {
    /// Attempts (leases) of one job before it is dead-lettered.
    pub max_attempts: u32,
    /// Delay after the first failed attempt; doubled after each further one.
    pub initial_backoff: Duration,
    pub max_backoff: Duration,
}

impl Default for QueuePolicy {
    fn default() -> Self {
        QueuePolicy {
            max_attempts: 5,
            initial_backoff: Duration::from_secs(2),
            max_backoff: Duration::from_secs(300),
        }
    }
}

impl QueuePolicy {
    /// The wait before the job is ready again after failed attempt number `attempt` (1-based).
    pub fn backoff_after(&self, attempt: u32) -> Duration {
        let doublings = attempt.saturating_sub(1).min(30);
        self.initial_backoff.saturating_mul(1u32 << doublings).min(self.max_backoff)
    }
}

/// Jobs by state, for metrics and autoscaling (queue depth).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct QueueDepth {
    /// Waiting for a worker (ready now or after a backoff).
    pub queued: u64,
    pub leased: u64,
    pub stored: u64,
    pub dead: u64,
    /// Age of the oldest live lease (a stuck worker shows here before its lease expires).
    pub oldest_lease_age: Option<Duration>,
}

/// The reads the query API and the status page need.
#[async_trait]
pub trait JobReader: Send + Sync + std::fmt::Debug {
    /// The record of `block_number`.
    async fn job(&self, block_number: u64) -> Result<Option<JobRecord>>;
    /// Records with block numbers in `first..=last`, ascending.
    async fn jobs_between(&self, first: u64, last: u64) -> Result<Vec<JobRecord>>;
    /// Records whose status is `kind`, ascending.
    async fn jobs_with_status(&self, kind: JobStatusKind) -> Result<Vec<JobRecord>>;
    /// Progress: start, contiguous stored height, last head seen.
    async fn checkpoint(&self) -> Result<Checkpoint>;
    /// The highest block whose proof is stored.
    async fn latest_proven(&self) -> Result<Option<JobRecord>>;
}

/// The cluster's work queue (see the module docs for the guarantees).
#[async_trait]
pub trait JobQueue: JobReader {
    /// Adds a job, `queued`. Idempotent for the same block and hash (whatever its status);
    /// a different hash for a stored or leased block is [`Error::StaleJob`](crate::Error),
    /// for a queued or dead one it replaces the job (a reorg before proving).
    async fn enqueue(&self, job: &NewJob) -> Result<JobRecord>;
    /// Records the chain head the coordinator saw (never moves backwards).
    async fn set_last_seen_head(&self, head: u64) -> Result<()>;
    /// Leases the lowest ready job to `owner` for `lease_for`, after requeuing expired leases;
    /// `None` if nothing is ready.
    async fn lease(&self, owner: &str, lease_for: Duration) -> Result<Option<Lease>>;
    /// Extends `lease` to `lease_for` from now; [`Error::LeaseLost`](crate::Error) if it is
    /// no longer held.
    async fn heartbeat(&self, lease: &Lease, lease_for: Duration) -> Result<()>;
    /// The proof described by `proof` is stored: the job is done (its key, format version and
    /// OS program hash are recorded). Checks the lease, and that `proof` is about the leased
    /// block.
    async fn complete(&self, lease: &Lease, proof: &ProofMetadata) -> Result<()>;
    /// This attempt failed; `retryable: false` dead-letters at once. Checks the lease.
    async fn fail(&self, lease: &Lease, reason: &str, retryable: bool) -> Result<FailOutcome>;
    /// Expired leases back to the queue (or dead-lettered if out of attempts); returns their
    /// block numbers.
    async fn requeue_expired(&self) -> Result<Vec<u64>>;
    /// A reorg replaced the blocks from `from_block` on: their jobs are removed whatever their
    /// status (a worker holding one gets [`Error::LeaseLost`](crate::Error) at its next
    /// heartbeat or acknowledgement; a proof already stored stays in the store under its own
    /// block hash), so that the replacing blocks can be enqueued. Returns the removed jobs'
    /// witness keys (the coordinator deletes those witnesses), in block order.
    async fn invalidate_from(&self, from_block: u64) -> Result<Vec<WitnessKey>>;
    /// Operator retry: dead jobs at or above `from_block` back to the queue, attempts cleared.
    async fn retry_dead(&self, from_block: u64) -> Result<Vec<u64>>;
    /// Counts by state.
    async fn depth(&self) -> Result<QueueDepth>;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_and_caps() {
        let policy = QueuePolicy {
            max_attempts: 5,
            initial_backoff: Duration::from_millis(100),
            max_backoff: Duration::from_millis(350),
        };
        assert_eq!(policy.backoff_after(1), Duration::from_millis(100));
        assert_eq!(policy.backoff_after(2), Duration::from_millis(200));
        assert_eq!(policy.backoff_after(3), Duration::from_millis(350));
        assert_eq!(policy.backoff_after(u32::MAX), Duration::from_millis(350));
    }
}
