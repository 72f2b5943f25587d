//! The syscalls and builtins the bundled contracts do not use, through a test contract
//! (`tests/fixtures/syscalls.cairo`): deploy, library_call, send_message_to_l1,
//! get_sequencer_address, get_tx_signature, bitwise and poseidon.

mod common;

use std::sync::Arc;

use chain::Felt;
use common::*;
use executor::{DeprecatedClass, ExecutorError};
use starknet_crypto::poseidon_hash;

const SYSCALLS_JSON: &str = include_str!("fixtures/syscalls.json");

/// A devnet with the test class declared and deployed (initial value 5) at genesis.
fn setup() -> (Devnet, Arc<DeprecatedClass>, Felt) {
    let mut devnet = Devnet::new(true);
    let class = Arc::new(DeprecatedClass::from_json(SYSCALLS_JSON).unwrap());
    devnet.classes.insert(Arc::clone(&class));
    let diff = {
        let snapshot = devnet.state.latest_snapshot().unwrap();
        let mut block =
            devnet.executor.begin_block(devnet.context(), &snapshot, &devnet.classes).unwrap();
        block.declare_system_class(Arc::clone(&class)).unwrap();
        let deployed = block
            .deploy_system_contract(class.class_hash(), Felt::ONE, &[Felt::from(5u64)])
            .unwrap();
        assert_eq!(
            deployed.address,
            chain::calculate_contract_address(
                Felt::ONE,
                class.class_hash(),
                &[Felt::from(5u64)],
                Felt::ZERO
            )
        );
        block.finish().unwrap()
    };
    let (diff, _) = diff;
    devnet.state.commit_block(devnet.next_block, &diff).unwrap();
    devnet.next_block += 1;
    let address = chain::calculate_contract_address(
        Felt::ONE,
        class.class_hash(),
        &[Felt::from(5u64)],
        Felt::ZERO,
    );
    (devnet, class, address)
}

#[test]
fn deploy_syscall_runs_the_constructor_with_the_deployer_as_caller() {
    let (mut devnet, class, parent) = setup();
    assert_eq!(devnet.call(parent, "get_value", &[]), vec![Felt::from(5u64), Felt::ZERO]);
    let calls = [(
        parent,
        selector("deploy_child"),
        vec![class.class_hash(), Felt::from(7u64), Felt::from(42u64)],
    )];
    let block = devnet.execute(&[devnet.invoke(&calls, 1)]);
    let execution = block.outcomes[0].as_ref().unwrap();
    assert!(execution.receipt.succeeded(), "{:?}", execution.receipt.execution_status);
    let child = chain::calculate_contract_address(
        Felt::from(7u64),
        class.class_hash(),
        &[Felt::from(42u64)],
        parent,
    );
    assert_eq!(execution.execute_retdata, vec![Felt::ONE, child]);
    assert_eq!(block.state_diff.deployed_contracts[&child], class.class_hash());
    assert_eq!(devnet.call(child, "get_value", &[]), vec![Felt::from(42u64), parent]);
    // The same deployment again fails (the address is taken): the transaction reverts.
    let block = devnet.execute(&[devnet.invoke(&calls, 2)]);
    let execution = block.outcomes[0].as_ref().unwrap();
    assert!(execution.reverted());
    // Deploying an undeclared class reverts too.
    let calls =
        [(parent, selector("deploy_child"), vec![Felt::from(0x999u64), Felt::ONE, Felt::ONE])];
    let block = devnet.execute(&[devnet.invoke(&calls, 3)]);
    let status = &block.outcomes[0].as_ref().unwrap().receipt.execution_status;
    assert!(
        matches!(status, chain::ExecutionStatus::Reverted { reason } if reason.contains("not declared")),
        "{status:?}"
    );
}

#[test]
fn library_call_runs_other_code_on_own_storage() {
    let (mut devnet, class, parent) = setup();
    // `library_call_one(fibonacci class, fibonacci, 10)` runs fibonacci's code on the test
    // contract's storage: fibonacci's `last_result` key now holds 55 there.
    let fibonacci_class = devnet.bundled.fibonacci.class_hash();
    let calls = [(
        parent,
        selector("library_call_one"),
        vec![fibonacci_class, selector("fibonacci"), Felt::from(10u64)],
    )];
    let block = devnet.execute(&[devnet.invoke(&calls, 1)]);
    let execution = block.outcomes[0].as_ref().unwrap();
    assert!(execution.receipt.succeeded(), "{:?}", execution.receipt.execution_status);
    let last_result = felt(&vectors()["storage_keys"]["fibonacci.last_result"]);
    assert_eq!(block.state_diff.storage_diffs[&parent][&last_result], Felt::from(55u64));
    assert_eq!(execution.receipt.events[0].from_address, parent);
    // Library-calling its own class's setter.
    let calls = [(
        parent,
        selector("library_call_one"),
        vec![class.class_hash(), selector("set_value"), Felt::from(9u64)],
    )];
    devnet.execute(&[devnet.invoke(&calls, 2)]);
    assert_eq!(devnet.call(parent, "get_value", &[])[0], Felt::from(9u64));
}

#[test]
fn messages_sequencer_signature_bitwise_and_poseidon() {
    let (mut devnet, _, parent) = setup();
    let calls = [(parent, selector("send"), vec![Felt::from(0xe7u64), Felt::from(77u64)])];
    let block = devnet.execute(&[devnet.invoke(&calls, 1)]);
    let receipt = &block.outcomes[0].as_ref().unwrap().receipt;
    assert_eq!(receipt.messages_sent.len(), 1);
    assert_eq!(receipt.messages_sent[0].from_address, parent);
    assert_eq!(receipt.messages_sent[0].to_address, Felt::from(0xe7u64));
    assert_eq!(receipt.messages_sent[0].payload, vec![Felt::from(77u64)]);

    // A read-only call has no transaction: no signature; the sequencer is the block's.
    let info = devnet.call(parent, "info", &[]);
    assert_eq!(info, vec![devnet.context().sequencer_address, Felt::ZERO]);
    // Through a transaction, `get_tx_signature` sees the account's two-felt signature.
    let calls = [(parent, selector("info"), vec![])];
    let block = devnet.execute(&[devnet.invoke(&calls, 2)]);
    let retdata = &block.outcomes[0].as_ref().unwrap().execute_retdata;
    assert_eq!(retdata[..], [Felt::TWO, devnet.context().sequencer_address, Felt::TWO]);

    let (a, b) = (Felt::from(0b1100u64), Felt::from(0b1010u64));
    let mix = devnet.call(parent, "mix", &[a, b]);
    assert_eq!(mix, vec![Felt::from(0b1000u64), poseidon_hash(a, b)]);
    let snapshot = devnet.state.latest_snapshot().unwrap();
    let missing = devnet.executor.call(
        &devnet.context(),
        &snapshot,
        &devnet.classes,
        parent,
        selector("nope"),
        &[],
    );
    assert!(matches!(missing, Err(ExecutorError::ExecutionFailed { .. })));
}
