//! The coordinator's last stage: instead of proving a replayed block, write its witness to the
//! object store and enqueue a job for the cluster's workers ([`crate::ProofWorker`]).
//!
//! ```text
//! Replayed ─► Proving ─► witness (executor run + state witness, on rayon) ─► put witness
//!          ─► enqueue (PostgreSQL) ─► Proven ─► Stored
//! ```
//!
//! In the coordinator's own sled job index, `stored` therefore means *handed to the cluster*:
//! the job is in the queue, which owns it from there (the query API of a cluster reads the
//! queue, not this index). The index still drives restarts exactly as in the embedded service:
//! a crash mid-way leaves `proving` or `proven`, the restart replays the block again, and the
//! witness (deterministic) meets its copy as `AlreadyStored` and the enqueue is idempotent.

use std::sync::Arc;

use proof_store::{JobQueue, JobStatus, NewJob, WitnessKey, WitnessStore, sha256_hex};
use service_common::Stage;
use tokio::sync::OwnedSemaphorePermit;
use tracing::{error, info, warn};

use crate::OsProver;
use crate::prove_task::{ProveContext, felt32, sleep_or_stop, transition};
use crate::prover::ProveError;
use crate::replay::ReplayedBlock;

/// Where a coordinator hands its blocks: the witness store and the job queue.
#[derive(Debug)]
pub struct Publisher {
    pub queue: Arc<dyn JobQueue>,
    pub witnesses: Arc<dyn WitnessStore>,
    /// Builds witnesses ([`OsProver::witness`]; its budget refuses blocks no worker could
    /// prove before they reach the queue).
    pub prover: Arc<OsProver>,
}

/// The operations of this stage in [`service_common::Health`].
const WITNESSES: &str = "witness store";
const QUEUE: &str = "job queue";

/// Builds, stores and enqueues `block`'s witness; `queued` is released when done.
pub(crate) async fn publish_block(
    context: Arc<ProveContext>,
    publisher: Arc<Publisher>,
    block: ReplayedBlock,
    queued: OwnedSemaphorePermit,
) {
    let _queued = queued;
    let number = block.block_number();
    let hash = felt32(block.block_hash);
    match transition(&context, number, hash, JobStatus::Proving).await {
        Ok(true) => {}
        Ok(false) => return,
        Err(error) => {
            warn!(block = number, %error, "cannot start publishing (job changed under us)");
            return;
        }
    }
    // Already in the cluster's hands (this coordinator restarted, or a standby took over with
    // its own data directory): nothing to rebuild, and no witness written again for a block
    // whose proof is stored (it would never be deleted).
    if let Ok(Some(job)) = publisher.queue.job(number).await
        && job.block_hash == hash
    {
        info!(block = number, status = %job.status.kind(), "already enqueued; not published again");
        return handed_over(&context, number, hash).await;
    }
    let parent = felt32(block.header.parent_hash);
    let root = felt32(block.new_state_root);
    let block = Arc::new(block);
    let witness = {
        let (sender, receiver) = tokio::sync::oneshot::channel();
        let (prover, replayer, block) =
            (publisher.prover.clone(), context.replayer.clone(), block.clone());
        rayon::spawn(move || {
            let witness = prover.witness(&block, &replayer).and_then(|witness| {
                witness.to_bytes().map_err(|error| ProveError::Failed(error.to_string()))
            });
            let _ = sender.send(witness);
        });
        receiver.await.unwrap_or_else(|_| Err(ProveError::Failed("witness task died".into())))
    };
    let bytes = match witness {
        Ok(bytes) => bytes,
        Err(failure) => {
            return give_up(&context, number, hash, format!("witness: {failure}")).await;
        }
    };
    let key = match WitnessKey::new(number, hash) {
        Ok(key) => key,
        Err(error) => {
            return give_up(&context, number, hash, format!("witness key: {error}")).await;
        }
    };
    let mut attempt = 0u32;
    loop {
        match publisher.witnesses.put_witness(&key, &bytes).await {
            Ok(_) => {
                context.metrics.health().recovered(WITNESSES);
                break;
            }
            Err(error) if error.is_transient() => {
                attempt += 1;
                context.metrics.failure(Stage::Store);
                context.metrics.health().failing(WITNESSES, Stage::Store, &error);
                let delay = context.backoff.delay_after(attempt);
                warn!(block = number, %error, ?delay, "witness store unavailable; retrying");
                if sleep_or_stop(&context.stopping, delay).await {
                    return;
                }
            }
            Err(error) => {
                return give_up(&context, number, hash, format!("witness store: {error}")).await;
            }
        }
    }
    let job = NewJob {
        block_number: number,
        block_hash: hash,
        parent_hash: parent,
        state_root: root,
        witness: key,
        witness_sha256: sha256_hex(&bytes),
    };
    let mut attempt = 0u32;
    loop {
        match publisher.queue.enqueue(&job).await {
            Ok(_) => {
                context.metrics.health().recovered(QUEUE);
                break;
            }
            Err(error) if error.is_transient() => {
                attempt += 1;
                context.metrics.failure(Stage::Store);
                context.metrics.health().failing(QUEUE, Stage::Store, &error);
                let delay = context.backoff.delay_after(attempt);
                warn!(block = number, %error, ?delay, "job queue unavailable; retrying");
                if sleep_or_stop(&context.stopping, delay).await {
                    return;
                }
            }
            Err(error) => {
                return give_up(&context, number, hash, format!("job queue: {error}")).await;
            }
        }
    }
    let head = context.progress.borrow().head;
    if let Some(head) = head {
        let _ = publisher.queue.set_last_seen_head(head).await;
    }
    info!(block = number, witness = %key, bytes = bytes.len(), "witness stored and job enqueued");
    handed_over(&context, number, hash).await;
}

/// Records locally that the queue owns the block now (`stored` in this index).
async fn handed_over(context: &ProveContext, number: u64, hash: proof_store::Felt32) {
    for status in [JobStatus::Proven, JobStatus::Stored] {
        match transition(context, number, hash, status).await {
            Ok(true) => {}
            Ok(false) => return,
            Err(error) => {
                warn!(block = number, %error, "cannot record the published block");
                return;
            }
        }
    }
    context.progress.send_modify(|p| {
        p.blocks_proven += 1;
        p.proven_through = p.proven_through.max(Some(number));
    });
}

/// Records a block the cluster will never get (`failed` locally, with the reason).
async fn give_up(context: &ProveContext, number: u64, hash: proof_store::Felt32, reason: String) {
    context.metrics.failure(Stage::Store);
    error!(block = number, %reason, "block not handed to the cluster");
    let _ = transition(context, number, hash, JobStatus::Failed { reason }).await;
    context.progress.send_modify(|p| p.blocks_failed += 1);
}
