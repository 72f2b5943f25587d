//! Version 3 transactions (resource bounds, Poseidon hashes): DEPLOY_ACCOUNT v3 of a second
//! account, then INVOKE v3 from it, through the per-transaction API and as blocks.

mod common;

use chain::receipt::FeeUnit;
use chain::resource::{ResourceBounds, ResourceBoundsMapping};
use chain::{DeployAccountV3, Felt, InvokeV3, Transaction};
use common::*;
use executor::{ExecutableTransaction, ExecutorError};

fn bounds() -> ResourceBoundsMapping {
    let bound = ResourceBounds { max_amount: 1_000_000, max_price_per_unit: 1 };
    ResourceBoundsMapping { l1_gas: bound, l2_gas: bound, l1_data_gas: Some(bound) }
}

fn signed(mut tx: Transaction, key: Felt) -> ExecutableTransaction {
    let hash = tx.hash(chain_id());
    tx.set_signature(chain::signature::sign_hash(&key, &hash).unwrap().to_vec());
    ExecutableTransaction::new(tx, chain_id())
}

#[test]
fn deploy_account_v3_then_invoke_v3() {
    let mut devnet = Devnet::new(true);
    let key = Felt::from(0x1234_5678u64);
    let public = chain::signature::public_key(&key);
    let deploy = Transaction::DeployAccountV3(DeployAccountV3 {
        class_hash: devnet.bundled.account.class_hash(),
        contract_address_salt: Felt::from(99u64),
        constructor_calldata: vec![public],
        resource_bounds: bounds(),
        ..Default::default()
    });
    let address = deploy.sender_address();
    let deploy = signed(deploy, key);

    // The per-transaction API executes without committing anything.
    let snapshot = devnet.state.latest_snapshot().unwrap();
    let execution = devnet
        .executor
        .execute_transaction(&devnet.context(), &snapshot, &devnet.classes, &deploy)
        .unwrap();
    assert!(execution.receipt.succeeded());
    assert_eq!(execution.receipt.contract_address, Some(address));
    assert_eq!(execution.receipt.actual_fee.unit, FeeUnit::Fri);
    assert_eq!(execution.receipt.actual_fee.amount, Felt::ZERO);
    assert_eq!(
        execution.state_diff.deployed_contracts[&address],
        devnet.bundled.account.class_hash()
    );
    assert_eq!(execution.state_diff.nonces[&address], Felt::ONE);
    let unknown = devnet.executor.call(
        &devnet.context(),
        &snapshot,
        &devnet.classes,
        address,
        selector("get_public_key"),
        &[],
    );
    assert!(matches!(unknown, Err(ExecutorError::UnknownContract { .. })));

    // Signed by another key: `__validate_deploy__` rejects it.
    let mut forged = deploy.clone();
    forged.transaction.set_signature(
        chain::signature::sign_hash(&private_key(), &deploy.transaction_hash).unwrap().to_vec(),
    );
    let block = devnet.execute(&[forged, deploy]);
    assert!(matches!(block.outcomes[0], Err(ExecutorError::ValidationFailed { .. })));
    assert!(block.outcomes[1].is_ok());
    assert_eq!(devnet.call(address, "get_public_key", &[]), vec![public]);

    // INVOKE v3 from the new account: factorial(5).
    let calls = [(devnet.factorial, selector("factorial"), vec![Felt::from(5u64)])];
    let invoke = Transaction::InvokeV3(InvokeV3 {
        sender_address: address,
        calldata: multicall(&calls),
        nonce: Felt::ONE,
        resource_bounds: bounds(),
        ..Default::default()
    });
    let block = devnet.execute(&[signed(invoke, key)]);
    let execution = block.outcomes[0].as_ref().unwrap();
    assert!(execution.receipt.succeeded(), "{:?}", execution.receipt.execution_status);
    assert_eq!(execution.execute_retdata, vec![Felt::ONE, Felt::from(120u64)]);
    assert_eq!(execution.receipt.events[0].data[0], address, "the caller is the new account");
    assert_eq!(
        devnet.call(devnet.factorial, "get_last", &[])[..2],
        [Felt::from(5u64), Felt::from(120u64)]
    );
}
