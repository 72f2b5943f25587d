//! The prove stage's boundary: the [`BlockProver`] trait, what it returns, and the prover used
//! while no real one is available ([`UnavailableProver`]).
//!
//! A prover is CPU work measured in seconds to minutes: the pipeline calls [`BlockProver::prove`]
//! on rayon's global pool (never on a tokio worker), with at most `--workers` blocks in flight,
//! so the tracing (OS run) of one block overlaps the proving of another, and the prover's own
//! parallel kernels use every core. The pipeline never trusts what a prover returns: every proof
//! is verified with `cairo_air::verify_proof` against the pinned OS program hash and its output
//! checked against the replayed block before it is stored ([`crate::verify`]).
//!
//! The real prover is [`crate::OsProver`] (the OS program run on the block by `os::run_block`,
//! proven by `cairo-air`).

use chain::Felt;

use crate::replay::{ReplayedBlock, Replayer};

/// What a prover returns for one block.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProvenBlock {
    /// The proof file (`cairo-air` format).
    pub proof: Vec<u8>,
    /// The public output the prover claims (checked against the verified proof's output).
    pub public_output: Vec<Felt>,
    /// Cairo steps of the proven run.
    pub steps: u64,
}

/// Why proving a block failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProveError {
    /// This service cannot prove blocks at all (no OS program, no prover): permanent.
    #[error("prover unavailable: {0}")]
    Unavailable(String),
    /// The block holds something the OS cannot prove yet (named): permanent.
    #[error("not provable yet: {0}")]
    Unsupported(String),
    /// This attempt failed (OS run, trace, prover); another attempt may succeed.
    #[error("proving failed: {0}")]
    Failed(String),
    /// The proof did not verify under the pinned policy.
    #[error("proof rejected by the verifier: {0}")]
    Rejected(String),
    /// The proof verifies but is not about this block (its output differs).
    #[error("proof output does not match the block: {0}")]
    WrongOutput(String),
    /// The block needs more than this service's [`ProveBudget`] (steps or memory): permanent
    /// until an operator raises the budget and runs `--retry-failed`.
    #[error("over the prover's budget: {0}")]
    OverBudget(String),
}

impl ProveError {
    /// Whether another attempt makes sense (not for [`ProveError::Unavailable`],
    /// [`ProveError::Unsupported`] and [`ProveError::OverBudget`]).
    pub fn is_retryable(&self) -> bool {
        !matches!(
            self,
            ProveError::Unavailable(_) | ProveError::Unsupported(_) | ProveError::OverBudget(_)
        )
    }
}

/// Proves replayed blocks. Implementations are called from rayon threads, several blocks at
/// once, and must be deterministic (the same block gives the same bytes: a retry after a crash
/// then finds its proof already stored instead of conflicting with it).
pub trait BlockProver: Send + Sync + std::fmt::Debug {
    /// Traces and proves `block`; `replayer` holds the state after every replayed block (the
    /// OS needs the parent's state witness) and the class definitions.
    fn prove(&self, block: &ReplayedBlock, replayer: &Replayer) -> Result<ProvenBlock, ProveError>;

    /// The prover build, recorded in every proof's metadata.
    fn version(&self) -> String;
}

/// The prover of a service that cannot prove yet: every block fails with
/// [`ProveError::Unavailable`] and its reason, so that jobs end `failed` with
/// "prover unavailable: ..." while replay, state roots, divergence detection and the API work.
#[derive(Clone, Debug)]
pub struct UnavailableProver {
    reason: String,
}

impl UnavailableProver {
    /// A prover that refuses every block with `reason`.
    pub fn new(reason: impl Into<String>) -> Self {
        UnavailableProver { reason: reason.into() }
    }

    /// The reason given.
    pub fn reason(&self) -> &str {
        &self.reason
    }
}

impl BlockProver for UnavailableProver {
    fn prove(&self, _block: &ReplayedBlock, _: &Replayer) -> Result<ProvenBlock, ProveError> {
        Err(ProveError::Unavailable(self.reason.clone()))
    }

    fn version(&self) -> String {
        format!("unavailable-{}", env!("CARGO_PKG_VERSION"))
    }
}
