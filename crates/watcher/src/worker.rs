//! [`ProofWorker`]: a stateless worker of a prover cluster. It leases a job from the queue,
//! reads the block's witness from the object store, runs the OS and proves on rayon's pool,
//! verifies, stores the proof and acknowledges; it needs neither the sequencer nor the state.
//!
//! ```text
//! lease ─► read witness (sha256 checked) ─► OS run + prove + verify (rayon) ─► put proof ─► complete
//!   │            heartbeat every `heartbeat_interval` while the job is held          │
//!   └──────────── failure: `fail` (backoff, or dead letter for a permanent one) ◄───┘
//! ```
//!
//! Exactly one stored proof per block: the proof write is create-if-absent and content-checked
//! (`ProofStore::put`; a second worker's identical proof is `AlreadyStored`), and the queue
//! refuses an acknowledgement whose lease is gone (`Error::LeaseLost`): a worker that lost its
//! lease (it stalled past the expiry, another worker took the block) drops the job. A worker
//! killed mid-proof leaves a lease that expires; the block goes back to the queue. Once the
//! acknowledgement is in, the worker deletes the block's witness (retention).

use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::sync::Arc;
use std::time::{Duration, Instant};

use os::BlockWitness;
use proof_store::{
    JobQueue, Lease, ProofKey, ProofStore, ProvingReport, RetryPolicy, WitnessStore,
};
use service_common::{Metrics, Stage, VerifyPolicy};
use tokio::sync::watch;
use tracing::{error, info, warn};

use crate::OsProver;
use crate::error::WatcherError;
use crate::prove_task::{felt32, proof_metadata, sleep_or_stop};
use crate::prover::{BlockProver, ProveError, ProvenBlock};
use crate::verify::{VerifiedProof, verify_witness_proof};

/// The worker's operations in [`service_common::Health`].
const QUEUE: &str = "job queue";
const OBJECTS: &str = "object store";

/// Settings of a worker.
#[derive(Clone, Debug)]
pub struct WorkerConfig {
    /// This worker's name in leases and logs (pod name, host name).
    pub id: String,
    /// How long a lease lasts without a heartbeat: how soon a killed worker's block goes
    /// back to the queue.
    pub lease_duration: Duration,
    /// Time between heartbeats (well under `lease_duration`).
    pub heartbeat_interval: Duration,
    /// Wait between polls of an empty queue.
    pub poll_interval: Duration,
    /// Backoff on database and object-store faults.
    pub backoff: RetryPolicy,
    /// What a new proof must satisfy before it is stored.
    pub policy: VerifyPolicy,
    /// Stop after this many blocks (benchmarks, tests); `None`: run until shutdown.
    pub max_blocks: Option<u64>,
}

impl WorkerConfig {
    /// Defaults: 60 s leases, a heartbeat every 10 s, a poll every second.
    pub fn new(id: impl Into<String>, policy: VerifyPolicy) -> Self {
        WorkerConfig {
            id: id.into(),
            lease_duration: Duration::from_secs(60),
            heartbeat_interval: Duration::from_secs(10),
            poll_interval: Duration::from_secs(1),
            backoff: RetryPolicy {
                max_attempts: None,
                initial_delay: Duration::from_millis(200),
                max_delay: Duration::from_secs(10),
            },
            policy,
            max_blocks: None,
        }
    }
}

/// A stateless proving worker. Build with [`ProofWorker::new`], run with [`ProofWorker::run`].
#[derive(Debug)]
pub struct ProofWorker {
    config: WorkerConfig,
    queue: Arc<dyn JobQueue>,
    witnesses: Arc<dyn WitnessStore>,
    store: Arc<dyn ProofStore>,
    prover: Arc<OsProver>,
    metrics: Metrics,
}

/// How one job ended, for the loop's bookkeeping.
enum Outcome {
    Stored,
    Failed,
    LeaseLost,
    Stopping,
}

impl ProofWorker {
    pub fn new(
        config: WorkerConfig,
        queue: Arc<dyn JobQueue>,
        witnesses: Arc<dyn WitnessStore>,
        store: Arc<dyn ProofStore>,
        prover: Arc<OsProver>,
        metrics: Metrics,
    ) -> Self {
        ProofWorker { config, queue, witnesses, store, prover, metrics }
    }

    /// Leases and proves jobs until `shutdown` completes (the job in hand is finished first;
    /// a second signal is the caller's to handle) or `max_blocks` are done. Database and
    /// object-store faults are retried with backoff, never fatal.
    pub async fn run(self, shutdown: impl Future<Output = ()>) -> Result<(), WatcherError> {
        let (stop, stopping) = watch::channel(false);
        let inner = self.run_until_stopped(stopping);
        tokio::pin!(inner);
        tokio::select! {
            result = &mut inner => return result,
            () = shutdown => {
                info!(worker = %self.config.id, "shutdown requested: finishing the job in hand");
                let _ = stop.send(true);
            }
        }
        inner.await
    }

    async fn run_until_stopped(&self, stopping: watch::Receiver<bool>) -> Result<(), WatcherError> {
        info!(
            worker = %self.config.id,
            proofs = %self.store.location(),
            witnesses = %self.witnesses.witness_location(),
            prover = %self.prover.version(),
            lease = ?self.config.lease_duration,
            "worker started"
        );
        let mut failures = 0u32;
        let mut done = 0u64;
        while !*stopping.borrow() {
            if self.config.max_blocks.is_some_and(|max| done >= max) {
                info!(worker = %self.config.id, blocks = done, "block limit reached");
                break;
            }
            let lease = match self.queue.lease(&self.config.id, self.config.lease_duration).await {
                Ok(lease) => {
                    failures = 0;
                    self.metrics.health().recovered(QUEUE);
                    lease
                }
                Err(error) => {
                    failures += 1;
                    self.metrics.failure(Stage::Store);
                    self.metrics.health().failing(QUEUE, Stage::Store, &error);
                    let delay = self.config.backoff.delay_after(failures);
                    warn!(%error, ?delay, "cannot lease a job; backing off");
                    if sleep_or_stop(&stopping, delay).await {
                        break;
                    }
                    continue;
                }
            };
            let Some(lease) = lease else {
                if sleep_or_stop(&stopping, self.config.poll_interval).await {
                    break;
                }
                continue;
            };
            info!(
                worker = %self.config.id,
                block = lease.block_number,
                attempt = lease.attempt,
                "leased"
            );
            match self.work_on(&lease, &stopping).await {
                Outcome::Stored | Outcome::Failed | Outcome::LeaseLost => done += 1,
                Outcome::Stopping => break,
            }
        }
        info!(worker = %self.config.id, blocks = done, "worker stopped");
        Ok(())
    }

    /// One leased job, with heartbeats while it is held.
    async fn work_on(&self, lease: &Lease, stopping: &watch::Receiver<bool>) -> Outcome {
        let (lost_sender, lost) = watch::channel(false);
        let heartbeat = tokio::spawn(heartbeat(
            self.queue.clone(),
            lease.clone(),
            self.config.lease_duration,
            self.config.heartbeat_interval,
            lost_sender,
        ));
        let outcome = self.prove_and_store(lease, stopping, &lost).await;
        heartbeat.abort();
        outcome
    }

    async fn prove_and_store(
        &self,
        lease: &Lease,
        stopping: &watch::Receiver<bool>,
        lost: &watch::Receiver<bool>,
    ) -> Outcome {
        let number = lease.block_number;
        let witness = match self.read_witness(lease, stopping).await {
            Ok(Some(witness)) => witness,
            Ok(None) => return Outcome::Stopping,
            Err(failure) => return self.fail(lease, &failure, stopping).await,
        };
        if witness.block_number != number || felt32(witness.block_hash) != lease.block_hash {
            let failure = ProveError::Unsupported(format!(
                "the witness is for block {} ({:#x}), the job for {number} ({})",
                witness.block_number, witness.block_hash, lease.block_hash
            ));
            return self.fail(lease, &failure, stopping).await;
        }
        let started = Instant::now();
        let (proven, verified) = match self.prove_on_pool(witness).await {
            Ok(result) => result,
            Err(failure) => {
                self.metrics.failure(Stage::Prove);
                return self.fail(lease, &failure, stopping).await;
            }
        };
        let proving_time = started.elapsed();
        if *lost.borrow() {
            // Another worker holds the block now; its proof is the same bytes.
            warn!(block = number, "lease lost while proving; dropping the job");
            return Outcome::LeaseLost;
        }
        let key = match ProofKey::new(number, lease.block_hash) {
            Ok(key) => key,
            Err(error) => {
                let failure = ProveError::Unsupported(format!("proof key: {error}"));
                return self.fail(lease, &failure, stopping).await;
            }
        };
        let report = ProvingReport {
            security_bits: verified.security_bits,
            os_program_hash: felt32(verified.program_hash),
            prover_version: self.prover.version(),
            proving_time,
            trace_steps: proven.steps,
        };
        let metadata = proof_metadata(&key, &proven.proof, report);
        let mut attempt = 0u32;
        loop {
            match self.store.put(&key, &proven.proof, &metadata).await {
                Ok(outcome) => {
                    self.metrics.health().recovered(OBJECTS);
                    info!(block = number, ?outcome, "proof stored");
                    break;
                }
                Err(error) if error.is_transient() => {
                    attempt += 1;
                    self.metrics.failure(Stage::Store);
                    self.metrics.health().failing(OBJECTS, Stage::Store, &error);
                    let delay = self.config.backoff.delay_after(attempt);
                    warn!(block = number, %error, ?delay, "proof store unavailable; retrying");
                    if *lost.borrow() {
                        return Outcome::LeaseLost;
                    }
                    if sleep_or_stop(stopping, delay).await {
                        // The lease expires and another worker proves the block.
                        return Outcome::Stopping;
                    }
                }
                Err(error) => {
                    self.metrics.failure(Stage::Store);
                    error!(block = number, %error, "proof store refused the proof");
                    let failure = ProveError::Unsupported(format!("store: {error}"));
                    return self.fail(lease, &failure, stopping).await;
                }
            }
        }
        let mut attempt = 0u32;
        loop {
            match self.queue.complete(lease, &metadata).await {
                Ok(()) => break,
                Err(proof_store::Error::LeaseLost { .. }) => {
                    warn!(block = number, "lease lost before the acknowledgement; proof kept");
                    return Outcome::LeaseLost;
                }
                Err(error) => {
                    attempt += 1;
                    self.metrics.health().failing(QUEUE, Stage::Store, &error);
                    let delay = self.config.backoff.delay_after(attempt);
                    warn!(block = number, %error, ?delay, "cannot acknowledge; retrying");
                    if sleep_or_stop(stopping, delay).await {
                        return Outcome::Stopping;
                    }
                }
            }
        }
        self.metrics.health().recovered(QUEUE);
        // Retention: the witness is disposable once the proof is stored and acknowledged.
        if let Err(error) = self.witnesses.delete_witness(&lease.witness).await {
            warn!(block = number, %error, "cannot delete the witness (left for a sweep)");
        }
        self.metrics.block_proven(proven.steps, proving_time);
        info!(
            worker = %self.config.id,
            block = number,
            steps = proven.steps,
            seconds = proving_time.as_secs_f64(),
            bytes = proven.proof.len(),
            "block proven, verified, stored and acknowledged"
        );
        Outcome::Stored
    }

    /// The job's witness, read (transient faults retried) and decoded; `Ok(None)` if the
    /// worker stops first.
    async fn read_witness(
        &self,
        lease: &Lease,
        stopping: &watch::Receiver<bool>,
    ) -> Result<Option<BlockWitness>, ProveError> {
        let mut attempt = 0u32;
        let bytes = loop {
            match self.witnesses.get_witness(&lease.witness, &lease.witness_sha256).await {
                Ok(Some(bytes)) => {
                    self.metrics.health().recovered(OBJECTS);
                    break bytes;
                }
                Ok(None) => {
                    return Err(ProveError::Failed(format!(
                        "witness {} is missing from the object store",
                        lease.witness
                    )));
                }
                Err(error) if error.is_transient() => {
                    attempt += 1;
                    self.metrics.health().failing(OBJECTS, Stage::Store, &error);
                    let delay = self.config.backoff.delay_after(attempt);
                    warn!(block = lease.block_number, %error, ?delay, "cannot read the witness");
                    if sleep_or_stop(stopping, delay).await {
                        return Ok(None);
                    }
                }
                Err(error) => return Err(ProveError::Failed(format!("witness: {error}"))),
            }
        };
        tokio::task::spawn_blocking(move || BlockWitness::from_bytes(&bytes))
            .await
            .map_err(|error| ProveError::Failed(format!("witness decode task: {error}")))?
            .map(Some)
            .map_err(|error| match error {
                os::OsError::WitnessVersion { .. } => ProveError::Unsupported(error.to_string()),
                other => ProveError::Failed(other.to_string()),
            })
    }

    /// OS run, proof and verification on rayon's pool (never on a tokio worker).
    async fn prove_on_pool(
        &self,
        witness: BlockWitness,
    ) -> Result<(ProvenBlock, VerifiedProof), ProveError> {
        let (sender, receiver) = tokio::sync::oneshot::channel();
        let prover = self.prover.clone();
        let policy = self.config.policy;
        rayon::spawn(move || {
            let proven =
                std::panic::catch_unwind(AssertUnwindSafe(|| prover.prove_witness(&witness)))
                    .unwrap_or_else(|_| Err(ProveError::Failed("the prover panicked".into())));
            let result = proven.and_then(|proven| {
                let verified = verify_witness_proof(&proven, &witness, &policy)?;
                Ok((proven, verified))
            });
            let _ = sender.send(result);
        });
        receiver
            .await
            .unwrap_or_else(|_| Err(ProveError::Failed("the prover thread went away".into())))
    }

    /// Reports a failed attempt (retried until the queue answers or the worker stops).
    async fn fail(
        &self,
        lease: &Lease,
        failure: &ProveError,
        stopping: &watch::Receiver<bool>,
    ) -> Outcome {
        let reason = failure.to_string();
        let mut attempt = 0u32;
        loop {
            match self.queue.fail(lease, &reason, failure.is_retryable()).await {
                Ok(outcome) => {
                    warn!(block = lease.block_number, %reason, ?outcome, "attempt failed");
                    return Outcome::Failed;
                }
                Err(proof_store::Error::LeaseLost { .. }) => return Outcome::LeaseLost,
                Err(error) => {
                    attempt += 1;
                    let delay = self.config.backoff.delay_after(attempt);
                    warn!(block = lease.block_number, %error, ?delay, "cannot report a failure");
                    if sleep_or_stop(stopping, delay).await {
                        return Outcome::Stopping;
                    }
                }
            }
        }
    }
}

/// Extends `lease` every `interval`; sets `lost` once the queue says it is gone. Transient
/// faults are only logged: the next beat may get through before the lease expires.
async fn heartbeat(
    queue: Arc<dyn JobQueue>,
    lease: Lease,
    duration: Duration,
    interval: Duration,
    lost: watch::Sender<bool>,
) {
    loop {
        tokio::time::sleep(interval).await;
        match queue.heartbeat(&lease, duration).await {
            Ok(()) => {}
            Err(proof_store::Error::LeaseLost { .. }) => {
                warn!(block = lease.block_number, "lease lost (expired and taken over)");
                let _ = lost.send(true);
                return;
            }
            Err(error) => warn!(block = lease.block_number, %error, "heartbeat failed"),
        }
    }
}
