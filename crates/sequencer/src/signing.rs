//! Signed transactions in their JSON-RPC shape, for the tools that drive a devnet (the CLI's
//! `load` and `declare`, tests): INVOKE v3 from an account, DECLARE v3 of a Sierra class, and
//! DECLARE v1 of a Cairo 0 class as spec 0.7 defined it (which starknet-rs 0.16 no longer
//! builds).

use chain::rpc::convert::resource_bounds_to_rpc;
use chain::rpc::types::{
    BroadcastedDeclareTransactionV3, BroadcastedInvokeTransactionV3, BroadcastedTransaction,
    DataAvailabilityMode, FlattenedSierraClass,
};
use chain::signature::sign_hash;
use chain::{
    ChainId, DeclareV1, DeclareV3, Felt, InvokeV3, ResourceBounds, ResourceBoundsMapping,
    Transaction,
};
use serde_json::{Value, json};

use crate::SequencerError;
use crate::classes::{DeclaredClass, compress};

/// L2 gas bound of the transactions built here: it covers the execution (on a devnet with fees,
/// the price bound is 0, so these transactions are for a devnet without them).
pub const L2_GAS_BOUND: u64 = 100_000_000;

fn sign(private_key: &Felt, hash: &Felt) -> Result<Vec<Felt>, SequencerError> {
    sign_hash(private_key, hash)
        .map(|signature| signature.to_vec())
        .map_err(|error| SequencerError::ValidationFailure(error.to_string()))
}

/// The legacy (Cairo 0) `__execute__` calldata of one call:
/// `[1, to, selector, data_offset = 0, data_len, data_len, ...data]`.
pub fn single_call_calldata(to: Felt, selector: Felt, data: &[Felt]) -> Vec<Felt> {
    let len = Felt::from(data.len());
    let mut calldata = vec![Felt::ONE, to, selector, Felt::ZERO, len, len];
    calldata.extend_from_slice(data);
    calldata
}

/// A signed INVOKE v3 (zero prices, [`L2_GAS_BOUND`]): its hash and its `BROADCASTED_TXN`.
pub fn invoke_v3(
    chain_id: ChainId,
    sender_address: Felt,
    private_key: &Felt,
    nonce: Felt,
    calldata: Vec<Felt>,
) -> Result<(Felt, Value), SequencerError> {
    invoke_v3_bounded(chain_id, sender_address, private_key, nonce, calldata, bounds())
}

/// [`invoke_v3`] with `resource_bounds` (a devnet with fees wants prices at least the block's).
pub fn invoke_v3_bounded(
    chain_id: ChainId,
    sender_address: Felt,
    private_key: &Felt,
    nonce: Felt,
    calldata: Vec<Felt>,
    resource_bounds: ResourceBoundsMapping,
) -> Result<(Felt, Value), SequencerError> {
    let mut tx =
        InvokeV3 { sender_address, calldata, nonce, resource_bounds, ..InvokeV3::default() };
    let hash = Transaction::InvokeV3(tx.clone()).hash(chain_id);
    tx.signature = sign(private_key, &hash)?;
    let wire = BroadcastedTransaction::Invoke(BroadcastedInvokeTransactionV3 {
        sender_address: tx.sender_address,
        calldata: tx.calldata,
        signature: tx.signature,
        nonce: tx.nonce,
        resource_bounds: resource_bounds_to_rpc(&tx.resource_bounds),
        tip: 0,
        paymaster_data: vec![],
        account_deployment_data: vec![],
        nonce_data_availability_mode: DataAvailabilityMode::L1,
        fee_data_availability_mode: DataAvailabilityMode::L1,
        is_query: false,
    });
    let value = serde_json::to_value(wire)
        .map_err(|error| SequencerError::ValidationFailure(error.to_string()))?;
    Ok((hash, value))
}

/// Zero prices and [`L2_GAS_BOUND`].
fn bounds() -> ResourceBoundsMapping {
    let bound = |max_amount| ResourceBounds { max_amount, max_price_per_unit: 0 };
    ResourceBoundsMapping {
        l1_gas: bound(0),
        l2_gas: bound(L2_GAS_BOUND),
        l1_data_gas: Some(bound(0)),
    }
}

/// A signed DECLARE v3 of the Sierra `class` compiling to `compiled_class_hash` (zero prices,
/// [`L2_GAS_BOUND`]): its hash and its `BROADCASTED_TXN`.
pub fn declare_v3(
    chain_id: ChainId,
    sender_address: Felt,
    private_key: &Felt,
    nonce: Felt,
    class: &FlattenedSierraClass,
    compiled_class_hash: Felt,
) -> Result<(Felt, Value), SequencerError> {
    let mut tx = DeclareV3 {
        sender_address,
        class_hash: class.class_hash(),
        compiled_class_hash,
        nonce,
        resource_bounds: bounds(),
        ..DeclareV3::default()
    };
    let hash = Transaction::DeclareV3(tx.clone()).hash(chain_id);
    tx.signature = sign(private_key, &hash)?;
    let wire = BroadcastedTransaction::Declare(BroadcastedDeclareTransactionV3 {
        sender_address: tx.sender_address,
        compiled_class_hash: tx.compiled_class_hash,
        signature: tx.signature,
        nonce: tx.nonce,
        contract_class: std::sync::Arc::new(class.clone()),
        resource_bounds: resource_bounds_to_rpc(&tx.resource_bounds),
        tip: 0,
        paymaster_data: vec![],
        account_deployment_data: vec![],
        nonce_data_availability_mode: DataAvailabilityMode::L1,
        fee_data_availability_mode: DataAvailabilityMode::L1,
        is_query: false,
    });
    let value = serde_json::to_value(wire)
        .map_err(|error| SequencerError::ValidationFailure(error.to_string()))?;
    Ok((hash, value))
}

/// A signed DECLARE v1 of `class` (max_fee 0): its hash and its `BROADCASTED_TXN`.
pub fn declare_v1(
    chain_id: ChainId,
    sender_address: Felt,
    private_key: &Felt,
    nonce: Felt,
    class: &DeclaredClass,
) -> Result<(Felt, Value), SequencerError> {
    let declare = DeclareV1 {
        sender_address,
        class_hash: class.class_hash,
        max_fee: Felt::ZERO,
        signature: vec![],
        nonce,
        is_query: false,
    };
    let hash = Transaction::DeclareV1(declare.clone()).hash(chain_id);
    let signature = sign(private_key, &hash)?;
    let value = json!({
        "type": "DECLARE",
        "version": "0x1",
        "sender_address": declare.sender_address,
        "max_fee": declare.max_fee,
        "signature": signature,
        "nonce": declare.nonce,
        "contract_class": compress(&class.class)?,
    });
    Ok((hash, value))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chain::rpc::broadcasted::{BroadcastedTransaction as Parsed, parse_broadcasted};

    #[test]
    fn built_transactions_parse_back_with_the_same_hash() {
        let key = Felt::from(0x1234u64);
        let account = Felt::from(0xacc0u64);
        let calldata = single_call_calldata(Felt::TWO, Felt::THREE, &[Felt::from(10u64)]);
        assert_eq!(calldata.len(), 7);
        let (hash, value) = invoke_v3(ChainId::DEVNET, account, &key, Felt::ONE, calldata).unwrap();
        let Parsed::Transaction(parsed) = parse_broadcasted(&value).unwrap() else { panic!() };
        assert_eq!(parsed.hash(ChainId::DEVNET), hash);
        let public = chain::signature::public_key(&key);
        assert!(chain::signature::verify_hash(&public, &hash, parsed.signature()));

        let classes = crate::classes::BundledClasses::load().unwrap();
        let (hash, value) =
            declare_v1(ChainId::DEVNET, account, &key, Felt::TWO, &classes.factorial).unwrap();
        let Parsed::DeclareV1(declare) = parse_broadcasted(&value).unwrap() else { panic!() };
        let rebuilt = crate::classes::decompress(&declare.contract_class).unwrap();
        assert_eq!(rebuilt.class_hash, classes.factorial.class_hash);
        assert_eq!(declare.into_transaction(rebuilt.class_hash).hash(ChainId::DEVNET), hash);
    }
}
