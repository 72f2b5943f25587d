//! The crate's error type: one enum with structured variants. The pipeline sorts errors by the
//! stage they happened in ([`WatcherError::stage`]) for the `failures_total{stage}` metric and
//! for its backoff: every error of the poll loop is retried after a delay, none stops the
//! service except a failure of its own storage and a sequencer that speaks a spec version this
//! release does not ([`WatcherError::is_fatal`]: nothing changes that without the operator).

use chain::Felt;
use service_common::Stage;

/// Everything that can go wrong in the watcher.
#[derive(Debug, thiserror::Error)]
pub enum WatcherError {
    /// The sequencer did not answer (connection refused, timeout) or answered with a JSON-RPC
    /// error.
    #[error("sequencer call {method} failed: {source}")]
    Rpc {
        method: &'static str,
        #[source]
        source: jsonrpsee::core::ClientError,
    },

    /// The sequencer answered with something that is not what the method returns (wrong shape,
    /// wrong block, unsupported transaction type).
    #[error("malformed answer to {method}: {reason}")]
    Malformed { method: &'static str, reason: String },

    /// The sequencer speaks a JSON-RPC spec version the watcher does not (0.10 and 0.9 are
    /// spoken). Fatal: the watcher stops with it ([`WatcherError::is_fatal`]).
    #[error(
        "the sequencer at {url} speaks Starknet JSON-RPC spec {reported:?}; this watcher speaks \
         0.10 and 0.9 (point the RPC URL at an endpoint serving one, such as /rpc/v0_10)"
    )]
    UnsupportedSpec { url: String, reported: String },

    /// The data directory was written by a build with another block format (see
    /// `replay::WATCHER_FORMAT_VERSION`): its stored block hashes are not this build's. Fatal.
    #[error(
        "the data directory's watcher store has format {found:?}, this build reads format \
         {expected}: start from a new data directory (the block hash changed to Starknet's)"
    )]
    UnsupportedFormat { found: Option<u32>, expected: u32 },

    /// A block holds what replay cannot re-execute faithfully yet (a transaction with proof
    /// facts); the watcher does not go past it.
    #[error("block {block_number} cannot be replayed: {reason}")]
    UnsupportedBlock { block_number: u64, reason: String },

    /// A class served by the sequencer is unusable or does not hash to its class hash.
    #[error("class {class_hash:#x}: {reason}")]
    Class { class_hash: Felt, reason: String },

    /// A declared Sierra class's CASM: this build's compiler gives another compiled class hash
    /// than the one the chain commits to, and the CASM the sequencer serves
    /// (`starknet_getCompiledCasm`) does not hash to it either.
    #[error(
        "class {:#x}: the chain commits to compiled class hash {:#x}; this build compiles it to \
         {:#x} and the sequencer's CASM hashes to {:#x}",
        .0.class_hash, .0.committed, .0.compiled, .0.served
    )]
    CompiledClassMismatch(Box<CompiledClassMismatch>),

    /// The watcher's own state copy failed.
    #[error("state store: {0}")]
    State(#[from] state::StateError),

    /// Re-execution failed for a reason that is not the block's fault (a missing class
    /// definition, a state read).
    #[error("replay: {0}")]
    Executor(#[from] executor::ExecutorError),

    /// The job index or the proof store failed.
    #[error("job index or proof store: {0}")]
    Store(#[from] proof_store::Error),

    /// The watcher's sled database (block hashes, classes) failed.
    #[error("watcher database: {0}")]
    Database(#[from] sled::Error),

    /// A blocking task panicked or was cancelled.
    #[error("{what} task did not complete: {reason}")]
    Task { what: &'static str, reason: String },

    /// The sequencer replaced more blocks than the watcher is willing to walk back.
    #[error("reorg below block {block_number} is deeper than {max_depth} blocks")]
    ReorgTooDeep { block_number: u64, max_depth: u64 },

    /// A setting is unusable.
    /// The data directory cannot be used by this release (its layout, or the file system).
    #[error("data directory {}: {reason}", path.display())]
    DataDir { path: std::path::PathBuf, reason: String },

    #[error("invalid configuration: {0}")]
    Config(String),
}

impl WatcherError {
    /// The pipeline stage the error belongs to (the `stage` label of the failures metric).
    pub fn stage(&self) -> Stage {
        match self {
            WatcherError::Rpc { .. }
            | WatcherError::Malformed { .. }
            | WatcherError::UnsupportedSpec { .. }
            | WatcherError::UnsupportedBlock { .. }
            | WatcherError::Class { .. }
            | WatcherError::CompiledClassMismatch(_)
            | WatcherError::ReorgTooDeep { .. } => Stage::Fetch,
            WatcherError::State(_) | WatcherError::Executor(_) => Stage::Replay,
            WatcherError::Store(_)
            | WatcherError::Database(_)
            | WatcherError::Task { .. }
            | WatcherError::DataDir { .. }
            | WatcherError::UnsupportedFormat { .. }
            | WatcherError::Config(_) => Stage::Store,
        }
    }

    /// Whether the sequencer is at fault (unreachable or answering nonsense), as opposed to this
    /// service's own storage.
    pub fn is_sequencer_fault(&self) -> bool {
        self.stage() == Stage::Fetch
    }

    /// Whether retrying cannot help, so the watcher stops with the error instead of backing
    /// off: the sequencer speaks a spec version this release does not.
    pub fn is_fatal(&self) -> bool {
        matches!(
            self,
            WatcherError::UnsupportedSpec { .. } | WatcherError::UnsupportedFormat { .. }
        )
    }
}

/// The compiled class hashes of [`WatcherError::CompiledClassMismatch`] (boxed: four felts).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompiledClassMismatch {
    /// The Sierra class.
    pub class_hash: Felt,
    /// The compiled class hash the chain commits to.
    pub committed: Felt,
    /// What this build's compiler gives.
    pub compiled: Felt,
    /// What the sequencer's CASM hashes to.
    pub served: Felt,
}
