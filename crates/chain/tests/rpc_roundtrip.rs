//! JSON-RPC shapes: submitted transactions parse into the model with the right hash, and the
//! model's blocks, transactions, receipts and state diffs serialize to spec-0.9 JSON that
//! starknet-core (what starknet-rs clients use) reads back unchanged.

use chain::block::{L1DataAvailabilityMode, StarknetVersion};
use chain::receipt::{Fee, FeeUnit};
use chain::rpc::broadcasted::{BroadcastedTransaction, parse_broadcasted};
use chain::rpc::convert;
use chain::rpc::types as wire;
use chain::{
    BlockHeader, BodyCommitments, ChainError, ChainId, DeclareV1, DeployAccountV1, Event,
    ExecutionResources, ExecutionStatus, Felt, GasPrices, InvokeV1, InvokeV3, Receipt,
    ResourceBounds, ResourceBoundsMapping, StateDiff, Transaction, TransactionKind,
};
use serde_json::json;

fn felt(hex: &str) -> Felt {
    Felt::from_hex(hex).unwrap()
}

/// The INVOKE v3 of `tx_hash_vectors.rs` as starknet-rs 0.17 / spec 0.9 sends it.
fn invoke_v3_json() -> serde_json::Value {
    json!({
        "type": "INVOKE",
        "version": "0x3",
        "sender_address": "0x3f47d3911396b6d579fd7848cf576286ab6f96dda977915d6c7b10f3dd2315b",
        "calldata": ["0x1", "0x4c1337d55351eac9a0b74f3b8f0d3928e2bb781e5084686a892e66d49d510d", "0x5", "0x7", "0x0"],
        "signature": ["0x1", "0x2"],
        "nonce": "0x9",
        "resource_bounds": {
            "l1_gas": {"max_amount": "0x186a0", "max_price_per_unit": "0x5af3107a4000"},
            "l2_gas": {"max_amount": "0x3b9aca00", "max_price_per_unit": "0x2540be400"},
            "l1_data_gas": {"max_amount": "0x200", "max_price_per_unit": "0x38d7ea4c68000"}
        },
        "tip": "0x10",
        "paymaster_data": [],
        "account_deployment_data": [],
        "nonce_data_availability_mode": "L1",
        "fee_data_availability_mode": "L1"
    })
}

#[test]
fn broadcasted_v3_invoke_hashes_to_the_cairo_lang_vector() {
    let BroadcastedTransaction::Transaction(tx) = parse_broadcasted(&invoke_v3_json()).unwrap()
    else {
        panic!("expected a transaction");
    };
    assert!(!tx.is_query());
    assert_eq!(
        tx.hash(ChainId::SEPOLIA),
        felt("0x47a2c1288e917f4ab69fbf4318daa4a7b1228c6f840e53b6b6255350bdb026b")
    );
    let mut query = invoke_v3_json();
    query["version"] = json!("0x100000000000000000000000000000003");
    let BroadcastedTransaction::Transaction(tx) = parse_broadcasted(&query).unwrap() else {
        panic!("expected a transaction");
    };
    assert!(tx.is_query());
}

#[test]
fn broadcasted_v1_shapes_and_rejections() {
    let invoke = json!({
        "type": "INVOKE", "version": "0x100000000000000000000000000000001",
        "sender_address": "0x3f47d3911396b6d579fd7848cf576286ab6f96dda977915d6c7b10f3dd2315b",
        "calldata": ["0x1", "0x4c1337d55351eac9a0b74f3b8f0d3928e2bb781e5084686a892e66d49d510d", "0x5", "0x7", "0x0"],
        "max_fee": "0x0", "signature": [], "nonce": "0x0"
    });
    let BroadcastedTransaction::Transaction(tx) = parse_broadcasted(&invoke).unwrap() else {
        panic!("expected a transaction");
    };
    // Same vector as `invoke_v1_query_on_devnet` in tx_hash_vectors.rs.
    assert_eq!(
        tx.hash(ChainId::DEVNET),
        felt("0x2bc9aab31c554f53c566beccae31e5a6e4a87ff08d62190a9b1fda556dfd070")
    );
    let declare = json!({
        "type": "DECLARE", "version": "0x1", "sender_address": "0x1", "max_fee": "0x2",
        "signature": ["0x3"], "nonce": "0x4",
        "contract_class": {
            "program": "H4sIAAAAAAAA/6tWSs7PS8tMTy1RsqpWKi1OLYrPTFGyUkrOzytJzSsBAF/0gP8bAAAA",
            "entry_points_by_type": {"CONSTRUCTOR": [], "EXTERNAL": [], "L1_HANDLER": []}
        }
    });
    let BroadcastedTransaction::DeclareV1(declare) = parse_broadcasted(&declare).unwrap() else {
        panic!("expected a declare");
    };
    assert_eq!(declare.nonce, Felt::from(4u64));
    assert!(matches!(declare.into_transaction(Felt::ONE), Transaction::DeclareV1(_)));

    // Unknown versions, missing fields and garbage give errors, never panics.
    let mut bad = invoke_v3_json();
    bad["version"] = json!("0x2");
    assert!(matches!(parse_broadcasted(&bad), Err(ChainError::UnsupportedVersion { .. })));
    let mut bad = invoke_v3_json();
    bad.as_object_mut().unwrap().remove("nonce");
    assert!(matches!(parse_broadcasted(&bad), Err(ChainError::Json(_))));
    assert!(parse_broadcasted(&json!(42)).is_err());
    assert!(parse_broadcasted(&json!({"type": "INVOKE", "version": "zz"})).is_err());
}

fn sample_transactions() -> Vec<Transaction> {
    vec![
        Transaction::InvokeV1(InvokeV1 {
            sender_address: Felt::from(0x11u64),
            calldata: vec![Felt::ONE],
            max_fee: Felt::from(1000u64),
            signature: vec![Felt::TWO, Felt::THREE],
            nonce: Felt::ONE,
            is_query: false,
        }),
        Transaction::InvokeV3(InvokeV3 {
            sender_address: Felt::from(0x11u64),
            calldata: vec![Felt::ONE, Felt::TWO],
            nonce: Felt::TWO,
            resource_bounds: ResourceBoundsMapping {
                l1_gas: ResourceBounds { max_amount: 1, max_price_per_unit: 2 },
                l2_gas: ResourceBounds { max_amount: 3, max_price_per_unit: 4 },
                l1_data_gas: Some(ResourceBounds { max_amount: 5, max_price_per_unit: 6 }),
            },
            tip: 7,
            ..Default::default()
        }),
        Transaction::DeployAccountV1(DeployAccountV1 {
            class_hash: Felt::from(0xC1u64),
            contract_address_salt: Felt::from(9u64),
            constructor_calldata: vec![Felt::from(0x99u64)],
            max_fee: Felt::ZERO,
            signature: vec![],
            nonce: Felt::ZERO,
            is_query: false,
        }),
        Transaction::DeclareV1(DeclareV1 {
            sender_address: Felt::from(0x11u64),
            class_hash: Felt::from(0xC2u64),
            max_fee: Felt::ZERO,
            signature: vec![],
            nonce: Felt::THREE,
            is_query: false,
        }),
    ]
}

#[test]
fn transactions_roundtrip_through_the_wire() {
    for tx in sample_transactions() {
        let hash = tx.hash(ChainId::DEVNET);
        let wire_tx = convert::transaction_to_rpc(&tx, hash);
        let text = serde_json::to_string(&wire_tx).unwrap();
        let parsed: wire::Transaction = serde_json::from_str(&text).unwrap();
        assert_eq!(parsed, wire_tx);
        assert_eq!(convert::transaction_from_rpc(&parsed).unwrap(), (tx.clone(), hash));
        let value: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(value["type"], tx.kind().as_str());
        assert_eq!(value["version"], format!("{:#x}", tx.version()));
        assert_eq!(value["transaction_hash"], format!("{hash:#x}"));
    }
}

#[test]
fn block_with_receipts_and_state_update_shapes() {
    let transactions = sample_transactions();
    let hashes: Vec<Felt> = transactions.iter().map(|tx| tx.hash(ChainId::DEVNET)).collect();
    let receipts: Vec<Receipt> = transactions
        .iter()
        .zip(&hashes)
        .map(|(tx, hash)| Receipt {
            transaction_hash: *hash,
            kind: tx.kind(),
            actual_fee: Fee { amount: Felt::ZERO, unit: FeeUnit::Fri },
            execution_status: if tx.version() == 3 {
                ExecutionStatus::Reverted { reason: "out of gas".into() }
            } else {
                ExecutionStatus::Succeeded
            },
            events: vec![Event { from_address: Felt::ONE, keys: vec![Felt::TWO], data: vec![] }],
            messages_sent: vec![],
            execution_resources: ExecutionResources {
                l2_gas: 10,
                steps: 100,
                ..Default::default()
            },
            contract_address: (tx.kind() == TransactionKind::DeployAccount)
                .then(|| tx.sender_address()),
        })
        .collect();
    let mut diff = StateDiff::default();
    diff.set_storage(Felt::ONE, Felt::TWO, Felt::THREE);
    diff.nonces.insert(Felt::from(0x11u64), Felt::from(4u64));
    diff.deprecated_declared_classes.insert(Felt::from(0xC2u64));
    let signed: Vec<(Felt, &[Felt])> =
        transactions.iter().zip(&hashes).map(|(tx, hash)| (*hash, tx.signature())).collect();
    let header = BlockHeader::new(
        1,
        Felt::from(0xAAu64),
        1_700_000_000,
        Felt::from(0x5eu64),
        Felt::from(0xBBu64),
        BodyCommitments::of_block(&signed, &receipts, &diff),
        GasPrices { l2_gas_price_fri: 1, ..Default::default() },
        L1DataAvailabilityMode::Blob,
        StarknetVersion::current(),
    );
    let pairs: Vec<(Transaction, Receipt)> =
        transactions.into_iter().zip(receipts.iter().cloned()).collect();
    let block =
        convert::block_with_receipts(&header, wire::BlockStatus::AcceptedOnL2, &pairs).unwrap();
    let value = serde_json::to_value(&block).unwrap();
    assert_eq!(value["status"], "ACCEPTED_ON_L2");
    assert_eq!(value["block_hash"], format!("{:#x}", header.hash()));
    assert_eq!(value["new_root"], "0xbb");
    assert_eq!(value["l1_da_mode"], "BLOB");
    assert_eq!(value["l2_gas_price"]["price_in_fri"], "0x1");
    assert_eq!(value["starknet_version"], "0.14.4");
    assert_eq!(value["transactions"][1]["receipt"]["execution_status"], "REVERTED");
    assert_eq!(value["transactions"][1]["receipt"]["revert_reason"], "out of gas");
    assert_eq!(value["transactions"][2]["receipt"]["type"], "DEPLOY_ACCOUNT");
    assert_eq!(value["transactions"][0]["receipt"]["actual_fee"]["unit"], "FRI");
    let parsed: wire::BlockWithReceipts = serde_json::from_value(value).unwrap();
    assert_eq!(parsed, block);

    // A DEPLOY_ACCOUNT receipt without its address is refused, not invented.
    let mut broken = receipts[2].clone();
    broken.contract_address = None;
    assert!(matches!(
        convert::receipt_to_rpc(&broken, wire::TransactionFinalityStatus::AcceptedOnL2),
        Err(ChainError::Inconsistent(_))
    ));

    let update = convert::state_update(header.hash(), Felt::ZERO, header.state_root, &diff);
    let value = serde_json::to_value(&update).unwrap();
    assert_eq!(value["state_diff"]["storage_diffs"][0]["storage_entries"][0]["value"], "0x3");
    assert_eq!(value["state_diff"]["deprecated_declared_classes"][0], "0xc2");
    let parsed: wire::StateUpdate = serde_json::from_value(value).unwrap();
    assert_eq!(convert::state_diff_from_rpc(&parsed.state_diff), diff);

    let hashes_block =
        convert::block_with_tx_hashes(&header, wire::BlockStatus::AcceptedOnL2, hashes.clone());
    let value = serde_json::to_value(&hashes_block).unwrap();
    assert_eq!(value["transactions"][0], format!("{:#x}", hashes[0]));
}
