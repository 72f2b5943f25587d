//! Data model of the watcher-prover chain, a Starknet-stack validity chain.
//!
//! This crate has no prover or service dependencies. It defines:
//!
//! * [`Felt`], the Starknet field element (`starknet_types_core::felt::Felt` 0.2, the type cairo-vm
//!   uses), and short-string helpers ([`short_string`]);
//! * transactions ([`Transaction`]: INVOKE v1/v3, DEPLOY_ACCOUNT v1/v3, DECLARE v1 for
//!   deprecated Cairo 0 classes) with their hashes exactly as the Starknet protocol defines them
//!   ([`tx_hash`]), contract addresses ([`address`]) and Stark-curve signatures ([`signature`]);
//! * blocks ([`BlockHeader`]) with Starknet's block hash (protocol 0.13.4 on) and its
//!   transaction, event, receipt and state-diff commitments ([`block`], [`StateDiff`],
//!   [`starknet_commitments`]), which the Cairo OS recomputes and must agree with;
//! * receipts and events ([`receipt`]);
//! * Cairo 0 contract classes on the wire: class hash, compression and decompression
//!   ([`classes`]);
//! * the Starknet JSON-RPC wire types ([`rpc`]) of spec 0.9 and 0.10 ([`rpc::SpecVersion`]),
//!   with conversions from this model.
//!
//! Which hashes are Starknet's and which are this chain's own conventions is written next to each
//! formula: transaction hashes and contract addresses are Starknet's (checked against vectors from
//! cairo-lang); the block hash and the block commitments are Starknet's too (checked against
//! StarkWare's `starknet_api` and its vectors, `tests/starknet_block_hash.rs`); the only one of
//! ours is [`transaction_hashes_digest`], which the proof's public output carries for light
//! clients.

pub mod address;
pub mod block;
pub mod chain_id;
pub mod classes;
pub mod devnet_block_hash;
mod error;
pub mod public_output;
pub mod receipt;
pub mod resource;
pub mod rpc;
pub mod short_string;
pub mod signature;
pub mod starknet_commitments;
pub mod state_diff;
pub mod transaction;
pub mod tx_hash;

pub use address::calculate_contract_address;
pub use block::{
    BlockHeader, BodyCommitments, GasPrices, transaction_commitment, transaction_hashes_digest,
};
pub use chain_id::ChainId;
pub use error::ChainError;
pub use public_output::{BlockPublicOutput, FeeTokens, PublicOutputError};
pub use receipt::{Event, ExecutionResources, ExecutionStatus, MessageToL1, Receipt};
pub use resource::{DataAvailabilityMode, ResourceBounds, ResourceBoundsMapping};
pub use starknet_types_core::felt::Felt;
pub use state_diff::StateDiff;
pub use transaction::{
    DeclareV1, DeclareV2, DeclareV3, DeployAccountV1, DeployAccountV3, InvokeV1, InvokeV3,
    Transaction, TransactionKind,
};
