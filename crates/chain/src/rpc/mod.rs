//! Starknet JSON-RPC wire types and conversions from this crate's model.
//!
//! The wire types are `starknet-core` 0.16's ([`types`]), which is what `starknet-providers` 0.16
//! deserializes: serving exactly these shapes is what lets starknet-rs talk to our node. That is
//! JSON-RPC spec [`SPEC_VERSION`] (`PRE_CONFIRMED` block status, `l2_gas_price` in headers, three
//! resource bounds in v3 transactions, `getStorageProof`). Felts serialize as `0x`-prefixed hex.
//!
//! The 0.9 write API accepts only v3 transactions; [`broadcasted`] also parses the v1 shapes of
//! spec 0.7 (INVOKE, DEPLOY_ACCOUNT, DECLARE with a deprecated class) for older clients.

pub mod broadcasted;
pub mod convert;
pub mod error;

pub use starknet_core::types;

/// The JSON-RPC spec version these shapes follow, as `starknet_specVersion` returns it.
pub const SPEC_VERSION: &str = "0.9.0";

/// A `NODE_HASH_TO_NODE_MAPPING` of a storage proof: node hash → binary or edge node.
pub type NodeHashToNodeMapping =
    indexmap::IndexMap<crate::Felt, types::MerkleNode, std::hash::RandomState>;
