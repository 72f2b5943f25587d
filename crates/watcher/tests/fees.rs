//! A chain that charges fees (`watcher-prover devnet --fees on`): a watcher given the fee token
//! (`--fee-token`) replays a fee-paying block without divergence and proves it (the OS runs the
//! fee transfer); the light client accepts the proof with the chain's fee token pinned and
//! refuses it with another.

mod common;

use std::time::Duration;

use chain::{Felt, ResourceBounds, ResourceBoundsMapping};
use common::*;
use jsonrpsee::core::client::ClientT;
use jsonrpsee::rpc_params;
use light_client::{LightClientOptions, light_verify_with};
use proof_store::JobStatus;
use serde_json::Value;
use starknet_core::utils::get_selector_from_name;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fee_paying_blocks_are_replayed_and_proven() {
    init_logs();
    let dir = tempfile::tempdir().unwrap();
    let config = sequencer::NodeConfig {
        block_time: Duration::from_millis(300),
        account_count: 3,
        fees: true,
        ..sequencer::NodeConfig::default()
    };
    let fee_token = config.fee_token();
    let devnet = Devnet::start_with(&dir.path().join("devnet"), free_addr(), config).await;
    let chain_id = devnet.node.config().chain_id;
    let genesis = devnet.node.genesis().clone();
    let (account, receiver) = (&genesis.accounts[0], genesis.accounts[1].address);

    // A transfer priced above the block's gas prices.
    let bound = |max_amount, max_price_per_unit| ResourceBounds { max_amount, max_price_per_unit };
    let bounds = ResourceBoundsMapping {
        l1_gas: bound(0, 2_000_000_000),
        l2_gas: bound(10_000_000, 2_000),
        l1_data_gas: Some(bound(10_000, 2_000)),
    };
    let calldata = sequencer::signing::single_call_calldata(
        genesis.erc20_address,
        get_selector_from_name("transfer").unwrap(),
        &[receiver, Felt::from(1234u64), Felt::ZERO],
    );
    let (hash, tx) = sequencer::signing::invoke_v3_bounded(
        chain_id,
        account.address,
        &account.private_key,
        Felt::ZERO,
        calldata,
        bounds,
    )
    .unwrap();
    let rpc = client(&devnet.url);
    let _: Value = rpc.request("starknet_addInvokeTransaction", rpc_params![tx]).await.unwrap();
    devnet.wait_included().await;
    let receipt: Value =
        rpc.request("starknet_getTransactionReceipt", rpc_params![hash]).await.unwrap();
    assert_eq!(receipt["execution_status"], "SUCCEEDED", "{receipt}");
    assert_ne!(receipt["actual_fee"]["amount"], "0x0", "{receipt}");
    let paid = receipt["block_number"].as_u64().unwrap();
    // Two empty blocks after it.
    let last = paid + 2;
    wait_for(30, "two more blocks", || async { devnet.latest() >= last }).await;

    let mut options = ServiceOptions::with_os_prover(&devnet.url, dir.path()).await;
    options.from_block = paid;
    options.fee_token = Some(fee_token);
    let service = Service::start(options).await;
    wait_progress(&service.progress, 240, "the blocks settled", |p| {
        p.settled_through.is_some_and(|n| n >= last)
    })
    .await;
    for number in paid..=last {
        let job = service.jobs.get(number).unwrap().unwrap();
        assert_eq!(job.status, JobStatus::Stored, "block {number}: {job:?}");
    }
    let os_hash = watcher::OsProver::program_hash().unwrap();
    let pinned = |token| LightClientOptions {
        min_security_bits: 0,
        fee_tokens: Some(chain::FeeTokens::single(Some(token))),
        ..Default::default()
    };
    let verified =
        light_verify_with(&service.api_url, &devnet.url, paid, os_hash, pinned(fee_token))
            .await
            .expect("the light client accepts the fee-paying block with the chain's fee token");
    assert_eq!(verified.output.transaction_count, 1);
    let error = light_verify_with(&service.api_url, &devnet.url, paid, os_hash, pinned(Felt::ONE))
        .await
        .unwrap_err();
    assert!(error.to_string().contains("fee tokens are"), "{error}");
    service.stop().await;
    devnet.stop().await;
}
