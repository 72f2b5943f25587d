//! A sequencer that serves a block without one of its transactions (issue 13, row 3), through
//! a tampering JSON-RPC proxy in front of a real devnet: a lie that lasts a few seconds heals
//! by re-fetching (no alert, every block proven); a lie that persists marks the block and the
//! ones replayed on top of it `divergent`, and `--retry-failed` after the sequencer tells the
//! truth again proves them all.

mod common;

use std::sync::Arc;
use std::time::{Duration, Instant};

use common::proxy::{Proxy, Tamper, requested_block};
use common::stand_in::{self, StandInProver};
use common::*;
use proof_store::{FsProofStore, JobStatus, JobStatusKind, ProofStore};
use serde_json::Value;

/// Serves block `block` without its last transaction while `lying()` holds.
fn drop_last_transaction(block: u64, lying: impl Fn() -> bool + Send + Sync + 'static) -> Tamper {
    Arc::new(move |method: &str, params: &Value, mut answer: Value| {
        if method == "starknet_getBlockWithTxs" && requested_block(params) == Some(block) && lying()
        {
            answer["transactions"].as_array_mut().ok_or("no transactions")?.pop();
        }
        Ok(answer)
    })
}

async fn options(dir: &std::path::Path, url: &str) -> ServiceOptions {
    let store: Arc<dyn ProofStore> =
        Arc::new(FsProofStore::open(dir.join("proofs")).await.unwrap());
    ServiceOptions::new(
        url,
        &dir.join("watcher"),
        Arc::new(StandInProver::new()),
        store,
        stand_in::policy(),
    )
}

/// The devnet with a first block of transactions (the one lied about) and its number.
async fn devnet_with_a_block(dir: &std::path::Path) -> (Devnet, u64) {
    let devnet =
        Devnet::start(&dir.join("devnet"), free_addr(), 0, Duration::from_millis(200)).await;
    devnet.send_load(2).await;
    let latest = devnet.wait_included().await;
    let block = (1..=latest).find(|&n| devnet.transaction_count(n) > 0).unwrap();
    (devnet, block)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_block_served_without_a_transaction_for_a_while_heals_without_an_alert() {
    init_logs();
    let dir = tempfile::tempdir().unwrap();
    let (devnet, lied_about) = devnet_with_a_block(dir.path()).await;
    let proxy = Proxy::start(&devnet.url).await;
    let started = Instant::now();
    proxy.set_tamper(Some(drop_last_transaction(lied_about, move || {
        started.elapsed() < Duration::from_secs(2)
    })));

    let mut options = options(dir.path(), &proxy.url).await;
    // Re-fetches after 0.3, 0.6, 1.2, 2.4 s: the lie (2 s) ends before they run out.
    options.divergence_rechecks = 4;
    options.divergence_recheck_delay = Duration::from_millis(300);
    let service = Service::start(options).await;
    devnet.send_load(1).await;
    let last = devnet.wait_included().await;
    wait_progress(&service.progress, 60, "every block proven", |p| {
        p.proven_through.is_some_and(|n| n >= last)
    })
    .await;

    assert!(metric(&service.metrics, "watcher_prover_divergence_rechecks_total") >= 1.0);
    assert_eq!(metric(&service.metrics, "watcher_prover_divergent_blocks_total"), 0.0);
    for number in 0..=last {
        let job = service.jobs.get(number).unwrap().unwrap();
        assert_eq!(job.status, JobStatus::Stored, "block {number}");
        assert_eq!(job.state_root, Some(common_felt32(devnet.block(number).1)), "block {number}");
    }
    service.stop().await;
    devnet.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_persistent_lie_is_divergent_until_retry_failed_fetches_the_truth() {
    init_logs();
    let dir = tempfile::tempdir().unwrap();
    let (devnet, lied_about) = devnet_with_a_block(dir.path()).await;
    let proxy = Proxy::start(&devnet.url).await;
    proxy.set_tamper(Some(drop_last_transaction(lied_about, || true)));

    let service = Service::start(options(dir.path(), &proxy.url).await).await;
    devnet.send_load(2).await;
    let last = devnet.wait_included().await;
    wait_progress(&service.progress, 60, "replay past the lie", |p| {
        p.replayed_through.is_some_and(|n| n >= last)
    })
    .await;
    // The lie, rechecked once, then marked; the blocks replayed on its state diverge too
    // (their roots include the missing transaction's effects).
    let job = service.jobs.get(lied_about).unwrap().unwrap();
    assert_eq!(job.status.kind(), JobStatusKind::Divergent, "{job:?}");
    assert_eq!(metric(&service.metrics, "watcher_prover_divergence_rechecks_total"), 1.0);
    let after = service.jobs.get(last).unwrap().unwrap();
    assert_eq!(after.status.kind(), JobStatusKind::Divergent, "block {last}: {after:?}");
    service.stop().await;

    // A restart alone keeps them divergent; --retry-failed fetches them again.
    proxy.set_tamper(None);
    let mut retry = options(dir.path(), &proxy.url).await;
    retry.retry_failed = true;
    let service = Service::start(retry).await;
    wait_progress(&service.progress, 60, "the retried blocks proven", |p| {
        p.proven_through.is_some_and(|n| n >= last)
    })
    .await;
    for number in 0..=last {
        let job = service.jobs.get(number).unwrap().unwrap();
        assert_eq!(job.status, JobStatus::Stored, "block {number}");
        assert_eq!(job.state_root, Some(common_felt32(devnet.block(number).1)), "block {number}");
    }
    assert_eq!(metric(&service.metrics, "watcher_prover_divergent_blocks_total"), 0.0);
    service.stop().await;
    devnet.stop().await;
}

fn common_felt32(felt: chain::Felt) -> proof_store::Felt32 {
    proof_store::Felt32(felt.to_bytes_be())
}
