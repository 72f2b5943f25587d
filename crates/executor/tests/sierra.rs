//! Sierra (Cairo 1) classes on blockifier through this crate: DECLARE v3 of a class compiled by
//! the official compiler, its class hash and compiled class hashes, a deployment, an INVOKE
//! that writes its storage and one that reverts in it, a view call; and the refusals of a
//! DECLARE whose compiled class hash or class is not what it names.

mod common;

use std::sync::Arc;

use chain::resource::{ResourceBounds, ResourceBoundsMapping};
use chain::{DeclareV3, Felt, InvokeV3, Transaction};
use common::*;
use e2e::cairo_lang_test_class;
use executor::{ExecutableTransaction, ExecutorError, SierraClass};
use starknet_core::types::FlattenedSierraClass;
use starknet_core::types::contract::{CompiledClass, SierraClass as CompilerOutput};

const HELLO: &str = "hello_starknet__hello_starknet";

fn bounds() -> ResourceBoundsMapping {
    let bound = ResourceBounds { max_amount: 10_000_000, max_price_per_unit: 1 };
    ResourceBoundsMapping { l1_gas: bound, l2_gas: bound, l1_data_gas: Some(bound) }
}

/// The compiler's output, as a client flattens it for a DECLARE.
fn flattened(json: &str) -> Arc<FlattenedSierraClass> {
    let class: CompilerOutput = serde_json::from_str(json).unwrap();
    Arc::new(class.flatten().unwrap())
}

fn declare(
    devnet: &Devnet,
    class: &Arc<SierraClass>,
    compiled_class_hash: Felt,
    nonce: u64,
) -> ExecutableTransaction {
    let mut tx = Transaction::DeclareV3(DeclareV3 {
        sender_address: devnet.account,
        class_hash: class.class_hash(),
        compiled_class_hash,
        nonce: Felt::from(nonce),
        resource_bounds: bounds(),
        ..Default::default()
    });
    let hash = tx.hash(chain_id());
    tx.set_signature(chain::signature::sign_hash(&private_key(), &hash).unwrap().to_vec());
    let Transaction::DeclareV3(declare) = tx else { unreachable!() };
    ExecutableTransaction::declare_sierra(declare, Arc::clone(class), chain_id())
}

fn invoke_v3(
    devnet: &Devnet,
    calls: &[(Felt, Felt, Vec<Felt>)],
    nonce: u64,
) -> ExecutableTransaction {
    let mut tx = Transaction::InvokeV3(InvokeV3 {
        sender_address: devnet.account,
        calldata: multicall(calls),
        nonce: Felt::from(nonce),
        resource_bounds: bounds(),
        ..Default::default()
    });
    let hash = tx.hash(chain_id());
    tx.set_signature(chain::signature::sign_hash(&private_key(), &hash).unwrap().to_vec());
    ExecutableTransaction::new(tx, chain_id())
}

#[test]
fn compiled_as_the_compiler_does_with_both_compiled_class_hashes() {
    let (sierra, casm) = cairo_lang_test_class(HELLO);
    let class = SierraClass::compile(flattened(&sierra)).unwrap();

    // The class hash as starknet-core computes it from the compiler's output.
    let output: CompilerOutput = serde_json::from_str(&sierra).unwrap();
    assert_eq!(class.class_hash(), output.class_hash().unwrap());

    // The CASM is the compiler's own (same compiler version), and the Poseidon compiled class
    // hash agrees with starknet-core's independent implementation.
    let expected: serde_json::Value = serde_json::from_str(&casm.unwrap()).unwrap();
    let ours = serde_json::to_value(class.casm().as_ref()).unwrap();
    assert_eq!(ours["bytecode"], expected["bytecode"]);
    assert_eq!(ours["entry_points_by_type"], expected["entry_points_by_type"]);
    let compiled: CompiledClass = serde_json::from_value(expected).unwrap();
    assert_eq!(class.compiled_class_hash_v1(), compiled.class_hash().unwrap());
    // The Blake2s hash (Starknet 0.14.1 and later) is another function of the same CASM.
    assert_ne!(class.compiled_class_hash(), class.compiled_class_hash_v1());
    assert_ne!(class.compiled_class_hash(), Felt::ZERO);

    // A program that is not Sierra does not compile.
    let mut broken = flattened(&sierra).as_ref().clone();
    broken.sierra_program.truncate(2);
    assert!(matches!(
        SierraClass::compile(Arc::new(broken)),
        Err(ExecutorError::UncompilableClass { .. })
    ));
}

#[test]
fn declare_v3_deploy_invoke_revert_and_call() {
    let mut devnet = Devnet::new(true);
    let (sierra, _) = cairo_lang_test_class(HELLO);
    let class = Arc::new(SierraClass::compile(flattened(&sierra)).unwrap());
    let class_hash = class.class_hash();

    // The compiled class hash must be the Blake2s one: the Poseidon one (older clients) and
    // a class that is not the named one are refused, and nothing is declared.
    let stale = declare(&devnet, &class, class.compiled_class_hash_v1(), 1);
    let mut other = declare(&devnet, &class, class.compiled_class_hash(), 1);
    if let Transaction::DeclareV3(tx) = &mut other.transaction {
        tx.class_hash = Felt::from(7u64);
    }
    let block = devnet.execute(&[stale, other]);
    assert!(matches!(
        block.outcomes[0],
        Err(ExecutorError::CompiledClassHashMismatch { declared, actual, .. })
            if declared == class.compiled_class_hash_v1() && actual == class.compiled_class_hash()
    ));
    assert!(matches!(block.outcomes[1], Err(ExecutorError::DeclaredClassMismatch { .. })));
    assert!(block.state_diff.declared_classes.is_empty());

    // Declared: the diff names the class with its compiled class hash.
    let block = devnet.execute(&[declare(&devnet, &class, class.compiled_class_hash(), 1)]);
    let execution = block.outcomes[0].as_ref().unwrap();
    assert!(execution.receipt.succeeded(), "{:?}", execution.receipt.execution_status);
    assert_eq!(block.state_diff.declared_classes[&class_hash], class.compiled_class_hash());
    devnet.classes.insert_sierra(Arc::clone(&class));
    {
        use state::StateReader;
        let snapshot = devnet.state.latest_snapshot().unwrap();
        assert_eq!(
            snapshot.declared_class(class_hash).unwrap(),
            Some(state::DeclaredClass::Sierra { compiled_class_hash: class.compiled_class_hash() })
        );
        // The Sierra class is the classes trie's only leaf.
        assert_ne!(snapshot.roots().classes_root, Felt::ZERO);
    }

    // Deployed at the next block (no constructor), then used from the Cairo 0 account.
    let (diff, hello) = {
        let snapshot = devnet.state.latest_snapshot().unwrap();
        let mut block =
            devnet.executor.begin_block(devnet.context(), &snapshot, &devnet.classes).unwrap();
        let deployed = block.deploy_system_contract(class_hash, Felt::from(5u64), &[]).unwrap();
        (block.finish().unwrap().0, deployed.address)
    };
    devnet.state.commit_block(devnet.next_block, &diff).unwrap();
    devnet.next_block += 1;
    let increase = selector("increase_balance");
    let block = devnet.execute(&[
        invoke_v3(&devnet, &[(hello, increase, vec![Felt::from(40u64)])], 2),
        invoke_v3(&devnet, &[(hello, increase, vec![Felt::from(2u64)])], 3),
        // u32 overflow: the Cairo 1 contract panics and the transaction reverts.
        invoke_v3(&devnet, &[(hello, increase, vec![Felt::from(u32::MAX)])], 4),
    ]);
    for outcome in &block.outcomes[..2] {
        let execution = outcome.as_ref().unwrap();
        assert!(execution.receipt.succeeded(), "{:?}", execution.receipt.execution_status);
    }
    let reverted = block.outcomes[2].as_ref().unwrap();
    assert!(reverted.reverted());
    let reason = format!("{:?}", reverted.receipt.execution_status);
    assert!(reason.contains("u32_add Overflow"), "{reason}");
    assert_eq!(devnet.call(hello, "get_balance", &[]), vec![Felt::from(42u64)]);
    assert_eq!(devnet.nonce(), Felt::from(5u64), "the reverted INVOKE still used its nonce");
}
