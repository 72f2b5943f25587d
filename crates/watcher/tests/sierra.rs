//! A chain with Sierra (Cairo 1) classes: the watcher fetches a declared Sierra class, compiles
//! it, replays the DECLARE v3 (and a DECLARE v2 of another class), the deployment and the call
//! into the class without divergence; it proves the blocks whose Cairo 0 account declares the
//! class (DECLARE v3), deploys it through the UDC and calls it (the OS runs Sierra classes under
//! Cairo 0 accounts) and the Cairo 0 blocks around them, marks the DECLARE v2 "not provable yet"
//! with the reason, and keeps the class across a restart.

mod common;

use std::sync::Arc;
use std::time::Duration;

use chain::Felt;
use common::*;
use e2e::cairo_lang_test_class;
use jsonrpsee::core::client::ClientT;
use jsonrpsee::rpc_params;
use proof_store::JobStatus;
use serde_json::Value;
use starknet_core::types::contract::SierraClass as CompilerOutput;
use starknet_core::utils::{UdcUniqueness, get_selector_from_name, get_udc_deployed_address};

/// Sends `tx` with `method` and waits until the devnet included it; returns its block.
async fn include(devnet: &Devnet, method: &str, hash: Felt, tx: Value) -> u64 {
    let rpc = client(&devnet.url);
    let _: Value = rpc.request(method, rpc_params![tx]).await.unwrap();
    devnet.wait_included().await;
    let receipt: Value =
        rpc.request("starknet_getTransactionReceipt", rpc_params![hash]).await.unwrap();
    assert_eq!(receipt["execution_status"], "SUCCEEDED", "{receipt}");
    receipt["block_number"].as_u64().unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sierra_blocks_are_replayed_and_the_declaration_deployment_and_call_are_proven() {
    init_logs();
    let dir = tempfile::tempdir().unwrap();
    let devnet =
        Devnet::start(&dir.path().join("devnet"), free_addr(), 0, Duration::from_millis(300)).await;
    let chain_id = devnet.node.config().chain_id;
    let account = devnet.node.genesis().accounts[0].clone();
    let (sierra, _) = cairo_lang_test_class("hello_starknet__hello_starknet");
    let output: CompilerOutput = serde_json::from_str(&sierra).unwrap();
    let class = Arc::new(output.flatten().unwrap());
    let class_hash = class.class_hash();
    let compiled = executor::SierraClass::compile(Arc::clone(&class)).unwrap();

    // DECLARE v3, a deployment through the UDC, a call into the class: three blocks.
    let (hash, tx) = sequencer::signing::declare_v3(
        chain_id,
        account.address,
        &account.private_key,
        Felt::ZERO,
        &class,
        compiled.compiled_class_hash(),
    )
    .unwrap();
    let declared = include(&devnet, "starknet_addDeclareTransaction", hash, tx).await;
    let salt = Felt::from(0x5151u64);
    let deploy = sequencer::signing::single_call_calldata(
        sequencer::genesis::UDC_ADDRESS,
        get_selector_from_name("deployContract").unwrap(),
        &[class_hash, salt, Felt::ZERO, Felt::ZERO],
    );
    let (hash, tx) = sequencer::signing::invoke_v3(
        chain_id,
        account.address,
        &account.private_key,
        Felt::ONE,
        deploy,
    )
    .unwrap();
    let deployed = include(&devnet, "starknet_addInvokeTransaction", hash, tx).await;
    let hello = get_udc_deployed_address(salt, class_hash, &UdcUniqueness::NotUnique, &[]);
    let increase = sequencer::signing::single_call_calldata(
        hello,
        get_selector_from_name("increase_balance").unwrap(),
        &[Felt::from(7u64)],
    );
    let (hash, tx) = sequencer::signing::invoke_v3(
        chain_id,
        account.address,
        &account.private_key,
        Felt::TWO,
        increase,
    )
    .unwrap();
    let called = include(&devnet, "starknet_addInvokeTransaction", hash, tx).await;
    // A DECLARE v2 of another class: no served write API takes one, so it goes to the node
    // below JSON-RPC, as another node's history would hold it; the watcher reads and replays it.
    let (sierra_v2, _) = cairo_lang_test_class("minimal_contract__minimal_contract");
    let output: CompilerOutput = serde_json::from_str(&sierra_v2).unwrap();
    let class_v2 = Arc::new(output.flatten().unwrap());
    let class_v2_hash = class_v2.class_hash();
    let mut declare_v2 = chain::Transaction::DeclareV2(chain::DeclareV2 {
        sender_address: account.address,
        class_hash: class_v2_hash,
        compiled_class_hash: executor::SierraClass::compile(Arc::clone(&class_v2))
            .unwrap()
            .compiled_class_hash(),
        max_fee: Felt::from(10u64.pow(15)),
        signature: vec![],
        nonce: Felt::THREE,
        is_query: false,
    });
    let hash = declare_v2.hash(chain_id);
    let signature = chain::signature::sign_hash(&account.private_key, &hash).unwrap();
    declare_v2.set_signature(signature.to_vec());
    let node = Arc::clone(&devnet.node);
    let definition = chain::classes::ContractClass::Sierra(class_v2);
    tokio::task::spawn_blocking(move || node.submit(declare_v2, Some(definition)))
        .await
        .unwrap()
        .unwrap();
    devnet.wait_included().await;
    let receipt: Value = client(&devnet.url)
        .request("starknet_getTransactionReceipt", rpc_params![hash])
        .await
        .unwrap();
    assert_eq!(receipt["execution_status"], "SUCCEEDED", "{receipt}");
    let declared_v2 = receipt["block_number"].as_u64().unwrap();
    // And Cairo 0 load after them.
    devnet.send_load(2).await;
    let last = devnet.wait_included().await;
    let cairo0 = (declared_v2 + 1..=last).find(|&n| devnet.transaction_count(n) > 0).unwrap();

    let options = || ServiceOptions::with_os_prover(&devnet.url, dir.path());
    let service = Service::start(options().await).await;
    wait_progress(&service.progress, 240, "every block settled", |p| {
        p.settled_through.is_some_and(|n| n >= last)
    })
    .await;
    // The DECLARE v2: not provable yet, not retried.
    let job = service.jobs.get(declared_v2).unwrap().unwrap();
    match &job.status {
        JobStatus::Failed { reason } => {
            assert!(reason.contains("not provable yet"), "{reason}");
            assert!(reason.contains("DECLARE v2 of Sierra class"), "{reason}");
            assert!(reason.contains(&format!("{class_v2_hash:#x}")), "{reason}");
        }
        other => panic!("block {declared_v2}: {other:?}"),
    }
    assert_eq!(job.attempts, 1, "not provable yet is not retried");
    assert_eq!(service.jobs.get(cairo0).unwrap().unwrap().status, JobStatus::Stored);
    // The Cairo 0 account's declaration of the class, its deployment (UDC) and its call of
    // `increase_balance`: the OS writes the class's leaf, then runs its CASM.
    assert_eq!(service.jobs.get(declared).unwrap().unwrap().status, JobStatus::Stored);
    assert_eq!(service.jobs.get(deployed).unwrap().unwrap().status, JobStatus::Stored);
    assert_eq!(service.jobs.get(called).unwrap().unwrap().status, JobStatus::Stored);
    service.stop().await;

    // The replayed class is kept: a restarted watcher goes on from its state.
    devnet.send_load(1).await;
    let after = devnet.wait_included().await;
    let service = Service::start(options().await).await;
    wait_progress(&service.progress, 240, "the new blocks settled", |p| {
        p.settled_through.is_some_and(|n| n >= after)
    })
    .await;
    for block in last + 1..=after {
        let status = service.jobs.get(block).unwrap().unwrap().status;
        assert!(!matches!(status, JobStatus::Divergent { .. }), "block {block}: {status:?}");
    }
    service.stop().await;
    devnet.stop().await;
}
