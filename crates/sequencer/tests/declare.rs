//! DECLARE v1 of a Cairo 0 class over JSON-RPC (spec 0.7 shape, as `watcher-prover declare`
//! sends it), then the class is readable and cannot be declared twice.

mod common;

use std::time::Duration;

use common::{Devnet, test_config, wait_for_receipt};
use jsonrpsee::core::client::ClientT;
use jsonrpsee::http_client::HttpClientBuilder;
use jsonrpsee::rpc_params;
use sequencer::classes::{FIBONACCI_JSON, parse_class_json};
use starknet_core::types::{
    BlockId, BlockTag, ContractClass, ExecutionResult, Felt, MaybePreConfirmedStateUpdate,
    TransactionReceipt,
};
use starknet_providers::Provider;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn declare_v1_of_a_new_class() {
    let devnet = Devnet::start(None, test_config(Duration::from_millis(200), true)).await;
    // A class the genesis does not have: fibonacci with another compiler version string (part
    // of the hinted class hash, irrelevant to execution).
    let mut json: serde_json::Value = serde_json::from_str(FIBONACCI_JSON).unwrap();
    json["program"]["compiler_version"] = "0.14.0.1+declare-test".into();
    let class = parse_class_json(&json.to_string()).unwrap();
    let bundled = sequencer::classes::BundledClasses::load().unwrap();
    assert_ne!(class.class_hash, bundled.fibonacci.class_hash);

    let dev = devnet.node.genesis().accounts[1].clone();
    let chain_id = devnet.node.config().chain_id;
    let (hash, transaction) =
        sequencer::signing::declare_v1(chain_id, dev.address, &dev.private_key, Felt::ZERO, &class)
            .unwrap();
    let raw = HttpClientBuilder::default().max_request_size(16 << 20).build(&devnet.url).unwrap();
    let answer: serde_json::Value = raw
        .request("starknet_addDeclareTransaction", rpc_params![transaction.clone()])
        .await
        .unwrap();
    assert_eq!(answer["transaction_hash"], format!("{hash:#x}"));
    assert_eq!(answer["class_hash"], format!("{:#x}", class.class_hash));

    let client = devnet.client();
    let receipt = wait_for_receipt(&client, hash).await;
    let TransactionReceipt::Declare(declare) = &receipt.receipt else { panic!("declare receipt") };
    assert_eq!(declare.execution_result, ExecutionResult::Succeeded);
    let block = receipt.block.block_number();
    let MaybePreConfirmedStateUpdate::Update(update) =
        client.get_state_update(BlockId::Number(block)).await.unwrap()
    else {
        panic!("state update");
    };
    assert!(update.state_diff.deprecated_declared_classes.contains(&class.class_hash));
    let served = client.get_class(BlockId::Tag(BlockTag::Latest), class.class_hash).await.unwrap();
    let ContractClass::Legacy(compressed) = served else { panic!("legacy class") };
    assert_eq!(sequencer::classes::decompress(&compressed).unwrap().class_hash, class.class_hash);
    // Not visible before the block that declared it.
    assert!(client.get_class(BlockId::Number(block - 1), class.class_hash).await.is_err());

    // Declaring it again is refused with CLASS_ALREADY_DECLARED (51).
    let (_, again) =
        sequencer::signing::declare_v1(chain_id, dev.address, &dev.private_key, Felt::ONE, &class)
            .unwrap();
    let refused = raw
        .request::<serde_json::Value, _>("starknet_addDeclareTransaction", rpc_params![again])
        .await
        .unwrap_err();
    let jsonrpsee::core::ClientError::Call(object) = refused else { panic!("{refused:?}") };
    assert_eq!(object.code(), 51);
    devnet.stop().await;
}
