//! The devnet's admission limits: a nonce too far ahead of the account's is refused with
//! INVALID_TRANSACTION_NONCE, and a full mempool refuses further transactions with a clear
//! message until a block takes some; nothing admitted is lost.

mod common;

use std::time::Duration;

use common::{Devnet, selector, test_config, wait_for_receipt};
use sequencer::NodeConfig;
use starknet_accounts::{Account, AccountError};
use starknet_core::types::{Call, Felt, StarknetError};
use starknet_providers::ProviderError;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nonce_window_and_mempool_limit_refuse_clearly() {
    // Blocks every 15 s: the mempool fills between two of them (the sends take well under 1 s).
    let config = NodeConfig {
        max_mempool_transactions: 2,
        nonce_window: 4,
        ..test_config(Duration::from_secs(15), false)
    };
    let devnet = Devnet::start(None, config).await;
    let client = devnet.client();
    let account = devnet.account(0);
    let call = Call {
        to: devnet.node.genesis().fibonacci_address,
        selector: selector("fibonacci"),
        calldata: vec![Felt::from(3u64)],
    };
    let send = |nonce: u64| {
        let (account, call) = (&account, call.clone());
        async move {
            account
                .execute_v3(vec![call])
                .nonce(Felt::from(nonce))
                .l1_gas(0)
                .l2_gas(1_000_000)
                .l1_data_gas(0)
                .tip(0)
                .send()
                .await
        }
    };

    // Nonce 4 is one past the window [0, 4).
    match send(4).await {
        Err(AccountError::Provider(ProviderError::StarknetError(
            StarknetError::InvalidTransactionNonce(reason),
        ))) => assert!(reason.contains("too far ahead"), "{reason}"),
        other => panic!("expected INVALID_TRANSACTION_NONCE, got {other:?}"),
    }

    // Two fill the mempool; the third is refused as "full", not lost silently.
    let first = send(0).await.unwrap();
    let second = send(1).await.unwrap();
    match send(2).await {
        Err(AccountError::Provider(ProviderError::StarknetError(
            StarknetError::UnexpectedError(reason),
        ))) => assert!(reason.contains("mempool is full"), "{reason}"),
        other => panic!("expected a full mempool, got {other:?}"),
    }

    // The admitted ones are included; then there is room again.
    wait_for_receipt(&client, first.transaction_hash).await;
    wait_for_receipt(&client, second.transaction_hash).await;
    let third = send(2).await.unwrap();
    wait_for_receipt(&client, third.transaction_hash).await;
    devnet.stop().await;
}
