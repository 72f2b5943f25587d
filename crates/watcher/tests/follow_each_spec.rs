//! The watcher follows and replays a chain through each spec version's endpoint of the devnet,
//! over loopback: `/rpc/v0_9` and `/rpc/v0_10`, the latter behind a proxy that reads
//! positional params as starknet-devnet 0.10 does (a short list is refused), which is how the
//! watcher's first `starknet_getBlockWithTxs` used to be refused. Replay's root of every block
//! must be the devnet's, with no divergence (in 0.10 the header's commitments are compared
//! too). Proving is not the point here: the prover refuses every block.

mod common;

use std::sync::Arc;
use std::time::Duration;

use chain::rpc::SpecVersion;
use common::proxy::{Proxy, Tamper};
use common::stand_in;
use common::*;
use proof_store::{Felt32, FsProofStore, JobStatusKind, ProofStore};
use serde_json::Value;
use watcher::{SequencerClient, UnavailableProver};

/// Refuses what starknet-devnet 0.10 refuses: positional params that leave out a method's
/// trailing optional params (its request types read a list as a fixed-length tuple).
fn strict_like_starknet_devnet() -> Tamper {
    Arc::new(|method: &str, params: &Value, answer: Value| {
        let full_length = match method {
            "starknet_getBlockWithTxs" | "starknet_getStateUpdate" => 2,
            _ => return Ok(answer),
        };
        match params {
            Value::Array(list) if list.len() < full_length => Err(format!(
                "invalid length {}, expected struct with {full_length} elements",
                list.len()
            )),
            _ => Ok(answer),
        }
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_watcher_follows_and_replays_through_each_spec_version() {
    init_logs();
    let dir = tempfile::tempdir().unwrap();
    let devnet =
        Devnet::start(&dir.path().join("devnet"), free_addr(), 0, Duration::from_millis(200)).await;
    devnet.send_load(4).await;
    let last = devnet.wait_included().await;

    let proxy = Proxy::start(&format!("{}{}", devnet.url, SpecVersion::V0_10.path())).await;
    proxy.set_tamper(Some(strict_like_starknet_devnet()));
    let endpoints = [
        (SpecVersion::V0_9, format!("{}{}", devnet.url, SpecVersion::V0_9.path())),
        (SpecVersion::V0_10, proxy.url.clone()),
    ];
    for (version, url) in endpoints {
        let client = SequencerClient::new(&url, Duration::from_secs(5)).unwrap();
        assert_eq!(client.spec_version().await.unwrap(), version, "{url}");

        let data = dir.path().join(format!("watcher-{version}"));
        let store: Arc<dyn ProofStore> =
            Arc::new(FsProofStore::open(data.join("proofs")).await.unwrap());
        let prover = Arc::new(UnavailableProver::new("not under test"));
        let options = ServiceOptions::new(&url, &data, prover, store, stand_in::policy());
        let service = Service::start(options).await;
        let progress = wait_progress(&service.progress, 60, "replay through the load", |p| {
            p.replayed_through.is_some_and(|through| through >= last)
        })
        .await;
        assert_eq!(progress.blocks_divergent, 0, "spec {version}: {progress:?}");
        assert!(progress.transactions_replayed >= 4, "spec {version}: {progress:?}");
        for number in 0..=last {
            let (hash, root) = devnet.block(number);
            let job = service.jobs.get(number).unwrap().expect("a job per block");
            assert_ne!(job.status.kind(), JobStatusKind::Divergent, "spec {version}: {job:?}");
            assert_eq!(job.block_hash, Felt32(hash.to_bytes_be()), "spec {version}, {number}");
            assert_eq!(job.state_root, Some(Felt32(root.to_bytes_be())), "spec {version}");
        }
        service.stop().await;
    }
    devnet.stop().await;
}
