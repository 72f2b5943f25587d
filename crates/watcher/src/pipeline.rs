//! [`Watcher`]: the poll loop that drives blocks through fetch → replay → prove → verify →
//! store, with reorg detection, confirmations, backoff and graceful shutdown.
//!
//! # Checkpoints and restart
//!
//! The durable state is the watcher's state copy ([`Replayer`], which blocks are committed and
//! their hashes) and the job index (each block's status). At start, in-flight jobs (`proving`,
//! `proven`) go back to `replayed`, and the loop resumes at the lowest block that is either not
//! committed yet or has a job still waiting to be proven; blocks at or above it that are done
//! (`stored`, `failed`, `divergent`) are skipped, so no block is proven twice and none is
//! forgotten. Because every committed state stays readable, a `replayed` job is re-executed on
//! its parent's state to rebuild what the prover needs.
//!
//! # Reorgs
//!
//! Each fetched block's parent hash must be the hash committed one height below; the last
//! committed block is also compared with the sequencer's block at that height on every poll.
//! On a mismatch, the loop waits for the proofs in flight, walks back to the highest height on
//! which both agree, drops the state and the jobs above it (`JobIndex::invalidate_from`) and
//! re-processes from there. Proofs of replaced blocks stay in the store under their own keys.
//!
//! # Failure handling
//!
//! A failed poll (sequencer down, malformed answer, storage hiccup) is counted in
//! `failures_total{stage}`, logged, and retried after a capped, jittered exponential backoff;
//! the loop never exits on one. A fatal error ([`WatcherError::is_fatal`]: the sequencer speaks
//! a spec version this release does not) is logged once and ends [`Watcher::run`] with it. Shutdown stops polling, then waits up to the grace period for
//! proofs in flight; what does not finish is resumed after restart.

use std::future::Future;
use std::sync::Arc;
use std::time::Instant;

use proof_store::{JobIndex, JobStatus, JobStatusKind, ProofStore};
use service_common::Metrics;
use tokio::sync::{Semaphore, watch};
use tokio::task::JoinSet;
use tracing::{error, info, warn};

use crate::client::SequencerClient;
use crate::config::WatcherConfig;
use crate::divergence;
use crate::error::WatcherError;
use crate::fetch::FetchedBlock;
use crate::flavor::SequencerFlavor;
use crate::progress::Progress;
use crate::prove_task::{ProveContext, felt32, prove_block, sleep_or_stop};
use crate::prover::BlockProver;
use crate::publish::{Publisher, publish_block};
use crate::replay::{Replayed, Replayer};

/// The poll loop's operation in [`service_common::Health`]: fetching, replaying and recording
/// blocks.
const POLL: &str = "poll";

/// The watcher-prover pipeline. Build with [`Watcher::new`], run with [`Watcher::run`].
#[derive(Debug)]
pub struct Watcher {
    config: WatcherConfig,
    client: SequencerClient,
    jobs: JobIndex,
    store: Arc<dyn ProofStore>,
    prover: Arc<dyn BlockProver>,
    metrics: Metrics,
    progress: watch::Sender<Progress>,
    /// `Some` on a cluster's coordinator ([`Watcher::publishing_to`]).
    publisher: Option<Arc<Publisher>>,
}

/// What the loop keeps between polls.
pub(crate) struct LoopState {
    replayer: Arc<Replayer>,
    context: Arc<ProveContext>,
    /// Next block to process.
    cursor: u64,
    /// See [`Progress::settled_through`].
    settled_through: Option<u64>,
    /// Replayed blocks waiting for or under proof, bounded (`max_queued_proofs`) to keep memory
    /// flat when proving is slower than the chain for long.
    queue: Arc<Semaphore>,
    tasks: JoinSet<()>,
    stopping: watch::Receiver<bool>,
    /// First block of the divergence incident in progress: the blocks since then diverged after
    /// their re-fetches. Cleared by the next block that replays cleanly.
    incident: Option<u64>,
}

impl Watcher {
    /// A pipeline over its parts; nothing runs until [`Watcher::run`].
    pub fn new(
        config: WatcherConfig,
        client: SequencerClient,
        jobs: JobIndex,
        store: Arc<dyn ProofStore>,
        prover: Arc<dyn BlockProver>,
        metrics: Metrics,
    ) -> Self {
        let (progress, _) = watch::channel(Progress::default());
        Watcher { config, client, jobs, store, prover, metrics, progress, publisher: None }
    }

    /// Makes this pipeline a cluster's coordinator: replayed blocks go to `publisher` (witness
    /// store and job queue) for the workers, instead of to this process's prover.
    pub fn publishing_to(mut self, publisher: Publisher) -> Self {
        self.publisher = Some(Arc::new(publisher));
        self
    }

    /// A receiver of progress snapshots.
    pub fn progress(&self) -> watch::Receiver<Progress> {
        self.progress.subscribe()
    }

    /// Runs until `shutdown` completes, then stops polling, lets proofs in flight finish (up to
    /// the grace period) and returns. Errors if the watcher cannot start at all, or on a fatal
    /// error ([`WatcherError::is_fatal`]), after the same drain of proofs in flight.
    pub async fn run(self, shutdown: impl Future<Output = ()>) -> Result<(), WatcherError> {
        if self.config.workers == 0 {
            return Err(WatcherError::Config("workers must be at least 1".into()));
        }
        let (stop, stopping) = watch::channel(false);
        let inner = self.run_until_stopped(stopping);
        tokio::pin!(inner);
        tokio::select! {
            result = &mut inner => return result,
            () = shutdown => {
                info!("shutdown requested");
                let _ = stop.send(true);
            }
        }
        inner.await
    }

    async fn run_until_stopped(&self, stopping: watch::Receiver<bool>) -> Result<(), WatcherError> {
        let reset = self.jobs.reset_in_flight().await?;
        if !reset.is_empty() {
            info!(blocks = ?reset, "resuming proofs interrupted by the last stop");
        }
        let Some(chain_id) = self.until_ok(&stopping, || self.client.chain_id()).await? else {
            return Ok(());
        };
        let state_dir = self.config.state_dir();
        let (fee_token, eth_fee_token, flavor) =
            (self.config.fee_token, self.config.eth_fee_token, self.config.flavor);
        let replayer = tokio::task::spawn_blocking(move || {
            Replayer::open(&state_dir, chain_id).map(|replayer| {
                replayer.with_fee_tokens(fee_token, eth_fee_token).with_flavor(flavor)
            })
        })
        .await
        .map_err(|error| WatcherError::Task { what: "open state", reason: error.to_string() })??;
        let replayer = Arc::new(replayer);
        if self.config.retry_failed {
            let retried = self.jobs.retry_failed(self.config.from_block).await?;
            info!(blocks = ?retried, "failed blocks put back to pending (--retry-failed)");
            divergence::retry_divergent(&self.jobs, &replayer, self.config.from_block).await?;
        }
        let mut cursor = replayer.latest()?.map_or(0, |latest| latest + 1);
        for kind in [JobStatusKind::Pending, JobStatusKind::Replayed] {
            for record in self.jobs.by_status(kind)? {
                cursor = cursor.min(record.block_number);
            }
        }
        let proven_through = self.jobs.checkpoint()?.stored_through;
        self.progress.send_modify(|p| {
            p.replayed_through = replayer.latest().ok().flatten();
            p.proven_through = proven_through;
        });
        info!(
            rpc = self.client.url(),
            chain_id = %format!("{:#x}", chain_id.as_felt()),
            from_block = self.config.from_block,
            resume_at = cursor,
            store = %self.store.location(),
            prover = %self.prover.version(),
            "watcher started"
        );
        let workers = self.config.workers;
        let context = Arc::new(ProveContext {
            jobs: self.jobs.clone(),
            store: self.store.clone(),
            prover: self.prover.clone(),
            replayer: replayer.clone(),
            metrics: self.metrics.clone(),
            policy: self.config.policy,
            progress: self.progress.clone(),
            stopping: stopping.clone(),
            workers: Arc::new(Semaphore::new(workers)),
            max_attempts: self.config.max_prove_attempts.max(1),
            backoff: self.config.backoff.clone(),
            publisher: self.publisher.clone(),
        });
        let mut state = LoopState {
            replayer,
            context,
            cursor,
            settled_through: None,
            queue: Arc::new(Semaphore::new(self.config.max_queued_proofs.max(workers))),
            tasks: JoinSet::new(),
            stopping,
            incident: None,
        };

        let mut failures = 0u32;
        let mut last_log = Instant::now();
        let mut fatal = None;
        while !*state.stopping.borrow() {
            while state.tasks.try_join_next().is_some() {}
            let delay = match self.poll(&mut state).await {
                Ok(progressed) => {
                    failures = 0;
                    self.metrics.health().recovered(POLL);
                    self.progress.send_modify(|p| {
                        p.sequencer_reachable = true;
                        p.last_error = None;
                    });
                    (!progressed).then_some(self.config.poll_interval)
                }
                Err(error) if error.is_fatal() => {
                    self.metrics.failure(error.stage());
                    self.metrics.health().failing(POLL, error.stage(), &error);
                    error!(%error, "the watcher cannot go on; stopping");
                    self.progress.send_modify(|p| p.last_error = Some(error.to_string()));
                    fatal = Some(error);
                    break;
                }
                Err(error) => {
                    failures += 1;
                    self.metrics.failure(error.stage());
                    self.metrics.health().failing(POLL, error.stage(), &error);
                    let delay = self.config.backoff.delay_after(failures);
                    warn!(%error, attempt = failures, ?delay, "poll failed; backing off");
                    let sequencer_fault = error.is_sequencer_fault();
                    self.progress.send_modify(|p| {
                        p.sequencer_reachable = !sequencer_fault;
                        p.last_error = Some(error.to_string());
                    });
                    Some(delay)
                }
            };
            if last_log.elapsed() >= self.config.progress_log_interval {
                last_log = Instant::now();
                log_progress(&self.progress.borrow());
            }
            if let Some(delay) = delay
                && sleep_or_stop(&state.stopping, delay).await
            {
                break;
            }
        }

        info!(in_flight = state.tasks.len(), "stopping: waiting for proofs in flight");
        let drained = tokio::time::timeout(self.config.shutdown_grace, async {
            while state.tasks.join_next().await.is_some() {}
        })
        .await;
        if drained.is_err() {
            warn!(
                remaining = state.tasks.len(),
                "proofs still in flight after the grace period; they resume after restart"
            );
            state.tasks.abort_all();
        }
        self.jobs.flush().await?;
        log_progress(&self.progress.borrow());
        info!("watcher stopped");
        fatal.map_or(Ok(()), Err)
    }

    /// Retries `call` with backoff until it succeeds; `Ok(None)` if the service stops first;
    /// a fatal error ([`WatcherError::is_fatal`]) is logged once and returned.
    async fn until_ok<T, F, Fut>(
        &self,
        stopping: &watch::Receiver<bool>,
        call: F,
    ) -> Result<Option<T>, WatcherError>
    where
        F: Fn() -> Fut,
        Fut: Future<Output = Result<T, WatcherError>>,
    {
        let mut attempt = 0;
        loop {
            match call().await {
                Ok(value) => {
                    self.metrics.health().recovered(POLL);
                    return Ok(Some(value));
                }
                Err(error) if error.is_fatal() => {
                    self.metrics.failure(error.stage());
                    self.metrics.health().failing(POLL, error.stage(), &error);
                    error!(%error, "the watcher cannot start; stopping");
                    self.progress.send_modify(|p| p.last_error = Some(error.to_string()));
                    return Err(error);
                }
                Err(error) => {
                    attempt += 1;
                    self.metrics.failure(error.stage());
                    self.metrics.health().failing(POLL, error.stage(), &error);
                    let delay = self.config.backoff.delay_after(attempt);
                    warn!(%error, ?delay, "sequencer not usable yet; retrying");
                    self.progress.send_modify(|p| {
                        p.sequencer_reachable = false;
                        p.last_error = Some(error.to_string());
                    });
                    if sleep_or_stop(stopping, delay).await {
                        return Ok(None);
                    }
                }
            }
        }
    }

    /// One poll: read the head, check the tip for a reorg, process every confirmed block not
    /// processed yet. `Ok(true)` if anything moved.
    async fn poll(&self, state: &mut LoopState) -> Result<bool, WatcherError> {
        let head = self.client.block_number().await?;
        self.jobs.set_last_seen_head(head).await?;
        self.advance_settled(state)?;
        self.metrics.set_lag(match state.settled_through {
            Some(through) => head.saturating_sub(through),
            None => head.saturating_sub(self.config.from_block) + 1,
        });
        let settled_through = state.settled_through;
        self.progress.send_modify(|p| {
            p.head = Some(head);
            p.settled_through = settled_through;
        });
        let Some(target) = head.checked_sub(self.config.confirmations) else {
            return Ok(false);
        };

        if let Some(latest) = state.replayer.latest()?
            && latest <= target
            && state.cursor > latest
        {
            let ours = state.replayer.hash_at(latest)?;
            let theirs = self.client.block_hash(latest).await?;
            if ours.is_some_and(|ours| ours != theirs) {
                self.reorg(state, latest).await?;
                return Ok(true);
            }
        }

        let mut progressed = false;
        while state.cursor <= target && !*state.stopping.borrow() {
            self.process(state).await?;
            progressed = true;
        }
        Ok(progressed)
    }

    /// Moves `settled_through` over the blocks whose jobs are done with.
    fn advance_settled(&self, state: &mut LoopState) -> Result<(), WatcherError> {
        loop {
            let next = state.settled_through.map_or(self.config.from_block, |n| n + 1);
            let settled = self.jobs.get(next)?.is_some_and(|job| {
                matches!(
                    job.status.kind(),
                    JobStatusKind::Stored | JobStatusKind::Failed | JobStatusKind::Divergent
                )
            });
            if !settled {
                return Ok(());
            }
            state.settled_through = Some(next);
        }
    }

    /// Fetches, replays and records block `state.cursor`, and hands it to a prove task. A
    /// block whose replay disagrees with the sequencer is re-fetched (see [`crate::divergence`])
    /// before it is marked `divergent`.
    async fn process(&self, state: &mut LoopState) -> Result<(), WatcherError> {
        let number = state.cursor;
        let mut rechecks = 0u32;
        loop {
            let replayer = state.replayer.clone();
            let mut fetched =
                FetchedBlock::fetch(&self.client, number, |hash| replayer.knows_class(hash))
                    .await?;
            if number == 0 && self.config.flavor == SequencerFlavor::StarknetDevnet {
                let predeployed = crate::devnet_genesis::predeployed_state(&self.client).await?;
                fetched
                    .add_predeployed(&self.client, predeployed, |hash| replayer.knows_class(hash))
                    .await?;
            }
            if number > 0
                && let Some(parent) = state.replayer.hash_at(number - 1)?
                && parent != fetched.parent_hash
            {
                return self.reorg(state, number - 1).await;
            }
            if rechecks == 0 && state.replayer.latest()?.is_none_or(|latest| number > latest) {
                self.metrics.block_seen();
            }
            let hash = felt32(fetched.block_hash);
            let job = if number >= self.config.from_block { self.jobs.get(number)? } else { None };
            let done = job.as_ref().is_some_and(|job| {
                job.block_hash == hash
                    && matches!(
                        job.status.kind(),
                        JobStatusKind::Stored | JobStatusKind::Failed | JobStatusKind::Divergent
                    )
            });
            if number < self.config.from_block || done {
                // Nothing to prove: only make sure the state has the block.
                if state.replayer.hash_at(number)? != Some(fetched.block_hash) {
                    self.replay(state, fetched).await?;
                }
                self.progress.send_modify(|p| p.replayed_through = Some(number));
                state.cursor += 1;
                return Ok(());
            }

            // Back-pressure: wait for room in the proving queue before replaying further ahead.
            let mut stopping = state.stopping.clone();
            let queued = tokio::select! {
                permit = state.queue.clone().acquire_owned() => permit.map_err(|error| {
                    WatcherError::Task { what: "proving queue", reason: error.to_string() }
                })?,
                _ = stopping.changed() => return Ok(()),
            };
            let parent = felt32(fetched.parent_hash);
            let replayed = self.replay(state, fetched).await?;
            if let Some(divergence) = &replayed.divergence
                && state.incident.is_none()
                && rechecks < self.config.divergence_rechecks
            {
                rechecks += 1;
                drop(queued);
                self.metrics.divergence_recheck();
                let stopping = divergence::forget_and_wait(
                    &state.replayer,
                    &state.stopping,
                    number,
                    rechecks,
                    self.config.divergence_rechecks,
                    self.config.divergence_recheck_delay,
                    divergence,
                )
                .await?;
                if stopping {
                    return Ok(());
                }
                continue;
            }
            return self.record(state, replayed, hash, parent, queued, rechecks).await;
        }
    }

    /// Records a replayed block in the job index and hands it to a prove task, or marks it
    /// `divergent` (one alert per incident: the blocks that keep diverging after it are marked
    /// without a new one).
    async fn record(
        &self,
        state: &mut LoopState,
        replayed: Replayed,
        hash: proof_store::Felt32,
        parent: proof_store::Felt32,
        queued: tokio::sync::OwnedSemaphorePermit,
        rechecks: u32,
    ) -> Result<(), WatcherError> {
        let number = replayed.block.block_number();
        let root = felt32(replayed.block.new_state_root);
        match self.jobs.enqueue(number, hash, parent).await {
            Ok(_) => {}
            Err(proof_store::Error::StaleJob { .. }) => {
                // The index holds another block at this height that the state copy no longer
                // has (a reorg seen across a restart): start over from here.
                warn!(block = number, "job index holds a replaced block; invalidating from it");
                self.jobs.invalidate_from(number).await?;
                self.jobs.enqueue(number, hash, parent).await?;
            }
            Err(error) => return Err(error.into()),
        }
        self.jobs.mark_replayed(number, hash, root).await?;
        state.cursor += 1;
        match replayed.divergence {
            Some(divergence) => {
                let evidence = divergence.evidence.to_string();
                self.jobs
                    .transition(number, hash, JobStatus::Divergent { evidence: evidence.clone() })
                    .await?;
                self.metrics.block_divergent();
                self.progress.send_modify(|p| p.blocks_divergent += 1);
                match state.incident {
                    None => {
                        state.incident = Some(number);
                        error!(
                            block = number,
                            rechecks,
                            %evidence,
                            "ALERT: replay diverges from the sequencer (it persisted across re-fetches)"
                        );
                    }
                    Some(first) => warn!(
                        block = number,
                        incident_since = first,
                        %evidence,
                        "replay still diverges (same incident, no new alert)"
                    ),
                }
            }
            None => {
                if let Some(first) = state.incident.take() {
                    info!(
                        since = first,
                        block = number,
                        "divergence incident over: replay agrees with the sequencer again"
                    );
                }
                let context = state.context.clone();
                match context.publisher.clone() {
                    Some(publisher) => {
                        state.tasks.spawn(publish_block(context, publisher, replayed.block, queued))
                    }
                    None => state.tasks.spawn(prove_block(context, replayed.block, queued)),
                };
            }
        }
        // Announced once the job's status is final for this stage (`replayed` or `divergent`).
        self.progress.send_modify(|p| p.replayed_through = Some(number));
        Ok(())
    }

    /// Replays on the blocking pool and counts it.
    async fn replay(
        &self,
        state: &LoopState,
        fetched: FetchedBlock,
    ) -> Result<Replayed, WatcherError> {
        let replayer = state.replayer.clone();
        let transactions = fetched.transactions.len() as u64;
        let replayed = tokio::task::spawn_blocking(move || replayer.replay(&fetched))
            .await
            .map_err(|error| WatcherError::Task { what: "replay", reason: error.to_string() })??;
        self.metrics.block_replayed();
        self.progress.send_modify(|p| {
            p.blocks_replayed += 1;
            p.transactions_replayed += transactions;
        });
        Ok(replayed)
    }

    /// The block at `mismatch` (or above) was replaced: find the fork, drop everything above it,
    /// and resume there.
    async fn reorg(&self, state: &mut LoopState, mismatch: u64) -> Result<(), WatcherError> {
        warn!(block = mismatch, "the sequencer replaced blocks (reorg); finding the fork");
        while state.tasks.join_next().await.is_some() {}
        let mut height = mismatch;
        let fork = loop {
            let ours = state.replayer.hash_at(height)?;
            let theirs = self.client.block_hash(height).await?;
            if ours == Some(theirs) {
                break height + 1;
            }
            if height == 0 {
                break 0;
            }
            if mismatch - height >= self.config.max_reorg_depth {
                return Err(WatcherError::ReorgTooDeep {
                    block_number: mismatch,
                    max_depth: self.config.max_reorg_depth,
                });
            }
            height -= 1;
        };
        if let Some(publisher) = &self.publisher {
            // The cluster's jobs first, before anything local changes: if this fails, the
            // replayed state still ends in the replaced tip, and the next poll finds the same
            // fork again.
            let removed = publisher.queue.invalidate_from(fork).await?;
            for witness in &removed {
                if let Err(error) = publisher.witnesses.delete_witness(witness).await {
                    warn!(%witness, %error, "cannot delete a replaced block's witness");
                }
            }
            warn!(fork, jobs = removed.len(), "reorg: the cluster's jobs from the fork removed");
        }
        let replayer = state.replayer.clone();
        tokio::task::spawn_blocking(move || replayer.truncate_from(fork))
            .await
            .map_err(|error| WatcherError::Task { what: "reorg", reason: error.to_string() })??;
        let invalidated = self.jobs.invalidate_from(fork).await?;
        state.cursor = fork;
        state.settled_through = state.settled_through.filter(|&n| n < fork);
        let replayed_through = fork.checked_sub(1);
        let proven_through = self.jobs.checkpoint()?.stored_through;
        self.progress.send_modify(|p| {
            p.reorgs += 1;
            p.replayed_through = replayed_through;
            p.proven_through = proven_through;
        });
        warn!(fork, jobs = invalidated.len(), "reorg: re-processing from the fork");
        Ok(())
    }
}

fn log_progress(progress: &Progress) {
    info!(
        head = ?progress.head,
        replayed_through = ?progress.replayed_through,
        proven_through = ?progress.proven_through,
        replayed = progress.blocks_replayed,
        proven = progress.blocks_proven,
        failed = progress.blocks_failed,
        divergent = progress.blocks_divergent,
        replay_lag = ?progress.replay_lag(),
        proof_lag = ?progress.proof_lag(),
        "progress"
    );
}
