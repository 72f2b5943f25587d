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

/// A declared account class (a variant of the bundled account) is deployed by DEPLOY_ACCOUNT v3
/// and called: the path by which a class declared with `watcher-prover declare` gets an instance
/// today (the executor has no `deploy` syscall yet).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn declared_account_class_is_deployed_and_called() {
    use starknet_accounts::SingleOwnerAccount;
    use starknet_accounts::{
        Account, AccountFactory, ExecutionEncoding, OpenZeppelinAccountFactory,
    };
    use starknet_core::types::{Call, FunctionCall};
    use starknet_signers::{LocalWallet, SigningKey};

    let devnet = Devnet::start(None, test_config(Duration::from_millis(200), true)).await;
    let mut json: serde_json::Value =
        serde_json::from_str(sequencer::classes::ACCOUNT_JSON).unwrap();
    json["program"]["compiler_version"] = "0.14.0.1+account-variant".into();
    let class = parse_class_json(&json.to_string()).unwrap();
    let dev = devnet.node.genesis().accounts[2].clone();
    let chain_id = devnet.node.config().chain_id;
    let (hash, transaction) =
        sequencer::signing::declare_v1(chain_id, dev.address, &dev.private_key, Felt::ZERO, &class)
            .unwrap();
    let raw = HttpClientBuilder::default().max_request_size(16 << 20).build(&devnet.url).unwrap();
    let _: serde_json::Value =
        raw.request("starknet_addDeclareTransaction", rpc_params![transaction]).await.unwrap();
    let client = devnet.client();
    wait_for_receipt(&client, hash).await;

    let key = SigningKey::from_secret_scalar(Felt::from_hex_unchecked("0xabcdef"));
    let factory = OpenZeppelinAccountFactory::new(
        class.class_hash,
        chain_id.as_felt(),
        LocalWallet::from(key.clone()),
        devnet.client(),
    )
    .await
    .unwrap();
    let deployment = factory.deploy_v3(Felt::from(11u64));
    let address = deployment.address();
    let sent = deployment.send().await.unwrap();
    wait_for_receipt(&client, sent.transaction_hash).await;
    let latest = BlockId::Tag(BlockTag::Latest);
    assert_eq!(client.get_class_hash_at(latest, address).await.unwrap(), class.class_hash);

    // Called directly (a view) and used as an account.
    let public_key = client
        .call(
            FunctionCall {
                contract_address: address,
                entry_point_selector: common::selector("get_public_key"),
                calldata: vec![],
            },
            latest,
        )
        .await
        .unwrap();
    assert_eq!(public_key, vec![key.verifying_key().scalar()]);
    let account = SingleOwnerAccount::new(
        devnet.client(),
        LocalWallet::from(key),
        address,
        chain_id.as_felt(),
        ExecutionEncoding::Legacy,
    );
    let call = Call {
        to: devnet.node.genesis().fibonacci_address,
        selector: common::selector("fibonacci"),
        calldata: vec![Felt::from(20u64)],
    };
    let sent = account.execute_v3(vec![call]).send().await.unwrap();
    let receipt = wait_for_receipt(&client, sent.transaction_hash).await;
    let TransactionReceipt::Invoke(invoke) = receipt.receipt else { panic!("invoke receipt") };
    assert_eq!(invoke.execution_result, ExecutionResult::Succeeded);
    assert_eq!(invoke.events[0].data[..3], [address, Felt::from(20u64), Felt::from(6765u64)]);
    devnet.stop().await;
}
