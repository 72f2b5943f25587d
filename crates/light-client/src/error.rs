//! [`LightClientError`]: one variant per way a light verification can fail.

use cairo_air::CairoVerifyError;
use chain::{FeeTokens, Felt, PublicOutputError};

/// Why a block did not verify, or could not be checked.
#[derive(Debug, thiserror::Error)]
pub enum LightClientError {
    /// A block of a range ([`crate::light_verify_range`]) failed; the blocks below it verified.
    #[error("block {block_number}: {source}")]
    InRange {
        block_number: u64,
        #[source]
        source: Box<LightClientError>,
    },
    /// A JSON-RPC endpoint could not be reached or answered garbage.
    #[cfg(feature = "fetch")]
    #[error("{endpoint} at {url}: {method} failed")]
    Rpc {
        endpoint: &'static str,
        url: String,
        method: &'static str,
        #[source]
        source: jsonrpsee::core::ClientError,
    },
    /// The prover API answered, but its answer is unusable (bad hex, another block).
    #[error("prover API answered badly: {0}")]
    BadApiResponse(String),
    /// The sequencer has the block only as pre-confirmed: no hash to check against yet.
    #[error("block {block_number} is not final on the sequencer yet")]
    BlockNotFinal { block_number: u64 },
    /// The proof is about another program than the pinned OS.
    #[error("proof is for program {found}, the pinned OS program is {pinned:#x}")]
    OsProgramMismatch { pinned: Felt, found: String },
    /// The proof does not verify (tampered, truncated, below the minimum security, ...).
    #[error("proof does not verify")]
    InvalidProof(#[source] CairoVerifyError),
    /// The proof is valid but its output is not a block public output.
    #[error("proof output is not a block public output")]
    MalformedPublicOutput(#[source] PublicOutputError),
    #[error("proof is for block {proven}, the header is block {header}")]
    BlockNumberMismatch { header: u64, proven: u64 },
    #[error("proof is for block hash {proven:#x}, the header has {header:#x}")]
    BlockHashMismatch { header: Felt, proven: Felt },
    #[error("proof has parent hash {proven:#x}, the header has {header:#x}")]
    ParentHashMismatch { header: Felt, proven: Felt },
    #[error("proof has new state root {proven:#x}, the header has {header:#x}")]
    NewStateRootMismatch { header: Felt, proven: Felt },
    #[error("proof has previous state root {proven:#x}, the parent header has {parent:#x}")]
    PreviousStateRootMismatch { parent: Felt, proven: Felt },
    #[error(
        "block {block_number}: the parent header carries no state root (the sequencer leaves the \
         commitment to the prover); pass the previous state root you trust"
    )]
    UnanchoredPreviousRoot { block_number: u64 },
    #[error("proof is for chain {proven:#x}, the sequencer is chain {sequencer:#x}")]
    ChainIdMismatch { sequencer: Felt, proven: Felt },
    /// The proof's fee tokens (public output fields 10 and 11) are not the ones the caller
    /// pinned ([`crate::LightClientOptions::fee_tokens`]).
    #[error(
        "proof charged fees in STRK {:#x} and ETH {:#x}, the chain's fee tokens are {:#x} and {:#x}",
        proven.strk, proven.eth, expected.strk, expected.eth
    )]
    FeeTokensMismatch { expected: Box<FeeTokens>, proven: Box<FeeTokens> },
    #[error("proof has {proven} transactions, the header lists {header}")]
    TransactionCountMismatch { header: u64, proven: u64 },
    /// The proof's digest of the transaction hashes (public output field 8) is not the one of
    /// the header's transaction hashes.
    #[error(
        "proof has transaction hashes digest {proven:#x}, the header's hashes give {header:#x}"
    )]
    TransactionCommitmentMismatch { header: Felt, proven: Felt },
    /// [`check_binding`](crate::check_binding) was called without the parent header of a block
    /// above genesis.
    #[error("block {block_number} is above genesis: its parent header is needed")]
    MissingParentHeader { block_number: u64 },
    /// The sequencer contradicts itself: the parent header's hash is not the header's parent.
    #[error(
        "sequencer's block {parent_number} has hash {parent_hash:#x}, its child names {named:#x}"
    )]
    InconsistentSequencer { parent_number: u64, parent_hash: Felt, named: Felt },
    /// A `starknet_getStorageProof` answer that does not prove its claims against the proven
    /// state root ([`crate::verify_storage_proof`]): a node that does not hash to its key with its
    /// trie's hash (Pedersen for the contracts and storage tries, Poseidon for the classes trie),
    /// roots that do not give the state root, leaf data that does not match.
    #[error("storage proof: {0}")]
    StorageProof(#[source] state::ProofError),
    /// The verification task panicked or was cancelled.
    #[cfg(feature = "fetch")]
    #[error("verification task failed")]
    VerifierTask(#[source] tokio::task::JoinError),
}
