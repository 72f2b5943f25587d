//! `starknet_estimateMessageFee` over HTTP on both paths: a message from L1 to the test
//! contract's `@l1_handler` (declared and deployed through the UDC) is estimated in wei at the
//! block's prices; a message to no contract is CONTRACT_NOT_FOUND, one to a selector that is
//! no L1 handler CONTRACT_ERROR. (Its answer is checked against the spec's schema in
//! `spec_schema.rs`.)

mod common;

use std::time::Duration;

use chain::rpc::SpecVersion;
use common::{Devnet, deploy_l1_handler, selector, test_config};
use jsonrpsee::core::client::{ClientT, Error};
use jsonrpsee::http_client::HttpClientBuilder;
use jsonrpsee::rpc_params;
use serde_json::{Value, json};
use starknet_core::types::Felt;

fn hex_u128(value: &Value) -> u128 {
    u128::from_str_radix(value.as_str().unwrap().trim_start_matches("0x"), 16).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_message_from_l1_is_estimated_in_wei() {
    let devnet = Devnet::start(None, test_config(Duration::from_millis(200), true)).await;
    let contract = deploy_l1_handler(&devnet, 0, 0).await;
    let message = |to: Felt, handler: &str| {
        json!({
            "from_address": "0xae0ee0a63a2ce6baeeffe56e7714fb4efe48d419",
            "to_address": to,
            "entry_point_selector": selector(handler),
            "payload": ["0x1234", "0x64"],
        })
    };
    for version in SpecVersion::ALL {
        let client = HttpClientBuilder::default().build(devnet.url_of(version)).unwrap();
        let estimate: Value = client
            .request(
                "starknet_estimateMessageFee",
                rpc_params![message(contract, "deposit"), "latest"],
            )
            .await
            .unwrap();
        assert_eq!(estimate["unit"], "WEI", "{estimate}");
        let consumed =
            hex_u128(&estimate["l1_gas_consumed"]) + hex_u128(&estimate["l2_gas_consumed"]);
        assert!(consumed > 0, "{estimate}");
        let fee = hex_u128(&estimate["l1_gas_consumed"]) * hex_u128(&estimate["l1_gas_price"])
            + hex_u128(&estimate["l1_data_gas_consumed"])
                * hex_u128(&estimate["l1_data_gas_price"])
            + hex_u128(&estimate["l2_gas_consumed"]) * hex_u128(&estimate["l2_gas_price"]);
        assert_eq!(hex_u128(&estimate["overall_fee"]), fee, "{estimate}");
        // The block's wei prices.
        let block: Value =
            client.request("starknet_getBlockWithTxHashes", rpc_params!["latest"]).await.unwrap();
        let price = &block["l1_gas_price"]["price_in_wei"];
        assert_eq!(hex_u128(&estimate["l1_gas_price"]), hex_u128(price), "{block}");

        let refused = |result: Result<Value, Error>| match result {
            Err(Error::Call(error)) => error.code(),
            other => panic!("{other:?}"),
        };
        let nobody = Felt::from(0x999u64);
        let result = client
            .request(
                "starknet_estimateMessageFee",
                rpc_params![message(nobody, "deposit"), "latest"],
            )
            .await;
        assert_eq!(refused(result), 20, "CONTRACT_NOT_FOUND on {version}");
        let result = client
            .request(
                "starknet_estimateMessageFee",
                rpc_params![message(contract, "get_balance"), "latest"],
            )
            .await;
        assert_eq!(refused(result), 40, "CONTRACT_ERROR on {version}");
    }
    // Estimating kept nothing.
    let client = HttpClientBuilder::default().build(&devnet.url).unwrap();
    let call = json!({
        "contract_address": contract,
        "entry_point_selector": selector("get_balance"),
        "calldata": ["0x1234"],
    });
    let balance: Value =
        client.request("starknet_call", rpc_params![call, "latest"]).await.unwrap();
    assert_eq!(balance, json!(["0x0"]));
    devnet.stop().await;
}
