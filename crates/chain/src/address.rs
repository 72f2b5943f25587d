//! Contract addresses as Starknet computes them.
//!
//! `address = compute_hash_on_elements(["STARKNET_CONTRACT_ADDRESS", deployer_address, salt,
//! class_hash, compute_hash_on_elements(constructor_calldata)]) mod (2^251 - 256)` with the
//! Pedersen hash chain (cairo-lang `contract_address.py`). DEPLOY_ACCOUNT uses deployer 0.

use crate::Felt;

/// The contract address of a deployment (Starknet's `calculate_contract_address_from_hash`).
pub fn calculate_contract_address(
    salt: Felt,
    class_hash: Felt,
    constructor_calldata: &[Felt],
    deployer_address: Felt,
) -> Felt {
    starknet_core::utils::get_contract_address(
        salt,
        class_hash,
        constructor_calldata,
        deployer_address,
    )
}

/// `2^251 - 256`: addresses are reduced below this bound (so they fit in a storage key range
/// that leaves room for the protocol's reserved addresses).
pub fn address_upper_bound() -> Felt {
    Felt::TWO.pow(251u32) - Felt::from(256u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn address_is_below_bound() {
        let address = calculate_contract_address(
            Felt::from(1u64),
            Felt::from(2u64),
            &[Felt::from(3u64)],
            Felt::ZERO,
        );
        assert!(address.to_biguint() < address_upper_bound().to_biguint());
        // The calldata and the deployer are committed to.
        assert_ne!(
            address,
            calculate_contract_address(Felt::from(1u64), Felt::from(2u64), &[], Felt::ZERO)
        );
        assert_ne!(
            address,
            calculate_contract_address(
                Felt::from(1u64),
                Felt::from(2u64),
                &[Felt::from(3u64)],
                Felt::ONE
            )
        );
    }
}
