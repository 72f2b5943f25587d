//! Cairo step limits over JSON-RPC: a validation over `max_validate_steps` is rejected
//! (VALIDATION_FAILURE), an execution over `max_transaction_steps` is reverted with the reason,
//! and a block holds at most `max_block_steps` (the next transaction waits for the next block;
//! one that alone is over the budget is rejected). Runs under the limits still succeed.

mod common;

use std::sync::Arc;
use std::time::Duration;

use common::{Devnet, selector, test_config, wait_for_receipt};
use sequencer::{Node, NodeConfig};
use starknet_accounts::{AccountError, ConnectedAccount};
use starknet_core::types::{
    Call, ExecutionResult, Felt, InvokeTransactionResult, StarknetError, TransactionReceipt,
};
use starknet_providers::ProviderError;

/// Sends `fibonacci(n)` from `account` with `nonce`, with explicit bounds (no estimate).
async fn fibonacci<A: ConnectedAccount + Sync>(
    devnet: &Devnet,
    account: &A,
    nonce: u64,
    n: u64,
) -> Result<InvokeTransactionResult, AccountError<A::SignError>> {
    let call = Call {
        to: devnet.node.genesis().fibonacci_address,
        selector: selector("fibonacci"),
        calldata: vec![Felt::from(n)],
    };
    account
        .execute_v3(vec![call])
        .nonce(Felt::from(nonce))
        .l1_gas(0)
        .l2_gas(1_000_000_000)
        .l1_data_gas(0)
        .tip(0)
        .send()
        .await
}

/// Produces a block by hand (the devnets here tick once an hour) and returns its hashes.
async fn produce(node: &Arc<Node>) -> Vec<Felt> {
    let node = node.clone();
    tokio::task::spawn_blocking(move || node.produce_block().unwrap().transaction_hashes)
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn validation_over_its_step_limit_is_rejected() {
    // The account's `__validate__` checks an ECDSA signature: far more than 10 steps.
    let config =
        NodeConfig { max_validate_steps: 10, ..test_config(Duration::from_secs(1), false) };
    let devnet = Devnet::start(None, config).await;
    let account = devnet.account(0);
    match fibonacci(&devnet, &account, 0, 10).await {
        Err(AccountError::Provider(ProviderError::StarknetError(
            StarknetError::ValidationFailure(reason),
        ))) => assert!(reason.contains("no remaining steps"), "{reason}"),
        other => panic!("expected VALIDATION_FAILURE, got {other:?}"),
    }
    devnet.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn execution_over_its_step_limit_reverts() {
    let config = NodeConfig {
        max_transaction_steps: 20_000,
        ..test_config(Duration::from_millis(300), false)
    };
    let devnet = Devnet::start(None, config).await;
    let client = devnet.client();
    let account = devnet.account(0);
    // fib(10) takes a few hundred steps; fib(10000) about ten thousand iterations.
    let small = fibonacci(&devnet, &account, 0, 10).await.unwrap();
    let large = fibonacci(&devnet, &account, 1, 10_000).await.unwrap();
    let receipt = wait_for_receipt(&client, small.transaction_hash).await;
    let TransactionReceipt::Invoke(invoke) = receipt.receipt else { panic!("invoke receipt") };
    assert_eq!(invoke.execution_result, ExecutionResult::Succeeded);
    let receipt = wait_for_receipt(&client, large.transaction_hash).await;
    let TransactionReceipt::Invoke(invoke) = receipt.receipt else { panic!("invoke receipt") };
    match invoke.execution_result {
        ExecutionResult::Reverted { reason } => {
            assert!(reason.contains("no remaining steps"), "{reason}")
        }
        other => panic!("expected a revert, got {other:?}"),
    }
    devnet.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_block_holds_at_most_its_step_budget() {
    let hour = Duration::from_secs(3600);
    // The steps of one `fibonacci(500)` INVOKE, measured on a node without a tight budget.
    let devnet = Devnet::start(None, test_config(hour, false)).await;
    let sent = fibonacci(&devnet, &devnet.account(0), 0, 500).await.unwrap();
    assert_eq!(produce(&devnet.node).await, vec![sent.transaction_hash]);
    let receipt = devnet.node.store().receipt(&sent.transaction_hash).unwrap().unwrap();
    let steps = receipt.execution_resources.steps;
    devnet.stop().await;

    // A budget of one and a half such transactions.
    let budget = steps + steps / 2;
    let config = NodeConfig { max_block_steps: budget, ..test_config(hour, false) };
    let devnet = Devnet::start(None, config).await;
    let (first, second) = (devnet.account(0), devnet.account(1));
    let a = fibonacci(&devnet, &first, 0, 500).await.unwrap().transaction_hash;
    let b = fibonacci(&devnet, &first, 1, 500).await.unwrap().transaction_hash;
    // Alone over the budget: dropped with the reason, never included.
    let c = fibonacci(&devnet, &second, 0, 10_000).await.unwrap().transaction_hash;
    let block = produce(&devnet.node).await;
    assert_eq!(block.len(), 1, "{block:?}");
    let later = produce(&devnet.node).await;
    let mut all: Vec<Felt> = block.iter().chain(&later).copied().collect();
    all.sort();
    let mut expected = vec![a, b];
    expected.sort();
    assert_eq!(all, expected);
    let reason = devnet.node.store().rejection(&c).unwrap().expect("rejected");
    assert!(reason.contains("more than a block holds") && reason.contains(&budget.to_string()));
    devnet.stop().await;
}
