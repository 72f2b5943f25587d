//! Storage proofs against a proven state root: how a light client reads the state.
//!
//! Once [`crate::verify_block`] has verified a block, its `output.new_state_root` is a state
//! root the client trusts; a `starknet_getStorageProof` answer for that block (from any node:
//! it is not trusted) then proves class leaves, contract states and storage values under it. The
//! check is the `state` crate's (`state::verify_storage_proof`, Starknet's commitment): the
//! contracts and storage tries' nodes must hash with Pedersen, the classes trie's with Poseidon.

use chain::Felt;
use chain::rpc::types::StorageProof;
pub use state::VerifiedStorageProof;

use crate::LightClientError;

/// Checks `proof`, the answer to a `starknet_getStorageProof` request for `class_hashes`,
/// `contract_addresses` and `contracts_storage_keys` (address and keys, each address also in
/// `contract_addresses`), against the trusted `state_root` and returns what it proves.
pub fn verify_storage_proof(
    proof: &StorageProof,
    state_root: Felt,
    class_hashes: &[Felt],
    contract_addresses: &[Felt],
    contracts_storage_keys: &[(Felt, Vec<Felt>)],
) -> Result<VerifiedStorageProof, LightClientError> {
    state::verify_storage_proof(
        proof,
        state_root,
        class_hashes,
        contract_addresses,
        contracts_storage_keys,
    )
    .map_err(LightClientError::StorageProof)
}
