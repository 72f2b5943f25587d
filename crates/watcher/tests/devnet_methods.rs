//! The watcher following the bundled devnet through starknet-devnet's state-changing methods:
//! a `devnet_mint` block (a transfer from the genesis minter) replays like any block, without a
//! divergence, and `devnet_abortBlocks` is a reorg the watcher follows, replacing the jobs of
//! the aborted heights with the blocks produced there afterwards. Everything is real except
//! the prover (the test-only stand-in).

mod common;

use std::sync::Arc;
use std::time::Duration;

use common::stand_in::{self, StandInProver};
use common::*;
use jsonrpsee::core::client::ClientT;
use jsonrpsee::rpc_params;
use proof_store::{Felt32, FsProofStore, JobStatus};
use serde_json::{Value, json};

fn felt32(felt: chain::Felt) -> Felt32 {
    Felt32(felt.to_bytes_be())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_mint_replays_and_an_abort_is_a_reorg() {
    init_logs();
    let dir = tempfile::tempdir().unwrap();
    let devnet =
        Devnet::start(&dir.path().join("devnet"), free_addr(), 0, Duration::from_millis(200)).await;
    let rpc = client(&devnet.url);
    let minted: Value = rpc.request("devnet_mint", rpc_params!["0x1234", 1000]).await.unwrap();
    let receipt: Value = rpc
        .request("starknet_getTransactionReceipt", rpc_params![minted["tx_hash"].clone()])
        .await
        .unwrap();
    let mint_block = receipt["block_number"].as_u64().unwrap();

    let store = Arc::new(FsProofStore::open(dir.path().join("proofs")).await.unwrap());
    let options = ServiceOptions::new(
        &devnet.url,
        &dir.path().join("watcher"),
        Arc::new(StandInProver::new()),
        store,
        stand_in::policy(),
    );
    let service = Service::start(options).await;
    wait_progress(&service.progress, 60, "the mint block and one after it", |p| {
        p.proven_through.is_some_and(|n| n > mint_block)
    })
    .await;
    let job = service.jobs.get(mint_block).unwrap().unwrap();
    assert_eq!(job.status, JobStatus::Stored, "replayed without a divergence");
    assert_eq!(job.block_hash, felt32(devnet.block(mint_block).0));
    assert_eq!(job.state_root, Some(felt32(devnet.block(mint_block).1)));

    // Abort from the mint's block: the blocks produced at those heights next are other blocks
    // (the first lacks the mint), so the watcher sees a reorg and processes them again.
    let seen = devnet.latest();
    let aborted: Value = rpc
        .request("devnet_abortBlocks", rpc_params![json!({ "block_number": mint_block })])
        .await
        .unwrap();
    let aborted = aborted["aborted"].as_array().unwrap().clone();
    assert!(aborted.len() as u64 > seen - mint_block, "{aborted:?}");
    wait_progress(&service.progress, 60, "the reorg", |p| p.reorgs >= 1).await;
    let target = seen + 2;
    wait_for(60, "blocks past the aborted heights", || async { devnet.latest() >= target }).await;
    wait_progress(&service.progress, 60, "the new blocks proven", |p| {
        p.proven_through.is_some_and(|n| n >= target)
    })
    .await;
    for number in mint_block..=target {
        let job = service.jobs.get(number).unwrap().unwrap();
        assert_eq!(job.block_hash, felt32(devnet.block(number).0), "block {number}");
        assert_eq!(job.status, JobStatus::Stored, "block {number}");
        let hash = format!("{:#x}", devnet.block(number).0);
        assert!(!aborted.contains(&Value::String(hash)), "block {number} is a new one");
    }
    service.stop().await;
    devnet.stop().await;
}
