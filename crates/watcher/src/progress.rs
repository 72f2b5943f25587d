//! [`Progress`]: a snapshot of the pipeline for progress lines (the demo, the service's
//! periodic log) and tests; published on a `tokio::sync::watch` channel.

/// Where the pipeline stands. Counters count this process's work since start.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Progress {
    /// Latest block the sequencer reported.
    pub head: Option<u64>,
    /// Highest block replayed and recorded (its state committed, its job `replayed` or beyond,
    /// its root served by the API).
    pub replayed_through: Option<u64>,
    /// Highest `n` such that every block from the first proven one to `n` is stored.
    pub proven_through: Option<u64>,
    /// Highest `n` such that every block from the first one with a job to `n` is settled:
    /// `stored`, `failed` or `divergent` (nothing left to do for it).
    pub settled_through: Option<u64>,
    pub blocks_replayed: u64,
    pub transactions_replayed: u64,
    pub blocks_proven: u64,
    pub blocks_failed: u64,
    pub blocks_divergent: u64,
    pub reorgs: u64,
    /// Cairo steps per second of the last proof.
    pub steps_per_second: f64,
    /// Whether the last poll reached the sequencer.
    pub sequencer_reachable: bool,
    /// The last error of the poll loop, cleared by the next successful poll.
    pub last_error: Option<String>,
    /// Why proofs are not being made, when the prover said it cannot prove.
    pub prover_unavailable: Option<String>,
}

impl Progress {
    /// Blocks between the head and the last replayed block.
    pub fn replay_lag(&self) -> Option<u64> {
        Some(self.head?.saturating_sub(self.replayed_through?))
    }

    /// Blocks between the head and the settled range (the whole chain if none): how far
    /// proving is behind.
    pub fn proof_lag(&self) -> Option<u64> {
        let head = self.head?;
        Some(match self.settled_through {
            Some(through) => head.saturating_sub(through),
            None => head + 1,
        })
    }
}
