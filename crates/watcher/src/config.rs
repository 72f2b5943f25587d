//! [`WatcherConfig`]: how the pipeline runs (the `run` command's flags map onto it).

use std::path::PathBuf;
use std::time::Duration;

use proof_store::RetryPolicy;
use service_common::VerifyPolicy;

use crate::flavor::SequencerFlavor;

/// Settings of the pipeline.
#[derive(Clone, Debug)]
pub struct WatcherConfig {
    /// Where the watcher's state copy lives (`DIR/state`; the job index is opened by the caller,
    /// conventionally at `DIR/jobs`).
    pub data_dir: PathBuf,
    /// First block to prove. Blocks below it are still replayed (the state is built from
    /// genesis) but get no job.
    pub from_block: u64,
    /// A block is processed once `confirmations` more blocks are on top of it.
    pub confirmations: u64,
    /// Blocks proven at once (each on rayon's pool; the prover parallelizes inside too).
    pub workers: usize,
    /// Time between polls of the sequencer's head when caught up.
    pub poll_interval: Duration,
    /// Backoff after a failed poll (sequencer down, malformed answers) and for store retries.
    pub backoff: RetryPolicy,
    /// Replayed blocks kept in memory waiting for a prover. Replay runs ahead of proving up to
    /// this many blocks (so state roots are served while proofs lag), then waits.
    pub max_queued_proofs: usize,
    /// Proving attempts of a block before it stays `failed`.
    pub max_prove_attempts: u32,
    /// At start, put the `failed` and `divergent` jobs (from `from_block` on) back to
    /// `pending`, so they are fetched afresh, replayed and proven again (after the operator
    /// fixed what made them fail). The state copy is rebuilt from the lowest divergent one.
    pub retry_failed: bool,
    /// Re-fetches of a block whose replay disagrees with the sequencer before it is marked
    /// `divergent` (a sequencer may serve a wrong block for a while and then the right one).
    /// 0 marks it at once.
    pub divergence_rechecks: u32,
    /// Wait before the first re-fetch of a divergent block; doubled for each further one.
    pub divergence_recheck_delay: Duration,
    /// Deepest reorg followed; deeper ones stop progress with an error until an operator acts.
    pub max_reorg_depth: u64,
    /// How long shutdown waits for proofs in flight before leaving them to the restart.
    pub shutdown_grace: Duration,
    /// What a new proof must satisfy before it is stored.
    pub policy: VerifyPolicy,
    /// Period of the progress log line.
    pub progress_log_interval: Duration,
    /// The ERC-20 the sequencer charges fees in, for replay to charge them the same way
    /// (`executor::ExecutorConfig::fee_token`); `None` for a chain without fees. Blocks that
    /// pay fees are not provable yet (the OS does not run the fee transfer).
    pub fee_token: Option<chain::Felt>,
    /// The ERC-20 the sequencer charges v1 transactions in, where it is not `fee_token`
    /// (`executor::ExecutorConfig::eth_fee_token`).
    pub eth_fee_token: Option<chain::Felt>,
    /// The sequencer implementation followed, where it departs from the protocol (its block
    /// hash, its execution timestamp): [`SequencerFlavor`].
    pub flavor: SequencerFlavor,
}

impl WatcherConfig {
    /// Defaults for everything but the data directory and the policy.
    pub fn new(data_dir: impl Into<PathBuf>, policy: VerifyPolicy) -> Self {
        WatcherConfig {
            data_dir: data_dir.into(),
            from_block: 0,
            confirmations: 0,
            workers: 1,
            poll_interval: Duration::from_millis(500),
            backoff: RetryPolicy {
                max_attempts: None,
                initial_delay: Duration::from_millis(200),
                max_delay: Duration::from_secs(10),
            },
            max_queued_proofs: 256,
            max_prove_attempts: 3,
            retry_failed: false,
            divergence_rechecks: 4,
            divergence_recheck_delay: Duration::from_secs(5),
            max_reorg_depth: 1000,
            shutdown_grace: Duration::from_secs(30),
            policy,
            progress_log_interval: Duration::from_secs(10),
            fee_token: None,
            eth_fee_token: None,
            flavor: SequencerFlavor::Starknet,
        }
    }

    /// The directory of the watcher's state database.
    pub fn state_dir(&self) -> PathBuf {
        self.data_dir.join("state")
    }
}
