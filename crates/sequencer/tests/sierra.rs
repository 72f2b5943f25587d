//! Sierra (Cairo 1) classes over JSON-RPC with starknet-rs: DECLARE v3 of a class compiled by
//! the official compiler (fee estimated first, as clients do), `getClass` and
//! `getCompiledCasm` of it, the state update's declared class, a deployment through the UDC, an
//! INVOKE v3 into it, a call, a reverted INVOKE with the contract's reason, their traces and a
//! simulation; and the refusals of a wrong compiled class hash (COMPILED_CLASS_HASH_MISMATCH)
//! and of a redeclaration.

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
    BlockId, BlockTag, Call, ConfirmedBlockId, ContractClass, ExecuteInvocation, ExecutionResult,
    Felt, FunctionCall, MaybePreConfirmedStateUpdate, StarknetError, TransactionTrace,
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
    let increased = sent.transaction_hash;
    let receipt = wait_for_receipt(&client, increased).await;
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

    // Traces, as starknet-rs reads them. The two increases run inside the account's
    // `__execute__`, each a call of the Cairo 1 class that used Sierra gas.
    let TransactionTrace::Invoke(trace) = client.trace_transaction(increased).await.unwrap() else {
        panic!("an INVOKE trace")
    };
    let ExecuteInvocation::Success(execute) = &trace.execute_invocation else {
        panic!("a successful __execute__: {:?}", trace.execute_invocation)
    };
    assert_eq!(execute.contract_address, account.address());
    assert_eq!(execute.calls.len(), 2);
    for call in &execute.calls {
        assert_eq!((call.contract_address, call.class_hash), (hello, class_hash));
        assert_eq!(call.entry_point_selector, selector("increase_balance"));
        assert!(call.execution_resources.l2_gas > 0 && !call.is_reverted, "{call:?}");
    }
    assert_eq!(trace.validate_invocation.unwrap().contract_address, account.address());
    let diff = trace.state_diff.unwrap();
    assert!(diff.storage_diffs.iter().any(|storage| storage.address == hello));
    assert!(trace.execution_resources.l2_gas > 0);
    // The revert, with the contract's reason.
    let reverted = sent.transaction_hash;
    let TransactionTrace::Invoke(trace) = client.trace_transaction(reverted).await.unwrap() else {
        panic!("an INVOKE trace")
    };
    let ExecuteInvocation::Reverted(revert) = &trace.execute_invocation else {
        panic!("a reverted __execute__: {:?}", trace.execute_invocation)
    };
    assert!(revert.revert_reason.contains("u32_add Overflow"), "{}", revert.revert_reason);
    // The DECLARE's trace, and every trace of the revert's block.
    let trace = client.trace_transaction(declared.transaction_hash).await.unwrap();
    assert!(
        matches!(trace, TransactionTrace::Declare(ref declare)
        if declare.validate_invocation.is_some()),
        "{trace:?}"
    );
    let block = ConfirmedBlockId::Number(receipt.block.block_number());
    let traces = client.trace_block_transactions(block).await.unwrap();
    assert!(traces.iter().any(|traced| traced.transaction_hash == reverted));
    // A simulation of the same overflow at the next nonce: a reverted trace and a fee estimate,
    // not an error; nothing is kept.
    let simulated = account
        .execute_v3(vec![increase(u64::from(u32::MAX))])
        .nonce(nonce + Felt::ONE)
        .l1_gas(0)
        .l1_gas_price(1)
        .l2_gas(1_000_000_000)
        .l2_gas_price(1)
        .l1_data_gas(100_000)
        .l1_data_gas_price(1)
        .simulate(false, true)
        .await
        .unwrap();
    let TransactionTrace::Invoke(trace) = &simulated.transaction_trace else {
        panic!("an INVOKE trace")
    };
    assert!(matches!(&trace.execute_invocation, ExecuteInvocation::Reverted(revert)
        if revert.revert_reason.contains("u32_add Overflow")));
    assert!(simulated.fee_estimation.l2_gas_consumed > 0);
    assert_eq!(account.get_nonce().await.unwrap(), nonce + Felt::ONE);
    // Not executed, no trace: an unknown hash is TXN_HASH_NOT_FOUND.
    let unknown = client.trace_transaction(Felt::from(0xdeadu64)).await;
    assert!(
        matches!(
            unknown,
            Err(ProviderError::StarknetError(StarknetError::TransactionHashNotFound))
        ),
        "{unknown:?}"
    );
    devnet.stop().await;
}
