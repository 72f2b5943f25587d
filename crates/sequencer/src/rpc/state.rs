//! State reads: `getStorageAt`, `getNonce`, `getClassHashAt`, `getClass`, `getClassAt`,
//! `getStorageProof`. Reads at `pre_confirmed` see the latest block, except `getNonce`, which
//! also counts the account's transactions waiting in the mempool (see [`Node::next_nonce`]).
//! On the 0.10 path `getStorageAt` takes `response_flags` ([`super::flags`]).

use chain::Felt;
use chain::rpc::SpecVersion;
use chain::rpc::types::requests::{
    GetClassAtRequest, GetClassHashAtRequest, GetClassRequest, GetNonceRequest,
    GetStorageProofRequest,
};
use chain::rpc::types::{BlockId, BlockTag, ContractClass};
use jsonrpsee::types::{ErrorObjectOwned, Params};
use serde_json::{Value, json as json_value};

use super::blocks::{committed, confirmed_block, json, state_block};
use super::errors::from_node;
use super::flags::{INCLUDE_LAST_UPDATE_BLOCK, has_flag};
use super::params::{parse, required, values, versioned};
use crate::SequencerError;
use crate::classes::compress;
use crate::node::Node;

/// The class hash at `address` after `block`, or CONTRACT_NOT_FOUND.
fn deployed(node: &Node, address: &Felt, block: u64) -> Result<Felt, SequencerError> {
    let class_hash = node.store().class_hash_at(address, block)?;
    if class_hash == Felt::ZERO {
        return Err(SequencerError::ContractNotFound(*address));
    }
    Ok(class_hash)
}

/// `starknet_getStorageAt`. With `INCLUDE_LAST_UPDATE_BLOCK` (0.10) the answer is
/// `{value, last_update_block}`: the last block at or below the one read that wrote the slot,
/// 0 if none did.
pub fn storage_at(
    node: &Node,
    params: &Params<'_>,
    version: SpecVersion,
) -> Result<Value, ErrorObjectOwned> {
    let names = ["contract_address", "key", "block_id"];
    let mut values = versioned(params, version, &names, &["response_flags"])?.into_iter();
    let address: Felt = required(values.next().unwrap_or_default(), "contract_address")?;
    let key: Felt = required(values.next().unwrap_or_default(), "key")?;
    let block_id: BlockId = required(values.next().unwrap_or_default(), "block_id")?;
    let with_block = has_flag(values.next().unwrap_or_default(), INCLUDE_LAST_UPDATE_BLOCK)?;
    let block = state_block(node, &block_id).map_err(from_node)?;
    deployed(node, &address, block).map_err(from_node)?;
    let last_write = node.store().storage_last_write(&address, &key, block).map_err(from_node)?;
    let (last_update_block, value) = last_write.unwrap_or((0, Felt::ZERO));
    if with_block {
        Ok(json_value!({ "value": value, "last_update_block": last_update_block }))
    } else {
        json(value)
    }
}

/// `starknet_getNonce`.
pub fn nonce(node: &Node, params: &Params<'_>, _: SpecVersion) -> Result<Value, ErrorObjectOwned> {
    let request = parse::<GetNonceRequest>(params)?;
    let block = state_block(node, &request.block_id).map_err(from_node)?;
    deployed(node, &request.contract_address, block).map_err(from_node)?;
    let nonce = if request.block_id == BlockId::Tag(BlockTag::PreConfirmed) {
        node.next_nonce(&request.contract_address)
    } else {
        node.store().nonce_at(&request.contract_address, block)
    };
    json(nonce.map_err(from_node)?)
}

/// `starknet_getClassHashAt`.
pub fn class_hash_at(
    node: &Node,
    params: &Params<'_>,
    _: SpecVersion,
) -> Result<Value, ErrorObjectOwned> {
    let request = parse::<GetClassHashAtRequest>(params)?;
    let block = state_block(node, &request.block_id).map_err(from_node)?;
    json(deployed(node, &request.contract_address, block).map_err(from_node)?)
}

fn class_at_block(node: &Node, class_hash: Felt, block: u64) -> Result<Value, ErrorObjectOwned> {
    let declared_at = node.store().class_declared_at(&class_hash).map_err(from_node)?;
    if declared_at.is_none_or(|declared| declared > block) {
        return Err(from_node(SequencerError::ClassNotFound(class_hash)));
    }
    match declared_class(node, class_hash)? {
        chain::classes::ContractClass::Legacy(class) => {
            json(ContractClass::Legacy(compress(&class).map_err(|error| from_node(error.into()))?))
        }
        chain::classes::ContractClass::Sierra(class) => {
            json(ContractClass::Sierra(std::sync::Arc::unwrap_or_clone(class)))
        }
    }
}

/// The definition of a declared class (of any block).
fn declared_class(
    node: &Node,
    class_hash: Felt,
) -> Result<chain::classes::ContractClass, ErrorObjectOwned> {
    node.store()
        .class(&class_hash, false)
        .map_err(from_node)?
        .ok_or_else(|| from_node(SequencerError::ClassNotFound(class_hash)))
}

/// `starknet_getCompiledCasm`: the CASM a declared Sierra class compiles to (the node's
/// compiler, the one whose hash the state commits to; compiled once and kept by the executor,
/// which runs the class from the same compilation). A Cairo 0 class has none:
/// CLASS_HASH_NOT_FOUND.
pub fn compiled_casm(
    node: &Node,
    params: &Params<'_>,
    _: SpecVersion,
) -> Result<Value, ErrorObjectOwned> {
    let [class_hash] = <[Value; 1]>::try_from(values(params, &["class_hash"])?)
        .map_err(|_| super::errors::invalid_params("one param expected"))?;
    let class_hash: Felt = required(class_hash, "class_hash")?;
    match declared_class(node, class_hash)? {
        chain::classes::ContractClass::Sierra(class) => {
            node.executor().compiled_casm(class_hash, class).map_err(from_node)
        }
        chain::classes::ContractClass::Legacy(_) => {
            Err(from_node(SequencerError::ClassNotFound(class_hash)))
        }
    }
}

/// `starknet_getClass`.
pub fn class(node: &Node, params: &Params<'_>, _: SpecVersion) -> Result<Value, ErrorObjectOwned> {
    let request = parse::<GetClassRequest>(params)?;
    let block = state_block(node, &request.block_id).map_err(from_node)?;
    class_at_block(node, request.class_hash, block)
}

/// `starknet_getClassAt`.
pub fn class_at(
    node: &Node,
    params: &Params<'_>,
    _: SpecVersion,
) -> Result<Value, ErrorObjectOwned> {
    let request = parse::<GetClassAtRequest>(params)?;
    let block = state_block(node, &request.block_id).map_err(from_node)?;
    let class_hash = deployed(node, &request.contract_address, block).map_err(from_node)?;
    class_at_block(node, class_hash, block)
}

/// `starknet_getStorageProof` (needs the state commitment: STORAGE_PROOF_NOT_SUPPORTED when
/// it is off).
pub fn storage_proof(
    node: &Node,
    params: &Params<'_>,
    _: SpecVersion,
) -> Result<Value, ErrorObjectOwned> {
    let request = parse::<GetStorageProofRequest>(params)?;
    let commitment =
        node.commitment().ok_or_else(|| from_node(SequencerError::StorageProofNotSupported))?;
    let number = confirmed_block(node, &request.block_id).map_err(from_node)?;
    let block = committed(node, number).map_err(from_node)?;
    let storage_keys: Vec<(Felt, Vec<Felt>)> = request
        .contracts_storage_keys
        .unwrap_or_default()
        .into_iter()
        .map(|keys| (keys.contract_address, keys.storage_keys))
        .collect();
    let proof = commitment
        .storage_proof(
            number,
            block.block_hash,
            &request.class_hashes.unwrap_or_default(),
            &request.contract_addresses.unwrap_or_default(),
            &storage_keys,
        )
        .map_err(|error| from_node(error.into()))?;
    json(proof)
}
