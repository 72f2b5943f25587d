//! Starknet JSON-RPC wire types and conversions from this crate's model, for spec 0.9 and 0.10
//! ([`SpecVersion`]).
//!
//! The wire types are `starknet-core` 0.16's ([`types`]), which is what `starknet-providers` 0.16
//! deserializes: serving exactly these shapes is what lets starknet-rs talk to our node. They are
//! JSON-RPC spec 0.9's (`PRE_CONFIRMED` block status, `l2_gas_price` in headers, three resource
//! bounds in v3 transactions, `getStorageProof`). Felts serialize as `0x`-prefixed hex.
//!
//! Spec 0.10 adds fields to some of these shapes (the block header's commitments and counts,
//! [`header`]; an emitted event's `transaction_index` and `event_index`; an INVOKE v3's
//! `proof_facts` on request) and optional params to some methods. The 0.9 types ignore unknown
//! fields, so they decode a 0.10 answer too; the additions are read and written apart.
//!
//! The 0.9 write API accepts only v3 transactions; [`broadcasted`] also parses the v1 shapes of
//! spec 0.7 (INVOKE, DEPLOY_ACCOUNT, DECLARE with a deprecated class) for older clients.

pub mod broadcasted;
pub mod convert;
pub mod error;
pub mod header;
pub mod initial_reads;
pub mod version;

pub use header::HeaderCommitments;
pub use initial_reads::InitialReads;
pub use starknet_core::types;
pub use version::SpecVersion;

/// A `NODE_HASH_TO_NODE_MAPPING` of a storage proof: node hash → binary or edge node.
pub type NodeHashToNodeMapping =
    indexmap::IndexMap<crate::Felt, types::MerkleNode, std::hash::RandomState>;
