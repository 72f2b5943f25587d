//! A devnet that charges fees (`NodeConfig::fees`, `watcher-prover devnet --fees on`), with
//! starknet-rs: each transaction pays its actual fee in the genesis ERC-20 to the sequencer
//! address, a reverted one too; admission refuses bounds below the block's gas prices and a
//! sender that cannot afford its bounds; the trace shows the fee transfer.

mod common;

use std::time::Duration;

use common::{Client, Devnet, selector, test_config, wait_for_receipt};
use sequencer::config::NodeConfig;
use sequencer::genesis::ACCOUNT_BALANCE;
use starknet_accounts::{Account, AccountFactory, ConnectedAccount, OpenZeppelinAccountFactory};
use starknet_core::types::{
    BlockId, BlockTag, Call, ExecutionResult, Felt, FunctionCall, PriceUnit, TransactionReceipt,
    TransactionTrace,
};
use starknet_providers::Provider;
use starknet_signers::{LocalWallet, SigningKey};

const LATEST: BlockId = BlockId::Tag(BlockTag::Latest);

fn fees_on() -> NodeConfig {
    NodeConfig { fees: true, ..test_config(Duration::from_millis(200), true) }
}

/// The ERC-20 balance of `owner` (its low word: balances here stay below 2^128).
async fn balance(client: &Client, token: Felt, owner: Felt) -> u128 {
    let call = FunctionCall {
        contract_address: token,
        entry_point_selector: selector("balance_of"),
        calldata: vec![owner],
    };
    let answer = client.call(&call, LATEST).await.unwrap();
    assert_eq!(answer[1], Felt::ZERO, "high word");
    u128::try_from(answer[0].to_biguint()).unwrap()
}

fn transfer(token: Felt, to: Felt, amount: u128) -> Call {
    Call {
        to: token,
        selector: selector("transfer"),
        calldata: vec![to, Felt::from(amount), Felt::ZERO],
    }
}

fn fee_of(receipt: &TransactionReceipt) -> u128 {
    let fee = match receipt {
        TransactionReceipt::Invoke(receipt) => &receipt.actual_fee,
        TransactionReceipt::DeployAccount(receipt) => &receipt.actual_fee,
        TransactionReceipt::Declare(receipt) => &receipt.actual_fee,
        other => panic!("unexpected receipt {other:?}"),
    };
    assert_eq!(fee.unit, PriceUnit::Fri, "v3 pays in fri");
    u128::try_from(fee.amount.to_biguint()).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn transactions_pay_their_fee_to_the_sequencer() {
    let devnet = Devnet::start(None, fees_on()).await;
    let client = devnet.client();
    let genesis = devnet.node.genesis().clone();
    let token = genesis.erc20_address;
    assert_eq!(devnet.node.config().fee_token(), token);
    let sequencer = devnet.node.config().sequencer_address;
    let account = devnet.account(0);
    let (sender, receiver) = (genesis.accounts[0].address, genesis.accounts[1].address);

    // A transfer with the fee starknet-rs estimates (and scales): both the amount and the fee
    // leave the sender; the fee reaches the sequencer, with its own Transfer event.
    let sent = account.execute_v3(vec![transfer(token, receiver, 1234)]).send().await.unwrap();
    let receipt = wait_for_receipt(&client, sent.transaction_hash).await;
    assert_eq!(receipt.receipt.execution_result(), &ExecutionResult::Succeeded);
    let fee = fee_of(&receipt.receipt);
    assert!(fee > 0);
    assert_eq!(balance(&client, token, sender).await, ACCOUNT_BALANCE - 1234 - fee);
    assert_eq!(balance(&client, token, receiver).await, ACCOUNT_BALANCE + 1234);
    assert_eq!(balance(&client, token, sequencer).await, fee);
    let transfers: Vec<_> =
        receipt.receipt.events().iter().filter(|event| event.from_address == token).collect();
    assert_eq!(transfers.len(), 2, "the transfer's event and the fee's");
    assert_eq!(transfers[1].data[..2], [sender, sequencer]);
    assert_eq!(transfers[1].data[2], Felt::from(fee));
    let TransactionTrace::Invoke(trace) =
        client.trace_transaction(sent.transaction_hash).await.unwrap()
    else {
        panic!("an INVOKE trace")
    };
    let fee_transfer = trace.fee_transfer_invocation.expect("a fee transfer in the trace");
    assert_eq!((fee_transfer.contract_address, fee_transfer.caller_address), (token, sender));

    // A reverted transaction (an entry point fibonacci lacks) still pays.
    let before = balance(&client, token, sender).await;
    let missing =
        Call { to: genesis.fibonacci_address, selector: selector("missing"), calldata: vec![] };
    let nonce = account.get_nonce().await.unwrap();
    let sent = account
        .execute_v3(vec![missing])
        .nonce(nonce)
        .l1_gas(0)
        .l1_gas_price(2_000_000_000)
        .l2_gas(10_000_000)
        .l2_gas_price(2_000)
        .l1_data_gas(10_000)
        .l1_data_gas_price(2_000)
        .send()
        .await
        .unwrap();
    let receipt = wait_for_receipt(&client, sent.transaction_hash).await;
    assert!(matches!(receipt.receipt.execution_result(), ExecutionResult::Reverted { .. }));
    let fee = fee_of(&receipt.receipt);
    assert!(fee > 0);
    assert_eq!(balance(&client, token, sender).await, before - fee);
    assert_eq!(account.get_nonce().await.unwrap(), nonce + Felt::ONE);

    // Bounds below the block's L2 gas price (1,000 fri): refused at admission.
    let cheap = account
        .execute_v3(vec![transfer(token, receiver, 1)])
        .l1_gas(0)
        .l1_gas_price(2_000_000_000)
        .l2_gas(10_000_000)
        .l2_gas_price(1)
        .l1_data_gas(10_000)
        .l1_data_gas_price(2_000)
        .send()
        .await;
    assert!(cheap.is_err(), "{cheap:?}");

    // A new account cannot pay for its DEPLOY_ACCOUNT until it is funded.
    let key = SigningKey::from_secret_scalar(Felt::from_hex_unchecked("0xfee5"));
    let factory = OpenZeppelinAccountFactory::new(
        genesis.account_class_hash,
        devnet.node.config().chain_id.as_felt(),
        LocalWallet::from(key),
        client.clone(),
    )
    .await
    .unwrap();
    let salt = Felt::from(5u64);
    let deployment = factory
        .deploy_v3(salt)
        .l1_gas(0)
        .l1_gas_price(2_000_000_000)
        .l2_gas(10_000_000)
        .l2_gas_price(2_000)
        .l1_data_gas(10_000)
        .l1_data_gas_price(2_000);
    let address = deployment.address();
    let unfunded = deployment.send().await;
    assert!(unfunded.is_err(), "{unfunded:?}");
    let funding = 10u128.pow(18);
    let sent = account.execute_v3(vec![transfer(token, address, funding)]).send().await.unwrap();
    wait_for_receipt(&client, sent.transaction_hash).await;
    let deployed = deployment.send().await.unwrap();
    let receipt = wait_for_receipt(&client, deployed.transaction_hash).await;
    assert_eq!(receipt.receipt.execution_result(), &ExecutionResult::Succeeded);
    let fee = fee_of(&receipt.receipt);
    assert_eq!(balance(&client, token, address).await, funding - fee);
    devnet.stop().await;
}
