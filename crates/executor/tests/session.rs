//! Replays the execution session of `vectors.json` (run by cairo-lang's own deprecated executor)
//! and checks events, return data, transaction hashes and the state diff against it, then
//! commits the diff with `state::State`.

mod common;

use std::collections::BTreeMap;
use std::sync::Arc;

use chain::resource::{DataAvailabilityMode, ResourceBounds, ResourceBoundsMapping};
use chain::{Event, Felt, InvokeV1, InvokeV3, Transaction};
use common::*;
use executor::{BundledClasses, ClassCache, ExecutableTransaction, Executor};
use serde_json::Value;
use state::{MemoryBackend, State};

fn events(value: &Value) -> Vec<Event> {
    value
        .as_array()
        .unwrap()
        .iter()
        .map(|event| Event {
            from_address: felt(&event["from_address"]),
            keys: felts(&event["keys"]),
            data: felts(&event["data"]),
        })
        .collect()
}

fn invoke_v1(name: &str) -> Transaction {
    let v = &vectors()["transactions"][name];
    Transaction::InvokeV1(InvokeV1 {
        sender_address: felt(&v["sender_address"]),
        calldata: felts(&v["calldata"]),
        max_fee: felt(&v["max_fee"]),
        signature: felts(&v["signature"]),
        nonce: felt(&v["nonce"]),
        is_query: false,
    })
}

fn invoke_v3_multicall() -> Transaction {
    let v = &vectors()["transactions"]["invoke_v3_multicall"];
    let bound = |name: &str| ResourceBounds {
        max_amount: u64::try_from(felt(&v["resource_bounds"][name]["max_amount"])).unwrap(),
        max_price_per_unit: u128::try_from(felt(&v["resource_bounds"][name]["max_price_per_unit"]))
            .unwrap(),
    };
    Transaction::InvokeV3(InvokeV3 {
        sender_address: felt(&v["sender_address"]),
        calldata: felts(&v["calldata"]),
        signature: felts(&v["signature"]),
        nonce: felt(&v["nonce"]),
        resource_bounds: ResourceBoundsMapping {
            l1_gas: bound("L1_GAS"),
            l2_gas: bound("L2_GAS"),
            l1_data_gas: Some(bound("L1_DATA_GAS")),
        },
        tip: 0,
        paymaster_data: vec![],
        account_deployment_data: vec![],
        nonce_data_availability_mode: DataAvailabilityMode::L1,
        fee_data_availability_mode: DataAvailabilityMode::L1,
        is_query: false,
    })
}

#[test]
fn bundled_class_hashes_match_cairo_lang() {
    let bundled = BundledClasses::load().unwrap();
    let expected = &vectors()["class_hashes"];
    assert_eq!(bundled.account.class_hash(), felt(&expected["account"]));
    assert_eq!(bundled.erc20.class_hash(), felt(&expected["erc20"]));
    assert_eq!(bundled.fibonacci.class_hash(), felt(&expected["fibonacci"]));
    assert_eq!(bundled.factorial.class_hash(), felt(&expected["factorial"]));
}

#[test]
fn vectors_session_replays_identically() {
    let vectors = vectors();
    let steps = vectors["execution"]["steps"].as_array().unwrap();
    let bundled = BundledClasses::load().unwrap();
    let classes = ClassCache::with_bundled(&bundled);
    let state = State::new(MemoryBackend::new());
    let executor = Executor::default();
    let snapshot = state.latest_snapshot().unwrap();
    let mut block = executor.begin_block(session_block(), &snapshot, &classes).unwrap();
    for class in bundled.all() {
        block.declare_system_class(Arc::clone(class)).unwrap();
    }

    // Genesis deployments (cairo-lang `InternalDeploy`).
    let addresses = &vectors["addresses"];
    let erc20 = block
        .deploy_system_contract(bundled.erc20.class_hash(), Felt::ONE, &erc20_calldata())
        .unwrap();
    assert_eq!(erc20.address, felt(&addresses["erc20"]["address"]));
    assert_eq!(erc20.events, events(&steps[0]["events"]));
    let fibonacci =
        block.deploy_system_contract(bundled.fibonacci.class_hash(), Felt::TWO, &[]).unwrap();
    assert_eq!(fibonacci.address, felt(&addresses["fibonacci"]["address"]));
    let factorial =
        block.deploy_system_contract(bundled.factorial.class_hash(), Felt::THREE, &[]).unwrap();
    assert_eq!(factorial.address, felt(&addresses["factorial"]["address"]));

    // DEPLOY_ACCOUNT v1, INVOKE v1 transfer, INVOKE v1 multicall, with cairo-lang's signatures.
    let transactions =
        [deploy_account_tx(), invoke_v1("invoke_v1_transfer"), invoke_v1("invoke_v1_multicall")];
    for (tx, step) in transactions.into_iter().zip(&steps[3..6]) {
        let tx = ExecutableTransaction::new(tx, chain_id());
        assert_eq!(tx.transaction_hash, felt(&step["hash"]), "{}", step["step"]);
        let execution = block.execute(&tx).unwrap();
        assert!(
            execution.receipt.succeeded(),
            "{}: {:?}",
            step["step"],
            execution.receipt.execution_status
        );
        assert_eq!(execution.receipt.events, events(&step["events"]), "{}", step["step"]);
        if let Some(retdata) = step.get("execute_retdata") {
            assert_eq!(execution.execute_retdata, felts(retdata), "{}", step["step"]);
        }
        assert!(execution.receipt.execution_resources.steps > 0);
    }
    let account = felt(&addresses["account"]["address"]);

    // The block's diff is cairo-lang's (plus the four declared classes, which its session
    // declared outside the state diff).
    let expected = &vectors["execution"]["state_diff"];
    let mut diff = block.state_diff().unwrap();
    let map = |value: &Value| -> BTreeMap<Felt, Felt> {
        value
            .as_object()
            .unwrap()
            .iter()
            .map(|(k, v)| (Felt::from_hex(k).unwrap(), felt(v)))
            .collect()
    };
    assert_eq!(diff.deployed_contracts, map(&expected["deployed_contracts"]));
    assert_eq!(diff.nonces, map(&expected["nonces"]));
    let storage: BTreeMap<Felt, BTreeMap<Felt, Felt>> = expected["storage_diffs"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(address, entries)| (Felt::from_hex(address).unwrap(), map(entries)))
        .collect();
    assert_eq!(diff.storage_diffs, storage);
    assert_eq!(diff.deprecated_declared_classes.len(), 4);
    assert!(diff.replaced_classes.is_empty());

    // INVOKE v3 (resource bounds, Poseidon hash) from the same account, nonce 3.
    let v3 = ExecutableTransaction::new(invoke_v3_multicall(), chain_id());
    assert_eq!(v3.transaction_hash, felt(&vectors["transactions"]["invoke_v3_multicall"]["hash"]));
    let execution = block.execute(&v3).unwrap();
    assert!(execution.receipt.succeeded(), "{:?}", execution.receipt.execution_status);
    assert_eq!(execution.execute_retdata, felts(&steps[5]["execute_retdata"]));
    assert_eq!(execution.receipt.actual_fee.unit, chain::receipt::FeeUnit::Fri);
    assert_eq!(execution.state_diff.nonces[&account], Felt::from(4u64));
    diff = block.state_diff().unwrap();
    assert_eq!(diff.nonces[&account], Felt::from(4u64));

    // The diff commits to a root, and the committed state reads back what the contracts wrote.
    let (final_diff, declared) = block.finish().unwrap();
    assert_eq!(final_diff, diff);
    assert_eq!(declared.len(), 4);
    let roots = state.commit_block(7, &final_diff).unwrap();
    assert_ne!(roots.contracts_root, Felt::ZERO);
    // Cairo 0 classes are in no trie: the classes trie is empty and the global root is the
    // contracts root.
    assert_eq!(roots.classes_root, Felt::ZERO);
    assert_eq!(roots.global_root(), roots.contracts_root);
    let committed = state.latest_snapshot().unwrap();
    let balance = executor
        .call(
            &session_block(),
            &committed,
            &classes,
            erc20.address,
            selector("balance_of"),
            &[Felt::from(0x1234u64)],
        )
        .unwrap();
    assert_eq!(balance, vec![Felt::from(1000u64), Felt::ZERO]);
}
