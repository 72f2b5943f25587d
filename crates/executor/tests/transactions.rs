//! Transactions on a small devnet: ERC-20 transfers, fibonacci and factorial, reverts,
//! rejections (bad signature, bad nonce, unknown contract, query versions), DECLARE, step limits,
//! and the state root after each block.

mod common;

use std::sync::Arc;

use chain::{DeclareV1, ExecutionStatus, Felt, InvokeV1, Transaction};
use common::*;
use executor::{ExecutableTransaction, Executor, ExecutorConfig, ExecutorError};
use state::StateReader;

fn transfer(devnet: &Devnet, to: Felt, amount: u128, nonce: u64) -> ExecutableTransaction {
    devnet.invoke(
        &[(devnet.erc20, selector("transfer"), vec![to, Felt::from(amount), Felt::ZERO])],
        nonce,
    )
}

/// 10^24, the supply minted to the account at genesis.
fn supply() -> Felt {
    Felt::from(10u128.pow(24))
}

#[test]
fn deployed_account_holds_its_key_and_the_supply() {
    let devnet = Devnet::new(true);
    assert_eq!(devnet.nonce(), Felt::ONE);
    assert_eq!(devnet.call(devnet.account, "get_public_key", &[]), vec![public_key()]);
    assert_eq!(devnet.balance(devnet.account), supply());
    // The same DEPLOY_ACCOUNT again: the address is taken.
    let mut devnet = devnet;
    let again = ExecutableTransaction::new(deploy_account_tx(), chain_id());
    let block = devnet.execute(&[again]);
    assert!(matches!(block.outcomes[0], Err(ExecutorError::ContractAlreadyDeployed { .. })));
    assert!(block.state_diff.is_empty());
}

#[test]
fn erc20_transfer_moves_balances_and_emits_transfer() {
    let mut devnet = Devnet::new(true);
    let root_before = devnet.root();
    let recipient = Felt::from(0xabcdu64);
    let block = devnet.execute(&[transfer(&devnet, recipient, 1_000, 1)]);
    let execution = block.outcomes[0].as_ref().unwrap();
    assert!(execution.receipt.succeeded());
    assert_eq!(execution.execute_retdata, vec![Felt::ONE, Felt::ONE]);
    assert_eq!(execution.receipt.events.len(), 1);
    let event = &execution.receipt.events[0];
    assert_eq!(event.from_address, devnet.erc20);
    assert_eq!(event.keys, vec![selector("Transfer")]);
    assert_eq!(event.data, vec![devnet.account, recipient, Felt::from(1_000u64), Felt::ZERO]);
    assert_eq!(block.state_diff.storage_diffs[&devnet.erc20].len(), 2, "two balances changed");
    assert_eq!(block.state_diff.nonces[&devnet.account], Felt::TWO);
    assert_eq!(devnet.balance(recipient), Felt::from(1_000u64));
    assert_eq!(devnet.balance(devnet.account), supply() - Felt::from(1_000u64));
    assert_ne!(devnet.root(), root_before);
}

#[test]
fn fibonacci_and_factorial_store_and_emit() {
    let mut devnet = Devnet::new(true);
    let calls = [
        (devnet.fibonacci, selector("fibonacci"), vec![Felt::from(20u64)]),
        (devnet.factorial, selector("factorial"), vec![Felt::from(20u64)]),
    ];
    let context = devnet.context();
    let block = devnet.execute(&[devnet.invoke(&calls, 1)]);
    let execution = block.outcomes[0].as_ref().unwrap();
    let fact20 = Felt::from(2_432_902_008_176_640_000u64);
    assert_eq!(execution.execute_retdata, vec![Felt::TWO, Felt::from(6_765u64), fact20]);
    let events = &execution.receipt.events;
    assert_eq!(events.len(), 2);
    assert_eq!(events[0].keys, vec![selector("FibonacciComputed")]);
    assert_eq!(
        events[0].data,
        vec![
            devnet.account,
            Felt::from(20u64),
            Felt::from(6_765u64),
            Felt::from(context.block_number)
        ]
    );
    assert_eq!(events[1].keys, vec![selector("FactorialComputed")]);
    assert_eq!(
        events[1].data,
        vec![devnet.account, Felt::from(20u64), fact20, Felt::from(context.timestamp)]
    );
    assert_eq!(
        devnet.call(devnet.fibonacci, "get_last", &[]),
        vec![Felt::from(20u64), Felt::from(6_765u64), Felt::from(context.block_number)]
    );
    assert_eq!(
        devnet.call(devnet.factorial, "get_last", &[]),
        vec![Felt::from(20u64), fact20, Felt::from(context.timestamp)]
    );
    assert!(execution.receipt.execution_resources.steps > 100);
    assert!(execution.receipt.execution_resources.builtin_instance_counter["ecdsa"] >= 1);
}

#[test]
fn transfer_above_balance_reverts_with_nonce_bumped_and_no_erc20_writes() {
    let mut devnet = Devnet::new(true);
    let recipient = Felt::from(0x1234u64);
    let block = devnet.execute(&[transfer(&devnet, recipient, 10u128.pow(25), 1)]);
    let execution = block.outcomes[0].as_ref().unwrap();
    let ExecutionStatus::Reverted { reason } = &execution.receipt.execution_status else {
        panic!("expected a revert, got {:?}", execution.receipt.execution_status);
    };
    assert!(reason.contains("ERC20: transfer amount exceeds balance"), "{reason}");
    assert!(execution.receipt.events.is_empty());
    assert!(execution.execute_retdata.is_empty());
    assert!(!block.state_diff.storage_diffs.contains_key(&devnet.erc20));
    assert_eq!(block.state_diff.nonces[&devnet.account], Felt::TWO);
    assert_eq!(devnet.nonce(), Felt::TWO);
    assert_eq!(devnet.balance(devnet.account), supply());
    assert_eq!(devnet.balance(recipient), Felt::ZERO);
    // The next transaction uses the bumped nonce.
    let block = devnet.execute(&[transfer(&devnet, recipient, 5, 2)]);
    assert!(block.outcomes[0].as_ref().unwrap().receipt.succeeded());
}

#[test]
fn bad_signature_is_rejected_and_changes_nothing() {
    let mut devnet = Devnet::new(true);
    let mut tx = transfer(&devnet, Felt::from(7u64), 1, 1);
    let mut signature = tx.transaction.signature().to_vec();
    signature[1] += Felt::ONE;
    tx.transaction.set_signature(signature);
    let root = devnet.root();
    let block = devnet.execute(std::slice::from_ref(&tx));
    match &block.outcomes[0] {
        Err(error @ ExecutorError::ValidationFailed { reason }) => {
            assert!(error.is_rejection());
            assert!(reason.contains("Account: invalid signature"), "{reason}");
        }
        other => panic!("expected a rejection, got {other:?}"),
    }
    assert!(block.state_diff.is_empty());
    assert_eq!(devnet.nonce(), Felt::ONE);
    assert_eq!(devnet.root(), root);
    // A signature of the wrong length is refused too, and mempool validation agrees.
    tx.transaction.set_signature(vec![Felt::ONE]);
    let snapshot = devnet.state.latest_snapshot().unwrap();
    let error =
        devnet.executor.validate(&devnet.context(), &snapshot, &devnet.classes, &tx).unwrap_err();
    assert!(matches!(error, ExecutorError::ValidationFailed { .. }), "{error}");
}

#[test]
fn bad_nonce_is_rejected_and_changes_nothing() {
    let mut devnet = Devnet::new(true);
    let tx = transfer(&devnet, Felt::from(7u64), 1, 5);
    let block = devnet.execute(std::slice::from_ref(&tx));
    assert!(matches!(
        block.outcomes[0],
        Err(ExecutorError::InvalidNonce { expected, got, .. }) if expected == Felt::ONE && got == Felt::from(5u64)
    ));
    assert!(block.state_diff.is_empty());
    assert_eq!(devnet.nonce(), Felt::ONE);
    // The mempool accepts a nonce ahead of the account's; a past one is refused.
    let snapshot = devnet.state.latest_snapshot().unwrap();
    devnet.executor.validate(&devnet.context(), &snapshot, &devnet.classes, &tx).unwrap();
    let past = transfer(&devnet, Felt::from(7u64), 1, 0);
    let error =
        devnet.executor.validate(&devnet.context(), &snapshot, &devnet.classes, &past).unwrap_err();
    assert!(matches!(error, ExecutorError::InvalidNonce { .. }));
}

#[test]
fn unknown_sender_is_rejected() {
    let mut devnet = Devnet::new(true);
    let tx = Transaction::InvokeV1(InvokeV1 {
        sender_address: Felt::from(0xdeadu64),
        calldata: vec![Felt::ZERO, Felt::ZERO],
        signature: vec![],
        ..Default::default()
    });
    let block = devnet.execute(&[ExecutableTransaction::new(tx, chain_id())]);
    assert!(matches!(block.outcomes[0], Err(ExecutorError::UnknownContract { .. })));
}

#[test]
fn declare_of_a_bundled_class_registers_it_once() {
    let mut devnet = Devnet::new(false);
    let class = Arc::clone(&devnet.bundled.fibonacci);
    let account = devnet.account;
    let declare = |nonce: u64, class_hash: Felt| {
        let mut tx = Transaction::DeclareV1(DeclareV1 {
            sender_address: account,
            class_hash,
            nonce: Felt::from(nonce),
            ..Default::default()
        });
        let hash = tx.hash(chain_id());
        tx.set_signature(chain::signature::sign_hash(&private_key(), &hash).unwrap().to_vec());
        tx
    };
    // The vectors' DECLARE hash (nonce 3) is what we compute.
    let v = &vectors()["transactions"]["declare_v1_fibonacci"];
    assert_eq!(declare(3, class.class_hash()).hash(chain_id()), felt(&v["hash"]));

    let snapshot = devnet.state.latest_snapshot().unwrap();
    assert_eq!(snapshot.declared_class(class.class_hash()).unwrap(), None);
    let Transaction::DeclareV1(tx) = declare(1, class.class_hash()) else { unreachable!() };
    let mismatched = ExecutableTransaction::declare(
        tx.clone(),
        Arc::clone(&devnet.bundled.factorial),
        chain_id(),
    );
    let ok = ExecutableTransaction::declare(tx, Arc::clone(&class), chain_id());
    let block = devnet.execute(&[mismatched, ok]);
    assert!(matches!(block.outcomes[0], Err(ExecutorError::DeclaredClassMismatch { .. })));
    let execution = block.outcomes[1].as_ref().unwrap();
    assert!(execution.receipt.succeeded());
    assert!(block.state_diff.deprecated_declared_classes.contains(&class.class_hash()));
    assert_eq!(block.declared_classes.len(), 1);
    let snapshot = devnet.state.latest_snapshot().unwrap();
    assert_eq!(
        snapshot.declared_class(class.class_hash()).unwrap(),
        Some(state::DeclaredClass::Cairo0)
    );

    // A second DECLARE of the same class is refused.
    let Transaction::DeclareV1(again) = declare(2, class.class_hash()) else { unreachable!() };
    let block = devnet.execute(&[ExecutableTransaction::declare(again, class, chain_id())]);
    assert!(matches!(block.outcomes[0], Err(ExecutorError::ClassAlreadyDeclared { .. })));
}

#[test]
fn exhausting_the_step_limit_reverts() {
    let mut devnet = Devnet::new(true);
    devnet.executor =
        Executor::new(ExecutorConfig { execute_max_steps: 5_000, ..Default::default() });
    let calls = [(devnet.fibonacci, selector("fibonacci"), vec![Felt::from(10_000u64)])];
    let block = devnet.execute(&[devnet.invoke(&calls, 1)]);
    let execution = block.outcomes[0].as_ref().unwrap();
    let ExecutionStatus::Reverted { reason } = &execution.receipt.execution_status else {
        panic!("expected a revert");
    };
    assert!(reason.contains("no remaining steps"), "{reason}");
    // The whole execute budget was consumed and is reported, on top of validation's steps.
    assert!(execution.receipt.execution_resources.steps > 5_000);
    assert_eq!(devnet.nonce(), Felt::TWO);
    assert_eq!(devnet.call(devnet.fibonacci, "get_last", &[]), vec![Felt::ZERO; 3]);
}

#[test]
fn query_versions_are_estimated_but_never_executed_in_blocks() {
    let mut devnet = Devnet::new(true);
    let calls = [(
        devnet.erc20,
        selector("transfer"),
        vec![Felt::from(9u64), Felt::from(3u64), Felt::ZERO],
    )];
    let mut tx = Transaction::InvokeV1(InvokeV1 {
        sender_address: devnet.account,
        calldata: multicall(&calls),
        nonce: Felt::ONE,
        is_query: true,
        ..Default::default()
    });
    let hash = tx.hash(chain_id());
    tx.set_signature(chain::signature::sign_hash(&private_key(), &hash).unwrap().to_vec());
    let tx = ExecutableTransaction::new(tx, chain_id());

    let snapshot = devnet.state.latest_snapshot().unwrap();
    let mut context = devnet.context();
    context.gas_prices.l2_gas_price_wei = 3;
    let estimate =
        devnet.executor.estimate_fee(&context, &snapshot, &devnet.classes, &tx, false).unwrap();
    assert!(estimate.resources.steps > 100);
    assert!(estimate.resources.builtins["ecdsa"] >= 1);
    // Gas is blockifier's; the fee prices it at the block's prices (L2 gas at 3 wei here).
    assert!(estimate.l2_gas > 0);
    assert_eq!(estimate.l2_gas_price, 3);
    assert_eq!(
        estimate.overall_fee,
        u128::from(estimate.l1_gas) * estimate.l1_gas_price
            + u128::from(estimate.l1_data_gas) * estimate.l1_data_gas_price
            + u128::from(estimate.l2_gas) * 3
    );
    assert_eq!(estimate.unit, chain::receipt::FeeUnit::Wei);
    // Skipping validation uses fewer resources (no signature check).
    let unvalidated =
        devnet.executor.estimate_fee(&context, &snapshot, &devnet.classes, &tx, true).unwrap();
    assert!(unvalidated.resources.steps < estimate.resources.steps);
    assert_eq!(devnet.nonce(), Felt::ONE, "estimates change nothing");

    let block = devnet.execute(&[tx]);
    assert!(matches!(block.outcomes[0], Err(ExecutorError::QueryTransaction { .. })));
}

#[test]
fn estimating_a_reverting_transaction_fails() {
    let devnet = Devnet::new(true);
    let tx = transfer(&devnet, Felt::from(9u64), 10u128.pow(25), 1);
    let snapshot = devnet.state.latest_snapshot().unwrap();
    let error = devnet
        .executor
        .estimate_fee(&devnet.context(), &snapshot, &devnet.classes, &tx, false)
        .unwrap_err();
    assert!(
        matches!(&error, ExecutorError::ExecutionFailed { reason } if reason.contains("exceeds balance")),
        "{error}"
    );
}

#[test]
fn nested_calls_see_their_caller() {
    let mut devnet = Devnet::new(true);
    // `set_public_key` only accepts the account itself as caller: through `__execute__` it is.
    let new_key = Felt::from(0x5eedu64);
    let calls = [(devnet.account, selector("set_public_key"), vec![new_key])];
    let block = devnet.execute(&[devnet.invoke(&calls, 1)]);
    let execution = block.outcomes[0].as_ref().unwrap();
    assert!(execution.receipt.succeeded(), "{:?}", execution.receipt.execution_status);
    assert_eq!(execution.receipt.events[0].keys, vec![selector("PublicKeyChanged")]);
    assert_eq!(devnet.call(devnet.account, "get_public_key", &[]), vec![new_key]);
    // The account's own `__execute__` called from inside it: the protocol refuses a direct
    // call of `__execute__` (Starknet 0.14's `block_direct_execute_call`) before the account's
    // own reentrancy check would.
    let mut devnet = Devnet::new(true);
    let inner = multicall(&[]);
    let calls = [(devnet.account, selector("__execute__"), inner)];
    let block = devnet.execute(&[devnet.invoke(&calls, 1)]);
    let execution = block.outcomes[0].as_ref().unwrap();
    let ExecutionStatus::Reverted { reason } = &execution.receipt.execution_status else {
        panic!("expected a revert");
    };
    assert!(reason.contains("Calling `__execute__` directly is not allowed"), "{reason}");
}

#[test]
fn hostile_calls_fail_cleanly() {
    let mut devnet = Devnet::new(true);
    let snapshot = devnet.state.latest_snapshot().unwrap();
    let context = devnet.context();
    let (executor, classes) = (&devnet.executor, &devnet.classes);
    let unknown =
        executor.call(&context, &snapshot, classes, Felt::from(77u64), selector("x"), &[]);
    assert!(matches!(unknown, Err(ExecutorError::UnknownContract { .. })));
    let missing = executor.call(&context, &snapshot, classes, devnet.erc20, selector("mint"), &[]);
    assert!(
        matches!(&missing, Err(ExecutorError::ExecutionFailed { reason }) if reason.contains("ENTRYPOINT_NOT_FOUND")),
        "{missing:?}"
    );
    let short =
        executor.call(&context, &snapshot, classes, devnet.erc20, selector("balance_of"), &[]);
    assert!(matches!(short, Err(ExecutorError::ExecutionFailed { .. })));
    let n_too_big = executor.call(
        &context,
        &snapshot,
        classes,
        devnet.fibonacci,
        selector("fibonacci"),
        &[Felt::from(10_001u64)],
    );
    assert!(
        matches!(&n_too_big, Err(ExecutorError::ExecutionFailed { reason }) if reason.contains("n exceeds 10000"))
    );
    // `__execute__` with a call array pointing outside its calldata, and with a huge length.
    let bad_slice = vec![
        Felt::ONE,
        devnet.erc20,
        selector("transfer"),
        Felt::from(5u64),
        Felt::from(3u64),
        Felt::ZERO,
    ];
    let huge = vec![Felt::ZERO - Felt::ONE, devnet.erc20];
    let mut txs = Vec::new();
    for (nonce, calldata) in [(1u64, bad_slice), (2, huge)] {
        let mut tx = Transaction::InvokeV1(InvokeV1 {
            sender_address: devnet.account,
            calldata,
            nonce: Felt::from(nonce),
            ..Default::default()
        });
        let hash = tx.hash(chain_id());
        tx.set_signature(chain::signature::sign_hash(&private_key(), &hash).unwrap().to_vec());
        txs.push(ExecutableTransaction::new(tx, chain_id()));
    }
    let block = devnet.execute(&txs);
    // The slice outside the calldata reverts in `__execute__`; the "negative" array length is
    // refused by `__validate__`'s argument decoding (a range check), so it is rejected.
    let ExecutionStatus::Reverted { reason } =
        &block.outcomes[0].as_ref().unwrap().receipt.execution_status
    else {
        panic!("expected a revert");
    };
    assert!(reason.contains("Account: call data out of range"), "{reason}");
    assert!(matches!(&block.outcomes[1], Err(ExecutorError::ValidationFailed { .. })));
    assert_eq!(devnet.nonce(), Felt::TWO);
}

#[test]
fn per_transaction_diffs_merge_into_the_block_diff() {
    let mut devnet = Devnet::new(true);
    let fib = [(devnet.fibonacci, selector("fibonacci"), vec![Felt::from(7u64)])];
    let txs = [
        transfer(&devnet, Felt::from(0x77u64), 10, 1),
        transfer(&devnet, Felt::from(0x77u64), 10u128.pow(25), 2), // reverts
        devnet.invoke(&fib, 3),
        transfer(&devnet, Felt::from(0x78u64), 1, 9), // rejected: bad nonce
    ];
    let root = devnet.root();
    let block = devnet.execute(&txs);
    assert!(block.outcomes[1].as_ref().unwrap().reverted());
    assert!(block.outcomes[3].is_err());
    let mut merged = chain::StateDiff::default();
    for execution in block.included() {
        merged.merge(&execution.state_diff);
    }
    assert_eq!(merged, block.state_diff);
    assert_eq!(block.state_diff.nonces[&devnet.account], Felt::from(4u64));
    assert_ne!(devnet.root(), root);
}
