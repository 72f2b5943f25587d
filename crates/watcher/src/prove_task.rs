//! One block's way from `replayed` to `stored`: prove on rayon's pool, verify, store with
//! retries, each step checkpointed in the job index.
//!
//! ```text
//! Replayed ─► Proving ─► (prove + verify on rayon) ─► Proven ─► put (retried) ─► Stored
//!                 └─ error ─► Failed ─(retryable, attempts left)─► Pending ─► Replayed ─► …
//! ```
//!
//! A crash anywhere leaves `Proving` or `Proven`, which a restart turns back into `Replayed`
//! (`JobIndex::reset_in_flight`): the block is re-replayed and re-proven, and the deterministic
//! proof meets its earlier copy in the store as `AlreadyStored`, never as a duplicate.

use std::panic::AssertUnwindSafe;
use std::sync::Arc;
use std::time::{Duration, Instant};

use proof_store::{
    Felt32, JobIndex, JobStatus, ProofKey, ProofMetadata, ProofStore, ProvingReport, RetryPolicy,
};
use service_common::{Metrics, Stage};
use tokio::sync::{OwnedSemaphorePermit, Semaphore, watch};
use tracing::{error, info, warn};

use crate::progress::Progress;
use crate::prover::{BlockProver, ProveError, ProvenBlock};
use crate::replay::{ReplayedBlock, Replayer};
use crate::verify::{VerifiedProof, verify_block_proof};

/// What every prove task shares.
#[derive(Debug)]
pub(crate) struct ProveContext {
    pub jobs: JobIndex,
    pub store: Arc<dyn ProofStore>,
    pub prover: Arc<dyn BlockProver>,
    pub replayer: Arc<Replayer>,
    pub metrics: Metrics,
    pub policy: service_common::VerifyPolicy,
    pub progress: watch::Sender<Progress>,
    pub stopping: watch::Receiver<bool>,
    /// Blocks proven at once (`--workers`).
    pub workers: Arc<Semaphore>,
    pub max_attempts: u32,
    pub backoff: RetryPolicy,
    /// Set on a coordinator: blocks go to the cluster's queue instead of this process's
    /// prover ([`crate::publish`]).
    pub publisher: Option<Arc<crate::publish::Publisher>>,
}

pub(crate) fn felt32(felt: chain::Felt) -> Felt32 {
    Felt32(felt.to_bytes_be())
}

/// The prove tasks' operations in [`service_common::Health`].
const JOB_INDEX: &str = "job index";
const PROOF_STORE: &str = "proof store";

/// Moves block `number`'s job to `status`, retrying transient storage faults (a full or
/// read-only disk under the job index) with backoff until they clear, reported as a stall.
/// `Err` for a permanent refusal (the job changed under us: a reorg); `Ok(false)` if the
/// service stops first (the restart resumes the job from its last recorded status).
pub(crate) async fn transition(
    context: &ProveContext,
    number: u64,
    hash: Felt32,
    status: JobStatus,
) -> Result<bool, proof_store::Error> {
    let mut attempt = 0u32;
    loop {
        match context.jobs.transition(number, hash, status.clone()).await {
            Ok(_) => {
                context.metrics.health().recovered(JOB_INDEX);
                return Ok(true);
            }
            Err(error) if error.is_transient() => {
                attempt += 1;
                context.metrics.failure(Stage::Store);
                context.metrics.health().failing(JOB_INDEX, Stage::Store, &error);
                let delay = context.backoff.delay_after(attempt);
                warn!(block = number, %error, attempt, ?delay, "job index unwritable; retrying");
                if sleep_or_stop(&context.stopping, delay).await {
                    return Ok(false);
                }
            }
            Err(error) => return Err(error),
        }
    }
}

/// Proves, verifies and stores `block`; `queued` is released when the block is done with.
pub(crate) async fn prove_block(
    context: Arc<ProveContext>,
    block: ReplayedBlock,
    queued: OwnedSemaphorePermit,
) {
    let _queued = queued;
    let number = block.block_number();
    let hash = felt32(block.block_hash);
    let root = felt32(block.new_state_root);
    let block = Arc::new(block);
    let mut attempt = 0u32;
    loop {
        attempt += 1;
        // A block still waiting for a worker at shutdown stays `replayed`: the restart proves it.
        let mut stopping = context.stopping.clone();
        let _worker = tokio::select! {
            permit = context.workers.clone().acquire_owned() => match permit {
                Ok(permit) => permit,
                Err(_) => return,
            },
            _ = stopping.wait_for(|stop| *stop) => return,
        };
        match transition(&context, number, hash, JobStatus::Proving).await {
            Ok(true) => {}
            Ok(false) => return,
            Err(error) => {
                warn!(block = number, %error, "cannot start proving (job changed under us)");
                return;
            }
        }
        let outcome = prove_on_pool(&context, block.clone()).await;
        drop(_worker);
        match outcome {
            Ok((proven, verified, proving_time)) => {
                store(&context, number, hash, proven, verified, proving_time).await;
                return;
            }
            Err(failure) => {
                context.metrics.failure(Stage::Prove);
                let reason = failure.to_string();
                if let ProveError::Unavailable(why) = &failure {
                    context.progress.send_modify(|p| p.prover_unavailable = Some(why.clone()));
                }
                let failed = JobStatus::Failed { reason: reason.clone() };
                match transition(&context, number, hash, failed).await {
                    Ok(true) => {}
                    Ok(false) => return,
                    Err(error) => {
                        warn!(block = number, %error, "cannot record the failure");
                        return;
                    }
                }
                if !failure.is_retryable() || attempt >= context.max_attempts {
                    context.progress.send_modify(|p| p.blocks_failed += 1);
                    if failure.is_retryable() {
                        error!(block = number, attempts = attempt, %reason, "giving up on block");
                    } else {
                        warn!(block = number, %reason, "block not proven");
                    }
                    return;
                }
                let delay = context.backoff.delay_after(attempt);
                warn!(block = number, attempt, %reason, ?delay, "proving failed; retrying");
                if sleep_or_stop(&context.stopping, delay).await {
                    return;
                }
                let retried = async {
                    if !transition(&context, number, hash, JobStatus::Pending).await? {
                        return Ok(false);
                    }
                    context.jobs.mark_replayed(number, hash, root).await.map(|_| true)
                };
                match retried.await {
                    Ok(true) => {}
                    Ok(false) => return,
                    Err(error) => {
                        warn!(block = number, %error, "cannot requeue the block");
                        return;
                    }
                }
            }
        }
    }
}

/// Runs the prover and the verifier on rayon's global pool (never on a tokio worker).
async fn prove_on_pool(
    context: &ProveContext,
    block: Arc<ReplayedBlock>,
) -> Result<(ProvenBlock, VerifiedProof, Duration), ProveError> {
    let (sender, receiver) = tokio::sync::oneshot::channel();
    let prover = context.prover.clone();
    let replayer = context.replayer.clone();
    let policy = context.policy;
    rayon::spawn(move || {
        let started = Instant::now();
        let proven = std::panic::catch_unwind(AssertUnwindSafe(|| prover.prove(&block, &replayer)))
            .unwrap_or_else(|_| Err(ProveError::Failed("the prover panicked".into())));
        let proving_time = started.elapsed();
        let result = proven.and_then(|proven| {
            let verified = verify_block_proof(&proven, &block, &policy)?;
            Ok((proven, verified, proving_time))
        });
        let _ = sender.send(result);
    });
    receiver.await.unwrap_or_else(|_| Err(ProveError::Failed("the prover thread went away".into())))
}

/// `Proven`, then the put (transient failures retried until it succeeds or the service stops),
/// then `Stored`.
async fn store(
    context: &ProveContext,
    number: u64,
    hash: Felt32,
    proven: ProvenBlock,
    verified: VerifiedProof,
    proving_time: Duration,
) {
    match transition(context, number, hash, JobStatus::Proven).await {
        Ok(true) => {}
        Ok(false) => return,
        Err(error) => {
            warn!(block = number, %error, "cannot record the proof");
            return;
        }
    }
    let key = match ProofKey::new(number, hash) {
        Ok(key) => key,
        Err(error) => {
            let reason = format!("store: {error}");
            let _ = transition(context, number, hash, JobStatus::Failed { reason }).await;
            return;
        }
    };
    let report = ProvingReport {
        security_bits: verified.security_bits,
        os_program_hash: felt32(verified.program_hash),
        prover_version: context.prover.version(),
        proving_time,
        trace_steps: proven.steps,
    };
    let metadata = proof_metadata(&key, &proven.proof, report);
    let mut attempt = 0u32;
    loop {
        match context.store.put(&key, &proven.proof, &metadata).await {
            Ok(_) => {
                context.metrics.health().recovered(PROOF_STORE);
                break;
            }
            Err(error) if error.is_transient() => {
                // Network trouble, or a full or read-only disk: wait for it to clear.
                attempt += 1;
                context.metrics.failure(Stage::Store);
                context.metrics.health().failing(PROOF_STORE, Stage::Store, &error);
                let delay = context.backoff.delay_after(attempt);
                warn!(block = number, %error, attempt, ?delay, "proof store unavailable; retrying");
                if sleep_or_stop(&context.stopping, delay).await {
                    // Left `Proven`: the restart re-proves and stores it.
                    return;
                }
            }
            Err(error) => {
                context.metrics.failure(Stage::Store);
                error!(block = number, %error, "proof store refused the proof");
                let reason = format!("store: {error}");
                let _ = transition(context, number, hash, JobStatus::Failed { reason }).await;
                context.progress.send_modify(|p| p.blocks_failed += 1);
                return;
            }
        }
    }
    match transition(context, number, hash, JobStatus::Stored).await {
        Ok(true) => {}
        Ok(false) => return,
        Err(error) => {
            warn!(block = number, %error, "cannot record the stored proof");
            return;
        }
    }
    context.metrics.block_proven(proven.steps, proving_time);
    let proven_through = context.jobs.checkpoint().ok().and_then(|c| c.stored_through);
    let steps_per_second = proven.steps as f64 / proving_time.as_secs_f64().max(1e-9);
    context.progress.send_modify(|p| {
        p.blocks_proven += 1;
        p.settled_through = p.settled_through.max(proven_through);
        p.proven_through = proven_through;
        p.steps_per_second = steps_per_second;
    });
    info!(
        block = number,
        steps = proven.steps,
        seconds = proving_time.as_secs_f64(),
        bytes = proven.proof.len(),
        "block proven, verified and stored"
    );
}

/// Sleeps `delay`; returns `true` (at once) if the service is stopping.
pub(crate) async fn sleep_or_stop(stopping: &watch::Receiver<bool>, delay: Duration) -> bool {
    let mut stopping = stopping.clone();
    if *stopping.borrow() {
        return true;
    }
    tokio::select! {
        () = tokio::time::sleep(delay) => *stopping.borrow(),
        changed = stopping.changed() => changed.is_err() || *stopping.borrow(),
    }
}

/// The metadata stored with a new proof: the report, and the format version its bytes carry.
pub(crate) fn proof_metadata(key: &ProofKey, proof: &[u8], report: ProvingReport) -> ProofMetadata {
    let metadata = ProofMetadata::new(key, proof, report);
    match cairo_air::proof_format_version(proof) {
        Some(version) => metadata.with_proof_format_version(version),
        None => metadata,
    }
}
