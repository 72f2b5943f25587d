//! `starknet_estimateFee` of a sequence (starknet-rs 0.16 requests, query versions): each
//! transaction is estimated on the state the previous ones leave, and nothing is written.

mod common;

use std::time::Duration;

use common::{Client, Devnet, selector, test_config};
use sequencer::genesis::ACCOUNT_BALANCE;
use starknet_accounts::{
    Account, AccountFactory, ExecutionEncoding, OpenZeppelinAccountFactory, SingleOwnerAccount,
};
use starknet_core::types::{
    BlockId, BlockTag, BroadcastedTransaction, Call, FeeEstimate, Felt, StarknetError,
};
use starknet_providers::{Provider, ProviderError};
use starknet_signers::{LocalWallet, SigningKey};

const PRE_CONFIRMED: BlockId = BlockId::Tag(BlockTag::PreConfirmed);
/// Generous v3 bounds: fees are zero on the devnet, the estimate is what is checked.
const L2_GAS: u64 = 1_000_000_000;

/// A signed v3 INVOKE (query version) of `calls` from `account` with `nonce`.
async fn invoke(
    account: &SingleOwnerAccount<Client, LocalWallet>,
    calls: Vec<Call>,
    nonce: u64,
) -> BroadcastedTransaction {
    let prepared = account
        .execute_v3(calls)
        .nonce(Felt::from(nonce))
        .l1_gas(0)
        .l1_gas_price(0)
        .l2_gas(L2_GAS)
        .l2_gas_price(0)
        .l1_data_gas(0)
        .l1_data_gas_price(0)
        .tip(0)
        .prepared()
        .unwrap();
    BroadcastedTransaction::Invoke(prepared.get_invoke_request(true, false).await.unwrap())
}

/// The failing transaction's index, from a TRANSACTION_EXECUTION_ERROR.
fn failed_index(result: Result<Vec<FeeEstimate>, ProviderError>) -> u64 {
    match result {
        Err(ProviderError::StarknetError(StarknetError::TransactionExecutionError(data))) => {
            data.transaction_index
        }
        other => panic!("expected TRANSACTION_EXECUTION_ERROR, got {other:?}"),
    }
}

fn transfer(devnet: &Devnet, to: Felt, amount: u128) -> Call {
    Call {
        to: devnet.node.genesis().erc20_address,
        selector: selector("transfer"),
        calldata: vec![to, Felt::from(amount), Felt::ZERO],
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deploy_account_then_invoke_from_it() {
    let devnet = Devnet::start(None, test_config(Duration::from_millis(200), true)).await;
    let client = devnet.client();
    let chain_id = devnet.node.config().chain_id.as_felt();
    let key = SigningKey::from_secret_scalar(Felt::from_hex_unchecked("0x5e9ce"));
    let class_hash = devnet.node.genesis().account_class_hash;
    let factory = OpenZeppelinAccountFactory::new(
        class_hash,
        chain_id,
        LocalWallet::from(key.clone()),
        client.clone(),
    )
    .await
    .unwrap();
    let deployment = factory
        .deploy_v3(Felt::from(77u64))
        .nonce(Felt::ZERO)
        .l1_gas(0)
        .l1_gas_price(0)
        .l2_gas(L2_GAS)
        .l2_gas_price(0)
        .l1_data_gas(0)
        .l1_data_gas_price(0)
        .tip(0);
    let address = deployment.address();
    let deploy = BroadcastedTransaction::DeployAccount(
        deployment.prepared().unwrap().get_deploy_request(true, false).await.unwrap(),
    );
    let account = SingleOwnerAccount::new(
        client.clone(),
        LocalWallet::from(key),
        address,
        chain_id,
        ExecutionEncoding::Legacy,
    );
    let fibonacci = Call {
        to: devnet.node.genesis().fibonacci_address,
        selector: selector("fibonacci"),
        calldata: vec![Felt::from(30u64)],
    };
    let first_invoke = invoke(&account, vec![fibonacci.clone()], 1).await;

    // Alone, the invoke has no account to run in.
    assert_eq!(
        failed_index(client.estimate_fee([first_invoke.clone()], [], PRE_CONFIRMED).await),
        0
    );
    // After the deployment (nonce 0 -> 1), it runs; and a second one with nonce 2 too.
    let second_invoke = invoke(&account, vec![fibonacci], 2).await;
    let estimates = client
        .estimate_fee([deploy.clone(), first_invoke.clone(), second_invoke], [], PRE_CONFIRMED)
        .await
        .unwrap();
    assert_eq!(estimates.len(), 3);
    for estimate in &estimates {
        assert!(estimate.l2_gas_consumed > 0, "{estimate:?}");
    }
    // The second invoke runs on the first one's writes: the same code, but it overwrites the
    // storage the first one allocated, which blockifier charges less for (Starknet 0.14 prices
    // newly allocated keys).
    assert!(estimates[2].l2_gas_consumed <= estimates[1].l2_gas_consumed, "{estimates:?}");
    // Out of order, the invoke's nonce is wrong for the undeployed account: refused at index 0.
    assert_eq!(
        failed_index(client.estimate_fee([first_invoke, deploy], [], PRE_CONFIRMED).await),
        0
    );

    // Estimating wrote nothing.
    let deployed = client.get_class_hash_at(PRE_CONFIRMED, address).await;
    assert!(
        matches!(deployed, Err(ProviderError::StarknetError(StarknetError::ContractNotFound))),
        "{deployed:?}"
    );
    devnet.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn consecutive_invokes_see_each_others_writes() {
    let devnet = Devnet::start(None, test_config(Duration::from_millis(200), true)).await;
    let client = devnet.client();
    let account = devnet.account(0);
    let recipient = devnet.node.genesis().accounts[1].address;

    // Half the balance twice: both fit.
    let half = ACCOUNT_BALANCE / 2;
    let first = invoke(&account, vec![transfer(&devnet, recipient, half)], 0).await;
    let second = invoke(&account, vec![transfer(&devnet, recipient, half)], 1).await;
    let estimates = client.estimate_fee([first.clone(), second], [], PRE_CONFIRMED).await.unwrap();
    assert_eq!(estimates.len(), 2);

    // All of it, then one more unit: the second sees the first's balance write and fails,
    // although alone (on the block's state) it would succeed.
    let all = invoke(&account, vec![transfer(&devnet, recipient, ACCOUNT_BALANCE)], 0).await;
    let one_more = invoke(&account, vec![transfer(&devnet, recipient, 1)], 1).await;
    client.estimate_fee([one_more.clone()], [], PRE_CONFIRMED).await.unwrap();
    assert_eq!(failed_index(client.estimate_fee([all, one_more], [], PRE_CONFIRMED).await), 1);

    // The same nonce twice: the second is refused (the first used it).
    let again = invoke(&account, vec![transfer(&devnet, recipient, 1)], 0).await;
    assert_eq!(failed_index(client.estimate_fee([first, again], [], PRE_CONFIRMED).await), 1);
    devnet.stop().await;
}
