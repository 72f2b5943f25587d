//! `devnet_mint`: a transfer from the genesis minter in a block of its own.

use chain::Felt;
use serde_json::json;

use crate::common::Devnet;
use crate::{balance, block_number, ok, quiet_config, refused, rpc};

/// 2^256 - 1.
const U256_MAX: &str =
    "115792089237316195423570985008687907853269984665640564039457584007913129639935";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mint_credits_the_fee_token_in_a_new_block() {
    let devnet = Devnet::start(None, quiet_config()).await;
    let client = rpc(&devnet);
    let fresh = Felt::from(0x1234u64);
    assert_eq!(balance(&devnet, &client, fresh).await, "0");

    // The default unit is FRI; the answer is starknet-devnet's.
    let before = block_number(&client).await;
    let minted = ok(&client, "devnet_mint", json!({"address": "0x1234", "amount": 1000})).await;
    assert_eq!(minted["new_balance"], "1000", "{minted}");
    assert_eq!(minted["unit"], "FRI");
    let hash = Felt::from_hex(minted["tx_hash"].as_str().unwrap()).unwrap();
    assert_eq!(block_number(&client).await, before + 1, "a block of its own");
    let receipt =
        ok(&client, "starknet_getTransactionReceipt", json!({"transaction_hash": hash})).await;
    assert_eq!(receipt["execution_status"], "SUCCEEDED", "{receipt}");
    assert_eq!(receipt["block_number"], before + 1);
    let transaction =
        ok(&client, "starknet_getTransactionByHash", json!({"transaction_hash": hash})).await;
    assert_eq!(
        transaction["sender_address"],
        format!("{:#x}", devnet.node.genesis().minter.address)
    );
    assert_eq!(balance(&devnet, &client, fresh).await, "1000");

    // WEI (the same token here), an exponent amount, positional params.
    let again =
        ok(&client, "devnet_mint", json!({"address": "0x1234", "amount": 1e21, "unit": "WEI"}))
            .await;
    assert_eq!(again["new_balance"], "1000000000000000001000");
    assert_eq!(again["unit"], "WEI");

    // Past u128 (the high word), as a string, to a prefunded account.
    let account = devnet.node.genesis().accounts[0].address;
    let two_to_200 = "1606938044258990275541962092341162602522202993782792835301376";
    let big = ok(&client, "devnet_mint", json!({"address": account, "amount": two_to_200})).await;
    let expected = (num(two_to_200) + num("1000000000000000000000000")).to_string();
    assert_eq!(big["new_balance"], expected);
    assert_eq!(balance(&devnet, &client, account).await, expected);
    devnet.stop().await;
}

fn num(decimal: &str) -> num_bigint::BigUint {
    decimal.parse().unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_mints_are_refused_and_change_nothing() {
    let devnet = Devnet::start(None, quiet_config()).await;
    let client = rpc(&devnet);
    let before = block_number(&client).await;
    let invalid = [
        json!({"address": "0x1234", "amount": 1, "unit": "ETH"}),
        json!({"address": "0x1234", "amount": 1, "unit": "fri"}),
        json!({"address": "0x1234", "amount": 1, "unit": 1}),
        json!({"address": "0x1234", "amount": "115792089237316195423570985008687907853269984665640564039457584007913129639936"}),
        json!({"address": "0x1234", "amount": 1e78}),
        json!({"address": "0x1234", "amount": -5}),
        json!({"address": "0x1234", "amount": "ten"}),
        json!({"address": "0x1234"}),
        json!({"address": "not a felt", "amount": 1}),
        json!({"address": "0x800000000000011000000000000000000000000000000000000000000000001", "amount": 1}),
        json!({"address": "0x800000000000000000000000000000000000000000000000000000000000000", "amount": 1}),
        json!({"address": "0x0", "amount": 1}),
        json!({"amount": 1}),
        json!({"address": "0x1234", "amount": 1, "extra": true}),
    ];
    for params in invalid {
        let error = refused(&client, "devnet_mint", params.clone()).await;
        assert_eq!(error.code(), -32602, "{params}: {error:?}");
    }
    assert_eq!(block_number(&client).await, before, "no block for a refused mint");

    // More than the minter holds (the accounts hold some of 2^256 - 1): reverted in a block,
    // as starknet-devnet reports it.
    let error =
        refused(&client, "devnet_mint", json!({"address": "0x1234", "amount": U256_MAX})).await;
    assert_eq!((error.code(), error.message()), (-1, "Minting reverted"), "{error:?}");
    let data: serde_json::Value = serde_json::from_str(error.data().unwrap().get()).unwrap();
    assert!(data["revert_reason"].as_str().unwrap().contains("exceeds balance"), "{data}");
    let receipt =
        ok(&client, "starknet_getTransactionReceipt", json!({"transaction_hash": data["tx_hash"]}))
            .await;
    assert_eq!(receipt["execution_status"], "REVERTED");
    assert_eq!(balance(&devnet, &client, Felt::from(0x1234u64)).await, "0");
    devnet.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mint_pays_its_fee_on_a_devnet_with_fees() {
    let config = sequencer::NodeConfig { fees: true, ..quiet_config() };
    let devnet = Devnet::start(None, config).await;
    let client = rpc(&devnet);
    let minted = ok(&client, "devnet_mint", json!({"address": "0x1234", "amount": 5})).await;
    assert_eq!(minted["new_balance"], "5");
    let receipt = ok(
        &client,
        "starknet_getTransactionReceipt",
        json!({"transaction_hash": minted["tx_hash"]}),
    )
    .await;
    assert_ne!(receipt["actual_fee"]["amount"], "0x0", "{receipt}");
    let sequencer = devnet.node.config().sequencer_address;
    assert_ne!(balance(&devnet, &client, sequencer).await, "0", "the minter paid the fee");
    devnet.stop().await;
}
