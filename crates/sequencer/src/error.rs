//! The error type of the `sequencer` crate.

use chain::Felt;

/// Everything that can go wrong inside the node. The JSON-RPC layer maps these to the spec's
/// error codes ([`crate::rpc::errors`]); internal details go to the logs.
#[derive(Debug, thiserror::Error)]
pub enum SequencerError {
    /// The sled database failed.
    #[error("sled: {0}")]
    Sled(#[from] sled::Error),
    /// The state commitment store failed.
    #[error("state: {0}")]
    State(#[from] state::StateError),
    /// A stored value that does not decode.
    #[error("corrupt {table} entry: {detail}")]
    Corrupt { table: &'static str, detail: String },
    /// A data directory written by a build with another block format (see
    /// `store::STORE_FORMAT_VERSION`): its stored headers and hashes are not this build's.
    #[error(
        "the data directory's block store has format {found:?}, this build reads format \
         {expected}: start from a new data directory (the block hash changed to Starknet's)"
    )]
    UnsupportedStoreFormat { found: Option<u32>, expected: u32 },
    /// A block that does not exist.
    #[error("block not found")]
    BlockNotFound,
    /// A transaction that does not exist.
    #[error("transaction {0:#x} not found")]
    TransactionNotFound(Felt),
    /// No contract is deployed at the address.
    #[error("contract {0:#x} not found")]
    ContractNotFound(Felt),
    /// The class is not declared.
    #[error("class {0:#x} not found")]
    ClassNotFound(Felt),
    /// The nonce of a submitted transaction is already used (or the account's nonce is ahead).
    #[error("invalid transaction nonce: {0}")]
    InvalidNonce(String),
    /// The mempool holds its configured maximum of transactions.
    #[error("the mempool is full ({limit} transactions waiting); try again after the next block")]
    MempoolFull { limit: usize },
    /// A transaction with the same hash is already known.
    #[error("duplicate transaction {0:#x}")]
    DuplicateTransaction(Felt),
    /// The transaction's validation (`__validate__*`, signature, shape) failed.
    #[error("validation failure: {0}")]
    ValidationFailure(String),
    /// A class that cannot be used (bad JSON, bad compression, unsupported shape).
    #[error("invalid contract class: {0}")]
    InvalidClass(String),
    /// A declared class over a size limit (`max_class_bytes`, `max_bytecode_felts`).
    #[error("{0}")]
    ClassTooLarge(#[from] chain::classes::ClassTooLarge),
    /// A DECLARE v3 whose compiled class hash is not that of the CASM its class compiles to.
    #[error(
        "DECLARE of {class_hash:#x} names compiled class hash {declared:#x}, but the class compiles to {actual:#x}"
    )]
    CompiledClassHashMismatch { class_hash: Felt, declared: Felt, actual: Felt },
    /// The class is already declared.
    #[error("class {0:#x} is already declared")]
    ClassAlreadyDeclared(Felt),
    /// A transaction type or version this node does not accept.
    #[error("unsupported transaction: {0}")]
    UnsupportedTransaction(String),
    /// A read-only call failed inside the contract.
    #[error("contract error: {0}")]
    ContractError(String),
    /// A transaction failed while estimating its fee.
    #[error("transaction {index} failed: {reason}")]
    TransactionExecution { index: usize, reason: String },
    /// Storage proofs need the state commitment, which is switched off.
    #[error("storage proofs are not available: the state commitment is off")]
    StorageProofNotSupported,
    /// The executor failed for a reason that is not the transaction's fault.
    #[error("executor: {0}")]
    Executor(String),
    /// `devnet_abortBlocks` of genesis.
    #[error("Genesis block can't be aborted")]
    GenesisNotAbortable,
    /// A `devnet_mint` transaction was included but reverted.
    #[error("Minting reverted: {reason}")]
    MintReverted { transaction_hash: Felt, reason: String },
    /// The data directory predates the minter account (created before `devnet_mint` existed).
    #[error("this chain has no minter account at {0:#x} (its data directory predates devnet_mint)")]
    MinterMissing(Felt),
    /// `devnet_dump` or `devnet_load` failed.
    #[error(transparent)]
    Dump(#[from] crate::dump::DumpError),
    /// The node is shutting down or its block producer stopped.
    #[error("node stopped: {0}")]
    Stopped(String),
}

impl SequencerError {
    pub(crate) fn corrupt(table: &'static str, detail: impl std::fmt::Display) -> Self {
        SequencerError::Corrupt { table, detail: detail.to_string() }
    }
}

impl From<chain::classes::InvalidClass> for SequencerError {
    fn from(error: chain::classes::InvalidClass) -> Self {
        SequencerError::InvalidClass(error.0)
    }
}

impl From<chain::classes::ClassError> for SequencerError {
    fn from(error: chain::classes::ClassError) -> Self {
        match error {
            chain::classes::ClassError::Invalid(invalid) => invalid.into(),
            chain::classes::ClassError::TooLarge(too_large) => too_large.into(),
        }
    }
}
