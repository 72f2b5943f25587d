//! `JobIndex`: the pipeline's durable per-block job records and checkpoint, in sled 0.34.
//!
//! # Crash safety
//!
//! Every change is one sled transaction over the `jobs` and `checkpoint` trees, so a crash
//! (SIGKILL included) leaves either the old or the new state of *all* records it touches,
//! never a mix: marking a block `Stored` and advancing the checkpoint happen together. Records
//! are JSON, keyed by the big-endian block number so that sled's key order is block order.
//!
//! # Flush semantics
//!
//! sled makes writes durable in the background every 500 ms. On top of that every mutating
//! method here awaits `flush_async` before returning, so **a method that returned `Ok` has its
//! change on disk**: an acknowledged `Stored` or checkpoint never goes backwards after a crash.
//! Blocks take seconds to prove, so one fsync per transition is cheap. Reads never flush.
//!
//! Writers within the process are serialized by a mutex (sled allows one process per database
//! anyway), which keeps "scan, then transact" operations such as `invalidate_from` consistent.

use std::ops::RangeBounds;
use std::path::Path;
use std::sync::{Arc, Mutex};

use serde::{Deserialize, Serialize};
use sled::Transactional;
use sled::transaction::{ConflictableTransactionError, TransactionError, TransactionalTree};

use crate::error::{Error, Result};
use crate::job_status::{JobStatus, JobStatusKind};
use crate::key::Felt32;
use crate::metadata::now_unix_ms;

const JOBS_TREE: &str = "jobs";
const CHECKPOINT_TREE: &str = "checkpoint";
const CHECKPOINT_KEY: &str = "checkpoint";

/// One block's job.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct JobRecord {
    pub block_number: u64,
    /// The hash this record is about: after a reorg a height gets a new hash, and workers
    /// holding the old one are refused ([`Error::StaleJob`]).
    pub block_hash: Felt32,
    pub parent_hash: Felt32,
    #[serde(flatten)]
    pub status: JobStatus,
    /// How many times proving started; lets the pipeline give up on a poison block.
    pub attempts: u32,
    /// The last failure reason, kept after a retry so operators can see the history.
    pub last_error: Option<String>,
    /// State root computed by replay, served before the proof exists.
    pub state_root: Option<Felt32>,
    pub updated_at_unix_ms: u64,
}

/// Pipeline progress summary, updated atomically with the records.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Checkpoint {
    /// Lowest block ever enqueued: where contiguity is counted from.
    pub start_block: Option<u64>,
    /// Highest `n` such that every block from `start_block` to `n` is `Stored`: a restart
    /// never needs to look below it.
    pub stored_through: Option<u64>,
    /// Highest chain head the watcher reported.
    pub last_seen_head: Option<u64>,
}

/// The sled-backed job index. Cloning shares the database.
#[derive(Clone, Debug)]
pub struct JobIndex {
    db: sled::Db,
    jobs: sled::Tree,
    checkpoints: sled::Tree,
    write_lock: Arc<Mutex<()>>,
}

type TxResult<T> = std::result::Result<T, ConflictableTransactionError<Error>>;

impl JobIndex {
    /// Opens (or creates) the database directory at `path`.
    pub fn open(path: impl AsRef<Path>) -> Result<Self> {
        Self::from_config(sled::Config::new().path(path.as_ref()))
    }

    /// A database deleted on drop, for tests.
    pub fn temporary() -> Result<Self> {
        Self::from_config(sled::Config::new().temporary(true))
    }

    fn from_config(config: sled::Config) -> Result<Self> {
        let db = config.open().map_err(|err| Error::sled("open", err))?;
        let jobs = db.open_tree(JOBS_TREE).map_err(|err| Error::sled("open tree", err))?;
        let checkpoints =
            db.open_tree(CHECKPOINT_TREE).map_err(|err| Error::sled("open tree", err))?;
        Ok(JobIndex { db, jobs, checkpoints, write_lock: Arc::new(Mutex::new(())) })
    }

    /// Records block `block_number` as `Pending` if it is new. Idempotent for the same hash.
    /// A different hash is accepted only while the record is `Pending` (e.g. after
    /// [`JobIndex::invalidate_from`]); otherwise [`Error::StaleJob`].
    pub async fn enqueue(
        &self,
        block_number: u64,
        block_hash: Felt32,
        parent_hash: Felt32,
    ) -> Result<JobRecord> {
        let record = self.write("enqueue", |jobs, checkpoints| {
            let fresh = JobRecord {
                block_number,
                block_hash,
                parent_hash,
                status: JobStatus::Pending,
                attempts: 0,
                last_error: None,
                state_root: None,
                updated_at_unix_ms: now_unix_ms(),
            };
            match read_record(jobs, block_number)? {
                Some(existing) if existing.block_hash == block_hash => return Ok(existing),
                Some(existing) if existing.status != JobStatus::Pending => {
                    return abort(Error::StaleJob {
                        block_number,
                        indexed: existing.block_hash.to_string(),
                        given: block_hash.to_string(),
                    });
                }
                _ => {}
            }
            write_record(jobs, &fresh)?;
            let mut checkpoint = read_checkpoint(checkpoints)?;
            if checkpoint.start_block.is_none_or(|start| block_number < start) {
                checkpoint.start_block = Some(block_number);
                checkpoint.stored_through = None;
                write_checkpoint(checkpoints, &checkpoint)?;
            }
            Ok(fresh)
        })?;
        self.flush().await?;
        Ok(record)
    }

    /// Moves the job to `to` following the state machine in [`crate::job_status`].
    pub async fn transition(
        &self,
        block_number: u64,
        block_hash: Felt32,
        to: JobStatus,
    ) -> Result<JobRecord> {
        self.apply_transition(block_number, block_hash, to, None).await
    }

    /// `Pending -> Replayed`, recording the state root that replay computed.
    pub async fn mark_replayed(
        &self,
        block_number: u64,
        block_hash: Felt32,
        state_root: Felt32,
    ) -> Result<JobRecord> {
        self.apply_transition(block_number, block_hash, JobStatus::Replayed, Some(state_root)).await
    }

    async fn apply_transition(
        &self,
        block_number: u64,
        block_hash: Felt32,
        to: JobStatus,
        state_root: Option<Felt32>,
    ) -> Result<JobRecord> {
        let record = self.write("transition", |jobs, checkpoints| {
            let mut record = read_record(jobs, block_number)?
                .ok_or(Error::JobNotFound { block_number })
                .or_else(abort)?;
            if record.block_hash != block_hash {
                return abort(Error::StaleJob {
                    block_number,
                    indexed: record.block_hash.to_string(),
                    given: block_hash.to_string(),
                });
            }
            let (from, to_kind) = (record.status.kind(), to.kind());
            if record.status == to && (state_root.is_none() || state_root == record.state_root) {
                return Ok(record); // repeated step after a crash: nothing to do
            }
            if !from.can_move_to(to_kind) {
                return abort(Error::IllegalTransition { block_number, from, to: to_kind });
            }
            match &to {
                JobStatus::Proving => record.attempts = record.attempts.saturating_add(1),
                JobStatus::Failed { reason } => record.last_error = Some(reason.clone()),
                JobStatus::Replayed => record.state_root = state_root.or(record.state_root),
                _ => {}
            }
            record.status = to.clone();
            record.updated_at_unix_ms = now_unix_ms();
            write_record(jobs, &record)?;
            if to_kind == JobStatusKind::Stored {
                advance_checkpoint(jobs, checkpoints, block_number)?;
            }
            Ok(record)
        })?;
        self.flush().await?;
        Ok(record)
    }

    /// After a restart: every `Proving` or `Proven` job goes back to `Replayed` (its trace and
    /// proof were in memory). Re-proving is deterministic and `ProofStore::put` idempotent, so
    /// a proof that did reach the store before the crash is found again, not duplicated.
    /// Returns the reset block numbers.
    pub async fn reset_in_flight(&self) -> Result<Vec<u64>> {
        let reset = self.write_scanned(
            "reset in flight",
            |record| record.status.kind().is_in_flight(),
            |record| record.status = JobStatus::Replayed,
            |_| Ok(()),
        )?;
        self.flush().await?;
        Ok(reset)
    }

    /// Operator retry: every `Failed` job at or above `from_block` becomes `Pending` again, with
    /// its attempts cleared and its failure reason kept in `last_error`, so the pipeline
    /// replays and proves it anew. `Divergent` jobs have their own call,
    /// [`JobIndex::retry_divergent`]. Returns the block numbers put back.
    pub async fn retry_failed(&self, from_block: u64) -> Result<Vec<u64>> {
        self.requeue("retry failed", from_block, JobStatusKind::Failed).await
    }

    /// Operator retry of disagreements: every `Divergent` job at or above `from_block` becomes
    /// `Pending` again, its evidence kept in `last_error`, so the pipeline fetches the block
    /// afresh (the sequencer may have served the right one since). The caller forgets its
    /// replayed state from the lowest of them. Returns the block numbers put back.
    pub async fn retry_divergent(&self, from_block: u64) -> Result<Vec<u64>> {
        self.requeue("retry divergent", from_block, JobStatusKind::Divergent).await
    }

    /// Every `kind` job at or above `from_block` back to `Pending`, attempts cleared, why it
    /// ended there kept in `last_error`.
    async fn requeue(
        &self,
        operation: &'static str,
        from_block: u64,
        kind: JobStatusKind,
    ) -> Result<Vec<u64>> {
        let retried = self.write_scanned(
            operation,
            |record| record.block_number >= from_block && record.status.kind() == kind,
            |record| {
                match &record.status {
                    JobStatus::Failed { reason } => record.last_error = Some(reason.clone()),
                    JobStatus::Divergent { evidence } => {
                        record.last_error = Some(format!("divergent: {evidence}"));
                    }
                    _ => {}
                }
                record.status = JobStatus::Pending;
                record.attempts = 0;
            },
            |_| Ok(()),
        )?;
        self.flush().await?;
        Ok(retried)
    }

    /// Reorg at `from_block`: every job at or above it becomes `Pending` again (state root,
    /// attempts and error cleared, hash kept until [`JobIndex::enqueue`] brings the new one) and
    /// the checkpoint drops below `from_block`. Returns the invalidated block numbers.
    pub async fn invalidate_from(&self, from_block: u64) -> Result<Vec<u64>> {
        let invalidated = self.write_scanned(
            "invalidate from",
            |record| record.block_number >= from_block,
            |record| {
                record.status = JobStatus::Pending;
                record.state_root = None;
                record.attempts = 0;
                record.last_error = None;
            },
            |checkpoints| {
                let mut checkpoint = read_checkpoint(checkpoints)?;
                if checkpoint.stored_through.is_some_and(|through| through >= from_block) {
                    checkpoint.stored_through = match checkpoint.start_block {
                        Some(start) if from_block > start => Some(from_block - 1),
                        _ => None,
                    };
                    write_checkpoint(checkpoints, &checkpoint)?;
                }
                Ok(())
            },
        )?;
        self.flush().await?;
        Ok(invalidated)
    }

    /// Records the chain head the watcher saw (never moves backwards).
    pub async fn set_last_seen_head(&self, head: u64) -> Result<Checkpoint> {
        let checkpoint = self.write("set last seen head", |_, checkpoints| {
            let mut checkpoint = read_checkpoint(checkpoints)?;
            if checkpoint.last_seen_head.is_none_or(|seen| head > seen) {
                checkpoint.last_seen_head = Some(head);
                write_checkpoint(checkpoints, &checkpoint)?;
            }
            Ok(checkpoint)
        })?;
        self.flush().await?;
        Ok(checkpoint)
    }

    /// The record for `block_number`.
    pub fn get(&self, block_number: u64) -> Result<Option<JobRecord>> {
        let bytes =
            self.jobs.get(block_number.to_be_bytes()).map_err(|err| Error::sled("get", err))?;
        bytes.map(|bytes| decode_record(block_number, &bytes)).transpose()
    }

    /// Records with block numbers in `range`, ascending (an empty or inverted range is empty).
    pub fn list(&self, range: impl RangeBounds<u64>) -> Result<Vec<JobRecord>> {
        use std::ops::Bound;
        let first = match range.start_bound() {
            Bound::Included(&n) => Some(n),
            Bound::Excluded(&n) => n.checked_add(1),
            Bound::Unbounded => Some(0),
        };
        let last = match range.end_bound() {
            Bound::Included(&n) => Some(n),
            Bound::Excluded(&n) => n.checked_sub(1),
            Bound::Unbounded => Some(u64::MAX),
        };
        let (Some(first), Some(last)) = (first, last) else { return Ok(Vec::new()) };
        if first > last {
            return Ok(Vec::new()); // sled panics on inverted ranges
        }
        self.jobs
            .range(first.to_be_bytes()..=last.to_be_bytes())
            .map(|entry| decode_entry(entry, "list"))
            .collect()
    }

    /// Records whose status is `kind`, ascending (a full scan: the index is small and this is
    /// for restarts and operators, not the hot path).
    pub fn by_status(&self, kind: JobStatusKind) -> Result<Vec<JobRecord>> {
        let mut matching = Vec::new();
        for entry in self.jobs.iter() {
            let record = decode_entry(entry, "scan")?;
            if record.status.kind() == kind {
                matching.push(record);
            }
        }
        Ok(matching)
    }

    /// The highest block whose proof is in the store (`Stored`), if any.
    pub fn latest_proven(&self) -> Result<Option<JobRecord>> {
        for entry in self.jobs.iter().rev() {
            let record = decode_entry(entry, "scan")?;
            if record.status == JobStatus::Stored {
                return Ok(Some(record));
            }
        }
        Ok(None)
    }

    /// The current checkpoint.
    pub fn checkpoint(&self) -> Result<Checkpoint> {
        let bytes = self
            .checkpoints
            .get(CHECKPOINT_KEY)
            .map_err(|err| Error::sled("get checkpoint", err))?;
        match bytes {
            None => Ok(Checkpoint::default()),
            Some(bytes) => serde_json::from_slice(&bytes)
                .map_err(|source| Error::JobRecordDecode { record: CHECKPOINT_KEY.into(), source }),
        }
    }

    /// Waits until everything written so far is on disk.
    pub async fn flush(&self) -> Result<()> {
        self.db.flush_async().await.map_err(|err| Error::sled("flush", err))?;
        Ok(())
    }

    /// Runs `body` as one transaction over both trees, serialized with other writers.
    fn write<T>(
        &self,
        operation: &'static str,
        body: impl Fn(&TransactionalTree, &TransactionalTree) -> TxResult<T>,
    ) -> Result<T> {
        let _guard = self.write_lock.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        (&self.jobs, &self.checkpoints)
            .transaction(|(jobs, checkpoints)| body(jobs, checkpoints))
            .map_err(|err| match err {
                TransactionError::Abort(err) => err,
                TransactionError::Storage(err) => Error::sled(operation, err),
            })
    }

    /// Selects records with `select`, then in one transaction rewrites each with `update` and
    /// runs `after` on the checkpoint tree. Holding the writer lock across both makes the scan
    /// current.
    fn write_scanned(
        &self,
        operation: &'static str,
        select: impl Fn(&JobRecord) -> bool,
        update: impl Fn(&mut JobRecord),
        after: impl Fn(&TransactionalTree) -> TxResult<()>,
    ) -> Result<Vec<u64>> {
        let _guard = self.write_lock.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let mut selected = Vec::new();
        for entry in self.jobs.iter() {
            let record = decode_entry(entry, operation)?;
            if select(&record) {
                selected.push(record);
            }
        }
        let now = now_unix_ms();
        (&self.jobs, &self.checkpoints)
            .transaction(|(jobs, checkpoints)| {
                for record in &selected {
                    let mut record = record.clone();
                    update(&mut record);
                    record.updated_at_unix_ms = now;
                    write_record(jobs, &record)?;
                }
                after(checkpoints)
            })
            .map_err(|err| match err {
                TransactionError::Abort(err) => err,
                TransactionError::Storage(err) => Error::sled(operation, err),
            })?;
        Ok(selected.iter().map(|record| record.block_number).collect())
    }
}

/// Block `stored` just became `Stored`: if it extends the contiguous run, extend the run as far
/// as already-stored successors allow.
fn advance_checkpoint(
    jobs: &TransactionalTree,
    checkpoints: &TransactionalTree,
    stored: u64,
) -> TxResult<()> {
    let mut checkpoint = read_checkpoint(checkpoints)?;
    let next_needed = match (checkpoint.stored_through, checkpoint.start_block) {
        (Some(through), _) => through.saturating_add(1),
        (None, Some(start)) => start,
        (None, None) => stored,
    };
    if stored != next_needed {
        return Ok(());
    }
    let mut through = stored;
    while let Some(next) = read_record(jobs, through.saturating_add(1))? {
        if next.status != JobStatus::Stored || through == u64::MAX {
            break;
        }
        through += 1;
    }
    checkpoint.stored_through = Some(through);
    write_checkpoint(checkpoints, &checkpoint)
}

fn abort<T>(err: Error) -> TxResult<T> {
    Err(ConflictableTransactionError::Abort(err))
}

fn read_record(jobs: &TransactionalTree, block_number: u64) -> TxResult<Option<JobRecord>> {
    match jobs.get(block_number.to_be_bytes())? {
        None => Ok(None),
        Some(bytes) => decode_record(block_number, &bytes).map(Some).or_else(abort),
    }
}

fn write_record(jobs: &TransactionalTree, record: &JobRecord) -> TxResult<()> {
    let bytes = serde_json::to_vec(record)
        .map_err(|source| Error::JobRecordDecode {
            record: record.block_number.to_string(),
            source,
        })
        .or_else(abort)?;
    jobs.insert(&record.block_number.to_be_bytes()[..], bytes)?;
    Ok(())
}

fn read_checkpoint(checkpoints: &TransactionalTree) -> TxResult<Checkpoint> {
    match checkpoints.get(CHECKPOINT_KEY)? {
        None => Ok(Checkpoint::default()),
        Some(bytes) => serde_json::from_slice(&bytes)
            .map_err(|source| Error::JobRecordDecode { record: CHECKPOINT_KEY.into(), source })
            .or_else(abort),
    }
}

fn write_checkpoint(checkpoints: &TransactionalTree, checkpoint: &Checkpoint) -> TxResult<()> {
    let bytes = serde_json::to_vec(checkpoint)
        .map_err(|source| Error::JobRecordDecode { record: CHECKPOINT_KEY.into(), source })
        .or_else(abort)?;
    checkpoints.insert(CHECKPOINT_KEY, bytes)?;
    Ok(())
}

fn decode_record(block_number: u64, bytes: &[u8]) -> Result<JobRecord> {
    serde_json::from_slice(bytes)
        .map_err(|source| Error::JobRecordDecode { record: block_number.to_string(), source })
}

fn decode_entry(
    entry: sled::Result<(sled::IVec, sled::IVec)>,
    operation: &'static str,
) -> Result<JobRecord> {
    let (key, value) = entry.map_err(|err| Error::sled(operation, err))?;
    let block_number =
        <[u8; 8]>::try_from(key.as_ref()).map(u64::from_be_bytes).unwrap_or_default();
    decode_record(block_number, &value)
}
