//! Errors of the OS runner.

use chain::Felt;
use thiserror::Error;

/// Why a block could not be run through the OS.
#[derive(Debug, Error)]
pub enum OsError {
    /// The OS program JSON could not be loaded.
    #[error("OS program: {0}")]
    Program(String),
    /// A class a transaction runs is not known to the class provider.
    #[error("class {class_hash:#x} is not available")]
    MissingClass { class_hash: Felt },
    /// The executor rejected a transaction of the block: a block holds only included ones.
    #[error("transaction {index} ({hash:#x}) is rejected by the executor: {reason}")]
    RejectedTransaction { index: usize, hash: Felt, reason: String },
    /// A transaction the OS does not execute yet (named).
    #[error("transaction {index} ({hash:#x}): the OS does not support {what} yet")]
    UnsupportedTransaction { index: usize, hash: Felt, what: &'static str },
    /// The block runs a Sierra (Cairo 1) class in a way this OS does not run yet (e.g. in the
    /// block that declares it, see `os-program/os/README.md`): the block is replayed but not
    /// provable yet.
    #[error(
        "the block runs Sierra (Cairo 1) class {class_hash:#x} {how}, which the OS does not run yet"
    )]
    SierraClass { class_hash: Felt, how: &'static str },
    /// A Cairo 1 entry point the OS ran used what the OS does not serve yet (a syscall, a hint):
    /// the block is not provable yet.
    #[error("the block's Cairo 1 code uses {what}, which the OS does not run yet")]
    Cairo1Unsupported { what: String },
    /// The executor failed (environment, not a transaction's fault).
    #[error("executor: {0}")]
    Executor(#[from] executor::ExecutorError),
    /// Reading the pre-block state or building its witness failed.
    #[error("state: {0}")]
    State(#[from] state::StateError),
    /// The pre-block state given does not match the block (e.g. the parent block is not
    /// committed).
    #[error("witness: {0}")]
    Witness(String),
    /// The OS run failed: the OS rejected the block or a hint's data did not check out.
    #[error("the OS rejects the block: {0}")]
    Rejected(String),
    /// A state-update hint could not serve the OS (e.g. the witness lacks a node).
    #[error("state update: {0}")]
    StateUpdate(#[from] crate::state_update::StateUpdateError),
    /// A serialized [`crate::BlockWitness`] does not decode (damaged, or not a witness).
    #[error("block witness: {0}")]
    WitnessDecode(String),
    /// A serialized [`crate::BlockWitness`] has a format this build does not read: written by
    /// a newer release (upgrade the worker) or an older one that is no longer read (re-run the
    /// coordinator so that it writes the witness again).
    #[error("block witness format {found} is not supported (this build reads format {supported})")]
    WitnessVersion { found: u32, supported: u32 },
    /// The run finished but its output is not a block public output.
    #[error("OS output: {0}")]
    Output(#[from] chain::public_output::PublicOutputError),
}
