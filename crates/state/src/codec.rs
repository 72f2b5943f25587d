//! Byte encodings of the values the backends store.

use chain::Felt;

use crate::error::StateError;
use crate::hash::{ContractState, StateRoots};

/// A felt as 32 big-endian bytes.
pub(crate) fn felt_to(felt: &Felt) -> [u8; 32] {
    felt.to_bytes_be()
}

/// A felt from 32 big-endian bytes; rejects other lengths and values not below the prime.
pub(crate) fn felt_from(bytes: &[u8]) -> Result<Felt, StateError> {
    let array: [u8; 32] = bytes.try_into().map_err(|_| StateError::Corrupt {
        table: "felt",
        detail: format!("{} bytes, expected 32", bytes.len()),
    })?;
    let felt = Felt::from_bytes_be(&array);
    if felt.to_bytes_be() != array {
        return Err(StateError::Corrupt { table: "felt", detail: "value above the prime".into() });
    }
    Ok(felt)
}

fn felts<const N: usize>(bytes: &[u8], table: &'static str) -> Result<[Felt; N], StateError> {
    if bytes.len() != 32 * N {
        return Err(StateError::Corrupt {
            table,
            detail: format!("{} bytes, expected {}", bytes.len(), 32 * N),
        });
    }
    let mut out = [Felt::ZERO; N];
    for (index, chunk) in bytes.chunks(32).enumerate() {
        out[index] = felt_from(chunk)?;
    }
    Ok(out)
}

pub(crate) fn encode_contract_state(state: &ContractState) -> Vec<u8> {
    [felt_to(&state.class_hash), felt_to(&state.storage_root), felt_to(&state.nonce)].concat()
}

pub(crate) fn decode_contract_state(bytes: &[u8]) -> Result<ContractState, StateError> {
    let [class_hash, storage_root, nonce] = felts::<3>(bytes, "contract_states")?;
    Ok(ContractState { class_hash, storage_root, nonce })
}

pub(crate) fn encode_roots(roots: &StateRoots) -> Vec<u8> {
    [felt_to(&roots.contracts_root), felt_to(&roots.classes_root)].concat()
}

pub(crate) fn decode_roots(bytes: &[u8]) -> Result<StateRoots, StateError> {
    let [contracts_root, classes_root] = felts::<2>(bytes, "roots")?;
    Ok(StateRoots { contracts_root, classes_root })
}

pub(crate) fn decode_felt(bytes: &[u8], table: &'static str) -> Result<Felt, StateError> {
    let [felt] = felts::<1>(bytes, table)?;
    Ok(felt)
}
