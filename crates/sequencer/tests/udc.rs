//! The Universal Deployer at genesis, driven by starknet-rs's `ContractFactory` (starknet-contract
//! 0.16, legacy UDC): a class declared over JSON-RPC (DECLARE v1, as `watcher-prover declare`
//! sends it) is deployed through the UDC, uniquely and not, and the instances are called.

mod common;

use std::time::Duration;

use common::{Devnet, selector, test_config, wait_for_receipt};
use jsonrpsee::core::client::ClientT;
use jsonrpsee::http_client::HttpClientBuilder;
use jsonrpsee::rpc_params;
use sequencer::classes::{ERC20_JSON, parse_class_json};
use sequencer::genesis::UDC_ADDRESS;
use starknet_contract::{ContractFactory, UdcSelector};
use starknet_core::types::{
    BlockId, BlockTag, ExecutionResult, Felt, FunctionCall, TransactionReceipt,
};
use starknet_core::utils::{UdcUniqueness, cairo_short_string_to_felt, get_udc_deployed_address};
use starknet_providers::Provider;

/// `starknet_call` at the latest block.
async fn call(devnet: &Devnet, to: Felt, name: &str, calldata: Vec<Felt>) -> Vec<Felt> {
    let request =
        FunctionCall { contract_address: to, entry_point_selector: selector(name), calldata };
    devnet.client().call(request, BlockId::Tag(BlockTag::Latest)).await.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn declared_class_is_deployed_through_the_udc_and_called() {
    let devnet = Devnet::start(None, test_config(Duration::from_millis(200), true)).await;
    let client = devnet.client();
    let latest = BlockId::Tag(BlockTag::Latest);
    assert_eq!(
        client.get_class_hash_at(latest, UDC_ADDRESS).await.unwrap(),
        sequencer::classes::BundledClasses::load().unwrap().udc.class_hash,
        "the UDC is where starknet-rs looks for it"
    );

    // A class genesis does not have: the ERC-20 with another compiler version string (part of
    // the class hash, irrelevant to execution). It has a constructor with arguments.
    let mut json: serde_json::Value = serde_json::from_str(ERC20_JSON).unwrap();
    json["program"]["compiler_version"] = "0.14.0.1+udc-test".into();
    let class = parse_class_json(&json.to_string()).unwrap();
    let dev = devnet.node.genesis().accounts[0].clone();
    let chain_id = devnet.node.config().chain_id;
    let (hash, declare) =
        sequencer::signing::declare_v1(chain_id, dev.address, &dev.private_key, Felt::ZERO, &class)
            .unwrap();
    let raw = HttpClientBuilder::default().max_request_size(16 << 20).build(&devnet.url).unwrap();
    let _: serde_json::Value =
        raw.request("starknet_addDeclareTransaction", rpc_params![declare]).await.unwrap();
    wait_for_receipt(&client, hash).await;

    let account = devnet.account(0);
    let factory = ContractFactory::new_with_udc(class.class_hash, account, UdcSelector::Legacy);
    let holder = devnet.node.genesis().accounts[1].address;
    let name = cairo_short_string_to_felt("UDC Token").unwrap();
    let symbol = cairo_short_string_to_felt("UDCT").unwrap();
    let constructor = vec![name, symbol, Felt::from(6u64), Felt::from(5000u64), Felt::ZERO, holder];

    // Unique: the salt is pedersen(deployer, salt) and the UDC is the deployer.
    let salt = Felt::from(0x5a17u64);
    let unique = factory.deploy_v3(constructor.clone(), salt, true);
    let unique_address = unique.deployed_address();
    let sent = unique.send().await.unwrap();
    let receipt = wait_for_receipt(&client, sent.transaction_hash).await;
    let TransactionReceipt::Invoke(invoke) = receipt.receipt else { panic!("invoke receipt") };
    assert_eq!(invoke.execution_result, ExecutionResult::Succeeded);
    let deployed = invoke
        .events
        .iter()
        .find(|event| event.from_address == UDC_ADDRESS)
        .expect("ContractDeployed from the UDC");
    assert_eq!(deployed.keys, vec![selector("ContractDeployed")]);
    let mut expected = vec![unique_address, dev.address, Felt::ONE, class.class_hash];
    expected.push(Felt::from(constructor.len()));
    expected.extend_from_slice(&constructor);
    expected.push(salt);
    assert_eq!(deployed.data, expected);
    // The constructor ran (the mint's Transfer event comes from the new contract).
    assert!(invoke.events.iter().any(|event| event.from_address == unique_address));

    assert_eq!(client.get_class_hash_at(latest, unique_address).await.unwrap(), class.class_hash);
    assert_eq!(call(&devnet, unique_address, "name", vec![]).await, vec![name]);
    assert_eq!(
        call(&devnet, unique_address, "balance_of", vec![holder]).await,
        vec![Felt::from(5000u64), Felt::ZERO]
    );

    // Not unique: the address anyone gets for this class, salt and calldata (deployer 0).
    let plain = factory.deploy_v3(constructor.clone(), salt, false);
    let plain_address = plain.deployed_address();
    assert_eq!(
        plain_address,
        get_udc_deployed_address(salt, class.class_hash, &UdcUniqueness::NotUnique, &constructor)
    );
    assert_ne!(plain_address, unique_address);
    let sent = plain.send().await.unwrap();
    let receipt = wait_for_receipt(&client, sent.transaction_hash).await;
    assert_eq!(receipt.receipt.execution_result(), &ExecutionResult::Succeeded);
    assert_eq!(call(&devnet, plain_address, "symbol", vec![]).await, vec![symbol]);

    // The same unique deployment again: the address is taken, so the estimate fails and
    // nothing is sent.
    let again = factory.deploy_v3(constructor, salt, true);
    let refused = again.send().await.unwrap_err();
    assert!(refused.to_string().contains("already deployed"), "{refused}");
    devnet.stop().await;
}
