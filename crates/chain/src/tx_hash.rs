//! Transaction hashes exactly as the Starknet protocol defines them.
//!
//! * v1 (deprecated scheme, Pedersen): `h = compute_hash_on_elements([prefix, version,
//!   address, entry_point_selector = 0, compute_hash_on_elements(calldata), max_fee, chain_id,
//!   ...additional])`, where `compute_hash_on_elements(xs) = pedersen(...pedersen(pedersen(0,
//!   x0), x1)..., len(xs))`. INVOKE: address = sender, calldata = calldata, additional =
//!   `[nonce]`. DEPLOY_ACCOUNT: address = the new contract's address, calldata = `[class_hash,
//!   salt, ...constructor_calldata]`, additional = `[nonce]`. DECLARE v1: address = sender,
//!   calldata = `[class_hash]`, additional = `[nonce]`. DECLARE v2: as v1, additional =
//!   `[nonce, compiled_class_hash]`.
//! * v3 (Poseidon): `poseidon_hash_many([prefix, version, address, fee_fields_hash,
//!   poseidon_hash_many(paymaster_data), chain_id, nonce, nonce_da_mode << 32 | fee_da_mode,
//!   ...specific])` with `fee_fields_hash = poseidon_hash_many([tip, ...encoded resource
//!   bounds])` (see [`ResourceBounds::encode`](crate::ResourceBounds::encode)). INVOKE specific:
//!   `[poseidon_hash_many(account_deployment_data), poseidon_hash_many(calldata)]`.
//!   DEPLOY_ACCOUNT specific: `[poseidon_hash_many(constructor_calldata), class_hash, salt]`.
//!   DECLARE specific: `[poseidon_hash_many(account_deployment_data), class_hash,
//!   compiled_class_hash]`.
//!
//! Prefixes are the short strings `"invoke"`, `"deploy_account"` and `"declare"`. The version
//! is `v`, or `2^128 + v` for query-only transactions. Source: cairo-lang
//! `starkware/starknet/core/os/transaction_hash/{deprecated_,}transaction_hash.py`; the tests
//! check vectors computed with those functions.

use starknet_core::crypto::compute_hash_on_elements;
use starknet_crypto::poseidon_hash_many;

use crate::resource::{ResourceBoundsMapping, encode_data_availability_modes};
use crate::transaction::version_felt;
use crate::{
    ChainId, DataAvailabilityMode, DeclareV1, DeclareV2, DeclareV3, DeployAccountV1,
    DeployAccountV3, Felt, InvokeV1, InvokeV3, address, short_string,
};

/// `"invoke"` as a felt.
pub fn invoke_prefix() -> Felt {
    short_string::encode_const("invoke")
}

/// `"deploy_account"` as a felt.
pub fn deploy_account_prefix() -> Felt {
    short_string::encode_const("deploy_account")
}

/// `"declare"` as a felt.
pub fn declare_prefix() -> Felt {
    short_string::encode_const("declare")
}

/// Hash of an INVOKE v1 transaction.
pub fn invoke_v1(tx: &InvokeV1, chain_id: ChainId) -> Felt {
    deprecated_common(
        invoke_prefix(),
        version_felt(1, tx.is_query),
        tx.sender_address,
        &tx.calldata,
        tx.max_fee,
        chain_id,
        tx.nonce,
    )
}

/// Hash of a DEPLOY_ACCOUNT v1 transaction.
pub fn deploy_account_v1(tx: &DeployAccountV1, chain_id: ChainId) -> Felt {
    let contract_address = address::calculate_contract_address(
        tx.contract_address_salt,
        tx.class_hash,
        &tx.constructor_calldata,
        Felt::ZERO,
    );
    let mut calldata = Vec::with_capacity(tx.constructor_calldata.len() + 2);
    calldata.push(tx.class_hash);
    calldata.push(tx.contract_address_salt);
    calldata.extend_from_slice(&tx.constructor_calldata);
    deprecated_common(
        deploy_account_prefix(),
        version_felt(1, tx.is_query),
        contract_address,
        &calldata,
        tx.max_fee,
        chain_id,
        tx.nonce,
    )
}

/// Hash of a DECLARE v1 transaction (deprecated class).
pub fn declare_v1(tx: &DeclareV1, chain_id: ChainId) -> Felt {
    deprecated_common(
        declare_prefix(),
        version_felt(1, tx.is_query),
        tx.sender_address,
        &[tx.class_hash],
        tx.max_fee,
        chain_id,
        tx.nonce,
    )
}

/// Hash of a DECLARE v2 transaction (Sierra class, deprecated hash scheme): v1's fields, then
/// the compiled class hash.
pub fn declare_v2(tx: &DeclareV2, chain_id: ChainId) -> Felt {
    compute_hash_on_elements(&[
        declare_prefix(),
        version_felt(2, tx.is_query),
        tx.sender_address,
        Felt::ZERO,
        compute_hash_on_elements(&[tx.class_hash]),
        tx.max_fee,
        chain_id.as_felt(),
        tx.nonce,
        tx.compiled_class_hash,
    ])
}

/// Hash of an INVOKE v3 transaction.
pub fn invoke_v3(tx: &InvokeV3, chain_id: ChainId) -> Felt {
    let specific =
        [poseidon_hash_many(&tx.account_deployment_data), poseidon_hash_many(&tx.calldata)];
    v3_common(
        V3Common {
            prefix: invoke_prefix(),
            version: version_felt(3, tx.is_query),
            address: tx.sender_address,
            tip: tx.tip,
            resource_bounds: &tx.resource_bounds,
            paymaster_data: &tx.paymaster_data,
            nonce: tx.nonce,
            nonce_data_availability_mode: tx.nonce_data_availability_mode,
            fee_data_availability_mode: tx.fee_data_availability_mode,
        },
        chain_id,
        &specific,
    )
}

/// Hash of a DEPLOY_ACCOUNT v3 transaction.
pub fn deploy_account_v3(tx: &DeployAccountV3, chain_id: ChainId) -> Felt {
    let contract_address = address::calculate_contract_address(
        tx.contract_address_salt,
        tx.class_hash,
        &tx.constructor_calldata,
        Felt::ZERO,
    );
    let specific =
        [poseidon_hash_many(&tx.constructor_calldata), tx.class_hash, tx.contract_address_salt];
    v3_common(
        V3Common {
            prefix: deploy_account_prefix(),
            version: version_felt(3, tx.is_query),
            address: contract_address,
            tip: tx.tip,
            resource_bounds: &tx.resource_bounds,
            paymaster_data: &tx.paymaster_data,
            nonce: tx.nonce,
            nonce_data_availability_mode: tx.nonce_data_availability_mode,
            fee_data_availability_mode: tx.fee_data_availability_mode,
        },
        chain_id,
        &specific,
    )
}

/// Hash of a DECLARE v3 transaction (Sierra class).
pub fn declare_v3(tx: &DeclareV3, chain_id: ChainId) -> Felt {
    let specific =
        [poseidon_hash_many(&tx.account_deployment_data), tx.class_hash, tx.compiled_class_hash];
    v3_common(
        V3Common {
            prefix: declare_prefix(),
            version: version_felt(3, tx.is_query),
            address: tx.sender_address,
            tip: tx.tip,
            resource_bounds: &tx.resource_bounds,
            paymaster_data: &tx.paymaster_data,
            nonce: tx.nonce,
            nonce_data_availability_mode: tx.nonce_data_availability_mode,
            fee_data_availability_mode: tx.fee_data_availability_mode,
        },
        chain_id,
        &specific,
    )
}

/// The Pedersen hash chain shared by all v1 transactions.
fn deprecated_common(
    prefix: Felt,
    version: Felt,
    address: Felt,
    calldata: &[Felt],
    max_fee: Felt,
    chain_id: ChainId,
    nonce: Felt,
) -> Felt {
    let entry_point_selector = Felt::ZERO;
    compute_hash_on_elements(&[
        prefix,
        version,
        address,
        entry_point_selector,
        compute_hash_on_elements(calldata),
        max_fee,
        chain_id.as_felt(),
        nonce,
    ])
}

/// Fields shared by all v3 transaction hashes.
struct V3Common<'a> {
    prefix: Felt,
    version: Felt,
    address: Felt,
    tip: u64,
    resource_bounds: &'a ResourceBoundsMapping,
    paymaster_data: &'a [Felt],
    nonce: Felt,
    nonce_data_availability_mode: DataAvailabilityMode,
    fee_data_availability_mode: DataAvailabilityMode,
}

/// `poseidon_hash_many([tip, ...encoded resource bounds])`.
pub fn fee_fields_hash(tip: u64, resource_bounds: &ResourceBoundsMapping) -> Felt {
    let mut fields = vec![Felt::from(tip)];
    fields.extend(resource_bounds.encoded());
    poseidon_hash_many(&fields)
}

fn v3_common(common: V3Common<'_>, chain_id: ChainId, specific: &[Felt]) -> Felt {
    let mut elements = vec![
        common.prefix,
        common.version,
        common.address,
        fee_fields_hash(common.tip, common.resource_bounds),
        poseidon_hash_many(common.paymaster_data),
        chain_id.as_felt(),
        common.nonce,
        encode_data_availability_modes(
            common.nonce_data_availability_mode,
            common.fee_data_availability_mode,
        ),
    ];
    elements.extend_from_slice(specific);
    poseidon_hash_many(&elements)
}
