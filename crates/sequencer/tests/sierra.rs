//! Sierra (Cairo 1) classes over JSON-RPC with starknet-rs: DECLARE v3 of a class compiled by
//! the official compiler (fee estimated first, as clients do), `getClass` and
//! `getCompiledCasm` of it, the state update's declared class, a deployment through the UDC, an
//! INVOKE v3 into it, a call, a reverted INVOKE with the contract's reason; and the refusals of
//! a wrong compiled class hash (COMPILED_CLASS_HASH_MISMATCH) and of a redeclaration.

mod common;

use std::sync::Arc;
use std::time::Duration;

use common::{Devnet, selector, test_config, wait_for_receipt};
use e2e::cairo_lang_test_class;
use jsonrpsee::core::client::ClientT;
use jsonrpsee::http_client::HttpClientBuilder;
use jsonrpsee::rpc_params;
use starknet_accounts::{Account, AccountError, ConnectedAccount};
use starknet_contract::{ContractFactory, UdcSelector};
use starknet_core::types::contract::{CompiledClass, SierraClass as CompilerOutput};
use starknet_core::types::{
    BlockId, BlockTag, Call, ContractClass, ExecutionResult, Felt, FunctionCall,
    MaybePreConfirmedStateUpdate, StarknetError,
};
use starknet_providers::{Provider, ProviderError};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn declare_v3_deploy_invoke_revert_and_read_back() {
    let devnet = Devnet::start(None, test_config(Duration::from_millis(200), true)).await;
    let client = devnet.client();
    let latest = BlockId::Tag(BlockTag::Latest);
    let (sierra, _) = cairo_lang_test_class("hello_starknet__hello_starknet");
    let output: CompilerOutput = serde_json::from_str(&sierra).unwrap();
    let class = Arc::new(output.flatten().unwrap());
    let class_hash = class.class_hash();
    let compiled = executor::SierraClass::compile(Arc::clone(&class)).unwrap();
    let account = devnet.account(0);

    // The Poseidon compiled class hash of older clients is refused with the spec's error.
    let stale = account
        .declare_v3(Arc::clone(&class), compiled.compiled_class_hash_v1())
        .l1_gas(0)
        .l1_gas_price(1)
        .l2_gas(1_000_000_000)
        .l2_gas_price(1)
        .l1_data_gas(100_000)
        .l1_data_gas_price(1)
        .send()
        .await;
    assert!(
        matches!(
            stale,
            Err(AccountError::Provider(ProviderError::StarknetError(
                StarknetError::CompiledClassHashMismatch
            )))
        ),
        "{stale:?}"
    );

    // Declared with the fee estimated first.
    let declared = account
        .declare_v3(Arc::clone(&class), compiled.compiled_class_hash())
        .send()
        .await
        .unwrap();
    assert_eq!(declared.class_hash, class_hash);
    let receipt = wait_for_receipt(&client, declared.transaction_hash).await;
    assert_eq!(receipt.receipt.execution_result(), &ExecutionResult::Succeeded);
    let block = receipt.block.block_number();
    let MaybePreConfirmedStateUpdate::Update(update) =
        client.get_state_update(BlockId::Number(block)).await.unwrap()
    else {
        panic!("a confirmed block")
    };
    let listed = &update.state_diff.declared_classes;
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].class_hash, class_hash);
    assert_eq!(listed[0].compiled_class_hash, compiled.compiled_class_hash());

    // Served back: the Sierra class as declared, and its CASM.
    let ContractClass::Sierra(served) = client.get_class(latest, class_hash).await.unwrap() else {
        panic!("a Sierra class")
    };
    assert_eq!(served.class_hash(), class_hash);
    let raw = HttpClientBuilder::default().build(&devnet.url).unwrap();
    let casm: serde_json::Value =
        raw.request("starknet_getCompiledCasm", rpc_params![class_hash]).await.unwrap();
    let casm: CompiledClass = serde_json::from_value(casm).unwrap();
    assert_eq!(casm.class_hash().unwrap(), compiled.compiled_class_hash_v1());
    let cairo0 = devnet.node.genesis().accounts[0].address;
    let cairo0_class = client.get_class_hash_at(latest, cairo0).await.unwrap();
    let none: Result<serde_json::Value, _> =
        raw.request("starknet_getCompiledCasm", rpc_params![cairo0_class]).await;
    assert!(none.unwrap_err().to_string().contains("Class hash not found"));

    // Declaring it again is refused.
    let again = account.declare_v3(Arc::clone(&class), compiled.compiled_class_hash()).send().await;
    assert!(again.is_err(), "{again:?}");

    // Deployed through the UDC, then increased from the (Cairo 0) account.
    let factory = ContractFactory::new_with_udc(class_hash, &account, UdcSelector::Legacy);
    let deployment = factory.deploy_v3(vec![], Felt::from(0xc0ffeeu64), false);
    let hello = deployment.deployed_address();
    let sent = deployment.send().await.unwrap();
    let receipt = wait_for_receipt(&client, sent.transaction_hash).await;
    assert_eq!(receipt.receipt.execution_result(), &ExecutionResult::Succeeded);
    assert_eq!(client.get_class_hash_at(latest, hello).await.unwrap(), class_hash);

    let increase = |amount: u64| Call {
        to: hello,
        selector: selector("increase_balance"),
        calldata: vec![Felt::from(amount)],
    };
    let sent = account.execute_v3(vec![increase(40), increase(2)]).send().await.unwrap();
    let receipt = wait_for_receipt(&client, sent.transaction_hash).await;
    assert_eq!(receipt.receipt.execution_result(), &ExecutionResult::Succeeded);
    let get_balance = FunctionCall {
        contract_address: hello,
        entry_point_selector: selector("get_balance"),
        calldata: vec![],
    };
    assert_eq!(client.call(&get_balance, latest).await.unwrap(), vec![Felt::from(42u64)]);

    // A u32 overflow in the Cairo 1 contract: included, reverted with the contract's reason.
    let nonce = account.get_nonce().await.unwrap();
    let sent = account
        .execute_v3(vec![increase(u64::from(u32::MAX))])
        .nonce(nonce)
        .l1_gas(0)
        .l1_gas_price(1)
        .l2_gas(1_000_000_000)
        .l2_gas_price(1)
        .l1_data_gas(100_000)
        .l1_data_gas_price(1)
        .send()
        .await
        .unwrap();
    let receipt = wait_for_receipt(&client, sent.transaction_hash).await;
    let ExecutionResult::Reverted { reason } = receipt.receipt.execution_result() else {
        panic!("reverted: {:?}", receipt.receipt.execution_result())
    };
    assert!(reason.contains("u32_add Overflow"), "{reason}");
    assert_eq!(client.call(&get_balance, latest).await.unwrap(), vec![Felt::from(42u64)]);
    devnet.stop().await;
}
